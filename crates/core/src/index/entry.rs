//! What the R-tree stores: one box per site, in a frame where box distances
//! are a lower bound of metric distances.
//!
//! The tree frame is `(lon·k, lat)` in degrees, with `k` fixed at build time:
//! the power of two nearest `cos(φ_ref)` at the middle latitude φ_ref of the
//! data. A power of two scales exactly, so boxes in the tree meet exactly when
//! their lon/lat boxes meet, and an entry needs no lon/lat copy of its box. At a query latitude φ the
//! local metric frame is `(Δlon·cos φ, Δlat)·M` (`M` metres per degree), so the
//! metric distance to a box is at least `M·min(1, cos φ / k)` times its
//! distance in the tree frame, axis by axis. [`TreeFrame::lower_bound_m`]
//! applies that factor.

use geo::{Coord, Rect};
use rstar::{AABB, PointDistance, RTreeObject};

use super::metric::{METRES_PER_DEGREE, cos_lat};

/// A site's box in the tree frame and its position in the site slice (a
/// million sites cost 40 MB here).
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) envelope: AABB<[f64; 2]>,
    index: u32,
}

impl Entry {
    pub(super) fn new(index: usize, envelope: AABB<[f64; 2]>) -> Self {
        Entry { envelope, index: u32::try_from(index).expect("at most 4 billion sites") }
    }

    /// The site's position in the slice the index was built over.
    pub(super) fn index(&self) -> usize {
        self.index as usize
    }
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Entry {
    /// Squared distance in the tree frame to the box (0 inside it).
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        self.envelope.distance_2(point)
    }
}

/// The mapping from lon/lat to the tree frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TreeFrame {
    /// Longitudes are multiplied by this: the power of two nearest the cosine
    /// of the reference latitude.
    k: f64,
}

impl TreeFrame {
    /// A frame for data whose latitudes centre on `lat_ref` (degrees).
    pub(super) fn for_latitude(lat_ref: f64) -> Self {
        let cos = if lat_ref.is_finite() { cos_lat(lat_ref).max(1e-3) } else { 1.0 };
        TreeFrame { k: 2f64.powi(cos.log2().round() as i32) }
    }

    /// A lon/lat position in the tree frame.
    pub(super) fn point(&self, c: Coord<f64>) -> [f64; 2] {
        [c.x * self.k, c.y]
    }

    /// A lon/lat box in the tree frame. Scaling by a power of two is exact, so
    /// boxes meet here exactly when they meet in lon/lat.
    pub(super) fn envelope(&self, r: &Rect<f64>) -> AABB<[f64; 2]> {
        AABB::from_corners(self.point(r.min()), self.point(r.max()))
    }

    /// The tree-frame box around a position (lon/lat) that holds everything
    /// within `radius_m` metres of it in the local metric frame.
    pub(super) fn around(&self, at: Coord<f64>, radius_m: f64) -> AABB<[f64; 2]> {
        // A hair of slack so rounding never drops a site right at the radius.
        let dlat = radius_m / METRES_PER_DEGREE * (1.0 + 1e-9) + 1e-12;
        let dlon = dlat / cos_lat(at.y);
        AABB::from_corners(
            self.point(Coord { x: at.x - dlon, y: at.y - dlat }),
            self.point(Coord { x: at.x + dlon, y: at.y + dlat }),
        )
    }

    /// A lower bound, in metres in the local frame around a position at
    /// latitude `lat_deg`, of the distance to anything in a box whose squared
    /// tree-frame distance from that position is `distance_2`.
    pub(super) fn lower_bound_m(&self, lat_deg: f64, distance_2: f64) -> f64 {
        // cos_lat ≥ MIN_COS_LAT and k ≤ 1, so the factor is positive.
        let factor = (cos_lat(lat_deg) / self.k).min(1.0);
        // Shaved a little so rounding can never push the bound past an equal exact distance.
        METRES_PER_DEGREE * factor * distance_2.sqrt() * (1.0 - 1e-9)
    }
}
