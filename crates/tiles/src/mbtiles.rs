//! MBTiles packages (one SQLite file of tiles): reading for the offline
//! basemap, and writing for prefetch.
//!
//! MBTiles stores rows counted from the south (TMS); callers here always use
//! XYZ rows (from the north) and the flip happens inside. A package being
//! written lives in `<name>.part` next to its final name and is renamed into
//! place by [`MbTilesWriter::finish`], so a half-written file never looks
//! like a finished package.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::ffi::ErrorCode;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::coord::{LonLatBox, MAX_ZOOM, TileCoord, tiles_per_side};
use super::file_error::TileFileError;
use super::format::TileFormat;

/// Tiles inserted between two commits while writing.
const COMMIT_EVERY: usize = 64;

/// The tables and indexes of an MBTiles file, as the specification names them.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);
    CREATE UNIQUE INDEX IF NOT EXISTS metadata_name ON metadata (name);
    CREATE TABLE IF NOT EXISTS tiles (
        zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
    CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);
";

/// What an MBTiles file says about itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MbTilesMeta {
    /// The tileset's name.
    pub name: String,
    /// Image format of the tiles (from metadata, or sniffed from a tile).
    pub format: Option<TileFormat>,
    /// Area covered.
    pub bounds: Option<LonLatBox>,
    /// Shallowest zoom present.
    pub min_zoom: Option<u8>,
    /// Deepest zoom present.
    pub max_zoom: Option<u8>,
    /// Credit line, if the package carries one.
    pub attribution: Option<String>,
    /// Free description.
    pub description: Option<String>,
}

/// A plain-language reason for an SQLite error.
fn describe(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "it is not an SQLite database (or it is damaged)".to_owned(),
        Some(ErrorCode::DatabaseCorrupt) => "the database is damaged".to_owned(),
        Some(ErrorCode::CannotOpen) => "the file cannot be opened".to_owned(),
        Some(ErrorCode::ReadOnly) => "the file is read-only".to_owned(),
        Some(ErrorCode::DiskFull) => "the disk is full".to_owned(),
        _ => e.to_string(),
    }
}

/// Reads tiles from an MBTiles file.
pub struct MbTilesReader {
    path: PathBuf,
    conn: Connection,
    meta: MbTilesMeta,
}

impl std::fmt::Debug for MbTilesReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MbTilesReader").field("path", &self.path).field("meta", &self.meta).finish()
    }
}

impl MbTilesReader {
    /// Opens a package read-only and reads its metadata. A missing file, a
    /// file that is not SQLite, a database without a `tiles` table or one
    /// holding vector tiles gives an error naming the file.
    pub fn open(path: impl AsRef<Path>) -> Result<MbTilesReader, TileFileError> {
        let path = path.as_ref().to_path_buf();
        let open_err = |reason: String| TileFileError::Open { path: path.clone(), reason };
        let not_mbtiles = |reason: String| TileFileError::NotUsable { path: path.clone(), format: "MBTiles", reason };
        match fs::metadata(&path) {
            Err(e) => return Err(open_err(e.to_string())),
            Ok(m) if m.is_dir() => return Err(open_err("it is a folder, not a file".to_owned())),
            Ok(_) => {}
        }
        let conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| open_err(describe(&e)))?;

        // The first read is where SQLite notices a file that is not a database.
        let has_tiles: bool = conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master
                 WHERE name = 'tiles' AND type IN ('table', 'view'))",
                [],
                |r| r.get(0),
            )
            .map_err(|e| not_mbtiles(describe(&e)))?;
        if !has_tiles {
            return Err(not_mbtiles("it has no tiles table".to_owned()));
        }
        conn.query_row("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1", [], |_| Ok(()))
            .optional()
            .map_err(|e| not_mbtiles(format!("its tiles table is not as MBTiles defines it ({})", describe(&e))))?;

        let mut reader = MbTilesReader { meta: MbTilesMeta::default(), path: path.clone(), conn };
        reader.meta = reader.read_metadata()?;
        Ok(reader)
    }

    fn read_error(&self, e: &rusqlite::Error) -> TileFileError {
        TileFileError::Read { path: self.path.clone(), reason: describe(e) }
    }

    fn read_metadata(&self) -> Result<MbTilesMeta, TileFileError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let has_metadata: bool = self
            .conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master
                 WHERE name = 'metadata' AND type IN ('table', 'view'))",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.read_error(&e))?;
        if has_metadata {
            let mut stmt = self.conn.prepare("SELECT name, value FROM metadata").map_err(|e| self.read_error(&e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?)))
                .map_err(|e| self.read_error(&e))?;
            for row in rows {
                if let (Some(k), Some(v)) = row.map_err(|e| self.read_error(&e))? {
                    pairs.push((k, v));
                }
            }
        }
        let get = |key: &str| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.trim().to_owned());

        if let Some(f) = get("format") {
            let lower = f.to_ascii_lowercase();
            if lower == "pbf" || lower == "mvt" {
                return Err(TileFileError::NotUsable {
                    format: "MBTiles",
                    path: self.path.clone(),
                    reason: "it holds vector tiles (pbf); only raster tiles (png, jpg, webp) can be shown".to_owned(),
                });
            }
        }
        let zoom = |key: &str| get(key).and_then(|v| v.parse::<u8>().ok()).filter(|z| *z <= MAX_ZOOM);
        let mut meta = MbTilesMeta {
            name: get("name").unwrap_or_default(),
            format: get("format").and_then(|f| TileFormat::from_name(&f)),
            bounds: get("bounds").and_then(|b| parse_bounds(&b)),
            min_zoom: zoom("minzoom"),
            max_zoom: zoom("maxzoom"),
            attribution: get("attribution").filter(|s| !s.is_empty()),
            description: get("description").filter(|s| !s.is_empty()),
        };

        if meta.min_zoom.is_none() || meta.max_zoom.is_none() {
            let (lo, hi): (Option<i64>, Option<i64>) = self
                .conn
                .query_row("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles", [], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.read_error(&e))?;
            let to_zoom = |v: Option<i64>| v.and_then(|z| u8::try_from(z).ok()).filter(|z| *z <= MAX_ZOOM);
            meta.min_zoom = meta.min_zoom.or(to_zoom(lo));
            meta.max_zoom = meta.max_zoom.or(to_zoom(hi));
        }
        if meta.format.is_none() {
            let first: Option<Vec<u8>> = self
                .conn
                .query_row("SELECT tile_data FROM tiles LIMIT 1", [], |r| r.get(0))
                .optional()
                .map_err(|e| self.read_error(&e))?;
            meta.format = first.as_deref().and_then(TileFormat::sniff);
        }
        Ok(meta)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The package's metadata (zoom range and format filled in from the
    /// tiles when the metadata table lacks them).
    pub fn metadata(&self) -> &MbTilesMeta {
        &self.meta
    }

    /// The tile at zoom `z`, column `x`, XYZ row `y` (counted from the
    /// north), or `None` if the package does not have it or it is off the grid.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileFileError> {
        let Some(tile) = TileCoord::new(z, x, y) else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT tile_data FROM tiles
                 WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            )
            .map_err(|e| self.read_error(&e))?;
        stmt.query_row(params![tile.z, tile.x, tile.tms_y()], |r| r.get(0)).optional().map_err(|e| self.read_error(&e))
    }

    /// Number of tiles in the package.
    pub fn tile_count(&self) -> Result<u64, TileFileError> {
        let n: i64 =
            self.conn.query_row("SELECT COUNT(*) FROM tiles", [], |r| r.get(0)).map_err(|e| self.read_error(&e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Mean size of a tile in bytes, for estimating a download of the same
    /// source (`None` for an empty package).
    pub fn average_tile_size(&self) -> Result<Option<u64>, TileFileError> {
        let avg: Option<f64> = self
            .conn
            .query_row("SELECT AVG(LENGTH(tile_data)) FROM tiles", [], |r| r.get(0))
            .map_err(|e| self.read_error(&e))?;
        Ok(avg.filter(|a| a.is_finite() && *a >= 0.0).map(|a| a.round() as u64))
    }

    /// Every tile in the package, in XYZ coordinates, sorted.
    pub fn tiles(&self) -> Result<Vec<TileCoord>, TileFileError> {
        let mut stmt = self
            .conn
            .prepare("SELECT zoom_level, tile_column, tile_row FROM tiles")
            .map_err(|e| self.read_error(&e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))
            .map_err(|e| self.read_error(&e))?;
        let mut out = Vec::new();
        for row in rows {
            let (z, x, tms) = row.map_err(|e| self.read_error(&e))?;
            // Rows off the grid are skipped rather than trusted.
            let (Ok(z), Ok(x), Ok(tms)) = (u8::try_from(z), u32::try_from(x), u32::try_from(tms)) else {
                continue;
            };
            if z > MAX_ZOOM || tms >= tiles_per_side(z) {
                continue;
            }
            if let Some(tile) = TileCoord::new(z, x, tiles_per_side(z) - 1 - tms) {
                out.push(tile);
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Parses `"west,south,east,north"`.
fn parse_bounds(text: &str) -> Option<LonLatBox> {
    let v: Vec<f64> = text.split(',').map(|s| s.trim().parse::<f64>()).collect::<Result<_, _>>().ok()?;
    match v.as_slice() {
        [w, s, e, n] => LonLatBox::from_corners((*w, *s), (*e, *n)).ok(),
        _ => None,
    }
}

/// Writes an MBTiles package (used by prefetch).
///
/// Tiles go to `<target>.part` in transactions of 64 tiles; the file
/// is renamed to `target` by [`MbTilesWriter::finish`]. Opening a writer
/// where a `.part` (an interrupted run) or a finished package already exists
/// continues it: the tiles already there are kept, and
/// [`MbTilesWriter::contains`] tells the caller which to skip.
pub struct MbTilesWriter {
    target: PathBuf,
    part: PathBuf,
    conn: Option<Connection>,
    meta: MbTilesMeta,
    in_transaction: bool,
    pending: usize,
    existing: u64,
}

impl std::fmt::Debug for MbTilesWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MbTilesWriter").field("target", &self.target).field("existing", &self.existing).finish()
    }
}

impl MbTilesWriter {
    /// Where the package being written to `target` lives until it is finished.
    pub fn part_path(target: &Path) -> PathBuf {
        let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "tiles.mbtiles".into());
        name.push(".part");
        target.with_file_name(name)
    }

    /// Starts (or continues) writing the package `target` with `meta`.
    pub fn create(target: impl AsRef<Path>, meta: MbTilesMeta) -> Result<MbTilesWriter, TileFileError> {
        let target = target.as_ref().to_path_buf();
        let part = MbTilesWriter::part_path(&target);
        let write_err = |path: &Path, reason: String| TileFileError::Write { path: path.to_path_buf(), reason };
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| write_err(dir, e.to_string()))?;
        }
        if !part.exists() && target.is_file() {
            // Continue a finished (or cancelled) package; it stays usable
            // until the new one replaces it.
            fs::copy(&target, &part).map_err(|e| write_err(&part, e.to_string()))?;
        }
        let conn = Connection::open(&part).map_err(|e| write_err(&part, describe(&e)))?;
        conn.execute_batch(SCHEMA).map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                TileFileError::NotUsable { path: part.clone(), format: "MBTiles", reason: describe(&e) }
            }
            _ => write_err(&part, describe(&e)),
        })?;
        let existing: i64 = conn
            .query_row("SELECT COUNT(*) FROM tiles", [], |r| r.get(0))
            .map_err(|e| write_err(&part, describe(&e)))?;
        Ok(MbTilesWriter {
            target,
            part,
            conn: Some(conn),
            meta,
            in_transaction: false,
            pending: 0,
            existing: u64::try_from(existing).unwrap_or(0),
        })
    }

    fn write_error(&self, e: &rusqlite::Error) -> TileFileError {
        TileFileError::Write { path: self.part.clone(), reason: describe(e) }
    }

    fn conn(&self) -> Result<&Connection, TileFileError> {
        self.conn.as_ref().ok_or_else(|| TileFileError::Write {
            path: self.part.clone(),
            reason: "the package is already closed".to_owned(),
        })
    }

    /// The final path of the package.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// How many tiles the package already had when this writer opened it.
    pub fn existing_tiles(&self) -> u64 {
        self.existing
    }

    /// Whether the package already has `tile`.
    pub fn contains(&self, tile: TileCoord) -> Result<bool, TileFileError> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT 1 FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3")
            .map_err(|e| self.write_error(&e))?;
        stmt.exists(params![tile.z, tile.x, tile.tms_y()]).map_err(|e| self.write_error(&e))
    }

    /// Adds (or replaces) a tile given in XYZ coordinates.
    pub fn insert(&mut self, tile: TileCoord, data: &[u8]) -> Result<(), TileFileError> {
        if !tile.is_valid() {
            return Err(TileFileError::Write {
                path: self.part.clone(),
                reason: format!("tile {tile} is off the tile grid"),
            });
        }
        if !self.in_transaction {
            self.conn()?.execute_batch("BEGIN").map_err(|e| self.write_error(&e))?;
            self.in_transaction = true;
        }
        {
            let conn = self.conn()?;
            let mut stmt = conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(|e| self.write_error(&e))?;
            stmt.execute(params![tile.z, tile.x, tile.tms_y(), data]).map_err(|e| self.write_error(&e))?;
        }
        self.pending += 1;
        if self.pending >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(())
    }

    /// Makes the tiles inserted so far durable in the `.part` file.
    pub fn commit(&mut self) -> Result<(), TileFileError> {
        if self.in_transaction {
            self.conn()?.execute_batch("COMMIT").map_err(|e| self.write_error(&e))?;
            self.in_transaction = false;
            self.pending = 0;
        }
        Ok(())
    }

    /// Writes the metadata (zoom range and bounds from the tiles when not
    /// given), closes the file and renames it to its final name.
    pub fn finish(mut self) -> Result<PathBuf, TileFileError> {
        self.commit()?;
        self.write_metadata()?;
        if let Some(conn) = self.conn.take() {
            conn.close().map_err(|(_, e)| self.write_error(&e))?;
        }
        fs::rename(&self.part, &self.target)
            .map_err(|e| TileFileError::Write { path: self.target.clone(), reason: e.to_string() })?;
        Ok(self.target.clone())
    }

    fn write_metadata(&mut self) -> Result<(), TileFileError> {
        let conn = self.conn()?;
        let stats: (Option<i64>, Option<i64>, Option<Vec<u8>>) = conn
            .query_row(
                "SELECT MIN(zoom_level), MAX(zoom_level), (SELECT tile_data FROM tiles LIMIT 1) FROM tiles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.write_error(&e))?;
        let min_zoom = stats.0.map(|z| z.to_string());
        let max_zoom = stats.1.map(|z| z.to_string());
        let format = self.meta.format.or_else(|| stats.2.as_deref().and_then(TileFormat::sniff));
        let bounds = match (self.meta.bounds, stats.1) {
            (Some(b), _) => Some(b),
            (None, Some(z)) => self.bounds_at(z)?,
            (None, None) => None,
        };
        let mut rows: Vec<(&str, String)> =
            vec![("name", self.meta.name.clone()), ("type", "baselayer".to_owned()), ("version", "1.0".to_owned())];
        if let Some(f) = format {
            rows.push(("format", f.name().to_owned()));
        }
        if let Some(b) = bounds {
            rows.push(("bounds", format!("{:.6},{:.6},{:.6},{:.6}", b.west, b.south, b.east, b.north)));
        }
        if let Some(z) = min_zoom {
            rows.push(("minzoom", z));
        }
        if let Some(z) = max_zoom {
            rows.push(("maxzoom", z));
        }
        if let Some(a) = &self.meta.attribution {
            rows.push(("attribution", a.clone()));
        }
        if let Some(d) = &self.meta.description {
            rows.push(("description", d.clone()));
        }
        let conn = self.conn()?;
        conn.execute_batch("BEGIN").map_err(|e| self.write_error(&e))?;
        for (k, v) in rows {
            conn.execute("INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)", params![k, v])
                .map_err(|e| self.write_error(&e))?;
        }
        conn.execute_batch("COMMIT").map_err(|e| self.write_error(&e))?;
        Ok(())
    }

    /// The lon/lat box covered by the tiles at zoom `z`.
    fn bounds_at(&self, z: i64) -> Result<Option<LonLatBox>, TileFileError> {
        let conn = self.conn()?;
        let r: (Option<i64>, Option<i64>, Option<i64>, Option<i64>) = conn
            .query_row(
                "SELECT MIN(tile_column), MAX(tile_column), MIN(tile_row), MAX(tile_row)
                 FROM tiles WHERE zoom_level = ?1",
                params![z],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(|e| self.write_error(&e))?;
        let (Some(x0), Some(x1), Some(r0), Some(r1)) = r else {
            return Ok(None);
        };
        let Ok(z) = u8::try_from(z) else {
            return Ok(None);
        };
        let n = i64::from(tiles_per_side(z));
        let to_tile = |x: i64, row: i64| {
            let y = n - 1 - row;
            match (u32::try_from(x), u32::try_from(y)) {
                (Ok(x), Ok(y)) => TileCoord::new(z, x, y),
                _ => None,
            }
        };
        // North-west tile: smallest column, largest TMS row; south-east: the opposite.
        let (Some(nw), Some(se)) = (to_tile(x0, r1), to_tile(x1, r0)) else {
            return Ok(None);
        };
        let (a, b) = (nw.bounds(), se.bounds());
        Ok(LonLatBox::from_corners((a.west, a.north), (b.east, b.south)).ok())
    }
}

impl Drop for MbTilesWriter {
    /// Commits what was inserted so a later run can continue from it.
    fn drop(&mut self) {
        if self.in_transaction
            && let Some(conn) = &self.conn
        {
            let _ = conn.execute_batch("COMMIT");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake PNG: the magic number plus bytes that tell tiles apart.
    fn fake_png(tile: TileCoord) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend_from_slice(tile.to_string().as_bytes());
        v
    }

    fn t(z: u8, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    fn write_package(path: &Path, tiles: &[TileCoord]) -> PathBuf {
        let meta = MbTilesMeta { name: "Test".into(), attribution: Some("© test".into()), ..Default::default() };
        let mut w = MbTilesWriter::create(path, meta).unwrap();
        for tile in tiles {
            w.insert(*tile, &fake_png(*tile)).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn a_written_package_reads_back_with_its_metadata_and_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("round.mbtiles");
        let tiles = [t(10, 847, 397), t(10, 848, 397), t(11, 1695, 794), t(12, 3390, 1588)];
        assert_eq!(write_package(&path, &tiles), path);

        let r = MbTilesReader::open(&path).unwrap();
        let m = r.metadata();
        assert_eq!(m.name, "Test");
        assert_eq!(m.format, Some(TileFormat::Png));
        assert_eq!((m.min_zoom, m.max_zoom), (Some(10), Some(12)));
        assert_eq!(m.attribution.as_deref(), Some("© test"));
        let b = m.bounds.unwrap();
        let expected = t(12, 3390, 1588).bounds();
        assert!((b.west - expected.west).abs() < 1e-5 && (b.north - expected.north).abs() < 1e-5);
        for tile in tiles {
            assert_eq!(r.get(tile.z, tile.x, tile.y).unwrap(), Some(fake_png(tile)));
        }
        assert_eq!(r.get(10, 0, 0).unwrap(), None);
        assert_eq!(r.tile_count().unwrap(), 4);
        let mut sorted = tiles.to_vec();
        sorted.sort();
        assert_eq!(r.tiles().unwrap(), sorted);
        assert!(r.average_tile_size().unwrap().unwrap() > 8);
    }

    #[test]
    fn rows_are_stored_counted_from_the_south() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tms.mbtiles");
        write_package(&path, &[t(2, 1, 0)]);
        let conn = Connection::open(&path).unwrap();
        let row: i64 = conn.query_row("SELECT tile_row FROM tiles", [], |r| r.get(0)).unwrap();
        assert_eq!(row, 3);
        let index: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'tile_index'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(index, 1);
    }

    #[test]
    fn an_unfinished_package_is_only_a_part_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wip.mbtiles");
        let mut w = MbTilesWriter::create(&path, MbTilesMeta::default()).unwrap();
        w.insert(t(1, 0, 0), &fake_png(t(1, 0, 0))).unwrap();
        w.commit().unwrap();
        assert!(!path.exists());
        assert!(MbTilesWriter::part_path(&path).exists());
        w.finish().unwrap();
        assert!(path.exists());
        assert!(!MbTilesWriter::part_path(&path).exists());
    }

    #[test]
    fn writing_again_to_a_package_keeps_its_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resume.mbtiles");
        write_package(&path, &[t(1, 0, 0), t(1, 1, 0)]);
        let mut w = MbTilesWriter::create(&path, MbTilesMeta::default()).unwrap();
        assert_eq!(w.existing_tiles(), 2);
        assert!(w.contains(t(1, 0, 0)).unwrap());
        assert!(!w.contains(t(1, 0, 1)).unwrap());
        w.insert(t(1, 0, 1), &fake_png(t(1, 0, 1))).unwrap();
        w.finish().unwrap();
        assert_eq!(MbTilesReader::open(&path).unwrap().tile_count().unwrap(), 3);
    }

    #[test]
    fn a_dropped_writer_keeps_its_tiles_for_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dropped.mbtiles");
        {
            let mut w = MbTilesWriter::create(&path, MbTilesMeta::default()).unwrap();
            w.insert(t(3, 1, 1), &fake_png(t(3, 1, 1))).unwrap();
        }
        let w = MbTilesWriter::create(&path, MbTilesMeta::default()).unwrap();
        assert!(w.contains(t(3, 1, 1)).unwrap());
    }

    #[test]
    fn a_text_file_is_reported_as_not_mbtiles_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.mbtiles");
        fs::write(&path, "this is not a database, just some text that is long enough. ".repeat(20)).unwrap();
        let err = MbTilesReader::open(&path).unwrap_err();
        assert!(matches!(err, TileFileError::NotUsable { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("notes.mbtiles") && text.contains("not an SQLite database"), "{text}");
    }

    #[test]
    fn a_damaged_package_gives_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.mbtiles");
        let tiles: Vec<_> = (0..64).map(|x| t(6, x, 5)).collect();
        write_package(&path, &tiles);
        let mut bytes = fs::read(&path).unwrap();
        // Keep the header, scribble over the pages after it.
        for b in bytes.iter_mut().skip(200) {
            *b = 0xA5;
        }
        fs::write(&path, &bytes).unwrap();
        match MbTilesReader::open(&path) {
            Err(e) => assert!(e.to_string().contains("damaged.mbtiles"), "{e}"),
            Ok(r) => {
                for tile in tiles {
                    if let Err(e) = r.get(tile.z, tile.x, tile.y) {
                        assert!(e.to_string().contains("damaged.mbtiles"), "{e}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_missing_file_and_a_folder_are_reported_with_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nowhere.mbtiles");
        let err = MbTilesReader::open(&missing).unwrap_err();
        assert!(err.to_string().contains("nowhere.mbtiles"), "{err}");
        let err = MbTilesReader::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
    }

    #[test]
    fn an_sqlite_file_without_tiles_is_not_mbtiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.sqlite");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (a INTEGER)").unwrap();
        let err = MbTilesReader::open(&path).unwrap_err();
        assert!(err.to_string().contains("no tiles table"), "{err}");
    }

    #[test]
    fn vector_tile_packages_are_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vector.mbtiles");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute("INSERT INTO metadata VALUES ('format', 'pbf')", []).unwrap();
        drop(conn);
        let err = MbTilesReader::open(&path).unwrap_err();
        assert!(err.to_string().contains("vector tiles"), "{err}");
    }

    #[test]
    fn tiles_off_the_grid_are_simply_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.mbtiles");
        write_package(&path, &[t(0, 0, 0)]);
        let r = MbTilesReader::open(&path).unwrap();
        assert_eq!(r.get(0, 1, 0).unwrap(), None);
        assert_eq!(r.get(30, 0, 0).unwrap(), None);
        assert!(r.get(0, 0, 0).unwrap().is_some());
    }
}
