//! `validate FILE…`

use std::collections::BTreeMap;
use std::path::PathBuf;

use binzhou_core::model::Severity;
use binzhou_formats::{ReadOptions, load_paths};

pub fn run(out: &mut dyn std::io::Write, files: &[PathBuf], opts: &ReadOptions, zh: bool) -> anyhow::Result<i32> {
    let (ds, _) = load_paths(files, opts);
    for p in &ds.problems {
        writeln!(out, "{}", p.line(zh))?;
    }
    let count = |s| ds.problems.iter().filter(|p| p.severity == s).count();
    let (errors, warnings, notices) = (count(Severity::Error), count(Severity::Warning), count(Severity::Notice));
    if !ds.problems.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{:<28} {:>8}", "layer 图层", "sites")?;
    let mut per_layer: BTreeMap<String, usize> = BTreeMap::new();
    for l in ds.layers() {
        *per_layer.entry(format!("{} {}", l.key.key(), l.key.name_zh())).or_default() += l.count;
    }
    for (k, n) in &per_layer {
        writeln!(out, "{k:<28} {n:>8}")?;
    }
    let read: usize = ds.files.iter().map(|f| f.features_read).sum();
    let (files, sites) = (ds.files.len(), ds.sites.len());
    if zh {
        writeln!(
            out,
            "{files} 个文件，读取 {read} 个要素，载入 {sites} 个项目；{errors} 个错误，{warnings} 个警告，{notices} 个提示"
        )?;
    } else {
        writeln!(
            out,
            "{files} files, {read} features read, {sites} sites loaded; {errors} errors, {warnings} warnings, {notices} notices"
        )?;
    }
    Ok(if errors > 0 { 1 } else { 0 })
}
