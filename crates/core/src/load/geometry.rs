//! Reads a GeoJSON geometry object straight into `geo` types, through a
//! serde visitor that never builds a JSON tree of the coordinates.

use std::fmt;

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::feature::both;

/// Deepest coordinates array GeoJSON has (MultiPolygon): anything deeper is refused.
const MAX_COORD_HEIGHT: usize = 3;
/// How deep GeometryCollections may nest.
const MAX_COLLECTION_DEPTH: u32 = 8;

/// Something doubtful about a geometry that did not stop it from loading.
#[derive(Debug, Clone, PartialEq)]
pub enum GeomNote {
    /// A ring whose last position differed from its first; it was closed.
    RingClosed { ring: usize },
}

/// A parsed geometry, or `None` for `"geometry": null`.
#[derive(Debug, Default)]
pub struct ParsedGeometry {
    pub geometry: Option<Geometry<f64>>,
    pub notes: Vec<GeomNote>,
}

/// Positions of one `coordinates` member, flattened, with the ends of each
/// nesting level recorded as the arrays close.
#[derive(Default, Debug)]
struct CoordBuf {
    pts: Vec<Coord<f64>>,
    /// ends[h-1]: for each closed array of height h, the length of level h-1
    /// at that moment (level 0 = `pts`).
    ends: [Vec<u32>; MAX_COORD_HEIGHT],
}

enum Elem {
    Num(f64),
    /// An array of this height (0 = a position), or None when empty.
    Arr(Option<usize>),
}

struct CoordSeed<'a> {
    buf: &'a mut CoordBuf,
}

impl<'de> DeserializeSeed<'de> for CoordSeed<'_> {
    type Value = Elem;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Elem, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordSeed<'_> {
    type Value = Elem;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or an array of coordinates")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Elem, E> {
        Ok(Elem::Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Elem, E> {
        Ok(Elem::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Elem, E> {
        Ok(Elem::Num(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Elem, E> {
        Err(E::custom(both(
            format!("coordinate \"{v}\" is a string, not a number"),
            format!("坐标“{v}”是文本，不是数字"),
        )))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Elem, E> {
        Err(E::custom(both("coordinate is null, not a number", "坐标为 null，不是数字")))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Elem, E> {
        Err(E::custom(both("coordinate is true/false, not a number", "坐标是 true/false，不是数字")))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Elem, A::Error> {
        Err(de::Error::custom(both("coordinates contain an object", "坐标中含有对象")))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Elem, A::Error> {
        let buf = self.buf;
        let mut height: Option<usize> = None;
        let mut nums = [0f64; 2];
        let mut n = 0usize;
        while let Some(e) = seq.next_element_seed(CoordSeed { buf: &mut *buf })? {
            match e {
                Elem::Num(v) => {
                    if height.is_some_and(|h| h != 0) {
                        return Err(de::Error::custom(both(
                            "an array mixes numbers and arrays",
                            "同一数组中混有数字和数组",
                        )));
                    }
                    height = Some(0);
                    if n < 2 {
                        nums[n] = v;
                    }
                    n += 1;
                }
                Elem::Arr(None) => {}
                Elem::Arr(Some(ch)) => {
                    let h = ch + 1;
                    if height.is_some_and(|x| x != h) {
                        return Err(de::Error::custom(both(
                            "coordinate arrays of different depths are mixed",
                            "坐标数组的嵌套层数不一致",
                        )));
                    }
                    if h > MAX_COORD_HEIGHT {
                        return Err(de::Error::custom(both(
                            "coordinates are nested deeper than any GeoJSON geometry (more than 4 levels)",
                            "坐标嵌套深于任何 GeoJSON 几何（超过 4 层）",
                        )));
                    }
                    height = Some(h);
                }
            }
        }
        match height {
            Some(0) => {
                if n < 2 {
                    return Err(de::Error::custom(both(
                        "a position has fewer than 2 numbers",
                        "一个位置的数字少于 2 个",
                    )));
                }
                buf.pts.push(Coord { x: nums[0], y: nums[1] });
            }
            Some(h) => {
                let below = if h == 1 { buf.pts.len() } else { buf.ends[h - 2].len() };
                buf.ends[h - 1].push(below as u32);
            }
            None => {}
        }
        Ok(Elem::Arr(height))
    }
}

/// A geometry object's members as read, in whatever order they came.
struct GeomSeed {
    depth: u32,
}

#[derive(Default)]
struct GeomParts<'de> {
    kind: Option<std::borrow::Cow<'de, str>>,
    coords: Option<(CoordBuf, Option<usize>)>,
    members: Option<Vec<ParsedGeometry>>,
}

impl<'de> DeserializeSeed<'de> for GeomSeed {
    type Value = ParsedGeometry;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<ParsedGeometry, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeomSeed {
    type Value = ParsedGeometry;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<ParsedGeometry, E> {
        Ok(ParsedGeometry::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<ParsedGeometry, E> {
        Ok(ParsedGeometry::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParsedGeometry, A::Error> {
        let mut parts = GeomParts::default();
        while let Some(key) = map.next_key::<KeyStr>()? {
            match key.0.as_ref() {
                "type" => parts.kind = Some(map.next_value::<KeyStr>()?.0),
                "coordinates" => {
                    // Room for a typical line or ring, so it rarely grows.
                    let mut buf = CoordBuf { pts: Vec::with_capacity(32), ..CoordBuf::default() };
                    let h = map.next_value_seed(RootCoords { buf: &mut buf })?;
                    parts.coords = Some((buf, h));
                }
                "geometries" => {
                    if self.depth >= MAX_COLLECTION_DEPTH {
                        return Err(de::Error::custom(both(
                            format!("GeometryCollections nested more than {MAX_COLLECTION_DEPTH} deep"),
                            format!("GeometryCollection 嵌套超过 {MAX_COLLECTION_DEPTH} 层"),
                        )));
                    }
                    parts.members = Some(map.next_value_seed(Members { depth: self.depth + 1 })?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        build(parts).map_err(de::Error::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<ParsedGeometry, A::Error> {
        Err(de::Error::custom(both("geometry is an array, not a geometry object", "geometry 是数组，不是几何对象")))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<ParsedGeometry, E> {
        Err(E::custom(both("geometry is a string, not a geometry object", "geometry 是文本，不是几何对象")))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<ParsedGeometry, E> {
        Err(E::custom(both("geometry is a number, not a geometry object", "geometry 是数字，不是几何对象")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ParsedGeometry, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ParsedGeometry, E> {
        self.visit_f64(v as f64)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<ParsedGeometry, E> {
        Err(E::custom(both("geometry is true/false, not a geometry object", "geometry 是 true/false，不是几何对象")))
    }
}

struct RootCoords<'a> {
    buf: &'a mut CoordBuf,
}

impl<'de> DeserializeSeed<'de> for RootCoords<'_> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        match (CoordSeed { buf: self.buf }).deserialize(d)? {
            Elem::Arr(h) => Ok(h),
            Elem::Num(_) => {
                Err(de::Error::custom(both("coordinates is a number, not an array", "coordinates 是数字，不是数组")))
            }
        }
    }
}

struct Members {
    depth: u32,
}

impl<'de> DeserializeSeed<'de> for Members {
    type Value = Vec<ParsedGeometry>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Members {
    type Value = Vec<ParsedGeometry>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::new();
        while let Some(g) = seq.next_element_seed(GeomSeed { depth: self.depth })? {
            v.push(g);
        }
        Ok(v)
    }
}

/// A map key, borrowed when the input allows.
pub(crate) struct KeyStr<'de>(pub std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for KeyStr<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyStr(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyStr(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads the value of a `geometry` member.
pub fn geometry_seed() -> impl for<'de> DeserializeSeed<'de, Value = ParsedGeometry> {
    GeomSeed { depth: 0 }
}

fn build(parts: GeomParts) -> Result<ParsedGeometry, String> {
    let kind = parts.kind.ok_or_else(|| both("geometry has no \"type\"", "geometry 没有 \"type\""))?;
    let mut notes = Vec::new();
    if kind == "GeometryCollection" {
        let members = parts.members.ok_or_else(|| {
            both("GeometryCollection has no \"geometries\"", "GeometryCollection 没有 \"geometries\"")
        })?;
        let mut gs = Vec::with_capacity(members.len());
        for m in members {
            notes.extend(m.notes);
            if let Some(g) = m.geometry {
                gs.push(g);
            }
        }
        return Ok(ParsedGeometry { geometry: Some(Geometry::GeometryCollection(GeometryCollection(gs))), notes });
    }
    let want = match &*kind {
        "Point" => 0,
        "LineString" | "MultiPoint" => 1,
        "Polygon" | "MultiLineString" => 2,
        "MultiPolygon" => 3,
        other => {
            return Err(both(
                format!("\"{other}\" is not a GeoJSON geometry type"),
                format!("“{other}”不是 GeoJSON 几何类型"),
            ));
        }
    };
    let (buf, height) = parts
        .coords
        .ok_or_else(|| both(format!("{kind} has no \"coordinates\""), format!("{kind} 没有 \"coordinates\"")))?;
    let Some(height) = height else {
        // Empty coordinates: an empty geometry of that type.
        return Ok(ParsedGeometry { geometry: Some(empty(&kind)), notes });
    };
    if height != want {
        return Err(both(
            format!("{kind} coordinates have {} levels of arrays, expected {}", height + 1, want + 1),
            format!("{kind} 的坐标有 {} 层数组，应为 {} 层", height + 1, want + 1),
        ));
    }
    let CoordBuf { pts, ends } = buf;
    let split = |v: &[Coord<f64>], ends: &[u32]| -> Vec<Vec<Coord<f64>>> {
        let mut out = Vec::with_capacity(ends.len());
        let mut start = 0usize;
        for &e in ends {
            out.push(v[start..e as usize].to_vec());
            start = e as usize;
        }
        out
    };
    let geometry = match &*kind {
        "Point" => Geometry::Point(Point(pts[0])),
        // The buffer grew by doubling; a site keeps only what it uses.
        "LineString" => {
            line_long_enough(pts.len(), None)?;
            Geometry::LineString(LineString(exact(pts)))
        }
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(exact(pts.into_iter().map(Point).collect()))),
        "MultiLineString" => {
            let parts = split(&pts, &ends[0]);
            for (i, p) in parts.iter().enumerate() {
                line_long_enough(p.len(), Some(i))?;
            }
            Geometry::MultiLineString(MultiLineString(parts.into_iter().map(LineString).collect()))
        }
        "Polygon" => {
            let rings = split(&pts, &ends[0]);
            Geometry::Polygon(polygon(rings, 0, &mut notes)?)
        }
        _ => {
            // MultiPolygon: ends[1] splits rings into polygons.
            let rings = split(&pts, &ends[0]);
            let mut polys = Vec::with_capacity(ends[1].len());
            let mut start = 0usize;
            let mut ring_no = 0usize;
            let mut rings = rings.into_iter();
            for &e in &ends[1] {
                let count = e as usize - start;
                let these: Vec<_> = rings.by_ref().take(count).collect();
                polys.push(polygon(these, ring_no, &mut notes)?);
                ring_no += count;
                start = e as usize;
            }
            Geometry::MultiPolygon(MultiPolygon(polys))
        }
    };
    Ok(ParsedGeometry { geometry: Some(geometry), notes })
}

/// RFC 7946 §3.1.4: a LineString (or a part of a MultiLineString) has two or
/// more positions.
fn line_long_enough(n: usize, part: Option<usize>) -> Result<(), String> {
    if n >= 2 {
        return Ok(());
    }
    Err(match part {
        None => both(
            format!("LineString has {n} position; a line needs at least 2"),
            format!("LineString 只有 {n} 个位置，线至少需要 2 个"),
        ),
        Some(i) => both(
            format!("part {i} of the MultiLineString has {n} position; a line needs at least 2"),
            format!("MultiLineString 的第 {i} 段只有 {n} 个位置，线至少需要 2 个"),
        ),
    })
}

fn polygon(rings: Vec<Vec<Coord<f64>>>, first_ring: usize, notes: &mut Vec<GeomNote>) -> Result<Polygon<f64>, String> {
    let mut out = Vec::with_capacity(rings.len());
    for (i, mut r) in rings.into_iter().enumerate() {
        if r.is_empty() {
            continue;
        }
        if r.first() != r.last() {
            notes.push(GeomNote::RingClosed { ring: first_ring + i });
            r.push(r[0]);
        }
        if r.len() < 4 {
            return Err(both(
                format!(
                    "ring {} has {} positions; a ring needs at least 4 (3 distinct + closing)",
                    first_ring + i,
                    r.len()
                ),
                format!("第 {} 个环只有 {} 个位置，环至少需要 4 个（3 个不同点加闭合点）", first_ring + i, r.len()),
            ));
        }
        out.push(LineString(r));
    }
    let mut it = out.into_iter();
    let exterior = it.next().unwrap_or_else(|| LineString(vec![]));
    Ok(Polygon::new(exterior, it.collect()))
}

fn empty(kind: &str) -> Geometry<f64> {
    match kind {
        "LineString" => Geometry::LineString(LineString(vec![])),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(vec![])),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(vec![])),
        "Polygon" => Geometry::Polygon(Polygon::new(LineString(vec![]), vec![])),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(vec![])),
        _ => Geometry::MultiPoint(MultiPoint(vec![])),
    }
}

/// `v` without spare capacity.
fn exact<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<ParsedGeometry, String> {
        let mut de = serde_json::Deserializer::from_str(s);
        geometry_seed().deserialize(&mut de).map_err(|e| e.to_string())
    }

    #[test]
    fn every_geometry_type_reads_into_its_geo_type() {
        let p = parse(r#"{"type":"Point","coordinates":[118.0,37.4,5.0]}"#).unwrap();
        assert_eq!(p.geometry, Some(Geometry::Point(Point::new(118.0, 37.4))));
        let mp = parse(
            r#"{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],[5.1,5.1]]]],"type":"MultiPolygon"}"#,
        )
        .unwrap();
        match mp.geometry.unwrap() {
            Geometry::MultiPolygon(m) => {
                assert_eq!(m.0.len(), 2);
                assert_eq!(m.0[1].interiors().len(), 1);
            }
            g => panic!("{g:?}"),
        }
        let gc = parse(r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[1,2],[3,4]]}]}"#).unwrap();
        assert!(matches!(gc.geometry, Some(Geometry::GeometryCollection(ref c)) if c.0.len() == 2));
    }

    #[test]
    fn an_unclosed_ring_is_closed_with_a_note() {
        let p = parse(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}"#).unwrap();
        assert_eq!(p.notes, vec![GeomNote::RingClosed { ring: 0 }]);
        let Some(Geometry::Polygon(poly)) = p.geometry else { panic!() };
        assert_eq!(poly.exterior().0.len(), 4);
    }

    #[test]
    fn wrong_nesting_and_bad_numbers_are_errors_that_say_why() {
        assert!(parse(r#"{"type":"Point","coordinates":[[1,2]]}"#).unwrap_err().contains("levels"));
        assert!(parse(r#"{"type":"Point","coordinates":["1",2]}"#).unwrap_err().contains("string"));
        assert!(parse(r#"{"type":"Point","coordinates":[[[[[[1,2]]]]]]}"#).unwrap_err().contains("deeper"));
        assert!(parse(r#"{"type":"Blob","coordinates":[1,2]}"#).unwrap_err().contains("not a GeoJSON geometry type"));
        assert!(parse(r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}"#).unwrap_err().contains("at least 4"));
    }

    #[test]
    fn a_line_of_one_position_is_an_error_of_its_feature() {
        assert!(parse(r#"{"type":"LineString","coordinates":[[1,2]]}"#).unwrap_err().contains("at least 2"));
        let e = parse(r#"{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6]]]}"#).unwrap_err();
        assert!(e.contains("part 1"), "{e}");
        assert!(parse(r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#).is_ok());
    }

    #[test]
    fn null_and_empty_geometries_are_told_apart() {
        assert!(parse("null").unwrap().geometry.is_none());
        let e = parse(r#"{"type":"LineString","coordinates":[]}"#).unwrap();
        assert!(geo::HasDimensions::is_empty(&e.geometry.unwrap()));
    }
}
