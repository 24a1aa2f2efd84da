//! Before/after: two years of the plan at the same view, split by a
//! draggable divider (a swipe): left of it the earlier year, right of it
//! the later one, and the sites whose status changed between them ringed on
//! both sides.

use egui::{Color32, Stroke};

use binzhou_core::model::YearView;

use super::data::SiteLooks;
use super::map::sites_plugin::{DrawStyle, build_site_shapes, paint_cluster};
use super::*;

/// A swipe under way.
#[derive(Debug, Clone)]
pub struct Swipe {
    /// Left of the divider.
    pub before: YearView,
    /// Right of the divider.
    pub after: YearView,
    /// Where the divider is, as a fraction of the map's width.
    pub at: f32,
    /// The later year's looks, for (after, data generation).
    looks: Option<(YearView, u64, SiteLooks)>,
}

impl Swipe {
    /// A swipe between two years, the divider in the middle.
    pub fn new(before: YearView, after: YearView) -> Self {
        Swipe { before, after, at: 0.5, looks: None }
    }
}

impl App {
    /// Shows two years side by side with a divider (the map shows `before`).
    pub fn start_swipe(&mut self, before: YearView, after: YearView) {
        self.state.year = before;
        self.swipe = Some(Swipe::new(before, after));
    }

    /// Ends the before/after view.
    pub fn end_swipe(&mut self) {
        self.swipe = None;
    }

    /// Puts the divider at a fraction of the map's width (for tests and scripts).
    pub fn set_swipe_at(&mut self, at: f32) {
        if let Some(sw) = &mut self.swipe {
            sw.at = at.clamp(0.02, 0.98);
        }
    }

    /// The before/after view, while on (for tests).
    pub fn swipe(&self) -> Option<&Swipe> {
        self.swipe.as_ref()
    }

    /// After the map is drawn: the later year right of the divider, the
    /// changed sites ringed, the divider with its handle and the two years'
    /// names. Returns what the handle and the names cover.
    pub(super) fn paint_swipe(&mut self, ui: &mut Ui, rect: egui::Rect) -> Vec<egui::Rect> {
        let Some(t) = self.map.transform else { return Vec::new() };
        let layers = self.layer_looks();
        let Some(sw) = &mut self.swipe else { return Vec::new() };
        // The map shows the earlier year.
        self.state.year = sw.before;
        let cached = sw.looks.take().filter(|(y, g, _)| *y == sw.after && *g == self.generation);
        let (_, _, later) = cached.unwrap_or_else(|| (sw.after, self.generation, self.data.looks(sw.after)));
        let (before, after, at) = (sw.before, sw.after, sw.at);
        let x = rect.left() + rect.width() * at.clamp(0.0, 1.0);
        let right = egui::Rect::from_min_max(egui::pos2(x, rect.top()), rect.right_bottom());
        let style = DrawStyle {
            looks: &later,
            layers: &layers,
            colour_by: state::ColourBy::Status,
            selected: self.selected,
            hovered: None,
            show_changes: false,
            labels: false,
            checks: &[],
            gpu: false,
        };
        let view = t.visible_lon_lat(16.0);
        let visible = self.data.index.in_rect(view);
        let frame = build_site_shapes(&self.data.dataset.sites, &self.data.geoms, &visible, &t, &style);
        let p = ui.painter().with_clip_rect(right);
        p.extend(frame.shapes);
        for c in &frame.clusters {
            paint_cluster(&p, c);
        }
        // Sites whose class differs between the years, ringed on both sides.
        let ring = Stroke::new(1.5, Color32::from_rgba_unmultiplied(0x1f, 0x4e, 0xb4, 190));
        let all = ui.painter().with_clip_rect(rect);
        for &i in &visible {
            let (a, b) = (self.looks.class.get(i).copied().flatten(), later.class.get(i).copied().flatten());
            if a != b
                && let Some(g) = self.data.geoms.get(i)
            {
                all.circle_stroke(t.to_screen(g.anchor), 9.0, ring);
            }
        }
        // The divider and its handle.
        all.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())], Stroke::new(3.0, Color32::WHITE));
        all.line_segment(
            [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
            Stroke::new(1.0, Color32::from_gray(40)),
        );
        let lang = self.state.lang;
        let mut covered = Vec::new();
        let handle = egui::Rect::from_center_size(egui::pos2(x, rect.center().y), vec2(26.0, 56.0));
        let resp = ui.interact(handle, egui::Id::unique("swipe-divider"), egui::Sense::drag());
        let resp = resp.on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
        all.rect_filled(handle, 6.0, Color32::WHITE);
        all.rect_stroke(handle, 6.0, Stroke::new(1.5, Color32::from_gray(40)), egui::StrokeKind::Inside);
        all.text(handle.center(), Align2::CENTER_CENTER, "⇔", egui::FontId::proportional(16.0), Color32::from_gray(40));
        if resp.dragged()
            && let Some(sw) = &mut self.swipe
        {
            sw.at = ((x + resp.drag_delta().x - rect.left()) / rect.width()).clamp(0.02, 0.98);
        }
        covered.push(handle);
        for (year, pos, align) in [
            (before, egui::pos2(x - 10.0, rect.top() + 120.0), Align2::RIGHT_TOP),
            (after, egui::pos2(x + 10.0, rect.top() + 120.0), Align2::LEFT_TOP),
        ] {
            let font = egui::FontId::proportional(20.0);
            let galley = all.layout_no_wrap(lang.year_long(year), font, Color32::from_gray(20));
            let r = align.anchor_size(pos, galley.size()).expand(6.0);
            all.rect_filled(r, 4.0, Color32::from_white_alpha(230));
            all.galley(r.min + vec2(6.0, 6.0), galley, Color32::from_gray(20));
            covered.push(r);
        }
        if let Some(sw) = &mut self.swipe {
            sw.looks = Some((after, self.generation, later));
        }
        covered
    }
}
