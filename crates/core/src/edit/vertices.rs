//! A geometry as vertices to move, insert and delete: every kind (points,
//! lines, polygons with holes, their multi forms) as parts of rings, so
//! the vertex tool treats them all alike, and the rules that keep the
//! result a geometry (a line keeps 2 vertices, a ring 3).

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};

use crate::model::Msg;

/// Which vertex: part (a polygon of a multipolygon, a line of a
/// multiline), ring (0 = outer, then holes; always 0 for lines and
/// points), and position in the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VertexRef {
    /// The part.
    pub part: usize,
    /// The ring of the part.
    pub ring: usize,
    /// The vertex of the ring.
    pub index: usize,
}

/// What kind of geometry the vertices make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Points (each part one vertex).
    Points,
    /// Lines (each part one open ring).
    Lines,
    /// Polygons (each part closed rings: outer, then holes).
    Polygons,
}

/// A geometry's vertices. Closed rings are held without their repeated
/// last vertex.
#[derive(Clone, Debug, PartialEq)]
pub struct Vertices {
    /// The kind.
    pub shape: Shape,
    /// Whether it was a multi geometry (and so stays one).
    pub multi: bool,
    /// Parts → rings → vertices (WGS84 lon/lat).
    pub parts: Vec<Vec<Vec<Coord<f64>>>>,
}

/// Why a vertex edit was refused.
pub fn too_few(shape: Shape) -> Msg {
    match shape {
        Shape::Lines => Msg::new("a line needs at least 2 vertices", "线至少需要 2 个顶点"),
        Shape::Polygons => Msg::new("a polygon ring needs at least 3 vertices", "面的每个环至少需要 3 个顶点"),
        Shape::Points => Msg::new("a point cannot lose its only vertex", "点不能删除唯一的顶点"),
    }
}

fn open_ring(ls: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut v = ls.0.clone();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    v
}

fn polygon_rings(p: &Polygon<f64>) -> Vec<Vec<Coord<f64>>> {
    std::iter::once(p.exterior()).chain(p.interiors()).map(open_ring).collect()
}

impl Vertices {
    /// The vertices of a geometry; `None` for kinds the tool does not edit
    /// (collections, rectangles, triangles).
    pub fn of(g: &Geometry<f64>) -> Option<Self> {
        let (shape, multi, parts) = match g {
            Geometry::Point(p) => (Shape::Points, false, vec![vec![vec![p.0]]]),
            Geometry::MultiPoint(m) => (Shape::Points, true, m.0.iter().map(|p| vec![vec![p.0]]).collect()),
            Geometry::LineString(l) => (Shape::Lines, false, vec![vec![l.0.clone()]]),
            Geometry::MultiLineString(m) => (Shape::Lines, true, m.0.iter().map(|l| vec![l.0.clone()]).collect()),
            Geometry::Polygon(p) => (Shape::Polygons, false, vec![polygon_rings(p)]),
            Geometry::MultiPolygon(m) => (Shape::Polygons, true, m.0.iter().map(polygon_rings).collect()),
            _ => return None,
        };
        Some(Vertices { shape, multi, parts })
    }

    /// Back to a geometry (rings closed again).
    pub fn geometry(&self) -> Geometry<f64> {
        let close = |r: &Vec<Coord<f64>>| {
            let mut v = r.clone();
            if let Some(&f) = v.first() {
                v.push(f);
            }
            LineString(v)
        };
        let polygon = |rings: &Vec<Vec<Coord<f64>>>| {
            let mut it = rings.iter();
            let outer = it.next().map(close).unwrap_or_else(|| LineString(Vec::new()));
            Polygon::new(outer, it.map(close).collect())
        };
        match (self.shape, self.multi) {
            (Shape::Points, false) => Geometry::Point(Point(self.parts[0][0][0])),
            (Shape::Points, true) => {
                Geometry::MultiPoint(MultiPoint(self.parts.iter().map(|p| Point(p[0][0])).collect()))
            }
            (Shape::Lines, false) => Geometry::LineString(LineString(self.parts[0][0].clone())),
            (Shape::Lines, true) => Geometry::MultiLineString(MultiLineString(
                self.parts.iter().map(|p| LineString(p[0].clone())).collect(),
            )),
            (Shape::Polygons, false) => Geometry::Polygon(polygon(&self.parts[0])),
            (Shape::Polygons, true) => Geometry::MultiPolygon(MultiPolygon(self.parts.iter().map(polygon).collect())),
        }
    }

    /// Every vertex with where it is.
    pub fn iter(&self) -> impl Iterator<Item = (VertexRef, Coord<f64>)> + '_ {
        self.parts.iter().enumerate().flat_map(|(part, rings)| {
            rings.iter().enumerate().flat_map(move |(ring, vs)| {
                vs.iter().enumerate().map(move |(index, &c)| (VertexRef { part, ring, index }, c))
            })
        })
    }

    /// The segments one could insert a vertex into: (the vertex the new one
    /// goes after, the segment's two ends). Closed rings include the
    /// closing segment.
    pub fn segments(&self) -> Vec<(VertexRef, Coord<f64>, Coord<f64>)> {
        let mut out = Vec::new();
        if self.shape == Shape::Points {
            return out;
        }
        for (part, rings) in self.parts.iter().enumerate() {
            for (ring, vs) in rings.iter().enumerate() {
                let n = vs.len();
                let count = if self.shape == Shape::Polygons { n } else { n.saturating_sub(1) };
                for index in 0..count {
                    out.push((VertexRef { part, ring, index }, vs[index], vs[(index + 1) % n]));
                }
            }
        }
        out
    }

    fn ring_mut(&mut self, v: VertexRef) -> Option<&mut Vec<Coord<f64>>> {
        self.parts.get_mut(v.part)?.get_mut(v.ring)
    }

    /// Moves a vertex.
    pub fn move_to(&mut self, v: VertexRef, to: Coord<f64>) -> bool {
        match self.ring_mut(v).and_then(|r| r.get_mut(v.index)) {
            Some(c) => {
                *c = to;
                true
            }
            None => false,
        }
    }

    /// Inserts a vertex after `after` (on the segment that starts there).
    pub fn insert_after(&mut self, after: VertexRef, at: Coord<f64>) -> Option<VertexRef> {
        if self.shape == Shape::Points {
            return None;
        }
        let r = self.ring_mut(after)?;
        if after.index >= r.len() {
            return None;
        }
        r.insert(after.index + 1, at);
        Some(VertexRef { index: after.index + 1, ..after })
    }

    /// Deletes a vertex, unless the line or ring would be left with too few.
    pub fn delete(&mut self, v: VertexRef) -> Result<(), Msg> {
        let min = match self.shape {
            Shape::Points => usize::MAX,
            Shape::Lines => 2,
            Shape::Polygons => 3,
        };
        let shape = self.shape;
        let r = self.ring_mut(v).ok_or_else(|| too_few(shape))?;
        if r.len() <= min || v.index >= r.len() {
            return Err(too_few(shape));
        }
        r.remove(v.index);
        Ok(())
    }

    /// What is wrong with the result, if anything: too few vertices, or a
    /// polygon that crosses itself (the loader's own check).
    pub fn problem(&self) -> Option<Msg> {
        let min = match self.shape {
            Shape::Points => 1,
            Shape::Lines => 2,
            Shape::Polygons => 3,
        };
        if self.parts.iter().flatten().any(|r| r.len() < min) {
            return Some(too_few(self.shape));
        }
        crate::model::validity::invalidity_in_both(&self.geometry())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn square_with_hole() -> Geometry<f64> {
        Geometry::Polygon(polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0), (x: 4.0, y: 6.0), (x: 4.0, y: 4.0)]],
        ))
    }

    #[test]
    fn a_polygon_with_a_hole_round_trips_through_its_vertices() {
        let g = square_with_hole();
        let v = Vertices::of(&g).unwrap();
        assert_eq!(v.parts[0].len(), 2, "outer ring and one hole");
        assert_eq!(v.parts[0][0].len(), 4, "rings held without the closing vertex");
        assert_eq!(v.geometry(), g);
        assert_eq!(v.segments().len(), 8, "closed rings have their closing segment");
    }

    #[test]
    fn vertices_of_the_hole_move_insert_and_delete_and_the_ring_keeps_three() {
        let mut v = Vertices::of(&square_with_hole()).unwrap();
        let hole = VertexRef { part: 0, ring: 1, index: 0 };
        assert!(v.move_to(hole, coord! { x: 3.0, y: 3.0 }));
        let added = v.insert_after(hole, coord! { x: 4.5, y: 3.0 }).unwrap();
        assert_eq!(added.index, 1);
        assert_eq!(v.parts[0][1].len(), 5);
        assert!(v.problem().is_none());
        v.delete(added).unwrap();
        v.delete(VertexRef { part: 0, ring: 1, index: 0 }).unwrap();
        assert_eq!(v.parts[0][1].len(), 3);
        let e = v.delete(VertexRef { part: 0, ring: 1, index: 0 }).unwrap_err();
        assert!(e.zh.contains("至少需要 3 个顶点"));
    }

    #[test]
    fn a_vertex_dragged_across_makes_a_self_intersection_that_is_named() {
        let mut v = Vertices::of(&square_with_hole()).unwrap();
        // The outer ring's corner pulled across the opposite edge: a bow tie.
        v.move_to(VertexRef { part: 0, ring: 0, index: 1 }, coord! { x: 0.0, y: 12.0 });
        let why = v.problem().expect("invalid");
        assert!(!why.en.is_empty() && !why.zh.is_empty());
    }

    #[test]
    fn a_line_keeps_two_vertices_and_a_point_cannot_be_emptied() {
        let mut v = Vertices::of(&Geometry::LineString(LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]))).unwrap();
        assert!(v.delete(VertexRef { part: 0, ring: 0, index: 0 }).is_err());
        let mut p = Vertices::of(&Geometry::Point(Point::new(1.0, 2.0))).unwrap();
        assert!(p.delete(VertexRef { part: 0, ring: 0, index: 0 }).is_err());
        assert!(p.insert_after(VertexRef { part: 0, ring: 0, index: 0 }, coord! { x: 0.0, y: 0.0 }).is_none());
        assert_eq!(p.geometry(), Geometry::Point(Point::new(1.0, 2.0)));
    }
}
