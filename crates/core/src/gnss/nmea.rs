//! NMEA 0183 sentences from a GNSS receiver: the two that say where it is.
//!
//! * `GGA`: time, position, fix quality, satellites in use, HDOP, altitude.
//! * `RMC`: time, status (valid or not), position, speed, course, date.
//!
//! Any talker is accepted (`GP` GPS, `BD`/`GB` BeiDou, `GL` GLONASS, `GA`
//! Galileo, `GN` combined), as receivers sold in China mostly speak `GN` or
//! `BD`. Other sentences are recognised as such and skipped. Positions are
//! WGS84 (BeiDou's CGCS2000 frame agrees with it to centimetres).

use crate::model::Bilingual;

/// Why a line is not a usable sentence.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NmeaError {
    /// Not of the form `$TTSSS,…*hh`.
    #[error("not an NMEA sentence: {0}")]
    NotASentence(String),
    /// The checksum after `*` does not match the sentence.
    #[error("checksum mismatch (says {stated:02X}, is {computed:02X})")]
    Checksum {
        /// The checksum the sentence gives after `*`.
        stated: u8,
        /// The XOR of the characters between `$` and `*`.
        computed: u8,
    },
    /// A field the sentence needs could not be read.
    #[error("{sentence}: field {field} \"{value}\" is not valid")]
    Field {
        /// The sentence type, `GGA` or `RMC`.
        sentence: &'static str,
        /// The field's name (`latitude`, `hdop`, …).
        field: &'static str,
        /// The field's text as received.
        value: String,
    },
}

impl Bilingual for NmeaError {
    /// The same in Chinese.
    fn zh(&self) -> String {
        match self {
            NmeaError::NotASentence(line) => format!("不是 NMEA 语句：{line}"),
            NmeaError::Checksum { stated, computed } => {
                format!("校验和不符（语句为 {stated:02X}，实际为 {computed:02X}）")
            }
            NmeaError::Field { sentence, field, value } => format!("{sentence} 的 {field} 字段“{value}”无效"),
        }
    }
}

/// How good a GGA fix is (its quality field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixQuality {
    /// 0: no position.
    Invalid,
    /// 1: autonomous GNSS.
    Gps,
    /// 2: differential (SBAS, DGPS).
    Differential,
    /// 4: RTK with fixed ambiguities (centimetres).
    RtkFixed,
    /// 5: RTK float (decimetres).
    RtkFloat,
    /// 6: dead reckoning.
    Estimated,
    /// Any other code.
    Other(u8),
}

impl FixQuality {
    fn from_code(code: u8) -> Self {
        match code {
            0 => FixQuality::Invalid,
            1 => FixQuality::Gps,
            2 => FixQuality::Differential,
            4 => FixQuality::RtkFixed,
            5 => FixQuality::RtkFloat,
            6 => FixQuality::Estimated,
            c => FixQuality::Other(c),
        }
    }

    /// The fix quality's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            FixQuality::Invalid => "无定位",
            FixQuality::Gps => "单点定位",
            FixQuality::Differential => "差分定位",
            FixQuality::RtkFixed => "RTK 固定解",
            FixQuality::RtkFloat => "RTK 浮点解",
            FixQuality::Estimated => "推算定位",
            FixQuality::Other(_) => "其他定位",
        }
    }

    /// The fix quality's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            FixQuality::Invalid => "no fix",
            FixQuality::Gps => "GNSS fix",
            FixQuality::Differential => "differential fix",
            FixQuality::RtkFixed => "RTK fixed",
            FixQuality::RtkFloat => "RTK float",
            FixQuality::Estimated => "dead reckoning",
            FixQuality::Other(_) => "other fix",
        }
    }
}

/// UTC time of day as the receiver gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UtcTime {
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Seconds with their fraction, from 0 up to (not including) 61 to allow a leap second.
    pub second: f64,
}

/// A `GGA` sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Gga {
    /// UTC time of the fix, when given.
    pub time: Option<UtcTime>,
    /// (lon, lat) in degrees; `None` without a fix.
    pub position: Option<(f64, f64)>,
    /// The fix quality field.
    pub quality: FixQuality,
    /// Satellites in use, when given.
    pub satellites: Option<u8>,
    /// Horizontal dilution of precision, when given.
    pub hdop: Option<f64>,
    /// Above mean sea level, metres.
    pub altitude_m: Option<f64>,
}

/// An `RMC` sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Rmc {
    /// UTC time of the fix, when given.
    pub time: Option<UtcTime>,
    /// Status `A`: the position is valid.
    pub valid: bool,
    /// (lon, lat) in degrees; `None` when the status is not `A` or the fields are empty.
    pub position: Option<(f64, f64)>,
    /// Speed over ground in km/h (the sentence gives knots), when given.
    pub speed_kmh: Option<f64>,
    /// Degrees clockwise from true north.
    pub course_deg: Option<f64>,
}

/// One parsed line.
#[derive(Clone, Debug, PartialEq)]
pub enum Sentence {
    /// A `GGA` sentence: the fix.
    Gga(Gga),
    /// An `RMC` sentence: position, speed and course.
    Rmc(Rmc),
    /// A well-formed sentence of another type (GSV, GSA, VTG, TXT…).
    Other(String),
}

/// Parses one line (surrounding blanks and the line end are ignored).
///
/// ```
/// use binzhou_core::gnss::nmea::{parse, Sentence};
/// let s = parse("$GNGGA,023512.00,3723.4567,N,11758.9012,E,1,12,0.8,12.3,M,-4.1,M,,*53").unwrap();
/// let Sentence::Gga(g) = s else { panic!() };
/// let (lon, lat) = g.position.unwrap();
/// assert!((lon - 117.981687).abs() < 1e-6 && (lat - 37.390945).abs() < 1e-6);
/// assert_eq!(g.satellites, Some(12));
/// ```
pub fn parse(line: &str) -> Result<Sentence, NmeaError> {
    let line = line.trim();
    let not_one = || NmeaError::NotASentence(line.chars().take(40).collect());
    let body = line.strip_prefix('$').or_else(|| line.strip_prefix('!')).ok_or_else(not_one)?;
    let body = match body.rsplit_once('*') {
        Some((body, sum)) => {
            let stated = u8::from_str_radix(sum, 16).map_err(|_| not_one())?;
            let computed = body.bytes().fold(0u8, |a, b| a ^ b);
            if stated != computed {
                return Err(NmeaError::Checksum { stated, computed });
            }
            body
        }
        // A checksum is optional in NMEA 0183.
        None => body,
    };
    let fields: Vec<&str> = body.split(',').collect();
    let head = fields[0];
    if head.len() < 5 || !head.is_ascii() {
        return Err(not_one());
    }
    match &head[head.len() - 3..] {
        "GGA" => gga(&fields).map(Sentence::Gga),
        "RMC" => rmc(&fields).map(Sentence::Rmc),
        _ => Ok(Sentence::Other(head.to_string())),
    }
}

fn field<'a>(fields: &[&'a str], i: usize) -> &'a str {
    fields.get(i).copied().unwrap_or("")
}

fn bad(sentence: &'static str, name: &'static str, value: &str) -> NmeaError {
    NmeaError::Field { sentence, field: name, value: value.to_string() }
}

fn number<T: std::str::FromStr>(
    sentence: &'static str,
    name: &'static str,
    fields: &[&str],
    i: usize,
) -> Result<Option<T>, NmeaError> {
    match field(fields, i) {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| bad(sentence, name, v)),
    }
}

fn time(sentence: &'static str, v: &str) -> Result<Option<UtcTime>, NmeaError> {
    if v.is_empty() {
        return Ok(None);
    }
    let err = || bad(sentence, "time", v);
    if v.len() < 6 || !v.is_char_boundary(2) || !v.is_char_boundary(4) {
        return Err(err());
    }
    let hour: u8 = v[..2].parse().map_err(|_| err())?;
    let minute: u8 = v[2..4].parse().map_err(|_| err())?;
    let second: f64 = v[4..].parse().map_err(|_| err())?;
    if hour > 23 || minute > 59 || !(0.0..61.0).contains(&second) {
        return Err(err());
    }
    Ok(Some(UtcTime { hour, minute, second }))
}

/// `ddmm.mmmm` (or `dddmm.mmmm`) with its hemisphere, in degrees.
fn angle(sentence: &'static str, name: &'static str, v: &str, hemi: &str, max: f64) -> Result<Option<f64>, NmeaError> {
    if v.is_empty() {
        return Ok(None);
    }
    let err = || bad(sentence, name, v);
    let dot = v.find('.').unwrap_or(v.len());
    if dot < 3 || !v.is_ascii() {
        return Err(err());
    }
    let degrees: f64 = v[..dot - 2].parse().map_err(|_| err())?;
    let minutes: f64 = v[dot - 2..].parse().map_err(|_| err())?;
    if !(0.0..60.0).contains(&minutes) {
        return Err(err());
    }
    let value = degrees + minutes / 60.0;
    let sign = match hemi {
        "N" | "E" => 1.0,
        "S" | "W" => -1.0,
        other => return Err(bad(sentence, "hemisphere", other)),
    };
    if value > max {
        return Err(err());
    }
    Ok(Some(sign * value))
}

fn position(sentence: &'static str, fields: &[&str], at: usize) -> Result<Option<(f64, f64)>, NmeaError> {
    let lat = angle(sentence, "latitude", field(fields, at), field(fields, at + 1), 90.0)?;
    let lon = angle(sentence, "longitude", field(fields, at + 2), field(fields, at + 3), 180.0)?;
    Ok(lon.zip(lat))
}

fn gga(f: &[&str]) -> Result<Gga, NmeaError> {
    const S: &str = "GGA";
    let quality = FixQuality::from_code(number(S, "quality", f, 6)?.unwrap_or(0));
    let position = if quality == FixQuality::Invalid { None } else { position(S, f, 2)? };
    Ok(Gga {
        time: time(S, field(f, 1))?,
        position,
        quality,
        satellites: number(S, "satellites", f, 7)?,
        hdop: number(S, "hdop", f, 8)?,
        altitude_m: number(S, "altitude", f, 9)?,
    })
}

fn rmc(f: &[&str]) -> Result<Rmc, NmeaError> {
    const S: &str = "RMC";
    let valid = field(f, 2) == "A";
    Ok(Rmc {
        time: time(S, field(f, 1))?,
        valid,
        position: if valid { position(S, f, 3)? } else { None },
        speed_kmh: number::<f64>(S, "speed", f, 7)?.map(|knots| knots * 1.852),
        course_deg: number(S, "course", f, 8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends the checksum NMEA wants to a sentence body.
    fn with_sum(body: &str) -> String {
        let sum = body.bytes().fold(0u8, |a, b| a ^ b);
        format!("${body}*{sum:02X}")
    }

    #[test]
    fn a_beidou_gga_gives_position_quality_satellites_and_hdop() {
        let line = with_sum("BDGGA,092750.000,3722.9876,N,11800.1234,E,2,08,1.03,15.2,M,-4.0,M,,");
        let Sentence::Gga(g) = parse(&line).unwrap() else { panic!() };
        let (lon, lat) = g.position.unwrap();
        assert!((lat - (37.0 + 22.9876 / 60.0)).abs() < 1e-12);
        assert!((lon - (118.0 + 0.1234 / 60.0)).abs() < 1e-12);
        assert_eq!(g.quality, FixQuality::Differential);
        assert_eq!((g.satellites, g.hdop, g.altitude_m), (Some(8), Some(1.03), Some(15.2)));
        assert_eq!(g.time, Some(UtcTime { hour: 9, minute: 27, second: 50.0 }));
    }

    #[test]
    fn a_gga_without_a_fix_has_no_position() {
        let Sentence::Gga(g) = parse(&with_sum("GNGGA,092750.00,,,,,0,00,99.99,,,,,,")).unwrap() else { panic!() };
        assert_eq!((g.position, g.quality), (None, FixQuality::Invalid));
    }

    #[test]
    fn an_rmc_gives_speed_in_kmh_and_a_void_one_no_position() {
        let line = with_sum("GNRMC,092751.00,A,3722.9876,N,11800.1234,E,10.0,45.5,011226,,,A");
        let Sentence::Rmc(r) = parse(&line).unwrap() else { panic!() };
        assert!(r.valid && r.position.is_some());
        assert!((r.speed_kmh.unwrap() - 18.52).abs() < 1e-9);
        assert_eq!(r.course_deg, Some(45.5));
        let Sentence::Rmc(v) = parse(&with_sum("GPRMC,092751.00,V,,,,,,,011226,,,N")).unwrap() else { panic!() };
        assert!(!v.valid && v.position.is_none());
    }

    #[test]
    fn southern_and_western_positions_are_negative() {
        let line = with_sum("GPGGA,120000,3352.000,S,15112.000,W,1,05,1.5,10,M,,M,,");
        let Sentence::Gga(g) = parse(&line).unwrap() else { panic!() };
        let (lon, lat) = g.position.unwrap();
        assert!((lat + 33.866_666_666).abs() < 1e-6 && (lon + 151.2).abs() < 1e-9);
    }

    #[test]
    fn a_wrong_checksum_or_a_garbled_line_is_refused_with_a_reason() {
        let good = with_sum("GNGGA,092750.00,3722.9876,N,11800.1234,E,1,08,1.0,15.2,M,,M,,");
        let broken = good.replace("3722", "3723");
        assert!(matches!(parse(&broken), Err(NmeaError::Checksum { .. })));
        assert!(matches!(parse("hello"), Err(NmeaError::NotASentence(_))));
        let bad_lat = with_sum("GNGGA,092750.00,37x2.9876,N,11800.1234,E,1,08,1.0,15.2,M,,M,,");
        let e = parse(&bad_lat).unwrap_err();
        assert!(e.to_string().contains("latitude") && e.zh().contains("latitude"), "{e}");
        let bad_hemi = with_sum("GNGGA,092750.00,3722.9876,Q,11800.1234,E,1,08,1.0,15.2,M,,M,,");
        assert!(parse(&bad_hemi).is_err());
    }

    #[test]
    fn other_sentences_are_recognised_and_skipped() {
        assert_eq!(parse(&with_sum("GPGSV,3,1,11,03,03,111,00")).unwrap(), Sentence::Other("GPGSV".into()));
    }

    #[test]
    fn garbage_never_panics() {
        for line in
            ["$", "$*", "$GP", "$GPGGA,", "$GPGGA,1,2,3", "$GNGGA,99", "$GNRMC,ééé,A,1,N,2,E", "$GNGGA,123456,1.5,N"]
        {
            let _ = parse(line);
        }
    }
}
