//! Every site's status class and change at one year view, with counts per
//! layer: what the map colours and the legend counts. Computed whole for a
//! dataset and a year, and recomputed only when either changes.

use std::collections::HashMap;

use crate::model::{Change, Dataset, LayerInfo, LayerKey, StatusClass, YearView};

/// The dataset's layers in the layer panel's order, and each site's
/// position (its slot) among them.
#[derive(Clone, Debug, Default)]
pub struct LayerSlots {
    /// The layers, in the panel's order.
    pub layers: Vec<LayerInfo>,
    /// Each site's slot in `layers`.
    pub layer_of: Vec<u16>,
}

impl LayerSlots {
    /// The slots of a dataset's sites.
    pub fn of(dataset: &Dataset) -> LayerSlots {
        let layers = dataset.layers();
        let slots: HashMap<&LayerKey, u16> = layers.iter().enumerate().map(|(i, l)| (&l.key, i as u16)).collect();
        let layer_of = dataset.sites.iter().map(|s| slots.get(&s.layer()).copied().unwrap_or(0)).collect();
        LayerSlots { layers, layer_of }
    }

    /// The slot of a layer key.
    pub fn slot_of(&self, key: &LayerKey) -> Option<usize> {
        self.layers.iter().position(|l| &l.key == key)
    }
}

/// Per-site status at one year view.
#[derive(Clone, Debug, Default)]
pub struct SiteLooks {
    /// The view these are for.
    pub year: Option<YearView>,
    /// `None` for sites without a plan status (reference layers).
    pub class: Vec<Option<StatusClass>>,
    /// What changed since the year before.
    pub change: Vec<Option<Change>>,
    /// Each site's layer slot.
    pub layer: Vec<u16>,
    /// Per layer slot: sites in each class, in [`StatusClass::ALL`] order.
    pub counts: Vec<[usize; CLASSES]>,
    /// Per layer slot: newly done and newly overdue since the previous year.
    pub changes: Vec<[usize; 2]>,
}

impl SiteLooks {
    /// Status, change and counts of every site of `dataset` at `year`,
    /// with the sites' layer slots `layer_of` (see [`LayerSlots`]) among
    /// `layer_count` layers.
    pub fn compute(dataset: &Dataset, layer_of: &[u16], layer_count: usize, year: YearView) -> SiteLooks {
        let n = dataset.sites.len();
        let mut looks = SiteLooks {
            year: Some(year),
            class: Vec::with_capacity(n),
            change: Vec::with_capacity(n),
            layer: layer_of.to_vec(),
            counts: vec![[0; CLASSES]; layer_count],
            changes: vec![[0; 2]; layer_count],
        };
        for (i, s) in dataset.sites.iter().enumerate() {
            let slot = layer_of.get(i).copied().unwrap_or(0) as usize;
            if matches!(s.layer(), LayerKey::Reference(_)) {
                looks.class.push(None);
                looks.change.push(None);
                continue;
            }
            let class = s.status(year).class();
            let change = s.change_since_previous(year);
            if let Some(c) = looks.counts.get_mut(slot) {
                c[class_slot(class)] += 1;
            }
            if let Some(ch) = looks.changes.get_mut(slot) {
                match change {
                    Some(Change::NewlyDone) => ch[0] += 1,
                    Some(Change::NewlyOverdue) => ch[1] += 1,
                    None => {}
                }
            }
            looks.class.push(Some(class));
            looks.change.push(change);
        }
        looks
    }

    /// Totals over the layers `include` accepts: per class, and the two kinds of change.
    pub fn totals(&self, include: impl Fn(usize) -> bool) -> ([usize; CLASSES], [usize; 2]) {
        let mut c = [0; CLASSES];
        let mut ch = [0; 2];
        for (slot, (counts, changes)) in self.counts.iter().zip(&self.changes).enumerate() {
            if include(slot) {
                for k in 0..CLASSES {
                    c[k] += counts[k];
                }
                ch[0] += changes[0];
                ch[1] += changes[1];
            }
        }
        (c, ch)
    }
}

/// How many status classes there are.
pub const CLASSES: usize = StatusClass::ALL.len();

/// Where a class sits in [`StatusClass::ALL`].
pub fn class_slot(c: StatusClass) -> usize {
    StatusClass::ALL.iter().position(|&x| x == c).unwrap_or(0)
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
        let ds = Dataset { sites: vec![a, r], ..Default::default() };
        let slots = LayerSlots::of(&ds);
        let slot = slots.slot_of(&LayerKey::Plan(PlanLayer::PocketPark)).unwrap();
        let at2021 = SiteLooks::compute(&ds, &slots.layer_of, slots.layers.len(), YearView::EndOf(2021));
        assert_eq!(at2021.counts[slot], [0, 0, 0, 1, 0]);
        assert_eq!(at2021.changes[slot], [0, 1]);
        let at2022 = SiteLooks::compute(&ds, &slots.layer_of, slots.layers.len(), YearView::EndOf(2022));
        assert_eq!(at2022.counts[slot], [1, 0, 0, 0, 0]);
        assert_eq!(at2022.class[1], None);
        assert_eq!(at2022.totals(|_| true).0, [1, 0, 0, 0, 0]);
    }
}
