//! The ledger strings: the column-mapping dialog shown when a project
//! ledger (项目台账, `.csv`/`.xlsx`/`.xls`) is opened.

use super::Lang;

/// The fixed strings of the ledger dialog, one table per language.
#[derive(Debug)]
pub struct LedgerText {
    pub title: &'static str,
    pub reading: &'static str,
    pub no_field: &'static str,
    pub column: &'static str,
    pub header: &'static str,
    pub read_as: &'static str,
    pub import_sheet: &'static str,
    pub header_row: &'static str,
    pub header_found: &'static str,
    pub header_not_found: &'static str,
    pub checking: &'static str,
    pub coordinates_heading: &'static str,
    pub no_coordinates: &'static str,
    pub xy_hint: &'static str,
    pub blank_header: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    pub reset: &'static str,
    pub reset_hint: &'static str,
    pub cancel: &'static str,
    pub nothing_chosen: &'static str,
}

pub static ZH: LedgerText = LedgerText {
    title: "台账列对应",
    reading: "正在读取表头和示例行…",
    no_field: "不导入/保留为属性",
    column: "列",
    header: "表头",
    read_as: "读作",
    import_sheet: "导入此工作表",
    header_row: "表头所在行：",
    header_found: "（自动识别）",
    header_not_found: "未找到表头行（没有一行含两个可识别的列名）：请指定表头所在行，并为各列选择对应。",
    checking: "正在检查…",
    coordinates_heading: "坐标读作：",
    no_coordinates: "尚未找到坐标列：请为经度/纬度、X/Y 坐标或“坐标”列选择对应，否则各行都无法定位。",
    xy_hint: "X/Y 坐标中哪一列是北坐标，按数值大小判断（7 位为北坐标）。",
    blank_header: "（空）",
    import: "导入",
    import_hint: "按上面的列对应读取台账并加入地图；无法定位的行列在问题列表中",
    reset: "恢复识别结果",
    reset_hint: "放弃修改，恢复按列名自动识别的对应",
    cancel: "取消",
    nothing_chosen: "未选择要导入的工作表。",
};

pub static EN: LedgerText = LedgerText {
    title: "Ledger columns",
    reading: "Reading the headers and sample rows…",
    no_field: "Not a field (kept as property)",
    column: "Column",
    header: "Header",
    read_as: "Read as",
    import_sheet: "Import this sheet",
    header_row: "Header row:",
    header_found: "(found)",
    header_not_found: "No header row found (no row has two known column names): give the header's row and choose what each column is.",
    checking: "Checking…",
    coordinates_heading: "Coordinates read as:",
    no_coordinates: "No coordinate columns yet: choose longitude/latitude, X/Y or a coordinates column, or no row can be placed.",
    xy_hint: "Which of X/Y is the northing is decided by magnitude (7 digits is the northing).",
    blank_header: "(blank)",
    import: "Import",
    import_hint: "Read the ledger with the mapping above and add it to the map; rows that cannot be placed are listed as problems",
    reset: "Recognised mapping",
    reset_hint: "Drop the changes and go back to the mapping recognised from the headers",
    cancel: "Cancel",
    nothing_chosen: "No sheet chosen to import.",
};

impl Lang {
    /// The fixed strings of the ledger dialog.
    pub fn ledger(self) -> &'static LedgerText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// What a ledger column can be read as, by field name
    /// (`binzhou_formats::ledger::FIELDS`); unknown fields as written.
    pub fn ledger_field(self, field: &str) -> String {
        let (zh, en) = match field {
            "id" => ("编号", "ID"),
            "name" => ("名称", "Name"),
            "district" => ("区县", "District"),
            "lead_unit" => ("牵头单位", "Lead unit"),
            "plan_year" => ("计划完成年度", "Planned year"),
            "started" => ("开工时间", "Started"),
            "completed" => ("完工时间", "Completed"),
            "layer" => ("图层/类型", "Layer/type"),
            "kind" => ("细类", "Kind"),
            "task" => ("任务", "Task"),
            "scope" => ("统计范围", "Scope"),
            "lon" => ("经度", "Longitude"),
            "lat" => ("纬度", "Latitude"),
            "x" => ("X坐标（北）", "X (northing)"),
            "y" => ("Y坐标（东）", "Y (easting)"),
            "coords" => ("坐标（经纬度同一格）", "Coordinates (one cell)"),
            other => return other.to_string(),
        };
        match self {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }

    /// The window's heading: which file.
    pub fn ledger_file(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("文件：{name}"),
            Lang::En => format!("File: {name}"),
        }
    }

    /// A sheet's heading.
    pub fn ledger_sheet(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("工作表：{name}"),
            Lang::En => format!("Sheet: {name}"),
        }
    }

    /// A sample row's label: the row number Excel shows.
    pub fn ledger_row(self, row: usize) -> String {
        match self {
            Lang::Zh => format!("第 {row} 行"),
            Lang::En => format!("Row {row}"),
        }
    }

    /// How many rows would be placed, and how many not.
    pub fn ledger_rows(self, placed: usize, unplaced: usize) -> String {
        match (self, unplaced) {
            (Lang::Zh, 0) => format!("可定位 {placed} 行"),
            (Lang::Zh, n) => format!("可定位 {placed} 行，{n} 行无法定位（导入后列在问题列表中，注明行号）"),
            (Lang::En, 0) => format!("{placed} rows can be placed"),
            (Lang::En, n) => {
                format!("{placed} rows can be placed, {n} cannot (listed as problems with their row numbers)")
            }
        }
    }

    /// A column's hover text: what the headers said it was.
    pub fn ledger_recognised(self, field: Option<&str>) -> String {
        match (self, field) {
            (Lang::Zh, Some(f)) => format!("按列名识别为：{}", self.ledger_field(f)),
            (Lang::Zh, None) => "列名未识别".to_string(),
            (Lang::En, Some(f)) => format!("Recognised from the header as: {}", self.ledger_field(f)),
            (Lang::En, None) => "Header not recognised".to_string(),
        }
    }

    /// The ledger could not be read.
    pub fn ledger_unreadable(self, detail: &str) -> String {
        match self {
            Lang::Zh => format!("无法读取：{detail}"),
            Lang::En => format!("Cannot read it: {detail}"),
        }
    }
}
