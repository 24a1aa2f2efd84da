//! The layer panel: each layer with visibility, opacity, feature count and a
//! swatch of how it is drawn.

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};

use crate::app::data::MapData;
use crate::app::i18n::Lang;
use crate::app::map::style::{Symbol, darker, layer_colour, with_alpha};
use crate::app::state::{ColourBy, ViewState};
use binzhou_core::model::{LayerKey, PlanLayer};

/// What the user asked of a layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LayerAction {
    ZoomTo(geo::Rect<f64>),
}

/// Draws the layer's symbol as the map draws it: a short stroke for line
/// layers, a patch for polygon layers. Coloured by status, the fill (or
/// line) varies with the status, so the swatch shows it neutral and keeps
/// what stays the layer's own: the outline colour, the dashes, the end marks.
fn symbol_swatch(ui: &mut Ui, key: &LayerKey, opacity: f32, colour_by: ColourBy) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(vec2(26.0, 16.0), Sense::hover());
    let own = with_alpha(layer_colour(key), opacity.max(0.15));
    let by_status = colour_by != ColourBy::Layer && !matches!(key, LayerKey::Reference(_));
    let neutral = with_alpha(Color32::from_gray(150), opacity.max(0.15));
    let sym = Symbol::of(key);
    let p = ui.painter();
    let line_layer = matches!(key, LayerKey::Plan(PlanLayer::DeadEndRoad) | LayerKey::Plan(PlanLayer::Greenway));
    let c = if by_status && line_layer { neutral } else { own };
    let (fill, edge) = if by_status { (neutral, own) } else { (own, darker(own)) };
    if line_layer {
        let a = Pos2::new(rect.left() + 3.0, rect.bottom() - 4.0);
        let b = Pos2::new(rect.right() - 3.0, rect.top() + 4.0);
        p.line_segment([a, b], Stroke::new(sym.width, c));
        if sym.end_marks {
            for e in [a, b] {
                p.circle(e, 2.5, Color32::WHITE, Stroke::new(1.0, darker(c)));
            }
        }
    } else {
        let r = Rect::from_center_size(rect.center(), vec2(20.0, 12.0));
        p.rect_filled(r, 2.0, with_alpha(fill, sym.fill_alpha.max(0.12) * 1.2));
        let stroke = Stroke::new(sym.width.min(2.5), edge);
        if sym.dashed {
            let pts = [r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom(), r.left_top()];
            p.extend(egui::Shape::dashed_line(&pts, stroke, 3.0, 2.0));
        } else {
            p.rect_stroke(r, 2.0, stroke, egui::StrokeKind::Inside);
        }
    }
    resp
}

/// Draws the panel.
pub fn show(ui: &mut Ui, data: &MapData, state: &mut ViewState, lang: Lang) -> Option<LayerAction> {
    let t = lang.text();
    let mut action = None;
    ui.heading(t.layers_heading);
    if data.layers.is_empty() {
        ui.weak(t.no_layers);
        return None;
    }
    for info in &data.layers {
        let key = info.key.key();
        let name = lang.layer(&info.key);
        let mut view = state.layer(&key);
        ui.horizontal(|ui| {
            symbol_swatch(ui, &info.key, if view.visible { view.opacity } else { 0.2 }, state.colour_by);
            let resp = ui.checkbox(&mut view.visible, &name);
            resp.on_hover_text(match &info.key {
                LayerKey::Plan(p) => format!("{} · {}", p.key(), lang.task(p.task())),
                other => other.key(),
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(b) = info.bbox {
                    let zoom = ui.small_button("⊙").on_hover_text(t.zoom_to_layer);
                    zoom.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, lang.zoom_to_layer_named(&name))
                    });
                    if zoom.clicked() {
                        action = Some(LayerAction::ZoomTo(b));
                    }
                }
                ui.label(RichText::new(lang.count(info.count)).weak());
            });
        });
        ui.horizontal(|ui| {
            ui.add_space(30.0);
            ui.add_enabled_ui(view.visible, |ui| {
                let mut pct = view.opacity * 100.0;
                let slider = egui::Slider::new(&mut pct, 0.0..=100.0).suffix("%").integer();
                let resp = ui.add(slider).on_hover_text(t.opacity);
                resp.widget_info(|| egui::WidgetInfo::slider(true, pct as f64, lang.opacity_of(&name)));
                view.opacity = (pct / 100.0).clamp(0.0, 1.0);
            });
        });
        ui.add_space(2.0);
        if view != state.layer(&key) {
            *state.layer_mut(&key) = view;
        }
    }
    action
}
