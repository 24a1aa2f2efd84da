//! binzhou-tiles: basemap tiles without a GUI: sources as data, offline stores (MBTiles,
//! PMTiles, tile folders), the lower-zoom fallback for missing tiles,
//! prefetching an area for offline use, and a health tracker for tile
//! servers. The desktop app wires these into walkers; nothing here depends
//! on egui.
//!
//! - [`source`]: [`SourceSpec`](source::SourceSpec) (what the basemap menu
//!   persists), tile URLs, credits, bulk-download policy, key redaction.
//! - [`mbtiles`], [`pmtiles`], [`folder`], behind [`store::TileStore`].
//! - [`fallback`]: which ancestor tile, and which part of it, to draw.
//! - [`prefetch`]: estimate, then download an area into an MBTiles package.
//! - [`health`]: one status-bar line per failing server.
//! - [`loader`]: loading a layer's tiles on named threads, with an LRU of
//!   decoded tiles, fallbacks, retries and skipped stale requests.
//! - [`http`]: tiles from a server through a disk cache.
//! - [`cache`]: the HTTP tile cache folder (size, clearing).
//! - [`settings`]: the basemap settings kept between runs; which paths are
//!   offline sources.
//! - [`logging`]: a log writer that redacts Tianditu keys.
//! - [`coord`], [`format`]: tile grid arithmetic and image magic numbers.

pub mod cache;
pub mod coord;
pub mod fallback;
pub mod fetch;
pub mod file_error;
pub mod folder;
pub mod format;
pub mod health;
pub mod http;
pub mod loader;
pub mod logging;
pub mod mbtiles;
pub mod pmtiles;
pub mod prefetch;
pub mod settings;
pub mod source;
pub mod store;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
