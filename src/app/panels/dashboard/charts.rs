//! The dashboard's three charts (done against target per layer, status by
//! year, per county), each clickable: a bar answers with its sites.

use egui::{Color32, RichText, Sense, Ui};
use egui_plot::{Bar, BarChart, Plot, PlotPoint};

use binzhou_core::model::{PlanLayer, StatusClass, YearView};
use binzhou_core::stats::{CountySummary, LayerSummary, STACK_YEARS, YearStack};

use super::labels::{amount_text, layer_name, layer_short_name};
use crate::app::map::style::status_colour;
use crate::app::panels::ctx::{PanelAction, PanelCtx};

fn plot<'a>(id: &'a str, height: f32) -> Plot<'a> {
    Plot::new(id)
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .show_grid([false, true])
        .y_axis_min_width(28.0)
}

fn index_axis(names: Vec<String>) -> impl Fn(egui_plot::GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let i = mark.value.round();
        if (mark.value - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        names.get(i as usize).cloned().unwrap_or_default()
    }
}

fn unit_spacer() -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0])
}

/// The plot point clicked, if the plot was clicked this frame.
fn clicked_point(resp: &egui_plot::PlotResponse<()>) -> Option<PlotPoint> {
    if !resp.response.clicked() {
        return None;
    }
    let pos = resp.response.interact_pointer_pos()?;
    Some(resp.transform.value_from_position(pos))
}

/// Done as a percentage of the target, per layer; clicking a bar selects the
/// layer's done sites (below the bar's top) or all its sites (above).
pub(super) fn layers_chart(ui: &mut Ui, layers: &[LayerSummary], ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    ui.label(RichText::new(lang.text().dash_layers_chart).strong());
    let target: Vec<Bar> = layers
        .iter()
        .enumerate()
        .map(|(x, _)| Bar::new(x as f64, 100.0).width(0.7).fill(Color32::from_gray(128).gamma_multiply(0.35)))
        .collect();
    let done: Vec<Bar> = layers
        .iter()
        .enumerate()
        .map(|(x, s)| {
            let km = s.layer.counts_km();
            let name = format!(
                "{}: {} / {} ({:.1}%)",
                layer_name(s.layer, lang),
                amount_text(s.done, km),
                amount_text(s.goal, km),
                s.percent()
            );
            Bar::new(x as f64, s.percent()).width(0.45).fill(status_colour(StatusClass::Done)).name(name)
        })
        .collect();
    let names: Vec<String> = layers.iter().map(|s| layer_short_name(s.layer, lang).to_string()).collect();
    let text_colour = ui.visuals().strong_text_color();
    let resp = plot("dashboard-layers", 170.0)
        .x_axis_formatter(index_axis(names))
        .x_grid_spacer(unit_spacer())
        .y_axis_formatter(|m, _| format!("{:.0}%", m.value))
        .y_axis_label(lang.text().dash_axis_percent)
        .include_y(0.0)
        .include_y(125.0)
        .show(ui, |pui| {
            pui.bar_chart(BarChart::new(lang.text().dash_target, target).allow_hover(false));
            pui.bar_chart(
                BarChart::new(lang.text().dash_done, done)
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
            // Each bar says its percent and "done / target" above it.
            for (x, s) in layers.iter().enumerate() {
                let km = s.layer.counts_km();
                let text = format!("{:.0}%\n{}/{}", s.percent(), amount_text(s.done, km), amount_text(s.goal, km));
                let at = PlotPoint::new(x as f64, s.percent().max(100.0) + 2.0);
                pui.text(
                    egui_plot::Text::new("", at, RichText::new(text).small().color(text_colour))
                        .anchor(egui::Align2::CENTER_BOTTOM),
                );
            }
        });
    let p = clicked_point(&resp)?;
    let s = layers.get(usize::try_from(p.x.round() as i64).ok()?)?;
    Some(PanelAction::Select(if p.y <= s.percent() { s.done_sites.clone() } else { s.sites.clone() }))
}

/// Status by year for one layer, stacked; the viewed year's bar is outlined.
pub(super) fn stack_chart(ui: &mut Ui, stack: &YearStack, layer: PlanLayer, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let km = layer.counts_km();
    ui.label(RichText::new(format!("{}{}", layer_name(layer, lang), lang.text().dash_status_by_year)).strong());
    let mut charts: Vec<BarChart> = Vec::new();
    for (c, class) in StatusClass::ALL.into_iter().enumerate() {
        let bars: Vec<Bar> = STACK_YEARS
            .into_iter()
            .enumerate()
            .map(|(y, year)| {
                let mut b = Bar::new(y as f64, stack.amounts[y][c])
                    .width(0.6)
                    .fill(status_colour(class))
                    .name(format!("{year} · {}: {}", lang.status(class), amount_text(stack.amounts[y][c], km)));
                if ctx.view == YearView::EndOf(year) {
                    b = b.stroke(egui::Stroke::new(1.5, ui.visuals().strong_text_color()));
                }
                b
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(lang.status(class), bars)
            .color(status_colour(class))
            .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone()))
            .stack_on(&refs);
        charts.push(chart);
    }
    legend(ui, StatusClass::ALL.iter().map(|&c| (status_colour(c), lang.status(c))));
    let names: Vec<String> = STACK_YEARS.iter().map(|y| y.to_string()).collect();
    let text_colour = ui.visuals().strong_text_color();
    let top = (0..STACK_YEARS.len()).map(|y| stack.amounts[y].iter().sum::<f64>()).fold(0.0, f64::max);
    let resp = plot("dashboard-by-year", 170.0)
        .x_axis_formatter(index_axis(names))
        .x_grid_spacer(unit_spacer())
        .y_axis_label(lang.axis_amount(km))
        .include_y(0.0)
        .include_y(top * 1.2)
        .show(ui, |pui| {
            for c in charts {
                pui.bar_chart(c);
            }
            // Each year's bar says how much is done out of its total.
            for y in 0..STACK_YEARS.len() {
                let total: f64 = stack.amounts[y].iter().sum();
                let done = stack.amounts[y][0];
                let text = format!("{}/{}", amount_text(done, km), amount_text(total, km));
                pui.text(
                    egui_plot::Text::new(
                        "",
                        PlotPoint::new(y as f64, total),
                        RichText::new(text).small().color(text_colour),
                    )
                    .anchor(egui::Align2::CENTER_BOTTOM),
                );
            }
        });
    let p = clicked_point(&resp)?;
    let y = usize::try_from(p.x.round() as i64).ok().filter(|&y| y < STACK_YEARS.len())?;
    let mut base = 0.0;
    for c in 0..stack.amounts[y].len() {
        let top = base + stack.amounts[y][c];
        if p.y >= base && p.y <= top && stack.amounts[y][c] > 0.0 {
            return Some(PanelAction::Select(stack.sites[y][c].clone()));
        }
        base = top;
    }
    None
}

/// Done against target per county for the layer's per-county targets, one
/// row per county so every county is named.
pub(super) fn county_chart(
    ui: &mut Ui,
    counties: &[CountySummary],
    layer: PlanLayer,
    ctx: &PanelCtx,
) -> Option<PanelAction> {
    let lang = ctx.lang;
    let km = layer.counts_km();
    ui.label(RichText::new(format!("{}{}", layer_name(layer, lang), lang.text().dash_per_county_chart)).strong());
    // The first county on top.
    let row = |x: usize| (counties.len() - 1 - x) as f64;
    let target_colour = Color32::from_gray(128).gamma_multiply(0.6);
    let target: Vec<Bar> = counties
        .iter()
        .enumerate()
        .map(|(x, c)| {
            Bar::new(row(x) + 0.2, c.goal).width(0.38).fill(target_colour).name(format!(
                "{} · {}: {}",
                lang.district(&c.district),
                lang.text().dash_target_lower,
                amount_text(c.goal, km)
            ))
        })
        .collect();
    let done: Vec<Bar> = counties
        .iter()
        .enumerate()
        .map(|(x, c)| {
            Bar::new(row(x) - 0.2, c.done).width(0.38).fill(status_colour(StatusClass::Done)).name(format!(
                "{} · {}: {}",
                lang.district(&c.district),
                lang.text().dash_done_lower,
                amount_text(c.done, km)
            ))
        })
        .collect();
    legend(ui, [(target_colour, lang.text().dash_target), (status_colour(StatusClass::Done), lang.text().dash_done)]);
    let mut names: Vec<String> = counties.iter().map(|c| lang.district(&c.district)).collect();
    names.reverse();
    let widest = counties.iter().map(|c| c.goal.max(c.done)).fold(0.0, f64::max);
    let text_colour = ui.visuals().strong_text_color();
    let height = 34.0 + 26.0 * counties.len() as f32;
    let resp = plot("dashboard-counties", height)
        .show_grid([true, false])
        .y_axis_formatter(index_axis(names))
        .y_grid_spacer(unit_spacer())
        .y_axis_min_width(72.0)
        .x_axis_label(lang.axis_amount(km))
        .include_x(0.0)
        .include_x(widest * 1.25)
        .show(ui, |pui| {
            pui.bar_chart(
                BarChart::new(lang.text().dash_target, target)
                    .horizontal()
                    .color(Color32::from_gray(128))
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
            pui.bar_chart(
                BarChart::new(lang.text().dash_done, done)
                    .horizontal()
                    .color(status_colour(StatusClass::Done))
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
            for (x, c) in counties.iter().enumerate() {
                let text = format!("{}/{}", amount_text(c.done, km), amount_text(c.goal, km));
                let at = PlotPoint::new(c.goal.max(c.done), row(x));
                pui.text(
                    egui_plot::Text::new("", at, RichText::new(format!(" {text}")).small().color(text_colour))
                        .anchor(egui::Align2::LEFT_CENTER),
                );
            }
        });
    let p = clicked_point(&resp)?;
    let y = p.y.round();
    let x = counties.len().checked_sub(1)?.checked_sub(usize::try_from(y as i64).ok()?)?;
    let c = counties.get(x)?;
    // The upper bar of a row is the target (all its sites), the lower one what is done.
    Some(PanelAction::Select(if p.y > y { c.sites.clone() } else { c.done_sites.clone() }))
}

/// A row of colour swatches with names, above a chart.
fn legend<'a>(ui: &mut Ui, items: impl IntoIterator<Item = (Color32, &'a str)>) {
    ui.horizontal_wrapped(|ui| {
        for (colour, name) in items {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), Sense::hover());
            ui.painter().rect_filled(rect, 2.0, colour);
            ui.label(RichText::new(name).small());
            ui.add_space(6.0);
        }
    });
}
