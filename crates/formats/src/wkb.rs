//! GeoPackage geometry blobs: the `GP` header (version, flags, SRS id,
//! envelope of 0/32/48/64 bytes, either byte order) and the WKB inside,
//! read in 2D (Z and M dropped; ISO and EWKB type codes) and written as
//! little-endian 2D WKB.

use crate::vector::{Geom, Pos};

/// Nesting deeper than this (collections in collections) is refused.
const MAX_DEPTH: usize = 32;

/// A geometry blob's SRS id and geometry (`None` when the blob says it is
/// empty). Errors say what is wrong, in English and Chinese.
pub(crate) fn read_blob(b: &[u8]) -> Result<(i32, Option<Geom>), (String, String)> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err((
            "not a GeoPackage geometry blob (no \"GP\" header)".into(),
            "不是 GeoPackage 几何数据（没有“GP”头）".into(),
        ));
    }
    let flags = b[3];
    let little = flags & 1 == 1;
    let srs: [u8; 4] = [b[4], b[5], b[6], b[7]];
    let srs_id = if little { i32::from_le_bytes(srs) } else { i32::from_be_bytes(srs) };
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err((
                format!("the blob's envelope code {other} is not 0-4"),
                format!("几何数据的外包框代码 {other} 不在 0–4 之间"),
            ));
        }
    };
    if flags & 0b0010_0000 != 0 {
        return Err((
            "an extended GeoPackage geometry (not a standard type) cannot be read".into(),
            "无法读取扩展 GeoPackage 几何类型（非标准类型）".into(),
        ));
    }
    if flags & 0b0001_0000 != 0 {
        return Ok((srs_id, None));
    }
    let wkb = b
        .get(8 + envelope..)
        .ok_or_else(|| ("the blob is shorter than its envelope".to_owned(), "几何数据比其外包框还短".to_owned()))?;
    let mut r = Reader { b: wkb, at: 0 };
    let g = r.geometry(0).map_err(|e| (format!("WKB: {e}"), format!("WKB 数据有误：{e}")))?;
    Ok((srs_id, g))
}

/// Plain 2D WKB (as PostGIS's `ST_AsBinary` gives it) as a GeoJSON
/// geometry object; `None` for an empty geometry.
pub fn wkb_to_geojson(b: &[u8]) -> Result<Option<serde_json::Value>, String> {
    let mut r = Reader { b, at: 0 };
    Ok(r.geometry(0)?.map(|g| g.to_json()))
}

/// A geometry as little-endian 2D WKB (for PostGIS's `ST_GeomFromWKB`).
pub fn geo_to_wkb(g: &geo::Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    write_wkb(&mut out, &Geom::from_geo(g));
    out
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len()).ok_or("the data ends early")?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        let s: [u8; 4] = self.take(4)?.try_into().map_err(|_| "the data ends early")?;
        Ok(if little { u32::from_le_bytes(s) } else { u32::from_be_bytes(s) })
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        let s: [u8; 8] = self.take(8)?.try_into().map_err(|_| "the data ends early")?;
        Ok(if little { f64::from_le_bytes(s) } else { f64::from_be_bytes(s) })
    }

    /// A count of items of at least `min_size` bytes each, checked against what is left.
    fn count(&mut self, little: bool, min_size: usize) -> Result<usize, String> {
        let n = self.u32(little)? as usize;
        if n.saturating_mul(min_size) > self.b.len() - self.at {
            return Err(format!("a count of {n} items does not fit in the data"));
        }
        Ok(n)
    }

    fn position(&mut self, little: bool, dims: usize) -> Result<Pos, String> {
        let (x, y) = (self.f64(little)?, self.f64(little)?);
        for _ in 2..dims {
            self.f64(little)?;
        }
        Ok([x, y])
    }

    fn positions(&mut self, little: bool, dims: usize) -> Result<Vec<Pos>, String> {
        let n = self.count(little, dims * 8)?;
        (0..n).map(|_| self.position(little, dims)).collect()
    }

    fn rings(&mut self, little: bool, dims: usize) -> Result<Vec<Vec<Pos>>, String> {
        let n = self.count(little, 4)?;
        (0..n).map(|_| self.positions(little, dims)).collect()
    }

    /// One geometry; `None` for an empty point (NaN coordinates).
    fn geometry(&mut self, depth: usize) -> Result<Option<Geom>, String> {
        if depth > MAX_DEPTH {
            return Err("geometry collections are nested too deeply".into());
        }
        let little = match self.take(1)?[0] {
            0 => false,
            1 => true,
            other => return Err(format!("byte order {other} is neither 0 nor 1")),
        };
        let code = self.u32(little)?;
        let (mut z, mut m) = (code & 0x8000_0000 != 0, code & 0x4000_0000 != 0);
        if code & 0x2000_0000 != 0 {
            self.u32(little)?; // EWKB SRID
        }
        let iso = code & 0x0FFF_FFFF;
        let base = iso % 1000;
        match iso / 1000 {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return Err(format!("geometry type code {code} is not known")),
        }
        let dims = 2 + usize::from(z) + usize::from(m);
        let parts = |r: &mut Self, want: u32| -> Result<Vec<Geom>, String> {
            let n = r.count(little, 5)?;
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                let start = r.at;
                let g = r.geometry(depth + 1)?;
                let kind = r.b.get(start + 1..start + 5).map(|s| {
                    let s: [u8; 4] = [s[0], s[1], s[2], s[3]];
                    let c = if r.b[start] == 1 { u32::from_le_bytes(s) } else { u32::from_be_bytes(s) };
                    (c & 0x0FFF_FFFF) % 1000
                });
                if want != 0 && kind != Some(want) {
                    return Err(format!("a multi-geometry of type {base} holds a part of type {kind:?}"));
                }
                out.extend(g);
            }
            Ok(out)
        };
        Ok(Some(match base {
            1 => {
                let p = self.position(little, dims)?;
                if p[0].is_nan() && p[1].is_nan() {
                    return Ok(None);
                }
                Geom::Point(p)
            }
            2 => Geom::LineString(self.positions(little, dims)?),
            3 => Geom::Polygon(self.rings(little, dims)?),
            4 => Geom::MultiPoint(
                parts(self, 1)?
                    .into_iter()
                    .filter_map(|g| match g {
                        Geom::Point(p) => Some(p),
                        _ => None,
                    })
                    .collect(),
            ),
            5 => Geom::MultiLineString(
                parts(self, 2)?
                    .into_iter()
                    .filter_map(|g| match g {
                        Geom::LineString(l) => Some(l),
                        _ => None,
                    })
                    .collect(),
            ),
            6 => Geom::MultiPolygon(
                parts(self, 3)?
                    .into_iter()
                    .filter_map(|g| match g {
                        Geom::Polygon(p) => Some(p),
                        _ => None,
                    })
                    .collect(),
            ),
            7 => Geom::Collection(parts(self, 0)?),
            other => return Err(format!("geometry type {other} (curves, surfaces…) is not supported")),
        }))
    }
}

/// The WKB type code of a geometry (2D).
fn type_code(g: &Geom) -> u32 {
    match g {
        Geom::Point(_) => 1,
        Geom::LineString(_) => 2,
        Geom::Polygon(_) => 3,
        Geom::MultiPoint(_) => 4,
        Geom::MultiLineString(_) => 5,
        Geom::MultiPolygon(_) => 6,
        Geom::Collection(_) => 7,
    }
}

/// The GeoPackage name of a geometry's type (`POINT`, `MULTIPOLYGON`…).
pub(crate) fn type_name(g: &Geom) -> &'static str {
    match g {
        Geom::Point(_) => "POINT",
        Geom::LineString(_) => "LINESTRING",
        Geom::Polygon(_) => "POLYGON",
        Geom::MultiPoint(_) => "MULTIPOINT",
        Geom::MultiLineString(_) => "MULTILINESTRING",
        Geom::MultiPolygon(_) => "MULTIPOLYGON",
        Geom::Collection(_) => "GEOMETRYCOLLECTION",
    }
}

fn write_wkb(out: &mut Vec<u8>, g: &Geom) {
    out.push(1);
    out.extend_from_slice(&type_code(g).to_le_bytes());
    let pos = |out: &mut Vec<u8>, p: &Pos| {
        out.extend_from_slice(&p[0].to_le_bytes());
        out.extend_from_slice(&p[1].to_le_bytes());
    };
    let line = |out: &mut Vec<u8>, l: &[Pos]| {
        out.extend_from_slice(&(l.len() as u32).to_le_bytes());
        l.iter().for_each(|p| pos(out, p));
    };
    let rings = |out: &mut Vec<u8>, rs: &[Vec<Pos>]| {
        out.extend_from_slice(&(rs.len() as u32).to_le_bytes());
        rs.iter().for_each(|r| line(out, r));
    };
    match g {
        Geom::Point(p) => pos(out, p),
        Geom::LineString(l) => line(out, l),
        Geom::Polygon(rs) => rings(out, rs),
        Geom::MultiPoint(ps) => {
            out.extend_from_slice(&(ps.len() as u32).to_le_bytes());
            ps.iter().for_each(|p| write_wkb(out, &Geom::Point(*p)));
        }
        Geom::MultiLineString(ls) => {
            out.extend_from_slice(&(ls.len() as u32).to_le_bytes());
            ls.iter().for_each(|l| write_wkb(out, &Geom::LineString(l.clone())));
        }
        Geom::MultiPolygon(ps) => {
            out.extend_from_slice(&(ps.len() as u32).to_le_bytes());
            ps.iter().for_each(|p| write_wkb(out, &Geom::Polygon(p.clone())));
        }
        Geom::Collection(gs) => {
            out.extend_from_slice(&(gs.len() as u32).to_le_bytes());
            gs.iter().for_each(|g| write_wkb(out, g));
        }
    }
}

/// A geometry as a GeoPackage blob: little-endian header with an xy
/// envelope (none for a point), the empty flag for a geometry with no
/// positions, then 2D WKB.
pub(crate) fn write_blob(g: &Geom, srs_id: i32) -> Vec<u8> {
    let mut out = b"GP".to_vec();
    out.push(0);
    let bbox = g.bbox();
    let (flags, envelope) = match (bbox, g) {
        (None, _) => (0b0001_0001, None),
        (Some(_), Geom::Point(_)) => (0b0000_0001, None),
        (Some(b), _) => (0b0000_0011, Some(b)),
    };
    out.push(flags);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some([minx, miny, maxx, maxy]) = envelope {
        for v in [minx, maxx, miny, maxy] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    write_wkb(&mut out, g);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips() {
        let ring = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]];
        for g in [
            Geom::Point([118.0, 37.4]),
            Geom::LineString(vec![[1.0, 2.0], [3.0, 4.0]]),
            Geom::Polygon(vec![ring.clone(), ring.clone()]),
            Geom::MultiPoint(vec![[1.0, 2.0], [3.0, 4.0]]),
            Geom::MultiLineString(vec![vec![[1.0, 2.0], [3.0, 4.0]]]),
            Geom::MultiPolygon(vec![vec![ring.clone()], vec![ring]]),
            Geom::Collection(vec![Geom::Point([1.0, 2.0]), Geom::LineString(vec![[1.0, 2.0], [3.0, 4.0]])]),
        ] {
            let b = write_blob(&g, 4326);
            assert_eq!(read_blob(&b).unwrap(), (4326, Some(g)));
        }
    }

    #[test]
    fn big_endian_z_and_m_with_a_48_byte_envelope_read_in_2d() {
        let mut b = b"GP".to_vec();
        b.push(0);
        b.push(0b0000_0100); // big-endian header, xyz envelope
        b.extend_from_slice(&4490i32.to_be_bytes());
        for v in [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.push(0);
        b.extend_from_slice(&3002u32.to_be_bytes()); // LineString ZM (ISO)
        b.extend_from_slice(&2u32.to_be_bytes());
        for v in [117.0f64, 37.0, 10.0, 0.5, 118.0, 38.0, 11.0, 0.6] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(read_blob(&b).unwrap(), (4490, Some(Geom::LineString(vec![[117.0, 37.0], [118.0, 38.0]]))));
    }

    #[test]
    fn broken_blobs_are_errors_not_panics() {
        let good = write_blob(&Geom::Polygon(vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]), 4326);
        for n in 0..good.len() {
            assert!(read_blob(&good[..n]).is_err(), "cut at {n}");
        }
        let mut huge = good.clone();
        let count_at = 8 + 32 + 5;
        huge[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_blob(&huge).is_err());
        assert!(read_blob(b"XX\0\x01\0\0\0\0").is_err());
    }

    #[test]
    fn an_empty_flag_or_nan_point_is_no_geometry() {
        let b = write_blob(&Geom::MultiPoint(Vec::new()), 4326);
        assert_eq!(read_blob(&b).unwrap(), (4326, None));
        let nan = write_blob(&Geom::Point([f64::NAN, f64::NAN]), 4326);
        assert_eq!(read_blob(&nan).unwrap().1, None);
    }
}
