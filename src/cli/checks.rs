//! `checks summary|export`: the field teams' journals, back in the office.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use binzhou_core::checks::{Check, CheckResult, current, summary};
use binzhou_journal::Journal;

use super::Lang;

/// Every version of every journal, merged, and where each photo's bytes are.
fn read(journals: &[PathBuf]) -> anyhow::Result<(Vec<Check>, HashMap<String, PathBuf>)> {
    Ok(binzhou_journal::export::read(journals)?)
}

pub fn summary_cmd(
    out: &mut dyn std::io::Write,
    journals: &[PathBuf],
    data: &Path,
    json: bool,
    lang: Lang,
) -> anyhow::Result<i32> {
    let (versions, _) = read(journals)?;
    let live = current(&versions);
    let ds = binzhou_formats::load_paths(&[data.to_path_buf()], &Default::default()).0;
    let rows = summary(&ds, &live);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(0);
    }
    let zh = lang == Lang::Zh;
    let results: Vec<&str> = CheckResult::ALL.iter().map(|r| if zh { r.name_zh() } else { r.name_en() }).collect();
    if zh {
        writeln!(out, "{} 份核查记录（{} 个版本），{} 个项目", live.len(), versions.len(), ds.sites.len())?;
        writeln!(out, "图层\t区县\t项目\t已核查\t未核查\t{}", results.join("\t"))?;
    } else {
        writeln!(out, "{} checks ({} versions), {} sites", live.len(), versions.len(), ds.sites.len())?;
        writeln!(out, "layer\tcounty\tsites\tchecked\tnot checked\t{}", results.join("\t"))?;
    }
    for r in &rows {
        if r.layer.is_empty() {
            let line = if zh {
                format!("另有 {} 份核查记录的项目不在数据中", r.unknown_sites)
            } else {
                format!("{} checks are of sites not in the data", r.unknown_sites)
            };
            writeln!(out, "{line}")?;
            continue;
        }
        let layer = binzhou_core::model::PlanLayer::from_key(&r.layer)
            .map(|l| if zh { l.name_zh() } else { l.name_en() }.to_string())
            .unwrap_or_else(|| r.layer.clone());
        let county =
            binzhou_core::model::names::or_raw(binzhou_core::model::names::district(&r.district), &r.district, zh);
        let by: Vec<String> = r.by_result.iter().map(|n| n.to_string()).collect();
        writeln!(out, "{layer}\t{county}\t{}\t{}\t{}\t{}", r.sites, r.checked, r.not_checked, by.join("\t"))?;
    }
    Ok(0)
}

pub fn export_cmd(
    stdout: &mut dyn std::io::Write,
    journals: &[PathBuf],
    out: &Path,
    lang: Lang,
) -> anyhow::Result<i32> {
    let done = binzhou_journal::export::export(journals, out, lang == Lang::Zh)?;
    let (n, copied) = (done.records, done.photos_copied);
    match lang {
        Lang::Zh => writeln!(stdout, "已导出 {n} 条记录到 {}，复制照片 {copied} 张", out.display())?,
        Lang::En => writeln!(stdout, "exported {n} records to {}, copied {copied} photos", out.display())?,
    }
    Ok(0)
}

pub fn gpx_cmd(stdout: &mut dyn std::io::Write, journals: &[PathBuf], out: &Path, lang: Lang) -> anyhow::Result<i32> {
    let mut points = Vec::new();
    for p in journals {
        if !p.exists() {
            anyhow::bail!("{}: no such journal", p.display());
        }
        points.extend(Journal::open_read_only(p)?.track()?);
    }
    // Journals of several teams: each recording stays whole, in time order.
    points.sort_by(|a, b| a.segment.cmp(&b.segment).then_with(|| a.time.cmp(&b.time)));
    let name = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    binzhou_core::save::write_atomic(out, |w| binzhou_journal::write_gpx(w, &name, &points))
        .with_context(|| out.display().to_string())?;
    match lang {
        Lang::Zh => writeln!(stdout, "已导出 {} 个轨迹点到 {}", points.len(), out.display())?,
        Lang::En => writeln!(stdout, "exported {} track points to {}", points.len(), out.display())?,
    }
    Ok(0)
}

/// Writes checks to a journal one after another, printing each id once it
/// is saved, until `count` (or forever): what the SIGKILL test kills.
pub fn soak_cmd(out: &mut dyn std::io::Write, journal: &Path, count: Option<u64>) -> anyhow::Result<i32> {
    let mut j = Journal::open(journal)?;
    let mut n = 0u64;
    while count.is_none_or(|c| n < c) {
        let at = binzhou_journal::now();
        let c = Check {
            id: binzhou_journal::new_check_id(),
            version: 1,
            previous: None,
            site_id: format!("SOAK-{n}"),
            site_layer: "pocket_park".into(),
            result: CheckResult::ALL[(n % 4) as usize],
            observed: None,
            finished_on: None,
            note: "现场核查：".repeat(1 + (n % 50) as usize),
            inspector: "soak".into(),
            checked_at: at.clone(),
            author: "soak".into(),
            written_at: at,
            gnss: None,
            corrected: Some((118.0 + n as f64 * 1e-6, 37.38)),
            low_accuracy: false,
            deleted: false,
            photos: Vec::new(),
        };
        j.save(&c)?;
        writeln!(out, "{}", c.id)?;
        out.flush()?;
        n += 1;
    }
    Ok(0)
}

/// Records GNSS track points one after another, printing each one's time
/// once it is on the disk, until `count` (or forever): what the track's
/// SIGKILL test kills.
pub fn soak_track(out: &mut dyn std::io::Write, journal: &Path, count: Option<u64>) -> anyhow::Result<i32> {
    let mut j = Journal::open(journal)?;
    let segment = binzhou_journal::new_check_id();
    let mut n = 0u64;
    while count.is_none_or(|c| n < c) {
        // The time carries the count, so each point is told apart.
        let time = format!("{}#{segment}#{n}", binzhou_journal::now());
        let p = binzhou_journal::TrackPoint {
            segment: segment.clone(),
            time: time.clone(),
            lon: 118.0 + n as f64 * 1e-6,
            lat: 37.38,
            altitude_m: Some(8.0),
            accuracy_m: Some(2.5),
            satellites: Some(12),
        };
        j.add_track_point(&p)?;
        writeln!(out, "{time}")?;
        out.flush()?;
        n += 1;
    }
    Ok(0)
}
