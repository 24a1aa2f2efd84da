//! The GNSS track a team records on its way: a point layer `gnss_track` in
//! the journal, one row per fix, committed as it comes (a crash loses at
//! most the fix being written), and GPX 1.1 for other tools.

use std::io::Write;

use rusqlite::params;

use crate::{Journal, JournalError, gpkg};

/// One recorded fix.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TrackPoint {
    /// The recording it belongs to (a new one after each pause): a UUID.
    pub segment: String,
    /// When (RFC 3339, UTC).
    pub time: String,
    /// WGS 84 longitude.
    pub lon: f64,
    /// WGS 84 latitude.
    pub lat: f64,
    /// Height above sea level, metres, when the receiver says.
    pub altitude_m: Option<f64>,
    /// Estimated horizontal accuracy, metres.
    pub accuracy_m: Option<f64>,
    /// Satellites used.
    pub satellites: Option<u8>,
}

const TRACK_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS gnss_track (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POINT,
  segment TEXT NOT NULL,
  time TEXT NOT NULL,
  altitude_m REAL,
  accuracy_m REAL,
  satellites INTEGER);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
  VALUES ('gnss_track', 'features', 'gnss_track', 'GNSS 轨迹 / GNSS track', 4326);
INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('gnss_track', 'geom', 'POINT', 4326, 0, 0);
";

impl Journal {
    /// Makes the track layer if the journal has none (journals made before it).
    pub(crate) fn ensure_track(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        self.conn.execute_batch(TRACK_SCHEMA).map_err(|source| JournalError::Sqlite { path, source })
    }

    /// Adds a fix to the track; on the disk when it returns.
    pub fn add_track_point(&mut self, p: &TrackPoint) -> Result<(), JournalError> {
        let path = self.path.clone();
        self.conn
            .execute(
                "INSERT INTO gnss_track (geom, segment, time, altitude_m, accuracy_m, satellites)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![gpkg::point_blob(p.lon, p.lat), p.segment, p.time, p.altitude_m, p.accuracy_m, p.satellites],
            )
            .map(|_| ())
            .map_err(|source| JournalError::Sqlite { path, source })
    }

    /// The whole track, in the order recorded.
    pub fn track(&self) -> Result<Vec<TrackPoint>, JournalError> {
        let e = self.err();
        let mut st = self
            .conn
            .prepare("SELECT geom, segment, time, altitude_m, accuracy_m, satellites FROM gnss_track ORDER BY fid")
            .map_err(&e)?;
        let rows = st
            .query_map([], |r| {
                let geom: Vec<u8> = r.get(0)?;
                let (lon, lat) = gpkg::read_point_blob(&geom).unwrap_or((f64::NAN, f64::NAN));
                Ok(TrackPoint {
                    segment: r.get(1)?,
                    time: r.get(2)?,
                    lon,
                    lat,
                    altitude_m: r.get(3)?,
                    accuracy_m: r.get(4)?,
                    satellites: r.get(5)?,
                })
            })
            .map_err(&e)?;
        let mut out = Vec::new();
        for row in rows {
            let p = row.map_err(&e)?;
            if p.lon.is_finite() {
                out.push(p);
            }
        }
        Ok(out)
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The track as GPX 1.1: one `<trk>`, one `<trkseg>` per recording.
pub fn write_gpx<W: Write>(w: &mut W, name: &str, points: &[TrackPoint]) -> std::io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<gpx version="1.1" creator="binzhou-sites" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">"#
    )?;
    writeln!(w, "  <trk><name>{}</name>", xml(name))?;
    let mut segment: Option<&str> = None;
    for p in points {
        if segment != Some(p.segment.as_str()) {
            if segment.is_some() {
                writeln!(w, "    </trkseg>")?;
            }
            writeln!(w, "    <trkseg>")?;
            segment = Some(&p.segment);
        }
        write!(w, r#"      <trkpt lat="{:.8}" lon="{:.8}">"#, p.lat, p.lon)?;
        if let Some(a) = p.altitude_m {
            write!(w, "<ele>{a:.2}</ele>")?;
        }
        write!(w, "<time>{}</time>", xml(&p.time))?;
        if let Some(n) = p.satellites {
            write!(w, "<sat>{n}</sat>")?;
        }
        writeln!(w, "</trkpt>")?;
    }
    if segment.is_some() {
        writeln!(w, "    </trkseg>")?;
    }
    writeln!(w, "  </trk>")?;
    writeln!(w, "</gpx>")
}
