//! Writing a GeoJSON file back after edits, losing nothing.
//!
//! The file on disk is read again and split into its features; every
//! feature nobody touched is copied byte for byte, with the separators
//! between features and everything around the array. An edited feature
//! keeps its own text's property order and its unknown properties: only
//! the properties that changed are replaced (in place), added (at the end)
//! or removed, and its geometry is replaced only when it was edited, in the
//! file's own coordinate system. The previous file is kept as `NAME.bak`,
//! and both are written atomically ([`crate::save::write_atomic`]). A file
//! someone else changed since it was read is not written over.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Editor, FeatureState, Pending, feature_spans};
use crate::crs::{self, Crs};
use crate::model::{Bilingual, Dataset, FileStamp, Msg};

/// Why a save did not happen; the file on disk is as it was.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file changed on disk since it was read (someone else saved it).
    #[error("{path} was changed by someone else since it was opened; save as another file")]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// The file is not GeoJSON: it is saved as a new file instead.
    #[error("{path} is not a GeoJSON file; save as GeoJSON or GeoPackage")]
    NotGeoJson {
        /// The file.
        path: PathBuf,
    },
    /// The file on disk is no longer a FeatureCollection.
    #[error("{path} is no longer a GeoJSON FeatureCollection; save as another file")]
    NotACollection {
        /// The file.
        path: PathBuf,
    },
    /// A position cannot be written in the file's coordinate system.
    #[error("{path}: {}", detail.en)]
    Crs {
        /// The file.
        path: PathBuf,
        /// The conversion's message.
        detail: Msg,
    },
    /// Reading or writing failed (full disk, read-only folder…).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl Bilingual for SaveError {
    fn zh(&self) -> String {
        match self {
            SaveError::ChangedOnDisk { path } => {
                format!("{} 在打开后已被他人修改；请另存为其他文件", path.display())
            }
            SaveError::NotGeoJson { path } => {
                format!("{} 不是 GeoJSON 文件；请另存为 GeoJSON 或 GeoPackage", path.display())
            }
            SaveError::NotACollection { path } => {
                format!("{} 已不是 GeoJSON 要素集合；请另存为其他文件", path.display())
            }
            SaveError::Crs { path, detail } => format!("{}：{}", path.display(), detail.zh),
            SaveError::Io { path, source } => format!("{}：{}", path.display(), Msg::from_io(source).zh),
        }
    }
}

/// What a save did.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// The previous version, kept.
    pub backup: PathBuf,
    /// Features written anew (edited, added); deleted ones are not counted.
    pub written: usize,
    /// Features removed.
    pub removed: usize,
    /// Old position → new position of every feature now in the file.
    pub renumber: HashMap<u32, u32>,
    /// The file as written.
    pub stamp: FileStamp,
}

/// The backup of `path`: `NAME.bak` beside it (`sites.geojson.bak`).
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// Saves the edits of file `file` of `ds` back to it. `force` writes even
/// when the file changed on disk since it was read (the user said so).
pub fn save_back(ds: &Dataset, editor: &Editor, file: u16, force: bool) -> Result<Saved, SaveError> {
    save_pending(ds, file, &editor.pending(file), force)
}

/// [`save_back`] with the features to write given ([`Editor::pending`]):
/// what a saving thread runs.
pub fn save_pending(ds: &Dataset, file: u16, pending: &[Pending], force: bool) -> Result<Saved, SaveError> {
    let f = ds.files.get(file as usize).ok_or_else(|| SaveError::Io {
        path: PathBuf::new(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the dataset"),
    })?;
    let path = f.path.clone();
    let is_geojson = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    if !is_geojson {
        return Err(SaveError::NotGeoJson { path });
    }
    let io = |source| SaveError::Io { path: path.clone(), source };
    let bytes = std::fs::read(&path).map_err(io)?;
    let meta = std::fs::metadata(&path).ok();
    let now = FileStamp::of(&bytes, meta.as_ref());
    if !force && f.stamp.is_some_and(|s| !s.same_content(&now)) {
        return Err(SaveError::ChangedOnDisk { path });
    }
    let out = splice(&bytes, pending, f.crs, f.swapped).map_err(|e| match e {
        SpliceError::NotACollection => SaveError::NotACollection { path: path.clone() },
        SpliceError::Crs(detail) => SaveError::Crs { path: path.clone(), detail },
    })?;
    let backup = backup_path(&path);
    crate::save::write_atomic(&backup, |w| std::io::Write::write_all(w, &bytes)).map_err(io)?;
    crate::save::write_atomic(&path, |w| std::io::Write::write_all(w, &out.bytes)).map_err(io)?;
    let meta = std::fs::metadata(&path).ok();
    Ok(Saved {
        stamp: FileStamp::of(&out.bytes, meta.as_ref()),
        path,
        backup,
        written: out.written,
        removed: out.removed,
        renumber: out.renumber,
    })
}

/// Why the new text could not be made.
#[derive(Debug)]
pub enum SpliceError {
    /// The bytes are not a FeatureCollection.
    NotACollection,
    /// A position cannot be written in the file's system.
    Crs(Msg),
}

/// The new text of a file and what changed in it.
#[derive(Debug)]
pub struct Spliced {
    /// The file's new bytes.
    pub bytes: Vec<u8>,
    /// Features written anew.
    pub written: usize,
    /// Features removed.
    pub removed: usize,
    /// Old position → new position.
    pub renumber: HashMap<u32, u32>,
}

/// The file's bytes with the pending changes in them; positions written in
/// `crs` (`None`: WGS84), axes swapped back when the file had them
/// northing first.
pub fn splice(bytes: &[u8], pending: &[Pending], crs: Option<Crs>, swapped: bool) -> Result<Spliced, SpliceError> {
    let spans = feature_spans(bytes).ok_or(SpliceError::NotACollection)?;
    let by_index: HashMap<u32, (Option<&FeatureState>, Option<&FeatureState>)> =
        pending.iter().map(|p| (p.index, (p.on_disk.as_ref(), p.now.as_ref()))).collect();
    let n = spans.features.len();
    let (prefix_end, suffix_start) = match (spans.features.first(), spans.features.last()) {
        (Some(a), Some(z)) => (a.0, z.1),
        _ => (spans.open + 1, spans.close),
    };
    // The separator the file uses between features, for features added.
    let usual_gap: &[u8] = if n >= 2 { &bytes[spans.features[0].1..spans.features[1].0] } else { b",\n" };
    let mut out = Vec::with_capacity(bytes.len() + 4096);
    out.extend_from_slice(&bytes[..prefix_end]);
    let mut renumber = HashMap::new();
    let (mut written, mut removed) = (0, 0);
    let mut kept = 0u32;
    let mut put = |out: &mut Vec<u8>, gap: &[u8], text: &[u8], old: u32, kept: &mut u32| {
        if *kept > 0 {
            out.extend_from_slice(gap);
        }
        out.extend_from_slice(text);
        renumber.insert(old, *kept);
        *kept += 1;
    };
    for (i, &(s, e)) in spans.features.iter().enumerate() {
        let gap: &[u8] = if i == 0 { usual_gap } else { &bytes[spans.features[i - 1].1..s] };
        let gap = if gap.is_empty() { usual_gap } else { gap };
        let original = &bytes[s..e];
        match by_index.get(&(i as u32)) {
            None => put(&mut out, gap, original, i as u32, &mut kept),
            Some((_, None)) => removed += 1,
            Some((base, Some(now))) => {
                let text = patched(original, *base, now, crs, swapped)?;
                written += 1;
                put(&mut out, gap, text.as_bytes(), i as u32, &mut kept);
            }
        }
    }
    for p in pending.iter().filter(|p| p.index as usize >= n) {
        if let Some(now) = &p.now {
            let text = fresh(now, crs, swapped)?;
            written += 1;
            put(&mut out, usual_gap, text.as_bytes(), p.index, &mut kept);
        }
    }
    if n == 0 && kept > 0 {
        out.push(b'\n');
    }
    out.extend_from_slice(&bytes[suffix_start..]);
    Ok(Spliced { bytes: out, written, removed, renumber })
}

/// An edited feature's new text: its own text with only what changed
/// changed. Every member and property nobody edited keeps its own text
/// (numbers as written, nested objects as formatted); only the separators
/// between members are written anew.
fn patched(
    original: &[u8],
    base: Option<&FeatureState>,
    now: &FeatureState,
    crs: Option<Crs>,
    swapped: bool,
) -> Result<String, SpliceError> {
    let Ok(RawObject(mut members)) = serde_json::from_slice::<RawObject>(original) else {
        return fresh(now, crs, swapped);
    };
    let empty = Map::new();
    let before = base.map(|b| &b.properties).unwrap_or(&empty);
    let old_props = members
        .iter()
        .find(|(k, _)| k == "properties")
        .and_then(|(_, v)| serde_json::from_str::<RawObject>(v.get()).ok())
        .map(|o| o.0)
        .unwrap_or_default();
    let mut props: Vec<(String, String)> = old_props
        .into_iter()
        .filter(|(k, _)| !before.contains_key(k) || now.properties.contains_key(k))
        .map(|(k, v)| {
            let text = match (before.get(&k), now.properties.get(&k)) {
                (Some(b), Some(n)) if b == n => v.get().to_string(),
                (_, Some(n)) => n.to_string(),
                (_, None) => v.get().to_string(),
            };
            (k, text)
        })
        .collect();
    for (k, v) in &now.properties {
        if before.get(k) != Some(v) && !props.iter().any(|(p, _)| p == k) {
            props.push((k.clone(), v.to_string()));
        }
    }
    let props_text = object_text(props.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let geometry = if base.map(|b| &b.geometry) != Some(&now.geometry) {
        Some(in_file_crs(&now.geometry, crs, swapped)?.to_string())
    } else {
        None
    };
    let mut out: Vec<(String, String)> = Vec::with_capacity(members.len() + 1);
    let mut saw_props = false;
    for (k, v) in members.drain(..) {
        let text = match k.as_str() {
            "properties" => {
                saw_props = true;
                props_text.clone()
            }
            "geometry" => geometry.clone().unwrap_or_else(|| v.get().to_string()),
            _ => v.get().to_string(),
        };
        out.push((k, text));
    }
    if !saw_props {
        out.push(("properties".into(), props_text));
    }
    if let Some(g) = geometry
        && !out.iter().any(|(k, _)| k == "geometry")
    {
        out.push(("geometry".into(), g));
    }
    Ok(object_text(out.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

/// `{"k":v,…}` from keys and JSON texts.
fn object_text<'a>(members: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = String::from("{");
    for (i, (k, v)) in members.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&Value::from(k).to_string());
        s.push(':');
        s.push_str(v);
    }
    s.push('}');
    s
}

/// A JSON object's members in order, each value as its own text.
struct RawObject(Vec<(String, Box<serde_json::value::RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<RawObject, A::Error> {
                let mut v = Vec::new();
                while let Some((k, raw)) = m.next_entry::<String, Box<serde_json::value::RawValue>>()? {
                    v.push((k, raw));
                }
                Ok(RawObject(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// A new feature's text.
fn fresh(now: &FeatureState, crs: Option<Crs>, swapped: bool) -> Result<String, SpliceError> {
    let mut f = Map::new();
    f.insert("type".into(), "Feature".into());
    f.insert("properties".into(), Value::Object(now.properties.clone()));
    f.insert("geometry".into(), in_file_crs(&now.geometry, crs, swapped)?);
    Ok(Value::Object(f).to_string())
}

/// A WGS84 GeoJSON geometry in the file's system, positions rounded to
/// a tenth of a millimetre (1e-9 degree, 1e-4 metre).
fn in_file_crs(g: &Value, crs: Option<Crs>, swapped: bool) -> Result<Value, SpliceError> {
    let mut g = g.clone();
    map_positions(&mut g, &|lon, lat| {
        let (x, y, digits) = match crs {
            None => (lon, lat, 9),
            Some(c) => {
                let (x, y) = crs::from_wgs84(c, lon, lat).map_err(|e| SpliceError::Crs(e.msg()))?;
                let digits = if c.is_geographic() { 9 } else { 4 };
                if swapped { (y, x, digits) } else { (x, y, digits) }
            }
        };
        Ok((round(x, digits), round(y, digits)))
    })?;
    Ok(g)
}

fn round(v: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (v * k).round() / k
}

type PositionFn<'a> = &'a dyn Fn(f64, f64) -> Result<(f64, f64), SpliceError>;

/// Maps every position (an array whose first two members are numbers) in a
/// GeoJSON geometry, collections included.
fn map_positions(v: &mut Value, f: PositionFn) -> Result<(), SpliceError> {
    match v {
        Value::Object(o) => {
            if let Some(c) = o.get_mut("coordinates") {
                map_positions(c, f)?;
            }
            if let Some(Value::Array(gs)) = o.get_mut("geometries") {
                for g in gs {
                    map_positions(g, f)?;
                }
            }
            Ok(())
        }
        Value::Array(a) => {
            if let (Some(x), Some(y)) = (a.first().and_then(Value::as_f64), a.get(1).and_then(Value::as_f64)) {
                let (x, y) = f(x, y)?;
                a[0] = Value::from(x);
                a[1] = Value::from(y);
                return Ok(());
            }
            a.iter_mut().try_for_each(|e| map_positions(e, f))
        }
        _ => Ok(()),
    }
}
