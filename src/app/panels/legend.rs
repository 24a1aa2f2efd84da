//! The legend: the colours in use with live counts of the visible sites at
//! the viewed year, and the marks for what changed since the year before.

use egui::{RichText, Ui};

use crate::app::checks::SiteSlots;
use crate::app::data::{MapData, SiteLooks};
use crate::app::i18n::Lang;
use crate::app::map::style::{check_colour, darker, layer_colour, status_colour, with_alpha};
use crate::app::state::{ColourBy, ViewState};
use binzhou_core::checks::CheckResult;
use binzhou_core::model::{LayerKey, StatusClass};
use binzhou_core::stats::CLASSES;

use super::swatch;

/// The legend's text for a class and its count: also its accessible name.
pub fn status_row_text(lang: Lang, class: StatusClass, count: usize) -> String {
    format!("{} {}", lang.status(class), count)
}

/// The counts the legend shows: per class and the two changes, over visible layers.
pub fn visible_totals(data: &MapData, looks: &SiteLooks, state: &ViewState) -> ([usize; CLASSES], [usize; 2]) {
    looks.totals(|slot| data.layers.get(slot).is_some_and(|l| state.layer(&l.key.key()).visible))
}

fn ring(ui: &mut Ui, colour: egui::Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
    ui.painter().circle_stroke(rect.center(), 5.5, egui::Stroke::new(3.0, with_alpha(colour, 0.6)));
}

/// Per check slot (results, then not checked), plan sites of visible layers;
/// and how many were checked today.
pub fn check_totals(data: &MapData, state: &ViewState, checks: &SiteSlots) -> ([usize; 5], usize) {
    let mut counts = [0usize; 5];
    let mut today = 0;
    for (slot, info) in data.layers.iter().enumerate() {
        if matches!(info.key, LayerKey::Reference(_)) || !state.layer(&info.key.key()).visible {
            continue;
        }
        if let Some(c) = checks.per_layer.get(slot) {
            for (k, n) in counts.iter_mut().enumerate() {
                *n += c[k];
            }
            today += c[5];
        }
    }
    (counts, today)
}

/// Draws the legend.
pub fn show(
    ui: &mut Ui,
    data: &MapData,
    looks: &SiteLooks,
    state: &mut ViewState,
    lang: Lang,
    checks: &SiteSlots,
    journal: bool,
) {
    let t = lang.text();
    // The heading is the collapsing header's, in the layer panel.
    ui.label(RichText::new(lang.year_long(state.year)).weak());
    ui.horizontal(|ui| {
        ui.label(t.colour_by);
        ui.selectable_value(&mut state.colour_by, ColourBy::Status, t.by_status);
        ui.selectable_value(&mut state.colour_by, ColourBy::Layer, t.by_layer);
        if journal {
            ui.selectable_value(&mut state.colour_by, ColourBy::Checks, lang.checks().by_checks);
        }
    });
    ui.separator();
    let (counts, changes) = visible_totals(data, looks, state);
    match state.colour_by {
        ColourBy::Status => {
            for (k, class) in StatusClass::ALL.into_iter().enumerate() {
                if class == StatusClass::Unknown && counts[k] == 0 {
                    continue; // only broken dates make it; clean data need not show it
                }
                ui.horizontal(|ui| {
                    let c = status_colour(class);
                    swatch(ui, c, darker(c));
                    ui.label(status_row_text(lang, class, counts[k]));
                });
            }
            ui.horizontal(|ui| {
                ui.add_space(18.0);
                ui.label(RichText::new(format!("{} {}", t.total, counts.iter().sum::<usize>())).weak());
            });
        }
        ColourBy::Checks => {
            let (counts, today) = check_totals(data, state, checks);
            for (k, n) in counts.iter().enumerate() {
                ui.horizontal(|ui| {
                    let c = check_colour(k);
                    swatch(ui, c, darker(c));
                    let name = match CheckResult::ALL.get(k) {
                        Some(&r) => lang.check_result(r),
                        None => lang.checks().not_checked,
                    };
                    ui.label(format!("{name} {n}"));
                });
            }
            ui.horizontal(|ui| {
                ui.add_space(18.0);
                ui.label(RichText::new(lang.checked_today(today)).weak());
            });
        }
        ColourBy::Layer => {
            for (slot, info) in data.layers.iter().enumerate() {
                let key = info.key.key();
                if !state.layer(&key).visible {
                    continue;
                }
                ui.horizontal(|ui| {
                    let c = layer_colour(&info.key);
                    swatch(ui, c, darker(c));
                    let n: usize = if matches!(info.key, LayerKey::Reference(_)) {
                        info.count
                    } else {
                        looks.counts.get(slot).map(|c| c.iter().sum()).unwrap_or(0)
                    };
                    ui.label(format!("{} {}", lang.layer(&info.key), n));
                });
            }
        }
    }
    if state.show_changes && state.year.previous().is_some() {
        ui.separator();
        ui.horizontal(|ui| {
            ring(ui, status_colour(StatusClass::Done));
            ui.label(format!("{} {}", t.newly_done, changes[0]));
        });
        ui.horizontal(|ui| {
            ring(ui, status_colour(StatusClass::Overdue));
            ui.label(format!("{} {}", t.newly_overdue, changes[1]));
        });
    }
    ui.label(RichText::new(t.legend_scope_hint).small().weak());
}
