//! The map: a walkers `Map` widget with the basemap's tile layers (if it
//! has any) and plugins for a painted basemap, the sites and the labels,
//! plus the camera (fly-to, fit, keys).
//!
//! Over a GCJ-02 basemap (AMap style) the sites, the painted basemap and the
//! cursor are shifted so they line up with it; the camera stays in the
//! basemap's own frame.

pub mod basemap;
pub mod clear;
pub mod gpu_sites;
pub mod labels;
pub mod project;
pub mod sites_plugin;
pub mod style;
pub mod tiles_source;

use std::cell::RefCell;

use egui::{Rect, Response, Shape, Ui, layers::ShapeIdx};
use walkers::{Map, MapMemory, Plugin, Projector, lon_lat};

use binzhou_core::crs::{Crs, from_wgs84, to_wgs84};

use super::data::MapData;
use super::state::{Camera, MAIN_CITY_CENTRE, MAX_ZOOM, MIN_ZOOM};
use basemap::BasemapSource;
use binzhou_core::mercator::{Unit, from_unit, to_unit};
use labels::{Collisions, LabelCandidate, place_and_paint};
use project::ScreenTransform;
use sites_plugin::{DrawStyle, SitesFrame, SitesPlugin};

/// A camera move under way.
#[derive(Clone, Copy, Debug)]
struct Flight {
    from: (Unit, f64),
    to: (Unit, f64),
    /// 0 → 1.
    t: f64,
    duration: f64,
}

/// The map's long-lived state.
pub struct MapView {
    memory: MapMemory,
    flight: Option<Flight>,
    /// A lon/lat box to fit once the map's size is known.
    pending_fit: Option<geo::Rect<f64>>,
    /// The last frame's transform.
    pub transform: Option<ScreenTransform>,
    /// The last frame's picking and drawing results.
    pub frame: SitesFrame,
    /// The cursor's lon/lat (WGS84) when over the map.
    pub cursor: Option<(f64, f64)>,
    /// Whether the last frame's basemap was in GCJ-02, so WGS84 positions
    /// were shifted onto it.
    pub gcj02: bool,
    /// While true, dragging on the map does not pan it (a box is being drawn).
    pub drag_pan_off: bool,
    /// Dense views are drawn on the GPU (its renderer has [`gpu_sites`] installed).
    pub gpu: bool,
}

/// What the map did this frame.
pub struct MapOutput {
    pub response: Response,
    /// `Some(None)` for a click on empty map.
    pub clicked: Option<Option<usize>>,
}

fn clamp_zoom(z: f64) -> f64 {
    if z.is_finite() { z.clamp(MIN_ZOOM, MAX_ZOOM) } else { 13.0 }
}

/// The zoom at which a lon/lat box fills `size` pixels (with a margin).
pub fn zoom_to_fit(bounds: &geo::Rect<f64>, size: egui::Vec2) -> f64 {
    let a = to_unit(bounds.min().x, bounds.max().y);
    let b = to_unit(bounds.max().x, bounds.min().y);
    let (dx, dy) = ((b[0] - a[0]).abs().max(1e-9), (b[1] - a[1]).abs().max(1e-9));
    let w = (size.x as f64 - 60.0).max(50.0);
    let h = (size.y as f64 - 60.0).max(50.0);
    let scale = (w / dx).min(h / dy);
    clamp_zoom((scale / project::TILE_SIZE).log2()).min(17.0)
}

impl MapView {
    /// A map at a saved camera, or fitting `home` on the first frame.
    pub fn new(camera: Option<Camera>, home: geo::Rect<f64>) -> Self {
        let mut memory = MapMemory::default();
        let cam = camera.unwrap_or_default();
        memory.center_at(lon_lat(cam.lon, cam.lat));
        let _ = memory.set_zoom(clamp_zoom(cam.zoom));
        MapView {
            memory,
            flight: None,
            pending_fit: camera.is_none().then_some(home),
            transform: None,
            frame: SitesFrame::default(),
            cursor: None,
            gcj02: false,
            drag_pan_off: false,
            gpu: false,
        }
    }

    fn centre_unit(&self) -> Unit {
        let c = self.memory.detached().unwrap_or(lon_lat(MAIN_CITY_CENTRE.0, MAIN_CITY_CENTRE.1));
        to_unit(c.x(), c.y())
    }

    /// Where the map looks now.
    pub fn camera(&self) -> Camera {
        let (lon, lat) = from_unit(self.centre_unit());
        Camera { lon, lat, zoom: self.memory.zoom() }
    }

    fn set(&mut self, centre: Unit, zoom: f64) {
        let (lon, lat) = from_unit(centre);
        self.memory.center_at(lon_lat(lon, lat));
        let _ = self.memory.set_zoom(clamp_zoom(zoom));
    }

    /// Moves the camera to a (WGS84) lon/lat and zoom, smoothly when `animate`.
    pub fn fly_to(&mut self, lon: f64, lat: f64, zoom: f64, animate: bool) {
        // The camera is in the basemap's frame.
        let (lon, lat) = if self.gcj02 { from_wgs84(Crs::Gcj02, lon, lat).unwrap_or((lon, lat)) } else { (lon, lat) };
        let to = (to_unit(lon, lat), clamp_zoom(zoom));
        if animate {
            self.flight = Some(Flight { from: (self.centre_unit(), self.memory.zoom()), to, t: 0.0, duration: 0.6 });
        } else {
            self.flight = None;
            self.set(to.0, to.1);
        }
    }

    /// Fits a lon/lat box in the map (on the next frame if the map was never shown).
    pub fn fit(&mut self, bounds: geo::Rect<f64>, max_zoom: f64, animate: bool) {
        match self.transform {
            Some(t) => {
                let zoom = zoom_to_fit(&bounds, t.rect.size()).min(max_zoom);
                let c = bounds.center();
                self.fly_to(c.x, c.y, zoom, animate);
            }
            None => self.pending_fit = Some(bounds),
        }
    }

    /// Fits a lon/lat box inside `clear`, a part of the map's rect (in
    /// screen points) that nothing covers: the box is centred in it and
    /// sized to it, not to the whole map.
    pub fn fit_in(&mut self, bounds: geo::Rect<f64>, max_zoom: f64, clear: Rect, animate: bool) {
        let Some(t) = self.transform else {
            self.pending_fit = Some(bounds);
            return;
        };
        let zoom = zoom_to_fit(&bounds, clear.size()).min(max_zoom);
        let c = bounds.center();
        let centre = to_unit(c.x, c.y);
        // Where the box's centre must be, relative to the map's centre.
        let offset = clear.center() - t.rect.center();
        let scale = project::TILE_SIZE * 2f64.powf(zoom);
        let camera = [centre[0] - offset.x as f64 / scale, centre[1] - offset.y as f64 / scale];
        let (lon, lat) = from_unit(camera);
        self.fly_to(lon, lat, zoom, animate);
    }

    /// Zooms in (positive) or out by whole or fractional levels.
    pub fn zoom_by(&mut self, delta: f64) {
        self.flight = None;
        let z = self.memory.zoom() + delta;
        let _ = self.memory.set_zoom(clamp_zoom(z));
    }

    /// Pans by screen pixels (positive x east, positive y south).
    pub fn pan_by(&mut self, dx: f32, dy: f32) {
        self.flight = None;
        let scale = project::TILE_SIZE * 2f64.powf(self.memory.zoom());
        let c = self.centre_unit();
        self.set([c[0] + dx as f64 / scale, c[1] + dy as f64 / scale], self.memory.zoom());
    }

    /// Whether the camera is moving by itself.
    pub fn is_animating(&self) -> bool {
        self.flight.is_some()
    }

    fn advance_flight(&mut self, ui: &Ui) {
        let Some(mut f) = self.flight else {
            return;
        };
        let animations = ui.style().animation_time > 0.0;
        let dt = ui.input(|i| i.stable_dt).clamp(1.0 / 240.0, 0.1) as f64;
        f.t = if animations { (f.t + dt / f.duration).min(1.0) } else { 1.0 };
        let s = f.t * f.t * (3.0 - 2.0 * f.t);
        let centre = [f.from.0[0] + (f.to.0[0] - f.from.0[0]) * s, f.from.0[1] + (f.to.0[1] - f.from.0[1]) * s];
        let zoom = f.from.1 + (f.to.1 - f.from.1) * s;
        self.set(centre, zoom);
        if f.t >= 1.0 {
            self.flight = None;
        } else {
            self.flight = Some(f);
            ui.ctx().request_repaint();
        }
    }

    /// Shows the map filling the rest of `ui`.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        data: &MapData,
        style: DrawStyle,
        basemap: &mut dyn BasemapSource,
    ) -> MapOutput {
        let rect = ui.available_rect_before_wrap();
        if let Some(bounds) = self.pending_fit.take() {
            let zoom = zoom_to_fit(&bounds, rect.size());
            let c = bounds.center();
            self.set(to_unit(c.x, c.y), zoom);
        }
        self.advance_flight(ui);

        let labels = RefCell::new(Vec::<LabelCandidate>::new());
        let obstacles = RefCell::new(Vec::<Rect>::new());
        // Last frame's clusters decide what a click on one means.
        let mut frame = SitesFrame { clusters: std::mem::take(&mut self.frame.clusters), ..Default::default() };
        let gcj02 = basemap.is_gcj02();
        self.gcj02 = gcj02;
        // The background goes first, under whatever walkers and the plugins draw.
        ui.painter().with_clip_rect(rect).rect_filled(rect, 0.0, basemap.background());
        // A place for an underlay beneath the tiles: it is painted by a
        // plugin (which knows this frame's view) but must lie below the
        // tiles walkers paints before any plugin runs.
        let underlay_slot = ui.painter().add(Shape::Noop);
        let home = lon_lat(MAIN_CITY_CENTRE.0, MAIN_CITY_CENTRE.1);
        // A tile source is drawn by walkers; any other source paints itself in a plugin.
        let (layers, underlay, painted) = if basemap.has_tiles() {
            let t = basemap.tile_layers();
            (t.layers, t.underlay, None)
        } else {
            (Vec::new(), None, Some(&*basemap))
        };
        let response = {
            let basemap_plugin = BasemapPlugin { source: painted, underlay, underlay_slot, gcj02, labels: &labels };
            let sites_plugin =
                SitesPlugin { data, style, out: &mut frame, labels: &labels, obstacles: &obstacles, gcj02 };
            let labels_plugin = LabelsPlugin { labels: &labels, obstacles: &obstacles };
            // Zooming is ours (see below): walkers' wheel zoom scales with frame time.
            let mut map = Map::new(None, &mut self.memory, home)
                .zoom_with_ctrl(false)
                .zoom_gesture(false)
                .double_click_to_zoom(false);
            if self.drag_pan_off {
                map = map.drag_pan_buttons(egui::DragPanButtons::empty());
            }
            for (tiles, opacity) in layers {
                map = map.with_layer(tiles, opacity.clamp(0.0, 1.0));
            }
            map.with_plugin(basemap_plugin)
                .with_plugin(sites_plugin)
                .with_plugin(labels_plugin)
                .show(ui, |_, _, _, _| ())
                .response
        };
        let clicked = frame.clicked.take();
        // Panels drawn before the map this frame (the status bar's zoom and
        // scale bar) showed the old view: one more frame shows them the new.
        if frame.transform != self.transform {
            ui.ctx().request_repaint();
        }
        self.transform = frame.transform;
        // A click on a cluster of sites zooms in on it.
        if let (Some(at), Some(t)) = (frame.cluster_clicked, self.transform) {
            self.zoom_about(&t, at, 2.0);
        }
        self.wheel_zoom(ui, &response);
        self.cursor = match (response.hover_pos(), self.transform) {
            (Some(p), Some(t)) => {
                // Where the basemap is, then back to WGS84 if it is GCJ-02.
                let (lon, lat) = t.unshifted().lon_lat(p);
                Some(if gcj02 { to_wgs84(Crs::Gcj02, lon, lat).unwrap_or((lon, lat)) } else { (lon, lat) })
            }
            _ => None,
        };
        self.frame = frame;
        MapOutput { response, clicked }
    }

    /// Zooms by the wheel (half a level per notch), a pinch or a double
    /// click, keeping the place under the pointer where it is.
    fn wheel_zoom(&mut self, ui: &mut Ui, response: &Response) {
        let (Some(t), Some(at)) = (self.transform, response.hover_pos()) else {
            return;
        };
        if !response.hovered() {
            return;
        }
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let mut dz = scroll as f64 / 160.0;
        if pinch != 1.0 && pinch > 0.0 {
            dz += (pinch as f64).log2();
        }
        if response.double_clicked() {
            dz += 1.0;
        }
        if dz == 0.0 {
            return;
        }
        ui.input_mut(|i| i.smooth_scroll_delta = egui::Vec2::ZERO);
        self.zoom_about(&t, at, dz);
        ui.ctx().request_repaint();
    }

    /// Zooms by `dz` levels keeping the place under `at` (screen) fixed.
    pub fn zoom_about(&mut self, t: &ScreenTransform, at: egui::Pos2, dz: f64) {
        self.flight = None;
        // The camera is in the basemap's frame.
        let t = t.unshifted();
        let under = t.to_unit(at);
        let zoom = clamp_zoom(self.memory.zoom() + dz);
        let scale = project::TILE_SIZE * 2f64.powf(zoom);
        let c = t.rect.center();
        let centre = [under[0] - (at.x - c.x) as f64 / scale, under[1] - (at.y - c.y) as f64 / scale];
        self.set(centre, zoom);
    }

    /// The map's rectangle on screen in the last frame.
    pub fn rect(&self) -> Option<Rect> {
        self.transform.map(|t| t.rect)
    }
}

/// Paints a (non-tile) basemap source and offers its labels, or paints a
/// tile source's underlay into the slot reserved beneath the tiles.
struct BasemapPlugin<'a> {
    source: Option<&'a dyn BasemapSource>,
    underlay: Option<&'a dyn BasemapSource>,
    underlay_slot: ShapeIdx,
    /// Shift the (WGS84) underlay onto a GCJ-02 basemap.
    gcj02: bool,
    labels: &'a RefCell<Vec<LabelCandidate>>,
}

impl Plugin for BasemapPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _: &Response, projector: &Projector, _: &MapMemory) {
        let t = ScreenTransform::from_projector(projector);
        let painter = ui.painter().with_clip_rect(t.rect);
        if let Some(source) = self.source {
            source.paint(&painter, &t, &mut self.labels.borrow_mut());
        }
        if let Some(underlay) = self.underlay {
            let t = if self.gcj02 { t.onto_gcj02() } else { t };
            // The tiles carry their own names: the underlay's are not placed.
            let shapes = underlay.shapes(&t, &mut Vec::new());
            painter.set(self.underlay_slot, Shape::Vec(shapes));
        }
    }
}

/// Places the labels of the basemap and the sites together, above everything.
struct LabelsPlugin<'a> {
    labels: &'a RefCell<Vec<LabelCandidate>>,
    /// Symbols labels keep clear of (clusters).
    obstacles: &'a RefCell<Vec<Rect>>,
}

impl Plugin for LabelsPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _: &Response, projector: &Projector, _: &MapMemory) {
        let t = ScreenTransform::from_projector(projector);
        let painter = ui.painter().with_clip_rect(t.rect);
        let all = self.labels.take();
        let mut taken = Collisions::default();
        for r in self.obstacles.take() {
            taken.take(r);
        }
        place_and_paint(&painter, all, &mut taken);
    }
}
