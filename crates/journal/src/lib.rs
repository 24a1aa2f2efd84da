//! The field-check journal: an OGC GeoPackage (`checks.gpkg`) with a point
//! layer `site_checks` (one row per version of a check, geometry where the
//! check was made or where the site really is) and a `check_photos` table.
//! QGIS, QField and GDAL open it as it is.
//!
//! A check is saved only once its transaction has committed to the
//! write-ahead log with a full sync, so a power cut loses at most the check
//! being saved, never one already acknowledged. Rows are only ever added: a
//! change is a new version, a deletion a tombstone (see
//! [`binzhou_core::checks`]).
#![warn(missing_docs)]

pub mod export;
pub mod gpkg;
mod photos;
mod routes;
mod track;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use binzhou_core::checks::{Check, CheckResult, GnssStamp, Observed, PhotoRef};

pub use photos::read_exif;
pub use routes::SavedRoute;
pub use track::{TrackPoint, write_gpx};

/// What can go wrong with a journal. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// SQLite could not open, read or write it.
    #[error("{path}: {source}")]
    Sqlite {
        /// The journal.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file is an SQLite database but not a GeoPackage journal.
    #[error("{path}: not a field-check journal (a GeoPackage with a site_checks table)")]
    NotAJournal {
        /// The file.
        path: PathBuf,
    },
    /// A file (a photo, the journal's folder) could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The version (same check, version, author and time) is already in the
    /// journal: versions are never overwritten.
    #[error("{path}: check {id} already has this version {version}")]
    VersionExists {
        /// The journal.
        path: PathBuf,
        /// The check.
        id: String,
        /// The version.
        version: u32,
    },
    /// An export cannot be written as asked.
    #[error("{path}: {detail}")]
    Export {
        /// The file asked for (or a journal that is not there).
        path: PathBuf,
        /// Why not.
        detail: String,
    },
    /// A row does not read as a check.
    #[error("{path}: site_checks row {fid}, field {field}: {detail}")]
    BadRow {
        /// The journal.
        path: PathBuf,
        /// The row's fid.
        fid: i64,
        /// The field.
        field: &'static str,
        /// What is wrong.
        detail: String,
    },
}

/// A new check id: a UUID v7, unique without a server and sorted by time.
pub fn new_check_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Now, in RFC 3339 UTC to the second (`2026-11-02T09:30:00Z`).
pub fn now() -> String {
    let t = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

const SCHEMA: &str = "
CREATE TABLE site_checks (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POINT,
  check_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  previous_version INTEGER,
  site_id TEXT NOT NULL,
  site_layer TEXT NOT NULL,
  result TEXT NOT NULL,
  observed TEXT,
  finished_on TEXT,
  note TEXT NOT NULL,
  inspector TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  author TEXT NOT NULL,
  written_at TEXT NOT NULL,
  gnss_lon REAL,
  gnss_lat REAL,
  gnss_accuracy_m REAL,
  gnss_fix TEXT,
  gnss_satellites INTEGER,
  gnss_time TEXT,
  corrected BOOLEAN NOT NULL,
  low_accuracy BOOLEAN NOT NULL,
  deleted BOOLEAN NOT NULL,
  UNIQUE (check_id, version, written_at, author));
CREATE TABLE check_photos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  check_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  file TEXT NOT NULL,
  original_name TEXT NOT NULL,
  exif_time TEXT,
  exif_lon REAL,
  exif_lat REAL);
CREATE INDEX check_photos_version ON check_photos (check_id, version);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
  VALUES ('site_checks', 'features', 'site_checks', '现场核查记录 / field checks of plan sites', 4326);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('check_photos', 'attributes', 'check_photos', '核查照片 / photos of the checks');
INSERT INTO gpkg_geometry_columns VALUES ('site_checks', 'geom', 'POINT', 4326, 0, 0);
";

/// An open journal.
pub struct Journal {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

impl Journal {
    /// Opens the journal at `path`, making a new one (and its folder) if
    /// there is none.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| JournalError::Io { path: dir.to_path_buf(), source })?;
        }
        let conn = Connection::open(path).map_err(|source| JournalError::Sqlite { path: path.into(), source })?;
        let mut j = Journal { conn, path: path.to_path_buf() };
        if !j.has_table("site_checks")? {
            if j.has_any_table()? {
                return Err(JournalError::NotAJournal { path: path.into() });
            }
            // Made before the switch to WAL, so the file's own header carries
            // the GeoPackage ids at once: readers (GDAL) look there first.
            j.create()?;
        }
        j.set_durable()?;
        j.ensure_track()?;
        j.ensure_routes()?;
        // Fold what an earlier run left in the log into the file, so readers
        // that look at the file itself (GDAL's header check) see all of it.
        j.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(j.err())?;
        Ok(j)
    }

    /// Opens an existing journal without writing to it (one brought back by
    /// another team, say).
    pub fn open_read_only(path: &Path) -> Result<Journal, JournalError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| JournalError::Sqlite { path: path.into(), source })?;
        let j = Journal { conn, path: path.to_path_buf() };
        if !j.has_table("site_checks")? {
            return Err(JournalError::NotAJournal { path: path.into() });
        }
        Ok(j)
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> JournalError + '_ {
        |source| JournalError::Sqlite { path: self.path.clone(), source }
    }

    /// Write-ahead log, every commit synced to the disk.
    fn set_durable(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let e = |source| JournalError::Sqlite { path: path.clone(), source };
        self.conn.pragma_update(None, "journal_mode", "WAL").map_err(e)?;
        self.conn.pragma_update(None, "synchronous", "FULL").map_err(e)?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(e)?;
        Ok(())
    }

    fn has_table(&self, name: &str) -> Result<bool, JournalError> {
        self.conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(|source| match source.sqlite_error_code() {
                // A text file, a GeoJSON named .gpkg: not a journal, said so once.
                Some(rusqlite::ErrorCode::NotADatabase) => JournalError::NotAJournal { path: self.path.clone() },
                _ => JournalError::Sqlite { path: self.path.clone(), source },
            })
    }

    fn has_any_table(&self) -> Result<bool, JournalError> {
        self.conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1", [], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(self.err())
    }

    fn create(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let e = |source| JournalError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(e)?;
        tx.pragma_update(None, "application_id", gpkg::APPLICATION_ID).map_err(e)?;
        tx.pragma_update(None, "user_version", gpkg::USER_VERSION).map_err(e)?;
        tx.execute_batch(&gpkg::core_tables()).map_err(e)?;
        tx.execute_batch(SCHEMA).map_err(e)?;
        tx.commit().map_err(e)
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder photos are kept in, beside the journal.
    pub fn folder(&self) -> PathBuf {
        self.path.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// Saves one version of a check. Returns once it is on the disk; a
    /// version already in the journal is refused, never overwritten. Another
    /// team's different edit of the same version number is kept beside it.
    pub fn save(&mut self, c: &Check) -> Result<(), JournalError> {
        let path = self.path.clone();
        let e = |source| JournalError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(e)?;
        let exists = tx
            .query_row(
                "SELECT 1 FROM site_checks WHERE check_id = ?1 AND version = ?2 AND written_at = ?3 AND author = ?4",
                params![c.id, c.version, c.written_at, c.author],
                |_| Ok(()),
            )
            .optional()
            .map_err(e)?
            .is_some();
        if exists {
            return Err(JournalError::VersionExists { path, id: c.id.clone(), version: c.version });
        }
        let geom = c.position().map(|(lon, lat)| gpkg::point_blob(lon, lat));
        let g = c.gnss.as_ref();
        tx.execute(
            "INSERT INTO site_checks (geom, check_id, version, previous_version, site_id, site_layer, result,
               observed, finished_on, note, inspector, checked_at, author, written_at, gnss_lon, gnss_lat,
               gnss_accuracy_m, gnss_fix, gnss_satellites, gnss_time, corrected, low_accuracy, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
               ?21, ?22, ?23)",
            params![
                geom,
                c.id,
                c.version,
                c.previous,
                c.site_id,
                c.site_layer,
                c.result.key(),
                c.observed.map(Observed::key),
                c.finished_on,
                c.note,
                c.inspector,
                c.checked_at,
                c.author,
                c.written_at,
                g.map(|g| g.lon),
                g.map(|g| g.lat),
                g.and_then(|g| g.accuracy_m),
                g.map(|g| g.fix.as_str()),
                g.and_then(|g| g.satellites),
                g.map(|g| g.time.as_str()),
                c.corrected.is_some(),
                c.low_accuracy,
                c.deleted,
            ],
        )
        .map_err(e)?;
        for p in &c.photos {
            tx.execute(
                "INSERT INTO check_photos (check_id, version, sha256, file, original_name, exif_time, exif_lon, exif_lat)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    c.id,
                    c.version,
                    p.sha256,
                    p.file,
                    p.original_name,
                    p.exif_time,
                    p.exif_position.map(|p| p.0),
                    p.exif_position.map(|p| p.1)
                ],
            )
            .map_err(e)?;
        }
        // Keep the layer's extent in the contents table, as readers expect.
        if let Some((lon, lat)) = c.position() {
            tx.execute(
                "UPDATE gpkg_contents SET
                   min_x = min(coalesce(min_x, ?1), ?1), max_x = max(coalesce(max_x, ?1), ?1),
                   min_y = min(coalesce(min_y, ?2), ?2), max_y = max(coalesce(max_y, ?2), ?2),
                   last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                 WHERE table_name = 'site_checks'",
                params![lon, lat],
            )
            .map_err(e)?;
        }
        tx.commit().map_err(e)
    }

    /// Every version of every check, with its photos, in the order written.
    pub fn versions(&self) -> Result<Vec<Check>, JournalError> {
        let mut photos: std::collections::HashMap<(String, u32), Vec<PhotoRef>> = Default::default();
        let mut st = self
            .conn
            .prepare(
                "SELECT check_id, version, sha256, file, original_name, exif_time, exif_lon, exif_lat
                 FROM check_photos ORDER BY id",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map([], |r| {
                let lon: Option<f64> = r.get(6)?;
                let lat: Option<f64> = r.get(7)?;
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, u32>(1)?),
                    PhotoRef {
                        sha256: r.get(2)?,
                        file: r.get(3)?,
                        original_name: r.get(4)?,
                        exif_time: r.get(5)?,
                        exif_position: lon.zip(lat),
                    },
                ))
            })
            .map_err(self.err())?;
        for row in rows {
            let (key, p) = row.map_err(self.err())?;
            photos.entry(key).or_default().push(p);
        }
        let mut st = self
            .conn
            .prepare(
                "SELECT fid, geom, check_id, version, previous_version, site_id, site_layer, result, observed,
                   finished_on, note, inspector, checked_at, author, written_at, gnss_lon, gnss_lat,
                   gnss_accuracy_m, gnss_fix, gnss_satellites, gnss_time, corrected, low_accuracy, deleted
                 FROM site_checks ORDER BY fid",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map([], |r| {
                Ok(RawRow {
                    fid: r.get(0)?,
                    geom: r.get(1)?,
                    id: r.get(2)?,
                    version: r.get(3)?,
                    previous: r.get(4)?,
                    site_id: r.get(5)?,
                    site_layer: r.get(6)?,
                    result: r.get(7)?,
                    observed: r.get(8)?,
                    finished_on: r.get(9)?,
                    note: r.get(10)?,
                    inspector: r.get(11)?,
                    checked_at: r.get(12)?,
                    author: r.get(13)?,
                    written_at: r.get(14)?,
                    gnss: (r.get(15)?, r.get(16)?, r.get(17)?, r.get(18)?, r.get(19)?, r.get(20)?),
                    corrected: r.get(21)?,
                    low_accuracy: r.get(22)?,
                    deleted: r.get(23)?,
                })
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        for row in rows {
            let raw = row.map_err(self.err())?;
            let photos = photos.remove(&(raw.id.clone(), raw.version)).unwrap_or_default();
            out.push(raw.into_check(&self.path, photos)?);
        }
        Ok(out)
    }

    /// Copies a photo into the journal's folder (`photos/<sha256>.<ext>`),
    /// reads its EXIF time and position, and returns the reference to put
    /// in a check. The original is only read.
    pub fn store_photo(&self, source: &Path) -> Result<PhotoRef, JournalError> {
        photos::store(&self.folder(), source)
    }
}

type GnssColumns = (Option<f64>, Option<f64>, Option<f64>, Option<String>, Option<u8>, Option<String>);

struct RawRow {
    fid: i64,
    geom: Option<Vec<u8>>,
    id: String,
    version: u32,
    previous: Option<u32>,
    site_id: String,
    site_layer: String,
    result: String,
    observed: Option<String>,
    finished_on: Option<String>,
    note: String,
    inspector: String,
    checked_at: String,
    author: String,
    written_at: String,
    gnss: GnssColumns,
    corrected: bool,
    low_accuracy: bool,
    deleted: bool,
}

impl RawRow {
    fn into_check(self, path: &Path, photos: Vec<PhotoRef>) -> Result<Check, JournalError> {
        let bad = |field: &'static str, detail: String| JournalError::BadRow {
            path: path.into(),
            fid: self.fid,
            field,
            detail,
        };
        let result =
            CheckResult::from_key(&self.result).ok_or_else(|| bad("result", format!("unknown {:?}", self.result)))?;
        let observed = match &self.observed {
            None => None,
            Some(o) => Some(Observed::from_key(o).ok_or_else(|| bad("observed", format!("unknown {o:?}")))?),
        };
        let (lon, lat, accuracy_m, fix, satellites, time) = self.gnss;
        let gnss = match (lon, lat) {
            (Some(lon), Some(lat)) => Some(GnssStamp {
                lon,
                lat,
                accuracy_m,
                fix: fix.unwrap_or_default(),
                satellites,
                time: time.unwrap_or_default(),
            }),
            _ => None,
        };
        let corrected = if self.corrected {
            let at = self.geom.as_deref().and_then(gpkg::read_point_blob);
            Some(at.ok_or_else(|| bad("geom", "a corrected check without a point".into()))?)
        } else {
            None
        };
        Ok(Check {
            id: self.id,
            version: self.version,
            previous: self.previous,
            site_id: self.site_id,
            site_layer: self.site_layer,
            result,
            observed,
            finished_on: self.finished_on,
            note: self.note,
            inspector: self.inspector,
            checked_at: self.checked_at,
            author: self.author,
            written_at: self.written_at,
            gnss,
            corrected,
            low_accuracy: self.low_accuracy,
            deleted: self.deleted,
            photos,
        })
    }
}

/// Reads every version from several journals and merges them (see
/// [`binzhou_core::checks::merge`]). A journal that cannot be read is an
/// error naming it; nothing is merged from half a journal.
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<Check>, JournalError> {
    let mut all = Vec::new();
    for p in paths {
        all.push(Journal::open_read_only(p)?.versions()?);
    }
    Ok(binzhou_core::checks::merge(all))
}
