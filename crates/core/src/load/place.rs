//! Puts every site of a freshly read file in WGS84: works out the file's
//! coordinate system (the caller's choice, the legacy `crs` member, or the
//! magnitude of the numbers), converts, range-checks and boxes each site.
//! Every conversion is reported as a notice, never done silently.

use std::collections::HashMap;

use geo::{CoordsIter, MapCoordsInPlace};

use super::CrsMember;
use crate::crs::{self, Crs, Detection};
use crate::model::{Bilingual, Code, Dataset, Problem, Severity, Site};

/// How many sites' first positions decide what a file without `crs` is in.
const SAMPLE: usize = 256;

pub(crate) fn place_in_wgs84(ds: &mut Dataset, label: &str, head_crs: Option<CrsMember>, forced: Option<Crs>) {
    let notice = |ds: &mut Dataset, sev: Severity, code: Code| {
        ds.problems.push(Problem::file_level(sev, label, code));
    };
    let mut swapped = false;
    let source: Option<Crs> = if let Some(c) = forced {
        notice(ds, Severity::Notice, Code::CrsForced { crs: c.label().to_string() });
        Some(c)
    } else {
        let declared = match &head_crs {
            Some(CrsMember::Named(name)) => match crs::parse_crs_name(name) {
                Some(c) => Some(c),
                None => {
                    notice(ds, Severity::Warning, Code::CrsUnknown { name: name.clone() });
                    None
                }
            },
            Some(CrsMember::Unreadable(raw)) => {
                notice(ds, Severity::Warning, Code::CrsUnreadable { raw: raw.clone() });
                None
            }
            None => None,
        };
        match declared {
            Some(c) => {
                if c != Crs::Wgs84 {
                    notice(ds, Severity::Notice, Code::CrsDeclared { crs: c.label().to_string() });
                }
                Some(c)
            }
            None => {
                let sample: Vec<(f64, f64)> = ds
                    .sites
                    .iter()
                    .take(SAMPLE)
                    .filter_map(|s| s.geometry.coords_iter().next().map(|c| (c.x, c.y)))
                    .collect();
                match crs::detect(&sample) {
                    Detection::Wgs84 => None,
                    Detection::GaussKruger { crs, swapped: sw } => {
                        swapped = sw;
                        notice(ds, Severity::Notice, Code::CrsDetected { crs: crs.label().to_string(), swapped: sw });
                        Some(crs)
                    }
                    Detection::Unknown => None,
                }
            }
        }
    };
    let convert = source.filter(|c| !matches!(c, Crs::Wgs84 | Crs::Cgcs2000));
    if let Some(f) = ds.files.first_mut() {
        f.crs = convert;
        f.swapped = swapped && convert.is_some();
    }
    let mut dropped: Vec<Problem> = Vec::new();
    ds.sites.retain_mut(|s| {
        if let Some(c) = convert {
            let result = map_coords(&mut s.geometry, &|co| {
                let (x, y) = if swapped { (co.y, co.x) } else { (co.x, co.y) };
                crs::to_wgs84(c, x, y).map(|(lon, lat)| geo::Coord { x: lon, y: lat })
            });
            if let Err(msg) = result {
                let code = Code::CrsConversionFailed { crs: c.label().to_string(), detail: msg.msg() };
                dropped.push(feature_problem(s, label, code));
                return false;
            }
            let g = std::mem::replace(&mut s.geometry, geo::Geometry::Point(geo::Point::new(0.0, 0.0)));
            s.set_geometry(g);
        }
        // The box holds every position, so checking its corners checks them all.
        let (lo, hi) = (s.bbox.min(), s.bbox.max());
        if in_wgs84_range(lo.x, lo.y) && in_wgs84_range(hi.x, hi.y) {
            return true;
        }
        let bad = s.geometry.coords_iter().find(|c| !in_wgs84_range(c.x, c.y)).unwrap_or(lo);
        let metres = bad.x.abs() > 1000.0 || bad.y.abs() > 1000.0;
        dropped.push(feature_problem(s, label, Code::OutOfRange { x: bad.x, y: bad.y, metres }));
        false
    });
    let kept = &ds.sites;
    if let Some(c) = convert {
        notice(ds, Severity::Notice, Code::Converted { features: kept.len(), crs: c.label().to_string() });
    }
    ds.problems.extend(dropped);
    // Problems point at their feature's place when it loaded.
    if ds.problems.iter().any(|p| p.location.is_none() && p.feature.is_some()) {
        let at: HashMap<u32, geo::Rect<f64>> =
            ds.sites.iter().filter_map(|s| s.located_bbox().map(|b| (s.origin.index, b))).collect();
        for p in &mut ds.problems {
            if p.location.is_none()
                && let Some(i) = p.feature
            {
                p.location = at.get(&(i as u32)).copied();
            }
        }
    }
}
type CoordFn<'a> = &'a dyn Fn(geo::Coord<f64>) -> Result<geo::Coord<f64>, crs::CrsError>;

/// Maps every position of a geometry, recursing into collections by hand
/// (geo's own recursion over collections does not monomorphise with a
/// fallible closure).
fn map_coords(g: &mut geo::Geometry<f64>, f: CoordFn) -> Result<(), crs::CrsError> {
    use geo::Geometry as G;
    match g {
        G::GeometryCollection(c) => c.0.iter_mut().try_for_each(|g| map_coords(g, f)),
        G::Point(x) => x.try_map_coords_in_place(f),
        G::Line(x) => x.try_map_coords_in_place(f),
        G::LineString(x) => x.try_map_coords_in_place(f),
        G::Polygon(x) => x.try_map_coords_in_place(f),
        G::MultiPoint(x) => x.try_map_coords_in_place(f),
        G::MultiLineString(x) => x.try_map_coords_in_place(f),
        G::MultiPolygon(x) => x.try_map_coords_in_place(f),
        G::Rect(x) => x.try_map_coords_in_place(f),
        G::Triangle(x) => x.try_map_coords_in_place(f),
    }
}

fn in_wgs84_range(x: f64, y: f64) -> bool {
    x.is_finite() && y.is_finite() && (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)
}

fn feature_problem(s: &Site, label: &str, code: Code) -> Problem {
    Problem {
        severity: Severity::Error,
        file: label.to_string(),
        feature: Some(s.origin.index as usize),
        feature_id: Some(s.id().to_string()),
        field: Some("geometry".into()),
        code,
        location: None,
    }
}
