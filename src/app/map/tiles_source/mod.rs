//! Tiles on the map: [`TileBasemap`], the basemap's lifecycle (which source
//! is open, its layers, errors and status lines), over [`layer::TileLayer`],
//! the walkers adapter.
//!
//! [`TileLayer`] loads tiles off the UI thread, from an offline store
//! ([`TileStore`]: MBTiles, PMTiles, a tile folder) or a tile server
//! ([`HttpFetcher`]: OpenStreetMap, Tianditu, a custom XYZ template, through a
//! disk cache). The frame only ever:
//!
//! - sends a request over a bounded channel (`try_send`; when it is full the
//!   tile is asked for again next frame),
//! - takes finished tiles with `try_recv` (they were decoded and uploaded as
//!   textures by the loader thread),
//! - looks tiles up in a small LRU of textures; a tile not there yet is drawn
//!   from its nearest loaded ancestor, scaled (`binzhou_tiles::fallback`).
//!
//! Loader threads are named (`tile-loader` for a file, `tile-fetch-N` for a
//! server) and end by themselves when the layer is dropped. Every failure
//! (HTTP status, timeout, unreachable server, bytes that are not an image, a
//! damaged file) is recorded in the layer's [`SourceHealth`], which the status
//! bar reads; failed tiles are retried after a pause, never every frame.
//!
//! Why not walkers' `HttpTiles` for the online sources: it reports no
//! failures, so a dead or misbehaving server could not be told apart from a
//! slow one, and it would need its own cache and redaction paths. One loader
//! for files and servers gives the same fallback, health and key handling to
//! both.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, Shape};
use walkers::Tiles;

use super::basemap::{BasemapSource, TileLayers, VectorBasemap};
use super::labels::LabelCandidate;
use super::project::ScreenTransform;
use crate::app::i18n::{Lang, bilingual};
use binzhou_core::model::{Bilingual, Msg};
use binzhou_tiles::health::SourceHealth;
use binzhou_tiles::http::{REQUEST_TIMEOUT, stable_hash};
use binzhou_tiles::settings::TileSettings;
use binzhou_tiles::source::{Credit, LayerRole, RemoteLayer, SourceSpec, TiandituKey, redact};
use binzhou_tiles::store::{TileStore, open_store};

mod layer;
pub use layer::{HTTP_WORKERS, TILE_SIZE, TileLayer};

/// What the open source was opened from, to notice a change.
#[derive(Clone, PartialEq)]
struct Opened {
    source: SourceSpec,
    overlay: Option<PathBuf>,
    /// A hash of the key, not the key.
    key: Option<u64>,
}

/// One layer drawn, and whether it is the label overlay.
struct Drawn {
    tiles: TileLayer,
    overlay: bool,
}

/// Opened offline stores: the base, and the label overlay if one was asked for.
type OpenedStores = (Result<Box<dyn TileStore>, Msg>, Option<Result<Box<dyn TileStore>, Msg>>);

/// An offline source being opened on the `basemap-open` thread (a package
/// on a slow or network disk must not hold up a frame).
struct Opening {
    spec: SourceSpec,
    overlay: Option<PathBuf>,
    stores: crossbeam_channel::Receiver<OpenedStores>,
}

/// The tile basemap: the layers of the chosen source, drawn by walkers over
/// the built-in vector basemap.
pub struct TileBasemap {
    opened: Option<Opened>,
    opening: Option<Opening>,
    layers: Vec<Drawn>,
    /// Why the source could not be opened (redacted), if it could not.
    error: Option<Msg>,
    credit: Option<Credit>,
    gcj02: bool,
    name: String,
    healths: Vec<Arc<SourceHealth>>,
    underlay: Option<VectorBasemap>,
    draw_underlay: bool,
    base_opacity: f32,
    overlay_opacity: f32,
    cache_root: Option<PathBuf>,
    request_timeout: Duration,
    /// Tests send every online layer to a loopback server with this template.
    #[cfg(test)]
    retarget: Option<String>,
}

impl Default for TileBasemap {
    fn default() -> Self {
        TileBasemap::new(binzhou_tiles::cache::default_cache_dir())
    }
}

impl fmt::Debug for TileBasemap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TileBasemap")
            .field("name", &self.name)
            .field("layers", &self.layers.iter().map(|d| &d.tiles).collect::<Vec<_>>())
            .field("error", &self.error)
            .finish()
    }
}

impl TileBasemap {
    /// A tile basemap caching online tiles under `cache_root` (none: no disk cache).
    pub fn new(cache_root: Option<PathBuf>) -> TileBasemap {
        TileBasemap {
            opened: None,
            opening: None,
            layers: Vec::new(),
            error: None,
            credit: None,
            gcj02: false,
            name: String::new(),
            healths: Vec::new(),
            underlay: None,
            draw_underlay: true,
            base_opacity: 1.0,
            overlay_opacity: 1.0,
            cache_root,
            request_timeout: REQUEST_TIMEOUT,
            #[cfg(test)]
            retarget: None,
        }
    }

    /// The same basemap giving up on a tile request after `timeout`.
    pub fn with_request_timeout(mut self, timeout: Duration) -> TileBasemap {
        self.request_timeout = timeout;
        self
    }

    /// The same basemap sending every online layer to `template` instead
    /// (a loopback test server), keys included.
    #[cfg(test)]
    pub(crate) fn retargeted(mut self, template: &str) -> TileBasemap {
        self.retarget = Some(template.to_owned());
        self
    }

    /// The disk cache folder of online tiles.
    pub fn cache_root(&self) -> Option<&Path> {
        self.cache_root.as_deref()
    }

    /// Opens the source `settings` name if it is not the one open, and takes
    /// the opacities; cheap when nothing changed.
    pub fn sync(&mut self, ctx: &egui::Context, settings: &TileSettings) {
        let key = settings.tianditu_key();
        let wanted = Opened {
            source: settings.source.clone(),
            overlay: if settings.source.is_remote() { None } else { settings.overlay_file.clone() },
            key: matches!(settings.source, SourceSpec::Tianditu { .. })
                .then(|| key.as_ref().map(|k| stable_hash(k.expose())))
                .flatten(),
        };
        self.draw_underlay = settings.underlay;
        self.base_opacity = finite_unit(settings.base_opacity);
        self.overlay_opacity = finite_unit(settings.overlay_opacity);
        if self.opened.as_ref() != Some(&wanted) {
            self.open(ctx, &wanted, key.as_ref());
            self.opened = Some(wanted);
        }
        self.poll_opening(ctx);
    }

    /// Whether an offline source is still being opened.
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// Closes the source (its loaders stop, its textures are freed).
    pub fn close(&mut self) {
        self.opened = None;
        // A store still being opened is let go: its thread's answer goes unheard.
        self.opening = None;
        self.layers.clear();
        self.healths.clear();
        self.error = None;
        self.credit = None;
        self.gcj02 = false;
        self.name.clear();
    }

    fn open(&mut self, ctx: &egui::Context, what: &Opened, key: Option<&TiandituKey>) {
        self.close();
        let spec = &what.source;
        self.name = spec.display_name();
        self.gcj02 = spec.is_gcj02();
        self.credit = Some(spec.credit());
        let result = if spec.is_remote() {
            self.open_remote(ctx, spec, key)
        } else {
            self.open_offline(ctx, spec, what.overlay.as_deref())
        };
        if let Err(e) = result {
            self.failed(e, key);
        }
    }

    /// Records why the source could not be opened, redacted.
    fn failed(&mut self, e: Msg, key: Option<&TiandituKey>) {
        let hide = |t: &str| match key {
            Some(k) => binzhou_tiles::source::redact_key(t, Some(k)),
            None => redact(t),
        };
        let e = Msg::new(hide(&e.en), hide(&e.zh));
        tracing::warn!("basemap {}: {}", self.name, e.en);
        self.error = Some(e);
    }

    fn open_remote(&mut self, ctx: &egui::Context, spec: &SourceSpec, key: Option<&TiandituKey>) -> Result<(), Msg> {
        let layers = spec.remote_layers(key).map_err(|e| e.msg())?;
        #[cfg(test)]
        let layers: Vec<RemoteLayer> = match &self.retarget {
            Some(t) => layers.into_iter().map(|l| l.retarget(t)).collect(),
            None => layers,
        };
        let health = Arc::new(SourceHealth::new(&layers.first().map(RemoteLayer::host).unwrap_or_default()));
        self.healths.push(health.clone());
        if let Some(first) = layers.first() {
            self.credit = Some(first.credit().clone());
        }
        for layer in &layers {
            let tiles = TileLayer::remote(ctx, layer, self.cache_root.as_deref(), self.request_timeout, health.clone())
                .map_err(|e| bilingual(|l| l.tiles_cannot_start(&e)))?;
            self.layers.push(Drawn { tiles, overlay: layer.role() == LayerRole::Labels });
        }
        Ok(())
    }

    /// Starts opening an offline source (and its label package) on a
    /// worker; [`Self::poll_opening`] adds the layers once it has.
    fn open_offline(&mut self, ctx: &egui::Context, spec: &SourceSpec, overlay: Option<&Path>) -> Result<(), Msg> {
        let (tx, stores) = crossbeam_channel::bounded(1);
        let (job, labels, repaint) = (spec.clone(), overlay.map(Path::to_path_buf), ctx.clone());
        let open = move || -> OpenedStores {
            let base = open_store(&job).map_err(|e| e.msg());
            let labels = labels.map(|p| open_store(&SourceSpec::MbTiles(p)).map_err(|e| e.msg()));
            (base, labels)
        };
        match std::thread::Builder::new().name("basemap-open".into()).spawn(move || {
            tx.send(open()).ok();
            repaint.request_repaint();
        }) {
            Ok(_) => {
                self.opening = Some(Opening { spec: spec.clone(), overlay: overlay.map(Path::to_path_buf), stores })
            }
            Err(e) => {
                tracing::warn!("cannot start the basemap-open thread ({e}); opening in place");
                let base = open_store(spec).map_err(|e| e.msg());
                let labels = overlay.map(|p| open_store(&SourceSpec::MbTiles(p.to_path_buf())).map_err(|e| e.msg()));
                self.add_stores(ctx, spec, overlay, (base, labels))?;
            }
        }
        Ok(())
    }

    /// The offline stores, once opened.
    fn poll_opening(&mut self, ctx: &egui::Context) {
        let Some(o) = &self.opening else { return };
        let stores = match o.stores.try_recv() {
            Ok(stores) => stores,
            Err(crossbeam_channel::TryRecvError::Empty) => return,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                (Err(bilingual(|l| l.tiles_cannot_start("the basemap-open thread stopped"))), None)
            }
        };
        let Some(Opening { spec, overlay, .. }) = self.opening.take() else { return };
        if let Err(e) = self.add_stores(ctx, &spec, overlay.as_deref(), stores) {
            self.failed(e, None);
        }
    }

    fn add_stores(
        &mut self,
        ctx: &egui::Context,
        spec: &SourceSpec,
        overlay: Option<&Path>,
        (base, labels): OpenedStores,
    ) -> Result<(), Msg> {
        let add = |store: Box<dyn TileStore>, name: String, credit: Credit, overlay: bool, this: &mut TileBasemap| {
            let health = Arc::new(SourceHealth::new(&name));
            this.healths.push(health.clone());
            let tiles = TileLayer::from_store(ctx, &name, store, health, &credit)
                .map_err(|e| bilingual(|l| l.tiles_cannot_read(&name, &e.to_string())))?;
            this.layers.push(Drawn { tiles, overlay });
            Ok::<(), Msg>(())
        };
        add(base?, spec.display_name(), spec.credit(), false, self)?;
        // A missing label package costs the labels only.
        if let (Some(labels), Some(path)) = (labels, overlay) {
            let ls = SourceSpec::MbTiles(path.to_path_buf());
            if let Err(e) = labels.and_then(|store| add(store, ls.display_name(), ls.credit(), true, self)) {
                tracing::warn!("basemap labels: {}", e.en);
            }
        }
        Ok(())
    }

    /// The open source's name, e.g. `OpenStreetMap`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why the source could not be opened, if so (redacted).
    pub fn error(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.en.as_str())
    }

    /// [`TileBasemap::error`] in the interface's language.
    pub fn error_in(&self, lang: Lang) -> Option<&str> {
        self.error.as_ref().map(|e| lang.pick(e))
    }

    /// The layers drawn, bottom first.
    pub fn layers(&self) -> impl Iterator<Item = &TileLayer> {
        self.layers.iter().map(|d| &d.tiles)
    }

    /// The layers drawn, to change (tests drive loading through them).
    pub fn layers_mut(&mut self) -> impl Iterator<Item = &mut TileLayer> {
        self.layers.iter_mut().map(|d| &mut d.tiles)
    }

    /// Tiles being loaded over all layers.
    pub fn loading(&self) -> usize {
        self.layers.iter().map(|d| d.tiles.loading()).sum()
    }

    /// A one-line account of each current failure (redacted), for the status bar.
    pub fn problems(&self) -> Vec<String> {
        self.problems_in(Lang::En)
    }

    /// [`TileBasemap::problems`] in the interface's language.
    pub fn problems_in(&self, lang: Lang) -> Vec<String> {
        let mut out: Vec<String> = self.error_in(lang).map(str::to_owned).into_iter().collect();
        out.extend(self.healths.iter().filter_map(|h| h.summary_in(lang == Lang::Zh)));
        out
    }

    /// Notices worth logging once (a new kind of failure).
    pub fn take_notices(&self) -> Vec<String> {
        self.healths.iter().filter_map(|h| h.take_notice()).collect()
    }

    /// The status-bar items: failures first (flagged true), then notes.
    pub fn status(&self, lang: Lang) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> =
            self.problems_in(lang).into_iter().map(|p| (lang.basemap_problem(&p), true)).collect();
        if self.gcj02 {
            out.push((lang.text().basemap_gcj02_shifted.to_owned(), false));
        }
        if self.is_opening() {
            out.push((lang.text().basemap_opening.to_owned(), false));
        }
        let loading = self.loading();
        if loading > 0 {
            out.push((lang.tiles_loading(loading), false));
        }
        out
    }
}

fn finite_unit(v: f32) -> f32 {
    if v.is_finite() { v.clamp(0.0, 1.0) } else { 1.0 }
}

impl BasemapSource for TileBasemap {
    fn background(&self) -> Color32 {
        if self.draw_underlay { Color32::from_rgb(242, 239, 233) } else { Color32::from_rgb(226, 226, 222) }
    }

    fn has_tiles(&self) -> bool {
        true
    }

    fn tile_layers(&mut self) -> TileLayers<'_> {
        let (base, overlay) = (self.base_opacity, self.overlay_opacity);
        let layers = self
            .layers
            .iter_mut()
            .map(|d| (&mut d.tiles as &mut dyn Tiles, if d.overlay { overlay } else { base }))
            .collect();
        let underlay = if self.draw_underlay {
            Some(&*self.underlay.get_or_insert_with(VectorBasemap::builtin) as &dyn BasemapSource)
        } else {
            None
        };
        TileLayers { layers, underlay }
    }

    fn shapes(&self, _: &ScreenTransform, _: &mut Vec<LabelCandidate>) -> Vec<Shape> {
        Vec::new()
    }

    fn attribution(&self, _: Lang) -> Option<Cow<'static, str>> {
        self.credit.as_ref().map(|c| c.text.clone()).filter(|t| !t.is_empty())
    }

    fn is_gcj02(&self) -> bool {
        self.gcj02
    }
}

#[cfg(test)]
mod tests;
