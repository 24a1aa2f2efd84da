//! The problems panel: what validation found, with a click on a problem
//! that has a location zooming to the feature.

use egui::{Color32, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::app::i18n::Lang;
use binzhou_core::model::{Problem, Severity};

/// The panel's own state.
#[derive(Debug, Default)]
pub struct ProblemsState {
    /// Only this severity, or all.
    pub filter: Option<Severity>,
}

fn severity_colour(s: Severity) -> Color32 {
    match s {
        Severity::Error => Color32::from_rgb(200, 40, 30),
        Severity::Warning => Color32::from_rgb(200, 120, 0),
        Severity::Notice => Color32::from_rgb(60, 110, 170),
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The text of a problem's message cell, in the interface's language: also
/// its accessible name.
pub fn message_text(p: &Problem, lang: Lang) -> String {
    p.message_in(lang == Lang::Zh)
}

/// Draws the panel; returns the box to zoom to when a located problem was clicked.
pub fn show(ui: &mut Ui, problems: &[Problem], st: &mut ProblemsState, lang: Lang) -> Option<geo::Rect<f64>> {
    let t = lang.text();
    let mut zoom = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.problems_heading).strong());
        let count = |s: Option<Severity>| problems.iter().filter(|p| s.is_none_or(|s| p.severity == s)).count();
        ui.selectable_value(&mut st.filter, None, format!("{} ({})", t.problems_all, count(None)));
        for s in [Severity::Error, Severity::Warning, Severity::Notice] {
            ui.selectable_value(&mut st.filter, Some(s), format!("{} ({})", lang.severity(s), count(Some(s))));
        }
        ui.label(RichText::new(t.problems_zoom_hint).small().weak());
    });
    let rows: Vec<&Problem> = problems.iter().filter(|p| st.filter.is_none_or(|s| p.severity == s)).collect();
    if rows.is_empty() {
        ui.weak(t.problems_none);
        return None;
    }
    TableBuilder::new(ui)
        .id_salt("problems-table")
        .striped(true)
        .sense(Sense::click())
        .auto_shrink([false, true])
        .column(Column::exact(56.0))
        .column(Column::initial(170.0).resizable(true).clip(true))
        .column(Column::exact(60.0))
        .column(Column::initial(130.0).resizable(true).clip(true))
        .column(Column::initial(90.0).resizable(true).clip(true))
        .column(Column::remainder().clip(true))
        .header(20.0, |mut h| {
            for name in [t.col_severity, t.col_file, t.col_feature, "ID", t.col_field, t.col_message] {
                h.col(|ui| {
                    ui.strong(name);
                });
            }
        })
        .body(|body| {
            body.rows(20.0, rows.len(), |mut row| {
                let p = rows[row.index()];
                row.col(|ui| {
                    ui.label(RichText::new(lang.severity(p.severity)).color(severity_colour(p.severity)));
                });
                row.col(|ui| {
                    ui.label(file_name(&p.file)).on_hover_text(&p.file);
                });
                row.col(|ui| {
                    ui.label(p.feature.map(|f| f.to_string()).unwrap_or_default());
                });
                row.col(|ui| {
                    ui.label(p.feature_id.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    ui.label(p.field.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    let text = message_text(p, lang);
                    let text = if p.location.is_some() { format!("⊙ {text}") } else { text };
                    let resp = ui.add(egui::Label::new(text).truncate().sense(Sense::click()));
                    if resp.clicked() {
                        zoom = p.location;
                    }
                });
                if row.response().clicked() {
                    zoom = p.location.or(zoom);
                }
            });
        });
    zoom
}
