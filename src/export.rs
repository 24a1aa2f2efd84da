//! Writing sites back out as RFC 7946 GeoJSON (WGS84 lon/lat), properties in
//! the model's order followed by every extra property as read.

use std::io::Write;

use serde_json::{Map, Value};

use crate::model::{LayerKey, Site};

/// The properties of a site as a JSON object, known fields first.
pub fn site_properties(s: &Site) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(s.id.to_string()));
    m.insert("name".into(), Value::String(s.name.to_string()));
    match &s.layer {
        LayerKey::Plan(p) => {
            m.insert("layer".into(), p.key().into());
        }
        LayerKey::Extra(e) => {
            m.insert("layer".into(), e.to_string().into());
        }
        LayerKey::Reference(_) => {}
    }
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("kind", s.kind.as_ref().map(|v| v.to_string().into()));
    put("task", s.task.map(Value::from));
    put("lead_unit", s.lead_unit.as_ref().map(|v| v.to_string().into()));
    put("district", s.district.as_ref().map(|v| v.to_string().into()));
    put("scope", s.scope.map(|v| v.key().into()));
    put("plan_year", s.plan_year.map(Value::from));
    put("started", s.started.map(|d| d.to_string().into()));
    put("completed", s.completed.map(|d| d.to_string().into()));
    put("source", s.source.as_ref().map(|v| v.to_string().into()));
    put("length_km", s.declared_length_km.map(Value::from));
    put("area_m2", s.declared_area_m2.map(Value::from));
    for (k, v) in &s.extra {
        m.insert(k.to_string(), v.clone());
    }
    m
}

/// Writes the sites as a FeatureCollection, one feature per line.
pub fn write_feature_collection<'a, W: Write>(
    w: &mut W,
    name: &str,
    sites: impl IntoIterator<Item = &'a Site>,
) -> std::io::Result<()> {
    write!(w, "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[", Value::from(name))?;
    let mut first = true;
    for s in sites {
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        let geometry = geojson::Geometry::from(&s.geometry);
        let feature = serde_json::json!({
            "type": "Feature",
            "properties": site_properties(s),
            "geometry": geometry,
        });
        w.write_all(b"\n")?;
        serde_json::to_writer(&mut *w, &feature)?;
    }
    w.write_all(b"\n]}\n")
}
