//! Journals brought back by the teams, merged into one file for the
//! office: a `.gpkg` journal with every version, or `.geojson` / `.csv`
//! (each check's newest version; the CSV with a BOM for Excel), the
//! photos copied into `FILE_photos/` beside it. The CLI's `checks export`
//! and the app's menu both call [`export`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use binzhou_core::checks::{Check, current, merge};

use crate::{Journal, JournalError};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// Records written: versions for a `.gpkg`, checks otherwise.
    pub records: usize,
    /// Photos copied into `FILE_photos/`.
    pub photos_copied: usize,
}

/// Every version of every journal, merged, and where each photo's bytes are.
pub fn read(journals: &[PathBuf]) -> Result<(Vec<Check>, HashMap<String, PathBuf>), JournalError> {
    let mut all = Vec::new();
    let mut photos = HashMap::new();
    for p in journals {
        if !p.exists() {
            return Err(JournalError::Export { path: p.clone(), detail: "no such journal".into() });
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

/// `FILE_photos/`, beside the exported file.
pub fn photos_dir(out: &Path) -> PathBuf {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "checks".into());
    out.with_file_name(format!("{stem}_photos"))
}

/// Writes the journals merged into `out` (its extension says the format);
/// `zh`: the CSV's headers and values in Chinese. A `.gpkg` that exists is
/// never written over.
pub fn export(journals: &[PathBuf], out: &Path, zh: bool) -> Result<Exported, JournalError> {
    let bad = |detail: String| JournalError::Export { path: out.to_path_buf(), detail };
    let io = |path: &Path, source| JournalError::Io { path: path.to_path_buf(), source };
    let (mut versions, sources) = read(journals)?;
    let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "gpkg" | "geojson" | "json" | "csv") {
        return Err(bad("the output must end in .gpkg, .geojson or .csv".into()));
    }
    if ext == "gpkg" && out.exists() {
        return Err(bad("exists already; a journal is never overwritten (choose another name)".into()));
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
                let src = sources.get(&p.sha256).ok_or_else(|| bad(format!("photo {} not found", p.file)))?;
                std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
                std::fs::copy(src, &dest).map_err(|e| io(src, e))?;
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
        "csv" => binzhou_core::save::write_atomic(out, |w| write_csv(w, &live, zh)).map_err(|e| io(out, e))?,
        _ => binzhou_core::save::write_atomic(out, |w| write_geojson(w, &live)).map_err(|e| io(out, e))?,
    }
    let records = if ext == "gpkg" { versions.len() } else { live.len() };
    Ok(Exported { records, photos_copied: copied })
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
