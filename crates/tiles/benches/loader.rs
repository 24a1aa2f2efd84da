//! The frame's share of tile loading: asking a layer for the tiles of one
//! view (24 tiles at 1280×800) when they are held, when they must come from
//! an ancestor, and when the source keeps failing. What a frame spends here
//! is the tile cost behind "a slow or failing server never stops the map
//! from panning"; the tests assert that no frame waits, this measures.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use binzhou_tiles::coord::TileCoord;
use binzhou_tiles::health::{SourceHealth, TileFault};
use binzhou_tiles::loader::{LoaderConfig, TileFetcher, TileLoader};
use criterion::{Criterion, criterion_group, criterion_main};

/// Answers every tile at zoom `z` or above with a few bytes, or fails them all.
struct Synthetic {
    fail: bool,
}

impl TileFetcher for Synthetic {
    fn fetch(&mut self, _: TileCoord, _: &SourceHealth) -> Result<Option<Vec<u8>>, TileFault> {
        if self.fail { Err(TileFault::Http(500)) } else { Ok(Some(vec![0u8; 64])) }
    }
}

fn loader(fail: bool) -> TileLoader<Arc<Vec<u8>>> {
    let config = LoaderConfig {
        thread_name: "bench-tiles".into(),
        zooms: (0, 18),
        capacity: 320,
        decode: Arc::new(|b: &[u8], _| Ok(Arc::new(b.to_vec()))),
        notify: Arc::new(|| {}),
    };
    let fetchers: Vec<Box<dyn TileFetcher>> = vec![Box::new(Synthetic { fail })];
    TileLoader::start(fetchers, Arc::new(SourceHealth::new("bench")), config).unwrap()
}

/// The 6 × 4 tiles of a view over Binzhou's main city at zoom `z`.
fn view(z: u8) -> Vec<TileCoord> {
    let (x0, y0) = binzhou_tiles::coord::lon_lat_to_grid(117.97, 37.42, z);
    let (x0, y0) = (x0 as u32, y0 as u32);
    (0..6).flat_map(|dx| (0..4).map(move |dy| TileCoord::new(z, x0 + dx, y0 + dy).unwrap())).collect()
}

/// Asks for `tiles` until the loader holds them (or gives up after a second).
fn warm(l: &mut TileLoader<Arc<Vec<u8>>>, tiles: &[TileCoord]) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline && !tiles.iter().all(|&t| l.has(t)) {
        for &t in tiles {
            l.piece(t);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn frame(c: &mut Criterion) {
    let mut held = loader(false);
    let tiles = view(14);
    warm(&mut held, &tiles);
    c.bench_function("tiles: one view, all held (24 tiles)", |b| {
        b.iter(|| {
            for &t in &tiles {
                black_box(held.piece(t));
            }
        })
    });

    let mut ancestors = loader(false);
    let parents: Vec<TileCoord> = view(13);
    warm(&mut ancestors, &parents);
    let children = view(16);
    c.bench_function("tiles: one view drawn from ancestors (24 tiles)", |b| {
        b.iter(|| {
            for &t in &children {
                black_box(ancestors.piece(t));
            }
        })
    });

    let mut failing = loader(true);
    let tiles = view(15);
    c.bench_function("tiles: one view from a failing server (24 tiles)", |b| {
        b.iter(|| {
            for &t in &tiles {
                black_box(failing.piece(t));
            }
        })
    });
}

criterion_group!(benches, frame);
criterion_main!(benches);
