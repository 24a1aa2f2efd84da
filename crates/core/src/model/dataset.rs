//! A loaded dataset: sites from one or more files, their layers and problems.

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::Rect;

use super::{LayerKey, Site};

use super::problem::Problem;

/// A file that contributed to the dataset.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file's path, as given.
    pub path: PathBuf,
    /// Features read from the file, kept or not.
    pub features_read: usize,
    /// Sites kept from the file, after validation and the duplicate-id check.
    pub sites_loaded: usize,
    /// The coordinate system the file's coordinates were converted from
    /// (`None`: they were WGS84 or CGCS2000 degrees already), and whether
    /// their axes were swapped: a save writes positions back the same way.
    pub crs: Option<crate::crs::Crs>,
    /// The file's positions were northing, easting and were swapped on load.
    pub swapped: bool,
    /// Size, modification time and content hash when it was read, so a save
    /// can tell whether someone else changed the file since.
    pub stamp: Option<FileStamp>,
}

/// What a file was like when it was read: a save compares the file on disk
/// with this before writing over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since 1970 (0 when the system gives none).
    pub mtime_ns: i128,
    /// FNV-1a 64 of the bytes.
    pub hash: u64,
}

impl FileStamp {
    /// The stamp of a file's bytes and its metadata.
    pub fn of(bytes: &[u8], meta: Option<&std::fs::Metadata>) -> Self {
        let mut h = Fnv64::default();
        h.write(bytes);
        FileStamp { len: bytes.len() as u64, mtime_ns: meta.map(mtime_ns).unwrap_or(0), hash: h.finish() }
    }

    /// The stamp of the file at `path` now.
    pub fn read(path: &std::path::Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(path)?;
        let meta = std::fs::metadata(path).ok();
        Ok(FileStamp::of(&bytes, meta.as_ref()))
    }

    /// Whether the content is the same (size and hash; the time alone
    /// changes when a file is copied back unchanged).
    pub fn same_content(&self, other: &FileStamp) -> bool {
        self.len == other.len && self.hash == other.hash
    }
}

/// Modification time in nanoseconds since 1970.
pub fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

/// FNV-1a over 64-bit little-endian words (bytes past the last whole word
/// one at a time): stable across versions and platforms, streaming, and
/// eight times faster than byte-wise FNV, so hashing a file as it loads
/// costs little.
#[derive(Clone, Copy, Debug)]
pub struct Fnv64 {
    state: u64,
    pending: [u8; 8],
    filled: usize,
}

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64 { state: 0xcbf2_9ce4_8422_2325, pending: [0; 8], filled: 0 }
    }
}

impl Fnv64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn word(&mut self, w: u64) {
        self.state ^= w;
        self.state = self.state.wrapping_mul(Self::PRIME);
    }

    /// Adds bytes; the result does not depend on how they are split.
    pub fn write(&mut self, mut bytes: &[u8]) {
        if self.filled > 0 {
            let take = (8 - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.pending));
            self.filled = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            self.word(u64::from_le_bytes(a));
        }
        let rest = words.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// The hash of everything written.
    pub fn finish(&self) -> u64 {
        let mut h = self.state;
        for &b in &self.pending[..self.filled] {
            h ^= b as u64;
            h = h.wrapping_mul(Self::PRIME);
        }
        h
    }
}

impl SourceFile {
    /// The file's name without its folders (the whole path when it has no name).
    pub fn display_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

/// One layer as the dataset has it.
#[derive(Clone, Debug)]
pub struct LayerInfo {
    /// Which layer.
    pub key: LayerKey,
    /// How many sites it has.
    pub count: usize,
    /// The box around all its sites (WGS84 lon/lat degrees).
    pub bbox: Option<Rect<f64>>,
}

/// Everything loaded: the app swaps a finished one in whole.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Every site kept, from all files, in load order.
    pub sites: Vec<Site>,
    /// The files read, in order; `Origin::file` indexes this.
    pub files: Vec<SourceFile>,
    /// Everything found wrong with (or done to) the input.
    pub problems: Vec<Problem>,
}

impl Dataset {
    /// Layers in a stable order: the plan's five first, then extra, then reference.
    pub fn layers(&self) -> Vec<LayerInfo> {
        let mut map: BTreeMap<&LayerKey, LayerInfo> = BTreeMap::new();
        for s in &self.sites {
            let e = map.entry(s.layer()).or_insert_with(|| LayerInfo { key: s.layer().clone(), count: 0, bbox: None });
            e.count += 1;
            if let Some(sb) = s.located_bbox() {
                e.bbox = Some(e.bbox.map_or(sb, |b| union(b, sb)));
            }
        }
        map.into_values().collect()
    }

    /// The box around every located site (WGS84 lon/lat degrees), or `None`
    /// when no site has a place.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.sites.iter().filter_map(Site::located_bbox).reduce(union)
    }

    /// How many of the problems are errors.
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == super::Severity::Error).count()
    }

    /// Whether site `i`'s id came from its file, rather than being made up by
    /// the loader from the file's path and the feature's position.
    pub fn has_own_id(&self, i: usize) -> bool {
        self.sites.get(i).is_some_and(Site::has_own_id)
    }

    /// The index in `sites` of the first site with this id.
    pub fn find_by_id(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.id() == id)
    }
}

/// The smallest box holding both.
pub fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_hash_does_not_depend_on_how_the_bytes_arrive() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut whole = Fnv64::default();
        whole.write(&bytes);
        for split in [1, 3, 7, 8, 9, 500] {
            let mut h = Fnv64::default();
            for part in bytes.chunks(split) {
                h.write(part);
            }
            assert_eq!(h.finish(), whole.finish(), "split {split}");
        }
        let mut other = Fnv64::default();
        other.write(&bytes[1..]);
        assert_ne!(other.finish(), whole.finish());
    }
}
