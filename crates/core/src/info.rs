//! What a file holds, as `ogrinfo` tells it: per layer the feature count,
//! geometry types, extent and fields with their types; per file the
//! coordinate system the loader settled on and the text encoding; and, when
//! asked, every feature with its properties and geodesic measures.

use std::collections::BTreeMap;

use crate::model::{Code, Dataset, LayerKey, Severity, Site, names};

/// The type of a field, as its values show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text.
    String,
    /// Whole numbers.
    Integer,
    /// Numbers with fractions (or a mix of whole and fractional).
    Real,
    /// true / false.
    Boolean,
    /// A date as the plan writes it (`2021`, `2021-05`, `2021-05-12`).
    Date,
    /// A JSON object or array.
    Json,
}

impl FieldType {
    fn of(v: &serde_json::Value) -> Option<FieldType> {
        use serde_json::Value;
        Some(match v {
            Value::Null => return None,
            Value::Bool(_) => FieldType::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => FieldType::Integer,
            Value::Number(_) => FieldType::Real,
            Value::String(_) => FieldType::String,
            Value::Array(_) | Value::Object(_) => FieldType::Json,
        })
    }

    /// The type's name, as `ogrinfo` writes it.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Integer => "Integer",
            FieldType::Real => "Real",
            FieldType::Boolean => "Boolean",
            FieldType::Date => "Date",
            FieldType::Json => "JSON",
        }
    }
}

/// One field of a layer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FieldReport {
    /// The property key, as the file writes it.
    pub name: String,
    /// The types its values have (more than one when the file mixes them).
    pub types: Vec<FieldType>,
    /// How many features give it a (non-null) value.
    pub filled: usize,
}

/// One layer of a file.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LayerReport {
    /// The layer's key (`pocket_park`, `ref:<file>`, …).
    pub key: String,
    /// The layer's name in Chinese.
    pub name_zh: String,
    /// The layer's name in English.
    pub name_en: String,
    /// Features loaded into it.
    pub features: usize,
    /// Geometry type (as GeoJSON names it) → how many features have it.
    pub geometry_types: BTreeMap<String, usize>,
    /// `[min lon, min lat, max lon, max lat]` in WGS84 degrees.
    pub extent: Option<[f64; 4]>,
    /// The fields, model fields first, then the others in order of first appearance.
    pub fields: Vec<FieldReport>,
}

/// One feature, with its computed measures.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FeatureReport {
    /// Its 1-based position in its file.
    pub number: usize,
    /// Its id, when the file gives one.
    pub id: Option<String>,
    /// Its name: the `name` property, else a name-like one (`NAME`, `名称`…).
    pub name: Option<String>,
    /// Its layer's key.
    pub layer: String,
    /// Its geometry type, as GeoJSON names it.
    pub geometry: String,
    /// Every property it has, as `key → value`, model fields included.
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Geodesic length in km (lines; 0 otherwise).
    pub length_km: f64,
    /// Geodesic area in m² (polygons; 0 otherwise).
    pub area_m2: f64,
}

/// One file.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// The text encoding the file was read in.
    pub encoding: String,
    /// The coordinate system the coordinates were read in.
    pub crs: String,
    /// How the loader knew it: `default`, `declared`, `detected` or `forced`.
    pub crs_from: String,
    /// Features the file holds, kept or not.
    pub features_read: usize,
    /// Features loaded.
    pub features_loaded: usize,
    /// Problems found, by severity (`error`, `warning`, `notice`).
    pub problems: BTreeMap<String, usize>,
    /// Its layers.
    pub layers: Vec<LayerReport>,
    /// Its features, when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<FeatureReport>,
}

/// The properties of a site as the file gave them: model fields set, then extras.
pub fn properties(ds: &Dataset, i: usize) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let s = &ds.sites[i];
    let mut out = serde_json::Map::new();
    if ds.has_own_id(i) {
        out.insert("id".into(), json!(s.id()));
    }
    if s.has_own_name() {
        out.insert("name".into(), json!(s.name()));
    }
    if let LayerKey::Plan(_) | LayerKey::Extra(_) = s.layer() {
        out.insert("layer".into(), json!(s.layer().key()));
    }
    let text = [("kind", s.kind()), ("lead_unit", s.lead_unit()), ("district", s.district()), ("source", s.source())];
    for (k, v) in text {
        if let Some(v) = v {
            out.insert(k.into(), json!(v));
        }
    }
    if let Some(t) = s.task {
        out.insert("task".into(), json!(t));
    }
    if let Some(sc) = s.scope {
        out.insert("scope".into(), json!(sc.key()));
    }
    if let Some(y) = s.plan_year {
        out.insert("plan_year".into(), json!(y));
    }
    if let Some(d) = s.started {
        out.insert("started".into(), json!(d.to_string()));
    }
    if let Some(d) = s.completed {
        out.insert("completed".into(), json!(d.to_string()));
    }
    if let Some(v) = s.declared_length_km() {
        out.insert("length_km".into(), json!(v));
    }
    if let Some(v) = s.declared_area_m2() {
        out.insert("area_m2".into(), json!(v));
    }
    for (k, v) in s.extras().iter() {
        out.insert(k, v);
    }
    out
}

/// The type of a model field, which the loader has already checked.
fn model_field_type(key: &str) -> Option<FieldType> {
    Some(match key {
        "id" | "name" | "layer" | "kind" | "lead_unit" | "district" | "source" | "scope" => FieldType::String,
        "task" | "plan_year" => FieldType::Integer,
        "started" | "completed" => FieldType::Date,
        "length_km" | "area_m2" => FieldType::Real,
        _ => return None,
    })
}

fn crs_of(ds: &Dataset, path: &str) -> (String, String) {
    for p in ds.problems.iter().filter(|p| p.file == path && p.feature.is_none()) {
        let (crs, from) = match &p.code {
            Code::CrsForced { crs } => (crs, "forced"),
            Code::CrsDeclared { crs } => (crs, "declared"),
            Code::CrsDetected { crs, .. } => (crs, "detected"),
            _ => continue,
        };
        return (crs.clone(), from.to_string());
    }
    ("WGS84 (EPSG:4326)".into(), "default".into())
}

/// The text encoding a reader reported for a file (a Shapefile's DBF, a
/// CSV ledger), else UTF-8 (GeoJSON's).
fn encoding_of(ds: &Dataset, path: &str) -> String {
    ds.problems
        .iter()
        .filter(|p| p.file == path || p.file.starts_with(&format!("{path}/")))
        .find_map(|p| match &p.code {
            Code::Detected { what, detail } if what == "encoding" => Some(detail.en.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "UTF-8".into())
}

/// Describes every file of a loaded dataset; with `features`, lists each
/// feature too.
pub fn describe(ds: &Dataset, features: bool) -> Vec<FileReport> {
    let mut out = Vec::new();
    for (f, file) in ds.files.iter().enumerate() {
        let path = file.path.display().to_string();
        let (crs, crs_from) = crs_of(ds, &path);
        let mut problems: BTreeMap<String, usize> = BTreeMap::new();
        for p in ds.problems.iter().filter(|p| p.file == path) {
            let sev = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Notice => "notice",
            };
            *problems.entry(sev.into()).or_default() += 1;
        }
        let mine: Vec<usize> = (0..ds.sites.len()).filter(|&i| ds.sites[i].origin.file as usize == f).collect();
        let mut layers: Vec<(LayerKey, Vec<usize>)> = Vec::new();
        for &i in &mine {
            let key = ds.sites[i].layer();
            match layers.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => v.push(i),
                None => layers.push((key.clone(), vec![i])),
            }
        }
        let layers = layers.into_iter().map(|(key, sites)| layer_report(ds, &key, &sites)).collect();
        let features = if features { mine.iter().map(|&i| feature_report(ds, i)).collect() } else { Vec::new() };
        out.push(FileReport {
            encoding: encoding_of(ds, &path),
            path,
            crs,
            crs_from,
            features_read: file.features_read,
            features_loaded: file.sites_loaded,
            problems,
            layers,
            features,
        });
    }
    out
}

fn layer_report(ds: &Dataset, key: &LayerKey, sites: &[usize]) -> LayerReport {
    let mut geometry_types: BTreeMap<String, usize> = BTreeMap::new();
    let mut extent: Option<geo::Rect<f64>> = None;
    let mut fields: Vec<(String, BTreeMap<FieldType, ()>, usize)> = Vec::new();
    for &i in sites {
        let s: &Site = &ds.sites[i];
        let ty = if s.is_located() { geojson_type(&s.geometry) } else { "null" };
        *geometry_types.entry(ty.to_string()).or_default() += 1;
        if let Some(sb) = s.located_bbox() {
            extent = Some(extent.map_or(sb, |b| crate::model::union(b, sb)));
        }
        for (k, v) in properties(ds, i) {
            let ty = model_field_type(&k).or_else(|| FieldType::of(&v));
            let pos = match fields.iter().position(|(n, _, _)| *n == k) {
                Some(p) => p,
                None => {
                    fields.push((k.clone(), BTreeMap::new(), 0));
                    fields.len() - 1
                }
            };
            let entry = &mut fields[pos];
            if let Some(ty) = ty {
                entry.1.insert(ty, ());
                entry.2 += 1;
            }
        }
    }
    let fields = fields
        .into_iter()
        .map(|(name, types, filled)| {
            let mut types: Vec<FieldType> = types.into_keys().collect();
            // Whole and fractional numbers in one field are one Real field.
            if types.contains(&FieldType::Real) {
                types.retain(|t| *t != FieldType::Integer);
            }
            FieldReport { name, types, filled }
        })
        .collect();
    LayerReport {
        key: key.key(),
        name_zh: key.name_zh(),
        name_en: key.name_en(),
        features: sites.len(),
        geometry_types,
        extent: extent.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
        fields,
    }
}

/// A geometry's type as GeoJSON (and `ogrinfo`) names it.
pub fn geojson_type(g: &geo::Geometry<f64>) -> &'static str {
    use geo::Geometry;
    match g {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

fn feature_report(ds: &Dataset, i: usize) -> FeatureReport {
    let s = &ds.sites[i];
    let own_id = ds.has_own_id(i);
    let name = if s.name() != s.id() || own_id {
        Some(s.name().to_string())
    } else {
        names::NAME_KEYS.iter().find_map(|k| match s.extra(k) {
            Some(serde_json::Value::String(n)) if !n.trim().is_empty() => Some(n),
            _ => None,
        })
    };
    FeatureReport {
        number: s.origin.index as usize + 1,
        id: own_id.then(|| s.id().to_string()),
        name,
        layer: s.layer().key(),
        geometry: geojson_type(&s.geometry).to_string(),
        properties: properties(ds, i),
        length_km: s.length_km(),
        area_m2: s.area_m2(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load_bytes};

    const FILE: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"NAME":"甲县","adcode":371621,"pop":1.5},
       "geometry":{"type":"Polygon","coordinates":[[[118,37],[118.01,37],[118.01,37.01],[118,37.01],[118,37]]]}},
      {"type":"Feature","properties":{"NAME":"乙县","adcode":371622,"pop":2},
       "geometry":{"type":"Point","coordinates":[118.2,37.2]}}
    ]}"#;

    #[test]
    fn a_reference_file_reports_its_own_fields_with_their_types_and_its_extent() {
        let ds = load_bytes("counties.geojson", FILE.as_bytes(), &LoadOptions::default());
        let r = describe(&ds, true);
        assert_eq!(r.len(), 1);
        let f = &r[0];
        assert_eq!((f.features_read, f.features_loaded, f.crs_from.as_str()), (2, 2, "default"));
        let l = &f.layers[0];
        assert_eq!(l.features, 2);
        assert_eq!(l.geometry_types.get("Polygon"), Some(&1));
        assert_eq!(l.geometry_types.get("Point"), Some(&1));
        assert_eq!(l.extent, Some([118.0, 37.0, 118.2, 37.2]));
        let field = |n: &str| l.fields.iter().find(|x| x.name == n).unwrap().clone();
        assert_eq!(field("NAME").types, vec![FieldType::String]);
        assert_eq!(field("adcode").types, vec![FieldType::Integer]);
        assert_eq!(field("pop").types, vec![FieldType::Real], "1.5 and 2 make one Real field");
        assert!(l.fields.iter().all(|x| x.name != "id"), "a made-up id is not the file's field");
        let a = &f.features[0];
        assert!((a.area_m2 - 986_000.0).abs() < 10_000.0, "{}", a.area_m2);
        assert_eq!(a.properties.get("NAME"), Some(&serde_json::json!("甲县")));
    }
}
