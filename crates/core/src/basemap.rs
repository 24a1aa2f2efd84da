//! The built-in vector basemap's features as data: what each is (river,
//! wetland, road, label, …), its name and its geometry in WGS84. Read from
//! a GeoJSON FeatureCollection (the bundled
//! `assets/basemap/binzhou_basemap.geojson`, illustrative); the app draws
//! them, and anything it does not know is skipped.

use geo::{Coord, Geometry, LineString, Point, Polygon};
use serde_json::Value;

/// What a basemap feature is, from its `kind` (and `class`) property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseKind {
    /// A river or lake, as an area.
    River,
    /// A wetland, as an area.
    Wetland,
    /// A small river, as a line.
    RiverMinor,
    /// A road, as a line; `ring` for the ring roads (`class: ring`).
    Road {
        /// Whether it is a ring road.
        ring: bool,
    },
    /// A city's name.
    CityLabel,
    /// A district's or county's name.
    DistrictLabel,
    /// A named place.
    Poi,
}

/// One feature of the basemap.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseFeature {
    /// What it is.
    pub kind: BaseKind,
    /// Its `name`, if it has one.
    pub name: Option<String>,
    /// Where it is (WGS84 lon/lat).
    pub geometry: Geometry<f64>,
}

/// The features of a basemap FeatureCollection that have a known kind and
/// a geometry of the kind's type (areas: polygons; rivers and roads: lines;
/// labels: points with a name). Bytes that are no such collection give none.
pub fn read_basemap(bytes: &[u8]) -> Vec<BaseFeature> {
    let Ok(root) = serde_json::from_slice::<Value>(bytes) else {
        return Vec::new();
    };
    let Some(features) = root.get("features").and_then(Value::as_array) else {
        return Vec::new();
    };
    features.iter().filter_map(feature).collect()
}

fn feature(f: &Value) -> Option<BaseFeature> {
    let props = f.get("properties");
    let prop = |k: &str| props.and_then(|p| p.get(k)).and_then(Value::as_str);
    let name = prop("name").map(str::to_owned);
    let geometry = f.get("geometry").and_then(geometry)?;
    let kind = match (prop("kind")?, &geometry) {
        ("river", Geometry::Polygon(_)) => BaseKind::River,
        ("wetland", Geometry::Polygon(_)) => BaseKind::Wetland,
        ("river_minor", Geometry::LineString(_)) => BaseKind::RiverMinor,
        ("road", Geometry::LineString(_)) => BaseKind::Road { ring: prop("class") == Some("ring") },
        ("city_label", Geometry::Point(_)) if name.is_some() => BaseKind::CityLabel,
        ("district_label", Geometry::Point(_)) if name.is_some() => BaseKind::DistrictLabel,
        ("poi", Geometry::Point(_)) if name.is_some() => BaseKind::Poi,
        _ => return None,
    };
    Some(BaseFeature { kind, name, geometry })
}

/// A point, line or polygon in GeoJSON's coordinates.
fn geometry(g: &Value) -> Option<Geometry<f64>> {
    fn coord(v: &Value) -> Option<Coord<f64>> {
        let a = v.as_array()?;
        Some(Coord { x: a.first()?.as_f64()?, y: a.get(1)?.as_f64()? })
    }
    fn line(v: &Value) -> Option<LineString<f64>> {
        v.as_array()?.iter().map(coord).collect::<Option<Vec<_>>>().map(LineString::from)
    }
    let c = g.get("coordinates")?;
    match g.get("type")?.as_str()? {
        "Point" => coord(c).map(|c| Geometry::Point(Point::from(c))),
        "LineString" => line(c).map(Geometry::LineString),
        "Polygon" => {
            let mut rings = c.as_array()?.iter().map(line).collect::<Option<Vec<_>>>()?.into_iter();
            let exterior = rings.next()?;
            Some(Geometry::Polygon(Polygon::new(exterior, rings.collect())))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_kinds_are_read_and_the_rest_skipped() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"kind":"road","class":"ring","name":"外环"},
           "geometry":{"type":"LineString","coordinates":[[118.0,37.4],[118.1,37.4]]}},
          {"type":"Feature","properties":{"kind":"district_label","name":"滨城区"},
           "geometry":{"type":"Point","coordinates":[118.0,37.38]}},
          {"type":"Feature","properties":{"kind":"poi"},
           "geometry":{"type":"Point","coordinates":[118.0,37.38]}},
          {"type":"Feature","properties":{"kind":"lamp"},
           "geometry":{"type":"Point","coordinates":[118.0,37.38]}},
          {"type":"Feature","properties":{"kind":"river"},
           "geometry":{"type":"Polygon","coordinates":[[[118,37],[118.1,37],[118.1,37.1],[118,37]]]}}
        ]}"#;
        let got = read_basemap(text.as_bytes());
        let kinds: Vec<BaseKind> = got.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [BaseKind::Road { ring: true }, BaseKind::DistrictLabel, BaseKind::River]);
        assert_eq!(got[1].name.as_deref(), Some("滨城区"));
    }

    #[test]
    fn bytes_that_are_no_collection_give_no_features() {
        assert!(read_basemap(b"not json").is_empty());
        assert!(read_basemap(br#"{"type":"Feature"}"#).is_empty());
    }
}
