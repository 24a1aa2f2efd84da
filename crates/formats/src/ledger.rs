//! Project ledgers (项目台账): Excel workbooks and CSV tables with one site a
//! row and its position in columns.
//!
//! A ledger is made by people, for people: a title row or two above the
//! header ("滨州市2021年口袋公园建设台账", "单位：万元"), headers in Chinese
//! with units in brackets, coordinates as decimal degrees, as
//! degrees-minutes-seconds text, or as CGCS2000 Gauss–Krüger metres with the
//! surveyors' X (the northing) and Y (the easting). The reader
//!
//! * finds the header as the first row with at least two known column names
//!   ([`recognise_columns`]; [`ReadOptions::columns`] overrides it);
//! * reads every row below it into one point feature, the recognised
//!   columns as the site's properties and every other column as an extra
//!   property named by its header;
//! * decides by magnitude, never by the header's letters, which number is
//!   the easting and which the northing, and reports the decision;
//! * names every row it cannot place (no coordinates, unreadable ones) as a
//!   [`Code::LedgerRowUnplaced`] problem with the row number Excel shows, and
//!   loads the others. Blank rows and the title rows are skipped quietly.
//!
//! CSV text is UTF-8 (with or without byte-order mark), UTF-16 with a
//! byte-order mark (Excel's "Unicode text"), or else GBK/GB18030; which one
//! is reported.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use binzhou_core::crs::{self, Crs};
use binzhou_core::model::{Bilingual, Code, Msg, PlanLayer, Problem, Severity, names};
use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Reader};
use serde_json::{Map, Value};

use crate::{Detected, FormatError, Opened, OpenedLayer, ReadOptions};

/// The fields a ledger column can be mapped to: the site's properties, then
/// the position as `lon`/`lat` (degrees), `x`/`y` (the two coordinates of a
/// pair, in either order: magnitude decides) or `coords` (both in one cell,
/// e.g. `118.0123, 37.3821`).
pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "layer",
    "kind",
    "task",
    "lead_unit",
    "district",
    "scope",
    "plan_year",
    "started",
    "completed",
    "lon",
    "lat",
    "x",
    "y",
    "coords",
];

/// Header names by field, normalised as [`normalise_header`] does. Names of
/// rank 0 win over rank 1 when a sheet has both (项目名称 over 名称).
const SYNONYMS: &[(&str, u8, &[&str])] = &[
    ("name", 0, &["项目名称", "工程名称", "建设项目名称", "项目名", "name", "sitename", "projectname"]),
    ("name", 1, &["名称", "公园名称", "道路名称", "绿道名称", "村名称", "地点"]),
    ("id", 0, &["编号", "项目编号", "项目代码", "工程编号", "id", "code", "siteid"]),
    (
        "district",
        0,
        &["所在区县", "区县", "县区", "县市区", "所在县区", "所属区县", "所在县市区", "district", "county"],
    ),
    ("district", 1, &["区域", "所在区域", "属地"]),
    ("lead_unit", 0, &["牵头单位", "责任单位", "牵头部门", "责任部门", "leadunit", "lead"]),
    (
        "plan_year",
        0,
        &["计划完成年度", "计划年度", "完成年度", "计划完成年份", "计划年份", "计划完成时限", "planyear", "year"],
    ),
    ("plan_year", 1, &["年度", "年份"]),
    ("started", 0, &["开工时间", "开工日期", "开工", "实际开工时间", "started", "start", "startdate"]),
    (
        "completed",
        0,
        &[
            "完工时间",
            "竣工时间",
            "完成时间",
            "完工日期",
            "竣工日期",
            "实际完工时间",
            "完工",
            "竣工",
            "completed",
            "finished",
        ],
    ),
    ("layer", 0, &["图层", "项目类型", "项目类别", "layer"]),
    ("layer", 1, &["类型", "类别", "type", "category"]),
    ("kind", 0, &["kind", "细类", "建设类型"]),
    ("task", 0, &["任务", "任务编号", "任务序号", "task"]),
    ("scope", 0, &["范围", "统计范围", "scope"]),
    ("lon", 0, &["经度", "东经", "lon", "lng", "long", "longitude"]),
    ("lat", 0, &["纬度", "北纬", "lat", "latitude"]),
    ("x", 0, &["x坐标", "坐标x", "x", "东坐标", "e", "easting", "东向坐标"]),
    ("y", 0, &["y坐标", "坐标y", "y", "北坐标", "n", "northing", "北向坐标"]),
    ("coords", 0, &["坐标", "经纬度", "位置坐标", "中心点坐标", "中心坐标", "坐标位置", "coordinates", "coords"]),
];

/// A header as it is compared: trimmed, lower case, without spaces (either
/// width), underscores, hyphens and brackets of either width.
pub fn normalise_header(h: &str) -> String {
    full_to_half(h)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '(' | ')' | '[' | ']' | '【' | '】' | '〔' | '〕'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header without what its brackets hold ("X坐标（m）" → "X坐标").
fn without_brackets(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in full_to_half(h).chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Full-width ASCII (ＡＢＣ１２３（）．) as half-width, the ideographic space as a space.
fn full_to_half(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| !('\u{ff01}'..='\u{ff5e}').contains(&c) && c != '\u{3000}') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                c => c,
            })
            .collect(),
    )
}

/// The field a header names and how strongly (0 best), if any.
fn field_of(header: &str) -> Option<(&'static str, u8)> {
    let lookup =
        |h: &str| SYNONYMS.iter().find_map(|(field, rank, names)| names.contains(&h).then_some((*field, *rank)));
    let h = normalise_header(header);
    if h.is_empty() {
        return None;
    }
    lookup(&h).or_else(|| lookup(&normalise_header(&without_brackets(header))))
}

/// Which column holds which field, by the headers alone: `(field, column)`
/// pairs in column order, columns counted from 0 in `headers`. Each field
/// goes to one column (the best-named, then the leftmost); `序号` (a row
/// number) is the id only when no column is named 编号 or id.
///
/// ```
/// use binzhou_formats::ledger::recognise_columns;
/// let h: Vec<String> = ["序号", "项目名称", "X坐标（m）", "Y坐标（m）", "备注"].map(String::from).to_vec();
/// assert_eq!(
///     recognise_columns(&h),
///     [("id".to_string(), 0), ("name".to_string(), 1), ("x".to_string(), 2), ("y".to_string(), 3)]
/// );
/// ```
pub fn recognise_columns(headers: &[String]) -> Vec<(String, usize)> {
    let mut best: BTreeMap<&'static str, (u8, usize)> = BTreeMap::new();
    for (col, h) in headers.iter().enumerate() {
        if let Some((field, rank)) = field_of(h) {
            let e = best.entry(field).or_insert((rank, col));
            if rank < e.0 {
                *e = (rank, col);
            }
        }
    }
    if !best.contains_key("id")
        && let Some(col) = headers.iter().position(|h| matches!(normalise_header(h).as_str(), "序号" | "no." | "no"))
    {
        best.insert("id", (9, col));
    }
    let mut out: Vec<(String, usize)> = best.into_iter().map(|(f, (_, c))| (f.to_string(), c)).collect();
    out.sort_by_key(|(_, c)| *c);
    out
}

/// A cell, whichever kind of file it came from.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date, time or duration, as its serial value.
    Excel(ExcelDateTime),
    Bool(bool),
}

impl Cell {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the sheet shows it, more or less.
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Excel(d) => excel_date(d).unwrap_or_else(|| number_text(d.as_f64())),
            Cell::Bool(b) => b.to_string(),
        }
    }

    fn from_calamine(d: &Data) -> Cell {
        match d {
            Data::Empty => Cell::Empty,
            Data::String(s) => Cell::Text(s.clone()),
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Bool(*b),
            Data::DateTime(d) => Cell::Excel(*d),
            Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            Data::Error(e) => Cell::Text(e.to_string()),
        }
    }
}

/// A number as text: whole numbers without a decimal point.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// An Excel date serial as `YYYY-MM-DD` (a duration is not a date).
fn excel_date(d: &ExcelDateTime) -> Option<String> {
    if d.is_duration() || d.as_f64() < 1.0 {
        return None;
    }
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    Some(format!("{y:04}-{m:02}-{day:02}"))
}

/// One sheet (or the CSV table) as rows of cells.
struct Grid {
    /// The sheet's name (the file's stem for CSV).
    name: String,
    /// Whether the file has sheets (problems then name the sheet).
    is_sheet: bool,
    /// The row number Excel shows for each row of `rows`.
    row_numbers: Vec<usize>,
    /// The first column's index in the sheet (0 = A).
    first_col: usize,
    rows: Vec<Vec<Cell>>,
}

/// Reads a ledger: `.csv`, `.xlsx` or `.xls` (by extension; anything else is
/// tried as CSV). Each sheet with a header row is one layer (only the sheet
/// `opts.layer` names, when given); the features are points in the file's
/// own coordinates, with `crs` set when they are Gauss–Krüger metres.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Opened, FormatError> {
    let (grids, mut file_notes) = grids_of(path)?;
    let label = path.display().to_string();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut layers = Vec::new();
    let mut skipped = Vec::new();
    let wanted = opts.layer.as_deref().map(str::trim);
    let names: Vec<String> = grids.iter().map(|g| g.name.clone()).collect();
    for grid in grids {
        if wanted.is_some_and(|w| w != grid.name.trim()) {
            continue;
        }
        if grid.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
            continue;
        }
        match read_grid(&grid, &label, &stem, opts) {
            Some(mut layer) => {
                if layers.is_empty() {
                    let mut notes = std::mem::take(&mut file_notes);
                    notes.append(&mut layer.detected);
                    layer.detected = notes;
                }
                layers.push(layer);
            }
            None => skipped.push(grid.name.clone()),
        }
    }
    if let Some(w) = wanted
        && layers.is_empty()
        && !names.iter().any(|n| n.trim() == w)
    {
        return Err(unreadable(path, format!("there is no sheet \"{w}\"; the sheets are: {}", names.join(", "))));
    }
    if layers.is_empty() {
        return Err(unreadable(
            path,
            "no header row found: no row has two known column names (such as 项目名称, 经度, 纬度, X坐标, Y坐标); \
             name the columns with --columns"
                .to_string(),
        ));
    }
    for name in skipped {
        layers[0].detected.push(Detected {
            what: "layer",
            text: Msg::new(
                format!("sheet \"{name}\" skipped: no row in it has two known column names"),
                format!("工作表“{name}”已跳过：没有一行含两个可识别的列名"),
            ),
        });
    }
    Ok(Opened { path: path.to_path_buf(), layers })
}

/// How many data rows a [`SheetPreview`] shows.
pub const SAMPLE_ROWS: usize = 5;

/// One sheet of a ledger as it would be read, for a dialog that lets the
/// user check and correct the column mapping before loading.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetPreview {
    /// The sheet's name (the file's stem for CSV).
    pub sheet: String,
    /// Whether the file has sheets (a workbook), so `sheet` can be given as
    /// [`ReadOptions::layer`].
    pub is_sheet: bool,
    /// The header's row as Excel shows it; `None` when no row looks like a
    /// header (then `rows` are the sheet's first rows).
    pub header_row: Option<usize>,
    /// Each column's header as written ("" when blank).
    pub headers: Vec<String>,
    /// Each column's letter (A, B, …, AA).
    pub letters: Vec<String>,
    /// The first few data rows, with the row number Excel shows, as text.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Which column holds which field ([`FIELDS`]), as the sheet would be
    /// read with the options given: `(field, column)` in column order.
    pub columns: Vec<(String, usize)>,
    /// Rows that would be placed, and rows that would not (errors).
    pub placed: usize,
    pub unplaced: usize,
    /// What the coordinates were read as (system, which column is the
    /// northing), one line each.
    pub coordinates: Vec<Msg>,
}

impl SheetPreview {
    /// The field column `c` is read as, if any.
    pub fn field_of(&self, c: usize) -> Option<&str> {
        self.columns.iter().find(|(_, d)| *d == c).map(|(f, _)| f.as_str())
    }

    /// [`ReadOptions::columns`] that read this sheet with exactly `fields`
    /// (one entry per column: the field it holds, or `None` to keep it as a
    /// property) and its header on `header_row`. Columns are named by their
    /// header, or by their letter when the header is blank or not unique.
    pub fn column_options(&self, fields: &[Option<String>], header_row: Option<usize>) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(n) = header_row {
            out.push((HEADER_ROW.to_string(), n.to_string()));
        }
        for (c, field) in fields.iter().enumerate() {
            let Some(header) = self.headers.get(c) else { break };
            let h = normalise_header(header);
            let unique = !h.is_empty() && self.headers.iter().filter(|o| normalise_header(o) == h).count() == 1;
            let name = if unique { header.clone() } else { self.letters.get(c).cloned().unwrap_or_default() };
            out.push((field.clone().unwrap_or_else(|| NO_FIELD.to_string()), name));
        }
        out
    }
}

/// Each sheet of a ledger as [`read`] would read it with `opts`: its header
/// row, headers, a few data rows and the column mapping, and how many rows
/// would be placed. Sheets with nothing in them are left out; a sheet with
/// no header row has `header_row: None`.
pub fn preview(path: &Path, opts: &ReadOptions) -> Result<Vec<SheetPreview>, FormatError> {
    let grids = grids_of(path)?.0;
    let label = path.display().to_string();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let wanted = opts.layer.as_deref().map(str::trim);
    let mut out = Vec::new();
    for grid in &grids {
        if wanted.is_some_and(|w| w != grid.name.trim()) || grid.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
            continue;
        }
        let sheet_row = |i: usize| grid.row_numbers.get(i).copied().unwrap_or(i + 1);
        let text_of = |i: usize, width: usize| -> (usize, Vec<String>) {
            (sheet_row(i), (0..width).map(|c| grid.rows[i].get(c).map(Cell::text).unwrap_or_default()).collect())
        };
        let non_blank = |i: &usize| grid.rows[*i].iter().any(|c| !c.is_empty());
        let width = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
        let letters = (0..width).map(|c| column_letter(grid.first_col + c)).collect();
        let p = match read_sheet(grid, &label, &stem, opts) {
            Some(sheet) => {
                let rows = (sheet.data_from..grid.rows.len())
                    .filter(non_blank)
                    .take(SAMPLE_ROWS)
                    .map(|i| text_of(i, width))
                    .collect();
                let mut columns: Vec<(String, usize)> = sheet.cols.fields.into_iter().collect();
                columns.sort_by_key(|(_, c)| *c);
                let errors = sheet.layer.problems.iter().filter(|p| p.severity == Severity::Error).count();
                SheetPreview {
                    sheet: grid.name.clone(),
                    is_sheet: grid.is_sheet,
                    header_row: Some(sheet_row(sheet.header_at)),
                    headers: sheet.headers,
                    letters,
                    rows,
                    columns,
                    placed: sheet.layer.rows.as_ref().map_or(0, Vec::len),
                    unplaced: errors,
                    coordinates: sheet.layer.detected.into_iter().filter(|d| d.what == "crs").map(|d| d.text).collect(),
                }
            }
            None => SheetPreview {
                sheet: grid.name.clone(),
                is_sheet: grid.is_sheet,
                header_row: None,
                headers: vec![String::new(); width],
                letters,
                rows: (0..grid.rows.len()).filter(non_blank).take(SAMPLE_ROWS).map(|i| text_of(i, width)).collect(),
                columns: Vec::new(),
                placed: 0,
                unplaced: 0,
                coordinates: Vec::new(),
            },
        };
        out.push(p);
    }
    Ok(out)
}

/// Whether a file is read as a ledger (by extension): `.csv`, `.xlsx`, `.xls`.
pub fn is_ledger(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    matches!(ext.as_str(), "csv" | "xlsx" | "xls")
}

fn unreadable(path: &Path, detail: String) -> FormatError {
    FormatError::Unreadable { path: path.to_path_buf(), detail }
}

/// The file's sheets (one for CSV), and what its encoding was found to be.
fn grids_of(path: &Path) -> Result<(Vec<Grid>, Vec<Detected>), FormatError> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    Ok(match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => (read_workbook(path)?, Vec::new()),
        _ => {
            let bytes = std::fs::read(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })?;
            let (grid, note) = csv_grid(path, &bytes)?;
            (vec![grid], vec![note])
        }
    })
}

/// Every sheet of a workbook. A panic inside calamine (a damaged workbook
/// can cause one: an overflowing cell reference, found by fuzzing) is the
/// workbook's error, not the program's end.
fn read_workbook(path: &Path) -> Result<Vec<Grid>, FormatError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook_unguarded(path)))
        .unwrap_or_else(|_| Err(unreadable(path, "the workbook is damaged (its reader stopped on it)".to_owned())))
}

fn read_workbook_unguarded(path: &Path) -> Result<Vec<Grid>, FormatError> {
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| match e {
        calamine::Error::Io(source) => FormatError::Io { path: path.to_path_buf(), source },
        e => unreadable(path, format!("not a readable workbook: {e}")),
    })?;
    let mut grids = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| unreadable(path, format!("sheet \"{name}\": {e}")))?;
        let Some((row0, col0)) = range.start() else { continue };
        let rows: Vec<Vec<Cell>> = range.rows().map(|r| r.iter().map(Cell::from_calamine).collect()).collect();
        grids.push(Grid {
            name,
            is_sheet: true,
            row_numbers: (0..rows.len()).map(|i| row0 as usize + i + 1).collect(),
            first_col: col0 as usize,
            rows,
        });
    }
    Ok(grids)
}

/// The CSV table, decoded, and what its encoding was found to be.
fn csv_grid(path: &Path, bytes: &[u8]) -> Result<(Grid, Detected), FormatError> {
    let (text, en, zh): (Cow<str>, &str, &str) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let t = std::str::from_utf8(rest)
            .map_err(|e| unreadable(path, format!("starts as UTF-8 (byte-order mark) but is not: {e}")))?;
        (Cow::Borrowed(t), "UTF-8 (byte-order mark)", "UTF-8（带 BOM）")
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = encoding_rs::Encoding::for_bom(bytes).map_or(encoding_rs::UTF_16LE, |(enc, _)| enc);
        let (t, _, _) = enc.decode(bytes);
        (t, "UTF-16 (byte-order mark)", "UTF-16（带 BOM）")
    } else if let Ok(t) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(t), "UTF-8 (valid as UTF-8)", "UTF-8（是有效的 UTF-8）")
    } else {
        let (t, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if bad {
            (
                t,
                "GBK/GB18030 (not valid UTF-8; some bytes are not GB18030 either)",
                "GBK/GB18030（不是有效的 UTF-8，且部分字节无法解码）",
            )
        } else {
            (t, "GBK/GB18030 (not valid UTF-8)", "GBK/GB18030（不是有效的 UTF-8）")
        }
    };
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut row_numbers = Vec::new();
    // Excel shows a blank line as a row but a line break inside quotes as
    // part of one: the row is the record's line less the breaks inside the
    // records before it. (The reader's own position starts before the blank
    // lines it skipped, so the line is counted here.)
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut breaks_before = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).max(counted_to);
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                line += bytes[counted_to..start.min(bytes.len())].iter().filter(|&&b| b == b'\n').count();
                counted_to = start.min(bytes.len());
                row_numbers.push(line.saturating_sub(breaks_before));
                breaks_before += record.iter().map(|f| f.matches('\n').count()).sum::<usize>();
                rows.push(record.iter().map(|f| Cell::Text(f.to_string())).collect());
            }
            Err(e) => {
                let at = e.position().map(|p| format!(" at line {}", p.line())).unwrap_or_default();
                return Err(unreadable(path, format!("not readable as CSV{at}: {e}")));
            }
        }
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let note = Detected { what: "encoding", text: Msg::new(en, zh) };
    Ok((Grid { name: stem, is_sheet: false, row_numbers, first_col: 0, rows }, note))
}

/// Comma, unless the first lines have tabs or semicolons and no commas.
fn sniff_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(10).collect::<Vec<_>>().join("\n");
    let count = |c: char| head.matches(c).count();
    let (commas, tabs, semis) = (count(',') + count('，'), count('\t'), count(';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas && semis > tabs {
        b';'
    } else {
        b','
    }
}

/// An Excel column letter: 0 → A, 26 → AA.
fn column_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// The columns of one sheet, once header and overrides are settled.
struct Columns {
    /// Each column's header as written (or its letter when blank).
    headers: Vec<String>,
    /// field → column.
    fields: BTreeMap<String, usize>,
}

impl Columns {
    fn get(&self, field: &str) -> Option<usize> {
        self.fields.get(field).copied()
    }
}

/// Where the header is: the first of the first 50 rows with two known names.
fn find_header(grid: &Grid) -> Option<usize> {
    grid.rows.iter().take(50).position(|r| {
        let headers: Vec<String> = r.iter().map(Cell::text).collect();
        recognise_columns(&headers).len() >= 2
    })
}

/// The pseudo-field of [`ReadOptions::columns`] that names the header row
/// (the row number Excel shows): `header_row=3`.
pub const HEADER_ROW: &str = "header_row";

/// The pseudo-field of [`ReadOptions::columns`] that keeps a column out of
/// the site's fields (it stays a property under its header): `-=序号`.
pub const NO_FIELD: &str = "-";

/// Where the header is: the row `header_row=N` names; else the first row
/// with two known names; else, when the user named columns, the first row
/// that has every header they named, or the first non-blank row.
fn header_index(grid: &Grid, opts: &ReadOptions) -> Option<usize> {
    let told = opts
        .columns
        .iter()
        .find(|(f, _)| canonical_field(f) == HEADER_ROW)
        .and_then(|(_, n)| n.trim().parse::<usize>().ok());
    if let Some(n) = told {
        return grid.row_numbers.iter().position(|&r| r == n);
    }
    if let Some(h) = find_header(grid) {
        return Some(h);
    }
    let named: Vec<String> = opts
        .columns
        .iter()
        .filter(|(f, _)| canonical_field(f) != HEADER_ROW)
        .map(|(_, h)| normalise_header(h))
        .collect();
    if named.is_empty() {
        return None;
    }
    let has_all = |r: &Vec<Cell>| {
        let row: Vec<String> = r.iter().map(|c| normalise_header(&c.text())).collect();
        named.iter().all(|h| row.contains(h))
    };
    grid.rows
        .iter()
        .take(50)
        .position(has_all)
        .or_else(|| grid.rows.iter().position(|r| r.iter().any(|c| !c.is_empty())))
}

/// The header: its row's index in `grid.rows`, the first data row's index
/// and each column's header as written (a second header row under merged
/// cells folded in).
fn header_of(grid: &Grid, opts: &ReadOptions) -> Option<(usize, usize, Vec<String>)> {
    let header_at = header_index(grid, opts)?;
    let width = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut headers: Vec<String> =
        (0..width).map(|c| grid.rows[header_at].get(c).map(Cell::text).unwrap_or_default()).collect();
    let mut data_from = header_at + 1;
    // A second header row under merged cells (坐标 over 经度 | 纬度).
    if let Some(sub) = grid.rows.get(header_at + 1) {
        let sub_headers: Vec<String> = (0..width).map(|c| sub.get(c).map(Cell::text).unwrap_or_default()).collect();
        let main = recognise_columns(&headers);
        let below = recognise_columns(&sub_headers);
        let all_text = sub.iter().all(|c| matches!(c, Cell::Empty | Cell::Text(_)));
        let new_fields = below
            .iter()
            .any(|(f, c)| !main.iter().any(|(g, _)| g == f) && !main.iter().any(|(_, d)| d == c && f != "coords"));
        if all_text && new_fields {
            for (c, h) in sub_headers.iter().enumerate() {
                if !h.is_empty() {
                    headers[c] = h.clone();
                }
            }
            data_from += 1;
        }
    }
    Some((header_at, data_from, headers))
}

/// A sheet read: the layer, and how its columns were settled.
struct Sheet {
    layer: OpenedLayer,
    cols: Columns,
    header_at: usize,
    data_from: usize,
    headers: Vec<String>,
}

fn read_grid(grid: &Grid, label: &str, stem: &str, opts: &ReadOptions) -> Option<OpenedLayer> {
    read_sheet(grid, label, stem, opts).map(|s| s.layer)
}

fn read_sheet(grid: &Grid, label: &str, stem: &str, opts: &ReadOptions) -> Option<Sheet> {
    let mut detected = Vec::new();
    let (header_at, data_from, mut headers) = header_of(grid, opts)?;
    let as_written = headers.clone();
    let sheet_row = |i: usize| grid.row_numbers.get(i).copied().unwrap_or(i + 1);
    detected.push(Detected {
        what: "columns",
        text: Msg::new(
            format!("header row: row {}", sheet_row(header_at)),
            format!("表头：第 {} 行", sheet_row(header_at)),
        ),
    });
    let cols = settle_columns(&mut headers, grid.first_col, opts, &mut detected);
    let title: String = grid.rows[..header_at]
        .iter()
        .flat_map(|r| r.iter().map(Cell::text))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let default_layer = if cols.get("layer").is_none() {
        [title.as_str(), grid.name.as_str(), stem].into_iter().find_map(|t| layer_in_text(t).map(|l| (l, t)))
    } else {
        None
    };
    if let Some(((layer, _), from)) = &default_layer {
        detected.push(Detected {
            what: "layer",
            text: Msg::new(
                format!("no type column: every row is {} ({}), as \"{from}\" says", layer.name_en(), layer.key()),
                format!("没有类型列：按“{from}”，各行均为{}（{}）", layer.name_zh(), layer.key()),
            ),
        });
    }

    let mut features = Vec::new();
    let mut rows_out = Vec::new();
    let mut problems = Vec::new();
    let mut positions: Vec<Position> = Vec::new();
    let mut degrees_dms = 0usize;
    for i in data_from..grid.rows.len() {
        let row = &grid.rows[i];
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let row_no = sheet_row(i);
        let cell = |field: &str| cols.get(field).and_then(|c| row.get(c)).filter(|c| !c.is_empty());
        let id = cell("id").map(id_text);
        let unplaced = |field: Option<usize>, severity: Severity, detail: Msg| Problem {
            severity,
            file: label.to_string(),
            feature: None,
            feature_id: id.clone(),
            field: field.map(|c| cols.headers[c].clone()),
            code: Code::LedgerRowUnplaced { sheet: grid.is_sheet.then(|| grid.name.clone()), row: row_no, detail },
            location: None,
        };
        match position_of(row, &cols) {
            Ok((pos, dms)) => {
                if dms {
                    degrees_dms += 1;
                }
                let props = properties(row, &cols, default_layer.as_ref().map(|((l, k), _)| (*l, *k)));
                features.push(props);
                positions.push(pos);
                rows_out.push(row_no);
            }
            Err((field, detail)) => {
                let total = row.iter().find(|c| !c.is_empty()).map(Cell::text).is_some_and(|t| is_total_label(&t));
                if total {
                    problems.push(unplaced(
                        None,
                        Severity::Notice,
                        Msg::new("a total row (合计), not a site", "这是合计行，不是项目"),
                    ));
                } else {
                    problems.push(unplaced(field, Severity::Error, detail));
                }
            }
        }
    }

    // One system for the layer: the one every placed row is in, or WGS84
    // (converted here) when they differ.
    let (crs, coords, crs_note) = settle_crs(&positions, &cols, opts.from, degrees_dms);
    let mut dropped = Vec::new();
    let coords: Vec<Option<(f64, f64)>> = coords
        .into_iter()
        .enumerate()
        .map(|(k, c)| match c {
            Ok(xy) => Some(xy),
            Err(detail) => {
                dropped.push((k, detail));
                None
            }
        })
        .collect();
    for (k, detail) in &dropped {
        problems.push(Problem {
            severity: Severity::Error,
            file: label.to_string(),
            feature: None,
            feature_id: features[*k].get("id").and_then(Value::as_str).map(str::to_string),
            field: cols.get("x").or(cols.get("lon")).map(|c| cols.headers[c].clone()),
            code: Code::LedgerRowUnplaced {
                sheet: grid.is_sheet.then(|| grid.name.clone()),
                row: rows_out[*k],
                detail: detail.clone(),
            },
            location: None,
        });
    }
    detected.extend(crs_note);
    problems.sort_by_key(|p| match &p.code {
        Code::LedgerRowUnplaced { row, .. } => *row,
        _ => 0,
    });
    let mut out = Vec::with_capacity(features.len());
    let mut kept_rows = Vec::with_capacity(features.len());
    for ((props, xy), row) in features.into_iter().zip(coords).zip(rows_out) {
        let Some((x, y)) = xy else { continue };
        out.push(serde_json::json!({
            "type": "Feature",
            "properties": Value::Object(props),
            "geometry": {"type": "Point", "coordinates": [x, y]},
        }));
        kept_rows.push(row);
    }
    let collection = serde_json::json!({"type": "FeatureCollection", "name": grid.name, "features": out});
    let layer = OpenedLayer {
        name: grid.name.clone(),
        geojson: serde_json::to_vec(&collection).unwrap_or_default(),
        crs,
        detected,
        problems,
        rows: Some(kept_rows),
    };
    Some(Sheet { layer, cols, header_at, data_from, headers: as_written })
}

/// "合计", "总计", "小计", "total": the label of a sum row.
fn is_total_label(t: &str) -> bool {
    let n = normalise_header(t);
    ["合计", "总计", "小计", "累计", "total", "sum"].iter().any(|w| n.starts_with(w))
}

/// Applies the recognised mapping and the user's overrides, and says what
/// went where. Blank headers become the column's letter.
fn settle_columns(
    headers: &mut [String],
    first_col: usize,
    opts: &ReadOptions,
    detected: &mut Vec<Detected>,
) -> Columns {
    let mut fields: BTreeMap<String, usize> = recognise_columns(headers).into_iter().collect();
    let mut overridden = HashSet::new();
    for (field, header) in &opts.columns {
        let field = canonical_field(field);
        if field == HEADER_ROW {
            continue;
        }
        let want = normalise_header(header);
        let col = headers.iter().position(|h| normalise_header(h) == want).or_else(|| {
            // A column letter (C, AA) when no header is written so.
            let letters = header.trim().to_ascii_uppercase();
            (!letters.is_empty() && letters.len() <= 3 && letters.bytes().all(|b| b.is_ascii_uppercase()))
                .then(|| (0..headers.len()).find(|&c| column_letter(first_col + c) == letters))
                .flatten()
        });
        match col {
            Some(c) if field == NO_FIELD => fields.retain(|_, &mut d| d != c),
            Some(c) => {
                fields.retain(|f, &mut d| d != c && f != &field);
                fields.insert(field.clone(), c);
                overridden.insert(field);
            }
            None => detected.push(Detected {
                what: "columns",
                text: Msg::new(
                    format!("column \"{header}\" given for {field} is not in the sheet"),
                    format!("指定给 {field} 的列“{header}”在表中不存在"),
                ),
            }),
        }
    }
    for (c, h) in headers.iter_mut().enumerate() {
        if h.trim().is_empty() {
            *h = format!("列{}", column_letter(first_col + c));
        }
    }
    let mut by_col: Vec<(&String, &usize)> = fields.iter().collect();
    by_col.sort_by_key(|(_, c)| **c);
    for (field, &c) in by_col {
        let how = if overridden.contains(field) { (" (as told)", "（按指定）") } else { ("", "") };
        detected.push(Detected {
            what: "columns",
            text: Msg::new(
                format!("{} \"{}\" → {field}{}", column_letter(first_col + c), headers[c], how.0),
                format!("{}列“{}” → {field}{}", column_letter(first_col + c), headers[c], how.1),
            ),
        });
    }
    let extra: Vec<&str> =
        (0..headers.len()).filter(|c| !fields.values().any(|d| d == c)).map(|c| headers[c].as_str()).collect();
    if !extra.is_empty() {
        detected.push(Detected {
            what: "columns",
            text: Msg::new(
                format!("kept as properties under their headers: {}", extra.join(", ")),
                format!("以下列按表头名保留为属性：{}", extra.join("、")),
            ),
        });
    }
    Columns { headers: headers.to_vec(), fields }
}

/// A field name as the user may type it: `lng` is `lon`, `easting` is `x`.
fn canonical_field(f: &str) -> String {
    let f = f.trim().to_ascii_lowercase();
    match f.as_str() {
        "lng" | "long" | "longitude" | "经度" => "lon".into(),
        "latitude" | "纬度" => "lat".into(),
        "easting" | "e" => "x".into(),
        "northing" | "n" => "y".into(),
        "coordinates" | "coord" | "坐标" => "coords".into(),
        "leadunit" | "lead unit" => "lead_unit".into(),
        "planyear" | "plan year" => "plan_year".into(),
        "none" | "" | "不导入" => NO_FIELD.into(),
        "headerrow" | "header" | "表头" => HEADER_ROW.into(),
        _ => f,
    }
}

/// A ledger's id: text as written, whole numbers without `.0`.
fn id_text(c: &Cell) -> String {
    c.text()
}

/// Where a row is, as read from its cells.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Position {
    /// Longitude and latitude in degrees.
    Degrees { lon: f64, lat: f64 },
    /// Gauss–Krüger metres; `x_is_northing` tells which column had which.
    Metres { easting: f64, northing: f64, x_is_northing: bool },
    /// Already WGS 84 (a coordinate text the core's parser read).
    Wgs84 { lon: f64, lat: f64 },
}

type RowError = (Option<usize>, Msg);

/// The row's position, and whether it was written in degrees-minutes-seconds.
fn position_of(row: &[Cell], cols: &Columns) -> Result<(Position, bool), RowError> {
    let get = |field: &str| cols.get(field).map(|c| (c, row.get(c).filter(|v| !v.is_empty())));
    let pair = |a: &str, b: &str| -> Option<Result<(f64, f64, bool), RowError>> {
        let (ca, va) = get(a)?;
        let (cb, vb) = get(b)?;
        if va.is_none() && vb.is_none() {
            return None;
        }
        let one = |c: usize, v: Option<&Cell>| -> Result<(f64, bool), RowError> {
            let header = &cols.headers[c];
            let Some(v) = v else {
                return Err((Some(c), Msg::new(format!("{header} is empty"), format!("{header}为空"))));
            };
            coordinate_value(v).ok_or_else(|| {
                let t = v.text();
                (
                    Some(c),
                    Msg::new(
                        format!("{header} \"{t}\" is not a coordinate (a number, or degrees-minutes-seconds)"),
                        format!("{header}“{t}”不是坐标（应为数字或度分秒）"),
                    ),
                )
            })
        };
        Some(one(ca, va).and_then(|(x, dx)| one(cb, vb).map(|(y, dy)| (x, y, dx || dy))))
    };
    if let Some(r) = pair("lon", "lat") {
        let (a, b, dms) = r?;
        return classify(a, b, cols.get("lon")).map(|p| (p, dms));
    }
    if let Some(r) = pair("x", "y") {
        let (a, b, dms) = r?;
        return classify(a, b, cols.get("x")).map(|p| (p, dms));
    }
    if let Some((c, v)) = get("coords")
        && let Some(v) = v
    {
        let t = v.text();
        return match binzhou_core::locate::locate(&t) {
            Ok(p) => Ok((Position::Wgs84 { lon: p.lon, lat: p.lat }, false)),
            Err(e) => Err((
                Some(c),
                Msg::new(
                    format!("{} \"{t}\" cannot be read: {e}", cols.headers[c]),
                    format!("{}“{t}”无法识别：{}", cols.headers[c], e.zh()),
                ),
            )),
        };
    }
    let field = cols.get("lon").or(cols.get("x")).or(cols.get("coords"));
    let detail = if field.is_some() {
        Msg::new("no coordinates in the row", "该行没有坐标")
    } else {
        Msg::new(
            "the sheet has no coordinate columns (经度/纬度, X/Y坐标 or 坐标); name them with --columns",
            "表中没有坐标列（经度/纬度、X/Y坐标 或 坐标），请用 --columns 指定",
        )
    };
    Err((field, detail))
}

/// Degrees or metres, and which is which, by magnitude alone.
fn classify(a: f64, b: f64, first_col: Option<usize>) -> Result<Position, RowError> {
    let is_deg = |v: f64| v.abs() <= 180.0;
    if is_deg(a) && is_deg(b) {
        let (lon, lat) = if a.abs() <= 90.0 && b.abs() > 90.0 { (b, a) } else { (a, b) };
        if lat.abs() > 90.0 {
            return Err((
                first_col,
                Msg::new(
                    format!("{a} and {b} are both beyond 90°: not a longitude and a latitude"),
                    format!("{a} 和 {b} 都超过 90°，不是经纬度"),
                ),
            ));
        }
        return Ok(Position::Degrees { lon, lat });
    }
    let northing = |v: f64| (1_000_000.0..10_000_000.0).contains(&v);
    let easting = |v: f64| (100_000.0..1_000_000.0).contains(&v) || (39_000_000.0..41_000_000.0).contains(&v);
    if northing(a) && easting(b) {
        return Ok(Position::Metres { easting: b, northing: a, x_is_northing: true });
    }
    if easting(a) && northing(b) {
        return Ok(Position::Metres { easting: a, northing: b, x_is_northing: false });
    }
    Err((
        first_col,
        Msg::new(
            format!(
                "({a}, {b}) is neither longitude/latitude nor CGCS2000 Gauss-Kruger metres \
                 (a northing of 7 digits with an easting of 6, or of 8 with the zone 39/40 in front)"
            ),
            format!(
                "({a}, {b}) 既不是经纬度，也不是 CGCS2000 高斯-克吕格米制坐标（7 位北坐标配 6 位东坐标，或带 39/40 带号的 8 位东坐标）"
            ),
        ),
    ))
}

/// A coordinate cell as a number: decimal (degrees or metres), or
/// degrees-minutes-seconds text (`118°0′44.3″`, `118度0分44.3秒`,
/// `118:00:44.3`, with or without E/N or 东经/北纬). A cell Excel turned into
/// a duration (`118:00:44.3` typed in) is read back as the degrees it was.
/// Also says whether the value was written in degrees-minutes-seconds.
fn coordinate_value(c: &Cell) -> Option<(f64, bool)> {
    match c {
        Cell::Number(n) => n.is_finite().then_some((*n, false)),
        Cell::Excel(d) => {
            let v = d.as_f64() * 24.0;
            (0.0..=180.0).contains(&v).then_some((v, true))
        }
        Cell::Text(t) => {
            let dms = t.contains(['°', '度', ':', '′', '\'']) && t.trim().trim_end_matches('°').parse::<f64>().is_err();
            parse_angle(t).map(|v| (v, dms))
        }
        Cell::Empty | Cell::Bool(_) => None,
    }
}

/// A number or an angle in degrees-minutes-seconds, as people write them.
fn parse_angle(text: &str) -> Option<f64> {
    let mut s: String = full_to_half(text.trim())
        .chars()
        .map(|c| match c {
            '′' | '’' | '‘' | '´' => '\'',
            '″' | '”' | '“' => '"',
            'º' | '˚' => '°',
            '．' => '.',
            c => c,
        })
        .collect();
    s = s.replace("''", "\"");
    let mut sign = 1.0;
    for (word, neg) in
        [("东经", false), ("北纬", false), ("西经", true), ("南纬", true), ("经度", false), ("纬度", false)]
    {
        if let Some(rest) = s.strip_prefix(word) {
            s = rest.trim_start_matches([':', ' ']).to_string();
            if neg {
                sign = -1.0;
            }
        }
    }
    let t = s.trim();
    let t = if let Some(rest) = t.strip_prefix(['E', 'N', 'e', 'n']) {
        rest
    } else if let Some(rest) = t.strip_prefix(['W', 'S', 'w', 's']) {
        sign = -1.0;
        rest
    } else if let Some(rest) = t.strip_suffix(['E', 'N', 'e', 'n']) {
        rest
    } else if let Some(rest) = t.strip_suffix(['W', 'S', 'w', 's']) {
        sign = -1.0;
        rest
    } else {
        t
    };
    let t = t.trim();
    // Thousands separators: 4,139,237.5.
    let plain: Cow<str> = if is_grouped_number(t) { Cow::Owned(t.replace(',', "")) } else { Cow::Borrowed(t) };
    if let Ok(v) = plain.trim_end_matches('°').trim().parse::<f64>() {
        return v.is_finite().then_some(sign * v);
    }
    let (t, neg) = match t.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    let parts: Vec<&str> =
        t.split(['°', '度', '\'', '分', '"', '秒', ':', ' ']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let nums: Vec<f64> =
        parts.iter().map(|p| p.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)).collect::<Option<_>>()?;
    if nums.iter().skip(1).any(|v| *v >= 60.0) {
        return None;
    }
    let v = nums[0] + nums.get(1).map_or(0.0, |m| m / 60.0) + nums.get(2).map_or(0.0, |s| s / 3600.0);
    Some(if neg { -sign * v } else { sign * v })
}

fn is_grouped_number(t: &str) -> bool {
    let int = t.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3)
        && t.split('.').nth(1).is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
}

type Settled = (Option<Crs>, Vec<Result<(f64, f64), Msg>>, Vec<Detected>);

/// The layer's coordinate system and each row's output coordinates.
fn settle_crs(positions: &[Position], cols: &Columns, forced: Option<Crs>, dms: usize) -> Settled {
    let mut notes = Vec::new();
    let header = |f: &str| cols.get(f).map(|c| cols.headers[c].clone()).unwrap_or_else(|| f.to_string());
    let (mut deg, mut metres, mut text) = (0usize, 0usize, 0usize);
    let (mut x_north, mut x_east) = (0usize, 0usize);
    let mut prefixes: HashSet<Crs> = HashSet::new();
    let mut plain: Vec<f64> = Vec::new();
    for p in positions {
        match p {
            Position::Degrees { .. } => deg += 1,
            Position::Wgs84 { .. } => text += 1,
            Position::Metres { easting, x_is_northing, .. } => {
                metres += 1;
                if *x_is_northing {
                    x_north += 1;
                } else {
                    x_east += 1;
                }
                if *easting >= 40_000_000.0 {
                    prefixes.insert(Crs::Cgcs2000GkZone40);
                } else if *easting >= 39_000_000.0 {
                    prefixes.insert(Crs::Cgcs2000GkZone39);
                } else {
                    plain.push(*easting);
                }
            }
        }
    }
    // 6-digit eastings carry no zone: Binzhou lies east of 117°E, so its
    // eastings are above 500 km in zone 39 (CM 117°E) and below 400 km in
    // zone 40 (CM 120°E).
    let plain_crs = if !plain.is_empty() && plain.iter().all(|&e| e < 420_000.0) {
        Crs::Cgcs2000GkCm120
    } else {
        Crs::Cgcs2000GkCm117
    };
    let gk_of = |e: f64| {
        if e >= 40_000_000.0 {
            Crs::Cgcs2000GkZone40
        } else if e >= 39_000_000.0 {
            Crs::Cgcs2000GkZone39
        } else {
            plain_crs
        }
    };
    let systems = usize::from(deg > 0) + usize::from(text > 0) + prefixes.len() + usize::from(!plain.is_empty());
    if let Some(c) = forced {
        notes.push(Detected {
            what: "crs",
            text: Msg::new(format!("coordinates read as {c}, as told"), format!("坐标按指定读作 {c}")),
        });
        let coords = positions
            .iter()
            .map(|p| match *p {
                Position::Degrees { lon, lat } => Ok((lon, lat)),
                Position::Metres { easting, northing, .. } => Ok((easting, northing)),
                Position::Wgs84 { lon, lat, .. } => crs::from_wgs84(c, lon, lat).map_err(|e| e.msg()),
            })
            .collect();
        return (Some(c), coords, notes);
    }
    if metres > 0 {
        let gk = if prefixes.len() == 1 && plain.is_empty() {
            prefixes.iter().next().copied().unwrap_or(plain_crs)
        } else {
            plain_crs
        };
        let (hx, hy) =
            if cols.get("x").is_some() { (header("x"), header("y")) } else { (header("lon"), header("lat")) };
        let order = match (x_north, x_east) {
            (n, 0) if n > 0 => Msg::new(
                format!(
                    "{hx} holds the northings and {hy} the eastings (surveyors' X is the northing; decided by magnitude)"
                ),
                format!("{hx} 为北坐标（纵坐标）、{hy} 为东坐标（横坐标）（测量习惯 X 为北；按数值大小判断）"),
            ),
            (0, _) => Msg::new(
                format!("{hx} holds the eastings and {hy} the northings (decided by magnitude)"),
                format!("{hx} 为东坐标、{hy} 为北坐标（按数值大小判断）"),
            ),
            (n, e) => Msg::new(
                format!("{n} rows have the northing in {hx}, {e} in {hy}; each row decided by magnitude"),
                format!("{n} 行的北坐标在 {hx}，{e} 行在 {hy}；逐行按数值大小判断"),
            ),
        };
        notes.push(Detected { what: "crs", text: order });
        if systems == 1 {
            notes.push(Detected {
                what: "crs",
                text: Msg::new(
                    format!("{metres} rows in Gauss-Kruger metres: {}", gk.label()),
                    format!("{metres} 行为高斯-克吕格米制坐标：{}", gk.label()),
                ),
            });
            let coords = positions
                .iter()
                .map(|p| match *p {
                    Position::Metres { easting, northing, .. } => {
                        crs::to_wgs84(gk, easting, northing).map(|_| (easting, northing)).map_err(|e| e.msg())
                    }
                    _ => Err(Msg::new("not metres", "不是米制坐标")),
                })
                .collect();
            return (Some(gk), coords, notes);
        }
    }
    if deg == 0 && metres == 0 {
        notes.push(Detected {
            what: "crs",
            text: Msg::new(
                format!("{text} rows with both coordinates in one cell, read as WGS84 (GCJ-02 when marked gcj02)"),
                format!("{text} 行的坐标写在同一格中，按 WGS84 读取（注明 gcj02 的按 GCJ-02 换算）"),
            ),
        });
        let coords = positions
            .iter()
            .map(|p| match *p {
                Position::Wgs84 { lon, lat } => Ok((lon, lat)),
                _ => Err(Msg::new("not a coordinate text", "不是坐标文本")),
            })
            .collect();
        return (None, coords, notes);
    }
    if systems <= 1 && text == 0 {
        let how = if dms > 0 {
            Msg::new(
                format!("{deg} rows in degrees (WGS84/CGCS2000), {dms} of them written as degrees-minutes-seconds"),
                format!("{deg} 行为经纬度（WGS84/CGCS2000），其中 {dms} 行为度分秒"),
            )
        } else {
            Msg::new(
                format!("{deg} rows in decimal degrees (WGS84/CGCS2000)"),
                format!("{deg} 行为十进制经纬度（WGS84/CGCS2000）"),
            )
        };
        notes.push(Detected { what: "crs", text: how });
        let coords = positions
            .iter()
            .map(|p| match *p {
                Position::Degrees { lon, lat } => Ok((lon, lat)),
                _ => Err(Msg::new("not degrees", "不是经纬度")),
            })
            .collect();
        return (None, coords, notes);
    }
    // Several systems (or coordinate texts): converted to WGS84 here.
    notes.push(Detected {
        what: "crs",
        text: Msg::new(
            format!(
                "rows in several coordinate systems ({deg} in degrees, {metres} in metres, {text} as coordinate text): \
                 all converted to WGS84"
            ),
            format!("各行坐标系不一（经纬度 {deg} 行，米制 {metres} 行，坐标文本 {text} 行），已全部转换为 WGS84"),
        ),
    });
    let coords = positions
        .iter()
        .map(|p| match *p {
            Position::Degrees { lon, lat } => Ok((lon, lat)),
            Position::Wgs84 { lon, lat, .. } => Ok((lon, lat)),
            Position::Metres { easting, northing, .. } => {
                crs::to_wgs84(gk_of(easting), easting, northing).map_err(|e| e.msg())
            }
        })
        .collect();
    (None, coords, notes)
}

/// The plan layer (and kind) a type name stands for: 口袋公园 → pocket_park.
fn layer_in_text(t: &str) -> Option<(PlanLayer, Option<&'static str>)> {
    let n = normalise_header(t);
    if let Some(l) = PlanLayer::from_key(&n) {
        return Some((l, None));
    }
    let table: &[(&str, PlanLayer, Option<&str>)] = &[
        ("断头桥", PlanLayer::DeadEndRoad, Some("bridge")),
        ("断头路", PlanLayer::DeadEndRoad, Some("road")),
        ("打通", PlanLayer::DeadEndRoad, Some("road")),
        ("deadend", PlanLayer::DeadEndRoad, None),
        ("口袋公园", PlanLayer::PocketPark, Some("pocket_park")),
        ("节点绿地", PlanLayer::PocketPark, Some("node_green")),
        ("pocketpark", PlanLayer::PocketPark, Some("pocket_park")),
        ("绿道", PlanLayer::Greenway, Some("greenway")),
        ("greenway", PlanLayer::Greenway, Some("greenway")),
        ("架空线整治", PlanLayer::OverheadLineZone, Some("tidy")),
        ("架空线", PlanLayer::OverheadLineZone, Some("underground")),
        ("overhead", PlanLayer::OverheadLineZone, None),
        ("城中村", PlanLayer::UrbanVillage, Some("urban_village")),
        ("urbanvillage", PlanLayer::UrbanVillage, Some("urban_village")),
    ];
    table.iter().find(|(w, _, _)| n.contains(w)).map(|(_, l, k)| (*l, *k))
}

/// A row's properties: the known fields in the model's order, then every
/// other column under its header.
fn properties(row: &[Cell], cols: &Columns, default_layer: Option<(PlanLayer, Option<&str>)>) -> Map<String, Value> {
    let mut m = Map::new();
    let cell = |field: &str| cols.get(field).and_then(|c| row.get(c)).filter(|c| !c.is_empty());
    if let Some(c) = cell("id") {
        m.insert("id".into(), Value::String(id_text(c)));
    }
    if let Some(c) = cell("name") {
        m.insert("name".into(), Value::String(c.text()));
    }
    let layer = match cell("layer") {
        Some(c) => {
            let t = c.text();
            match layer_in_text(&t) {
                Some((l, k)) => Some((l.key().to_string(), k)),
                None => Some((t, None)),
            }
        }
        None => default_layer.map(|(l, k)| (l.key().to_string(), k)),
    };
    let mut kind = cell("kind").map(Cell::text);
    if let Some((l, k)) = layer {
        m.insert("layer".into(), Value::String(l));
        if kind.is_none() {
            kind = k.map(str::to_string);
        }
    }
    if let Some(k) = kind {
        m.insert("kind".into(), Value::String(k));
    }
    if let Some(c) = cell("task") {
        let t = c.text();
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let v = match digits.parse::<i64>() {
            Ok(n)
                if !digits.is_empty()
                    && t.trim_start_matches(['任', '务', '第']).trim_end_matches('项').trim() == digits =>
            {
                Value::from(n)
            }
            _ => Value::String(t),
        };
        m.insert("task".into(), v);
    }
    if let Some(c) = cell("lead_unit") {
        m.insert("lead_unit".into(), Value::String(c.text()));
    }
    if let Some(c) = cell("district") {
        m.insert("district".into(), Value::String(district(&c.text())));
    }
    if let Some(c) = cell("scope") {
        let t = c.text();
        let n = normalise_header(&t);
        let v = if n.contains("主城") || n == "maincity" {
            "main_city".to_string()
        } else if n.contains('县') || n == "county" {
            "county".to_string()
        } else {
            t
        };
        m.insert("scope".into(), Value::String(v));
    }
    if let Some(c) = cell("plan_year") {
        m.insert("plan_year".into(), plan_year(c));
    }
    for f in ["started", "completed"] {
        if let Some(c) = cell(f) {
            m.insert(f.into(), Value::String(date(c)));
        }
    }
    let used: HashSet<usize> = cols.fields.values().copied().collect();
    for (c, v) in row.iter().enumerate() {
        if used.contains(&c) || v.is_empty() {
            continue;
        }
        let base = cols.headers.get(c).cloned().unwrap_or_else(|| format!("列{}", column_letter(c)));
        let mut key = base.clone();
        let mut n = 2;
        while m.contains_key(&key) {
            key = format!("{base} ({n})");
            n += 1;
        }
        m.insert(key, extra_value(v));
    }
    m
}

/// Short district names as the model writes them: 滨城 → 滨城区, 经开区 →
/// 滨州经济技术开发区; others as written.
fn district(t: &str) -> String {
    let t = t.trim();
    if names::district(t).is_some() {
        return t.to_string();
    }
    for suffix in ["区", "县", "市"] {
        let full = format!("{t}{suffix}");
        if names::district(&full).is_some() {
            return full;
        }
    }
    match t {
        "经开区" | "滨州经开区" | "经济技术开发区" | "开发区" => "滨州经济技术开发区".into(),
        "高新区" | "滨州高新区" => "滨州高新技术产业开发区".into(),
        "北海新区" | "北海经开区" | "北海开发区" => "北海经济开发区".into(),
        _ => t.to_string(),
    }
}

/// A plan year as a number (`2021`, `2021年`, `2021年底`); other text as
/// written, for the loader to report.
fn plan_year(c: &Cell) -> Value {
    match c {
        Cell::Number(n) if n.fract() == 0.0 => Value::from(*n as i64),
        Cell::Excel(d) if !d.is_duration() => {
            let (y, ..) = d.to_ymd_hms_milli();
            Value::from(i64::from(y))
        }
        _ => {
            let t = c.text();
            let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
            let rest = t[digits.len()..].trim();
            if digits.len() == 4 && ["", "年", "年度", "年底", "年末", "年内"].contains(&rest) {
                digits.parse::<i64>().map(Value::from).unwrap_or(Value::String(t))
            } else {
                Value::String(t)
            }
        }
    }
}

/// A date as the model writes it (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): Excel
/// dates and serial numbers, `2021-10`, `2021年10月`, `2021.10`,
/// `2021/10/15`, `2021-10-15 08:00`. Text that is none of these is passed on
/// as written, for the loader to report.
fn date(c: &Cell) -> String {
    match c {
        Cell::Excel(d) => excel_date(d).unwrap_or_else(|| c.text()),
        Cell::Number(n) => {
            let n = *n;
            if n.fract() == 0.0 && (1900.0..=2100.0).contains(&n) {
                format!("{}", n as i64)
            } else if (1900.0..2101.0).contains(&n) {
                // 2021.1 typed into Excel: the text it shows.
                date_text(&n.to_string())
            } else if (20_000.0..80_000.0).contains(&n) {
                excel_date(&ExcelDateTime::new(n, ExcelDateTimeType::DateTime, false)).unwrap_or_else(|| c.text())
            } else {
                c.text()
            }
        }
        _ => date_text(&c.text()),
    }
}

fn date_text(t: &str) -> String {
    let s = full_to_half(t.trim()).into_owned();
    // The date part of a date-time: "2021-10-15 08:00:00", "2021-10-15T08:00".
    let s = s.split(['T', ' ']).next().unwrap_or("").to_string();
    let s = s.replace(['年', '月'], "-").replace(['日', '号'], "");
    let parts: Vec<&str> = s.split(['-', '/', '.']).filter(|p| !p.is_empty()).collect();
    let ok = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
    let text = match parts.as_slice() {
        [y] if y.len() == 8 && ok(y, 8) => format!("{}-{}-{}", &y[..4], &y[4..6], &y[6..]),
        [y] if y.len() == 6 && ok(y, 6) => format!("{}-{}", &y[..4], &y[4..]),
        [y] if y.len() == 4 && ok(y, 4) => y.to_string(),
        [y, m] if y.len() == 4 && ok(y, 4) && ok(m, 2) => format!("{y}-{m:0>2}"),
        [y, m, d] if y.len() == 4 && ok(y, 4) && ok(m, 2) && ok(d, 2) => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => return t.trim().to_string(),
    };
    if text.parse::<binzhou_core::model::PlanDate>().is_ok() { text } else { t.trim().to_string() }
}

/// An extra column's value: numbers as numbers (also numeric text from CSV,
/// unless it has leading zeros), dates as `YYYY-MM-DD`, text as written.
fn extra_value(c: &Cell) -> Value {
    let num = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null)
        }
    };
    match c {
        Cell::Empty => Value::Null,
        Cell::Number(n) => num(*n),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Excel(d) => excel_date(d).map(Value::String).unwrap_or_else(|| num(d.as_f64())),
        Cell::Text(t) => {
            let t = t.trim();
            let digits = t.trim_start_matches('-');
            let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
            match t.parse::<f64>() {
                Ok(n) if n.is_finite() && !leading_zero && !t.starts_with('+') && !t.contains(['e', 'E']) => num(n),
                _ => Value::String(t.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `fuzz/run.sh` (target `ledger_xlsx`): a cell reference of
    /// many letters overflows calamine's column arithmetic, which panics in a
    /// build with overflow checks (this test's).
    #[test]
    fn a_workbook_whose_cell_reference_overflows_is_an_error_of_that_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/fuzz/ledger_xlsx/cell_reference_overflow.xlsx");
        let err = read(&path, &ReadOptions::default()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("cell_reference_overflow.xlsx"), "an error naming the file: {err:?}");
        assert!(preview(&path, &ReadOptions::default()).is_err());
    }

    #[test]
    fn angles_are_read_as_people_write_them() {
        let want = 118.0 + 44.3 / 3600.0;
        for t in
            ["118°0′44.3″", "118度0分44.3秒", "118:00:44.3", "118°0'44.3\"E", "东经118度0分44.3秒", "118° 0' 44.3''"]
        {
            let v = parse_angle(t).unwrap_or_else(|| panic!("{t}"));
            assert!((v - want).abs() < 1e-9, "{t} → {v}");
        }
        assert_eq!(parse_angle("37.3821"), Some(37.3821));
        assert_eq!(parse_angle("４１３９２３７．５"), Some(4_139_237.5));
        assert_eq!(parse_angle("4,139,237.5"), Some(4_139_237.5));
        assert_eq!(parse_angle("-0.5"), Some(-0.5));
        for bad in ["", "abc", "118°75′", "1:2:3:4", "#REF!"] {
            assert_eq!(parse_angle(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_written_as_the_model_reads_them() {
        for (t, want) in [
            ("2021-10", "2021-10"),
            ("2021年10月", "2021-10"),
            ("2021年10月5日", "2021-10-05"),
            ("2021.10", "2021-10"),
            ("2021/10/15", "2021-10-15"),
            ("2021-10-15 08:30:00", "2021-10-15"),
            ("2021", "2021"),
            ("202110", "2021-10"),
            ("年底", "年底"),
            ("2021-13", "2021-13"),
        ] {
            assert_eq!(date(&Cell::Text(t.into())), want, "{t}");
        }
        assert_eq!(date(&Cell::Number(44484.0)), "2021-10-15");
        assert_eq!(date(&Cell::Number(2022.0)), "2022");
        assert_eq!(date(&Cell::Number(2021.1)), "2021-01");
    }

    #[test]
    fn headers_are_recognised_whatever_their_brackets_width_and_case() {
        for (h, f) in [
            ("项目名称", "name"),
            (" 经度（°） ", "lon"),
            ("Ｘ坐标(m)", "x"),
            ("Lead Unit", "lead_unit"),
            ("plan_year", "plan_year"),
            ("计划完成年度", "plan_year"),
            ("竣工时间", "completed"),
            ("LAT", "lat"),
        ] {
            assert_eq!(field_of(h).map(|p| p.0), Some(f), "{h}");
        }
        assert_eq!(field_of("投资（万元）"), None);
    }

    #[test]
    fn a_numbered_ledger_uses_the_row_number_only_without_an_id_column() {
        let h: Vec<String> = ["序号", "编号", "名称", "项目名称"].map(String::from).to_vec();
        let cols = recognise_columns(&h);
        assert_eq!(cols, [("id".to_string(), 1), ("name".to_string(), 3)]);
    }

    #[test]
    fn type_names_map_to_plan_layers_and_kinds() {
        assert_eq!(layer_in_text("口袋公园"), Some((PlanLayer::PocketPark, Some("pocket_park"))));
        assert_eq!(layer_in_text("断头桥"), Some((PlanLayer::DeadEndRoad, Some("bridge"))));
        assert_eq!(layer_in_text("滨州市2021年口袋公园建设台账"), Some((PlanLayer::PocketPark, Some("pocket_park"))));
        assert_eq!(layer_in_text("greenway"), Some((PlanLayer::Greenway, None)));
        assert_eq!(layer_in_text("停车场"), None);
    }

    fn columns(headers: &[&str]) -> Columns {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let fields = recognise_columns(&headers).into_iter().collect();
        Columns { headers, fields }
    }

    #[test]
    fn six_digit_eastings_west_of_the_zone_39_range_are_zone_40() {
        let cols = columns(&["X", "Y"]);
        // Binzhou in zone 40 (CM 120°E): eastings of about 230-360 km.
        let p = [Position::Metres { easting: 330_000.0, northing: 4_140_000.0, x_is_northing: true }];
        let (crs, coords, _) = settle_crs(&p, &cols, None, 0);
        assert_eq!(crs, Some(Crs::Cgcs2000GkCm120));
        assert_eq!(coords[0], Ok((330_000.0, 4_140_000.0)));
        let p = [Position::Metres { easting: 585_998.0, northing: 4_139_237.0, x_is_northing: true }];
        assert_eq!(settle_crs(&p, &cols, None, 0).0, Some(Crs::Cgcs2000GkCm117));
    }

    #[test]
    fn swapped_longitude_and_latitude_columns_are_put_right_by_magnitude() {
        assert_eq!(classify(37.38, 118.01, None), Ok(Position::Degrees { lon: 118.01, lat: 37.38 }));
        assert!(classify(118.0, 137.0, None).is_err());
        assert!(classify(13_132_000.0, 4_492_000.0, None).is_err(), "Web Mercator is neither");
    }

    #[test]
    fn rows_in_degrees_and_in_metres_are_all_converted_to_wgs84() {
        let cols = columns(&["X", "Y"]);
        let p = [
            Position::Degrees { lon: 118.0, lat: 37.4 },
            Position::Metres { easting: 39_585_998.0, northing: 4_139_237.0, x_is_northing: true },
        ];
        let (crs, coords, notes) = settle_crs(&p, &cols, None, 0);
        assert_eq!(crs, None);
        let (lon, lat) = crs::to_wgs84(Crs::Cgcs2000GkZone39, 39_585_998.0, 4_139_237.0).unwrap();
        assert_eq!(coords[1], Ok((lon, lat)));
        assert!(notes.iter().any(|n| n.text.en.contains("all converted to WGS84")));
    }

    #[test]
    fn a_dms_value_excel_took_for_a_duration_is_read_back_as_degrees() {
        let want = 118.0 + 44.3 / 3600.0;
        let cell = Cell::Excel(ExcelDateTime::new(want / 24.0, ExcelDateTimeType::TimeDelta, false));
        let (v, dms) = coordinate_value(&cell).unwrap();
        assert!((v - want).abs() < 1e-9 && dms);
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
