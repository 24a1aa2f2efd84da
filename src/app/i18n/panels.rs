//! Strings with values in them of the panels: the GNSS status line, the
//! status bar, the attribute table, the audit and the dashboard.

use binzhou_core::audit::AuditKind;
use binzhou_core::gnss::nmea::FixQuality;
use binzhou_core::model::{PlanLayer, Scope, YearView};

use super::Lang;

impl Lang {
    // The status bar.

    /// A distance, e.g. for the scale bar: `500 米` / `2 km`.
    pub fn distance(self, m: f64) -> String {
        match (self, m >= 1000.0) {
            (Lang::Zh, true) => format!("{} 公里", m / 1000.0),
            (Lang::Zh, false) => format!("{m} 米"),
            (Lang::En, true) => format!("{} km", m / 1000.0),
            (Lang::En, false) => format!("{m} m"),
        }
    }

    // GNSS.

    /// Why reading a GNSS source could not start.
    pub fn gnss_cannot_start(self, source: &str, e: &str) -> String {
        match self {
            Lang::Zh => format!("GNSS：无法开始读取 {source}：{e}"),
            Lang::En => format!("GNSS: cannot start reading {source}: {e}"),
        }
    }

    /// No fix yet, with the satellites in view.
    pub fn gnss_no_fix_satellites(self, n: u8) -> String {
        match self {
            Lang::Zh => format!("GNSS：尚未定位（{n} 颗卫星）"),
            Lang::En => format!("GNSS: no fix yet ({n} satellites)"),
        }
    }

    /// The start of the status line with a fix: its kind.
    pub fn gnss_fix(self, quality: FixQuality) -> String {
        match self {
            Lang::Zh => format!("GNSS：{}", quality.name_zh()),
            Lang::En => format!("GNSS: {}", quality.name_en()),
        }
    }

    /// ` · 9 颗卫星` / ` · 9 satellites`.
    pub fn gnss_satellites(self, n: u8) -> String {
        match self {
            Lang::Zh => format!(" · {n} 颗卫星"),
            Lang::En => format!(" · {n} satellites"),
        }
    }

    /// The accuracy, already rounded: ` · 精度约 ±3 米` / ` · about ±3 m`.
    pub fn gnss_accuracy(self, metres: &str) -> String {
        match self {
            Lang::Zh => format!(" · 精度约 ±{metres} 米"),
            Lang::En => format!(" · about ±{metres} m"),
        }
    }

    /// The site the position is in (or on).
    pub fn gnss_at_site(self, name: &str) -> String {
        match self {
            Lang::Zh => format!(" · 所在：{name}"),
            Lang::En => format!(" · at: {name}"),
        }
    }

    /// The nearest site and how far it is, in metres.
    pub fn gnss_nearest_site(self, name: &str, metres: f64) -> String {
        let d = self.distance(metres);
        match self {
            Lang::Zh => format!(" · 最近：{name} {d}"),
            Lang::En => format!(" · nearest: {name} {d}"),
        }
    }

    /// How many lines of the receiver could not be read.
    pub fn gnss_bad_lines(self, n: usize) -> String {
        match self {
            Lang::Zh => format!(" · {n} 行无法识别"),
            Lang::En => format!(" · {n} unreadable lines"),
        }
    }

    // The attribute table.

    /// Over the table when a panel's selection is listed alone.
    pub fn table_listing_selected(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("仅列出所选的 {n} 个项目"),
            Lang::En => format!("Listing the {n} selected sites only"),
        }
    }

    /// How many rows are listed, at which year: `12 行 · 2021年末`.
    pub fn table_rows(self, n: usize, view: YearView) -> String {
        let view = self.view_label(view);
        match self {
            Lang::Zh => format!("{n} 行 · {view}"),
            Lang::En => format!("{n} rows · {view}"),
        }
    }

    // The plan-consistency audit.

    /// An audit finding's kind.
    pub fn audit_kind(self, kind: AuditKind) -> &'static str {
        match self {
            Lang::Zh => kind.name_zh(),
            Lang::En => kind.name_en(),
        }
    }

    /// The line under the audit's heading.
    pub fn audit_summary(self, total: usize) -> String {
        match self {
            Lang::Zh => format!("共 {total} 条问题，点击条目在地图上查看"),
            Lang::En => format!("{total} findings; click one to see it on the map"),
        }
    }

    /// The button selecting the sites of every finding of a group.
    pub fn audit_select_all(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("选择全部 {n} 条所涉项目"),
            Lang::En => format!("Select the sites of all {n}"),
        }
    }

    // The progress dashboard.

    /// A plan layer's name.
    pub fn plan_layer(self, layer: PlanLayer) -> &'static str {
        match self {
            Lang::Zh => layer.name_zh(),
            Lang::En => layer.name_en(),
        }
    }

    /// A short plan layer name, for chart axes.
    pub fn plan_layer_short(self, layer: PlanLayer) -> &'static str {
        match (self, layer) {
            (Lang::Zh, PlanLayer::DeadEndRoad) => "断头路",
            (Lang::Zh, PlanLayer::PocketPark) => "口袋公园",
            (Lang::Zh, PlanLayer::Greenway) => "绿道",
            (Lang::Zh, PlanLayer::OverheadLineZone) => "架空线",
            (Lang::Zh, PlanLayer::UrbanVillage) => "城中村",
            (Lang::En, PlanLayer::DeadEndRoad) => "Dead ends",
            (Lang::En, PlanLayer::PocketPark) => "Parks",
            (Lang::En, PlanLayer::Greenway) => "Greenways",
            (Lang::En, PlanLayer::OverheadLineZone) => "Overhead",
            (Lang::En, PlanLayer::UrbanVillage) => "Villages",
        }
    }

    /// The scope of a target over all its districts: `市主城区` / `Main
    /// city`, `各县(市、区)` / `Each county`.
    pub fn target_scope(self, scope: Scope) -> &'static str {
        match (self, scope) {
            (Lang::Zh, s) => s.name_zh(),
            (Lang::En, Scope::MainCity) => "Main city",
            (Lang::En, Scope::County) => "Each county",
        }
    }
}
