//! The status bar: cursor position (WGS84, and GCJ-02 on request), zoom
//! level, a scale bar, the basemap's state (tile failures, a GCJ-02 shift),
//! loading progress and the problem count.

use egui::{Color32, RichText, Sense, Stroke, Ui, vec2};

use crate::app::i18n::Lang;
use crate::app::map::project::ScreenTransform;
use crate::app::worker::LoadProgress;
use binzhou_core::crs::{Crs, from_wgs84};

/// What the status bar shows.
pub struct StatusInfo<'a> {
    pub cursor: Option<(f64, f64)>,
    pub show_gcj02: bool,
    pub transform: Option<ScreenTransform>,
    pub progress: Option<&'a LoadProgress>,
    /// Sites, layers, files.
    pub summary: (usize, usize, usize),
    /// Errors, all problems.
    pub problems: (usize, usize),
    /// What to say about the basemap: text, and whether it is a problem.
    pub basemap: Vec<(String, bool)>,
    /// The GNSS receiver's line, and whether it is a problem.
    pub gnss: Option<(String, bool)>,
    /// The shared database's line (online, offline), and whether it is a problem.
    pub database: Option<(String, bool)>,
    /// While the track is being recorded: what to say.
    pub recording: Option<(String, bool)>,
}

/// A "nice" scale-bar length in metres (1, 2 or 5 × 10ⁿ) no longer than
/// `max_px` pixels, and its length in pixels.
pub fn nice_scale(metres_per_px: f64, max_px: f64) -> Option<(f64, f64)> {
    if !(metres_per_px.is_finite() && metres_per_px > 0.0) {
        return None;
    }
    let max_m = metres_per_px * max_px;
    let exp = max_m.log10().floor();
    let base = 10f64.powf(exp);
    let m = [5.0, 2.0, 1.0].into_iter().map(|f| f * base).find(|&m| m <= max_m)?;
    Some((m, m / metres_per_px))
}

fn scale_bar(ui: &mut Ui, t: &ScreenTransform, lang: Lang) {
    let (_, lat) = t.centre();
    let Some((m, px)) = nice_scale(t.metres_per_pixel(lat), 110.0) else {
        return;
    };
    let label = lang.distance(m);
    ui.label(RichText::new(label).small());
    let (rect, _) = ui.allocate_exact_size(vec2(px as f32 + 4.0, 14.0), Sense::hover());
    let y = rect.center().y + 3.0;
    let (x0, x1) = (rect.left() + 2.0, rect.left() + 2.0 + px as f32);
    let stroke = Stroke::new(1.5, ui.visuals().text_color());
    let p = ui.painter();
    p.line_segment([egui::pos2(x0, y), egui::pos2(x1, y)], stroke);
    for x in [x0, x1] {
        p.line_segment([egui::pos2(x, y - 5.0), egui::pos2(x, y)], stroke);
    }
}

/// Draws the bar; says whether the problem count was clicked.
pub fn show(ui: &mut Ui, info: &StatusInfo, lang: Lang) -> bool {
    let t = lang.text();
    let mut problems_clicked = false;
    ui.horizontal(|ui| {
        match info.cursor {
            Some((lon, lat)) => {
                ui.monospace(format!("{} {lon:.6}, {lat:.6}", t.cursor_wgs84));
                if info.show_gcj02
                    && let Ok((glon, glat)) = from_wgs84(Crs::Gcj02, lon, lat)
                {
                    ui.separator();
                    ui.monospace(format!("{} {glon:.6}, {glat:.6}", t.cursor_gcj02));
                }
            }
            None => {
                ui.monospace(format!("{} —", t.cursor_wgs84));
            }
        }
        if let Some(tr) = &info.transform {
            ui.separator();
            ui.label(format!("{} {:.1}", t.zoom_level, tr.zoom()));
            ui.separator();
            scale_bar(ui, tr, lang);
        }
        for (text, problem) in info.basemap.iter().chain(&info.database).chain(&info.gnss).chain(&info.recording) {
            ui.separator();
            if *problem {
                ui.label(RichText::new(text).color(Color32::from_rgb(190, 50, 30)));
            } else {
                ui.label(text);
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (errors, total) = info.problems;
            if total > 0 {
                let colour = if errors > 0 { Color32::from_rgb(200, 60, 30) } else { ui.visuals().text_color() };
                if ui
                    .add(egui::Button::new(RichText::new(lang.problem_count(errors, total)).color(colour)).frame(false))
                    .clicked()
                {
                    problems_clicked = true;
                }
                ui.separator();
            }
            match info.progress {
                Some(p) => {
                    let frac = if p.total > 0 { p.read as f32 / p.total as f32 } else { 0.0 };
                    ui.add(egui::ProgressBar::new(frac).desired_width(140.0).show_percentage());
                    ui.label(lang.loading(&p.file, p.read, p.total));
                }
                None => {
                    let (s, l, f) = info.summary;
                    ui.label(lang.loaded(s, l, f));
                }
            }
        });
    });
    problems_clicked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_bar_picks_a_round_distance_that_fits() {
        let (m, px) = nice_scale(12.0, 110.0).unwrap();
        assert_eq!(m, 1000.0);
        assert!((px - 83.33).abs() < 0.1);
        assert_eq!(nice_scale(0.0, 100.0), None);
        assert_eq!(Lang::Zh.distance(500.0), "500 米");
        assert_eq!(Lang::En.distance(2000.0), "2 km");
    }
}
