//! The loaded data as the app holds it: the dataset with its spatial index,
//! its drawing caches and its layers. Built whole (off the UI thread) and
//! swapped in whole.

use binzhou_core::index::SiteIndex;
use binzhou_core::model::{Dataset, LayerInfo, LayerKey, YearView};
use binzhou_core::search::SearchIndex;
use binzhou_core::stats::LayerSlots;
pub use binzhou_core::stats::{SiteLooks, class_slot};

use std::sync::Arc;

use super::map::gpu_sites::DenseScene;
use super::map::project::GeomCache;

/// A dataset ready to show.
#[derive(Debug, Default)]
pub struct MapData {
    pub dataset: Dataset,
    pub index: SiteIndex,
    /// Search keys, built once per dataset.
    pub search: SearchIndex,
    pub geoms: GeomCache,
    /// The same geometry for the GPU, for dense views (uploaded at its first use).
    pub dense: Arc<DenseScene>,
    /// The dataset's layers, in the panel's order.
    pub layers: Vec<LayerInfo>,
    /// Each site's position in `layers`.
    pub layer_of: Vec<u16>,
    /// The box of all sites.
    pub bbox: Option<geo::Rect<f64>>,
}

impl MapData {
    /// Indexes and prepares a dataset for drawing.
    pub fn build(dataset: Dataset) -> Self {
        let LayerSlots { layers, layer_of } = LayerSlots::of(&dataset);
        let index = SiteIndex::build(&dataset.sites);
        let search = SearchIndex::build(&dataset.sites);
        let geoms = GeomCache::build(&dataset.sites);
        let dense = Arc::new(DenseScene::build(&geoms));
        let bbox = dataset.bbox();
        MapData { bbox, dataset, index, search, geoms, dense, layers, layer_of }
    }

    /// A site's layer slot.
    pub fn looks_layer(&self, site: usize) -> Option<usize> {
        self.layer_of.get(site).map(|&s| s as usize)
    }

    /// Status, change and counts of every site at a year view.
    pub fn looks(&self, year: YearView) -> SiteLooks {
        SiteLooks::compute(&self.dataset, &self.layer_of, self.layers.len(), year)
    }

    /// The layer slot of a layer key.
    pub fn slot_of(&self, key: &LayerKey) -> Option<usize> {
        self.layers.iter().position(|l| &l.key == key)
    }
}
