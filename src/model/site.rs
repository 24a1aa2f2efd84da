//! One plan site (or reference feature): a GeoJSON feature in compact form.

use std::sync::{Arc, OnceLock};

use geo::{BoundingRect, Geometry, Rect};

use super::{Extras, LayerKey, PlanDate, PlanLayer, Scope, measure};

/// Where a feature came from: the file (index into `Dataset::files`) and its
/// position in that file's `features` array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub file: u16,
    pub index: u32,
}

/// A site. Strings that repeat across many sites (district, lead unit, kind,
/// source) share one allocation each.
#[derive(Clone, Debug)]
pub struct Site {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub layer: LayerKey,
    pub kind: Option<Arc<str>>,
    pub task: Option<u8>,
    pub lead_unit: Option<Arc<str>>,
    pub district: Option<Arc<str>>,
    pub scope: Option<Scope>,
    pub plan_year: Option<i32>,
    pub started: Option<PlanDate>,
    pub completed: Option<PlanDate>,
    pub source: Option<Arc<str>>,
    /// `length_km` as declared in the file, shown beside the computed one.
    pub declared_length_km: Option<f64>,
    /// `area_m2` as declared in the file, shown beside the computed one.
    pub declared_area_m2: Option<f64>,
    /// Properties the model does not know, in file order.
    pub extra: Extras,
    /// WGS84 lon/lat, whatever the file was in.
    pub geometry: Geometry<f64>,
    pub bbox: Rect<f64>,
    /// Geodesic (length km, area m²), computed on first use: the loader stays
    /// fast on millions of features and most are never measured.
    measures: OnceLock<(f64, f64)>,
    pub origin: Origin,
}

impl Site {
    /// Builds a site around a geometry, computing its box and measures.
    pub fn new(id: Arc<str>, name: Arc<str>, layer: LayerKey, geometry: Geometry<f64>, origin: Origin) -> Self {
        let bbox = geometry.bounding_rect().unwrap_or_else(|| Rect::new((0.0, 0.0), (0.0, 0.0)));
        Site {
            id,
            name,
            layer,
            kind: None,
            task: None,
            lead_unit: None,
            district: None,
            scope: None,
            plan_year: None,
            started: None,
            completed: None,
            source: None,
            declared_length_km: None,
            declared_area_m2: None,
            extra: Extras::default(),
            geometry,
            bbox,
            measures: OnceLock::new(),
            origin,
        }
    }

    /// A point site for tests and doc examples.
    pub fn new_for_test(id: &str, name: &str) -> Self {
        Site::new(
            id.into(),
            name.into(),
            LayerKey::Plan(PlanLayer::PocketPark),
            Geometry::Point(geo::Point::new(118.0, 37.38)),
            Origin { file: 0, index: 0 },
        )
    }

    /// Replaces the geometry and recomputes box and measures.
    pub fn set_geometry(&mut self, geometry: Geometry<f64>) {
        self.bbox = geometry.bounding_rect().unwrap_or_else(|| Rect::new((0.0, 0.0), (0.0, 0.0)));
        self.measures = OnceLock::new();
        self.geometry = geometry;
    }

    fn measures(&self) -> (f64, f64) {
        *self.measures.get_or_init(|| (measure::length_km(&self.geometry), measure::area_m2(&self.geometry)))
    }

    /// Geodesic length in km of the linear parts (0 for points and polygons).
    pub fn length_km(&self) -> f64 {
        self.measures().0
    }

    /// Geodesic area in m² of the areal parts (0 for points and lines).
    pub fn area_m2(&self) -> f64 {
        self.measures().1
    }

    /// The amount this site adds to its layer's figure: km for greenways,
    /// one site otherwise.
    pub fn amount(&self) -> f64 {
        match self.layer.plan() {
            Some(p) if p.counts_km() => self.length_km(),
            _ => 1.0,
        }
    }

    pub fn extra(&self, key: &str) -> Option<serde_json::Value> {
        self.extra.get(key)
    }
}
