//! Tile coordinates on the Web Mercator (XYZ) grid, and lon/lat boxes that
//! cover a range of them.
//!
//! Everything here is plain arithmetic with no I/O, so the prefetch planner,
//! the offline stores and the fallback logic share one idea of which tile
//! lies where. Rows count from the north (XYZ / "slippy map" order); the
//! MBTiles row order (TMS, counted from the south) is derived with
//! [`TileCoord::tms_y`].

use std::fmt;

use binzhou_core::mercator;
use binzhou_core::model::Bilingual;
use serde::{Deserialize, Serialize};

/// The deepest zoom level this module handles. Tile servers stop well before
/// it; it only keeps the arithmetic in range.
pub const MAX_ZOOM: u8 = 24;

/// The northmost (and, negated, southmost) latitude the Web Mercator grid covers.
pub use binzhou_core::mercator::MAX_LAT as MERCATOR_MAX_LAT;

/// One tile of the XYZ grid: zoom `z`, column `x` from the antimeridian
/// eastwards and row `y` from the north.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TileCoord {
    /// Zoom level (0 = one tile for the whole world).
    pub z: u8,
    /// Column, 0 at 180° W.
    pub x: u32,
    /// Row, 0 at the north edge of the grid.
    pub y: u32,
}

impl TileCoord {
    /// The tile, if it lies on the grid of its zoom level.
    pub fn new(z: u8, x: u32, y: u32) -> Option<TileCoord> {
        let tile = TileCoord { z, x, y };
        tile.is_valid().then_some(tile)
    }

    /// Whether the zoom is at most [`MAX_ZOOM`] and the column and row exist
    /// at that zoom.
    pub fn is_valid(&self) -> bool {
        self.z <= MAX_ZOOM && self.x < tiles_per_side(self.z) && self.y < tiles_per_side(self.z)
    }

    /// The tile one zoom level up that contains this one.
    pub fn parent(&self) -> Option<TileCoord> {
        let z = self.z.checked_sub(1)?;
        Some(TileCoord { z, x: self.x / 2, y: self.y / 2 })
    }

    /// The row counted from the south, as MBTiles (TMS) stores it.
    /// Only meaningful for a valid tile.
    pub fn tms_y(&self) -> u32 {
        tiles_per_side(self.z.min(MAX_ZOOM)).saturating_sub(1).saturating_sub(self.y)
    }

    /// The lon/lat box the tile covers.
    pub fn bounds(&self) -> LonLatBox {
        let n = f64::from(tiles_per_side(self.z.min(MAX_ZOOM)));
        let lon = |x: f64| x / n * 360.0 - 180.0;
        let lat = |y: f64| mercator::from_unit([0.0, y / n]).1;
        LonLatBox {
            west: lon(f64::from(self.x)),
            east: lon(f64::from(self.x) + 1.0),
            north: lat(f64::from(self.y)),
            south: lat(f64::from(self.y) + 1.0),
        }
    }
}

impl fmt::Display for TileCoord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// How many tiles make one side of the grid at zoom `z` (`2^z`).
/// Zooms beyond [`MAX_ZOOM`] are treated as [`MAX_ZOOM`].
pub fn tiles_per_side(z: u8) -> u32 {
    1u32 << z.min(MAX_ZOOM)
}

/// The fractional grid position (column, row) of a lon/lat point at zoom `z`.
/// Latitudes beyond the Mercator limit are clamped to it.
pub fn lon_lat_to_grid(lon: f64, lat: f64, z: u8) -> (f64, f64) {
    let n = f64::from(tiles_per_side(z));
    let [x, y] = mercator::to_unit(lon, lat);
    (x * n, y * n)
}

/// A box in WGS84 longitude/latitude degrees (west < east, south < north).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LonLatBox {
    /// Western edge, degrees east.
    pub west: f64,
    /// Southern edge, degrees north.
    pub south: f64,
    /// Eastern edge, degrees east.
    pub east: f64,
    /// Northern edge, degrees north.
    pub north: f64,
}

/// Why a lon/lat box cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoxError {
    /// A corner is not a finite number.
    #[error("the area has a corner that is not a number")]
    NotFinite,
    /// A corner is off the globe.
    #[error("the area lies outside longitude -180..180 / latitude -90..90")]
    OffTheGlobe,
    /// The box has no width or no height.
    #[error("the area is empty (no width or no height)")]
    Empty,
}

impl Bilingual for BoxError {
    /// The same in Chinese.
    fn zh(&self) -> String {
        match self {
            BoxError::NotFinite => "区域有一个角点不是数字".into(),
            BoxError::OffTheGlobe => "区域超出经度 -180..180、纬度 -90..90 的范围".into(),
            BoxError::Empty => "区域为空（没有宽度或高度）".into(),
        }
    }
}

impl LonLatBox {
    /// A box from two opposite corners given in any order (as a drawn box
    /// comes), checked for sense.
    pub fn from_corners(a: (f64, f64), b: (f64, f64)) -> Result<LonLatBox, BoxError> {
        let values = [a.0, a.1, b.0, b.1];
        if values.iter().any(|v| !v.is_finite()) {
            return Err(BoxError::NotFinite);
        }
        let bbox = LonLatBox { west: a.0.min(b.0), east: a.0.max(b.0), south: a.1.min(b.1), north: a.1.max(b.1) };
        if bbox.west < -180.0 || bbox.east > 180.0 || bbox.south < -90.0 || bbox.north > 90.0 {
            return Err(BoxError::OffTheGlobe);
        }
        if bbox.west >= bbox.east || bbox.south >= bbox.north {
            return Err(BoxError::Empty);
        }
        Ok(bbox)
    }

    /// The tiles of zoom `z` that this box touches.
    pub fn tile_range(&self, z: u8) -> TileRange {
        let z = z.min(MAX_ZOOM);
        let last = i64::from(tiles_per_side(z)) - 1;
        // Grid positions a rounding error away from a tile edge count as on it.
        let snap = |v: f64| if (v - v.round()).abs() < 1e-7 { v.round() } else { v };
        let (x0, y0) = lon_lat_to_grid(self.west, self.north, z);
        let (x1, y1) = lon_lat_to_grid(self.east, self.south, z);
        let (x0, y0, x1, y1) = (snap(x0), snap(y0), snap(x1), snap(y1));
        // Start with the tile holding the north-west corner; end with the one
        // holding the south-east corner, unless that corner sits exactly on a
        // tile edge (then the tile beyond it is not needed).
        let first = |v: f64| (v.floor() as i64).clamp(0, last) as u32;
        let end = |v: f64, start: u32| ((v.ceil() as i64) - 1).clamp(i64::from(start), last) as u32;
        let x_min = first(x0);
        let y_min = first(y0);
        TileRange { z, x_min, x_max: end(x1, x_min), y_min, y_max: end(y1, y_min) }
    }
}

/// A rectangle of tiles at one zoom level (bounds inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileRange {
    /// Zoom level.
    pub z: u8,
    /// First column.
    pub x_min: u32,
    /// Last column (inclusive).
    pub x_max: u32,
    /// First row (north).
    pub y_min: u32,
    /// Last row (south, inclusive).
    pub y_max: u32,
}

impl TileRange {
    /// Number of tiles in the range.
    pub fn count(&self) -> u64 {
        u64::from(self.x_max - self.x_min + 1) * u64::from(self.y_max - self.y_min + 1)
    }

    /// The tiles, row by row from the north-west.
    pub fn iter(&self) -> impl Iterator<Item = TileCoord> + use<> {
        let TileRange { z, x_min, x_max, y_min, y_max } = *self;
        (y_min..=y_max).flat_map(move |y| (x_min..=x_max).map(move |x| TileCoord { z, x, y }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binzhou_city_centre_lies_in_the_expected_tile_at_zoom_10() {
        // (118.01, 37.38): column floor((118.01+180)/360*1024) = 847,
        // row floor(397.21) = 397 from the Mercator formula.
        let range = LonLatBox::from_corners((118.01, 37.38), (118.0101, 37.3801)).unwrap().tile_range(10);
        assert_eq!((range.x_min, range.y_min), (847, 397));
        assert_eq!(range.count(), 1);
    }

    #[test]
    fn a_tile_contains_its_own_bounds_and_its_parent_contains_it() {
        let tile = TileCoord::new(12, 3390, 1588).unwrap();
        let b = tile.bounds();
        assert!(b.west < b.east && b.south < b.north);
        let parent = tile.parent().unwrap().bounds();
        assert!(parent.west <= b.west && parent.east >= b.east);
        assert!(parent.south <= b.south && parent.north >= b.north);
        // Shrinking the bounds slightly gives back exactly this tile.
        let inner = LonLatBox::from_corners((b.west + 1e-6, b.south + 1e-6), (b.east - 1e-6, b.north - 1e-6)).unwrap();
        assert_eq!(inner.tile_range(12).iter().collect::<Vec<_>>(), vec![tile]);
    }

    #[test]
    fn a_box_ending_exactly_on_a_tile_edge_does_not_take_the_next_tile() {
        let b = TileCoord::new(3, 6, 2).unwrap().bounds();
        let range = LonLatBox::from_corners((b.west, b.south), (b.east, b.north)).unwrap().tile_range(3);
        assert_eq!(range.count(), 1, "{range:?}");
    }

    #[test]
    fn tms_rows_count_from_the_south() {
        assert_eq!(TileCoord::new(0, 0, 0).unwrap().tms_y(), 0);
        assert_eq!(TileCoord::new(2, 1, 0).unwrap().tms_y(), 3);
        assert_eq!(TileCoord::new(2, 1, 3).unwrap().tms_y(), 0);
    }

    #[test]
    fn tiles_off_the_grid_are_not_valid() {
        assert!(TileCoord::new(0, 1, 0).is_none());
        assert!(TileCoord::new(MAX_ZOOM + 1, 0, 0).is_none());
        assert!(TileCoord::new(1, 1, 1).is_some());
    }

    #[test]
    fn bad_corners_are_refused() {
        assert_eq!(LonLatBox::from_corners((f64::NAN, 1.0), (2.0, 3.0)), Err(BoxError::NotFinite));
        assert_eq!(LonLatBox::from_corners((1.0, 1.0), (1.0, 3.0)), Err(BoxError::Empty));
        assert_eq!(LonLatBox::from_corners((170.0, 1.0), (190.0, 3.0)), Err(BoxError::OffTheGlobe));
    }
}
