//! Task 14: dead-end roads (grid stretches between two cross streets) and
//! dead-end bridges (short stretches where a road crosses a minor river).

use serde_json::json;

use crate::geom::{Ll, crossings};
use crate::grid::{self, MINOR_RIVERS, b_lon, b_name, h_lat, h_name};
use crate::rng::Rng;
use crate::site::{Layer, Scope, Shape, Site};

const CONTRACTORS: [&str; 4] =
    ["滨州示例路桥工程有限公司", "黄河示例市政建设有限公司", "渤海示例交通工程有限公司", "鲁北示例建设集团有限公司"];

/// A road of the grid: H (east–west) or B (north–south) with its number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Road {
    H(u32),
    B(u32),
}

impl Road {
    fn name(self) -> String {
        match self {
            Road::H(n) => h_name(n),
            Road::B(n) => b_name(n),
        }
    }

    /// The point where this road meets cross street `c`.
    fn at(self, c: u32) -> Ll {
        match self {
            Road::H(n) => [b_lon(c), h_lat(n)],
            Road::B(n) => [b_lon(n), h_lat(c)],
        }
    }

    fn cross_name(self, c: u32) -> String {
        match self {
            Road::H(_) => b_name(c),
            Road::B(_) => h_name(c),
        }
    }

    /// Cross streets it meets: (first, last).
    fn span(self) -> (u32, u32) {
        match self {
            Road::H(n) => grid::h_span(n),
            Road::B(n) => grid::b_span(n),
        }
    }

    /// Full drawn extent of the road.
    fn line(self) -> Vec<Ll> {
        match self {
            Road::H(n) => {
                let (e, w) = grid::h_span(n);
                vec![[b_lon(e), h_lat(n)], [b_lon(w), h_lat(n)]]
            }
            Road::B(n) => {
                let (s, nn) = grid::b_extent(n);
                vec![[b_lon(n), s], [b_lon(n), nn]]
            }
        }
    }
}

/// A stretch of road between cross streets `from < to`.
struct Stretch {
    road: Road,
    from: u32,
    to: u32,
}

fn crosses_water(line: &[Ll]) -> bool {
    MINOR_RIVERS.iter().any(|r| !crossings(line, r.course).is_empty())
}

fn pick_stretches(rng: &mut Rng, n: usize) -> Vec<Stretch> {
    let mut out: Vec<Stretch> = Vec::new();
    while out.len() < n {
        let road = if rng.chance(0.5) {
            Road::H(rng.int(1, grid::H_MAX as i64) as u32)
        } else {
            Road::B(rng.int(1, grid::B_MAX as i64) as u32)
        };
        let (lo, hi) = road.span();
        let len = if rng.chance(0.7) { 1 } else { 2 };
        let from = rng.int(lo as i64, (hi - len) as i64) as u32;
        let to = from + len;
        let clash = out.iter().any(|s| s.road == road && s.from <= to && from <= s.to);
        let line: Vec<Ll> = (from..=to).map(|c| road.at(c)).collect();
        if !clash && !crosses_water(&line) {
            out.push(Stretch { road, from, to });
        }
    }
    out
}

/// Metres per degree near the city, for bridge lengths and clearances.
const M_LAT: f64 = 110_985.0;
const M_LON: f64 = 88_540.0;

/// A bridge: where `road` crosses `river`, at least 150 m from any cross street.
struct Bridge {
    road: Road,
    river: &'static str,
    at: Ll,
}

fn bridge_candidates() -> Vec<Bridge> {
    let mut roads: Vec<Road> = (1..=grid::H_MAX).map(Road::H).collect();
    roads.extend((1..=grid::B_MAX).map(Road::B));
    let mut out = Vec::new();
    for road in roads {
        for river in &MINOR_RIVERS {
            for at in crossings(&road.line(), river.course) {
                let (lo, hi) = road.span();
                let clear = (lo..=hi).all(|c| {
                    let p = road.at(c);
                    let d = ((p[0] - at[0]) * M_LON).hypot((p[1] - at[1]) * M_LAT);
                    d > 150.0
                });
                if clear {
                    out.push(Bridge { road, river: river.name, at });
                }
            }
        }
    }
    out
}

fn bridge_line(b: &Bridge, half_m: f64) -> Vec<Ll> {
    let (dx, dy) = match b.road {
        Road::H(_) => (half_m / M_LON, 0.0),
        Road::B(_) => (0.0, half_m / M_LAT),
    };
    vec![[b.at[0] - dx, b.at[1] - dy], [b.at[0] + dx, b.at[1] + dy]]
}

/// The plan's dead-end roads and bridges: 15 + 4 in 2020, 20 + 3 in 2021–2022.
pub fn build(seed: u64) -> Vec<Site> {
    let mut rng = Rng::stream(seed, "dead_end_roads");
    let road_years: Vec<i32> =
        [(2020, 15), (2021, 11), (2022, 9)].iter().flat_map(|&(y, k)| std::iter::repeat_n(y, k)).collect();
    let bridge_years = [2020, 2020, 2020, 2020, 2021, 2021, 2022];
    let stretches = pick_stretches(&mut rng, road_years.len());
    let mut cands = bridge_candidates();
    rng.shuffle(&mut cands);
    let mut bridges: Vec<Bridge> = Vec::new();
    for c in cands {
        let used = bridges.iter().any(|b| b.road == c.road) || stretches.iter().any(|s| s.road == c.road);
        if !used && bridges.len() < bridge_years.len() {
            bridges.push(c);
        }
    }

    let mut sites = Vec::new();
    for (s, &year) in stretches.iter().zip(&road_years) {
        let line: Vec<Ll> = (s.from..=s.to).map(|c| s.road.at(c)).collect();
        let mut site = Site::new(Layer::DeadEndRoad, "road", Scope::MainCity, year, Shape::Line(line.clone()));
        site.name = format!("{}({}—{})打通工程", s.road.name(), s.road.cross_name(s.from), s.road.cross_name(s.to));
        site.district = grid::main_city_district(line[0]).to_string();
        sites.push(site);
    }
    for (b, &year) in bridges.iter().zip(&bridge_years) {
        let line = bridge_line(b, rng.range(70.0, 110.0));
        let mut site = Site::new(Layer::DeadEndRoad, "bridge", Scope::MainCity, year, Shape::Line(line));
        site.name = format!("{}跨{}桥打通工程", b.road.name(), b.river);
        site.district = grid::main_city_district(b.at).to_string();
        sites.push(site);
    }
    sites.sort_by_key(|s| s.plan_year);
    crate::progress::assign(&mut sites, &mut rng);
    for (i, s) in sites.iter_mut().enumerate() {
        if i % 4 == 1 {
            let wan = if s.kind == "bridge" { rng.int(1200, 6800) } else { rng.int(300, 4200) };
            s.extra.push(("investment_wan_yuan", json!(wan)));
            s.extra.push(("contractor", json!(rng.pick(&CONTRACTORS))));
        }
    }
    crate::site::number(&mut sites, "DR");
    sites
}
