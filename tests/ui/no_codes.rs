//! No code names on screen: every string the accessibility tree shows, with
//! every panel open and a site with extra properties identified, in both
//! languages, is free of the data's raw keys and the program's enum names.

use binzhou_core::model::LayerKey;
use binzhou_sites::app::App;
use binzhou_sites::app::i18n::Lang;
use binzhou_sites::app::state::{Panels, ViewState};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use crate::support::{app_builder, data_dir};

/// Field keys, kind and layer codes, sources and enum names as the code spells them.
const CODES: [&str; 30] = [
    "lead_unit",
    "plan_year",
    "area_m2",
    "length_km",
    "main_city",
    "investment_wan_yuan",
    "node_green",
    "pocket_park",
    "urban_village",
    "urban_v",
    "dead_end_road",
    "overhead_line_zone",
    "underground",
    "footpath",
    "illustrative",
    "designer",
    "contractor",
    "InProgress",
    "NotStarted",
    "MainCity",
    "PocketPark",
    "UrbanVillage",
    "DeadEndRoad",
    "OverheadLineZone",
    "LineString",
    "MultiPolygon",
    "ParkInUnrebuiltVillage",
    "CompletedBeforeStarted",
    "1 rows",
    "ring 0",
];

fn everything_open(lang: Lang) -> Harness<'static, App> {
    let panels = Panels { dashboard: true, table: true, audit: true, identify: true, ..Default::default() };
    let state = ViewState { lang, panels, ..Default::default() };
    let app = App::new(vec![data_dir()], state, false);
    let mut h = app_builder(1800.0, 1400.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, std::time::Duration::from_secs(60)), "the data loads");
    h.run();
    // A pocket park whose file gives extra properties (investment, designer).
    let ds = &h.state().data().dataset;
    let with_extras = (0..ds.sites.len())
        .find(|&i| {
            let s = &ds.sites[i];
            matches!(s.layer(), LayerKey::Plan(_)) && s.extra("investment_wan_yuan").is_some()
        })
        .expect("a bundled site with an investment figure");
    h.state_mut().select_site(with_extras);
    h.run();
    h
}

fn shown_strings(h: &Harness<'_, App>) -> Vec<String> {
    h.query_all_by(|n| n.label().is_some() || n.value().is_some())
        .flat_map(|n| {
            let a = n.accesskit_node();
            [a.label(), a.value()]
        })
        .flatten()
        .collect()
}

fn assert_no_codes(lang: Lang) {
    let h = everything_open(lang);
    let shown = shown_strings(&h);
    assert!(shown.len() > 200, "the tree is full: {} strings", shown.len());
    let mut found = Vec::new();
    // File names are the user's own words (dead_end_roads.geojson).
    for s in shown.iter().filter(|s| !s.contains(".geojson")) {
        for code in CODES {
            if s.contains(code) {
                found.push(format!("{code:?} in {s:?}"));
            }
        }
        if lang == Lang::Zh && (s == "Polygon" || s == "Point" || s == "Line") {
            found.push(format!("an English geometry type {s:?}"));
        }
    }
    assert!(found.is_empty(), "{lang:?}: code names on screen:\n{}", found.join("\n"));
    // The table's headers and the identify panel's extra properties are in
    // the tree, under their names.
    let expected = match lang {
        Lang::Zh => ["牵头单位", "投资（万元）", "计划年份"],
        Lang::En => ["Lead unit", "Investment (10k yuan)", "Plan year"],
    };
    for name in expected {
        assert!(shown.iter().any(|s| s == name), "{lang:?}: {name:?} is not shown");
    }
}

#[test]
fn the_chinese_interface_shows_no_code_names() {
    assert_no_codes(Lang::Zh);
}

#[test]
fn the_english_interface_shows_no_code_names() {
    assert_no_codes(Lang::En);
}
