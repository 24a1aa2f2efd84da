//! The basemap menu and the basemap settings window: which source (the
//! built-in vector map, OpenStreetMap, Tianditu, a custom XYZ server, an
//! offline file), the Tianditu key, the custom template and its GCJ-02 flag,
//! layer opacity, and the tile cache (size, clearing).
//!
//! [`BasemapPanel`] owns the tile basemap and the dialogs; the app calls
//! [`BasemapPanel::frame`] once per frame, [`menu`] inside its basemap menu,
//! and hands it dropped tile files.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use egui::{Color32, RichText, Ui};

use super::prefetch::{PrefetchAction, PrefetchDialog};
use crate::app::data::MapData;
use crate::app::i18n::Lang;
use crate::app::map::MapView;
use crate::app::map::basemap::BasemapChoice;
use crate::app::map::tiles_source::TileBasemap;
use crate::app::state::ViewState;
use binzhou_tiles::cache::{cache_size, clear_cache, human_size};
use binzhou_tiles::settings::offline_spec_for;
use binzhou_tiles::source::{SourceSpec, TIANDITU_KEY_ENV, TiandituKey, TiandituLayer};

/// What the cache folder holds, measured off the UI thread.
#[derive(Debug, Default)]
struct CacheInfo {
    /// The last measurement: bytes, or why it failed.
    size: Option<Result<u64, String>>,
    /// A measurement or clearing under way.
    job: Option<mpsc::Receiver<Result<u64, String>>>,
    /// What the last clearing did.
    message: Option<String>,
}

impl CacheInfo {
    fn start(&mut self, dir: PathBuf, clear: bool) {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("tile-cache".into()).spawn(move || {
            let result = if clear { clear_cache(&dir).and_then(|()| cache_size(&dir)) } else { cache_size(&dir) };
            let _ = tx.send(result.map_err(|e| e.to_string()));
        });
        match spawned {
            Ok(_) => self.job = Some(rx),
            Err(e) => self.size = Some(Err(e.to_string())),
        }
    }

    fn poll(&mut self) {
        if let Some(rx) = &self.job {
            match rx.try_recv() {
                Ok(result) => {
                    self.size = Some(result);
                    self.job = None;
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => self.job = None,
            }
        }
    }
}

/// The basemap's dialogs: they edit the settings in the view state; the
/// app owns the basemap itself and follows the settings.
#[derive(Debug, Default)]
pub struct BasemapPanel {
    /// Whether the settings window is open.
    pub settings_open: bool,
    /// The download-for-offline-use dialog.
    pub prefetch: PrefetchDialog,
    cache: CacheInfo,
    /// A message for the settings window (e.g. a custom template refused).
    message: Option<String>,
    /// Whether the settings window was open last frame.
    was_open: bool,
    /// A file or folder asked for, for the app's file dialog.
    file_request: Option<BasemapFile>,
}

/// What the basemap dialogs ask the app's file dialog for (see
/// `file_dialog::Purpose::Basemap`); the chosen path comes back through
/// [`BasemapPanel::picked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasemapFile {
    /// An MBTiles or PMTiles file to show.
    Package,
    /// A `z/x/y` tile folder to show.
    Folder,
    /// Where the download for offline use is written.
    PrefetchOutput,
}

impl BasemapPanel {
    /// Per frame: shows the settings and prefetch windows (`basemap` is the
    /// open tile basemap, whose state the settings report).
    pub fn frame(
        &mut self,
        ctx: &egui::Context,
        state: &mut ViewState,
        data: &MapData,
        map: &mut MapView,
        basemap: &TileBasemap,
    ) {
        self.cache.poll();
        if self.cache.job.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
        if self.settings_open {
            if !self.was_open {
                // Measure the cache afresh each time the settings open.
                self.cache.size = None;
            }
            self.settings_window(ctx, state, basemap);
        }
        self.was_open = self.settings_open;
        match self.prefetch.show(ctx, state, data, map) {
            Some(PrefetchAction::UseOffline(spec)) => {
                state.tiles.use_offline(spec);
                state.basemap = BasemapChoice::Tiles;
            }
            Some(PrefetchAction::OpenSettings) => self.settings_open = true,
            Some(PrefetchAction::ChooseOutput) => self.file_request = Some(BasemapFile::PrefetchOutput),
            None => {}
        }
        map.drag_pan_off = self.prefetch.drawing;
    }

    /// Handles the map's response this frame (drawing a download box).
    pub fn map_interaction(&mut self, ui: &mut Ui, response: &egui::Response, map: &MapView, lang: Lang) {
        self.prefetch.draw_box(ui, response, map, lang);
    }

    /// Status-bar items of the dialogs (a download under way).
    pub fn status(&self, state: &ViewState) -> Vec<(String, bool)> {
        self.prefetch.status(state.lang)
    }

    /// Opens every dropped or picked path that is a tile package (MBTiles,
    /// PMTiles, tile folder) as the basemap; returns the others.
    pub fn open_paths(&mut self, state: &mut ViewState, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let mut rest = Vec::new();
        for p in paths {
            match offline_spec_for(&p) {
                Some(spec) => {
                    tracing::info!("basemap: opening {}", p.display());
                    state.tiles.use_offline(spec);
                    state.basemap = BasemapChoice::Tiles;
                }
                None => rest.push(p),
            }
        }
        rest
    }

    /// Asks the app's file dialog for an offline file (or folder).
    fn pick_offline(&mut self, folder: bool) {
        self.file_request = Some(if folder { BasemapFile::Folder } else { BasemapFile::Package });
    }

    /// The file or folder asked for, for the app's file dialog.
    pub fn take_file_request(&mut self) -> Option<BasemapFile> {
        self.file_request.take()
    }

    /// The file name the download is written to now (the save dialog's name).
    pub fn prefetch_file_name(&self) -> String {
        let output = self.prefetch.output.trim();
        Path::new(output).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// A path chosen for `what`: an offline basemap is shown (false if the
    /// file is not one), a download's output is set.
    pub fn picked(&mut self, state: &mut ViewState, what: BasemapFile, path: PathBuf) -> bool {
        let spec = match what {
            BasemapFile::PrefetchOutput => {
                self.prefetch.output = path.with_extension("mbtiles").display().to_string();
                return true;
            }
            // A folder not laid out as z/x/y is still tried: its tiles may be deeper.
            BasemapFile::Folder => offline_spec_for(&path).unwrap_or(SourceSpec::Folder(path)),
            BasemapFile::Package => match offline_spec_for(&path) {
                Some(spec) => spec,
                None => return false,
            },
        };
        tracing::info!("basemap: opening {:?}", spec);
        state.tiles.use_offline(spec);
        state.basemap = BasemapChoice::Tiles;
        true
    }

    fn settings_window(&mut self, ctx: &egui::Context, state: &mut ViewState, basemap: &TileBasemap) {
        let mut open = self.settings_open;
        egui::Window::new(state.lang.text().basemap_settings_title)
            .id(egui::Id::unique("basemap-settings"))
            .open(&mut open)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| self.settings_ui(ui, state, basemap));
        self.settings_open = open;
    }

    fn settings_ui(&mut self, ui: &mut Ui, state: &mut ViewState, basemap: &TileBasemap) {
        let lang = state.lang;
        let t = lang.text();
        // What is shown now, and what is wrong with it.
        if state.basemap == BasemapChoice::Tiles {
            ui.label(format!("{}{}", t.current_basemap, lang.source_name(&state.tiles.source)));
            for (text, problem) in basemap.status(lang) {
                let colour = if problem { Color32::from_rgb(190, 50, 30) } else { ui.visuals().weak_text_color() };
                ui.label(RichText::new(text).color(colour).small());
            }
        } else {
            ui.label(format!("{}{}", t.current_basemap, state.basemap.label(lang)));
        }
        ui.separator();

        ui.strong(t.tianditu_key_heading);
        let tiles = &mut state.tiles;
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut tiles.tianditu_key.0)
                    .password(true)
                    .desired_width(300.0)
                    .hint_text(t.tianditu_key_hint),
            );
            if !tiles.tianditu_key.0.is_empty() && ui.small_button(t.tianditu_key_clear).clicked() {
                tiles.tianditu_key.0.clear();
            }
        });
        let key_state = if !tiles.tianditu_key.0.trim().is_empty() {
            match TiandituKey::new(&tiles.tianditu_key.0) {
                Ok(_) => t.tianditu_key_set,
                Err(_) => t.tianditu_key_invalid,
            }
        } else if std::env::var(TIANDITU_KEY_ENV).is_ok_and(|v| !v.trim().is_empty()) {
            t.tianditu_key_from_env
        } else {
            t.tianditu_key_unset
        };
        ui.label(RichText::new(key_state).small().weak());
        ui.separator();

        ui.strong(t.custom_xyz_heading);
        egui::Grid::new("custom-xyz").num_columns(2).show(ui, |ui| {
            ui.label(t.custom_xyz_name);
            ui.add(egui::TextEdit::singleline(&mut tiles.custom_name).desired_width(320.0));
            ui.end_row();
            ui.label(t.custom_xyz_template);
            ui.add(
                egui::TextEdit::singleline(&mut tiles.custom_template)
                    .desired_width(320.0)
                    .hint_text("https://{s}.example.com/{z}/{x}/{y}.png"),
            );
            ui.end_row();
            ui.label(t.custom_xyz_subdomains);
            ui.add(egui::TextEdit::singleline(&mut tiles.custom_subdomains).desired_width(320.0).hint_text("a,b,c"));
            ui.end_row();
        });
        ui.checkbox(&mut tiles.custom_gcj02, t.custom_xyz_gcj02);
        if ui.button(t.use_tile_source).clicked() {
            let spec = tiles.custom_spec();
            match spec.remote_layers(None) {
                Ok(_) => {
                    tiles.source = spec;
                    state.basemap = BasemapChoice::Tiles;
                    self.message = None;
                }
                Err(e) => self.message = Some(binzhou_tiles::source::redact(&lang.say(&e))),
            }
        }
        let tiles = &mut state.tiles;
        if let Some(m) = &self.message {
            ui.label(RichText::new(m).color(Color32::from_rgb(190, 50, 30)).small());
        }
        ui.separator();

        ui.strong(t.tile_layers_heading);
        ui.add(egui::Slider::new(&mut tiles.base_opacity, 0.0..=1.0).text(t.base_layer_opacity));
        ui.add(egui::Slider::new(&mut tiles.overlay_opacity, 0.0..=1.0).text(t.label_layer_opacity));
        ui.checkbox(&mut tiles.underlay, t.vector_underlay);
        ui.separator();

        ui.strong(t.offline_basemaps);
        ui.horizontal(|ui| {
            if ui.button(t.open_tile_package).clicked() {
                self.pick_offline(false);
            }
            if ui.button(t.open_tile_folder).clicked() {
                self.pick_offline(true);
            }
        });
        if ui.button(t.download_offline_menu).clicked() {
            self.prefetch.open = true;
        }
        ui.separator();

        ui.strong(t.tile_cache_heading);
        match basemap.cache_root().map(Path::to_path_buf) {
            Some(dir) => {
                ui.label(RichText::new(dir.display().to_string()).small().monospace());
                if self.cache.size.is_none() && self.cache.job.is_none() {
                    self.cache.start(dir.clone(), false);
                }
                ui.horizontal(|ui| {
                    let size = match &self.cache.size {
                        _ if self.cache.job.is_some() => t.cache_measuring.to_owned(),
                        Some(Ok(bytes)) => human_size(*bytes),
                        Some(Err(e)) => e.clone(),
                        None => "—".to_owned(),
                    };
                    ui.label(format!("{}{size}", t.cache_size));
                    let idle = self.cache.job.is_none();
                    if ui.add_enabled(idle, egui::Button::new(t.cache_refresh)).clicked() {
                        self.cache.start(dir.clone(), false);
                    }
                    if ui.add_enabled(idle, egui::Button::new(t.cache_clear)).clicked() {
                        self.cache.start(dir.clone(), true);
                        self.cache.message = Some(t.cache_cleared.to_owned());
                    }
                });
                if let Some(m) = &self.cache.message {
                    ui.label(RichText::new(m).small().weak());
                }
            }
            None => {
                ui.label(t.no_cache_dir);
            }
        }
    }
}

/// Puts `spec` as the tile source when its radio button is clicked.
fn source_radio(ui: &mut Ui, state: &mut ViewState, spec: SourceSpec, label: String) -> bool {
    let selected = state.basemap == BasemapChoice::Tiles && state.tiles.source == spec;
    let clicked = ui.radio(selected, label).clicked();
    if clicked {
        state.basemap = BasemapChoice::Tiles;
        state.tiles.source = spec;
    }
    clicked
}

/// The basemap menu's entries.
pub fn menu(ui: &mut Ui, state: &mut ViewState, panel: &mut BasemapPanel) {
    let lang = state.lang;
    let t = lang.text();
    for c in BasemapChoice::ALL {
        ui.radio_value(&mut state.basemap, c, c.label(lang));
    }
    ui.separator();
    ui.label(RichText::new(t.online_tiles).small().weak());
    source_radio(ui, state, SourceSpec::Osm, "OpenStreetMap".to_owned());
    let with_labels = match state.tiles.source {
        SourceSpec::Tianditu { with_labels, .. } => with_labels,
        _ => true,
    };
    for layer in TiandituLayer::ALL {
        let spec = SourceSpec::Tianditu { layer, with_labels };
        if source_radio(ui, state, spec, lang.tianditu_name(layer).to_owned()) && state.tiles.tianditu_key().is_none() {
            // Without a key Tianditu shows nothing: say where it goes.
            panel.settings_open = true;
        }
    }
    if let SourceSpec::Tianditu { with_labels, .. } = &mut state.tiles.source {
        ui.checkbox(with_labels, t.tianditu_labels);
    }
    if !state.tiles.custom_template.trim().is_empty() {
        let spec = state.tiles.custom_spec();
        let name = lang.source_name(&spec);
        source_radio(ui, state, spec, name);
    }
    if ui.button(t.custom_xyz_menu).clicked() {
        panel.settings_open = true;
        ui.close();
    }
    ui.separator();
    ui.label(RichText::new(t.offline_basemaps).small().weak());
    for spec in state.tiles.recent.clone() {
        let name = lang.source_name(&spec);
        if source_radio(ui, state, spec.clone(), name) {
            state.tiles.use_offline(spec);
        }
    }
    if ui.button(t.open_tile_package).clicked() {
        ui.close();
        panel.pick_offline(false);
    }
    if ui.button(t.open_tile_folder).clicked() {
        ui.close();
        panel.pick_offline(true);
    }
    ui.separator();
    if ui.button(t.download_offline_menu).clicked() {
        panel.prefetch.open = true;
        ui.close();
    }
    if ui.button(t.basemap_settings_menu).clicked() {
        panel.settings_open = true;
        ui.close();
    }
}
