//! The desktop app driven through its accessibility tree (egui_kittest):
//! the year control, identify, search, the layer panel and loading a broken
//! file, on the bundled data.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use binzhou_core::model::{LayerKey, PlanLayer, StatusClass, YearView};
use binzhou_sites::app::App;
use binzhou_sites::app::i18n::Lang;
use binzhou_sites::app::panels::legend::status_row_text;
use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::support::{app_builder, click_at, loaded_app};

/// A harness showing the app on the bundled data, loaded.
fn app_harness() -> Harness<'static, App> {
    loaded_app(app_builder(1400.0, 900.0))
}

/// Counts by status class at a year over all plan sites, as the core computes them.
fn core_counts(app: &App, year: YearView) -> [usize; StatusClass::ALL.len()] {
    let mut c = [0; StatusClass::ALL.len()];
    for s in &app.data().dataset.sites {
        if matches!(s.layer(), LayerKey::Reference(_)) {
            continue;
        }
        let class = s.status(year).class();
        c[StatusClass::ALL.iter().position(|&k| k == class).unwrap()] += 1;
    }
    c
}

#[test]
fn switching_the_year_changes_the_legend_counts_to_the_figures_the_core_computes() {
    let mut h = app_harness();
    let mut seen = Vec::new();
    for year in [2021, 2020, 2022] {
        h.get_by_label(&year.to_string()).click();
        h.run();
        let view = YearView::EndOf(year);
        assert_eq!(h.state().state().year, view);
        let counts = core_counts(h.state(), view);
        for (k, class) in StatusClass::ALL.into_iter().enumerate() {
            let text = status_row_text(Lang::Zh, class, counts[k]);
            if class == StatusClass::Unknown && counts[k] == 0 {
                assert!(h.query_by_label(&text).is_none(), "clean data shows no empty \"unknown\" row");
                continue;
            }
            assert!(h.query_by_label(&text).is_some(), "the legend does not show \"{text}\" at the end of {year}");
        }
        seen.push(counts);
    }
    assert_ne!(seen[0], seen[1], "2020 and 2021 should differ in the bundled data");
}

#[test]
fn clicking_a_site_on_the_map_opens_the_identify_panel_with_its_name() {
    let mut h = app_harness();
    let app = h.state();
    let rect = app.map_rect().expect("the map was drawn");
    // Clear of the legend (bottom right) and the zoom buttons (top right).
    let safe = egui::Rect::from_min_max(rect.min + vec2(40.0, 40.0), rect.max - vec2(280.0, 280.0));
    let (site, pos) = (0..app.data().dataset.sites.len())
        .filter_map(|i| app.site_screen_pos(i).map(|p| (i, p)))
        .find(|&(i, p)| {
            safe.contains(p) && app.pick_at_screen(p) == Some(i) && app.data().dataset.sites[i].layer().plan().is_some()
        })
        .expect("some site is on screen and pickable");
    let name = app.data().dataset.sites[site].name().to_string();
    let id = app.data().dataset.sites[site].id().to_string();
    assert_eq!(app.selected(), None);

    click_at(&mut h, pos);

    assert_eq!(h.state().selected(), Some(site));
    assert!(h.query_all_by_label(&name).count() >= 1, "the panel does not show the name {name}");
    assert!(h.query_by_label(&id).is_some(), "the panel does not show the id {id}");
    assert!(h.query_by_label("牵头单位").is_some(), "the panel does not list the lead unit");

    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().selected(), None, "Esc did not clear the selection");
    assert!(h.query_by_label(&id).is_none(), "the panel stayed open");
}

#[test]
fn searching_for_pocket_parks_lists_results_and_choosing_one_moves_the_map() {
    let mut h = app_harness();
    let before = h.state().camera();
    h.get_by_label("搜索").click();
    h.run();
    h.get_by_label("搜索").type_text("口袋公园");
    h.run();
    let results: Vec<String> = h
        .query_all_by_label_contains("口袋公园")
        .filter(|n| n.accesskit_node().role() != Role::TextInput)
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(results.len() > 5, "too few results: {results:?}");
    let first = results[0].clone();
    h.get_by_label(&first).click();
    h.run();

    let app = h.state();
    let chosen = app.selected().expect("choosing a result selects the site");
    let site = &app.data().dataset.sites[chosen];
    assert_eq!(site.name(), first);
    let after = app.camera();
    assert!(
        (after.lon - before.lon).abs() + (after.lat - before.lat).abs() > 1e-6 || after.zoom != before.zoom,
        "the map did not move"
    );
    let at = app.site_screen_pos(chosen).expect("the site is on screen");
    let clear = app.clear_map_rect().unwrap();
    assert!(clear.shrink(20.0).contains(at), "the site at {at:?} is not in the uncovered map {clear:?}");
    assert!(after.zoom >= 15.0);
}

#[test]
fn toggling_a_layer_hides_its_sites_from_the_map() {
    let mut h = app_harness();
    let key = LayerKey::Plan(PlanLayer::PocketPark);
    let slot = h.state().data().slot_of(&key).expect("pocket parks are loaded");
    let before = h.state().drawn_per_layer().to_vec();
    assert!(before[slot] > 0, "no pocket park drawn to begin with");

    h.get_by_label(PlanLayer::PocketPark.name_zh()).click();
    h.run();

    let after = h.state().drawn_per_layer().to_vec();
    assert_eq!(after[slot], 0, "pocket parks are still drawn");
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if i != slot {
            assert_eq!(a, b, "another layer changed");
        }
    }
    assert!(!h.state().state().layer(&key.key()).visible);

    h.get_by_label(PlanLayer::PocketPark.name_zh()).click();
    h.run();
    assert_eq!(h.state().drawn_per_layer()[slot], before[slot]);
}

/// A file dropped on the window.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn loading_a_broken_file_lists_its_problems_and_keeps_the_other_layers() {
    let mut h = app_harness();
    let sites_before = h.state().data().dataset.sites.len();
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken_sites.geojson");
    std::fs::write(
        &broken,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"BAD-1","name":"坏坐标","layer":"pocket_park","plan_year":2021},"geometry":{"type":"Point","coordinates":["x",37.4]}},
{"type":"Feature","properties":{"id":"OK-1","name":"完好的测试点","layer":"pocket_park","plan_year":2021},"geometry":{"type":"Point","coordinates":[118.0,37.4]}},
{"type":"Feature","properties":{"id":"BAD-2","name":"#,
    )
    .unwrap();

    h.input_mut().dropped_files.push(Arc::new(DroppedPath(broken)));
    h.step();
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(30)));
    h.run();

    let app = h.state();
    assert!(app.state().panels.problems, "the problems panel did not open");
    assert!(
        app.data().dataset.problems.iter().any(|p| p.file.contains("broken_sites.geojson")),
        "no problem names the broken file"
    );
    assert!(h.query_all_by_label("broken_sites.geojson").count() >= 1, "the problems panel does not list the file");
    assert!(
        h.query_by_label("坐标“x”是文本，不是数字").is_some(),
        "the problem is not told in Chinese in the Chinese interface"
    );
    assert!(app.data().dataset.sites.len() >= sites_before, "sites were lost");
    for layer in PlanLayer::ALL {
        let slot = app.data().slot_of(&LayerKey::Plan(layer)).expect("a plan layer disappeared");
        assert!(app.data().layers[slot].count > 0);
        assert!(h.query_by_label(layer.name_zh()).is_some(), "{} is gone from the layer panel", layer.name_zh());
    }
}

#[test]
fn a_replayed_gnss_walk_shows_the_fix_and_the_nearest_site_and_the_map_follows_it() {
    let mut h = app_harness();
    h.state_mut().state_mut().gnss_follow = true;
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gnss/bincheng_walk.nmea");
    let ctx = h.ctx.clone();
    h.state_mut().connect_gnss(&format!("replay:{}", log.display()), &ctx);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h.state().gnss().fix().is_none() {
        assert!(std::time::Instant::now() < deadline, "no GNSS fix arrived");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run();
    let app = h.state();
    let fix = app.gnss().fix().unwrap().clone();
    // The status bar names the fix and the nearest site, as the index finds it.
    let sites = &app.data().dataset.sites;
    let (nearest, d) = app.data().index.nearest(sites, geo::Point::new(fix.lon, fix.lat), 1)[0];
    let line = format!("{}{}", if d < 1.0 { "所在：" } else { "最近：" }, sites[nearest].name());
    assert!(h.query_by_label_contains(&line).is_some(), "the status bar lacks {line:?}");
    assert!(h.query_by_label_contains("GNSS：单点定位 · 12 颗卫星 · 精度约 ±4 米").is_some(), "HDOP 0.9 × 5 m");
    // Following: the map is centred on the position.
    let cam = app.state().camera.unwrap();
    assert!((cam.lon - fix.lon).abs() < 1e-4 && (cam.lat - fix.lat).abs() < 1e-4, "{cam:?} vs {fix:?}");
}

#[test]
fn a_gnss_device_that_is_not_there_is_said_in_the_status_bar() {
    let mut h = app_harness();
    let ctx = h.ctx.clone();
    h.state_mut().connect_gnss("/nonexistent/ttyACM7", &ctx);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h.query_by_label_contains("无法打开 /nonexistent/ttyACM7").is_none() {
        assert!(std::time::Instant::now() < deadline, "the status bar never said the device is missing");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A plan site whose geometry is null (RFC 7946: not located yet) is listed
/// and counted, and its panel says it has no place rather than offering to
/// zoom to one.
#[test]
fn a_site_without_a_location_says_so_in_its_panel_and_cannot_be_zoomed_to() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/null_geometry.geojson");
    let app = App::new(vec![file], binzhou_sites::app::state::ViewState::default(), false);
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(30)));
    h.run();
    let ds = &h.state().data().dataset;
    assert_eq!(ds.sites.len(), 2, "the unlocated site is kept");
    let i = ds.find_by_id("NULL-2").expect("NULL-2 is loaded");
    assert!(!ds.sites[i].is_located());
    h.state_mut().select_site(i);
    h.run();
    assert!(h.query_by_label_contains("测试口袋公园NULL-2").is_some(), "the identify panel shows it");
    assert!(h.query_by_label("无（尚无位置）").is_some(), "its geometry row says it has no location");
    assert!(h.get_by_label("缩放至").accesskit_node().is_disabled(), "there is nowhere to zoom to");
}

/// The status bar is drawn before the map, so it used to keep the zoom and
/// scale of the view before a jump until the mouse moved.
#[test]
fn after_a_jump_the_status_bar_shows_the_zoom_the_map_shows() {
    let mut h = app_harness();
    let before = h.state().camera().zoom;
    // A park-sized box in the main city: a zoom well above the start's.
    let b = geo::Rect::new(geo::coord! { x: 117.97, y: 37.38 }, geo::coord! { x: 117.972, y: 37.382 });
    h.state_mut().fit_to(b);
    h.run();
    let after = h.state().camera().zoom;
    assert!(after > before + 1.0, "the map jumped in: {before} → {after}");
    let shown = format!("缩放级别 {after:.1}");
    assert!(h.query_by_label(&shown).is_some(), "the status bar says \"{shown}\"");
}
