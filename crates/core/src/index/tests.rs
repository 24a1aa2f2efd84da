//! Tests of the site index on small hand-made layouts near Binzhou.

use geo::{
    Coord, Distance, Euclidean, Geometry, GeometryCollection, Haversine, LineString, MapCoords, MultiPoint, Point,
    Polygon, Rect, Triangle,
};

use super::SiteIndex;
use super::metric::METRES_PER_DEGREE;
use crate::model::{LayerKey, Origin, PlanLayer, Site};

const LON0: f64 = 118.0;
const LAT0: f64 = 37.38;

/// A position `east` and `north` metres from (LON0, LAT0).
fn at(east: f64, north: f64) -> Coord<f64> {
    Coord { x: LON0 + east / (METRES_PER_DEGREE * LAT0.to_radians().cos()), y: LAT0 + north / METRES_PER_DEGREE }
}

fn pt(east: f64, north: f64) -> Point<f64> {
    Point(at(east, north))
}

fn line(coords: &[(f64, f64)]) -> Geometry<f64> {
    Geometry::LineString(LineString::new(coords.iter().map(|&(e, n)| at(e, n)).collect()))
}

fn ring(coords: &[(f64, f64)]) -> LineString<f64> {
    LineString::new(coords.iter().map(|&(e, n)| at(e, n)).collect())
}

/// An axis-aligned square of half-side `h` metres centred `east`, `north` of the origin.
fn square_ring(east: f64, north: f64, h: f64) -> LineString<f64> {
    ring(&[(east - h, north - h), (east + h, north - h), (east + h, north + h), (east - h, north + h)])
}

fn square(east: f64, north: f64, h: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(square_ring(east, north, h), vec![]))
}

fn site(i: u32, geometry: Geometry<f64>) -> Site {
    Site::new(
        &format!("s{i}"),
        &format!("site {i}"),
        LayerKey::Plan(PlanLayer::PocketPark),
        geometry,
        Origin { file: 0, index: i },
    )
}

fn sites(geometries: Vec<Geometry<f64>>) -> Vec<Site> {
    geometries.into_iter().enumerate().map(|(i, g)| site(i as u32, g)).collect()
}

fn indices(found: &[(usize, f64)]) -> Vec<usize> {
    found.iter().map(|&(i, _)| i).collect()
}

/// Every site with its distance from `q` as `SiteIndex::nearest` and
/// `SiteIndex::within` document it, by a plain scan that does not use the
/// index: each geometry is mapped into the equirectangular frame centred on
/// `q` (`x = Δlon·cos(lat_q)·R`, `y = Δlat·R`) and measured with geo's
/// Euclidean distance (0 inside a polygon). Nearest first, ties to the
/// earlier site.
fn scan_by_distance(s: &[Site], q: Point<f64>) -> Vec<(usize, f64)> {
    const R: f64 = 6_371_008.8;
    let (lon0, lat0) = (q.x(), q.y());
    let to_local = |c: Coord<f64>| Coord {
        x: (c.x - lon0).to_radians() * lat0.to_radians().cos() * R,
        y: (c.y - lat0).to_radians() * R,
    };
    let mut all: Vec<(usize, f64)> = s
        .iter()
        .enumerate()
        .map(|(i, site)| (i, Euclidean.distance(&Point::new(0.0, 0.0), &site.geometry.map_coords(to_local))))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    all
}

/// The same sites in the same order, at the same distances to a micrometre
/// (the scan's arithmetic differs from the index's in the last bits).
fn assert_same_sites_and_distances(got: &[(usize, f64)], want: &[(usize, f64)], what: &str) {
    assert_eq!(indices(got), indices(want), "{what}");
    for (&(i, d), &(_, e)) in got.iter().zip(want) {
        assert!((d - e).abs() <= 1e-6 * e.max(1.0), "{what}: site {i} at {d} m, the scan says {e} m");
    }
}

#[test]
fn a_click_within_tolerance_of_a_line_picks_it_and_outside_does_not() {
    let s = sites(vec![line(&[(-100.0, 0.0), (100.0, 0.0)]), line(&[(-100.0, 300.0), (100.0, 500.0)])]);
    let index = SiteIndex::build(&s);
    assert_eq!(index.pick(&s, pt(0.0, 8.0), 10.0), vec![0]);
    assert_eq!(index.pick(&s, pt(105.0, 0.0), 10.0), vec![0]);
    assert!(index.pick(&s, pt(0.0, 12.0), 10.0).is_empty());
    assert!(index.pick(&s, pt(112.0, 0.0), 10.0).is_empty());
    // Inside the diagonal line's box but about 70 m from the line itself.
    assert!(index.pick(&s, pt(50.0, 350.0), 10.0).is_empty());
    assert_eq!(index.pick(&s, pt(5.0, 400.0), 10.0), vec![1]);
}

#[test]
fn a_click_inside_a_polygon_hole_does_not_pick_it() {
    let holed = Polygon::new(square_ring(0.0, 0.0, 100.0), vec![square_ring(0.0, 0.0, 50.0)]);
    let s = sites(vec![Geometry::Polygon(holed)]);
    let index = SiteIndex::build(&s);
    assert!(index.pick(&s, pt(0.0, 0.0), 5.0).is_empty());
    assert!(index.pick(&s, pt(40.0, 0.0), 5.0).is_empty());
    assert_eq!(index.pick(&s, pt(75.0, 0.0), 5.0), vec![0]);
    // Within tolerance of the hole's edge.
    assert_eq!(index.pick(&s, pt(47.0, 0.0), 5.0), vec![0]);
    // Within tolerance of the outer edge, from outside.
    assert_eq!(index.pick(&s, pt(0.0, 104.0), 5.0), vec![0]);
}

#[test]
fn a_small_polygon_inside_a_large_one_is_returned_first() {
    let s = sites(vec![square(0.0, 0.0, 500.0), square(100.0, 100.0, 20.0), square(0.0, 0.0, 200.0)]);
    let index = SiteIndex::build(&s);
    assert_eq!(index.pick(&s, pt(100.0, 100.0), 5.0), vec![1, 2, 0]);
    assert_eq!(index.pick(&s, pt(300.0, 0.0), 5.0), vec![0]);
}

#[test]
fn a_point_within_tolerance_wins_over_the_polygon_it_lies_in() {
    let s = sites(vec![
        square(0.0, 0.0, 30.0),
        Geometry::Point(pt(6.0, 0.0)),
        Geometry::Point(pt(0.0, 3.0)),
        line(&[(-50.0, -8.0), (50.0, -8.0)]),
    ]);
    let index = SiteIndex::build(&s);
    // Points and lines nearest first, then the polygon.
    assert_eq!(index.pick(&s, pt(0.0, 0.0), 10.0), vec![2, 1, 3, 0]);
    assert_eq!(index.pick(&s, pt(0.0, 0.0), 4.0), vec![2, 0]);
}

#[test]
fn multi_geometries_and_collections_are_picked_by_their_parts() {
    let s = sites(vec![
        Geometry::MultiPoint(MultiPoint::new(vec![pt(0.0, 0.0), pt(500.0, 0.0)])),
        Geometry::GeometryCollection(GeometryCollection::new_from(vec![
            Geometry::Point(pt(0.0, 300.0)),
            square(300.0, 300.0, 50.0),
        ])),
        Geometry::Rect(Rect::new(at(-600.0, -600.0), at(-500.0, -500.0))),
        Geometry::Triangle(Triangle::new(at(600.0, 600.0), at(700.0, 600.0), at(600.0, 700.0))),
    ]);
    let index = SiteIndex::build(&s);
    assert_eq!(index.pick(&s, pt(498.0, 0.0), 5.0), vec![0]);
    assert!(index.pick(&s, pt(250.0, 0.0), 5.0).is_empty());
    assert_eq!(index.pick(&s, pt(310.0, 290.0), 5.0), vec![1]);
    assert_eq!(index.pick(&s, pt(0.0, 302.0), 5.0), vec![1]);
    assert!(index.pick(&s, pt(150.0, 300.0), 5.0).is_empty());
    assert_eq!(index.pick(&s, pt(-550.0, -550.0), 5.0), vec![2]);
    assert_eq!(index.pick(&s, pt(620.0, 620.0), 5.0), vec![3]);
    // Inside the triangle's box, beyond its hypotenuse.
    assert!(index.pick(&s, pt(690.0, 690.0), 5.0).is_empty());
}

#[test]
fn in_rect_returns_exactly_the_sites_whose_boxes_meet_the_rect() {
    let s = sites(vec![
        Geometry::Point(pt(0.0, 0.0)),
        // The box crosses the rect's corner, the line does not.
        line(&[(50.0, 250.0), (250.0, 50.0)]),
        square(1000.0, 1000.0, 50.0),
        Geometry::Point(pt(-300.0, 0.0)),
        square(-250.0, -250.0, 200.0),
        Geometry::Point(pt(-300.5, 0.0)),
    ]);
    let index = SiteIndex::build(&s);
    // The rect's west edge is exactly the x of site 3.
    let rect = Rect::new(Coord { x: s[3].bbox.min().x, y: at(0.0, -100.0).y }, at(100.0, 100.0));
    let got = index.in_rect(rect);
    assert_eq!(got, vec![0, 1, 3, 4]);
    let brute: Vec<usize> = (0..s.len())
        .filter(|&i| {
            let b = s[i].bbox;
            b.min().x <= rect.max().x
                && rect.min().x <= b.max().x
                && b.min().y <= rect.max().y
                && rect.min().y <= b.max().y
        })
        .collect();
    assert_eq!(got, brute);
    assert!(index.in_rect(Rect::new(at(2000.0, 2000.0), at(3000.0, 3000.0))).is_empty());
}

#[test]
fn nearest_returns_the_right_k_in_order_when_a_big_polygons_box_is_nearer_than_a_truly_nearer_point() {
    // A big triangle below the diagonal: its box holds the query point, but
    // the triangle itself is about 707 m away.
    let triangle = Polygon::new(ring(&[(-1000.0, -1000.0), (1000.0, -1000.0), (1000.0, 1000.0)]), vec![]);
    let s = sites(vec![
        Geometry::Polygon(triangle),
        Geometry::Point(pt(-500.0, 900.0)),
        Geometry::Point(pt(3000.0, 3000.0)),
        Geometry::Point(pt(-500.0, 600.0)),
    ]);
    let index = SiteIndex::build(&s);
    let q = pt(-500.0, 500.0);
    let two = index.nearest(&s, q, 2);
    assert_eq!(indices(&two), vec![3, 1]);
    assert!((two[0].1 - 100.0).abs() < 0.5, "{two:?}");
    assert!((two[1].1 - 400.0).abs() < 0.5, "{two:?}");
    let three = index.nearest(&s, q, 3);
    assert_eq!(indices(&three), vec![3, 1, 0]);
    assert!((three[2].1 - 1000.0 / 2f64.sqrt()).abs() < 1.0, "{three:?}");
    assert_eq!(indices(&index.nearest(&s, q, 10)), vec![3, 1, 0, 2]);
    assert!(index.nearest(&s, q, 0).is_empty());
    // Inside the triangle the distance is 0.
    assert_eq!(index.nearest(&s, pt(500.0, -500.0), 1), vec![(0, 0.0)]);
}

#[test]
fn nearest_agrees_with_a_brute_force_scan_of_exact_distances() {
    // A deterministic scatter of points, lines and polygons over a few km.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut geometries = Vec::new();
    for i in 0..300 {
        let (e, n) = (next() * 4000.0 - 2000.0, next() * 4000.0 - 2000.0);
        geometries.push(match i % 3 {
            0 => Geometry::Point(pt(e, n)),
            1 => line(&[(e, n), (e + next() * 600.0 - 300.0, n + next() * 600.0 - 300.0)]),
            _ => Geometry::Polygon(Polygon::new(
                ring(&[(e, n), (e + 400.0 * next(), n + 20.0), (e + 10.0, n + 400.0 * next())]),
                vec![],
            )),
        });
    }
    let s = sites(geometries);
    let index = SiteIndex::build(&s);
    // Queries far north and south check the box lower bound at latitudes
    // other than the one the tree frame was scaled for.
    for q in [pt(0.0, 0.0), pt(1500.0, -700.0), pt(-2500.0, 2500.0), pt(500.0, 2.0e6), pt(-500.0, -2.0e6)] {
        let mut brute = scan_by_distance(&s, q);
        assert_eq!(brute.len(), s.len());
        // With no limit on the radius, `within` finds every site, in the scan's order.
        assert_same_sites_and_distances(&index.within(&s, q, f64::INFINITY), &brute, "within ∞");
        for radius in [150.0, 600.0] {
            let inside: Vec<(usize, f64)> = brute.iter().copied().filter(|&(_, d)| d <= radius).collect();
            assert_same_sites_and_distances(&index.within(&s, q, radius), &inside, &format!("within {radius} m"));
        }
        brute.truncate(12);
        assert_same_sites_and_distances(&index.nearest(&s, q, 12), &brute, "nearest 12");
    }
}

#[test]
fn within_returns_exactly_the_sites_inside_the_radius() {
    let s = sites(vec![
        Geometry::Point(pt(0.0, 250.0)),
        Geometry::Point(pt(150.0, 0.0)),
        line(&[(-500.0, -120.0), (500.0, -120.0)]),
        square(0.0, 0.0, 20.0),
        Geometry::Point(pt(0.0, -50.0)),
        // Its box corner is about 141 m away, its edge about 212 m.
        Geometry::Polygon(Polygon::new(ring(&[(100.0, 200.0), (200.0, 100.0), (200.0, 200.0)]), vec![])),
    ]);
    let index = SiteIndex::build(&s);
    let found = index.within(&s, pt(0.0, 0.0), 200.0);
    assert_eq!(indices(&found), vec![3, 4, 2, 1]);
    let expected = [0.0, 50.0, 120.0, 150.0];
    for ((_, d), e) in found.iter().zip(expected) {
        assert!((d - e).abs() < 0.01, "{found:?}");
    }
    assert_eq!(indices(&index.within(&s, pt(0.0, 0.0), 300.0)), vec![3, 4, 2, 1, 5, 0]);
}

#[test]
fn distances_agree_with_haversine_to_well_under_a_percent_over_a_few_kilometres() {
    let s = sites(vec![Geometry::Point(pt(3000.0, 4000.0))]);
    let index = SiteIndex::build(&s);
    let from = pt(0.0, 0.0);
    let d = index.nearest(&s, from, 1)[0].1;
    let h = Haversine.distance(from, pt(3000.0, 4000.0));
    assert!((d - h).abs() / h < 0.001, "{d} vs {h}");
    assert!((d - 5000.0).abs() < 1.0, "{d}");
}

#[test]
fn sites_without_coordinates_are_left_out_and_bad_input_finds_nothing() {
    let s = sites(vec![Geometry::LineString(LineString::new(vec![])), Geometry::Point(pt(0.0, 0.0))]);
    let index = SiteIndex::build(&s);
    assert_eq!(index.len(), 1);
    assert!(!index.is_empty());
    assert!(SiteIndex::build(&[]).is_empty());
    assert!(SiteIndex::default().is_empty());
    assert!(index.pick(&s, Point::new(f64::NAN, LAT0), 5.0).is_empty());
    assert!(index.nearest(&s, Point::new(LON0, f64::INFINITY), 3).is_empty());
    assert_eq!(index.pick(&s, pt(0.0, 0.0), f64::NAN), vec![1]);
    assert!(index.within(&s, pt(1.0, 0.0), -5.0).is_empty());
    // A different, shorter slice than the one indexed: no panic, nothing found.
    assert!(index.pick(&[], pt(0.0, 0.0), 5.0).is_empty());
    assert!(index.nearest(&[], pt(0.0, 0.0), 5).is_empty());
}

#[test]
fn in_rect_is_exact_at_the_edge_at_any_latitude() {
    for lat in [LAT0, 60.3, 75.1, -41.7] {
        let lon = 118.123_456_789_012_3;
        let s = sites(vec![Geometry::Point(Point::new(lon, lat))]);
        let index = SiteIndex::build(&s);
        let touching = Rect::new(Coord { x: lon, y: lat - 0.1 }, Coord { x: lon + 0.1, y: lat + 0.1 });
        assert_eq!(index.in_rect(touching), vec![0], "a rect whose edge is the point, at {lat}°");
        let beyond = Rect::new(Coord { x: lon.next_up(), y: lat - 0.1 }, Coord { x: lon + 0.1, y: lat + 0.1 });
        assert!(index.in_rect(beyond).is_empty(), "a rect one ulp past the point, at {lat}°");
    }
}

#[test]
fn an_index_in_slabs_answers_every_query_as_one_tree_does() {
    // 3 000 points, lines and squares scattered over 6 km, on a fixed seed.
    let mut state = 11u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) % 6000) as f64 - 3000.0
    };
    let geoms: Vec<Geometry<f64>> = (0..3000)
        .map(|k| {
            let (e, n) = (next(), next());
            match k % 3 {
                0 => Geometry::Point(pt(e, n)),
                1 => line(&[(e, n), (e + 40.0, n + 25.0)]),
                _ => square(e, n, 15.0),
            }
        })
        .collect();
    let s = sites(geoms);
    let (lo, hi) = (LAT0 - 0.1, LAT0 + 0.1);
    let one = SiteIndex::build_in_slabs(&s, lo, hi, 1);
    for shards in [2, 3, 4] {
        let many = SiteIndex::build_in_slabs(&s, lo, hi, shards);
        assert_eq!(many.trees.len(), shards);
        assert_eq!(many.len(), one.len());
        for _ in 0..200 {
            let (e, n) = (next(), next());
            let p = pt(e, n);
            assert_eq!(one.nearest(&s, p, 7).len(), 7);
            assert_eq!(many.pick(&s, p, 30.0), one.pick(&s, p, 30.0), "pick at {e},{n}, {shards} slabs");
            assert_eq!(many.nearest(&s, p, 7), one.nearest(&s, p, 7), "nearest at {e},{n}, {shards} slabs");
            assert_eq!(many.within(&s, p, 250.0), one.within(&s, p, 250.0), "within at {e},{n}, {shards} slabs");
            let rect = Rect::new(at(e, n), at(e + 400.0, n + 300.0));
            assert_eq!(many.in_rect(rect), one.in_rect(rect), "in_rect at {e},{n}, {shards} slabs");
        }
    }
}
