//! `convert IN [--from gcj02|epsg:NNNN] --out OUT`

use std::path::Path;

use anyhow::Context;

use binzhou_core::crs::Crs;
use binzhou_core::load::{LoadOptions, load_file};
use binzhou_core::model::Severity;

pub fn run(input: &Path, from: Option<Crs>, out: &Path) -> anyhow::Result<i32> {
    let ds = load_file(input, &LoadOptions { from, threads: 0 }, &|_, _| {});
    for p in &ds.problems {
        eprintln!("{p}");
    }
    if ds.sites.is_empty() && ds.problems.iter().any(|p| p.severity == Severity::Error) {
        anyhow::bail!("{}: nothing could be read; {} not written", input.display(), out.display());
    }
    let name = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    binzhou_core::save::write_atomic(out, |w| binzhou_core::export::write_feature_collection(w, &name, &ds.sites))
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("{}: wrote {} features as WGS84 GeoJSON", out.display(), ds.sites.len());
    Ok(if ds.error_count() > 0 { 1 } else { 0 })
}
