//! What is drawn over the map: notices, the zoom buttons, dropped files
//! and the basemap's credit; and the rects they cover, which fits avoid.

use super::*;

impl App {
    pub(super) fn map_overlays(&mut self, ui: &mut Ui, rect: egui::Rect) {
        let lang = self.state.lang;
        let t = lang.text();
        let ctx = ui.ctx().clone();
        let mut covered = self.paint_swipe(ui, rect);
        // Zoom buttons, top right (not in an exported image).
        let zoom = egui::Area::new(egui::Id::unique("zoom-overlay"))
            .fixed_pos(rect.right_top() + vec2(-10.0, 10.0))
            .pivot(Align2::RIGHT_TOP)
            .show(&ctx, |ui| {
                if super::render::is_offscreen(ui.ctx()) {
                    ui.set_invisible();
                }
                egui::Frame::popup(ui.style()).inner_margin(4.0).show(ui, |ui| {
                    ui.vertical(|ui| {
                        if ui.button(RichText::new(t.zoom_in_glyph).size(16.0)).on_hover_text(t.zoom_in).clicked() {
                            self.map.zoom_by(1.0);
                        }
                        if ui.button(RichText::new(t.zoom_out_glyph).size(16.0)).on_hover_text(t.zoom_out).clicked() {
                            self.map.zoom_by(-1.0);
                        }
                        if ui.button(RichText::new(t.home_glyph).size(16.0)).on_hover_text(t.home).clicked() {
                            self.map.fit(main_city_bounds(), 16.0, true);
                        }
                    });
                });
            });
        covered.push(zoom.response.rect);
        // Attribution, bottom right.
        if let Some(a) = self.basemap_mut().attribution(lang) {
            ui.painter().text(
                rect.right_bottom() + vec2(-6.0, -4.0),
                Align2::RIGHT_BOTTOM,
                a,
                egui::FontId::proportional(11.0),
                Color32::from_rgb(110, 110, 110),
            );
        }
        // Notices, top centre.
        let dt = ctx.input(|i| i.stable_dt).clamp(0.0, 0.25);
        for n in &mut self.notices {
            if let Some(ttl) = &mut n.ttl {
                *ttl -= dt;
                ctx.request_repaint_after(Duration::from_millis(250));
            }
        }
        self.notices.retain(|n| n.ttl.is_none_or(|t| t > 0.0));
        if !self.notices.is_empty() {
            let mut dismiss = None;
            let notices = egui::Area::new(egui::Id::unique("notices"))
                .fixed_pos(rect.center_top() + vec2(0.0, 10.0))
                .pivot(Align2::CENTER_TOP)
                .show(&ctx, |ui| {
                    for (k, n) in self.notices.iter().enumerate() {
                        egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.set_max_width(560.0);
                            ui.horizontal_wrapped(|ui| {
                                ui.label(&n.text);
                                if ui.small_button(t.dismiss).clicked() {
                                    dismiss = Some(k);
                                }
                            });
                        });
                    }
                });
            covered.push(notices.response.rect);
            if let Some(k) = dismiss {
                self.notices.remove(k);
            }
        }
        if let Some(r) = self.measure_overlay(&ctx, rect) {
            covered.push(r);
        }
        // The credit line along the bottom.
        covered.push(egui::Rect::from_min_max(rect.left_bottom() - vec2(0.0, 18.0), rect.right_bottom()));
        covered.extend(self.geom_windows(&ctx, rect));
        covered.extend(self.present_overlays(ui, rect));
        covered.extend(self.tour_overlay(&ctx, rect));
        self.overlay_rects = covered;
        // Files dragged over the window.
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            let p = ui.painter();
            p.rect_filled(rect, 0.0, Color32::from_rgba_unmultiplied(0, 60, 120, 90));
            p.text(
                rect.center(),
                Align2::CENTER_CENTER,
                t.drop_files,
                egui::FontId::proportional(24.0),
                Color32::WHITE,
            );
        }
    }

    pub(super) fn basemap_mut(&mut self) -> &mut dyn BasemapSource {
        match self.state.basemap {
            BasemapChoice::Vector => &mut self.vector,
            BasemapChoice::None => &mut self.plain,
            BasemapChoice::Tiles => &mut self.tile_basemap,
        }
    }

    /// Opens the chosen tile source if it changed (or closes it when another
    /// basemap is chosen), and logs new tile failures once.
    pub(super) fn sync_tile_basemap(&mut self, ctx: &egui::Context) {
        if self.state.basemap == BasemapChoice::Tiles {
            self.tile_basemap.sync(ctx, &self.state.tiles);
            for notice in self.tile_basemap.take_notices() {
                tracing::warn!("{notice}");
            }
        } else if !self.tile_basemap.name().is_empty() {
            self.tile_basemap.close();
        }
    }

    /// The basemap's status-bar items: the tile source's, then the dialogs'.
    pub(super) fn basemap_status(&self) -> Vec<(String, bool)> {
        let mut out = if self.state.basemap == BasemapChoice::Tiles {
            self.tile_basemap.status(self.state.lang)
        } else {
            Vec::new()
        };
        out.extend(self.tiles.status(&self.state));
        out
    }
}
