//! `checks summary|export`: the field teams' journals, back in the office.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use binzhou_core::checks::{Check, CheckResult, current, merge, summary};
use binzhou_journal::Journal;

use super::Lang;

/// Every version of every journal, merged, and where each photo's bytes are.
fn read(journals: &[PathBuf]) -> anyhow::Result<(Vec<Check>, HashMap<String, PathBuf>)> {
    let mut all = Vec::new();
    let mut photos = HashMap::new();
    for p in journals {
        if !p.exists() {
            anyhow::bail!("{}: no such journal", p.display());
        }
        let j = Journal::open_read_only(p)?;
        let versions = j.versions()?;
        for c in &versions {
            for ph in &c.photos {
                photos.entry(ph.sha256.clone()).or_insert_with(|| j.folder().join(&ph.file));
            }
        }
        all.push(versions);
    }
    Ok((merge(all), photos))
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

/// `FILE_photos/`, beside the exported file.
fn photos_dir(out: &Path) -> PathBuf {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "checks".into());
    out.with_file_name(format!("{stem}_photos"))
}

pub fn export_cmd(
    stdout: &mut dyn std::io::Write,
    journals: &[PathBuf],
    out: &Path,
    lang: Lang,
) -> anyhow::Result<i32> {
    let (mut versions, sources) = read(journals)?;
    let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "gpkg" | "geojson" | "json" | "csv") {
        anyhow::bail!("{}: the output must end in .gpkg, .geojson or .csv", out.display());
    }
    if ext == "gpkg" && out.exists() {
        anyhow::bail!("{}: exists already; a journal is never overwritten (choose another name)", out.display());
    }
    // Photos go to FILE_photos/, and the records say so.
    let dir = photos_dir(out);
    let dir_name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut copied = 0;
    for c in &mut versions {
        for p in &mut c.photos {
            let name = Path::new(&p.file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let dest = dir.join(&name);
            if !dest.exists() {
                let src = sources.get(&p.sha256).with_context(|| format!("photo {} not found", p.file))?;
                std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
                std::fs::copy(src, &dest).with_context(|| format!("{} → {}", src.display(), dest.display()))?;
                copied += 1;
            }
            p.file = format!("{dir_name}/{name}");
        }
    }
    let live: Vec<Check> = current(&versions).into_iter().cloned().collect();
    match ext.as_str() {
        "gpkg" => {
            let mut j = Journal::open(out)?;
            for c in &versions {
                j.save(c)?;
            }
        }
        "csv" => binzhou_core::save::write_atomic(out, |w| write_csv(w, &live, lang == Lang::Zh))
            .with_context(|| out.display().to_string())?,
        _ => binzhou_core::save::write_atomic(out, |w| write_geojson(w, &live))
            .with_context(|| out.display().to_string())?,
    }
    let n = if ext == "gpkg" { versions.len() } else { live.len() };
    match lang {
        Lang::Zh => writeln!(stdout, "已导出 {n} 条记录到 {}，复制照片 {copied} 张", out.display())?,
        Lang::En => writeln!(stdout, "exported {n} records to {}, copied {copied} photos", out.display())?,
    }
    Ok(0)
}

fn photo_list(c: &Check) -> String {
    c.photos.iter().map(|p| p.file.as_str()).collect::<Vec<_>>().join(";")
}

fn write_geojson(w: &mut dyn std::io::Write, live: &[Check]) -> std::io::Result<()> {
    let features: Vec<serde_json::Value> = live
        .iter()
        .map(|c| {
            let geometry = match c.position() {
                Some((lon, lat)) => serde_json::json!({"type": "Point", "coordinates": [lon, lat]}),
                None => serde_json::Value::Null,
            };
            let g = c.gnss.as_ref();
            serde_json::json!({
                "type": "Feature",
                "id": c.id,
                "geometry": geometry,
                "properties": {
                    "check_id": c.id, "version": c.version, "site_id": c.site_id, "site_layer": c.site_layer,
                    "result": c.result.key(), "result_zh": c.result.name_zh(),
                    "observed": c.observed.map(|o| o.key()), "finished_on": c.finished_on,
                    "note": c.note, "inspector": c.inspector, "checked_at": c.checked_at,
                    "author": c.author, "written_at": c.written_at,
                    "gnss_lon": g.map(|g| g.lon), "gnss_lat": g.map(|g| g.lat),
                    "gnss_accuracy_m": g.and_then(|g| g.accuracy_m), "gnss_fix": g.map(|g| &g.fix),
                    "corrected": c.corrected.is_some(), "low_accuracy": c.low_accuracy,
                    "photos": photo_list(c),
                }
            })
        })
        .collect();
    let doc = serde_json::json!({"type": "FeatureCollection", "features": features});
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

fn write_csv(w: &mut dyn std::io::Write, live: &[Check], zh: bool) -> std::io::Result<()> {
    let header: Vec<String> = if zh {
        [
            "核查编号",
            "版本",
            "项目编号",
            "图层",
            "结果",
            "现场进度",
            "完工日期",
            "备注",
            "核查人",
            "核查时间",
            "经度",
            "纬度",
            "定位精度(米)",
            "精度不足",
            "照片",
        ]
    } else {
        [
            "check_id",
            "version",
            "site_id",
            "layer",
            "result",
            "observed",
            "finished_on",
            "note",
            "inspector",
            "checked_at",
            "lon",
            "lat",
            "accuracy_m",
            "low_accuracy",
            "photos",
        ]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows = live.iter().map(|c| {
        let (lon, lat) = c.position().map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default();
        vec![
            c.id.clone(),
            c.version.to_string(),
            c.site_id.clone(),
            c.site_layer.clone(),
            if zh { c.result.name_zh() } else { c.result.key() }.to_string(),
            c.observed.map(|o| if zh { o.name_zh() } else { o.key() }.to_string()).unwrap_or_default(),
            c.finished_on.clone().unwrap_or_default(),
            c.note.clone(),
            c.inspector.clone(),
            c.checked_at.clone(),
            lon,
            lat,
            c.gnss.as_ref().and_then(|g| g.accuracy_m).map(|a| format!("{a:.1}")).unwrap_or_default(),
            c.low_accuracy.to_string(),
            photo_list(c),
        ]
    });
    binzhou_core::export::write_csv(&mut &mut *w, &header, rows)
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
