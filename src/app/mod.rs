//! The desktop app: the plan's sites on a map, by year, with identify,
//! search, layers and problems. Built on the headless core (loading, index,
//! status by year); it adds presentation only.
//!
//! [`run`] (in `startup`) opens the window; [`App`] is the app itself, whose whole UI is
//! drawn by [`App::ui_root`] into any `egui::Ui` (the window, or a test
//! harness).

pub mod bench;
pub mod checks;
pub mod data;
pub mod editing;
pub mod file_dialog;
pub mod fonts;
pub mod gnss;
pub mod i18n;
pub mod map;
pub mod panels;
pub mod render;
pub mod state;
pub mod worker;

mod actions;
mod bookmarks_ui;
mod checks_office;
pub mod db_link;
mod db_ui;
mod edit_ui;
mod field;
mod geom_edit;
mod goto;
mod ledger_dialog;
mod measure;
mod menus;
mod overlays;
mod present;
mod route_ui;
mod startup;
mod swipe;
mod thumbs;
mod tour_ui;

use startup::targets_for;
pub use startup::{AppArgs, default_data_paths, main_city_bounds, run};

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
use panels::ctx::{PanelAction, PanelCtx};
use panels::dashboard::DashboardState;
use panels::identify::IdentifyAction;
use panels::layers::LayerAction;
use panels::problems::ProblemsState;
use panels::search::SearchState;
use panels::status_bar::StatusInfo;
use panels::table::TableState;
use panels::year::Player;
use state::{Camera, ViewState};
use worker::{LoadKind, Loader, Polled};

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
    /// The looks of the other year views seen for this data generation, so
    /// that switching or playing the years counts each view once.
    looks_seen: Vec<(YearView, SiteLooks)>,
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
    /// The tile basemap drawn when the choice is [`BasemapChoice::Tiles`]; it
    /// follows the tile settings in the view state.
    tile_basemap: map::tiles_source::TileBasemap,
    notices: Vec<Notice>,
    dialogs: Dialogs,
    /// The window title as last sent (language and unsaved mark).
    window_title: Option<String>,
    illustrative: bool,
    /// The plan's targets: the data folder's `plan_targets.json`, else the bundled ones.
    targets: PlanTargets,
    dashboard: DashboardState,
    table: TableState,
    audit: AuditState,
    /// Sites a report panel selected (a dashboard figure, an audit entry), ringed on the map.
    highlight: Vec<usize>,
    /// Their bounds, fitted once the table that lists them has taken its space.
    fit_later: Option<(geo::Rect<f64>, f64, u8)>,
    /// What floated over the map last frame (zoom buttons, notices), in
    /// screen points: a fit keeps the selection clear of them.
    overlay_rects: Vec<egui::Rect>,
    /// The GNSS receiver, when one is connected.
    gnss: gnss::GnssView,
    /// The field-check journal to open on the first frame, if any.
    journal_path: Option<PathBuf>,
    /// The field-check journal, its checks and the open check form.
    checks: checks::FieldChecks,
    /// The go-to-coordinate dialog, while open.
    goto: Option<goto::GotoDialog>,
    /// Where the last go-to went (WGS 84).
    goto_marker: Option<(f64, f64)>,
    /// The measurement under way (M), if any.
    measure: Option<measure::Measure>,
    /// Today's route, if one is planned.
    route: Option<route_ui::Route>,
    /// The route's box tool: armed (`Some(None)`) or dragging from a point.
    route_box: Option<Option<Pos2>>,
    /// The field checks' office tools: export, summary.
    office: checks_office::Office,
    /// The shared database the plan came from, if it did.
    db: Option<db_link::DbLink>,
    /// The database to open on the first frame.
    db_pending: Option<binzhou_db::Target>,
    /// Edits of the database's plan: their base versions, conflicts.
    db_edits: db_ui::DbEdits,
    /// Check photos as pictures.
    thumbs: thumbs::Thumbnails,
    /// Edits: undo, the journal, saves, the attribute form.
    editing: editing::Editing,
    /// The vertex tool, a site being drawn, the batch form.
    geom: geom_edit::GeomTools,
    /// Presentation mode (F5), while on: what it put aside.
    present: Option<present::Presenting>,
    /// Two years at one view, split by a divider.
    swipe: Option<swipe::Swipe>,
    /// The tour being built or played.
    tour: Option<tour_ui::TourState>,
    /// A tour file to open once the data has loaded (`--tour`).
    pending_tour: Option<PathBuf>,
    /// Named extents kept with the data.
    bookmarks: bookmarks_ui::Bookmarks,
    /// File dialogs: the in-app browser while open, and what it is for.
    files: file_dialog::Files,
    /// The column dialogs of ledgers being opened, and their imports.
    ledgers: ledger_dialog::LedgerDialogs,
    /// The map image being exported (文件 → 导出地图图片…).
    exports: render::export::Exports,
}

/// Where the report panels' state is stored.
const REPORTS_KEY: &str = "binzhou-sites/report-panels";

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
            looks_seen: Vec::new(),
            loader: Loader::default(),
            initial: Some(paths),
            search: SearchState::default(),
            problems: ProblemsState::default(),
            player: Player::default(),
            selected: None,
            vector: VectorBasemap::builtin(),
            plain: PlainBackground,
            tiles,
            tile_basemap: map::tiles_source::TileBasemap::default(),
            notices,
            dialogs: Dialogs::default(),
            window_title: None,
            illustrative: false,
            targets,
            dashboard: DashboardState::default(),
            table: TableState::default(),
            audit: AuditState::default(),
            highlight: Vec::new(),
            fit_later: None,
            overlay_rects: Vec::new(),
            gnss: Default::default(),
            journal_path: None,
            checks: checks::FieldChecks::default(),
            goto: None,
            goto_marker: None,
            measure: None,
            route: None,
            route_box: None,
            office: checks_office::Office::default(),
            db: None,
            db_pending: None,
            db_edits: db_ui::DbEdits::default(),
            thumbs: thumbs::Thumbnails::default(),
            editing: editing::Editing::default(),
            geom: geom_edit::GeomTools::default(),
            present: None,
            swipe: None,
            tour: None,
            pending_tour: None,
            bookmarks: bookmarks_ui::Bookmarks::default(),
            files: file_dialog::Files::default(),
            ledgers: ledger_dialog::LedgerDialogs::default(),
            exports: render::export::Exports::default(),
        }
    }

    /// Keeps field checks in the journal at `path` (made if missing), opened
    /// on the first frame.
    pub fn with_journal(mut self, path: PathBuf) -> Self {
        // Edits are journalled beside the field checks, one file per data file.
        let dir = path.parent().map(|p| p.join("edits"));
        let author = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "user".into());
        self.editing = editing::Editing::new(&author, dir);
        self.journal_path = Some(path);
        self
    }

    /// Draws dense views on the GPU of `render_state` where it can (see
    /// [`map::gpu_sites`]); without one they are drawn as meshes.
    pub fn with_gpu(mut self, render_state: Option<&eframe::egui_wgpu::RenderState>) -> Self {
        self.map.gpu = render_state.is_some_and(map::gpu_sites::install);
        self
    }

    /// Whether dense views are drawn on the GPU (see [`App::with_gpu`]).
    pub fn draws_dense_views_on_the_gpu(&self) -> bool {
        self.map.gpu
    }

    /// Opens the tour file at `path` once the data has loaded (`--tour`).
    pub fn with_tour(mut self, path: PathBuf) -> Self {
        self.pending_tour = Some(path);
        self
    }

    /// The field checks (for tests and scripts).
    pub fn field_checks(&mut self) -> &mut checks::FieldChecks {
        &mut self.checks
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

    /// Where a WGS 84 position was on screen in the last frame (for tests).
    pub fn screen_of(&self, lon: f64, lat: f64) -> Option<Pos2> {
        let t = self.map.transform?;
        Some(t.to_screen(binzhou_core::mercator::to_unit(lon, lat)))
    }

    /// The WGS 84 position under a screen point in the last frame (for tests).
    pub fn lon_lat_at(&self, p: Pos2) -> Option<(f64, f64)> {
        Some(self.map.transform?.lon_lat(p))
    }

    /// Shows `b` on the map at once, as Zoom to does (for tests and scripts).
    pub fn fit_to(&mut self, b: geo::Rect<f64>) {
        self.map.fit(b, 17.0, false);
    }

    /// The rows the attribute table showed last frame (for tests).
    pub fn table_rows(&self) -> Option<Arc<Vec<usize>>> {
        self.table.shown_rows()
    }

    /// Selects site `i` and flies to it, as choosing it in a list does (for
    /// tests and scripts).
    pub fn select_site(&mut self, i: usize) {
        self.select(i, true);
    }

    /// Where a WGS 84 position was on screen in the last frame.
    pub fn lon_lat_to_screen(&self, lon: f64, lat: f64) -> Option<Pos2> {
        let t = self.map.transform?;
        Some(t.to_screen(binzhou_core::mercator::to_unit(lon, lat)))
    }

    /// A site's box on screen in the last frame.
    pub fn site_screen_box(&self, i: usize) -> Option<egui::Rect> {
        let t = self.map.transform?;
        let g = self.data.geoms.get(i)?;
        Some(t.box_to_screen(&g.bbox))
    }

    /// The site the map would pick at a screen position (in the last frame's view).
    pub fn pick_at_screen(&self, at: Pos2) -> Option<usize> {
        let t = self.map.transform?;
        map::sites_plugin::pick_at(&self.data, &t, at, &self.layer_looks())
    }

    /// The map's rectangle on screen in the last frame.
    /// The part of the map no overlay covered last frame (for tests).
    pub fn clear_map_rect(&self) -> Option<egui::Rect> {
        self.map.rect().map(|r| map::clear::clear_rect(r, &self.overlay_rects))
    }

    /// Fits a lon/lat box in the part of the map nothing covers.
    pub(super) fn fit_clear(&mut self, b: geo::Rect<f64>, max_zoom: f64) {
        match self.clear_map_rect() {
            Some(clear) => self.map.fit_in(b, max_zoom, clear, true),
            None => self.map.fit(b, max_zoom, true),
        }
    }

    pub fn map_rect(&self) -> Option<egui::Rect> {
        self.map.rect()
    }

    /// Sites drawn in the last frame, per layer (in `data().layers` order).
    pub fn drawn_per_layer(&self) -> &[u32] {
        &self.map.frame.drawn_per_layer
    }

    /// Whether a load is under way.
    pub fn is_loading(&self) -> bool {
        self.loader.is_busy()
            || self.initial.is_some()
            || self.db_pending.is_some()
            || self.db.as_ref().is_some_and(|d| d.state == db_link::LinkState::Connecting)
    }

    fn refresh_looks(&mut self) {
        let key = (self.state.year, self.generation);
        if self.looks_for == Some(key) {
            return;
        }
        let previous = self.looks_for.filter(|&(_, g)| g == self.generation);
        if previous.is_none() {
            self.looks_seen.clear();
        }
        let fresh = match self.looks_seen.iter().position(|(y, _)| *y == self.state.year) {
            Some(i) => self.looks_seen.swap_remove(i).1,
            None => self.data.looks(self.state.year),
        };
        let old = std::mem::replace(&mut self.looks, fresh);
        if let Some((year, _)) = previous {
            self.looks_seen.push((year, old));
        }
        self.looks_for = Some(key);
    }

    fn layer_looks(&self) -> Vec<LayerLook> {
        self.data
            .layers
            .iter()
            .map(|l| {
                let v = self.state.layer(&l.key.key());
                LayerLook {
                    checkable: !matches!(l.key, LayerKey::Reference(_)),
                    visible: v.visible,
                    opacity: v.opacity,
                    colour: layer_colour(&l.key),
                    symbol: Symbol::of(&l.key),
                }
            })
            .collect()
    }

    /// The GNSS receiver, for tests and the status bar.
    pub fn gnss(&self) -> &gnss::GnssView {
        &self.gnss
    }

    /// Draws the whole app into `ui` and handles its input: the window's
    /// content, or a test harness's.
    pub fn ui_root(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.ledger_frame(&ctx);
        if let Some(paths) = self.initial.take() {
            self.loader.start(&ctx, paths, LoadKind::Replace);
        }
        let polled = self.loader.poll();
        self.on_polled(&ctx, polled);
        self.db_frame(&ctx);
        if let Some(path) = self.journal_path.take() {
            let wake = ctx.clone();
            self.checks = checks::FieldChecks::open(path, move || wake.request_repaint());
        }
        self.poll_checks();
        self.handle_dropped_files(&ctx);
        self.present_keys(&ctx);
        self.tour_keys(&ctx);
        self.edit_keys(&ctx);
        self.geom_keys(&ctx);
        self.handle_keys(&ctx);
        self.edit_frame(&ctx);
        self.player.tick(&ctx, &mut self.state.year);
        if self.selected.is_some_and(|i| i >= self.data.dataset.sites.len()) {
            self.selected = None;
        }
        self.highlight.retain(|&i| i < self.data.dataset.sites.len());
        self.refresh_looks();
        self.sync_tile_basemap(&ctx);
        self.tiles.frame(&ctx, &mut self.state, &self.data, &mut self.map, &self.tile_basemap);
        self.vertex_tool_input(&ctx);
        if self.route_box.is_some() {
            self.map.drag_pan_off = true;
        }
        self.poll_gnss();
        self.export_frame();
        let lang = self.state.lang;

        let presenting = self.present.is_some();
        if !presenting {
            egui::Panel::top("menu-bar").show(ui, |ui| self.menu_bar(ui));
            egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        }
        if !presenting {
            egui::Panel::bottom("status-bar").show(ui, |ui| {
                let ds = &self.data.dataset;
                let info = StatusInfo {
                    cursor: self.map.cursor,
                    show_gcj02: self.state.show_gcj02,
                    transform: self.map.transform,
                    progress: self.loader.progress(),
                    // A database's plan is not files (its pseudo-file is not counted).
                    summary: (
                        ds.sites.len(),
                        self.data.layers.len(),
                        if self.db.is_some() { 0 } else { ds.files.len() },
                    ),
                    problems: (ds.error_count(), ds.problems.len()),
                    basemap: self.basemap_status(),
                    gnss: self.gnss.status(lang),
                    database: self.db_status(),
                    recording: self.checks.recording.as_ref().map(|segment| {
                        let n = self.checks.track.iter().filter(|p| &p.segment == segment).count();
                        (lang.track_recording(n), false)
                    }),
                };
                if panels::status_bar::show(ui, &info, lang) {
                    self.state.panels.problems = !self.state.panels.problems;
                }
            });
        }
        if self.state.panels.problems {
            egui::Panel::bottom("problems").resizable(true).default_size(200.0).show(ui, |ui| {
                if let Some(b) = panels::problems::show(ui, &self.data.dataset.problems, &mut self.problems, lang) {
                    self.fit_clear(b, 17.0);
                }
            });
        }
        let check_slots = if self.state.colour_by == state::ColourBy::Checks {
            self.checks.site_slots(&self.data.dataset, self.generation, &self.looks.layer, self.data.layers.len())
        } else {
            checks::SiteSlots::default()
        };
        let legend = self.state.panels.legend && !self.data.layers.is_empty();
        if self.state.panels.layers || legend {
            egui::Panel::left("layers").resizable(true).default_size(300.0).show(ui, |ui| {
                let mut zoom_to = None;
                self.unsaved_line(ui);
                if self.state.panels.layers {
                    if let Some(i) = panels::search::show(ui, &self.data, self.generation, &mut self.search, lang) {
                        self.select(i, true);
                    }
                    ui.separator();
                }
                egui::ScrollArea::vertical().id_salt("layer-list").show(ui, |ui| {
                    if self.state.panels.layers
                        && let Some(LayerAction::ZoomTo(b)) =
                            panels::layers::show(ui, &self.data, &mut self.state, lang)
                    {
                        zoom_to = Some(b);
                    }
                    if legend {
                        // Docked, as in QGIS and ArcGIS Pro: it never covers the map.
                        ui.separator();
                        egui::CollapsingHeader::new(RichText::new(lang.text().legend_heading).strong())
                            .id_salt("legend")
                            .default_open(true)
                            .show(ui, |ui| {
                                let journal = self.checks.is_open();
                                panels::legend::show(
                                    ui,
                                    &self.data,
                                    &self.looks,
                                    &mut self.state,
                                    lang,
                                    &check_slots,
                                    journal,
                                );
                            });
                    }
                });
                if let Some(b) = zoom_to {
                    self.fit_clear(b, 16.0);
                }
            });
        }
        if self.state.panels.identify
            && let Some(i) = self.selected
        {
            egui::Panel::right("identify").resizable(true).default_size(330.0).show(ui, |ui| {
                if self.attr_form_panel(ui, i) {
                    return;
                }
                let history = self.data.dataset.sites.get(i).map(|s| self.checks.of_site(s.id())).unwrap_or_default();
                let journal = self.checks.is_open();
                let month = &mut self.editing.month;
                let folders = self.checks.photo_folders();
                let photos = panels::check_form::Photos { thumbs: &mut self.thumbs, folders: &folders };
                let history = panels::identify::History { checks: &history, journal, photos };
                match panels::identify::show(ui, &self.data, i, lang, history, month) {
                    Some(IdentifyAction::Close) => self.selected = None,
                    Some(IdentifyAction::ZoomTo(b)) => self.fit_clear(b, 17.0),
                    Some(IdentifyAction::Check) => self.open_check_form(i),
                    Some(IdentifyAction::Amend(id)) => self.amend_check(&id),
                    Some(IdentifyAction::Delete(id)) => self.delete_check(&id),
                    Some(edit) => self.identify_edit(i, edit),
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
                checks: &check_slots.slots,
                gpu: self.map.gpu,
            };
            let data = self.data.clone();
            let basemap: &mut dyn BasemapSource = match self.state.basemap {
                BasemapChoice::Vector => &mut self.vector,
                BasemapChoice::None => &mut self.plain,
                BasemapChoice::Tiles => &mut self.tile_basemap,
            };
            let out = self.map.show(ui, &data, style, basemap);
            let rect = out.response.rect;
            self.tiles.map_interaction(ui, &out.response, &self.map, lang);
            self.route_box_input(ui, &out.response);
            let drawing = self.geom.draw.is_some() && out.clicked.is_some();
            if drawing && let Some(at) = out.response.interact_pointer_pos() {
                self.draw_click(at);
            }
            // The vertex tool's presses and drags are its own, not selections.
            let tool_click = drawing || (self.geom.vertex.is_some() && out.clicked.is_some());
            let placing = !tool_click && self.placing_point() && out.clicked.is_some();
            if placing && let Some(at) = out.response.interact_pointer_pos() {
                self.move_click(at);
            }
            let picking = !placing && self.picking_true_position() && out.clicked.is_some();
            if picking && let Some(at) = out.response.interact_pointer_pos() {
                self.true_position_click(at);
            }
            let measuring_click = !picking && self.measure.is_some() && out.clicked.is_some();
            if measuring_click && let Some(at) = out.response.interact_pointer_pos() {
                self.measure_click(at);
            }
            let measuring_click = measuring_click || picking || placing || tool_click;
            let adding = ui.input(|i| i.modifiers.command);
            match out.clicked.filter(|_| !measuring_click) {
                // Ctrl+click: add to (or take from) the sites selected together.
                Some(Some(i)) if adding => self.toggle_highlight(i, true),
                Some(Some(i)) => self.select(i, false),
                Some(None) => {
                    self.selected = None;
                    self.highlight.clear();
                }
                None => {}
            }
            let rings = self.highlight.iter().filter_map(|&i| self.site_screen_pos(i));
            panels::ctx::paint_highlight(ui.painter(), rect, rings);
            panels::ctx::paint_changed(ui.painter(), rect, self.db_marked_positions());
            if let Some(t) = self.map.transform {
                self.gnss.paint(ui, rect, &t);
                self.paint_goto_marker(ui, rect);
                self.paint_track(ui, rect);
                self.paint_route(ui, rect);
                self.paint_measure(ui, rect);
                self.paint_geom_tools(ui, rect);
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
        if let Some((b, max_zoom, frames)) = self.fit_later.take() {
            if frames == 0 {
                self.fit_clear(b, max_zoom);
            } else {
                self.fit_later = Some((b, max_zoom, frames - 1));
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
                    .filter_map(binzhou_core::model::Site::located_bbox)
                    .reduce(binzhou_core::model::union)
                    .map(|b| (b, 17.0, frames));
                self.selected = if let [one] = sites[..] { Some(one) } else { None };
                self.table.list_sites(sites.clone());
                self.state.panels.table = true;
                self.highlight = sites;
            }
            Some(PanelAction::FlyTo(i)) => self.select(i, true),
            Some(PanelAction::Toggle(i)) => self.toggle_highlight(i, false),
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
