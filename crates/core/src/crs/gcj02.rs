//! GCJ-02, the offset lon/lat mandated for maps published in China.
//!
//! WGS 84 → GCJ-02 is the widely published closed-form approximation of the
//! official (secret) algorithm: a polynomial-plus-sines shift in metres,
//! scaled to degrees on the Krasovsky ellipsoid. Outside (a rectangle around)
//! China there is no shift. GCJ-02 → WGS 84 has no closed form; it is found
//! by fixed-point iteration of the forward formula.

use super::CrsError;
use std::f64::consts::PI;

/// Krasovsky 1940 semi-major axis (metres), as used by the published formula.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// Krasovsky 1940 first eccentricity squared, as used by the published formula
/// (published as 0.00669342162296594323; the extra digits are beyond f64).
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// Stop inverting once the forward image is this close (degrees, ≈ 0.1 mm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;
/// Give up inverting after this many iterations (convergence takes 3–5).
const INVERSE_MAX_ITERATIONS: u32 = 30;

/// `true` outside the rectangle where the shift applies.
fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

/// Shift terms common to both axes: the fine-period sines in `x`.
fn common_wave(x: f64) -> f64 {
    (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0
}

/// Northward shift (metres, before ellipsoid scaling) at offset (x, y) from 105°E 35°N.
fn shift_lat(x: f64, y: f64) -> f64 {
    let poly = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    let mid = (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    let long = (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    poly + common_wave(x) + mid + long
}

/// Eastward shift (metres, before ellipsoid scaling) at offset (x, y) from 105°E 35°N.
fn shift_lon(x: f64, y: f64) -> f64 {
    let poly = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    let mid = (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    let long = (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    poly + common_wave(x) + mid + long
}

/// Shift WGS 84 lon/lat (degrees) to GCJ-02. Identity outside China.
/// The caller has checked the input is finite and in range.
pub(crate) fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let (x, y) = (lon - 105.0, lat - 35.0);
    let phi = lat.to_radians();
    let w = 1.0 - KRASOVSKY_EE * phi.sin().powi(2);
    let sqrt_w = w.sqrt();
    // Radii of curvature: meridian M = a(1-e²)/W³, prime vertical N = a/W.
    let meridian_radius = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w * sqrt_w);
    let parallel_radius = KRASOVSKY_A / sqrt_w * phi.cos();
    let d_lat = (shift_lat(x, y) / meridian_radius).to_degrees();
    let d_lon = (shift_lon(x, y) / parallel_radius).to_degrees();
    (lon + d_lon, lat + d_lat)
}

/// Recover WGS 84 lon/lat from GCJ-02 by iterating the forward shift until
/// its image matches the input to [`INVERSE_TOLERANCE_DEG`].
/// The caller has checked the input is finite and in range.
pub(crate) fn gcj02_to_wgs84(lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    let (mut wlon, mut wlat) = (lon, lat);
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (glon, glat) = wgs84_to_gcj02(wlon, wlat);
        let (err_lon, err_lat) = (glon - lon, glat - lat);
        if err_lon.abs() < INVERSE_TOLERANCE_DEG && err_lat.abs() < INVERSE_TOLERANCE_DEG {
            return Ok((wlon, wlat));
        }
        wlon -= err_lon;
        wlat -= err_lat;
    }
    Err(CrsError::NoConvergence { lon, lat, iterations: INVERSE_MAX_ITERATIONS })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Great-circle distance in metres (spherical, good enough for tests).
    fn metres_between(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
        let dla = la2 - la1;
        let dlo = (b.0 - a.0).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * 6_371_000.0 * h.sqrt().asin()
    }

    /// Test vectors (WGS 84 lon, lat → GCJ-02 lon, lat) published in the test
    /// suite of googollee/eviltransform (go/transform_test.go, the same
    /// figures in javascript/test.js): Shanghai, Shenzhen, Beijing.
    const EVILTRANSFORM_VECTORS: [((f64, f64), (f64, f64)); 3] = [
        ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
        ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
        ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ];

    #[test]
    fn forward_shift_matches_the_eviltransform_test_vectors() {
        for (wgs, gcj) in EVILTRANSFORM_VECTORS {
            let got = wgs84_to_gcj02(wgs.0, wgs.1);
            assert!((got.0 - gcj.0).abs() < 1e-9, "lon {got:?} vs {gcj:?}");
            assert!((got.1 - gcj.1).abs() < 1e-9, "lat {got:?} vs {gcj:?}");
        }
    }

    #[test]
    fn forward_shift_matches_the_coordtransform_test_vector() {
        // wandergis/coordtransform, test/app.js: wgs84togcj02(116.404, 39.915)
        // → [116.41024449916938, 39.91640428150164].
        let got = wgs84_to_gcj02(116.404, 39.915);
        assert!((got.0 - 116.41024449916938).abs() < 1e-9, "{got:?}");
        assert!((got.1 - 39.91640428150164).abs() < 1e-9, "{got:?}");
    }

    #[test]
    fn inverse_recovers_the_eviltransform_wgs84_points_to_a_centimetre() {
        for (wgs, gcj) in EVILTRANSFORM_VECTORS {
            let got = gcj02_to_wgs84(gcj.0, gcj.1).expect("converges");
            assert!(metres_between(got, wgs) < 0.01, "{got:?} vs {wgs:?}");
        }
    }

    #[test]
    fn a_gcj_point_in_binzhou_survives_the_round_trip_to_well_under_half_a_metre() {
        let gcj = (117.977_3, 37.379_6);
        let wgs = gcj02_to_wgs84(gcj.0, gcj.1).expect("converges");
        // The shift itself is hundreds of metres, so the inverse did something.
        assert!(metres_between(gcj, wgs) > 100.0);
        let back = wgs84_to_gcj02(wgs.0, wgs.1);
        assert!(metres_between(gcj, back) < 0.5);
        assert!((back.0 - gcj.0).abs() < 1e-7 && (back.1 - gcj.1).abs() < 1e-7);
    }

    #[test]
    fn points_outside_china_are_not_shifted() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        assert_eq!(gcj02_to_wgs84(-74.0, 40.7), Ok((-74.0, 40.7)));
    }
}
