//! The panels around the map. Each is a function drawing one panel from the
//! app's long-lived state, rebuilt every frame, and reporting what the user
//! asked for.

pub mod attr_form;
pub mod audit;
pub mod background;
pub mod basemap_settings;
pub mod check_form;
pub mod ctx;
pub mod dashboard;
pub mod identify;
pub mod layers;
pub mod legend;
pub mod prefetch;
pub mod problems;
pub mod search;
pub mod status_bar;
pub mod table;
pub mod year;

use egui::{Color32, Rect, Sense, Ui, vec2};

/// A drop-down with its label before it (as forms read), named by that label
/// for screen readers and tests.
pub fn labelled_combo(
    ui: &mut Ui,
    label: &str,
    selected: impl Into<egui::WidgetText>,
    add_contents: impl FnOnce(&mut Ui),
) -> egui::Response {
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(("labelled-combo", label.id))
        .selected_text(selected)
        .show_ui(ui, add_contents)
        .response
        .labelled_by(label.id)
}

/// A small colour square, as in legends.
pub fn swatch(ui: &mut Ui, fill: Color32, stroke: Color32) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
    let r = Rect::from_center_size(rect.center(), vec2(12.0, 12.0));
    ui.painter().rect_filled(r, 2.0, fill);
    ui.painter().rect_stroke(r, 2.0, egui::Stroke::new(1.0, stroke), egui::StrokeKind::Inside);
    resp
}
