//! Counting sites (or kilometres) against each target.

use super::{Period, PlanTargets, Target};
use crate::model::{Dataset, PlanLayer, Progress, Scope, Site, StatusClass, YearView};

/// One line of the progress table: a target and where it stands.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StatRow {
    /// The plan layer the target counts.
    pub layer: PlanLayer,
    /// The `kind` the target is restricted to (e.g. `road` or `bridge`), if any.
    pub kind: Option<String>,
    /// Main city or county.
    pub scope: Scope,
    /// The county, for rows of a per-county target.
    pub district: Option<String>,
    /// The plan years the target is counted over.
    pub period: Period,
    /// The plan's figure, or `None` where it names an area.
    pub target: Option<f64>,
    /// The target's unit (条, 座, 处, km, 个, 片).
    pub unit: String,
    /// Sites (or km) the data plans for this period.
    pub planned: f64,
    /// Sites (or km) of `planned` completed by the view.
    pub done: f64,
    /// Sites (or km) of `planned` started, not completed, and still within
    /// their plan year at the view.
    pub in_progress: f64,
    /// Sites (or km) of `planned` not started and still within their plan year.
    pub not_started: f64,
    /// Sites (or km) of `planned` not completed although their plan year has
    /// passed, started or not.
    pub overdue: f64,
    /// Sites (or km) of `planned` whose dates cannot tell their status at the
    /// view (an unreadable date, or `completed` before `started`).
    /// `done + in_progress + not_started + overdue + unknown` is always
    /// `planned`: the five are the map's five status classes.
    pub unknown: f64,
    /// The part of `overdue` that has at least started ("其中已开工").
    pub overdue_started: f64,
    /// done / target (or done / planned where there is no figure), in percent.
    pub percent: Option<f64>,
    /// The plan's sentence for the target, in Chinese.
    pub sentence: String,
    /// The same sentence in English (empty when the targets file gives none).
    pub sentence_en: String,
    /// Indices into `Dataset::sites` of the sites counted in `planned`.
    #[serde(skip)]
    pub sites: Vec<usize>,
}

impl StatRow {
    /// Whether `done` has reached the target (or all planned sites, without one).
    pub fn met(&self) -> bool {
        let goal = self.target.unwrap_or(self.planned);
        self.done + 1e-9 >= goal && goal > 0.0
    }

    /// The sites of this row in one status class at the view.
    pub fn sites_in(&self, ds: &Dataset, view: YearView, class: StatusClass) -> Vec<usize> {
        self.sites.iter().copied().filter(|&i| ds.sites[i].status(view).class() == class).collect()
    }
}

fn matches(t: &Target, s: &Site, district: Option<&str>) -> bool {
    s.layer().plan() == Some(t.layer)
        && s.scope == Some(t.scope)
        && s.plan_year.is_some_and(|y| t.period.contains(y))
        && t.kind.as_deref().is_none_or(|k| s.kind() == Some(k))
        && district.is_none_or(|d| s.district() == Some(d))
}

/// Progress at the end of the viewed year, one row per target (per county
/// for the targets that apply to each county).
///
/// At any year the `target` column is the plan's own figure; what changes
/// with the year is how much of it is done.
pub fn progress(ds: &Dataset, targets: &PlanTargets, view: YearView) -> Vec<StatRow> {
    let mut rows = Vec::new();
    for t in &targets.targets {
        let districts: Vec<Option<String>> = if t.per_county {
            let mut ds_names: Vec<String> = targets.counties.clone();
            // Counties the data names beyond the plan's list still get a row.
            for s in &ds.sites {
                if let Some(d) = &s.district()
                    && matches(t, s, None)
                    && !ds_names.iter().any(|n| n == &**d)
                {
                    ds_names.push(d.to_string());
                }
            }
            ds_names.into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        for district in districts {
            let mut row = StatRow {
                layer: t.layer,
                kind: t.kind.clone(),
                scope: t.scope,
                district: district.clone(),
                period: t.period,
                target: t.value,
                unit: t.unit.clone(),
                planned: 0.0,
                done: 0.0,
                in_progress: 0.0,
                not_started: 0.0,
                overdue: 0.0,
                unknown: 0.0,
                overdue_started: 0.0,
                percent: None,
                sentence: t.sentence.clone(),
                sentence_en: t.sentence_en.clone(),
                sites: Vec::new(),
            };
            for (i, s) in ds.sites.iter().enumerate() {
                if !matches(t, s, district.as_deref()) {
                    continue;
                }
                let amount = s.amount();
                let st = s.status(view);
                row.planned += amount;
                match st.class() {
                    StatusClass::Done => row.done += amount,
                    StatusClass::InProgress => row.in_progress += amount,
                    StatusClass::NotStarted => row.not_started += amount,
                    StatusClass::Overdue => {
                        row.overdue += amount;
                        if st.progress == Progress::InProgress {
                            row.overdue_started += amount;
                        }
                    }
                    StatusClass::Unknown => row.unknown += amount,
                }
                row.sites.push(i);
            }
            let goal = t.value.unwrap_or(row.planned);
            row.percent = (goal > 0.0).then(|| 100.0 * row.done / goal);
            rows.push(row);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LayerKey;

    fn park(id: &str, scope: Scope, district: &str, plan: i32, done: Option<&str>) -> Site {
        let mut s = Site::new_for_test(id, id);
        s.tags_mut().layer = LayerKey::Plan(PlanLayer::PocketPark);
        s.scope = Some(scope);
        s.tags_mut().district = Some(district.into());
        s.plan_year = Some(plan);
        s.started = Some("2020-03".parse().unwrap());
        s.completed = done.map(|d| d.parse().unwrap());
        s
    }

    #[test]
    fn rows_count_done_and_overdue_sites_at_each_year() {
        let ds = Dataset {
            sites: vec![
                park("a", Scope::MainCity, "滨城区", 2020, Some("2020-10")),
                park("b", Scope::MainCity, "滨城区", 2020, Some("2021-05")),
                park("c", Scope::MainCity, "滨城区", 2021, None),
                park("d", Scope::County, "沾化区", 2020, Some("2020-09")),
            ],
            ..Default::default()
        };
        let t = PlanTargets::bundled();
        let at = |y| progress(&ds, &t, YearView::EndOf(y));
        let mc2020 = |rows: &[StatRow]| {
            rows.iter()
                .find(|r| r.layer == PlanLayer::PocketPark && r.scope == Scope::MainCity && r.period == Period::Y2020)
                .cloned()
                .unwrap()
        };
        let r = mc2020(&at(2020));
        assert_eq!((r.target, r.planned, r.done, r.overdue), (Some(36.0), 2.0, 1.0, 1.0));
        assert_eq!(r.done + r.in_progress + r.not_started + r.overdue, r.planned, "the four figures add up");
        assert_eq!(r.sites, vec![0, 1]);
        let r = mc2020(&at(2021));
        assert_eq!((r.done, r.overdue), (2.0, 0.0));
        let zh: Vec<_> = at(2020)
            .into_iter()
            .filter(|r| r.layer == PlanLayer::PocketPark && r.period == Period::Y2020 && r.scope == Scope::County)
            .collect();
        assert_eq!(zh.len(), 7, "one row per county of the plan");
        let zhanhua = zh.iter().find(|r| r.district.as_deref() == Some("沾化区")).unwrap();
        assert_eq!((zhanhua.target, zhanhua.done), (Some(5.0), 1.0));
        let r21 = at(2021)
            .into_iter()
            .find(|r| r.layer == PlanLayer::PocketPark && r.scope == Scope::MainCity && r.period == Period::Y2021To2022)
            .unwrap();
        assert_eq!((r21.planned, r21.overdue, r21.not_started), (1.0, 1.0, 0.0));
        assert_eq!((r21.in_progress, r21.overdue_started), (0.0, 1.0), "overdue is not also in progress");
    }
}
