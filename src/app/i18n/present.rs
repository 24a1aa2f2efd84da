//! The presentation mode's strings.

use super::Lang;

/// The fixed strings of presentation mode, one table per language.
#[derive(Debug)]
pub struct PresentText {
    pub plan_title: &'static str,
    pub menu_present: &'static str,
    pub present_hint: &'static str,
    pub present_scale: &'static str,
    pub leave: &'static str,
    pub north: &'static str,
    pub lead_unit: &'static str,
    pub target: &'static str,
    pub swipe_menu: &'static str,
    pub swipe_end: &'static str,
    pub new_tour_title: &'static str,
    pub prev_stop: &'static str,
    pub next_stop: &'static str,
    pub autoplay_on: &'static str,
    pub autoplay_off: &'static str,
    pub end_tour: &'static str,
    pub tour_window: &'static str,
    pub tour_title: &'static str,
    pub drag_hint: &'static str,
    pub stop_title: &'static str,
    pub stop_note: &'static str,
    pub play_from_here: &'static str,
    pub remove_stop: &'static str,
    pub play_tour: &'static str,
    pub save_tour: &'static str,
    pub menu_tour: &'static str,
    pub tour_from_selection: &'static str,
    pub tour_from_table: &'static str,
    pub tour_from_search: &'static str,
    pub stop_year: &'static str,
    pub stop_swipe: &'static str,
    pub export_handout: &'static str,
    pub handout_started: &'static str,
    pub pdf_filter: &'static str,
    pub swipe_from: &'static str,
    pub swipe_to: &'static str,
    pub add_view_stop: &'static str,
    pub open_tour: &'static str,
    pub edit_tour: &'static str,
    pub tour_filter: &'static str,
    pub bookmarks: &'static str,
    pub bookmarks_stem: &'static str,
    pub bookmark_name: &'static str,
    pub bookmark_group: &'static str,
    pub bookmark_note: &'static str,
    pub bookmark_add: &'static str,
    pub bookmark_import: &'static str,
    pub no_group: &'static str,
    pub tour_of_group: &'static str,
    pub bookmark_remove: &'static str,
    pub bookmarks_menu: &'static str,
    pub qgis_filter: &'static str,
}

pub static ZH: PresentText = PresentText {
    plan_title: "滨州市城市品质提升三年行动（2020—2022年）",
    menu_present: "演示模式",
    present_hint: "全屏，只显示地图、标题、图例、比例尺和指北针（Esc 退出）",
    present_scale: "演示字号",
    leave: "退出演示（Esc）",
    north: "北",
    lead_unit: "牵头单位",
    target: "规划目标",
    swipe_menu: "前后对比（卷帘）",
    swipe_end: "结束前后对比",
    new_tour_title: "现场观摩路线",
    prev_stop: "◀ 上一站",
    next_stop: "下一站 ▶",
    autoplay_on: "自动播放",
    autoplay_off: "停止自动播放",
    end_tour: "结束播放",
    tour_window: "演示路线",
    tour_title: "路线名称",
    drag_hint: "拖动 ≡ 调整顺序",
    stop_title: "标题",
    stop_note: "解说词",
    play_from_here: "从这一站播放",
    remove_stop: "删除这一站",
    play_tour: "播放（全屏）",
    save_tour: "保存路线…",
    menu_tour: "演示路线",
    tour_from_selection: "用所选项目建立路线",
    tour_from_table: "用属性表列出的项目建立路线",
    tour_from_search: "用搜索结果建立路线",
    stop_year: "年份",
    stop_swipe: "前后对比",
    export_handout: "导出讲解资料 PDF…",
    handout_started: "正在生成讲解资料 PDF（每站一页地图）…",
    pdf_filter: "PDF 文件",
    swipe_from: "从",
    swipe_to: "到",
    add_view_stop: "把当前视图加为一站",
    open_tour: "打开路线文件…",
    edit_tour: "编辑路线…",
    tour_filter: "演示路线",
    bookmarks: "书签",
    bookmarks_stem: "书签",
    bookmark_name: "名称",
    bookmark_group: "分组",
    bookmark_note: "说明",
    bookmark_add: "把当前视图存为书签",
    bookmark_import: "导入 QGIS 书签…",
    no_group: "（未分组）",
    tour_of_group: "用这一组建立路线",
    bookmark_remove: "删除这个书签",
    bookmarks_menu: "书签…",
    qgis_filter: "QGIS 书签",
};

pub static EN: PresentText = PresentText {
    plan_title: "Binzhou City Quality Improvement Three-Year Action Plan 2020–2022",
    menu_present: "Presentation mode",
    present_hint: "Full screen with only the map, a title, the legend, a scale bar and a north arrow (Esc leaves)",
    present_scale: "Presentation text size",
    leave: "Leave presentation (Esc)",
    north: "N",
    lead_unit: "Lead unit",
    target: "Plan target",
    swipe_menu: "Before / after (swipe)",
    swipe_end: "End before / after",
    new_tour_title: "Inspection tour",
    prev_stop: "◀ Previous",
    next_stop: "Next ▶",
    autoplay_on: "Autoplay",
    autoplay_off: "Stop autoplay",
    end_tour: "End tour",
    tour_window: "Tour",
    tour_title: "Tour name",
    drag_hint: "Drag ≡ to reorder",
    stop_title: "Title",
    stop_note: "Note",
    play_from_here: "Play from here",
    remove_stop: "Remove this stop",
    play_tour: "Play (full screen)",
    save_tour: "Save tour…",
    menu_tour: "Tour",
    tour_from_selection: "Make a tour of the selected sites",
    tour_from_table: "Make a tour of the sites the table lists",
    tour_from_search: "Make a tour of the search results",
    stop_year: "Year",
    stop_swipe: "Before / after",
    export_handout: "Export a PDF handout…",
    handout_started: "Writing the PDF handout (a map page per stop)…",
    pdf_filter: "PDF files",
    swipe_from: "from",
    swipe_to: "to",
    add_view_stop: "Add the current view as a stop",
    open_tour: "Open a tour file…",
    edit_tour: "Edit the tour…",
    tour_filter: "Tours",
    bookmarks: "Bookmarks",
    bookmarks_stem: "bookmarks",
    bookmark_name: "Name",
    bookmark_group: "Group",
    bookmark_note: "Note",
    bookmark_add: "Bookmark the current view",
    bookmark_import: "Import QGIS bookmarks…",
    no_group: "(no group)",
    tour_of_group: "Make a tour of this group",
    bookmark_remove: "Remove this bookmark",
    bookmarks_menu: "Bookmarks…",
    qgis_filter: "QGIS bookmarks",
};

impl Lang {
    /// The presentation strings.
    pub fn present(self) -> &'static PresentText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The title of a stop made from the view.
    pub fn view_stop_title(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("第 {n} 站"),
            Lang::En => format!("Stop {n}"),
        }
    }

    /// After a QGIS import.
    pub fn bookmarks_imported(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("已导入 {n} 个书签"),
            Lang::En => format!("Imported {n} bookmarks"),
        }
    }

    /// The date an exported map was made, for its title bar.
    pub fn made_on(self, date: &str) -> String {
        match self {
            Lang::Zh => format!("制图日期：{date}"),
            Lang::En => format!("Made {date}"),
        }
    }

    /// A handout written.
    pub fn handout_written(self, file: &str, pages: usize) -> String {
        match self {
            Lang::Zh => format!("已写出讲解资料 {file}（{pages} 页）"),
            Lang::En => format!("Wrote the handout {file} ({pages} pages)"),
        }
    }

    /// After saving a tour.
    pub fn tour_saved(self, file: &str) -> String {
        match self {
            Lang::Zh => format!("路线已保存为 {file}"),
            Lang::En => format!("Tour saved as {file}"),
        }
    }

    /// A before/after pair for the menu.
    pub fn swipe_pair(self, before: binzhou_core::model::YearView, after: binzhou_core::model::YearView) -> String {
        format!("{} ↔ {}", self.year_long(before), self.year_long(after))
    }

    /// "牵头单位：…" on the info card.
    pub fn lead_unit_line(self, unit: &str) -> String {
        match self {
            Lang::Zh => format!("{}：{unit}", ZH.lead_unit),
            Lang::En => format!("{}: {unit}", EN.lead_unit),
        }
    }
}
