//! The bundled data counted three ways (the legend's per-site classes, the
//! dashboard's target rows, the figures' site lists) gives the same totals at
//! every year, and each row's figures add up to what it plans.

use binzhou_core::load::{LoadOptions, load_paths};
use binzhou_core::model::{Dataset, LayerKey, StatusClass, YearView};
use binzhou_core::stats::looks::{LayerSlots, SiteLooks, class_slot};
use binzhou_core::stats::{Figure, PlanTargets, figure_sites, progress};

fn bundled() -> (Dataset, PlanTargets) {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let ds = load_paths(std::slice::from_ref(&data), &LoadOptions::default());
    assert!(ds.sites.len() > 100, "the bundled data loads");
    (ds, PlanTargets::for_data_dir(&data).unwrap())
}

const VIEWS: [YearView; 4] = [YearView::EndOf(2020), YearView::EndOf(2021), YearView::EndOf(2022), YearView::Latest];

#[test]
fn every_rows_four_figures_add_up_to_its_planned_count_at_every_year() {
    let (ds, targets) = bundled();
    for view in VIEWS {
        for r in progress(&ds, &targets, view) {
            let parts: f64 = Figure::PARTS.iter().map(|f| f.of(&r)).sum();
            assert!(
                (parts - r.planned).abs() < 1e-6,
                "{view:?} {:?} {:?}: {parts} ≠ {}",
                r.layer,
                r.district,
                r.planned
            );
            assert!(r.overdue_started <= r.overdue + 1e-9);
            let listed: usize = Figure::PARTS.iter().map(|&f| figure_sites(&ds, view, &r, f).len()).sum();
            assert_eq!(listed, r.sites.len(), "each site is in exactly one figure");
        }
    }
}

#[test]
fn the_legend_counts_and_the_dashboard_rows_agree_for_every_year() {
    let (ds, targets) = bundled();
    let slots = LayerSlots::of(&ds);
    for view in VIEWS {
        let looks = SiteLooks::compute(&ds, &slots.layer_of, slots.layers.len(), view);
        let (legend, _) = looks.totals(|slot| matches!(slots.layers[slot].key, LayerKey::Plan(_)));
        let rows = progress(&ds, &targets, view);
        let mut dashboard = [0usize; StatusClass::ALL.len()];
        let mut counted = 0;
        for r in &rows {
            for (f, class) in Figure::PARTS.into_iter().zip(StatusClass::ALL) {
                assert_eq!(Figure::PARTS[class_slot(class)], f, "figures and classes share one order");
                dashboard[class_slot(class)] += figure_sites(&ds, view, r, f).len();
            }
            counted += r.sites.len();
        }
        let plan_sites = ds.sites.iter().filter(|s| s.layer().plan().is_some()).count();
        assert_eq!(counted, plan_sites, "{view:?}: every bundled plan site counts towards one target");
        assert_eq!(legend, dashboard, "{view:?}: legend {legend:?} vs dashboard {dashboard:?}");
    }
}
