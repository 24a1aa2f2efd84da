//! Benchmarks of the site index over 100k generated points, lines and polygons
//! scattered over roughly 50 km × 55 km around Binzhou.
//!
//! Run with `cargo bench --bench index`; `-- --test` runs each once.

use std::hint::black_box;

use binzhou_sites::index::SiteIndex;
use binzhou_sites::model::{LayerKey, Origin, PlanLayer, Site};
use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, Geometry, LineString, Point, Polygon, Rect};

const SITES: usize = 100_000;
const LON0: f64 = 117.7;
const LAT0: f64 = 37.1;
const SPAN_LON: f64 = 0.6;
const SPAN_LAT: f64 = 0.5;
/// Degrees of latitude per metre, near enough.
const DEG_PER_M: f64 = 1.0 / 111_195.0;

/// A small deterministic generator (xorshift64) of values in [0, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn position(&mut self) -> Coord<f64> {
        Coord { x: LON0 + self.next() * SPAN_LON, y: LAT0 + self.next() * SPAN_LAT }
    }
}

/// A chain of `n` coordinates wandering from `start` in steps of up to `step_m` metres.
fn walk(rng: &mut Rng, start: Coord<f64>, n: usize, step_m: f64) -> Vec<Coord<f64>> {
    let mut c = start;
    (0..n)
        .map(|_| {
            let here = c;
            c.x += (rng.next() - 0.5) * 2.0 * step_m * DEG_PER_M * 1.25;
            c.y += (rng.next() - 0.5) * 2.0 * step_m * DEG_PER_M;
            here
        })
        .collect()
}

/// A rough polygon of `n` vertices around `centre`, up to `radius_m` metres across.
fn blob(rng: &mut Rng, centre: Coord<f64>, n: usize, radius_m: f64) -> Polygon<f64> {
    let ring = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = radius_m * (0.5 + 0.5 * rng.next()) * DEG_PER_M;
            Coord { x: centre.x + r * a.cos() * 1.25, y: centre.y + r * a.sin() }
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

fn generate_sites() -> Vec<Site> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..SITES)
        .map(|i| {
            let c = rng.position();
            let (layer, geometry) = match i % 3 {
                0 => (PlanLayer::PocketPark, Geometry::Point(Point(c))),
                1 => (PlanLayer::Greenway, Geometry::LineString(LineString::new(walk(&mut rng, c, 12, 80.0)))),
                _ => (PlanLayer::UrbanVillage, Geometry::Polygon(blob(&mut rng, c, 16, 150.0))),
            };
            Site::new(
                format!("b{i}").into(),
                format!("bench site {i}").into(),
                LayerKey::Plan(layer),
                geometry,
                Origin { file: 0, index: i as u32 },
            )
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let sites = generate_sites();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let queries: Vec<Point<f64>> = (0..1024).map(|_| Point(rng.position())).collect();
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
