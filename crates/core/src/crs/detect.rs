//! Guessing the coordinate system of a file that names none, from the
//! magnitude of its coordinates.
//!
//! Every sampled coordinate must tell the same story; one that fits nothing,
//! or a mixture of systems, gives [`Detection::Unknown`] rather than a guess.

use super::Crs;

/// What [`detect`] concluded about a sample of coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detection {
    /// Every value fits longitude/latitude (|x| ≤ 180, |y| ≤ 90).
    /// (GCJ-02 looks the same; it cannot be told apart by magnitude.)
    Wgs84,
    /// CGCS2000 Gauss–Krüger metres.
    GaussKruger {
        /// The system: EPSG:4527/4528 for 8-digit eastings starting with 39/40,
        /// otherwise EPSG:4548 or 4549 according to the [`ZoneHint`].
        crs: Crs,
        /// `true` if the file stores (northing, easting) instead of
        /// (easting, northing): swap each pair before converting.
        swapped: bool,
    },
    /// The values fit no supported system, or different coordinates fit
    /// different ones. Report it; do not guess.
    Unknown,
}

impl Detection {
    /// The detected system, if any.
    pub fn crs(self) -> Option<Crs> {
        match self {
            Detection::Wgs84 => Some(Crs::Wgs84),
            Detection::GaussKruger { crs, .. } => Some(crs),
            Detection::Unknown => None,
        }
    }

    /// `true` if each coordinate pair must be swapped before conversion.
    pub fn swapped(self) -> bool {
        matches!(self, Detection::GaussKruger { swapped: true, .. })
    }
}

/// Which central meridian to assume for 6-digit eastings, which carry no zone
/// number. Binzhou is mostly in zone 39, hence the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZoneHint {
    /// Zone 39, central meridian 117°E: EPSG:4548.
    #[default]
    Zone39,
    /// Zone 40, central meridian 120°E: EPSG:4549.
    Zone40,
}

impl ZoneHint {
    /// The unprefixed Gauss–Krüger system for this zone.
    pub fn unprefixed_crs(self) -> Crs {
        match self {
            ZoneHint::Zone39 => Crs::Cgcs2000GkCm117,
            ZoneHint::Zone40 => Crs::Cgcs2000GkCm120,
        }
    }
}

/// Detect the system of a sample of (x, y) coordinate pairs, taking 6-digit
/// eastings as zone 39 (EPSG:4548). See [`detect_with_hint`].
pub fn detect(sample: &[(f64, f64)]) -> Detection {
    detect_with_hint(sample, ZoneHint::default())
}

/// Detect the system of a sample of (x, y) coordinate pairs as stored in a file.
///
/// * lon/lat: |x| ≤ 180 and |y| ≤ 90 → [`Detection::Wgs84`];
/// * an 8-digit easting starting with 39 or 40 (39 000 000 ≤ e < 41 000 000)
///   with a 7-digit northing → EPSG:4527 or EPSG:4528 by the prefix;
/// * a 6-digit easting (100 000 ≤ e < 1 000 000) with a 7-digit northing
///   (1 000 000 ≤ n < 10 000 000) → EPSG:4548, or EPSG:4549 with
///   [`ZoneHint::Zone40`];
/// * the same with the northing first (e.g. 4 139 237, 585 998) → `swapped: true`.
///
/// All pairs must agree (same system, same zone, same order); NaN, values
/// fitting none of the above, or a mixture give [`Detection::Unknown`].
/// An empty sample has nothing to convert and gives [`Detection::Wgs84`], the
/// GeoJSON default.
pub fn detect_with_hint(sample: &[(f64, f64)], hint: ZoneHint) -> Detection {
    let mut verdict: Option<Detection> = None;
    for &(x, y) in sample {
        let this = classify(x, y, hint);
        if this == Detection::Unknown || verdict.is_some_and(|v| v != this) {
            return Detection::Unknown;
        }
        verdict = Some(this);
    }
    verdict.unwrap_or(Detection::Wgs84)
}

/// What kind of value a single number is, by magnitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magnitude {
    /// 8-digit easting with zone prefix 39 or 40.
    PrefixedEasting(Crs),
    /// 6-digit easting without prefix.
    PlainEasting,
    /// 7-digit northing.
    Northing,
    /// None of these.
    Other,
}

fn magnitude(v: f64) -> Magnitude {
    if (39_000_000.0..40_000_000.0).contains(&v) {
        Magnitude::PrefixedEasting(Crs::Cgcs2000GkZone39)
    } else if (40_000_000.0..41_000_000.0).contains(&v) {
        Magnitude::PrefixedEasting(Crs::Cgcs2000GkZone40)
    } else if (100_000.0..1_000_000.0).contains(&v) {
        Magnitude::PlainEasting
    } else if (1_000_000.0..10_000_000.0).contains(&v) {
        Magnitude::Northing
    } else {
        Magnitude::Other
    }
}

/// Classify one pair.
fn classify(x: f64, y: f64, hint: ZoneHint) -> Detection {
    if !x.is_finite() || !y.is_finite() {
        return Detection::Unknown;
    }
    if x.abs() <= 180.0 && y.abs() <= 90.0 {
        return Detection::Wgs84;
    }
    let easting_crs = |m: Magnitude| match m {
        Magnitude::PrefixedEasting(crs) => Some(crs),
        Magnitude::PlainEasting => Some(hint.unprefixed_crs()),
        Magnitude::Northing | Magnitude::Other => None,
    };
    let (mx, my) = (magnitude(x), magnitude(y));
    if let (Some(crs), Magnitude::Northing) = (easting_crs(mx), my) {
        Detection::GaussKruger { crs, swapped: false }
    } else if let (Magnitude::Northing, Some(crs)) = (mx, easting_crs(my)) {
        Detection::GaussKruger { crs, swapped: true }
    } else {
        Detection::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_zone_39_eastings_are_epsg_4527() {
        let sample = [(39_585_998.0, 4_139_237.0), (39_544_035.4, 4_185_416.9)];
        assert_eq!(detect(&sample), Detection::GaussKruger { crs: Crs::Cgcs2000GkZone39, swapped: false });
    }

    #[test]
    fn prefixed_zone_40_eastings_are_epsg_4528() {
        let sample = [(40_377_115.1, 4_213_973.3)];
        assert_eq!(detect(&sample).crs(), Some(Crs::Cgcs2000GkZone40), "the hint is irrelevant when the prefix says");
        assert_eq!(detect_with_hint(&sample, ZoneHint::Zone39).crs(), Some(Crs::Cgcs2000GkZone40));
    }

    #[test]
    fn unprefixed_eastings_default_to_epsg_4548_for_binzhou() {
        let sample = [(585_998.0, 4_139_237.0), (522_282.0, 4_085_442.5)];
        assert_eq!(detect(&sample), Detection::GaussKruger { crs: Crs::Cgcs2000GkCm117, swapped: false });
    }

    #[test]
    fn unprefixed_eastings_are_epsg_4549_when_the_caller_says_zone_40() {
        let sample = [(377_115.1, 4_213_973.3)];
        assert_eq!(detect_with_hint(&sample, ZoneHint::Zone40).crs(), Some(Crs::Cgcs2000GkCm120));
    }

    #[test]
    fn northing_first_pairs_are_detected_as_swapped() {
        let plain = [(4_139_237.0, 585_998.0), (4_085_442.5, 522_282.0)];
        assert_eq!(detect(&plain), Detection::GaussKruger { crs: Crs::Cgcs2000GkCm117, swapped: true });
        let prefixed = [(4_139_237.0, 39_585_998.0)];
        assert_eq!(detect(&prefixed), Detection::GaussKruger { crs: Crs::Cgcs2000GkZone39, swapped: true });
        assert!(detect(&prefixed).swapped());
    }

    #[test]
    fn lon_lat_values_are_wgs84() {
        let sample = [(117.97, 37.38), (118.6, 38.05), (-0.1, 51.5)];
        assert_eq!(detect(&sample), Detection::Wgs84);
        assert_eq!(detect(&sample).crs(), Some(Crs::Wgs84));
        assert_eq!(detect(&[]), Detection::Wgs84);
    }

    #[test]
    fn values_that_fit_nothing_are_unknown() {
        for sample in [
            // Web Mercator metres.
            vec![(13_132_000.0, 4_492_000.0)],
            // Latitude first: 118 is not a latitude.
            vec![(37.38, 118.0)],
            // Prefix of a zone Binzhou is not in.
            vec![(38_585_998.0, 4_139_237.0)],
            // Two eastings, two northings.
            vec![(585_998.0, 585_998.0)],
            vec![(4_139_237.0, 4_139_237.0)],
            // Not a number.
            vec![(f64::NAN, 4_139_237.0)],
        ] {
            assert_eq!(detect(&sample), Detection::Unknown, "{sample:?}");
        }
    }

    #[test]
    fn a_mixture_of_systems_or_orders_is_unknown() {
        let mixed_systems = [(39_585_998.0, 4_139_237.0), (117.97, 37.38)];
        assert_eq!(detect(&mixed_systems), Detection::Unknown);
        let mixed_order = [(585_998.0, 4_139_237.0), (4_139_237.0, 585_998.0)];
        assert_eq!(detect(&mixed_order), Detection::Unknown);
        let mixed_zones = [(39_585_998.0, 4_139_237.0), (40_377_115.1, 4_213_973.3)];
        assert_eq!(detect(&mixed_zones), Detection::Unknown);
    }
}
