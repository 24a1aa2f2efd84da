//! The desktop app: the plan's sites on a map, by year, with identify,
//! search, layers and problems. Built on the headless core (loading, index,
//! status by year); it adds presentation only.
//!
//! [`run`] opens the window; [`App`] is the app itself, whose whole UI is
//! drawn by [`App::ui_root`] into any `egui::Ui` (the window, or a test
//! harness).

pub mod data;
pub mod fonts;
pub mod gnss;
pub mod i18n;
pub mod map;
pub mod panels;
pub mod state;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::{Align2, Color32, Key, Modifiers, Pos2, RichText, Ui, vec2};

use binzhou_core::model::{LayerKey, Severity, YearView};
use binzhou_core::stats::PlanTargets;
use data::{MapData, SiteLooks};
use i18n::Lang;
use map::MapView;
use map::basemap::{BasemapChoice, BasemapSource, PlainBackground, VectorBasemap};
use map::sites_plugin::{DrawStyle, LayerLook};
use map::style::{Symbol, layer_colour};
use panels::audit::AuditState;
use panels::dashboard::{DashboardState, PanelAction, PanelCtx};
use panels::identify::IdentifyAction;
use panels::layers::LayerAction;
use panels::problems::ProblemsState;
use panels::search::SearchState;
use panels::status_bar::StatusInfo;
use panels::table::TableState;
use panels::year::Player;
use state::{Camera, MAIN_CITY_BOUNDS, ViewState};
use worker::{LoadKind, Loader, Polled};

/// What the app opens.
#[derive(Clone, Debug, Default)]
pub struct AppArgs {
    /// Files or folders to load; empty means the bundled `data` folder.
    pub data: Vec<PathBuf>,
    /// A GNSS source to connect at start (see [`binzhou_core::gnss::source::GnssSource::parse`]).
    pub gnss: Option<String>,
}

/// The bundled data folder: `data` under the working directory, or the
/// crate's own when run from elsewhere during development.
pub fn default_data_paths() -> Vec<PathBuf> {
    let here = PathBuf::from("data");
    if here.is_dir() {
        return vec![here];
    }
    let crate_data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    if crate_data.is_dir() { vec![crate_data] } else { vec![here] }
}

/// The main city's bounds as a lon/lat box.
pub fn main_city_bounds() -> geo::Rect<f64> {
    let [w, s, e, n] = MAIN_CITY_BOUNDS;
    geo::Rect::new((w, s), (e, n))
}

/// Opens the desktop app and runs it until the window closes.
pub fn run(args: AppArgs) -> anyhow::Result<()> {
    let gnss = args.gnss;
    let paths = if args.data.is_empty() { default_data_paths() } else { args.data };
    let font = fonts::find_cjk_font();
    let title_lang = if font.is_some() { Lang::Zh } else { Lang::En };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title_lang.text().app_title)
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "binzhou-sites",
        options,
        Box::new(move |cc| {
            let font_missing = match font.as_deref().map(|p| fonts::install_font_file(&cc.egui_ctx, p)) {
                Some(Ok(())) => false,
                Some(Err(e)) => {
                    tracing::warn!("{e}");
                    true
                }
                None => {
                    tracing::warn!("{}", fonts::FontError::NotFound);
                    true
                }
            };
            fonts::apply_text_sizes(&cc.egui_ctx);
            cc.egui_ctx.set_theme(egui::Theme::Light);
            let state = ViewState::load(cc.storage);
            let mut app = App::new(paths, state, font_missing).with_report_state(cc.storage);
            if let Some(g) = &gnss {
                app.connect_gnss(g, &cc.egui_ctx);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// Dialog windows.
#[derive(Debug, Default)]
struct Dialogs {
    about: bool,
    shortcuts: bool,
}

/// A message shown over the map until dismissed.
#[derive(Debug, Clone, PartialEq)]
struct Notice {
    text: String,
    /// Shown in this many more seconds, or until dismissed when `None`.
    ttl: Option<f32>,
}

/// The desktop app.
pub struct App {
    state: ViewState,
    data: Arc<MapData>,
    /// Bumped whenever `data` is replaced.
    generation: u64,
    looks: SiteLooks,
    looks_for: Option<(YearView, u64)>,
    map: MapView,
    loader: Loader,
    /// Paths to load on the first frame (the loader needs the context).
    initial: Option<Vec<PathBuf>>,
    search: SearchState,
    problems: ProblemsState,
    player: Player,
    selected: Option<usize>,
    vector: VectorBasemap,
    plain: PlainBackground,
    /// Tile basemaps (online and offline), their settings and prefetch dialogs.
    tiles: panels::basemap_settings::BasemapPanel,
    notices: Vec<Notice>,
    dialogs: Dialogs,
    title_lang: Option<Lang>,
    illustrative: bool,
    /// The plan's targets: the data folder's `plan_targets.json`, else the bundled ones.
    targets: PlanTargets,
    dashboard: DashboardState,
    table: TableState,
    audit: AuditState,
    /// Sites a report panel selected (a dashboard figure, an audit entry), ringed on the map.
    highlight: Vec<usize>,
    /// Their bounds, fitted once the table that lists them has taken its space.
    fit_later: Option<(geo::Rect<f64>, u8)>,
    /// The GNSS receiver, when one is connected.
    gnss: gnss::GnssView,
}

/// Where the report panels' state is stored.
const REPORTS_KEY: &str = "binzhou-sites/report-panels";

/// The plan targets for the data paths: a folder's own `plan_targets.json`, else the bundled ones.
fn targets_for(paths: &[PathBuf]) -> PlanTargets {
    paths
        .iter()
        .find(|p| p.is_dir())
        .and_then(|dir| {
            PlanTargets::for_data_dir(dir).map_err(|e| tracing::warn!("{e}; using the bundled plan targets")).ok()
        })
        .unwrap_or_else(PlanTargets::bundled)
}

impl App {
    /// An app that loads `paths` when first shown. With `font_missing`, the
    /// interface is in English and a notice says how to install a CJK font.
    pub fn new(paths: Vec<PathBuf>, mut state: ViewState, font_missing: bool) -> Self {
        let mut notices = Vec::new();
        if font_missing {
            state.lang = Lang::En;
            notices.push(Notice { text: Lang::En.text().no_cjk_font.to_owned(), ttl: None });
        }
        // Basemap files named at start (MBTiles, PMTiles, tile folders) become
        // the basemap, as when dropped; the rest is data. Only basemaps named:
        // the bundled data, as with no names at all.
        let mut tiles = panels::basemap_settings::BasemapPanel::default();
        let named = paths.len();
        let mut paths = tiles.open_paths(&mut state, paths);
        if paths.is_empty() && named > 0 {
            paths = default_data_paths();
        }
        let map = MapView::new(state.camera, main_city_bounds());
        let targets = targets_for(&paths);
        App {
            map,
            state,
            data: Arc::new(MapData::default()),
            generation: 0,
            looks: SiteLooks::default(),
            looks_for: None,
            loader: Loader::default(),
            initial: Some(paths),
            search: SearchState::default(),
            problems: ProblemsState::default(),
            player: Player::default(),
            selected: None,
            vector: VectorBasemap::builtin(),
            plain: PlainBackground,
            tiles,
            notices,
            dialogs: Dialogs::default(),
            title_lang: None,
            illustrative: false,
            targets,
            dashboard: DashboardState::default(),
            table: TableState::default(),
            audit: AuditState::default(),
            highlight: Vec::new(),
            fit_later: None,
            gnss: Default::default(),
        }
    }

    /// Restores the report panels' settings (sort, filter, chart layer) saved by an earlier run.
    pub fn with_report_state(mut self, storage: Option<&dyn eframe::Storage>) -> Self {
        if let Some((dashboard, table, audit)) = storage.and_then(|s| eframe::get_value(s, REPORTS_KEY)) {
            (self.dashboard, self.table, self.audit) = (dashboard, table, audit);
        }
        self
    }

    /// The sites a report panel selected, ringed on the map and listed in the table.
    pub fn highlighted(&self) -> &[usize] {
        &self.highlight
    }

    /// The data shown.
    pub fn data(&self) -> &MapData {
        &self.data
    }

    /// Status per site at the viewed year, as drawn.
    pub fn looks(&self) -> &SiteLooks {
        &self.looks
    }

    /// The view state (persisted between runs).
    pub fn state(&self) -> &ViewState {
        &self.state
    }

    /// The view state, to change.
    pub fn state_mut(&mut self) -> &mut ViewState {
        &mut self.state
    }

    /// The selected site.
    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// Where the map looks.
    pub fn camera(&self) -> Camera {
        self.map.camera()
    }

    /// Whether the camera is moving by itself.
    pub fn is_flying(&self) -> bool {
        self.map.is_animating()
    }

    /// A site's marker/label position on screen in the last frame.
    pub fn site_screen_pos(&self, i: usize) -> Option<Pos2> {
        let t = self.map.transform?;
        let g = self.data.geoms.get(i)?;
        Some(t.to_screen(g.anchor))
    }

    /// The site the map would pick at a screen position (in the last frame's view).
    pub fn pick_at_screen(&self, at: Pos2) -> Option<usize> {
        let t = self.map.transform?;
        map::sites_plugin::pick_at(&self.data, &t, at, &self.layer_looks())
    }

    /// The map's rectangle on screen in the last frame.
    pub fn map_rect(&self) -> Option<egui::Rect> {
        self.map.rect()
    }

    /// Sites drawn in the last frame, per layer (in `data().layers` order).
    pub fn drawn_per_layer(&self) -> &[u32] {
        &self.map.frame.drawn_per_layer
    }

    /// Whether a load is under way.
    pub fn is_loading(&self) -> bool {
        self.loader.is_busy() || self.initial.is_some()
    }

    /// Loads files or folders and adds them to the data (or queues them
    /// while a load is under way).
    pub fn open_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        let kind = if self.data.dataset.sites.is_empty() && self.data.dataset.files.is_empty() {
            LoadKind::Replace
        } else {
            LoadKind::Add(self.data.clone())
        };
        self.loader.start(ctx, paths, kind);
    }

    /// Blocks until the load under way (and any queued) has finished and is
    /// shown; for tests and scripted use. Returns false on timeout.
    pub fn wait_for_loading(&mut self, ctx: &egui::Context, timeout: Duration) -> bool {
        if let Some(paths) = self.initial.take() {
            self.loader.start(ctx, paths, LoadKind::Replace);
        }
        let deadline = std::time::Instant::now() + timeout;
        while self.loader.is_busy() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            let polled = self.loader.wait(left);
            self.on_polled(ctx, polled);
        }
        true
    }

    fn on_polled(&mut self, ctx: &egui::Context, polled: Polled) {
        match polled {
            Polled::Nothing => {}
            Polled::Died => {
                self.notices.push(Notice { text: self.state.lang.text().loader_died.to_owned(), ttl: None })
            }
            Polled::Loaded(done) => {
                let lang = self.state.lang;
                let before = if done.replaced { 0 } else { self.data.dataset.sites.len() };
                if done.replaced {
                    self.selected = None;
                    self.highlight.clear();
                }
                self.data = done.data;
                self.generation += 1;
                let ds = &self.data.dataset;
                self.illustrative = ds.sites.iter().any(|s| s.source() == Some("illustrative"));
                if ds.sites.is_empty() {
                    self.notices.push(Notice { text: lang.text().no_data.to_owned(), ttl: None });
                }
                if !done.replaced {
                    self.notices.push(Notice {
                        text: lang.file_loaded(&done.files.join(", "), done.new_sites, done.new_problems),
                        ttl: Some(6.0),
                    });
                    // Show what was added.
                    if let Some(b) = ds.sites[before..].iter().map(|s| s.bbox).reduce(binzhou_core::model::union) {
                        self.map.fit(b, 16.0, true);
                    }
                }
                let new_errors =
                    ds.problems[ds.problems.len() - done.new_problems..].iter().any(|p| p.severity == Severity::Error);
                if new_errors && !done.replaced {
                    self.state.panels.problems = true;
                }
                tracing::info!(
                    "loaded {} ({} sites, {} problems) in {:.0} ms",
                    done.files.join(", "),
                    done.new_sites,
                    done.new_problems,
                    done.elapsed.as_secs_f64() * 1000.0
                );
                let queued = self.loader.take_queued();
                if !queued.is_empty() {
                    self.open_paths(ctx, queued);
                }
            }
        }
    }

    fn refresh_looks(&mut self) {
        let key = (self.state.year, self.generation);
        if self.looks_for != Some(key) {
            self.looks = self.data.looks(self.state.year);
            self.looks_for = Some(key);
        }
    }

    fn layer_looks(&self) -> Vec<LayerLook> {
        self.data
            .layers
            .iter()
            .map(|l| {
                let v = self.state.layer(&l.key.key());
                LayerLook {
                    visible: v.visible,
                    opacity: v.opacity,
                    colour: layer_colour(&l.key),
                    symbol: Symbol::of(&l.key),
                }
            })
            .collect()
    }

    fn select(&mut self, i: usize, fly: bool) {
        self.selected = Some(i);
        self.state.panels.identify = true;
        if fly && let Some(site) = self.data.dataset.sites.get(i) {
            let b = site.bbox;
            let zoom = self.camera().zoom.max(15.0);
            match self.map.transform {
                Some(t) => {
                    let fit = map::zoom_to_fit(&b, t.rect.size()).min(17.0);
                    let c = b.center();
                    self.map.fly_to(c.x, c.y, fit.min(zoom.max(15.0)), true);
                }
                None => self.map.fit(b, zoom, true),
            }
        }
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::F)) {
            self.state.panels.layers = true;
            ctx.memory_mut(|m| m.request_focus(panels::search::field_id()));
        }
        let typing = ctx.egui_wants_keyboard_input();
        if !typing && ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.selected = None;
            self.highlight.clear();
        }
        if typing {
            return;
        }
        let (zoom_in, zoom_out, dx, dy) = ctx.input(|i| {
            let plain = !i.modifiers.command && !i.modifiers.alt;
            let p = |k: Key| plain && i.key_pressed(k);
            (
                p(Key::Plus) || p(Key::Equals),
                p(Key::Minus),
                (p(Key::ArrowRight) as i8 - p(Key::ArrowLeft) as i8) as f32,
                (p(Key::ArrowDown) as i8 - p(Key::ArrowUp) as i8) as f32,
            )
        });
        if zoom_in {
            self.map.zoom_by(1.0);
        }
        if zoom_out {
            self.map.zoom_by(-1.0);
        }
        if dx != 0.0 || dy != 0.0 {
            self.map.pan_by(dx * 150.0, dy * 150.0);
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        // MBTiles, PMTiles and tile folders become the basemap; the rest is data.
        let dropped = self.tiles.open_paths(&mut self.state, dropped);
        if !dropped.is_empty() {
            self.open_paths(ctx, dropped);
        }
    }

    fn open_dialog(&mut self, ctx: &egui::Context, folder: bool) {
        let t = self.state.lang.text();
        let dialog = rfd::FileDialog::new();
        let picked = if folder {
            dialog.pick_folder().map(|f| vec![f])
        } else {
            dialog.add_filter(t.geojson_filter, &["geojson", "json"]).pick_files()
        };
        if let Some(paths) = picked {
            self.open_paths(ctx, paths);
        }
    }

    /// Starts reading a GNSS source (a device, `gpsd`, `replay:FILE`). A
    /// source that cannot even be started is said in a notice; one that
    /// fails once running (no such device), in the status bar.
    pub fn connect_gnss(&mut self, source: &str, ctx: &egui::Context) {
        match self.gnss.connect(source, ctx) {
            Ok(()) => self.state.gnss_source = source.trim().to_owned(),
            Err(e) => {
                tracing::warn!("{}", e.en);
                self.notices.push(Notice { text: self.state.lang.pick(&e).to_owned(), ttl: None });
            }
        }
    }

    /// The GNSS receiver, for tests and the status bar.
    pub fn gnss(&self) -> &gnss::GnssView {
        &self.gnss
    }

    /// Takes the receiver's news; on a new fix finds the nearest site and,
    /// when following, keeps the map on the position.
    fn poll_gnss(&mut self) {
        let Some(fix) = self.gnss.poll() else { return };
        let here = geo::Point::new(fix.lon, fix.lat);
        let sites = &self.data.dataset.sites;
        self.gnss.nearest =
            self.data.index.nearest(sites, here, 1).first().map(|&(i, d)| (sites[i].name().to_owned(), d));
        if self.state.gnss_follow {
            let zoom = self.map.camera().zoom.max(15.0);
            self.map.fly_to(fix.lon, fix.lat, zoom, true);
        }
    }

    fn gnss_menu(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        let tr = panels::dashboard::tr;
        if ui.button(tr(lang, "连接 GNSS 接收机…", "Connect a GNSS receiver…")).clicked() {
            self.gnss.dialog = Some(self.state.gnss_source.clone());
            ui.close();
        }
        if self.gnss.is_connected() && ui.button(tr(lang, "断开", "Disconnect")).clicked() {
            self.gnss.disconnect();
            ui.close();
        }
        ui.separator();
        ui.checkbox(&mut self.state.gnss_follow, tr(lang, "地图跟随我的位置", "Map follows my position"));
        let here = self.gnss.fix().map(|f| (f.lon, f.lat));
        if ui.add_enabled(here.is_some(), egui::Button::new(tr(lang, "转到我的位置", "Go to my position"))).clicked()
        {
            if let Some((lon, lat)) = here {
                self.map.fly_to(lon, lat, self.map.camera().zoom.max(16.0), true);
            }
            ui.close();
        }
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        let t = lang.text();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(t.menu_file, |ui| {
                if ui.button(t.open_files).clicked() {
                    ui.close();
                    self.open_dialog(ui.ctx(), false);
                }
                if ui.button(t.open_folder).clicked() {
                    ui.close();
                    self.open_dialog(ui.ctx(), true);
                }
                ui.separator();
                if ui.button(t.quit).clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button(t.menu_view, |ui| {
                let p = &mut self.state.panels;
                ui.checkbox(&mut p.layers, t.panel_layers);
                ui.checkbox(&mut p.legend, t.panel_legend);
                ui.checkbox(&mut p.identify, t.panel_identify);
                ui.checkbox(&mut p.problems, t.panel_problems);
                ui.checkbox(&mut p.dashboard, t.panel_dashboard);
                ui.checkbox(&mut p.table, t.panel_table);
                ui.checkbox(&mut p.audit, t.panel_audit);
                ui.separator();
                ui.checkbox(&mut self.state.show_labels, t.show_labels);
                ui.checkbox(&mut self.state.show_changes, t.show_changes);
                ui.checkbox(&mut self.state.show_gcj02, t.show_gcj02);
                ui.separator();
                if ui.button(t.zoom_main_city).clicked() {
                    self.map.fit(main_city_bounds(), 16.0, true);
                    ui.close();
                }
                if ui.button(t.zoom_all_data).clicked() {
                    if let Some(b) = self.data.dataset.bbox() {
                        self.map.fit(b, 16.0, true);
                    }
                    ui.close();
                }
            });
            ui.menu_button(t.menu_basemap, |ui| {
                panels::basemap_settings::menu(ui, &mut self.state, &mut self.tiles);
            });
            ui.menu_button(panels::dashboard::tr(lang, "定位", "GNSS"), |ui| self.gnss_menu(ui));
            ui.menu_button(t.menu_language, |ui| {
                for l in [Lang::Zh, Lang::En] {
                    ui.radio_value(&mut self.state.lang, l, l.native_name());
                }
            });
            ui.menu_button(t.menu_help, |ui| {
                if ui.button(t.shortcuts).clicked() {
                    self.dialogs.shortcuts = true;
                    ui.close();
                }
                if ui.button(t.about).clicked() {
                    self.dialogs.about = true;
                    ui.close();
                }
            });
        });
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        ui.horizontal(|ui| {
            panels::year::show(ui, &mut self.state.year, &mut self.player, lang);
            ui.separator();
            ui.checkbox(&mut self.state.show_changes, lang.text().show_changes);
            if self.illustrative {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(
                        RichText::new(lang.text().illustrative_badge)
                            .color(Color32::from_rgb(150, 90, 0))
                            .background_color(Color32::from_rgb(255, 240, 200)),
                    )
                    .on_hover_text(lang.text().illustrative_hint);
                });
            }
        });
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        if let Some(source) = self.gnss.show_dialog(ctx, self.state.lang) {
            self.state.gnss_source = source;
        }
        let t = self.state.lang.text();
        for (open, title, body) in [
            (&mut self.dialogs.shortcuts, t.shortcuts, t.shortcuts_body),
            (&mut self.dialogs.about, t.about, t.about_body),
        ] {
            if *open {
                egui::Window::new(title)
                    .collapsible(false)
                    .resizable(false)
                    .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
                    .open(open)
                    .show(ctx, |ui| {
                        ui.label(body);
                    });
            }
        }
    }

    fn map_overlays(&mut self, ui: &mut Ui, rect: egui::Rect) {
        let lang = self.state.lang;
        let t = lang.text();
        let ctx = ui.ctx().clone();
        // Legend, bottom left.
        if self.state.panels.legend && !self.data.layers.is_empty() {
            egui::Area::new(egui::Id::unique("legend-overlay"))
                .fixed_pos(rect.right_bottom() + vec2(-10.0, -24.0))
                .pivot(Align2::RIGHT_BOTTOM)
                .constrain_to(rect)
                .show(&ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(230.0);
                        panels::legend::show(ui, &self.data, &self.looks, &mut self.state, lang);
                    });
                });
        }
        // Zoom buttons, top right.
        egui::Area::new(egui::Id::unique("zoom-overlay"))
            .fixed_pos(rect.right_top() + vec2(-10.0, 10.0))
            .pivot(Align2::RIGHT_TOP)
            .show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).inner_margin(4.0).show(ui, |ui| {
                    ui.vertical(|ui| {
                        if ui.button(RichText::new("＋").size(16.0)).on_hover_text(t.zoom_in).clicked() {
                            self.map.zoom_by(1.0);
                        }
                        if ui.button(RichText::new("－").size(16.0)).on_hover_text(t.zoom_out).clicked() {
                            self.map.zoom_by(-1.0);
                        }
                        if ui.button(RichText::new("⊙").size(16.0)).on_hover_text(t.home).clicked() {
                            self.map.fit(main_city_bounds(), 16.0, true);
                        }
                    });
                });
            });
        // Attribution, bottom right.
        if let Some(a) = self.basemap_mut().attribution(lang) {
            ui.painter().text(
                rect.right_bottom() + vec2(-6.0, -4.0),
                Align2::RIGHT_BOTTOM,
                a,
                egui::FontId::proportional(11.0),
                Color32::from_rgb(110, 110, 110),
            );
        }
        // Notices, top centre.
        let dt = ctx.input(|i| i.stable_dt).clamp(0.0, 0.25);
        for n in &mut self.notices {
            if let Some(ttl) = &mut n.ttl {
                *ttl -= dt;
                ctx.request_repaint_after(Duration::from_millis(250));
            }
        }
        self.notices.retain(|n| n.ttl.is_none_or(|t| t > 0.0));
        if !self.notices.is_empty() {
            let mut dismiss = None;
            egui::Area::new(egui::Id::unique("notices"))
                .fixed_pos(rect.center_top() + vec2(0.0, 10.0))
                .pivot(Align2::CENTER_TOP)
                .show(&ctx, |ui| {
                    for (k, n) in self.notices.iter().enumerate() {
                        egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.set_max_width(560.0);
                            ui.horizontal_wrapped(|ui| {
                                ui.label(&n.text);
                                if ui.small_button(t.dismiss).clicked() {
                                    dismiss = Some(k);
                                }
                            });
                        });
                    }
                });
            if let Some(k) = dismiss {
                self.notices.remove(k);
            }
        }
        // Files dragged over the window.
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            let p = ui.painter();
            p.rect_filled(rect, 0.0, Color32::from_rgba_unmultiplied(0, 60, 120, 90));
            p.text(
                rect.center(),
                Align2::CENTER_CENTER,
                t.drop_files,
                egui::FontId::proportional(24.0),
                Color32::WHITE,
            );
        }
    }

    fn basemap_mut(&mut self) -> &mut dyn BasemapSource {
        match self.state.basemap {
            BasemapChoice::Vector => &mut self.vector,
            BasemapChoice::None => &mut self.plain,
            BasemapChoice::Tiles => &mut self.tiles.source,
        }
    }

    /// Draws the whole app into `ui` and handles its input: the window's
    /// content, or a test harness's.
    pub fn ui_root(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if let Some(paths) = self.initial.take() {
            self.loader.start(&ctx, paths, LoadKind::Replace);
        }
        let polled = self.loader.poll();
        self.on_polled(&ctx, polled);
        self.handle_dropped_files(&ctx);
        self.handle_keys(&ctx);
        self.player.tick(&ctx, &mut self.state.year);
        if self.title_lang != Some(self.state.lang) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(self.state.lang.text().app_title.into()));
            self.title_lang = Some(self.state.lang);
        }
        if self.selected.is_some_and(|i| i >= self.data.dataset.sites.len()) {
            self.selected = None;
        }
        self.highlight.retain(|&i| i < self.data.dataset.sites.len());
        self.refresh_looks();
        self.tiles.frame(&ctx, &mut self.state, &self.data, &mut self.map);
        self.poll_gnss();
        let lang = self.state.lang;

        egui::Panel::top("menu-bar").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            let ds = &self.data.dataset;
            let info = StatusInfo {
                cursor: self.map.cursor,
                show_gcj02: self.state.show_gcj02,
                transform: self.map.transform,
                progress: self.loader.progress(),
                summary: (ds.sites.len(), self.data.layers.len(), ds.files.len()),
                problems: (ds.error_count(), ds.problems.len()),
                basemap: self.tiles.status(&self.state),
                gnss: self.gnss.status(lang),
            };
            if panels::status_bar::show(ui, &info, lang) {
                self.state.panels.problems = !self.state.panels.problems;
            }
        });
        if self.state.panels.problems {
            egui::Panel::bottom("problems").resizable(true).default_size(200.0).show(ui, |ui| {
                if let Some(b) = panels::problems::show(ui, &self.data.dataset.problems, &mut self.problems, lang) {
                    self.map.fit(b, 17.0, true);
                }
            });
        }
        if self.state.panels.layers {
            egui::Panel::left("layers").resizable(true).default_size(300.0).show(ui, |ui| {
                if let Some(i) = panels::search::show(ui, &self.data, self.generation, &mut self.search, lang) {
                    self.select(i, true);
                }
                ui.separator();
                egui::ScrollArea::vertical().id_salt("layer-list").show(ui, |ui| {
                    if let Some(LayerAction::ZoomTo(b)) = panels::layers::show(ui, &self.data, &mut self.state, lang) {
                        self.map.fit(b, 16.0, true);
                    }
                });
            });
        }
        if self.state.panels.identify
            && let Some(i) = self.selected
        {
            egui::Panel::right("identify").resizable(true).default_size(330.0).show(ui, |ui| {
                match panels::identify::show(ui, &self.data, i, lang) {
                    Some(IdentifyAction::Close) => self.selected = None,
                    Some(IdentifyAction::ZoomTo(b)) => self.map.fit(b, 17.0, true),
                    None => {}
                }
            });
        }
        self.report_panels(ui);
        egui::CentralPanel::no_frame().show(ui, |ui| {
            let layers = self.layer_looks();
            let style = DrawStyle {
                looks: &self.looks,
                layers: &layers,
                colour_by: self.state.colour_by,
                selected: self.selected,
                hovered: None,
                show_changes: self.state.show_changes,
                labels: self.state.show_labels,
            };
            let data = self.data.clone();
            let basemap: &mut dyn BasemapSource = match self.state.basemap {
                BasemapChoice::Vector => &mut self.vector,
                BasemapChoice::None => &mut self.plain,
                BasemapChoice::Tiles => &mut self.tiles.source,
            };
            let out = self.map.show(ui, &data, style, basemap);
            let rect = out.response.rect;
            self.tiles.map_interaction(ui, &out.response, &self.map, lang);
            match out.clicked {
                Some(Some(i)) => self.select(i, false),
                Some(None) => {
                    self.selected = None;
                    self.highlight.clear();
                }
                None => {}
            }
            let rings = self.highlight.iter().filter_map(|&i| self.site_screen_pos(i));
            panels::dashboard::paint_highlight(ui.painter(), rect, rings);
            if let Some(t) = self.map.transform {
                self.gnss.paint(ui, rect, &t);
            }
            if let Some(i) = self.map.frame.hovered
                && let Some(site) = data.dataset.sites.get(i)
            {
                let class = self.looks.class.get(i).copied().flatten();
                out.response.on_hover_ui_at_pointer(|ui| {
                    ui.label(RichText::new(site.name()).strong());
                    let mut line = lang.layer(site.layer());
                    if let Some(c) = class {
                        line.push_str(&format!(" · {} · {}", lang.year_long(self.state.year), lang.status(c)));
                    }
                    ui.label(RichText::new(line).small());
                });
            }
            self.map_overlays(ui, rect);
        });
        self.dialogs(&ctx);
        if let Some(cam) = Some(self.map.camera()).filter(Camera::is_valid) {
            self.state.camera = Some(cam);
        }
    }

    /// The report panels: progress dashboard and audit (right), attribute table (bottom).
    fn report_panels(&mut self, ui: &mut Ui) {
        if let Some((b, frames)) = self.fit_later.take() {
            if frames == 0 {
                self.map.fit(b, 17.0, true);
            } else {
                self.fit_later = Some((b, frames - 1));
                ui.ctx().request_repaint();
            }
        }
        let panels = self.state.panels;
        if !(panels.dashboard || panels.table || panels.audit) {
            return;
        }
        let data = self.data.clone();
        // The map's selection first (the table scrolls to it), then a panel's.
        let selection: Vec<usize> = self
            .selected
            .into_iter()
            .chain(self.highlight.iter().copied().filter(|&i| Some(i) != self.selected))
            .collect();
        let state = &self.state;
        let visible = |k: &LayerKey| state.layer(&k.key()).visible;
        let egui_ctx = ui.ctx().clone();
        let ctx = PanelCtx {
            dataset: &data.dataset,
            index: &data.index,
            targets: &self.targets,
            view: state.year,
            lang: state.lang,
            selection: &selection,
            visible: &visible,
            data_version: self.generation,
            background: Some((&data, &egui_ctx)),
        };
        let mut action = None;
        if panels.table {
            egui::Panel::bottom("attribute-table").resizable(true).default_size(260.0).show(ui, |ui| {
                action = panels::table::show(ui, &mut self.table, &ctx).or(action.take());
            });
        }
        if panels.dashboard {
            egui::Panel::right("dashboard").resizable(true).default_size(470.0).show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("dashboard-scroll").show(ui, |ui| {
                    action = panels::dashboard::show(ui, &mut self.dashboard, &ctx).or(action.take());
                });
            });
        }
        if panels.audit {
            egui::Panel::right("audit").resizable(true).default_size(360.0).show(ui, |ui| {
                action = panels::audit::show(ui, &mut self.audit, &ctx).or(action.take());
            });
        }
        match action {
            Some(PanelAction::Select(sites)) => {
                // Fit after the table has opened and the map has its new size.
                let frames = if panels.table { 0 } else { 1 };
                self.fit_later = sites
                    .iter()
                    .filter_map(|&i| data.dataset.sites.get(i))
                    .map(|s| s.bbox)
                    .reduce(binzhou_core::model::union)
                    .map(|b| (b, frames));
                self.selected = if let [one] = sites[..] { Some(one) } else { None };
                self.table.list_sites(sites.clone());
                self.state.panels.table = true;
                self.highlight = sites;
            }
            Some(PanelAction::FlyTo(i)) => self.select(i, true),
            None => {}
        }
    }

    /// Layers with at least one site, by key (for tests and scripts).
    pub fn layer_keys(&self) -> Vec<LayerKey> {
        self.data.layers.iter().map(|l| l.key.clone()).collect()
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.state.save(storage);
        eframe::set_value(storage, REPORTS_KEY, &(&self.dashboard, &self.table, &self.audit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_cjk_font_the_app_speaks_english_and_says_how_to_install_one() {
        let app = App::new(Vec::new(), ViewState::default(), true);
        assert_eq!(app.state().lang, Lang::En);
        assert!(app.notices.iter().any(|n| n.text.contains("fonts-wqy-microhei")));
    }

    #[test]
    fn a_saved_camera_is_where_the_app_opens() {
        let state = ViewState { camera: Some(Camera { lon: 118.05, lat: 37.43, zoom: 15.0 }), ..Default::default() };
        let app = App::new(Vec::new(), state, false);
        let c = app.camera();
        assert!((c.lon - 118.05).abs() < 1e-9 && (c.lat - 37.43).abs() < 1e-9 && c.zoom == 15.0);
    }
}
