//! Web Mercator (EPSG:3857) in "unit" coordinates: x east and y south, both
//! 0..1 over the world, as tile grids and walkers use it. The one place the
//! projection's formulas live: the tile grid, the map's screen transform and
//! prefetch areas all call these.

use std::f64::consts::PI;

/// The latitude limit of Web Mercator, degrees.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// Earth's circumference at the equator, metres (as walkers uses).
pub const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;

/// A point in unit Web Mercator coordinates.
pub type Unit = [f64; 2];

/// lon/lat (degrees) to unit Web Mercator; latitudes beyond [`MAX_LAT`] are
/// clamped to it.
///
/// ```
/// let [x, y] = binzhou_core::mercator::to_unit(0.0, 0.0);
/// assert_eq!((x, y), (0.5, 0.5));
/// ```
pub fn to_unit(lon: f64, lat: f64) -> Unit {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT);
    [(lon + 180.0) / 360.0, (1.0 - lat.to_radians().tan().asinh() / PI) / 2.0]
}

/// Unit Web Mercator to lon/lat (degrees).
pub fn from_unit(p: Unit) -> (f64, f64) {
    let lon = p[0] * 360.0 - 180.0;
    let lat = ((1.0 - 2.0 * p[1]) * PI).sinh().atan().to_degrees();
    (lon, lat)
}

/// Ground metres per unit of x at latitude `lat` (degrees).
pub fn metres_per_unit(lat: f64) -> f64 {
    EARTH_CIRCUMFERENCE_M * lat.clamp(-MAX_LAT, MAX_LAT).to_radians().cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_coordinates_round_trip_to_lon_lat() {
        let (lon, lat) = from_unit(to_unit(118.0123, 37.3812));
        assert!((lon - 118.0123).abs() < 1e-9 && (lat - 37.3812).abs() < 1e-9);
    }

    #[test]
    fn the_mercator_limit_is_the_top_and_bottom_of_the_world() {
        assert!(to_unit(0.0, MAX_LAT)[1].abs() < 1e-12);
        assert!((to_unit(0.0, -90.0)[1] - 1.0).abs() < 1e-12, "beyond the limit clamps to it");
        assert_eq!(to_unit(-180.0, 0.0)[0], 0.0);
    }

    #[test]
    fn a_unit_of_x_at_the_equator_is_the_whole_circumference_and_half_at_60_degrees() {
        assert!((metres_per_unit(0.0) - EARTH_CIRCUMFERENCE_M).abs() < 1e-6);
        assert!((metres_per_unit(60.0) - EARTH_CIRCUMFERENCE_M / 2.0).abs() < 1e-3);
    }
}
