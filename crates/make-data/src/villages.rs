//! Task 16: the 116 urban villages of the main city, one irregular footprint
//! per free grid block, so no two overlap.

use crate::geom::{Ll, Xy, closed_ccw, cos, crossings, deg, geodesic_m2, round_all, sin};
use crate::grid::{self, MINOR_RIVERS, b_lon, h_lat};
use crate::rng::Rng;
use crate::site::{Layer, Scope, Shape, Site};

pub const COUNT: usize = 116;
const YEARS: [(i32, usize); 3] = [(2020, 40), (2021, 40), (2022, 36)];

const SURNAMES: [&str; 48] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "田", "董", "袁", "潘", "于", "蒋", "蔡",
    "杜", "魏", "薛", "崔", "程", "贾", "丁", "房", "尚", "毕",
];
const PREFIXES: [&str; 8] = ["东", "西", "南", "北", "前", "后", "大", "小"];

fn village_name(rng: &mut Rng) -> String {
    let s = rng.pick(&SURNAMES);
    let p = rng.pick(&PREFIXES);
    match rng.below(8) {
        0 | 1 => format!("{p}{s}村"),
        2 | 3 => format!("{s}家庄"),
        4 => format!("{s}家村"),
        5 => format!("{p}{s}家"),
        6 => format!("{s}家店"),
        _ => format!("{s}集"),
    }
}

/// Distance from `c` to the edge of the box `[x0, y0, x1, y1]` along angle t.
fn reach(c: Xy, bx: [f64; 4], t: f64) -> f64 {
    let (dx, dy) = (cos(t), sin(t));
    let mut r = f64::INFINITY;
    if dx > 1e-12 {
        r = r.min((bx[2] - c[0]) / dx);
    }
    if dx < -1e-12 {
        r = r.min((bx[0] - c[0]) / dx);
    }
    if dy > 1e-12 {
        r = r.min((bx[3] - c[1]) / dy);
    }
    if dy < -1e-12 {
        r = r.min((bx[1] - c[1]) / dy);
    }
    r
}

/// A star-shaped footprint inside the block `bx` (local metres), aiming at
/// 70,000–240,000 m²; the caller checks the area it really got.
fn footprint(rng: &mut Rng, bx: [f64; 4]) -> Vec<Xy> {
    let c = [(bx[0] + bx[2]) / 2.0 + rng.range(-40.0, 40.0), (bx[1] + bx[3]) / 2.0 + rng.range(-40.0, 40.0)];
    let target = rng.range(70_000.0, 240_000.0);
    let r0 = (target / std::f64::consts::PI).sqrt();
    let (sx, sy) = (rng.range(0.8, 1.25), rng.range(0.8, 1.25));
    let n = rng.int(8, 13) as usize;
    let phase = rng.range(0.0, 360.0);
    (0..n)
        .map(|i| {
            let t = deg(phase + 360.0 * (i as f64 + rng.range(-0.25, 0.25)) / n as f64);
            let want = r0 * rng.range(0.8, 1.15) * (sx * cos(t)).hypot(sy * sin(t));
            let r = want.min(reach(c, bx, t));
            [c[0] + r * cos(t), c[1] + r * sin(t)]
        })
        .collect()
}

/// Builds the villages in blocks not holding a pocket park (`park_cells`:
/// (h, b) of each park block's south-east corner).
pub fn build(seed: u64, park_cells: &[(u32, u32)]) -> Vec<Site> {
    let mut rng = Rng::stream(seed, "urban_villages");
    let frame = grid::city_frame();
    let mut cells: Vec<(u32, u32)> = Vec::new();
    for h in 1..grid::H_RING_MAX {
        for b in 1..grid::B_MAX {
            if !park_cells.contains(&(h, b)) {
                cells.push((h, b));
            }
        }
    }
    rng.shuffle(&mut cells);
    let mut names: Vec<String> = Vec::new();
    let mut sites = Vec::new();
    let years: Vec<i32> = YEARS.iter().flat_map(|&(y, k)| std::iter::repeat_n(y, k)).collect();
    for (h, b) in cells {
        if sites.len() == COUNT {
            break;
        }
        // Block between B(b) (east) and B(b+1) (west), H(h) and H(h+1).
        let sw = frame.to_xy([b_lon(b + 1), h_lat(h)]);
        let ne = frame.to_xy([b_lon(b), h_lat(h + 1)]);
        let bx = [sw[0] + 35.0, sw[1] + 35.0, ne[0] - 35.0, ne[1] - 35.0];
        let mut ring: Option<Vec<Ll>> = None;
        for _ in 0..20 {
            let r = closed_ccw(frame.all_to_ll(&footprint(&mut rng, bx)));
            let a = geodesic_m2(&round_all(&r));
            let wet = MINOR_RIVERS.iter().any(|m| !crossings(&r, m.course).is_empty());
            if (55_000.0..295_000.0).contains(&a) && !wet {
                ring = Some(r);
                break;
            }
        }
        let Some(ring) = ring else { continue };
        let mut name = village_name(&mut rng);
        while names.contains(&name) {
            name = village_name(&mut rng);
        }
        names.push(name.clone());
        let centre = [(b_lon(b) + b_lon(b + 1)) / 2.0, (h_lat(h) + h_lat(h + 1)) / 2.0];
        let mut s =
            Site::new(Layer::UrbanVillage, "urban_village", Scope::MainCity, years[sites.len()], Shape::Polygon(ring));
        s.name = format!("{name}城中村改造");
        s.district = grid::main_city_district(centre).to_string();
        sites.push(s);
    }
    crate::progress::assign(&mut sites, &mut rng);
    crate::site::number(&mut sites, "UV");
    for s in &mut sites {
        let a = geodesic_m2(&round_all(s.shape.points()));
        s.area_m2 = Some((a / 100.0).round() * 100.0);
    }
    sites
}
