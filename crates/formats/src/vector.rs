//! Features as the Shapefile and GeoPackage readers build them — 2D
//! positions in the file's own coordinates and JSON properties in the file's
//! field order — and the GeoJSON FeatureCollection they hand to the core.

use binzhou_core::model::{Code, Msg, Problem, Severity};
use serde_json::{Map, Value, json};

use crate::prj::Reprojection;

/// A position: x (easting or longitude), y (northing or latitude).
pub(crate) type Pos = [f64; 2];

/// A 2D geometry (Z and M are dropped when read).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Geom {
    Point(Pos),
    MultiPoint(Vec<Pos>),
    LineString(Vec<Pos>),
    MultiLineString(Vec<Vec<Pos>>),
    /// Rings: the outer one first, then its holes.
    Polygon(Vec<Vec<Pos>>),
    MultiPolygon(Vec<Vec<Vec<Pos>>>),
    Collection(Vec<Geom>),
}

impl Geom {
    /// The geometry as a GeoJSON geometry object.
    pub fn to_json(&self) -> Value {
        let ring = |r: &[Pos]| Value::Array(r.iter().map(|p| json!([p[0], p[1]])).collect());
        let rings = |rs: &[Vec<Pos>]| Value::Array(rs.iter().map(|r| ring(r)).collect());
        match self {
            Geom::Point(p) => json!({"type": "Point", "coordinates": [p[0], p[1]]}),
            Geom::MultiPoint(ps) => json!({"type": "MultiPoint", "coordinates": ring(ps)}),
            Geom::LineString(ps) => json!({"type": "LineString", "coordinates": ring(ps)}),
            Geom::MultiLineString(ls) => json!({"type": "MultiLineString", "coordinates": rings(ls)}),
            Geom::Polygon(rs) => json!({"type": "Polygon", "coordinates": rings(rs)}),
            Geom::MultiPolygon(ps) => json!({
                "type": "MultiPolygon",
                "coordinates": Value::Array(ps.iter().map(|p| rings(p)).collect()),
            }),
            Geom::Collection(gs) => json!({
                "type": "GeometryCollection",
                "geometries": Value::Array(gs.iter().map(Geom::to_json).collect()),
            }),
        }
    }

    /// Every position, mutably.
    fn positions_mut(&mut self) -> Vec<&mut Pos> {
        match self {
            Geom::Point(p) => vec![p],
            Geom::MultiPoint(ps) | Geom::LineString(ps) => ps.iter_mut().collect(),
            Geom::MultiLineString(ls) | Geom::Polygon(ls) => ls.iter_mut().flatten().collect(),
            Geom::MultiPolygon(ps) => ps.iter_mut().flatten().flatten().collect(),
            Geom::Collection(gs) => gs.iter_mut().flat_map(Geom::positions_mut).collect(),
        }
    }

    /// Replaces every position by `f` of it; stops at the first failure.
    pub fn try_map(&mut self, f: &impl Fn(f64, f64) -> Result<(f64, f64), Msg>) -> Result<(), Msg> {
        for p in self.positions_mut() {
            let (x, y) = f(p[0], p[1])?;
            *p = [x, y];
        }
        Ok(())
    }

    /// The first position that is not a finite number, if any.
    pub fn non_finite(&mut self) -> Option<Pos> {
        self.positions_mut().into_iter().find(|p| !p[0].is_finite() || !p[1].is_finite()).map(|p| *p)
    }
}

impl Geom {
    /// A site's geometry (WGS84 lon/lat) in this form; rectangles and
    /// triangles become polygons, a line a line string.
    pub fn from_geo(g: &geo::Geometry<f64>) -> Geom {
        use geo::Geometry as G;
        let line = |l: &geo::LineString<f64>| l.0.iter().map(|c| [c.x, c.y]).collect::<Vec<Pos>>();
        let polygon = |p: &geo::Polygon<f64>| {
            std::iter::once(p.exterior()).chain(p.interiors()).map(line).filter(|r| !r.is_empty()).collect::<Vec<_>>()
        };
        match g {
            G::Point(p) => Geom::Point([p.x(), p.y()]),
            G::MultiPoint(ps) => Geom::MultiPoint(ps.0.iter().map(|p| [p.x(), p.y()]).collect()),
            G::Line(l) => Geom::LineString(vec![[l.start.x, l.start.y], [l.end.x, l.end.y]]),
            G::LineString(l) => Geom::LineString(line(l)),
            G::MultiLineString(ls) => Geom::MultiLineString(ls.0.iter().map(line).collect()),
            G::Polygon(p) => Geom::Polygon(polygon(p)),
            G::MultiPolygon(ps) => Geom::MultiPolygon(ps.0.iter().map(polygon).collect()),
            G::Rect(r) => Geom::Polygon(polygon(&r.to_polygon())),
            G::Triangle(t) => Geom::Polygon(polygon(&t.to_polygon())),
            G::GeometryCollection(gs) => Geom::Collection(gs.0.iter().map(Geom::from_geo).collect()),
        }
    }

    /// Whether the geometry has no positions at all.
    pub fn is_empty(&self) -> bool {
        match self {
            Geom::Point(_) => false,
            Geom::MultiPoint(ps) | Geom::LineString(ps) => ps.is_empty(),
            Geom::MultiLineString(ls) | Geom::Polygon(ls) => ls.iter().all(Vec::is_empty),
            Geom::MultiPolygon(ps) => ps.iter().flatten().all(Vec::is_empty),
            Geom::Collection(gs) => gs.iter().all(Geom::is_empty),
        }
    }

    /// The bounding box `[min x, min y, max x, max y]`, `None` when empty.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut b: Option<[f64; 4]> = None;
        self.for_each(&mut |p| {
            let e = b.get_or_insert([p[0], p[1], p[0], p[1]]);
            *e = [e[0].min(p[0]), e[1].min(p[1]), e[2].max(p[0]), e[3].max(p[1])];
        });
        b
    }

    /// Calls `f` with every position.
    fn for_each(&self, f: &mut impl FnMut(Pos)) {
        match self {
            Geom::Point(p) => f(*p),
            Geom::MultiPoint(ps) | Geom::LineString(ps) => ps.iter().for_each(|p| f(*p)),
            Geom::MultiLineString(ls) | Geom::Polygon(ls) => ls.iter().flatten().for_each(|p| f(*p)),
            Geom::MultiPolygon(ps) => ps.iter().flatten().flatten().for_each(|p| f(*p)),
            Geom::Collection(gs) => gs.iter().for_each(|g| g.for_each(f)),
        }
    }
}

/// One feature: properties in field order, and its geometry (`None` for a
/// null shape, or one that could not be read).
#[derive(Debug, Clone, Default)]
pub(crate) struct Feature {
    pub properties: Map<String, Value>,
    pub geometry: Option<Geom>,
}

/// A problem at one feature (and field) of a file.
pub(crate) fn problem(severity: Severity, file: &str, feature: usize, field: Option<&str>, code: Code) -> Problem {
    let mut p = Problem::file_level(severity, file, code);
    p.feature = Some(feature);
    p.field = field.map(str::to_owned);
    p
}

/// Drops the geometry of features with NaN or infinite positions, with an
/// error each, so that the core is never handed a non-number.
pub(crate) fn drop_non_finite(features: &mut [Feature], file: &str, problems: &mut Vec<Problem>) {
    for (i, f) in features.iter_mut().enumerate() {
        if let Some([x, y]) = f.geometry.as_mut().and_then(Geom::non_finite) {
            f.geometry = None;
            problems.push(problem(
                Severity::Error,
                file,
                i,
                Some("geometry"),
                Code::FeatureUnreadable {
                    detail: Msg::new(
                        format!("the geometry has a position ({x}, {y}) that is not a finite number; it was left out"),
                        format!("几何图形中有非有限数的坐标 ({x}, {y})，已略去该几何"),
                    ),
                },
            ));
        }
    }
}

/// Converts every feature to WGS84 with `r`; a feature that cannot be
/// converted loses its geometry, with an error naming it.
pub(crate) fn reproject(features: &mut [Feature], r: &Reprojection, file: &str, problems: &mut Vec<Problem>) {
    for (i, f) in features.iter_mut().enumerate() {
        let Some(g) = f.geometry.as_mut() else { continue };
        if let Err(detail) = g.try_map(&|x, y| r.to_wgs84(x, y)) {
            f.geometry = None;
            problems.push(problem(
                Severity::Error,
                file,
                i,
                Some("geometry"),
                Code::CrsConversionFailed { crs: r.label().en.clone(), detail },
            ));
        }
    }
}

/// A GeoJSON FeatureCollection of the features, one per line.
pub(crate) fn feature_collection(name: &str, features: &[Feature]) -> Vec<u8> {
    let mut out = Vec::with_capacity(features.len() * 256 + 64);
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"name\":");
    out.extend_from_slice(Value::from(name).to_string().as_bytes());
    out.extend_from_slice(b",\"features\":[");
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        let feature = json!({
            "type": "Feature",
            "properties": Value::Object(f.properties.clone()),
            "geometry": f.geometry.as_ref().map_or(Value::Null, Geom::to_json),
        });
        out.extend_from_slice(feature.to_string().as_bytes());
    }
    out.extend_from_slice(b"\n]}\n");
    out
}

/// Signed area of a ring (shoelace): positive when counter-clockwise.
pub(crate) fn signed_area(ring: &[Pos]) -> f64 {
    if ring.len() < 3 {
        return 0.0;
    }
    let mut sum = 0.0;
    for w in ring.windows(2) {
        sum += w[0][0] * w[1][1] - w[1][0] * w[0][1];
    }
    let (first, last) = (ring[0], ring[ring.len() - 1]);
    sum += last[0] * first[1] - first[0] * last[1];
    sum / 2.0
}

/// Whether `p` lies inside `ring` (even-odd rule).
pub(crate) fn ring_contains(ring: &[Pos], p: Pos) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_and_containment() {
        let ccw = vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]];
        assert_eq!(signed_area(&ccw), 16.0);
        let cw: Vec<Pos> = ccw.iter().rev().copied().collect();
        assert_eq!(signed_area(&cw), -16.0);
        assert!(ring_contains(&cw, [1.0, 1.0]));
        assert!(!ring_contains(&cw, [5.0, 1.0]));
    }

    #[test]
    fn features_become_one_geojson_line_each() {
        let mut props = Map::new();
        props.insert("name".into(), "滨城区口袋公园".into());
        let fs = [Feature { properties: props, geometry: Some(Geom::Point([118.0, 37.4])) }, Feature::default()];
        let text = String::from_utf8(feature_collection("a", &fs)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["features"][0]["properties"]["name"], "滨城区口袋公园");
        assert_eq!(v["features"][1]["geometry"], Value::Null);
        assert_eq!(text.lines().count(), 4);
    }
}
