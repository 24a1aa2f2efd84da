//! What can go wrong with an offline tile file (MBTiles or PMTiles). Every
//! variant names the file.

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
