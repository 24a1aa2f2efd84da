//! Geodesic measures of site geometries on the WGS84 ellipsoid.

use geo::orient::{Direction, Orient};
use geo::{Geodesic, GeodesicArea, Geometry, Length};

/// Length in kilometres of the linear parts of a geometry (0 for points and polygons).
///
/// ```
/// use geo::{Geometry, line_string};
/// let l = Geometry::LineString(line_string![(x: 118.0, y: 37.38), (x: 118.01, y: 37.38)]);
/// let km = binzhou_core::model::measure::length_km(&l);
/// assert!((km - 0.885).abs() < 0.01, "{km}");
/// ```
pub fn length_km(g: &Geometry<f64>) -> f64 {
    let m = match g {
        Geometry::Line(l) => Geodesic.length(l),
        Geometry::LineString(l) => Geodesic.length(l),
        Geometry::MultiLineString(l) => Geodesic.length(l),
        Geometry::GeometryCollection(c) => return c.iter().map(length_km).sum(),
        _ => 0.0,
    };
    m / 1000.0
}

/// Area in square metres of the areal parts of a geometry (0 for points and
/// lines), whichever way its rings run. (RFC 7946 asks writers for
/// counter-clockwise outer rings, but readers must take both; the geodesic
/// area of a clockwise ring as given would be the rest of the Earth.)
pub fn area_m2(g: &Geometry<f64>) -> f64 {
    match g {
        Geometry::Polygon(p) => p.orient(Direction::Default).geodesic_area_unsigned(),
        Geometry::MultiPolygon(p) => p.orient(Direction::Default).geodesic_area_unsigned(),
        Geometry::Rect(r) => r.geodesic_area_unsigned(),
        Geometry::Triangle(t) => t.geodesic_area_unsigned(),
        Geometry::GeometryCollection(c) => c.iter().map(area_m2).sum(),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use geo::{Coord, LineString, MultiPolygon, Polygon};

    use super::*;

    /// A lon/lat box as a ring, counter-clockwise or clockwise.
    fn ring(w: f64, s: f64, e: f64, n: f64, ccw: bool) -> LineString<f64> {
        let mut c = vec![(w, s), (e, s), (e, n), (w, n), (w, s)];
        if !ccw {
            c.reverse();
        }
        LineString::from(c.into_iter().map(|(x, y)| Coord { x, y }).collect::<Vec<_>>())
    }

    /// Ellipsoidal areas of the same boxes between parallels and meridians,
    /// from the closed formula (edges along parallels differ from geodesics
    /// by centimetres at this size).
    const BOX_M2: f64 = 982_633.96;
    const HOLE_M2: f64 = 353_748.23;
    const COUNTY_M2: f64 = 2_198_677_183.1;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() / b < 1e-4
    }

    #[test]
    fn a_polygon_has_the_same_area_whichever_way_its_rings_run() {
        for outer_ccw in [true, false] {
            let p = Polygon::new(ring(118.0, 37.40, 118.01, 37.41, outer_ccw), vec![]);
            let a = area_m2(&Geometry::Polygon(p));
            assert!(close(a, BOX_M2), "outer ring ccw={outer_ccw}: {a} m²");
        }
    }

    #[test]
    fn a_hole_is_taken_away_whichever_way_it_and_its_outer_ring_run() {
        for (outer_ccw, hole_ccw) in [(true, false), (true, true), (false, false), (false, true)] {
            let p = Polygon::new(
                ring(118.0, 37.40, 118.01, 37.41, outer_ccw),
                vec![ring(118.002, 37.402, 118.008, 37.408, hole_ccw)],
            );
            let a = area_m2(&Geometry::Polygon(p));
            assert!(close(a, BOX_M2 - HOLE_M2), "outer ccw={outer_ccw}, hole ccw={hole_ccw}: {a} m²");
        }
    }

    #[test]
    fn a_county_sized_clockwise_multipolygon_is_about_two_thousand_square_kilometres() {
        let mp = MultiPolygon::new(vec![Polygon::new(ring(117.6, 37.6, 118.1, 38.05, false), vec![])]);
        let a = area_m2(&Geometry::MultiPolygon(mp));
        assert!(close(a, COUNTY_M2), "{a} m²");
    }
}
