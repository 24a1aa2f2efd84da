//! Where the field laptop is: a GNSS receiver's NMEA 0183 sentences
//! ([`nmea`]) folded into the current fix ([`Tracker`]), read on a worker
//! thread from a serial device, gpsd or a recorded log ([`source`]). No
//! network is needed: this is how field teams check a site's position
//! offline.

pub mod nmea;
pub mod source;

use nmea::{FixQuality, Sentence, UtcTime};

/// The receiver's latest position (WGS84).
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// Longitude in degrees WGS84 (east positive).
    pub lon: f64,
    /// Latitude in degrees WGS84 (north positive).
    pub lat: f64,
    /// What kind of fix it is (`Gps` when only `RMC` gave it).
    pub quality: FixQuality,
    /// Satellites in use, when the receiver says (`GGA`).
    pub satellites: Option<u8>,
    /// Horizontal dilution of precision, when the receiver says (`GGA`).
    pub hdop: Option<f64>,
    /// Altitude above mean sea level in metres, when the receiver says (`GGA`).
    pub altitude_m: Option<f64>,
    /// Speed over ground in km/h, from the latest `RMC` (`None` when that was not valid).
    pub speed_kmh: Option<f64>,
    /// Course over ground in degrees clockwise from true north, from the latest `RMC` (`None` when that was not valid).
    pub course_deg: Option<f64>,
    /// UTC time of day of the fix, when given.
    pub time: Option<UtcTime>,
}

impl Fix {
    /// A rough horizontal accuracy in metres: HDOP times the range error
    /// typical of the kind of fix (about 5 m alone, 1 m differential,
    /// 0.3 m RTK float, 2 cm RTK fixed). Receivers differ; it is a guide for
    /// the circle drawn around the position, not a survey figure.
    ///
    /// ```
    /// use binzhou_core::gnss::Fix;
    /// use binzhou_core::gnss::nmea::FixQuality;
    /// let fix = Fix { lon: 118.0, lat: 37.4, quality: FixQuality::Gps, satellites: Some(9), hdop: Some(1.2),
    ///     altitude_m: None, speed_kmh: None, course_deg: None, time: None };
    /// assert!((fix.accuracy_m().unwrap() - 6.0).abs() < 1e-9);
    /// ```
    pub fn accuracy_m(&self) -> Option<f64> {
        let range_error = match self.quality {
            FixQuality::Invalid => return None,
            FixQuality::Gps | FixQuality::Other(_) => 5.0,
            FixQuality::Differential => 1.0,
            FixQuality::RtkFloat => 0.3,
            FixQuality::RtkFixed => 0.02,
            FixQuality::Estimated => 20.0,
        };
        Some(self.hdop.unwrap_or(2.0).max(0.5) * range_error)
    }
}

/// What the receiver says now.
#[derive(Clone, Debug, PartialEq)]
pub enum GnssState {
    /// It talks but has no position (indoors, just switched on).
    NoFix {
        /// Satellites in use, when the receiver says.
        satellites: Option<u8>,
    },
    /// It has a position.
    Fix(Fix),
}

/// Folds sentences into [`GnssState`]s: one per epoch. `GGA` carries the
/// fix; `RMC` adds speed and course, and stands in for `GGA` with
/// receivers that send only `RMC`.
#[derive(Debug, Default)]
pub struct Tracker {
    seen_gga: bool,
    speed_kmh: Option<f64>,
    course_deg: Option<f64>,
}

impl Tracker {
    /// The new state, when this sentence completes one.
    pub fn feed(&mut self, sentence: &Sentence) -> Option<GnssState> {
        match sentence {
            Sentence::Gga(g) => {
                self.seen_gga = true;
                Some(match g.position {
                    Some((lon, lat)) => GnssState::Fix(Fix {
                        quality: g.quality,
                        satellites: g.satellites,
                        hdop: g.hdop,
                        altitude_m: g.altitude_m,
                        ..self.fix_at(lon, lat, g.time)
                    }),
                    None => GnssState::NoFix { satellites: g.satellites },
                })
            }
            Sentence::Rmc(r) => {
                (self.speed_kmh, self.course_deg) = if r.valid { (r.speed_kmh, r.course_deg) } else { (None, None) };
                if self.seen_gga {
                    return None;
                }
                Some(match r.position {
                    Some((lon, lat)) => GnssState::Fix(self.fix_at(lon, lat, r.time)),
                    None => GnssState::NoFix { satellites: None },
                })
            }
            Sentence::Other(_) => None,
        }
    }

    /// A plain fix at a position, with the latest speed and course.
    fn fix_at(&self, lon: f64, lat: f64, time: Option<UtcTime>) -> Fix {
        Fix {
            lon,
            lat,
            quality: FixQuality::Gps,
            satellites: None,
            hdop: None,
            altitude_m: None,
            speed_kmh: self.speed_kmh,
            course_deg: self.course_deg,
            time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nmea::parse;

    #[test]
    fn gga_drives_the_state_and_rmc_adds_speed_and_course() {
        let mut t = Tracker::default();
        let rmc = parse("$GNRMC,092751.00,A,3722.9876,N,11800.1234,E,5.4,90.0,011226,,,A").unwrap();
        let gga = parse("$GNGGA,092751.00,3722.9876,N,11800.1234,E,1,10,0.9,15.0,M,,M,,").unwrap();
        // Before any GGA, an RMC is a fix of its own.
        assert!(matches!(t.feed(&rmc), Some(GnssState::Fix(_))));
        let Some(GnssState::Fix(f)) = t.feed(&gga) else { panic!() };
        assert_eq!((f.satellites, f.course_deg), (Some(10), Some(90.0)));
        assert!((f.speed_kmh.unwrap() - 10.0008).abs() < 1e-9);
        // Once GGA is there, RMC only updates speed and course.
        assert_eq!(t.feed(&rmc), None);
    }

    #[test]
    fn a_gga_without_position_is_no_fix() {
        let mut t = Tracker::default();
        let gga = parse("$GNGGA,092750.00,,,,,0,03,,,,,,,").unwrap();
        assert_eq!(t.feed(&gga), Some(GnssState::NoFix { satellites: Some(3) }));
    }
}
