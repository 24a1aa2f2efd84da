//! `render [--data PATH…] [--year Y] [--bbox W,S,E,N | --site ID] [--basemap FILE|vector|none] --size WxH --out map.png`:
//! the map as presentation mode shows it, drawn with no window by the
//! app's own drawing code through a software renderer.

use std::path::PathBuf;

use anyhow::{Context as _, anyhow, bail};

use crate::app::i18n::Lang;
use crate::app::render::{self, Basemap, DataSource, Extent, RenderOptions};
use binzhou_core::model::YearView;

/// The `render` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// Data files or folders (default: the bundled `data/`).
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// The year shown: 2020, 2021, 2022 (the end of it) or latest (default).
    #[arg(long)]
    pub year: Option<String>,
    /// The WGS 84 box to show whole: west,south,east,north.
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true, conflicts_with = "site")]
    pub bbox: Option<String>,
    /// Fit this site (by id).
    #[arg(long, value_name = "ID")]
    pub site: Option<String>,
    /// An offline tile package or folder (MBTiles, PMTiles, z/x/y), or
    /// `vector` (the built-in basemap, the default) or `none`.
    #[arg(long, value_name = "FILE|vector|none")]
    pub basemap: Option<String>,
    /// The image's size in pixels, e.g. 3840x2160.
    #[arg(long, value_name = "WxH")]
    pub size: String,
    /// Pixels per point, the size of type and symbols (default: height / 900).
    #[arg(long)]
    pub scale: Option<f32>,
    /// The print resolution to write into the PNG (e.g. 300 for A3 at 4961x3508).
    #[arg(long)]
    pub dpi: Option<f32>,
    /// Seconds to wait for the data and the basemap's tiles.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// The PNG to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// `WxH` (or `W×H`) in pixels.
pub fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| anyhow!("--size {s}: expected WIDTHxHEIGHT in pixels, e.g. 3840x2160"))?;
    let w = w.trim().parse().with_context(|| format!("--size {s}: the width"))?;
    let h = h.trim().parse().with_context(|| format!("--size {s}: the height"))?;
    Ok((w, h))
}

/// `W,S,E,N` in degrees.
pub fn parse_bbox(s: &str) -> anyhow::Result<[f64; 4]> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("--bbox {s}: expected four numbers W,S,E,N"))?;
    let [w, so, e, n] = v[..] else { bail!("--bbox {s}: expected four numbers W,S,E,N") };
    if !(w < e && so < n && (-180.0..=180.0).contains(&w) && (-180.0..=180.0).contains(&e)) {
        bail!("--bbox {s}: west must be less than east and south less than north, in degrees");
    }
    if !((-85.0..=85.0).contains(&so) && (-85.0..=85.0).contains(&n)) {
        bail!("--bbox {s}: latitudes must be within ±85°");
    }
    Ok([w, so, e, n])
}

fn parse_year(s: &str) -> anyhow::Result<YearView> {
    if s.eq_ignore_ascii_case("latest") {
        return Ok(YearView::Latest);
    }
    let y: i32 = s.trim().parse().with_context(|| format!("--year {s}: expected 2020, 2021, 2022 or latest"))?;
    Ok(YearView::EndOf(y))
}

/// Draws and writes the image; prints what it wrote.
pub fn run(out: &mut dyn std::io::Write, args: &RenderArgs, lang: Lang) -> anyhow::Result<i32> {
    let (width, height) = parse_size(&args.size)?;
    let data = if args.data.is_empty() { crate::app::default_data_paths() } else { args.data.clone() };
    for p in &data {
        if !p.exists() {
            bail!("--data {}: no such file or folder", p.display());
        }
    }
    let mut opts = RenderOptions::new(DataSource::Paths(data), width, height);
    opts.year = Some(args.year.as_deref().map(parse_year).transpose()?.unwrap_or(YearView::Latest));
    opts.extent = match (&args.bbox, &args.site) {
        (Some(b), _) => Extent::Bbox(parse_bbox(b)?),
        (None, Some(id)) => Extent::Site(id.clone()),
        (None, None) => Extent::AllSites,
    };
    opts.basemap = match args.basemap.as_deref() {
        None | Some("vector") => Basemap::Vector,
        Some("none") => Basemap::None,
        Some(file) => {
            let path = PathBuf::from(file);
            if !path.exists() {
                bail!("--basemap {file}: no such file or folder");
            }
            Basemap::File(path)
        }
    };
    opts.pixels_per_point = args.scale;
    opts.timeout = std::time::Duration::from_secs(args.timeout.max(1));
    // The map itself is in Chinese, as the plan is; messages follow `--lang`.
    let rendered = render::render_map(&opts).map_err(|e| anyhow!(e.text(lang)))?;
    render::write_png(&rendered.image, &args.out, args.dpi).map_err(|e| anyhow!(e.text(lang)))?;
    let c = rendered.camera;
    let path = args.out.display().to_string();
    writeln!(out, "{}", lang.rendered(&path, width, height, rendered.sites, c.zoom, (c.lon, c.lat)))?;
    if !rendered.complete {
        writeln!(out, "{}", lang.render_incomplete())?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_boxes_are_read_as_written_and_nonsense_is_refused() {
        assert_eq!(parse_size("3840x2160").unwrap(), (3840, 2160));
        assert_eq!(parse_size("4961×3508").unwrap(), (4961, 3508));
        assert!(parse_size("3840").is_err());
        assert_eq!(parse_bbox("117.9,37.3,118.1,37.5").unwrap(), [117.9, 37.3, 118.1, 37.5]);
        assert!(parse_bbox("118.1,37.3,117.9,37.5").is_err(), "west east of east");
        assert!(parse_bbox("1,2,3").is_err());
    }
}
