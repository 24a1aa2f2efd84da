//! How the dashboard names its rows and figures, in the interface's language.

use binzhou_core::model::{PlanLayer, StatusClass};
use binzhou_core::stats::{Figure, StatRow};

use crate::app::i18n::Lang;

/// A figure's column header.
pub fn figure_name(figure: Figure, lang: Lang) -> &'static str {
    match figure {
        Figure::Planned => lang.text().dash_planned,
        Figure::Done => lang.status(StatusClass::Done),
        Figure::InProgress => lang.status(StatusClass::InProgress),
        Figure::NotStarted => lang.status(StatusClass::NotStarted),
        Figure::Overdue => lang.status(StatusClass::Overdue),
        Figure::Unknown => lang.status(StatusClass::Unknown),
    }
}

/// What a figure's column counts, for its header's tooltip.
pub fn figure_hint(figure: Figure, lang: Lang) -> &'static str {
    let t = lang.text();
    match figure {
        Figure::Planned => t.dash_hint_planned,
        Figure::Done => t.dash_hint_done,
        Figure::InProgress => t.dash_hint_in_progress,
        Figure::NotStarted => t.dash_hint_not_started,
        Figure::Overdue => t.dash_hint_overdue,
        Figure::Unknown => t.dash_hint_unknown,
    }
}

/// A figure as shown: km with one decimal, counts as whole numbers.
pub fn amount_text(v: f64, km: bool) -> String {
    if km { format!("{v:.1}") } else { format!("{v:.0}") }
}

fn kind_name(kind: &str, lang: Lang) -> String {
    match kind {
        "road" => lang.text().dash_kind_road.into(),
        "bridge" => lang.text().dash_kind_bridge.into(),
        k => k.into(),
    }
}

pub fn layer_name(layer: PlanLayer, lang: Lang) -> &'static str {
    lang.plan_layer(layer)
}

/// A short layer name for chart axes.
pub fn layer_short_name(layer: PlanLayer, lang: Lang) -> &'static str {
    lang.plan_layer_short(layer)
}

/// "市主城区" / "Main city", a county's name, or "各县(市、区)" / "Each county".
pub fn scope_name(row: &StatRow, lang: Lang) -> String {
    match (&row.district, row.scope) {
        (Some(d), _) => d.clone(),
        (None, scope) => lang.target_scope(scope).into(),
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
