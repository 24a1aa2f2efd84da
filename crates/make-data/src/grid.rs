//! The one geography every layer is drawn on: the main-city road grid, the
//! rivers, the counties and the named places. All positions are approximate
//! (see /work/shared/GEOGRAPHY.md) and the data made from them illustrative.
//!
//! Grid: east–west roads 黄河N路 (H_N), numbers growing northward; north–south
//! roads 渤海N路 (B_N), numbers growing westward. 黄河五路 × 渤海十二路 is at
//! (117.987, 37.380). Spacing between neighbouring roads is 560–750 m, given
//! gap by gap below in metres.

use crate::geom::{Ll, Local, Xy};

/// H_N for N in 1..=H_MAX, B_N for N in 1..=B_MAX.
pub const H_MAX: u32 = 22;
pub const B_MAX: u32 = 22;
/// H roads above this one (and B roads east of `B_NORTH_MAX`) only exist in
/// the high-speed-rail district north of the north ring road.
pub const H_RING_MAX: u32 = 18;
pub const B_NORTH_MAX: u32 = 8;

const ANCHOR: Ll = [117.987, 37.380];
/// Metres per degree at 37.40 N (fixed, so the grid is a plain definition).
const M_LAT: f64 = 110_985.0;
const M_LON: f64 = 88_540.0;

/// Gap in metres between B_i and B_(i+1), i = 1..=21.
const B_GAPS: [f64; 21] = [
    600.0, 580.0, 620.0, 590.0, 610.0, 570.0, 600.0, 630.0, 580.0, 600.0, 590.0, // B1..B12
    650.0, 680.0, 640.0, 700.0, 660.0, 690.0, // B12..B18
    720.0, 700.0, 740.0, 710.0, // B18..B22
];
/// Gap in metres between H_i and H_(i+1), i = 1..=21. H18–H19 holds the north ring.
const H_GAPS: [f64; 21] = [
    620.0, 600.0, 640.0, 610.0, // H1..H5
    630.0, 600.0, 650.0, 620.0, 640.0, 600.0, 660.0, 620.0, 650.0, 610.0, 680.0, 640.0, 660.0, // H5..H18
    1200.0, 620.0, 640.0, 600.0, // H18..H22
];
/// The south ring road runs this far south of H1, the north ring this far north of H18.
const SOUTH_RING_BELOW_H1: f64 = 900.0;
const NORTH_RING_ABOVE_H18: f64 = 600.0;

/// Longitude of 渤海N路.
pub fn b_lon(n: u32) -> f64 {
    assert!((1..=B_MAX).contains(&n), "no 渤海{n}路 in the grid");
    let mut lon = ANCHOR[0];
    for i in n..12 {
        lon += B_GAPS[(i - 1) as usize] / M_LON;
    }
    for i in 12..n {
        lon -= B_GAPS[(i - 1) as usize] / M_LON;
    }
    lon
}

/// Latitude of 黄河N路.
pub fn h_lat(n: u32) -> f64 {
    assert!((1..=H_MAX).contains(&n), "no 黄河{n}路 in the grid");
    let mut lat = ANCHOR[1];
    for i in n..5 {
        lat -= H_GAPS[(i - 1) as usize] / M_LAT;
    }
    for i in 5..n {
        lat += H_GAPS[(i - 1) as usize] / M_LAT;
    }
    lat
}

pub fn south_ring_lat() -> f64 {
    h_lat(1) - SOUTH_RING_BELOW_H1 / M_LAT
}

pub fn north_ring_lat() -> f64 {
    h_lat(H_RING_MAX) + NORTH_RING_ABOVE_H18 / M_LAT
}

/// Chinese numeral for 1..=99.
pub fn zh_num(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

pub fn h_name(n: u32) -> String {
    format!("黄河{}路", zh_num(n))
}

pub fn b_name(n: u32) -> String {
    format!("渤海{}路", zh_num(n))
}

/// Which B roads an H road runs between: (east end, west end).
pub fn h_span(n: u32) -> (u32, u32) {
    if n <= H_RING_MAX { (1, B_MAX) } else { (1, B_NORTH_MAX) }
}

/// Which H roads a B road crosses (lowest, highest); it runs on to the rings.
pub fn b_span(n: u32) -> (u32, u32) {
    if n <= B_NORTH_MAX { (1, H_MAX) } else { (1, H_RING_MAX) }
}

/// Latitudes a B road runs between.
pub fn b_extent(n: u32) -> (f64, f64) {
    let north = if n <= B_NORTH_MAX { h_lat(H_MAX) } else { north_ring_lat() };
    (south_ring_lat(), north)
}

/// The local frame of the main city.
pub fn city_frame() -> Local {
    Local::at([118.0, 37.40])
}

/// Rough box of the main city as drawn, riverfront included: (west, south, east, north).
pub fn main_city_box() -> [f64; 4] {
    [b_lon(B_MAX) - 0.01, 37.28, b_lon(1) + 0.01, h_lat(H_MAX) + 0.01]
}

/// County-level name for a main-city point (illustrative split: the
/// development zone west of 渤海十八路, the high-tech zone in the north-east).
pub fn main_city_district(p: Ll) -> &'static str {
    if p[0] < b_lon(18) {
        "滨州经济技术开发区"
    } else if p[0] > b_lon(5) && p[1] > h_lat(12) {
        "滨州高新技术产业开发区"
    } else {
        "滨城区"
    }
}

/// A county-level division of Binzhou.
pub struct County {
    pub name: &'static str,
    pub code: &'static str,
    /// Two letters used in ids.
    pub abbr: &'static str,
    /// Label point from GEOGRAPHY.md.
    pub label: Ll,
    /// Where the county's sites cluster: the label point, except for
    /// 滨城区, whose label lies in the main city; its county-scope sites go to
    /// 滨北 north of the city.
    pub anchor: Ll,
}

pub const COUNTIES: [County; 7] = [
    County { name: "滨城区", code: "371602", abbr: "BC", label: [117.976, 37.406], anchor: [117.975, 37.508] },
    County { name: "沾化区", code: "371603", abbr: "ZH", label: [118.122, 37.886], anchor: [118.122, 37.886] },
    County { name: "惠民县", code: "371621", abbr: "HM", label: [117.602, 37.342], anchor: [117.602, 37.342] },
    County { name: "阳信县", code: "371622", abbr: "YX", label: [117.578, 37.589], anchor: [117.578, 37.589] },
    County { name: "无棣县", code: "371623", abbr: "WD", label: [117.801, 37.994], anchor: [117.801, 37.994] },
    County { name: "博兴县", code: "371625", abbr: "BX", label: [118.221, 37.172], anchor: [118.221, 37.172] },
    County { name: "邹平市", code: "371681", abbr: "ZP", label: [117.747, 36.918], anchor: [117.747, 36.918] },
];

/// Each county seat's few illustrative streets: 纬N路 east–west (numbered
/// northward) and 经N路 north–south (numbered eastward), 650 m apart.
pub const COUNTY_ROADS: u32 = 5;
pub const COUNTY_SPACING: f64 = 650.0;

/// Local metres of county road N (1..=5) from the anchor.
pub fn county_road_offset(n: u32) -> f64 {
    (n as f64 - (COUNTY_ROADS as f64 + 1.0) / 2.0) * COUNTY_SPACING
}

/// The Yellow River's centre line, WSW–ENE across the whole city region.
pub const YELLOW_RIVER: [Ll; 18] = [
    [117.20, 36.965],
    [117.32, 37.020],
    [117.45, 37.085],
    [117.58, 37.140],
    [117.70, 37.190],
    [117.82, 37.245],
    [117.90, 37.285],
    [117.95, 37.310],
    [118.00, 37.324],
    [118.04, 37.333],
    [118.07, 37.345],
    [118.09, 37.358],
    [118.12, 37.380],
    [118.17, 37.405],
    [118.24, 37.440],
    [118.32, 37.475],
    [118.40, 37.505],
    [118.50, 37.530],
];
/// Half the width of the drawn river band, in degrees of latitude (~450 m).
pub const YELLOW_RIVER_HALF_WIDTH: f64 = 0.004;

/// Latitude of the river's north bank at a longitude (inside 117.2–118.5).
pub fn yellow_river_north_bank(lon: f64) -> f64 {
    let r = &YELLOW_RIVER;
    let i = r.windows(2).position(|w| lon >= w[0][0] && lon <= w[1][0]).unwrap_or(0);
    let (a, b) = (r[i], r[i + 1]);
    a[1] + (b[1] - a[1]) * (lon - a[0]) / (b[0] - a[0]) + YELLOW_RIVER_HALF_WIDTH
}

/// A minor river or canal of the main city (illustrative courses).
pub struct MinorRiver {
    pub name: &'static str,
    pub course: &'static [Ll],
}

pub const QINTAI: MinorRiver = MinorRiver {
    name: "秦台河",
    course: &[
        [117.905, 37.370],
        [117.925, 37.377],
        [117.945, 37.384],
        [117.965, 37.391],
        [117.985, 37.399],
        [118.005, 37.407],
        [118.025, 37.418],
        [118.045, 37.428],
        [118.068, 37.437],
    ],
};

pub const XINLI: MinorRiver = MinorRiver {
    name: "新立河",
    course: &[
        [118.0378, 37.3535],
        [118.0366, 37.3700],
        [118.0388, 37.3900],
        [118.0364, 37.4100],
        [118.0386, 37.4300],
        [118.0365, 37.4500],
        [118.0384, 37.4700],
        [118.0372, 37.4950],
    ],
};

pub const XIAOKAI: MinorRiver = MinorRiver {
    name: "小开河",
    course: &[
        [117.9296, 37.3070],
        [117.9282, 37.3300],
        [117.9305, 37.3600],
        [117.9283, 37.3900],
        [117.9304, 37.4200],
        [117.9281, 37.4500],
        [117.9302, 37.4800],
        [117.9350, 37.5300],
    ],
};

pub const MINOR_RIVERS: [MinorRiver; 3] = [QINTAI, XINLI, XIAOKAI];

/// The Nanhai wetland (南海湿地) between the south ring and the river, as an
/// ellipse in city-frame metres: centre, semi-axes, rotation.
pub fn nanhai_centre() -> Ll {
    [118.028, 37.3405]
}
pub const NANHAI_AXES: (f64, f64) = (2000.0, 330.0);
pub const NANHAI_ROT_DEG: f64 = 15.0;

pub fn nanhai_centre_xy() -> Xy {
    city_frame().to_xy(nanhai_centre())
}

/// Places the plan names, with approximate (illustrative) positions.
pub fn pois() -> Vec<(&'static str, Ll)> {
    vec![
        ("南海湿地", nanhai_centre()),
        ("黄河楼", [117.975, 37.3235]),
        ("蒲园", [117.998, 37.3385]),
        ("科创城", [117.922, 37.400]),
        ("康养片区", [118.045, 37.440]),
        ("高铁站", [b_lon(3), h_lat(20) + 0.0025]),
        ("高铁片区", [b_lon(5), h_lat(21) + 0.002]),
        ("魏氏庄园", [117.450, 37.270]),
        ("杜受田故居", [117.968, 37.497]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_intersection_is_where_geography_puts_it() {
        assert!((b_lon(12) - 117.987).abs() < 1e-9);
        assert!((h_lat(5) - 37.380).abs() < 1e-9);
        assert!(b_lon(18) < b_lon(12) && h_lat(6) > h_lat(5));
    }

    #[test]
    fn the_grid_stays_north_of_the_river() {
        for b in 1..=B_MAX {
            let lon = b_lon(b);
            assert!(south_ring_lat() > yellow_river_north_bank(lon) + 0.003, "B{b}");
        }
    }

    #[test]
    fn numerals_read_as_chinese() {
        assert_eq!(zh_num(12), "十二");
        assert_eq!(zh_num(20), "二十");
        assert_eq!(zh_num(22), "二十二");
        assert_eq!(h_name(5), "黄河五路");
    }
}
