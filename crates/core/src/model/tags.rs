//! The descriptive fields that many sites share word for word: layer, kind,
//! lead unit, district and source. A file of thousands of sites has only a
//! few dozen different combinations, so each combination is stored once and
//! sites point at it.

use std::sync::Arc;

use super::LayerKey;

/// One combination of shared fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SiteTags {
    /// The layer the sites belong to.
    pub layer: LayerKey,
    /// The `kind` property (e.g. `road` or `bridge`).
    pub kind: Option<Arc<str>>,
    /// 牵头单位.
    pub lead_unit: Option<Arc<str>>,
    /// County-level division.
    pub district: Option<Arc<str>>,
    /// `illustrative` for the bundled data.
    pub source: Option<Arc<str>>,
}

impl SiteTags {
    /// A layer and nothing else.
    pub fn of_layer(layer: LayerKey) -> Self {
        SiteTags { layer, kind: None, lead_unit: None, district: None, source: None }
    }
}
