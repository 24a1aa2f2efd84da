//! PMTiles archives (one file of raster tiles): opening one with a clear
//! error when it is damaged, reading tiles from it without an async
//! runtime, and exporting an MBTiles package to one.
//!
//! Reading uses the `pmtiles` crate at the version walkers uses (so an
//! archive checked here is one walkers' `PmTiles` can draw), over a plain
//! file instead of a memory map: a damaged or truncated file then gives an
//! error, never a crash.

use std::fs::{self, File};
use std::future::Future;
use std::io::{BufWriter, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ::pmtiles::{
    AsyncBackend, AsyncPmTilesReader, BackendResponse, Compression, PmTilesWriter, PmtError, PmtResult, TileType,
};

use super::coord::{LonLatBox, MAX_ZOOM, TileCoord};
use super::file_error::TileFileError;
use super::format::TileFormat;
use super::mbtiles::MbTilesReader;

/// Size of the fixed PMTiles v3 header.
const HEADER_SIZE: u64 = 127;
/// The header and root directory must fit in this many first bytes.
const MAX_INITIAL_BYTES: u64 = 16_384;

/// What a PMTiles header says about the archive.
#[derive(Clone, Debug, PartialEq)]
pub struct PmTilesMeta {
    /// Image format of the tiles.
    pub format: TileFormat,
    /// Shallowest zoom.
    pub min_zoom: u8,
    /// Deepest zoom.
    pub max_zoom: u8,
    /// Area covered, if the header gives a sensible one.
    pub bounds: Option<LonLatBox>,
}

/// Reads tiles from a PMTiles archive.
pub struct PmTilesReader {
    path: PathBuf,
    reader: AsyncPmTilesReader<FileBackend>,
    meta: PmTilesMeta,
}

impl std::fmt::Debug for PmTilesReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PmTilesReader").field("path", &self.path).field("meta", &self.meta).finish()
    }
}

impl PmTilesReader {
    /// Opens an archive and checks its header and root directory.
    pub fn open(path: impl AsRef<Path>) -> Result<PmTilesReader, TileFileError> {
        let path = path.as_ref().to_path_buf();
        let open_err = |reason: String| TileFileError::Open { path: path.clone(), reason };
        let not_pmtiles = |reason: &str| TileFileError::NotUsable {
            path: path.clone(),
            format: "PMTiles",
            reason: reason.to_owned(),
        };
        let len = match fs::metadata(&path) {
            Err(e) => return Err(open_err(e.to_string())),
            Ok(m) if m.is_dir() => return Err(open_err("it is a folder, not a file".to_owned())),
            Ok(m) => m.len(),
        };
        let mut file = File::open(&path).map_err(|e| open_err(e.to_string()))?;
        let mut header = [0u8; HEADER_SIZE as usize];
        if len < HEADER_SIZE || file.read_exact(&mut header).is_err() {
            return Err(not_pmtiles("it is too short to be a PMTiles archive"));
        }
        check_header(&header, len).map_err(not_pmtiles)?;

        let backend = FileBackend { file: Mutex::new(file), len, dirs: Directories::of(&header) };
        let reader = guarded(|| pollster::block_on(AsyncPmTilesReader::try_from_source(backend)))
            .map_err(|reason| not_pmtiles(&reason))?;
        let h = reader.get_header();
        let format = match h.tile_type {
            TileType::Png => TileFormat::Png,
            TileType::Jpeg => TileFormat::Jpeg,
            TileType::Webp => TileFormat::Webp,
            TileType::Mvt => {
                return Err(not_pmtiles(
                    "it holds vector tiles (MVT); only raster tiles (png, jpg, webp) can be shown",
                ));
            }
            _ => return Err(not_pmtiles("its tile format is not png, jpg or webp")),
        };
        let bounds = LonLatBox::from_corners((h.min_longitude, h.min_latitude), (h.max_longitude, h.max_latitude)).ok();
        let meta =
            PmTilesMeta { format, min_zoom: h.min_zoom.min(MAX_ZOOM), max_zoom: h.max_zoom.min(MAX_ZOOM), bounds };
        Ok(PmTilesReader { path, reader, meta })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the header says.
    pub fn metadata(&self) -> &PmTilesMeta {
        &self.meta
    }

    /// The tile at `z/x/y` (XYZ row), or `None` if the archive lacks it.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileFileError> {
        let Some(tile) = TileCoord::new(z, x, y) else {
            return Ok(None);
        };
        let Ok(coord) = ::pmtiles::TileCoord::new(tile.z, tile.x, tile.y) else {
            return Ok(None);
        };
        guarded(|| pollster::block_on(self.reader.get_tile_decompressed(coord)))
            .map(|t| t.map(|b| b.to_vec()))
            .map_err(|reason| TileFileError::Read { path: self.path.clone(), reason })
    }
}

/// The header's `i`-th little-endian u64 after the magic and version:
/// (offset, length) pairs of the root directory, metadata, leaf directories
/// and tile data, then the tile counts.
fn header_field(h: &[u8; HEADER_SIZE as usize], i: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[8 + 8 * i..16 + 8 * i]);
    u64::from_le_bytes(b)
}

/// Checks the fixed header so that the reader never slices outside the
/// file: magic, version, and every section within the file.
fn check_header(h: &[u8; HEADER_SIZE as usize], len: u64) -> Result<(), &'static str> {
    if &h[..7] != b"PMTiles" {
        return Err("it does not start with the PMTiles signature");
    }
    if h[7] != 3 {
        return Err("only PMTiles version 3 is supported");
    }
    let field = |i| header_field(h, i);
    let (root_offset, root_length) = (field(0), field(1));
    if root_offset < HEADER_SIZE || root_offset.saturating_add(root_length) > MAX_INITIAL_BYTES.min(len) {
        return Err("its header is damaged (root directory out of place)");
    }
    // Metadata, leaf directories and tile data: (offset, length) pairs.
    for i in [2, 4, 6] {
        let (offset, length) = (field(i), field(i + 1));
        if length > 0 && offset.saturating_add(length) > len {
            return Err("the file is truncated (a section runs past its end)");
        }
    }
    Ok(())
}

/// Runs `f`, turning an error or a panic inside the `pmtiles` crate (which
/// a damaged file can cause) into a message.
fn guarded<T>(f: impl FnOnce() -> PmtResult<T>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(describe(&e)),
        Err(_) => Err("the archive is damaged".to_owned()),
    }
}

fn describe(e: &PmtError) -> String {
    match e {
        PmtError::InvalidMagicNumber => "it does not start with the PMTiles signature".to_owned(),
        PmtError::UnsupportedPmTilesVersion => "only PMTiles version 3 is supported".to_owned(),
        PmtError::UnsupportedCompression(c) => format!("it uses {c:?} compression, which is not supported"),
        PmtError::Reading(io) => format!("the archive is damaged or truncated ({io})"),
        other => format!("the archive is damaged ({other})"),
    }
}

/// Where an archive's directories are, and how they are compressed.
#[derive(Clone, Copy, Debug)]
struct Directories {
    root: (u64, u64),
    leaves: (u64, u64),
    /// The header's internal compression: 1 none, 2 gzip (3 brotli and
    /// 4 zstd are refused by the `pmtiles` crate without these features).
    compression: u8,
}

/// The most a directory may hold once decompressed. Real leaf directories
/// are well under a few MiB; a file claiming more is damaged (or a bomb).
const MAX_DIRECTORY_BYTES: u64 = 64 << 20;

impl Directories {
    fn of(h: &[u8; HEADER_SIZE as usize]) -> Directories {
        let field = |i| header_field(h, i);
        Directories { root: (field(0), field(1)), leaves: (field(4), field(5)), compression: h[97] }
    }

    /// Checks the directories within bytes read at `offset`: the root if the
    /// read holds it, or the read itself if it starts among the leaves.
    fn check(&self, offset: u64, bytes: &[u8]) -> Result<(), &'static str> {
        let end = offset + bytes.len() as u64;
        let (root_offset, root_length) = self.root;
        if root_length > 0 && offset <= root_offset && root_offset + root_length <= end {
            let at = (root_offset - offset) as usize;
            return directory_is_sound(&bytes[at..at + root_length as usize], self.compression);
        }
        let (leaf_offset, leaf_length) = self.leaves;
        // A leaf is read from its offset in the leaf section; a damaged entry
        // may make it run past the section's end, which is checked too.
        if leaf_length > 0 && offset >= leaf_offset && offset < leaf_offset.saturating_add(leaf_length) {
            return directory_is_sound(bytes, self.compression);
        }
        Ok(())
    }
}

/// Whether a directory's entry count fits its bytes: the `pmtiles` crate
/// allocates its entry table by the count the file claims, so a damaged
/// count would ask for terabytes (and allocation failure aborts the program,
/// past any `catch_unwind`). Each entry takes at least four varint bytes.
fn directory_is_sound(bytes: &[u8], compression: u8) -> Result<(), &'static str> {
    let decompressed;
    let data = match compression {
        1 => bytes,
        2 => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(bytes)
                .take(MAX_DIRECTORY_BYTES + 1)
                .read_to_end(&mut out)
                .map_err(|_| "a directory cannot be decompressed")?;
            if out.len() as u64 > MAX_DIRECTORY_BYTES {
                return Err("a directory decompresses to more than 64 MiB");
            }
            decompressed = out;
            &decompressed[..]
        }
        // Other compressions: the `pmtiles` crate refuses them itself.
        _ => return Ok(()),
    };
    let mut count = 0u64;
    let mut used = 0;
    for (i, b) in data.iter().enumerate().take(10) {
        count |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            used = i + 1;
            break;
        }
    }
    if used == 0 {
        return Err("a directory's entry count cannot be read");
    }
    if count.saturating_mul(4) > (data.len() - used) as u64 {
        return Err("a directory claims more entries than it holds");
    }
    Ok(())
}

/// Reads byte ranges of a file for the `pmtiles` reader, checking each
/// directory before the crate parses it. Every read is done at once, so the
/// futures are always ready.
struct FileBackend {
    file: Mutex<File>,
    len: u64,
    dirs: Directories,
}

impl FileBackend {
    fn read_range(&self, offset: usize, length: usize) -> PmtResult<BackendResponse> {
        let offset = offset as u64;
        if offset > self.len {
            return Err(PmtError::Reading(std::io::ErrorKind::UnexpectedEof.into()));
        }
        let length = (length as u64).min(self.len - offset);
        let mut buf = vec![0u8; length as usize];
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(&mut buf)?;
        self.dirs.check(offset, &buf).map_err(|why| PmtError::Reading(std::io::Error::other(why)))?;
        Ok(BackendResponse::new(buf.into()))
    }
}

impl AsyncBackend for FileBackend {
    fn read(&self, offset: usize, length: usize) -> impl Future<Output = PmtResult<BackendResponse>> + Send {
        std::future::ready(self.read_range(offset, length))
    }
}

/// Writes the tiles of an MBTiles package into a new PMTiles archive at
/// `target` (via `<target>.part`, renamed when complete). Returns the number
/// of tiles written.
pub fn export_mbtiles(source: &MbTilesReader, target: impl AsRef<Path>) -> Result<u64, TileFileError> {
    let target = target.as_ref().to_path_buf();
    let mut part_name = target.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "tiles.pmtiles".into());
    part_name.push(".part");
    let part = target.with_file_name(part_name);
    let write_err = |path: &Path, reason: String| TileFileError::Write { path: path.to_path_buf(), reason };
    let read_err = |e: TileFileError| write_err(&target, e.to_string());

    let meta = source.metadata();
    let tile_type = match meta.format {
        Some(TileFormat::Png) => TileType::Png,
        Some(TileFormat::Jpeg) => TileType::Jpeg,
        Some(TileFormat::Webp) => TileType::Webp,
        None => {
            return Err(write_err(&target, format!("the tile format of {} is unknown", source.path().display())));
        }
    };
    // Archives read fastest with tiles in Hilbert (tile id) order.
    let mut tiles: Vec<(u64, TileCoord, ::pmtiles::TileCoord)> = source
        .tiles()
        .map_err(read_err)?
        .into_iter()
        .filter_map(|t| pmt_coord(t).map(|c| (::pmtiles::TileId::from(c).value(), t, c)))
        .collect();
    tiles.sort_by_key(|(id, _, _)| *id);
    let (min_zoom, max_zoom) = tiles.iter().fold((u8::MAX, 0), |(lo, hi), (_, t, _)| (lo.min(t.z), hi.max(t.z)));

    let mut writer = PmTilesWriter::new(tile_type)
        .tile_compression(Compression::None)
        .min_zoom(if tiles.is_empty() { 0 } else { min_zoom })
        .max_zoom(max_zoom);
    if let Some(b) = meta.bounds {
        writer = writer
            .bounds(b.west, b.south, b.east, b.north)
            .center((b.west + b.east) / 2.0, (b.south + b.north) / 2.0)
            .center_zoom(min_zoom.max(max_zoom.saturating_sub(2)).min(max_zoom));
    }
    let metadata = serde_json::json!({
        "name": meta.name,
        "attribution": meta.attribution.clone().unwrap_or_default(),
        "format": tile_type_name(tile_type),
    })
    .to_string();
    writer = writer.metadata(&metadata);

    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| write_err(dir, e.to_string()))?;
    }
    let file = File::create(&part).map_err(|e| write_err(&part, e.to_string()))?;
    let mut out = writer.create(BufWriter::new(file)).map_err(|e| write_err(&part, e.to_string()))?;
    let mut written = 0u64;
    for (_, tile, coord) in tiles {
        let Some(data) = source.get(tile.z, tile.x, tile.y).map_err(read_err)? else {
            continue;
        };
        out.add_tile(coord, &data).map_err(|e| write_err(&part, e.to_string()))?;
        written += 1;
    }
    out.finalize().map_err(|e| write_err(&part, e.to_string()))?;
    fs::rename(&part, &target).map_err(|e| write_err(&target, e.to_string()))?;
    Ok(written)
}

/// The `pmtiles` crate's coordinate for a tile (every valid tile has one).
fn pmt_coord(t: TileCoord) -> Option<::pmtiles::TileCoord> {
    ::pmtiles::TileCoord::new(t.z, t.x, t.y).ok()
}

fn tile_type_name(t: TileType) -> &'static str {
    match t {
        TileType::Png => "png",
        TileType::Jpeg => "jpg",
        TileType::Webp => "webp",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mbtiles::{MbTilesMeta, MbTilesWriter};

    fn fake_png(tile: TileCoord) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend_from_slice(format!("tile {tile}").as_bytes());
        v
    }

    fn make_mbtiles(dir: &Path, tiles: &[TileCoord]) -> PathBuf {
        let path = dir.join("src.mbtiles");
        let meta = MbTilesMeta { name: "Binzhou".into(), format: Some(TileFormat::Png), ..Default::default() };
        let mut w = MbTilesWriter::create(&path, meta).unwrap();
        for t in tiles {
            w.insert(*t, &fake_png(*t)).unwrap();
        }
        w.finish().unwrap()
    }

    fn some_tiles() -> Vec<TileCoord> {
        let mut v = Vec::new();
        for z in 8..=10u8 {
            let range = LonLatBox::from_corners((117.9, 37.3), (118.1, 37.5)).unwrap().tile_range(z);
            v.extend(range.iter());
        }
        v
    }

    #[test]
    fn an_mbtiles_package_exported_to_pmtiles_reads_back_the_same_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let tiles = some_tiles();
        let src = MbTilesReader::open(make_mbtiles(dir.path(), &tiles)).unwrap();
        let target = dir.path().join("out.pmtiles");
        assert_eq!(export_mbtiles(&src, &target).unwrap(), tiles.len() as u64);
        assert!(!dir.path().join("out.pmtiles.part").exists());

        let r = PmTilesReader::open(&target).unwrap();
        let m = r.metadata();
        assert_eq!(m.format, TileFormat::Png);
        assert_eq!((m.min_zoom, m.max_zoom), (8, 10));
        let b = m.bounds.unwrap();
        assert!(b.west < 117.9 && b.east > 118.1 && b.south < 37.3 && b.north > 37.5, "{b:?}");
        for t in &tiles {
            assert_eq!(r.get(t.z, t.x, t.y).unwrap(), Some(fake_png(*t)), "{t}");
        }
        assert_eq!(r.get(10, 0, 0).unwrap(), None);
        assert_eq!(r.get(30, 0, 0).unwrap(), None);
    }

    #[test]
    fn a_file_that_is_not_pmtiles_gives_a_clear_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.pmtiles");
        fs::write(&path, vec![0x42u8; 4096]).unwrap();
        let err = PmTilesReader::open(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("photo.pmtiles") && text.contains("signature"), "{text}");
        fs::write(&path, b"PMT").unwrap();
        assert!(PmTilesReader::open(&path).unwrap_err().to_string().contains("too short"));
        let err = PmTilesReader::open(dir.path().join("none.pmtiles")).unwrap_err();
        assert!(err.to_string().contains("none.pmtiles"));
    }

    #[test]
    fn a_truncated_or_scribbled_archive_gives_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let tiles = some_tiles();
        let src = MbTilesReader::open(make_mbtiles(dir.path(), &tiles)).unwrap();
        let good = dir.path().join("good.pmtiles");
        export_mbtiles(&src, &good).unwrap();
        let bytes = fs::read(&good).unwrap();

        let truncated = dir.path().join("truncated.pmtiles");
        fs::write(&truncated, &bytes[..bytes.len() - 40]).unwrap();
        let err = PmTilesReader::open(&truncated).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");

        // Scribble over the root directory: opening or reading may fail, but
        // only with an error.
        let mut scribbled = bytes.clone();
        for b in scribbled.iter_mut().skip(130).take(200) {
            *b = 0xEE;
        }
        let path = dir.path().join("scribbled.pmtiles");
        fs::write(&path, &scribbled).unwrap();
        if let Ok(r) = PmTilesReader::open(&path) {
            for t in &tiles {
                let _ = r.get(t.z, t.x, t.y);
            }
        }
    }

    /// Found by `fuzz/run.sh` (target `pmtiles`): a root directory whose
    /// varint runs past 32 bits makes the `varint-rs` crate overflow a
    /// shift, which panics in a build with overflow checks (this test's).
    #[test]
    fn an_archive_whose_directory_varint_overflows_is_damaged_not_a_crash() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/fuzz/pmtiles/varint_shift_overflow.pmtiles");
        let Err(err) = PmTilesReader::open(&path) else { panic!("the archive should be refused") };
        assert!(err.to_string().contains("varint_shift_overflow.pmtiles"), "{err}");
    }

    /// Found by `fuzz/run.sh` (target `pmtiles`, caught by the fuzz
    /// allocator): a root directory claiming billions of entries, for which
    /// the `pmtiles` crate asked for a 500 TB table (in a real run, an abort).
    #[test]
    fn an_archive_whose_directory_claims_billions_of_entries_is_refused_before_any_allocation() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/fuzz/pmtiles/huge_entry_count.pmtiles");
        let Err(err) = PmTilesReader::open(&path) else { panic!("the archive should be refused") };
        let text = err.to_string();
        assert!(text.contains("huge_entry_count.pmtiles") && text.contains("more entries than it holds"), "{text}");
    }

    #[test]
    fn a_directory_is_sound_only_when_its_count_fits_its_bytes() {
        // Two entries: count, then four columns of one-byte varints.
        assert_eq!(directory_is_sound(&[2, 1, 1, 1, 1, 1, 1, 1, 1], 1), Ok(()));
        assert!(directory_is_sound(&[3, 1, 1, 1, 1, 1, 1, 1, 1], 1).is_err());
        // A count that runs past ten varint bytes, and an empty directory.
        assert!(directory_is_sound(&[0xff; 12], 1).is_err());
        assert!(directory_is_sound(&[], 1).is_err());
        // Gzip that is not gzip.
        assert!(directory_is_sound(b"not gzip", 2).is_err());
    }
}
