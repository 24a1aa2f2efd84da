//! Today's route in the app: the sites to visit in a short order from where
//! the team is, drawn as a numbered line, and the next site with its
//! distance and bearing from the GNSS position, live.

use geo::{Bearing, Geodesic, Point};

use super::*;

/// Within this distance of the next site (metres), the team has arrived.
pub const ARRIVED_M: f64 = 30.0;

/// The most stops a route is planned through (a day's field work, and the
/// 2-opt improvement stays well within a frame).
pub const ROUTE_MAX: usize = 60;

/// A planned route.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Where it starts (WGS 84): the GNSS fix when planned, else the map's centre.
    pub start: (f64, f64),
    /// Site ids in visiting order (ids survive a reload of the data).
    pub stops: Vec<String>,
    /// When it was planned (RFC 3339): checks after this move it on.
    pub planned_at: String,
}

impl App {
    /// Plans a route through sites `sites` from the GNSS fix (or the map's centre).
    pub fn plan_route(&mut self, sites: &[usize]) {
        let ds = &self.data.dataset;
        // A site without a location cannot be a stop.
        let sites: Vec<usize> =
            sites.iter().copied().filter(|&i| ds.sites.get(i).is_some_and(|s| s.is_located())).collect();
        if sites.is_empty() {
            return;
        }
        let start = self.gnss.fix().map(|f| (f.lon, f.lat)).unwrap_or_else(|| {
            let c = self.map.camera();
            (c.lon, c.lat)
        });
        let at: Vec<(f64, f64)> = sites.iter().map(|&i| ds.sites[i].bbox.center().x_y()).collect();
        let order = binzhou_core::route::plan(start, &at);
        let route = Route {
            start,
            stops: order.into_iter().map(|k| ds.sites[sites[k]].id().to_string()).collect(),
            planned_at: binzhou_journal::now(),
        };
        self.checks.save_route(binzhou_journal::SavedRoute {
            planned_at: route.planned_at.clone(),
            start: route.start,
            stops: route.stops.clone(),
        });
        self.route = Some(route);
    }

    /// Takes the route kept in the journal, once it has been read.
    pub(super) fn restore_route(&mut self) {
        if let Some(r) = self.checks.saved_route.take()
            && self.route.is_none()
        {
            self.route = Some(Route { start: r.start, stops: r.stops, planned_at: r.planned_at });
        }
    }

    /// Plans a route through the `n` plan sites nearest the start that have no check yet.
    pub(super) fn plan_nearest_unchecked(&mut self, n: usize) {
        let start = self.gnss.fix().map(|f| (f.lon, f.lat)).unwrap_or_else(|| {
            let c = self.map.camera();
            (c.lon, c.lat)
        });
        let ds = &self.data.dataset;
        let near = self.data.index.nearest(&ds.sites, Point::new(start.0, start.1), n * 4 + 20);
        let picked: Vec<usize> = near
            .into_iter()
            .map(|(i, _)| i)
            .filter(|&i| !matches!(ds.sites[i].layer(), LayerKey::Reference(_)))
            .filter(|&i| self.checks.of_site(ds.sites[i].id()).is_empty())
            .take(n)
            .collect();
        self.plan_route(&picked);
    }

    /// Moves the route's `from`-th shown stop to be its `to`-th (both
    /// counted over the stops found in the data), and keeps the new order
    /// with the journal. The time it was planned stays, so checks made
    /// since still count.
    pub fn move_route_stop(&mut self, from: usize, to: usize) {
        let (stops, _) = self.route_stops();
        let Some(r) = &mut self.route else { return };
        if from == to || from >= stops.len() || to >= stops.len() {
            return;
        }
        let ds = &self.data.dataset;
        let ids: Vec<String> = stops.iter().map(|&i| ds.sites[i].id().to_string()).collect();
        let Some(at) = r.stops.iter().position(|s| *s == ids[from]) else { return };
        let id = r.stops.remove(at);
        let Some(target) = r.stops.iter().position(|s| *s == ids[to]) else {
            r.stops.insert(at, id);
            return;
        };
        // Moving down puts it after the stop it was dropped on; up, before.
        r.stops.insert(if to > from { target + 1 } else { target }, id);
        let saved =
            binzhou_journal::SavedRoute { planned_at: r.planned_at.clone(), start: r.start, stops: r.stops.clone() };
        self.checks.save_route(saved);
    }

    /// Plans a route through the sites the table shows (its filter, sort or
    /// list), plan sites only, at most [`ROUTE_MAX`] of them.
    pub fn plan_route_from_table(&mut self) {
        let Some(rows) = self.table.shown_rows() else { return };
        let ds = &self.data.dataset;
        let picked: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| ds.sites.get(i).is_some_and(|s| !matches!(s.layer(), LayerKey::Reference(_))))
            .collect();
        self.plan_route_capped(picked);
    }

    /// Plans a route through the plan sites inside a box (WGS 84 corners).
    pub fn plan_route_in_box(&mut self, a: (f64, f64), b: (f64, f64)) {
        let rect = geo::Rect::new(geo::coord! { x: a.0, y: a.1 }, geo::coord! { x: b.0, y: b.1 });
        let ds = &self.data.dataset;
        let mut picked: Vec<usize> = self
            .data
            .index
            .in_rect(rect)
            .into_iter()
            .filter(|&i| ds.sites.get(i).is_some_and(|s| !matches!(s.layer(), LayerKey::Reference(_))))
            .collect();
        picked.sort_unstable();
        picked.dedup();
        self.plan_route_capped(picked);
    }

    fn plan_route_capped(&mut self, mut picked: Vec<usize>) {
        let lang = self.state.lang;
        if picked.is_empty() {
            self.notices.push(Notice { text: lang.checks().route_none.into(), ttl: Some(5.0) });
            return;
        }
        if picked.len() > ROUTE_MAX {
            self.notices.push(Notice { text: lang.route_capped(picked.len(), ROUTE_MAX), ttl: Some(8.0) });
            picked.truncate(ROUTE_MAX);
        }
        self.plan_route(&picked);
    }

    /// Arms the box tool: the next drag on the map chooses the route's sites.
    pub fn start_route_box(&mut self) {
        self.route_box = Some(None);
    }

    /// While the box tool is armed: a drag on the map draws the box, and its
    /// release plans the route; Esc gives up.
    pub(super) fn route_box_input(&mut self, ui: &Ui, response: &egui::Response) {
        let Some(from) = self.route_box else { return };
        let Some(t) = self.map.transform else { return };
        if ui.input(|i| i.key_pressed(Key::Escape)) {
            self.route_box = None;
            return;
        }
        let painter = ui.painter().with_clip_rect(t.rect);
        let ink = Color32::from_rgb(60, 60, 160);
        painter.text(
            t.rect.center_top() + vec2(0.0, 40.0),
            Align2::CENTER_TOP,
            self.state.lang.checks().route_box_hint,
            egui::FontId::proportional(16.0),
            ink,
        );
        if response.drag_started() {
            self.route_box = Some(ui.input(|i| i.pointer.press_origin()).or(response.interact_pointer_pos()));
        }
        let now = response.interact_pointer_pos().or(ui.input(|i| i.pointer.latest_pos()));
        if let (Some(a), Some(b)) = (from, now) {
            let fill = Color32::from_rgba_unmultiplied(60, 60, 160, 30);
            painter.rect(
                egui::Rect::from_two_pos(a, b),
                0.0,
                fill,
                egui::Stroke::new(2.0, ink),
                egui::StrokeKind::Middle,
            );
            if response.drag_stopped() {
                self.route_box = None;
                let (la, lb) = (t.lon_lat(a), t.lon_lat(b));
                self.plan_route_in_box(la, lb);
            }
        }
    }

    /// The route, for tests.
    pub fn route(&self) -> Option<&Route> {
        self.route.as_ref()
    }

    /// The stops in order as site indices, and the first not checked since
    /// the route was planned.
    fn route_stops(&self) -> (Vec<usize>, Option<usize>) {
        let Some(r) = &self.route else { return (Vec::new(), None) };
        let ds = &self.data.dataset;
        let stops: Vec<usize> = r.stops.iter().filter_map(|id| ds.find_by_id(id)).collect();
        let next = stops
            .iter()
            .position(|&i| !self.checks.of_site(ds.sites[i].id()).iter().any(|c| c.checked_at >= r.planned_at));
        (stops, next)
    }

    /// The recorded track, a thin line per segment.
    pub(super) fn paint_track(&self, ui: &Ui, clip: egui::Rect) {
        let Some(t) = self.map.transform else { return };
        let track = &self.checks.track;
        if track.len() < 2 {
            return;
        }
        let p = ui.painter().with_clip_rect(clip);
        let ink = Color32::from_rgb(120, 40, 160);
        let mut run: Vec<Pos2> = Vec::new();
        for (k, q) in track.iter().enumerate() {
            run.push(t.to_screen(binzhou_core::mercator::to_unit(q.lon, q.lat)));
            let ends = track.get(k + 1).is_none_or(|n| n.segment != q.segment);
            if ends {
                if run.len() >= 2 {
                    p.add(egui::Shape::line(std::mem::take(&mut run), egui::Stroke::new(2.0, ink)));
                }
                run.clear();
            }
        }
    }

    /// The route's line, numbered, on the map.
    pub(super) fn paint_route(&self, ui: &Ui, clip: egui::Rect) {
        let (Some(r), Some(t)) = (&self.route, self.map.transform) else { return };
        let (stops, next) = self.route_stops();
        let ds = &self.data.dataset;
        let screen = |(lon, lat): (f64, f64)| t.to_screen(binzhou_core::mercator::to_unit(lon, lat));
        let mut pts = vec![screen(r.start)];
        pts.extend(stops.iter().map(|&i| screen(ds.sites[i].bbox.center().x_y())));
        let p = ui.painter().with_clip_rect(clip);
        let ink = Color32::from_rgb(60, 60, 160);
        p.add(egui::Shape::dashed_line(&pts, egui::Stroke::new(2.5, ink), 10.0, 5.0));
        p.circle(pts[0], 5.0, Color32::WHITE, egui::Stroke::new(2.0, ink));
        for (k, &q) in pts.iter().enumerate().skip(1) {
            let is_next = next == Some(k - 1);
            let fill = if is_next { Color32::from_rgb(230, 120, 0) } else { ink };
            p.circle(q, 10.0, fill, egui::Stroke::new(1.5, Color32::WHITE));
            p.text(q, Align2::CENTER_CENTER, k.to_string(), egui::FontId::proportional(11.0), Color32::WHITE);
        }
    }

    /// The route's window: the stops with their legs, the total, and the next
    /// site's distance and bearing from the GNSS position.
    pub(super) fn route_window(&mut self, ctx: &egui::Context) {
        if self.route.is_none() {
            return;
        }
        let lang = self.state.lang;
        let t = lang.checks();
        let (stops, next) = self.route_stops();
        let data = self.data.clone();
        let ds = &data.dataset;
        let start = self.route.as_ref().map(|r| r.start).unwrap_or_default();
        let at: Vec<(f64, f64)> = stops.iter().map(|&i| ds.sites[i].bbox.center().x_y()).collect();
        let order: Vec<usize> = (0..at.len()).collect();
        let total = binzhou_core::route::length_m(start, &at, &order);
        let here = self.gnss.fix().map(|f| (f.lon, f.lat));
        let mut open = true;
        let mut fly = None;
        let mut clear = false;
        let mut moved: Option<(usize, usize)> = None;
        let mut window = egui::Window::new(t.route_title).open(&mut open).default_width(320.0);
        // In the map's top-left corner: egui would put a new window over the menus.
        if let Some(r) = self.clear_map_rect() {
            let screen = ctx.content_rect();
            window =
                window.anchor(Align2::LEFT_TOP, vec2(r.left() - screen.left() + 8.0, r.top() - screen.top() + 8.0));
        }
        window.show(ctx, |ui| {
            ui.label(lang.route_total(stops.len(), total));
            match next {
                Some(k) => {
                    let site = &ds.sites[stops[k]];
                    let (lon, lat) = at[k];
                    ui.label(RichText::new(lang.route_next(k + 1, site.name())).strong());
                    if let Some(h) = here {
                        let d = binzhou_core::route::metres(h, (lon, lat));
                        let b = Geodesic.bearing(Point::new(h.0, h.1), Point::new(lon, lat)).rem_euclid(360.0);
                        if d <= ARRIVED_M {
                            ui.colored_label(Color32::from_rgb(0, 130, 90), t.route_arrived);
                        } else {
                            ui.horizontal(|ui| {
                                bearing_arrow(ui, b);
                                ui.label(lang.route_distance_bearing(d, b));
                            });
                        }
                    } else {
                        ui.weak(t.route_no_fix);
                    }
                }
                None => {
                    ui.label(t.route_done);
                }
            }
            ui.separator();
            ui.label(RichText::new(t.route_drag_hint).small().weak());
            egui::ScrollArea::vertical().max_height(260.0).show(ui, |ui| {
                let mut from = start;
                let n = stops.len();
                for (k, &i) in stops.iter().enumerate() {
                    let leg = binzhou_core::route::metres(from, at[k]);
                    from = at[k];
                    let text = lang.route_stop(k + 1, ds.sites[i].name(), leg);
                    let mut rt = RichText::new(text);
                    if next.is_some_and(|n| k < n) {
                        rt = rt.weak();
                    }
                    let zone = ui.dnd_drop_zone::<usize, ()>(egui::Frame::NONE, |ui| {
                        ui.horizontal(|ui| {
                            ui.dnd_drag_source(egui::Id::unique(("route-stop", k)), k, |ui| {
                                ui.label(RichText::new("≡").strong()).on_hover_text(t.route_drag_hint);
                            });
                            if ui
                                .add_enabled(k > 0, egui::Button::new("↑").small())
                                .on_hover_text(t.route_earlier)
                                .clicked()
                            {
                                moved = Some((k, k - 1));
                            }
                            if ui
                                .add_enabled(k + 1 < n, egui::Button::new("↓").small())
                                .on_hover_text(t.route_later)
                                .clicked()
                            {
                                moved = Some((k, k + 1));
                            }
                            if ui.add(egui::Label::new(rt).sense(egui::Sense::click())).clicked() {
                                fly = Some(i);
                            }
                        });
                    });
                    if let Some(dragged) = zone.1 {
                        moved = Some((*dragged, k));
                    }
                }
            });
            ui.label(RichText::new(t.route_straight).small().weak());
            if ui.button(t.route_clear).clicked() {
                clear = true;
            }
        });
        if let Some(i) = fly {
            self.select(i, true);
        }
        if let Some((from, to)) = moved {
            self.move_route_stop(from, to);
        }
        if (clear || !open)
            && let Some(r) = self.route.take()
        {
            self.checks.save_route(binzhou_journal::SavedRoute {
                planned_at: binzhou_journal::now(),
                start: r.start,
                stops: Vec::new(),
            });
        }
    }
}

/// A small arrow pointing along a bearing (degrees clockwise from north).
fn bearing_arrow(ui: &mut Ui, degrees: f64) {
    let (rect, _) = ui.allocate_exact_size(vec2(22.0, 22.0), egui::Sense::hover());
    let a = (degrees as f32).to_radians();
    let dir = vec2(a.sin(), -a.cos());
    let c = rect.center();
    let tip = c + dir * 9.0;
    let side = vec2(-dir.y, dir.x) * 5.0;
    ui.painter().add(egui::Shape::convex_polygon(
        vec![tip, c - dir * 6.0 + side, c - dir * 3.0, c - dir * 6.0 - side],
        Color32::from_rgb(230, 120, 0),
        egui::Stroke::NONE,
    ));
}
