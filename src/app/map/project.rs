//! From lon/lat to screen pixels, fast.
//!
//! Site geometry is converted once (per dataset) to Web Mercator "unit"
//! coordinates (x east and y south, both 0..1 over the world, the same
//! projection as walkers'); each frame then needs one multiply-add per
//! coordinate ([`ScreenTransform`]) instead of trigonometry. Polygons are
//! triangulated once, in unit coordinates, so concave shapes fill correctly.

use std::ops::Range;

use egui::{Pos2, Rect, pos2};
use geo::{Coord, Geometry, InteriorPoint, LineString, Polygon, TriangulateEarcut};

use binzhou_core::model::Site;

/// Pixels of the world at zoom 0.
pub const TILE_SIZE: f64 = 256.0;
use binzhou_core::mercator::{Unit, from_unit, to_unit};

/// The mapping of one frame from unit coordinates to screen points.
///
/// Normally a scale and an offset. Over a GCJ-02 basemap it also carries a
/// small affine warp ([`ScreenTransform::onto_gcj02`]) that moves WGS84
/// positions onto the basemap; [`ScreenTransform::unshifted`] is then the
/// basemap's own frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenTransform {
    /// The map's rectangle on screen.
    pub rect: Rect,
    /// Pixels per unit (the world's width in pixels at this zoom).
    scale: f64,
    /// Screen x of unit x = 0 (in the basemap's frame).
    ox: f64,
    /// Screen y of unit y = 0 (in the basemap's frame).
    oy: f64,
    zoom: f64,
    /// The linear part of unit → screen: x = l0·u + l1·v + off0,
    /// y = l2·u + l3·v + off1. `[scale, 0, 0, scale]` without a warp.
    lin: [f64; 4],
    off: [f64; 2],
    /// The warp's shift at the centre of the view (unit), zero without one.
    shift: Unit,
}

impl ScreenTransform {
    /// The transform of a map showing `rect` centred on lon/lat at `zoom`.
    pub fn new(rect: Rect, centre_lon: f64, centre_lat: f64, zoom: f64) -> Self {
        let scale = TILE_SIZE * 2f64.powf(zoom);
        let c = to_unit(centre_lon, centre_lat);
        let sc = rect.center();
        let (ox, oy) = (sc.x as f64 - c[0] * scale, sc.y as f64 - c[1] * scale);
        ScreenTransform { rect, scale, ox, oy, zoom, lin: [scale, 0.0, 0.0, scale], off: [ox, oy], shift: [0.0, 0.0] }
    }

    /// The same view with everything drawn through it moved by `shift`
    /// (unit coordinates). [`ScreenTransform::unshifted`] undoes it.
    pub fn shifted(self, shift: Unit) -> Self {
        self.warped(shift, [0.0; 4], [0.0, 0.0])
    }

    /// The same view drawing unit point `p` where the basemap has
    /// `p + shift + J·(p − about)`.
    fn warped(self, shift: Unit, j: [f64; 4], about: Unit) -> Self {
        let mut t = self.unshifted();
        let s = t.scale;
        t.lin = [s * (1.0 + j[0]), s * j[1], s * j[2], s * (1.0 + j[3])];
        let dx = shift[0] - (j[0] * about[0] + j[1] * about[1]);
        let dy = shift[1] - (j[2] * about[0] + j[3] * about[1]);
        t.off = [t.ox + s * dx, t.oy + s * dy];
        t.shift = shift;
        t
    }

    /// The view in the map's own frame (the frame of its tiles and camera),
    /// without any shift.
    pub fn unshifted(self) -> Self {
        let mut t = self;
        t.lin = [t.scale, 0.0, 0.0, t.scale];
        t.off = [t.ox, t.oy];
        t.shift = [0.0, 0.0];
        t
    }

    /// The shift at the centre of the view, in unit coordinates.
    pub fn shift(&self) -> Unit {
        self.shift
    }

    /// Whether positions are moved off the basemap's frame.
    pub fn is_shifted(&self) -> bool {
        self.lin != [self.scale, 0.0, 0.0, self.scale] || self.off != [self.ox, self.oy]
    }

    /// The view with WGS84 positions drawn where a GCJ-02 basemap (AMap
    /// style) shows them. The GCJ-02 offset (some hundred metres) changes by
    /// a few metres per kilometre; its value and its rate of change at the
    /// centre of the view (an affine warp) put every point of the view
    /// within about a pixel of its exact place.
    pub fn onto_gcj02(self) -> Self {
        use binzhou_core::crs::{Crs, from_wgs84, to_wgs84};
        let base = self.unshifted();
        let (glon, glat) = base.centre();
        let Ok((lon, lat)) = to_wgs84(Crs::Gcj02, glon, glat) else {
            return base;
        };
        // The GCJ-02 offset of a WGS84 unit point.
        let offset = |u: Unit| -> Option<Unit> {
            let (lon, lat) = from_unit(u);
            let (g, h) = from_wgs84(Crs::Gcj02, lon, lat).ok()?;
            let w = to_unit(g, h);
            Some([w[0] - u[0], w[1] - u[1]])
        };
        let c = to_unit(lon, lat);
        // A least-squares fit of the offset over a 3×3 grid spanning the view.
        let hx = (self.rect.width() as f64 / 2.0 / self.scale).max(5e-6);
        let hy = (self.rect.height() as f64 / 2.0 / self.scale).max(5e-6);
        let mut samples = Vec::with_capacity(9);
        for dy in [-1.0, 0.0, 1.0] {
            for dx in [-1.0, 0.0, 1.0] {
                let Some(off) = offset([c[0] + dx * hx, c[1] + dy * hy]) else {
                    return base;
                };
                samples.push((dx * hx, dy * hy, off));
            }
        }
        let n = samples.len() as f64;
        let o = [samples.iter().map(|s| s.2[0]).sum::<f64>() / n, samples.iter().map(|s| s.2[1]).sum::<f64>() / n];
        let (sxx, syy) =
            (samples.iter().map(|s| s.0 * s.0).sum::<f64>(), samples.iter().map(|s| s.1 * s.1).sum::<f64>());
        let fit = |k: usize, along_x: bool| {
            let num: f64 = samples.iter().map(|s| (s.2[k] - o[k]) * if along_x { s.0 } else { s.1 }).sum();
            num / if along_x { sxx } else { syy }
        };
        let j = [fit(0, true), fit(0, false), fit(1, true), fit(1, false)];
        if o.iter().chain(&j).all(|v| v.is_finite()) { base.warped(o, j, c) } else { base }
    }

    /// The transform walkers uses this frame.
    pub fn from_projector(p: &walkers::Projector) -> Self {
        let rect = p.clip_rect();
        let c = p.unproject(rect.center().to_vec2());
        Self::new(rect, c.x(), c.y(), p.zoom())
    }

    /// The zoom level.
    pub fn zoom(&self) -> f64 {
        self.zoom
    }

    /// The linear part and the offset of unit → screen (see [`ScreenTransform::to_screen`]).
    pub fn affine(&self) -> ([f64; 4], [f64; 2]) {
        (self.lin, self.off)
    }

    /// Pixels per unit.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// A unit point on screen.
    #[inline]
    pub fn to_screen(&self, p: Unit) -> Pos2 {
        let l = &self.lin;
        pos2((p[0] * l[0] + p[1] * l[1] + self.off[0]) as f32, (p[0] * l[2] + p[1] * l[3] + self.off[1]) as f32)
    }

    /// A unit box (min x, min y, max x, max y) on screen.
    #[inline]
    pub fn box_to_screen(&self, b: &[f64; 4]) -> Rect {
        let r = Rect::from_min_max(self.to_screen([b[0], b[1]]), self.to_screen([b[2], b[3]]));
        if self.lin[1] == 0.0 && self.lin[2] == 0.0 {
            r
        } else {
            // Warped: the other two corners may stick out a little.
            r.union(Rect::from_two_pos(self.to_screen([b[2], b[1]]), self.to_screen([b[0], b[3]])))
        }
    }

    /// A screen point in unit coordinates.
    pub fn to_unit(&self, p: Pos2) -> Unit {
        let l = &self.lin;
        let (qx, qy) = (p.x as f64 - self.off[0], p.y as f64 - self.off[1]);
        let det = l[0] * l[3] - l[1] * l[2];
        [(l[3] * qx - l[1] * qy) / det, (l[0] * qy - l[2] * qx) / det]
    }

    /// A screen point in lon/lat.
    pub fn lon_lat(&self, p: Pos2) -> (f64, f64) {
        from_unit(self.to_unit(p))
    }

    /// A lon/lat position on screen.
    pub fn lon_lat_to_screen(&self, lon: f64, lat: f64) -> Pos2 {
        self.to_screen(to_unit(lon, lat))
    }

    /// The lon/lat centre of the map.
    pub fn centre(&self) -> (f64, f64) {
        self.lon_lat(self.rect.center())
    }

    /// The lon/lat box of the map, grown by `margin_px` on each side.
    pub fn visible_lon_lat(&self, margin_px: f32) -> geo::Rect<f64> {
        let r = self.rect.expand(margin_px);
        let (w, n) = self.lon_lat(r.left_top());
        let (e, s) = self.lon_lat(r.right_bottom());
        geo::Rect::new((w, s), (e, n))
    }

    /// Ground metres per screen pixel at a latitude.
    pub fn metres_per_pixel(&self, lat: f64) -> f64 {
        binzhou_core::mercator::metres_per_unit(lat) / self.scale
    }
}

/// One polygon of a site: rings as ranges into the site's vertices (no
/// closing vertex repeated) and its triangles as indices into them.
#[derive(Clone, Debug, Default)]
pub struct PolygonPart {
    pub rings: Vec<Range<u32>>,
    pub triangles: Vec<u32>,
}

/// A site's geometry in unit coordinates, ready to draw.
#[derive(Clone, Debug, Default)]
pub struct SiteGeom {
    /// Every vertex of the site.
    pub coords: Vec<Unit>,
    /// Indices of point vertices.
    pub points: Vec<u32>,
    /// Line parts, as ranges of vertices.
    pub lines: Vec<Range<u32>>,
    pub polygons: Vec<PolygonPart>,
    /// min x, min y, max x, max y (unit).
    pub bbox: [f64; 4],
    /// Where the label and the small-size marker go (inside polygons).
    pub anchor: Unit,
    /// Characters in the site's name (labels are only offered where they fit).
    pub label_chars: u16,
}

/// The broad kind of geometry, for drawing order and symbols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GeomKind {
    Polygon,
    Line,
    Point,
    Empty,
}

impl SiteGeom {
    /// The site's geometry kind (the "heaviest" part wins).
    pub fn kind(&self) -> GeomKind {
        if !self.polygons.is_empty() {
            GeomKind::Polygon
        } else if !self.lines.is_empty() {
            GeomKind::Line
        } else if !self.points.is_empty() {
            GeomKind::Point
        } else {
            GeomKind::Empty
        }
    }

    /// Width or height of the box, whichever is larger (unit).
    pub fn extent(&self) -> f64 {
        (self.bbox[2] - self.bbox[0]).max(self.bbox[3] - self.bbox[1])
    }

    /// Converts a lon/lat geometry.
    pub fn from_geometry(g: &Geometry<f64>) -> Self {
        let mut s = SiteGeom::default();
        s.add(g);
        if s.coords.is_empty() {
            return s;
        }
        let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for c in &s.coords {
            b[0] = b[0].min(c[0]);
            b[1] = b[1].min(c[1]);
            b[2] = b[2].max(c[0]);
            b[3] = b[3].max(c[1]);
        }
        s.bbox = b;
        s.anchor = g
            .interior_point()
            .map(|p| to_unit(p.x(), p.y()))
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .unwrap_or([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]);
        s
    }

    fn push(&mut self, c: Coord<f64>) -> bool {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return false;
        }
        self.coords.push(to_unit(c.x, c.y));
        true
    }

    fn add_line(&mut self, l: &LineString<f64>) {
        let start = self.coords.len() as u32;
        for c in &l.0 {
            self.push(*c);
        }
        let end = self.coords.len() as u32;
        if end > start {
            self.lines.push(start..end);
        }
    }

    fn add_polygon(&mut self, p: &Polygon<f64>) {
        // Rings with fewer than three distinct vertices fill nothing.
        let usable = |r: &LineString<f64>| r.0.len() >= 4 && r.0.iter().all(|c| c.x.is_finite() && c.y.is_finite());
        if !usable(p.exterior()) {
            self.add_line(p.exterior());
            return;
        }
        let interiors: Vec<LineString<f64>> = p.interiors().iter().filter(|r| usable(r)).cloned().collect();
        let closed = |r: &LineString<f64>| {
            let mut r = r.clone();
            r.close();
            r
        };
        let exterior = closed(p.exterior());
        let interiors: Vec<LineString<f64>> = interiors.iter().map(closed).collect();
        // Triangulate in unit coordinates: what is drawn is the projected shape.
        let unit_ring = |r: &LineString<f64>| -> LineString<f64> {
            r.0.iter()
                .map(|c| {
                    let u = to_unit(c.x, c.y);
                    Coord { x: u[0], y: u[1] }
                })
                .collect()
        };
        let unit = Polygon::new(unit_ring(&exterior), interiors.iter().map(unit_ring).collect());
        let raw = unit.earcut_triangles_raw();
        let base = self.coords.len() as u32;
        let mut rings = Vec::with_capacity(1 + interiors.len());
        let mut at = base;
        for r in std::iter::once(unit.exterior()).chain(unit.interiors()) {
            let n = r.0.len().saturating_sub(1) as u32;
            rings.push(at..at + n);
            at += n;
        }
        self.coords.extend(raw.vertices.iter().copied());
        debug_assert_eq!(self.coords.len() as u32, at);
        let triangles = raw.triangle_indices.iter().map(|&i| base + i as u32).collect();
        self.polygons.push(PolygonPart { rings, triangles });
    }

    fn add(&mut self, g: &Geometry<f64>) {
        match g {
            Geometry::Point(p) => {
                if self.push(p.0) {
                    self.points.push(self.coords.len() as u32 - 1);
                }
            }
            Geometry::MultiPoint(mp) => {
                for p in mp {
                    self.add(&Geometry::Point(*p));
                }
            }
            Geometry::Line(l) => self.add_line(&LineString::from(vec![l.start, l.end])),
            Geometry::LineString(l) => self.add_line(l),
            Geometry::MultiLineString(ml) => {
                for l in ml {
                    self.add_line(l);
                }
            }
            Geometry::Polygon(p) => self.add_polygon(p),
            Geometry::MultiPolygon(mp) => {
                for p in mp {
                    self.add_polygon(p);
                }
            }
            Geometry::Rect(r) => self.add_polygon(&r.to_polygon()),
            Geometry::Triangle(t) => self.add_polygon(&t.to_polygon()),
            Geometry::GeometryCollection(c) => {
                for g in c {
                    self.add(g);
                }
            }
        }
    }
}

/// Screen-independent drawing data for every site of a dataset.
///
/// The geometries are stored in drawing order (and allocated in it), so a
/// frame walks memory front to back instead of jumping around.
#[derive(Clone, Debug, Default)]
pub struct GeomCache {
    /// Geometries in drawing order: `by_rank[rank[i]]` is site `i`'s.
    pub by_rank: Vec<SiteGeom>,
    /// Site indices in drawing order: polygons largest first, then lines, then points.
    pub order: Vec<u32>,
    /// The inverse of `order`: each site's place in it.
    pub rank: Vec<u32>,
}

impl GeomCache {
    /// Converts and triangulates every site.
    pub fn build(sites: &[Site]) -> Self {
        let geoms: Vec<SiteGeom> = sites
            .iter()
            .map(|s| {
                let mut g = SiteGeom::from_geometry(&s.geometry);
                g.label_chars = s.name().chars().count().min(u16::MAX as usize) as u16;
                g
            })
            .collect();
        let mut order: Vec<u32> = (0..geoms.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (ga, gb) = (&geoms[a as usize], &geoms[b as usize]);
            ga.kind().cmp(&gb.kind()).then_with(|| gb.extent().total_cmp(&ga.extent())).then(a.cmp(&b))
        });
        let mut rank = vec![0u32; geoms.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        // Copies allocated in drawing order (while the originals still hold
        // their memory), for locality.
        let by_rank = order.iter().map(|&i| geoms[i as usize].clone()).collect();
        drop(geoms);
        GeomCache { by_rank, order, rank }
    }

    /// Site `i`'s geometry.
    pub fn get(&self, i: usize) -> Option<&SiteGeom> {
        self.by_rank.get(*self.rank.get(i)? as usize)
    }

    /// The number of sites.
    pub fn len(&self) -> usize {
        self.by_rank.len()
    }

    /// Whether there are no sites.
    pub fn is_empty(&self) -> bool {
        self.by_rank.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;
    use geo::polygon;

    #[test]
    fn the_transform_agrees_with_walkers_projector() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), vec2(800.0, 600.0));
        let mut mem = walkers::MapMemory::default();
        mem.set_zoom(14.3).unwrap();
        let centre = walkers::lon_lat(118.0, 37.4);
        mem.center_at(centre);
        let p = walkers::Projector::new(rect, &walkers::MercatorProjection, &mem, centre);
        let t = ScreenTransform::from_projector(&p);
        let ours = t.lon_lat_to_screen(118.013, 37.391);
        let theirs = p.project(walkers::lon_lat(118.013, 37.391));
        assert!((ours.x - theirs.x).abs() < 0.01 && (ours.y - theirs.y).abs() < 0.01);
    }

    #[test]
    fn a_concave_polygon_is_triangulated_into_its_own_area() {
        // An L shape: a convex fill would cover the notch.
        let l = Geometry::Polygon(polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0),
            (x: 1.0, y: 1.0), (x: 1.0, y: 2.0), (x: 0.0, y: 2.0),
        ]);
        let g = SiteGeom::from_geometry(&l);
        assert_eq!(g.polygons.len(), 1);
        assert_eq!(g.coords.len(), 6);
        assert_eq!(g.polygons[0].triangles.len(), 4 * 3);
        // The anchor is inside the L, not in the notch.
        let (lon, lat) = from_unit(g.anchor);
        assert!(!(lon > 1.0 && lat > 1.0), "{lon} {lat}");
    }

    #[test]
    fn a_degenerate_ring_becomes_a_line_and_does_not_panic() {
        let p = Geometry::Polygon(Polygon::new(LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]), vec![]));
        let g = SiteGeom::from_geometry(&p);
        assert!(g.polygons.is_empty());
        assert_eq!(g.lines.len(), 1);
    }

    #[test]
    fn larger_polygons_are_drawn_before_smaller_ones_and_points_last() {
        let mut a = Site::new_for_test("a", "a");
        a.set_geometry(Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.1, y: 0.1)]));
        let b = Site::new_for_test("b", "b");
        let mut c = Site::new_for_test("c", "c");
        c.set_geometry(Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)]));
        let cache = GeomCache::build(&[a, b, c]);
        assert_eq!(cache.order, vec![2, 0, 1]);
        assert_eq!(cache.rank, vec![1, 2, 0]);
    }
}
