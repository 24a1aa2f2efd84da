//! `convert IN… [--from CRS] [--layer L] [--columns F=H,…] --out OUT`: any
//! format this program reads to any it writes, by extension, saying what
//! it detected and what the writer had to change.

use std::path::{Path, PathBuf};

use binzhou_core::model::Severity;
use binzhou_formats::{ReadOptions, load_paths, write};

use super::Lang;

pub fn run(
    out: &mut dyn std::io::Write,
    inputs: &[PathBuf],
    opts: &ReadOptions,
    file: &Path,
    lang: Lang,
) -> anyhow::Result<i32> {
    let zh = lang == Lang::Zh;
    let (ds, _) = load_paths(inputs, opts);
    for p in &ds.problems {
        eprintln!("{}", p.line(zh));
    }
    if ds.sites.is_empty() && ds.problems.iter().any(|p| p.severity == Severity::Error) {
        anyhow::bail!(if zh {
            format!("没有读到任何要素；未写出 {}", file.display())
        } else {
            format!("nothing could be read; {} not written", file.display())
        });
    }
    let rows: Vec<usize> = (0..ds.sites.len()).collect();
    let report = write(file, &ds, &rows, zh).map_err(|e| anyhow::anyhow!("{e}"))?;
    for n in &report.notes {
        writeln!(out, "{}", n.text(zh))?;
    }
    let files: Vec<String> = report.files.iter().map(|f| f.display().to_string()).collect();
    let files = if files.is_empty() { file.display().to_string() } else { files.join(", ") };
    if zh {
        writeln!(out, "已写出 {} 个要素（WGS84）到 {files}", ds.sites.len())?;
    } else {
        writeln!(out, "wrote {} features (WGS84) to {files}", ds.sites.len())?;
    }
    Ok(if ds.error_count() > 0 { 1 } else { 0 })
}
