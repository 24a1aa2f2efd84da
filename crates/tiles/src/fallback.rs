//! Drawing a missing tile from a shallower one.
//!
//! When the tile for the current zoom is not (yet) available — not in the
//! offline package, not downloaded, or beyond the source's deepest zoom —
//! the nearest ancestor that is available covers the same ground at a lower
//! resolution. [`find_fallback`] finds it and the part of its image (a UV
//! rectangle, 0..1 from the top-left) that lies over the wanted tile, so the
//! map can draw that part stretched instead of a blank square.

use super::coord::TileCoord;

/// A sub-rectangle of a tile image in texture coordinates: `u` from left
/// (0) to right (1), `v` from top (0) to bottom (1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UvRect {
    /// Left edge.
    pub min_u: f32,
    /// Top edge.
    pub min_v: f32,
    /// Right edge.
    pub max_u: f32,
    /// Bottom edge.
    pub max_v: f32,
}

impl UvRect {
    /// The whole image.
    pub const FULL: UvRect = UvRect { min_u: 0.0, min_v: 0.0, max_u: 1.0, max_v: 1.0 };

    /// Width (= height) as a fraction of the image.
    pub fn size(&self) -> f32 {
        self.max_u - self.min_u
    }
}

/// Where to draw a tile from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fallback {
    /// The tile whose image to use (the wanted tile itself, or an ancestor).
    pub tile: TileCoord,
    /// The part of that image that covers the wanted tile.
    pub uv: UvRect,
    /// How many zoom levels up `tile` is (0 = the wanted tile itself).
    pub levels_up: u8,
}

/// The ancestor of `tile` at zoom `ancestor_zoom` and the part of it that
/// covers `tile`. `None` if `ancestor_zoom` is deeper than `tile`.
pub fn ancestor_piece(tile: TileCoord, ancestor_zoom: u8) -> Option<Fallback> {
    let levels_up = tile.z.checked_sub(ancestor_zoom)?;
    let ancestor = TileCoord { z: ancestor_zoom, x: tile.x >> levels_up, y: tile.y >> levels_up };
    // Position of the tile inside its ancestor, in units of the tile.
    let within = (1u32 << levels_up) as f32;
    let dx = (tile.x - (ancestor.x << levels_up)) as f32;
    let dy = (tile.y - (ancestor.y << levels_up)) as f32;
    let uv = UvRect { min_u: dx / within, min_v: dy / within, max_u: (dx + 1.0) / within, max_v: (dy + 1.0) / within };
    Some(Fallback { tile: ancestor, uv, levels_up })
}

/// The nearest available stand-in for `tile`: the tile itself if
/// `available` says so, otherwise its parent, grandparent, … down to zoom
/// `min_zoom`. `None` when none of them is available (or `tile` is off the grid).
///
/// `available` is asked at most once per zoom level, deepest first, so it can
/// be a cache lookup done every frame.
pub fn find_fallback(tile: TileCoord, min_zoom: u8, mut available: impl FnMut(TileCoord) -> bool) -> Option<Fallback> {
    if !tile.is_valid() {
        return None;
    }
    (min_zoom..=tile.z).rev().filter_map(|z| ancestor_piece(tile, z)).find(|piece| available(piece.tile))
}

/// The tile to request when the map wants `tile` but the source stops at
/// `max_zoom` (over-zooming): the ancestor at `max_zoom` and its part.
pub fn overzoom(tile: TileCoord, max_zoom: u8) -> Fallback {
    ancestor_piece(tile, max_zoom.min(tile.z)).unwrap_or(Fallback { tile, uv: UvRect::FULL, levels_up: 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(z: u8, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    #[test]
    fn a_z12_tile_comes_from_the_right_quarter_of_a_quarter_of_its_z10_ancestor() {
        // 3390 = 847*4 + 2, 1589 = 397*4 + 1: third column, second row of
        // the 4×4 grid the z10 tile splits into at z12.
        let piece = ancestor_piece(t(12, 3390, 1589), 10).unwrap();
        assert_eq!(piece.tile, t(10, 847, 397));
        assert_eq!(piece.levels_up, 2);
        assert_eq!(piece.uv, UvRect { min_u: 0.5, min_v: 0.25, max_u: 0.75, max_v: 0.5 });
        assert_eq!(piece.uv.size(), 0.25);
    }

    #[test]
    fn an_available_tile_is_its_own_fallback_with_the_whole_image() {
        let f = find_fallback(t(5, 26, 12), 0, |_| true).unwrap();
        assert_eq!(f.tile, t(5, 26, 12));
        assert_eq!(f.uv, UvRect::FULL);
        assert_eq!(f.levels_up, 0);
    }

    #[test]
    fn the_nearest_available_ancestor_is_chosen() {
        let wanted = t(14, 13563, 6355);
        let mut asked = Vec::new();
        let f = find_fallback(wanted, 0, |c| {
            asked.push(c.z);
            c.z == 11 || c.z == 8
        })
        .unwrap();
        assert_eq!(f.tile.z, 11);
        assert_eq!(f.tile, t(11, 13563 / 8, 6355 / 8));
        assert_eq!(asked, vec![14, 13, 12, 11]);
    }

    #[test]
    fn nothing_available_above_the_minimum_zoom_gives_none() {
        let mut asked = Vec::new();
        assert_eq!(
            find_fallback(t(9, 400, 200), 6, |c| {
                asked.push(c.z);
                c.z < 6
            }),
            None
        );
        assert_eq!(asked, vec![9, 8, 7, 6]);
        assert_eq!(find_fallback(TileCoord { z: 1, x: 5, y: 0 }, 0, |_| true), None);
    }

    #[test]
    fn the_pieces_of_all_children_tile_their_parent_exactly() {
        let parent = t(6, 52, 24);
        let mut area = 0.0;
        for dy in 0..4 {
            for dx in 0..4 {
                let child = t(8, parent.x * 4 + dx, parent.y * 4 + dy);
                let p = ancestor_piece(child, 6).unwrap();
                assert_eq!(p.tile, parent);
                assert_eq!(p.uv.min_u, dx as f32 / 4.0);
                assert_eq!(p.uv.min_v, dy as f32 / 4.0);
                area += p.uv.size() * p.uv.size();
            }
        }
        assert_eq!(area, 1.0);
    }

    #[test]
    fn tiles_beyond_the_deepest_zoom_are_drawn_from_it() {
        let f = overzoom(t(20, 868_020, 406_770), 18);
        assert_eq!(f.tile, t(18, 217_005, 101_692));
        assert_eq!(f.levels_up, 2);
        assert_eq!(f.uv.min_v, 0.5);
        assert_eq!(overzoom(t(3, 1, 1), 18).uv, UvRect::FULL);
    }
}
