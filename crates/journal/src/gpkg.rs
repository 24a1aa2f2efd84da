//! The few pieces of the OGC GeoPackage 1.3 standard a journal needs: the
//! required tables, the WGS 84 reference system and the geometry blob of a
//! point.

/// `application_id` of a GeoPackage ("GPKG").
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of GeoPackage 1.3.0: what the tables here conform to,
/// and the newest version GDAL 3.6 (Debian 12) reads without a warning.
pub const USER_VERSION: i32 = 10300;

/// EPSG:4326 as OGC WKT 1, as GeoPackages carry it.
const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],\
UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

/// The statements that make an empty database a GeoPackage with its
/// required tables (spatial reference systems, contents, geometry columns).
pub fn core_tables() -> String {
    format!(
        "CREATE TABLE gpkg_spatial_ref_sys (
           srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
           organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
           ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84_WKT}',
            'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
         CREATE TABLE gpkg_contents (
           table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
           description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (
           table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT uk_gc_table_name UNIQUE (table_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));"
    )
}

/// A point as a GeoPackage geometry blob: the `GP` header (version 0,
/// little-endian, no envelope, SRS 4326) followed by little-endian WKB.
///
/// ```
/// let b = binzhou_journal::gpkg::point_blob(118.0, 37.4);
/// assert_eq!(&b[..2], b"GP");
/// assert_eq!(binzhou_journal::gpkg::read_point_blob(&b), Some((118.0, 37.4)));
/// ```
pub fn point_blob(lon: f64, lat: f64) -> Vec<u8> {
    let mut b = Vec::with_capacity(29);
    b.extend_from_slice(b"GP");
    b.push(0); // version 1 of the binary format
    b.push(0b0000_0001); // little-endian header, no envelope, not empty
    b.extend_from_slice(&4326i32.to_le_bytes());
    b.push(1); // WKB little-endian
    b.extend_from_slice(&1u32.to_le_bytes()); // Point
    b.extend_from_slice(&lon.to_le_bytes());
    b.extend_from_slice(&lat.to_le_bytes());
    b
}

/// The (x, y) of a GeoPackage point blob of either byte order, with or
/// without an envelope; `None` for anything else (or an empty point).
pub fn read_point_blob(b: &[u8]) -> Option<(f64, f64)> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return None;
    }
    let flags = b[3];
    if flags & 0b0001_0000 != 0 {
        return None; // empty
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return None,
    };
    let wkb = b.get(8 + envelope..)?;
    let little = *wkb.first()? == 1;
    let u32_at = |at: usize| -> Option<u32> {
        let bytes: [u8; 4] = wkb.get(at..at + 4)?.try_into().ok()?;
        Some(if little { u32::from_le_bytes(bytes) } else { u32::from_be_bytes(bytes) })
    };
    let f64_at = |at: usize| -> Option<f64> {
        let bytes: [u8; 8] = wkb.get(at..at + 8)?.try_into().ok()?;
        Some(if little { f64::from_le_bytes(bytes) } else { f64::from_be_bytes(bytes) })
    };
    if u32_at(1)? != 1 {
        return None;
    }
    let (x, y) = (f64_at(5)?, f64_at(13)?);
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_endian_point_with_an_envelope_reads_too() {
        let mut b = b"GP".to_vec();
        b.push(0);
        b.push(0b0000_0010); // big-endian header, xy envelope
        b.extend_from_slice(&4326i32.to_be_bytes());
        for v in [117.0f64, 118.0, 37.0, 38.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.push(0);
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&117.5f64.to_be_bytes());
        b.extend_from_slice(&37.5f64.to_be_bytes());
        assert_eq!(read_point_blob(&b), Some((117.5, 37.5)));
    }

    #[test]
    fn anything_but_a_point_is_refused() {
        assert_eq!(read_point_blob(b"GP"), None);
        assert_eq!(read_point_blob(b"not a geometry at all"), None);
        let mut line = point_blob(1.0, 2.0);
        line[9] = 2; // LineString
        assert_eq!(read_point_blob(&line), None);
    }
}
