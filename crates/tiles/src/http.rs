//! Tiles from a tile server over HTTP, through a disk cache: one folder per
//! server (named so that two servers never share one and no key is in the
//! name), a tile written through a temporary file, a fresh copy used without
//! asking, a stale one used when the server fails.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::coord::TileCoord;
use crate::health::{SourceHealth, TileFault, check_image};
use crate::loader::TileFetcher;
use crate::source::{RemoteLayer, USER_AGENT};

/// Give up on one tile request after this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Give up connecting after this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A cached tile younger than this is used without asking the server (the
/// minimum OpenStreetMap's tile usage policy asks for); an older one is
/// refreshed, and still used while the server cannot be reached.
pub const CACHE_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// A number for a text that stays the same from run to run (FNV-1a).
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
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
        crate::fetch::get_tile(&self.client, &self.layer.tile_url(tile), &|t| self.layer.redact(t))
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
    use std::io::Write as _;
    let Some(dir) = path.parent() else {
        return;
    };
    let result = fs::create_dir_all(dir).and_then(|()| tempfile::NamedTempFile::new_in(dir)).and_then(|mut tmp| {
        tmp.write_all(bytes)?;
        tmp.persist(path).map(drop).map_err(|e| e.error)
    });
    if let Err(e) = result {
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

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::Arc;

    use super::*;
    use crate::testkit::{Mode, TileServer, city_tile, loopback_layer as remote_layer, png_tile};

    fn t(z: u8, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    fn health() -> Arc<SourceHealth> {
        Arc::new(SourceHealth::new("test"))
    }

    #[test]
    fn a_stale_cached_tile_is_used_when_the_server_fails_and_the_failure_is_recorded() {
        let cache = tempfile::tempdir().unwrap();
        let server = TileServer::start();
        let h = health();
        let mut fetcher =
            HttpFetcher::new(remote_layer(&server.template()), Some(cache.path()), REQUEST_TIMEOUT).unwrap();
        assert!(fetcher.fetch(city_tile(), &h).unwrap().is_some());
        // Pretend the copy is old, then break the server.
        fetcher.max_age = Duration::ZERO;
        server.set_mode(Mode::Status(500));
        let bytes = fetcher.fetch(city_tile(), &h).unwrap().expect("the stale copy");
        assert_eq!(bytes, png_tile(city_tile()));
        assert!(h.summary().unwrap().contains("HTTP 500"));
        // Without a copy, the failure is the caller's to record.
        assert_eq!(fetcher.fetch(t(12, 0, 0), &h), Err(TileFault::Http(500)));
    }

    #[test]
    fn a_damaged_cache_entry_is_replaced_by_a_fresh_download() {
        let cache = tempfile::tempdir().unwrap();
        let server = TileServer::start();
        let h = health();
        let mut fetcher =
            HttpFetcher::new(remote_layer(&server.template()), Some(cache.path()), REQUEST_TIMEOUT).unwrap();
        let path = fetcher.cache_path(city_tile()).unwrap();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, b"<html>not a tile</html>").unwrap();
        assert_eq!(fetcher.fetch(city_tile(), &h).unwrap().unwrap(), png_tile(city_tile()));
        assert_eq!(fs::read(&path).unwrap(), png_tile(city_tile()));
    }
}
