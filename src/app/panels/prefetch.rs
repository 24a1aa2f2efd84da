//! Downloading an area of the current online basemap for offline use: the
//! area (the current view, a layer's extent, or a box drawn on the map), a
//! zoom range, the estimate before starting, then a progress bar with speed
//! and time left, cancel and resume. The result is an MBTiles package (and
//! one for the label layer, if the source has one) that the offline source
//! opens. OpenStreetMap's servers are refused.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Align2, Color32, Pos2, Rect, RichText, Stroke, StrokeKind, Ui};

use crate::app::data::MapData;
use crate::app::i18n::Lang;
use crate::app::map::MapView;
use crate::app::map::basemap::BasemapChoice;
use crate::app::map::project::ScreenTransform;
use crate::app::state::ViewState;
use binzhou_core::crs::{Crs, from_wgs84};
use binzhou_core::model::Msg;
use binzhou_tiles::cache::human_size;
use binzhou_tiles::coord::LonLatBox;
use binzhou_tiles::prefetch::{
    DEFAULT_REQUESTS_PER_SECOND, Estimate, MAX_PREFETCH_ZOOM, MAX_TILES, Prefetch, PrefetchArea, PrefetchOptions,
    PrefetchReport, PrefetchTarget, ProgressSnapshot,
};
use binzhou_tiles::settings::labels_package_for;
use binzhou_tiles::source::{LayerRole, SourceSpec, redact};

/// What the dialog asks of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum PrefetchAction {
    /// Show this offline package as the basemap.
    UseOffline(SourceSpec),
    /// Open the basemap settings (e.g. to enter a key).
    OpenSettings,
    /// Ask where the package is written (the app's file dialog).
    ChooseOutput,
}

/// Which area to download.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AreaChoice {
    /// What the map shows now.
    #[default]
    View,
    /// The extent of one data layer.
    Layer,
    /// A box drawn on the map.
    Drawn,
}

/// A download under way.
struct Run {
    prefetch: Prefetch,
    targets: Vec<PrefetchTarget>,
}

/// How the last download ended.
#[derive(Clone, Debug, PartialEq)]
struct Finished {
    text: String,
    ok: bool,
    /// Worth running again to continue (cancelled or stopped by failures).
    resumable: bool,
    base: Option<PathBuf>,
}

/// The dialog's state.
pub struct PrefetchDialog {
    /// Whether the window is open.
    pub open: bool,
    /// Whether a box is being drawn on the map (then dragging does not pan).
    pub drawing: bool,
    /// Which area.
    pub area: AreaChoice,
    /// The layer whose extent is used.
    pub layer_slot: usize,
    /// The box drawn last, in the basemap's frame.
    pub drawn: Option<LonLatBox>,
    /// Where the drag drawing a box started (screen).
    drag_from: Option<Pos2>,
    /// First zoom level.
    pub min_zoom: u8,
    /// Last zoom level.
    pub max_zoom: u8,
    /// The package to write.
    pub output: String,
    run: Option<Run>,
    last: Option<(Vec<PrefetchTarget>, PrefetchArea)>,
    finished: Option<Finished>,
    error: Option<String>,
}

impl Default for PrefetchDialog {
    fn default() -> Self {
        PrefetchDialog {
            open: false,
            drawing: false,
            area: AreaChoice::View,
            layer_slot: 0,
            drawn: None,
            drag_from: None,
            min_zoom: 10,
            max_zoom: 16,
            output: String::new(),
            run: None,
            last: None,
            finished: None,
            error: None,
        }
    }
}

impl std::fmt::Debug for PrefetchDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrefetchDialog")
            .field("open", &self.open)
            .field("area", &self.area)
            .field("zooms", &(self.min_zoom, self.max_zoom))
            .field("running", &self.run.is_some())
            .finish()
    }
}

/// `mm:ss` or `h:mm:ss`.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// One line of progress, e.g. `120 / 340 tiles · 3.9 tiles/s · 80 KB/s · 0:56 left`.
pub fn progress_text(p: &ProgressSnapshot, lang: Lang) -> String {
    let eta = p.eta.map(clock).unwrap_or_else(|| "—".to_owned());
    let speed = human_size(p.bytes_per_second.max(0.0) as u64);
    lang.prefetch_progress(p, &speed, &eta)
}

/// The estimate as one line.
pub fn estimate_text(e: &Estimate, lang: Lang) -> String {
    let time = clock(e.duration_at(DEFAULT_REQUESTS_PER_SECOND));
    lang.prefetch_estimate(e.tiles, e.bytes, DEFAULT_REQUESTS_PER_SECOND, &time)
}

/// Where packages go unless the user says otherwise: `~/binzhou-offline/`,
/// named after the source (a later download of the same source adds to it).
pub fn default_output(spec: &SourceSpec) -> PathBuf {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let slug: String = spec
        .display_name()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    home.join("binzhou-offline").join(format!("{slug}.mbtiles"))
}

/// A WGS84 box moved into the basemap's frame (GCJ-02 for such sources).
fn into_frame(b: LonLatBox, gcj02: bool) -> LonLatBox {
    if !gcj02 {
        return b;
    }
    let a = from_wgs84(Crs::Gcj02, b.west, b.south).unwrap_or((b.west, b.south));
    let c = from_wgs84(Crs::Gcj02, b.east, b.north).unwrap_or((b.east, b.north));
    LonLatBox::from_corners(a, c).unwrap_or(b)
}

/// The box the map shows, in the basemap's frame.
pub fn view_box(t: &ScreenTransform) -> Option<LonLatBox> {
    let t = t.unshifted();
    LonLatBox::from_corners(t.lon_lat(t.rect.left_top()), t.lon_lat(t.rect.right_bottom())).ok()
}

/// The box between two screen points, in the basemap's frame.
pub fn screen_box(t: &ScreenTransform, a: Pos2, b: Pos2) -> Option<LonLatBox> {
    let t = t.unshifted();
    LonLatBox::from_corners(t.lon_lat(a), t.lon_lat(b)).ok()
}

impl PrefetchDialog {
    /// Whether a download is under way.
    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Progress of the download under way.
    pub fn progress(&self) -> Option<ProgressSnapshot> {
        self.run.as_ref().map(|r| r.prefetch.progress())
    }

    /// Status-bar items while a download runs.
    pub fn status(&self, lang: Lang) -> Vec<(String, bool)> {
        match self.progress() {
            Some(p) => vec![(
                format!("{} {:.0}% ({}/{})", lang.text().prefetch_status, p.fraction() * 100.0, p.done, p.total),
                false,
            )],
            None => Vec::new(),
        }
    }

    /// The area chosen, in the basemap's frame, or why there is none.
    fn chosen_box(&self, data: &MapData, map: &MapView, gcj02: bool, lang: Lang) -> Result<LonLatBox, String> {
        let t = lang.text();
        match self.area {
            AreaChoice::View => map.transform.as_ref().and_then(view_box).ok_or_else(|| t.no_map_yet.to_owned()),
            AreaChoice::Layer => {
                let layer = data.layers.get(self.layer_slot).and_then(|l| l.bbox);
                let b =
                    layer.and_then(|r| LonLatBox::from_corners((r.min().x, r.min().y), (r.max().x, r.max().y)).ok());
                // A single point has no area: give it a kilometre or so.
                let b = b.or_else(|| {
                    let r = layer?;
                    let c = r.center();
                    LonLatBox::from_corners((c.x - 0.006, c.y - 0.005), (c.x + 0.006, c.y + 0.005)).ok()
                });
                b.map(|b| into_frame(b, gcj02)).ok_or_else(|| t.no_layer_extent.to_owned())
            }
            AreaChoice::Drawn => self.drawn.ok_or_else(|| t.draw_box_first.to_owned()),
        }
    }

    /// Starts (or resumes) downloading.
    fn start(&mut self, targets: Vec<PrefetchTarget>, area: PrefetchArea, lang: Lang) {
        self.finished = None;
        self.error = None;
        for t in &targets {
            if let Some(dir) = t.output.parent()
                && let Err(e) = std::fs::create_dir_all(dir)
            {
                self.error = Some(lang.pick(&Msg::io(dir.display(), dir.display(), &e)).to_owned());
                return;
            }
        }
        match Prefetch::start(targets.clone(), area, PrefetchOptions::default()) {
            Ok(prefetch) => {
                tracing::info!("offline download of {} tiles started", area.estimate(targets.len(), None).tiles);
                self.last = Some((targets.clone(), area));
                self.run = Some(Run { prefetch, targets });
            }
            Err(e) => self.error = Some(redact(&lang.say(&e))),
        }
    }

    /// Takes the result of a download that has stopped.
    fn poll(&mut self, lang: Lang) {
        let Some(run) = self.run.take_if(|r| r.prefetch.is_finished()) else {
            return;
        };
        let keys: Vec<_> = run.targets.iter().map(|t| t.layer.clone()).collect();
        let clean = |text: String| keys.iter().fold(redact(&text), |t, l| l.redact(&t));
        let base = run.targets.first().map(|t| t.output.clone());
        self.finished = Some(match run.prefetch.wait() {
            Ok(report) => finished_text(&report, base, lang),
            Err(e) => {
                let text = clean(lang.say(&e));
                Finished { text, ok: false, resumable: true, base: base.filter(|b| b.is_file()) }
            }
        });
    }

    /// Shows the window (when open) and follows a download; says what the
    /// app should do.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        state: &ViewState,
        data: &MapData,
        map: &MapView,
    ) -> Option<PrefetchAction> {
        let lang = state.lang;
        self.poll(lang);
        if self.run.is_some() {
            ctx.request_repaint_after(Duration::from_millis(250));
        }
        if self.drawing && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.drawing = false;
        }
        if !self.open || self.drawing {
            return None;
        }
        let mut action = None;
        let mut open = self.open;
        egui::Window::new(lang.text().prefetch_title)
            .id(egui::Id::unique("prefetch-dialog"))
            .open(&mut open)
            .resizable(false)
            .default_width(480.0)
            .show(ctx, |ui| action = self.ui(ui, state, data, map));
        self.open = open;
        action
    }

    fn ui(&mut self, ui: &mut Ui, state: &ViewState, data: &MapData, map: &MapView) -> Option<PrefetchAction> {
        let lang = state.lang;
        let t = lang.text();
        let red = Color32::from_rgb(190, 50, 30);
        let spec = &state.tiles.source;
        let online = state.basemap == BasemapChoice::Tiles && spec.is_remote();
        ui.label(t.prefetch_intro);
        if !online {
            ui.label(RichText::new(t.prefetch_needs_online).color(red));
            return None;
        }
        ui.label(format!("{}{}", t.prefetch_source, lang.source_name(spec)));
        if let Err(refusal) = spec.check_bulk_download() {
            ui.label(RichText::new(lang.say(&refusal)).color(red));
            return None;
        }
        let layers = match spec.remote_layers(state.tiles.tianditu_key().as_ref()) {
            Ok(l) => l,
            Err(e) => {
                ui.label(RichText::new(redact(&lang.say(&e))).color(red));
                if ui.button(t.open_basemap_settings).clicked() {
                    return Some(PrefetchAction::OpenSettings);
                }
                return None;
            }
        };
        let running = self.run.is_some();
        ui.separator();

        let mut choose_output = false;
        ui.add_enabled_ui(!running, |ui| {
            ui.horizontal(|ui| {
                ui.label(t.prefetch_area);
                ui.radio_value(&mut self.area, AreaChoice::View, t.area_view);
                ui.radio_value(&mut self.area, AreaChoice::Layer, t.area_layer);
                ui.radio_value(&mut self.area, AreaChoice::Drawn, t.area_drawn);
            });
            match self.area {
                AreaChoice::Layer => {
                    let name = |slot: usize| data.layers.get(slot).map(|l| lang.layer(&l.key)).unwrap_or_default();
                    egui::ComboBox::from_id_salt("prefetch-layer").selected_text(name(self.layer_slot)).show_ui(
                        ui,
                        |ui| {
                            for slot in 0..data.layers.len() {
                                ui.selectable_value(&mut self.layer_slot, slot, name(slot));
                            }
                        },
                    );
                }
                AreaChoice::Drawn => {
                    ui.horizontal(|ui| {
                        let label = if self.drawn.is_some() { t.draw_again } else { t.draw_on_map };
                        if ui.button(label).clicked() {
                            self.drawing = true;
                        }
                        if let Some(b) = self.drawn {
                            ui.label(
                                RichText::new(format!("{:.4}, {:.4} — {:.4}, {:.4}", b.west, b.south, b.east, b.north))
                                    .small()
                                    .monospace(),
                            );
                        }
                    });
                }
                AreaChoice::View => {}
            }
            ui.horizontal(|ui| {
                ui.label(t.prefetch_zooms);
                ui.add(egui::DragValue::new(&mut self.min_zoom).range(0..=MAX_PREFETCH_ZOOM));
                ui.label("—");
                ui.add(egui::DragValue::new(&mut self.max_zoom).range(0..=MAX_PREFETCH_ZOOM));
                if self.max_zoom < self.min_zoom {
                    self.max_zoom = self.min_zoom;
                }
            });
            ui.horizontal(|ui| {
                ui.label(t.prefetch_save_as);
                if self.output.trim().is_empty() {
                    self.output = default_output(spec).display().to_string();
                }
                ui.add(egui::TextEdit::singleline(&mut self.output).desired_width(300.0));
                if ui.button("…").clicked() {
                    choose_output = true;
                }
            });
        });

        // The estimate, before anything is fetched.
        let plan = self
            .chosen_box(data, map, spec.is_gcj02(), lang)
            .and_then(|b| PrefetchArea::new(b, self.min_zoom, self.max_zoom).map_err(|e| lang.say(&e)));
        let estimate = plan.as_ref().ok().map(|a| a.estimate(layers.len(), None));
        match (&plan, &estimate) {
            (Ok(_), Some(e)) => {
                let too_many = e.tiles > MAX_TILES;
                let colour = if too_many { red } else { ui.visuals().text_color() };
                ui.label(RichText::new(estimate_text(e, lang)).color(colour));
                if too_many {
                    ui.label(RichText::new(format!("{} {MAX_TILES}", t.prefetch_too_large)).color(red));
                }
                if layers.len() > 1 {
                    ui.label(RichText::new(t.prefetch_labels_note).small().weak());
                }
            }
            (Err(e), _) => {
                ui.label(RichText::new(e).color(red));
            }
            _ => {}
        }

        let output = PathBuf::from(self.output.trim());
        let targets: Vec<PrefetchTarget> = layers
            .into_iter()
            .map(|layer| {
                let output = match layer.role() {
                    LayerRole::Labels => labels_package_for(&output).unwrap_or_else(|| output.clone()),
                    LayerRole::Base => output.clone(),
                };
                PrefetchTarget { layer, output }
            })
            .collect();
        let mut action = choose_output.then_some(PrefetchAction::ChooseOutput);
        ui.separator();
        match &self.run {
            Some(run) => {
                let p = run.prefetch.progress();
                ui.add(egui::ProgressBar::new(p.fraction()).show_percentage());
                ui.label(progress_text(&p, lang));
                if p.failed > 0 || p.missing > 0 {
                    ui.label(
                        RichText::new(format!(
                            "{} {} · {} {}",
                            t.tiles_failed, p.failed, t.tiles_not_on_server, p.missing
                        ))
                        .small(),
                    );
                }
                if let Some(e) = &p.last_error {
                    ui.label(RichText::new(e).small().color(red));
                }
                if ui.button(t.prefetch_cancel).clicked() {
                    run.prefetch.cancel();
                }
            }
            None => {
                let can_start = estimate.is_some_and(|e| e.tiles <= MAX_TILES) && !self.output.trim().is_empty();
                ui.horizontal(|ui| {
                    if ui.add_enabled(can_start, egui::Button::new(t.prefetch_start)).clicked()
                        && let Ok(area) = plan
                    {
                        self.start(targets, area, lang);
                    }
                    let resumable = self.finished.as_ref().is_some_and(|f| f.resumable);
                    if resumable
                        && let Some((targets, area)) = self.last.clone()
                        && ui.button(t.prefetch_resume).clicked()
                    {
                        self.start(targets, area, lang);
                    }
                });
            }
        }
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(red));
        }
        if let Some(f) = &self.finished {
            ui.label(RichText::new(&f.text).color(if f.ok { ui.visuals().text_color() } else { red }));
            if let Some(base) = &f.base
                && ui.button(t.use_offline_basemap).clicked()
            {
                action = Some(PrefetchAction::UseOffline(SourceSpec::MbTiles(base.clone())));
            }
        }
        action
    }

    /// While drawing: takes a drag on the map as the download box, painting
    /// it as it grows. Otherwise shows the chosen box while the dialog is open.
    pub fn draw_box(&mut self, ui: &mut Ui, response: &egui::Response, map: &MapView, lang: Lang) {
        let Some(t) = map.transform else {
            return;
        };
        let painter = ui.painter().with_clip_rect(t.rect);
        let stroke = Stroke::new(2.0, Color32::from_rgb(20, 90, 200));
        let fill = Color32::from_rgba_unmultiplied(20, 90, 200, 30);
        if !self.drawing {
            if self.open
                && self.area == AreaChoice::Drawn
                && let Some(b) = self.drawn
            {
                let base = t.unshifted();
                let r = Rect::from_two_pos(
                    base.lon_lat_to_screen(b.west, b.north),
                    base.lon_lat_to_screen(b.east, b.south),
                );
                painter.rect(r, 0.0, fill, stroke, StrokeKind::Middle);
            }
            return;
        }
        painter.text(
            t.rect.center_top() + egui::vec2(0.0, 40.0),
            Align2::CENTER_TOP,
            lang.text().drag_box_hint,
            egui::FontId::proportional(16.0),
            Color32::from_rgb(20, 60, 140),
        );
        if response.drag_started() {
            self.drag_from = ui.input(|i| i.pointer.press_origin()).or(response.interact_pointer_pos());
        }
        let now = response.interact_pointer_pos().or(response.hover_pos()).or(ui.input(|i| i.pointer.latest_pos()));
        if let (Some(a), Some(b)) = (self.drag_from, now)
            && (response.dragged() || response.drag_stopped())
        {
            painter.rect(Rect::from_two_pos(a, b), 0.0, fill, stroke, StrokeKind::Middle);
            if response.drag_stopped() {
                if let Some(bbox) = screen_box(&t, a, b) {
                    self.drawn = Some(bbox);
                    self.area = AreaChoice::Drawn;
                }
                self.drawing = false;
                self.drag_from = None;
                self.open = true;
            }
        }
    }
}

/// The summary of a finished download.
fn finished_text(r: &PrefetchReport, base: Option<PathBuf>, lang: Lang) -> Finished {
    let base = base.filter(|b| b.is_file());
    let where_ = base.as_deref().map(Path::display).map(|d| d.to_string()).unwrap_or_default();
    let text = lang.prefetch_finished(r, &where_);
    Finished { text, ok: r.failed == 0, resumable: r.cancelled || r.failed > 0, base }
}
