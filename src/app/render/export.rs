//! 文件 → 导出地图图片…: the current view as a PNG at a preset size, drawn
//! by [`super::render_map`] on a `map-image` worker thread; a notice says
//! when it is written.

use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, TryRecvError};

use super::{Basemap, DataSource, Extent, RenderOptions, render_map, view_bbox, write_png};
use crate::app::file_dialog::Purpose;
use crate::app::i18n::Lang;
use crate::app::{App, Notice};

/// An image size offered in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
    /// The print resolution written into the PNG, if any.
    pub dpi: Option<u32>,
}

/// The sizes offered: Full HD, 4K, A3 landscape at 300 dpi.
pub const PRESETS: [ImageSize; 3] = [
    ImageSize { width: 1920, height: 1080, dpi: None },
    ImageSize { width: 3840, height: 2160, dpi: None },
    ImageSize { width: 4961, height: 3508, dpi: Some(300) },
];

impl ImageSize {
    /// The menu's name for it.
    pub fn label(&self, lang: Lang) -> String {
        let rt = lang.render();
        let name = match (self.width, self.height) {
            (1920, 1080) => rt.full_hd,
            (3840, 2160) => rt.uhd,
            _ => rt.a3,
        };
        lang.image_size(name, self.width, self.height)
    }

    /// The file name the save dialog proposes.
    pub fn file_name(&self, lang: Lang) -> String {
        format!("{}_{}x{}.png", lang.render().file_stem, self.width, self.height)
    }
}

/// What a worker hands back: the file, its size and whether every tile was in.
type Done = Result<(PathBuf, u32, u32, bool), String>;

/// The export under way, if any.
#[derive(Debug, Default)]
pub struct Exports {
    job: Option<Receiver<Done>>,
}

impl Exports {
    /// Whether an image is being drawn.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }
}

impl App {
    /// The export items of the File menu.
    pub(crate) fn export_menu(&mut self, ui: &mut egui::Ui) {
        let lang = self.state.lang;
        let rt = lang.render();
        ui.menu_button(rt.menu_export, |ui| {
            ui.label(egui::RichText::new(rt.menu_export_hint).small().weak());
            for size in PRESETS {
                let button = ui.add_enabled(!self.exports.busy(), egui::Button::new(size.label(lang)));
                if button.on_disabled_hover_text(rt.busy).clicked() {
                    ui.close();
                    self.files.ask(Purpose::MapImage(size));
                }
            }
        });
    }

    /// Draws the current view at `size` into `path` (a PNG) on a worker.
    pub(crate) fn export_map_image(&mut self, ctx: &egui::Context, path: &Path, size: ImageSize) {
        let lang = self.state.lang;
        if self.exports.busy() {
            self.notices.push(Notice { text: lang.render().busy.to_owned(), ttl: Some(6.0) });
            return;
        }
        let path = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) {
            path.to_path_buf()
        } else {
            path.with_extension("png")
        };
        let mut opts = RenderOptions::new(DataSource::Loaded(self.data.clone()), size.width, size.height);
        opts.state = Some(self.state.clone());
        opts.basemap = Basemap::AsState;
        opts.extent = match self.map.transform {
            Some(t) => {
                let [w, s, e, n] = view_bbox(&t);
                let back = |lon: f64, lat: f64| {
                    if self.map.gcj02 {
                        binzhou_core::crs::to_wgs84(binzhou_core::crs::Crs::Gcj02, lon, lat).unwrap_or((lon, lat))
                    } else {
                        (lon, lat)
                    }
                };
                let ((w, s), (e, n)) = (back(w, s), back(e, n));
                Extent::Bbox([w, s, e, n])
            }
            None => Extent::AllSites,
        };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let wake = ctx.clone();
        let dpi = size.dpi.map(|d| d as f32);
        let started = std::thread::Builder::new().name("map-image".into()).spawn(move || {
            let done = render_map(&opts)
                .and_then(|r| {
                    write_png(&r.image, &path, dpi)?;
                    Ok((path, r.image.width(), r.image.height(), r.complete))
                })
                .map_err(|e| e.text(lang));
            let _ = tx.send(done);
            wake.request_repaint();
        });
        match started {
            Ok(_) => {
                self.exports.job = Some(rx);
                let text = lang.image_exporting(size.width, size.height);
                self.notices.push(Notice { text, ttl: Some(4.0) });
            }
            Err(e) => {
                self.notices.push(Notice { text: lang.image_failed(&e.to_string()), ttl: None });
            }
        }
    }

    /// Each frame: a finished export's notice.
    pub(crate) fn export_frame(&mut self) {
        let Some(rx) = &self.exports.job else { return };
        let lang = self.state.lang;
        let text = match rx.try_recv() {
            Err(TryRecvError::Empty) => return,
            Ok(Ok((path, w, h, complete))) => {
                tracing::info!("map image written: {}", path.display());
                lang.image_exported(&path.display().to_string(), w, h, complete)
            }
            Ok(Err(reason)) => lang.image_failed(&reason),
            Err(TryRecvError::Disconnected) => lang.image_failed(lang.text().loader_died),
        };
        self.exports.job = None;
        self.notices.push(Notice { text, ttl: None });
    }

    /// Draws the current view at `size` into `path` and waits for it (for
    /// tests and scripts); the notice says how it went.
    pub fn export_map_image_and_wait(&mut self, ctx: &egui::Context, path: &Path, size: ImageSize) -> bool {
        self.export_map_image(ctx, path, size);
        let Some(rx) = self.exports.job.take() else { return false };
        let done = rx.recv().map_err(|e| e.to_string()).and_then(|d| d);
        let ok = done.is_ok();
        let (tx, back) = crossbeam_channel::bounded(1);
        let _ = tx.send(done);
        self.exports.job = Some(back);
        self.export_frame();
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::ViewState;

    #[test]
    fn the_app_exports_its_view_at_a_preset_size_on_a_worker_and_says_so() {
        let ctx = egui::Context::default();
        let mut app = App::new(crate::app::default_data_paths(), ViewState::default(), false);
        assert!(app.wait_for_loading(&ctx, std::time::Duration::from_secs(60)));
        let dir = tempfile::tempdir().unwrap();
        // No extension given: it becomes a .png.
        let asked = dir.path().join("view");
        let size = ImageSize { width: 640, height: 360, dpi: Some(300) };
        assert!(app.export_map_image_and_wait(&ctx, &asked, size), "{:?}", app.notices);
        let path = dir.path().join("view.png");
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (640, 360));
        let dims = info.pixel_dims.unwrap();
        assert_eq!((dims.xppu, dims.unit), (11_811, png::Unit::Meter), "300 dpi");
        let said = app.notices.last().map(|n| n.text.clone()).unwrap_or_default();
        assert!(said.contains("view.png") && said.contains("640×360"), "{said}");
        assert!(!app.exports.busy());
    }
}
