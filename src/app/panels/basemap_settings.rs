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
use crate::app::i18n::{Lang, tr};
use crate::app::map::MapView;
use crate::app::map::basemap::BasemapChoice;
use crate::app::map::tiles_source::TileBasemap;
use crate::app::state::ViewState;
use binzhou_tiles::cache::{cache_size, clear_cache, human_size};
use binzhou_tiles::settings::offline_spec_for;
use binzhou_tiles::source::{SourceSpec, TIANDITU_KEY_ENV, TiandituKey, TiandituLayer};

/// A source's name in the interface language.
pub fn source_name(spec: &SourceSpec, lang: Lang) -> String {
    let file = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match (spec, lang) {
        (SourceSpec::Tianditu { layer, with_labels }, Lang::Zh) => {
            let base = tianditu_name(*layer, lang);
            if *with_labels { format!("{base}（含注记）") } else { base.to_owned() }
        }
        (SourceSpec::MbTiles(p), Lang::Zh) => format!("离线 MBTiles：{}", file(p)),
        (SourceSpec::PmTiles(p), Lang::Zh) => format!("离线 PMTiles：{}", file(p)),
        (SourceSpec::Folder(p), Lang::Zh) => format!("瓦片文件夹：{}", file(p)),
        (SourceSpec::CustomXyz { name, .. }, Lang::Zh) if name.trim().is_empty() => "自定义 XYZ 瓦片".to_owned(),
        _ => spec.display_name(),
    }
}

fn tianditu_name(layer: TiandituLayer, lang: Lang) -> &'static str {
    match (layer, lang) {
        (TiandituLayer::Vec, Lang::Zh) => "天地图 矢量",
        (TiandituLayer::Img, Lang::Zh) => "天地图 影像",
        (TiandituLayer::Ter, Lang::Zh) => "天地图 地形",
        (l, Lang::En) => l.name(),
    }
}

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

    /// Asks for an offline file (or folder) and opens it.
    fn pick_offline(&mut self, state: &mut ViewState, folder: bool) {
        let lang = state.lang;
        let picked = if folder {
            rfd::FileDialog::new().pick_folder().map(|p| match offline_spec_for(&p) {
                Some(spec) => spec,
                None => SourceSpec::Folder(p),
            })
        } else {
            rfd::FileDialog::new()
                .add_filter(
                    tr(lang, "离线底图（MBTiles、PMTiles）", "Offline basemap (MBTiles, PMTiles)"),
                    &["mbtiles", "pmtiles"],
                )
                .pick_file()
                .and_then(|p| offline_spec_for(&p))
        };
        if let Some(spec) = picked {
            state.tiles.use_offline(spec);
            state.basemap = BasemapChoice::Tiles;
        }
    }

    fn settings_window(&mut self, ctx: &egui::Context, state: &mut ViewState, basemap: &TileBasemap) {
        let lang = state.lang;
        let mut open = self.settings_open;
        egui::Window::new(tr(lang, "底图设置", "Basemap settings"))
            .id(egui::Id::unique("basemap-settings"))
            .open(&mut open)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| self.settings_ui(ui, state, basemap));
        self.settings_open = open;
    }

    fn settings_ui(&mut self, ui: &mut Ui, state: &mut ViewState, basemap: &TileBasemap) {
        let lang = state.lang;
        // What is shown now, and what is wrong with it.
        if state.basemap == BasemapChoice::Tiles {
            ui.label(format!(
                "{}{}",
                tr(lang, "当前底图：", "Current basemap: "),
                source_name(&state.tiles.source, lang)
            ));
            for (text, problem) in basemap.status(lang) {
                let colour = if problem { Color32::from_rgb(190, 50, 30) } else { ui.visuals().weak_text_color() };
                ui.label(RichText::new(text).color(colour).small());
            }
        } else {
            ui.label(format!("{}{}", tr(lang, "当前底图：", "Current basemap: "), state.basemap.label(lang)));
        }
        ui.separator();

        ui.strong(tr(lang, "天地图密钥（tk）", "Tianditu key (tk)"));
        let tiles = &mut state.tiles;
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut tiles.tianditu_key.0)
                    .password(true)
                    .desired_width(300.0)
                    .hint_text(tr(lang, "在天地图网站申请的密钥", "the key from the Tianditu website")),
            );
            if !tiles.tianditu_key.0.is_empty() && ui.small_button(tr(lang, "清除", "Clear")).clicked() {
                tiles.tianditu_key.0.clear();
            }
        });
        let key_state = if !tiles.tianditu_key.0.trim().is_empty() {
            match TiandituKey::new(&tiles.tianditu_key.0) {
                Ok(_) => tr(lang, "已在设置中填写。", "Set here."),
                Err(_) => tr(lang, "密钥只能包含字母和数字。", "The key may only contain letters and digits."),
            }
        } else if std::env::var(TIANDITU_KEY_ENV).is_ok_and(|v| !v.trim().is_empty()) {
            tr(lang, "使用环境变量 TIANDITU_TK 中的密钥。", "Using the key in the TIANDITU_TK environment variable.")
        } else {
            tr(lang, "未设置：也可以用环境变量 TIANDITU_TK 提供。", "Not set: it can also come from TIANDITU_TK.")
        };
        ui.label(RichText::new(key_state).small().weak());
        ui.separator();

        ui.strong(tr(lang, "自定义 XYZ 瓦片", "Custom XYZ tiles"));
        egui::Grid::new("custom-xyz").num_columns(2).show(ui, |ui| {
            ui.label(tr(lang, "名称", "Name"));
            ui.add(egui::TextEdit::singleline(&mut tiles.custom_name).desired_width(320.0));
            ui.end_row();
            ui.label(tr(lang, "地址模板", "URL template"));
            ui.add(
                egui::TextEdit::singleline(&mut tiles.custom_template)
                    .desired_width(320.0)
                    .hint_text("https://{s}.example.com/{z}/{x}/{y}.png"),
            );
            ui.end_row();
            ui.label(tr(lang, "子域名 {s}", "Subdomains {s}"));
            ui.add(egui::TextEdit::singleline(&mut tiles.custom_subdomains).desired_width(320.0).hint_text("a,b,c"));
            ui.end_row();
        });
        ui.checkbox(
            &mut tiles.custom_gcj02,
            tr(
                lang,
                "瓦片为 GCJ-02 坐标（高德等）：偏移项目位置以对齐",
                "Tiles are in GCJ-02 (AMap style): shift the sites to line up",
            ),
        );
        if ui.button(tr(lang, "使用此瓦片源", "Use this tile source")).clicked() {
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

        ui.strong(tr(lang, "图层叠加", "Layers"));
        ui.add(egui::Slider::new(&mut tiles.base_opacity, 0.0..=1.0).text(tr(
            lang,
            "底图不透明度",
            "Base layer opacity",
        )));
        ui.add(egui::Slider::new(&mut tiles.overlay_opacity, 0.0..=1.0).text(tr(
            lang,
            "注记层不透明度",
            "Label layer opacity",
        )));
        ui.checkbox(
            &mut tiles.underlay,
            tr(
                lang,
                "瓦片下方显示内置矢量底图（瓦片缺失时仍有地图）",
                "Built-in vector map under the tiles (a map even where tiles are missing)",
            ),
        );
        ui.separator();

        ui.strong(tr(lang, "离线底图", "Offline basemaps"));
        ui.horizontal(|ui| {
            if ui.button(tr(lang, "打开 MBTiles / PMTiles 文件…", "Open an MBTiles / PMTiles file…")).clicked()
            {
                self.pick_offline(state, false);
            }
            if ui.button(tr(lang, "打开瓦片文件夹…", "Open a tile folder…")).clicked() {
                self.pick_offline(state, true);
            }
        });
        if ui.button(tr(lang, "下载离线底图…", "Download for offline use…")).clicked() {
            self.prefetch.open = true;
        }
        ui.separator();

        ui.strong(tr(lang, "瓦片缓存", "Tile cache"));
        match basemap.cache_root().map(Path::to_path_buf) {
            Some(dir) => {
                ui.label(RichText::new(dir.display().to_string()).small().monospace());
                if self.cache.size.is_none() && self.cache.job.is_none() {
                    self.cache.start(dir.clone(), false);
                }
                ui.horizontal(|ui| {
                    let size = match &self.cache.size {
                        _ if self.cache.job.is_some() => tr(lang, "正在计算…", "measuring…").to_owned(),
                        Some(Ok(bytes)) => human_size(*bytes),
                        Some(Err(e)) => e.clone(),
                        None => "—".to_owned(),
                    };
                    ui.label(format!("{}{size}", tr(lang, "占用：", "Size: ")));
                    let idle = self.cache.job.is_none();
                    if ui.add_enabled(idle, egui::Button::new(tr(lang, "刷新", "Refresh"))).clicked() {
                        self.cache.start(dir.clone(), false);
                    }
                    if ui.add_enabled(idle, egui::Button::new(tr(lang, "清空缓存", "Clear cache"))).clicked() {
                        self.cache.start(dir.clone(), true);
                        self.cache.message = Some(tr(lang, "缓存已清空。", "Cache cleared.").to_owned());
                    }
                });
                if let Some(m) = &self.cache.message {
                    ui.label(RichText::new(m).small().weak());
                }
            }
            None => {
                ui.label(tr(
                    lang,
                    "找不到系统缓存文件夹：在线瓦片不缓存。",
                    "No cache folder on this system: tiles are not cached.",
                ));
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
    for c in BasemapChoice::ALL {
        ui.radio_value(&mut state.basemap, c, c.label(lang));
    }
    ui.separator();
    ui.label(RichText::new(tr(lang, "在线瓦片", "Online tiles")).small().weak());
    source_radio(ui, state, SourceSpec::Osm, "OpenStreetMap".to_owned());
    let with_labels = match state.tiles.source {
        SourceSpec::Tianditu { with_labels, .. } => with_labels,
        _ => true,
    };
    for layer in TiandituLayer::ALL {
        let spec = SourceSpec::Tianditu { layer, with_labels };
        if source_radio(ui, state, spec, tianditu_name(layer, lang).to_owned()) && state.tiles.tianditu_key().is_none()
        {
            // Without a key Tianditu shows nothing: say where it goes.
            panel.settings_open = true;
        }
    }
    if let SourceSpec::Tianditu { with_labels, .. } = &mut state.tiles.source {
        ui.checkbox(with_labels, tr(lang, "天地图叠加注记层", "Tianditu label layer on top"));
    }
    if !state.tiles.custom_template.trim().is_empty() {
        let spec = state.tiles.custom_spec();
        let name = source_name(&spec, lang);
        source_radio(ui, state, spec, name);
    }
    if ui.button(tr(lang, "自定义 XYZ 瓦片…", "Custom XYZ tiles…")).clicked() {
        panel.settings_open = true;
        ui.close();
    }
    ui.separator();
    ui.label(RichText::new(tr(lang, "离线底图", "Offline basemaps")).small().weak());
    for spec in state.tiles.recent.clone() {
        let name = source_name(&spec, lang);
        if source_radio(ui, state, spec.clone(), name) {
            state.tiles.use_offline(spec);
        }
    }
    if ui.button(tr(lang, "打开 MBTiles / PMTiles 文件…", "Open an MBTiles / PMTiles file…")).clicked() {
        ui.close();
        panel.pick_offline(state, false);
    }
    if ui.button(tr(lang, "打开瓦片文件夹…", "Open a tile folder…")).clicked() {
        ui.close();
        panel.pick_offline(state, true);
    }
    ui.separator();
    if ui.button(tr(lang, "下载离线底图…", "Download for offline use…")).clicked() {
        panel.prefetch.open = true;
        ui.close();
    }
    if ui.button(tr(lang, "底图设置…", "Basemap settings…")).clicked() {
        panel.settings_open = true;
        ui.close();
    }
}
