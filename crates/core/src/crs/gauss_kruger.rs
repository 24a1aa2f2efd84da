//! CGCS2000 3-degree Gauss–Krüger (transverse Mercator) zones 39 and 40,
//! through the proj4rs crate.
//!
//! All four EPSG systems share the CGCS2000 ellipsoid (a = 6 378 137 m,
//! 1/f = 298.257222101), scale factor 1 on the central meridian and a false
//! easting of 500 000 m; EPSG:4527/4528 add the zone number × 1 000 000 m in
//! front. The prefix is added and removed here, so proj4rs only needs one
//! projection per central meridian. The projections are built once, on first
//! use, and shared by all threads.

use super::{Crs, CrsError};
use proj4rs::Proj;
use proj4rs::adaptors::transform_vertex_2d;
use std::sync::OnceLock;

/// CGCS2000 geographic lon/lat (radians in proj4rs). No datum shift is
/// declared anywhere, so proj4rs converts without one: CGCS2000 is taken as WGS 84.
const GEOGRAPHIC: &str = "+proj=longlat +a=6378137 +rf=298.257222101 +no_defs";
/// Transverse Mercator, central meridian 117°E (zone 39).
const TMERC_117: &str = "+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 \
                         +a=6378137 +rf=298.257222101 +units=m +no_defs";
/// Transverse Mercator, central meridian 120°E (zone 40).
const TMERC_120: &str = "+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 \
                         +a=6378137 +rf=298.257222101 +units=m +no_defs";

/// False easting on the central meridian, without zone prefix (metres).
const FALSE_EASTING: f64 = 500_000.0;
/// Eastings (without prefix) must be within this distance of the false easting.
const MAX_OFFSET_FROM_MERIDIAN: f64 = 500_000.0;
/// Northings must lie in 0..=this (northern hemisphere, pole excluded).
const MAX_NORTHING: f64 = 10_000_000.0;

/// The projections, built on first use.
struct Projections {
    geographic: Proj,
    cm117: Proj,
    cm120: Proj,
}

static PROJECTIONS: OnceLock<Result<Projections, String>> = OnceLock::new();

fn projections(crs: Crs) -> Result<&'static Projections, CrsError> {
    let built = PROJECTIONS.get_or_init(|| {
        let make = |def: &str| Proj::from_proj_string(def).map_err(|e| e.to_string());
        Ok(Projections { geographic: make(GEOGRAPHIC)?, cm117: make(TMERC_117)?, cm120: make(TMERC_120)? })
    });
    built.as_ref().map_err(|message| CrsError::Setup { crs, message: message.clone() })
}

/// Central meridian (117 or 120) and zone prefix of a Gauss–Krüger system.
fn zone(crs: Crs) -> Option<(u32, Option<u32>)> {
    match crs {
        Crs::Cgcs2000GkZone39 => Some((117, Some(39))),
        Crs::Cgcs2000GkZone40 => Some((120, Some(40))),
        Crs::Cgcs2000GkCm117 => Some((117, None)),
        Crs::Cgcs2000GkCm120 => Some((120, None)),
        Crs::Wgs84 | Crs::Cgcs2000 | Crs::Gcj02 => None,
    }
}

/// The tmerc projection and zone prefix (in metres, 0 if none) for `crs`.
fn setup(crs: Crs) -> Result<(&'static Projections, &'static Proj, f64), CrsError> {
    let Some((meridian, prefix)) = zone(crs) else {
        return Err(CrsError::Setup { crs, message: "not a Gauss-Kruger system".to_owned() });
    };
    let projs = projections(crs)?;
    let tmerc = if meridian == 117 { &projs.cm117 } else { &projs.cm120 };
    let prefix_m = prefix.map_or(0.0, |z| f64::from(z) * 1_000_000.0);
    Ok((projs, tmerc, prefix_m))
}

/// Why an easting/northing pair is outside the zone, if it is.
fn zone_problem(crs: Crs, easting: f64, northing: f64, prefix_m: f64) -> Option<String> {
    let offset = easting - prefix_m - FALSE_EASTING;
    if offset.abs() >= MAX_OFFSET_FROM_MERIDIAN {
        let (lo, hi) = (prefix_m, prefix_m + 1_000_000.0);
        let hint = match (prefix_m > 0.0, easting >= 1_000_000.0) {
            (true, false) => " (zone prefix missing?)",
            (false, true) => " (has a zone prefix, or easting and northing are swapped?)",
            _ => "",
        };
        return Some(format!("easting {easting} is outside {lo}..{hi} for {}{hint}", crs.code()));
    }
    if !(0.0..=MAX_NORTHING).contains(&northing) {
        return Some(format!("northing {northing} is outside 0..{MAX_NORTHING} (northern hemisphere)"));
    }
    None
}

/// Easting/northing (metres) in `crs` to WGS 84 lon/lat (degrees).
pub(crate) fn to_lon_lat(crs: Crs, easting: f64, northing: f64) -> Result<(f64, f64), CrsError> {
    if !easting.is_finite() || !northing.is_finite() {
        return Err(CrsError::NotFinite { crs, x: easting, y: northing });
    }
    let (projs, tmerc, prefix_m) = setup(crs)?;
    if let Some(reason) = zone_problem(crs, easting, northing, prefix_m) {
        return Err(CrsError::OutOfRange { crs, x: easting, y: northing, reason });
    }
    let (lam, phi) = transform_vertex_2d(tmerc, &projs.geographic, (easting - prefix_m, northing))
        .map_err(|e| CrsError::Projection { crs, x: easting, y: northing, message: e.to_string() })?;
    let (lon, lat) = (lam.to_degrees(), phi.to_degrees());
    if !lon.is_finite() || !lat.is_finite() {
        return Err(CrsError::Projection {
            crs,
            x: easting,
            y: northing,
            message: "result is not a finite number".to_owned(),
        });
    }
    Ok((lon, lat))
}

/// WGS 84 lon/lat (degrees, already range-checked) to easting/northing in `crs`.
pub(crate) fn from_lon_lat(crs: Crs, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    let (projs, tmerc, prefix_m) = setup(crs)?;
    let (x, northing) = transform_vertex_2d(&projs.geographic, tmerc, (lon.to_radians(), lat.to_radians()))
        .map_err(|e| CrsError::Projection { crs, x: lon, y: lat, message: e.to_string() })?;
    let easting = x + prefix_m;
    if !easting.is_finite() || !northing.is_finite() {
        return Err(CrsError::Projection { crs, x: lon, y: lat, message: "result is not a finite number".to_owned() });
    }
    if let Some(reason) = zone_problem(crs, easting, northing, prefix_m) {
        return Err(CrsError::OutOfRange { crs, x: lon, y: lat, reason: format!("too far from the zone: {reason}") });
    }
    Ok((easting, northing))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (lon, lat) in degrees and the matching (easting, northing) in metres.
    type RefPair = ((f64, f64), (f64, f64));

    // Reference pairs computed independently with pyproj 3.7.2 / PROJ 9.5.1:
    //   Transformer.from_crs("EPSG:4326", "EPSG:NNNN", always_xy=True)
    // (PROJ applies the "Ballpark" null offset WGS 84 → CGCS2000, as we do).
    // Each entry: (lon, lat) → (easting, northing) in metres.

    /// EPSG:4527, zone 39 with prefix.
    const REF_4527: [RefPair; 3] = [
        ((118.0, 37.38), (39588567.9504, 4139153.0880)),
        ((117.5, 37.8), (39544035.3715, 4185416.8679)),
        ((117.25, 36.9), (39522282.0456, 4085442.4919)),
    ];
    /// EPSG:4548, CM 117°E without prefix.
    const REF_4548: [RefPair; 3] = [
        ((118.0, 37.38), (588567.9504, 4139153.0880)),
        ((117.5, 37.8), (544035.3715, 4185416.8679)),
        ((118.6, 38.05), (640440.8991, 4214256.6579)),
    ];
    /// EPSG:4528, zone 40 with prefix.
    const REF_4528: [RefPair; 2] =
        [((118.6, 38.05), (40377115.1217, 4213973.3087)), ((118.0, 37.38), (40322856.9392, 4140561.2531))];
    /// EPSG:4549, CM 120°E without prefix.
    const REF_4549: [RefPair; 2] =
        [((118.6, 38.05), (377115.1217, 4213973.3087)), ((117.5, 37.8), (279806.3010, 4188244.4942))];

    /// Check both directions against reference pairs: 1 mm in metres,
    /// 1e-8° (≈ 1 mm) in degrees.
    fn check(crs: Crs, pairs: &[RefPair]) {
        for &((lon, lat), (e, n)) in pairs {
            let (ge, gn) = from_lon_lat(crs, lon, lat).expect("forward");
            assert!(
                (ge - e).abs() < 1e-3 && (gn - n).abs() < 1e-3,
                "{crs:?} forward ({lon}, {lat}) gave ({ge}, {gn}), expected ({e}, {n})"
            );
            let (glon, glat) = to_lon_lat(crs, e, n).expect("inverse");
            assert!(
                (glon - lon).abs() < 1e-8 && (glat - lat).abs() < 1e-8,
                "{crs:?} inverse ({e}, {n}) gave ({glon}, {glat}), expected ({lon}, {lat})"
            );
        }
    }

    #[test]
    fn zone_39_with_prefix_matches_proj_near_binzhou() {
        check(Crs::Cgcs2000GkZone39, &REF_4527);
    }

    #[test]
    fn cm_117_without_prefix_matches_proj_near_binzhou() {
        check(Crs::Cgcs2000GkCm117, &REF_4548);
    }

    #[test]
    fn zone_40_with_prefix_matches_proj_near_binzhou() {
        check(Crs::Cgcs2000GkZone40, &REF_4528);
    }

    #[test]
    fn cm_120_without_prefix_matches_proj_near_binzhou() {
        check(Crs::Cgcs2000GkCm120, &REF_4549);
    }

    #[test]
    fn the_city_centre_point_from_geography_md_lands_in_binzhou() {
        // pyproj/PROJ 9.5.1: EPSG:4527 (39 585 998, 4 139 237) → 117.970996905, 37.380997745.
        let (lon, lat) = to_lon_lat(Crs::Cgcs2000GkZone39, 39585998.0, 4139237.0).unwrap();
        assert!((lon - 117.970_996_905).abs() < 1e-8, "{lon}");
        assert!((lat - 37.380_997_745).abs() < 1e-8, "{lat}");
    }

    #[test]
    fn an_easting_without_its_zone_prefix_is_rejected_for_epsg_4527() {
        let err = to_lon_lat(Crs::Cgcs2000GkZone39, 585998.0, 4139237.0).unwrap_err();
        let CrsError::OutOfRange { crs, reason, .. } = &err else {
            panic!("unexpected {err:?}");
        };
        assert_eq!(*crs, Crs::Cgcs2000GkZone39);
        assert!(reason.contains("prefix missing"), "{reason}");
        assert!(err.to_string().contains("585998"), "{err}");
    }

    #[test]
    fn swapped_easting_and_northing_are_rejected_for_epsg_4548() {
        let err = to_lon_lat(Crs::Cgcs2000GkCm117, 4139237.0, 585998.0).unwrap_err();
        assert!(matches!(err, CrsError::OutOfRange { .. }), "{err:?}");
        assert!(err.to_string().contains("swapped"), "{err}");
    }

    #[test]
    fn a_point_far_from_the_zone_cannot_be_projected_into_it() {
        let err = from_lon_lat(Crs::Cgcs2000GkCm117, 2.35, 48.85).unwrap_err();
        assert!(matches!(err, CrsError::OutOfRange { .. }), "{err:?}");
        assert!(matches!(to_lon_lat(Crs::Cgcs2000GkCm120, f64::INFINITY, 4e6), Err(CrsError::NotFinite { .. })));
    }
}
