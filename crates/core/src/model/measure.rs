//! Geodesic measures of site geometries on the WGS84 ellipsoid.

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

/// Area in square metres of the areal parts of a geometry (0 for points and lines).
pub fn area_m2(g: &Geometry<f64>) -> f64 {
    match g {
        Geometry::Polygon(p) => p.geodesic_area_unsigned(),
        Geometry::MultiPolygon(p) => p.geodesic_area_unsigned(),
        Geometry::Rect(r) => r.geodesic_area_unsigned(),
        Geometry::Triangle(t) => t.geodesic_area_unsigned(),
        Geometry::GeometryCollection(c) => c.iter().map(area_m2).sum(),
        _ => 0.0,
    }
}
