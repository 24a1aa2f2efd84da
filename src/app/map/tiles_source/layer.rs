//! A walkers [`Tiles`] adapter over a [`TileLoader`] of textures: the
//! loader (in binzhou-tiles) fetches, decodes and keeps tiles off the UI
//! thread; this adds the texture upload, the repaint while tiles are on
//! their way, and the credit.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use egui::{Rect, pos2};
use walkers::sources::Attribution;
use walkers::{Tile, TileId, TilePiece, Tiles};

use binzhou_tiles::coord::TileCoord;
use binzhou_tiles::fallback::UvRect;
use binzhou_tiles::health::{SourceHealth, TileFault, check_image};
use binzhou_tiles::http::HttpFetcher;
use binzhou_tiles::loader::{Decode, LoaderConfig, StoreFetcher, TILES_KEPT, TileFetcher, TileLoader};
use binzhou_tiles::source::{Credit, RemoteLayer};
use binzhou_tiles::store::TileStore;

/// Tile edge in pixels.
pub const TILE_SIZE: u32 = 256;

/// Parallel requests to one tile server.
pub const HTTP_WORKERS: usize = 4;

/// While tiles are loading, the map is redrawn at least this often, so
/// that the requests it still wants stay fresh.
const REPOLL: Duration = Duration::from_millis(400);

/// One layer of tiles for walkers: a [`TileLoader`] of textures, decoded
/// and uploaded on the loader threads (egui's context may be used from any
/// thread).
pub struct TileLayer {
    name: String,
    loader: TileLoader<Tile>,
    ctx: egui::Context,
    attribution: Attribution,
}

impl fmt::Debug for TileLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TileLayer").field("name", &self.name).field("loader", &self.loader).finish()
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

/// Checks a tile's bytes and uploads them as a texture.
fn texture_decoder(ctx: &egui::Context) -> Decode<Tile> {
    let ctx = ctx.clone();
    Arc::new(move |bytes: &[u8], tile: TileCoord| {
        check_image(bytes)?;
        // `Style` only matters for vector tiles (a walkers feature not enabled here).
        #[allow(clippy::default_constructed_unit_structs)]
        let style = walkers::Style::default();
        Tile::new(bytes, &style, tile.z, TILE_SIZE, &ctx)
            .map_err(|e| TileFault::other(&format!("cannot decode tile {tile}: {e}")))
    })
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
        let repaint = ctx.clone();
        let config = LoaderConfig {
            thread_name: thread_name.to_owned(),
            zooms,
            capacity: TILES_KEPT,
            decode: texture_decoder(ctx),
            notify: Arc::new(move || repaint.request_repaint()),
        };
        let loader = TileLoader::start(fetchers, health, config)?;
        Ok(TileLayer { name: name.to_owned(), loader, ctx: ctx.clone(), attribution: attribution_of(credit) })
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
        self.loader.health()
    }

    /// The zoom levels the source offers (shallowest, deepest).
    pub fn zooms(&self) -> (u8, u8) {
        self.loader.zooms()
    }

    /// Tiles asked for and not yet answered.
    pub fn loading(&self) -> usize {
        self.loader.loading()
    }

    /// Decoded tiles held.
    pub fn textures_held(&self) -> usize {
        self.loader.held()
    }

    /// Whether a tile is decoded and ready to draw.
    pub fn has_texture(&self, tile: TileCoord) -> bool {
        self.loader.has(tile)
    }

    /// Takes whatever the loaders finished, without waiting.
    pub fn poll(&mut self) {
        self.loader.poll();
    }

    /// The piece to draw for `tile`: the tile itself, or the part of its
    /// nearest loaded ancestor that covers it. Asks for the tile when not
    /// loaded, and keeps the map redrawing while tiles are on their way.
    pub fn piece(&mut self, want: TileCoord) -> Option<(TileCoord, UvRect)> {
        let found = self.loader.piece(want);
        if self.loader.loading() > 0 {
            self.ctx.request_repaint_after(REPOLL);
        }
        found
    }
}

fn uv_rect(uv: UvRect) -> Rect {
    Rect::from_min_max(pos2(uv.min_u, uv.min_v), pos2(uv.max_u, uv.max_v))
}

impl Tiles for TileLayer {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        let want = TileCoord::new(tile_id.zoom, tile_id.x, tile_id.y)?;
        let (tile, uv) = self.piece(want)?;
        let texture = self.loader.get(tile)?;
        Some(TilePiece::new(texture, uv_rect(uv)))
    }

    fn attribution(&self) -> Attribution {
        self.attribution.clone()
    }

    fn tile_size(&self) -> u32 {
        TILE_SIZE
    }

    fn stats(&self) -> walkers::Stats {
        walkers::Stats { in_progress: self.loader.loading() }
    }
}
