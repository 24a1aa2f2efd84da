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
};

impl Lang {
    /// The presentation strings.
    pub fn present(self) -> &'static PresentText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
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
