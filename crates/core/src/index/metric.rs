//! Exact distances in metres from a query position to site geometries.
//!
//! Distances are measured in a local equirectangular frame centred on the
//! query position: `x = Δlon·cos(lat₀)·R`, `y = Δlat·R` (angles in radians,
//! `R` the mean Earth radius). Over the few kilometres that picking and
//! proximity queries span, this is good to well under 1 % of the geodesic
//! distance, and unlike a geodesic it makes point-to-segment distances a
//! matter of plane geometry. It does not handle the antimeridian or the
//! poles, neither of which is near Binzhou.

use geo::{Coord, Geometry, Intersects, LineString, Polygon};

/// Mean Earth radius (IUGG), in metres.
pub(super) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres along a meridian per degree of latitude.
pub(super) const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// The smallest cosine of latitude used for scaling longitudes, so that
/// positions at (or past) the poles never divide by zero.
pub(super) const MIN_COS_LAT: f64 = 1e-9;

/// The cosine of a latitude in degrees, kept positive.
pub(super) fn cos_lat(lat_deg: f64) -> f64 {
    lat_deg.to_radians().cos().max(MIN_COS_LAT)
}

/// A local metric frame centred on a query position.
#[derive(Clone, Copy, Debug)]
pub(super) struct LocalFrame {
    origin: Coord<f64>,
    /// Metres per degree of longitude at the origin's latitude.
    mx: f64,
    /// Metres per degree of latitude.
    my: f64,
}

impl LocalFrame {
    /// A frame centred on `origin` (lon/lat degrees).
    pub(super) fn around(origin: Coord<f64>) -> Self {
        LocalFrame { origin, mx: METRES_PER_DEGREE * cos_lat(origin.y), my: METRES_PER_DEGREE }
    }

    /// A lon/lat position in metres east and north of the origin.
    fn project(&self, c: Coord<f64>) -> (f64, f64) {
        ((c.x - self.origin.x) * self.mx, (c.y - self.origin.y) * self.my)
    }

    /// Distance in metres from the origin to a position.
    fn dist_coord(&self, c: Coord<f64>) -> f64 {
        let (x, y) = self.project(c);
        x.hypot(y)
    }

    /// Distance in metres from the origin to the segment `a`–`b`.
    fn dist_segment(&self, a: Coord<f64>, b: Coord<f64>) -> f64 {
        let (ax, ay) = self.project(a);
        let (bx, by) = self.project(b);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        // The parameter along a→b of the foot of the perpendicular from the origin.
        let t = if len2 > 0.0 { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        (ax + t * dx).hypot(ay + t * dy)
    }

    /// Distance in metres from the origin to a chain of segments (a single
    /// coordinate counts as a point; an empty chain is infinitely far).
    fn dist_chain(&self, coords: &[Coord<f64>]) -> f64 {
        match coords {
            [] => f64::INFINITY,
            [only] => self.dist_coord(*only),
            _ => coords.windows(2).map(|w| self.dist_segment(w[0], w[1])).fold(f64::INFINITY, f64::min),
        }
    }

    fn dist_line_string(&self, l: &LineString<f64>) -> f64 {
        self.dist_chain(&l.0)
    }

    /// Distance in metres from the origin to a polygon: 0 inside it or on its
    /// boundary (a hole's interior is outside), otherwise the distance to the
    /// nearest ring.
    fn dist_polygon(&self, p: &Polygon<f64>) -> f64 {
        if p.exterior().0.is_empty() {
            return f64::INFINITY;
        }
        if p.intersects(&self.origin) {
            return 0.0;
        }
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|ring| self.dist_line_string(ring))
            .fold(f64::INFINITY, f64::min)
    }

    /// How far the origin is from the linear and the areal parts of a geometry.
    pub(super) fn reach(&self, g: &Geometry<f64>) -> Reach {
        match g {
            Geometry::Point(p) => Reach::linear(self.dist_coord(p.0)),
            Geometry::MultiPoint(mp) => {
                Reach::linear(mp.iter().map(|p| self.dist_coord(p.0)).fold(f64::INFINITY, f64::min))
            }
            Geometry::Line(l) => Reach::linear(self.dist_segment(l.start, l.end)),
            Geometry::LineString(l) => Reach::linear(self.dist_line_string(l)),
            Geometry::MultiLineString(ml) => {
                Reach::linear(ml.iter().map(|l| self.dist_line_string(l)).fold(f64::INFINITY, f64::min))
            }
            Geometry::Polygon(p) => Reach::areal(self.dist_polygon(p)),
            Geometry::MultiPolygon(mp) => {
                Reach::areal(mp.iter().map(|p| self.dist_polygon(p)).fold(f64::INFINITY, f64::min))
            }
            Geometry::Rect(r) => Reach::areal(self.dist_polygon(&r.to_polygon())),
            Geometry::Triangle(t) => Reach::areal(self.dist_polygon(&t.to_polygon())),
            Geometry::GeometryCollection(gc) => gc.iter().map(|g| self.reach(g)).fold(Reach::NOWHERE, Reach::merge),
        }
    }
}

/// Distances in metres from a position to the parts of a geometry: its points
/// and lines, and its polygons (0 when inside one). A part the geometry does
/// not have is infinitely far; NaN distances are treated as infinite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Reach {
    pub(super) linear: f64,
    pub(super) areal: f64,
}

impl Reach {
    const NOWHERE: Reach = Reach { linear: f64::INFINITY, areal: f64::INFINITY };

    fn linear(d: f64) -> Self {
        Reach { linear: finite_or_inf(d), ..Self::NOWHERE }
    }

    fn areal(d: f64) -> Self {
        Reach { areal: finite_or_inf(d), ..Self::NOWHERE }
    }

    fn merge(self, other: Reach) -> Reach {
        Reach { linear: self.linear.min(other.linear), areal: self.areal.min(other.areal) }
    }

    /// The distance to the nearest part of any kind.
    pub(super) fn nearest(self) -> f64 {
        self.linear.min(self.areal)
    }
}

fn finite_or_inf(d: f64) -> f64 {
    if d.is_nan() { f64::INFINITY } else { d }
}
