//! `stats [--year Y] [--data DIR] [--json]`

use std::path::Path;

use binzhou_core::model::{Severity, YearView};
use binzhou_core::stats::{PlanTargets, progress};

pub fn run(out: &mut dyn std::io::Write, year: Option<i32>, data: &Path, json: bool) -> anyhow::Result<i32> {
    let view = match year {
        Some(y) => YearView::EndOf(y),
        None => YearView::Latest,
    };
    let targets = if data.is_dir() { PlanTargets::for_data_dir(data)? } else { PlanTargets::bundled() };
    let ds = binzhou_formats::load_paths(&[data.to_path_buf()], &Default::default()).0;
    for p in ds.problems.iter().filter(|p| p.severity == Severity::Error) {
        eprintln!("{p}");
    }
    let rows = progress(&ds, &targets, view);
    if json {
        let doc = serde_json::json!({
            "year": year,
            "rows": rows,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(0);
    }
    let when = match view {
        YearView::EndOf(y) => format!("end of {y} / {y}年底"),
        YearView::Latest => "latest / 最新".into(),
    };
    writeln!(out, "Progress against the plan's targets at {when}  ({} sites)", ds.sites.len())?;
    writeln!(
        out,
        "{:<20} {:<10} {:<8} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "layer",
        "scope",
        "kind",
        "period",
        "target",
        "planned",
        "done",
        "in prog",
        "not st",
        "overdue",
        "unknown",
        "percent"
    )?;
    let fmt = |v: f64, unit: &str| {
        if unit == "km" { format!("{v:.1}km") } else { format!("{v:.0}") }
    };
    for r in &rows {
        let scope = pad(&r.district.clone().unwrap_or_else(|| r.scope.key().to_string()), 10);
        writeln!(
            out,
            "{:<20} {} {:<8} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
            r.layer.key(),
            scope,
            r.kind.as_deref().unwrap_or("-"),
            r.period.label(),
            r.target.map(|t| fmt(t, &r.unit)).unwrap_or_else(|| "-".into()),
            fmt(r.planned, &r.unit),
            fmt(r.done, &r.unit),
            fmt(r.in_progress, &r.unit),
            fmt(r.not_started, &r.unit),
            fmt(r.overdue, &r.unit),
            fmt(r.unknown, &r.unit),
            r.percent.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "-".into()),
        )?;
    }
    writeln!(
        out,
        "done + in prog + not st + overdue + unknown = planned; in prog and not st count only sites whose plan year has not passed; unknown: a date the file has is unreadable or contradicts another"
    )?;
    Ok(0)
}

/// Left-aligns text in a terminal column, counting CJK characters as two cells.
fn pad(s: &str, cells: usize) -> String {
    let width: usize = s.chars().map(|c| if c >= '\u{1100}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(cells.saturating_sub(width)))
}
