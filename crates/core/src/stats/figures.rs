//! The dashboard's figures, computed once per dataset, year and targets:
//! which sites each figure of a row counts, whether a row is behind, and the
//! per-layer, per-year and per-county sums the charts draw.

use crate::model::{Dataset, PlanLayer, StatusClass, YearView};
use crate::stats::StatRow;
use crate::stats::looks::{CLASSES, class_slot};

/// One figure of a dashboard row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Everything the data plans for the target.
    Planned,
    /// Completed by the view.
    Done,
    /// Started, not completed, still within the plan year.
    InProgress,
    /// Not started, still within the plan year.
    NotStarted,
    /// Not done although the plan year has passed, started or not.
    Overdue,
    /// The file's dates cannot tell (see [`StatusClass::Unknown`]).
    Unknown,
}

impl Figure {
    /// The figures shown as columns: what is planned, then the five parts
    /// it splits into (which add up to it).
    pub const COLUMNS: [Figure; 6] =
        [Figure::Planned, Figure::Done, Figure::InProgress, Figure::NotStarted, Figure::Overdue, Figure::Unknown];

    /// The five parts of [`Figure::Planned`], one per status class.
    pub const PARTS: [Figure; 5] =
        [Figure::Done, Figure::InProgress, Figure::NotStarted, Figure::Overdue, Figure::Unknown];

    /// The columns worth showing for these rows: all of
    /// [`Figure::COLUMNS`], except "unknown" when no row has any (only
    /// broken dates make it, and clean data should not carry an empty column).
    pub fn columns_for(rows: &[StatRow]) -> Vec<Figure> {
        let any_unknown = rows.iter().any(|r| r.unknown > 0.0);
        Figure::COLUMNS.into_iter().filter(|&f| f != Figure::Unknown || any_unknown).collect()
    }

    /// This figure of a row.
    pub fn of(self, row: &StatRow) -> f64 {
        match self {
            Figure::Planned => row.planned,
            Figure::Done => row.done,
            Figure::InProgress => row.in_progress,
            Figure::NotStarted => row.not_started,
            Figure::Overdue => row.overdue,
            Figure::Unknown => row.unknown,
        }
    }
}

/// The sites counted in one figure of a row, in dataset order. The same
/// split as [`progress()`](crate::stats::progress): the five columns are the
/// map's five status classes, so they never overlap.
pub fn figure_sites(ds: &Dataset, view: YearView, row: &StatRow, figure: Figure) -> Vec<usize> {
    row.sites
        .iter()
        .copied()
        .filter(|&i| {
            let class = ds.sites[i].status(view).class();
            match figure {
                Figure::Planned => true,
                Figure::Done => class == StatusClass::Done,
                Figure::InProgress => class == StatusClass::InProgress,
                Figure::NotStarted => class == StatusClass::NotStarted,
                Figure::Overdue => class == StatusClass::Overdue,
                Figure::Unknown => class == StatusClass::Unknown,
            }
        })
        .collect()
}

/// What a row is measured against: the plan's figure, or everything planned
/// where the plan names no figure.
pub fn goal(row: &StatRow) -> f64 {
    row.target.unwrap_or(row.planned)
}

/// Whether a row is behind: its period has ended by the view and the target
/// is not met.
pub fn is_behind(row: &StatRow, view: YearView) -> bool {
    view.cutoff() >= *row.period.years().end() && goal(row) > 0.0 && !row.met()
}

/// Per layer and year: amounts and sites in each status class, for the stacked chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearStack {
    /// `amounts[year][class]`, years 2020..=2022, classes in [`StatusClass::ALL`] order.
    pub amounts: [[f64; CLASSES]; 3],
    /// The sites behind each amount.
    pub sites: [[Vec<usize>; CLASSES]; 3],
}

/// The years of the stacked chart.
pub const STACK_YEARS: [i32; 3] = [2020, 2021, 2022];

/// Status by year of the sites the layer's targets count (the union of its rows' sites).
pub fn year_stack(ds: &Dataset, rows: &[StatRow], layer: PlanLayer) -> YearStack {
    let mut sites: Vec<usize> =
        rows.iter().filter(|r| r.layer == layer).flat_map(|r| r.sites.iter().copied()).collect();
    sites.sort_unstable();
    sites.dedup();
    let mut out = YearStack::default();
    for (y, year) in STACK_YEARS.into_iter().enumerate() {
        for &i in &sites {
            let s = &ds.sites[i];
            let c = class_slot(s.status(YearView::EndOf(year)).class());
            out.amounts[y][c] += s.amount();
            out.sites[y][c].push(i);
        }
    }
    out
}

/// One layer's rows summed: for the "done vs target" chart.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSummary {
    /// The layer.
    pub layer: PlanLayer,
    /// Sum of the rows' goals (see [`goal`]).
    pub goal: f64,
    /// Sum of the rows' done figures.
    pub done: f64,
    /// The sites of all its rows.
    pub sites: Vec<usize>,
    /// Those of them done at the view.
    pub done_sites: Vec<usize>,
}

impl LayerSummary {
    /// Done as a percentage of the goal.
    pub fn percent(&self) -> f64 {
        if self.goal > 0.0 { 100.0 * self.done / self.goal } else { 0.0 }
    }
}

/// Per layer, in the plan's order: all rows summed.
pub fn layer_summaries(ds: &Dataset, view: YearView, rows: &[StatRow]) -> Vec<LayerSummary> {
    PlanLayer::ALL
        .into_iter()
        .filter_map(|layer| {
            let mine: Vec<&StatRow> = rows.iter().filter(|r| r.layer == layer).collect();
            if mine.is_empty() {
                return None;
            }
            let mut s = LayerSummary { layer, goal: 0.0, done: 0.0, sites: Vec::new(), done_sites: Vec::new() };
            for r in mine {
                s.goal += goal(r);
                s.done += r.done;
                s.sites.extend(&r.sites);
                s.done_sites.extend(figure_sites(ds, view, r, Figure::Done));
            }
            Some(s)
        })
        .collect()
}

/// One county's rows of a layer summed: for the per-county chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CountySummary {
    /// The county.
    pub district: String,
    /// Sum of its targets.
    pub goal: f64,
    /// Sum of its done figures.
    pub done: f64,
    /// Its sites.
    pub sites: Vec<usize>,
    /// Those done at the view.
    pub done_sites: Vec<usize>,
}

/// Per county (in the plan's order), the layer's per-county rows summed over periods.
pub fn county_summaries(ds: &Dataset, view: YearView, rows: &[StatRow], layer: PlanLayer) -> Vec<CountySummary> {
    let mut out: Vec<CountySummary> = Vec::new();
    for r in rows.iter().filter(|r| r.layer == layer) {
        let Some(d) = &r.district else { continue };
        let pos = match out.iter().position(|c| &c.district == d) {
            Some(p) => p,
            None => {
                out.push(CountySummary { district: d.clone(), ..Default::default() });
                out.len() - 1
            }
        };
        let c = &mut out[pos];
        c.goal += goal(r);
        c.done += r.done;
        c.sites.extend(&r.sites);
        c.done_sites.extend(figure_sites(ds, view, r, Figure::Done));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LayerKey, Scope, Site};
    use crate::stats::{PlanTargets, progress};

    fn row(period: crate::stats::Period, target: Option<f64>, done: f64, planned: f64) -> StatRow {
        StatRow {
            layer: PlanLayer::PocketPark,
            kind: None,
            scope: Scope::MainCity,
            district: None,
            period,
            target,
            unit: "处".into(),
            planned,
            done,
            in_progress: 0.0,
            not_started: planned - done,
            overdue: 0.0,
            unknown: 0.0,
            overdue_started: 0.0,
            percent: None,
            sentence: String::new(),
            sentence_en: String::new(),
            sites: Vec::new(),
        }
    }

    #[test]
    fn a_row_is_behind_only_once_its_period_has_ended_unmet() {
        use crate::stats::Period;
        let r = row(Period::Y2021To2022, Some(30.0), 10.0, 30.0);
        assert!(!is_behind(&r, YearView::EndOf(2021)));
        assert!(is_behind(&r, YearView::EndOf(2022)));
        assert!(is_behind(&r, YearView::Latest));
        let met = row(Period::Y2020, Some(36.0), 36.0, 40.0);
        assert!(!is_behind(&met, YearView::EndOf(2022)));
        let nothing = row(Period::Y2020, None, 0.0, 0.0);
        assert!(!is_behind(&nothing, YearView::EndOf(2022)), "nothing planned, nothing to be behind on");
    }

    #[test]
    fn the_year_stack_splits_a_layers_sites_into_the_four_classes() {
        let mut a = Site::new_for_test("a", "a");
        a.tags_mut().layer = LayerKey::Plan(PlanLayer::PocketPark);
        a.scope = Some(Scope::MainCity);
        a.plan_year = Some(2020);
        a.started = Some("2020-03".parse().unwrap());
        a.completed = Some("2021-05".parse().unwrap());
        let ds = Dataset { sites: vec![a], ..Default::default() };
        let rows = progress(&ds, &PlanTargets::bundled(), YearView::Latest);
        let st = year_stack(&ds, &rows, PlanLayer::PocketPark);
        assert_eq!(st.amounts[0], [0.0, 0.0, 0.0, 1.0, 0.0], "2020: overdue");
        assert_eq!(st.amounts[1], [1.0, 0.0, 0.0, 0.0, 0.0], "2021: done");
        assert_eq!(st.sites[0][3], vec![0]);
    }
}
