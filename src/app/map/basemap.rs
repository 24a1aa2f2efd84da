//! What lies under the sites: a choice of basemap sources.
//!
//! [`BasemapSource`] is what a source provides: the built-in offline
//! [`VectorBasemap`] (roads, the Yellow River, wetland, district and place
//! names, from `assets/basemap/binzhou_basemap.geojson`, compiled in) paints
//! itself; tile sources (online or from files, see
//! [`super::tiles_source::TileBasemap`]) hand walkers their tile layers
//! through [`BasemapSource::tile_layers`], optionally over a painted underlay.

use std::borrow::Cow;
use std::sync::Arc;

use egui::{Color32, Painter, Pos2, Shape, Stroke, epaint::Vertex};
use geo::Geometry;

use super::labels::{LabelCandidate, LabelKind};
use super::project::{ScreenTransform, SiteGeom};
use crate::app::i18n::Lang;
use binzhou_core::basemap::{BaseKind, read_basemap};
use binzhou_core::mercator::{Unit, to_unit};

/// The built-in basemap, compiled in so the app always has one.
pub const BUILTIN_BASEMAP: &[u8] = include_bytes!("../../../assets/basemap/binzhou_basemap.geojson");

/// The persisted choice of basemap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BasemapChoice {
    /// The built-in offline vector basemap.
    #[default]
    Vector,
    /// A plain background.
    None,
    /// Map tiles: online (OpenStreetMap, Tianditu, a custom XYZ server) or
    /// from an offline file, as chosen in the tile settings.
    Tiles,
}

impl BasemapChoice {
    /// The choices that need no further settings, in menu order.
    pub const ALL: [BasemapChoice; 2] = [BasemapChoice::Vector, BasemapChoice::None];

    /// The menu label.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BasemapChoice::Vector => lang.text().basemap_vector,
            BasemapChoice::None => lang.text().basemap_none,
            BasemapChoice::Tiles => lang.text().basemap_tiles,
        }
    }
}

/// The tile layers of a tile source for one frame, bottom first.
#[derive(Default)]
pub struct TileLayers<'a> {
    /// Each layer with its opacity (0..=1).
    pub layers: Vec<(&'a mut dyn walkers::Tiles, f32)>,
    /// Painted beneath the tiles, so that where tiles are missing (a dead
    /// server, an area outside an offline package) there is still a map.
    pub underlay: Option<&'a dyn BasemapSource>,
}

/// A source of what is drawn beneath the sites.
pub trait BasemapSource {
    /// The colour of the map where the source draws nothing.
    fn background(&self) -> Color32;

    /// Whether walkers draws this source's tiles (then [`Self::paint`] is not called).
    fn has_tiles(&self) -> bool {
        false
    }

    /// Tiles for walkers to draw, for tile sources. Vector sources paint instead.
    fn tiles(&mut self) -> Option<&mut dyn walkers::Tiles> {
        None
    }

    /// Every tile layer with its opacity, bottom first, and what to paint
    /// under them. By default the one layer of [`Self::tiles`], opaque.
    fn tile_layers(&mut self) -> TileLayers<'_> {
        TileLayers { layers: self.tiles().map(|t| (t, 1.0)).into_iter().collect(), underlay: None }
    }

    /// The source's own geometry as shapes, offering its labels (placed
    /// later, together with the sites' labels, so none overlap).
    fn shapes(&self, t: &ScreenTransform, labels: &mut Vec<LabelCandidate>) -> Vec<Shape>;

    /// Paints [`Self::shapes`]. Not called for tile sources.
    fn paint(&self, painter: &Painter, t: &ScreenTransform, labels: &mut Vec<LabelCandidate>) {
        painter.extend(self.shapes(t, labels));
    }

    /// A short credit line shown on the map, if the source needs one.
    fn attribution(&self, lang: Lang) -> Option<Cow<'static, str>>;

    /// Whether the source draws in GCJ-02 (AMap style), so the WGS84 sites
    /// must be shifted to line up with it.
    fn is_gcj02(&self) -> bool {
        false
    }
}

/// The plain background used with no basemap.
pub struct PlainBackground;

impl BasemapSource for PlainBackground {
    fn background(&self) -> Color32 {
        Color32::from_rgb(236, 236, 232)
    }

    fn shapes(&self, _: &ScreenTransform, _: &mut Vec<LabelCandidate>) -> Vec<Shape> {
        Vec::new()
    }

    fn attribution(&self, _: Lang) -> Option<Cow<'static, str>> {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RoadClass {
    Main,
    Ring,
}

#[derive(Debug)]
struct Road {
    pts: Vec<Unit>,
    class: RoadClass,
    name: Arc<str>,
    bbox: [f64; 4],
}

#[derive(Debug)]
struct Area {
    geom: SiteGeom,
    name: Option<Arc<str>>,
}

#[derive(Debug)]
struct River {
    pts: Vec<Unit>,
    name: Option<Arc<str>>,
}

#[derive(Debug)]
struct PointLabel {
    at: Unit,
    name: Arc<str>,
    kind: PointKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PointKind {
    City,
    District,
    Poi,
}

/// The built-in offline vector basemap.
#[derive(Debug, Default)]
pub struct VectorBasemap {
    water: Vec<Area>,
    wetlands: Vec<Area>,
    rivers: Vec<River>,
    roads: Vec<Road>,
    points: Vec<PointLabel>,
}

const LAND: Color32 = Color32::from_rgb(242, 239, 233);
const WATER: Color32 = Color32::from_rgb(170, 211, 223);
const WATER_EDGE: Color32 = Color32::from_rgb(120, 170, 200);
const WETLAND: Color32 = Color32::from_rgb(200, 226, 190);
const ROAD_FILL: Color32 = Color32::WHITE;
const ROAD_CASING: Color32 = Color32::from_rgb(196, 190, 180);
const RING_FILL: Color32 = Color32::from_rgb(252, 214, 164);
const RING_CASING: Color32 = Color32::from_rgb(200, 150, 90);

impl VectorBasemap {
    /// The built-in basemap.
    pub fn builtin() -> Self {
        Self::from_geojson(BUILTIN_BASEMAP)
    }

    /// A basemap of the features of a FeatureCollection
    /// ([`binzhou_core::basemap::read_basemap`]), made ready to draw.
    pub fn from_geojson(bytes: &[u8]) -> Self {
        let mut map = VectorBasemap::default();
        for f in read_basemap(bytes) {
            let name: Option<Arc<str>> = f.name.as_deref().map(Arc::from);
            match (f.kind, &f.geometry) {
                (BaseKind::River, g) => map.water.push(Area { geom: SiteGeom::from_geometry(g), name }),
                (BaseKind::Wetland, g) => map.wetlands.push(Area { geom: SiteGeom::from_geometry(g), name }),
                (BaseKind::RiverMinor, Geometry::LineString(l)) => {
                    map.rivers.push(River { pts: l.0.iter().map(|c| to_unit(c.x, c.y)).collect(), name })
                }
                (BaseKind::Road { ring }, Geometry::LineString(l)) => {
                    let pts: Vec<Unit> = l.0.iter().map(|c| to_unit(c.x, c.y)).collect();
                    let bbox = unit_bbox(&pts);
                    map.roads.push(Road {
                        pts,
                        class: if ring { RoadClass::Ring } else { RoadClass::Main },
                        name: name.unwrap_or_else(|| Arc::from("")),
                        bbox,
                    });
                }
                (kind @ (BaseKind::CityLabel | BaseKind::DistrictLabel | BaseKind::Poi), Geometry::Point(p)) => {
                    if let Some(name) = name {
                        map.points.push(PointLabel {
                            at: to_unit(p.x(), p.y()),
                            name,
                            kind: match kind {
                                BaseKind::CityLabel => PointKind::City,
                                BaseKind::DistrictLabel => PointKind::District,
                                _ => PointKind::Poi,
                            },
                        });
                    }
                }
                _ => {}
            }
        }
        // Ring roads over main roads.
        map.roads.sort_by_key(|r| r.class == RoadClass::Ring);
        map
    }

    /// How many roads the basemap has.
    pub fn road_count(&self) -> usize {
        self.roads.len()
    }

    fn paint_area(out: &mut Vec<Shape>, t: &ScreenTransform, a: &Area, fill: Color32, edge: Stroke) {
        if !t.box_to_screen(&a.geom.bbox).intersects(t.rect) {
            return;
        }
        for poly in &a.geom.polygons {
            let mesh = egui::Mesh {
                vertices: a
                    .geom
                    .coords
                    .iter()
                    .map(|&c| Vertex { pos: t.to_screen(c), uv: egui::epaint::WHITE_UV, color: fill })
                    .collect(),
                indices: poly.triangles.clone(),
                ..Default::default()
            };
            out.push(Shape::mesh(mesh));
            for r in &poly.rings {
                let pts: Vec<Pos2> =
                    a.geom.coords[r.start as usize..r.end as usize].iter().map(|&c| t.to_screen(c)).collect();
                out.push(Shape::closed_line(pts, edge));
            }
        }
    }

    fn road_widths(zoom: f64, class: RoadClass) -> Option<(f32, f32)> {
        let (fill, casing) = match zoom {
            z if z < 9.5 => return None,
            z if z < 11.5 => (1.0, 0.0),
            z if z < 12.5 => (1.6, 0.6),
            z if z < 13.5 => (2.6, 0.8),
            z if z < 14.5 => (4.0, 1.0),
            z if z < 15.5 => (6.5, 1.0),
            _ => (9.0, 1.2),
        };
        Some(match class {
            RoadClass::Main => (fill, casing),
            RoadClass::Ring => (fill * 1.3 + 0.5, casing),
        })
    }
}

/// Reads the three geometry types the basemap uses (Point, LineString, Polygon).
fn unit_bbox(pts: &[Unit]) -> [f64; 4] {
    pts.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

/// Points along a screen polyline every `step` pixels (starting at `first`),
/// with whether the line runs more north-south than east-west there.
fn points_along(pts: &[Pos2], first: f32, step: f32) -> Vec<(Pos2, bool)> {
    let mut out = Vec::new();
    let mut next = first;
    let mut walked = 0.0;
    for w in pts.windows(2) {
        let d = w[1] - w[0];
        let len = d.length();
        while len > 0.0 && walked + len >= next {
            let f = (next - walked) / len;
            out.push((w[0] + d * f, d.y.abs() > d.x.abs()));
            next += step;
        }
        walked += len;
    }
    out
}

impl BasemapSource for VectorBasemap {
    fn background(&self) -> Color32 {
        LAND
    }

    fn shapes(&self, t: &ScreenTransform, labels: &mut Vec<LabelCandidate>) -> Vec<Shape> {
        let mut out: Vec<Shape> = Vec::new();
        let zoom = t.zoom();
        let clip = t.rect;
        for a in &self.wetlands {
            Self::paint_area(&mut out, t, a, WETLAND, Stroke::new(0.8, Color32::from_rgb(160, 200, 150)));
        }
        for a in &self.water {
            Self::paint_area(&mut out, t, a, WATER, Stroke::new(1.0, WATER_EDGE));
        }
        let river_w = if zoom < 12.0 { 1.2 } else { 2.4 };
        for r in &self.rivers {
            let pts: Vec<Pos2> = r.pts.iter().map(|&p| t.to_screen(p)).collect();
            out.push(Shape::line(pts, Stroke::new(river_w, WATER_EDGE)));
        }
        // Roads: all casings first, then all fills, so crossings look joined.
        let visible: Vec<(&Road, Vec<Pos2>)> = self
            .roads
            .iter()
            .filter(|r| t.box_to_screen(&r.bbox).expand(10.0).intersects(clip))
            .map(|r| (r, r.pts.iter().map(|&p| t.to_screen(p)).collect()))
            .collect();
        for (r, pts) in &visible {
            if let Some((w, casing)) = Self::road_widths(zoom, r.class)
                && casing > 0.0
            {
                let c = if r.class == RoadClass::Ring { RING_CASING } else { ROAD_CASING };
                out.push(Shape::line(pts.clone(), Stroke::new(w + 2.0 * casing, c)));
            }
        }
        for (r, pts) in &visible {
            if let Some((w, casing)) = Self::road_widths(zoom, r.class) {
                let c = match (r.class, casing > 0.0) {
                    (RoadClass::Ring, _) => RING_FILL,
                    (RoadClass::Main, true) => ROAD_FILL,
                    (RoadClass::Main, false) => ROAD_CASING,
                };
                out.push(Shape::line(pts.clone(), Stroke::new(w, c)));
            }
        }
        // Labels: roads when zoomed in, places and districts by zoom.
        let road_labels = |class: RoadClass| match class {
            RoadClass::Main => zoom >= 14.0,
            RoadClass::Ring => zoom >= 12.5,
        };
        for (r, pts) in &visible {
            if r.name.is_empty() || !road_labels(r.class) {
                continue;
            }
            for (at, vertical) in points_along(pts, 120.0, 420.0) {
                if clip.shrink(20.0).contains(at) {
                    labels.push(LabelCandidate {
                        text: r.name.clone(),
                        at,
                        priority: if r.class == RoadClass::Ring { 160.0 } else { 150.0 },
                        kind: LabelKind::Road,
                        vertical,
                    });
                }
            }
        }
        for a in self.water.iter().chain(&self.wetlands) {
            if let Some(name) = &a.name
                && zoom >= 11.0
                && let Some(at) = visible_middle(t, &a.geom.coords)
            {
                labels.push(LabelCandidate {
                    text: name.clone(),
                    at,
                    priority: 300.0,
                    kind: LabelKind::Water,
                    vertical: false,
                });
            }
        }
        for r in &self.rivers {
            if let Some(name) = &r.name
                && zoom >= 12.0
                && let Some(at) = visible_middle(t, &r.pts)
            {
                labels.push(LabelCandidate {
                    text: name.clone(),
                    at: at + egui::vec2(0.0, -10.0),
                    priority: 200.0,
                    kind: LabelKind::Water,
                    vertical: false,
                });
            }
        }
        for p in &self.points {
            let (show, priority, kind) = match p.kind {
                PointKind::City => (zoom < 12.0, 900.0, LabelKind::District),
                PointKind::District => (zoom < 14.0, 800.0, LabelKind::District),
                PointKind::Poi => (zoom >= 11.5, 400.0, LabelKind::Place),
            };
            if !show {
                continue;
            }
            let at = t.to_screen(p.at);
            if !clip.contains(at) {
                continue;
            }
            if p.kind == PointKind::Poi {
                out.push(Shape::circle_filled(at, 3.0, Color32::from_rgb(150, 110, 80)));
                out.push(Shape::circle_stroke(at, 3.0, Stroke::new(1.0, Color32::WHITE)));
            }
            labels.push(LabelCandidate {
                text: p.name.clone(),
                at: if p.kind == PointKind::Poi { at + egui::vec2(0.0, -11.0) } else { at },
                priority,
                kind,
                vertical: false,
            });
        }
        out
    }

    fn attribution(&self, lang: Lang) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(lang.text().vector_basemap_credit))
    }
}

/// The on-screen vertex nearest the middle of a shape's on-screen vertices.
fn visible_middle(t: &ScreenTransform, coords: &[Unit]) -> Option<Pos2> {
    let inner = t.rect.shrink(40.0);
    let on: Vec<Pos2> = coords.iter().map(|&c| t.to_screen(c)).filter(|p| inner.contains(*p)).collect();
    if on.is_empty() {
        return None;
    }
    let n = on.len() as f32;
    let mid = on.iter().fold(Pos2::ZERO, |a, p| a + p.to_vec2() / n);
    on.into_iter().min_by(|a, b| a.distance_sq(mid).total_cmp(&b.distance_sq(mid)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{pos2, vec2};

    #[test]
    fn the_builtin_basemap_has_roads_water_and_names() {
        let b = VectorBasemap::builtin();
        assert!(b.road_count() > 50, "{}", b.road_count());
        assert!(!b.water.is_empty());
        assert!(b.points.iter().any(|p| &*p.name == "滨城区"));
    }

    #[test]
    fn a_broken_basemap_file_gives_an_empty_basemap() {
        let b = VectorBasemap::from_geojson(b"{not json");
        assert_eq!(b.road_count(), 0);
    }

    #[test]
    fn label_points_follow_a_line_at_even_steps() {
        let pts = [pos2(0.0, 0.0), pos2(100.0, 0.0), pos2(100.0, 300.0)];
        let at = points_along(&pts, 50.0, 100.0);
        assert_eq!(at.len(), 4);
        assert_eq!(at[0], (pos2(50.0, 0.0), false));
        assert!(at[1].1 && (at[1].0 - pos2(100.0, 50.0)).length() < 1e-3);
        let _ = vec2(0.0, 0.0);
    }
}
