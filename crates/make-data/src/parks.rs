//! Task 8: pocket parks and node green spaces, at block corners of the main
//! city grid and of each county seat's streets.

use serde_json::json;

use crate::geom::{Ll, Local, Xy, closed_ccw, crossings, geodesic_m2, round_all};
use crate::grid::{self, COUNTIES, MINOR_RIVERS, b_lon, b_name, h_lat, h_name};
use crate::rng::Rng;
use crate::site::{Layer, Scope, Shape, Site};

/// Words for county park names (illustrative).
pub const WORDS: [&str; 32] = [
    "富源", "文昌", "和平", "振兴", "人民", "幸福", "永安", "新华", "建设", "滨河", "育才", "明德", "康乐", "锦绣",
    "翠竹", "金秋", "月湖", "清风", "丰收", "友谊", "安居", "泰和", "春晖", "福寿", "长青", "怡然", "银杏", "紫薇",
    "兴业", "民生", "迎宾", "鼎盛",
];

const DESIGNERS: [&str; 3] = ["示例园林设计院", "滨州示例景观设计有限公司", "示例风景园林研究所"];

/// (county index, parks in 2020, 2021, 2022): at least 5 and 10, some more.
const COUNTY_COUNTS: [(usize, usize, usize); 7] =
    [(6, 6, 5), (5, 5, 5), (7, 6, 6), (5, 5, 6), (6, 6, 5), (5, 7, 6), (8, 7, 7)];

/// A park polygon in the corner of a block: `corner` is the crossing in local
/// metres, (sx, sy) = ±1 the quadrant. About 2,000–20,000 m².
fn corner_park(rng: &mut Rng, frame: &Local, corner: Xy, sx: f64, sy: f64) -> Vec<Ll> {
    loop {
        let (gx, gy) = (rng.range(28.0, 55.0), rng.range(28.0, 55.0));
        let (w, d) = (rng.range(50.0, 140.0), rng.range(50.0, 140.0));
        let x0 = corner[0] + sx * gx;
        let y0 = corner[1] + sy * gy;
        let (x1, y1) = (x0 + sx * w, y0 + sy * d);
        let mut ring: Vec<Xy> = vec![[x0, y0], [x1, y0]];
        if rng.chance(0.5) {
            // Cut the far corner off.
            let (cx, cy) = (rng.range(0.15, 0.4) * w, rng.range(0.15, 0.4) * d);
            ring.push([x1, y1 - sy * cy]);
            ring.push([x1 - sx * cx, y1]);
        } else {
            ring.push([x1, y1]);
        }
        ring.push([x0, y1]);
        let ll = closed_ccw(frame.all_to_ll(&ring));
        let a = geodesic_m2(&round_all(&ll));
        if (2_200.0..19_500.0).contains(&a) {
            return ll;
        }
    }
}

fn near_water(ring: &[Ll]) -> bool {
    MINOR_RIVERS.iter().any(|r| !crossings(ring, r.course).is_empty())
}

fn plan_years(n2020: usize, n2021: usize, n2022: usize) -> Vec<i32> {
    [(2020, n2020), (2021, n2021), (2022, n2022)].iter().flat_map(|&(y, k)| std::iter::repeat_n(y, k)).collect()
}

/// The main city's block cells used by parks, as (h, b) of their south-east
/// corner, so urban villages can keep out of them.
pub struct MainParks {
    pub sites: Vec<Site>,
    pub cells: Vec<(u32, u32)>,
}

fn main_city(rng: &mut Rng) -> MainParks {
    let frame = grid::city_frame();
    let years = plan_years(36, 16, 14);
    // (h, b, sx, sy): a crossing and the quadrant the park sits in.
    let mut cands = Vec::new();
    for h in 1..=grid::H_RING_MAX {
        for b in 1..=grid::B_MAX {
            for (sx, sy) in [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)] {
                cands.push((h, b, sx, sy));
            }
        }
    }
    rng.shuffle(&mut cands);
    let mut used_cross = Vec::new();
    let mut cells = Vec::new();
    let mut sites = Vec::new();
    for (h, b, sx, sy) in cands {
        if sites.len() == years.len() {
            break;
        }
        // East (sx > 0) is the lower B number; north (sy > 0) the higher H.
        let cell_b = if sx > 0.0 { b.checked_sub(1) } else { Some(b) };
        let cell_h = if sy > 0.0 { Some(h) } else { h.checked_sub(1) };
        let (Some(cb), Some(ch)) = (cell_b, cell_h) else {
            continue;
        };
        if !(1..grid::B_MAX).contains(&cb) || !(1..grid::H_RING_MAX).contains(&ch) {
            continue;
        }
        if used_cross.contains(&(h, b)) || cells.contains(&(ch, cb)) {
            continue;
        }
        let corner = frame.to_xy([b_lon(b), h_lat(h)]);
        let ring = corner_park(rng, &frame, corner, sx, sy);
        if near_water(&ring) {
            continue;
        }
        let year = years[sites.len()];
        let node = rng.chance(0.25);
        let (kind, name) = if node {
            ("node_green", format!("{}{}节点绿地", b_name(b), h_name(h)))
        } else {
            ("pocket_park", format!("{}{}口袋公园", h_name(h), b_name(b)))
        };
        let mut s = Site::new(Layer::PocketPark, kind, Scope::MainCity, year, Shape::Polygon(ring));
        s.name = name;
        s.district = grid::main_city_district([b_lon(b), h_lat(h)]).to_string();
        used_cross.push((h, b));
        cells.push((ch, cb));
        sites.push(s);
    }
    MainParks { sites, cells }
}

fn county(rng: &mut Rng, ci: usize, counts: (usize, usize, usize)) -> Vec<Site> {
    let c = &COUNTIES[ci];
    let frame = Local::at(c.anchor);
    let years = plan_years(counts.0, counts.1, counts.2);
    let mut words = WORDS.to_vec();
    rng.shuffle(&mut words);
    let mut cands = Vec::new();
    for i in 1..=grid::COUNTY_ROADS {
        for j in 1..=grid::COUNTY_ROADS {
            for (sx, sy) in [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)] {
                cands.push((i, j, sx, sy));
            }
        }
    }
    rng.shuffle(&mut cands);
    let mut used_cells: Vec<(u32, u32)> = Vec::new();
    let mut used_cross: Vec<(u32, u32)> = Vec::new();
    let mut sites: Vec<Site> = Vec::new();
    for (i, j, sx, sy) in cands {
        if sites.len() == years.len() {
            break;
        }
        // Crossing of 经i路 (x) and 纬j路 (y); a cell is named by its west and south roads.
        let cell_i = if sx > 0.0 { Some(i) } else { i.checked_sub(1) };
        let cell_j = if sy > 0.0 { Some(j) } else { j.checked_sub(1) };
        let (Some(cell_i), Some(cell_j)) = (cell_i, cell_j) else {
            continue;
        };
        let inside = |k: u32| (1..grid::COUNTY_ROADS).contains(&k);
        if !inside(cell_i) || !inside(cell_j) || used_cross.contains(&(i, j)) {
            continue;
        }
        // Three parks at most per block, in different corners.
        if used_cells.iter().filter(|&&u| u == (cell_i, cell_j)).count() >= 3 {
            continue;
        }
        let corner = [grid::county_road_offset(i), grid::county_road_offset(j)];
        let ring = corner_park(rng, &frame, corner, sx, sy);
        let year = years[sites.len()];
        let word = words[sites.len()];
        let node = rng.chance(0.3);
        let (kind, name) = if node {
            ("node_green", format!("{}{}节点绿地", c.name, word))
        } else {
            ("pocket_park", format!("{}{}口袋公园", c.name, word))
        };
        let mut s = Site::new(Layer::PocketPark, kind, Scope::County, year, Shape::Polygon(ring));
        s.name = name;
        s.district = c.name.to_string();
        used_cells.push((cell_i, cell_j));
        used_cross.push((i, j));
        sites.push(s);
    }
    sites
}

/// All pocket parks; the main city's cells are returned for the villages.
pub fn build(seed: u64) -> MainParks {
    let mut rng = Rng::stream(seed, "pocket_parks");
    let MainParks { sites: mut main, cells } = main_city(&mut rng);
    crate::site::number(&mut main, "PP-MC");
    let mut all = main;
    for (ci, &counts) in COUNTY_COUNTS.iter().enumerate() {
        let mut v = county(&mut rng, ci, counts);
        crate::site::number(&mut v, &format!("PP-{}", COUNTIES[ci].abbr));
        all.extend(v);
    }
    crate::progress::assign(&mut all, &mut rng);
    for (i, s) in all.iter_mut().enumerate() {
        if i % 5 == 2 {
            let wan = rng.int(30, 480);
            s.extra.push(("investment_wan_yuan", json!(wan)));
        }
        if i % 7 == 3 {
            s.extra.push(("designer", json!(rng.pick(&DESIGNERS))));
        }
    }
    MainParks { sites: all, cells }
}
