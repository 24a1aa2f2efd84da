//! A folder of tiles laid out as `z/x/y.png` (or `.jpg`, `.jpeg`, `.webp`),
//! the XYZ layout most tile tools export.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::coord::{MAX_ZOOM, TileCoord};
use binzhou_core::model::Bilingual;

/// File extensions tried for each tile, in this order.
const EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "webp"];

/// A problem with a tile folder. Every variant names the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    /// The folder cannot be used.
    #[error("cannot use {} as a tile folder: {reason}", path.display())]
    Open {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A tile file exists but cannot be read.
    #[error("cannot read tile {}: {reason}", path.display())]
    Read {
        /// The tile file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl Bilingual for FolderError {
    /// The same in Chinese (the reason stays as it came).
    fn zh(&self) -> String {
        match self {
            FolderError::Open { path, reason } => format!("无法将 {} 用作瓦片文件夹：{reason}", path.display()),
            FolderError::Read { path, reason } => format!("无法读取瓦片 {}：{reason}", path.display()),
        }
    }
}

/// Reads tiles from a `z/x/y.ext` folder.
#[derive(Debug, Clone)]
pub struct FolderTiles {
    root: PathBuf,
    zooms: (u8, u8),
}

impl FolderTiles {
    /// Opens `root`, which must be a folder with at least one zoom-level
    /// sub-folder (`0` … `24`).
    pub fn open(root: impl AsRef<Path>) -> Result<FolderTiles, FolderError> {
        let root = root.as_ref().to_path_buf();
        let open_err = |reason: String| FolderError::Open { path: root.clone(), reason };
        let entries = fs::read_dir(&root).map_err(|e| open_err(e.to_string()))?;
        let mut zooms: Option<(u8, u8)> = None;
        for entry in entries.flatten() {
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
            let zoom = entry.file_name().to_str().and_then(|n| n.parse::<u8>().ok()).filter(|z| *z <= MAX_ZOOM);
            if let (true, Some(z)) = (is_dir, zoom) {
                zooms = Some(match zooms {
                    None => (z, z),
                    Some((lo, hi)) => (lo.min(z), hi.max(z)),
                });
            }
        }
        let zooms = zooms.ok_or_else(|| {
            open_err("it has no zoom-level folders (expected z/x/y.png or z/x/y.jpg tiles)".to_owned())
        })?;
        Ok(FolderTiles { root, zooms })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The shallowest and deepest zoom levels that have a folder.
    pub fn zoom_range(&self) -> (u8, u8) {
        self.zooms
    }

    /// The tile at `z/x/y` (XYZ row), or `None` when there is no file for it.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, FolderError> {
        if TileCoord::new(z, x, y).is_none() {
            return Ok(None);
        }
        let dir = self.root.join(z.to_string()).join(x.to_string());
        for ext in EXTENSIONS {
            let path = dir.join(format!("{y}.{ext}"));
            match fs::read(&path) {
                Ok(bytes) => return Ok(Some(bytes)),
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {}
                Err(e) => {
                    return Err(FolderError::Read { path, reason: e.to_string() });
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    #[test]
    fn tiles_are_read_from_z_x_y_png_and_jpg_files() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), "10/847/397.png", b"png tile");
        put(dir.path(), "11/1695/794.jpg", b"jpg tile");
        let f = FolderTiles::open(dir.path()).unwrap();
        assert_eq!(f.get(10, 847, 397).unwrap().as_deref(), Some(&b"png tile"[..]));
        assert_eq!(f.get(11, 1695, 794).unwrap().as_deref(), Some(&b"jpg tile"[..]));
    }

    #[test]
    fn a_missing_tile_or_column_is_none_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), "3/6/3.png", b"x");
        let f = FolderTiles::open(dir.path()).unwrap();
        assert_eq!(f.get(3, 6, 2).unwrap(), None);
        assert_eq!(f.get(3, 5, 3).unwrap(), None);
        assert_eq!(f.get(9, 0, 0).unwrap(), None);
        assert_eq!(f.get(3, 99, 0).unwrap(), None);
    }

    #[test]
    fn the_zoom_range_comes_from_the_folder_names() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), "8/1/1.png", b"x");
        put(dir.path(), "12/1/1.png", b"x");
        put(dir.path(), "notes/readme.txt", b"x");
        put(dir.path(), "99/1/1.png", b"x");
        assert_eq!(FolderTiles::open(dir.path()).unwrap().zoom_range(), (8, 12));
    }

    #[test]
    fn a_folder_without_zoom_folders_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), "photos/a.png", b"x");
        let err = FolderTiles::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("no zoom-level folders"), "{err}");
        let missing = dir.path().join("absent");
        let err = FolderTiles::open(&missing).unwrap_err();
        assert!(err.to_string().contains("absent"), "{err}");
    }
}
