//! Strings with values in them about the basemap: tile sources, the tile
//! basemap's status lines and errors, and the offline download.

use std::path::Path;

use binzhou_tiles::cache::human_size;
use binzhou_tiles::prefetch::{PrefetchReport, ProgressSnapshot};
use binzhou_tiles::source::{SourceSpec, TiandituLayer};

use super::Lang;

impl Lang {
    // Tile sources.

    /// A tile source's name: `天地图 影像（含注记）`, `离线 MBTiles：a.mbtiles`;
    /// in English the source's own name.
    pub fn source_name(self, spec: &SourceSpec) -> String {
        let file = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match (spec, self) {
            (SourceSpec::Tianditu { layer, with_labels }, Lang::Zh) => {
                let base = self.tianditu_name(*layer);
                if *with_labels { format!("{base}（含注记）") } else { base.to_owned() }
            }
            (SourceSpec::MbTiles(p), Lang::Zh) => format!("离线 MBTiles：{}", file(p)),
            (SourceSpec::PmTiles(p), Lang::Zh) => format!("离线 PMTiles：{}", file(p)),
            (SourceSpec::Folder(p), Lang::Zh) => format!("瓦片文件夹：{}", file(p)),
            (SourceSpec::CustomXyz { name, .. }, Lang::Zh) if name.trim().is_empty() => "自定义 XYZ 瓦片".to_owned(),
            _ => spec.display_name(),
        }
    }

    /// A Tianditu layer's name: `天地图 矢量` / `Tianditu vector`.
    pub fn tianditu_name(self, layer: TiandituLayer) -> &'static str {
        match (layer, self) {
            (TiandituLayer::Vec, Lang::Zh) => "天地图 矢量",
            (TiandituLayer::Img, Lang::Zh) => "天地图 影像",
            (TiandituLayer::Ter, Lang::Zh) => "天地图 地形",
            (l, Lang::En) => l.name(),
        }
    }

    // The tile basemap.

    /// A status-bar line about a basemap failure.
    pub fn basemap_problem(self, problem: &str) -> String {
        match self {
            Lang::Zh => format!("底图故障：{problem}"),
            Lang::En => format!("Basemap: {problem}"),
        }
    }

    /// The status-bar line while tiles load.
    pub fn tiles_loading(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("正在加载 {n} 块瓦片"),
            Lang::En => format!("loading {n} tiles"),
        }
    }

    /// Why a tile server's loader could not start (`e` is already English).
    pub fn tiles_cannot_start(self, e: &str) -> String {
        match self {
            Lang::Zh => format!("无法开始加载瓦片（{e}）"),
            Lang::En => e.to_owned(),
        }
    }

    /// Why an offline tile package's loader could not start.
    pub fn tiles_cannot_read(self, name: &str, e: &str) -> String {
        match self {
            Lang::Zh => format!("无法开始读取 {name}（{e}）"),
            Lang::En => format!("cannot start reading {name}: {e}"),
        }
    }

    // The offline download.

    /// One line of download progress, e.g. `120 / 340 tiles · 3.9 tiles/s ·
    /// 80 KB/s · 0:56 left` (`speed` in bytes per second, `eta` a clock).
    pub fn prefetch_progress(self, p: &ProgressSnapshot, speed: &str, eta: &str) -> String {
        let (done, total, per_second) = (p.done, p.total, p.tiles_per_second);
        match self {
            Lang::Zh => format!("{done} / {total} 块 · {per_second:.1} 块/秒 · {speed}/秒 · 剩余 {eta}"),
            Lang::En => format!("{done} / {total} tiles · {per_second:.1} tiles/s · {speed}/s · {eta} left"),
        }
    }

    /// The estimate before a download: tiles, bytes, and the time it takes
    /// at `rate` tiles a second (`time` a clock).
    pub fn prefetch_estimate(self, tiles: u64, bytes: u64, rate: f64, time: &str) -> String {
        let size = human_size(bytes);
        match self {
            Lang::Zh => format!("约 {tiles} 块瓦片，约 {size}；按每秒 {rate} 块约需 {time}"),
            Lang::En => format!("about {tiles} tiles, about {size}; about {time} at {rate} tiles a second"),
        }
    }

    /// The summary of a finished (or cancelled) download; `package` is where
    /// it was written, or empty.
    pub fn prefetch_finished(self, r: &PrefetchReport, package: &str) -> String {
        let size = human_size(r.bytes);
        let (fetched, skipped, missing, failed) = (r.fetched, r.skipped, r.missing, r.failed);
        match self {
            Lang::Zh => format!(
                "{}：新下载 {fetched} 块（{size}），已有 {skipped} 块，服务器没有 {missing} 块，失败 {failed} 块。{package}",
                if r.cancelled { "已取消" } else { "完成" },
            ),
            Lang::En => format!(
                "{}: {fetched} tiles fetched ({size}), {skipped} already there, {missing} not on the server, {failed} failed. {package}",
                if r.cancelled { "Cancelled" } else { "Done" },
            ),
        }
    }
}
