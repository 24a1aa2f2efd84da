//! Synthetic sites for the benchmarks: points, wandering lines and rough
//! polygons spread over a lon/lat box, with plan years and dates so that the
//! status colours vary. Deterministic for a seed.

use binzhou_core::model::{LayerKey, Origin, PlanDate, PlanLayer, Site};
use geo::{Coord, Geometry, LineString, Point, Polygon};

/// Degrees of latitude per metre, near enough.
pub const DEG_PER_M: f64 = 1.0 / 111_195.0;

/// A small deterministic generator (xorshift64) of values in [0, 1).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A position in `[west, south, east, north]`.
    pub fn position(&mut self, b: [f64; 4]) -> Coord<f64> {
        Coord { x: b[0] + self.next() * (b[2] - b[0]), y: b[1] + self.next() * (b[3] - b[1]) }
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

/// `n` sites in the box `[west, south, east, north]`.
pub fn sites(n: usize, seed: u64, bounds: [f64; 4]) -> Vec<Site> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let c = rng.position(bounds);
            let (layer, geometry) = match i % 3 {
                0 => (PlanLayer::PocketPark, Geometry::Point(Point(c))),
                1 => (PlanLayer::Greenway, Geometry::LineString(LineString::new(walk(&mut rng, c, 8, 40.0)))),
                _ => (PlanLayer::UrbanVillage, Geometry::Polygon(blob(&mut rng, c, 6 + i % 5, 40.0))),
            };
            let mut s = Site::new(
                &format!("S-{i}"),
                &format!("示例项目{i}"),
                LayerKey::Plan(layer),
                geometry,
                Origin { file: 0, index: i as u32 },
            );
            s.plan_year = Some(2020 + (i % 3) as i32);
            s.started = Some(PlanDate::ymd(2020, 3, 1));
            if i % 4 == 0 {
                s.completed = Some(PlanDate::ymd(2021, 6, 1));
            }
            s
        })
        .collect()
}
