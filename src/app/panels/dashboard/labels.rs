//! How the dashboard names its rows and figures, in the interface's language.

use binzhou_core::model::{PlanLayer, Scope, StatusClass};
use binzhou_core::stats::{Figure, StatRow};

use crate::app::i18n::{Lang, tr};

/// A figure's column header.
pub fn figure_name(figure: Figure, lang: Lang) -> &'static str {
    match figure {
        Figure::Planned => tr(lang, "计划", "Planned"),
        Figure::Done => tr(lang, StatusClass::Done.name_zh(), StatusClass::Done.name_en()),
        Figure::InProgress => tr(lang, StatusClass::InProgress.name_zh(), StatusClass::InProgress.name_en()),
        Figure::NotStarted => tr(lang, StatusClass::NotStarted.name_zh(), StatusClass::NotStarted.name_en()),
        Figure::Overdue => tr(lang, StatusClass::Overdue.name_zh(), StatusClass::Overdue.name_en()),
    }
}

/// A figure as shown: km with one decimal, counts as whole numbers.
pub fn amount_text(v: f64, km: bool) -> String {
    if km { format!("{v:.1}") } else { format!("{v:.0}") }
}

fn kind_name(kind: &str, lang: Lang) -> String {
    match kind {
        "road" => tr(lang, "道路", "roads").into(),
        "bridge" => tr(lang, "桥梁", "bridges").into(),
        k => k.into(),
    }
}

pub fn layer_name(layer: PlanLayer, lang: Lang) -> &'static str {
    tr(lang, layer.name_zh(), layer.name_en())
}

/// A short layer name for chart axes.
pub fn layer_short_name(layer: PlanLayer, lang: Lang) -> &'static str {
    match layer {
        PlanLayer::DeadEndRoad => tr(lang, "断头路", "Dead ends"),
        PlanLayer::PocketPark => tr(lang, "口袋公园", "Parks"),
        PlanLayer::Greenway => tr(lang, "绿道", "Greenways"),
        PlanLayer::OverheadLineZone => tr(lang, "架空线", "Overhead"),
        PlanLayer::UrbanVillage => tr(lang, "城中村", "Villages"),
    }
}

/// "市主城区" / "Main city", a county's name, or "各县(市、区)" / "Each county".
pub fn scope_name(row: &StatRow, lang: Lang) -> String {
    match (&row.district, row.scope) {
        (Some(d), _) => d.clone(),
        (None, Scope::MainCity) => tr(lang, Scope::MainCity.name_zh(), "Main city").into(),
        (None, Scope::County) => tr(lang, Scope::County.name_zh(), "Each county").into(),
    }
}

/// A row's title without its layer: "道路 · 市主城区 · 2020".
pub fn row_short_title(row: &StatRow, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &row.kind {
        parts.push(kind_name(k, lang));
    }
    parts.push(scope_name(row, lang));
    parts.push(row.period.label().to_string());
    parts.join(" · ")
}

/// A row's full title, unique among the rows: "断头路/断头桥 · 道路 · 市主城区 · 2020".
pub fn row_title(row: &StatRow, lang: Lang) -> String {
    format!("{} · {}", layer_name(row.layer, lang), row_short_title(row, lang))
}

/// The accessible name of one figure's cell: "{row title} · {figure}: {value}".
pub fn figure_label(row: &StatRow, figure: Figure, lang: Lang) -> String {
    format!(
        "{} · {}: {}",
        row_title(row, lang),
        figure_name(figure, lang),
        amount_text(figure.of(row), row.layer.counts_km())
    )
}
