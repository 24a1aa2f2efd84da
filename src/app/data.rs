//! The loaded data as the app holds it: the dataset with its spatial index,
//! its drawing caches and its layers. Built whole (off the UI thread) and
//! swapped in whole.

use std::collections::HashMap;

use crate::index::SiteIndex;
use crate::model::{Change, Dataset, LayerInfo, LayerKey, StatusClass, YearView};

use super::map::project::GeomCache;

/// A dataset ready to show.
#[derive(Debug, Default)]
pub struct MapData {
    pub dataset: Dataset,
    pub index: SiteIndex,
    pub geoms: GeomCache,
    /// The dataset's layers, in the panel's order.
    pub layers: Vec<LayerInfo>,
    /// Each site's position in `layers`.
    pub layer_of: Vec<u16>,
    /// The box of all sites.
    pub bbox: Option<geo::Rect<f64>>,
}

/// Per-site status at one year view, recomputed only when the year or the data changes.
#[derive(Clone, Debug, Default)]
pub struct SiteLooks {
    pub year: Option<YearView>,
    /// `None` for sites without a plan status (reference layers).
    pub class: Vec<Option<StatusClass>>,
    pub change: Vec<Option<Change>>,
    /// Each site's layer slot.
    pub layer: Vec<u16>,
    /// Per layer slot: sites in each class, in [`StatusClass::ALL`] order.
    pub counts: Vec<[usize; 4]>,
    /// Per layer slot: newly done and newly overdue since the previous year.
    pub changes: Vec<[usize; 2]>,
}

impl SiteLooks {
    /// Totals over the layers `include` accepts: per class, and the two kinds of change.
    pub fn totals(&self, include: impl Fn(usize) -> bool) -> ([usize; 4], [usize; 2]) {
        let mut c = [0; 4];
        let mut ch = [0; 2];
        for (slot, (counts, changes)) in self.counts.iter().zip(&self.changes).enumerate() {
            if include(slot) {
                for k in 0..4 {
                    c[k] += counts[k];
                }
                ch[0] += changes[0];
                ch[1] += changes[1];
            }
        }
        (c, ch)
    }
}

/// Where a class sits in [`StatusClass::ALL`].
pub fn class_slot(c: StatusClass) -> usize {
    StatusClass::ALL.iter().position(|&x| x == c).unwrap_or(0)
}

impl MapData {
    /// Indexes and prepares a dataset for drawing.
    pub fn build(dataset: Dataset) -> Self {
        let layers = dataset.layers();
        let slots: HashMap<&LayerKey, u16> = layers.iter().enumerate().map(|(i, l)| (&l.key, i as u16)).collect();
        let layer_of = dataset.sites.iter().map(|s| slots.get(&s.layer()).copied().unwrap_or(0)).collect();
        let index = SiteIndex::build(&dataset.sites);
        let geoms = GeomCache::build(&dataset.sites);
        let bbox = dataset.bbox();
        MapData { bbox, dataset, index, geoms, layers, layer_of }
    }

    /// A site's layer slot.
    pub fn looks_layer(&self, site: usize) -> Option<usize> {
        self.layer_of.get(site).map(|&s| s as usize)
    }

    /// Status, change and counts of every site at a year view.
    pub fn looks(&self, year: YearView) -> SiteLooks {
        let n = self.dataset.sites.len();
        let mut looks = SiteLooks {
            year: Some(year),
            class: Vec::with_capacity(n),
            change: Vec::with_capacity(n),
            layer: self.layer_of.clone(),
            counts: vec![[0; 4]; self.layers.len()],
            changes: vec![[0; 2]; self.layers.len()],
        };
        for (i, s) in self.dataset.sites.iter().enumerate() {
            let slot = self.layer_of[i] as usize;
            if matches!(s.layer(), LayerKey::Reference(_)) {
                looks.class.push(None);
                looks.change.push(None);
                continue;
            }
            let class = s.status(year).class();
            let change = s.change_since_previous(year);
            looks.counts[slot][class_slot(class)] += 1;
            match change {
                Some(Change::NewlyDone) => looks.changes[slot][0] += 1,
                Some(Change::NewlyOverdue) => looks.changes[slot][1] += 1,
                None => {}
            }
            looks.class.push(Some(class));
            looks.change.push(change);
        }
        looks
    }

    /// The layer slot of a layer key.
    pub fn slot_of(&self, key: &LayerKey) -> Option<usize> {
        self.layers.iter().position(|l| &l.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, PlanLayer, Site};

    #[test]
    fn counts_follow_the_year_and_skip_reference_features() {
        let mut a = Site::new_for_test("a", "a");
        a.plan_year = Some(2021);
        a.started = Some("2021-03".parse().unwrap());
        a.completed = Some("2022-05".parse().unwrap());
        let r = Site::new(
            "r",
            "r",
            LayerKey::Reference("roads".into()),
            geo::Geometry::Point(geo::Point::new(118.0, 37.4)),
            Origin { file: 0, index: 0 },
        );
        let d = MapData::build(Dataset { sites: vec![a, r], ..Default::default() });
        let slot = d.slot_of(&LayerKey::Plan(PlanLayer::PocketPark)).unwrap();
        let at2021 = d.looks(YearView::EndOf(2021));
        assert_eq!(at2021.counts[slot], [0, 0, 0, 1]);
        assert_eq!(at2021.changes[slot], [0, 1]);
        let at2022 = d.looks(YearView::EndOf(2022));
        assert_eq!(at2022.counts[slot], [1, 0, 0, 0]);
        assert_eq!(at2022.class[1], None);
        assert_eq!(at2022.totals(|_| true).0, [1, 0, 0, 0]);
    }
}
