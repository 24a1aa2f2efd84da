//! Measuring on the map (M): a geodesic distance along clicked points and
//! the area of the polygon they make, snapping to site vertices and edges nearby;
//! Esc ends.

use geo::{Coord, Geodesic, GeodesicArea, Length, LineString, Polygon};

use super::*;

/// The measurement under way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measure {
    /// Clicked points, WGS 84 lon/lat.
    pub points: Vec<(f64, f64)>,
}

impl Measure {
    /// The geodesic length along the points, metres.
    pub fn length_m(&self) -> f64 {
        let line: LineString<f64> = self.points.iter().map(|&(x, y)| Coord { x, y }).collect();
        Geodesic.length(&line)
    }

    /// The geodesic area of the polygon the points make (three or more), m²,
    /// whichever way they were clicked.
    pub fn area_m2(&self) -> f64 {
        if self.points.len() < 3 {
            return 0.0;
        }
        let ring: LineString<f64> = self.points.iter().map(|&(x, y)| Coord { x, y }).collect();
        Polygon::new(ring, vec![]).geodesic_area_unsigned()
    }
}

impl App {
    /// Starts or ends measuring.
    pub(super) fn toggle_measure(&mut self) {
        self.measure = match self.measure {
            Some(_) => None,
            None => Some(Measure::default()),
        };
    }

    /// The measurement under way, for tests.
    pub fn measuring(&self) -> Option<&Measure> {
        self.measure.as_ref()
    }

    /// Adds the point under a click, snapped to the nearest site vertex
    /// (else edge) within [`super::geom_edit::HANDLE_PX`].
    pub(super) fn measure_click(&mut self, at: Pos2) {
        if self.map.transform.is_none() {
            return;
        }
        let c = self.snapped(at, None);
        if let Some(m) = &mut self.measure {
            m.points.push((c.x, c.y));
        }
    }

    /// The measurement's lines, points and, from three points, its polygon.
    pub(super) fn paint_measure(&self, ui: &Ui, clip: egui::Rect) {
        let (Some(m), Some(t)) = (&self.measure, self.map.transform) else { return };
        let pts: Vec<Pos2> =
            m.points.iter().map(|&(lon, lat)| t.to_screen(binzhou_core::mercator::to_unit(lon, lat))).collect();
        let p = ui.painter().with_clip_rect(clip);
        let ink = Color32::from_rgb(20, 90, 200);
        if pts.len() >= 3 {
            let mut ring = pts.clone();
            ring.push(pts[0]);
            p.add(egui::Shape::dashed_line(&ring[pts.len() - 1..], egui::Stroke::new(1.5, ink), 6.0, 4.0));
            // Not necessarily convex: a light fill through a mesh would need
            // triangulating; the outline and the figure say enough.
        }
        if pts.len() >= 2 {
            p.add(egui::Shape::line(pts.clone(), egui::Stroke::new(4.0, Color32::WHITE)));
            p.add(egui::Shape::line(pts.clone(), egui::Stroke::new(2.5, ink)));
        }
        for &q in &pts {
            p.circle(q, 4.0, Color32::WHITE, egui::Stroke::new(2.0, ink));
        }
    }

    /// The measurement's figures over the map, bottom left; returns the rect it covers.
    pub(super) fn measure_overlay(&mut self, ctx: &egui::Context, rect: egui::Rect) -> Option<egui::Rect> {
        let lang = self.state.lang;
        let m = self.measure.as_ref()?;
        let t = lang.checks();
        let text = lang.measure_result(m.points.len(), m.length_m(), m.area_m2());
        let mut done = false;
        let shown = egui::Area::new(egui::Id::unique("measure-overlay"))
            .fixed_pos(rect.left_bottom() + vec2(10.0, -28.0))
            .pivot(Align2::LEFT_BOTTOM)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(RichText::new(t.measure_title).strong());
                    ui.label(&text);
                    ui.horizontal(|ui| {
                        if ui.button(t.measure_copy).clicked() {
                            ui.ctx().copy_text(text.clone());
                        }
                        if ui.button(t.measure_end).clicked() {
                            done = true;
                        }
                    });
                    ui.label(RichText::new(t.measure_hint).small().weak());
                });
            });
        if done {
            self.measure = None;
        }
        Some(shown.response.rect)
    }
}
