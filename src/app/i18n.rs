//! Every user-visible string of the desktop app, in simplified Chinese and
//! English, in one place.
//!
//! Fixed strings live in a [`Text`] table per language; strings with values
//! in them are methods of [`Lang`].

use binzhou_core::model::{LayerKey, Severity, StatusClass, YearView};

/// The language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    /// Simplified Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

/// The fixed strings of one language.
#[derive(Debug)]
pub struct Text {
    pub app_title: &'static str,
    pub menu_file: &'static str,
    pub open_files: &'static str,
    pub open_folder: &'static str,
    pub quit: &'static str,
    pub menu_view: &'static str,
    pub panel_layers: &'static str,
    pub panel_legend: &'static str,
    pub panel_problems: &'static str,
    pub panel_identify: &'static str,
    pub panel_dashboard: &'static str,
    pub panel_table: &'static str,
    pub panel_audit: &'static str,
    pub show_labels: &'static str,
    pub show_changes: &'static str,
    pub show_gcj02: &'static str,
    pub zoom_main_city: &'static str,
    pub zoom_all_data: &'static str,
    pub menu_basemap: &'static str,
    pub basemap_vector: &'static str,
    pub basemap_none: &'static str,
    pub menu_language: &'static str,
    pub menu_help: &'static str,
    pub shortcuts: &'static str,
    pub shortcuts_body: &'static str,
    pub about: &'static str,
    pub about_body: &'static str,
    pub close: &'static str,
    pub year_heading: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub play_hint: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub no_results: &'static str,
    pub layers_heading: &'static str,
    pub opacity: &'static str,
    pub zoom_to_layer: &'static str,
    pub no_layers: &'static str,
    pub legend_heading: &'static str,
    pub colour_by: &'static str,
    pub by_status: &'static str,
    pub by_layer: &'static str,
    pub newly_done: &'static str,
    pub newly_overdue: &'static str,
    pub total: &'static str,
    pub legend_scope_hint: &'static str,
    pub identify_heading: &'static str,
    pub identify_empty: &'static str,
    pub f_name: &'static str,
    pub f_id: &'static str,
    pub f_layer: &'static str,
    pub f_kind: &'static str,
    pub f_task: &'static str,
    pub f_lead_unit: &'static str,
    pub f_district: &'static str,
    pub f_scope: &'static str,
    pub f_plan_year: &'static str,
    pub f_started: &'static str,
    pub f_completed: &'static str,
    pub f_source: &'static str,
    pub f_file: &'static str,
    pub f_length: &'static str,
    pub f_area: &'static str,
    pub f_geometry: &'static str,
    pub status_by_year: &'static str,
    pub computed: &'static str,
    pub declared: &'static str,
    pub other_properties: &'static str,
    pub none: &'static str,
    pub zoom_to: &'static str,
    pub clear_selection: &'static str,
    pub problems_heading: &'static str,
    pub problems_none: &'static str,
    pub problems_all: &'static str,
    pub problems_zoom_hint: &'static str,
    pub col_severity: &'static str,
    pub col_file: &'static str,
    pub col_feature: &'static str,
    pub col_field: &'static str,
    pub col_message: &'static str,
    pub cursor_wgs84: &'static str,
    pub cursor_gcj02: &'static str,
    pub zoom_level: &'static str,
    pub drop_files: &'static str,
    pub loader_died: &'static str,
    pub no_cjk_font: &'static str,
    pub no_data: &'static str,
    pub dismiss: &'static str,
    pub geojson_filter: &'static str,
    pub change_mark_hint: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub home: &'static str,
    pub scale: &'static str,
    pub illustrative_badge: &'static str,
    pub illustrative_hint: &'static str,
}

const ZH: Text = Text {
    app_title: "滨州市城市品质提升三年行动（2020—2022）项目地图",
    menu_file: "文件",
    open_files: "打开数据文件…",
    open_folder: "打开数据文件夹…",
    quit: "退出",
    menu_view: "视图",
    panel_layers: "图层面板",
    panel_legend: "图例",
    panel_problems: "数据问题面板",
    panel_identify: "要素信息面板",
    panel_dashboard: "目标完成情况看板",
    panel_table: "属性表",
    panel_audit: "规划一致性检查",
    show_labels: "显示名称标注",
    show_changes: "标示较上年的变化",
    show_gcj02: "状态栏显示 GCJ-02 坐标",
    zoom_main_city: "缩放至市主城区",
    zoom_all_data: "缩放至全部数据",
    menu_basemap: "底图",
    basemap_vector: "内置矢量底图（离线）",
    basemap_none: "无底图",
    menu_language: "语言",
    menu_help: "帮助",
    shortcuts: "快捷键",
    shortcuts_body: "+ / −　放大 / 缩小\n方向键　平移地图\nCtrl+F　搜索\nEsc　取消选择\n滚轮　缩放；拖动　平移；双击　放大\n单击要素　查看信息",
    about: "关于",
    about_body: "滨州市城市品质提升三年行动实施方案（2020—2022年）项目地图。\n随附数据为示意数据，根据方案目标和大致地理位置生成，不是测量数据。\n底图为内置离线矢量底图（示意）。",
    close: "关闭",
    year_heading: "年末状态",
    play: "▶ 播放",
    pause: "■ 暂停",
    play_hint: "逐年播放 2020 → 最新",
    search: "搜索",
    search_hint: "名称、编号、区县或牵头单位",
    no_results: "没有找到匹配的项目",
    layers_heading: "图层",
    opacity: "不透明度",
    zoom_to_layer: "缩放至图层",
    no_layers: "尚未加载数据",
    legend_heading: "图例",
    colour_by: "着色",
    by_status: "按状态",
    by_layer: "按图层",
    newly_done: "较上年新完成",
    newly_overdue: "较上年新逾期",
    total: "合计",
    legend_scope_hint: "计数为可见图层中的项目",
    identify_heading: "要素信息",
    identify_empty: "单击地图上的项目查看信息",
    f_name: "名称",
    f_id: "编号",
    f_layer: "图层",
    f_kind: "类型",
    f_task: "方案任务",
    f_lead_unit: "牵头单位",
    f_district: "区县",
    f_scope: "范围",
    f_plan_year: "计划年度",
    f_started: "开工",
    f_completed: "完工",
    f_source: "数据来源",
    f_file: "文件",
    f_length: "长度",
    f_area: "面积",
    f_geometry: "几何类型",
    status_by_year: "各年末状态",
    computed: "计算",
    declared: "申报",
    other_properties: "其他属性",
    none: "—",
    zoom_to: "缩放至",
    clear_selection: "取消选择",
    problems_heading: "数据问题",
    problems_none: "没有发现问题",
    problems_all: "全部",
    problems_zoom_hint: "单击有位置的问题可缩放到该要素",
    col_severity: "级别",
    col_file: "文件",
    col_feature: "要素",
    col_field: "字段",
    col_message: "说明",
    cursor_wgs84: "WGS84",
    cursor_gcj02: "GCJ-02",
    zoom_level: "缩放级别",
    drop_files: "松开鼠标以加载 GeoJSON 文件",
    loader_died: "加载线程意外停止，已保留当前数据",
    no_cjk_font: "No Chinese (CJK) font was found, so the interface is shown in English. \
Install one and restart, e.g. `sudo apt install fonts-wqy-microhei` (Debian/Ubuntu) or `fonts-noto-cjk`.",
    no_data: "没有加载到项目数据：请通过“文件 → 打开”或拖入 GeoJSON 文件",
    dismiss: "知道了",
    geojson_filter: "GeoJSON",
    change_mark_hint: "光圈表示较上年的变化",
    zoom_in: "放大",
    zoom_out: "缩小",
    home: "回到市主城区",
    scale: "比例尺",
    illustrative_badge: "示意数据",
    illustrative_hint: "随附数据根据方案目标和大致地理位置生成，不是测量数据",
};

const EN: Text = Text {
    app_title: "Binzhou City Quality Improvement 2020–2022 · Site Map",
    menu_file: "File",
    open_files: "Open data files…",
    open_folder: "Open data folder…",
    quit: "Quit",
    menu_view: "View",
    panel_layers: "Layers panel",
    panel_legend: "Legend",
    panel_problems: "Problems panel",
    panel_identify: "Feature info panel",
    panel_dashboard: "Progress dashboard",
    panel_table: "Attribute table",
    panel_audit: "Plan-consistency audit",
    show_labels: "Show name labels",
    show_changes: "Mark changes since the previous year",
    show_gcj02: "Show GCJ-02 coordinates in the status bar",
    zoom_main_city: "Zoom to the main city",
    zoom_all_data: "Zoom to all data",
    menu_basemap: "Basemap",
    basemap_vector: "Built-in vector basemap (offline)",
    basemap_none: "No basemap",
    menu_language: "Language",
    menu_help: "Help",
    shortcuts: "Keyboard shortcuts",
    shortcuts_body: "+ / −  zoom in / out\nArrow keys  pan\nCtrl+F  search\nEsc  clear the selection\nWheel  zoom; drag  pan; double-click  zoom in\nClick a site  show its details",
    about: "About",
    about_body: "Site map of Binzhou's City Quality Improvement Three-Year Action Plan (2020–2022).\nThe bundled data is ILLUSTRATIVE, made from the plan's targets and approximate geography; it is not survey data.\nThe basemap is a built-in offline vector basemap (illustrative).",
    close: "Close",
    year_heading: "Status at end of",
    play: "▶ Play",
    pause: "■ Pause",
    play_hint: "Step through the years 2020 → latest",
    search: "Search",
    search_hint: "name, id, district or lead unit",
    no_results: "No matching sites",
    layers_heading: "Layers",
    opacity: "Opacity",
    zoom_to_layer: "Zoom to layer",
    no_layers: "No data loaded yet",
    legend_heading: "Legend",
    colour_by: "Colour by",
    by_status: "Status",
    by_layer: "Layer",
    newly_done: "Newly done since the previous year",
    newly_overdue: "Newly overdue since the previous year",
    total: "Total",
    legend_scope_hint: "Counts are of sites in visible layers",
    identify_heading: "Feature info",
    identify_empty: "Click a site on the map to see its details",
    f_name: "Name",
    f_id: "ID",
    f_layer: "Layer",
    f_kind: "Kind",
    f_task: "Plan task",
    f_lead_unit: "Lead unit",
    f_district: "District",
    f_scope: "Scope",
    f_plan_year: "Plan year",
    f_started: "Started",
    f_completed: "Completed",
    f_source: "Source",
    f_file: "File",
    f_length: "Length",
    f_area: "Area",
    f_geometry: "Geometry",
    status_by_year: "Status at the end of each year",
    computed: "computed",
    declared: "declared",
    other_properties: "Other properties",
    none: "—",
    zoom_to: "Zoom to",
    clear_selection: "Clear selection",
    problems_heading: "Data problems",
    problems_none: "No problems found",
    problems_all: "All",
    problems_zoom_hint: "Click a problem with a location to zoom to the feature",
    col_severity: "Severity",
    col_file: "File",
    col_feature: "Feature",
    col_field: "Field",
    col_message: "Message",
    cursor_wgs84: "WGS84",
    cursor_gcj02: "GCJ-02",
    zoom_level: "Zoom",
    drop_files: "Drop GeoJSON files to load them",
    loader_died: "The loader thread stopped unexpectedly; the current data is kept",
    no_cjk_font: "No Chinese (CJK) font was found, so the interface is shown in English. \
Install one and restart, e.g. `sudo apt install fonts-wqy-microhei` (Debian/Ubuntu) or `fonts-noto-cjk`.",
    no_data: "No site data loaded: use File → Open or drop GeoJSON files on the window",
    dismiss: "Dismiss",
    geojson_filter: "GeoJSON",
    change_mark_hint: "A halo marks a change since the previous year",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    home: "Back to the main city",
    scale: "Scale",
    illustrative_badge: "Illustrative data",
    illustrative_hint: "The bundled data is made from the plan's targets and approximate geography; it is not survey data",
};

impl Lang {
    /// The fixed strings of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The name of the language in itself, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文（简体）",
            Lang::En => "English",
        }
    }

    /// A layer's display name.
    pub fn layer(self, key: &LayerKey) -> String {
        match self {
            Lang::Zh => key.name_zh(),
            Lang::En => key.name_en(),
        }
    }

    /// A status class's display name.
    pub fn status(self, class: StatusClass) -> &'static str {
        match self {
            Lang::Zh => class.name_zh(),
            Lang::En => class.name_en(),
        }
    }

    /// A two-language message in this language.
    pub fn pick(self, m: &binzhou_core::model::Msg) -> &str {
        m.text(self == Lang::Zh)
    }

    /// An error that can say itself in Chinese, in this language.
    pub fn say(self, e: &impl binzhou_core::model::Bilingual) -> String {
        e.text(self == Lang::Zh)
    }

    /// A severity's display name.
    pub fn severity(self, s: Severity) -> &'static str {
        match (self, s) {
            (Lang::Zh, s) => s.name_zh(),
            (Lang::En, Severity::Error) => "Error",
            (Lang::En, Severity::Warning) => "Warning",
            (Lang::En, Severity::Notice) => "Notice",
        }
    }

    /// The short label of a year view, as on the year buttons: `2021` or `最新`.
    pub fn year_short(self, view: YearView) -> String {
        match view {
            YearView::EndOf(y) => y.to_string(),
            YearView::Latest => match self {
                Lang::Zh => "最新".into(),
                Lang::En => "Latest".into(),
            },
        }
    }

    /// A year view in a sentence: `2021年末` / `end of 2021`.
    pub fn year_long(self, view: YearView) -> String {
        match (self, view) {
            (Lang::Zh, YearView::EndOf(y)) => format!("{y}年末"),
            (Lang::En, YearView::EndOf(y)) => format!("end of {y}"),
            (Lang::Zh, YearView::Latest) => "最新状态".into(),
            (Lang::En, YearView::Latest) => "latest".into(),
        }
    }

    /// Number of search results.
    pub fn results(self, shown: usize, total: usize) -> String {
        match (self, shown < total) {
            (Lang::Zh, false) => format!("{total} 个结果"),
            (Lang::Zh, true) => format!("{total} 个结果，显示前 {shown} 个"),
            (Lang::En, false) => format!("{total} results"),
            (Lang::En, true) => format!("{total} results, first {shown} shown"),
        }
    }

    /// The status-bar summary of what is loaded.
    pub fn loaded(self, sites: usize, layers: usize, files: usize) -> String {
        match self {
            Lang::Zh => format!("{files} 个文件 · {layers} 个图层 · {sites} 个要素"),
            Lang::En => format!("{files} files · {layers} layers · {sites} features"),
        }
    }

    /// The loading indicator.
    pub fn loading(self, file: &str, read: u64, total: u64) -> String {
        let mb = |b: u64| b as f64 / 1_048_576.0;
        match self {
            Lang::Zh => format!("正在加载 {file}：{:.1} / {:.1} MB", mb(read), mb(total)),
            Lang::En => format!("Loading {file}: {:.1} / {:.1} MB", mb(read), mb(total)),
        }
    }

    /// The problems button in the status bar.
    pub fn problem_count(self, errors: usize, total: usize) -> String {
        match self {
            Lang::Zh if errors > 0 => format!("▲ {total} 个数据问题（{errors} 个错误）"),
            Lang::Zh => format!("● {total} 个数据问题"),
            Lang::En if errors > 0 => format!("▲ {total} data problems ({errors} errors)"),
            Lang::En => format!("● {total} data problems"),
        }
    }

    /// The notice after a file finished loading.
    pub fn file_loaded(self, name: &str, sites: usize, problems: usize) -> String {
        match self {
            Lang::Zh => format!("已加载 {name}：{sites} 个要素，{problems} 个问题"),
            Lang::En => format!("Loaded {name}: {sites} features, {problems} problems"),
        }
    }

    /// A site count in the layer panel.
    pub fn count(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("{n} 个"),
            Lang::En => format!("{n}"),
        }
    }

    /// A plan task number.
    pub fn task(self, n: u8) -> String {
        match self {
            Lang::Zh => format!("第 {n} 项"),
            Lang::En => format!("No. {n}"),
        }
    }

    /// A length in km, with the unit.
    pub fn km(self, km: f64) -> String {
        match self {
            Lang::Zh => format!("{km:.2} 公里"),
            Lang::En => format!("{km:.2} km"),
        }
    }

    /// An area in m², with the unit (and hectares when large).
    pub fn area(self, m2: f64) -> String {
        let ha = m2 / 10_000.0;
        match self {
            Lang::Zh if ha >= 1.0 => format!("{m2:.0} 平方米（{ha:.2} 公顷）"),
            Lang::Zh => format!("{m2:.0} 平方米"),
            Lang::En if ha >= 1.0 => format!("{m2:.0} m² ({ha:.2} ha)"),
            Lang::En => format!("{m2:.0} m²"),
        }
    }

    /// The scope of a site.
    pub fn scope(self, scope: binzhou_core::model::Scope) -> &'static str {
        match (self, scope) {
            (Lang::Zh, s) => s.name_zh(),
            (Lang::En, binzhou_core::model::Scope::MainCity) => "Main city",
            (Lang::En, binzhou_core::model::Scope::County) => "County",
        }
    }

    /// A measure's row name: `面积（计算）` / `Area (computed)`.
    pub fn measure_label(self, name: &str, which: &str) -> String {
        match self {
            Lang::Zh => format!("{name}（{which}）"),
            Lang::En => format!("{name} ({which})"),
        }
    }

    /// A change since the previous year, in brief.
    pub fn change_short(self, c: binzhou_core::model::Change) -> &'static str {
        use binzhou_core::model::Change;
        match (self, c) {
            (Lang::Zh, Change::NewlyDone) => "较上年新完成",
            (Lang::Zh, Change::NewlyOverdue) => "较上年新逾期",
            (Lang::En, Change::NewlyDone) => "newly done",
            (Lang::En, Change::NewlyOverdue) => "newly overdue",
        }
    }

    /// The accessible name of a layer's opacity slider.
    pub fn opacity_of(self, layer: &str) -> String {
        match self {
            Lang::Zh => format!("{layer} 不透明度"),
            Lang::En => format!("{layer} opacity"),
        }
    }

    /// The accessible name of a layer's zoom button.
    pub fn zoom_to_layer_named(self, layer: &str) -> String {
        match self {
            Lang::Zh => format!("缩放至图层 {layer}"),
            Lang::En => format!("Zoom to layer {layer}"),
        }
    }
}

/// Chinese or English, by the interface language.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// "2021年末" / "end of 2021" / "最新" / "latest".
pub fn view_label(view: binzhou_core::model::YearView, lang: Lang) -> String {
    match (view, lang) {
        (binzhou_core::model::YearView::EndOf(y), Lang::Zh) => format!("{y}年末"),
        (binzhou_core::model::YearView::EndOf(y), Lang::En) => format!("end of {y}"),
        (binzhou_core::model::YearView::Latest, Lang::Zh) => "最新".into(),
        (binzhou_core::model::YearView::Latest, Lang::En) => "latest".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_buttons_read_the_same_in_both_languages_except_latest() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(lang.year_short(YearView::EndOf(2021)), "2021");
        }
        assert_eq!(Lang::Zh.year_short(YearView::Latest), "最新");
        assert_eq!(Lang::En.year_short(YearView::Latest), "Latest");
    }

    #[test]
    fn the_two_languages_have_different_titles() {
        assert_ne!(Lang::Zh.text().app_title, Lang::En.text().app_title);
    }
}
