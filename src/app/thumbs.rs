//! Check photos as pictures: thumbnails in the check form and the identify
//! panel, and a larger view on a click. Files are read, decoded, turned the
//! way the camera held them (EXIF orientation) and shrunk on the
//! `photo-thumbs` worker, never in a frame; the results are kept as textures
//! in two small LRU caches (thumbnails, previews).

use std::num::NonZeroUsize;
use std::path::{Component, Path, PathBuf};

use binzhou_core::checks::PhotoRef;
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use egui::{ColorImage, RichText, TextureHandle, TextureOptions, Ui, vec2};
use lru::LruCache;

use super::i18n::Lang;

/// The longest side of a thumbnail, in pixels.
pub const THUMB_PX: u32 = 96;
/// The longest side of the larger view, in pixels.
pub const PREVIEW_PX: u32 = 900;
/// Files larger than this are not decoded for a picture (a photo is a few MB).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a photo looks like now.
pub enum Shown<'a> {
    /// Being read on the worker.
    Waiting,
    Ready(&'a TextureHandle),
    /// It cannot be shown (missing file, a format no decoder here reads).
    NoPreview,
}

enum Slot {
    Waiting,
    Ready(TextureHandle),
    NoPreview,
}

type Key = (String, u32);

struct Job {
    key: Key,
    /// Where it may be: each journal folder joined with the photo's file.
    candidates: Vec<PathBuf>,
}

struct Done {
    key: Key,
    image: Result<ColorImage, String>,
}

struct Worker {
    jobs: Sender<Job>,
    done: Receiver<Done>,
}

/// The photo pictures of the app.
pub struct Thumbnails {
    worker: Option<Worker>,
    thumbs: LruCache<Key, Slot>,
    previews: LruCache<Key, Slot>,
    /// The photo shown large, if any.
    pub viewing: Option<PhotoRef>,
}

impl Default for Thumbnails {
    fn default() -> Self {
        Thumbnails {
            worker: None,
            thumbs: LruCache::new(NonZeroUsize::new(256).unwrap_or(NonZeroUsize::MIN)),
            previews: LruCache::new(NonZeroUsize::new(4).unwrap_or(NonZeroUsize::MIN)),
            viewing: None,
        }
    }
}

impl Thumbnails {
    /// Takes what the worker finished, as textures. Once per frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(w) = &self.worker else { return };
        while let Ok(d) = w.done.try_recv() {
            let slot = match d.image {
                Ok(img) => {
                    Slot::Ready(ctx.load_texture(format!("photo-{}-{}", d.key.0, d.key.1), img, TextureOptions::LINEAR))
                }
                Err(e) => {
                    tracing::info!("photo {}: {e}", d.key.0);
                    Slot::NoPreview
                }
            };
            let cache = if d.key.1 > THUMB_PX { &mut self.previews } else { &mut self.thumbs };
            cache.put(d.key, slot);
        }
    }

    /// The photo at `px` (its longest side), asking the worker for it the
    /// first time. `folders` are the open journals' folders.
    pub fn get(&mut self, ctx: &egui::Context, folders: &[PathBuf], p: &PhotoRef, px: u32) -> Shown<'_> {
        let key = (p.sha256.clone(), px);
        let cache = if px > THUMB_PX { &mut self.previews } else { &mut self.thumbs };
        if !cache.contains(&key) {
            let Some(file) = safe_relative(&p.file) else {
                cache.put(key.clone(), Slot::NoPreview);
                return Shown::NoPreview;
            };
            let w = self.worker.get_or_insert_with(|| spawn(ctx.clone()));
            let job = Job { key: key.clone(), candidates: folders.iter().map(|f| f.join(file)).collect() };
            match w.jobs.try_send(job) {
                Ok(()) => {
                    cache.put(key.clone(), Slot::Waiting);
                }
                // Busy: asked again next frame.
                Err(TrySendError::Full(_)) => return Shown::Waiting,
                Err(TrySendError::Disconnected(_)) => {
                    cache.put(key.clone(), Slot::NoPreview);
                }
            }
        }
        match cache.get(&key) {
            Some(Slot::Ready(t)) => Shown::Ready(t),
            Some(Slot::NoPreview) => Shown::NoPreview,
            _ => Shown::Waiting,
        }
    }

    /// A row of thumbnails, each named by its file and camera time; a click
    /// shows it large.
    pub fn strip(&mut self, ui: &mut Ui, folders: &[PathBuf], photos: &[PhotoRef], lang: Lang) {
        if photos.is_empty() {
            return;
        }
        let t = lang.checks();
        let ctx = ui.ctx().clone();
        ui.horizontal_wrapped(|ui| {
            for p in photos {
                let caption = lang.photo_line(&p.original_name, p.exif_time.as_deref());
                let side = THUMB_PX as f32;
                let clicked = match self.get(&ctx, folders, p, THUMB_PX) {
                    Shown::Ready(tex) => {
                        let size = tex.size_vec2();
                        let scale = side / size.x.max(size.y).max(1.0);
                        let img = egui::Image::new((tex.id(), size * scale))
                            .alt_text(lang.photo_alt(&p.original_name, false))
                            .sense(egui::Sense::click());
                        ui.add(img).on_hover_text(format!("{caption}\n{}", t.photo_open_hint))
                    }
                    Shown::Waiting => {
                        let (rect, r) = ui.allocate_exact_size(vec2(side, side), egui::Sense::click());
                        egui::Spinner::new().paint_at(ui, rect.shrink(side / 3.0));
                        r.on_hover_text(&caption)
                    }
                    Shown::NoPreview => ui
                        .add(egui::Button::new(RichText::new(t.photo_no_preview).small()).min_size(vec2(side, side)))
                        .on_hover_text(&caption),
                }
                .clicked();
                if clicked {
                    self.viewing = Some(p.clone());
                }
            }
        });
        for p in photos {
            ui.label(RichText::new(lang.photo_line(&p.original_name, p.exif_time.as_deref())).small().weak());
        }
    }

    /// The window with the photo shown large, if one was clicked.
    pub fn window(&mut self, ctx: &egui::Context, folders: &[PathBuf], lang: Lang) {
        let Some(p) = self.viewing.clone() else { return };
        let t = lang.checks();
        let mut open = true;
        egui::Window::new(t.photo_window)
            .id(egui::Id::unique("photo-window"))
            .open(&mut open)
            .resizable(true)
            .anchor(egui::Align2::CENTER_TOP, vec2(0.0, 72.0))
            .default_width(PREVIEW_PX as f32 * 0.7)
            .show(ctx, |ui| {
                ui.label(lang.photo_line(&p.original_name, p.exif_time.as_deref()));
                if let Some((lon, lat)) = p.exif_position {
                    ui.label(RichText::new(format!("{lon:.6}, {lat:.6}")).small().weak());
                }
                match self.get(ctx, folders, &p, PREVIEW_PX) {
                    Shown::Ready(tex) => {
                        let size = tex.size_vec2();
                        let fit = (ui.available_width() / size.x).min(1.0);
                        ui.add(
                            egui::Image::new((tex.id(), size * fit)).alt_text(lang.photo_alt(&p.original_name, true)),
                        );
                    }
                    Shown::Waiting => {
                        ui.spinner();
                    }
                    Shown::NoPreview => {
                        ui.weak(t.photo_no_preview);
                    }
                }
            });
        if !open {
            self.viewing = None;
        }
    }
}

/// `file` as a relative path inside a journal folder, or None if it would
/// leave the folder (a hostile journal's `../../…`).
fn safe_relative(file: &str) -> Option<&Path> {
    let p = Path::new(file);
    (!file.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))).then_some(p)
}

fn spawn(ctx: egui::Context) -> Worker {
    let (jobs, requests) = bounded::<Job>(64);
    let (replies, done) = bounded::<Done>(64);
    let spawned = std::thread::Builder::new().name("photo-thumbs".into()).spawn(move || {
        for job in requests {
            let image = job
                .candidates
                .iter()
                .find(|c| c.is_file())
                .ok_or_else(|| "not found in any open journal's folder".to_string())
                .and_then(|path| decode(path, job.key.1));
            if replies.send(Done { key: job.key, image }).is_err() {
                return;
            }
            ctx.request_repaint();
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("the photo reader did not start: {e}");
    }
    Worker { jobs, done }
}

/// Reads the picture at `path`, turned as its EXIF orientation says, and
/// shrunk so its longest side is at most `max_px`.
pub fn decode(path: &Path, max_px: u32) -> Result<ColorImage, String> {
    use image::ImageDecoder as _;
    let len = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len > MAX_FILE_BYTES {
        return Err(format!("{len} bytes: too large to show"));
    }
    let reader = image::ImageReader::open(path).map_err(|e| e.to_string())?;
    let reader = reader.with_guessed_format().map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    if img.width() > max_px || img.height() > max_px {
        img = img.thumbnail(max_px, max_px);
    }
    let rgba = img.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Ok(ColorImage::from_rgba_unmultiplied(size, rgba.as_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_path_may_not_leave_its_journal_folder() {
        assert!(safe_relative("photos/ab12.jpg").is_some());
        assert!(safe_relative("../secret.jpg").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("photos/../../x.jpg").is_none());
        assert!(safe_relative("").is_none());
    }

    #[test]
    fn a_jpeg_is_shrunk_to_the_asked_size_keeping_its_shape() {
        let jpg = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/gps_bincheng.jpg");
        let img = decode(&jpg, 48).expect("the fixture decodes");
        let [w, h] = img.size;
        assert!(w.max(h) <= 48 && w.max(h) >= 47, "{w}×{h}");
    }

    #[test]
    fn a_photo_taken_with_the_camera_turned_is_shown_upright() {
        // 64×32, blue on its left quarter, EXIF orientation 6: the camera
        // was turned a quarter clockwise, so upright it is 32×64, blue on top.
        let jpg = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/rotated_orientation6.jpg");
        let img = decode(&jpg, 96).expect("the fixture decodes");
        assert_eq!(img.size, [32, 64]);
        let top = img.pixels[16];
        let bottom = img.pixels[63 * 32 + 16];
        assert!(top.b() > 150 && top.r() < 80, "blue on top: {top:?}");
        assert!(bottom.r() > 150 && bottom.b() < 100, "red below: {bottom:?}");
    }

    #[test]
    fn a_file_that_is_not_a_picture_has_no_preview_rather_than_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jpg");
        std::fs::write(&p, b"not a jpeg at all").unwrap();
        assert!(decode(&p, 96).is_err());
    }
}
