//! The identify panel: everything known about the selected site.

use egui::{Grid, RichText, ScrollArea, Ui};
use geo::Geometry;

use crate::app::data::MapData;
use crate::app::i18n::Lang;
use crate::app::map::style::{darker, status_colour};
use binzhou_core::model::{Site, YearView};

use super::swatch;

/// What the user asked in the panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IdentifyAction {
    ZoomTo(geo::Rect<f64>),
    Close,
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn row(ui: &mut Ui, name: &str, value: impl Into<egui::WidgetText>) {
    ui.label(RichText::new(name).weak());
    ui.add(egui::Label::new(value).wrap());
    ui.end_row();
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

/// Draws the panel for site `i`.
pub fn show(ui: &mut Ui, data: &MapData, i: usize, lang: Lang) -> Option<IdentifyAction> {
    let t = lang.text();
    let site: &Site = data.dataset.sites.get(i)?;
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.identify_heading).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("×").on_hover_text(t.clear_selection).clicked() {
                action = Some(IdentifyAction::Close);
            }
            if ui.small_button(t.zoom_to).clicked() {
                action = Some(IdentifyAction::ZoomTo(site.bbox));
            }
        });
    });
    ui.heading(site.name());
    ui.separator();
    ScrollArea::vertical().auto_shrink([false, true]).show(ui, |ui| {
        Grid::new("identify-grid").num_columns(2).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
            row(ui, t.f_id, site.id());
            row(ui, t.f_layer, lang.layer(site.layer()));
            row(ui, t.f_kind, opt(lang, site.kind()));
            row(ui, t.f_task, site.task.map(|n| lang.task(n)).unwrap_or_else(|| t.none.into()));
            row(ui, t.f_lead_unit, opt(lang, site.lead_unit()));
            row(ui, t.f_district, opt(lang, site.district()));
            row(ui, t.f_scope, opt(lang, site.scope.map(|s| lang.scope(s))));
            row(ui, t.f_plan_year, opt(lang, site.plan_year));
            row(ui, t.f_started, opt(lang, site.started));
            row(ui, t.f_completed, opt(lang, site.completed));
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
            row(ui, t.f_geometry, geometry_name(&site.geometry));
            row(ui, t.f_source, opt(lang, site.source()));
            if let Some(f) = data.dataset.files.get(site.origin.file as usize) {
                row(ui, t.f_file, format!("{} #{}", f.display_name(), site.origin.index));
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
        if !site.extras().is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new(t.other_properties).strong());
            Grid::new("identify-extra").num_columns(2).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
                for (k, v) in site.extras().iter() {
                    row(ui, &k, value_text(&v));
                }
            });
        }
    });
    action
}
