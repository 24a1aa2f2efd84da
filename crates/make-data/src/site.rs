//! The generator's own record of a plan site and how it is written as a
//! GeoJSON feature (property order fixed, coordinates rounded to 6 decimals).

use std::fmt;

use serde_json::{Map, Value, json};

use crate::geom::{Ll, round_all};

/// The plan's layers and scopes are the model's own, so the files written
/// here use exactly the keys and task numbers the loader reads.
pub use binzhou_core::model::{PlanLayer as Layer, Scope};

/// What only the generator needs to know about a layer.
pub trait LayerText {
    /// File stem under data/ (also the collection's `name`).
    fn file_stem(self) -> &'static str;
    fn lead_unit(self) -> &'static str;
    fn title_zh(self) -> &'static str;
    fn title_en(self) -> &'static str;
}

impl LayerText for Layer {
    fn file_stem(self) -> &'static str {
        match self {
            Layer::DeadEndRoad => "dead_end_roads",
            Layer::PocketPark => "pocket_parks",
            Layer::Greenway => "greenways",
            Layer::OverheadLineZone => "overhead_line_zones",
            Layer::UrbanVillage => "urban_villages",
        }
    }

    fn lead_unit(self) -> &'static str {
        match self {
            Layer::DeadEndRoad | Layer::UrbanVillage => "市住房城乡建设局",
            _ => "市城管局",
        }
    }

    fn title_zh(self) -> &'static str {
        match self {
            Layer::DeadEndRoad => "断头路、断头桥打通工程",
            Layer::PocketPark => "口袋公园及节点绿地提升改造",
            Layer::Greenway => "城市绿道、人行步道建设",
            Layer::OverheadLineZone => "架空线路入地整治区域",
            Layer::UrbanVillage => "城中村改造",
        }
    }

    fn title_en(self) -> &'static str {
        match self {
            Layer::DeadEndRoad => "dead-end roads and bridges opened",
            Layer::PocketPark => "pocket parks and node green spaces",
            Layer::Greenway => "greenways and footpaths",
            Layer::OverheadLineZone => "overhead-line undergrounding zones",
            Layer::UrbanVillage => "urban villages rebuilt",
        }
    }
}

/// A plan date at month or day precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: Option<u32>,
}

impl Ymd {
    /// Months since year 0, for ordering at month precision.
    pub fn month_index(self) -> i32 {
        self.y * 12 + self.m as i32 - 1
    }
}

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.y, self.m)?;
        if let Some(d) = self.d {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub enum Shape {
    Line(Vec<Ll>),
    /// Exterior ring, closed and counter-clockwise.
    Polygon(Vec<Ll>),
}

impl Shape {
    pub fn points(&self) -> &[Ll] {
        match self {
            Shape::Line(v) | Shape::Polygon(v) => v,
        }
    }

    fn rounded(&self) -> Shape {
        match self {
            Shape::Line(v) => Shape::Line(round_all(v)),
            Shape::Polygon(v) => Shape::Polygon(round_all(v)),
        }
    }

    fn to_json(&self) -> Value {
        let coords = |v: &[Ll]| Value::Array(v.iter().map(|p| json!([p[0], p[1]])).collect());
        match self {
            Shape::Line(v) => json!({"type": "LineString", "coordinates": coords(v)}),
            Shape::Polygon(v) => json!({"type": "Polygon", "coordinates": [coords(v)]}),
        }
    }
}

/// One generated plan site.
#[derive(Clone, Debug)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub layer: Layer,
    pub kind: &'static str,
    pub district: String,
    pub scope: Scope,
    pub plan_year: i32,
    pub started: Option<Ymd>,
    pub completed: Option<Ymd>,
    /// Declared length (greenways), filled in after rounding.
    pub length_km: Option<f64>,
    /// Declared area (urban villages), filled in after rounding.
    pub area_m2: Option<f64>,
    /// Properties the viewer's model does not know.
    pub extra: Vec<(&'static str, Value)>,
    pub shape: Shape,
}

impl Site {
    pub fn new(layer: Layer, kind: &'static str, scope: Scope, plan_year: i32, shape: Shape) -> Self {
        Site {
            id: String::new(),
            name: String::new(),
            layer,
            kind,
            district: String::new(),
            scope,
            plan_year,
            started: None,
            completed: None,
            length_km: None,
            area_m2: None,
            extra: Vec::new(),
            shape,
        }
    }

    /// Rounds the geometry to what the file will hold.
    pub fn round(&mut self) {
        self.shape = self.shape.rounded();
    }

    pub fn to_feature(&self) -> Value {
        let mut p = Map::new();
        p.insert("id".into(), json!(self.id));
        p.insert("name".into(), json!(self.name));
        p.insert("layer".into(), json!(self.layer.key()));
        p.insert("kind".into(), json!(self.kind));
        p.insert("task".into(), json!(self.layer.task()));
        p.insert("lead_unit".into(), json!(self.layer.lead_unit()));
        p.insert("district".into(), json!(self.district));
        p.insert("scope".into(), json!(self.scope.key()));
        p.insert("plan_year".into(), json!(self.plan_year));
        if let Some(d) = self.started {
            p.insert("started".into(), json!(d.to_string()));
        }
        if let Some(d) = self.completed {
            p.insert("completed".into(), json!(d.to_string()));
        }
        p.insert("source".into(), json!("illustrative"));
        if let Some(km) = self.length_km {
            p.insert("length_km".into(), json!(km));
        }
        if let Some(a) = self.area_m2 {
            p.insert("area_m2".into(), json!(a.round() as i64));
        }
        for (k, v) in &self.extra {
            p.insert((*k).into(), v.clone());
        }
        json!({"type": "Feature", "properties": p, "geometry": self.shape.to_json()})
    }
}

/// Numbers sites `PREFIX-YEAR-NN` in order, per plan year.
pub fn number(sites: &mut [Site], prefix: &str) {
    for year in 2020..=2022 {
        let mut n = 0;
        for s in sites.iter_mut().filter(|s| s.plan_year == year) {
            n += 1;
            s.id = format!("{prefix}-{year}-{n:02}");
        }
    }
}

/// Writes a FeatureCollection with one feature per line.
pub fn collection_text(name: &str, description: &str, features: &[Value]) -> String {
    let mut s = String::from("{\n");
    s += "\"type\": \"FeatureCollection\",\n";
    s += &format!("\"name\": {},\n", json!(name));
    s += &format!("\"description\": {},\n", json!(description));
    s += "\"features\": [\n";
    for (i, f) in features.iter().enumerate() {
        s += &f.to_string();
        s += if i + 1 < features.len() { ",\n" } else { "\n" };
    }
    s += "]\n}\n";
    s
}
