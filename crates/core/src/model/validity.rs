//! Why a geometry is invalid, if it is: `geo`'s validation, behind a quick
//! proof that a one-ring polygon is valid, which settles the common case.
//!
//! `geo` tests every pair of a ring's segments against each other, which is
//! quadratic: a district boundary with 10 000 vertices costs 10⁸ segment
//! tests. Here the segments are swept in order of their left edge and only
//! pairs whose boxes meet get `geo`'s own segment test; neighbours along the
//! ring are skipped, as `geo` skips them. Anything less clear-cut (holes, a
//! crossing, repeated or non-finite points) is left to `geo`, which also
//! words the message.

use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::{Coord, Geometry, Intersects, Line, Polygon, Validation};

use super::Msg;

/// The first reason `g` is invalid (a self-crossing ring and the like), in
/// `geo`'s words; `None` when it is valid. Only polygons are checked.
///
/// ```
/// use binzhou_core::model::validity::invalidity;
/// use geo::{Geometry, polygon};
///
/// let square = polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)];
/// assert_eq!(invalidity(&Geometry::Polygon(square)), None);
/// let bow_tie = polygon![(x: 0., y: 0.), (x: 1., y: 1.), (x: 1., y: 0.), (x: 0., y: 1.)];
/// assert!(invalidity(&Geometry::Polygon(bow_tie)).unwrap().contains("self-intersection"));
/// ```
pub fn invalidity(g: &Geometry<f64>) -> Option<String> {
    invalidity_in_both(g).map(|m| m.en)
}

/// [`invalidity`] in English (`geo`'s words, which count from 0) and in
/// Chinese (which counts rings, polygons and points from 1, as people do).
///
/// ```
/// use binzhou_core::model::validity::invalidity_in_both;
/// use geo::{Geometry, polygon};
/// let bow_tie = polygon![(x: 0., y: 0.), (x: 1., y: 1.), (x: 1., y: 0.), (x: 0., y: 1.)];
/// assert_eq!(invalidity_in_both(&Geometry::Polygon(bow_tie)).unwrap().zh, "外环自相交");
/// ```
pub fn invalidity_in_both(g: &Geometry<f64>) -> Option<Msg> {
    match g {
        Geometry::Polygon(p) if surely_valid(p) => None,
        Geometry::MultiPolygon(mp) if mp.0.len() == 1 && surely_valid(&mp.0[0]) => None,
        Geometry::Polygon(p) => p.check_validation().err().map(|e| Msg::new(e.to_string(), polygon_zh(&e))),
        Geometry::MultiPolygon(p) => p.check_validation().err().map(|e| {
            let zh = match &e {
                InvalidMultiPolygon::InvalidPolygon(i, why) => format!("第 {} 个多边形：{}", i.0 + 1, polygon_zh(why)),
                InvalidMultiPolygon::ElementsOverlaps(a, b) => format!("第 {} 与第 {} 个多边形重叠", a.0 + 1, b.0 + 1),
                InvalidMultiPolygon::ElementsTouchOnALine(a, b) => {
                    format!("第 {} 与第 {} 个多边形沿线相接", a.0 + 1, b.0 + 1)
                }
            };
            Msg::new(e.to_string(), zh)
        }),
        _ => None,
    }
}

fn ring_zh(r: &RingRole) -> String {
    match r {
        RingRole::Exterior => "外环".into(),
        RingRole::Interior(i) => format!("第 {} 个内环", i + 1),
    }
}

fn polygon_zh(e: &InvalidPolygon) -> String {
    match e {
        InvalidPolygon::TooFewPointsInRing(r) => format!("{}不足 3 个不同的顶点", ring_zh(r)),
        InvalidPolygon::SelfIntersection(r) => format!("{}自相交", ring_zh(r)),
        InvalidPolygon::NonFiniteCoord(r, i) => format!("{}第 {} 个坐标不是有限数", ring_zh(r), i.0 + 1),
        InvalidPolygon::InteriorRingNotContainedInExteriorRing(r) => format!("{}不在外环之内", ring_zh(r)),
        InvalidPolygon::IntersectingRingsOnALine(a, b) => format!("{}与{}沿线相交", ring_zh(a), ring_zh(b)),
        InvalidPolygon::IntersectingRingsOnAnArea(a, b) => format!("{}与{}面状相交", ring_zh(a), ring_zh(b)),
    }
}

/// True when `geo`'s validation is certain to find nothing wrong with
/// `polygon`. False means "not proven", not "invalid".
fn surely_valid(polygon: &Polygon<f64>) -> bool {
    if polygon.interiors().iter().any(|r| !r.0.is_empty()) {
        return false;
    }
    let ring = &polygon.exterior().0;
    if ring.is_empty() {
        return true;
    }
    // Closed, at least a triangle, finite, no point repeated in a row.
    if ring.len() < 4
        || ring.first() != ring.last()
        || ring.iter().any(|c| !c.x.is_finite() || !c.y.is_finite())
        || ring.windows(2).any(|w| w[0] == w[1])
    {
        return false;
    }
    no_crossing_segments(ring)
}

/// A segment's box, and its position in the ring.
struct Seg {
    min: Coord<f64>,
    max: Coord<f64>,
    at: usize,
}

/// True when no two segments that are not neighbours along the closed ring
/// meet (touching counts as meeting).
fn no_crossing_segments(ring: &[Coord<f64>]) -> bool {
    let n = ring.len() - 1; // segments; the last point repeats the first
    let mut segs: Vec<Seg> = ring
        .windows(2)
        .enumerate()
        .map(|(at, w)| Seg {
            min: Coord { x: w[0].x.min(w[1].x), y: w[0].y.min(w[1].y) },
            max: Coord { x: w[0].x.max(w[1].x), y: w[0].y.max(w[1].y) },
            at,
        })
        .collect();
    segs.sort_unstable_by(|a, b| a.min.x.total_cmp(&b.min.x));
    let neighbours = |i: usize, j: usize| {
        let d = i.abs_diff(j);
        d <= 1 || d == n - 1
    };
    for (k, a) in segs.iter().enumerate() {
        for b in &segs[k + 1..] {
            if b.min.x > a.max.x {
                break; // sorted by left edge: no later box reaches back to `a`
            }
            if b.min.y <= a.max.y
                && a.min.y <= b.max.y
                && !neighbours(a.at, b.at)
                && Line::new(ring[a.at], ring[a.at + 1]).intersects(&Line::new(ring[b.at], ring[b.at + 1]))
            {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, polygon};

    fn ring_polygon(points: &[(f64, f64)]) -> Polygon<f64> {
        let mut ls: LineString<f64> = points.iter().copied().collect();
        ls.close();
        Polygon::new(ls, vec![])
    }

    /// A wobbly circle with `n` vertices, like a pocket park or a village.
    fn blob(n: usize, seed: u64) -> Polygon<f64> {
        let mut state = seed;
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let wobble = 0.8 + 0.4 * ((state >> 33) as f64 / (1u64 << 31) as f64);
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                (118.0 + 0.001 * wobble * t.cos(), 37.4 + 0.001 * wobble * t.sin())
            })
            .collect();
        ring_polygon(&pts)
    }

    #[test]
    fn ordinary_shapes_are_proven_valid_without_geo() {
        assert!(surely_valid(&polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 0., y: 1.), (x: 0., y: 0.)]));
        for n in [4, 16, 64, 5000] {
            let p = blob(n, n as u64);
            assert!(p.is_valid(), "the test shape itself");
            assert!(surely_valid(&p), "{n} vertices");
        }
    }

    #[test]
    fn a_bow_tie_is_not_proven_and_geo_finds_the_crossing() {
        let p = ring_polygon(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.)]);
        assert!(!surely_valid(&p));
        assert!(!p.is_valid());
    }

    #[test]
    fn holes_repeats_and_bad_numbers_are_left_to_geo() {
        let hole: LineString<f64> = vec![(0.2, 0.2), (0.4, 0.2), (0.2, 0.4), (0.2, 0.2)].into();
        let with_hole = Polygon::new(ring_polygon(&[(0., 0.), (1., 0.), (0., 1.)]).exterior().clone(), vec![hole]);
        assert!(!surely_valid(&with_hole));
        assert!(!surely_valid(&ring_polygon(&[(0., 0.), (1., 0.), (1., 0.), (0., 1.)])));
        assert!(!surely_valid(&ring_polygon(&[(0., 0.), (f64::NAN, 0.), (0., 1.)])));
        assert!(!surely_valid(&ring_polygon(&[(0., 0.), (1., 0.)])));
    }

    #[test]
    fn whatever_is_proven_valid_geo_finds_valid_too() {
        // Random small rings, many of them self-crossing.
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % 8) as f64
        };
        let mut proven = 0;
        for _ in 0..20_000 {
            let n = 3 + (next() as usize);
            let pts: Vec<(f64, f64)> = (0..n).map(|_| (next(), next())).collect();
            let p = ring_polygon(&pts);
            if surely_valid(&p) {
                proven += 1;
                assert!(p.is_valid(), "proven valid but geo disagrees: {p:?}");
            }
        }
        assert!(proven > 100, "the check proves some random rings valid ({proven})");
    }
}
