//! What a reader makes of one input file (the interface shared by all readers).

use std::path::PathBuf;

use binzhou_core::crs::Crs;
use binzhou_core::model::{Msg, Problem};

/// One layer of an input, as GeoJSON the core loader reads.
#[derive(Debug, Clone)]
pub struct OpenedLayer {
    /// The layer's name: the Shapefile's stem, the GeoPackage table, the KML
    /// document or folder, the sheet of a workbook.
    pub name: String,
    /// A GeoJSON FeatureCollection, coordinates as in the file (or WGS84 when
    /// the reader had to reproject a system the core does not know).
    pub geojson: Vec<u8>,
    /// The coordinate system the reader found (`.prj`, `gpkg_spatial_ref_sys`,
    /// KML/GPX are WGS84); `None` leaves it to the core's detection by magnitude.
    pub crs: Option<Crs>,
    /// What was detected, for the user: encoding and why, CRS and why,
    /// columns mapped. One line each.
    pub detected: Vec<Detected>,
    /// Problems the reader found itself (a ledger row that cannot be placed,
    /// a record it cannot decode), naming file, row or feature and field.
    pub problems: Vec<Problem>,
    /// For ledgers: the sheet row number (1-based, as Excel shows it) of
    /// each feature, so problems can name rows rather than feature indexes.
    pub rows: Option<Vec<usize>>,
}

/// One thing a reader detected, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// What was detected: "encoding", "crs", "columns", "layer".
    pub what: &'static str,
    /// The finding, e.g. "GBK (DBF language driver 0x4D)" / "GBK（DBF 语言驱动 0x4D）".
    pub text: Msg,
}

/// Every layer of one input file.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The file that was read.
    pub path: PathBuf,
    /// Its layers, in the file's order.
    pub layers: Vec<OpenedLayer>,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file (or a sidecar such as `.dbf`) could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not what its extension says, or is broken beyond reading.
    #[error("{path}: {detail}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What is wrong with it (English).
        detail: String,
    },
}
