//! The attribute form: every field of a site as text, checked as it is
//! typed, applied as one undoable edit.

use egui::{Color32, Grid, RichText, ScrollArea, Ui};

use binzhou_core::edit::fields::{self, Field};
use binzhou_core::model::Dataset;

use crate::app::editing::AttrForm;
use crate::app::i18n::Lang;

/// What the form asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum FormAction {
    /// Apply the drafts (one edit).
    Apply,
    /// Close the form without applying.
    Close,
}

/// The colour of a field's complaint.
const BAD: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);

/// Draws the form for site `i`.
pub fn show(ui: &mut Ui, form: &mut AttrForm, ds: &Dataset, i: usize, lang: Lang) -> Option<FormAction> {
    let et = lang.edits();
    let zh = lang == Lang::Zh;
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(et.form_heading).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("×").on_hover_text(et.close_form).clicked() {
                action = Some(FormAction::Close);
            }
        });
    });
    let name = ds.sites.get(i).map(|s| s.name().to_string()).unwrap_or_default();
    ui.heading(name);
    ui.separator();
    let mut all_ok = true;
    let mut changed = false;
    ScrollArea::vertical().auto_shrink([false, true]).max_height(ui.available_height() - 40.0).show(ui, |ui| {
        Grid::new("attr-form").num_columns(2).spacing([10.0, 4.0]).show(ui, |ui| {
            for (f, text) in form.fields.iter_mut() {
                let label = ui.label(lang.field_name(*f));
                ui.vertical(|ui| {
                    let edit = egui::TextEdit::singleline(text).desired_width(200.0);
                    let edit = match f {
                        Field::Started | Field::Completed => edit.hint_text(lang.edits().month_hint),
                        _ => edit,
                    };
                    ui.add(edit).labelled_by(label.id).on_hover_text(f.key());
                    match fields::parse(*f, text, ds, Some(i)) {
                        Ok(v) => {
                            if form.original.properties.get(f.key()).cloned().unwrap_or_default() != v {
                                changed = true;
                            }
                        }
                        Err(m) => {
                            all_ok = false;
                            ui.label(RichText::new(m.text(zh)).color(BAD).small());
                        }
                    }
                });
                ui.end_row();
            }
        });
        let text_of = |f: Field| form.fields.iter().find(|(g, _)| *g == f).map(|(_, t)| t.clone());
        let started = text_of(Field::Started).and_then(|t| fields::parse(Field::Started, &t, ds, Some(i)).ok());
        let completed = text_of(Field::Completed).and_then(|t| fields::parse(Field::Completed, &t, ds, Some(i)).ok());
        if let Some(m) = fields::completed_before_started(started.as_ref(), completed.as_ref()) {
            ui.label(RichText::new(m.text(zh)).color(BAD));
        }
        ui.add_space(8.0);
        ui.label(RichText::new(et.other_properties).strong());
        let mut remove = None;
        Grid::new("attr-form-extra").num_columns(3).spacing([6.0, 4.0]).show(ui, |ui| {
            let keys: Vec<String> = form.extras.iter().map(|(_, k, _)| k.trim().to_string()).collect();
            for (row, (_, key, value)) in form.extras.iter_mut().enumerate() {
                ui.add(egui::TextEdit::singleline(key).desired_width(110.0).hint_text(et.property_key));
                ui.add(egui::TextEdit::singleline(value).desired_width(150.0).hint_text(et.property_value));
                if ui.small_button("×").on_hover_text(et.remove_property).clicked() {
                    remove = Some(row);
                }
                ui.end_row();
                let k = key.trim();
                let taken = !k.is_empty()
                    && (keys.iter().filter(|o| o.as_str() == k).count() > 1 || Field::of_key(k).is_some());
                if taken {
                    all_ok = false;
                    ui.label(RichText::new(et.key_taken).color(BAD).small());
                    ui.end_row();
                }
            }
        });
        if let Some(r) = remove {
            form.extras.remove(r);
            changed = true;
        }
        if ui.small_button(et.add_property).clicked() {
            form.extras.push((String::new(), String::new(), String::new()));
        }
    });
    let extras_changed = form.to_state(ds, i).is_ok_and(|s| s != form.original);
    ui.separator();
    ui.horizontal(|ui| {
        let can = all_ok && (changed || extras_changed);
        if ui.add_enabled(can, egui::Button::new(et.apply)).on_hover_text(et.apply_hint).clicked() {
            action = Some(FormAction::Apply);
        }
        if ui.button(et.close_form).clicked() {
            action = Some(FormAction::Close);
        }
        if !(changed || extras_changed) {
            ui.label(RichText::new(et.unchanged).weak().small());
        }
    });
    action
}
