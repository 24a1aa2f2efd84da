//! Reading a position as people write it in survey reports and chats:
//! decimal degrees in either order, degrees-minutes-seconds with symbols or
//! 度分秒 and hemispheres, degrees and decimal minutes, CGCS2000
//! Gauss–Krüger `X=… Y=…` (surveyors' X is the northing), and a `gcj02`
//! flag for positions read off AMap. The result is always WGS 84.

use crate::crs::{self, Crs};

/// A position read from text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Located {
    /// WGS 84 longitude, degrees.
    pub lon: f64,
    /// WGS 84 latitude, degrees.
    pub lat: f64,
    /// How the text gave it.
    pub from: Crs,
}

/// Why a text could not be read as a position; each says what was expected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LocateError {
    /// Nothing that looks like two coordinates.
    #[error(
        "expected two coordinates, e.g. \"118.0123, 37.3821\", \"118°0′44.3″E 37°22′55.6″N\" or \"X=4140504.8 Y=39591114.3\""
    )]
    NotCoordinates,
    /// Both numbers could be the latitude: say which is which (N/E, or lon first).
    #[error("{a} and {b} could each be the latitude: add N/E (or 北纬/东经) to say which is which")]
    Ambiguous {
        /// The first number.
        a: f64,
        /// The second number.
        b: f64,
    },
    /// A number is out of range for what it is.
    #[error("{0}")]
    OutOfRange(String),
    /// A 6-digit Gauss–Krüger easting without its zone.
    #[error("Y={y} has no zone prefix: write the 8-digit Y (39… or 40…) or add \"zone 39\" / \"zone 40\"")]
    NeedZone {
        /// The easting given.
        y: f64,
    },
}

impl crate::model::Bilingual for LocateError {
    fn zh(&self) -> String {
        match self {
            LocateError::NotCoordinates => {
                "需要两个坐标，例如 “118.0123, 37.3821”、“东经118度0分44.3秒 北纬37度22分55.6秒” 或 “X=4140504.8 Y=39591114.3”"
                    .into()
            }
            LocateError::Ambiguous { a, b } => format!("{a} 和 {b} 都可能是纬度：请加上 N/E（或 北纬/东经）"),
            LocateError::OutOfRange(why) => format!("超出范围：{why}"),
            LocateError::NeedZone { y } => {
                format!("Y={y} 没有带号：请写 8 位的 Y（39… 或 40…），或加上 “带号39” / “带号40”")
            }
        }
    }
}

/// One number with its degree/minute/second parts and hemisphere, if given.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Angle {
    value: f64,
    /// `Some(true)` for a latitude (N/S, 北纬/南纬), `Some(false)` for a longitude.
    is_lat: Option<bool>,
}

fn normalise(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '，' | '、' | ';' | '；' => ',',
            '：' => ':',
            '＝' => '=',
            '（' | '(' | '）' | ')' => ' ',
            '′' | '’' | '‘' => '\'',
            '″' | '”' | '“' => '"',
            'º' | '˚' => '°',
            '\u{3000}' => ' ',
            c => c,
        };
        s.push(c);
    }
    s.replace("''", "\"")
}

/// Splits off the `gcj02` flag, wherever it is.
fn take_gcj(s: &str) -> (String, bool) {
    let lower = s.to_lowercase();
    for flag in ["gcj-02", "gcj02", "gcj", "高德", "火星坐标"] {
        if let Some(at) = lower.find(flag) {
            let mut out = s.to_string();
            out.replace_range(at..at + flag.len(), " ");
            return (out, true);
        }
    }
    (s.to_string(), false)
}

/// Reads "X=… Y=…" (either order, with optional "zone N").
fn gauss_kruger(s: &str) -> Option<Result<Located, LocateError>> {
    let lower = s.to_lowercase();
    let value_after = |key: char| -> Option<f64> {
        let at = lower.find(key).filter(|&i| {
            lower[i + 1..].trim_start().starts_with('=') || lower[i + 1..].trim_start().starts_with(':')
        })?;
        let rest = lower[at + 1..].trim_start().trim_start_matches(['=', ':']).trim_start();
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(rest.len());
        rest[..end].parse().ok()
    };
    let (x, y) = (value_after('x')?, value_after('y')?);
    let zone = ["zone", "带", "带号"].iter().find_map(|k| {
        let at = lower.find(k)?;
        let rest = lower[at + k.len()..].trim_start().trim_start_matches([':', '=']).trim_start();
        let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        rest[..end].parse::<u32>().ok()
    });
    let crs = if y >= 1e7 {
        match (y / 1e6).floor() as u32 {
            39 => Crs::Cgcs2000GkZone39,
            40 => Crs::Cgcs2000GkZone40,
            z => return Some(Err(LocateError::OutOfRange(format!("Y={y}: zone {z} is not Binzhou's (39 or 40)")))),
        }
    } else {
        match zone {
            Some(39) => Crs::Cgcs2000GkCm117,
            Some(40) => Crs::Cgcs2000GkCm120,
            Some(z) => return Some(Err(LocateError::OutOfRange(format!("zone {z} is not Binzhou's (39 or 40)")))),
            None => return Some(Err(LocateError::NeedZone { y })),
        }
    };
    // Surveyors' X is the northing, Y the easting.
    Some(
        crs::to_wgs84(crs, y, x)
            .map(|(lon, lat)| Located { lon, lat, from: crs })
            .map_err(|e| LocateError::OutOfRange(e.to_string())),
    )
}

/// The angles in the text, each with its parts and hemisphere.
fn angles(s: &str) -> Vec<Angle> {
    // Hemisphere words go with the number after them (东经118) or before (118E).
    let words = [
        ("北纬", true, 1.0),
        ("南纬", true, -1.0),
        ("东经", false, 1.0),
        ("西经", false, -1.0),
        ("纬度", true, 1.0),
        ("经度", false, 1.0),
        ("lat", true, 1.0),
        ("lon", false, 1.0),
        ("lng", false, 1.0),
    ];
    let mut out: Vec<Angle> = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut pending: Option<(bool, f64)> = None;
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        if let Some((w, lat, sign)) = words.iter().find(|(w, _, _)| rest.to_lowercase().starts_with(w)) {
            pending = Some((*lat, *sign));
            i += w.chars().count();
            continue;
        }
        let c = chars[i];
        if c.is_ascii_digit()
            || ((c == '-' || c == '+' || c == '.') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            // A number, then its unit (°, ', ", 度, 分, 秒), then maybe more parts.
            let mut parts: Vec<(f64, char)> = Vec::new();
            loop {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_digit() || chars[i] == '.' || (i == start && matches!(chars[i], '-' | '+')))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let Ok(v) = text.parse::<f64>() else { break };
                while i < chars.len() && chars[i] == ' ' {
                    i += 1;
                }
                let unit = match chars.get(i) {
                    Some('°') | Some('度') => 'd',
                    Some('\'') | Some('分') => 'm',
                    Some('"') | Some('秒') => 's',
                    _ => ' ',
                };
                if unit != ' ' {
                    i += 1;
                }
                parts.push((v, unit));
                if unit == ' ' || unit == 's' {
                    break;
                }
                while i < chars.len() && chars[i] == ' ' {
                    i += 1;
                }
                if !chars.get(i).is_some_and(|d| d.is_ascii_digit()) {
                    break;
                }
            }
            let negative = parts.first().is_some_and(|p| p.0 < 0.0);
            let mut value = 0.0;
            for (k, (v, unit)) in parts.iter().enumerate() {
                let v = v.abs();
                value += match (unit, k) {
                    ('m', _) => v / 60.0,
                    ('s', _) => v / 3600.0,
                    _ => v,
                };
            }
            if negative {
                value = -value;
            }
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            let mut is_lat = None;
            let prefixed = pending.is_some();
            if let Some((lat, sign)) = pending.take() {
                is_lat = Some(lat);
                value *= sign;
            }
            // A hemisphere letter after the number, unless one came before it
            // (then the letter belongs to the next number: N37.38 E118.01).
            let suffix = if prefixed { None } else { chars.get(i).map(|c| c.to_ascii_uppercase()) };
            match suffix {
                Some('N') => (is_lat, i) = (Some(true), i + 1),
                Some('S') => (is_lat, value, i) = (Some(true), -value.abs(), i + 1),
                Some('E') => (is_lat, i) = (Some(false), i + 1),
                Some('W') => (is_lat, value, i) = (Some(false), -value.abs(), i + 1),
                _ => {}
            }
            out.push(Angle { value, is_lat });
            continue;
        }
        if let Some(h) = ['N', 'S', 'E', 'W'].iter().find(|h| c == **h) {
            // A hemisphere letter before its number (N37°…), not inside a word.
            let alone = i == 0 || !chars[i - 1].is_alphabetic();
            if alone && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit() || *d == ' ') {
                pending = Some(match h {
                    'N' => (true, 1.0),
                    'S' => (true, -1.0),
                    'E' => (false, 1.0),
                    _ => (false, -1.0),
                });
            }
        }
        i += 1;
    }
    out
}

/// Reads a position; `gcj02` says the text is GCJ-02 even without the flag.
///
/// ```
/// use binzhou_core::locate::locate;
/// let p = locate("东经118度0分44.3秒 北纬37度22分55.6秒").unwrap();
/// assert!((p.lon - 118.012306).abs() < 1e-6 && (p.lat - 37.382111).abs() < 1e-6);
/// let q = locate("37.3821, 118.0123").unwrap();
/// assert_eq!((q.lon, q.lat), (118.0123, 37.3821));
/// ```
pub fn locate(text: &str) -> Result<Located, LocateError> {
    let (s, gcj) = take_gcj(&normalise(text));
    if let Some(r) = gauss_kruger(&s) {
        return r;
    }
    let a = angles(&s);
    let [first, second] = a[..] else { return Err(LocateError::NotCoordinates) };
    let (lon, lat) = match (first.is_lat, second.is_lat) {
        (Some(true), _) | (_, Some(false)) => (second.value, first.value),
        (Some(false), _) | (_, Some(true)) => (first.value, second.value),
        (None, None) => {
            let (x, y) = (first.value, second.value);
            match (x.abs() > 90.0, y.abs() > 90.0) {
                (true, false) => (x, y),
                (false, true) => (y, x),
                (true, true) => return Err(LocateError::OutOfRange(format!("{x} and {y} are both beyond ±90°"))),
                (false, false) => return Err(LocateError::Ambiguous { a: x, b: y }),
            }
        }
    };
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(LocateError::OutOfRange(format!("longitude {lon}, latitude {lat}: not on the Earth")));
    }
    if gcj {
        let (lon, lat) = crs::to_wgs84(Crs::Gcj02, lon, lat).map_err(|e| LocateError::OutOfRange(e.to_string()))?;
        return Ok(Located { lon, lat, from: Crs::Gcj02 });
    }
    Ok(Located { lon, lat, from: Crs::Wgs84 })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CENTRE: (f64, f64) = (118.0 + 44.3 / 3600.0, 37.0 + 22.0 / 60.0 + 55.6 / 3600.0);

    #[track_caller]
    fn near(text: &str, lon: f64, lat: f64) {
        let p = locate(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        // 1e-6° is about 0.1 m.
        assert!((p.lon - lon).abs() < 1e-6 && (p.lat - lat).abs() < 1e-6, "{text:?} → {p:?}, want ({lon}, {lat})");
    }

    #[test]
    fn decimal_degrees_in_either_order_and_with_chinese_punctuation() {
        for t in
            ["118.0123, 37.3821", "37.3821, 118.0123", "118.0123 37.3821", "118.0123，37.3821", "(118.0123, 37.3821)"]
        {
            near(t, 118.0123, 37.3821);
        }
        near("37.3821N 118.0123E", 118.0123, 37.3821);
        near("N37.3821 E118.0123", 118.0123, 37.3821);
        near("lat 37.3821 lon 118.0123", 118.0123, 37.3821);
        near("经度：118.0123 纬度：37.3821", 118.0123, 37.3821);
    }

    #[test]
    fn degrees_minutes_seconds_with_symbols_quotes_or_chinese_units() {
        let (lon, lat) = CENTRE;
        for t in [
            "118°0′44.3″E 37°22′55.6″N",
            "37°22′55.6″N 118°0′44.3″E",
            "118°0'44.3\"E, 37°22'55.6\"N",
            "118° 0' 44.3\" E 37° 22' 55.6\" N",
            "东经118度0分44.3秒 北纬37度22分55.6秒",
            "北纬37度22分55.6秒，东经118度0分44.3秒",
            "118º0’44.3”E 37º22’55.6”N",
            "118°0'44.3''E 37°22'55.6''N",
        ] {
            near(t, lon, lat);
        }
        near("118°0.7383′E 37°22.9267′N", 118.0 + 0.7383 / 60.0, 37.0 + 22.9267 / 60.0);
        near("118°E 37.5°N", 118.0, 37.5);
        near("33°51′S 151°12′E", 151.2, -(33.0 + 51.0 / 60.0));
    }

    #[test]
    fn gauss_kruger_x_is_the_northing_with_the_zone_from_the_prefix_or_given() {
        // The reference pair of the CRS tests: 39585998 / 4139237 ≈ (118.0, 37.38) in zone 39.
        let (lon, lat) = crs::to_wgs84(Crs::Cgcs2000GkZone39, 39_585_998.0, 4_139_237.0).unwrap();
        near("X=4139237 Y=39585998", lon, lat);
        near("Y=39585998, X=4139237", lon, lat);
        near("x：4139237 y：39585998", lon, lat);
        near("X=4139237 Y=585998 zone 39", lon, lat);
        near("X=4139237 Y=585998 带号39", lon, lat);
        assert!(matches!(locate("X=4139237 Y=585998"), Err(LocateError::NeedZone { .. })));
        assert!(matches!(locate("X=4139237 Y=38585998"), Err(LocateError::OutOfRange(_))));
    }

    #[test]
    fn a_gcj02_flag_shifts_the_point_back_to_wgs84() {
        let (glon, glat) = crs::from_wgs84(Crs::Gcj02, 118.0123, 37.3821).unwrap();
        for t in [format!("gcj02 {glon}, {glat}"), format!("{glon},{glat} GCJ-02"), format!("高德 {glat} {glon}")] {
            let p = locate(&t).unwrap();
            assert_eq!(p.from, Crs::Gcj02);
            // The inverse is iterative: good to a few centimetres.
            assert!((p.lon - 118.0123).abs() < 1e-6 && (p.lat - 37.3821).abs() < 1e-6, "{t}: {p:?}");
        }
    }

    #[test]
    fn what_cannot_be_read_says_what_was_expected() {
        for t in ["", "滨州市", "118.0123", "1 2 3", "X=4139237"] {
            assert_eq!(locate(t), Err(LocateError::NotCoordinates), "{t:?}");
        }
        assert!(matches!(locate("37.38, 18.01"), Err(LocateError::Ambiguous { .. })));
        assert!(matches!(locate("190.0, 200.0"), Err(LocateError::OutOfRange(_))));
        assert!(matches!(locate("118.0E 95.0N"), Err(LocateError::OutOfRange(_))));
        assert!(LocateError::NotCoordinates.to_string().contains("118.0123, 37.3821"));
    }
}
