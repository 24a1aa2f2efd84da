//! Coordinate systems as files name them: an ESRI `.prj`, OGC WKT (1 or 2)
//! or an EPSG code, turned into what the map does with the coordinates.
//!
//! Three outcomes ([`Prj`]):
//!
//! * a system the core knows ([`Crs`]: WGS84, CGCS2000 and its 3° Gauss–Krüger
//!   zones 39/40 with or without the zone prefix): the reader hands the
//!   coordinates on as they are and the core converts them;
//! * a system the core lacks but that is a plain transverse Mercator or Web
//!   Mercator (CGCS2000 6° zones, other 3° zones, UTM, EPSG:3857, Xian 1980
//!   and Beijing 1954 Gauss–Krüger): [`Prj::convert`] converts each position
//!   to WGS84 in the reader, and the layer is declared WGS84. Only the
//!   ellipsoid of such a system's datum is used — there is no datum shift,
//!   which for Xian 1980 and Beijing 1954 means errors of tens of metres;
//!   the note says so;
//! * anything else: no system, and the core detects one by magnitude.

mod wkt;

use binzhou_core::crs::{Crs, parse_crs_name};
use binzhou_core::model::Msg;
use proj4rs::Proj;
use proj4rs::adaptors::transform_vertex_2d;

use crate::Detected;

/// What a `.prj`, WKT or EPSG code says about a layer's coordinates.
#[derive(Debug, Clone)]
pub struct Prj {
    /// The system to give the core: the one named, or WGS84 when
    /// [`Prj::convert`] converts the positions; `None` when not recognised.
    pub crs: Option<Crs>,
    /// For a system the core does not know: the conversion of each position
    /// to WGS84, done by the reader.
    pub convert: Option<Reprojection>,
    /// What was found, in both languages, without saying where from (see
    /// [`Prj::detected`]).
    pub finding: Msg,
}

impl Prj {
    /// The finding as a `crs` line for the user, led by where it came from
    /// (e.g. `"the .prj"` / `".prj 文件"`).
    pub fn detected(&self, from_en: &str, from_zh: &str) -> Detected {
        Detected {
            what: "crs",
            text: Msg::new(format!("{from_en}: {}", self.finding.en), format!("{from_zh}：{}", self.finding.zh)),
        }
    }
}

/// A conversion of positions in a system the core does not know to WGS84
/// longitude/latitude, through proj4rs.
#[derive(Debug, Clone)]
pub struct Reprojection {
    label: Msg,
    /// Linear unit in metres (1 for metres).
    to_meter: f64,
    /// The projected system; `None` for longitude/latitude on another datum.
    source: Option<Proj>,
    /// Longitude/latitude on the same ellipsoid (so that proj4rs applies no datum shift).
    geographic: Proj,
}

impl Reprojection {
    /// The system converted from, e.g. "CGCS2000 / 6-degree Gauss-Kruger zone 20 (EPSG:4498)".
    pub fn label(&self) -> &Msg {
        &self.label
    }

    /// `(x, y)` in the source system to WGS84 `(lon, lat)` in degrees.
    /// Positions the projection cannot invert, or that come out of range,
    /// give a message naming them.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), Msg> {
        let fail = |why_en: &str, why_zh: &str| {
            Msg::new(
                format!("cannot convert ({x}, {y}) from {} to WGS84: {why_en}", self.label.en),
                format!("无法将 ({x}, {y}) 从 {} 转换为 WGS84：{why_zh}", self.label.zh),
            )
        };
        if !x.is_finite() || !y.is_finite() {
            return Err(fail("not a finite number", "不是有限数"));
        }
        let (lon, lat) = match &self.source {
            None => (x, y),
            Some(source) => {
                let (lam, phi) = transform_vertex_2d(source, &self.geographic, (x * self.to_meter, y * self.to_meter))
                    .map_err(|e| fail(&e.to_string(), &e.to_string()))?;
                (lam.to_degrees(), phi.to_degrees())
            }
        };
        if !lon.is_finite() || !lat.is_finite() || lon.abs() > 180.0 || lat.abs() > 90.0 {
            return Err(fail("the result is outside longitude/latitude range", "结果超出经纬度范围"));
        }
        Ok((lon, lat))
    }
}

/// An ellipsoid: semi-major axis and inverse flattening (0 for a sphere).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ellipsoid {
    a: f64,
    rf: f64,
}

const GRS80: Ellipsoid = Ellipsoid { a: 6_378_137.0, rf: 298.257_222_101 };
const WGS84: Ellipsoid = Ellipsoid { a: 6_378_137.0, rf: 298.257_223_563 };
/// Xian 1980 (IAG 1975 / IAU76 ellipsoid).
const XIAN80: Ellipsoid = Ellipsoid { a: 6_378_140.0, rf: 298.257 };
/// Beijing 1954 (Krassowsky 1940).
const KRASS: Ellipsoid = Ellipsoid { a: 6_378_245.0, rf: 298.3 };
const SPHERE: Ellipsoid = Ellipsoid { a: 6_378_137.0, rf: 0.0 };

impl Ellipsoid {
    fn proj(self) -> String {
        if self.rf == 0.0 { format!("+a={} +b={}", self.a, self.a) } else { format!("+a={} +rf={}", self.a, self.rf) }
    }

    fn is(self, other: Ellipsoid) -> bool {
        (self.a - other.a).abs() < 0.01 && (self.rf - other.rf).abs() < 1e-7
    }
}

/// The datums met in Chinese data, by what their ellipsoid is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Datum {
    Cgcs2000,
    Wgs84,
    Xian1980,
    Beijing1954,
    /// Another ellipsoid, named as the file names it.
    Other(Ellipsoid),
}

impl Datum {
    fn ellipsoid(self) -> Ellipsoid {
        match self {
            Datum::Cgcs2000 => GRS80,
            Datum::Wgs84 => WGS84,
            Datum::Xian1980 => XIAN80,
            Datum::Beijing1954 => KRASS,
            Datum::Other(e) => e,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Datum::Cgcs2000 => "CGCS2000",
            Datum::Wgs84 => "WGS 84",
            Datum::Xian1980 => "Xian 1980",
            Datum::Beijing1954 => "Beijing 1954",
            Datum::Other(_) => "an unnamed datum",
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Datum::Cgcs2000 => "CGCS2000",
            Datum::Wgs84 => "WGS 84",
            Datum::Xian1980 => "西安 1980",
            Datum::Beijing1954 => "北京 1954",
            Datum::Other(_) => "未具名基准",
        }
    }

    /// Whether dropping the datum shift is harmless (CGCS2000 and WGS84 differ by centimetres).
    fn close_to_wgs84(self) -> bool {
        matches!(self, Datum::Cgcs2000 | Datum::Wgs84)
    }

    /// From an ellipsoid's parameters.
    fn of_ellipsoid(e: Ellipsoid) -> Datum {
        [Datum::Cgcs2000, Datum::Wgs84, Datum::Xian1980, Datum::Beijing1954]
            .into_iter()
            .find(|d| e.is(d.ellipsoid()))
            .unwrap_or(Datum::Other(e))
    }

    /// From a (normalised) name of a datum or a system.
    fn of_name(n: &str) -> Option<Datum> {
        if n.contains("cgcs2000") || n.contains("china_2000") || n.contains("china_geodetic_coordinate_system_2000") {
            Some(Datum::Cgcs2000)
        } else if n.contains("xian") || n.contains("xi_an") {
            Some(Datum::Xian1980)
        } else if n.contains("beijing") {
            Some(Datum::Beijing1954)
        } else if n.contains("wgs_1984") || n.contains("wgs_84") || n.contains("wgs84") {
            Some(Datum::Wgs84)
        } else {
            None
        }
    }
}

/// A system, as far as this module understands one.
#[derive(Debug, Clone, PartialEq)]
enum Spec {
    /// Longitude/latitude on a datum.
    Geographic(Datum),
    /// Transverse Mercator (Gauss–Krüger, UTM).
    Tmerc { datum: Datum, lon0: f64, lat0: f64, k: f64, x0: f64, y0: f64, to_meter: f64 },
    /// Web Mercator on the sphere (EPSG:3857).
    WebMercator,
}

/// Reads `.prj` / WKT text (or a bare name or code such as `EPSG:4498`).
///
/// ```
/// use binzhou_core::crs::Crs;
/// let prj = binzhou_formats::prj::from_wkt(r#"PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#);
/// assert_eq!(prj.crs, Some(Crs::Cgcs2000GkCm117));
/// assert!(prj.convert.is_none());
/// ```
pub fn from_wkt(text: &str) -> Prj {
    let text = text.trim_start_matches('\u{feff}').trim();
    let Ok(root) = wkt::parse(text) else {
        return from_name(text);
    };
    let name = root.name().unwrap_or("").to_owned();
    let shown = if name.is_empty() { text.chars().take(60).collect() } else { name.clone() };
    // The whole system's own authority code, when it has one.
    let code = root
        .child(&["AUTHORITY", "ID"])
        .filter(|a| a.name().is_some_and(|n| n.eq_ignore_ascii_case("EPSG")))
        .and_then(|a| a.number(1));
    if let Some(code) = code.filter(|c| c.fract() == 0.0 && *c > 0.0 && *c < 1e9) {
        let by_code = from_epsg(code as u32);
        if by_code.crs.is_some() {
            return by_code;
        }
    }
    match spec_of_tree(&root).or_else(|| spec_of_name(&normalise(&name))) {
        Some(spec) => resolve(spec, &shown, None),
        None => unknown(&shown),
    }
}

/// The system of an EPSG code: one the core knows, or one converted here.
///
/// ```
/// let prj = binzhou_formats::prj::from_epsg(4498); // CGCS2000 6-degree GK zone 20
/// assert_eq!(prj.crs, Some(binzhou_core::crs::Crs::Wgs84));
/// let (lon, lat) = prj.convert.unwrap().to_wgs84(20_588_567.9504, 4_139_153.0880).unwrap();
/// assert!((lon - 118.0).abs() < 1e-7 && (lat - 37.38).abs() < 1e-7);
/// ```
pub fn from_epsg(code: u32) -> Prj {
    if let Some(crs) = u16::try_from(code).ok().and_then(Crs::from_epsg) {
        return known(crs, None);
    }
    match spec_of_epsg(code) {
        Some(spec) => resolve(spec, &format!("EPSG:{code}"), Some(code)),
        None => unknown(&format!("EPSG:{code}")),
    }
}

/// A bare name: a code (`EPSG:4498`, an OGC URN) or an ESRI/OGC system name.
fn from_name(text: &str) -> Prj {
    if let Some(crs) = parse_crs_name(text) {
        return known(crs, None);
    }
    let lower = text.to_ascii_lowercase();
    if let Some(code) = lower.strip_prefix("epsg:").and_then(|c| c.trim().parse::<u32>().ok()) {
        return from_epsg(code);
    }
    match spec_of_name(&normalise(text)) {
        Some(spec) => resolve(spec, text, None),
        None => unknown(&text.chars().take(60).collect::<String>()),
    }
}

/// Lower case, with blanks, dashes, slashes and dots as single underscores.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// The system a WKT tree describes by its parameters.
fn spec_of_tree(root: &wkt::Node) -> Option<Spec> {
    let ellipsoid = root.find(&["SPHEROID", "ELLIPSOID"]).and_then(|s| {
        let (a, rf) = (s.number(1)?, s.number(2).unwrap_or(0.0));
        (a > 6_000_000.0 && a < 7_000_000.0).then_some(Ellipsoid { a, rf })
    });
    let datum_name = root.find(&["DATUM", "GEODETICDATUM", "TRF"]).and_then(wkt::Node::name).map(normalise);
    let datum = ellipsoid
        .map(Datum::of_ellipsoid)
        .filter(|d| !matches!(d, Datum::Other(_)))
        .or_else(|| datum_name.as_deref().and_then(Datum::of_name))
        .or(ellipsoid.map(Datum::Other));
    match root.keyword.as_str() {
        "GEOGCS" | "GEOGCRS" | "GEODCRS" | "GEOGRAPHICCRS" | "GEODETICCRS" => {
            Some(Spec::Geographic(datum.or_else(|| Datum::of_name(&normalise(root.name()?)))?))
        }
        "PROJCS" | "PROJCRS" | "PROJECTEDCRS" => {
            let method = root
                .find(&["PROJECTION", "METHOD", "PROJECTIONMETHOD"])
                .and_then(wkt::Node::name)
                .map(normalise)
                .unwrap_or_default();
            if method.contains("auxiliary_sphere") || method.contains("pseudo_mercator") {
                return Some(Spec::WebMercator);
            }
            let tmerc = method.contains("transverse_mercator") || method.contains("gauss_kruger") || method == "tmerc";
            if !tmerc {
                return None;
            }
            let param = |names: &[&str]| -> Option<f64> {
                root.children()
                    .filter(|n| n.keyword == "PARAMETER")
                    .find(|n| n.name().map(normalise).is_some_and(|p| names.contains(&p.as_str())))
                    .and_then(|n| n.number(1))
            };
            let to_meter = root.child(&["UNIT", "LENGTHUNIT"]).and_then(|u| u.number(1)).unwrap_or(1.0);
            let lon0 = param(&["central_meridian", "longitude_of_natural_origin", "longitude_of_origin"])?;
            Some(Spec::Tmerc {
                datum: datum?,
                lon0,
                lat0: param(&["latitude_of_origin", "latitude_of_natural_origin"]).unwrap_or(0.0),
                k: param(&["scale_factor", "scale_factor_at_natural_origin"]).unwrap_or(1.0),
                x0: param(&["false_easting"]).unwrap_or(0.0) * to_meter,
                y0: param(&["false_northing"]).unwrap_or(0.0) * to_meter,
                to_meter,
            })
        }
        _ => None,
    }
}

/// The number after `key` in a normalised name (`"cm_117e"` → 117).
fn number_after(name: &str, key: &str) -> Option<u32> {
    let at = name.find(key)? + key.len();
    let digits: String = name[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The system an ESRI or OGC name describes (`CGCS2000_3_Degree_GK_CM_117E`,
/// `CGCS2000 / Gauss-Kruger zone 20`, `WGS_1984_UTM_Zone_50N`, `GCS_WGS_1984`).
fn spec_of_name(n: &str) -> Option<Spec> {
    if n.contains("web_mercator") || n.contains("pseudo_mercator") || n.contains("popular_visualisation") {
        return Some(Spec::WebMercator);
    }
    let datum = Datum::of_name(n);
    if let Some(zone) = number_after(n, "utm_zone_") {
        let south = n.contains(&format!("utm_zone_{zone}s"));
        let (lon0, y0) = (f64::from(zone) * 6.0 - 183.0, if south { 10_000_000.0 } else { 0.0 });
        return (1..=60).contains(&zone).then_some(Spec::Tmerc {
            datum: datum.unwrap_or(Datum::Wgs84),
            lon0,
            lat0: 0.0,
            k: 0.9996,
            x0: 500_000.0,
            y0,
            to_meter: 1.0,
        });
    }
    if n.contains("gk") || n.contains("gauss") {
        let three = n.contains("3_degree");
        let (lon0, x0) = if let Some(cm) = number_after(n, "cm_") {
            (f64::from(cm), 500_000.0)
        } else {
            let zone = number_after(n, "zone_")?;
            let lon0 = if three { f64::from(zone) * 3.0 } else { f64::from(zone) * 6.0 - 3.0 };
            // ESRI's "…_GK_Zone_20N" is the zone without its number in the easting.
            let unprefixed = n.contains(&format!("zone_{zone}n"));
            (lon0, if unprefixed { 500_000.0 } else { f64::from(zone) * 1_000_000.0 + 500_000.0 })
        };
        return (lon0 > 0.0 && lon0 < 180.0).then_some(Spec::Tmerc {
            datum: datum?,
            lon0,
            lat0: 0.0,
            k: 1.0,
            x0,
            y0: 0.0,
            to_meter: 1.0,
        });
    }
    if n.starts_with("gcs_") || !n.contains("proj") {
        return datum.map(Spec::Geographic);
    }
    None
}

/// The Gauss–Krüger, UTM and Web Mercator EPSG codes met in Chinese data.
fn spec_of_epsg(code: u32) -> Option<Spec> {
    // (first code, last code, datum, zone width, prefixed, first zone or first CM)
    const GK: [(u32, u32, Datum, u32, bool, u32); 14] = [
        (4491, 4501, Datum::Cgcs2000, 6, true, 13),
        (4502, 4512, Datum::Cgcs2000, 6, false, 75),
        (4513, 4533, Datum::Cgcs2000, 3, true, 25),
        (4534, 4554, Datum::Cgcs2000, 3, false, 75),
        (2327, 2337, Datum::Xian1980, 6, true, 13),
        (2338, 2348, Datum::Xian1980, 6, false, 75),
        (2349, 2369, Datum::Xian1980, 3, true, 25),
        (2370, 2390, Datum::Xian1980, 3, false, 75),
        (21413, 21423, Datum::Beijing1954, 6, true, 13),
        (21453, 21463, Datum::Beijing1954, 6, false, 75),
        (21473, 21483, Datum::Beijing1954, 6, false, 75),
        (2401, 2421, Datum::Beijing1954, 3, true, 25),
        (2422, 2442, Datum::Beijing1954, 3, false, 75),
        (0, 0, Datum::Wgs84, 0, false, 0),
    ];
    for (first, last, datum, width, prefixed, start) in GK {
        if !(first..=last).contains(&code) || width == 0 {
            continue;
        }
        let step = code - first;
        let (lon0, x0) = if prefixed {
            let zone = start + step;
            let lon0 = if width == 3 { zone * 3 } else { zone * 6 - 3 };
            (lon0, f64::from(zone) * 1_000_000.0 + 500_000.0)
        } else {
            (start + width * step, 500_000.0)
        };
        return Some(Spec::Tmerc { datum, lon0: f64::from(lon0), lat0: 0.0, k: 1.0, x0, y0: 0.0, to_meter: 1.0 });
    }
    match code {
        4214 => Some(Spec::Geographic(Datum::Beijing1954)),
        4610 => Some(Spec::Geographic(Datum::Xian1980)),
        32601..=32660 | 32701..=32760 => Some(Spec::Tmerc {
            datum: Datum::Wgs84,
            lon0: f64::from(code % 100) * 6.0 - 183.0,
            lat0: 0.0,
            k: 0.9996,
            x0: 500_000.0,
            y0: if code > 32700 { 10_000_000.0 } else { 0.0 },
            to_meter: 1.0,
        }),
        3857 | 900_913 | 102_100 | 102_113 => Some(Spec::WebMercator),
        _ => None,
    }
}

/// The core's system for a spec, when it is one of them.
fn core_crs(spec: &Spec) -> Option<Crs> {
    match *spec {
        Spec::Geographic(Datum::Wgs84) => Some(Crs::Wgs84),
        Spec::Geographic(Datum::Cgcs2000) => Some(Crs::Cgcs2000),
        Spec::Tmerc { datum: Datum::Cgcs2000, lon0, lat0, k, x0, y0, to_meter }
            if lat0 == 0.0 && k == 1.0 && y0 == 0.0 && to_meter == 1.0 =>
        {
            match (lon0, x0) {
                (117.0, 500_000.0) => Some(Crs::Cgcs2000GkCm117),
                (120.0, 500_000.0) => Some(Crs::Cgcs2000GkCm120),
                (117.0, 39_500_000.0) => Some(Crs::Cgcs2000GkZone39),
                (120.0, 40_500_000.0) => Some(Crs::Cgcs2000GkZone40),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A system the core knows.
fn known(crs: Crs, named: Option<&str>) -> Prj {
    let (en, zh) = match named {
        Some(n) if n != crs.code() => {
            (format!("{} (from \"{n}\")", crs.label()), format!("{}（来自“{n}”）", crs.label()))
        }
        _ => (crs.label().to_owned(), crs.label().to_owned()),
    };
    Prj { crs: Some(crs), convert: None, finding: Msg::new(en, zh) }
}

/// A system not recognised.
fn unknown(shown: &str) -> Prj {
    Prj {
        crs: None,
        convert: None,
        finding: Msg::new(
            format!(
                "coordinate system \"{shown}\" is not one the map knows; the coordinates are placed by their magnitude instead"
            ),
            format!("无法识别坐标系“{shown}”，改按坐标数值大小判断"),
        ),
    }
}

/// The label of a system converted here, in both languages.
fn label(spec: &Spec, code: Option<u32>) -> Msg {
    let code_en = code.map(|c| format!(" (EPSG:{c})")).unwrap_or_default();
    let code_zh = code.map(|c| format!("（EPSG:{c}）")).unwrap_or_default();
    match *spec {
        Spec::WebMercator => Msg::new(format!("Web Mercator{code_en}"), format!("Web 墨卡托{code_zh}")),
        Spec::Geographic(d) => {
            Msg::new(format!("{} longitude/latitude{code_en}", d.name()), format!("{} 经纬度{code_zh}", d.name_zh()))
        }
        Spec::Tmerc { datum, lon0, k, x0, y0, .. } => {
            let zone_prefix = (x0 / 1_000_000.0).floor();
            if k == 0.9996 && (x0 == 500_000.0) {
                let zone = ((lon0 + 183.0) / 6.0).round();
                let hemi = if y0 > 0.0 { "S" } else { "N" };
                return Msg::new(
                    format!("{} / UTM zone {zone}{hemi}{code_en}", datum.name()),
                    format!("{} / UTM {zone}{hemi} 带{code_zh}", datum.name_zh()),
                );
            }
            let width = if zone_prefix > 0.0 {
                if (zone_prefix * 3.0 - lon0).abs() < 1e-9 { "3-degree " } else { "6-degree " }
            } else {
                ""
            };
            let width_zh = match width {
                "3-degree " => "3 度带",
                "6-degree " => "6 度带",
                _ => "",
            };
            if zone_prefix > 0.0 {
                Msg::new(
                    format!("{} / {width}Gauss-Kruger zone {zone_prefix} (CM {lon0}E){code_en}", datum.name()),
                    format!(
                        "{} {width_zh}高斯-克吕格第 {zone_prefix} 带（中央经线 {lon0}°E）{code_zh}",
                        datum.name_zh()
                    ),
                )
            } else {
                Msg::new(
                    format!("{} / Gauss-Kruger CM {lon0}E, false easting {x0} m{code_en}", datum.name()),
                    format!("{} 高斯-克吕格 中央经线 {lon0}°E，东伪偏移 {x0} 米{code_zh}", datum.name_zh()),
                )
            }
        }
    }
}

/// What to do with a system understood here: the core's, or converted.
fn resolve(spec: Spec, shown: &str, code: Option<u32>) -> Prj {
    if let Some(crs) = core_crs(&spec) {
        return known(crs, Some(shown));
    }
    let label = label(&spec, code);
    let named = if code.is_some() { String::new() } else { format!(" \"{shown}\"") };
    let named_zh = if code.is_some() { String::new() } else { format!("“{shown}”") };
    let (datum, geographic) = match spec {
        Spec::Geographic(d) => (d, true),
        Spec::Tmerc { datum, .. } => (datum, false),
        Spec::WebMercator => (Datum::Wgs84, false),
    };
    let caveat = if datum.close_to_wgs84() {
        Msg::new("", "")
    } else {
        Msg::new(
            format!(
                "; {} is taken as its ellipsoid only, without a datum shift to WGS84, so positions may be off by tens of metres",
                datum.name()
            ),
            format!("；{} 只按其椭球处理，未做到 WGS84 的基准转换，位置可能偏差数十米", datum.name_zh()),
        )
    };
    let built = match build(&spec) {
        Ok(r) => r,
        Err(e) => {
            return Prj {
                crs: None,
                convert: None,
                finding: Msg::new(
                    format!(
                        "{}{named}: the projection could not be set up ({e}); the coordinates are placed by their magnitude instead",
                        label.en
                    ),
                    format!("{}{named_zh}：无法建立投影（{e}），改按坐标数值大小判断", label.zh),
                ),
            };
        }
    };
    let (source, geo, to_meter) = built;
    let finding = if geographic {
        Msg::new(
            format!("{}{named}, read as WGS84 longitude/latitude{}", label.en, caveat.en),
            format!("{}{named_zh}，按 WGS84 经纬度读取{}", label.zh, caveat.zh),
        )
    } else {
        Msg::new(
            format!(
                "{}{named}, a system the map does not convert itself: the coordinates were converted to WGS84 while reading{}",
                label.en, caveat.en
            ),
            format!("{}{named_zh}（地图本身不支持该坐标系）：读取时已转换为 WGS84{}", label.zh, caveat.zh),
        )
    };
    Prj { crs: Some(Crs::Wgs84), convert: Some(Reprojection { label, to_meter, source, geographic: geo }), finding }
}

/// The proj4rs projections for a spec: the source (none for lon/lat) and
/// lon/lat on the same ellipsoid.
fn build(spec: &Spec) -> Result<(Option<Proj>, Proj, f64), String> {
    let make = |def: &str| Proj::from_proj_string(def).map_err(|e| e.to_string());
    match *spec {
        Spec::Geographic(d) => Ok((None, make(&format!("+proj=longlat {} +no_defs", d.ellipsoid().proj()))?, 1.0)),
        Spec::WebMercator => {
            let sphere = SPHERE.proj();
            Ok((
                Some(make(&format!("+proj=merc {sphere} +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs"))?),
                make(&format!("+proj=longlat {sphere} +no_defs"))?,
                1.0,
            ))
        }
        Spec::Tmerc { datum, lon0, lat0, k, x0, y0, to_meter } => {
            let e = datum.ellipsoid().proj();
            Ok((
                Some(make(&format!(
                    "+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k={k} +x_0={x0} +y_0={y0} {e} +units=m +no_defs"
                ))?),
                make(&format!("+proj=longlat {e} +no_defs"))?,
                to_meter,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESRI_4548: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    fn esri_gk(name: &str, datum: &str, spheroid: &str, cm: f64, fe: f64) -> String {
        format!(
            r#"PROJCS["{name}",GEOGCS["GCS_{datum}",DATUM["D_{datum}",SPHEROID[{spheroid}]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",{fe}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",{cm}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#
        )
    }

    #[test]
    fn esri_names_of_the_cores_systems_are_recognised() {
        assert_eq!(from_wkt(ESRI_4548).crs, Some(Crs::Cgcs2000GkCm117));
        let cgcs = r#""CGCS2000",6378137.0,298.257222101"#;
        let z39 =
            esri_gk("CGCS2000_3_Degree_GK_Zone_39", "China_Geodetic_Coordinate_System_2000", cgcs, 117.0, 39500000.0);
        assert_eq!(from_wkt(&z39).crs, Some(Crs::Cgcs2000GkZone39));
        let z40 =
            esri_gk("CGCS2000_3_Degree_GK_Zone_40", "China_Geodetic_Coordinate_System_2000", cgcs, 120.0, 40500000.0);
        assert_eq!(from_wkt(&z40).crs, Some(Crs::Cgcs2000GkZone40));
        let cm120 =
            esri_gk("CGCS2000_3_Degree_GK_CM_120E", "China_Geodetic_Coordinate_System_2000", cgcs, 120.0, 500000.0);
        assert_eq!(from_wkt(&cm120).crs, Some(Crs::Cgcs2000GkCm120));
        let gcs = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(from_wkt(gcs).crs, Some(Crs::Cgcs2000));
        let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let p = from_wkt(wgs);
        assert_eq!(p.crs, Some(Crs::Wgs84));
        assert!(p.convert.is_none());
    }

    #[test]
    fn bare_names_without_parameters_are_recognised() {
        assert_eq!(from_wkt("CGCS2000_3_Degree_GK_CM_117E").crs, Some(Crs::Cgcs2000GkCm117));
        assert_eq!(from_wkt("CGCS2000_3_Degree_GK_Zone_39").crs, Some(Crs::Cgcs2000GkZone39));
        assert_eq!(from_wkt("GCS_China_Geodetic_Coordinate_System_2000").crs, Some(Crs::Cgcs2000));
        assert_eq!(from_wkt("GCS_WGS_1984").crs, Some(Crs::Wgs84));
        assert_eq!(from_wkt("EPSG:4549").crs, Some(Crs::Cgcs2000GkCm120));
        assert_eq!(from_wkt("CGCS2000_GK_Zone_20N").crs, Some(Crs::Cgcs2000GkCm117));
        let south = from_wkt("WGS_1984_UTM_Zone_50S");
        assert!(south.finding.en.contains("UTM zone 50S"), "{}", south.finding.en);
        assert!(from_wkt("EPSG:4498").convert.is_some());
    }

    #[test]
    fn an_ogc_wkt_authority_decides() {
        let wkt = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 117E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","4548"]]"#;
        assert_eq!(from_wkt(wkt).crs, Some(Crs::Cgcs2000GkCm117));
        // The geographic system's own code (4490) is not the projected one's.
        let no_top = wkt.replace(r#",AUTHORITY["EPSG","4548"]]"#, "]");
        assert_eq!(from_wkt(&no_top).crs, Some(Crs::Cgcs2000GkCm117));
    }

    /// Reference values from GDAL 3.6 / PROJ (gdaltransform), on the
    /// system's own geographic datum: (118.0, 37.38).
    fn converts(prj: &Prj, x: f64, y: f64) {
        assert_eq!(prj.crs, Some(Crs::Wgs84), "{:?}", prj.finding);
        let (lon, lat) = prj.convert.as_ref().expect("converted here").to_wgs84(x, y).unwrap();
        assert!((lon - 118.0).abs() < 1e-8 && (lat - 37.38).abs() < 1e-8, "{lon} {lat} {:?}", prj.finding);
    }

    #[test]
    fn six_degree_zones_utm_web_mercator_and_xian_1980_are_converted_here() {
        let cgcs = r#""CGCS2000",6378137.0,298.257222101"#;
        let z20 = esri_gk("CGCS2000_GK_Zone_20", "China_Geodetic_Coordinate_System_2000", cgcs, 117.0, 20500000.0);
        converts(&from_wkt(&z20), 20588567.9504085, 4139153.08800402);
        converts(&from_wkt("CGCS2000_6_Degree_GK_Zone_20"), 20588567.9504085, 4139153.08800402);
        // 6-degree CM 117E without prefix is the very projection of EPSG:4548.
        assert_eq!(from_wkt("CGCS2000_6_Degree_GK_CM_117E").crs, Some(Crs::Cgcs2000GkCm117));
        assert_eq!(from_epsg(4509).crs, Some(Crs::Cgcs2000GkCm117));
        converts(&from_epsg(32650), 588532.523227793, 4137497.42687871);
        converts(&from_wkt("WGS_1984_UTM_Zone_50N"), 588532.523227793, 4137497.42687871);
        converts(&from_epsg(3857), 13135699.9136063, 4492207.07854831);
        converts(&from_wkt("WGS_1984_Web_Mercator_Auxiliary_Sphere"), 13135699.9136063, 4492207.07854831);
        let xian =
            esri_gk("Xian_1980_3_Degree_GK_CM_120E", "Xian_1980", r#""Xian_1980",6378140.0,298.257"#, 120.0, 500000.0);
        let p = from_wkt(&xian);
        converts(&p, 322856.855738984, 4140563.18393801);
        assert!(p.finding.en.contains("tens of metres"), "{}", p.finding.en);
        assert!(p.finding.zh.contains("西安 1980"), "{}", p.finding.zh);
        converts(&from_epsg(2385), 322856.855738984, 4140563.18393801);
    }

    #[test]
    fn unknown_systems_leave_detection_to_the_core() {
        for text in ["LOCAL_CS[\"somewhere\"]", "not wkt at all", "EPSG:27700", ""] {
            let p = from_wkt(text);
            assert_eq!(p.crs, None, "{text}");
            assert!(p.finding.en.contains("magnitude"), "{}", p.finding.en);
        }
        let d = from_wkt("xx").detected("the .prj", ".prj 文件");
        assert_eq!(d.what, "crs");
        assert!(d.text.zh.starts_with(".prj 文件："));
    }
}
