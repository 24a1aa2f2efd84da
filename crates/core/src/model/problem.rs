//! What is wrong with (or was done to) the input, as data: a [`Problem`]
//! names where (file, feature, id, field) and carries a typed [`Code`] with
//! its parameters. Nothing is rendered until the edge asks, in the user's
//! language, through [`Code::text`] — the one catalogue of these messages.
//! Tests match on codes and parameters, not on sentences.

use std::fmt;

use geo::Rect;

use super::Msg;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The feature (or file) was dropped.
    Error,
    /// The feature was kept; something about it is doubtful.
    Warning,
    /// Something was done to the data that the user should know (a CRS
    /// conversion, a ring closed).
    Notice,
}

impl Severity {
    /// The severity's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Notice => "提示",
        }
    }

    /// The severity's name in English (as the command line prints it).
    pub fn name_en(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// What a problem is, with the values it needs to be said.
///
/// Values quoted from the input (`value`, `layer`, …) are as the file gave
/// them; `detail` parameters are messages of another component (an I/O
/// error, the JSON parser, a geometry check) already in both languages.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Code {
    // ---- Paths and files
    /// A folder could not be listed.
    FolderUnreadable {
        /// Why the folder could not be listed (the I/O error).
        detail: Msg,
    },
    /// A path names a file of another kind.
    NotGeoJsonFile,
    /// A path names nothing.
    NoSuchPath,
    /// A file could not be opened.
    CannotOpen {
        /// Why the file could not be opened (the I/O error).
        detail: Msg,
    },
    /// Reading a file failed part-way.
    ReadError {
        /// The I/O error that stopped the read.
        detail: Msg,
    },
    /// The file has no bytes.
    EmptyFile,
    /// The file is a JSON array.
    JsonArray,
    /// The file does not start like JSON.
    NotJson,
    /// Bytes follow the end of the GeoJSON object.
    DataAfterEnd,
    /// The file ends between or after complete features.
    Truncated {
        /// How many complete features were read before the end.
        features: usize,
    },
    /// The file ends inside a feature.
    TruncatedInFeature {
        /// 0-based index of the feature the file ends in (also how many complete features precede it).
        feature: usize,
    },
    /// The top-level object does not parse.
    TopLevelInvalid {
        /// The JSON parser's message, in English only.
        detail: String,
    },
    /// The top-level object has neither `type` nor `features`.
    NoTypeNoFeatures,
    /// The top-level `type` is not a GeoJSON type.
    NotGeoJsonType {
        /// The top-level `type` value found.
        found: String,
    },
    /// A FeatureCollection without a `features` member.
    NoFeaturesMember,
    /// A FeatureCollection whose `features` is not an array.
    FeaturesNotArray {
        /// What it is instead (`an object`, `a string`…), in English.
        found: String,
    },
    /// A lone Feature or geometry that also carries a `features` member:
    /// read as what its `type` says, the member left out.
    StrayFeatures {
        /// The top-level `type`.
        kind: String,
        /// How many elements the stray `features` array had.
        count: usize,
    },
    /// A `bbox` member that is not 4 or 6 numbers (ignored: the box is computed).
    BadBbox {
        /// What was found, in English.
        found: String,
    },

    // ---- Coordinate systems
    /// `--from` told how to read the coordinates.
    CrsForced {
        /// Label of the coordinate system the user named (e.g. `CGCS2000 (EPSG:4490)`).
        crs: String,
    },
    /// The `crs` member names an unknown system.
    CrsUnknown {
        /// The system name the `crs` member gives.
        name: String,
    },
    /// The `crs` member names no system.
    CrsUnreadable {
        /// The `crs` member as written, in JSON.
        raw: String,
    },
    /// The file declares a system other than WGS84.
    CrsDeclared {
        /// Label of the declared coordinate system.
        crs: String,
    },
    /// Gauss–Krüger metres were recognised by their magnitude.
    CrsDetected {
        /// Label of the Gauss–Krüger system recognised.
        crs: String,
        /// Whether easting and northing were given the other way round.
        swapped: bool,
    },
    /// A feature's coordinates could not be converted.
    CrsConversionFailed {
        /// Label of the system converted from.
        crs: String,
        /// Why the conversion failed.
        detail: Msg,
    },
    /// A coordinate lies outside lon/lat ranges.
    OutOfRange {
        /// The offending position's first value (longitude, or easting), as given.
        x: f64,
        /// The offending position's second value (latitude, or northing), as given.
        y: f64,
        /// Whether the values look like projected metres (more than 1000 in magnitude).
        metres: bool,
    },
    /// How many features were converted.
    Converted {
        /// How many features were converted.
        features: usize,
        /// Label of the system they were converted from.
        crs: String,
    },

    // ---- One feature
    /// The feature does not parse.
    FeatureUnreadable {
        /// The parser's message.
        detail: Msg,
    },
    /// `type` is not `"Feature"`.
    NotAFeature {
        /// The feature's `type` value found.
        found: String,
    },
    /// `properties` is not an object.
    PropertiesNotObject,
    /// `layer` names no plan layer.
    UnknownLayer {
        /// The `layer` value as given.
        layer: String,
    },
    /// `layer` is not text.
    LayerNotText {
        /// The `layer` value, as JSON.
        value: String,
    },
    /// No `geometry` member.
    NoGeometry,
    /// `geometry` is null: an unlocated feature, kept without a place.
    NullGeometry,
    /// `geometry` has no coordinates.
    EmptyGeometry,
    /// A ring was closed by the loader.
    RingClosed {
        /// Which ring of the geometry, counting all its rings from 0 (the
        /// first polygon's outer ring).
        ring: usize,
    },
    /// A polygon is invalid.
    InvalidPolygon {
        /// What the geometry check found wrong.
        detail: Msg,
    },
    /// No id: the loader made one up.
    NoId {
        /// The id made up for the feature (`<file>#<index>`).
        generated: String,
    },
    /// No name: the id stands in.
    NoName,
    /// A text field holds something else.
    NotText {
        /// The property's name.
        key: String,
        /// The property's value, as JSON.
        value: String,
    },
    /// `task` is not 1–28.
    BadTask {
        /// The `task` value, as JSON.
        value: String,
    },
    /// `scope` is neither value.
    BadScope {
        /// The `scope` value, as JSON.
        value: String,
    },
    /// `plan_year` outside 2020–2022.
    PlanYearOutsidePlan {
        /// The year given (kept, though outside the plan).
        year: i64,
    },
    /// `plan_year` is not a year.
    PlanYearNotAYear {
        /// The `plan_year` value, as JSON.
        value: String,
    },
    /// A date field does not parse.
    BadDate {
        /// Why the date was refused.
        detail: Msg,
    },
    /// A date field holds something other than text or a number.
    DateNotADate {
        /// The date field's value, as JSON.
        value: String,
    },
    /// `completed` comes before `started`.
    CompletedBeforeStarted {
        /// The `completed` date (`YYYY[-MM[-DD]]`).
        completed: String,
        /// The `started` date (`YYYY[-MM[-DD]]`).
        started: String,
    },
    /// A measure is negative or not a number.
    NotNonNegative {
        /// The measure's property name (`length_km` or `area_m2`).
        key: String,
        /// The value given, as JSON.
        value: String,
    },
    /// No `plan_year`: never overdue.
    NoPlanYear,
    /// The id was used before, by feature `first_feature` (of `first_file`
    /// when that is another file).
    DuplicateId {
        /// The repeated id.
        id: String,
        /// 0-based index, in its file, of the feature that has the id first.
        first_feature: usize,
        /// That feature's file, when it is not this one.
        first_file: Option<String>,
    },

    /// A ledger (台账) row that cannot be put on the map: no coordinates, or
    /// coordinates that cannot be read. The row is not loaded.
    LedgerRowUnplaced {
        /// The workbook's sheet, for a file that has sheets.
        sheet: Option<String>,
        /// The row number as the spreadsheet shows it (1-based).
        row: usize,
        /// Why the row cannot be placed.
        detail: Msg,
    },

    /// What a reader of another format found out about a file: its text
    /// encoding, coordinate system, ledger columns (a notice).
    Detected {
        /// What: "encoding", "crs", "columns", "layer".
        what: String,
        /// The finding.
        detail: Msg,
    },

    /// More problems of one code in one file than are kept in full.
    MoreOfTheSame {
        /// The repeated code's name, as [`Code::name`] gives it.
        of: String,
        /// How many more of them there are, beyond those kept.
        count: usize,
    },
}

impl Code {
    /// The code's name, as it is serialised (`"unknown_layer"`).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }

    /// The message in Chinese or English.
    pub fn text(&self, chinese: bool) -> String {
        let zh = chinese;
        let pick = |en: String, zh_text: String| if zh { zh_text } else { en };
        let d = |m: &Msg| m.text(zh).to_owned();
        match self {
            Code::FolderUnreadable { detail } => {
                pick(format!("cannot read the folder: {}", d(detail)), format!("无法读取文件夹：{}", d(detail)))
            }
            Code::NotGeoJsonFile => pick(
                "not a file this program reads (.geojson, .shp, .gpkg, .kml, .kmz, .gpx, .csv, .xlsx): skipped".into(),
                "不是本程序能读取的文件（.geojson、.shp、.gpkg、.kml、.kmz、.gpx、.csv、.xlsx），已跳过".into(),
            ),
            Code::NoSuchPath => pick("no such file or folder".into(), "文件或文件夹不存在".into()),
            Code::CannotOpen { detail } => {
                pick(format!("cannot open: {}", d(detail)), format!("无法打开：{}", d(detail)))
            }
            Code::ReadError { detail } => {
                pick(format!("read error: {}", d(detail)), format!("读取出错：{}", d(detail)))
            }
            Code::EmptyFile => pick("the file is empty".into(), "文件为空".into()),
            Code::JsonArray => pick(
                "the file is a JSON array, not a GeoJSON object".into(),
                "文件是 JSON 数组，不是 GeoJSON 对象".into(),
            ),
            Code::NotJson => {
                pick("the file is not JSON (it does not start with '{')".into(), "文件不是 JSON（不以“{”开头）".into())
            }
            Code::DataAfterEnd => pick(
                "there is data after the end of the GeoJSON object".into(),
                "GeoJSON 对象结束后还有多余数据".into(),
            ),
            Code::Truncated { features } => pick(
                format!("the file ends early (truncated?) after {features} complete features"),
                format!("文件提前结束（被截断？），此前有 {features} 个完整要素"),
            ),
            Code::TruncatedInFeature { feature } => pick(
                format!(
                    "the file ends early (truncated?) inside feature {feature}; the {feature} features before it were read"
                ),
                format!("文件在第 {feature} 个要素中途结束（被截断？），其前的 {feature} 个要素已读入"),
            ),
            Code::TopLevelInvalid { detail } => pick(
                format!("the top-level object is not valid JSON: {detail}"),
                format!("顶层对象不是有效的 JSON：{detail}"),
            ),
            Code::NoTypeNoFeatures => pick(
                "not GeoJSON: the top-level object has no \"type\" and no \"features\"".into(),
                "不是 GeoJSON：顶层对象既没有 \"type\" 也没有 \"features\"".into(),
            ),
            Code::NotGeoJsonType { found } => pick(
                format!("not GeoJSON: top-level type \"{found}\" is not a GeoJSON type"),
                format!("不是 GeoJSON：顶层类型“{found}”不是 GeoJSON 类型"),
            ),
            Code::NoFeaturesMember => pick(
                "the FeatureCollection has no \"features\" member: nothing to load".into(),
                "FeatureCollection 没有 \"features\" 成员：没有可读入的要素".into(),
            ),
            Code::FeaturesNotArray { found } => pick(
                format!("\"features\" is {found}, not an array: nothing to load"),
                format!("\"features\" 是{}，不是数组：没有可读入的要素", json_kind_zh(found)),
            ),
            Code::StrayFeatures { kind, count } => pick(
                format!(
                    "the file is a {kind} (its top-level type) with a stray \"features\" member of {count} elements; read as the {kind}, the member ignored"
                ),
                format!(
                    "文件顶层类型为 {kind}，另带一个含 {count} 项的多余 \"features\" 成员；按 {kind} 读入，该成员已忽略"
                ),
            ),
            Code::BadBbox { found } => pick(
                format!("bbox is {found}, not 4 or 6 numbers; ignored (the box is computed from the coordinates)"),
                format!("bbox 为 {found}，不是 4 个或 6 个数字；已忽略（范围按坐标计算）"),
            ),
            Code::CrsForced { crs } => pick(
                format!("coordinates read as {crs} as requested, and converted to WGS84"),
                format!("坐标按要求读作 {crs}，已转换为 WGS84"),
            ),
            Code::CrsUnknown { name } => pick(
                format!("crs: unknown coordinate system \"{name}\"; coordinates are placed by their magnitude instead"),
                format!("crs：未知坐标系“{name}”，改按坐标数值大小判断"),
            ),
            Code::CrsUnreadable { raw } => pick(
                format!("crs: the crs member {raw} names no system; coordinates are placed by their magnitude instead"),
                format!("crs：crs 成员 {raw} 没有指明坐标系，改按坐标数值大小判断"),
            ),
            Code::CrsDeclared { crs } => {
                pick(format!("crs: the file declares {crs}"), format!("crs：文件声明的坐标系为 {crs}"))
            }
            Code::CrsDetected { crs, swapped } => pick(
                format!(
                    "no crs member, but the coordinates are metres of {crs}{}; converted to WGS84",
                    if *swapped { " with easting and northing swapped" } else { "" }
                ),
                format!(
                    "没有 crs 成员，但坐标是 {crs} 的米制坐标{}，已转换为 WGS84",
                    if *swapped { "（东坐标与北坐标互换）" } else { "" }
                ),
            ),
            Code::CrsConversionFailed { crs, detail } => {
                pick(format!("cannot convert from {crs}: {}", d(detail)), format!("无法从 {crs} 转换：{}", d(detail)))
            }
            Code::OutOfRange { x, y, metres } => pick(
                format!(
                    "coordinate ({x}, {y}) is outside the WGS84 range lon -180..180, lat -90..90{}",
                    if *metres {
                        " (metres? give the file a crs member or convert it with --from epsg:NNNN)"
                    } else {
                        ""
                    }
                ),
                format!(
                    "坐标 ({x}, {y}) 超出 WGS84 范围（经度 -180..180，纬度 -90..90）{}",
                    if *metres {
                        "（是米制坐标？请为文件加上 crs 成员，或用 --from epsg:NNNN 转换）"
                    } else {
                        ""
                    }
                ),
            ),
            Code::Converted { features, crs } => pick(
                format!("{features} features converted from {crs} to WGS84"),
                format!("{features} 个要素已从 {crs} 转换为 WGS84"),
            ),
            Code::FeatureUnreadable { detail } => d(detail),
            Code::NotAFeature { found } => {
                pick(format!("type is {found}, expected \"Feature\""), format!("type 为 {found}，应为 \"Feature\""))
            }
            Code::PropertiesNotObject => {
                pick("properties is not an object; ignored".into(), "properties 不是对象，已忽略".into())
            }
            Code::UnknownLayer { layer } => pick(
                format!("unknown layer \"{layer}\"; shown as an extra layer of that name"),
                format!("未知图层“{layer}”，作为同名附加图层显示"),
            ),
            Code::LayerNotText { value } => pick(
                format!("layer {value} is not a string; shown as an extra layer"),
                format!("layer 的值 {value} 不是文本，作为附加图层显示"),
            ),
            Code::NoGeometry => pick("the feature has no geometry member".into(), "要素没有 geometry 成员".into()),
            Code::NullGeometry => pick(
                "geometry is null: no location yet; kept, counted and listed, not drawn".into(),
                "geometry 为 null：尚无位置；项目保留，计入统计和列表，地图上不显示".into(),
            ),
            Code::EmptyGeometry => {
                pick("geometry is empty: it has no coordinates".into(), "geometry 为空：没有坐标".into())
            }
            Code::RingClosed { ring } => pick(
                format!("ring {ring} was not closed (last position differs from the first); closed it"),
                format!("第 {ring} 个环未闭合（末点与首点不同），已自动闭合"),
            ),
            Code::InvalidPolygon { detail } => {
                pick(format!("invalid polygon: {}", d(detail)), format!("多边形无效：{}", d(detail)))
            }
            Code::NoId { generated } => pick(
                format!("the site has no id; it is called \"{generated}\" here"),
                format!("项目没有 id，此处称为“{generated}”"),
            ),
            Code::NoName => {
                pick("the site has no name; its id is shown instead".into(), "项目没有名称，以 id 代替显示".into())
            }
            Code::NotText { key, value } => {
                pick(format!("{key} is {value}, not text; ignored"), format!("{key} 的值 {value} 不是文本，已忽略"))
            }
            Code::BadTask { value } => pick(
                format!("task {value} is not a plan task number 1-28; ignored"),
                format!("task 的值 {value} 不是方案任务编号 1–28，已忽略"),
            ),
            Code::BadScope { value } => pick(
                format!("scope {value} is neither \"main_city\" nor \"county\"; ignored"),
                format!("scope 的值 {value} 既不是 \"main_city\" 也不是 \"county\"，已忽略"),
            ),
            Code::PlanYearOutsidePlan { year } => pick(
                format!("plan_year {year} lies outside the plan's 2020-2022"),
                format!("plan_year {year} 不在方案的 2020–2022 年之内"),
            ),
            Code::PlanYearNotAYear { value } => pick(
                format!(
                    "plan_year {value} is not a year; the site is kept, its status unknown where the plan year matters"
                ),
                format!("plan_year 的值 {value} 不是年份；项目保留，凡与计划年份有关处进度记为“不明”"),
            ),
            Code::BadDate { detail } => pick(
                format!("{}; the site is kept, its status unknown where the date matters", d(detail)),
                format!("{}；项目保留，凡与该日期有关处进度记为“不明”", d(detail)),
            ),
            Code::DateNotADate { value } => pick(
                format!("{value} is not a date; the site is kept, its status unknown where the date matters"),
                format!("{value} 不是日期；项目保留，凡与该日期有关处进度记为“不明”"),
            ),
            Code::CompletedBeforeStarted { completed, started } => pick(
                format!(
                    "completed {completed} is before started {started}; the status is unknown from the earlier year on"
                ),
                format!("完成日期 {completed} 早于开工日期 {started}；自较早年份起进度记为“不明”"),
            ),
            Code::NotNonNegative { key, value } => pick(
                format!("{key} {value} is not a non-negative number; ignored"),
                format!("{key} 的值 {value} 不是非负数，已忽略"),
            ),
            Code::NoPlanYear => pick(
                "the site has no plan_year; it is never overdue".into(),
                "项目没有 plan_year，永远不会算作逾期".into(),
            ),
            Code::DuplicateId { id, first_feature, first_file } => {
                let (earlier, earlier_zh) = match first_file {
                    None => (format!("feature {first_feature}"), format!("第 {first_feature} 个要素")),
                    Some(f) => (format!("feature {first_feature} of {f}"), format!("{f} 的第 {first_feature} 个要素")),
                };
                pick(
                    format!("duplicate id \"{id}\": {earlier} already has it; this one was dropped"),
                    format!("id“{id}”重复：{earlier_zh}已使用该 id，此要素未载入"),
                )
            }
            Code::LedgerRowUnplaced { sheet, row, detail } => {
                let (at, at_zh) = match sheet {
                    None => (format!("row {row}"), format!("第 {row} 行")),
                    Some(s) => (format!("row {row} of sheet \"{s}\""), format!("工作表“{s}”第 {row} 行")),
                };
                pick(
                    format!("{at} cannot be placed on the map: {}; not loaded", d(detail)),
                    format!("{at_zh}无法定位到地图上：{}，未载入", d(detail)),
                )
            }
            Code::Detected { what, detail } => {
                let (en, zh) = match what.as_str() {
                    "encoding" => ("encoding", "编码"),
                    "crs" => ("coordinate system", "坐标系"),
                    "columns" => ("columns", "列"),
                    "layer" => ("layer", "图层"),
                    other => (other, other),
                };
                pick(format!("{en}: {}", detail.en), format!("{zh}：{}", detail.zh))
            }
            Code::MoreOfTheSame { of, count } => pick(
                format!("{count} more problems like this ({of}) in this file, not listed one by one"),
                format!("此文件中还有 {count} 个同类问题（{of}），未逐条列出"),
            ),
        }
    }
}

/// One thing wrong with (or done to) the input, naming where.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Problem {
    /// How bad it is.
    pub severity: Severity,
    /// The file, as the user named it.
    pub file: String,
    /// Position in the file's `features` array.
    pub feature: Option<usize>,
    /// The feature's id, when it has one.
    pub feature_id: Option<String>,
    /// The member or property concerned.
    pub field: Option<String>,
    /// What it is, with its parameters.
    #[serde(flatten)]
    pub code: Code,
    /// Where the feature is, when it has a usable geometry.
    #[serde(skip)]
    pub location: Option<Rect<f64>>,
}

impl Problem {
    /// A problem of a whole file (or path).
    pub fn file_level(severity: Severity, file: impl Into<String>, code: Code) -> Self {
        Problem { severity, file: file.into(), feature: None, feature_id: None, field: None, code, location: None }
    }

    /// The message in English.
    pub fn message(&self) -> String {
        self.code.text(false)
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        self.code.text(true)
    }

    /// The message in Chinese or English.
    pub fn message_in(&self, chinese: bool) -> String {
        self.code.text(chinese)
    }

    /// `file:feature N#id:field: severity: message`, with the parts that are
    /// known, in Chinese or English.
    pub fn line(&self, chinese: bool) -> String {
        let mut out = self.file.clone();
        if let Some(i) = self.feature {
            out.push_str(&format!(":feature {i}"));
        }
        if let Some(id) = &self.feature_id {
            out.push_str(&format!("#{id}"));
        }
        if let Some(field) = &self.field {
            out.push_str(&format!(":{field}"));
        }
        let sev = if chinese { self.severity.name_zh() } else { self.severity.name_en() };
        out.push_str(&format!(": {sev}: {}", self.message_in(chinese)));
        out
    }
}

impl fmt::Display for Problem {
    /// [`Problem::line`] in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line(false))
    }
}

/// The Chinese for the English JSON kinds [`json_kind`] names.
fn json_kind_zh(en: &str) -> &'static str {
    match en {
        "an object" => "对象",
        "a string" => "文本",
        "a number" => "数字",
        "true/false" => "true/false",
        "null" => "null",
        _ => "其他值",
    }
}

/// What kind of JSON value `v` is, in English (`an object`, `a string`…).
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Object(_) => "an object",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "true/false",
        serde_json::Value::Null => "null",
    }
}

/// The problem with a `bbox` member, if any: RFC 7946 wants 2 × n numbers
/// for n = 2 or 3 dimensions.
///
/// ```
/// use binzhou_core::model::problem::bbox_problem;
/// assert!(bbox_problem(&serde_json::json!([117.9, 37.3, 118.1, 37.5])).is_none());
/// assert!(bbox_problem(&serde_json::json!([1, 2, 3])).is_some());
/// assert!(bbox_problem(&serde_json::json!(["1", 2, 3, 4])).is_some());
/// ```
pub fn bbox_problem(v: &serde_json::Value) -> Option<Code> {
    let ok = v.as_array().is_some_and(|a| (a.len() == 4 || a.len() == 6) && a.iter().all(|n| n.is_number()));
    if ok {
        return None;
    }
    let mut found = v.to_string();
    if found.chars().count() > 60 {
        found = found.chars().take(60).collect::<String>() + "…";
    }
    Some(Code::BadBbox { found })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_said_in_both_languages_from_its_parameters() {
        let c = Code::UnknownLayer { layer: "公园".into() };
        assert_eq!(c.text(false), "unknown layer \"公园\"; shown as an extra layer of that name");
        assert_eq!(c.text(true), "未知图层“公园”，作为同名附加图层显示");
        assert_eq!(c.name(), "unknown_layer");
    }

    #[test]
    fn a_problem_serialises_its_code_and_parameters_not_sentences() {
        let p = Problem::file_level(Severity::Error, "a.geojson", Code::Truncated { features: 3 });
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["code"], "truncated");
        assert_eq!(v["features"], 3);
        assert_eq!(v["file"], "a.geojson");
        assert!(v.get("message").is_none());
    }

    #[test]
    fn a_problem_line_names_file_feature_id_and_field() {
        let mut p = Problem::file_level(Severity::Warning, "b.geojson", Code::NoName);
        p.feature = Some(4);
        p.feature_id = Some("PP-1".into());
        p.field = Some("name".into());
        assert_eq!(
            p.line(false),
            "b.geojson:feature 4#PP-1:name: warning: the site has no name; its id is shown instead"
        );
        assert!(p.line(true).starts_with("b.geojson:feature 4#PP-1:name: 警告: 项目没有名称"));
    }
}
