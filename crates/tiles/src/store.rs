//! One interface over the offline tile stores (MBTiles, PMTiles, folder),
//! so the map can draw any of them the same way.

use super::coord::MAX_ZOOM;
use super::file_error::TileFileError;
use super::folder::{FolderError, FolderTiles};
use super::mbtiles::MbTilesReader;
use super::pmtiles::PmTilesReader;
use super::source::SourceSpec;
use binzhou_core::model::Bilingual;

/// A problem with an offline store; the message names the file or folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// From an MBTiles or PMTiles file.
    #[error(transparent)]
    File(#[from] TileFileError),
    /// From a tile folder.
    #[error(transparent)]
    Folder(#[from] FolderError),
    /// The source is online, not a file.
    #[error("{0} is an online source, not an offline file")]
    NotOffline(String),
}

impl Bilingual for StoreError {
    /// The same in Chinese.
    fn zh(&self) -> String {
        match self {
            StoreError::File(e) => e.zh(),
            StoreError::Folder(e) => e.zh(),
            StoreError::NotOffline(name) => format!("{name} 是在线来源，不是离线文件"),
        }
    }
}

/// Tiles read from local storage, by XYZ coordinates. Implementations block
/// on disk reads: call them from a loader thread, not while drawing a frame.
pub trait TileStore: Send {
    /// The tile's bytes, or `None` if the store does not have it.
    fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, StoreError>;

    /// The shallowest and deepest zoom levels the store has.
    fn zoom_range(&self) -> (u8, u8);
}

impl TileStore for MbTilesReader {
    fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(MbTilesReader::get(self, z, x, y)?)
    }

    fn zoom_range(&self) -> (u8, u8) {
        let m = self.metadata();
        (m.min_zoom.unwrap_or(0), m.max_zoom.unwrap_or(MAX_ZOOM))
    }
}

impl TileStore for PmTilesReader {
    fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(PmTilesReader::get(self, z, x, y)?)
    }

    fn zoom_range(&self) -> (u8, u8) {
        let m = self.metadata();
        (m.min_zoom, m.max_zoom)
    }
}

impl TileStore for FolderTiles {
    fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(FolderTiles::get(self, z, x, y)?)
    }

    fn zoom_range(&self) -> (u8, u8) {
        FolderTiles::zoom_range(self)
    }
}

/// Opens the offline store an offline [`SourceSpec`] names.
pub fn open_store(spec: &SourceSpec) -> Result<Box<dyn TileStore>, StoreError> {
    match spec {
        SourceSpec::MbTiles(path) => Ok(Box::new(MbTilesReader::open(path)?)),
        SourceSpec::PmTiles(path) => Ok(Box::new(PmTilesReader::open(path)?)),
        SourceSpec::Folder(path) => Ok(Box::new(FolderTiles::open(path)?)),
        SourceSpec::Osm | SourceSpec::Tianditu { .. } | SourceSpec::CustomXyz { .. } => {
            Err(StoreError::NotOffline(spec.display_name()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offline_kind_opens_through_one_call_and_online_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tiles = dir.path().join("tiles");
        std::fs::create_dir_all(tiles.join("5/26")).unwrap();
        std::fs::write(tiles.join("5/26/12.png"), b"\x89PNG\r\n\x1a\nx").unwrap();
        let store = open_store(&SourceSpec::Folder(tiles)).unwrap();
        assert_eq!(store.zoom_range(), (5, 5));
        assert!(store.get(5, 26, 12).unwrap().is_some());

        let err = open_store(&SourceSpec::MbTiles(dir.path().join("x.mbtiles"))).err().unwrap();
        assert!(err.to_string().contains("x.mbtiles"));
        let err = open_store(&SourceSpec::Osm).err().unwrap();
        assert!(err.to_string().contains("online"));
    }
}
