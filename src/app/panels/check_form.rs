//! The check form (核查此项目): what was found at the selected site.

use egui::{RichText, Ui};

use binzhou_core::checks::{CheckResult, Observed};

use crate::app::checks::CheckForm;
use crate::app::i18n::Lang;
use crate::app::thumbs::Thumbnails;

/// Where the photos' pictures come from: the thumbnail cache and the open
/// journals' folders.
pub struct Photos<'a> {
    pub thumbs: &'a mut Thumbnails,
    pub folders: &'a [std::path::PathBuf],
}

/// What the user asked of the form.
#[derive(Clone, Debug, PartialEq)]
pub enum FormAction {
    Save,
    Cancel,
    AddPhotos,
    /// Take the current GNSS position as the site's true position.
    UseFixAsTruePosition,
    /// The next click on the map gives the site's true position.
    PickTruePosition,
}

/// The GNSS fix the form shows: position, accuracy (m), satellites, and
/// whether it is good enough.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixInfo {
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub satellites: Option<u8>,
    pub good: bool,
}

/// Draws the form's content.
pub fn show(
    ui: &mut Ui,
    form: &mut CheckForm,
    inspector: &mut String,
    fix: Option<FixInfo>,
    threshold_m: f64,
    photos: Photos<'_>,
    lang: Lang,
) -> Option<FormAction> {
    let t = lang.checks();
    let picking = form.picking;
    let mut action = None;
    egui::Grid::new("check-form").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
        ui.label(RichText::new(t.form_result).strong());
        ui.horizontal_wrapped(|ui| {
            for r in CheckResult::ALL {
                ui.radio_value(&mut form.result, r, lang.check_result(r));
            }
        });
        ui.end_row();

        ui.label(RichText::new(t.form_observed).strong());
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut form.observed, None, t.observed_none);
            for o in Observed::ALL {
                ui.radio_value(&mut form.observed, Some(o), lang.observed(o));
            }
        });
        ui.end_row();

        if form.observed == Some(Observed::Finished) {
            let l = ui.label(t.form_finished_on);
            ui.add(egui::TextEdit::singleline(&mut form.finished_on).hint_text(t.form_finished_hint)).labelled_by(l.id);
            ui.end_row();
        }

        let l = ui.label(t.form_note);
        ui.add(egui::TextEdit::multiline(&mut form.note).desired_rows(3).desired_width(320.0)).labelled_by(l.id);
        ui.end_row();

        ui.label(t.form_position);
        ui.vertical(|ui| {
            match fix {
                Some(f) => {
                    ui.label(lang.check_fix(f.lon, f.lat, f.accuracy_m, f.satellites));
                    if !f.good {
                        ui.colored_label(ui.visuals().warn_fg_color, lang.check_fix_poor(threshold_m));
                    }
                }
                None => {
                    ui.colored_label(ui.visuals().warn_fg_color, t.no_fix);
                }
            }
            if form.result == CheckResult::Moved {
                if let Some((lon, lat)) = form.corrected {
                    ui.label(lang.check_true_position(lon, lat));
                }
                ui.horizontal_wrapped(|ui| {
                    if ui.add_enabled(fix.is_some(), egui::Button::new(t.use_fix_as_true_position)).clicked() {
                        action = Some(FormAction::UseFixAsTruePosition);
                    }
                    let label = if picking { t.picking_true_position } else { t.pick_true_position };
                    if ui.selectable_label(picking, label).clicked() {
                        action = Some(FormAction::PickTruePosition);
                    }
                });
            }
        });
        ui.end_row();

        ui.label(t.form_photos);
        ui.vertical(|ui| {
            photos.thumbs.strip(ui, photos.folders, &form.photos, lang);
            if ui.button(t.add_photo).clicked() {
                action = Some(FormAction::AddPhotos);
            }
        });
        ui.end_row();

        let l = ui.label(t.form_inspector);
        ui.add(egui::TextEdit::singleline(inspector).hint_text(t.inspector_hint)).labelled_by(l.id);
        ui.end_row();
    });
    if let Some(e) = &form.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    ui.separator();
    ui.horizontal(|ui| {
        let can_save = !form.saving && !inspector.trim().is_empty();
        let label = if form.saving { t.saving } else { t.save };
        if ui.add_enabled(can_save, egui::Button::new(RichText::new(label).strong())).clicked() {
            action = Some(FormAction::Save);
        }
        if ui.button(t.cancel).clicked() {
            action = Some(FormAction::Cancel);
        }
    });
    action
}
