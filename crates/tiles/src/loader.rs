//! Loading one layer of tiles off the caller's thread, for any kind of
//! decoded tile (the app's are GPU textures; the tests' are plain bytes).
//!
//! A [`TileLoader`] owns named loader threads, each with a [`TileFetcher`]
//! (an offline [`TileStore`] or a tile server, see [`crate::http`]). The
//! caller's frame only ever:
//!
//! - sends a request over a bounded channel (`try_send`; when it is full the
//!   tile is asked for again next frame),
//! - takes finished tiles with `try_recv` (they were fetched and decoded on
//!   the loader thread, which then calls the `notify` hook, e.g. to request
//!   a repaint),
//! - looks tiles up in an LRU of decoded tiles; a tile not there yet is
//!   answered by its nearest loaded ancestor ([`find_fallback`]).
//!
//! Loader threads end by themselves when the loader is dropped. Every
//! failure is recorded in the layer's [`SourceHealth`]; failed tiles are
//! retried after [`RETRY_AFTER`], never every frame, and requests the view
//! has moved away from are skipped when their turn comes.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use crate::coord::TileCoord;
use crate::fallback::{UvRect, find_fallback, overzoom};
use crate::health::{SourceHealth, TileFault};
use crate::store::TileStore;

/// Decoded tiles kept per layer by default (a texture of 256 KB each).
pub const TILES_KEPT: usize = 320;

/// Requests waiting for a loader at most; more wait for the next frame.
const REQUEST_QUEUE: usize = 48;

/// Finished tiles waiting for the caller at most.
const RESULT_QUEUE: usize = 64;

/// A failed tile is asked for again after this long.
pub const RETRY_AFTER: Duration = Duration::from_secs(15);

/// A queued request not asked for again within this long is dropped (the
/// view moved on).
const STALE_AFTER: Duration = Duration::from_secs(3);

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
pub struct StoreFetcher(pub Box<dyn TileStore>);

impl TileFetcher for StoreFetcher {
    fn fetch(&mut self, tile: TileCoord, _: &SourceHealth) -> Result<Option<Vec<u8>>, TileFault> {
        self.0.get(tile.z, tile.x, tile.y).map_err(|e| TileFault::other(&e.to_string()))
    }
}

/// Turns a tile's bytes into what the caller draws; runs on a loader thread.
pub type Decode<T> = Arc<dyn Fn(&[u8], TileCoord) -> Result<T, TileFault> + Send + Sync>;

/// Called on a loader thread after each finished request (e.g. to wake the UI).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// What became of a requested tile.
enum Outcome<T> {
    /// Fetched and decoded.
    Tile(T),
    /// The source has no such tile.
    Missing,
    /// It failed (recorded in the health); try again later.
    Failed,
    /// The caller no longer wanted it when its turn came.
    Skipped,
}

/// A finished request.
struct Loaded<T> {
    tile: TileCoord,
    outcome: Outcome<T>,
}

/// Requests the caller still wants, with when it last asked; shared with the
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

/// How a loader is started.
pub struct LoaderConfig<T> {
    /// Thread name; numbered (`NAME-0`, `NAME-1`) when there are several fetchers.
    pub thread_name: String,
    /// The zoom levels the source offers (shallowest, deepest).
    pub zooms: (u8, u8),
    /// Decoded tiles kept.
    pub capacity: usize,
    /// Bytes to decoded tile, on the loader thread.
    pub decode: Decode<T>,
    /// Called after each finished request.
    pub notify: Notify,
}

/// The loader side of a layer: takes requests, fetches, decodes.
fn load_loop<T>(
    mut fetcher: Box<dyn TileFetcher>,
    requests: Receiver<TileCoord>,
    results: Sender<Loaded<T>>,
    wanted: Arc<Wanted>,
    health: Arc<SourceHealth>,
    decode: Decode<T>,
    notify: Notify,
) {
    while let Ok(tile) = requests.recv() {
        let outcome = if !wanted.still_wanted(tile) {
            Outcome::Skipped
        } else {
            match fetcher.fetch(tile, &health) {
                Ok(Some(bytes)) => match decode(&bytes, tile) {
                    Ok(t) => {
                        health.record_success();
                        Outcome::Tile(t)
                    }
                    Err(fault) => {
                        health.record_error(fault);
                        Outcome::Failed
                    }
                },
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
        notify();
    }
}

/// One layer of tiles, loaded off the caller's thread (see the module
/// documentation).
pub struct TileLoader<T> {
    requests: Sender<TileCoord>,
    results: Receiver<Loaded<T>>,
    wanted: Arc<Wanted>,
    tiles: lru::LruCache<TileCoord, T>,
    pending: HashSet<TileCoord>,
    missing: HashSet<TileCoord>,
    failed: HashMap<TileCoord, Instant>,
    zooms: (u8, u8),
    health: Arc<SourceHealth>,
    loaders_gone: bool,
}

impl<T> fmt::Debug for TileLoader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TileLoader")
            .field("zooms", &self.zooms)
            .field("held", &self.tiles.len())
            .field("pending", &self.pending.len())
            .finish()
    }
}

impl<T: Clone + Send + 'static> TileLoader<T> {
    /// A loader served by `fetchers`, one named thread each.
    pub fn start(
        fetchers: Vec<Box<dyn TileFetcher>>,
        health: Arc<SourceHealth>,
        config: LoaderConfig<T>,
    ) -> std::io::Result<TileLoader<T>> {
        let (request_tx, request_rx) = bounded(REQUEST_QUEUE);
        let (result_tx, result_rx) = bounded(RESULT_QUEUE);
        let wanted = Arc::new(Wanted::default());
        let several = fetchers.len() > 1;
        for (i, fetcher) in fetchers.into_iter().enumerate() {
            let (rx, tx, wanted, health) = (request_rx.clone(), result_tx.clone(), wanted.clone(), health.clone());
            let (decode, notify) = (config.decode.clone(), config.notify.clone());
            let thread = if several { format!("{}-{i}", config.thread_name) } else { config.thread_name.clone() };
            // Log from the loader to wherever the caller logs.
            let dispatch = tracing::dispatcher::get_default(|d| d.clone());
            std::thread::Builder::new().name(thread).spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    load_loop(fetcher, rx, tx, wanted, health, decode, notify)
                })
            })?;
        }
        let (lo, hi) = config.zooms;
        let capacity = NonZeroUsize::new(config.capacity.max(8)).unwrap_or(NonZeroUsize::MIN);
        Ok(TileLoader {
            requests: request_tx,
            results: result_rx,
            wanted,
            tiles: lru::LruCache::new(capacity),
            pending: HashSet::new(),
            missing: HashSet::new(),
            failed: HashMap::new(),
            zooms: (lo.min(hi), hi.max(lo)),
            health,
            loaders_gone: false,
        })
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
    pub fn held(&self) -> usize {
        self.tiles.len()
    }

    /// Whether a tile is decoded and held.
    pub fn has(&self, tile: TileCoord) -> bool {
        self.tiles.contains(&tile)
    }

    /// A held tile, marked as just used.
    pub fn get(&mut self, tile: TileCoord) -> Option<T> {
        self.tiles.get(&tile).cloned()
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
                    self.tiles.put(tile, t);
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

    /// Asks a loader for `tile` unless it is held, pending, known to be
    /// missing or failed a moment ago. Never waits.
    fn request(&mut self, tile: TileCoord) {
        if self.pending.contains(&tile) {
            self.wanted.touch(tile);
            return;
        }
        if self.tiles.contains(&tile) || self.missing.contains(&tile) {
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

    /// The held tile to draw for `want`: the tile itself, or the part of its
    /// nearest held ancestor that covers it. Asks for the tile (or, past the
    /// source's deepest zoom, its ancestor there) when it is not held.
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
        let lowest = want.z.saturating_sub(FALLBACK_LEVELS).max(min_z);
        let tiles = &self.tiles;
        let found = find_fallback(want, lowest, |c| c.z <= max_z && tiles.contains(&c))?;
        Some((found.tile, found.uv))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folder::FolderTiles;

    fn t(z: u8, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    /// A fetcher that answers from a fixed map, counting requests.
    struct Fixed(HashMap<TileCoord, Vec<u8>>, Arc<Mutex<usize>>);

    impl TileFetcher for Fixed {
        fn fetch(&mut self, tile: TileCoord, _: &SourceHealth) -> Result<Option<Vec<u8>>, TileFault> {
            *self.1.lock().unwrap() += 1;
            Ok(self.0.get(&tile).cloned())
        }
    }

    fn loader(tiles: &[(TileCoord, &[u8])], zooms: (u8, u8)) -> (TileLoader<Vec<u8>>, Arc<Mutex<usize>>) {
        let count = Arc::new(Mutex::new(0));
        let map = tiles.iter().map(|(c, b)| (*c, b.to_vec())).collect();
        let fetchers: Vec<Box<dyn TileFetcher>> = vec![Box::new(Fixed(map, count.clone()))];
        let config = LoaderConfig {
            thread_name: "tile-test".into(),
            zooms,
            capacity: 8,
            decode: Arc::new(|b: &[u8], _| if b == b"bad" { Err(TileFault::Garbage) } else { Ok(b.to_vec()) }),
            notify: Arc::new(|| {}),
        };
        (TileLoader::start(fetchers, Arc::new(SourceHealth::new("test")), config).unwrap(), count)
    }

    fn wait(l: &mut TileLoader<Vec<u8>>, want: TileCoord) -> Option<(TileCoord, UvRect)> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got = l.piece(want);
            if l.loading() == 0 || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_requested_tile_is_fetched_decoded_and_then_held() {
        let (mut l, _) = loader(&[(t(3, 1, 2), b"one")], (0, 5));
        let (tile, _) = wait(&mut l, t(3, 1, 2)).unwrap();
        assert_eq!(tile, t(3, 1, 2));
        assert_eq!(l.get(t(3, 1, 2)).as_deref(), Some(&b"one"[..]));
        assert_eq!(l.held(), 1);
    }

    #[test]
    fn a_missing_tile_is_answered_by_its_held_ancestor_and_not_asked_for_again() {
        let (mut l, count) = loader(&[(t(2, 1, 1), b"parent")], (0, 5));
        wait(&mut l, t(2, 1, 1)).unwrap();
        let (tile, uv) = wait(&mut l, t(3, 2, 3)).unwrap();
        assert_eq!(tile, t(2, 1, 1));
        assert_eq!((uv.min_u, uv.min_v, uv.max_u, uv.max_v), (0.0, 0.5, 0.5, 1.0));
        let asked = *count.lock().unwrap();
        for _ in 0..10 {
            l.piece(t(3, 2, 3));
        }
        std::thread::sleep(Duration::from_millis(50));
        l.poll();
        assert_eq!(*count.lock().unwrap(), asked, "a tile the source lacks is not fetched again");
    }

    #[test]
    fn a_tile_that_does_not_decode_is_recorded_and_not_retried_at_once() {
        let (mut l, count) = loader(&[(t(1, 0, 0), b"bad")], (0, 5));
        assert!(wait(&mut l, t(1, 0, 0)).is_none());
        assert!(l.health().summary_in(false).is_some(), "the failure is in the health");
        let asked = *count.lock().unwrap();
        l.piece(t(1, 0, 0));
        assert_eq!(*count.lock().unwrap(), asked);
        assert_eq!(l.loading(), 0);
    }

    #[test]
    fn past_the_deepest_zoom_the_deepest_ancestor_is_fetched_instead() {
        let (mut l, _) = loader(&[(t(2, 0, 0), b"deep")], (0, 2));
        let (tile, _) = wait(&mut l, t(4, 1, 1)).unwrap();
        assert_eq!(tile, t(2, 0, 0));
    }

    #[test]
    fn the_lru_keeps_at_most_its_capacity() {
        let tiles: Vec<(TileCoord, &[u8])> = (0..16).map(|x| (t(4, x, 0), &b"x"[..])).collect();
        let (mut l, _) = loader(&tiles, (0, 5));
        for (c, _) in &tiles {
            wait(&mut l, *c);
        }
        assert_eq!(l.held(), 8);
        assert!(l.has(t(4, 15, 0)), "the newest stays");
        assert!(!l.has(t(4, 0, 0)), "the oldest went first");
    }

    #[test]
    fn a_store_fetcher_reads_a_tile_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("1/0")).unwrap();
        std::fs::write(dir.path().join("1/0/1.png"), crate::testkit::png_tile(t(1, 0, 1))).unwrap();
        let store = FolderTiles::open(dir.path()).unwrap();
        let mut f = StoreFetcher(Box::new(store));
        let got = f.fetch(t(1, 0, 1), &SourceHealth::new("folder")).unwrap();
        assert!(got.is_some_and(|b| b.starts_with(b"\x89PNG")));
    }
}
