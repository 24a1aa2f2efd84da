//! Task 8: greenways and footpaths, with lengths just over the plan's targets.

use crate::geom::{Ll, Local, Xy, cos, deg, ellipse, geodesic_km, offset, round_all, sin, sub_path};
use crate::grid::{self, COUNTIES, QINTAI, XIAOKAI, XINLI, b_lon, h_lat};
use crate::rng::Rng;
use crate::site::{Layer, Scope, Shape, Site};

/// Lengths aimed at, km: a little over each target.
const MAIN_2020_KM: f64 = 35.40;
const MAIN_2122_KM: f64 = 30.45;

/// Geodesic length of what will be written, km.
fn written_km(v: &[Ll]) -> f64 {
    geodesic_km(&round_all(v))
}

fn site(name: String, kind: &'static str, scope: Scope, district: &str, year: i32, line: Vec<Ll>) -> Site {
    let mut s = Site::new(Layer::Greenway, kind, scope, year, Shape::Line(line));
    s.name = name;
    s.district = district.to_string();
    s
}

/// A route along a polyline (lon/lat), `side` metres to its left, from
/// `start` metres, `len` metres long.
fn along(frame: &Local, course: &[Ll], side: f64, start: f64, len: f64) -> Vec<Ll> {
    let xy = offset(&frame.all_to_xy(course), side);
    frame.all_to_ll(&sub_path(&xy, start, len))
}

/// Trims a route so its written geodesic length is `km` (it must be longer).
fn trim_to(frame: &Local, route: &[Ll], km: f64) -> Vec<Ll> {
    let xy = frame.all_to_xy(route);
    let mut len = km * 1000.0;
    let mut out = route.to_vec();
    for _ in 0..4 {
        out = frame.all_to_ll(&sub_path(&xy, 0.0, len));
        len *= km / written_km(&out);
    }
    out
}

fn main_city() -> Vec<Site> {
    let f = grid::city_frame();
    let district = |v: &[Ll]| grid::main_city_district(v[v.len() / 2]);
    let mut out = Vec::new();
    let mut add = |name: &str, year: i32, line: Vec<Ll>| {
        let d = district(&line);
        out.push(site(name.to_string(), "greenway", Scope::MainCity, d, year, line));
    };

    // 2020: the Nanhai wetland loop, the levee, two rivers and a road, the
    // last one trimmed so the year's total lands just over 35 km.
    let (a, b) = grid::NANHAI_AXES;
    let loop_xy = ellipse(grid::nanhai_centre_xy(), a + 90.0, b + 90.0, grid::NANHAI_ROT_DEG, 48);
    let nanhai = f.all_to_ll(&loop_xy);
    // The levee: 150 m north of the river's north bank, from 117.90 E east.
    let levee_course: Vec<Ll> =
        grid::YELLOW_RIVER[6..=11].iter().map(|p| [p[0], p[1] + grid::YELLOW_RIVER_HALF_WIDTH]).collect();
    let levee_start = 1_000.0;
    let levee1 = along(&f, &levee_course, 150.0, levee_start, 7_500.0);
    let qintai = along(&f, QINTAI.course, -40.0, 300.0, 7_600.0);
    let b18 = vec![[b_lon(18) - 0.0004, h_lat(1)], [b_lon(18) - 0.0004, h_lat(12)]];
    let used: f64 = [&nanhai, &levee1, &qintai, &b18].iter().map(|v| written_km(v)).sum();
    let xinli = trim_to(&f, &along(&f, XINLI.course, 40.0, 0.0, 20_000.0), MAIN_2020_KM - used);
    add("南海湿地绿道", 2020, nanhai);
    add("黄河大堤绿道(一期)", 2020, levee1);
    add("秦台河绿道", 2020, qintai);
    add("渤海十八路绿道", 2020, b18);
    add("新立河绿道", 2020, xinli);

    // 2021–2022.
    let levee2 = along(&f, &levee_course, 150.0, levee_start + 7_500.0, 5_800.0);
    let xiaokai = along(&f, XIAOKAI.course, -40.0, 500.0, 8_000.0);
    let north_ring = vec![[b_lon(1), grid::north_ring_lat() - 0.0004], [b_lon(11), grid::north_ring_lat() - 0.0004]];
    let kc = [b_lon(19), b_lon(21), h_lat(8), h_lat(10)];
    let (dx, dy) = (0.0005, 0.0004);
    let kechuang = vec![
        [kc[1] + dx, kc[2] + dy],
        [kc[0] - dx, kc[2] + dy],
        [kc[0] - dx, kc[3] - dy],
        [kc[1] + dx, kc[3] - dy],
        [kc[1] + dx, kc[2] + dy],
    ];
    let used: f64 = [&levee2, &xiaokai, &north_ring, &kechuang].iter().map(|v| written_km(v)).sum();
    // Round the station district: along 黄河二十路, up 渤海八路, back along 黄河二十二路.
    let rail_route = vec![
        [b_lon(1), h_lat(20) + 0.0004],
        [b_lon(8) + 0.0005, h_lat(20) + 0.0004],
        [b_lon(8) + 0.0005, h_lat(22) - 0.0004],
        [b_lon(1), h_lat(22) - 0.0004],
    ];
    let rail = trim_to(&f, &rail_route, MAIN_2122_KM - used);
    add("黄河大堤绿道(二期)", 2021, levee2);
    add("小开河绿道", 2021, xiaokai);
    add("北外环绿道", 2022, north_ring);
    add("科创城环线绿道", 2022, kechuang);
    add("高铁片区绿道", 2022, rail);
    out
}

/// Wandering route from `start` heading `heading_deg`, `len` metres, in 200 m steps.
fn walk(rng: &mut Rng, start: Xy, heading_deg: f64, len: f64) -> Vec<Xy> {
    let mut p = start;
    let mut h = heading_deg;
    let mut v = vec![p];
    let mut left = len;
    while left > 0.0 {
        let step = rng.range(150.0, 260.0).min(left);
        // Wander, but drift back towards the first heading so routes lead away.
        h += rng.range(-14.0, 14.0) + 0.2 * (heading_deg - h);
        p = [p[0] + step * cos(deg(h)), p[1] + step * sin(deg(h))];
        v.push(p);
        left -= step;
    }
    v
}

const DIRS: [&str; 8] = ["东", "东北", "北", "西北", "西", "西南", "南", "东南"];

fn county(rng: &mut Rng, ci: usize) -> Vec<Site> {
    let c = &COUNTIES[ci];
    let f = Local::at(c.anchor);
    // Targets 10 km (2020) and 20 km (2021–2022), plus a small margin.
    let t2020 = 10.0 + rng.range(0.15, 0.6);
    let t2122 = 20.0 + rng.range(0.15, 0.8);
    let share21 = rng.range(0.4, 0.6);
    let groups = [(2020, t2020, 3), (2021, t2122 * share21, 2), (2022, t2122 * (1.0 - share21), 2)];
    // Seven routes leaving the centre in spread-out directions; the 滨城区
    // ones head north, away from the main city.
    let (a0, span) = if c.abbr == "BC" { (15.0, 150.0) } else { (rng.range(0.0, 360.0), 360.0) };
    let mut slots: Vec<usize> = (0..7).collect();
    rng.shuffle(&mut slots);
    let mut out = Vec::new();
    let mut slot = slots.into_iter();
    for (year, total, pieces) in groups {
        let mut left = total;
        for k in 0..pieces {
            let km = if k + 1 == pieces { left } else { total / pieces as f64 * rng.range(0.8, 1.2) };
            left -= km;
            let i = slot.next().unwrap_or(0);
            let ang = a0 + span * (i as f64 + 0.5) / 7.0;
            let r0 = rng.range(900.0, 1500.0);
            let start = [r0 * cos(deg(ang)), r0 * sin(deg(ang))];
            let heading = ang + rng.range(-25.0, 25.0);
            let route = f.all_to_ll(&walk(rng, start, heading, km * 1000.0 + 400.0));
            let line = trim_to(&f, &route, km);
            let dir_ix = ((ang.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8;
            let footpath = rng.chance(0.35);
            let (kind, name) = if footpath {
                ("footpath", format!("{}城{}人行步道", c.name, DIRS[dir_ix]))
            } else {
                ("greenway", format!("{}城{}绿道", c.name, DIRS[dir_ix]))
            };
            out.push(site(name, kind, Scope::County, c.name, year, line));
        }
    }
    out
}

/// All greenways, with `length_km` declared from the written geometry.
pub fn build(seed: u64) -> Vec<Site> {
    let mut rng = Rng::stream(seed, "greenways");
    let mut main = main_city();
    crate::site::number(&mut main, "GW-MC");
    let mut all = main;
    for (ci, c) in COUNTIES.iter().enumerate() {
        let mut v = county(&mut rng, ci);
        disambiguate(&mut v);
        crate::site::number(&mut v, &format!("GW-{}", c.abbr));
        all.extend(v);
    }
    crate::progress::assign(&mut all, &mut rng);
    for s in &mut all {
        s.length_km = Some((written_km(s.shape.points()) * 100.0).round() / 100.0);
    }
    all
}

/// Numbers repeated names 一段, 二段 ...
fn disambiguate(v: &mut [Site]) {
    let names: Vec<String> = v.iter().map(|s| s.name.clone()).collect();
    for (i, s) in v.iter_mut().enumerate() {
        if names.iter().filter(|n| **n == names[i]).count() > 1 {
            let k = names[..=i].iter().filter(|n| **n == names[i]).count() as u32;
            s.name = format!("{}{}段", s.name, grid::zh_num(k));
        }
    }
}
