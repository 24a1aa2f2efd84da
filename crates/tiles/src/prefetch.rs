//! Downloading an area for offline use.
//!
//! Plan first ([`PrefetchArea`]: a lon/lat box and a zoom range, whose
//! [`PrefetchArea::estimate`] gives tile count and size before anything is
//! fetched), then [`Prefetch::start`] downloads on a named worker thread
//! (`tile-prefetch`) into one MBTiles package per layer. The worker is
//! polite (a request rate limit, an honest User-Agent, backoff on server
//! errors, and a stop after many failures in a row), reports progress
//! through shared counters, can be cancelled, and a later run with the same
//! output continues where the last one stopped: tiles already in the
//! package are not fetched again. OpenStreetMap's servers are refused.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::coord::{LonLatBox, TileCoord, TileRange};
use super::file_error::TileFileError;
use super::health::{SourceHealth, TileFault};
use super::mbtiles::{MbTilesMeta, MbTilesWriter};
use super::source::{BulkDownloadRefused, RemoteLayer, USER_AGENT};
use binzhou_core::model::Bilingual;

/// Assumed size of one raster tile when nothing better is known.
pub const AVERAGE_TILE_BYTES: u64 = 20 * 1024;

/// Default request rate: polite for a public server.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 4.0;

/// Most tiles one download may have (over all its layers).
pub const MAX_TILES: u64 = 100_000;

/// Deepest zoom that may be downloaded.
pub const MAX_PREFETCH_ZOOM: u8 = 18;

/// The worker thread's name.
pub const THREAD_NAME: &str = "tile-prefetch";

/// Failures kept verbatim in the report.
const MAX_REPORTED_FAILURES: usize = 20;

/// Why a download cannot start or did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefetchError {
    /// The source may not be bulk-downloaded (OpenStreetMap).
    #[error(transparent)]
    Refused(#[from] BulkDownloadRefused),
    /// The zoom range makes no sense.
    #[error(
        "zoom levels {min} to {max} cannot be downloaded: choose levels from 0 to {MAX_PREFETCH_ZOOM}, the first not above the last"
    )]
    BadZoomRange {
        /// First zoom asked for.
        min: u8,
        /// Last zoom asked for.
        max: u8,
    },
    /// No layer was given.
    #[error("nothing to download: no map layer was chosen")]
    NoTargets,
    /// The rate is not a positive number.
    #[error("the request rate must be a positive number of requests per second")]
    BadRate,
    /// Too many tiles for one download.
    #[error(
        "the download would be {count} tiles, more than the {limit} allowed at once: choose a smaller area or fewer zoom levels"
    )]
    TooManyTiles {
        /// Tiles the plan has.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// The package could not be written.
    #[error(transparent)]
    Package(#[from] TileFileError),
    /// The server kept failing, so the download stopped.
    #[error("stopped after {count} failed tiles in a row from {host}: {last}")]
    TooManyFailures {
        /// The server.
        host: String,
        /// Failures in a row.
        count: u32,
        /// The last one.
        last: String,
    },
    /// The worker could not be started.
    #[error("cannot start the download: {0}")]
    Start(String),
    /// The worker stopped unexpectedly.
    #[error("the download stopped unexpectedly")]
    Crashed,
}

impl Bilingual for PrefetchError {
    /// The same in Chinese (a server's or SQLite's own words stay as they came).
    fn zh(&self) -> String {
        match self {
            PrefetchError::Refused(r) => r.message_zh.clone(),
            PrefetchError::BadZoomRange { min, max } => {
                format!("无法下载第 {min} 至 {max} 级：请在 0 至 {MAX_PREFETCH_ZOOM} 级之间选择，且起始级不大于结束级")
            }
            PrefetchError::NoTargets => "没有可下载的内容：未选择地图图层".into(),
            PrefetchError::BadRate => "请求速率必须是每秒正数次".into(),
            PrefetchError::TooManyTiles { count, limit } => {
                format!("下载量为 {count} 块瓦片，超过单次上限 {limit} 块：请缩小范围或减少缩放级别")
            }
            PrefetchError::Package(e) => e.zh(),
            PrefetchError::TooManyFailures { host, count, last } => {
                format!("{host} 连续 {count} 块瓦片下载失败，已停止：{last}")
            }
            PrefetchError::Start(why) => format!("无法开始下载：{why}"),
            PrefetchError::Crashed => "下载意外中止".into(),
        }
    }
}

/// What to download: a lon/lat box and a zoom range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrefetchArea {
    bbox: LonLatBox,
    min_zoom: u8,
    max_zoom: u8,
}

/// What a download will cost, before it starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Tiles to fetch (over all layers).
    pub tiles: u64,
    /// Expected size of the package(s) in bytes.
    pub bytes: u64,
}

impl Estimate {
    /// How long the download takes at `requests_per_second`.
    pub fn duration_at(&self, requests_per_second: f64) -> Duration {
        if requests_per_second.is_finite() && requests_per_second > 0.0 {
            Duration::from_secs_f64(self.tiles as f64 / requests_per_second)
        } else {
            Duration::MAX
        }
    }
}

impl PrefetchArea {
    /// An area to download: `bbox` (the current view, a layer's extent or
    /// a drawn box) at zoom levels `min_zoom..=max_zoom`.
    pub fn new(bbox: LonLatBox, min_zoom: u8, max_zoom: u8) -> Result<PrefetchArea, PrefetchError> {
        if min_zoom > max_zoom || max_zoom > MAX_PREFETCH_ZOOM {
            return Err(PrefetchError::BadZoomRange { min: min_zoom, max: max_zoom });
        }
        Ok(PrefetchArea { bbox, min_zoom, max_zoom })
    }

    /// The box.
    pub fn bbox(&self) -> LonLatBox {
        self.bbox
    }

    /// First and last zoom level.
    pub fn zooms(&self) -> (u8, u8) {
        (self.min_zoom, self.max_zoom)
    }

    /// The tile rectangle of each zoom level.
    pub fn ranges(&self) -> Vec<TileRange> {
        (self.min_zoom..=self.max_zoom).map(|z| self.bbox.tile_range(z)).collect()
    }

    /// Tiles per layer.
    pub fn tile_count(&self) -> u64 {
        self.ranges().iter().map(TileRange::count).sum()
    }

    /// Every tile, shallow zooms first (so a cut-short download still gives
    /// an overview), each zoom row by row.
    pub fn tiles(&self) -> impl Iterator<Item = TileCoord> + use<> {
        self.ranges().into_iter().flat_map(|r| r.iter())
    }

    /// Tile count and size for `layers` layers, using `average_tile_bytes`
    /// (e.g. measured from a package of the same source) or
    /// [`AVERAGE_TILE_BYTES`].
    pub fn estimate(&self, layers: usize, average_tile_bytes: Option<u64>) -> Estimate {
        let tiles = self.tile_count().saturating_mul(layers as u64);
        let each = average_tile_bytes.unwrap_or(AVERAGE_TILE_BYTES);
        Estimate { tiles, bytes: tiles.saturating_mul(each) }
    }
}

/// One layer to download and the package to write it to.
#[derive(Clone, Debug)]
pub struct PrefetchTarget {
    /// The online layer.
    pub layer: RemoteLayer,
    /// The MBTiles file to write (continued if it exists).
    pub output: PathBuf,
}

/// How to download.
#[derive(Clone, Debug)]
pub struct PrefetchOptions {
    /// Requests per second at most, retries included.
    pub requests_per_second: f64,
    /// Sent with every request.
    pub user_agent: String,
    /// Give up on one request after this long.
    pub timeout: Duration,
    /// Further tries for a tile after a server error or timeout.
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each next one.
    pub retry_delay: Duration,
    /// Stop the download after this many failed tiles in a row.
    pub max_consecutive_failures: u32,
    /// Most tiles allowed.
    pub max_tiles: u64,
    /// Where to record failures for the status bar, if anywhere.
    pub health: Option<Arc<SourceHealth>>,
}

impl Default for PrefetchOptions {
    fn default() -> Self {
        PrefetchOptions {
            requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
            user_agent: USER_AGENT.to_owned(),
            timeout: Duration::from_secs(20),
            max_retries: 3,
            retry_delay: Duration::from_secs(1),
            max_consecutive_failures: 20,
            max_tiles: MAX_TILES,
            health: None,
        }
    }
}

/// Progress as of one moment, for a progress bar.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressSnapshot {
    /// Tiles in the whole download.
    pub total: u64,
    /// Tiles dealt with (fetched, skipped, missing or failed).
    pub done: u64,
    /// Tiles downloaded and stored.
    pub fetched: u64,
    /// Tiles already in the package (from an earlier run).
    pub skipped: u64,
    /// Tiles the server does not have (HTTP 404).
    pub missing: u64,
    /// Tiles that failed.
    pub failed: u64,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Time since the start.
    pub elapsed: Duration,
    /// Recent download speed in tiles per second.
    pub tiles_per_second: f64,
    /// Download speed in bytes per second.
    pub bytes_per_second: f64,
    /// Time left at the current speed.
    pub eta: Option<Duration>,
    /// The last failure, redacted.
    pub last_error: Option<String>,
    /// Whether the worker has stopped.
    pub finished: bool,
}

impl ProgressSnapshot {
    /// Done as a fraction 0..=1.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 { 1.0 } else { (self.done as f64 / self.total as f64).clamp(0.0, 1.0) as f32 }
    }
}

/// What a finished (or cancelled) download did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrefetchReport {
    /// The packages written, one per layer.
    pub packages: Vec<PathBuf>,
    /// Tiles downloaded.
    pub fetched: u64,
    /// Tiles already present.
    pub skipped: u64,
    /// Tiles the server does not have.
    pub missing: u64,
    /// Tiles that failed.
    pub failed: u64,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Whether it was cancelled before the end.
    pub cancelled: bool,
    /// The first failures, redacted (`z/x/y: reason`).
    pub failures: Vec<String>,
}

#[derive(Debug)]
struct Shared {
    total: AtomicU64,
    done: AtomicU64,
    fetched: AtomicU64,
    skipped: AtomicU64,
    missing: AtomicU64,
    failed: AtomicU64,
    bytes: AtomicU64,
    cancel: AtomicBool,
    finished: AtomicBool,
    started: Instant,
    rate: f64,
    last_error: Mutex<Option<String>>,
}

impl Shared {
    fn set_error(&self, text: String) {
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// A download running on the `tile-prefetch` thread. Dropping it cancels
/// the download (without waiting for the thread).
#[derive(Debug)]
pub struct Prefetch {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<Result<PrefetchReport, PrefetchError>>>,
}

impl Prefetch {
    /// Checks the plan and starts downloading `area` of every target layer.
    /// Refused before any request for OpenStreetMap's servers, for an empty
    /// target list, a bad rate, or more than `options.max_tiles` tiles.
    pub fn start(
        targets: Vec<PrefetchTarget>,
        area: PrefetchArea,
        options: PrefetchOptions,
    ) -> Result<Prefetch, PrefetchError> {
        if targets.is_empty() {
            return Err(PrefetchError::NoTargets);
        }
        for t in &targets {
            t.layer.check_bulk_download()?;
        }
        if !(options.requests_per_second.is_finite() && options.requests_per_second > 0.0) {
            return Err(PrefetchError::BadRate);
        }
        let estimate = area.estimate(targets.len(), None);
        if estimate.tiles > options.max_tiles {
            return Err(PrefetchError::TooManyTiles { count: estimate.tiles, limit: options.max_tiles });
        }
        let shared = Arc::new(Shared {
            total: AtomicU64::new(estimate.tiles),
            done: AtomicU64::new(0),
            fetched: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            missing: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            started: Instant::now(),
            rate: options.requests_per_second,
            last_error: Mutex::new(None),
        });
        // Log from the worker to wherever the caller logs.
        let dispatch = tracing::dispatcher::get_default(|d| d.clone());
        let worker_shared = shared.clone();
        let handle = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    let result = run(&targets, &area, &options, &worker_shared);
                    if let Err(e) = &result {
                        let text = redact_all(&e.to_string(), &targets);
                        tracing::warn!("prefetch stopped: {text}");
                        worker_shared.set_error(text);
                    }
                    worker_shared.finished.store(true, Ordering::SeqCst);
                    result
                })
            })
            .map_err(|e| PrefetchError::Start(e.to_string()))?;
        Ok(Prefetch { shared, handle: Some(handle) })
    }

    /// Progress now.
    pub fn progress(&self) -> ProgressSnapshot {
        let s = &self.shared;
        let load = |a: &AtomicU64| a.load(Ordering::SeqCst);
        let (total, done, fetched, skipped, missing, failed, bytes) = (
            load(&s.total),
            load(&s.done),
            load(&s.fetched),
            load(&s.skipped),
            load(&s.missing),
            load(&s.failed),
            load(&s.bytes),
        );
        let elapsed = s.started.elapsed();
        let secs = elapsed.as_secs_f64().max(1e-3);
        // Skipped tiles cost no request, so they do not count towards speed.
        let requested = fetched + missing + failed;
        let tiles_per_second = requested as f64 / secs;
        let remaining = total.saturating_sub(done);
        let rate = if requested >= 3 { tiles_per_second } else { s.rate };
        let eta = (rate > 0.0 && rate.is_finite()).then(|| Duration::from_secs_f64(remaining as f64 / rate));
        ProgressSnapshot {
            total,
            done,
            fetched,
            skipped,
            missing,
            failed,
            bytes,
            elapsed,
            tiles_per_second,
            bytes_per_second: bytes as f64 / secs,
            eta,
            last_error: s.last_error.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            finished: s.finished.load(Ordering::SeqCst),
        }
    }

    /// Asks the worker to stop after the current request. What was
    /// downloaded is kept in the package, and a new run continues it.
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::SeqCst);
    }

    /// Whether the worker has stopped.
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the worker and returns what it did.
    pub fn wait(mut self) -> Result<PrefetchReport, PrefetchError> {
        match self.handle.take() {
            Some(h) => h.join().unwrap_or(Err(PrefetchError::Crashed)),
            None => Err(PrefetchError::Crashed),
        }
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.cancel();
        }
    }
}

/// Redacts `text` for every target's key.
fn redact_all(text: &str, targets: &[PrefetchTarget]) -> String {
    targets.iter().fold(text.to_owned(), |t, target| target.layer.redact(&t))
}

/// Spaces requests at least `interval` apart.
struct RateLimiter {
    interval: Duration,
    next: Instant,
}

impl RateLimiter {
    fn new(requests_per_second: f64) -> RateLimiter {
        RateLimiter { interval: Duration::from_secs_f64(1.0 / requests_per_second), next: Instant::now() }
    }

    /// Waits for the next slot; `false` if cancelled meanwhile.
    fn wait(&mut self, cancel: &AtomicBool) -> bool {
        let slot = self.next.max(Instant::now());
        if !sleep_until(slot, cancel) {
            return false;
        }
        self.next = slot + self.interval;
        true
    }
}

/// Sleeps until `deadline` in short steps; `false` if cancelled meanwhile.
fn sleep_until(deadline: Instant, cancel: &AtomicBool) -> bool {
    loop {
        if cancel.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(25)));
    }
}

/// What became of one tile.
enum Outcome {
    Tile(Vec<u8>),
    Fault(TileFault),
    Cancelled,
}

/// The worker: each target in turn, each tile of the area in turn.
fn run(
    targets: &[PrefetchTarget],
    area: &PrefetchArea,
    options: &PrefetchOptions,
    shared: &Shared,
) -> Result<PrefetchReport, PrefetchError> {
    let mut builder = reqwest::blocking::Client::builder()
        .user_agent(options.user_agent.clone())
        .timeout(options.timeout)
        .connect_timeout(options.timeout.min(Duration::from_secs(10)));
    // A server on this machine is reached directly, as browsers do, even
    // when a proxy is configured for the outside world.
    if targets.iter().all(|t| is_loopback_host(&t.layer.host())) {
        builder = builder.no_proxy();
    }
    let client =
        builder.build().map_err(|e| PrefetchError::Start(redact_all(&e.without_url().to_string(), targets)))?;
    let mut worker = Worker { client, options, shared, limiter: RateLimiter::new(options.requests_per_second) };
    let mut report = PrefetchReport::default();

    for target in targets {
        if shared.cancelled() {
            break;
        }
        let layer = &target.layer;
        let meta = MbTilesMeta {
            name: layer.name().to_owned(),
            bounds: Some(area.bbox()),
            attribution: Some(layer.credit().text.to_string()),
            description: Some(format!("{} downloaded by binzhou-sites for offline use", layer.name())),
            ..Default::default()
        };
        let mut writer = MbTilesWriter::create(&target.output, meta)?;
        tracing::info!(
            "prefetch {} into {} ({} tiles already there)",
            layer.name(),
            target.output.display(),
            writer.existing_tiles()
        );
        let result = worker.fetch_area(layer, area, &mut writer, &mut report);
        // Keep what was fetched, even when cancelled or stopped by failures.
        let path = writer.finish()?;
        report.packages.push(path);
        result?;
    }
    report.cancelled = shared.cancelled();
    Ok(report)
}

/// What the worker needs for every tile.
struct Worker<'a> {
    client: reqwest::blocking::Client,
    options: &'a PrefetchOptions,
    shared: &'a Shared,
    limiter: RateLimiter,
}

impl Worker<'_> {
    /// Every tile of `area` for one layer into `writer`.
    fn fetch_area(
        &mut self,
        layer: &RemoteLayer,
        area: &PrefetchArea,
        writer: &mut MbTilesWriter,
        report: &mut PrefetchReport,
    ) -> Result<(), PrefetchError> {
        let (options, shared) = (self.options, self.shared);
        let mut in_a_row = 0u32;
        for tile in area.tiles() {
            if shared.cancelled() {
                return Ok(());
            }
            if writer.contains(tile)? {
                report.skipped += 1;
                shared.skipped.fetch_add(1, Ordering::SeqCst);
                shared.done.fetch_add(1, Ordering::SeqCst);
                continue;
            }
            match self.fetch_tile(layer, tile) {
                Outcome::Cancelled => return Ok(()),
                Outcome::Tile(bytes) => {
                    writer.insert(tile, &bytes)?;
                    in_a_row = 0;
                    report.fetched += 1;
                    report.bytes += bytes.len() as u64;
                    shared.fetched.fetch_add(1, Ordering::SeqCst);
                    shared.bytes.fetch_add(bytes.len() as u64, Ordering::SeqCst);
                    if let Some(h) = &options.health {
                        h.record_success();
                    }
                }
                Outcome::Fault(TileFault::Http(404)) => {
                    report.missing += 1;
                    shared.missing.fetch_add(1, Ordering::SeqCst);
                }
                Outcome::Fault(fault) => {
                    let text = layer.redact(&format!("{tile}: {fault}"));
                    tracing::warn!("prefetch {}: {text}", layer.host());
                    shared.set_error(format!("{}: {text}", layer.host()));
                    if report.failures.len() < MAX_REPORTED_FAILURES {
                        report.failures.push(text.clone());
                    }
                    report.failed += 1;
                    shared.failed.fetch_add(1, Ordering::SeqCst);
                    in_a_row += 1;
                    if in_a_row >= options.max_consecutive_failures.max(1) {
                        shared.done.fetch_add(1, Ordering::SeqCst);
                        return Err(PrefetchError::TooManyFailures {
                            host: layer.host(),
                            count: in_a_row,
                            last: layer.redact(&fault.to_string()),
                        });
                    }
                }
            }
            shared.done.fetch_add(1, Ordering::SeqCst);
        }
        writer.commit()?;
        Ok(())
    }

    /// One tile, with retries and backoff for failures worth retrying.
    fn fetch_tile(&mut self, layer: &RemoteLayer, tile: TileCoord) -> Outcome {
        let (options, shared) = (self.options, self.shared);
        let url = layer.tile_url(tile);
        let mut delay = options.retry_delay;
        let mut attempt = 0u32;
        loop {
            if !self.limiter.wait(&shared.cancel) {
                return Outcome::Cancelled;
            }
            tracing::trace!("prefetch GET {}", layer.redact(&url));
            let fault = match super::fetch::get_tile(&self.client, &url, &super::source::redact) {
                Ok(bytes) => return Outcome::Tile(bytes),
                Err(fault) => fault,
            };
            let fault = match fault {
                TileFault::Other(text) => TileFault::Other(layer.redact(&text)),
                f => f,
            };
            if let Some(h) = &options.health {
                h.record_error(fault.clone());
            }
            if !fault.is_retryable() || attempt >= options.max_retries {
                return Outcome::Fault(fault);
            }
            attempt += 1;
            tracing::debug!("prefetch {tile}: {fault}; retry {attempt} in {delay:?}");
            if !sleep_until(Instant::now() + delay, &shared.cancel) {
                return Outcome::Cancelled;
            }
            delay = delay.saturating_mul(2);
        }
    }
}

/// Whether a host name is this machine.
fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

#[cfg(test)]
mod tests;
