//! Map labels placed greedily: the most important first, each only where it
//! overlaps nothing placed before it.

use std::collections::HashMap;
use std::sync::Arc;

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2, vec2};

/// Occupied screen rectangles, bucketed in a grid so a test is cheap.
#[derive(Debug)]
pub struct Collisions {
    cell: f32,
    rects: Vec<Rect>,
    grid: HashMap<(i32, i32), Vec<u32>>,
}

impl Default for Collisions {
    fn default() -> Self {
        Collisions::new(64.0)
    }
}

impl Collisions {
    /// An empty set with grid cells of `cell` pixels.
    pub fn new(cell: f32) -> Self {
        Collisions { cell: cell.max(1.0), rects: Vec::new(), grid: HashMap::new() }
    }

    fn cells(&self, r: Rect) -> impl Iterator<Item = (i32, i32)> + use<> {
        let c = self.cell;
        let (x0, y0) = ((r.min.x / c).floor() as i32, (r.min.y / c).floor() as i32);
        let (x1, y1) = ((r.max.x / c).floor() as i32, (r.max.y / c).floor() as i32);
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }

    /// Whether `r` overlaps anything taken.
    pub fn overlaps(&self, r: Rect) -> bool {
        self.cells(r)
            .any(|cell| self.grid.get(&cell).is_some_and(|v| v.iter().any(|&i| self.rects[i as usize].intersects(r))))
    }

    /// Takes `r` whatever it overlaps.
    pub fn take(&mut self, r: Rect) {
        let i = self.rects.len() as u32;
        self.rects.push(r);
        for cell in self.cells(r).collect::<Vec<_>>() {
            self.grid.entry(cell).or_default().push(i);
        }
    }

    /// Takes `r` if it overlaps nothing; says whether it did.
    pub fn try_take(&mut self, r: Rect) -> bool {
        if !r.is_finite() || self.overlaps(r) {
            return false;
        }
        self.take(r);
        true
    }

    /// How many rectangles are taken.
    pub fn len(&self) -> usize {
        self.rects.len()
    }

    /// Whether nothing is taken.
    pub fn is_empty(&self) -> bool {
        self.rects.is_empty()
    }
}

/// The look of a kind of label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabelKind {
    /// A plan site's name.
    Site,
    /// The selected site's name.
    Selected,
    /// A road name.
    Road,
    /// A district or city name.
    District,
    /// A named place.
    Place,
    /// A river or wetland name.
    Water,
}

impl LabelKind {
    fn font(self) -> FontId {
        match self {
            LabelKind::Site | LabelKind::Road | LabelKind::Place => FontId::proportional(12.0),
            LabelKind::Selected => FontId::proportional(13.5),
            LabelKind::District => FontId::proportional(16.0),
            LabelKind::Water => FontId::proportional(13.0),
        }
    }

    fn colours(self) -> (Color32, Option<Color32>) {
        match self {
            // Haloed text, not a box: many names must not turn into a wall of boxes.
            LabelKind::Site => (Color32::from_rgb(30, 30, 30), None),
            LabelKind::Selected => (Color32::WHITE, Some(Color32::from_rgb(0, 120, 200))),
            LabelKind::Road => (Color32::from_rgb(90, 90, 90), None),
            LabelKind::District => (Color32::from_rgb(70, 60, 80), None),
            LabelKind::Place => (Color32::from_rgb(110, 80, 60), None),
            LabelKind::Water => (Color32::from_rgb(40, 100, 160), None),
        }
    }
}

/// A label that wants a place on the map.
#[derive(Clone, Debug)]
pub struct LabelCandidate {
    pub text: Arc<str>,
    /// Where the label's centre goes.
    pub at: Pos2,
    /// Higher goes first.
    pub priority: f32,
    pub kind: LabelKind,
    /// Characters stacked top to bottom (Chinese maps label north-south roads so).
    pub vertical: bool,
}

/// Site names keep this much clear space around them (points, each side).
const SITE_LABEL_MARGIN: Vec2 = vec2(10.0, 6.0);
/// At most one site name per screen cell of this size: the map stays a map.
const SITE_LABEL_CELL: Vec2 = vec2(180.0, 90.0);

/// Places and paints labels, most important first; returns how many were placed.
///
/// `taken` may already hold rectangles that labels must avoid. Site names
/// also keep a margin from every other label and are thinned to one per
/// screen cell, so the most important names show and the rest wait for a
/// closer zoom.
pub fn place_and_paint(painter: &Painter, mut labels: Vec<LabelCandidate>, taken: &mut Collisions) -> usize {
    labels.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    let clip = painter.clip_rect();
    let mut placed = 0;
    let mut site_cells: std::collections::HashSet<(i32, i32)> = std::collections::HashSet::new();
    for l in labels {
        if !clip.contains(l.at) {
            continue;
        }
        let site = l.kind == LabelKind::Site;
        let cell = ((l.at.x / SITE_LABEL_CELL.x).floor() as i32, (l.at.y / SITE_LABEL_CELL.y).floor() as i32);
        if site && site_cells.contains(&cell) {
            continue;
        }
        let (colour, background) = l.kind.colours();
        let text = if l.vertical {
            l.text.chars().map(String::from).collect::<Vec<_>>().join("\n")
        } else {
            l.text.to_string()
        };
        let galley = painter.layout_no_wrap(text, l.kind.font(), colour);
        let pad = if background.is_some() { vec2(4.0, 2.0) } else { vec2(1.0, 1.0) };
        let size = galley.size() + 2.0 * pad;
        // Where it would go: on its point, else just above or below it (a
        // county's name beside the cluster of its sites, not under it).
        let inner = clip.shrink(2.0);
        let slide = |r: Rect| {
            // A label near the edge slides inside rather than disappearing.
            r.translate(egui::vec2(
                (inner.left() - r.left()).max(0.0) + (inner.right() - r.right()).min(0.0),
                (inner.top() - r.top()).max(0.0) + (inner.bottom() - r.bottom()).min(0.0),
            ))
        };
        let shifts: &[f32] = if site || l.kind == LabelKind::Selected { &[0.0] } else { &[0.0, -1.0, 1.0] };
        let placed_at = shifts.iter().find_map(|&k| {
            let rect = slide(Align2::CENTER_CENTER.anchor_size(l.at, size));
            let rect = rect.translate(vec2(0.0, k * (size.y + 22.0)));
            let claim = if site { rect.expand2(SITE_LABEL_MARGIN) } else { rect };
            (clip.contains_rect(rect) && !taken.overlaps(claim) && taken.try_take(rect)).then_some(rect)
        });
        let Some(rect) = placed_at else { continue };
        if site {
            site_cells.insert(cell);
        }
        match background {
            Some(bg) => {
                painter.add(Shape::rect_filled(rect, 3.0, bg));
            }
            None => {
                // A soft halo: the text drawn in white around itself.
                let halo = painter.layout_no_wrap(galley.text().to_owned(), l.kind.font(), halo_colour());
                for d in [vec2(-1.0, 0.0), vec2(1.0, 0.0), vec2(0.0, -1.0), vec2(0.0, 1.0)] {
                    painter.galley(rect.min + pad + d, halo.clone(), halo_colour());
                }
            }
        }
        if l.kind == LabelKind::Selected {
            painter.rect_stroke(rect, 3.0, Stroke::new(1.0, Color32::WHITE), egui::StrokeKind::Outside);
        }
        painter.galley(rect.min + pad, galley, colour);
        placed += 1;
    }
    placed
}

fn halo_colour() -> Color32 {
    Color32::from_rgba_unmultiplied(255, 255, 255, 200)
}

/// A rectangle of `size` centred at `at` (for tests and callers that lay out themselves).
pub fn centred(at: Pos2, size: Vec2) -> Rect {
    Rect::from_center_size(at, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn a_label_over_a_placed_one_is_refused_and_a_clear_one_accepted() {
        let mut c = Collisions::new(32.0);
        assert!(c.try_take(centred(pos2(100.0, 100.0), vec2(80.0, 16.0))));
        assert!(!c.try_take(centred(pos2(130.0, 105.0), vec2(80.0, 16.0))));
        assert!(c.try_take(centred(pos2(100.0, 130.0), vec2(80.0, 16.0))));
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn a_large_rectangle_collides_across_many_cells() {
        let mut c = Collisions::new(10.0);
        c.take(Rect::from_min_max(pos2(0.0, 0.0), pos2(500.0, 20.0)));
        assert!(c.overlaps(centred(pos2(480.0, 10.0), vec2(4.0, 4.0))));
        assert!(!c.overlaps(centred(pos2(480.0, 40.0), vec2(4.0, 4.0))));
    }

    #[test]
    fn a_non_finite_rectangle_is_never_taken() {
        let mut c = Collisions::default();
        assert!(!c.try_take(centred(pos2(f32::NAN, 0.0), vec2(4.0, 4.0))));
    }
}
