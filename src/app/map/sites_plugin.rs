//! The sites on the map: a walkers plugin around [`build_site_shapes`], a
//! plain function (no window needed) that turns the visible sites into egui
//! shapes for one frame.
//!
//! Polygons are filled through one shared mesh (triangulated once, see
//! [`super::project`]) and outlined; lines are stroked with vertices closer
//! than a pixel skipped; points get a symbol. A feature smaller than a few
//! pixels is drawn as a marker so it stays visible and clickable. Dense
//! views, where a GPU can, are drawn from geometry kept on it
//! ([`super::gpu_sites`]); this code then only decides what each site shows.

use egui::epaint::{Vertex, WHITE_UV};
use egui::{Color32, Mesh, Pos2, Shape, Stroke};

use super::gpu_sites::{DASHED, GpuFrame, MODE_DOT, MODE_FULL, SitesCallback, pack, rgba};
use super::labels::{LabelCandidate, LabelKind};
use super::project::{GeomCache, ScreenTransform, SiteGeom};
use super::style::{HOVER_COLOUR, SELECTION_COLOUR, SYMBOL_OUTLINE, Symbol, darker, status_colour, with_alpha};
use crate::app::data::{MapData, SiteLooks};
use crate::app::state::ColourBy;
use binzhou_core::model::{Change, Site, StatusClass};

/// Features smaller than this (pixels, the larger side of the box) are drawn as a marker.
pub const MIN_FEATURE_PX: f32 = 8.0;
/// Radius of the marker drawn for small features.
pub const MARKER_RADIUS: f32 = 4.0;
/// The width of one CJK character of a site label, near enough, pixels.
pub const LABEL_CHAR_PX: f32 = 12.0;
/// How far from a feature (pixels) the cursor still picks it.
pub const PICK_TOLERANCE_PX: f32 = 6.0;
/// With more sites than this in view, markers are plain squares in one mesh
/// (six indices each) instead of anti-aliased circles (hundreds each): a
/// 100k-site overview otherwise needs more than the GPU's largest buffer.
pub const DENSE_SITES: usize = 20_000;
/// With more sites in view than this, and a GPU that can, sites are drawn
/// from geometry kept on it ([`super::gpu_sites`]): egui's anti-aliased
/// shapes for thousands of sites cost more memory than the whole dataset.
pub const GPU_SITES: usize = 4_000;
/// In a dense view, line and outline vertices closer than this (pixels) to
/// the last one kept are skipped: at that density a stroke's wiggles below
/// two pixels are not seen, and they were most of the frame's vertices.
pub const DENSE_SPACING_PX: f32 = 2.0;
/// Below this zoom, small sites that pile up (a county seat's parks at city
/// scale) are drawn as one symbol with their count, split by status.
pub const CLUSTER_BELOW_ZOOM: f64 = 13.0;
/// Small sites are gathered per screen cell of this many pixels.
pub const CLUSTER_CELL_PX: f32 = 48.0;
/// A cell with at least this many small sites becomes one cluster symbol.
pub const CLUSTER_MIN: usize = 4;

/// Colour slots per layer: one per status class, then the layer's own
/// (features without a status).
const SLOTS: usize = binzhou_core::stats::CLASSES + 1;
/// The slot of features without a status.
const NO_STATUS: usize = SLOTS - 1;

/// Small sites drawn as one symbol: where, how many of each status, and how
/// large on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// The mean screen position of its sites.
    pub at: Pos2,
    /// Sites per status class ([`StatusClass::ALL`] order), then those without a status.
    pub counts: [usize; SLOTS],
    /// Its radius, pixels.
    pub radius: f32,
}

impl Cluster {
    /// How many sites it stands for.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Whether a screen point is on it.
    pub fn contains(&self, p: Pos2) -> bool {
        self.at.distance(p) <= self.radius + 2.0
    }
}

/// The radius of a cluster of `n` sites, pixels.
fn cluster_radius(n: usize) -> f32 {
    10.0 + 3.0 * (n.max(1) as f32).log2()
}

/// Clusters whose symbols would overlap become one, at their weighted
/// centre, until none overlap.
pub fn merge_overlapping(mut clusters: Vec<Cluster>) -> Vec<Cluster> {
    loop {
        let mut merged = false;
        'outer: for a in 0..clusters.len() {
            for b in a + 1..clusters.len() {
                let (ca, cb) = (&clusters[a], &clusters[b]);
                if ca.at.distance(cb.at) < ca.radius + cb.radius + 2.0 {
                    let (na, nb) = (ca.total() as f32, cb.total() as f32);
                    let at = ((ca.at.to_vec2() * na + cb.at.to_vec2() * nb) / (na + nb)).to_pos2();
                    let mut counts = ca.counts;
                    for (c, n) in counts.iter_mut().zip(cb.counts) {
                        *c += n;
                    }
                    let total = counts.iter().sum();
                    clusters[a] = Cluster { at, counts, radius: cluster_radius(total) };
                    clusters.swap_remove(b);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            return clusters;
        }
    }
}

/// A small site waiting to be drawn as a marker or counted in a cluster.
struct Pending {
    anchor: Pos2,
    fill: Color32,
    edge: Color32,
    change: Option<Change>,
    status: usize,
}

/// How one layer is drawn this frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerLook {
    /// Plan sites, which field checks are made of.
    pub checkable: bool,
    pub visible: bool,
    pub opacity: f32,
    pub colour: Color32,
    pub symbol: Symbol,
}

/// Everything but geometry that decides how sites look this frame.
#[derive(Clone, Copy, Debug)]
pub struct DrawStyle<'a> {
    pub looks: &'a SiteLooks,
    /// By layer slot (see [`SiteLooks::layer`]).
    pub layers: &'a [LayerLook],
    pub colour_by: ColourBy,
    pub selected: Option<usize>,
    pub hovered: Option<usize>,
    /// Halos on sites that changed since the previous year.
    pub show_changes: bool,
    /// Offer site names as labels.
    pub labels: bool,
    /// Per site, its newest check's slot in [`super::style::check_colour`]
    /// (for colouring by checks; empty otherwise).
    pub checks: &'a [u8],
    /// Dense views go to the GPU ([`super::gpu_sites`]) instead of meshes.
    pub gpu: bool,
}

/// One frame's site drawing.
#[derive(Debug, Default)]
pub struct FrameShapes {
    /// In painting order.
    pub shapes: Vec<Shape>,
    pub labels: Vec<LabelCandidate>,
    /// Sites drawn, per layer slot (those in clusters included).
    pub drawn_per_layer: Vec<u32>,
    /// Clusters of small sites, drawn by the caller (they carry text).
    pub clusters: Vec<Cluster>,
    /// A dense view's sites for the GPU, painted before `shapes[gpu_at]`.
    pub gpu: Option<GpuFrame>,
    pub gpu_at: usize,
}

impl FrameShapes {
    /// Sites drawn in all.
    pub fn drawn(&self) -> u32 {
        self.drawn_per_layer.iter().sum()
    }
}

/// The colours of one kind of site in one layer, with the layer's opacity applied.
#[derive(Clone, Copy, Debug)]
struct Colours {
    main: Color32,
    outline: Color32,
    fill: Color32,
    marker_edge: Color32,
    white: Color32,
}

impl Colours {
    /// `base` fills and strokes; `edge` outlines polygons: the layer's own
    /// colour when status fills them, so a village and a park differ at a glance.
    fn new(base: Color32, edge: Color32, layer: &LayerLook) -> Self {
        Colours {
            main: with_alpha(base, layer.opacity),
            outline: with_alpha(edge, layer.opacity),
            fill: with_alpha(base, layer.symbol.fill_alpha * layer.opacity),
            marker_edge: with_alpha(SYMBOL_OUTLINE, 0.8 * layer.opacity),
            white: with_alpha(Color32::WHITE, 0.9 * layer.opacity),
        }
    }
}

/// Per layer: colours for each status class (in [`StatusClass::ALL`] order) and, last, the layer's own.
fn palette(style: &DrawStyle) -> Vec<[Colours; SLOTS]> {
    style
        .layers
        .iter()
        .map(|layer| {
            let c = |k: usize| {
                let base = match (style.colour_by, StatusClass::ALL.get(k)) {
                    (ColourBy::Status, Some(&class)) => status_colour(class),
                    (ColourBy::Checks, _) => super::style::check_colour(k),
                    _ => layer.colour,
                };
                let edge = match style.colour_by {
                    ColourBy::Status | ColourBy::Checks => layer.colour,
                    ColourBy::Layer => darker(layer.colour),
                };
                Colours::new(base, edge, layer)
            };
            std::array::from_fn(c)
        })
        .collect()
}

/// Whether a layer slot holds plan sites (which can be checked).
fn layer_is_plan(style: &DrawStyle, slot: usize) -> bool {
    style.layers.get(slot).is_some_and(|l| l.checkable)
}

/// The colour of a site under the style.
pub fn site_colour(style: &DrawStyle, i: usize) -> Color32 {
    let layer = &style.layers[style.looks.layer[i] as usize];
    match (style.colour_by, style.looks.class[i]) {
        (ColourBy::Status, Some(c)) => status_colour(c),
        (ColourBy::Checks, _) => {
            super::style::check_colour(style.checks.get(i).copied().unwrap_or(super::style::NOT_CHECKED) as usize)
        }
        _ => layer.colour,
    }
}

#[derive(Default)]
struct Layers {
    halos: Vec<Shape>,
    /// Change marks behind the square markers of a dense view.
    dot_halos: Mesh,
    fill: Mesh,
    outlines: Vec<Shape>,
    lines: Vec<Shape>,
    /// The square markers of a dense view.
    dots: Mesh,
    /// Lines and outlines of a dense view, without anti-aliasing.
    thin: Mesh,
    points: Vec<Shape>,
    hover: Vec<Shape>,
    selection: Vec<Shape>,
}

impl Layers {
    /// Vertices in the meshes of a dense view so far.
    fn dense_vertices(&self) -> usize {
        self.dot_halos.vertices.len() + self.fill.vertices.len() + self.thin.vertices.len() + self.dots.vertices.len()
    }
}

/// Adds a polyline of `width` pixels to `mesh` as a strip without
/// anti-aliasing: two vertices a point, shared by the segments that meet
/// there (mitred, the mitre at most a full width from the point), and 6
/// indices a segment. Egui's feathered stroke needs about three times as much.
fn thin_line(mesh: &mut Mesh, pts: &[Pos2], width: f32, colour: Color32) {
    let half = width / 2.0;
    // A repeated point would make a segment of no length and no direction.
    // Runs from `screen_run` seldom have one (only a duplicated last vertex),
    // so the copy without repeats is made only when there is one.
    let repeated = |a: Pos2, b: Pos2| a.distance_sq(b) <= 1e-6;
    let kept: std::borrow::Cow<'_, [Pos2]> = if pts.windows(2).any(|w| repeated(w[0], w[1])) {
        let mut v: Vec<Pos2> = Vec::with_capacity(pts.len());
        for &p in pts {
            if v.last().is_none_or(|&q| !repeated(q, p)) {
                v.push(p);
            }
        }
        v.into()
    } else {
        pts.into()
    };
    if kept.len() < 2 {
        return;
    }
    let normal = |a: Pos2, b: Pos2| {
        let d = (b - a).normalized();
        egui::vec2(-d.y, d.x)
    };
    let first = mesh.vertices.len() as u32;
    for k in 0..kept.len() {
        let before = (k > 0).then(|| normal(kept[k - 1], kept[k]));
        let after = (k + 1 < kept.len()).then(|| normal(kept[k], kept[k + 1]));
        let n = match (before, after) {
            (Some(a), Some(b)) => {
                let m = a + b;
                if m.length_sq() < 1e-6 {
                    a * half // a full turn back: no mitre exists
                } else {
                    let m = m.normalized();
                    m * (half / m.dot(a).max(0.5))
                }
            }
            (Some(a), None) | (None, Some(a)) => a * half,
            (None, None) => unreachable!("at least two points"),
        };
        let p = kept[k];
        mesh.vertices.push(Vertex { pos: p + n, uv: WHITE_UV, color: colour });
        mesh.vertices.push(Vertex { pos: p - n, uv: WHITE_UV, color: colour });
    }
    for k in 0..kept.len() as u32 - 1 {
        let i = first + 2 * k;
        mesh.indices.extend([i, i + 1, i + 3, i, i + 3, i + 2]);
    }
}

/// Vertices one frame may hold in its dense meshes: egui puts a frame's
/// vertices in one GPU buffer, which may not exceed 256 MiB (20 bytes each).
const MAX_DENSE_VERTICES: usize = 6_000_000;

/// Adds an axis-aligned square of half-side `r` around `at` to `mesh`.
fn square(mesh: &mut Mesh, at: Pos2, r: f32, colour: Color32) {
    mesh.add_colored_rect(egui::Rect::from_center_size(at, egui::vec2(2.0 * r, 2.0 * r)), colour);
}

/// Screen points of a run of vertices, skipping those within `spacing`
/// pixels of the last kept (the last vertex is always kept).
fn screen_run(t: &ScreenTransform, geom: &SiteGeom, r: &std::ops::Range<u32>, closed: bool, spacing: f32) -> Vec<Pos2> {
    let min_sq = spacing * spacing;
    let run = &geom.coords[r.start as usize..r.end as usize];
    let mut out: Vec<Pos2> = Vec::with_capacity(run.len() + closed as usize);
    for (k, &c) in run.iter().enumerate() {
        let p = t.to_screen(c);
        let last = k + 1 == run.len();
        match out.last() {
            Some(q) if !last && q.distance_sq(p) < min_sq => {}
            _ => out.push(p),
        }
    }
    if closed && out.len() > 2 {
        out.push(out[0]);
    }
    out
}

/// A filled circle with an outline, as one shape.
fn circle(center: Pos2, radius: f32, fill: Color32, stroke: Stroke) -> Shape {
    Shape::Circle(egui::epaint::CircleShape { center, radius, fill, stroke })
}

fn stroke_path(into: &mut Vec<Shape>, pts: Vec<Pos2>, stroke: Stroke, dashed: bool) {
    if pts.len() < 2 {
        return;
    }
    if dashed {
        into.extend(Shape::dashed_line(&pts, stroke, 7.0, 4.0));
    } else {
        into.push(Shape::line(pts, stroke));
    }
}

/// Outlines and lines of a site as screen paths (closed rings end where they start).
fn paths(t: &ScreenTransform, g: &SiteGeom) -> Vec<Vec<Pos2>> {
    let mut v: Vec<Vec<Pos2>> = g.lines.iter().map(|r| screen_run(t, g, r, false, 1.0)).collect();
    for p in &g.polygons {
        v.extend(p.rings.iter().map(|r| screen_run(t, g, r, true, 1.0)));
    }
    v
}

/// Builds the shapes of the visible sites for one frame.
///
/// `visible` are site indices in any order (e.g. from
/// [`binzhou_core::index::SiteIndex::in_rect`]); they are drawn large polygons
/// first, then lines, then points, so small features stay on top.
pub fn build_site_shapes(
    sites: &[Site],
    geoms: &GeomCache,
    visible: &[usize],
    t: &ScreenTransform,
    style: &DrawStyle,
) -> FrameShapes {
    let mut out = FrameShapes { drawn_per_layer: vec![0; style.layers.len()], ..Default::default() };
    let mut l = Layers::default();
    l.points.reserve(visible.len());
    let colours = palette(style);
    let zoom = t.zoom();
    let few = visible.len() < 4000;
    let dense = visible.len() > DENSE_SITES;
    let spacing = if dense { DENSE_SPACING_PX } else { 1.0 };
    let clustering = zoom < CLUSTER_BELOW_ZOOM;
    let gpu = style.gpu && visible.len() > GPU_SITES;
    let mut states = if gpu { vec![0u32; geoms.len()] } else { Vec::new() };
    let mut cells: std::collections::HashMap<(i32, i32), Vec<Pending>> = std::collections::HashMap::new();

    // Visible sites in drawing order, through a bitset over the global order.
    let n = geoms.len();
    let mut bits = vec![0u64; n.div_ceil(64)];
    for &i in visible {
        if i < n {
            let r = geoms.rank[i] as usize;
            bits[r / 64] |= 1 << (r % 64);
        }
    }
    let ordered = bits.iter().enumerate().flat_map(|(w, &word)| {
        let mut word = word;
        std::iter::from_fn(move || {
            if word == 0 {
                return None;
            }
            let b = word.trailing_zeros() as usize;
            word &= word - 1;
            Some(w * 64 + b)
        })
    });

    for rank in ordered {
        let i = geoms.order[rank] as usize;
        let g = &geoms.by_rank[rank];
        let slot = style.looks.layer[i] as usize;
        let Some(layer) = style.layers.get(slot) else {
            continue;
        };
        if !layer.visible || g.coords.is_empty() {
            continue;
        }
        if dense && !gpu && l.dense_vertices() > MAX_DENSE_VERTICES {
            break; // the rest would not fit the GPU; they appear as the user zooms in
        }
        out.drawn_per_layer[slot] += 1;
        let sym = layer.symbol;
        let key = match (style.colour_by, style.looks.class[i]) {
            (ColourBy::Checks, _) if layer_is_plan(style, slot) => {
                style.checks.get(i).copied().unwrap_or(super::style::NOT_CHECKED) as usize
            }
            (ColourBy::Checks, _) => NO_STATUS,
            (_, Some(c)) => crate::app::data::class_slot(c),
            (_, None) => NO_STATUS,
        };
        let pal = &colours[slot][key];
        let sbox = t.box_to_screen(&g.bbox);
        let extent = sbox.width().max(sbox.height());
        let anchor = t.to_screen(g.anchor);
        let tiny = g.points.is_empty() && extent < MIN_FEATURE_PX;
        let change = if style.show_changes { style.looks.change[i] } else { None };
        // Dashes on a small outline only make noise.
        let dashed = sym.dashed && extent >= 40.0;

        if tiny && clustering && style.selected != Some(i) {
            let cell = ((anchor.x / CLUSTER_CELL_PX).floor() as i32, (anchor.y / CLUSTER_CELL_PX).floor() as i32);
            cells.entry(cell).or_default().push(Pending {
                anchor,
                fill: pal.main,
                edge: pal.marker_edge,
                change,
                status: key,
            });
        } else if tiny && gpu {
            states[i] = pack(MODE_DOT, change, slot * SLOTS + key);
        } else if tiny && dense {
            if let Some(c) = change {
                square(&mut l.dot_halos, anchor, MARKER_RADIUS + 1.5, halo_colour(c));
            }
            square(&mut l.dots, anchor, MARKER_RADIUS * 0.7, pal.main);
        } else if tiny {
            if let Some(c) = change {
                l.halos.push(Shape::circle_stroke(anchor, MARKER_RADIUS + 5.0, Stroke::new(3.0, halo_colour(c))));
            }
            l.points.push(circle(anchor, MARKER_RADIUS, pal.main, Stroke::new(1.0, pal.marker_edge)));
        } else if gpu {
            states[i] = pack(MODE_FULL, change, slot * SLOTS + key) | if dashed { DASHED } else { 0 };
        } else {
            // Polygon fills, into the shared mesh.
            if !g.polygons.is_empty() {
                let first = l.fill.vertices.len() as u32;
                l.fill.vertices.extend(g.coords.iter().map(|&c| Vertex {
                    pos: t.to_screen(c),
                    uv: WHITE_UV,
                    color: pal.fill,
                }));
                for p in &g.polygons {
                    l.fill.indices.extend(p.triangles.iter().map(|&k| first + k));
                }
            }
            for r in &g.lines {
                let pts = screen_run(t, g, r, false, spacing);
                if pts.len() < 2 {
                    continue;
                }
                if dense {
                    if let Some(c) = change {
                        thin_line(&mut l.dot_halos, &pts, sym.width + 4.0, halo_colour(c));
                    }
                    thin_line(&mut l.thin, &pts, sym.width, pal.main);
                    continue;
                }
                if let Some(c) = change {
                    l.halos.push(Shape::line(pts.clone(), Stroke::new(sym.width + 8.0, halo_colour(c))));
                }
                if few {
                    l.lines.push(Shape::line(pts.clone(), Stroke::new(sym.width + 2.0, pal.white)));
                }
                let ends = [pts[0], pts[pts.len() - 1]];
                stroke_path(&mut l.lines, pts, Stroke::new(sym.width, pal.main), dashed);
                if sym.end_marks && extent > 24.0 {
                    for end in ends {
                        l.lines.push(circle(end, sym.width * 0.9, Color32::WHITE, Stroke::new(1.5, pal.outline)));
                    }
                }
            }
            for p in &g.polygons {
                for r in &p.rings {
                    let pts = screen_run(t, g, r, true, spacing);
                    if dense {
                        if let Some(c) = change {
                            thin_line(&mut l.dot_halos, &pts, sym.width + 4.0, halo_colour(c));
                        }
                        thin_line(&mut l.thin, &pts, sym.width.min(1.5), pal.outline);
                        continue;
                    }
                    if let Some(c) = change {
                        l.halos.push(Shape::line(pts.clone(), Stroke::new(sym.width + 6.0, halo_colour(c))));
                    }
                    stroke_path(&mut l.outlines, pts, Stroke::new(sym.width, pal.outline), dashed);
                }
            }
            for &p in &g.points {
                let at = t.to_screen(g.coords[p as usize]);
                if dense {
                    if let Some(c) = change {
                        square(&mut l.dot_halos, at, sym.point_radius + 1.5, halo_colour(c));
                    }
                    square(&mut l.dots, at, sym.point_radius * 0.7, pal.main);
                    continue;
                }
                if let Some(c) = change {
                    l.halos.push(Shape::circle_stroke(at, sym.point_radius + 5.0, Stroke::new(3.0, halo_colour(c))));
                }
                l.points.push(circle(at, sym.point_radius, pal.main, Stroke::new(1.5, pal.white)));
            }
        }

        for (which, into, colour, width) in [
            (style.hovered, &mut l.hover, HOVER_COLOUR, 2.5),
            (style.selected, &mut l.selection, SELECTION_COLOUR, 3.5),
        ] {
            if which != Some(i) {
                continue;
            }
            if tiny || !g.points.is_empty() {
                let r = if tiny { MARKER_RADIUS } else { sym.point_radius } + 3.0;
                into.push(Shape::circle_stroke(anchor, r + 1.5, Stroke::new(width + 2.0, SYMBOL_OUTLINE)));
                into.push(Shape::circle_stroke(anchor, r + 1.5, Stroke::new(width, colour)));
            }
            if !tiny {
                for pts in paths(t, g) {
                    if which == style.selected {
                        into.push(Shape::line(pts.clone(), Stroke::new(width + 3.0, Color32::WHITE)));
                    }
                    into.push(Shape::line(pts, Stroke::new(width, colour)));
                }
            }
        }

        if style.labels || style.selected == Some(i) {
            let selected = style.selected == Some(i);
            // A name goes on a feature it roughly fits, or on anything when zoomed far in.
            let fits = g.label_chars as f32 * LABEL_CHAR_PX <= extent * 1.2;
            if g.label_chars > 0
                && (selected || (extent >= 10.0 && (zoom >= 16.0 || fits)))
                && let Some(site) = sites.get(i)
            {
                let marker = tiny || !g.points.is_empty() || g.polygons.is_empty();
                let at = if selected {
                    // Below the site, clear of it and of its outline.
                    let under = if marker { anchor.y + 20.0 } else { sbox.bottom().max(anchor.y) + 16.0 };
                    egui::pos2(anchor.x, under)
                } else {
                    anchor + egui::vec2(0.0, if marker { 14.0 } else { 0.0 })
                };
                // The viewed year's overdue sites are named first.
                let overdue = style.looks.class[i] == Some(StatusClass::Overdue);
                out.labels.push(LabelCandidate {
                    text: site.name().into(),
                    at,
                    priority: if selected {
                        1.0e6
                    } else {
                        1000.0 + extent.min(600.0) + if overdue { 10_000.0 } else { 0.0 }
                    },
                    kind: if selected { LabelKind::Selected } else { LabelKind::Site },
                    vertical: false,
                });
            }
        }
    }

    // Cells with few small sites draw them one by one; the others as one cluster each.
    for (_, pending) in cells {
        if pending.len() < CLUSTER_MIN {
            for p in pending {
                if let Some(c) = p.change {
                    l.halos.push(Shape::circle_stroke(p.anchor, MARKER_RADIUS + 5.0, Stroke::new(3.0, halo_colour(c))));
                }
                l.points.push(circle(p.anchor, MARKER_RADIUS, p.fill, Stroke::new(1.0, p.edge)));
            }
            continue;
        }
        let mut counts = [0usize; SLOTS];
        let mut sum = egui::Vec2::ZERO;
        for p in &pending {
            counts[p.status.min(NO_STATUS)] += 1;
            sum += p.anchor.to_vec2();
        }
        let n = pending.len();
        out.clusters.push(Cluster { at: (sum / n as f32).to_pos2(), counts, radius: cluster_radius(n) });
    }
    out.clusters = merge_overlapping(std::mem::take(&mut out.clusters));
    out.clusters.sort_by_key(Cluster::total);

    // Painting order: marks under fills, fills under strokes, points on top.
    let Layers { halos, dot_halos, fill, outlines, lines, thin, dots, points, hover, selection } = l;
    let mesh = |m: Mesh| (!m.is_empty()).then(|| Shape::mesh(m));
    if gpu {
        out.gpu_at = halos.len();
        out.gpu = Some(gpu_frame(style, &colours, states));
    }
    out.shapes = halos
        .into_iter()
        .chain(mesh(dot_halos))
        .chain(mesh(fill))
        .chain(outlines)
        .chain(lines)
        .chain(mesh(thin))
        .chain(mesh(dots))
        .chain(points)
        .chain(hover)
        .chain(selection)
        .collect();
    out
}

/// The palette and states of a dense view drawn on the GPU: entry
/// `slot * SLOTS + key` holds the colours the mesh path takes from `colours[slot][key]`.
fn gpu_frame(style: &DrawStyle, colours: &[[Colours; SLOTS]], states: Vec<u32>) -> GpuFrame {
    let mut palette = Vec::with_capacity(colours.len() * SLOTS * 4);
    for (layer, by_key) in style.layers.iter().zip(colours) {
        let sym = layer.symbol;
        for c in by_key {
            palette.extend([
                rgba(c.main),
                rgba(c.outline),
                rgba(c.fill),
                [sym.width, sym.width.min(1.5), sym.point_radius, 0.0],
            ]);
        }
    }
    GpuFrame {
        states,
        palette,
        halo_done: rgba(halo_colour(Change::NewlyDone)),
        halo_overdue: rgba(halo_colour(Change::NewlyOverdue)),
        marker: [MARKER_RADIUS * 0.8, MARKER_RADIUS + 1.5, 4.0],
        halos: style.show_changes,
    }
}

fn halo_colour(c: Change) -> Color32 {
    let base = match c {
        Change::NewlyDone => status_colour(StatusClass::Done),
        Change::NewlyOverdue => status_colour(StatusClass::Overdue),
    };
    with_alpha(base, 0.38)
}

/// The site under a screen position, among those in visible layers: the
/// R-tree's best pick within [`PICK_TOLERANCE_PX`] converted to metres.
pub fn pick_at(data: &MapData, t: &ScreenTransform, at: Pos2, layers: &[LayerLook]) -> Option<usize> {
    let (lon, lat) = t.lon_lat(at);
    let tolerance_m = PICK_TOLERANCE_PX as f64 * t.metres_per_pixel(lat);
    data.index
        .pick(&data.dataset.sites, geo::Point::new(lon, lat), tolerance_m)
        .into_iter()
        .find(|&i| data.looks_layer(i).and_then(|slot| layers.get(slot)).is_some_and(|l| l.visible))
}

/// What the sites plugin learned this frame.
#[derive(Debug, Default)]
pub struct SitesFrame {
    pub transform: Option<ScreenTransform>,
    pub hovered: Option<usize>,
    /// `Some(None)` for a click on empty map.
    pub clicked: Option<Option<usize>>,
    pub drawn_per_layer: Vec<u32>,
    /// The clusters drawn, largest last.
    pub clusters: Vec<Cluster>,
    /// Where a cluster was clicked: the map zooms in there.
    pub cluster_clicked: Option<Pos2>,
}

/// Draws a cluster: a ring split by status around its count.
pub fn paint_cluster(painter: &egui::Painter, c: &Cluster) {
    let total = c.total().max(1) as f32;
    painter.circle_filled(c.at, c.radius + 1.5, with_alpha(SYMBOL_OUTLINE, 0.55));
    let ring = c.radius - 3.0;
    let mut start = -std::f32::consts::FRAC_PI_2;
    for (k, &n) in c.counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let sweep = std::f32::consts::TAU * n as f32 / total;
        let colour = StatusClass::ALL.get(k).map(|&s| status_colour(s)).unwrap_or(Color32::from_gray(150));
        let steps = ((sweep / 0.15).ceil() as usize).max(2);
        let pts: Vec<Pos2> = (0..=steps)
            .map(|j| {
                let a = start + sweep * j as f32 / steps as f32;
                c.at + ring * egui::vec2(a.cos(), a.sin())
            })
            .collect();
        painter.add(Shape::line(pts, Stroke::new(6.0, colour)));
        start += sweep;
    }
    painter.circle_filled(c.at, c.radius - 6.0, Color32::WHITE);
    painter.text(
        c.at,
        egui::Align2::CENTER_CENTER,
        c.total().to_string(),
        egui::FontId::proportional(if c.total() >= 100 { 11.0 } else { 12.5 }),
        Color32::from_rgb(30, 30, 30),
    );
}

/// The walkers plugin drawing the sites and picking under the cursor.
pub struct SitesPlugin<'a> {
    pub data: &'a MapData,
    pub style: DrawStyle<'a>,
    pub out: &'a mut SitesFrame,
    /// Where the sites' labels go, to be placed with the basemap's.
    pub labels: &'a std::cell::RefCell<Vec<LabelCandidate>>,
    /// Screen rects labels must keep clear of (the cluster symbols).
    pub obstacles: &'a std::cell::RefCell<Vec<egui::Rect>>,
    /// The basemap is GCJ-02: draw (and pick) the WGS84 sites where it shows them.
    pub gcj02: bool,
}

impl walkers::Plugin for SitesPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut egui::Ui,
        response: &egui::Response,
        projector: &walkers::Projector,
        _memory: &walkers::MapMemory,
    ) {
        let t = ScreenTransform::from_projector(projector);
        let t = if self.gcj02 { t.onto_gcj02() } else { t };
        let mut style = self.style;
        let hover_pos = response.hover_pos().filter(|_| !response.dragged());
        // Last frame's clusters: the pointer on one means the cluster, not a site under it.
        let on_cluster = |p: Pos2| self.out.clusters.iter().rev().any(|c| c.contains(p));
        let hovered = hover_pos.filter(|&p| !on_cluster(p)).and_then(|p| pick_at(self.data, &t, p, style.layers));
        style.hovered = hovered;
        self.out.cluster_clicked = None;
        if response.clicked() {
            let at = response.interact_pointer_pos().or(hover_pos);
            match at {
                Some(p) if on_cluster(p) => self.out.cluster_clicked = Some(p),
                _ => self.out.clicked = Some(at.and_then(|p| pick_at(self.data, &t, p, style.layers))),
            }
        }
        let view = t.visible_lon_lat(16.0);
        // With everything in view the index has nothing to cull.
        let all_in_view = self.data.bbox.is_some_and(|b| {
            view.min().x <= b.min().x
                && view.min().y <= b.min().y
                && view.max().x >= b.max().x
                && view.max().y >= b.max().y
        });
        let visible: Vec<usize> =
            if all_in_view { (0..self.data.dataset.sites.len()).collect() } else { self.data.index.in_rect(view) };
        let mut frame = build_site_shapes(&self.data.dataset.sites, &self.data.geoms, &visible, &t, &style);
        let painter = ui.painter().with_clip_rect(t.rect);
        match frame.gpu.take() {
            Some(gpu) => {
                let mut shapes = std::mem::take(&mut frame.shapes);
                let after = shapes.split_off(frame.gpu_at.min(shapes.len()));
                painter.extend(shapes);
                let callback = SitesCallback { scene: self.data.dense.clone(), frame: gpu, transform: t };
                painter.add(eframe::egui_wgpu::Callback::new_paint_callback(t.rect, callback));
                painter.extend(after);
            }
            None => painter.extend(std::mem::take(&mut frame.shapes)),
        }
        for c in &frame.clusters {
            paint_cluster(&painter, c);
        }
        self.obstacles.borrow_mut().extend(
            frame.clusters.iter().map(|c| egui::Rect::from_center_size(c.at, egui::Vec2::splat(2.0 * c.radius))),
        );
        self.out.clusters = frame.clusters;
        self.out.transform = Some(t);
        self.out.hovered = hovered;
        self.labels.borrow_mut().extend(frame.labels);
        self.out.drawn_per_layer = frame.drawn_per_layer;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::data::MapData;
    use binzhou_core::model::{Dataset, LayerKey, Origin, PlanLayer};
    use egui::{Rect, pos2, vec2};
    use geo::{Geometry, polygon};

    fn site(id: &str, g: Geometry<f64>, plan_year: i32) -> Site {
        let mut s = Site::new(id, id, LayerKey::Plan(PlanLayer::PocketPark), g, Origin { file: 0, index: 0 });
        s.plan_year = Some(plan_year);
        s
    }

    fn data() -> MapData {
        let big = polygon![(x: 118.0, y: 37.38), (x: 118.01, y: 37.38), (x: 118.01, y: 37.39), (x: 118.0, y: 37.39)];
        let tiny = polygon![(x: 118.02, y: 37.38), (x: 118.02001, y: 37.38), (x: 118.02001, y: 37.38001)];
        let ds = Dataset {
            sites: vec![
                site("big", Geometry::Polygon(big), 2020),
                site("tiny", Geometry::Polygon(tiny), 2021),
                site("pt", Geometry::Point(geo::Point::new(118.005, 37.385)), 2022),
            ],
            ..Default::default()
        };
        MapData::build(ds)
    }

    fn layers(data: &MapData, visible: bool) -> Vec<LayerLook> {
        data.layers
            .iter()
            .map(|l| LayerLook {
                checkable: true,
                visible,
                opacity: 1.0,
                colour: Color32::RED,
                symbol: Symbol::of(&l.key),
            })
            .collect()
    }

    #[test]
    fn every_visible_site_is_drawn_and_a_tiny_polygon_becomes_a_marker() {
        let d = data();
        let looks = d.looks(binzhou_core::model::YearView::EndOf(2021));
        let layers = layers(&d, true);
        let style = DrawStyle {
            looks: &looks,
            layers: &layers,
            colour_by: ColourBy::Status,
            selected: Some(1),
            hovered: None,
            show_changes: true,
            labels: true,
            checks: &[],
            gpu: false,
        };
        let t = ScreenTransform::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0)), 118.01, 37.385, 14.0);
        let f = build_site_shapes(&d.dataset.sites, &d.geoms, &[0, 1, 2], &t, &style);
        assert_eq!(f.drawn(), 3);
        assert!(f.shapes.iter().any(|s| matches!(s, Shape::Mesh(_))));
        // The tiny one is selected: its marker ring and its label are there.
        assert!(f.labels.iter().any(|l| &*l.text == "tiny" && l.kind == LabelKind::Selected));
    }

    #[test]
    fn a_hidden_layer_draws_nothing() {
        let d = data();
        let looks = d.looks(binzhou_core::model::YearView::Latest);
        let layers = layers(&d, false);
        let style = DrawStyle {
            looks: &looks,
            layers: &layers,
            colour_by: ColourBy::Layer,
            selected: None,
            hovered: None,
            show_changes: false,
            labels: false,
            checks: &[],
            gpu: false,
        };
        let t = ScreenTransform::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0)), 118.01, 37.385, 14.0);
        let f = build_site_shapes(&d.dataset.sites, &d.geoms, &[0, 1, 2], &t, &style);
        assert_eq!(f.drawn(), 0);
        assert!(f.shapes.is_empty());
    }

    #[test]
    fn picking_finds_the_point_under_the_cursor_and_ignores_hidden_layers() {
        let d = data();
        let t = ScreenTransform::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0)), 118.01, 37.385, 14.0);
        let at = t.lon_lat_to_screen(118.005, 37.385) + vec2(2.0, 0.0);
        assert_eq!(pick_at(&d, &t, at, &layers(&d, true)), Some(2));
        assert_eq!(pick_at(&d, &t, at, &layers(&d, false)), None);
    }

    #[test]
    fn a_dense_overview_tessellates_to_a_few_indices_per_site() {
        // 30 000 small parks, points and roads over the main city, at an overview zoom.
        let sites: Vec<Site> = (0..30_000)
            .map(|k| {
                let (x, y) = (117.9 + (k % 200) as f64 * 0.001, 37.3 + (k / 200) as f64 * 0.001);
                let g = match k % 3 {
                    0 => {
                        Geometry::Polygon(polygon![(x: x, y: y), (x: x + 0.0002, y: y), (x: x + 0.0002, y: y + 0.0002)])
                    }
                    1 => Geometry::Point(geo::Point::new(x, y)),
                    _ => Geometry::LineString(vec![(x, y), (x + 0.01, y), (x + 0.01, y + 0.01)].into()),
                };
                site(&format!("s{k}"), g, 2021)
            })
            .collect();
        let d = MapData::build(Dataset { sites, ..Default::default() });
        let looks = d.looks(binzhou_core::model::YearView::EndOf(2021));
        let layers = layers(&d, true);
        let style = DrawStyle {
            looks: &looks,
            layers: &layers,
            colour_by: ColourBy::Status,
            selected: None,
            hovered: None,
            show_changes: true,
            labels: false,
            checks: &[],
            gpu: false,
        };
        let t = ScreenTransform::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(1200.0, 800.0)), 118.0, 37.375, 11.0);
        let visible: Vec<usize> = (0..d.dataset.sites.len()).collect();
        let f = build_site_shapes(&d.dataset.sites, &d.geoms, &visible, &t, &style);
        assert_eq!(f.drawn(), 30_000);
        let mut tess =
            egui::epaint::Tessellator::new(1.0, egui::epaint::TessellationOptions::default(), [1, 1], Vec::new());
        let mut indices = 0;
        for shape in f.shapes {
            let mut mesh = Mesh::default();
            tess.tessellate_shape(shape, &mut mesh);
            indices += mesh.indices.len();
        }
        // A square or a road segment is 6 indices and its change mark another
        // 6; anti-aliased circles and strokes cost hundreds a site, which at
        // 100k sites overflows the GPU's largest buffer.
        assert!(indices <= 20 * 30_000, "{indices} indices for 30 000 sites");
    }

    #[test]
    fn a_dense_view_for_the_gpu_says_how_each_site_shows_and_builds_no_meshes() {
        // 24 000 sites at zoom 15 (no clusters): big parks drawn whole, tiny ones as markers.
        let sites: Vec<Site> = (0..24_000)
            .map(|k| {
                let (x, y) = (117.95 + (k % 200) as f64 * 0.0005, 37.35 + (k / 200) as f64 * 0.0005);
                let s = if k % 2 == 0 { 0.0004 } else { 0.00001 };
                site(
                    &format!("s{k}"),
                    Geometry::Polygon(polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s)]),
                    2021,
                )
            })
            .collect();
        let d = MapData::build(Dataset { sites, ..Default::default() });
        let looks = d.looks(binzhou_core::model::YearView::EndOf(2021));
        let layers = layers(&d, true);
        let mut style = DrawStyle {
            looks: &looks,
            layers: &layers,
            colour_by: ColourBy::Status,
            selected: None,
            hovered: None,
            show_changes: false,
            labels: false,
            checks: &[],
            gpu: true,
        };
        let t = ScreenTransform::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(4000.0, 4000.0)), 118.0, 37.38, 15.0);
        let visible: Vec<usize> = (0..d.dataset.sites.len()).collect();
        let f = build_site_shapes(&d.dataset.sites, &d.geoms, &visible, &t, &style);
        assert_eq!(f.drawn(), 24_000);
        assert!(f.shapes.iter().all(|s| !matches!(s, Shape::Mesh(_))), "no meshes beside the GPU's drawing");
        let gpu = f.gpu.expect("a dense view goes to the GPU");
        assert_eq!(gpu.states.len(), 24_000);
        for (k, &s) in gpu.states.iter().enumerate() {
            assert_eq!(s & 3, if k % 2 == 0 { MODE_FULL } else { MODE_DOT }, "site {k}");
        }
        // Each state's palette entry holds the colours the meshes would use.
        let entry = (gpu.states[0] >> 16) as usize;
        let slot = d.looks_layer(0).expect("a layer");
        assert_eq!(entry / SLOTS, slot);
        assert_eq!(gpu.palette[entry * 4], rgba(site_colour(&style, 0)));
        // A hidden layer's sites are not drawn; a sparse view draws meshes.
        let hidden = self::layers(&d, false);
        style.layers = &hidden;
        let f = build_site_shapes(&d.dataset.sites, &d.geoms, &visible, &t, &style);
        assert!(f.gpu.expect("still dense").states.iter().all(|&s| s & 3 == 0));
        style.layers = &layers;
        let f = build_site_shapes(&d.dataset.sites, &d.geoms, &visible[..100], &t, &style);
        assert!(f.gpu.is_none() && f.shapes.iter().any(|s| matches!(s, Shape::Mesh(_))));
    }

    #[test]
    fn a_thin_line_shares_its_joints_and_keeps_its_width_round_a_corner() {
        let mut m = Mesh::default();
        // Straight on, then a right angle, then straight back on itself.
        let pts = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 10.0), pos2(10.0, 0.0)];
        thin_line(&mut m, &pts, 2.0, Color32::RED);
        assert_eq!(m.vertices.len(), 2 * pts.len(), "two vertices a point");
        assert_eq!(m.indices.len(), 6 * (pts.len() - 1), "two triangles a segment");
        assert!(m.vertices.iter().all(|v| v.pos.x.is_finite() && v.pos.y.is_finite()));
        // The ends are a half width from the line, across it.
        assert_eq!(m.vertices[0].pos, pos2(0.0, 1.0));
        assert_eq!(m.vertices[1].pos, pos2(0.0, -1.0));
        // The corner's mitre: a half width from both legs, √2 from the corner.
        let corner = m.vertices[2].pos.distance(pos2(10.0, 0.0));
        assert!((corner - 2f32.sqrt()).abs() < 1e-4, "{corner}");
        // A repeated point is dropped, not turned into a zero-length segment.
        let mut m = Mesh::default();
        thin_line(&mut m, &[pos2(0.0, 0.0), pos2(0.0, 0.0), pos2(5.0, 0.0)], 1.0, Color32::RED);
        assert_eq!((m.vertices.len(), m.indices.len()), (4, 6));
        let mut m = Mesh::default();
        thin_line(&mut m, &[pos2(3.0, 3.0)], 1.0, Color32::RED);
        assert!(m.is_empty(), "one point draws nothing");
    }

    #[test]
    fn a_dense_view_skips_the_wiggles_a_sparse_view_keeps() {
        // A road of 2 001 vertices a metre or so apart, zigzagging.
        let road: Vec<(f64, f64)> =
            (0..=2000).map(|k| (118.0 + k as f64 * 1e-5, 37.4 + if k % 2 == 0 { 0.0 } else { 1e-5 })).collect();
        let sites = vec![site("road", Geometry::LineString(road.into()), 2021)];
        let d = MapData::build(Dataset { sites, ..Default::default() });
        let g = d.geoms.get(0).expect("drawn");
        let t = ScreenTransform::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(1200.0, 800.0)), 118.01, 37.4, 16.0);
        let run = 0..g.coords.len() as u32;
        let sparse = screen_run(&t, g, &run, false, 1.0).len();
        let dense = screen_run(&t, g, &run, false, DENSE_SPACING_PX);
        // 0.02° of longitude is about 950 px at zoom 16, a vertex every half
        // pixel: the sparse view keeps one every pixel or so (with the
        // zigzag), the dense one one every two.
        assert!(sparse > 600 && dense.len() < sparse * 2 / 3, "sparse {sparse}, dense {}", dense.len());
        assert_eq!(dense.last(), Some(&t.to_screen(g.coords[2000])), "the end is kept");
    }

    #[test]
    fn clusters_whose_symbols_overlap_become_one_with_all_their_sites() {
        let c =
            |x: f32, n: usize| Cluster { at: pos2(x, 100.0), counts: [n, 0, 0, 0, 0, 0], radius: cluster_radius(n) };
        let merged = merge_overlapping(vec![c(100.0, 10), c(120.0, 30), c(400.0, 4)]);
        assert_eq!(merged.len(), 2, "{merged:?}");
        let big = merged.iter().find(|m| m.total() == 40).expect("the two near ones merged");
        assert!((big.at.x - 115.0).abs() < 1e-3, "at the weighted centre: {:?}", big.at);
        assert!(merged.iter().any(|m| m.total() == 4), "the far one stays");
    }
}
