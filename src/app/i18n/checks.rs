//! The field-check strings: the check form and the identify panel's history.

use binzhou_core::checks::{CheckResult, Observed};

use super::Lang;

/// An RFC 3339 time as Beijing time (UTC+8) to the minute, `2026-12-02 10:24`;
/// text that is not such a time is shown as it is.
pub fn beijing_time(rfc3339: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(rfc3339, &Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::macros::offset!(+8));
            let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
            t.format(&f).unwrap_or_else(|_| rfc3339.to_string())
        }
        Err(_) => rfc3339.to_string(),
    }
}

/// The fixed strings of the field-check area, one table per language.
#[derive(Debug)]
pub struct CheckText {
    pub check_this: &'static str,
    pub check_this_hint: &'static str,
    pub form_result: &'static str,
    pub form_observed: &'static str,
    pub observed_none: &'static str,
    pub form_finished_on: &'static str,
    pub form_finished_hint: &'static str,
    pub form_note: &'static str,
    pub form_position: &'static str,
    pub no_fix: &'static str,
    pub use_fix_as_true_position: &'static str,
    pub form_photos: &'static str,
    pub add_photo: &'static str,
    pub photo_filter: &'static str,
    pub form_inspector: &'static str,
    pub inspector_hint: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub history: &'static str,
    pub no_checks: &'static str,
    pub low_accuracy: &'static str,
    pub journal_unavailable: &'static str,
    pub goto_menu: &'static str,
    pub goto_title: &'static str,
    pub goto_help: &'static str,
    pub goto_hint: &'static str,
    pub goto_go: &'static str,
    pub goto_field: &'static str,
    pub by_checks: &'static str,
    pub not_checked: &'static str,
    pub measure_title: &'static str,
    pub measure_copy: &'static str,
    pub measure_end: &'static str,
    pub measure_hint: &'static str,
    pub measure_button: &'static str,
    pub route_title: &'static str,
    pub route_arrived: &'static str,
    pub route_no_fix: &'static str,
    pub route_done: &'static str,
    pub route_straight: &'static str,
    pub route_clear: &'static str,
    pub route_drag_hint: &'static str,
    pub route_earlier: &'static str,
    pub route_later: &'static str,
    pub photo_no_preview: &'static str,
    pub photo_window: &'static str,
    pub photo_open_hint: &'static str,
    pub route_from_selection: &'static str,
    pub route_nearest_unchecked: &'static str,
    pub route_from_table: &'static str,
    pub export_checks: &'static str,
    pub summary_menu: &'static str,
    pub summary_title: &'static str,
    pub summary_layer: &'static str,
    pub summary_county: &'static str,
    pub summary_sites: &'static str,
    pub summary_checked: &'static str,
    pub checks_filter_gpkg: &'static str,
    pub checks_filter_csv: &'static str,
    pub checks_filter_geojson: &'static str,
    pub checks_file_name: &'static str,
    pub route_from_box: &'static str,
    pub route_box_hint: &'static str,
    pub route_none: &'static str,
    pub track_record: &'static str,
    pub track_pause: &'static str,
    pub amend: &'static str,
    pub amend_hint: &'static str,
    pub delete: &'static str,
    pub delete_hint: &'static str,
    pub open_other_journal: &'static str,
    pub journal_filter: &'static str,
    pub pick_true_position: &'static str,
    pub picking_true_position: &'static str,
}

const ZH: CheckText = CheckText {
    check_this: "核查此项目",
    check_this_hint: "记录现场核查结果（离线可用，保存在核查日志中）",
    form_result: "核查结果",
    form_observed: "现场进度",
    observed_none: "未记录",
    form_finished_on: "完工日期",
    form_finished_hint: "如 2022-05 或 2022-05-12",
    form_note: "备注",
    form_position: "定位",
    no_fix: "无 GNSS 定位：本次核查将标记为低精度",
    use_fix_as_true_position: "以当前定位作为实际位置",
    form_photos: "照片",
    add_photo: "添加照片…",
    photo_filter: "照片",
    form_inspector: "核查人",
    inspector_hint: "姓名（只需填写一次）",
    save: "保存核查",
    saving: "正在保存……",
    cancel: "取消",
    history: "核查记录",
    no_checks: "尚未核查",
    low_accuracy: "低精度",
    journal_unavailable: "核查日志无法打开",
    goto_menu: "前往坐标…  Ctrl+G",
    goto_title: "前往坐标",
    goto_help: "经纬度（任意顺序）、度分秒、CGCS2000 高斯坐标 X= Y=、项目编号；高德坐标请加 gcj02",
    goto_hint: "如 118.0123, 37.3821 或 东经118度0分44.3秒 北纬37度22分55.6秒",
    goto_go: "前往",
    goto_field: "坐标或编号",
    by_checks: "按核查",
    not_checked: "未核查",
    measure_title: "测量",
    measure_copy: "复制",
    measure_end: "结束",
    measure_hint: "在地图上点击添加点（靠近项目顶点时自动吸附）；Esc 结束",
    measure_button: "测量 (M)",
    route_title: "今日路线",
    route_arrived: "已到达：可以开始核查",
    route_no_fix: "无 GNSS 定位：距离和方位从路线起点算起",
    route_done: "路线上的项目都已核查",
    route_straight: "距离为直线（大地线）距离，不是道路距离",
    route_clear: "清除路线",
    route_drag_hint: "拖动 ≡ 或用 ↑↓ 调整顺序",
    route_earlier: "提前一站",
    route_later: "推后一站",
    photo_no_preview: "无预览",
    photo_window: "核查照片",
    photo_open_hint: "点击查看大图",
    route_from_selection: "用所选项目规划路线",
    route_nearest_unchecked: "规划路线：最近的 20 个未核查项目",
    route_from_table: "用表格中筛选出的项目规划路线",
    export_checks: "导出核查记录…",
    summary_menu: "核查汇总",
    summary_title: "核查汇总（各图层、各区县）",
    summary_layer: "图层",
    summary_county: "区县",
    summary_sites: "项目",
    summary_checked: "已核查",
    checks_filter_gpkg: "GeoPackage（全部版本，QGIS 可直接打开）",
    checks_filter_csv: "CSV 表格（Excel，每项最新记录）",
    checks_filter_geojson: "GeoJSON（每项最新记录）",
    checks_file_name: "核查记录",
    route_from_box: "在地图上框选项目规划路线…",
    route_box_hint: "按住鼠标拖出范围，框内的项目将编入路线（Esc 取消）",
    route_none: "没有可编入路线的规划项目",
    track_record: "记录轨迹",
    track_pause: "暂停记录轨迹",
    amend: "修改",
    amend_hint: "修改后保存为新版本，原记录保留",
    delete: "删除",
    delete_hint: "标记为已删除；历史版本保留在日志中",
    open_other_journal: "合并其他小组的核查日志…",
    journal_filter: "核查日志（GeoPackage）",
    pick_true_position: "在地图上点选实际位置",
    picking_true_position: "请在地图上点击实际位置…",
};

const EN: CheckText = CheckText {
    check_this: "Check this site",
    check_this_hint: "Record what you find on site (works offline; kept in the check journal)",
    form_result: "Result",
    form_observed: "Progress seen",
    observed_none: "Not noted",
    form_finished_on: "Finished on",
    form_finished_hint: "e.g. 2022-05 or 2022-05-12",
    form_note: "Note",
    form_position: "Position",
    no_fix: "No GNSS fix: this check will be marked low-accuracy",
    use_fix_as_true_position: "Use my position as the true position",
    form_photos: "Photos",
    add_photo: "Add photos…",
    photo_filter: "Photos",
    form_inspector: "Inspector",
    inspector_hint: "Your name (asked once)",
    save: "Save check",
    saving: "Saving…",
    cancel: "Cancel",
    history: "Checks",
    no_checks: "Not checked yet",
    low_accuracy: "low accuracy",
    journal_unavailable: "The check journal cannot be opened",
    goto_menu: "Go to coordinate…  Ctrl+G",
    goto_title: "Go to coordinate",
    goto_help: "Lon/lat (either order), DMS, CGCS2000 Gauss–Krüger X= Y=, or a site id; add gcj02 for AMap positions",
    goto_hint: "e.g. 118.0123, 37.3821 or 118°0′44.3″E 37°22′55.6″N",
    goto_go: "Go",
    goto_field: "Position or id",
    by_checks: "By check",
    not_checked: "Not checked",
    measure_title: "Measure",
    measure_copy: "Copy",
    measure_end: "End",
    measure_hint: "Click on the map to add points (they snap to site vertices nearby); Esc ends",
    measure_button: "Measure (M)",
    route_title: "Today's route",
    route_arrived: "Arrived: you can check it now",
    route_no_fix: "No GNSS fix: distances and bearings are from the route's start",
    route_done: "Every site on the route is checked",
    route_straight: "Distances are straight-line (geodesic), not along roads",
    route_clear: "Clear the route",
    route_drag_hint: "Drag ≡ or use ↑↓ to change the order",
    route_earlier: "One stop earlier",
    route_later: "One stop later",
    photo_no_preview: "No preview",
    photo_window: "Check photo",
    photo_open_hint: "Click to see it larger",
    route_from_selection: "Plan a route through the selected sites",
    route_nearest_unchecked: "Plan a route: the 20 nearest unchecked sites",
    route_from_table: "Plan a route through the sites the table shows",
    export_checks: "Export the field checks…",
    summary_menu: "Field-check summary",
    summary_title: "Field-check summary (per layer and county)",
    summary_layer: "Layer",
    summary_county: "County",
    summary_sites: "Sites",
    summary_checked: "Checked",
    checks_filter_gpkg: "GeoPackage (every version; opens in QGIS)",
    checks_filter_csv: "CSV table (Excel; each check's newest version)",
    checks_filter_geojson: "GeoJSON (each check's newest version)",
    checks_file_name: "field-checks",
    route_from_box: "Plan a route through sites in a box on the map…",
    route_box_hint: "Drag a box: the sites inside go into the route (Esc cancels)",
    route_none: "No plan sites to route through",
    track_record: "Record the track",
    track_pause: "Pause recording the track",
    amend: "Amend",
    amend_hint: "Saved as a new version; the earlier one is kept",
    delete: "Delete",
    delete_hint: "Marked deleted; its versions stay in the journal",
    open_other_journal: "Merge another team's check journal…",
    journal_filter: "Check journals (GeoPackage)",
    pick_true_position: "Click the true position on the map",
    picking_true_position: "Click on the map…",
};

impl Lang {
    /// The field-check strings.
    pub fn checks(self) -> &'static CheckText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A check result's name.
    pub fn check_result(self, r: CheckResult) -> &'static str {
        match self {
            Lang::Zh => r.name_zh(),
            Lang::En => r.name_en(),
        }
    }

    /// An observed progress's name.
    pub fn observed(self, o: Observed) -> &'static str {
        match self {
            Lang::Zh => o.name_zh(),
            Lang::En => o.name_en(),
        }
    }

    /// A measurement: its length and, from three points, its area, in
    /// m / km and m² / 公顷 / 亩 (1 亩 = 666.67 m²).
    pub fn measure_result(self, points: usize, length_m: f64, area_m2: f64) -> String {
        let length = self.km(length_m / 1000.0);
        let mu = area_m2 / (10_000.0 / 15.0);
        match self {
            Lang::Zh if points >= 3 => {
                format!("{points} 个点 · 长度 {length} · 面积 {}（{mu:.2} 亩）", self.area(area_m2))
            }
            Lang::Zh => format!("{points} 个点 · 长度 {length}"),
            Lang::En if points >= 3 => {
                format!("{points} points · length {length} · area {} ({mu:.2} mu)", self.area(area_m2))
            }
            Lang::En => format!("{points} points · length {length}"),
        }
    }

    /// The route's size and length.
    pub fn route_total(self, stops: usize, metres: f64) -> String {
        match self {
            Lang::Zh => format!("{stops} 个项目，全程约 {}", self.km(metres / 1000.0)),
            Lang::En => format!("{stops} sites, about {} in all", self.km(metres / 1000.0)),
        }
    }

    /// The next stop.
    pub fn route_next(self, n: usize, name: &str) -> String {
        match self {
            Lang::Zh => format!("下一站：{n}. {name}"),
            Lang::En => format!("Next: {n}. {name}"),
        }
    }

    /// How far and which way the next stop is.
    pub fn route_distance_bearing(self, metres: f64, bearing: f64) -> String {
        let zh = ["北", "东北", "东", "东南", "南", "西南", "西", "西北"];
        let en = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];
        let k = (((bearing + 22.5).rem_euclid(360.0)) / 45.0) as usize % 8;
        match self {
            Lang::Zh => format!("{} · 方位 {bearing:.0}°（{}）", self.km(metres / 1000.0), zh[k]),
            Lang::En => format!("{} · bearing {bearing:.0}° ({})", self.km(metres / 1000.0), en[k]),
        }
    }

    /// One stop of the route with the leg to it.
    pub fn route_stop(self, n: usize, name: &str, leg_m: f64) -> String {
        format!("{n}. {name} · {}", self.km(leg_m / 1000.0))
    }

    /// How many sites were checked today.
    pub fn checked_today(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("其中今日核查 {n}"),
            Lang::En => format!("of which checked today: {n}"),
        }
    }

    /// The status bar while the track is recorded.
    pub fn track_recording(self, points: usize) -> String {
        match self {
            Lang::Zh => format!("● 正在记录轨迹：{points} 个点"),
            Lang::En => format!("● Recording the track: {points} points"),
        }
    }

    /// A check's version, when amended.
    pub fn check_version(self, v: u32) -> String {
        match self {
            Lang::Zh => format!("第 {v} 版"),
            Lang::En => format!("version {v}"),
        }
    }

    /// The form's title.
    pub fn check_form_title(self, site: &str) -> String {
        match self {
            Lang::Zh => format!("核查：{site}"),
            Lang::En => format!("Check: {site}"),
        }
    }

    /// The GNSS fix the check will carry.
    pub fn check_fix(self, lon: f64, lat: f64, accuracy_m: Option<f64>, sats: Option<u8>) -> String {
        let acc = accuracy_m.map(|a| format!("{a:.0}"));
        match self {
            Lang::Zh => {
                let mut s = format!("GNSS {lon:.6}, {lat:.6}");
                if let Some(a) = acc {
                    s.push_str(&format!(" · 约 {a} 米"));
                }
                if let Some(n) = sats {
                    s.push_str(&format!(" · {n} 颗卫星"));
                }
                s
            }
            Lang::En => {
                let mut s = format!("GNSS {lon:.6}, {lat:.6}");
                if let Some(a) = acc {
                    s.push_str(&format!(" · about {a} m"));
                }
                if let Some(n) = sats {
                    s.push_str(&format!(" · {n} satellites"));
                }
                s
            }
        }
    }

    /// The fix is too poor or too old for the check.
    pub fn check_fix_poor(self, threshold_m: f64) -> String {
        match self {
            Lang::Zh => format!("定位精度低于 {threshold_m:.0} 米或已超过 10 秒：本次核查将标记为低精度"),
            Lang::En => format!("The fix is worse than {threshold_m:.0} m or older than 10 s: marked low-accuracy"),
        }
    }

    /// The true position given for a moved site.
    pub fn check_true_position(self, lon: f64, lat: f64) -> String {
        match self {
            Lang::Zh => format!("实际位置：{lon:.6}, {lat:.6}（规划图形不变）"),
            Lang::En => format!("True position: {lon:.6}, {lat:.6} (the plan's geometry is kept)"),
        }
    }

    /// The notice after a check was saved.
    pub fn check_saved(self, site: &str) -> String {
        match self {
            Lang::Zh => format!("已保存核查记录：{site}"),
            Lang::En => format!("Check saved: {site}"),
        }
    }

    /// One line of a site's check history, its time in Beijing time.
    pub fn check_line(self, when: &str, result: CheckResult, who: &str) -> String {
        format!("{} · {} · {who}", beijing_time(when), self.check_result(result))
    }

    /// An export of the checks was written.
    pub fn checks_exported(self, n: usize, to: &str, photos: usize) -> String {
        match self {
            Lang::Zh => format!("已导出 {n} 条核查记录到 {to}，复制照片 {photos} 张"),
            Lang::En => format!("Exported {n} check records to {to}, copied {photos} photos"),
        }
    }

    /// An export of the checks failed.
    pub fn checks_export_failed(self, why: &str) -> String {
        match self {
            Lang::Zh => format!("核查记录未能导出：{why}"),
            Lang::En => format!("The field checks could not be exported: {why}"),
        }
    }

    /// The summary's first line.
    pub fn checks_summary_line(self, checks: usize, versions: usize, sites: usize) -> String {
        match self {
            Lang::Zh => format!("{checks} 份核查记录（{versions} 个版本），数据中共 {sites} 个项目"),
            Lang::En => format!("{checks} checks ({versions} versions); {sites} sites in the data"),
        }
    }

    /// Checks of sites the data does not hold.
    pub fn checks_unknown_sites(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("另有 {n} 份核查记录的项目不在当前数据中"),
            Lang::En => format!("{n} checks are of sites not in the data shown"),
        }
    }

    /// More sites were chosen than a route takes.
    pub fn route_capped(self, chosen: usize, max: usize) -> String {
        match self {
            Lang::Zh => format!("共选中 {chosen} 个项目，路线只取前 {max} 个"),
            Lang::En => format!("{chosen} sites chosen; the route takes the first {max}"),
        }
    }

    /// A photo's picture, named for screen readers (`large`: the larger view).
    pub fn photo_alt(self, name: &str, large: bool) -> String {
        match (self, large) {
            (Lang::Zh, false) => format!("照片：{name}"),
            (Lang::Zh, true) => format!("大图：{name}"),
            (Lang::En, false) => format!("Photo: {name}"),
            (Lang::En, true) => format!("Large view: {name}"),
        }
    }

    /// A photo could not be added because the journal is busy or stopped.
    pub fn photo_not_added(self, name: &str) -> String {
        match self {
            Lang::Zh => format!("照片未添加（核查日志正忙或已停止）：{name}，请重试"),
            Lang::En => format!("Photo not added (the journal is busy or stopped): {name}; try again"),
        }
    }

    /// A photo with the time its camera gave.
    pub fn photo_line(self, name: &str, time: Option<&str>) -> String {
        match (self, time) {
            (Lang::Zh, Some(t)) => format!("{name}（拍摄于 {t}）"),
            (Lang::En, Some(t)) => format!("{name} (taken {t})"),
            (_, None) => name.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_times_read_in_beijing_time_across_midnight() {
        assert_eq!(beijing_time("2026-12-01T18:30:05Z"), "2026-12-02 02:30");
        assert_eq!(beijing_time("2026-12-02T10:24:00+08:00"), "2026-12-02 10:24");
        assert_eq!(beijing_time("yesterday"), "yesterday");
    }
}
