//! `handout TOUR.tour.json [--data PATH…] --out handout.pdf` and
//! `handout --sites ID,ID… [--year Y] [--data PATH…] --out atlas.pdf`: a
//! tour, or a list of sites as an atlas (one page per site), as a PDF
//! handout ([`crate::handout`]) with no window.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};

use binzhou_core::model::{Bilingual, Dataset, Severity, YearView};
use binzhou_core::stats::PlanTargets;
use binzhou_core::tour::{Stop, Tour};

use crate::app::i18n::Lang;
use crate::handout::{HandoutReport, write_atlas, write_handout};

/// The `handout` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct HandoutArgs {
    /// The tour (`*.tour.json`): a cover, then one page per stop.
    #[arg(required_unless_present = "sites", conflicts_with = "sites")]
    pub tour: Option<PathBuf>,
    /// An atlas instead: these sites by id (comma-separated), one page each.
    #[arg(long, value_delimiter = ',', value_name = "ID,ID…")]
    pub sites: Vec<String>,
    /// The year the atlas shows: 2020, 2021, 2022 (the end of it) or latest
    /// (default; a tour's stops say their own).
    #[arg(long, requires = "sites")]
    pub year: Option<String>,
    /// Data files or folders (default: the bundled `data/`); the first
    /// folder's plan_targets.json is used when present.
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// The CJK font to embed (default: the system's, as the app finds it).
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    /// The PDF to write.
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_year(s: &str, zh: bool) -> anyhow::Result<YearView> {
    match s.trim() {
        "latest" => Ok(YearView::Latest),
        y => match y.parse::<i32>() {
            Ok(y) if (2020..=2022).contains(&y) => Ok(YearView::EndOf(y)),
            _ if zh => bail!("--year {s}：应为 2020、2021、2022 或 latest"),
            _ => bail!("--year {s}: expected 2020, 2021, 2022 or latest"),
        },
    }
}

/// The plan's targets beside the data (the first folder's, or the folder of
/// the first file), else the bundled ones.
fn targets_for(data: &[PathBuf], zh: bool) -> anyhow::Result<PlanTargets> {
    let dir = data
        .first()
        .map(|p| if p.is_dir() { p.clone() } else { p.parent().map(Path::to_path_buf).unwrap_or_default() });
    match dir {
        Some(d) => PlanTargets::for_data_dir(&d).map_err(|e| {
            if zh { anyhow!("无法读取规划目标：{e}") } else { anyhow!("cannot read the plan's targets: {e}") }
        }),
        None => Ok(PlanTargets::bundled()),
    }
}

/// Writes the handout or atlas; prints what it wrote.
pub fn run(out: &mut dyn std::io::Write, args: &HandoutArgs, lang: Lang) -> anyhow::Result<i32> {
    let zh = lang == Lang::Zh;
    let data = if args.data.is_empty() { crate::app::default_data_paths() } else { args.data.clone() };
    for p in &data {
        if !p.exists() {
            if zh {
                bail!("--data {}：没有这个文件或文件夹", p.display());
            }
            bail!("--data {}: no such file or folder", p.display());
        }
    }
    let font = match args.font.clone().or_else(crate::app::fonts::find_cjk_font) {
        Some(f) => f,
        None if zh => bail!("找不到中文字体；请安装一种，例如 `sudo apt install fonts-wqy-microhei`，或用 --font 指定"),
        None => bail!(
            "no Chinese (CJK) font found; install one, e.g. `sudo apt install fonts-wqy-microhei`, or give --font FILE"
        ),
    };
    let ds: Dataset = binzhou_formats::load_paths(&data, &Default::default()).0;
    for p in ds.problems.iter().filter(|p| p.severity == Severity::Error) {
        eprintln!("{}", p.line(zh));
    }
    let targets = targets_for(&data, zh)?;
    let map_data = std::sync::Arc::new(crate::app::data::MapData::build(ds.clone()));
    let mut images = |_k: usize, s: &Stop| crate::handout::stop_map_image(&map_data, &font, s);
    let (report, stops) = if let Some(tour_path) = &args.tour {
        let opened = Tour::open(tour_path, &ds).map_err(|e| anyhow!(if zh { e.zh() } else { e.to_string() }))?;
        for w in &opened.warnings {
            eprintln!("{}", if zh { w.zh() } else { w.to_string() });
        }
        let tour = opened.tour;
        let r = write_handout(&args.out, &ds, &targets, &tour, &mut images, &font, zh)
            .map_err(|e| anyhow!(if zh { e.zh() } else { e.to_string() }))?;
        (r, tour.stops.len())
    } else {
        let year = args.year.as_deref().map(|y| parse_year(y, zh)).transpose()?.unwrap_or(YearView::Latest);
        let mut sites = Vec::new();
        let mut unknown = Vec::new();
        for id in args.sites.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match ds.find_by_id(id) {
                Some(i) => sites.push(i),
                None => unknown.push(id.to_string()),
            }
        }
        if !unknown.is_empty() {
            let list = unknown.join(", ");
            if zh {
                bail!("数据中没有这些地块：{list}");
            }
            bail!("no site with these ids in the data: {list}");
        }
        let r = write_atlas(&args.out, &ds, &targets, &sites, year, &mut images, &font, zh)
            .map_err(|e| anyhow!(if zh { e.zh() } else { e.to_string() }))?;
        (r, sites.len())
    };
    writeln!(out, "{}", summary(&args.out, &report, stops, args.tour.is_none(), zh))?;
    Ok(0)
}

fn summary(path: &Path, r: &HandoutReport, count: usize, atlas: bool, zh: bool) -> String {
    let path = path.display();
    let kb = r.bytes.div_ceil(1024);
    let missing = r.without_image.len();
    let mut s = match (zh, atlas) {
        (true, false) => format!("已写入 {path}：{} 页（封面 + {count} 站），{kb} KB", r.pages),
        (true, true) => format!("已写入 {path}：{} 页（封面 + {count} 个项目），{kb} KB", r.pages),
        (false, false) => format!("wrote {path}: {} pages (a cover + {count} stops), {kb} KB", r.pages),
        (false, true) => format!("wrote {path}: {} pages (a cover + {count} sites), {kb} KB", r.pages),
    };
    if missing > 0 {
        s.push_str(&if zh {
            format!("\n{missing} 页没有地图图片（命令行暂不绘制地图）")
        } else {
            format!("\n{missing} pages have no map image (the command line does not draw maps yet)")
        });
    }
    s
}
