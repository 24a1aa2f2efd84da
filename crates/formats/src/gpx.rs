//! GPX from GNSS receivers and phone apps (两步路, 奥维, OsmAnd): waypoints,
//! tracks and routes, WGS 84.
//!
//! Each kind present is its own layer, since a layer is drawn with one
//! symbol: waypoints are points (`name`, `desc`, `cmt`, `time`, `ele`, `sym`,
//! `type` as properties), each track is one LineString (a MultiLineString
//! when it has several segments) with its `name`, `desc`, `type`, number of
//! points and first and last `time`, and each route is a LineString. A file
//! with one kind gives one layer named after the file; with several, the
//! layers are `<stem>-waypoints`, `<stem>-tracks` and `<stem>-routes`.

use std::path::Path;

use binzhou_core::crs::Crs;
use binzhou_core::model::{Code, Msg, Problem, Severity};
use serde_json::{Map, Value, json};

use crate::{Detected, FormatError, Opened, OpenedLayer, ReadOptions};

/// Reads a GPX file: a layer per kind present (waypoints, tracks, routes),
/// or only the one `opts.layer` names (`waypoints`, `tracks`, `routes`, or
/// the layer's full name).
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Opened, FormatError> {
    let file = std::fs::File::open(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })?;
    let gpx = gpx::read(std::io::BufReader::new(file)).map_err(|e| FormatError::Unreadable {
        path: path.to_path_buf(),
        detail: format!("not readable as GPX: {e}"),
    })?;
    let label = path.display().to_string();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();

    // (key, English, Chinese, features, problems) for each kind present.
    let mut kinds: Vec<Kind> = Vec::new();
    if !gpx.waypoints.is_empty() {
        let features = gpx.waypoints.iter().map(|w| feature(waypoint_properties(w), point(w))).collect();
        kinds.push(("waypoints", "waypoints", "航点", features, Vec::new()));
    }
    if !gpx.tracks.is_empty() {
        let mut features = Vec::new();
        let mut problems = Vec::new();
        for (i, t) in gpx.tracks.iter().enumerate() {
            let lines: Vec<Vec<[f64; 2]>> = t
                .segments
                .iter()
                .map(|s| s.points.iter().map(|p| [p.point().x(), p.point().y()]).collect::<Vec<_>>())
                .filter(|l| l.len() >= 2)
                .collect();
            let points: Vec<&gpx::Waypoint> = t.segments.iter().flat_map(|s| &s.points).collect();
            let mut props = Map::new();
            put(&mut props, "name", t.name.as_deref());
            put(&mut props, "desc", t.description.as_deref());
            put(&mut props, "cmt", t.comment.as_deref());
            put(&mut props, "type", t.type_.as_deref());
            props.insert("points".into(), Value::from(points.len()));
            let times: Vec<String> = points.iter().filter_map(|p| p.time.and_then(time_text)).collect();
            put(&mut props, "start", times.first().map(String::as_str));
            put(&mut props, "end", times.last().map(String::as_str));
            let geometry = match lines.len() {
                0 => {
                    problems.push(short(&label, "track", "轨迹", i, t.name.as_deref()));
                    continue;
                }
                1 => json!({"type": "LineString", "coordinates": lines[0]}),
                _ => json!({"type": "MultiLineString", "coordinates": lines}),
            };
            features.push(feature(props, geometry));
        }
        kinds.push(("tracks", "tracks", "轨迹", features, problems));
    }
    if !gpx.routes.is_empty() {
        let mut features = Vec::new();
        let mut problems = Vec::new();
        for (i, r) in gpx.routes.iter().enumerate() {
            let line: Vec<[f64; 2]> = r.points.iter().map(|p| [p.point().x(), p.point().y()]).collect();
            if line.len() < 2 {
                problems.push(short(&label, "route", "路线", i, r.name.as_deref()));
                continue;
            }
            let mut props = Map::new();
            put(&mut props, "name", r.name.as_deref());
            put(&mut props, "desc", r.description.as_deref());
            put(&mut props, "cmt", r.comment.as_deref());
            put(&mut props, "type", r.type_.as_deref());
            features.push(feature(props, json!({"type": "LineString", "coordinates": line})));
        }
        kinds.push(("routes", "routes", "路线", features, problems));
    }
    if kinds.is_empty() {
        return Err(FormatError::Unreadable {
            path: path.to_path_buf(),
            detail: "the GPX file has no waypoints, tracks or routes".to_string(),
        });
    }
    let several = kinds.len() > 1;
    let mut layers = Vec::new();
    for (key, en, zh, features, problems) in kinds {
        let name = if several { format!("{stem}-{key}") } else { stem.clone() };
        if let Some(want) = opts.layer.as_deref().map(str::trim)
            && want != key
            && want != name
        {
            continue;
        }
        let count = features.len();
        let collection = json!({"type": "FeatureCollection", "name": name, "features": features});
        layers.push(OpenedLayer {
            name,
            geojson: serde_json::to_vec(&collection).unwrap_or_default(),
            crs: Some(Crs::Wgs84),
            detected: vec![
                Detected { what: "layer", text: Msg::new(format!("{count} {en}"), format!("{count} 条{zh}")) },
                Detected {
                    what: "crs", text: Msg::new("GPX is WGS84 longitude, latitude", "GPX 坐标为 WGS84 经纬度")
                },
            ],
            problems,
            rows: None,
        });
    }
    if layers.is_empty() {
        return Err(FormatError::Unreadable {
            path: path.to_path_buf(),
            detail: format!(
                "the GPX file has no layer \"{}\"; it has waypoints, tracks or routes",
                opts.layer.as_deref().unwrap_or("")
            ),
        });
    }
    Ok(Opened { path: path.to_path_buf(), layers })
}

/// A time as RFC 3339, without a fraction of zeros (`2022-05-01T08:00:00Z`).
fn time_text(t: gpx::Time) -> Option<String> {
    let s = t.format().ok()?;
    let Some(dot) = s.find('.') else { return Some(s) };
    let end = s[dot + 1..].find(|c: char| !c.is_ascii_digit()).map_or(s.len(), |e| dot + 1 + e);
    let fraction = s[dot + 1..end].trim_end_matches('0');
    let dot_part = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    Some(format!("{}{dot_part}{}", &s[..dot], &s[end..]))
}

type Kind = (&'static str, &'static str, &'static str, Vec<Value>, Vec<Problem>);

fn feature(props: Map<String, Value>, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": Value::Object(props), "geometry": geometry})
}

fn point(w: &gpx::Waypoint) -> Value {
    let p = w.point();
    json!({"type": "Point", "coordinates": [p.x(), p.y()]})
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<&str>) {
    if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
        m.insert(key.into(), Value::String(v.to_string()));
    }
}

fn waypoint_properties(w: &gpx::Waypoint) -> Map<String, Value> {
    let mut m = Map::new();
    put(&mut m, "name", w.name.as_deref());
    put(&mut m, "desc", w.description.as_deref());
    put(&mut m, "cmt", w.comment.as_deref());
    if let Some(t) = w.time.and_then(time_text) {
        m.insert("time".into(), Value::String(t));
    }
    if let Some(e) = w.elevation.and_then(serde_json::Number::from_f64) {
        m.insert("ele".into(), Value::Number(e));
    }
    put(&mut m, "sym", w.symbol.as_deref());
    put(&mut m, "type", w.type_.as_deref());
    m
}

/// A track or route with fewer than two points: named, not loaded.
fn short(label: &str, en: &str, zh: &str, i: usize, name: Option<&str>) -> Problem {
    let name = name.unwrap_or("");
    Problem {
        severity: Severity::Error,
        file: label.to_string(),
        feature: None,
        feature_id: None,
        field: Some("geometry".into()),
        code: Code::FeatureUnreadable {
            detail: Msg::new(
                format!("{en} {} \"{name}\" has fewer than two points; not loaded", i + 1),
                format!("第 {} 条{zh}“{name}”不足两个点，未载入", i + 1),
            ),
        },
        location: None,
    }
}
