//! `bench FILE`: load + validate + index time and peak memory.

use std::path::Path;
use std::time::Instant;

use binzhou_core::index::SiteIndex;
use binzhou_core::load::{LoadOptions, load_file};

/// Peak resident set size of this process so far, in bytes (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn run(out: &mut dyn std::io::Write, file: &Path, threads: usize) -> anyhow::Result<i32> {
    let size = std::fs::metadata(file)?.len();
    let t0 = Instant::now();
    let ds = load_file(file, &LoadOptions { from: None, threads }, &|_, _| {});
    let t_load = t0.elapsed();
    let t1 = Instant::now();
    let index = SiteIndex::build(&ds.sites);
    let t_index = t1.elapsed();
    let total = t0.elapsed();
    let mib = |b: u64| b as f64 / 1_048_576.0;
    writeln!(out, "file              {} ({:.0} MiB)", file.display(), mib(size))?;
    writeln!(
        out,
        "features          {} read, {} sites, {} problems",
        ds.files[0].features_read,
        ds.sites.len(),
        ds.problems.len()
    )?;
    writeln!(out, "load + validate   {:.2} s  ({:.0} MiB/s)", t_load.as_secs_f64(), mib(size) / t_load.as_secs_f64())?;
    writeln!(out, "index             {:.2} s  ({} entries)", t_index.as_secs_f64(), index.len())?;
    writeln!(out, "total             {:.2} s", total.as_secs_f64())?;
    if let Some(rss) = peak_rss_bytes() {
        writeln!(
            out,
            "peak RSS          {:.0} MiB  ({:.0}% of the file)",
            mib(rss),
            100.0 * rss as f64 / size.max(1) as f64
        )?;
    }
    Ok(0)
}
