//! `edit FILE --site ID --set FIELD=VALUE… [--move LON,LAT] [--delete]`: a progress update
//! from a script (the monthly ledger), saved the way the app saves: only
//! the site's feature changes, the old file is kept as `.bak`, atomically.
//! And the hidden `edit-soak`, which saves over and over for the SIGKILL test.

use std::path::Path;

use anyhow::Context;
use serde_json::Value;

use binzhou_core::edit::fields::{self, Field};
use binzhou_core::edit::save::save_back;
use binzhou_core::edit::{Editor, FeatureState, Target};
use binzhou_core::load::{LoadOptions, load_file};
use binzhou_core::model::{Bilingual, Msg, Severity};

use super::Lang;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Who the change is by: `$USER`, else "cli".
fn author() -> String {
    std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "cli".into())
}

pub fn run(
    out: &mut dyn std::io::Write,
    file: &Path,
    site: &str,
    sets: &[String],
    move_to: Option<&str>,
    delete: bool,
    lang: Lang,
) -> anyhow::Result<i32> {
    let zh = lang == Lang::Zh;
    let mut ds = load_file(file, &LoadOptions::default(), &|_, _| {});
    if let Some(p) = ds.problems.iter().find(|p| p.severity == Severity::Error && p.feature.is_none()) {
        anyhow::bail!("{}", if zh { p.message_zh() } else { p.message() });
    }
    let Some(i) = ds.find_by_id(site) else {
        anyhow::bail!(
            "{}",
            if zh {
                format!("{}：没有编号为 {site} 的项目", file.display())
            } else {
                format!("{}: no site with id {site}", file.display())
            }
        );
    };
    let target = if delete {
        Target::Site(i, None)
    } else {
        let mut state = FeatureState::of(&ds, i).context("the site's state")?;
        for s in sets {
            let Some((key, text)) = s.split_once('=') else {
                anyhow::bail!(
                    "{}",
                    if zh {
                        format!("--set {s}：应为 字段=值")
                    } else {
                        format!("--set {s}: expected FIELD=VALUE")
                    }
                );
            };
            let key = key.trim();
            let value = match Field::of_key(key) {
                Some(f) => {
                    fields::parse(f, text, &ds, Some(i)).map_err(|m| anyhow::anyhow!("{key}: {}", m.text(zh)))?
                }
                // Other properties: JSON when it parses (numbers, true), else text.
                None if text.trim().is_empty() => Value::Null,
                None => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())),
            };
            state = state.with(key, value);
        }
        if let Some(text) = move_to {
            let at = binzhou_core::locate::locate(text)
                .map_err(|e| anyhow::anyhow!("--move {text}: {}", if zh { e.zh() } else { e.to_string() }))?;
            if !matches!(ds.sites[i].geometry, geo::Geometry::Point(_)) {
                anyhow::bail!(
                    "{}",
                    if zh {
                        format!("--move：{site} 不是点要素，只能移动点")
                    } else {
                        format!("--move: {site} is not a point; only points can be moved")
                    }
                );
            }
            state = state.with_geometry(&geo::Geometry::Point(geo::Point::new(at.lon, at.lat)));
        }
        Target::Site(i, Some(state))
    };
    let mut ed = Editor::new(author());
    let label = Msg::new(format!("edit {site}"), format!("编辑 {site}"));
    let applied = ed.apply(&mut ds, label, vec![target], now_ms()).map_err(|e| anyhow::anyhow!("{}", e.text(zh)))?;
    for p in &applied.problems {
        writeln!(out, "{}", if zh { p.message_zh() } else { p.message() })?;
    }
    if applied.changes.is_empty() {
        writeln!(out, "{}", if zh { "没有变化，文件未改动" } else { "nothing changed; the file is untouched" })?;
        return Ok(0);
    }
    let saved = save_back(&ds, &ed, 0, false).map_err(|e| anyhow::anyhow!("{}", e.text(zh)))?;
    if zh {
        writeln!(out, "已保存 {}（原文件保留为 {}）", saved.path.display(), saved.backup.display())?;
    } else {
        writeln!(out, "saved {} (the previous version is {})", saved.path.display(), saved.backup.display())?;
    }
    Ok(0)
}

/// Saves `file` again and again, each time with the next number in the
/// `soak` property of one of its sites, printing the number once the save
/// returned: what the SIGKILL test kills.
pub fn soak(out: &mut dyn std::io::Write, file: &Path, count: Option<u64>) -> anyhow::Result<i32> {
    let mut ds = load_file(file, &LoadOptions { threads: 1, ..Default::default() }, &|_, _| {});
    anyhow::ensure!(!ds.sites.is_empty(), "{}: no sites", file.display());
    let mut ed = Editor::new("soak");
    let start =
        ds.sites.iter().filter_map(|s| s.extra("soak").and_then(|v| v.as_u64())).max().map(|n| n + 1).unwrap_or(0);
    let mut n = start;
    while count.is_none_or(|c| n < start + c) {
        let i = (n as usize) % ds.sites.len();
        let state = FeatureState::of(&ds, i).context("state")?.with("soak", Value::from(n));
        ed.apply(&mut ds, Msg::new("soak", "soak"), vec![Target::Site(i, Some(state))], now_ms())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let saved = save_back(&ds, &ed, 0, false).map_err(|e| anyhow::anyhow!("{e}"))?;
        ed.saved(&mut ds, 0, &saved.renumber);
        ds.files[0].stamp = Some(saved.stamp);
        writeln!(out, "{n}")?;
        out.flush()?;
        n += 1;
    }
    Ok(0)
}

/// Makes edits one after another, journalling each (synced) and printing
/// its change id once the journal has it, never saving: what the journal's
/// SIGKILL test kills.
pub fn soak_journal(
    out: &mut dyn std::io::Write,
    file: &Path,
    journal: &Path,
    count: Option<u64>,
) -> anyhow::Result<i32> {
    let mut ds = load_file(file, &LoadOptions { threads: 1, ..Default::default() }, &|_, _| {});
    anyhow::ensure!(!ds.sites.is_empty(), "{}: no sites", file.display());
    let mut j =
        binzhou_core::edit::journal::EditJournal::open(journal, &file.display().to_string(), ds.files[0].stamp)?;
    let mut ed = Editor::new("soak");
    let mut n = 0u64;
    while count.is_none_or(|c| n < c) {
        let i = (n as usize) % ds.sites.len();
        // Long notes, so that a kill often lands inside a line.
        let note = format!("{n}:{}", "现场核查记录".repeat(1 + (n % 40) as usize));
        let state = FeatureState::of(&ds, i).context("state")?.with("soak_note", Value::from(note));
        let applied = ed
            .apply(&mut ds, Msg::new("soak", "soak"), vec![Target::Site(i, Some(state))], now_ms())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        j.append(&applied.changes)?;
        for c in &applied.changes {
            writeln!(out, "{}", c.id)?;
        }
        out.flush()?;
        n += 1;
    }
    Ok(0)
}
