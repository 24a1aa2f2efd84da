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
//! The figures themselves are the core's ([`binzhou_core::stats::figures`]);
//! here are their names ([`labels`]), the [`charts`] and the [`table`].

mod charts;
pub mod labels;
mod table;

use charts::{county_chart, layers_chart, stack_chart};
use table::figures_table;

use labels::layer_name;
pub use labels::{amount_text, figure_label, figure_name, layer_short_name, row_short_title, row_title, scope_name};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{RichText, Ui};

use super::background::{Background, Poll};
use crate::app::i18n::Lang;
use crate::app::panels::ctx::{DataKey, PanelAction, PanelCtx};
use binzhou_core::model::{Dataset, PlanLayer, YearView};
use binzhou_core::stats::{
    CountySummary, LayerSummary, PlanTargets, StatRow, YearStack, county_summaries, layer_summaries, progress,
    year_stack,
};

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
    /// An export waiting for the app's file dialog.
    #[serde(skip)]
    export_request: Option<DashboardExport>,
}

/// An export the dashboard asks the app's file dialog for (see
/// `file_dialog::Purpose::Dashboard`): the chosen path comes back through
/// [`DashboardState::export_csv`] or [`DashboardState::request_png`].
#[derive(Debug, Clone)]
pub enum DashboardExport {
    /// The figures as shown when asked, as CSV.
    Csv { rows: Arc<Vec<StatRow>>, file_name: String },
    /// The dashboard as a PNG image.
    Png { file_name: String },
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
            export_request: None,
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

    /// The export asked for, for the app's file dialog.
    pub fn take_export_request(&mut self) -> Option<DashboardExport> {
        self.export_request.take()
    }

    /// Writes `rows` to the path chosen, and says how it went.
    pub fn export_csv(&mut self, path: &Path, rows: &[StatRow], lang: Lang) {
        let t = lang.text();
        self.message = Some(match export_stats_csv(path, rows, lang) {
            Ok(()) => (true, format!("{}{}", t.exported, path.display())),
            Err(e) => (false, format!("{}{}: {e}", t.export_failed, path.display())),
        });
    }

    /// Saves the dashboard as it is drawn next frame to the path chosen.
    pub fn request_png(&mut self, path: PathBuf) {
        self.png.requested = Some(path);
    }
}

/// Draws the dashboard. Returns the sites behind a clicked bar, row or number.
pub fn show(ui: &mut Ui, state: &mut DashboardState, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    let t = lang.text();
    let mut action = None;
    state.refresh(ctx);
    poll_png(ui, state);
    let Some(figures) = state.current(ctx) else {
        ui.heading(format!("{} · {}", t.dash_heading, lang.view_label(ctx.view)));
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(t.dash_counting);
        });
        return None;
    };
    let rows = figures.rows.clone();
    let layers = figures.layers.clone();
    let stack = figures.stacks.get(&state.chart_layer).cloned().unwrap_or_default();
    let counties = figures.counties.get(&state.chart_layer).cloned().unwrap_or_default();

    let top = ui.min_rect().min;
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("{} · {}", t.dash_heading, lang.view_label(ctx.view)));
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button(t.dash_export_csv).clicked() {
            let file_name = format!("{}-{}.csv", t.dash_file_name, view_file_part(ctx.view));
            state.export_request = Some(DashboardExport::Csv { rows: rows.clone(), file_name });
        }
        if ui.button(t.dash_export_png).clicked() {
            let file_name = format!("{}-{}.png", t.dash_file_name, view_file_part(ctx.view));
            state.export_request = Some(DashboardExport::Png { file_name });
        }
        ui.checkbox(&mut state.show_charts, t.dash_charts);
        ui.checkbox(&mut state.show_counties, t.dash_per_county_rows);
    });
    if let Some((ok, msg)) = state.message.clone() {
        let colour = if ok { ui.visuals().text_color() } else { ui.visuals().error_fg_color };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(msg).color(colour));
            if ui.small_button("×").on_hover_text(t.dash_dismiss_message).clicked() {
                state.message = None;
            }
        });
    }
    if ctx.targets.targets.is_empty() || rows.is_empty() {
        ui.label(t.dash_no_targets);
        return None;
    }

    if state.show_charts {
        ui.separator();
        if let Some(a) = layers_chart(ui, &layers, ctx) {
            action = Some(a);
        }
        ui.horizontal(|ui| {
            crate::app::panels::labelled_combo(ui, t.dash_chart_layer, layer_name(state.chart_layer, lang), |ui| {
                for l in layers.iter().map(|s| s.layer) {
                    ui.selectable_value(&mut state.chart_layer, l, layer_name(l, lang));
                }
            });
        });
        if let Some(a) = stack_chart(ui, &stack, state.chart_layer, ctx) {
            action = Some(a);
        }
        if counties.is_empty() {
            ui.weak(t.dash_no_county_targets);
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

#[cfg(test)]
mod tests {
    use super::*;
    use binzhou_core::model::Scope;
    use binzhou_core::model::Site;
    use egui::Color32;

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
