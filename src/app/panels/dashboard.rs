//! The progress dashboard: where each of the plan's targets stands at the
//! end of the viewed year — per layer × scope (main city, each county) ×
//! period — as a table of figures and three charts, with export as CSV and
//! as a PNG image.
//!
//! Every figure is clickable: it answers with the sites behind it as a
//! [`PanelAction::Select`], which the app highlights on the map and lists in
//! the attribute table. The figures come from [`binzhou_core::stats::progress`],
//! computed once per data/year change, never per frame.
//!
//! This module also holds what the three report panels (dashboard, table,
//! audit) share: [`PanelCtx`], the plain references they read, and
//! [`PanelAction`], what they ask the app to do.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{Color32, RichText, Sense, Ui};
use egui_plot::{Bar, BarChart, Plot, PlotPoint};

use super::background::{Background, Poll};
use crate::app::i18n::Lang;
use binzhou_core::index::SiteIndex;
use binzhou_core::model::{Dataset, LayerKey, PlanLayer, Scope, StatusClass, YearView};
use binzhou_core::stats::{
    CountySummary, Figure, LayerSummary, PlanTargets, STACK_YEARS, StatRow, YearStack, county_summaries, figure_sites,
    is_behind, layer_summaries, progress, year_stack,
};

pub use crate::app::map::style::status_colour;

/// What the report panels read from the app each frame. Plain references, so
/// the panels work without the `App` (and are tested in a bare harness).
#[derive(Clone, Copy)]
pub struct PanelCtx<'a> {
    /// The loaded data.
    pub dataset: &'a Dataset,
    /// Its spatial index (the audit uses it).
    pub index: &'a SiteIndex,
    /// The plan's targets.
    pub targets: &'a PlanTargets,
    /// The year the map shows.
    pub view: YearView,
    /// The interface language.
    pub lang: Lang,
    /// The sites selected now (from the map, the table or a panel).
    pub selection: &'a [usize],
    /// Whether a layer is shown on the map; the table lists only those.
    pub visible: &'a dyn Fn(&LayerKey) -> bool,
    /// Changed by the app whenever it swaps in new data. The panels also
    /// notice a different `Dataset`, so this only guards against an address
    /// being reused.
    pub data_version: u64,
    /// The same data shared, and the context to wake, so a panel can compute
    /// on a worker thread; without it (tests) panels compute in place.
    pub background: Option<(&'a std::sync::Arc<crate::app::data::MapData>, &'a egui::Context)>,
}

impl<'a> PanelCtx<'a> {
    /// A context showing every layer at the latest state, in Chinese, with nothing selected.
    pub fn new(dataset: &'a Dataset, index: &'a SiteIndex, targets: &'a PlanTargets) -> Self {
        PanelCtx {
            dataset,
            index,
            targets,
            view: YearView::Latest,
            lang: Lang::Zh,
            selection: &[],
            visible: &|_| true,
            data_version: 0,
            background: None,
        }
    }

    /// A context at `view` over shared data, able to run a panel's worker
    /// (the panels' own tests).
    #[cfg(test)]
    pub(crate) fn on_worker(
        data: &'a std::sync::Arc<crate::app::data::MapData>,
        targets: &'a PlanTargets,
        egui_ctx: &'a egui::Context,
        view: YearView,
    ) -> Self {
        PanelCtx { view, background: Some((data, egui_ctx)), ..PanelCtx::new(&data.dataset, &data.index, targets) }
    }

    /// Identifies the data: when it changes, cached results are stale.
    pub(crate) fn data_key(&self) -> DataKey {
        DataKey {
            version: self.data_version,
            sites: self.dataset.sites.as_ptr() as usize,
            len: self.dataset.sites.len(),
        }
    }

    /// Whether the interface is in Chinese.
    pub fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}

/// Identity of a dataset for cache keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DataKey {
    version: u64,
    sites: usize,
    len: usize,
}

/// What a report panel asks the app to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelAction {
    /// Select these sites (indices into `Dataset::sites`): highlight them on
    /// the map, list them in the table and zoom to them.
    Select(Vec<usize>),
    /// Select this one site and fly the map to it.
    FlyTo(usize),
}

/// Rings around the sites a panel selected, drawn over the map at their
/// screen positions (those inside `clip`).
pub fn paint_highlight(painter: &egui::Painter, clip: egui::Rect, at: impl IntoIterator<Item = egui::Pos2>) {
    use crate::app::map::style::{SELECTION_COLOUR, SYMBOL_OUTLINE};
    for p in at.into_iter().filter(|p| clip.contains(*p)) {
        painter.circle_stroke(p, 10.0, egui::Stroke::new(4.5, SYMBOL_OUTLINE));
        painter.circle_stroke(p, 10.0, egui::Stroke::new(2.5, SELECTION_COLOUR));
    }
}

/// Chinese or English, by the interface language.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// "2021年末" / "end of 2021" / "最新" / "latest".
pub fn view_label(view: YearView, lang: Lang) -> String {
    match (view, lang) {
        (YearView::EndOf(y), Lang::Zh) => format!("{y}年末"),
        (YearView::EndOf(y), Lang::En) => format!("end of {y}"),
        (YearView::Latest, Lang::Zh) => "最新".into(),
        (YearView::Latest, Lang::En) => "latest".into(),
    }
}

/// A figure's column header.
pub fn figure_name(figure: Figure, lang: Lang) -> &'static str {
    match figure {
        Figure::Planned => tr(lang, "计划", "Planned"),
        Figure::Done => tr(lang, StatusClass::Done.name_zh(), StatusClass::Done.name_en()),
        Figure::InProgress => tr(lang, StatusClass::InProgress.name_zh(), StatusClass::InProgress.name_en()),
        Figure::NotStarted => tr(lang, StatusClass::NotStarted.name_zh(), StatusClass::NotStarted.name_en()),
        Figure::Overdue => tr(lang, StatusClass::Overdue.name_zh(), StatusClass::Overdue.name_en()),
    }
}

/// A figure as shown: km with one decimal, counts as whole numbers.
pub fn amount_text(v: f64, km: bool) -> String {
    if km { format!("{v:.1}") } else { format!("{v:.0}") }
}

fn kind_name(kind: &str, lang: Lang) -> String {
    match kind {
        "road" => tr(lang, "道路", "roads").into(),
        "bridge" => tr(lang, "桥梁", "bridges").into(),
        k => k.into(),
    }
}

fn layer_name(layer: PlanLayer, lang: Lang) -> &'static str {
    tr(lang, layer.name_zh(), layer.name_en())
}

/// A short layer name for chart axes.
pub fn layer_short_name(layer: PlanLayer, lang: Lang) -> &'static str {
    match layer {
        PlanLayer::DeadEndRoad => tr(lang, "断头路", "Dead ends"),
        PlanLayer::PocketPark => tr(lang, "口袋公园", "Parks"),
        PlanLayer::Greenway => tr(lang, "绿道", "Greenways"),
        PlanLayer::OverheadLineZone => tr(lang, "架空线", "Overhead"),
        PlanLayer::UrbanVillage => tr(lang, "城中村", "Villages"),
    }
}

/// "市主城区" / "Main city", a county's name, or "各县(市、区)" / "Each county".
pub fn scope_name(row: &StatRow, lang: Lang) -> String {
    match (&row.district, row.scope) {
        (Some(d), _) => d.clone(),
        (None, Scope::MainCity) => tr(lang, Scope::MainCity.name_zh(), "Main city").into(),
        (None, Scope::County) => tr(lang, Scope::County.name_zh(), "Each county").into(),
    }
}

/// A row's title without its layer: "道路 · 市主城区 · 2020".
pub fn row_short_title(row: &StatRow, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &row.kind {
        parts.push(kind_name(k, lang));
    }
    parts.push(scope_name(row, lang));
    parts.push(row.period.label().to_string());
    parts.join(" · ")
}

/// A row's full title, unique among the rows: "断头路/断头桥 · 道路 · 市主城区 · 2020".
pub fn row_title(row: &StatRow, lang: Lang) -> String {
    format!("{} · {}", layer_name(row.layer, lang), row_short_title(row, lang))
}

/// The accessible name of one figure's cell: "{row title} · {figure}: {value}".
pub fn figure_label(row: &StatRow, figure: Figure, lang: Lang) -> String {
    format!(
        "{} · {}: {}",
        row_title(row, lang),
        figure_name(figure, lang),
        amount_text(figure.of(row), row.layer.counts_km())
    )
}

/// Writes the figures as CSV (UTF-8 with BOM), atomically.
pub fn export_stats_csv(path: &Path, rows: &[StatRow], lang: Lang) -> std::io::Result<()> {
    binzhou_core::save::write_atomic(path, |w| binzhou_core::export::write_stats_csv(w, rows, lang == Lang::Zh))
}

/// Crops a screenshot to `rect` (in points) and writes it as PNG, atomically.
pub fn save_png_crop(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    path: &Path,
) -> std::io::Result<()> {
    use image::ImageEncoder as _;
    let [w, h] = image.size;
    let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, x1) = (px(rect.min.x, w), px(rect.max.x, w));
    let (y0, y1) = (px(rect.min.y, h), px(rect.max.y, h));
    if x1 <= x0 || y1 <= y0 {
        return Err(std::io::Error::other("the area to save is empty"));
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for c in &image.pixels[y * w + x0..y * w + x1] {
            rgba.extend_from_slice(&c.to_srgba_unmultiplied());
        }
    }
    let (cw, ch) = ((x1 - x0) as u32, (y1 - y0) as u32);
    binzhou_core::save::write_atomic(path, |out| {
        image::codecs::png::PngEncoder::new(out)
            .write_image(&rgba, cw, ch, image::ExtendedColorType::Rgba8)
            .map_err(std::io::Error::other)
    })
}

/// The dashboard's state: what is worth keeping between runs, and caches.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DashboardState {
    /// The layer of the by-year and per-county charts.
    pub chart_layer: PlanLayer,
    /// Whether the charts are shown.
    pub show_charts: bool,
    /// Whether the per-county rows are listed.
    pub show_counties: bool,
    #[serde(skip)]
    cache: Option<Cache>,
    /// The figures being computed on a worker thread, for large data.
    #[serde(skip)]
    job: Background<FiguresKey, Figures>,
    #[serde(skip)]
    png: PngExport,
    #[serde(skip)]
    message: Option<(bool, String)>,
    #[serde(skip)]
    rect: Option<egui::Rect>,
}

impl Default for DashboardState {
    fn default() -> Self {
        DashboardState {
            chart_layer: PlanLayer::PocketPark,
            show_charts: true,
            show_counties: true,
            cache: None,
            job: Background::default(),
            png: PngExport::default(),
            message: None,
            rect: None,
        }
    }
}

impl std::fmt::Debug for DashboardState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DashboardState")
            .field("chart_layer", &self.chart_layer)
            .field("show_charts", &self.show_charts)
            .field("show_counties", &self.show_counties)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct PngExport {
    /// A file chosen, waiting for the next frame to ask for the screenshot.
    requested: Option<PathBuf>,
    /// Where the screenshot callback reports.
    result: Arc<Mutex<Option<Result<PathBuf, String>>>>,
}

/// With fewer sites than this the figures are computed in place; with more,
/// on a worker thread, so a year change or the year player never freezes
/// the window (the figures of 100 000 sites take 0.1–0.3 s).
const BACKGROUND_FROM_SITES: usize = 5_000;

/// What the figures were computed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FiguresKey {
    data: DataKey,
    targets: usize,
    view: YearView,
}

impl FiguresKey {
    fn of(ctx: &PanelCtx) -> Self {
        FiguresKey { data: ctx.data_key(), targets: ctx.targets as *const PlanTargets as usize, view: ctx.view }
    }
}

/// Everything the dashboard shows for one data, targets and view.
struct Figures {
    rows: Arc<Vec<StatRow>>,
    layers: Arc<Vec<LayerSummary>>,
    stacks: HashMap<PlanLayer, Arc<YearStack>>,
    counties: HashMap<PlanLayer, Arc<Vec<CountySummary>>>,
}

impl Figures {
    /// The rows, the layer summaries, and every layer's by-year and
    /// per-county charts (the chart layer can change without a recount).
    fn compute(ds: &Dataset, targets: &PlanTargets, view: YearView) -> Self {
        let rows = progress(ds, targets, view);
        let layers = layer_summaries(ds, view, &rows);
        let stacks = PlanLayer::ALL.into_iter().map(|l| (l, Arc::new(year_stack(ds, &rows, l)))).collect();
        let counties =
            PlanLayer::ALL.into_iter().map(|l| (l, Arc::new(county_summaries(ds, view, &rows, l)))).collect();
        Figures { rows: Arc::new(rows), layers: Arc::new(layers), stacks, counties }
    }
}

struct Cache {
    key: FiguresKey,
    figures: Figures,
}

impl DashboardState {
    /// The rows at the context's view (computed when data or year change;
    /// empty while a worker computes them).
    pub fn rows(&mut self, ctx: &PanelCtx) -> Arc<Vec<StatRow>> {
        self.refresh(ctx);
        self.current(ctx).map(|f| f.rows.clone()).unwrap_or_default()
    }

    /// The figures for the context's data, targets and view, if ready.
    fn current(&self, ctx: &PanelCtx) -> Option<&Figures> {
        let key = FiguresKey::of(ctx);
        self.cache.as_ref().filter(|c| c.key == key).map(|c| &c.figures)
    }

    /// Brings the figures up to date: at once for small data or without a
    /// worker context, else by starting (or collecting) a worker's run.
    fn refresh(&mut self, ctx: &PanelCtx) {
        let key = FiguresKey::of(ctx);
        if self.current(ctx).is_some() {
            return;
        }
        let background = ctx.background.as_ref().filter(|_| ctx.dataset.sites.len() >= BACKGROUND_FROM_SITES);
        let Some((shared, egui_ctx)) = background else {
            self.job.cancel();
            self.cache = Some(Cache { key, figures: Figures::compute(ctx.dataset, ctx.targets, ctx.view) });
            return;
        };
        let (shared, targets, view) = (Arc::clone(shared), ctx.targets.clone(), ctx.view);
        let work = move || Figures::compute(&shared.dataset, &targets, view);
        match self.job.poll(key, "dashboard", egui_ctx, work) {
            Poll::Ready(figures) => self.cache = Some(Cache { key, figures }),
            Poll::Pending => {}
            Poll::NoThread => {
                self.cache = Some(Cache { key, figures: Figures::compute(ctx.dataset, ctx.targets, ctx.view) })
            }
        }
    }

    /// The screen area the dashboard took last frame (for the PNG export).
    pub fn last_rect(&self) -> Option<egui::Rect> {
        self.rect
    }
}

/// Draws the dashboard. Returns the sites behind a clicked bar, row or number.
pub fn show(ui: &mut Ui, state: &mut DashboardState, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let mut action = None;
    state.refresh(ctx);
    poll_png(ui, state);
    let Some(figures) = state.current(ctx) else {
        ui.heading(format!(
            "{} · {}",
            tr(lang, "规划目标完成情况", "Progress against the plan"),
            view_label(ctx.view, lang)
        ));
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(tr(lang, "正在统计……", "Counting…"));
        });
        return None;
    };
    let rows = figures.rows.clone();
    let layers = figures.layers.clone();
    let stack = figures.stacks.get(&state.chart_layer).cloned().unwrap_or_default();
    let counties = figures.counties.get(&state.chart_layer).cloned().unwrap_or_default();

    let top = ui.min_rect().min;
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!(
            "{} · {}",
            tr(lang, "规划目标完成情况", "Progress against the plan"),
            view_label(ctx.view, lang)
        ));
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button(tr(lang, "导出表格 CSV…", "Export figures as CSV…")).clicked() {
            export_csv_dialog(state, &rows, ctx);
        }
        if ui.button(tr(lang, "导出图片 PNG…", "Export as PNG image…")).clicked() {
            let name = format!("{}-{}.png", tr(lang, "规划目标完成情况", "progress"), view_file_part(ctx.view));
            if let Some(p) = rfd::FileDialog::new().add_filter("PNG", &["png"]).set_file_name(name).save_file() {
                state.png.requested = Some(p);
                ui.ctx().request_repaint();
            }
        }
        ui.checkbox(&mut state.show_charts, tr(lang, "图表", "Charts"));
        ui.checkbox(&mut state.show_counties, tr(lang, "分县明细", "Per-county rows"));
    });
    if let Some((ok, msg)) = state.message.clone() {
        let colour = if ok { ui.visuals().text_color() } else { ui.visuals().error_fg_color };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(msg).color(colour));
            if ui.small_button("×").on_hover_text(tr(lang, "关闭提示", "Dismiss")).clicked() {
                state.message = None;
            }
        });
    }
    if ctx.targets.targets.is_empty() || rows.is_empty() {
        ui.label(tr(lang, "没有规划目标可以统计", "No plan targets to count"));
        return None;
    }

    if state.show_charts {
        ui.separator();
        if let Some(a) = layers_chart(ui, &layers, ctx) {
            action = Some(a);
        }
        ui.horizontal(|ui| {
            egui::ComboBox::from_label(tr(lang, "图表图层", "Chart layer"))
                .selected_text(layer_name(state.chart_layer, lang))
                .show_ui(ui, |ui| {
                    for l in layers.iter().map(|s| s.layer) {
                        ui.selectable_value(&mut state.chart_layer, l, layer_name(l, lang));
                    }
                });
        });
        if let Some(a) = stack_chart(ui, &stack, state.chart_layer, ctx) {
            action = Some(a);
        }
        if counties.is_empty() {
            ui.weak(tr(lang, "该图层没有分县目标", "This layer has no per-county targets"));
        } else if let Some(a) = county_chart(ui, &counties, state.chart_layer, ctx) {
            action = Some(a);
        }
    }

    ui.separator();
    if let Some(a) = figures_table(ui, &rows, state.show_counties, ctx) {
        action = Some(a);
    }
    state.rect = Some(egui::Rect::from_min_max(top, ui.min_rect().max).intersect(ui.clip_rect()));
    action
}

fn view_file_part(view: YearView) -> String {
    match view {
        YearView::EndOf(y) => y.to_string(),
        YearView::Latest => "latest".into(),
    }
}

fn export_csv_dialog(state: &mut DashboardState, rows: &[StatRow], ctx: &PanelCtx) {
    let lang = ctx.lang;
    let name = format!("{}-{}.csv", tr(lang, "规划目标完成情况", "progress"), view_file_part(ctx.view));
    let Some(path) = rfd::FileDialog::new().add_filter("CSV", &["csv"]).set_file_name(name).save_file() else {
        return;
    };
    state.message = Some(match export_stats_csv(&path, rows, lang) {
        Ok(()) => (true, format!("{}{}", tr(lang, "已导出：", "Exported: "), path.display())),
        Err(e) => (false, format!("{}{}: {e}", tr(lang, "导出失败：", "Export failed: "), path.display())),
    });
}

/// Sends the pending screenshot request, and reports a finished one.
fn poll_png(ui: &Ui, state: &mut DashboardState) {
    let done = state.png.result.lock().ok().and_then(|mut r| r.take());
    if let Some(r) = done {
        state.message = Some(match r {
            Ok(p) => (true, format!("{}", p.display())),
            Err(e) => (false, e),
        });
    }
    let (Some(path), Some(rect)) = (state.png.requested.take(), state.rect) else { return };
    let slot = state.png.result.clone();
    let ctx = ui.ctx().clone();
    let ppp = ui.ctx().pixels_per_point();
    ui.ctx().request_screenshot(move |image| {
        let r = save_png_crop(&image, rect, ppp, &path)
            .map(|()| path.clone())
            .map_err(|e| format!("{}: {e}", path.display()));
        if let Ok(mut s) = slot.lock() {
            *s = Some(r);
        }
        ctx.request_repaint();
    });
}

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
fn layers_chart(ui: &mut Ui, layers: &[LayerSummary], ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    ui.label(RichText::new(tr(lang, "各图层完成率（已完成 / 目标）", "Done against target, per layer")).strong());
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
    let resp = plot("dashboard-layers", 150.0)
        .x_axis_formatter(index_axis(names))
        .x_grid_spacer(unit_spacer())
        .y_axis_formatter(|m, _| format!("{:.0}%", m.value))
        .include_y(0.0)
        .include_y(110.0)
        .show(ui, |pui| {
            pui.bar_chart(BarChart::new(tr(lang, "目标", "Target"), target).allow_hover(false));
            pui.bar_chart(
                BarChart::new(tr(lang, "已完成", "Done"), done)
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
        });
    let p = clicked_point(&resp)?;
    let s = layers.get(usize::try_from(p.x.round() as i64).ok()?)?;
    Some(PanelAction::Select(if p.y <= s.percent() { s.done_sites.clone() } else { s.sites.clone() }))
}

/// Status by year for one layer, stacked; the viewed year's bar is outlined.
fn stack_chart(ui: &mut Ui, stack: &YearStack, layer: PlanLayer, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let km = layer.counts_km();
    ui.label(
        RichText::new(format!("{}{}", layer_name(layer, lang), tr(lang, " · 逐年状态", " · status by year"),)).strong(),
    );
    let mut charts: Vec<BarChart> = Vec::new();
    for (c, class) in StatusClass::ALL.into_iter().enumerate() {
        let bars: Vec<Bar> = STACK_YEARS
            .into_iter()
            .enumerate()
            .map(|(y, year)| {
                let mut b =
                    Bar::new(y as f64, stack.amounts[y][c]).width(0.6).fill(status_colour(class)).name(format!(
                        "{year} · {}: {}",
                        tr(lang, class.name_zh(), class.name_en()),
                        amount_text(stack.amounts[y][c], km)
                    ));
                if ctx.view == YearView::EndOf(year) {
                    b = b.stroke(egui::Stroke::new(1.5, ui.visuals().strong_text_color()));
                }
                b
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(tr(lang, class.name_zh(), class.name_en()), bars)
            .color(status_colour(class))
            .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone()))
            .stack_on(&refs);
        charts.push(chart);
    }
    legend(ui, StatusClass::ALL.iter().map(|&c| (status_colour(c), tr(lang, c.name_zh(), c.name_en()))));
    let names: Vec<String> = STACK_YEARS.iter().map(|y| y.to_string()).collect();
    let resp = plot("dashboard-by-year", 150.0)
        .x_axis_formatter(index_axis(names))
        .x_grid_spacer(unit_spacer())
        .include_y(0.0)
        .show(ui, |pui| {
            for c in charts {
                pui.bar_chart(c);
            }
        });
    let p = clicked_point(&resp)?;
    let y = usize::try_from(p.x.round() as i64).ok().filter(|&y| y < STACK_YEARS.len())?;
    let mut base = 0.0;
    for c in 0..4 {
        let top = base + stack.amounts[y][c];
        if p.y >= base && p.y <= top && stack.amounts[y][c] > 0.0 {
            return Some(PanelAction::Select(stack.sites[y][c].clone()));
        }
        base = top;
    }
    None
}

/// Done against target per county for the layer's per-county targets.
fn county_chart(ui: &mut Ui, counties: &[CountySummary], layer: PlanLayer, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let km = layer.counts_km();
    ui.label(
        RichText::new(format!("{}{}", layer_name(layer, lang), tr(lang, " · 各县对比", " · per county"))).strong(),
    );
    let target: Vec<Bar> = counties
        .iter()
        .enumerate()
        .map(|(x, c)| {
            Bar::new(x as f64 - 0.2, c.goal)
                .width(0.38)
                .fill(Color32::from_gray(128).gamma_multiply(0.6))
                .name(format!("{} · {}: {}", c.district, tr(lang, "目标", "target"), amount_text(c.goal, km)))
        })
        .collect();
    let done: Vec<Bar> = counties
        .iter()
        .enumerate()
        .map(|(x, c)| {
            Bar::new(x as f64 + 0.2, c.done).width(0.38).fill(status_colour(StatusClass::Done)).name(format!(
                "{} · {}: {}",
                c.district,
                tr(lang, "已完成", "done"),
                amount_text(c.done, km)
            ))
        })
        .collect();
    legend(
        ui,
        [
            (Color32::from_gray(128).gamma_multiply(0.6), tr(lang, "目标", "Target")),
            (status_colour(StatusClass::Done), tr(lang, "已完成", "Done")),
        ],
    );
    let names: Vec<String> = counties.iter().map(|c| c.district.clone()).collect();
    let resp = plot("dashboard-counties", 150.0)
        .x_axis_formatter(index_axis(names))
        .x_grid_spacer(unit_spacer())
        .include_y(0.0)
        .show(ui, |pui| {
            pui.bar_chart(
                BarChart::new(tr(lang, "目标", "Target"), target)
                    .color(Color32::from_gray(128))
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
            pui.bar_chart(
                BarChart::new(tr(lang, "已完成", "Done"), done)
                    .color(status_colour(StatusClass::Done))
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
        });
    let p = clicked_point(&resp)?;
    let x = p.x.round();
    let c = counties.get(usize::try_from(x as i64).ok()?)?;
    Some(PanelAction::Select(if p.x < x { c.sites.clone() } else { c.done_sites.clone() }))
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

/// A clickable figure or title with an accessible name of its own.
fn clickable(ui: &mut Ui, text: RichText, name: String) -> egui::Response {
    let resp = ui.add(egui::Label::new(text).sense(Sense::click())).on_hover_cursor(egui::CursorIcon::PointingHand);
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    resp
}

/// The table of figures, grouped by layer.
fn figures_table(ui: &mut Ui, rows: &[StatRow], show_counties: bool, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
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
    egui::ScrollArea::horizontal().id_salt("dashboard-figures").show(ui, |ui| {
        egui::Grid::new("dashboard-figures-grid").striped(true).num_columns(7).min_col_width(28.0).show(ui, |ui| {
            ui.strong(tr(lang, "目标项", "Target"));
            ui.strong(tr(lang, "目标", "Goal"));
            for f in Figure::COLUMNS {
                ui.strong(figure_name(f, lang));
            }
            ui.strong(tr(lang, "完成率", "Done %"));
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
                    let behind_word = tr(lang, "未达标", "behind");
                    let mut text = RichText::new(if behind {
                        format!("{} · {behind_word}", row_short_title(r, lang))
                    } else {
                        row_short_title(r, lang)
                    });
                    if behind {
                        text = text.color(ui.visuals().error_fg_color).strong();
                    }
                    let hover = if behind {
                        format!("{sentence}\n\n{}", tr(lang, "时段已结束，目标未完成", "Period over, target not met"))
                    } else {
                        sentence.clone()
                    };
                    let name = if behind { format!("{title} · {behind_word}") } else { title };
                    if clickable(ui, text, name).on_hover_text(hover).clicked() {
                        action = Some(PanelAction::Select(r.sites.clone()));
                    }
                    let goal_text = match r.target {
                        Some(t) => format!("{} {}", amount_text(t, km), r.unit),
                        None => "—".into(),
                    };
                    ui.label(goal_text).on_hover_text(sentence);
                    for f in Figure::COLUMNS {
                        let v = f.of(r);
                        let mut t = RichText::new(amount_text(v, km));
                        if f == Figure::Done && v > 0.0 {
                            t = t.color(done_colour);
                        } else if f == Figure::Overdue && v > 0.0 {
                            t = t.color(overdue_colour).strong();
                        }
                        let resp = clickable(ui, t, figure_label(r, f, lang)).on_hover_text(format!(
                            "{}: {}",
                            tr(lang, "点击选择这些项目", "Click to select these sites"),
                            figure_name(f, lang)
                        ));
                        if resp.clicked() {
                            action = Some(PanelAction::Select(figure_sites(ctx.dataset, view, r, f)));
                        }
                    }
                    let pct = r.percent.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into());
                    let mut t = RichText::new(pct);
                    if behind {
                        t = t.color(ui.visuals().error_fg_color);
                    }
                    ui.label(t).on_hover_text(format!(
                        "{}: {}",
                        tr(lang, "计划", "Planned"),
                        amount_text(r.planned, km)
                    ));
                    ui.end_row();
                }
            }
        });
    });
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use binzhou_core::model::Site;

    /// `n` main-city pocket parks planned for 2020, done in 2021.
    fn parks(n: usize) -> Arc<crate::app::data::MapData> {
        let sites = (0..n)
            .map(|k| {
                let mut s = Site::new_for_test(&format!("P{k}"), "口袋公园");
                s.scope = Some(Scope::MainCity);
                s.plan_year = Some(2020);
                s.started = Some("2020-03".parse().unwrap());
                s.completed = Some("2021-05".parse().unwrap());
                s
            })
            .collect();
        Arc::new(crate::app::data::MapData::build(Dataset { sites, ..Default::default() }))
    }

    fn parks_done(state: &mut DashboardState, ctx: &PanelCtx) -> f64 {
        state
            .rows(ctx)
            .iter()
            .filter(|r| r.layer == PlanLayer::PocketPark && r.scope == Scope::MainCity)
            .map(|r| r.done)
            .sum()
    }

    #[test]
    fn the_figures_of_large_data_are_counted_on_a_worker_and_arrive_later() {
        let n = BACKGROUND_FROM_SITES + 10;
        let data = parks(n);
        let targets = PlanTargets::bundled();
        let egui_ctx = egui::Context::default();
        let ctx = PanelCtx::on_worker(&data, &targets, &egui_ctx, YearView::EndOf(2021));
        let mut state = DashboardState::default();
        // The first call only starts the worker: nothing is ready yet.
        assert!(state.rows(&ctx).is_empty());
        assert!(state.job.is_running(), "a worker was started");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while state.rows(&ctx).is_empty() {
            assert!(std::time::Instant::now() < deadline, "the worker's figures never arrived");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(parks_done(&mut state, &ctx), n as f64);
        // Another year starts over, and at the end of 2020 none is done.
        let earlier = PanelCtx { view: YearView::EndOf(2020), ..ctx };
        assert!(state.rows(&earlier).is_empty());
        while state.rows(&earlier).is_empty() {
            assert!(std::time::Instant::now() < deadline, "the 2020 figures never arrived");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(parks_done(&mut state, &earlier), 0.0);
    }

    #[test]
    fn the_figures_of_small_data_are_ready_at_once() {
        let data = parks(40);
        let targets = PlanTargets::bundled();
        let egui_ctx = egui::Context::default();
        let ctx = PanelCtx::on_worker(&data, &targets, &egui_ctx, YearView::EndOf(2021));
        assert_eq!(parks_done(&mut DashboardState::default(), &ctx), 40.0);
    }

    #[test]
    fn a_crop_outside_the_image_is_an_error_not_a_panic() {
        let img = egui::ColorImage::new([4, 4], vec![Color32::WHITE; 16]);
        let dir = std::env::temp_dir().join("binzhou-dash-crop-test.png");
        let r =
            save_png_crop(&img, egui::Rect::from_min_max(egui::pos2(10.0, 10.0), egui::pos2(20.0, 20.0)), 1.0, &dir);
        assert!(r.is_err());
    }
}
