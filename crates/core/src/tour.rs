//! Guided tours for presenter mode (现场观摩): an ordered list of stops, each
//! a few sites or a saved extent shown at a plan year, with a title, a note,
//! an optional before/after pair of years and a hold time for autoplay.
//! Tours are small pretty JSON files (`*.tour.json`) kept beside the data;
//! [`bookmark`] keeps named extents (`*.bookmarks.json`) and imports QGIS's
//! bookmark XML. Headless: the app plays tours, this module only models,
//! builds, checks, reads and writes them.
//!
//! A tour file (format [`TOUR_VERSION`]):
//!
//! ```json
//! {
//!   "version": 1,
//!   "title": "2021年逾期城中村",
//!   "note": "",
//!   "stops": [
//!     {
//!       "target": { "sites": ["UV-2021-03"] },
//!       "year": 2021,
//!       "title": "东关村城中村改造",
//!       "note": "2021年底：逾期 · 牵头单位：市住房城乡建设局",
//!       "before_after": [2020, 2022],
//!       "hold_s": 8.0
//!     },
//!     {
//!       "target": { "extent": { "west": 117.9, "south": 37.3, "east": 118.1, "north": 37.45 } },
//!       "year": "latest",
//!       "layers_visible": ["urban_village", "pocket_park"],
//!       "basemap": "tianditu-vec",
//!       "title": "主城区",
//!       "hold_s": 10.0
//!     }
//!   ]
//! }
//! ```
//!
//! `year` is 2020, 2021, 2022 or `"latest"`; `layers_visible` (layer keys,
//! [`crate::model::LayerKey::key`]), `basemap`, `note` and `before_after` may
//! be left out; `hold_s` defaults to [`DEFAULT_HOLD_S`].

pub mod bookmark;
mod xml;

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::Path;

use geo::Rect;
use serde::{Deserialize, Serialize};

use crate::model::{Bilingual, Dataset, Msg, Site, YearView, union};

pub use bookmark::{Bookmark, BookmarkError, QgisError, import_qgis_bookmarks};

/// The tour file format this version writes and reads (files with a higher
/// `version` are refused).
pub const TOUR_VERSION: u32 = 1;

/// How tour files are named: `<name>.tour.json`.
pub const TOUR_SUFFIX: &str = ".tour.json";

/// Seconds a stop is held in autoplay when its file does not say.
pub const DEFAULT_HOLD_S: f32 = 8.0;

/// The plan years a stop can show (besides the latest state).
pub const YEARS: std::ops::RangeInclusive<i32> = 2020..=2022;

/// A box in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Extent {
    /// Western edge, longitude.
    pub west: f64,
    /// Southern edge, latitude.
    pub south: f64,
    /// Eastern edge, longitude.
    pub east: f64,
    /// Northern edge, latitude.
    pub north: f64,
}

impl Extent {
    /// The extent of a box (x longitude, y latitude).
    pub fn from_rect(r: Rect<f64>) -> Self {
        Extent { west: r.min().x, south: r.min().y, east: r.max().x, north: r.max().y }
    }

    /// The extent as a box.
    pub fn rect(&self) -> Rect<f64> {
        Rect::new((self.west, self.south), (self.east, self.north))
    }

    /// Whether it is a WGS84 box: finite, west ≤ east within ±180°, south ≤
    /// north within ±90° (a point is a box too).
    pub fn is_valid(&self) -> bool {
        let lon = -180.0..=180.0;
        let lat = -90.0..=90.0;
        lon.contains(&self.west)
            && lon.contains(&self.east)
            && lat.contains(&self.south)
            && lat.contains(&self.north)
            && self.west <= self.east
            && self.south <= self.north
    }

    /// The centre, (lon, lat).
    pub fn centre(&self) -> (f64, f64) {
        ((self.west + self.east) / 2.0, (self.south + self.north) / 2.0)
    }
}

impl fmt::Display for Extent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.west, self.south, self.east, self.north)
    }
}

/// What a stop shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopTarget {
    /// These sites, by id (`{"sites": ["UV-2021-03", …]}`): the view fits them all.
    Sites(Vec<String>),
    /// A saved extent (`{"extent": {"west": …, "south": …, "east": …, "north": …}}`).
    Extent(Extent),
}

/// One stop of a tour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawStop")]
pub struct Stop {
    /// What the stop shows.
    pub target: StopTarget,
    /// The year the map shows (2020, 2021, 2022 or `"latest"` in the file).
    #[serde(serialize_with = "serialize_year")]
    pub year: YearView,
    /// The layers shown, by key; `None` leaves the layers as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers_visible: Option<Vec<String>>,
    /// The basemap shown, by the app's basemap key; `None` leaves it as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<String>,
    /// The stop's title (large, on the screen and the handout).
    pub title: String,
    /// The presenter's note (large Chinese text).
    #[serde(default)]
    pub note: String,
    /// Two years to show side by side or as a swipe, the earlier first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_after: Option<(i32, i32)>,
    /// Seconds to hold the stop in autoplay.
    #[serde(default = "default_hold")]
    pub hold_s: f32,
}

/// A guided tour: an ordered list of stops.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawTour")]
pub struct Tour {
    /// The file format ([`TOUR_VERSION`] when written by this version).
    pub version: u32,
    /// The tour's title (the cover page, the title bar).
    pub title: String,
    /// A line about the tour (the cover page), may be empty.
    #[serde(default)]
    pub note: String,
    /// The stops, in order.
    pub stops: Vec<Stop>,
}

/// What is wrong with one stop of a tour file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StopProblem {
    /// Neither site ids nor an extent.
    #[error("it has no target (list site ids under \"sites\" or give an \"extent\")")]
    NoTarget,
    /// The target is neither form.
    #[error("its target is neither site ids nor an extent: {0}")]
    BadTarget(String),
    /// The extent is not a WGS84 box.
    #[error("its extent {0} is not a WGS84 box (west ≤ east, south ≤ north, in degrees)")]
    BadExtent(Extent),
    /// The year is none the tour knows.
    #[error("unknown year {0} (2020, 2021, 2022 or \"latest\")")]
    UnknownYear(String),
    /// The before/after years are not two plan years, the earlier first.
    #[error("before/after years {0} and {1}: both must be 2020–2022 and the first the earlier")]
    BadBeforeAfter(i32, i32),
    /// The hold time is negative or not a number.
    #[error("hold time {0} s is not a number of seconds ≥ 0")]
    BadHold(f32),
    /// A field has the wrong type (serde's words).
    #[error("{0}")]
    Invalid(String),
}

impl Bilingual for StopProblem {
    fn zh(&self) -> String {
        match self {
            StopProblem::NoTarget => "没有目标（应在 \"sites\" 中列出地块编号，或给出 \"extent\" 范围）".into(),
            StopProblem::BadTarget(e) => format!("目标既不是地块编号也不是范围：{e}"),
            StopProblem::BadExtent(x) => format!("范围 {x} 不是有效的 WGS84 经纬度范围（应西 ≤ 东、南 ≤ 北）"),
            StopProblem::UnknownYear(y) => format!("未知年份 {y}（应为 2020、2021、2022 或 \"latest\"）"),
            StopProblem::BadBeforeAfter(a, b) => {
                format!("前后对比年份 {a} 和 {b} 无效：两者都应在 2020–2022 之间，且前者较早")
            }
            StopProblem::BadHold(h) => format!("停留时间 {h} 秒无效（应为不小于 0 的秒数）"),
            StopProblem::Invalid(e) => format!("格式不对：{e}"),
        }
    }
}

/// Why a tour file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum TourError {
    /// The file could not be read.
    #[error("{file}: cannot read the tour: {source}")]
    Read {
        /// The file, as displayed.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("{file}: cannot save the tour: {source}")]
    Write {
        /// The file, as displayed.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not JSON of a tour's form.
    #[error("{file}: not a tour file: {source}")]
    Json {
        /// The file, as displayed.
        file: String,
        /// The JSON error (with its line and column).
        source: serde_json::Error,
    },
    /// The file was written by a newer version.
    #[error(
        "{file}: written by a newer binzhou-sites (tour format {version}; this version reads up to {TOUR_VERSION})"
    )]
    Newer {
        /// The file, as displayed.
        file: String,
        /// The format version the file declares.
        version: u32,
    },
    /// One stop is wrong.
    #[error("{file}: stop {stop}{}: {problem}", quoted_en(.title))]
    Stop {
        /// The file, as displayed.
        file: String,
        /// Which stop, counting from 1.
        stop: usize,
        /// The stop's title, when it has one.
        title: String,
        /// What is wrong with it.
        problem: StopProblem,
    },
}

impl Bilingual for TourError {
    fn zh(&self) -> String {
        match self {
            TourError::Read { file, source } => Msg::io(String::new(), format!("{file}：无法读取导览"), source).zh,
            TourError::Write { file, source } => Msg::io(String::new(), format!("{file}：无法保存导览"), source).zh,
            TourError::Json { file, source } => format!("{file}：不是导览文件（{source}）"),
            TourError::Newer { file, version } => {
                format!(
                    "{file}：由更新版本的程序写入（导览格式 {version}，本版本最高读取 {TOUR_VERSION}），请升级后再打开"
                )
            }
            TourError::Stop { file, stop, title, problem } => {
                format!("{file}：第 {stop} 站{}{}", quoted_zh(title), problem.zh())
            }
        }
    }
}

/// A site id a tour names that the data does not have: the tour still loads,
/// the stop shows the sites it finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSite {
    /// The tour file, as displayed (empty when the tour was not read from one).
    pub file: String,
    /// Which stop, counting from 1.
    pub stop: usize,
    /// The stop's title.
    pub stop_title: String,
    /// The id not found.
    pub id: String,
}

impl fmt::Display for UnknownSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}: ", self.file)?;
        }
        write!(f, "stop {}{}: no site with id {} in the data", self.stop, quoted_en(&self.stop_title), self.id)
    }
}

impl Bilingual for UnknownSite {
    fn zh(&self) -> String {
        let file = if self.file.is_empty() { String::new() } else { format!("{}：", self.file) };
        let title = quoted_zh(&self.stop_title);
        let title = title.strip_suffix('：').unwrap_or(&title);
        format!("{file}第 {} 站{title}：数据中没有编号为 {} 的地块", self.stop, self.id)
    }
}

/// A tour read from its file, with what it names that the data lacks.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedTour {
    /// The tour.
    pub tour: Tour,
    /// Site ids not in the data, stop by stop.
    pub warnings: Vec<UnknownSite>,
}

/// How [`Tour::from_sites`] orders the stops.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum StopOrder {
    /// In the order given.
    #[default]
    Given,
    /// A short route ([`crate::route::plan`]) from `start` (lon, lat); with no
    /// start, from the site farthest from the sites' mean centre, so the
    /// route runs from one end of them to the other.
    Route {
        /// Where the route starts, (lon, lat).
        start: Option<(f64, f64)>,
    },
}

/// What [`Tour::from_sites`] makes.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildOptions {
    /// The tour's title.
    pub title: String,
    /// The year every stop shows.
    pub year: YearView,
    /// The order of the stops.
    pub order: StopOrder,
    /// Notes in Chinese (or English).
    pub zh: bool,
    /// Each stop's hold time, seconds.
    pub hold_s: f32,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            title: String::new(),
            year: YearView::Latest,
            order: StopOrder::Given,
            zh: true,
            hold_s: DEFAULT_HOLD_S,
        }
    }
}

impl Stop {
    /// A stop at `target`, all else at its default.
    pub fn new(target: StopTarget, year: YearView, title: impl Into<String>) -> Self {
        Stop {
            target,
            year,
            layers_visible: None,
            basemap: None,
            title: title.into(),
            note: String::new(),
            before_after: None,
            hold_s: DEFAULT_HOLD_S,
        }
    }

    /// A stop at site `i` of `ds`: titled with its name, the note saying its
    /// status at `year` and its lead unit, in Chinese or English. `None` when
    /// there is no site `i`.
    pub fn for_site(ds: &Dataset, i: usize, year: YearView, zh: bool) -> Option<Stop> {
        let site = ds.sites.get(i)?;
        let mut parts = Vec::new();
        if site.has_schedule() {
            let class = site.status(year).class();
            parts.push(match (zh, year) {
                (true, YearView::EndOf(y)) => format!("{y}年底：{}", class.name_zh()),
                (true, YearView::Latest) => format!("最新状态：{}", class.name_zh()),
                (false, YearView::EndOf(y)) => format!("End of {y}: {}", class.name_en()),
                (false, YearView::Latest) => format!("Latest: {}", class.name_en()),
            });
        }
        if let Some(lead) = site.lead_unit().filter(|l| !l.trim().is_empty()) {
            parts.push(if zh { format!("牵头单位：{lead}") } else { format!("Lead unit: {lead}") });
        }
        let mut stop = Stop::new(StopTarget::Sites(vec![site.id().to_string()]), year, site.name());
        stop.note = parts.join(" · ");
        Some(stop)
    }

    /// The box the stop shows: the union of its sites' boxes (the sites the
    /// data has), or its extent. `None` when none of its sites is in the data.
    pub fn bounds(&self, ds: &Dataset) -> Option<Rect<f64>> {
        match &self.target {
            StopTarget::Extent(e) => Some(e.rect()),
            StopTarget::Sites(ids) => {
                let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
                ds.sites.iter().filter(|s| wanted.contains(s.id())).filter_map(Site::located_bbox).reduce(union)
            }
        }
    }

    /// What is wrong with the stop, if anything (the checks a file's stops pass).
    pub fn problem(&self) -> Option<StopProblem> {
        match &self.target {
            StopTarget::Sites(ids) if ids.iter().all(|id| id.trim().is_empty()) => return Some(StopProblem::NoTarget),
            StopTarget::Extent(e) if !e.is_valid() => return Some(StopProblem::BadExtent(*e)),
            _ => {}
        }
        if let YearView::EndOf(y) = self.year
            && !YEARS.contains(&y)
        {
            return Some(StopProblem::UnknownYear(y.to_string()));
        }
        if let Some((a, b)) = self.before_after
            && !(YEARS.contains(&a) && YEARS.contains(&b) && a < b)
        {
            return Some(StopProblem::BadBeforeAfter(a, b));
        }
        if !(self.hold_s.is_finite() && self.hold_s >= 0.0) {
            return Some(StopProblem::BadHold(self.hold_s));
        }
        None
    }
}

impl Tour {
    /// An empty tour.
    pub fn new(title: impl Into<String>) -> Self {
        Tour { version: TOUR_VERSION, title: title.into(), note: String::new(), stops: Vec::new() }
    }

    /// One stop per site of `ds` (indices into `ds.sites`; indices past the
    /// end and repeats are left out), titled with the site's name and noted
    /// with its status at `opts.year` and lead unit, in the order `opts` asks.
    pub fn from_sites(ds: &Dataset, sites: &[usize], opts: &BuildOptions) -> Tour {
        let mut seen = HashSet::new();
        // A site without a place cannot be flown to: it is left out.
        let mut picked: Vec<usize> = sites
            .iter()
            .copied()
            .filter(|&i| i < ds.sites.len() && ds.sites[i].is_located() && seen.insert(i))
            .collect();
        if let StopOrder::Route { start } = opts.order {
            let at: Vec<(f64, f64)> = picked.iter().map(|&i| Extent::from_rect(ds.sites[i].bbox).centre()).collect();
            let start = start.or_else(|| far_end(&at));
            if let Some(start) = start {
                let order = crate::route::plan(start, &at);
                picked = order.into_iter().map(|k| picked[k]).collect();
            }
        }
        let mut tour = Tour::new(opts.title.clone());
        tour.stops = picked
            .into_iter()
            .filter_map(|i| Stop::for_site(ds, i, opts.year, opts.zh))
            .map(|mut s| {
                s.hold_s = opts.hold_s;
                s
            })
            .collect();
        tour
    }

    /// One stop per bookmark of `group` (every bookmark when `None`), in
    /// their order: the bookmark's extent, name and note, shown at `year`.
    pub fn from_bookmarks(
        title: impl Into<String>,
        bookmarks: &[Bookmark],
        group: Option<&str>,
        year: YearView,
    ) -> Tour {
        let mut tour = Tour::new(title);
        tour.stops = bookmarks
            .iter()
            .filter(|b| group.is_none_or(|g| b.group == g))
            .map(|b| {
                let mut s = Stop::new(StopTarget::Extent(b.extent), year, b.name.clone());
                s.note = b.note.clone();
                s
            })
            .collect();
        tour
    }

    /// The stop after `i`, staying on the last (0 for an empty tour).
    pub fn next(&self, i: usize) -> usize {
        i.saturating_add(1).min(self.stops.len().saturating_sub(1))
    }

    /// The stop before `i`, staying on the first.
    pub fn prev(&self, i: usize) -> usize {
        i.saturating_sub(1).min(self.stops.len().saturating_sub(1))
    }

    /// Seconds autoplay takes through every stop.
    pub fn total_hold(&self) -> f32 {
        self.stops.iter().map(|s| s.hold_s.max(0.0)).sum()
    }

    /// The first problem of any stop: (stop index from 0, problem).
    pub fn problem(&self) -> Option<(usize, StopProblem)> {
        self.stops.iter().enumerate().find_map(|(k, s)| s.problem().map(|p| (k, p)))
    }

    /// Site ids the stops name that `ds` does not have, stop by stop.
    pub fn unknown_sites(&self, ds: &Dataset) -> Vec<UnknownSite> {
        let ids: HashSet<&str> = ds.sites.iter().map(|s| s.id()).collect();
        let mut out = Vec::new();
        for (k, stop) in self.stops.iter().enumerate() {
            if let StopTarget::Sites(list) = &stop.target {
                for id in list.iter().filter(|id| !ids.contains(id.as_str())) {
                    out.push(UnknownSite {
                        file: String::new(),
                        stop: k + 1,
                        stop_title: stop.title.clone(),
                        id: id.clone(),
                    });
                }
            }
        }
        out
    }

    /// The tour as pretty JSON, as its file has it.
    pub fn to_json(&self) -> String {
        // A tour is strings, numbers and lists: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a tour from JSON text; `file` names it in errors.
    pub fn from_json(text: &str, file: &str) -> Result<Tour, TourError> {
        let raw: RawTour =
            serde_json::from_str(text).map_err(|source| TourError::Json { file: file.to_string(), source })?;
        Tour::from_raw(raw, file)
    }

    /// Checks a tour as its file has it, stop by stop.
    fn from_raw(raw: RawTour, file: &str) -> Result<Tour, TourError> {
        if raw.version > TOUR_VERSION {
            return Err(TourError::Newer { file: file.to_string(), version: raw.version });
        }
        let mut stops = Vec::with_capacity(raw.stops.len());
        for (k, v) in raw.stops.into_iter().enumerate() {
            let title = v.get("title").and_then(|t| t.as_str()).unwrap_or_default().to_string();
            let stop = serde_json::from_value::<RawStop>(v)
                .map_err(|e| StopProblem::Invalid(e.to_string()))
                .and_then(Stop::try_from)
                .map_err(|problem| TourError::Stop { file: file.to_string(), stop: k + 1, title, problem })?;
            stops.push(stop);
        }
        Ok(Tour { version: TOUR_VERSION, title: raw.title, note: raw.note, stops })
    }

    /// Reads a tour file.
    pub fn read(path: &Path) -> Result<Tour, TourError> {
        let file = display(path);
        let text = std::fs::read_to_string(path).map_err(|source| TourError::Read { file: file.clone(), source })?;
        Tour::from_json(&text, &file)
    }

    /// Reads a tour file and lists the site ids it names that `ds` lacks.
    pub fn open(path: &Path, ds: &Dataset) -> Result<OpenedTour, TourError> {
        let tour = Tour::read(path)?;
        let file = display(path);
        let warnings = tour.unknown_sites(ds).into_iter().map(|w| UnknownSite { file: file.clone(), ..w }).collect();
        Ok(OpenedTour { tour, warnings })
    }

    /// Writes the tour to `path` atomically ([`crate::save::write_atomic`]),
    /// as pretty JSON with the current format version.
    pub fn save(&self, path: &Path) -> Result<(), TourError> {
        let mut out = self.clone();
        out.version = TOUR_VERSION;
        let text = out.to_json();
        crate::save::write_atomic(path, |w| {
            w.write_all(text.as_bytes())?;
            w.write_all(b"\n")
        })
        .map_err(|source| TourError::Write { file: display(path), source })
    }
}

/// The point of `at` farthest from their mean, for a route with no start.
fn far_end(at: &[(f64, f64)]) -> Option<(f64, f64)> {
    if at.is_empty() {
        return None;
    }
    let n = at.len() as f64;
    let mean = (at.iter().map(|p| p.0).sum::<f64>() / n, at.iter().map(|p| p.1).sum::<f64>() / n);
    at.iter().copied().max_by(|a, b| crate::route::metres(mean, *a).total_cmp(&crate::route::metres(mean, *b)))
}

/// A path as errors show it.
pub(crate) fn display(path: &Path) -> String {
    path.display().to_string()
}

/// ` (“title”)` after a stop's number, or nothing for an untitled stop.
fn quoted_en(title: &str) -> String {
    if title.is_empty() { String::new() } else { format!(" (“{title}”)") }
}

/// `（“title”）：` after a stop's number, or `：` for an untitled stop.
fn quoted_zh(title: &str) -> String {
    if title.is_empty() { "：".into() } else { format!("（“{title}”）：") }
}

fn default_hold() -> f32 {
    DEFAULT_HOLD_S
}

fn default_version() -> u32 {
    TOUR_VERSION
}

fn serialize_year<S: serde::Serializer>(year: &YearView, s: S) -> Result<S::Ok, S::Error> {
    match year {
        YearView::EndOf(y) => s.serialize_i32(*y),
        YearView::Latest => s.serialize_str("latest"),
    }
}

/// A year as a file gives it: 2021, "2021", "latest" (a missing year is the latest state).
fn parse_year(v: Option<&serde_json::Value>) -> Result<YearView, StopProblem> {
    use serde_json::Value;
    let year = |y: i64| {
        i32::try_from(y)
            .ok()
            .filter(|y| YEARS.contains(y))
            .map(YearView::EndOf)
            .ok_or_else(|| StopProblem::UnknownYear(y.to_string()))
    };
    match v {
        None | Some(Value::Null) => Ok(YearView::Latest),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(y) => year(y),
            None => Err(StopProblem::UnknownYear(n.to_string())),
        },
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("latest") => Ok(YearView::Latest),
        Some(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(y) => year(y),
            Err(_) => Err(StopProblem::UnknownYear(format!("\"{s}\""))),
        },
        Some(other) => Err(StopProblem::UnknownYear(other.to_string())),
    }
}

/// A stop as its file has it, before it is checked.
#[derive(Deserialize)]
struct RawStop {
    #[serde(default)]
    target: Option<serde_json::Value>,
    #[serde(default)]
    year: Option<serde_json::Value>,
    #[serde(default)]
    layers_visible: Option<Vec<String>>,
    #[serde(default)]
    basemap: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    before_after: Option<(i32, i32)>,
    #[serde(default = "default_hold")]
    hold_s: f32,
}

impl TryFrom<RawStop> for Stop {
    type Error = StopProblem;

    fn try_from(raw: RawStop) -> Result<Stop, StopProblem> {
        let target = match raw.target {
            None | Some(serde_json::Value::Null) => return Err(StopProblem::NoTarget),
            Some(v) => serde_json::from_value::<StopTarget>(v).map_err(|e| StopProblem::BadTarget(e.to_string()))?,
        };
        let stop = Stop {
            target,
            year: parse_year(raw.year.as_ref())?,
            layers_visible: raw.layers_visible,
            basemap: raw.basemap.filter(|b| !b.trim().is_empty()),
            title: raw.title,
            note: raw.note,
            before_after: raw.before_after,
            hold_s: raw.hold_s,
        };
        match stop.problem() {
            Some(p) => Err(p),
            None => Ok(stop),
        }
    }
}

/// A tour as its file has it, stops unchecked.
#[derive(Deserialize)]
struct RawTour {
    #[serde(default = "default_version")]
    version: u32,
    #[serde(default)]
    title: String,
    #[serde(default)]
    note: String,
    stops: Vec<serde_json::Value>,
}

impl TryFrom<RawTour> for Tour {
    type Error = String;

    fn try_from(raw: RawTour) -> Result<Tour, String> {
        Tour::from_raw(raw, "tour").map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Site, StatusClass};

    fn data() -> Dataset {
        let mut a = Site::new_for_test("a", "东关村城中村改造");
        a.plan_year = Some(2021);
        a.tags_mut().lead_unit = Some("市住房城乡建设局".into());
        let mut b = Site::new_for_test("b", "西关口袋公园");
        b.set_geometry(geo::Geometry::Point(geo::Point::new(118.05, 37.40)));
        let mut c = Site::new_for_test("c", "北关口袋公园");
        c.set_geometry(geo::Geometry::Point(geo::Point::new(118.02, 37.39)));
        Dataset { sites: vec![a, b, c], ..Dataset::default() }
    }

    #[test]
    fn a_site_stop_is_titled_with_its_name_and_noted_with_its_status_and_lead_unit() {
        let ds = data();
        let zh = Stop::for_site(&ds, 0, YearView::EndOf(2021), true).unwrap();
        assert_eq!(zh.title, "东关村城中村改造");
        assert_eq!(zh.note, format!("2021年底：{} · 牵头单位：市住房城乡建设局", StatusClass::Overdue.name_zh()));
        let en = Stop::for_site(&ds, 0, YearView::Latest, false).unwrap();
        assert_eq!(en.note, "Latest: Overdue · Lead unit: 市住房城乡建设局");
        assert!(Stop::for_site(&ds, 9, YearView::Latest, true).is_none());
    }

    #[test]
    fn a_route_tour_visits_sites_along_the_road_and_a_given_one_keeps_the_order() {
        let ds = data();
        let given = Tour::from_sites(&ds, &[1, 0, 2, 1, 7], &BuildOptions::default());
        let titles: Vec<&str> = given.stops.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["西关口袋公园", "东关村城中村改造", "北关口袋公园"], "repeats and bad indices left out");
        let opts = BuildOptions { order: StopOrder::Route { start: Some((117.9, 37.38)) }, ..BuildOptions::default() };
        let routed = Tour::from_sites(&ds, &[1, 0, 2], &opts);
        let ids: Vec<_> = routed.stops.iter().map(|s| s.target.clone()).collect();
        let sites = |s: &str| StopTarget::Sites(vec![s.into()]);
        assert_eq!(ids, [sites("a"), sites("c"), sites("b")]);
        let free = Tour::from_sites(&ds, &[1, 0, 2], &BuildOptions { order: StopOrder::Route { start: None }, ..opts });
        assert_eq!(free.stops.len(), 3);
    }

    #[test]
    fn next_and_prev_stay_within_the_tour_and_the_hold_times_add_up() {
        let ds = data();
        let t = Tour::from_sites(&ds, &[0, 1, 2], &BuildOptions { hold_s: 5.0, ..BuildOptions::default() });
        assert_eq!((t.next(0), t.next(2), t.next(99)), (1, 2, 2));
        assert_eq!((t.prev(0), t.prev(2)), (0, 1));
        assert_eq!(t.total_hold(), 15.0);
        let empty = Tour::new("空");
        assert_eq!((empty.next(0), empty.prev(0), empty.total_hold()), (0, 0, 0.0));
    }

    #[test]
    fn a_stops_bounds_are_its_sites_box_or_its_extent() {
        let ds = data();
        let s = Stop::new(StopTarget::Sites(vec!["b".into(), "c".into(), "zz".into()]), YearView::Latest, "两处");
        let r = s.bounds(&ds).unwrap();
        assert_eq!((r.min().x, r.min().y, r.max().x, r.max().y), (118.02, 37.39, 118.05, 37.40));
        let none = Stop::new(StopTarget::Sites(vec!["zz".into()]), YearView::Latest, "无");
        assert!(none.bounds(&ds).is_none());
        let e = Extent { west: 117.9, south: 37.3, east: 118.1, north: 37.45 };
        assert_eq!(Stop::new(StopTarget::Extent(e), YearView::Latest, "").bounds(&ds), Some(e.rect()));
    }

    #[test]
    fn a_tour_from_a_bookmark_group_has_one_extent_stop_per_bookmark_of_the_group() {
        let e = Extent { west: 117.9, south: 37.3, east: 118.1, north: 37.45 };
        let bm = |n: &str, g: &str| Bookmark { name: n.into(), group: g.into(), extent: e, note: format!("{n}说明") };
        let list = [bm("主城区", "城区"), bm("沾化", "县区"), bm("开发区", "城区")];
        let t = Tour::from_bookmarks("城区巡查", &list, Some("城区"), YearView::EndOf(2022));
        let titles: Vec<&str> = t.stops.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["主城区", "开发区"]);
        assert_eq!(t.stops[1].note, "开发区说明");
        assert_eq!(Tour::from_bookmarks("全部", &list, None, YearView::Latest).stops.len(), 3);
    }

    #[test]
    fn years_read_as_numbers_strings_or_latest_and_others_are_unknown() {
        use serde_json::json;
        assert_eq!(parse_year(Some(&json!(2021))), Ok(YearView::EndOf(2021)));
        assert_eq!(parse_year(Some(&json!("2022"))), Ok(YearView::EndOf(2022)));
        assert_eq!(parse_year(Some(&json!("Latest"))), Ok(YearView::Latest));
        assert_eq!(parse_year(None), Ok(YearView::Latest));
        assert_eq!(parse_year(Some(&json!(2019))), Err(StopProblem::UnknownYear("2019".into())));
        assert!(parse_year(Some(&json!("去年"))).is_err());
        assert!(parse_year(Some(&json!(2021.5))).is_err());
    }

    #[test]
    fn a_tour_deserialises_through_serde_with_the_same_checks() {
        let ok: Tour =
            serde_json::from_str(r#"{"title":"t","stops":[{"target":{"sites":["a"]},"year":2020,"title":"x"}]}"#)
                .unwrap();
        assert_eq!(ok.stops[0].hold_s, DEFAULT_HOLD_S);
        let bad = serde_json::from_str::<Tour>(r#"{"title":"t","stops":[{"year":2020,"title":"x"}]}"#).unwrap_err();
        assert!(bad.to_string().contains("stop 1 (“x”): it has no target"), "{bad}");
    }
}
