//! Coordinate reference systems met in Binzhou planning data, and conversion
//! of their coordinates to and from WGS 84 longitude/latitude.
//!
//! Supported systems (see [`Crs`]):
//!
//! * WGS 84 (EPSG:4326, OGC CRS84) — the pivot of every conversion;
//! * CGCS2000 geographic (EPSG:4490), treated as identical to WGS 84 (the
//!   two differ by centimetres, far below what a map viewer shows);
//! * CGCS2000 3-degree Gauss–Krüger zones 39 and 40, with the zone number
//!   prefixed to the easting (EPSG:4527, EPSG:4528) or without it
//!   (EPSG:4548 for central meridian 117°E, EPSG:4549 for 120°E);
//! * GCJ-02, the offset lon/lat used by Chinese web maps.
//!
//! The module also parses CRS names ([`parse_crs_name`]) and guesses the
//! system of files that name none ([`detect`]).

mod detect;
mod gauss_kruger;
mod gcj02;

use crate::model::Bilingual;
use std::fmt;

pub use detect::{Detection, ZoneHint, detect, detect_with_hint};

/// A coordinate reference system this crate can convert to and from WGS 84.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// WGS 84 longitude/latitude in degrees (EPSG:4326 / OGC CRS84).
    Wgs84,
    /// CGCS2000 geographic longitude/latitude (EPSG:4490); treated as WGS 84.
    Cgcs2000,
    /// CGCS2000 3-degree Gauss–Krüger zone 39 (central meridian 117°E), easting
    /// with the zone prefix: 8 digits starting with 39 (EPSG:4527).
    Cgcs2000GkZone39,
    /// CGCS2000 3-degree Gauss–Krüger zone 40 (central meridian 120°E), easting
    /// with the zone prefix: 8 digits starting with 40 (EPSG:4528).
    Cgcs2000GkZone40,
    /// CGCS2000 3-degree Gauss–Krüger, central meridian 117°E, 6-digit easting
    /// without zone prefix (EPSG:4548).
    Cgcs2000GkCm117,
    /// CGCS2000 3-degree Gauss–Krüger, central meridian 120°E, 6-digit easting
    /// without zone prefix (EPSG:4549).
    Cgcs2000GkCm120,
    /// GCJ-02 ("Mars coordinates"): WGS 84 with the obfuscating shift used by
    /// Chinese web maps (Amap/Gaode, Tencent, Google China). No EPSG code.
    Gcj02,
}

impl Crs {
    /// Every supported system, in menu order.
    pub const ALL: [Crs; 7] = [
        Crs::Wgs84,
        Crs::Cgcs2000,
        Crs::Cgcs2000GkZone39,
        Crs::Cgcs2000GkZone40,
        Crs::Cgcs2000GkCm117,
        Crs::Cgcs2000GkCm120,
        Crs::Gcj02,
    ];

    /// The EPSG code, or `None` for GCJ-02 which has none.
    pub fn epsg(self) -> Option<u16> {
        match self {
            Crs::Wgs84 => Some(4326),
            Crs::Cgcs2000 => Some(4490),
            Crs::Cgcs2000GkZone39 => Some(4527),
            Crs::Cgcs2000GkZone40 => Some(4528),
            Crs::Cgcs2000GkCm117 => Some(4548),
            Crs::Cgcs2000GkCm120 => Some(4549),
            Crs::Gcj02 => None,
        }
    }

    /// The system with EPSG code `code`, if it is one of the supported ones.
    pub fn from_epsg(code: u16) -> Option<Crs> {
        Crs::ALL.into_iter().find(|crs| crs.epsg() == Some(code))
    }

    /// A short code for command lines and status bars: `"EPSG:4527"`, `"GCJ-02"`.
    /// [`parse_crs_name`] accepts it back.
    pub fn code(self) -> &'static str {
        match self {
            Crs::Wgs84 => "EPSG:4326",
            Crs::Cgcs2000 => "EPSG:4490",
            Crs::Cgcs2000GkZone39 => "EPSG:4527",
            Crs::Cgcs2000GkZone40 => "EPSG:4528",
            Crs::Cgcs2000GkCm117 => "EPSG:4548",
            Crs::Cgcs2000GkCm120 => "EPSG:4549",
            Crs::Gcj02 => "GCJ-02",
        }
    }

    /// A human-readable name including the code, e.g.
    /// `"CGCS2000 / 3-degree Gauss-Kruger zone 39 (EPSG:4527)"`.
    pub fn label(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS 84 (EPSG:4326)",
            Crs::Cgcs2000 => "CGCS2000 (EPSG:4490)",
            Crs::Cgcs2000GkZone39 => "CGCS2000 / 3-degree Gauss-Kruger zone 39 (EPSG:4527)",
            Crs::Cgcs2000GkZone40 => "CGCS2000 / 3-degree Gauss-Kruger zone 40 (EPSG:4528)",
            Crs::Cgcs2000GkCm117 => "CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)",
            Crs::Cgcs2000GkCm120 => "CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)",
            Crs::Gcj02 => "GCJ-02 (Chinese web-map offset lon/lat)",
        }
    }

    /// `true` for longitude/latitude systems (WGS 84, CGCS2000, GCJ-02),
    /// `false` for the Gauss–Krüger projections in metres.
    pub fn is_geographic(self) -> bool {
        matches!(self, Crs::Wgs84 | Crs::Cgcs2000 | Crs::Gcj02)
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a coordinate could not be converted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// A coordinate is NaN or infinite.
    #[error("{crs}: coordinate ({x}, {y}) is not a finite number")]
    NotFinite {
        /// The system the coordinate was given in or was to be converted to.
        crs: Crs,
        /// First value (easting or longitude).
        x: f64,
        /// Second value (northing or latitude).
        y: f64,
    },
    /// A coordinate lies outside the domain of the system.
    #[error("{crs}: coordinate ({x}, {y}) is out of range: {reason}")]
    OutOfRange {
        /// The system the coordinate was given in or was to be converted to.
        crs: Crs,
        /// First value (easting or longitude).
        x: f64,
        /// Second value (northing or latitude).
        y: f64,
        /// What is wrong with it.
        reason: String,
    },
    /// The projection library rejected a coordinate.
    #[error("{crs}: projecting ({x}, {y}) failed: {message}")]
    Projection {
        /// The projected system involved.
        crs: Crs,
        /// First value (easting or longitude).
        x: f64,
        /// Second value (northing or latitude).
        y: f64,
        /// The projection library's message.
        message: String,
    },
    /// The projection could not be set up (a bug, not bad input).
    #[error("{crs}: could not set up the projection: {message}")]
    Setup {
        /// The projected system involved.
        crs: Crs,
        /// The projection library's message.
        message: String,
    },
    /// Inverting the GCJ-02 shift did not converge (only happens right at the
    /// edge of the area where GCJ-02 applies).
    #[error(
        "GCJ-02: coordinate ({lon}, {lat}) could not be converted to WGS 84 \
         (no convergence after {iterations} iterations)"
    )]
    NoConvergence {
        /// GCJ-02 longitude.
        lon: f64,
        /// GCJ-02 latitude.
        lat: f64,
        /// Iterations tried.
        iterations: u32,
    },
}

impl Bilingual for CrsError {
    /// The same in Chinese (details from the projection library stay as
    /// they came).
    fn zh(&self) -> String {
        match self {
            CrsError::NotFinite { crs, x, y } => format!("{crs}：坐标 ({x}, {y}) 不是有限数"),
            CrsError::OutOfRange { crs, x, y, reason } => format!("{crs}：坐标 ({x}, {y}) 超出范围（{reason}）"),
            CrsError::Projection { crs, x, y, message } => format!("{crs}：投影 ({x}, {y}) 失败（{message}）"),
            CrsError::Setup { crs, message } => format!("{crs}：无法建立投影（{message}）"),
            CrsError::NoConvergence { lon, lat, iterations } => {
                format!("GCJ-02：坐标 ({lon}, {lat}) 无法转换为 WGS 84（迭代 {iterations} 次仍未收敛）")
            }
        }
    }
}

/// Parse a CRS name as found in a legacy GeoJSON `crs` member or on a command
/// line. Case and surrounding blanks are ignored.
///
/// Accepted forms:
/// * OGC URNs: `urn:ogc:def:crs:EPSG::4527`, `urn:ogc:def:crs:EPSG:6.6:4326`,
///   `urn:ogc:def:crs:OGC:1.3:CRS84` (also without the version field);
/// * OGC http URIs: `http://www.opengis.net/def/crs/EPSG/0/4326`,
///   `http://www.opengis.net/def/crs/OGC/1.3/CRS84`;
/// * `EPSG:4490`, `epsg:4548`, `CRS84`, `OGC:CRS84`, `WGS84`, `CGCS2000`;
/// * `gcj02`, `GCJ-02`, `gcj_02`.
///
/// Only the EPSG codes of [`Crs`] are known (4326, 4490, 4527, 4528, 4548,
/// 4549); anything else gives `None`.
pub fn parse_crs_name(name: &str) -> Option<Crs> {
    let lower = name.trim().to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:") {
        let parts: Vec<&str> = rest.split(':').collect();
        return match parts.as_slice() {
            [authority, version, code] if is_version(version) => by_authority(authority, code),
            [authority, code] => by_authority(authority, code),
            _ => None,
        };
    }
    let uri = lower
        .strip_prefix("http://www.opengis.net/def/crs/")
        .or_else(|| lower.strip_prefix("https://www.opengis.net/def/crs/"));
    if let Some(rest) = uri {
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            [authority, version, code] if is_version(version) => by_authority(authority, code),
            _ => None,
        };
    }
    if let Some((authority, code)) = lower.split_once(':') {
        return by_authority(authority, code);
    }
    match lower.as_str() {
        "crs84" | "wgs84" | "wgs 84" | "wgs-84" => Some(Crs::Wgs84),
        "cgcs2000" => Some(Crs::Cgcs2000),
        "gcj02" | "gcj-02" | "gcj_02" => Some(Crs::Gcj02),
        _ => None,
    }
}

/// A URN/URI version field: empty, or digits and dots.
fn is_version(v: &str) -> bool {
    v.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Look up `code` under a lower-cased `authority`.
fn by_authority(authority: &str, code: &str) -> Option<Crs> {
    match authority {
        "epsg" => {
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Crs::from_epsg(code.parse().ok()?)
        }
        "ogc" if code == "crs84" => Some(Crs::Wgs84),
        _ => None,
    }
}

/// Convert a coordinate in `crs` to WGS 84 longitude/latitude in degrees.
///
/// `x` is the easting (metres) or longitude (degrees), `y` the northing or
/// latitude; for the prefixed Gauss–Krüger systems the easting includes the
/// zone number (39 585 998 m, not 585 998 m). Returns `(lon, lat)`.
/// CGCS2000 is taken as equal to WGS 84. Never panics: bad input (NaN,
/// out-of-zone easting, latitude beyond ±90°…) gives a [`CrsError`].
///
/// ```
/// use binzhou_core::crs::{Crs, to_wgs84};
///
/// // Near the centre of Binzhou, in EPSG:4527 (zone 39 with prefix).
/// let (lon, lat) = to_wgs84(Crs::Cgcs2000GkZone39, 39_585_998.0, 4_139_237.0)?;
/// assert!((lon - 117.971).abs() < 0.001);
/// assert!((lat - 37.381).abs() < 0.001);
///
/// // The same point without the zone prefix is not EPSG:4527.
/// assert!(to_wgs84(Crs::Cgcs2000GkZone39, 585_998.0, 4_139_237.0).is_err());
/// # Ok::<(), binzhou_core::crs::CrsError>(())
/// ```
pub fn to_wgs84(crs: Crs, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
    match crs {
        Crs::Wgs84 | Crs::Cgcs2000 => check_lon_lat(crs, x, y).map(|()| (x, y)),
        Crs::Gcj02 => {
            check_lon_lat(crs, x, y)?;
            gcj02::gcj02_to_wgs84(x, y)
        }
        Crs::Cgcs2000GkZone39 | Crs::Cgcs2000GkZone40 | Crs::Cgcs2000GkCm117 | Crs::Cgcs2000GkCm120 => {
            gauss_kruger::to_lon_lat(crs, x, y)
        }
    }
}

/// Convert WGS 84 longitude/latitude in degrees to `crs`.
///
/// Returns `(x, y)`: easting/northing in metres (prefixed with the zone number
/// for EPSG:4527/4528) or longitude/latitude in degrees. The inverse of
/// [`to_wgs84`]. Points too far from a Gauss–Krüger zone's central meridian
/// give [`CrsError::OutOfRange`].
pub fn from_wgs84(crs: Crs, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    check_lon_lat(crs, lon, lat)?;
    match crs {
        Crs::Wgs84 | Crs::Cgcs2000 => Ok((lon, lat)),
        Crs::Gcj02 => Ok(gcj02::wgs84_to_gcj02(lon, lat)),
        Crs::Cgcs2000GkZone39 | Crs::Cgcs2000GkZone40 | Crs::Cgcs2000GkCm117 | Crs::Cgcs2000GkCm120 => {
            gauss_kruger::from_lon_lat(crs, lon, lat)
        }
    }
}

/// Check that a longitude/latitude pair is finite and within ±180°/±90°.
fn check_lon_lat(crs: Crs, lon: f64, lat: f64) -> Result<(), CrsError> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err(CrsError::NotFinite { crs, x: lon, y: lat });
    }
    let reason = if !(-180.0..=180.0).contains(&lon) {
        format!("longitude {lon} is outside -180..180")
    } else if !(-90.0..=90.0).contains(&lat) {
        format!("latitude {lat} is outside -90..90")
    } else {
        return Ok(());
    };
    Err(CrsError::OutOfRange { crs, x: lon, y: lat, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ogc_urns_with_and_without_version_parse() {
        assert_eq!(parse_crs_name("urn:ogc:def:crs:EPSG::4527"), Some(Crs::Cgcs2000GkZone39));
        assert_eq!(parse_crs_name("urn:ogc:def:crs:EPSG:6.6:4326"), Some(Crs::Wgs84));
        assert_eq!(parse_crs_name("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Wgs84));
        assert_eq!(parse_crs_name("urn:ogc:def:crs:EPSG:4548"), Some(Crs::Cgcs2000GkCm117));
    }

    #[test]
    fn short_names_parse_regardless_of_case_and_blanks() {
        assert_eq!(parse_crs_name("EPSG:4490"), Some(Crs::Cgcs2000));
        assert_eq!(parse_crs_name("epsg:4548"), Some(Crs::Cgcs2000GkCm117));
        assert_eq!(parse_crs_name(" EPSG:4528 "), Some(Crs::Cgcs2000GkZone40));
        assert_eq!(parse_crs_name("EPSG:4549"), Some(Crs::Cgcs2000GkCm120));
        assert_eq!(parse_crs_name("CRS84"), Some(Crs::Wgs84));
        assert_eq!(parse_crs_name("gcj02"), Some(Crs::Gcj02));
        assert_eq!(parse_crs_name("GCJ-02"), Some(Crs::Gcj02));
        assert_eq!(parse_crs_name("http://www.opengis.net/def/crs/EPSG/0/4527"), Some(Crs::Cgcs2000GkZone39));
    }

    #[test]
    fn unknown_or_malformed_names_give_none() {
        for name in [
            "",
            "EPSG:3857",
            "EPSG:",
            "EPSG:+4326",
            "EPSG:99999999",
            "urn:ogc:def:crs:EPSG:x:4326",
            "urn:ogc:def:crs:EPSG::4326:extra",
            "urn:ogc:def:crs:OGC:1.3:CRS83",
            "bd09",
            "ESRI:4326",
        ] {
            assert_eq!(parse_crs_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn every_code_parses_back_to_its_crs() {
        for crs in Crs::ALL {
            assert_eq!(parse_crs_name(crs.code()), Some(crs));
            assert_eq!(crs.epsg().and_then(Crs::from_epsg), crs.epsg().map(|_| crs));
        }
    }

    #[test]
    fn only_lon_lat_systems_are_geographic() {
        let geographic: Vec<Crs> = Crs::ALL.into_iter().filter(|c| c.is_geographic()).collect();
        assert_eq!(geographic, [Crs::Wgs84, Crs::Cgcs2000, Crs::Gcj02]);
    }

    #[test]
    fn cgcs2000_geographic_passes_through_unchanged() {
        assert_eq!(to_wgs84(Crs::Cgcs2000, 117.97, 37.38), Ok((117.97, 37.38)));
        assert_eq!(from_wgs84(Crs::Cgcs2000, 117.97, 37.38), Ok((117.97, 37.38)));
    }

    #[test]
    fn every_system_round_trips_a_binzhou_point_through_the_public_api() {
        let (lon, lat) = (118.02, 37.37);
        for crs in Crs::ALL {
            let (x, y) = from_wgs84(crs, lon, lat).unwrap();
            let (back_lon, back_lat) = to_wgs84(crs, x, y).unwrap();
            assert!(
                (back_lon - lon).abs() < 1e-8 && (back_lat - lat).abs() < 1e-8,
                "{crs:?}: ({x}, {y}) came back as ({back_lon}, {back_lat})"
            );
        }
    }

    #[test]
    fn gcj02_is_shifted_by_hundreds_of_metres_in_binzhou() {
        let (glon, glat) = from_wgs84(Crs::Gcj02, 118.02, 37.37).unwrap();
        let shift_deg = (glon - 118.02).hypot(glat - 37.37);
        assert!(shift_deg > 0.002 && shift_deg < 0.01, "{shift_deg}");
    }

    #[test]
    fn out_of_range_or_nan_lon_lat_is_an_error_naming_the_value() {
        let err = to_wgs84(Crs::Wgs84, 117.0, 137.0).unwrap_err();
        assert!(matches!(err, CrsError::OutOfRange { crs: Crs::Wgs84, .. }));
        assert!(err.to_string().contains("latitude 137"), "{err}");
        assert!(matches!(from_wgs84(Crs::Gcj02, f64::NAN, 37.0), Err(CrsError::NotFinite { crs: Crs::Gcj02, .. })));
    }
}
