//! The generator's self-check: a summary table of what was made, and a list
//! of every plan target or sanity rule the data fails.

use std::collections::BTreeSet;

use geo::Intersects;

use crate::geom::{Ll, geodesic_km, geodesic_m2, is_ccw, polygon};
use crate::grid::{self, COUNTIES, b_lon, h_lat};
use crate::progress::{Fate, fate_of};
use crate::site::{Layer, Scope, Shape, Site, Ymd};

/// What the check found.
pub struct Report {
    pub table: Vec<String>,
    pub failures: Vec<String>,
}

/// Pads to a display width, counting CJK characters as two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn in_group(s: &Site, years: &[i32]) -> bool {
    years.contains(&s.plan_year)
}

fn km(v: &[&Site]) -> f64 {
    v.iter().map(|s| geodesic_km(s.shape.points())).sum()
}

fn area(s: &Site) -> f64 {
    geodesic_m2(s.shape.points())
}

fn inside(p: Ll, b: [f64; 4]) -> bool {
    p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]
}

struct Checker<'a> {
    sites: &'a [Site],
    table: Vec<String>,
    failures: Vec<String>,
}

impl<'a> Checker<'a> {
    fn expect(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.failures.push(what.into());
        }
    }

    fn select(&self, layer: Layer, scope: Scope, district: Option<&str>, kind: Option<&str>) -> Vec<&'a Site> {
        self.sites
            .iter()
            .filter(|s| s.layer == layer && s.scope == scope)
            .filter(|s| district.is_none_or(|d| s.district == d))
            .filter(|s| kind.is_none_or(|k| s.kind == k))
            .collect()
    }

    /// One table row: counts (or km) for 2020, 2021, 2022 and 2021+2022.
    fn row(&mut self, label: &str, v: &[&Site], in_km: bool, target: &str) -> [f64; 4] {
        let measure = |years: &[i32]| {
            let sel: Vec<&Site> = v.iter().copied().filter(|s| in_group(s, years)).collect();
            if in_km { km(&sel) } else { sel.len() as f64 }
        };
        let r = [measure(&[2020]), measure(&[2021]), measure(&[2022]), measure(&[2021, 2022])];
        let cell = |x: f64| {
            if in_km { format!("{x:>7.2}") } else { format!("{x:>7}") }
        };
        self.table.push(format!(
            "{}{}{}{}{}   {target}",
            pad(label, 44),
            cell(r[0]),
            cell(r[1]),
            cell(r[2]),
            cell(r[3])
        ));
        r
    }

    fn targets(&mut self) {
        self.table.push(format!(
            "{:<44}{:>7}{:>7}{:>7}{:>7}   {}",
            "layer / scope / kind", "2020", "2021", "2022", "21+22", "plan target"
        ));
        // Dead-end roads and bridges: exact counts.
        for (kind, t20, t2122) in [("road", 15.0, 20.0), ("bridge", 4.0, 3.0)] {
            let v = self.select(Layer::DeadEndRoad, Scope::MainCity, None, Some(kind));
            let r = self.row(&format!("dead_end_road  main_city  {kind}"), &v, false, &format!("{t20} / {t2122}"));
            self.expect(r[0] == t20 && r[3] == t2122, format!("dead-end {kind}s: {r:?}"));
        }
        // Pocket parks.
        let v = self.select(Layer::PocketPark, Scope::MainCity, None, None);
        let r = self.row("pocket_park    main_city", &v, false, "36 / 30");
        self.expect(r[0] == 36.0 && r[3] == 30.0, format!("main-city pocket parks: {r:?}"));
        for c in &COUNTIES {
            let v = self.select(Layer::PocketPark, Scope::County, Some(c.name), None);
            let r = self.row(&format!("pocket_park    county     {}", c.name), &v, false, ">=5 / >=10");
            self.expect(r[0] >= 5.0 && r[3] >= 10.0, format!("{} pocket parks: {r:?}", c.name));
        }
        // Greenways, km.
        let v = self.select(Layer::Greenway, Scope::MainCity, None, None);
        let r = self.row("greenway       main_city  (km)", &v, true, ">=35 / >=30 km");
        self.expect(r[0] >= 35.0 && r[3] >= 30.0, format!("main-city greenways km: {r:?}"));
        let nanhai = v.iter().any(|s| s.name == "南海湿地绿道" && s.plan_year == 2020);
        self.expect(nanhai, "no 2020 南海湿地绿道");
        for c in &COUNTIES {
            let v = self.select(Layer::Greenway, Scope::County, Some(c.name), None);
            let r = self.row(&format!("greenway       county     {} (km)", c.name), &v, true, ">=10 / >=20 km");
            self.expect(r[0] >= 10.0 && r[3] >= 20.0, format!("{} greenways km: {r:?}", c.name));
        }
        // Overhead-line zones: they must tile the plan's areas.
        let v = self.select(Layer::OverheadLineZone, Scope::MainCity, None, None);
        self.row("overhead_line_zone  main_city  (zones)", &v, false, "B11-B18 x H1-H12 / rings");
        let rect = |s: f64, n: f64| {
            let (e, w) = (b_lon(11), b_lon(18));
            geodesic_m2(&[[w, s], [e, s], [e, n], [w, n], [w, s]])
        };
        let want20 = rect(h_lat(1), h_lat(12));
        let want21 = rect(grid::south_ring_lat(), h_lat(1)) + rect(h_lat(12), grid::north_ring_lat());
        for (year, want) in [(2020, want20), (2021, want21)] {
            let got: f64 = v.iter().filter(|s| s.plan_year == year).map(|s| area(s)).sum();
            self.expect(
                (got - want).abs() < want * 0.001,
                format!("{year} overhead-line zones cover {got:.0} m², plan area {want:.0} m²"),
            );
        }
        // Urban villages.
        let v = self.select(Layer::UrbanVillage, Scope::MainCity, None, None);
        let r = self.row("urban_village  main_city", &v, false, "116 in total");
        self.expect(r[0] + r[3] == 116.0 && r[0] > 0.0 && r[1] > 0.0 && r[2] > 0.0, format!("urban villages: {r:?}"));
        for s in &v {
            let a = area(s);
            self.expect((50_000.0..=300_000.0).contains(&a), format!("{} area {a:.0} m²", s.id));
        }
        let parks = self.select(Layer::PocketPark, Scope::MainCity, None, None);
        let polys: Vec<_> = v.iter().map(|s| polygon(s.shape.points())).collect();
        let park_polys: Vec<_> = parks.iter().map(|s| polygon(s.shape.points())).collect();
        for i in 0..polys.len() {
            for j in i + 1..polys.len() {
                self.expect(!polys[i].intersects(&polys[j]), format!("{} overlaps {}", v[i].id, v[j].id));
            }
            for (k, p) in park_polys.iter().enumerate() {
                self.expect(!polys[i].intersects(p), format!("{} overlaps {}", v[i].id, parks[k].id));
            }
        }
    }

    fn progress(&mut self) {
        self.table.push(String::new());
        self.table.push(format!(
            "{:<22}{:>7}{:>9}{:>7}{:>16}{:>15}",
            "progress", "sites", "on time", "late", "started, open", "never started"
        ));
        let (mut all, mut late, mut never) = (0, 0, 0);
        for layer in Layer::ALL {
            let v: Vec<&Site> = self.sites.iter().filter(|s| s.layer == layer).collect();
            let count = |f: Fate| v.iter().filter(|s| fate_of(s) == f).count();
            let c = [count(Fate::OnTime), count(Fate::Late), count(Fate::StartedNotDone), count(Fate::NeverStarted)];
            self.table.push(format!("{:<22}{:>7}{:>9}{:>7}{:>16}{:>15}", layer.key(), v.len(), c[0], c[1], c[2], c[3]));
            all += v.len();
            late += c[1];
            never += c[2] + c[3];
        }
        let (lf, nf) = (late as f64 / all as f64, never as f64 / all as f64);
        self.table.push(format!("{:<22}{all:>7}   late {:.1}%, never done {:.1}%", "all", lf * 100.0, nf * 100.0));
        self.expect((0.09..=0.16).contains(&lf), format!("late share {lf:.3}"));
        self.expect((0.025..=0.055).contains(&nf), format!("never-done share {nf:.3}"));
    }

    fn each_site(&mut self) {
        let mut ids = BTreeSet::new();
        let mut names = BTreeSet::new();
        let first = Ymd { y: 2020, m: 3, d: None }.month_index();
        let last = Ymd { y: 2023, m: 6, d: None }.month_index();
        let city = grid::main_city_box();
        for s in self.sites {
            self.expect(ids.insert(s.id.clone()), format!("duplicate id {}", s.id));
            self.expect(names.insert((s.layer, s.name.clone())), format!("duplicate name {}", s.name));
            self.expect((2020..=2022).contains(&s.plan_year), format!("{} plan_year", s.id));
            if let Some(st) = s.started {
                self.expect(st.month_index() >= first, format!("{} started {st}", s.id));
                if let Some(c) = s.completed {
                    self.expect(c.month_index() > st.month_index(), format!("{} completed {c} before start", s.id));
                    self.expect(c.month_index() <= last, format!("{} completed {c}", s.id));
                }
            } else {
                self.expect(s.completed.is_none(), format!("{} completed but never started", s.id));
            }
            let pts = s.shape.points();
            if let Shape::Polygon(r) = &s.shape {
                self.expect(r.len() >= 4 && r.first() == r.last(), format!("{} ring not closed", s.id));
                self.expect(is_ccw(r), format!("{} ring not counter-clockwise", s.id));
                if s.layer == Layer::PocketPark {
                    let a = area(s);
                    self.expect((2_000.0..=20_000.0).contains(&a), format!("{} area {a:.0} m²", s.id));
                }
            } else {
                self.expect(pts.len() >= 2, format!("{} line too short", s.id));
            }
            self.expect(pts.windows(2).all(|w| w[0] != w[1]), format!("{} repeats a point", s.id));
            let in_city = pts.iter().all(|&p| inside(p, city));
            let near_city = pts.iter().any(|&p| inside(p, city));
            match s.scope {
                Scope::MainCity => self.expect(in_city, format!("{} leaves the main city", s.id)),
                Scope::County => self.expect(!near_city, format!("{} lies in the main city", s.id)),
            }
            if let Some(decl) = s.length_km {
                let got = geodesic_km(pts);
                self.expect((decl - got).abs() <= 0.006, format!("{} length_km {decl} vs {got:.3}", s.id));
            }
        }
    }
}

/// Checks the rounded sites against the plan's targets and basic sanity.
pub fn check(sites: &[Site]) -> Report {
    let mut c = Checker { sites, table: Vec::new(), failures: Vec::new() };
    c.targets();
    c.progress();
    c.each_site();
    // The grid must sit north of the Yellow River.
    for b in 1..=grid::B_MAX {
        let lon = b_lon(b);
        c.expect(
            grid::south_ring_lat() > grid::yellow_river_north_bank(lon),
            format!("south ring at 渤海{b}路 is in the river"),
        );
    }
    Report { table: c.table, failures: c.failures }
}
