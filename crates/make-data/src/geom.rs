//! Plane geometry helpers in local metres, conversions to lon/lat, and the
//! geodesic measures (from `geo`) used by the self-check.
//!
//! Trigonometry is done here with plain IEEE arithmetic so the generated
//! coordinates are the same on every platform.

use geo::{Geodesic, GeodesicArea, Length, LineString, Polygon};

/// WGS84 lon, lat in degrees.
pub type Ll = [f64; 2];
/// Local east, north in metres.
pub type Xy = [f64; 2];

const PI: f64 = std::f64::consts::PI;

/// sin by range reduction and a Taylor series (|error| < 1e-15 on [-π, π]).
pub fn sin(x: f64) -> f64 {
    let tau = 2.0 * PI;
    let x = x - (x / tau).round() * tau;
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    for k in 1..16 {
        let k = k as f64;
        term *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
        sum += term;
    }
    sum
}

pub fn cos(x: f64) -> f64 {
    sin(x + PI / 2.0)
}

pub fn deg(d: f64) -> f64 {
    d * PI / 180.0
}

/// Metres per degree of latitude and of longitude at a latitude (WGS84 series).
pub fn metres_per_degree(lat: f64) -> (f64, f64) {
    let p = deg(lat);
    let m_lat = 111_132.92 - 559.82 * cos(2.0 * p) + 1.175 * cos(4.0 * p);
    let m_lon = 111_412.84 * cos(p) - 93.5 * cos(3.0 * p);
    (m_lat, m_lon)
}

/// An equirectangular frame around a point, fine for a few kilometres.
#[derive(Clone, Copy)]
pub struct Local {
    lon0: f64,
    lat0: f64,
    m_lat: f64,
    m_lon: f64,
}

impl Local {
    pub fn at(p: Ll) -> Self {
        let (m_lat, m_lon) = metres_per_degree(p[1]);
        Local { lon0: p[0], lat0: p[1], m_lat, m_lon }
    }

    pub fn to_ll(self, p: Xy) -> Ll {
        [self.lon0 + p[0] / self.m_lon, self.lat0 + p[1] / self.m_lat]
    }

    pub fn to_xy(self, p: Ll) -> Xy {
        [(p[0] - self.lon0) * self.m_lon, (p[1] - self.lat0) * self.m_lat]
    }

    pub fn all_to_ll(&self, v: &[Xy]) -> Vec<Ll> {
        v.iter().map(|p| self.to_ll(*p)).collect()
    }

    pub fn all_to_xy(&self, v: &[Ll]) -> Vec<Xy> {
        v.iter().map(|p| self.to_xy(*p)).collect()
    }
}

/// Rounds to 6 decimals (about 0.1 m), as written to the files.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub fn round_all(v: &[Ll]) -> Vec<Ll> {
    v.iter().map(|p| [round6(p[0]), round6(p[1])]).collect()
}

fn dist(a: Xy, b: Xy) -> f64 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt()
}

#[cfg(test)]
pub fn len_xy(v: &[Xy]) -> f64 {
    v.windows(2).map(|w| dist(w[0], w[1])).sum()
}

fn lerp(a: Xy, b: Xy, t: f64) -> Xy {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

/// The part of a polyline from `start` metres to `start + len` metres
/// (shorter when the polyline ends first).
pub fn sub_path(v: &[Xy], start: f64, len: f64) -> Vec<Xy> {
    let end = start + len;
    let mut out = Vec::new();
    let mut at = 0.0;
    for w in v.windows(2) {
        let l = dist(w[0], w[1]);
        let (s0, s1) = (at, at + l);
        if s1 > start && s0 < end && l > 0.0 {
            if out.is_empty() {
                out.push(lerp(w[0], w[1], ((start - s0) / l).max(0.0)));
            }
            if s1 <= end {
                out.push(w[1]);
            } else {
                out.push(lerp(w[0], w[1], (end - s0) / l));
            }
        }
        at = s1;
    }
    out
}

/// The polyline moved sideways by `d` metres (positive = to the left).
pub fn offset(v: &[Xy], d: f64) -> Vec<Xy> {
    let n = v.len();
    let normal = |i: usize| {
        let (a, b) = (v[i], v[i + 1]);
        let l = dist(a, b).max(1e-9);
        [-(b[1] - a[1]) / l, (b[0] - a[0]) / l]
    };
    (0..n)
        .map(|i| {
            let nm = match i {
                0 => normal(0),
                _ if i == n - 1 => normal(n - 2),
                _ => {
                    let (p, q) = (normal(i - 1), normal(i));
                    let s = [p[0] + q[0], p[1] + q[1]];
                    let l = (s[0] * s[0] + s[1] * s[1]).sqrt().max(1e-9);
                    // Keep the offset distance at the joint (miter), capped.
                    let c = ((s[0] * p[0] + s[1] * p[1]) / l).max(0.5);
                    [s[0] / l / c, s[1] / l / c]
                }
            };
            [v[i][0] + d * nm[0], v[i][1] + d * nm[1]]
        })
        .collect()
}

/// Where segment ab crosses segment cd, as the fraction along ab.
fn seg_cross(a: Ll, b: Ll, c: Ll, d: Ll) -> Option<f64> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let den = r[0] * s[1] - r[1] * s[0];
    if den.abs() < 1e-18 {
        return None;
    }
    let q = [c[0] - a[0], c[1] - a[1]];
    let t = (q[0] * s[1] - q[1] * s[0]) / den;
    let u = (q[0] * r[1] - q[1] * r[0]) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

/// Points where two polylines cross.
pub fn crossings(a: &[Ll], b: &[Ll]) -> Vec<Ll> {
    let mut out = Vec::new();
    for w in a.windows(2) {
        for z in b.windows(2) {
            if let Some(t) = seg_cross(w[0], w[1], z[0], z[1]) {
                out.push(lerp(w[0], w[1], t));
            }
        }
    }
    out
}

/// Twice the signed planar area of a closed ring (positive = counter-clockwise).
fn signed2(ring: &[Ll]) -> f64 {
    ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum()
}

/// Closes the ring and makes it counter-clockwise, as RFC 7946 asks of exteriors.
pub fn closed_ccw(mut ring: Vec<Ll>) -> Vec<Ll> {
    if ring.first() != ring.last() {
        ring.push(ring[0]);
    }
    if signed2(&ring) < 0.0 {
        ring.reverse();
    }
    ring
}

pub fn is_ccw(ring: &[Ll]) -> bool {
    signed2(ring) > 0.0
}

pub fn linestring(v: &[Ll]) -> LineString<f64> {
    v.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>().into()
}

pub fn polygon(ring: &[Ll]) -> Polygon<f64> {
    Polygon::new(linestring(ring), vec![])
}

/// Geodesic length on WGS84, km.
pub fn geodesic_km(v: &[Ll]) -> f64 {
    Geodesic.length(&linestring(v)) / 1000.0
}

/// Geodesic area on WGS84, m².
pub fn geodesic_m2(ring: &[Ll]) -> f64 {
    polygon(ring).geodesic_area_unsigned()
}

/// A closed, counter-clockwise ellipse ring in local metres.
pub fn ellipse(c: Xy, a: f64, b: f64, rot_deg: f64, n: usize) -> Vec<Xy> {
    let (cr, sr) = (cos(deg(rot_deg)), sin(deg(rot_deg)));
    let mut v: Vec<Xy> = (0..n)
        .map(|i| {
            let t = 2.0 * PI * i as f64 / n as f64;
            let (x, y) = (a * cos(t), b * sin(t));
            [c[0] + x * cr - y * sr, c[1] + x * sr + y * cr]
        })
        .collect();
    v.push(v[0]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_sine_matches_the_standard_library() {
        for i in -100..100 {
            let x = i as f64 * 0.173;
            assert!((sin(x) - x.sin()).abs() < 1e-12);
            assert!((cos(x) - x.cos()).abs() < 1e-12);
        }
    }

    #[test]
    fn a_sub_path_has_the_asked_length() {
        let v = vec![[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]];
        let s = sub_path(&v, 50.0, 100.0);
        assert!((len_xy(&s) - 100.0).abs() < 1e-9);
        assert_eq!(s.last(), Some(&[100.0, 50.0]));
    }
}
