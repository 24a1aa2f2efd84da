//! A large synthetic dataset (what `binzhou-sites gen` writes) in the
//! bundled data's format (mixed geometry types, Chinese names, every
//! property), for benchmarks and load tests. Deterministic for a seed.

use std::io::Write;

/// What to generate.
#[derive(Clone, Debug, Default)]
pub struct GenOptions {
    /// How many features to write.
    pub features: usize,
    /// Seed of the random generator: the same seed writes the same file.
    pub seed: u64,
    /// How many vertices the shapes have.
    pub shapes: Shapes,
}

/// The vertex counts of generated lines and polygons.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shapes {
    /// Every polygon 16 vertices, roads 6 and greenways 14 (the figures in
    /// the README's speed table were measured on these).
    #[default]
    Fixed,
    /// As surveyed data varies: polygons of 5–40 vertices, lines of 2–60,
    /// evenly spread (about 24 positions a feature over the layer mix).
    Varied,
}

impl Shapes {
    /// The vertices of a polygon's ring (without the closing repeat).
    fn polygon(self, rng: &mut Rng) -> usize {
        match self {
            Shapes::Fixed => 16,
            Shapes::Varied => 5 + (rng.next() % 36) as usize,
        }
    }

    /// The positions of a line; `greenway` lines are the longer ones.
    fn line(self, rng: &mut Rng, greenway: bool) -> usize {
        match self {
            Shapes::Fixed if greenway => 14,
            Shapes::Fixed => 6,
            Shapes::Varied => 2 + (rng.next() % 59) as usize,
        }
    }
}

/// splitmix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

const DISTRICTS: [(&str, f64, f64); 7] = [
    ("滨城区", 117.976, 37.406),
    ("沾化区", 118.122, 37.886),
    ("惠民县", 117.602, 37.342),
    ("阳信县", 117.578, 37.589),
    ("无棣县", 117.801, 37.994),
    ("博兴县", 118.221, 37.172),
    ("邹平市", 117.747, 36.918),
];
const LAYERS: [(&str, &str, u8, &str); 5] = [
    ("dead_end_road", "road", 14, "市住房城乡建设局"),
    ("pocket_park", "pocket_park", 8, "市城管局"),
    ("greenway", "greenway", 8, "市城管局"),
    ("overhead_line_zone", "underground", 3, "市城管局"),
    ("urban_village", "urban_village", 16, "市住房城乡建设局"),
];
const NUMERALS: [&str; 24] = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
];
const CONTRACTORS: [&str; 4] =
    ["滨州市城建工程有限公司", "滨州黄河园林绿化有限公司", "山东滨海市政工程有限公司", "滨州市政建设集团"];
const SURNAMES: [&str; 12] = ["王", "张", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];

/// Writes `opts.features` features to `w`.
pub fn write_synthetic<W: Write>(w: &mut W, opts: &GenOptions) -> std::io::Result<()> {
    let mut rng = Rng(opts.seed);
    writeln!(
        w,
        "{{\"type\":\"FeatureCollection\",\"name\":\"synthetic\",\"description\":\"Synthetic test data made by binzhou-sites gen (seed {}); not real sites.\",\"features\":[",
        opts.seed
    )?;
    for i in 0..opts.features {
        let (layer, kind, task, lead) = *rng.pick(&LAYERS);
        let county = rng.unit() < 0.3;
        let (district, cx, cy) = if county { *rng.pick(&DISTRICTS) } else { DISTRICTS[0] };
        let spread = if county { 0.05 } else { 0.07 };
        let x = cx + rng.range(-spread, spread);
        let y = cy + rng.range(-spread, spread) * 0.8;
        let h = rng.pick(&NUMERALS);
        let b = rng.pick(&NUMERALS);
        let name = match layer {
            "dead_end_road" => {
                format!("黄河{h}路(渤海{b}路—渤海{}路)打通工程", rng.pick(&NUMERALS))
            }
            "pocket_park" => format!("黄河{h}路渤海{b}路口袋公园{i}"),
            "greenway" => format!("{district}渤海{b}路绿道{i}"),
            "overhead_line_zone" => format!("渤海{b}路(黄河{h}路段)架空线入地{i}"),
            _ => format!("{}家村{i}", rng.pick(&SURNAMES)),
        };
        let plan_year = 2020 + (rng.next() % 3) as i32;
        let started_y = plan_year - i32::from(rng.unit() < 0.3);
        let started_m = 1 + rng.next() % 12;
        let roll = rng.unit();
        let completed = if roll < 0.8 {
            Some(format!("{plan_year}-{:02}", (started_m + 3).min(12)))
        } else if roll < 0.93 {
            Some(format!("{}-{:02}", plan_year + 1, 1 + rng.next() % 6))
        } else {
            None
        };
        let geometry = match layer {
            "dead_end_road" | "greenway" => {
                let n = opts.shapes.line(&mut rng, layer == "greenway");
                let mut pts = Vec::with_capacity(n);
                let (mut px, mut py) = (x, y);
                for _ in 0..n {
                    pts.push(format!("[{px:.6},{py:.6}]"));
                    px += rng.range(-0.002, 0.004);
                    py += rng.range(-0.002, 0.002);
                }
                format!("{{\"type\":\"LineString\",\"coordinates\":[{}]}}", pts.join(","))
            }
            "pocket_park" if rng.unit() < 0.5 => {
                format!("{{\"type\":\"Point\",\"coordinates\":[{x:.6},{y:.6}]}}")
            }
            _ => {
                let r = if layer == "urban_village" { 0.002 } else { 0.0006 };
                let n = opts.shapes.polygon(&mut rng);
                let mut pts = Vec::with_capacity(n + 1);
                for k in 0..n {
                    let a = std::f64::consts::TAU * k as f64 / n as f64;
                    let rr = r * rng.range(0.7, 1.0);
                    pts.push(format!("[{:.6},{:.6}]", x + rr * a.cos(), y + rr * 0.8 * a.sin()));
                }
                pts.push(pts[0].clone());
                format!("{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}", pts.join(","))
            }
        };
        let completed = completed.map(|c| format!(",\"completed\":\"{c}\"")).unwrap_or_default();
        write!(
            w,
            "{}{{\"type\":\"Feature\",\"properties\":{{\"id\":\"SYN-{i:07}\",\"name\":\"{name}\",\"layer\":\"{layer}\",\"kind\":\"{kind}\",\"task\":{task},\"lead_unit\":\"{lead}\",\"district\":\"{district}\",\"scope\":\"{}\",\"plan_year\":{plan_year},\"started\":\"{started_y}-{started_m:02}\"{completed},\"source\":\"synthetic\",\"investment_wan_yuan\":{:.1},\"contractor\":\"{}\"}},\"geometry\":{geometry}}}",
            if i == 0 { "" } else { ",\n" },
            if county { "county" } else { "main_city" },
            rng.range(50.0, 5000.0),
            rng.pick(&CONTRACTORS),
        )?;
    }
    writeln!(w, "\n]}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load_bytes};
    use geo::CoordsIter;

    fn generate(shapes: Shapes) -> crate::model::Dataset {
        let mut bytes = Vec::new();
        write_synthetic(&mut bytes, &GenOptions { features: 2_000, seed: 3, shapes }).unwrap();
        load_bytes("gen.geojson", &bytes, &LoadOptions::default())
    }

    #[test]
    fn varied_shapes_span_the_surveyed_vertex_counts_and_load_without_error() {
        let ds = generate(Shapes::Varied);
        assert_eq!(ds.sites.len(), 2_000);
        assert!(ds.problems.iter().all(|p| p.severity != crate::model::Severity::Error), "{:?}", ds.problems.first());
        let (mut rings, mut lines) = (Vec::new(), Vec::new());
        for s in &ds.sites {
            match &s.geometry {
                geo::Geometry::Polygon(p) => rings.push(p.exterior().coords_count() - 1),
                geo::Geometry::LineString(l) => lines.push(l.coords_count()),
                _ => {}
            }
        }
        let span = |v: &[usize]| (v.iter().min().copied(), v.iter().max().copied());
        assert_eq!(span(&rings), (Some(5), Some(40)));
        assert_eq!(span(&lines), (Some(2), Some(60)));
    }

    #[test]
    fn fixed_shapes_keep_sixteen_vertex_polygons() {
        let ds = generate(Shapes::Fixed);
        for s in &ds.sites {
            if let geo::Geometry::Polygon(p) = &s.geometry {
                assert_eq!(p.exterior().coords_count(), 17);
            }
        }
    }
}
