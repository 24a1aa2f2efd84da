//! `audit [--year Y] [--data DIR…] [--json]`

use std::path::PathBuf;

use binzhou_core::audit::{AuditKind, audit};
use binzhou_core::index::SiteIndex;
use binzhou_core::model::{Severity, YearView};

pub fn run(
    out: &mut dyn std::io::Write,
    year: Option<i32>,
    data: &[PathBuf],
    json: bool,
    zh: bool,
) -> anyhow::Result<i32> {
    let view = year.map(YearView::EndOf).unwrap_or(YearView::Latest);
    let ds = binzhou_formats::load_paths(data, &Default::default()).0;
    for p in ds.problems.iter().filter(|p| p.severity == Severity::Error) {
        eprintln!("{}", p.line(zh));
    }
    let index = SiteIndex::build(&ds.sites);
    let entries = audit(&ds, &index, view);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&serde_json::json!({ "year": year, "entries": entries }))?)?;
        return Ok(0);
    }
    for kind in AuditKind::ALL {
        let of_kind: Vec<_> = entries.iter().filter(|e| e.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        writeln!(out, "{} / {} ({})", kind.name_zh(), kind.name_en(), of_kind.len())?;
        for e in of_kind {
            writeln!(out, "  [{}] {}", e.ids.join(", "), if zh { &e.message_zh } else { &e.message_en })?;
        }
    }
    if zh {
        writeln!(out, "共 {} 项发现，涉及 {} 个项目", entries.len(), ds.sites.len())?;
    } else {
        writeln!(out, "{} findings in {} sites", entries.len(), ds.sites.len())?;
    }
    Ok(0)
}
