//! The map as presentation mode shows it, drawn off-screen at any size:
//! for the `render` command and 文件 → 导出地图图片….
//!
//! The drawing is the app's own: an [`App`] in presentation mode runs its
//! [`App::ui_root`] in a headless `egui::Context` (no window) whose screen
//! is the image's size in points at the requested pixels per point, with
//! the app's fonts. Frames are run until the data and the basemap's tiles
//! are in (or a timeout), then the last frame's shapes are tessellated and
//! painted by a software rasteriser ([`raster`]) — no GPU, no display.
//! The zoom buttons, notices and the title bar's leave button are left out
//! (see [`is_offscreen`]).

pub mod export;
pub mod raster;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Pos2, Rect, ViewportId, vec2};

use binzhou_core::mercator::{from_unit, to_unit};
use binzhou_core::model::YearView;

use super::data::MapData;
use super::fonts;
use super::i18n::Lang;
use super::map::basemap::BasemapChoice;
use super::map::project::{ScreenTransform, TILE_SIZE};
use super::map::{MapView, zoom_to_fit};
use super::state::{Camera, ViewState};
use super::{App, main_city_bounds};
use raster::{Canvas, Textures};

/// The largest side of an image, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// The most pixels in an image (A2 at 300 dpi is about 35 million).
pub const MAX_PIXELS: u64 = 80_000_000;

/// The sites to draw.
#[derive(Clone)]
pub enum DataSource {
    /// Files or folders, loaded as the app loads them.
    Paths(Vec<PathBuf>),
    /// Data already loaded (the app's own).
    Loaded(Arc<MapData>),
}

impl std::fmt::Debug for DataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataSource::Paths(p) => f.debug_tuple("Paths").field(p).finish(),
            DataSource::Loaded(d) => write!(f, "Loaded({} sites)", d.dataset.sites.len()),
        }
    }
}

/// What the image shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Extent {
    /// A WGS 84 box (west, south, east, north), fitted exactly: the whole
    /// box is shown, centred, the image's other direction extended.
    Bbox([f64; 4]),
    /// A site by id, fitted as the app fits one (with a margin, at most zoom 17).
    Site(String),
    /// A camera (WGS 84 centre and zoom) as it is.
    Camera(Camera),
    /// Every site (else the main city).
    AllSites,
}

/// The basemap under the sites.
#[derive(Clone, Debug, PartialEq)]
pub enum Basemap {
    /// Whatever the view state chooses (the app's current basemap).
    AsState,
    /// The built-in vector basemap.
    Vector,
    /// A plain background.
    None,
    /// An offline tile package or folder (MBTiles, PMTiles, z/x/y).
    File(PathBuf),
}

/// What to draw and how big.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub data: DataSource,
    /// The year shown; `None` keeps the view state's.
    pub year: Option<YearView>,
    pub extent: Extent,
    pub basemap: Basemap,
    /// Pixels.
    pub width: u32,
    pub height: u32,
    /// The size of type and symbols: pixels per point; default
    /// [`default_pixels_per_point`] (the image is 900 points high).
    pub pixels_per_point: Option<f32>,
    /// Layers, language, tile settings: the app's view state (default: a new one).
    pub state: Option<ViewState>,
    /// A CJK font file; default [`fonts::find_cjk_font`]. Without one the
    /// map is drawn in English.
    pub font: Option<PathBuf>,
    /// How long to wait for the data and the tiles.
    pub timeout: Duration,
}

impl RenderOptions {
    /// Options for an image of `width` × `height` of `data`, everything else default.
    pub fn new(data: DataSource, width: u32, height: u32) -> RenderOptions {
        RenderOptions {
            data,
            year: None,
            extent: Extent::AllSites,
            basemap: Basemap::AsState,
            width,
            height,
            pixels_per_point: None,
            state: None,
            font: None,
            timeout: Duration::from_secs(60),
        }
    }
}

/// The default pixels per point for an image `height` pixels high: it is
/// 900 points high, as a laptop's window, whatever its pixels.
pub fn default_pixels_per_point(height: u32) -> f32 {
    (height as f32 / 900.0).max(0.25)
}

/// Why an image could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("image size {0}×{1} is not drawable (1 to {MAX_SIDE} pixels a side, at most {MAX_PIXELS} pixels)")]
    Size(u32, u32),
    #[error("no site with id {0}, or it has no location")]
    NoSuchSite(String),
    #[error("{0} is not a tile package or folder (MBTiles, PMTiles, z/x/y)")]
    NotABasemap(PathBuf),
    #[error("the data did not load within {0:?}")]
    LoadTimeout(Duration),
    #[error(transparent)]
    Font(#[from] fonts::FontError),
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl RenderError {
    /// The error in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        lang.render_error(self)
    }
}

/// A drawn map.
#[derive(Debug)]
pub struct Rendered {
    /// The picture, straight alpha.
    pub image: image::RgbaImage,
    /// The map's transform in points (pixels are points × `pixels_per_point`).
    pub transform: Option<ScreenTransform>,
    pub pixels_per_point: f32,
    /// The camera drawn (WGS 84 centre unless the basemap is GCJ-02).
    pub camera: Camera,
    /// Frames run before painting.
    pub frames: u32,
    /// False when the timeout came first (tiles still loading: lower zooms drawn in their place).
    pub complete: bool,
    /// Sites in the data.
    pub sites: usize,
}

/// The id under which an off-screen context is marked.
fn offscreen_id() -> egui::Id {
    egui::Id::unique("binzhou-sites/offscreen-render")
}

/// Whether `ctx` draws an off-screen image: the map's buttons are then left out.
pub fn is_offscreen(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(offscreen_id())).unwrap_or(false)
}

/// The camera that shows `bbox` (W, S, E, N) whole in `size` points.
pub fn camera_for_bbox(bbox: [f64; 4], size: egui::Vec2) -> Camera {
    let [w, s, e, n] = bbox;
    let a = to_unit(w.min(e), s.max(n));
    let b = to_unit(w.max(e), s.min(n));
    let (dx, dy) = ((b[0] - a[0]).abs().max(1e-12), (b[1] - a[1]).abs().max(1e-12));
    let scale = (size.x as f64 / dx).min(size.y as f64 / dy);
    let zoom = (scale / TILE_SIZE).log2();
    let (lon, lat) = from_unit([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]);
    Camera { lon, lat, zoom }
}

/// The WGS 84 box a transform shows (W, S, E, N).
pub fn view_bbox(t: &ScreenTransform) -> [f64; 4] {
    let t = t.unshifted();
    let (w, n) = t.lon_lat(t.rect.left_top());
    let (e, s) = t.lon_lat(t.rect.right_bottom());
    [w, s, e, n]
}

fn raw_input(size: egui::Vec2, ppp: f32, time: f64) -> egui::RawInput {
    let rect = Rect::from_min_size(Pos2::ZERO, size);
    let mut input = egui::RawInput {
        screen_rect: Some(rect),
        max_texture_side: Some(8192),
        time: Some(time),
        predicted_dt: 1.0 / 30.0,
        focused: false,
        ..Default::default()
    };
    let viewport = input.viewports.entry(ViewportId::ROOT).or_default();
    viewport.native_pixels_per_point = Some(ppp);
    viewport.inner_rect = Some(rect);
    input
}

/// A headless context with the app's fonts and theme; the language to use
/// (English without a CJK font).
fn headless_context(font: Option<&Path>, lang: Lang) -> Result<(egui::Context, Lang), RenderError> {
    let ctx = egui::Context::default();
    ctx.set_theme(egui::Theme::Light);
    let font = font.map(Path::to_path_buf).or_else(fonts::find_cjk_font);
    let lang = match font {
        Some(path) => {
            fonts::install_font_file(&ctx, &path)?;
            lang
        }
        None => {
            tracing::warn!("{}", fonts::FontError::NotFound);
            Lang::En
        }
    };
    fonts::apply_text_sizes(&ctx);
    ctx.data_mut(|d| d.insert_temp(offscreen_id(), true));
    Ok((ctx, lang))
}

/// Draws the map as presentation mode shows it into an image of the
/// requested size.
pub fn render_map(opts: &RenderOptions) -> Result<Rendered, RenderError> {
    let (width, height) = (opts.width, opts.height);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE || width as u64 * height as u64 > MAX_PIXELS {
        return Err(RenderError::Size(width, height));
    }
    let ppp = opts.pixels_per_point.filter(|p| p.is_finite() && *p > 0.0).unwrap_or(default_pixels_per_point(height));
    let size = vec2(width as f32 / ppp, height as f32 / ppp);
    let mut state = opts.state.clone().unwrap_or_default();
    let (ctx, lang) = headless_context(opts.font.as_deref(), state.lang)?;
    state.lang = lang;
    if let Some(y) = opts.year {
        state.year = y;
    }
    match &opts.basemap {
        Basemap::AsState | Basemap::File(_) => {}
        Basemap::Vector => state.basemap = BasemapChoice::Vector,
        Basemap::None => state.basemap = BasemapChoice::None,
    }
    state.camera = None;
    let started = Instant::now();
    let mut app = App::new(Vec::new(), state, false);
    app.notices.clear();
    if let Basemap::File(path) = &opts.basemap {
        let rest = app.tiles.open_paths(&mut app.state, vec![path.clone()]);
        if !rest.is_empty() {
            return Err(RenderError::NotABasemap(path.clone()));
        }
    }
    match &opts.data {
        DataSource::Paths(paths) => {
            app.targets = super::targets_for(paths);
            app.initial = Some(paths.clone());
            if !app.wait_for_loading(&ctx, opts.timeout) {
                return Err(RenderError::LoadTimeout(opts.timeout));
            }
        }
        DataSource::Loaded(data) => {
            app.initial = None;
            app.data = data.clone();
            app.generation += 1;
            app.illustrative = data.dataset.sites.iter().any(|s| s.source() == Some("illustrative"));
        }
    }
    let camera = match &opts.extent {
        Extent::Bbox(b) => camera_for_bbox(*b, size),
        Extent::Camera(c) => *c,
        Extent::Site(id) => {
            let site = app.data.dataset.sites.iter().find(|s| s.id() == id);
            // A site without a location has nothing to frame: as if absent.
            let b = site.and_then(|s| s.located_bbox()).ok_or_else(|| RenderError::NoSuchSite(id.clone()))?;
            let c = b.center();
            Camera { lon: c.x, lat: c.y, zoom: zoom_to_fit(&b, size).min(17.0) }
        }
        Extent::AllSites => {
            let b = app.data.bbox.unwrap_or_else(main_city_bounds);
            let c = b.center();
            Camera { lon: c.x, lat: c.y, zoom: zoom_to_fit(&b, size) }
        }
    };
    app.map = MapView::new(Some(camera), main_city_bounds());
    app.toggle_presentation(&ctx);
    // Presentation mode zooms the interface for a room; the image's scale
    // is `ppp` all told: the "screen's" own pixels per point are set so
    // (a first guess, corrected after a frame if the zoom is not that).
    let mut native = ppp / app.state.present_scale.clamp(1.0, 3.0);

    let mut textures = Textures::default();
    let mut time = 0.0;
    let mut settled = 0;
    let mut frames = 0;
    let deadline = started + opts.timeout;
    let mut shifted = false;
    let (output, mut last_delta, complete) = loop {
        app.notices.clear();
        let mut out = ctx.run_ui(raw_input(size, native, time), |ui| app.ui_root(ui));
        frames += 1;
        time += 1.0 / 30.0;
        let mut delta = std::mem::take(&mut out.textures_delta);
        textures.set(&mut delta);
        // Over a GCJ-02 basemap the camera is in its frame: known after a frame.
        if app.map.gcj02 && !shifted {
            shifted = true;
            app.map.fly_to(camera.lon, camera.lat, camera.zoom, false);
            settled = 0;
        }
        let scale_off = (out.pixels_per_point - ppp).abs() > 1e-4 * ppp;
        if scale_off {
            native *= ppp / out.pixels_per_point;
            settled = 0;
        }
        let tiles_loading = app.state.basemap == BasemapChoice::Tiles && app.tile_basemap.loading() > 0;
        let busy = app.is_loading() || tiles_loading || app.map.is_animating();
        settled = if busy || scale_off { 0 } else { settled + 1 };
        // Areas are measured in their first frame and drawn in the next.
        if frames >= 4 && settled >= 2 {
            break (out, delta, true);
        }
        if Instant::now() >= deadline {
            tracing::warn!("render: still loading after {:?}; drawing what has arrived", opts.timeout);
            break (out, delta, false);
        }
        textures.free(&mut delta);
        if busy {
            std::thread::sleep(Duration::from_millis(15));
        }
    };
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    let mut canvas = Canvas::new(width, height, ctx.global_style().visuals.panel_fill);
    raster::paint(&mut canvas, &textures, &primitives, output.pixels_per_point);
    textures.free(&mut last_delta);
    tracing::info!(
        "rendered {width}×{height} at {ppp:.2} px/pt in {frames} frames, {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(Rendered {
        image: canvas.to_rgba_image(),
        transform: app.map.transform,
        pixels_per_point: output.pixels_per_point,
        camera: app.camera(),
        frames,
        complete,
        sites: app.data.dataset.sites.len(),
    })
}

/// Writes `image` as a PNG, saying its resolution when `dpi` is given
/// (a print shop reads A3 at 300 dpi from it).
pub fn write_png(image: &image::RgbaImage, path: &Path, dpi: Option<f32>) -> Result<(), RenderError> {
    let fail = |reason: String| RenderError::Write { path: path.to_path_buf(), reason };
    let file = std::fs::File::create(path).map_err(|e| fail(e.to_string()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), image.width(), image.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    if let Some(dpi) = dpi.filter(|d| d.is_finite() && *d > 0.0) {
        let per_metre = (dpi as f64 / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: per_metre, yppu: per_metre, unit: png::Unit::Meter }));
    }
    let mut writer = encoder.write_header().map_err(|e| fail(e.to_string()))?;
    writer.write_image_data(image.as_raw()).map_err(|e| fail(e.to_string()))?;
    writer.finish().map_err(|e| fail(e.to_string()))?;
    Ok(())
}
