//! Tiles on the map: a walkers [`Tiles`] implementation over any source of
//! tile bytes, and [`TileBasemap`], the basemap the app draws from it.
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
//!   from its nearest loaded ancestor, scaled ([`find_fallback`]).
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
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use egui::{Color32, Rect, Shape, pos2};
use serde::{Deserialize, Serialize};
use walkers::sources::Attribution;
use walkers::{Tile, TileId, TilePiece, Tiles};

use super::basemap::{BasemapSource, TileLayers, VectorBasemap};
use super::labels::LabelCandidate;
use super::project::ScreenTransform;
use crate::app::i18n::Lang;
use crate::model::{Bilingual, Msg};
use crate::tiles::coord::TileCoord;
use crate::tiles::fallback::{UvRect, find_fallback, overzoom};
use crate::tiles::health::{SourceHealth, TileFault, check_image};
use crate::tiles::source::{Credit, LayerRole, RemoteLayer, SourceSpec, TiandituKey, USER_AGENT, redact};
use crate::tiles::store::{TileStore, open_store};

/// Tile edge in pixels.
pub const TILE_SIZE: u32 = 256;

/// Decoded tiles kept per layer (a texture of 256 KB each).
pub const TEXTURES_KEPT: usize = 320;

/// Requests waiting for a loader at most; more wait for the next frame.
const REQUEST_QUEUE: usize = 48;

/// Finished tiles waiting for the UI thread at most.
const RESULT_QUEUE: usize = 64;

/// Parallel requests to one tile server.
pub const HTTP_WORKERS: usize = 4;

/// A failed tile is asked for again after this long.
pub const RETRY_AFTER: Duration = Duration::from_secs(15);

/// A queued request the map has not asked for again within this long is
/// dropped (the view moved on).
const STALE_AFTER: Duration = Duration::from_secs(3);

/// While tiles are loading, the map is redrawn at least this often, so
/// that the requests it still wants stay fresh.
const REPOLL: Duration = Duration::from_millis(400);

/// Give up on one tile request after this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Give up connecting after this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A cached tile younger than this is used without asking the server (the
/// minimum OpenStreetMap's tile usage policy asks for); an older one is
/// refreshed, and still used while the server cannot be reached.
pub const CACHE_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// Fallbacks look at most this many zoom levels up.
const FALLBACK_LEVELS: u8 = 10;

/// Where a loader thread gets tile bytes from.
pub trait TileFetcher: Send + 'static {
    /// The tile's bytes, or `Ok(None)` when the source has no such tile.
    /// May block. Faults returned here are recorded by the caller; a fetcher
    /// that serves a stale copy after a failure records that failure itself.
    fn fetch(&mut self, tile: TileCoord, health: &SourceHealth) -> Result<Option<Vec<u8>>, TileFault>;
}

/// Reads an offline store.
struct StoreFetcher(Box<dyn TileStore>);

impl TileFetcher for StoreFetcher {
    fn fetch(&mut self, tile: TileCoord, _: &SourceHealth) -> Result<Option<Vec<u8>>, TileFault> {
        self.0.get(tile.z, tile.x, tile.y).map_err(|e| TileFault::other(&e.to_string()))
    }
}

/// Fetches one online layer's tiles over HTTP, through a disk cache.
#[derive(Clone)]
pub struct HttpFetcher {
    layer: RemoteLayer,
    client: reqwest::blocking::Client,
    cache: Option<PathBuf>,
    max_age: Duration,
}

impl fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFetcher").field("layer", &self.layer).field("cache", &self.cache).finish()
    }
}

/// A number for a text that stays the same from run to run (FNV-1a).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The cache folder name of a layer: its name made safe for a path, and a
/// hash of its (redacted) URL so two servers never share one. Never holds
/// the key.
pub fn cache_folder_name(layer: &RemoteLayer) -> String {
    let slug: String = layer
        .name()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .take(32)
        .collect();
    let origin = TileCoord { z: 0, x: 0, y: 0 };
    let url = layer.redact(&layer.tile_url(origin));
    format!("{}-{:016x}", slug.trim_matches('-'), stable_hash(&url))
}

/// Whether a host is this machine (requests to it skip any proxy).
fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

impl HttpFetcher {
    /// A fetcher for `layer`, caching under `cache_root` (if any) in a
    /// folder of its own, giving up on a request after `timeout`.
    pub fn new(layer: RemoteLayer, cache_root: Option<&Path>, timeout: Duration) -> Result<HttpFetcher, String> {
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout));
        if is_loopback(&layer.host()) {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| layer.redact(&e.without_url().to_string()))?;
        let cache = cache_root.map(|root| root.join(cache_folder_name(&layer)));
        Ok(HttpFetcher { layer, client, cache, max_age: CACHE_MAX_AGE })
    }

    /// Where a tile is cached.
    fn cache_path(&self, tile: TileCoord) -> Option<PathBuf> {
        self.cache
            .as_ref()
            .map(|d| d.join(tile.z.to_string()).join(tile.x.to_string()).join(format!("{}.tile", tile.y)))
    }

    /// One request: the body if it is an image of sensible size.
    fn get(&self, tile: TileCoord) -> Result<Vec<u8>, TileFault> {
        crate::tiles::fetch::get_tile(&self.client, &self.layer.tile_url(tile), &|t| self.layer.redact(t))
    }
}

/// A cached tile and its age; a damaged entry is deleted.
fn read_cached(path: &Path) -> Option<(Vec<u8>, Duration)> {
    let bytes = fs::read(path).ok()?;
    if check_image(&bytes).is_err() {
        tracing::warn!("removing a damaged cached tile {}", path.display());
        let _ = fs::remove_file(path);
        return None;
    }
    let age = fs::metadata(path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).unwrap_or_default();
    Some((bytes, age))
}

/// Writes a tile to the cache (through a temporary file, so a reader never
/// sees half a tile). Failures only cost a later download.
fn write_cached(path: &Path, bytes: &[u8]) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let Some(dir) = path.parent() else {
        return;
    };
    let tmp = path.with_extension(format!("part{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = fs::create_dir_all(dir).and_then(|()| fs::write(&tmp, bytes)).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        tracing::debug!("cannot cache a tile in {}: {e}", dir.display());
    }
}

impl TileFetcher for HttpFetcher {
    fn fetch(&mut self, tile: TileCoord, health: &SourceHealth) -> Result<Option<Vec<u8>>, TileFault> {
        let path = self.cache_path(tile);
        let cached = path.as_deref().and_then(read_cached);
        if let Some((bytes, age)) = &cached
            && *age < self.max_age
        {
            return Ok(Some(bytes.clone()));
        }
        match self.get(tile) {
            Ok(bytes) => {
                if let Some(p) = &path {
                    write_cached(p, &bytes);
                }
                Ok(Some(bytes))
            }
            Err(fault) => match cached {
                // The server failed, but an older copy is better than nothing.
                Some((bytes, _)) => {
                    health.record_error(fault);
                    Ok(Some(bytes))
                }
                None if fault == TileFault::Http(404) => {
                    // The server has no such tile: fall back, don't retry.
                    health.record_error(fault);
                    Ok(None)
                }
                None => Err(fault),
            },
        }
    }
}

/// What became of a requested tile.
enum Outcome {
    /// Decoded and uploaded.
    Tile(Tile),
    /// The source has no such tile.
    Missing,
    /// It failed (recorded in the health); try again later.
    Failed,
    /// The map no longer wanted it when its turn came.
    Skipped,
}

/// A finished request.
struct Loaded {
    tile: TileCoord,
    outcome: Outcome,
}

/// Requests the map still wants, with when it last asked; shared with the
/// loaders so they can skip the ones the view has moved away from.
#[derive(Default)]
struct Wanted(Mutex<HashMap<TileCoord, Instant>>);

impl Wanted {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TileCoord, Instant>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn touch(&self, tile: TileCoord) {
        self.lock().insert(tile, Instant::now());
    }

    fn forget(&self, tile: TileCoord) {
        self.lock().remove(&tile);
    }

    fn still_wanted(&self, tile: TileCoord) -> bool {
        self.lock().get(&tile).is_some_and(|at| at.elapsed() < STALE_AFTER)
    }
}

/// Decoded tiles, the least recently used dropped first.
struct TextureCache {
    map: HashMap<TileCoord, (Tile, u64)>,
    clock: u64,
    capacity: usize,
}

impl TextureCache {
    fn new(capacity: usize) -> Self {
        TextureCache { map: HashMap::new(), clock: 0, capacity: capacity.max(8) }
    }

    fn contains(&self, tile: TileCoord) -> bool {
        self.map.contains_key(&tile)
    }

    fn get(&mut self, tile: TileCoord) -> Option<Tile> {
        self.clock += 1;
        let clock = self.clock;
        self.map.get_mut(&tile).map(|(t, used)| {
            *used = clock;
            t.clone()
        })
    }

    fn insert(&mut self, tile: TileCoord, texture: Tile) {
        if self.map.len() >= self.capacity {
            // Drop the least recently used quarter in one go.
            let mut ages: Vec<(u64, TileCoord)> = self.map.iter().map(|(c, (_, used))| (*used, *c)).collect();
            ages.sort_unstable_by_key(|(used, _)| *used);
            for (_, c) in ages.into_iter().take(self.capacity / 4) {
                self.map.remove(&c);
            }
        }
        self.clock += 1;
        self.map.insert(tile, (texture, self.clock));
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The loader side of a layer: takes requests, fetches, decodes, uploads.
fn load_loop(
    mut fetcher: Box<dyn TileFetcher>,
    requests: Receiver<TileCoord>,
    results: Sender<Loaded>,
    wanted: Arc<Wanted>,
    health: Arc<SourceHealth>,
    ctx: egui::Context,
) {
    while let Ok(tile) = requests.recv() {
        let outcome = if !wanted.still_wanted(tile) {
            Outcome::Skipped
        } else {
            match fetcher.fetch(tile, &health) {
                Ok(Some(bytes)) => decode(&bytes, tile, &health, &ctx),
                Ok(None) => Outcome::Missing,
                Err(fault) => {
                    tracing::debug!("tile {tile} from {}: {fault}", health.host());
                    health.record_error(fault);
                    Outcome::Failed
                }
            }
        };
        if results.send(Loaded { tile, outcome }).is_err() {
            break;
        }
        ctx.request_repaint();
    }
}

/// Decodes a tile and uploads it as a texture (egui's context may be used
/// from any thread).
fn decode(bytes: &[u8], tile: TileCoord, health: &SourceHealth, ctx: &egui::Context) -> Outcome {
    if let Err(fault) = check_image(bytes) {
        health.record_error(fault);
        return Outcome::Failed;
    }
    // `Style` only matters for vector tiles (a walkers feature not enabled here).
    #[allow(clippy::default_constructed_unit_structs)]
    let style = walkers::Style::default();
    match Tile::new(bytes, &style, tile.z, TILE_SIZE, ctx) {
        Ok(t) => {
            health.record_success();
            Outcome::Tile(t)
        }
        Err(e) => {
            health.record_error(TileFault::other(&format!("cannot decode tile {tile}: {e}")));
            Outcome::Failed
        }
    }
}

/// One layer of tiles for walkers, loaded off the UI thread (see the module
/// documentation).
pub struct TileLayer {
    name: String,
    requests: Sender<TileCoord>,
    results: Receiver<Loaded>,
    wanted: Arc<Wanted>,
    textures: TextureCache,
    pending: HashSet<TileCoord>,
    missing: HashSet<TileCoord>,
    failed: HashMap<TileCoord, Instant>,
    zooms: (u8, u8),
    health: Arc<SourceHealth>,
    ctx: egui::Context,
    attribution: Attribution,
    loaders_gone: bool,
}

impl fmt::Debug for TileLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TileLayer")
            .field("name", &self.name)
            .field("zooms", &self.zooms)
            .field("textures", &self.textures.len())
            .field("pending", &self.pending.len())
            .finish()
    }
}

/// The walkers attribution for a credit: only static texts can be handed on.
fn attribution_of(credit: &Credit) -> Attribution {
    let (text, url) = match (&credit.text, &credit.url) {
        (Cow::Borrowed(t), Cow::Borrowed(u)) => (*t, *u),
        (Cow::Borrowed(t), _) => (*t, ""),
        _ => ("", ""),
    };
    Attribution { text, url, logo_light: None, logo_dark: None }
}

impl TileLayer {
    /// A layer served by `fetchers`, one loader thread each (named
    /// `thread_name`, numbered when there are several), offering zoom levels
    /// `zooms` (shallowest, deepest).
    pub fn with_fetchers(
        ctx: &egui::Context,
        name: &str,
        fetchers: Vec<Box<dyn TileFetcher>>,
        zooms: (u8, u8),
        health: Arc<SourceHealth>,
        credit: &Credit,
        thread_name: &str,
    ) -> std::io::Result<TileLayer> {
        let (request_tx, request_rx) = bounded(REQUEST_QUEUE);
        let (result_tx, result_rx) = bounded(RESULT_QUEUE);
        let wanted = Arc::new(Wanted::default());
        let several = fetchers.len() > 1;
        for (i, fetcher) in fetchers.into_iter().enumerate() {
            let (rx, tx, wanted, health, ctx) =
                (request_rx.clone(), result_tx.clone(), wanted.clone(), health.clone(), ctx.clone());
            let thread = if several { format!("{thread_name}-{i}") } else { thread_name.to_owned() };
            // Log from the loader to wherever the caller logs.
            let dispatch = tracing::dispatcher::get_default(|d| d.clone());
            std::thread::Builder::new().name(thread).spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || load_loop(fetcher, rx, tx, wanted, health, ctx))
            })?;
        }
        let (lo, hi) = zooms;
        Ok(TileLayer {
            name: name.to_owned(),
            requests: request_tx,
            results: result_rx,
            wanted,
            textures: TextureCache::new(TEXTURES_KEPT),
            pending: HashSet::new(),
            missing: HashSet::new(),
            failed: HashMap::new(),
            zooms: (lo.min(hi), hi.max(lo)),
            health,
            ctx: ctx.clone(),
            attribution: attribution_of(credit),
            loaders_gone: false,
        })
    }

    /// A layer reading an offline store on a `tile-loader` thread.
    pub fn from_store(
        ctx: &egui::Context,
        name: &str,
        store: Box<dyn TileStore>,
        health: Arc<SourceHealth>,
        credit: &Credit,
    ) -> std::io::Result<TileLayer> {
        let zooms = store.zoom_range();
        let fetchers: Vec<Box<dyn TileFetcher>> = vec![Box::new(StoreFetcher(store))];
        TileLayer::with_fetchers(ctx, name, fetchers, zooms, health, credit, "tile-loader")
    }

    /// A layer fetching from a tile server on [`HTTP_WORKERS`] `tile-fetch-N`
    /// threads, caching under `cache_root` (if any), giving up on a request
    /// after `timeout`.
    pub fn remote(
        ctx: &egui::Context,
        layer: &RemoteLayer,
        cache_root: Option<&Path>,
        timeout: Duration,
        health: Arc<SourceHealth>,
    ) -> Result<TileLayer, String> {
        let fetcher = HttpFetcher::new(layer.clone(), cache_root, timeout)?;
        let fetchers: Vec<Box<dyn TileFetcher>> =
            (0..HTTP_WORKERS).map(|_| Box::new(fetcher.clone()) as Box<dyn TileFetcher>).collect();
        TileLayer::with_fetchers(
            ctx,
            layer.name(),
            fetchers,
            (0, layer.max_zoom()),
            health,
            layer.credit(),
            "tile-fetch",
        )
        .map_err(|e| format!("cannot start loading tiles: {e}"))
    }

    /// The layer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Failures of the layer's source.
    pub fn health(&self) -> &Arc<SourceHealth> {
        &self.health
    }

    /// The zoom levels the source offers (shallowest, deepest).
    pub fn zooms(&self) -> (u8, u8) {
        self.zooms
    }

    /// Tiles asked for and not yet answered.
    pub fn loading(&self) -> usize {
        self.pending.len()
    }

    /// Decoded tiles held.
    pub fn textures_held(&self) -> usize {
        self.textures.len()
    }

    /// Whether a tile is decoded and ready to draw.
    pub fn has_texture(&self, tile: TileCoord) -> bool {
        self.textures.contains(tile)
    }

    /// Takes whatever the loaders finished, without waiting.
    pub fn poll(&mut self) {
        loop {
            let loaded = match self.results.try_recv() {
                Ok(l) => l,
                Err(crossbeam_channel::TryRecvError::Empty) => break,
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    self.loaders_gone = true;
                    break;
                }
            };
            let tile = loaded.tile;
            self.pending.remove(&tile);
            self.wanted.forget(tile);
            match loaded.outcome {
                Outcome::Tile(t) => {
                    self.failed.remove(&tile);
                    self.textures.insert(tile, t);
                }
                Outcome::Missing => {
                    if self.missing.len() > 100_000 {
                        self.missing.clear();
                    }
                    self.missing.insert(tile);
                }
                Outcome::Failed => {
                    if self.failed.len() > 20_000 {
                        self.failed.retain(|_, at| at.elapsed() < RETRY_AFTER);
                    }
                    self.failed.insert(tile, Instant::now());
                }
                Outcome::Skipped => {}
            }
        }
    }

    /// Asks a loader for `tile` unless it is loaded, pending, known to be
    /// missing or failed a moment ago. Never waits.
    fn request(&mut self, tile: TileCoord) {
        if self.pending.contains(&tile) {
            self.wanted.touch(tile);
            return;
        }
        if self.textures.contains(tile) || self.missing.contains(&tile) {
            return;
        }
        if self.failed.get(&tile).is_some_and(|at| at.elapsed() < RETRY_AFTER) {
            return;
        }
        self.wanted.touch(tile);
        match self.requests.try_send(tile) {
            Ok(()) => {
                self.pending.insert(tile);
            }
            Err(TrySendError::Full(_)) => self.wanted.forget(tile),
            Err(TrySendError::Disconnected(_)) => {
                self.wanted.forget(tile);
                if !self.loaders_gone {
                    self.loaders_gone = true;
                    self.health.record_error(TileFault::other("the tile loader stopped"));
                }
            }
        }
    }

    /// The piece to draw for `tile`: the tile itself, or the part of its
    /// nearest loaded ancestor that covers it. Asks for the tile (or, past
    /// the source's deepest zoom, its ancestor there) when not loaded.
    pub fn piece(&mut self, want: TileCoord) -> Option<(TileCoord, UvRect)> {
        self.poll();
        if !want.is_valid() {
            return None;
        }
        let (min_z, max_z) = self.zooms;
        let source_tile = overzoom(want, max_z).tile;
        if source_tile.z >= min_z {
            self.request(source_tile);
        }
        if !self.pending.is_empty() {
            self.ctx.request_repaint_after(REPOLL);
        }
        let lowest = want.z.saturating_sub(FALLBACK_LEVELS).max(min_z);
        let textures = &self.textures;
        let found = find_fallback(want, lowest, |c| c.z <= max_z && textures.contains(c))?;
        Some((found.tile, found.uv))
    }
}

fn uv_rect(uv: UvRect) -> Rect {
    Rect::from_min_max(pos2(uv.min_u, uv.min_v), pos2(uv.max_u, uv.max_v))
}

impl Tiles for TileLayer {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        let want = TileCoord::new(tile_id.zoom, tile_id.x, tile_id.y)?;
        let (tile, uv) = self.piece(want)?;
        let texture = self.textures.get(tile)?;
        Some(TilePiece::new(texture, uv_rect(uv)))
    }

    fn attribution(&self) -> Attribution {
        self.attribution.clone()
    }

    fn tile_size(&self) -> u32 {
        TILE_SIZE
    }

    fn stats(&self) -> walkers::Stats {
        walkers::Stats { in_progress: self.pending.len() }
    }
}

/// A Tianditu key as kept in the settings: its `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str("SecretText(\"\")") } else { f.write_str("SecretText(<redacted>)") }
    }
}

/// The tile basemap's settings, kept between runs with the view state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TileSettings {
    /// The tile source shown when the basemap choice is tiles.
    pub source: SourceSpec,
    /// An offline label layer drawn over an offline source (a prefetched
    /// Tianditu label package).
    pub overlay_file: Option<PathBuf>,
    /// Opacity of the label layer over the base layer (0..=1).
    pub overlay_opacity: f32,
    /// Opacity of the base layer (0..=1); below 1 the built-in map shows through.
    pub base_opacity: f32,
    /// Draw the built-in vector basemap under the tiles, so a dead server
    /// or an area outside an offline package still shows a map.
    pub underlay: bool,
    /// The user's Tianditu key (`tk`); when empty, the `TIANDITU_TK`
    /// environment variable is used.
    pub tianditu_key: SecretText,
    /// The custom XYZ source being edited in the settings.
    pub custom_name: String,
    /// Its URL template.
    pub custom_template: String,
    /// Its `{s}` values, comma-separated.
    pub custom_subdomains: String,
    /// Whether it draws in GCJ-02.
    pub custom_gcj02: bool,
    /// Offline files opened before, most recent first.
    pub recent: Vec<SourceSpec>,
}

impl Default for TileSettings {
    fn default() -> Self {
        TileSettings {
            source: SourceSpec::Osm,
            overlay_file: None,
            overlay_opacity: 1.0,
            base_opacity: 1.0,
            underlay: true,
            tianditu_key: SecretText::default(),
            custom_name: String::new(),
            custom_template: String::new(),
            custom_subdomains: String::new(),
            custom_gcj02: false,
            recent: Vec::new(),
        }
    }
}

/// Offline files remembered.
pub const RECENT_KEPT: usize = 6;

impl TileSettings {
    /// The custom XYZ source as edited.
    pub fn custom_spec(&self) -> SourceSpec {
        SourceSpec::CustomXyz {
            name: self.custom_name.trim().to_owned(),
            template: self.custom_template.trim().to_owned(),
            subdomains: self
                .custom_subdomains
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            gcj02: self.custom_gcj02,
        }
    }

    /// Chooses an offline file (remembered among the recent ones). A label
    /// package written next to it by a download (`NAME-labels.mbtiles`) is
    /// drawn over it.
    pub fn use_offline(&mut self, spec: SourceSpec) {
        self.overlay_file = match &spec {
            SourceSpec::MbTiles(path) => labels_package_for(path).filter(|p| p.is_file()),
            _ => None,
        };
        self.recent.retain(|s| s != &spec);
        self.recent.insert(0, spec.clone());
        self.recent.truncate(RECENT_KEPT);
        self.source = spec;
    }

    /// The Tianditu key to use: the one in the settings, else the environment's.
    pub fn tianditu_key(&self) -> Option<TiandituKey> {
        TiandituKey::from_settings_or_env(Some(&self.tianditu_key.0)).ok()
    }
}

/// The label package written next to a base package by a download.
pub fn labels_package_for(base: &Path) -> Option<PathBuf> {
    let stem = base.file_stem()?.to_string_lossy().into_owned();
    Some(base.with_file_name(format!("{stem}-labels.mbtiles")))
}

/// The offline source for a dropped or picked path, if it is one: an
/// `.mbtiles` or `.pmtiles` file, or a folder laid out as `z/x/y`.
pub fn offline_spec_for(path: &Path) -> Option<SourceSpec> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("mbtiles") => Some(SourceSpec::MbTiles(path.to_path_buf())),
        Some("pmtiles") => Some(SourceSpec::PmTiles(path.to_path_buf())),
        _ if path.is_dir() && looks_like_tile_folder(path) => Some(SourceSpec::Folder(path.to_path_buf())),
        _ => None,
    }
}

/// A folder whose entries are zoom-level folders (`0`..`22`) and nothing
/// else that matters (no GeoJSON beside them).
fn looks_like_tile_folder(path: &Path) -> bool {
    let Ok(entries) = fs::read_dir(path) else {
        return false;
    };
    let mut zoom_dirs = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && name.parse::<u8>().is_ok_and(|z| z <= 22) {
            zoom_dirs += 1;
        } else if name.ends_with(".geojson") || name.ends_with(".json") {
            return false;
        }
    }
    zoom_dirs > 0
}

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

/// The tile basemap: the layers of the chosen source, drawn by walkers over
/// the built-in vector basemap.
pub struct TileBasemap {
    opened: Option<Opened>,
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
        TileBasemap::new(crate::tiles::cache::default_cache_dir())
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
    }

    /// Closes the source (its loaders stop, its textures are freed).
    pub fn close(&mut self) {
        self.opened = None;
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
            let hide = |t: &str| match key {
                Some(k) => crate::tiles::source::redact_key(t, Some(k)),
                None => redact(t),
            };
            let e = Msg::new(hide(&e.en), hide(&e.zh));
            tracing::warn!("basemap {}: {}", self.name, e.en);
            self.error = Some(e);
        }
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
                .map_err(|e| Msg::new(e.clone(), format!("无法开始加载瓦片（{e}）")))?;
            self.layers.push(Drawn { tiles, overlay: layer.role() == LayerRole::Labels });
        }
        Ok(())
    }

    fn open_offline(&mut self, ctx: &egui::Context, spec: &SourceSpec, overlay: Option<&Path>) -> Result<(), Msg> {
        let add = |spec: &SourceSpec, overlay: bool, this: &mut TileBasemap| -> Result<(), Msg> {
            let store = open_store(spec).map_err(|e| e.msg())?;
            let health = Arc::new(SourceHealth::new(&spec.display_name()));
            this.healths.push(health.clone());
            let tiles =
                TileLayer::from_store(ctx, &spec.display_name(), store, health, &spec.credit()).map_err(|e| {
                    let name = spec.display_name();
                    Msg::new(format!("cannot start reading {name}: {e}"), format!("无法开始读取 {name}（{e}）"))
                })?;
            this.layers.push(Drawn { tiles, overlay });
            Ok(())
        };
        add(spec, false, self)?;
        if let Some(path) = overlay {
            let labels = SourceSpec::MbTiles(path.to_path_buf());
            // A missing label package costs the labels only.
            if let Err(e) = add(&labels, true, self) {
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
        let mut out: Vec<(String, bool)> = self
            .problems_in(lang)
            .into_iter()
            .map(|p| {
                let p = match lang {
                    Lang::Zh => format!("底图故障：{p}"),
                    Lang::En => format!("Basemap: {p}"),
                };
                (p, true)
            })
            .collect();
        if self.gcj02 {
            out.push((
                match lang {
                    Lang::Zh => "底图为 GCJ-02：项目位置和光标已偏移对齐".to_owned(),
                    Lang::En => "GCJ-02 basemap: sites and cursor shifted to line up".to_owned(),
                },
                false,
            ));
        }
        let loading = self.loading();
        if loading > 0 {
            out.push((
                match lang {
                    Lang::Zh => format!("正在加载 {loading} 块瓦片"),
                    Lang::En => format!("loading {loading} tiles"),
                },
                false,
            ));
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
