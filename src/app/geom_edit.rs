//! Geometry on the map: the vertex tool (drag a vertex, drag a segment's
//! middle to insert one, right-click a vertex to delete it; holes
//! included), drawing a new site as point, line or polygon, and setting a
//! field of many sites at once. Positions snap to other sites' vertices,
//! then to their edges. The rules are the core's
//! ([`binzhou_core::edit::vertices`]); this module reacts and draws.

use egui::{Color32, Pos2, Stroke};
use geo::Coord;

use binzhou_core::edit::fields::{self, Field};
use binzhou_core::edit::vertices::{Shape, VertexRef, Vertices};
use binzhou_core::edit::{FeatureKey, FeatureState, Target};
use binzhou_core::model::{LayerKey, Msg, PlanLayer};

use super::*;

/// Pixels within which a press takes a handle and a position snaps.
pub const HANDLE_PX: f32 = 8.0;

/// The vertex tool on one site.
#[derive(Debug, Clone)]
pub struct VertexTool {
    pub site: FeatureKey,
    pub vertices: Vertices,
    /// The vertex being dragged.
    pub dragging: Option<VertexRef>,
    /// What is wrong with the working geometry.
    pub problem: Option<Msg>,
}

/// A new site being drawn.
#[derive(Debug, Clone)]
pub struct DrawTool {
    pub shape: Shape,
    pub layer: PlanLayer,
    /// The vertices clicked so far (WGS84).
    pub coords: Vec<Coord<f64>>,
}

impl DrawTool {
    fn enough(&self) -> bool {
        self.coords.len()
            >= match self.shape {
                Shape::Points => 1,
                Shape::Lines => 2,
                Shape::Polygons => 3,
            }
    }

    fn geometry(&self) -> Option<geo::Geometry<f64>> {
        if !self.enough() {
            return None;
        }
        Some(match self.shape {
            Shape::Points => geo::Geometry::Point(geo::Point(self.coords[0])),
            Shape::Lines => geo::Geometry::LineString(geo::LineString(self.coords.clone())),
            Shape::Polygons => {
                let mut ring = self.coords.clone();
                ring.push(self.coords[0]);
                geo::Geometry::Polygon(geo::Polygon::new(geo::LineString(ring), Vec::new()))
            }
        })
    }
}

/// Setting one field of many sites.
#[derive(Debug, Clone)]
pub struct BatchForm {
    pub field: Field,
    pub text: String,
}

/// The geometry tools' state on the app.
#[derive(Debug, Default)]
pub struct GeomTools {
    pub vertex: Option<VertexTool>,
    pub draw: Option<DrawTool>,
    pub batch: Option<BatchForm>,
}

impl GeomTools {
    /// Whether a map click belongs to a tool.
    pub fn takes_clicks(&self) -> bool {
        self.vertex.is_some() || self.draw.is_some()
    }
}

fn ll(c: (f64, f64)) -> Coord<f64> {
    Coord { x: c.0, y: c.1 }
}

/// The distance from `p` to the segment `a`–`b`, and the nearest point on it.
fn to_segment(p: Pos2, a: Pos2, b: Pos2) -> (f32, Pos2) {
    let ab = b - a;
    let len2 = ab.length_sq();
    let t = if len2 > 0.0 { ((p - a).dot(ab) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let q = a + ab * t;
    (p.distance(q), q)
}

impl App {
    /// A position under the pointer, snapped to the nearest vertex of a
    /// site (or of the working geometry, other than `moving`) within
    /// [`HANDLE_PX`], else to the nearest edge.
    pub(super) fn snapped(&self, at: Pos2, own: Option<(&Vertices, Option<VertexRef>)>) -> Coord<f64> {
        let Some(t) = self.map.transform else { return Coord { x: 0.0, y: 0.0 } };
        let (lon, lat) = t.lon_lat(at);
        let (l2, b2) = t.lon_lat(at + vec2(HANDLE_PX, HANDLE_PX));
        let (dx, dy) = ((l2 - lon).abs(), (b2 - lat).abs());
        let near = geo::Rect::new((lon - dx, lat - dy), (lon + dx, lat + dy));
        let screen = |c: Coord<f64>| t.lon_lat_to_screen(c.x, c.y);
        let closest = |cands: &mut dyn Iterator<Item = (f32, Coord<f64>)>| {
            cands.filter(|(d, _)| *d <= HANDLE_PX).min_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, c)| c)
        };
        let sites = self.data.index.in_rect(near);
        let site_vertices = sites
            .iter()
            .filter_map(|&i| self.data.dataset.sites.get(i))
            .flat_map(|s| geo::CoordsIter::coords_iter(&s.geometry).collect::<Vec<_>>());
        let own_vertices = own.into_iter().flat_map(|(v, moving)| {
            v.iter().filter(move |(r, _)| Some(*r) != moving).map(|(_, c)| c).collect::<Vec<_>>()
        });
        let mut vertices = site_vertices.chain(own_vertices).map(|c| (screen(c).distance(at), c));
        if let Some(c) = closest(&mut vertices) {
            return c;
        }
        let mut edges = sites
            .iter()
            .filter_map(|&i| self.data.dataset.sites.get(i))
            .flat_map(|s| Vertices::of(&s.geometry).map(|v| v.segments()).unwrap_or_default())
            .map(|(_, a, b)| {
                let (d, q) = to_segment(at, screen(a), screen(b));
                (d, ll(t.lon_lat(q)))
            });
        if let Some(c) = closest(&mut edges) {
            return c;
        }
        ll((lon, lat))
    }

    /// Opens the vertex tool on site `i`.
    pub(super) fn start_vertex_tool(&mut self, i: usize) {
        let Some(s) = self.data.dataset.sites.get(i) else { return };
        match Vertices::of(&s.geometry) {
            Some(vertices) => {
                let problem = vertices.problem();
                self.geom.vertex = Some(VertexTool { site: s.origin, vertices, dragging: None, problem });
                self.geom.draw = None;
                self.editing.moving = None;
            }
            None => {
                let (en, zh) = if s.is_located() {
                    (Lang::En.edits().no_vertex_tool, Lang::Zh.edits().no_vertex_tool)
                } else {
                    (Lang::En.edits().no_vertices_yet, Lang::Zh.edits().no_vertices_yet)
                };
                let m = Msg::new(en, zh);
                self.notices.push(Notice { text: self.state.lang.pick(&m).into(), ttl: Some(6.0) });
            }
        }
    }

    /// Before the map is drawn: a press on a handle starts a drag (and
    /// stops the map from panning), a drag moves the vertex, a release
    /// makes the edit, a right-click deletes.
    pub(super) fn vertex_tool_input(&mut self, ctx: &egui::Context) {
        let Some(t) = self.map.transform else { return };
        let Some(tool) = &self.geom.vertex else { return };
        // The site may have gone (undone, deleted).
        let Some(i) = self.data.dataset.sites.iter().position(|s| s.origin == tool.site) else {
            self.geom.vertex = None;
            return;
        };
        let (pressed, secondary, down, released, pos) = ctx.input(|inp| {
            (
                inp.pointer.primary_pressed(),
                inp.pointer.secondary_clicked(),
                inp.pointer.primary_down(),
                inp.pointer.primary_released(),
                inp.pointer.interact_pos(),
            )
        });
        let Some(pos) = pos.filter(|p| self.map.rect().is_some_and(|r| r.contains(*p))) else { return };
        let screen = |c: Coord<f64>| t.lon_lat_to_screen(c.x, c.y);
        let near_vertex = |tool: &VertexTool| {
            tool.vertices
                .iter()
                .map(|(r, c)| (screen(c).distance(pos), r))
                .filter(|(d, _)| *d <= HANDLE_PX)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, r)| r)
        };
        let near_middle = |tool: &VertexTool| {
            tool.vertices
                .segments()
                .into_iter()
                .map(|(r, a, b)| {
                    let m = Coord { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
                    (screen(m).distance(pos), r, m)
                })
                .filter(|(d, _, _)| *d <= HANDLE_PX)
                .min_by(|a, b| a.0.total_cmp(&b.0))
        };
        if secondary {
            let Some(tool) = self.geom.vertex.as_mut() else { return };
            if let Some(v) = near_vertex(tool) {
                match tool.vertices.delete(v) {
                    Ok(()) => self.commit_vertices(i),
                    Err(m) => self.notices.push(Notice { text: self.state.lang.pick(&m).into(), ttl: Some(6.0) }),
                }
            }
            return;
        }
        if pressed {
            let Some(tool) = self.geom.vertex.as_mut() else { return };
            if let Some(v) = near_vertex(tool) {
                tool.dragging = Some(v);
            } else if let Some((_, after, m)) = near_middle(tool) {
                tool.dragging = tool.vertices.insert_after(after, m);
            }
        }
        let dragging = self.geom.vertex.as_ref().and_then(|t| t.dragging);
        if let Some(v) = dragging {
            self.map.drag_pan_off = true;
            if down {
                let own = self.geom.vertex.as_ref().map(|t| (&t.vertices, Some(v)));
                let to = self.snapped(pos, own);
                if let Some(tool) = self.geom.vertex.as_mut()
                    && tool.vertices.iter().any(|(r, c)| r == v && c != to)
                {
                    tool.vertices.move_to(v, to);
                    tool.problem = tool.vertices.problem();
                    ctx.request_repaint();
                }
            }
            if released || !down {
                if let Some(tool) = self.geom.vertex.as_mut() {
                    tool.dragging = None;
                }
                self.commit_vertices(i);
            }
        }
    }

    /// The working vertices as an edit of site `i` (when they differ).
    fn commit_vertices(&mut self, i: usize) {
        let Some(tool) = &self.geom.vertex else { return };
        let g = tool.vertices.geometry();
        let Some(s) = self.data.dataset.sites.get(i) else { return };
        if s.geometry == g {
            return;
        }
        let Some(state) = FeatureState::of(&self.data.dataset, i) else { return };
        let label = Lang::geometry_label(s.name());
        let key = tool.site;
        if !self.edit(label, vec![Target::Site(i, Some(state.with_geometry(&g)))]) {
            // Refused: back to the site as it is.
            if let Some(i) = self.data.dataset.sites.iter().position(|s| s.origin == key) {
                self.start_vertex_tool(i);
            }
        }
    }

    /// After an edit or undo: the vertex tool follows its site.
    pub(super) fn sync_vertex_tool(&mut self) {
        let Some(tool) = &self.geom.vertex else { return };
        if tool.dragging.is_some() {
            return;
        }
        match self.data.dataset.sites.iter().position(|s| s.origin == tool.site) {
            Some(i) if Vertices::of(&self.data.dataset.sites[i].geometry).as_ref() != Some(&tool.vertices) => {
                self.start_vertex_tool(i)
            }
            Some(_) => {}
            None => self.geom.vertex = None,
        }
    }

    /// A map click while drawing: the next vertex (snapped).
    pub(super) fn draw_click(&mut self, at: Pos2) {
        let c = self.snapped(at, None);
        if let Some(d) = &mut self.geom.draw {
            if d.shape == Shape::Points {
                d.coords.clear();
            }
            d.coords.push(c);
        }
    }

    /// Keys of the tools: Esc ends them, Backspace takes back a drawn
    /// vertex, Enter finishes a drawing.
    pub(super) fn geom_keys(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() || self.files.is_open() {
            return;
        }
        if (self.geom.vertex.is_some() || self.geom.draw.is_some())
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
        {
            self.geom.vertex = None;
            self.geom.draw = None;
        }
        if let Some(d) = &mut self.geom.draw {
            if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Backspace)) {
                d.coords.pop();
            }
            if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter)) {
                self.finish_drawing();
            }
        }
    }

    /// The drawing as a new site in the file its layer's sites come from.
    pub fn finish_drawing(&mut self) {
        let Some(d) = self.geom.draw.clone() else { return };
        let Some(g) = d.geometry() else { return };
        let ds = &self.data.dataset;
        let key = LayerKey::Plan(d.layer);
        let is_geojson = |f: u16| ds.files.get(f as usize).is_some_and(|f| binzhou_formats::is_geojson(&f.path));
        let file = ds
            .sites
            .iter()
            .find(|s| s.layer() == &key && is_geojson(s.origin.file))
            .map(|s| s.origin.file)
            .or_else(|| (0..ds.files.len() as u16).find(|&f| is_geojson(f)));
        let lang = self.state.lang;
        let Some(file) = file else {
            let m = Msg::new(Lang::En.edits().no_file_for_new, Lang::Zh.edits().no_file_for_new);
            self.notices.push(Notice { text: lang.pick(&m).into(), ttl: Some(8.0) });
            return;
        };
        let prefix = match d.layer {
            PlanLayer::DeadEndRoad => "DR",
            PlanLayer::PocketPark => "PP",
            PlanLayer::Greenway => "GW",
            PlanLayer::OverheadLineZone => "OL",
            PlanLayer::UrbanVillage => "UV",
        };
        let id =
            (1..).map(|n| format!("{prefix}-NEW-{n:03}")).find(|id| ds.find_by_id(id).is_none()).unwrap_or_default();
        let mut properties = serde_json::Map::new();
        properties.insert("id".into(), id.clone().into());
        properties.insert("name".into(), lang.edits().new_site_name.into());
        properties.insert("layer".into(), d.layer.key().into());
        properties.insert("task".into(), d.layer.task().into());
        let state = FeatureState { properties, geometry: binzhou_core::edit::geometry_value(&g) };
        if self.edit(Lang::new_site_label(&id), vec![Target::New(file, state)]) {
            self.geom.draw = None;
            if let Some(i) = self.data.dataset.find_by_id(&id) {
                self.select(i, false);
                self.editing.form = super::editing::AttrForm::of(&self.data.dataset, i);
            }
        }
    }

    /// Sets the batch form's field on every highlighted site (one edit).
    fn apply_batch(&mut self) {
        let Some(b) = &self.geom.batch else { return };
        let ds = &self.data.dataset;
        let value = match fields::parse(b.field, &b.text, ds, None) {
            Ok(v) => v,
            Err(m) => {
                self.notices.push(Notice { text: self.state.lang.pick(&m).into(), ttl: Some(6.0) });
                return;
            }
        };
        let targets: Vec<Target> = self
            .batch_sites()
            .into_iter()
            .filter_map(|i| {
                FeatureState::of(ds, i).map(|s| Target::Site(i, Some(s.with(b.field.key(), value.clone()))))
            })
            .collect();
        let label = Lang::batch_label(b.field.key(), targets.len());
        if self.edit(label, targets) {
            self.geom.batch = None;
        }
    }

    /// The sites a batch edit is for: the highlighted ones, else the selected one.
    pub(super) fn batch_sites(&self) -> Vec<usize> {
        if self.highlight.is_empty() { self.selected.into_iter().collect() } else { self.highlight.clone() }
    }

    /// The tools' windows over the map; returns the rects they cover.
    pub(super) fn geom_windows(&mut self, ctx: &egui::Context, rect: egui::Rect) -> Vec<egui::Rect> {
        let lang = self.state.lang;
        let et = lang.edits();
        let zh = lang == Lang::Zh;
        let mut covered = Vec::new();
        // Bottom left, where notices (top) and the zoom buttons (top right) are not.
        let at = rect.left_bottom() + vec2(10.0, -28.0);
        if let Some(tool) = &self.geom.vertex {
            let name = self
                .data
                .dataset
                .sites
                .iter()
                .find(|s| s.origin == tool.site)
                .map(|s| s.name().to_string())
                .unwrap_or_default();
            let problem = tool.problem.clone();
            let mut done = false;
            let shown = egui::Area::new(egui::Id::unique("vertex-tool")).fixed_pos(at).pivot(Align2::LEFT_BOTTOM).show(
                ctx,
                |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(300.0);
                        ui.label(RichText::new(lang.vertex_tool_title(&name)).strong());
                        ui.label(RichText::new(et.vertex_tool_help).small());
                        if let Some(p) = &problem {
                            ui.label(RichText::new(p.text(zh)).color(Color32::from_rgb(0xc6, 0x28, 0x28)));
                        }
                        done = ui.button(et.finish_tool).clicked();
                    });
                },
            );
            covered.push(shown.response.rect);
            if done {
                self.geom.vertex = None;
            }
        }
        if let Some(d) = &mut self.geom.draw {
            let mut finish = false;
            let mut cancel = false;
            let shown = egui::Area::new(egui::Id::unique("draw-tool")).fixed_pos(at).pivot(Align2::LEFT_BOTTOM).show(
                ctx,
                |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(320.0);
                        ui.label(RichText::new(et.new_site).strong());
                        panels::labelled_combo(ui, et.new_site_layer, lang.layer(&LayerKey::Plan(d.layer)), |ui| {
                            for l in PlanLayer::ALL {
                                ui.selectable_value(&mut d.layer, l, lang.layer(&LayerKey::Plan(l)));
                            }
                        });
                        ui.horizontal(|ui| {
                            for (s, name) in [
                                (Shape::Points, et.shape_point),
                                (Shape::Lines, et.shape_line),
                                (Shape::Polygons, et.shape_polygon),
                            ] {
                                ui.radio_value(&mut d.shape, s, name);
                            }
                        });
                        ui.label(RichText::new(et.draw_help).small());
                        ui.label(lang.vertex_count(d.coords.len()));
                        if let Some(p) = d.geometry().and_then(|g| Vertices::of(&g)).and_then(|v| v.problem()) {
                            ui.label(RichText::new(p.text(zh)).color(Color32::from_rgb(0xc6, 0x28, 0x28)));
                        }
                        ui.horizontal(|ui| {
                            finish = ui.add_enabled(d.enough(), egui::Button::new(et.finish_tool)).clicked();
                            cancel = ui.button(et.cancel).clicked();
                        });
                    });
                },
            );
            covered.push(shown.response.rect);
            if finish {
                self.finish_drawing();
            } else if cancel {
                self.geom.draw = None;
            }
        }
        if self.geom.batch.is_some() {
            let n = self.batch_sites().len();
            let mut apply = false;
            let mut close = false;
            let ds = self.data.clone();
            if let Some(b) = &mut self.geom.batch {
                egui::Window::new(lang.batch_title(n))
                    .id(egui::Id::unique("batch-form"))
                    .collapsible(false)
                    .resizable(false)
                    .anchor(Align2::CENTER_TOP, vec2(0.0, 60.0))
                    .show(ctx, |ui| {
                        panels::labelled_combo(ui, et.batch_field, lang.field_name(b.field), |ui| {
                            for f in Field::ALL.into_iter().filter(|f| *f != Field::Id) {
                                ui.selectable_value(&mut b.field, f, lang.field_name(f));
                            }
                        });
                        ui.horizontal(|ui| {
                            let label = ui.label(et.batch_value);
                            ui.add(egui::TextEdit::singleline(&mut b.text).desired_width(180.0)).labelled_by(label.id);
                        });
                        let check = fields::parse(b.field, &b.text, &ds.dataset, None);
                        if let Err(m) = &check {
                            ui.label(RichText::new(m.text(zh)).color(Color32::from_rgb(0xc6, 0x28, 0x28)).small());
                        }
                        ui.horizontal(|ui| {
                            apply = ui.add_enabled(check.is_ok() && n > 0, egui::Button::new(et.apply)).clicked();
                            close = ui.button(et.cancel).clicked();
                        });
                    });
            }
            if apply {
                self.apply_batch();
            } else if close {
                self.geom.batch = None;
            }
        }
        covered
    }

    /// The tools' handles and working geometry over the map.
    pub(super) fn paint_geom_tools(&self, ui: &Ui, clip: egui::Rect) {
        let Some(t) = self.map.transform else { return };
        let p = ui.painter().with_clip_rect(clip);
        let ink = Color32::from_rgb(0xd0, 0x40, 0x10);
        let screen = |c: Coord<f64>| t.lon_lat_to_screen(c.x, c.y);
        if let Some(tool) = &self.geom.vertex {
            for rings in &tool.vertices.parts {
                for ring in rings {
                    let mut pts: Vec<Pos2> = ring.iter().map(|&c| screen(c)).collect();
                    if tool.vertices.shape == Shape::Polygons
                        && let Some(&f) = pts.first()
                    {
                        pts.push(f);
                    }
                    if pts.len() >= 2 {
                        p.add(egui::Shape::line(pts.clone(), Stroke::new(4.0, Color32::WHITE)));
                        p.add(egui::Shape::line(pts, Stroke::new(2.0, ink)));
                    }
                }
            }
            for (_, a, b) in tool.vertices.segments() {
                let m = Coord { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
                p.circle(screen(m), 3.5, Color32::from_white_alpha(200), Stroke::new(1.5, ink));
            }
            for (r, c) in tool.vertices.iter() {
                let fill = if Some(r) == tool.dragging { ink } else { Color32::WHITE };
                let rect = egui::Rect::from_center_size(screen(c), vec2(9.0, 9.0));
                p.rect_filled(rect, 1.0, fill);
                p.rect_stroke(rect, 1.0, Stroke::new(1.5, ink), egui::StrokeKind::Inside);
            }
        }
        if let Some(d) = &self.geom.draw {
            let mut pts: Vec<Pos2> = d.coords.iter().map(|&c| screen(c)).collect();
            if let Some(h) = ui.ctx().pointer_hover_pos().filter(|h| clip.contains(*h))
                && d.shape != Shape::Points
            {
                pts.push(h);
            }
            if d.shape == Shape::Polygons && pts.len() >= 3 {
                let closing = [pts[pts.len() - 1], pts[0]];
                p.add(egui::Shape::dashed_line(&closing, Stroke::new(1.5, ink), 6.0, 4.0));
            }
            if pts.len() >= 2 {
                p.add(egui::Shape::line(pts.clone(), Stroke::new(4.0, Color32::WHITE)));
                p.add(egui::Shape::line(pts, Stroke::new(2.0, ink)));
            }
            for &c in &d.coords {
                p.circle(screen(c), 4.5, Color32::WHITE, Stroke::new(2.0, ink));
            }
        }
    }

    /// The geometry tools (for tests).
    pub fn geom_tools(&mut self) -> &mut GeomTools {
        &mut self.geom
    }

    /// Starts drawing a new site.
    pub fn start_drawing(&mut self, layer: PlanLayer, shape: Shape) {
        self.geom.vertex = None;
        self.editing.moving = None;
        self.geom.draw = Some(DrawTool { shape, layer, coords: Vec::new() });
    }

    /// Opens the batch form on the highlighted (or selected) sites.
    pub fn start_batch(&mut self) {
        self.geom.batch = Some(BatchForm { field: Field::Completed, text: String::new() });
    }
}
