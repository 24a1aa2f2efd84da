//! View state kept between runs (through eframe storage): where the map
//! looks, which year, how each layer is shown, which panels are open, the
//! language. Never data: the data is loaded afresh every start.

use std::collections::BTreeMap;

use binzhou_core::model::YearView;

use super::i18n::Lang;
use super::map::basemap::BasemapChoice;

/// The key under which [`ViewState`] is stored.
pub const STORAGE_KEY: &str = "binzhou-sites/view-state";

/// Where the map looks.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Camera {
    /// Longitude of the centre, WGS84 degrees.
    pub lon: f64,
    /// Latitude of the centre, WGS84 degrees.
    pub lat: f64,
    /// Web-map zoom level.
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera { lon: MAIN_CITY_CENTRE.0, lat: MAIN_CITY_CENTRE.1, zoom: 13.0 }
    }
}

impl Camera {
    /// Whether the camera is usable (finite, on the earth, a sane zoom).
    pub fn is_valid(&self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-85.0..=85.0).contains(&self.lat)
            && (MIN_ZOOM..=MAX_ZOOM).contains(&self.zoom)
    }
}

/// The centre of Binzhou's main city (WGS84).
pub const MAIN_CITY_CENTRE: (f64, f64) = (118.0, 37.405);
/// The main city's extent, lon/lat: west, south, east, north.
pub const MAIN_CITY_BOUNDS: [f64; 4] = [117.93, 37.34, 118.07, 37.465];
/// The zoom range the map allows.
pub const MIN_ZOOM: f64 = 4.0;
/// The zoom range the map allows.
pub const MAX_ZOOM: f64 = 19.0;

/// How one layer is shown.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LayerView {
    pub visible: bool,
    /// 0 (transparent) to 1.
    pub opacity: f32,
}

impl Default for LayerView {
    fn default() -> Self {
        LayerView { visible: true, opacity: 1.0 }
    }
}

/// Which panels are open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Panels {
    pub layers: bool,
    pub legend: bool,
    pub identify: bool,
    pub problems: bool,
    /// Progress against the plan (right).
    pub dashboard: bool,
    /// The attribute table (bottom).
    pub table: bool,
    /// The plan-consistency audit (right).
    pub audit: bool,
}

impl Default for Panels {
    fn default() -> Self {
        Panels {
            layers: true,
            legend: true,
            identify: true,
            problems: false,
            dashboard: false,
            table: false,
            audit: false,
        }
    }
}

/// What colours the sites.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColourBy {
    /// Status at the viewed year.
    #[default]
    Status,
    /// The site's layer.
    Layer,
    /// Whether (and with what result) the site has been checked in the field.
    Checks,
}

/// Which file dialog File → Open, save-as and the exports use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FileDialogChoice {
    /// The platform's dialog where it can open, else the in-app browser (see
    /// [`crate::app::file_dialog::native_dialog_likely`]).
    #[default]
    Auto,
    /// Always the platform's dialog (rfd: the desktop portal, else zenity).
    Native,
    /// Always the in-app browser.
    InApp,
}

/// Everything about the view that survives a restart.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// `None` until the user has looked somewhere: the app then opens on the main city.
    pub camera: Option<Camera>,
    pub year: YearView,
    /// By [`binzhou_core::model::LayerKey::key`].
    pub layers: BTreeMap<String, LayerView>,
    pub panels: Panels,
    pub lang: Lang,
    pub show_gcj02: bool,
    pub show_labels: bool,
    pub show_changes: bool,
    pub colour_by: ColourBy,
    pub basemap: BasemapChoice,
    /// The tile basemap's source and settings (used when `basemap` is tiles).
    pub tiles: binzhou_tiles::settings::TileSettings,
    /// The GNSS source last connected (offered again by the connect dialog).
    pub gnss_source: String,
    /// Keep the map centred on the GNSS position.
    pub gnss_follow: bool,
    /// Who makes field checks on this laptop (asked once, by the check form).
    pub inspector: String,
    /// A check made with a fix worse than this (metres) is marked low-accuracy.
    pub fix_threshold_m: f64,
    /// The folder a file was last opened from or saved to: where the next
    /// file dialog starts.
    #[serde(default)]
    pub last_folder: Option<std::path::PathBuf>,
    /// Which file dialog to use.
    #[serde(default)]
    pub file_dialog: FileDialogChoice,
    /// How much larger text and symbols are in presentation mode (F5).
    pub present_scale: f32,
    /// The shared database last opened, as `postgresql://user@host:port/db`:
    /// never a password (that stays in ~/.pgpass or PGPASSWORD).
    pub last_db: String,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            camera: None,
            year: YearView::EndOf(2022),
            layers: BTreeMap::new(),
            panels: Panels::default(),
            lang: Lang::Zh,
            show_gcj02: false,
            show_labels: true,
            show_changes: true,
            colour_by: ColourBy::Status,
            basemap: BasemapChoice::default(),
            tiles: Default::default(),
            gnss_source: String::new(),
            gnss_follow: false,
            inspector: String::new(),
            fix_threshold_m: 10.0,
            last_folder: None,
            file_dialog: FileDialogChoice::Auto,
            present_scale: 1.6,
            last_db: String::new(),
        }
    }
}

impl ViewState {
    /// Reads the state from storage; anything missing or unreadable takes its default.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        let mut s: ViewState = storage.and_then(|st| eframe::get_value(st, STORAGE_KEY)).unwrap_or_default();
        if s.camera.is_some_and(|c| !c.is_valid()) {
            s.camera = None;
        }
        if !(s.fix_threshold_m.is_finite() && s.fix_threshold_m > 0.0) {
            s.fix_threshold_m = 10.0;
        }
        for v in s.layers.values_mut() {
            v.opacity = if v.opacity.is_finite() { v.opacity.clamp(0.0, 1.0) } else { 1.0 };
        }
        s
    }

    /// Writes the state to storage.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }

    /// How a layer is shown (visible and opaque unless said otherwise).
    pub fn layer(&self, key: &str) -> LayerView {
        self.layers.get(key).copied().unwrap_or_default()
    }

    /// Mutable access to a layer's view, created with defaults.
    pub fn layer_mut(&mut self, key: &str) -> &mut LayerView {
        self.layers.entry(key.to_owned()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_written_by_an_older_version_reads_with_defaults_for_new_fields() {
        let s: ViewState = serde_json::from_str(r#"{"year":{"EndOf":2021},"lang":"En"}"#).unwrap();
        assert_eq!(s.year, YearView::EndOf(2021));
        assert_eq!(s.lang, Lang::En);
        assert!(s.panels.layers);
        assert!(s.show_labels);
    }

    #[test]
    fn a_state_round_trips_through_json() {
        let mut s = ViewState { camera: Some(Camera { lon: 118.01, lat: 37.38, zoom: 14.5 }), ..Default::default() };
        s.layer_mut("pocket_park").visible = false;
        let back: ViewState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn an_unknown_layer_is_visible_and_opaque() {
        let s = ViewState::default();
        assert_eq!(s.layer("nope"), LayerView::default());
    }

    #[test]
    fn the_last_folder_and_the_dialog_choice_survive_a_restart_and_default_when_missing() {
        let s = ViewState {
            last_folder: Some("/tmp/滨州".into()),
            file_dialog: FileDialogChoice::InApp,
            ..Default::default()
        };
        let back: ViewState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.last_folder.as_deref(), Some(std::path::Path::new("/tmp/滨州")));
        assert_eq!(back.file_dialog, FileDialogChoice::InApp);
        let old: ViewState = serde_json::from_str(r#"{"lang":"En"}"#).unwrap();
        assert_eq!((old.last_folder, old.file_dialog), (None, FileDialogChoice::Auto));
    }
}
