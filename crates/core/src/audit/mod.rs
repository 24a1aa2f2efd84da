//! The plan-consistency audit: what an inspector would ask about at the end
//! of a year. Headless; the app lists it and `binzhou-sites audit` prints it.

use std::collections::HashMap;

use geo::{Centroid, Contains, Distance, Geometry, Haversine, Intersects, Point};

use crate::index::SiteIndex;
use crate::model::{Dataset, LayerKey, PlanLayer, Progress, Site, StatusClass, Timing, YearView, validity};

/// What kind of question an entry raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// Not done although its plan year has passed.
    Overdue,
    /// The completion date lies before the start date.
    CompletedBeforeStarted,
    /// A plan year or date the file gives cannot be read: the status is unknown.
    UnreadableDate,
    /// A plan site with no location (`"geometry": null`): counted, not on the map.
    NoLocation,
    /// A pocket park inside an urban village that is not yet rebuilt.
    ParkInUnrebuiltVillage,
    /// The site lies outside the district it names (needs a boundary layer).
    OutsideDistrict,
    /// Same name, nearly the same place.
    Duplicate,
    /// Polygon that self-intersects or is otherwise invalid.
    InvalidGeometry,
}

impl AuditKind {
    /// Every kind, in the order findings are sorted and listed.
    pub const ALL: [AuditKind; 8] = [
        AuditKind::Overdue,
        AuditKind::CompletedBeforeStarted,
        AuditKind::UnreadableDate,
        AuditKind::NoLocation,
        AuditKind::ParkInUnrebuiltVillage,
        AuditKind::OutsideDistrict,
        AuditKind::Duplicate,
        AuditKind::InvalidGeometry,
    ];

    /// The kind's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            AuditKind::Overdue => "逾期未完成",
            AuditKind::CompletedBeforeStarted => "完工早于开工",
            AuditKind::UnreadableDate => "日期无法识别，进度不明",
            AuditKind::NoLocation => "尚无位置",
            AuditKind::ParkInUnrebuiltVillage => "口袋公园位于未改造城中村内",
            AuditKind::OutsideDistrict => "不在所属区县范围内",
            AuditKind::Duplicate => "疑似重复项目",
            AuditKind::InvalidGeometry => "几何图形无效",
        }
    }

    /// The kind's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            AuditKind::Overdue => "Overdue",
            AuditKind::CompletedBeforeStarted => "Completed before started",
            AuditKind::UnreadableDate => "Unreadable date, status unknown",
            AuditKind::NoLocation => "No location",
            AuditKind::ParkInUnrebuiltVillage => "Pocket park inside an urban village not yet rebuilt",
            AuditKind::OutsideDistrict => "Outside its stated district",
            AuditKind::Duplicate => "Possible duplicate",
            AuditKind::InvalidGeometry => "Invalid geometry",
        }
    }
}

/// One finding, naming the sites (indices into `Dataset::sites`) it is about.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// What kind of question it raises.
    pub kind: AuditKind,
    /// Indices into `Dataset::sites` of the sites concerned (one, or two for a pair); not serialised.
    #[serde(skip)]
    pub sites: Vec<usize>,
    /// The ids of those sites, in the same order.
    pub ids: Vec<String>,
    /// The finding, in Chinese.
    pub message_zh: String,
    /// The finding, in English.
    pub message_en: String,
}

/// Two sites with the same name closer than this are reported as duplicates.
pub const DUPLICATE_METRES: f64 = 50.0;

/// Runs every check at the end of the viewed year.
pub fn audit(ds: &Dataset, index: &SiteIndex, view: YearView) -> Vec<AuditEntry> {
    let mut out = Vec::new();
    let entry = |kind, sites: Vec<usize>, zh: String, en: String| AuditEntry {
        kind,
        ids: sites.iter().map(|&i| ds.sites[i].id().to_string()).collect(),
        sites,
        message_zh: zh,
        message_en: en,
    };
    let plan_sites = || ds.sites.iter().enumerate().filter(|(_, s)| !matches!(s.layer(), LayerKey::Reference(_)));

    for (i, s) in plan_sites() {
        let st = s.status(view);
        if st.overdue {
            let py = s.plan_year.unwrap_or_default();
            let (state_zh, state_en) = match st.progress {
                Progress::InProgress => ("在建", "in progress"),
                Progress::Unknown => ("未完成（是否开工不明）", "not done (whether started is unknown)"),
                _ => ("未开工", "not started"),
            };
            out.push(entry(
                AuditKind::Overdue,
                vec![i],
                format!("{}：计划{py}年完成，仍{state_zh}", s.name()),
                format!("{}: planned for {py}, still {state_en}", s.name()),
            ));
        }
        if let (Some(a), Some(c)) = (s.started, s.completed)
            && c.surely_before(&a)
        {
            out.push(entry(
                AuditKind::CompletedBeforeStarted,
                vec![i],
                format!("{}：完工{c}早于开工{a}", s.name()),
                format!("{}: completed {c} before started {a}", s.name()),
            ));
        }
        for t in Timing::ALL.into_iter().filter(|&t| s.unreadable(t)) {
            let raw = s.extra(t.key()).map(|v| v.to_string()).unwrap_or_default();
            let (what_zh, what_en) = match t {
                Timing::PlanYear => ("计划年份", "plan year"),
                Timing::Started => ("开工日期", "start date"),
                Timing::Completed => ("完工日期", "completion date"),
            };
            let unknown = s.status(view).doubtful;
            out.push(entry(
                AuditKind::UnreadableDate,
                vec![i],
                format!(
                    "{}：{what_zh} {raw} 无法识别，{}",
                    s.name(),
                    if unknown { "本年度进度不明" } else { "不影响本年度进度" }
                ),
                format!(
                    "{}: {what_en} {raw} cannot be read; {}",
                    s.name(),
                    if unknown {
                        "the status at this view is unknown"
                    } else {
                        "the status at this view is not affected"
                    }
                ),
            ));
        }
        if let Some(why) = validity::invalidity_in_both(&s.geometry) {
            out.push(entry(
                AuditKind::InvalidGeometry,
                vec![i],
                format!("{}：几何图形无效（{}）", s.name(), why.zh),
                format!("{}: invalid geometry ({})", s.name(), why.en),
            ));
        }
    }

    for (i, s) in plan_sites().filter(|(_, s)| !s.is_located()) {
        out.push(entry(
            AuditKind::NoLocation,
            vec![i],
            format!("{}：文件中没有位置（geometry 为 null），计入统计，地图上不显示", s.name()),
            format!("{}: the file gives no location (geometry null); counted, not on the map", s.name()),
        ));
    }

    // Pocket parks inside urban villages not yet rebuilt at the view.
    for (i, s) in plan_sites().filter(|(_, s)| *s.layer() == LayerKey::Plan(PlanLayer::PocketPark)) {
        for j in index.in_rect(s.bbox) {
            let v = &ds.sites[j];
            // Only a village surely not rebuilt: done or unknown says nothing.
            let rebuilt_or_unknown = matches!(v.status(view).class(), StatusClass::Done | StatusClass::Unknown);
            if *v.layer() != LayerKey::Plan(PlanLayer::UrbanVillage) || rebuilt_or_unknown {
                continue;
            }
            if v.geometry.intersects(&s.geometry) {
                out.push(entry(
                    AuditKind::ParkInUnrebuiltVillage,
                    vec![i, j],
                    format!("{}位于城中村“{}”内，该村尚未改造完成", s.name(), v.name()),
                    format!("{} lies in urban village {}, not yet rebuilt", s.name(), v.name()),
                ));
            }
        }
    }

    // Outside the stated district, where a boundary layer names districts.
    let boundaries: HashMap<&str, &Site> = ds
        .sites
        .iter()
        .filter(|b| matches!(b.layer(), LayerKey::Reference(_)))
        .filter(|b| matches!(b.geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_)))
        .map(|b| (b.name(), b))
        .collect();
    if !boundaries.is_empty() {
        for (i, s) in plan_sites() {
            let Some(d) = s.district() else { continue };
            let Some(b) = boundaries.get(d) else { continue };
            let inside = match s.geometry.centroid() {
                Some(c) => b.geometry.contains(&c) || b.geometry.intersects(&s.geometry),
                None => true,
            };
            if !inside {
                out.push(entry(
                    AuditKind::OutsideDistrict,
                    vec![i],
                    format!("{}：标注为{d}，但不在{d}边界内", s.name()),
                    format!("{}: says {d} but lies outside its boundary", s.name()),
                ));
            }
        }
    }

    // Same name, nearly the same place.
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in plan_sites() {
        by_name.entry(s.name()).or_default().push(i);
    }
    let mut groups: Vec<&Vec<usize>> = by_name.values().filter(|v| v.len() > 1).collect();
    groups.sort();
    for group in groups {
        for (a_pos, &a) in group.iter().enumerate() {
            for &b in &group[a_pos + 1..] {
                let (Some(pa), Some(pb)) = (centre(&ds.sites[a]), centre(&ds.sites[b])) else { continue };
                let d = Haversine.distance(pa, pb);
                if d <= DUPLICATE_METRES {
                    let s = &ds.sites[a];
                    out.push(entry(
                        AuditKind::Duplicate,
                        vec![a, b],
                        format!("“{}”出现两次（{} 与 {}，相距{d:.0}米）", s.name(), s.id(), ds.sites[b].id()),
                        format!("\"{}\" appears twice ({} and {}, {d:.0} m apart)", s.name(), s.id(), ds.sites[b].id()),
                    ));
                }
            }
        }
    }
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.sites.cmp(&b.sites)));
    out
}

fn centre(s: &Site) -> Option<Point<f64>> {
    s.geometry.centroid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;
    use geo::polygon;

    fn site(id: &str, name: &str, layer: PlanLayer, g: Geometry<f64>) -> Site {
        let mut s = Site::new(id, name, LayerKey::Plan(layer), g, Origin { file: 0, index: 0 });
        s.plan_year = Some(2022);
        s
    }

    #[test]
    fn a_park_inside_a_village_is_flagged_only_until_the_village_is_done() {
        let village =
            polygon![(x: 118.0, y: 37.38), (x: 118.01, y: 37.38), (x: 118.01, y: 37.39), (x: 118.0, y: 37.39)];
        let park = polygon![(x: 118.004, y: 37.384), (x: 118.005, y: 37.384), (x: 118.005, y: 37.385), (x: 118.004, y: 37.385)];
        let mut v = site("UV", "某村", PlanLayer::UrbanVillage, village.into());
        v.completed = Some("2021-06".parse().unwrap());
        let p = site("PP", "某园", PlanLayer::PocketPark, park.into());
        let ds = Dataset { sites: vec![v, p], ..Default::default() };
        let idx = SiteIndex::build(&ds.sites);
        let kinds = |y| audit(&ds, &idx, YearView::EndOf(y)).into_iter().map(|e| e.kind).collect::<Vec<_>>();
        assert!(kinds(2020).contains(&AuditKind::ParkInUnrebuiltVillage));
        assert!(!kinds(2021).contains(&AuditKind::ParkInUnrebuiltVillage));
    }

    #[test]
    fn an_unreadable_date_is_named_with_what_the_file_says_and_never_called_overdue() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"D-1","name":"某口袋公园","layer":"pocket_park","plan_year":2020,"started":"2020-04","completed":"2021-13-45"},"geometry":{"type":"Point","coordinates":[118.0,37.4]}}]}"#;
        let ds = crate::load::load_bytes("d.geojson", text.as_bytes(), &Default::default());
        let idx = SiteIndex::build(&ds.sites);
        let found = audit(&ds, &idx, YearView::EndOf(2021));
        assert_eq!(found.iter().map(|e| e.kind).collect::<Vec<_>>(), [AuditKind::UnreadableDate], "{found:#?}");
        assert!(found[0].message_zh.contains("\"2021-13-45\"") && found[0].message_zh.contains("进度不明"));
    }
}
