//! The strings of map images: 文件 → 导出地图图片… and the `render` command.

use super::Lang;
use crate::app::render::RenderError;

/// The fixed strings of map images, one table per language.
#[derive(Debug)]
pub struct RenderText {
    pub menu_export: &'static str,
    pub menu_export_hint: &'static str,
    pub dialog_title: &'static str,
    pub png_filter: &'static str,
    pub file_stem: &'static str,
    pub full_hd: &'static str,
    pub uhd: &'static str,
    pub a3: &'static str,
    pub busy: &'static str,
}

pub static ZH: RenderText = RenderText {
    menu_export: "导出地图图片…",
    menu_export_hint: "当前视图按演示模式（标题、图例、比例尺、指北针）另行绘制，大小不受窗口限制",
    dialog_title: "导出地图图片",
    png_filter: "PNG 图片",
    file_stem: "滨州项目地图",
    full_hd: "全高清",
    uhd: "4K 超高清",
    a3: "A3 横向 300 dpi",
    busy: "上一张图片还在导出",
};

pub static EN: RenderText = RenderText {
    menu_export: "Export map image…",
    menu_export_hint: "The current view drawn as presentation mode shows it (title, legend, scale bar, north arrow), at any size",
    dialog_title: "Export map image",
    png_filter: "PNG image",
    file_stem: "binzhou-sites-map",
    full_hd: "Full HD",
    uhd: "4K UHD",
    a3: "A3 landscape, 300 dpi",
    busy: "The previous image is still being exported",
};

impl Lang {
    /// The map image strings.
    pub fn render(self) -> &'static RenderText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A size preset in the export menu.
    pub fn image_size(self, name: &str, width: u32, height: u32) -> String {
        format!("{name} ({width}×{height})")
    }

    /// While an image is being drawn.
    pub fn image_exporting(self, width: u32, height: u32) -> String {
        match self {
            Lang::Zh => format!("正在导出地图图片（{width}×{height}）…"),
            Lang::En => format!("Exporting the map image ({width}×{height})…"),
        }
    }

    /// After an image was written.
    pub fn image_exported(self, path: &str, width: u32, height: u32, complete: bool) -> String {
        match (self, complete) {
            (Lang::Zh, true) => format!("地图图片已导出：{path}（{width}×{height}）"),
            (Lang::Zh, false) => format!("地图图片已导出：{path}（{width}×{height}；部分底图瓦片未及载入）"),
            (Lang::En, true) => format!("Map image exported: {path} ({width}×{height})"),
            (Lang::En, false) => {
                format!("Map image exported: {path} ({width}×{height}; some basemap tiles had not arrived)")
            }
        }
    }

    /// When an image could not be made.
    pub fn image_failed(self, reason: &str) -> String {
        match self {
            Lang::Zh => format!("地图图片导出失败：{reason}"),
            Lang::En => format!("Map image export failed: {reason}"),
        }
    }

    /// The `render` command's report.
    pub fn rendered(self, path: &str, width: u32, height: u32, sites: usize, zoom: f64, centre: (f64, f64)) -> String {
        let (lon, lat) = centre;
        match self {
            Lang::Zh => format!(
                "已写入 {path}：{width}×{height} 像素，{sites} 个项目，缩放级别 {zoom:.2}，中心 {lon:.5},{lat:.5}"
            ),
            Lang::En => {
                format!(
                    "wrote {path}: {width}×{height} pixels, {sites} sites, zoom {zoom:.2}, centre {lon:.5},{lat:.5}"
                )
            }
        }
    }

    /// The `render` command's warning when tiles were still loading.
    pub fn render_incomplete(self) -> &'static str {
        match self {
            Lang::Zh => "注意：超时时仍有底图瓦片未载入，以较低级别瓦片代替",
            Lang::En => {
                "note: some basemap tiles had not arrived by the timeout; lower zooms were drawn in their place"
            }
        }
    }

    /// A render error in Chinese (English is its `Display`).
    pub fn render_error(self, e: &RenderError) -> String {
        if self == Lang::En {
            return e.to_string();
        }
        match e {
            RenderError::Size(w, h) => format!(
                "图片大小 {w}×{h} 无法绘制（每边 1 至 {} 像素，总计不超过 {} 像素）",
                crate::app::render::MAX_SIDE,
                crate::app::render::MAX_PIXELS
            ),
            RenderError::NoSuchSite(id) => format!("没有编号为 {id} 的项目"),
            RenderError::NotABasemap(p) => format!("{} 不是瓦片包或瓦片文件夹（MBTiles、PMTiles、z/x/y）", p.display()),
            RenderError::LoadTimeout(t) => format!("数据在 {} 秒内未能载入", t.as_secs()),
            RenderError::Font(f) => format!("中文字体：{f}"),
            RenderError::Write { path, reason } => format!("无法写入 {}：{reason}", path.display()),
        }
    }
}
