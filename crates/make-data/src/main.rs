//! make-data: writes the bundled ILLUSTRATIVE data set (data/*.geojson, the
//! offline basemap and data/README.md) from the plan's targets and the
//! approximate geography of Binzhou. Deterministic: a fixed seed and no
//! platform-dependent arithmetic in the coordinates, so two runs give
//! byte-identical files. Checks its output against the plan's targets and
//! exits non-zero, writing nothing, when one is missed.

mod basemap;
mod check;
mod geom;
mod greenways;
mod grid;
mod parks;
mod progress;
mod readme;
mod rng;
mod roads;
mod site;
mod villages;
mod zones;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use site::{Layer, LayerText, Site};

const SEED: u64 = 0x0B12_2020_2022_0416;

/// Generates the bundled illustrative data of binzhou-sites.
#[derive(Parser)]
#[command(name = "make-data")]
struct Args {
    /// Root to write under (DIR/data/ and DIR/assets/basemap/); default: the crate root.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

const DESCRIPTION: &str = "示意数据（ILLUSTRATIVE）：根据《滨州市城市品质提升三年行动实施方案（2020—2022年）》\
的目标和大致地理位置生成，不是测量数据。Illustrative data made from the plan's targets and approximate \
geography by `cargo run --bin make-data`; not survey data.";

fn all_sites() -> Vec<Site> {
    let parks = parks::build(SEED);
    let mut sites = roads::build(SEED);
    sites.extend(parks.sites);
    sites.extend(greenways::build(SEED));
    sites.extend(zones::build(SEED));
    sites.extend(villages::build(SEED, &parks.cells));
    for s in &mut sites {
        s.round();
    }
    sites
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {} ({} bytes)", path.display(), text.len());
    Ok(())
}

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let root = args.out.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let sites = all_sites();
    let report = check::check(&sites);
    for line in &report.table {
        println!("{line}");
    }
    if !report.failures.is_empty() {
        eprintln!("\nTARGETS NOT MET ({}), nothing written:", report.failures.len());
        for f in &report.failures {
            eprintln!("  - {f}");
        }
        return Ok(ExitCode::FAILURE);
    }
    println!();
    let data = root.join("data");
    let mut total = 0;
    for layer in Layer::ALL {
        let features: Vec<_> = sites.iter().filter(|s| s.layer == layer).map(Site::to_feature).collect();
        let desc = format!("{} / {}。{DESCRIPTION}", layer.title_zh(), layer.title_en());
        let text = site::collection_text(layer.file_stem(), &desc, &features);
        total += text.len();
        write(&data.join(format!("{}.geojson", layer.file_stem())), &text)?;
    }
    let base = basemap::features();
    let desc = format!("滨州市内置离线底图（示意）/ built-in offline basemap (illustrative). {DESCRIPTION}");
    let text = site::collection_text("binzhou_basemap", &desc, &base);
    write(&root.join("assets/basemap/binzhou_basemap.geojson"), &text)?;
    write(&data.join("README.md"), &readme::text(&report.table))?;
    anyhow::ensure!(total < 2_000_000, "data/ is {total} bytes, over 2 MB");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_runs_give_identical_features() {
        let text = |v: Vec<Site>| v.iter().map(|s| s.to_feature().to_string()).collect::<Vec<_>>();
        assert_eq!(text(all_sites()), text(all_sites()));
    }

    #[test]
    fn the_generated_data_meets_every_plan_target() {
        let report = check::check(&all_sites());
        assert!(report.failures.is_empty(), "{:?}", report.failures);
    }

    #[test]
    fn every_feature_says_it_is_illustrative() {
        for s in all_sites() {
            assert_eq!(s.to_feature()["properties"]["source"], "illustrative");
        }
    }
}
