//! Presentation mode (F5) for on-site inspections: full screen, every
//! working panel hidden, text and symbols scaled for a room, and over the
//! map a title bar (the plan, the year, the illustrative-data mark), a
//! compact legend with live counts, a scale bar, a north arrow and, for a
//! clicked site, a large info card. Esc restores the layout as it was.

use egui::{Color32, Stroke};

use binzhou_core::model::{StatusClass, YearView};

use super::map::style::{darker, status_colour};
use super::state::Panels;
use super::*;

/// What presentation mode put aside, to put back on leaving.
#[derive(Debug, Clone)]
pub struct Presenting {
    panels: Panels,
    zoom_factor: f32,
}

impl App {
    /// Whether presentation mode is on.
    pub fn is_presenting(&self) -> bool {
        self.present.is_some()
    }

    /// Enters or leaves presentation mode.
    pub fn toggle_presentation(&mut self, ctx: &egui::Context) {
        match self.present.take() {
            Some(p) => {
                self.state.panels = p.panels;
                ctx.set_zoom_factor(p.zoom_factor);
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
            }
            None => {
                let zoom_factor = ctx.zoom_factor();
                self.present = Some(Presenting { panels: self.state.panels, zoom_factor });
                self.state.panels = Panels {
                    layers: false,
                    legend: false,
                    identify: false,
                    problems: false,
                    dashboard: false,
                    table: false,
                    audit: false,
                };
                self.editing.form = None;
                ctx.set_zoom_factor(zoom_factor * self.state.present_scale.clamp(1.0, 3.0));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
            }
        }
    }

    /// F5 enters or leaves; Esc leaves.
    pub(super) fn present_keys(&mut self, ctx: &egui::Context) {
        let f5 = ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F5));
        let leave = !f5
            && self.present.is_some()
            && !ctx.egui_wants_keyboard_input()
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape));
        if f5 || leave {
            self.toggle_presentation(ctx);
        }
    }

    /// The title bar, legend, scale bar, north arrow and info card over
    /// the map; returns what they cover.
    pub(super) fn present_overlays(&mut self, ui: &mut Ui, rect: egui::Rect) -> Vec<egui::Rect> {
        if self.present.is_none() {
            return Vec::new();
        }
        let lang = self.state.lang;
        let pt = lang.present();
        let ctx = ui.ctx().clone();
        let mut covered = Vec::new();
        // Title bar, top left.
        let title = egui::Area::new(egui::Id::unique("present-title"))
            .fixed_pos(rect.left_top() + vec2(12.0, 12.0))
            .show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).inner_margin(10.0).show(ui, |ui| {
                    ui.label(RichText::new(pt.plan_title).heading().strong());
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(lang.year_long(self.state.year)).size(18.0));
                        if self.illustrative {
                            ui.label(
                                RichText::new(lang.text().illustrative_badge)
                                    .size(16.0)
                                    .color(Color32::from_rgb(0xb0, 0x60, 0x00)),
                            );
                        }
                        // An exported image says when it was made, and has no button.
                        if super::render::is_offscreen(ui.ctx()) {
                            let today = super::i18n::beijing_time(&binzhou_journal::now());
                            let date = today.split(' ').next().unwrap_or_default().to_string();
                            ui.label(RichText::new(lang.made_on(&date)).size(16.0));
                        } else if ui.small_button(pt.leave).clicked() {
                            self.toggle_presentation(ui.ctx());
                        }
                    });
                });
            });
        covered.push(title.response.rect);
        // Legend with live counts (visible layers), bottom left.
        let mut counts = [0usize; binzhou_core::stats::CLASSES];
        for (slot, l) in self.data.layers.iter().enumerate() {
            if self.state.layer(&l.key.key()).visible
                && let Some(c) = self.looks.counts.get(slot)
            {
                for k in 0..binzhou_core::stats::CLASSES {
                    counts[k] += c[k];
                }
            }
        }
        let legend = egui::Area::new(egui::Id::unique("present-legend"))
            .fixed_pos(rect.left_bottom() + vec2(12.0, -12.0))
            .pivot(Align2::LEFT_BOTTOM)
            .show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).inner_margin(8.0).show(ui, |ui| {
                    for (k, class) in StatusClass::ALL.into_iter().enumerate() {
                        if class == StatusClass::Unknown && counts[k] == 0 {
                            continue;
                        }
                        ui.horizontal(|ui| {
                            let c = status_colour(class);
                            panels::swatch(ui, c, darker(c));
                            ui.label(RichText::new(format!("{} {}", lang.status(class), counts[k])).size(16.0));
                        });
                    }
                });
            });
        covered.push(legend.response.rect);
        // Scale bar and north arrow, bottom right.
        if let Some(t) = self.map.transform {
            let p = ui.painter().with_clip_rect(rect);
            let ink = Color32::from_gray(30);
            let (_, lat) = t.centre();
            if let Some((m, px)) = panels::status_bar::nice_scale(t.metres_per_pixel(lat), 160.0) {
                let right = rect.right_bottom() + vec2(-24.0, -28.0);
                let (x0, x1) = (right.x - px as f32, right.x);
                let bg =
                    egui::Rect::from_min_max(egui::pos2(x0 - 8.0, right.y - 30.0), egui::pos2(x1 + 8.0, right.y + 8.0));
                p.rect_filled(bg, 4.0, Color32::from_white_alpha(220));
                let stroke = Stroke::new(2.5, ink);
                p.line_segment([egui::pos2(x0, right.y), egui::pos2(x1, right.y)], stroke);
                for x in [x0, x1] {
                    p.line_segment([egui::pos2(x, right.y - 7.0), egui::pos2(x, right.y)], stroke);
                }
                p.text(
                    egui::pos2((x0 + x1) / 2.0, right.y - 9.0),
                    Align2::CENTER_BOTTOM,
                    lang.distance(m),
                    egui::FontId::proportional(15.0),
                    ink,
                );
                covered.push(bg);
                // The north arrow above the scale bar (Web Mercator: north is up).
                let c = egui::pos2(x1 - 14.0, bg.top() - 40.0);
                let arrow = [c + vec2(0.0, -22.0), c + vec2(9.0, 10.0), c + vec2(0.0, 4.0), c + vec2(-9.0, 10.0)];
                p.circle_filled(c + vec2(0.0, -4.0), 22.0, Color32::from_white_alpha(220));
                p.add(egui::Shape::convex_polygon(arrow.to_vec(), ink, Stroke::NONE));
                p.text(c + vec2(0.0, 12.0), Align2::CENTER_TOP, pt.north, egui::FontId::proportional(14.0), ink);
                covered.push(egui::Rect::from_center_size(c, vec2(48.0, 64.0)));
            }
        }
        if let Some(i) = self.selected
            && let Some(r) = self.info_card(&ctx, rect, i)
        {
            covered.push(r);
        }
        covered
    }

    /// A clicked site's card: name, status at each year, lead unit and the
    /// plan's sentence for its target, top right.
    fn info_card(&mut self, ctx: &egui::Context, rect: egui::Rect, i: usize) -> Option<egui::Rect> {
        let lang = self.state.lang;
        let pt = lang.present();
        let site = self.data.dataset.sites.get(i)?;
        let sentence = site.layer().plan().and_then(|layer| {
            self.targets
                .targets
                .iter()
                .find(|t| {
                    t.layer == layer
                        && site.plan_year.is_some_and(|y| t.period.contains(y))
                        && site.scope.is_none_or(|s| s == t.scope)
                        && t.kind.as_deref().is_none_or(|k| site.kind() == Some(k))
                })
                .map(|t| if lang == Lang::Zh { t.sentence.clone() } else { t.sentence_en.clone() })
        });
        let mut close = false;
        let shown = egui::Area::new(egui::Id::unique("present-card"))
            // Right, below the zoom buttons; the title is on the left.
            .fixed_pos(rect.right_top() + vec2(-12.0, 130.0))
            .pivot(Align2::RIGHT_TOP)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).inner_margin(12.0).show(ui, |ui| {
                    ui.set_max_width(420.0);
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(site.name()).heading().strong());
                        close = ui.small_button("×").clicked();
                    });
                    ui.label(RichText::new(lang.layer(site.layer())).size(16.0));
                    if site.has_schedule() {
                        for y in YearView::PLAN_YEARS {
                            let class = site.status(y).class();
                            ui.horizontal(|ui| {
                                let c = status_colour(class);
                                panels::swatch(ui, c, darker(c));
                                ui.label(
                                    RichText::new(format!("{}  {}", lang.year_long(y), lang.status(class))).size(16.0),
                                );
                            });
                        }
                    }
                    if let Some(u) = site.lead_unit() {
                        ui.label(RichText::new(lang.lead_unit_line(u)).size(16.0));
                    }
                    if let Some(s) = &sentence {
                        ui.add_space(4.0);
                        ui.label(RichText::new(pt.target).weak());
                        ui.label(RichText::new(s).size(16.0));
                    }
                });
            });
        if close {
            self.selected = None;
        }
        Some(shown.response.rect)
    }
}
