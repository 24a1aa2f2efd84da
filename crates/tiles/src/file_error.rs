//! What can go wrong with an offline tile file (MBTiles or PMTiles). Every
//! variant names the file.

use binzhou_core::model::Bilingual;
use std::path::PathBuf;

/// A problem with an offline tile file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileFileError {
    /// The file cannot be opened at all.
    #[error("cannot open {}: {reason}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file opens but is not a usable tile package of that format.
    #[error("{} is not a usable {format} file: {reason}", path.display())]
    NotUsable {
        /// The file.
        path: PathBuf,
        /// "MBTiles" or "PMTiles".
        format: &'static str,
        /// Why.
        reason: String,
    },
    /// Reading a tile or the metadata failed.
    #[error("cannot read {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Writing failed.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl Bilingual for TileFileError {
    /// The same in Chinese (the reason, from SQLite or the PMTiles reader,
    /// stays as it came).
    fn zh(&self) -> String {
        match self {
            TileFileError::Open { path, reason } => format!("无法打开 {}：{reason}", path.display()),
            TileFileError::NotUsable { path, format, reason } => {
                format!("{} 不是可用的 {format} 文件：{reason}", path.display())
            }
            TileFileError::Read { path, reason } => format!("无法读取 {}：{reason}", path.display()),
            TileFileError::Write { path, reason } => format!("无法写入 {}：{reason}", path.display()),
        }
    }
}
