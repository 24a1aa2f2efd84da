//! Bookmarks: named WGS84 extents in groups, with a note, kept beside the
//! data as `*.bookmarks.json`, and imported from QGIS's bookmark XML.
//!
//! A bookmarks file (format [`BOOKMARKS_VERSION`]):
//!
//! ```json
//! {
//!   "version": 1,
//!   "bookmarks": [
//!     { "name": "黄河五路口袋公园群", "group": "滨城区",
//!       "extent": { "west": 117.95, "south": 37.36, "east": 118.0, "north": 37.39 },
//!       "note": "" }
//!   ]
//! }
//! ```
//!
//! QGIS writes bookmarks in two XML forms, both read by
//! [`import_qgis_bookmarks`]:
//!
//! * the bookmark manager's *Export* (QGIS 2 and 3): `<qgis_bookmarks>`
//!   holding `<bookmark>` elements with `<id>`, `<name>`, `<project>` (the
//!   group), `<xmin>`, `<ymin>`, `<xmax>`, `<ymax>` and `<sr_id>`, QGIS's
//!   internal CRS number (3452 is EPSG:4326, 3857 is EPSG:3857);
//! * the form of `bookmarks.xml` in the user profile and of a project's
//!   `<Bookmarks>` (QGIS 3.10 on): `<Bookmark id=… name=… group=…
//!   extent="POLYGON((x y, …))">` with a `<spatialrefsys>` child naming the
//!   CRS (`<authid>EPSG:4527</authid>`, `<srid>`, `<srsid>`).
//!
//! Extents given as `xmin`/`ymin`/`xmax`/`ymax` attributes (on the bookmark
//! or on a `<spatialextent>` or `<extent>` child) and a `crs`, `authid` or
//! `srid` attribute are read too. Extents in EPSG:4326, 4490, 4527, 4528,
//! 4548, 4549 ([`crate::crs`]) and 3857 ([`crate::mercator`]) are converted
//! to WGS84; with no CRS, or a QGIS-internal number not known here, the
//! system is guessed from the coordinates' size ([`crate::crs::detect`]).

use std::fmt;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::xml::{self, Element};
use super::{Extent, display};
use crate::crs::{Crs, CrsError};
use crate::model::{Bilingual, Msg};

/// The bookmarks file format this version writes and reads.
pub const BOOKMARKS_VERSION: u32 = 1;

/// How bookmark files are named: `<name>.bookmarks.json`.
pub const BOOKMARKS_SUFFIX: &str = ".bookmarks.json";

/// A named extent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    /// The bookmark's name.
    pub name: String,
    /// The group it is filed under (empty: none).
    #[serde(default)]
    pub group: String,
    /// The extent, WGS84 degrees.
    pub extent: Extent,
    /// A note about the place.
    #[serde(default)]
    pub note: String,
}

/// The groups of `bookmarks`, each once, in the order first met (the empty
/// group too, when some bookmark has none).
pub fn groups(bookmarks: &[Bookmark]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for b in bookmarks {
        if !out.contains(&b.group.as_str()) {
            out.push(&b.group);
        }
    }
    out
}

#[derive(Serialize, Deserialize)]
struct BookmarksFile {
    #[serde(default = "default_version")]
    version: u32,
    bookmarks: Vec<Bookmark>,
}

fn default_version() -> u32 {
    BOOKMARKS_VERSION
}

/// Why a bookmarks file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BookmarkError {
    /// The file could not be read.
    #[error("{file}: cannot read the bookmarks: {source}")]
    Read {
        /// The file, as displayed.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("{file}: cannot save the bookmarks: {source}")]
    Write {
        /// The file, as displayed.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not JSON of the bookmarks form.
    #[error("{file}: not a bookmarks file: {source}")]
    Json {
        /// The file, as displayed.
        file: String,
        /// The JSON error (with its line and column).
        source: serde_json::Error,
    },
    /// The file was written by a newer version.
    #[error(
        "{file}: written by a newer binzhou-sites (bookmarks format {version}; this version reads up to {BOOKMARKS_VERSION})"
    )]
    Newer {
        /// The file, as displayed.
        file: String,
        /// The format version the file declares.
        version: u32,
    },
    /// A bookmark's extent is not a WGS84 box.
    #[error("{file}: bookmark {index} (“{name}”): its extent {extent} is not a WGS84 box (west ≤ east, south ≤ north)")]
    BadExtent {
        /// The file, as displayed.
        file: String,
        /// Which bookmark, counting from 1.
        index: usize,
        /// Its name.
        name: String,
        /// The extent.
        extent: Extent,
    },
    /// A QGIS bookmark file could not be imported.
    #[error("{file}: {source}")]
    Qgis {
        /// The file, as displayed.
        file: String,
        /// What is wrong with it.
        source: QgisError,
    },
}

impl Bilingual for BookmarkError {
    fn zh(&self) -> String {
        match self {
            BookmarkError::Read { file, source } => Msg::io("", format!("{file}：无法读取书签"), source).zh,
            BookmarkError::Write { file, source } => Msg::io("", format!("{file}：无法保存书签"), source).zh,
            BookmarkError::Json { file, source } => format!("{file}：不是书签文件（{source}）"),
            BookmarkError::Newer { file, version } => format!(
                "{file}：由更新版本的程序写入（书签格式 {version}，本版本最高读取 {BOOKMARKS_VERSION}），请升级后再打开"
            ),
            BookmarkError::BadExtent { file, index, name, extent } => {
                format!(
                    "{file}：第 {index} 个书签（“{name}”）的范围 {extent} 不是有效的 WGS84 经纬度范围（应西 ≤ 东、南 ≤ 北）"
                )
            }
            BookmarkError::Qgis { file, source } => format!("{file}：{}", source.zh()),
        }
    }
}

/// Reads a bookmarks file.
pub fn read_bookmarks(path: &Path) -> Result<Vec<Bookmark>, BookmarkError> {
    let file = display(path);
    let text = std::fs::read_to_string(path).map_err(|source| BookmarkError::Read { file: file.clone(), source })?;
    let parsed: BookmarksFile =
        serde_json::from_str(&text).map_err(|source| BookmarkError::Json { file: file.clone(), source })?;
    if parsed.version > BOOKMARKS_VERSION {
        return Err(BookmarkError::Newer { file, version: parsed.version });
    }
    if let Some((k, b)) = parsed.bookmarks.iter().enumerate().find(|(_, b)| !b.extent.is_valid()) {
        return Err(BookmarkError::BadExtent { file, index: k + 1, name: b.name.clone(), extent: b.extent });
    }
    Ok(parsed.bookmarks)
}

/// Writes a bookmarks file atomically ([`crate::save::write_atomic`]), as
/// pretty JSON.
pub fn save_bookmarks(path: &Path, bookmarks: &[Bookmark]) -> Result<(), BookmarkError> {
    let out = BookmarksFile { version: BOOKMARKS_VERSION, bookmarks: bookmarks.to_vec() };
    // Strings and numbers only: serialising cannot fail.
    let text = serde_json::to_string_pretty(&out).unwrap_or_default();
    crate::save::write_atomic(path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })
    .map_err(|source| BookmarkError::Write { file: display(path), source })
}

/// Reads a QGIS bookmark XML file ([`import_qgis_bookmarks`]), naming the
/// file in errors.
pub fn import_qgis_bookmarks_file(path: &Path) -> Result<Vec<Bookmark>, BookmarkError> {
    let file = display(path);
    let bytes = std::fs::read(path).map_err(|source| BookmarkError::Read { file: file.clone(), source })?;
    let text = String::from_utf8_lossy(&bytes);
    import_qgis_bookmarks(&text).map_err(|source| BookmarkError::Qgis { file, source })
}

/// What is wrong with a QGIS bookmark file, or one bookmark in it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QgisError {
    /// The text is not well-formed XML.
    #[error("not readable XML (line {line}): {en}")]
    Xml {
        /// The line, counting from 1.
        line: usize,
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Chinese.
        zh: String,
    },
    /// The document holds no `<bookmark>` or `<Bookmark>` element.
    #[error("no QGIS bookmarks in it (no <bookmark> or <Bookmark> element)")]
    NoBookmarks,
    /// A bookmark gives no extent, or one that does not read as numbers.
    #[error("bookmark {index} (“{name}”): no readable extent{}", detail_en(.detail))]
    NoExtent {
        /// Which bookmark, counting from 1.
        index: usize,
        /// Its name.
        name: String,
        /// What was found instead, if anything.
        detail: String,
    },
    /// A bookmark's coordinate system is none this program converts.
    #[error(
        "bookmark {index} (“{name}”): coordinate system {crs} is not supported (EPSG:4326, 4490, 4527, 4528, 4548, 4549 or 3857)"
    )]
    UnknownCrs {
        /// Which bookmark, counting from 1.
        index: usize,
        /// Its name.
        name: String,
        /// The system as the file names it.
        crs: String,
    },
    /// A bookmark's extent could not be converted to WGS84.
    #[error("bookmark {index} (“{name}”): {source}")]
    Convert {
        /// Which bookmark, counting from 1.
        index: usize,
        /// Its name.
        name: String,
        /// Why not.
        source: CrsError,
    },
    /// A bookmark's extent converted to something that is not a WGS84 box.
    #[error("bookmark {index} (“{name}”): its extent {extent} is not a WGS84 box")]
    OutOfRange {
        /// Which bookmark, counting from 1.
        index: usize,
        /// Its name.
        name: String,
        /// The converted extent.
        extent: Extent,
    },
}

fn detail_en(d: &str) -> String {
    if d.is_empty() { String::new() } else { format!(" ({d})") }
}

impl Bilingual for QgisError {
    fn zh(&self) -> String {
        match self {
            QgisError::Xml { line, zh, .. } => format!("不是可读的 XML（第 {line} 行）：{zh}"),
            QgisError::NoBookmarks => "其中没有 QGIS 书签（没有 <bookmark> 或 <Bookmark> 元素）".into(),
            QgisError::NoExtent { index, name, detail } => {
                let d = if detail.is_empty() { String::new() } else { format!("（{detail}）") };
                format!("第 {index} 个书签（“{name}”）没有可读的范围{d}")
            }
            QgisError::UnknownCrs { index, name, crs } => format!(
                "第 {index} 个书签（“{name}”）的坐标系 {crs} 不受支持（支持 EPSG:4326、4490、4527、4528、4548、4549 和 3857）"
            ),
            QgisError::Convert { index, name, source } => format!("第 {index} 个书签（“{name}”）：{}", source.zh()),
            QgisError::OutOfRange { index, name, extent } => {
                format!("第 {index} 个书签（“{name}”）的范围 {extent} 不是有效的 WGS84 经纬度范围")
            }
        }
    }
}

/// Reads QGIS's bookmark XML (either form, see the module's notes), with
/// each extent converted to WGS84. The first bookmark that cannot be read
/// fails the whole import, naming it (see [`import_qgis_bookmarks_partial`]
/// to keep the others).
///
/// ```
/// let xml = r#"<qgis_bookmarks><bookmark><id>1</id><name>市政府</name><project>主城区</project>
///   <xmin>117.96</xmin><ymin>37.37</ymin><xmax>117.98</xmax><ymax>37.39</ymax><sr_id>3452</sr_id>
///   </bookmark></qgis_bookmarks>"#;
/// let b = binzhou_core::tour::import_qgis_bookmarks(xml)?;
/// assert_eq!((b[0].name.as_str(), b[0].group.as_str(), b[0].extent.west), ("市政府", "主城区", 117.96));
/// # Ok::<(), binzhou_core::tour::QgisError>(())
/// ```
pub fn import_qgis_bookmarks(xml: &str) -> Result<Vec<Bookmark>, QgisError> {
    import_qgis_bookmarks_partial(xml)?.into_iter().collect()
}

/// Reads QGIS's bookmark XML, each bookmark on its own: the result for each
/// (in document order), so an import can keep the readable ones and report
/// the others. Fails only when the text is not XML or holds no bookmarks.
pub fn import_qgis_bookmarks_partial(xml: &str) -> Result<Vec<Result<Bookmark, QgisError>>, QgisError> {
    let root = xml::parse(xml).map_err(|e| QgisError::Xml { line: e.line, en: e.en, zh: e.zh })?;
    let mut found = Vec::new();
    if root.name.eq_ignore_ascii_case("bookmark") {
        found.push(&root);
    } else {
        root.descendants_named("bookmark", &mut found);
    }
    if found.is_empty() {
        return Err(QgisError::NoBookmarks);
    }
    Ok(found.into_iter().enumerate().map(|(k, el)| one_bookmark(el, k + 1)).collect())
}

/// A value from an attribute or, failing that, a child element's text.
fn field(el: &Element, attr: &str, child: &str) -> Option<String> {
    el.attr(attr).map(|v| v.trim().to_string()).or_else(|| el.child_text(child)).filter(|v| !v.is_empty())
}

/// The coordinate system a bookmark names.
#[derive(Clone, Copy, Debug, PartialEq)]
enum System {
    /// One of [`crate::crs`]'s.
    Crs(Crs),
    /// Web Mercator, EPSG:3857.
    Mercator,
    /// None named, or a QGIS-internal number not known here: guess.
    Guess,
}

fn one_bookmark(el: &Element, index: usize) -> Result<Bookmark, QgisError> {
    let name = field(el, "name", "name").or_else(|| field(el, "id", "id")).unwrap_or_else(|| format!("#{index}"));
    let group = field(el, "group", "project").or_else(|| el.child_text("group")).unwrap_or_default();
    let (xmin, ymin, xmax, ymax) =
        extent_of(el).map_err(|detail| QgisError::NoExtent { index, name: name.clone(), detail })?;
    let system = system_of(el).map_err(|crs| QgisError::UnknownCrs { index, name: name.clone(), crs })?;
    let corners = [(xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax)];
    let (system, swapped) = match system {
        System::Guess => guess(&corners).ok_or_else(|| QgisError::UnknownCrs {
            index,
            name: name.clone(),
            crs: field(el, "sr_id", "sr_id").map_or_else(|| "(none named)".to_string(), |s| format!("QGIS sr_id {s}")),
        })?,
        s => (s, false),
    };
    let mut lon_lat = Vec::with_capacity(4);
    for (x, y) in corners {
        let (x, y) = if swapped { (y, x) } else { (x, y) };
        let p = match system {
            System::Crs(crs) => crate::crs::to_wgs84(crs, x, y).map_err(|source| QgisError::Convert {
                index,
                name: name.clone(),
                source,
            })?,
            System::Mercator | System::Guess => mercator_to_wgs84(x, y),
        };
        lon_lat.push(p);
    }
    let fold =
        |f: fn(f64, f64) -> f64, pick: fn(&(f64, f64)) -> f64| lon_lat.iter().map(pick).reduce(f).unwrap_or(f64::NAN);
    let extent = Extent {
        west: fold(f64::min, |p| p.0),
        south: fold(f64::min, |p| p.1),
        east: fold(f64::max, |p| p.0),
        north: fold(f64::max, |p| p.1),
    };
    if !extent.is_valid() {
        return Err(QgisError::OutOfRange { index, name, extent });
    }
    Ok(Bookmark { name, group, extent, note: String::new() })
}

/// The extent as given, (xmin, ymin, xmax, ymax), or what was found instead.
fn extent_of(el: &Element) -> Result<(f64, f64, f64, f64), String> {
    if let Some(wkt) = el.attr("extent").filter(|w| !w.trim().is_empty()) {
        return wkt_box(wkt).ok_or_else(|| format!("extent=\"{}\"", wkt.chars().take(80).collect::<String>()));
    }
    let boxed = |e: &Element| -> Option<Result<(f64, f64, f64, f64), String>> {
        let keys = ["xmin", "ymin", "xmax", "ymax"];
        let vals: Vec<Option<String>> = keys.iter().map(|k| field(e, k, k)).collect();
        if vals.iter().all(Option::is_none) {
            return None;
        }
        let nums: Option<Vec<f64>> = vals.iter().map(|v| v.as_deref().and_then(|t| t.parse::<f64>().ok())).collect();
        Some(match nums.as_deref() {
            Some(&[a, b, c, d]) if [a, b, c, d].iter().all(|v| v.is_finite()) => {
                Ok((a.min(c), b.min(d), a.max(c), b.max(d)))
            }
            _ => Err(keys
                .iter()
                .zip(&vals)
                .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(" ")),
        })
    };
    if let Some(r) = boxed(el) {
        return r;
    }
    for child in ["spatialextent", "extent", "bbox"] {
        if let Some(r) = el.child(child).and_then(boxed) {
            return r;
        }
    }
    Err(String::new())
}

/// The box around the coordinates of a WKT polygon (or any WKT geometry).
fn wkt_box(wkt: &str) -> Option<(f64, f64, f64, f64)> {
    let open = wkt.find('(')?;
    let inner = wkt[open..].trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
    let mut bx: Option<(f64, f64, f64, f64)> = None;
    for pair in inner.split(',') {
        let mut nums = pair.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace()).split_whitespace();
        let x: f64 = nums.next()?.parse().ok()?;
        let y: f64 = nums.next()?.parse().ok()?;
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        bx = Some(match bx {
            None => (x, y, x, y),
            Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
        });
    }
    bx
}

/// The system a bookmark names; `Err` with the name when it is one not
/// converted here.
fn system_of(el: &Element) -> Result<System, String> {
    if let Some(srs) = el.child("spatialrefsys") {
        if let Some(auth) = srs.child_text("authid").filter(|a| !a.is_empty()) {
            return by_name(&auth);
        }
        if let Some(srid) = srs.child_text("srid").filter(|s| !s.is_empty() && s != "0") {
            return by_name(&format!("EPSG:{srid}"));
        }
        if let Some(srsid) = srs.child_text("srsid") {
            return Ok(by_qgis_srsid(&srsid));
        }
    }
    for attr in ["crs", "authid"] {
        if let Some(name) = el.attr(attr).map(str::trim).filter(|a| !a.is_empty()) {
            return by_name(name);
        }
    }
    if let Some(srid) = el.attr("srid").map(str::trim).filter(|a| !a.is_empty()) {
        return by_name(&format!("EPSG:{srid}"));
    }
    match field(el, "sr_id", "sr_id").or_else(|| field(el, "srsid", "srsid")) {
        Some(id) => Ok(by_qgis_srsid(&id)),
        None => Ok(System::Guess),
    }
}

/// `EPSG:3857` and its older names, or anything [`crate::crs::parse_crs_name`] knows.
fn by_name(name: &str) -> Result<System, String> {
    let upper = name.trim().to_ascii_uppercase();
    let code = upper.rsplit([':', '/']).next().unwrap_or_default();
    let mercator = ["3857", "900913", "3785", "102100", "102113"];
    if (upper.starts_with("EPSG") || upper.starts_with("ESRI") || upper.contains("/EPSG/")) && mercator.contains(&code)
    {
        return Ok(System::Mercator);
    }
    crate::crs::parse_crs_name(name).map(System::Crs).ok_or_else(|| name.trim().to_string())
}

/// QGIS's internal CRS numbers (`srs_id` in its `srs.db`) for the systems
/// whose number is fixed: 3452 is EPSG:4326 (QGIS's `GEOCRS_ID`) and 3857
/// EPSG:3857. Others differ between QGIS databases: their extents are guessed.
fn by_qgis_srsid(id: &str) -> System {
    match id.trim() {
        "3452" => System::Crs(Crs::Wgs84),
        "3857" => System::Mercator,
        _ => System::Guess,
    }
}

/// A guess from the corners' size: lon/lat, CGCS2000 Gauss–Krüger metres,
/// or Web Mercator metres when those land in China. (system, swapped).
fn guess(corners: &[(f64, f64)]) -> Option<(System, bool)> {
    match crate::crs::detect(corners) {
        crate::crs::Detection::Wgs84 => Some((System::Crs(Crs::Wgs84), false)),
        crate::crs::Detection::GaussKruger { crs, swapped } => Some((System::Crs(crs), swapped)),
        crate::crs::Detection::Unknown => {
            let in_china = corners.iter().all(|&(x, y)| {
                let (lon, lat) = mercator_to_wgs84(x, y);
                (73.0..=136.0).contains(&lon) && (3.0..=54.0).contains(&lat)
            });
            in_china.then_some((System::Mercator, false))
        }
    }
}

/// EPSG:3857 metres to WGS84 lon/lat, through [`crate::mercator`]'s unit square.
fn mercator_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    let c = crate::mercator::EARTH_CIRCUMFERENCE_M;
    crate::mercator::from_unit([x / c + 0.5, 0.5 - y / c])
}

impl fmt::Display for Bookmark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() { write!(f, "{}", self.name) } else { write!(f, "{} / {}", self.group, self.name) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_metres_convert_to_binzhou() {
        let (lon, lat) = mercator_to_wgs84(13_132_000.0, 4_492_000.0);
        assert!((lon - 117.967).abs() < 0.01 && (lat - 37.373).abs() < 0.01, "{lon} {lat}");
        let b = import_qgis_bookmarks(
            r#"<Bookmarks><Bookmark id="a" name="m" group="" extent="POLYGON((13130000 4490000, 13135000 4490000, 13135000 4495000, 13130000 4495000, 13130000 4490000))"><spatialrefsys nativeFormat="Wkt"><srsid>3857</srsid><srid>3857</srid><authid>EPSG:3857</authid></spatialrefsys></Bookmark></Bookmarks>"#,
        )
        .unwrap();
        assert!((117.9..118.1).contains(&b[0].extent.west));
    }

    #[test]
    fn an_unknown_system_names_the_bookmark_and_the_system() {
        let xml = r#"<qgis_bookmarks><Bookmark name="远处" extent="POLYGON((500000 4100000, 510000 4110000))"><spatialrefsys><authid>EPSG:32650</authid></spatialrefsys></Bookmark></qgis_bookmarks>"#;
        let e = import_qgis_bookmarks(xml).unwrap_err();
        assert_eq!(e.to_string().split(':').next(), Some("bookmark 1 (“远处”)"));
        assert!(e.zh().contains("EPSG:32650"), "{}", e.zh());
        let no_box = r#"<qgis_bookmarks><bookmark><name>x</name><xmin>a</xmin></bookmark><bookmark><name>y</name><xmin>117.9</xmin><ymin>37.3</ymin><xmax>118</xmax><ymax>37.4</ymax></bookmark></qgis_bookmarks>"#;
        let each = import_qgis_bookmarks_partial(no_box).unwrap();
        assert!(matches!(&each[0], Err(QgisError::NoExtent { index: 1, .. })));
        assert_eq!(each[1].as_ref().unwrap().extent.north, 37.4, "no CRS named: lon/lat by size");
        assert_eq!(import_qgis_bookmarks("<qgis_bookmarks/>"), Err(QgisError::NoBookmarks));
        assert!(matches!(import_qgis_bookmarks("<qgis_bookmarks>"), Err(QgisError::Xml { line: 1, .. })));
    }

    #[test]
    fn bookmark_groups_are_listed_once_in_the_order_met() {
        let e = Extent { west: 118.0, south: 37.0, east: 118.1, north: 37.1 };
        let b = |g: &str| Bookmark { name: "x".into(), group: g.into(), extent: e, note: String::new() };
        assert_eq!(groups(&[b("乙"), b("甲"), b("乙"), b("")]), ["乙", "甲", ""]);
    }

    #[test]
    fn bookmarks_round_trip_through_their_file_and_a_bad_extent_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bookmarks.json");
        let e = Extent { west: 117.95, south: 37.36, east: 118.0, north: 37.39 };
        let list =
            vec![Bookmark { name: "黄河五路".into(), group: "滨城区".into(), extent: e, note: "注".into() }];
        save_bookmarks(&p, &list).unwrap();
        assert_eq!(read_bookmarks(&p).unwrap(), list);
        std::fs::write(
            &p,
            r#"{"version":1,"bookmarks":[{"name":"反","extent":{"west":118,"south":37,"east":117,"north":38}}]}"#,
        )
        .unwrap();
        let err = read_bookmarks(&p).unwrap_err();
        assert!(err.to_string().contains("bookmark 1 (“反”)"), "{err}");
        assert!(err.zh().contains("第 1 个书签"), "{}", err.zh());
    }
}
