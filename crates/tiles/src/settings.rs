//! The tile basemap's settings as kept between runs, and how a dropped or
//! picked path becomes an offline source.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::source::{SourceSpec, TiandituKey};

/// A Tianditu key as kept in the settings: its `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str("SecretText(\"\")") } else { f.write_str("SecretText(<redacted>)") }
    }
}

/// The tile basemap's settings, kept between runs with the view state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TileSettings {
    /// The tile source shown when the basemap choice is tiles.
    pub source: SourceSpec,
    /// An offline label layer drawn over an offline source (a prefetched
    /// Tianditu label package).
    pub overlay_file: Option<PathBuf>,
    /// Opacity of the label layer over the base layer (0..=1).
    pub overlay_opacity: f32,
    /// Opacity of the base layer (0..=1); below 1 the built-in map shows through.
    pub base_opacity: f32,
    /// Draw the built-in vector basemap under the tiles, so a dead server
    /// or an area outside an offline package still shows a map.
    pub underlay: bool,
    /// The user's Tianditu key (`tk`); when empty, the `TIANDITU_TK`
    /// environment variable is used.
    pub tianditu_key: SecretText,
    /// The custom XYZ source being edited in the settings.
    pub custom_name: String,
    /// Its URL template.
    pub custom_template: String,
    /// Its `{s}` values, comma-separated.
    pub custom_subdomains: String,
    /// Whether it draws in GCJ-02.
    pub custom_gcj02: bool,
    /// Offline files opened before, most recent first.
    pub recent: Vec<SourceSpec>,
}

impl Default for TileSettings {
    fn default() -> Self {
        TileSettings {
            source: SourceSpec::Osm,
            overlay_file: None,
            overlay_opacity: 1.0,
            base_opacity: 1.0,
            underlay: true,
            tianditu_key: SecretText::default(),
            custom_name: String::new(),
            custom_template: String::new(),
            custom_subdomains: String::new(),
            custom_gcj02: false,
            recent: Vec::new(),
        }
    }
}

/// Offline files remembered.
pub const RECENT_KEPT: usize = 6;

impl TileSettings {
    /// The custom XYZ source as edited.
    pub fn custom_spec(&self) -> SourceSpec {
        SourceSpec::CustomXyz {
            name: self.custom_name.trim().to_owned(),
            template: self.custom_template.trim().to_owned(),
            subdomains: self
                .custom_subdomains
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            gcj02: self.custom_gcj02,
        }
    }

    /// Chooses an offline file (remembered among the recent ones). A label
    /// package written next to it by a download (`NAME-labels.mbtiles`) is
    /// drawn over it.
    pub fn use_offline(&mut self, spec: SourceSpec) {
        self.overlay_file = match &spec {
            SourceSpec::MbTiles(path) => labels_package_for(path).filter(|p| p.is_file()),
            _ => None,
        };
        self.recent.retain(|s| s != &spec);
        self.recent.insert(0, spec.clone());
        self.recent.truncate(RECENT_KEPT);
        self.source = spec;
    }

    /// The Tianditu key to use: the one in the settings, else the environment's.
    pub fn tianditu_key(&self) -> Option<TiandituKey> {
        TiandituKey::from_settings_or_env(Some(&self.tianditu_key.0)).ok()
    }
}

/// The label package written next to a base package by a download.
pub fn labels_package_for(base: &Path) -> Option<PathBuf> {
    let stem = base.file_stem()?.to_string_lossy().into_owned();
    Some(base.with_file_name(format!("{stem}-labels.mbtiles")))
}

/// The offline source for a dropped or picked path, if it is one: an
/// `.mbtiles` or `.pmtiles` file, or a folder laid out as `z/x/y`.
pub fn offline_spec_for(path: &Path) -> Option<SourceSpec> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("mbtiles") => Some(SourceSpec::MbTiles(path.to_path_buf())),
        Some("pmtiles") => Some(SourceSpec::PmTiles(path.to_path_buf())),
        _ if path.is_dir() && looks_like_tile_folder(path) => Some(SourceSpec::Folder(path.to_path_buf())),
        _ => None,
    }
}

/// A folder whose entries are zoom-level folders (`0`..`22`) and nothing
/// else that matters (no GeoJSON beside them).
fn looks_like_tile_folder(path: &Path) -> bool {
    let Ok(entries) = fs::read_dir(path) else {
        return false;
    };
    let mut zoom_dirs = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && name.parse::<u8>().is_ok_and(|z| z <= 22) {
            zoom_dirs += 1;
        } else if name.ends_with(".geojson") || name.ends_with(".json") {
            return false;
        }
    }
    zoom_dirs > 0
}
