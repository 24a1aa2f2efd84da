//! The dashboard's table of figures: one row per target, every figure a
//! button that selects its sites.

use std::collections::BTreeMap;

use egui::{RichText, Sense, Ui};

use binzhou_core::model::{PlanLayer, StatusClass};
use binzhou_core::stats::{Figure, StatRow, figure_sites, is_behind};

use super::labels::{amount_text, figure_hint, figure_label, figure_name, layer_name, row_short_title, row_title};
use crate::app::i18n::Lang;
use crate::app::map::style::status_colour;
use crate::app::panels::ctx::{PanelAction, PanelCtx};

/// A clickable figure or title with an accessible name of its own.
fn clickable(ui: &mut Ui, text: RichText, name: String) -> egui::Response {
    let resp = ui.add(egui::Label::new(text).sense(Sense::click())).on_hover_cursor(egui::CursorIcon::PointingHand);
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    resp
}

/// The table of figures, grouped by layer.
pub(super) fn figures_table(ui: &mut Ui, rows: &[StatRow], show_counties: bool, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let txt = lang.text();
    let view = ctx.view;
    let mut action = None;
    let mut by_layer: BTreeMap<PlanLayer, Vec<&StatRow>> = BTreeMap::new();
    for r in rows {
        if show_counties || r.district.is_none() {
            by_layer.entry(r.layer).or_default().push(r);
        }
    }
    let done_colour = status_colour(StatusClass::Done);
    let overdue_colour = status_colour(StatusClass::Overdue);
    let columns = Figure::columns_for(rows);
    egui::ScrollArea::horizontal().id_salt("dashboard-figures").show(ui, |ui| {
        egui::Grid::new("dashboard-figures-grid")
            .striped(true)
            .num_columns(columns.len() + 3)
            .min_col_width(28.0)
            .show(ui, |ui| {
                ui.strong(txt.dash_col_target);
                ui.strong(txt.dash_col_goal);
                for &f in &columns {
                    ui.strong(figure_name(f, lang)).on_hover_text(figure_hint(f, lang));
                }
                ui.strong(txt.dash_col_percent);
                ui.end_row();
                for (layer, rs) in &by_layer {
                    ui.label(RichText::new(layer_name(*layer, lang)).strong());
                    ui.end_row();
                    for r in rs {
                        let km = r.layer.counts_km();
                        let behind = is_behind(r, view);
                        let title = row_title(r, lang);
                        let sentence =
                            if lang == Lang::Zh || r.sentence_en.is_empty() { &r.sentence } else { &r.sentence_en };
                        let behind_word = txt.dash_behind;
                        let mut text = RichText::new(if behind {
                            format!("{} · {behind_word}", row_short_title(r, lang))
                        } else {
                            row_short_title(r, lang)
                        });
                        if behind {
                            text = text.color(ui.visuals().error_fg_color).strong();
                        }
                        let hover =
                            if behind { format!("{sentence}\n\n{}", txt.dash_period_over) } else { sentence.clone() };
                        let name = if behind { format!("{title} · {behind_word}") } else { title };
                        if clickable(ui, text, name).on_hover_text(hover).clicked() {
                            action = Some(PanelAction::Select(r.sites.clone()));
                        }
                        let goal_text = match r.target {
                            Some(t) => format!("{} {}", amount_text(t, km), r.unit),
                            None => "—".into(),
                        };
                        ui.label(goal_text).on_hover_text(sentence);
                        for &f in &columns {
                            let v = f.of(r);
                            let mut t = RichText::new(amount_text(v, km));
                            if f == Figure::Done && v > 0.0 {
                                t = t.color(done_colour);
                            } else if f == Figure::Overdue && v > 0.0 {
                                t = t.color(overdue_colour).strong();
                            }
                            let mut hover = format!("{}: {}", txt.dash_click_to_select, figure_name(f, lang));
                            if f == Figure::Overdue && v > 0.0 {
                                hover =
                                    format!("{hover}\n{}", lang.overdue_started(&amount_text(r.overdue_started, km)));
                            }
                            let resp = clickable(ui, t, figure_label(r, f, lang)).on_hover_text(hover);
                            if resp.clicked() {
                                action = Some(PanelAction::Select(figure_sites(ctx.dataset, view, r, f)));
                            }
                        }
                        let pct = r.percent.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into());
                        let mut t = RichText::new(pct);
                        if behind {
                            t = t.color(ui.visuals().error_fg_color);
                        }
                        ui.label(t).on_hover_text(txt.dash_percent_hint);
                        ui.end_row();
                    }
                }
            });
    });
    ui.label(RichText::new(txt.dash_figures_add_up).small().weak());
    action
}
