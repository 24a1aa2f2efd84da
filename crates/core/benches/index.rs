//! Benchmarks of the site index over 100k generated points, lines and polygons
//! scattered over roughly 50 km × 55 km around Binzhou.
//!
//! Run with `cargo bench --bench index`; `-- --test` runs each once.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use binzhou_core::index::SiteIndex;
use binzhou_core::model::Site;
use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, Point, Rect};

const SITES: usize = 100_000;
const LON0: f64 = 117.7;
const LAT0: f64 = 37.1;
const SPAN_LON: f64 = 0.6;
const SPAN_LAT: f64 = 0.5;

#[path = "common/synthetic.rs"]
mod synthetic;
use synthetic::{DEG_PER_M, Rng};

const BOUNDS: [f64; 4] = [LON0, LAT0, LON0 + SPAN_LON, LAT0 + SPAN_LAT];

fn generate_sites() -> Vec<Site> {
    synthetic::sites(SITES, 0x9e37_79b9_7f4a_7c15, BOUNDS)
}

fn benches(c: &mut Criterion) {
    let sites = generate_sites();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let queries: Vec<Point<f64>> = (0..1024).map(|_| Point(rng.position(BOUNDS))).collect();
    let mut cycle = queries.iter().copied().cycle();

    c.bench_function("index/build_100k", |b| b.iter(|| SiteIndex::build(black_box(&sites))));

    let index = SiteIndex::build(&sites);
    c.bench_function("index/pick_10m", |b| {
        b.iter(|| index.pick(&sites, black_box(cycle.next().unwrap_or_default()), 10.0))
    });
    c.bench_function("index/in_rect_2km", |b| {
        b.iter(|| {
            let p = cycle.next().unwrap_or_default().0;
            let half = Coord { x: 1000.0 * DEG_PER_M * 1.25, y: 1000.0 * DEG_PER_M };
            index.in_rect(black_box(Rect::new(p - half, p + half)))
        })
    });
    c.bench_function("index/nearest_10", |b| {
        b.iter(|| index.nearest(&sites, black_box(cycle.next().unwrap_or_default()), 10))
    });
    c.bench_function("index/within_200m", |b| {
        b.iter(|| index.within(&sites, black_box(cycle.next().unwrap_or_default()), 200.0))
    });
}

criterion_group!(index_benches, benches);
criterion_main!(index_benches);
