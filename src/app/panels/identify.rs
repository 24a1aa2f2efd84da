//! The identify panel: everything known about the selected site.

use egui::{Grid, RichText, ScrollArea, Ui};

use crate::app::data::MapData;
use crate::app::i18n::Lang;
use crate::app::map::style::{darker, status_colour};
use binzhou_core::checks::Check;
use binzhou_core::model::{LayerKey, Site, Timing, YearView};

use super::swatch;

/// What the user asked in the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum IdentifyAction {
    ZoomTo(geo::Rect<f64>),
    Close,
    /// Open the check form for the site.
    Check,
    /// Open the form on a check, to write its next version.
    Amend(String),
    /// Delete a check (a tombstone version; its history stays).
    Delete(String),
    /// Open the attribute form on the site.
    EditAttributes,
    /// Record progress: started (true) or completed (false) in the typed month.
    Progress(bool),
    /// Move the site: the next map click places it.
    Move,
    /// The vertex tool on the site.
    EditGeometry,
    /// Delete the site (after a yes).
    DeleteSite,
}

/// The editing buttons: the attribute form, a progress update in one
/// click (the month typed beside it), move and delete.
fn edit_buttons(ui: &mut Ui, site: &Site, reference: bool, month: &mut String, lang: Lang) -> Option<IdentifyAction> {
    let et = lang.edits();
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        if ui.button(et.edit_attributes).on_hover_text(et.edit_attributes_hint).clicked() {
            action = Some(IdentifyAction::EditAttributes);
        }
        if ui.button(et.move_point).on_hover_text(et.move_point_hint).clicked() {
            action = Some(IdentifyAction::Move);
        }
        if !matches!(site.geometry, geo::Geometry::Point(_))
            && ui.button(et.edit_geometry).on_hover_text(et.edit_geometry_hint).clicked()
        {
            action = Some(IdentifyAction::EditGeometry);
        }
        if ui.button(et.delete_site).clicked() {
            action = Some(IdentifyAction::DeleteSite);
        }
    });
    if !reference {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(RichText::new(et.progress_heading).weak());
            ui.add(egui::TextEdit::singleline(month).desired_width(80.0).hint_text(et.month_hint))
                .labelled_by(label.id)
                .on_hover_text(et.month_hint);
            let ok = binzhou_core::edit::fields::parse(
                binzhou_core::edit::fields::Field::Completed,
                month,
                &Default::default(),
                None,
            )
            .is_ok_and(|v| !v.is_null());
            if ui.add_enabled(ok && site.started.is_none(), egui::Button::new(et.mark_started)).clicked() {
                action = Some(IdentifyAction::Progress(true));
            }
            if ui.add_enabled(ok, egui::Button::new(et.mark_completed)).clicked() {
                action = Some(IdentifyAction::Progress(false));
            }
        });
    }
    action
}

fn value_text(lang: Lang, key: &str, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if key == "source" => lang.source(s),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => lang.text().none.into(),
        other => other.to_string(),
    }
}

/// The properties a file gives beyond the model's fields, each under its
/// readable name, with the key as written in the file as a tooltip.
fn extra_rows(ui: &mut Ui, props: &[(String, serde_json::Value)], lang: Lang) {
    for (k, v) in props {
        ui.label(RichText::new(lang.property(k)).weak()).on_hover_text(k.as_str());
        ui.add(egui::Label::new(value_text(lang, k, v)).wrap());
        ui.end_row();
    }
}

/// The extra properties listed as such: an unreadable date kept among them
/// is shown in its own field instead.
fn other_properties(site: &Site) -> Vec<(String, serde_json::Value)> {
    site.extras().iter().filter(|(k, _)| !site.is_kept_timing(k)).collect()
}

/// A reference feature's title: its name, else a name-like property, else
/// its number in the file.
fn reference_title(site: &Site, own_id: bool, lang: Lang) -> String {
    if site.name() != site.id() || own_id {
        return site.name().to_string();
    }
    for k in binzhou_core::model::names::NAME_KEYS {
        if let Some(serde_json::Value::String(n)) = site.extra(k)
            && !n.trim().is_empty()
        {
            return n;
        }
    }
    lang.feature_number(site.origin.index as usize + 1)
}

fn row(ui: &mut Ui, name: &str, value: impl Into<egui::WidgetText>) -> egui::Response {
    ui.label(RichText::new(name).weak());
    let resp = ui.add(egui::Label::new(value).wrap());
    ui.end_row();
    resp
}

fn opt<T: ToString>(lang: Lang, v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| lang.text().none.to_owned())
}

/// A measure's rows: computed, and declared beside it when the file has one.
fn measure_rows(ui: &mut Ui, lang: Lang, name: &str, computed: String, declared: Option<String>) {
    let t = lang.text();
    row(ui, &lang.measure_label(name, t.computed), computed);
    if let Some(d) = declared {
        row(ui, &lang.measure_label(name, t.declared), d);
    }
}

/// A site's field checks as the panel shows them.
pub struct History<'a, 'c> {
    pub checks: &'a [&'c Check],
    /// Whether checks can be made and changed (a journal is open).
    pub journal: bool,
    pub photos: super::check_form::Photos<'a>,
}

/// The site's field checks, newest first, each with its note and photos.
fn check_history(ui: &mut Ui, h: History<'_, '_>, lang: Lang) -> Option<IdentifyAction> {
    let History { checks, journal, photos } = h;
    let mut action = None;
    let t = lang.checks();
    ui.add_space(8.0);
    ui.label(RichText::new(format!("{} ({})", t.history, checks.len())).strong());
    if checks.is_empty() {
        ui.weak(t.no_checks);
    }
    for c in checks {
        ui.horizontal_wrapped(|ui| {
            ui.label(lang.check_line(&c.checked_at, c.result, &c.inspector));
            if let Some(o) = c.observed {
                ui.label(RichText::new(lang.observed(o)).weak());
            }
            if c.version > 1 {
                ui.label(RichText::new(lang.check_version(c.version)).small().weak());
            }
            if journal {
                if ui.small_button(t.amend).on_hover_text(t.amend_hint).clicked() {
                    action = Some(IdentifyAction::Amend(c.id.clone()));
                }
                if ui.small_button(t.delete).on_hover_text(t.delete_hint).clicked() {
                    action = Some(IdentifyAction::Delete(c.id.clone()));
                }
            }
            if c.low_accuracy {
                ui.colored_label(ui.visuals().warn_fg_color, t.low_accuracy);
            }
        });
        if let Some((lon, lat)) = c.corrected {
            ui.label(RichText::new(lang.check_true_position(lon, lat)).small());
        }
        if !c.note.is_empty() {
            ui.label(RichText::new(&c.note).small());
        }
        photos.thumbs.strip(ui, photos.folders, &c.photos, lang);
    }
    action
}

/// Draws the panel for site `i`, with its field checks.
pub fn show(
    ui: &mut Ui,
    data: &MapData,
    i: usize,
    lang: Lang,
    history: History<'_, '_>,
    month: &mut String,
) -> Option<IdentifyAction> {
    let t = lang.text();
    let site: &Site = data.dataset.sites.get(i)?;
    let reference = matches!(site.layer(), LayerKey::Reference(_));
    let own_id = data.dataset.has_own_id(i);
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.identify_heading).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("×").on_hover_text(t.clear_selection).clicked() {
                action = Some(IdentifyAction::Close);
            }
            match site.located_bbox() {
                Some(b) => {
                    if ui.small_button(t.zoom_to).clicked() {
                        action = Some(IdentifyAction::ZoomTo(b));
                    }
                }
                None => {
                    ui.add_enabled(false, egui::Button::new(t.zoom_to).small()).on_disabled_hover_text(t.no_location);
                }
            }
        });
    });
    ui.heading(if reference { reference_title(site, own_id, lang) } else { site.name().to_string() });
    if !reference {
        let ct = lang.checks();
        let journal = history.journal;
        let hint = if journal { ct.check_this_hint } else { ct.journal_unavailable };
        if ui.add_enabled(journal, egui::Button::new(ct.check_this)).on_hover_text(hint).clicked() {
            action = Some(IdentifyAction::Check);
        }
    }
    if let Some(a) = edit_buttons(ui, site, reference, month, lang) {
        action = Some(a);
    }
    ui.separator();
    ScrollArea::vertical().auto_shrink([false, true]).show(ui, |ui| {
        Grid::new("identify-grid").num_columns(2).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
            if own_id || !reference {
                row(ui, t.f_id, site.id());
            }
            row(ui, t.f_layer, lang.layer(site.layer()));
            if reference {
                // A reference feature shows only the plan fields its file gives.
                let given = [
                    (t.f_kind, site.kind().map(|k| lang.kind(k))),
                    (t.f_district, site.district().map(|d| lang.district(d))),
                    (t.f_lead_unit, site.lead_unit().map(str::to_string)),
                ];
                for (name, v) in given {
                    if let Some(v) = v {
                        row(ui, name, v);
                    }
                }
            } else {
                row(ui, t.f_kind, opt(lang, site.kind().map(|k| lang.kind(k))));
                row(ui, t.f_task, site.task.map(|n| lang.task(n)).unwrap_or_else(|| t.none.into()));
                row(ui, t.f_lead_unit, opt(lang, site.lead_unit()));
                row(ui, t.f_district, opt(lang, site.district().map(|d| lang.district(d))));
                row(ui, t.f_scope, opt(lang, site.scope.map(|s| lang.scope(s))));
                for (name, timing) in [
                    (t.f_plan_year, Timing::PlanYear),
                    (t.f_started, Timing::Started),
                    (t.f_completed, Timing::Completed),
                ] {
                    let text = site.timing_text(timing);
                    let text = match text {
                        Some(raw) if site.unreadable(timing) => lang.unreadable_value(&raw),
                        other => opt(lang, other),
                    };
                    row(ui, name, text);
                }
            }
            let len = site.length_km();
            if len > 0.0 || site.declared_length_km().is_some() {
                let declared = site.declared_length_km().map(|d| lang.km(d));
                measure_rows(ui, lang, t.f_length, lang.km(len), declared);
            }
            let area = site.area_m2();
            if area > 0.0 || site.declared_area_m2().is_some() {
                let declared = site.declared_area_m2().map(|d| lang.area(d));
                measure_rows(ui, lang, t.f_area, lang.area(area), declared);
            }
            if site.is_located() {
                row(ui, t.f_geometry, lang.geometry_type(&site.geometry));
            } else {
                row(ui, t.f_geometry, t.geometry_none.to_string()).on_hover_text(t.no_location);
            }
            if let Some(src) = site.source() {
                row(ui, t.f_source, lang.source(src));
            } else if !reference {
                row(ui, t.f_source, t.none);
            }
            if let Some(f) = data.dataset.files.get(site.origin.file as usize) {
                row(ui, t.f_file, lang.file_feature(&f.display_name(), site.origin.index as usize + 1))
                    .on_hover_text(f.path.display().to_string());
            }
            if reference {
                extra_rows(ui, &other_properties(site), lang);
            }
        });
        if site.has_schedule() {
            ui.add_space(8.0);
            ui.label(RichText::new(t.status_by_year).strong());
            Grid::new("identify-years").num_columns(2).spacing([10.0, 3.0]).show(ui, |ui| {
                for y in YearView::PLAN_YEARS {
                    let class = site.status(y).class();
                    ui.label(lang.year_long(y));
                    ui.horizontal(|ui| {
                        let c = status_colour(class);
                        swatch(ui, c, darker(c));
                        ui.label(lang.status(class));
                        if let Some(ch) = site.change_since_previous(y) {
                            ui.label(RichText::new(lang.change_short(ch)).small().weak());
                        }
                    });
                    ui.end_row();
                }
            });
        }
        if !reference && let Some(a) = check_history(ui, history, lang) {
            action = Some(a);
        }
        let others = if reference { Vec::new() } else { other_properties(site) };
        if !others.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new(t.other_properties).strong());
            Grid::new("identify-extra").num_columns(2).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
                extra_rows(ui, &others, lang);
            });
        }
    });
    action
}
