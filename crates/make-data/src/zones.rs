//! Task 3: overhead lines put underground, in blocks of the 渤海十一路—渤海十八路 band.

use crate::geom::{Ll, closed_ccw};
use crate::grid::{self, b_lon, b_name, h_lat, h_name};
use crate::rng::Rng;
use crate::site::{Layer, Scope, Shape, Site};

/// An east–west edge of a zone: a grid road or a ring road.
#[derive(Clone, Copy)]
enum Edge {
    H(u32),
    SouthRing,
    NorthRing,
}

impl Edge {
    fn lat(self) -> f64 {
        match self {
            Edge::H(n) => h_lat(n),
            Edge::SouthRing => grid::south_ring_lat(),
            Edge::NorthRing => grid::north_ring_lat(),
        }
    }

    fn name(self) -> String {
        match self {
            Edge::H(n) => h_name(n),
            Edge::SouthRing => "南外环".to_string(),
            Edge::NorthRing => "北外环".to_string(),
        }
    }
}

/// The block between B roads `be` (east) and `bw` (west) and edges `s`, `n`,
/// with a vertex at every crossing so neighbouring blocks share edges.
fn block(be: u32, bw: u32, s: Edge, n: Edge) -> Vec<Ll> {
    let (ys, yn) = (s.lat(), n.lat());
    let inner: Vec<f64> = (1..=grid::H_MAX).map(h_lat).filter(|&y| y > ys + 1e-9 && y < yn - 1e-9).collect();
    let mut ring = Vec::new();
    // South edge, west to east.
    for b in (be..=bw).rev() {
        ring.push([b_lon(b), ys]);
    }
    // East edge, south to north.
    for &y in &inner {
        ring.push([b_lon(be), y]);
    }
    // North edge, east to west.
    for b in be..=bw {
        ring.push([b_lon(b), yn]);
    }
    // West edge, north to south.
    for &y in inner.iter().rev() {
        ring.push([b_lon(bw), y]);
    }
    closed_ccw(ring)
}

pub fn build(seed: u64) -> Vec<Site> {
    let mut rng = Rng::stream(seed, "overhead_line_zones");
    let bands = [(11, 14), (14, 18)];
    let rows_2020 = [(Edge::H(1), Edge::H(4)), (Edge::H(4), Edge::H(8)), (Edge::H(8), Edge::H(12))];
    let rows_2021 = [(Edge::SouthRing, Edge::H(1)), (Edge::H(12), Edge::H(15)), (Edge::H(15), Edge::NorthRing)];
    let mut sites = Vec::new();
    for (year, rows) in [(2020, &rows_2020), (2021, &rows_2021)] {
        for &(s, n) in rows.iter() {
            for &(be, bw) in &bands {
                let ring = block(be, bw, s, n);
                let mut site =
                    Site::new(Layer::OverheadLineZone, "underground", Scope::MainCity, year, Shape::Polygon(ring));
                site.name = format!("{}至{}({}—{})架空线入地", b_name(be), b_name(bw), s.name(), n.name());
                site.district = grid::main_city_district([b_lon(be), s.lat()]).to_string();
                sites.push(site);
            }
        }
    }
    crate::progress::assign(&mut sites, &mut rng);
    crate::site::number(&mut sites, "OL");
    sites
}
