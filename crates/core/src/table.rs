//! The attribute table's rows, headless: which sites, in which order, with
//! which cell text. The app draws it (virtualised); CSV export and tests use
//! the same code, so what is exported is what is shown.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::model::{Dataset, LayerKey, Site, StatusClass, Timing, YearView, names};

/// A column of the table: a model field, or an extra property by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Column {
    /// The site's id.
    Id,
    /// The site's name.
    Name,
    /// The site's layer, by name.
    Layer,
    /// The `kind` property.
    Kind,
    /// The plan task number.
    Task,
    /// The lead unit (牵头单位).
    LeadUnit,
    /// The county-level division.
    District,
    /// Main city or county.
    Scope,
    /// The plan year.
    PlanYear,
    /// The start date.
    Started,
    /// The completion date.
    Completed,
    /// The status class at the viewed year (empty for sites without plan dates).
    Status,
    /// The computed geodesic length in km (empty when 0).
    LengthKm,
    /// The computed geodesic area in m² (empty when 0).
    AreaM2,
    /// A property the model does not know, by key.
    Extra(String),
}

impl Column {
    /// The model's columns, in display order (extra properties follow them).
    pub const MODEL: [Column; 14] = [
        Column::Id,
        Column::Name,
        Column::Status,
        Column::Layer,
        Column::Kind,
        Column::Task,
        Column::LeadUnit,
        Column::District,
        Column::Scope,
        Column::PlanYear,
        Column::Started,
        Column::Completed,
        Column::LengthKm,
        Column::AreaM2,
    ];

    /// The header: Chinese, English. Known extra properties get a readable
    /// name; other keys are shown as the data wrote them.
    pub fn title(&self) -> (String, String) {
        let (zh, en) = match self {
            Column::Id => ("编号", "ID"),
            Column::Name => ("名称", "Name"),
            Column::Layer => ("图层", "Layer"),
            Column::Kind => ("类型", "Kind"),
            Column::Task => ("任务", "Task"),
            Column::LeadUnit => ("牵头单位", "Lead unit"),
            Column::District => ("区县", "County"),
            Column::Scope => ("范围", "Scope"),
            Column::PlanYear => ("计划年份", "Plan year"),
            Column::Started => ("开工", "Started"),
            Column::Completed => ("完工", "Completed"),
            Column::Status => ("状态", "Status"),
            Column::LengthKm => ("长度(km)", "Length (km)"),
            Column::AreaM2 => ("面积(m²)", "Area (m²)"),
            Column::Extra(k) => {
                return match names::property(k) {
                    Some(n) => (n.zh.into(), n.en.into()),
                    None => (k.clone(), k.clone()),
                };
            }
        };
        (zh.into(), en.into())
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Column::Task | Column::PlanYear | Column::LengthKm | Column::AreaM2)
    }
}

/// Every column for the given sites: the model's, then each extra property
/// key in order of first appearance.
pub fn columns_for(ds: &Dataset, rows: &[usize]) -> Vec<Column> {
    let mut cols: Vec<Column> = Column::MODEL.to_vec();
    let mut seen = BTreeSet::new();
    for &i in rows {
        for k in ds.sites[i].extras().keys() {
            if !ds.sites[i].is_kept_timing(&k) && seen.insert(k.clone()) {
                cols.push(Column::Extra(k));
            }
        }
    }
    cols
}

/// The text of one cell (Chinese names for layer and status when `zh`).
pub fn cell(site: &Site, col: &Column, view: YearView, zh: bool) -> String {
    let opt = |v: Option<&str>| v.unwrap_or("").to_string();
    match col {
        Column::Id => site.id().to_string(),
        Column::Name => site.name().to_string(),
        Column::Layer => {
            if zh {
                site.layer().name_zh()
            } else {
                site.layer().name_en()
            }
        }
        Column::Kind => site.kind().map(|k| names::or_raw(names::kind(k), k, zh)).unwrap_or_default(),
        Column::Task => site.task.map(|t| t.to_string()).unwrap_or_default(),
        Column::LeadUnit => opt(site.lead_unit()),
        Column::District => site.district().map(|d| names::or_raw(names::district(d), d, zh)).unwrap_or_default(),
        Column::Scope => site.scope.map(|s| if zh { s.name_zh() } else { s.name_en() }.to_string()).unwrap_or_default(),
        Column::PlanYear => site.timing_text(Timing::PlanYear).unwrap_or_default(),
        Column::Started => site.timing_text(Timing::Started).unwrap_or_default(),
        Column::Completed => site.timing_text(Timing::Completed).unwrap_or_default(),
        Column::Status => {
            if !site.has_schedule() {
                return String::new();
            }
            let c = site.status(view).class();
            if zh { c.name_zh() } else { c.name_en() }.to_string()
        }
        Column::LengthKm => nonzero(site.length_km(), 3),
        Column::AreaM2 => nonzero(site.area_m2(), 0),
        Column::Extra(k) => match site.extra(k) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s,
            Some(v) => v.to_string(),
        },
    }
}

fn nonzero(v: f64, decimals: usize) -> String {
    if v > 0.0 { format!("{v:.decimals$}") } else { String::new() }
}

/// Which rows to show.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Case-insensitive text matched against id, name, district, lead unit, kind.
    pub text: String,
    /// Only sites in this status class at the view (sites without plan dates never match).
    pub status: Option<StatusClass>,
    /// Only sites of the layer with this key (as [`LayerKey::key`] gives it).
    pub layer: Option<String>,
    /// Only sites naming this district.
    pub district: Option<String>,
    /// Only sites with this plan year.
    pub plan_year: Option<i32>,
}

impl Filter {
    /// Whether the site passes every condition at the view.
    pub fn accepts(&self, s: &Site, view: YearView) -> bool {
        if let Some(c) = self.status
            && (!s.has_schedule() || s.status(view).class() != c)
        {
            return false;
        }
        if self.layer.as_ref().is_some_and(|l| *l != s.layer().key()) {
            return false;
        }
        if self.district.as_deref().is_some_and(|d| s.district() != Some(d)) {
            return false;
        }
        if self.plan_year.is_some_and(|y| s.plan_year != Some(y)) {
            return false;
        }
        let t = self.text.trim();
        if t.is_empty() {
            return true;
        }
        let t = t.to_lowercase();
        [Some(s.id()), Some(s.name()), s.district(), s.lead_unit(), s.kind()]
            .into_iter()
            .flatten()
            .any(|f| f.to_lowercase().contains(&t))
    }
}

/// Sort order.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sort {
    /// The column sorted by.
    pub column: Column,
    /// Largest (or latest) first when true.
    pub descending: bool,
}

/// The rows (site indices) of the visible layers that pass the filter, sorted.
/// Ties keep dataset order, so the result is stable.
pub fn rows(
    ds: &Dataset,
    visible: &dyn Fn(&LayerKey) -> bool,
    filter: &Filter,
    sort: Option<&Sort>,
    view: YearView,
) -> Vec<usize> {
    let mut out: Vec<usize> =
        (0..ds.sites.len()).filter(|&i| visible(ds.sites[i].layer()) && filter.accepts(&ds.sites[i], view)).collect();
    if let Some(sort) = sort {
        let keys: Vec<SortKey> = out.iter().map(|&i| SortKey::of(&ds.sites[i], &sort.column, view)).collect();
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by(|&a, &b| {
            let o = keys[a].cmp(&keys[b]);
            if sort.descending { o.reverse() } else { o }
        });
        out = order.into_iter().map(|k| out[k]).collect();
    }
    out
}

/// Numbers sort as numbers, text as text; empty cells last.
#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Num(f64),
    Text(String),
    Empty,
}

impl SortKey {
    fn of(s: &Site, col: &Column, view: YearView) -> SortKey {
        let text = cell(s, col, view, true);
        if text.is_empty() {
            return SortKey::Empty;
        }
        if (col.is_numeric() || matches!(col, Column::Extra(_)))
            && let Ok(v) = text.parse::<f64>()
        {
            return SortKey::Num(v);
        }
        SortKey::Text(text)
    }

    fn cmp(&self, other: &SortKey) -> Ordering {
        self.partial_cmp(other).unwrap_or(Ordering::Equal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds() -> Dataset {
        let mut sites = Vec::new();
        for (id, name, year, done, invest) in [
            ("A", "黄河五路口袋公园", 2021, Some("2021-05"), 30.0),
            ("B", "渤海十路绿道", 2020, None, 5.5),
            ("C", "黄河二路节点绿地", 2020, Some("2020-06"), 120.0),
        ] {
            let mut s = Site::new_for_test(id, name);
            s.plan_year = Some(year);
            s.started = Some("2020-01".parse().unwrap());
            s.completed = done.map(|d| d.parse().unwrap());
            s.tags_mut().district = Some("滨城区".into());
            s.set_extra("investment_wan_yuan", serde_json::json!(invest));
            sites.push(s);
        }
        Dataset { sites, ..Default::default() }
    }

    #[test]
    fn sorting_by_a_numeric_extra_property_sorts_by_value_not_text() {
        let ds = ds();
        let sort = Sort { column: Column::Extra("investment_wan_yuan".into()), descending: false };
        let r = rows(&ds, &|_| true, &Filter::default(), Some(&sort), YearView::EndOf(2022));
        assert_eq!(r, [1, 0, 2]);
        let sort = Sort { descending: true, ..sort };
        assert_eq!(rows(&ds, &|_| true, &Filter::default(), Some(&sort), YearView::EndOf(2022)), [2, 0, 1]);
    }

    #[test]
    fn filtering_by_text_and_status_keeps_only_matching_rows() {
        let ds = ds();
        let f = Filter { text: "黄河".into(), ..Default::default() };
        assert_eq!(rows(&ds, &|_| true, &f, None, YearView::EndOf(2020)), [0, 2]);
        let f = Filter { status: Some(StatusClass::Overdue), ..Default::default() };
        assert_eq!(rows(&ds, &|_| true, &f, None, YearView::EndOf(2020)), [1]);
        let f = Filter { plan_year: Some(2021), ..Default::default() };
        assert_eq!(rows(&ds, &|_| true, &f, None, YearView::EndOf(2020)), [0]);
    }

    #[test]
    fn extra_properties_become_columns_after_the_models() {
        let ds = ds();
        let cols = columns_for(&ds, &[0, 1, 2]);
        assert_eq!(cols.last(), Some(&Column::Extra("investment_wan_yuan".into())));
        assert_eq!(cols.len(), Column::MODEL.len() + 1);
    }
}
