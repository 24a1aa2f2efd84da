//! A tour for an inspection: made from sites selected together, played in
//! presentation mode with the clicker's keys, a stop shown as a
//! before/after swipe, and saved to a file that opens again.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use binzhou_sites::app::App;

use crate::support::{app_builder, loaded_app};

fn key(h: &mut Harness<'_, App>, key: egui::Key) {
    h.event(egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers: Default::default() });
    h.event(egui::Event::Key { key, physical_key: None, pressed: false, repeat: false, modifiers: Default::default() });
    h.run();
}

fn settle(h: &mut Harness<'_, App>) {
    for _ in 0..60 {
        h.run();
        if !h.state().is_flying() {
            break;
        }
    }
}

#[test]
fn a_tour_of_selected_sites_plays_with_the_clickers_keys_and_round_trips_through_its_file() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    let ids = ["UV-2021-12", "UV-2021-17", "PP-MC-2020-10"];
    let sites: Vec<usize> = ids.iter().map(|id| h.state().data().dataset.find_by_id(id).unwrap()).collect();
    for &i in &sites {
        h.state_mut().toggle_in_selection(i);
    }
    h.run();
    h.get_by_label("视图").click();
    h.run();
    h.get_by_label("演示路线").click();
    h.run();
    h.get_by_label("用所选项目建立路线").click();
    h.run();
    assert_eq!(h.state().tour().unwrap().tour.stops.len(), 3);
    assert!(h.query_by_label("演示路线").is_some(), "the tour's window is open");
    h.get_by_label("播放（全屏）").click();
    settle(&mut h);
    assert!(h.state().is_presenting());
    assert!(h.query_by_label("1 / 3").is_some(), "a stop counter");
    key(&mut h, egui::Key::ArrowRight);
    settle(&mut h);
    assert!(h.query_by_label("2 / 3").is_some());
    key(&mut h, egui::Key::PageDown);
    settle(&mut h);
    assert!(h.query_by_label("3 / 3").is_some(), "PageDown, as a clicker sends");
    key(&mut h, egui::Key::PageDown);
    assert!(h.query_by_label("3 / 3").is_some(), "the last stop stays the last");
    key(&mut h, egui::Key::ArrowLeft);
    settle(&mut h);
    assert!(h.query_by_label("2 / 3").is_some());
    // The stop shown is the one the map is on.
    let st = h.state().tour().unwrap();
    let stop = &st.tour.stops[st.at];
    let b = stop.bounds(&h.state().data().dataset).unwrap();
    let c = h.state().camera();
    assert!(b.min().x - 0.01 <= c.lon && c.lon <= b.max().x + 0.01, "the map flew to the stop");

    // Saved and opened again, the tour is the same.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("观摩.tour.json");
    h.state().tour().unwrap().tour.save(&file).unwrap();
    let back = binzhou_core::tour::Tour::read(&file).unwrap();
    assert_eq!(back, h.state().tour().unwrap().tour);
}

#[test]
fn a_stop_with_two_years_is_shown_as_a_swipe() {
    use binzhou_core::model::YearView::EndOf;
    use binzhou_core::tour::{Stop, StopTarget, Tour};
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    let mut tour = Tour::new("对比");
    let mut stop = Stop::new(StopTarget::Sites(vec!["UV-2022-03".into()]), EndOf(2022), "前高村");
    stop.before_after = Some((2020, 2022));
    tour.stops.push(stop);
    tour.stops.push(Stop::new(StopTarget::Sites(vec!["PP-MC-2020-10".into()]), EndOf(2021), "口袋公园"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("对比.tour.json");
    tour.save(&file).unwrap();
    h.state_mut().open_tour(&file);
    let ctx = h.ctx.clone();
    h.state_mut().play_tour(&ctx, 0);
    settle(&mut h);
    let sw = h.state().swipe().expect("a before/after stop swipes");
    assert_eq!((sw.before, sw.after), (EndOf(2020), EndOf(2022)));
    key(&mut h, egui::Key::Space);
    settle(&mut h);
    assert!(h.state().swipe().is_none(), "the next stop is a plain view");
    assert_eq!(h.state().state().year, EndOf(2021), "at its own year");
}

#[test]
fn bookmarks_are_kept_with_the_data_imported_from_qgis_and_make_a_tour_of_a_group() {
    use binzhou_sites::app::state::ViewState;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(crate::support::data_dir().join("pocket_parks.geojson"), data.join("pocket_parks.geojson")).unwrap();
    let open = |data: &std::path::Path| {
        let app = App::new(vec![data.to_path_buf()], ViewState::default(), false);
        let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
        let ctx = h.ctx.clone();
        assert!(h.state_mut().wait_for_loading(&ctx, std::time::Duration::from_secs(60)));
        h.run();
        h
    };
    let mut h = open(&data);
    h.get_by_label("视图").click();
    h.run();
    h.get_by_label("书签…").click();
    h.run();
    h.get_by_label("名称").click();
    h.run();
    h.get_by_label("名称").type_text("滨城区中心");
    h.get_by_label("分组").click();
    h.run();
    h.get_by_label("分组").type_text("观摩");
    h.run();
    h.get_by_label("把当前视图存为书签").click();
    h.run();
    let file = data.join("书签.bookmarks.json");
    assert!(file.exists(), "kept beside the data");
    let qgis =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/core/tests/fixtures/qgis_bookmarks_export.xml");
    h.state_mut().import_qgis(&qgis);
    h.run();
    let n = h.state().bookmarks().list.len();
    assert!(n > 1, "QGIS's bookmarks are added");
    assert!(h.query_by_label("滨城区中心").is_some());
    h.get_all_by_label("用这一组建立路线").next().unwrap().click();
    h.run();
    assert_eq!(h.state().tour().unwrap().tour.stops.len(), 1, "a tour of the first group (观摩)");
    drop(h);
    let h = open(&data);
    assert_eq!(h.state().bookmarks().list.len(), n, "and they are there at the next start");
}

#[test]
fn a_tour_can_be_made_of_the_rows_the_table_lists() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    let ids = ["UV-2021-12", "UV-2021-17"];
    for id in ids {
        let i = h.state().data().dataset.find_by_id(id).unwrap();
        h.state_mut().toggle_in_selection(i);
    }
    h.state_mut().state_mut().panels.table = true;
    h.run();
    h.get_by_label("视图").click();
    h.run();
    h.get_by_label("演示路线").click();
    h.run();
    h.get_by_label("用属性表列出的项目建立路线").click();
    h.run();
    let stops = &h.state().tour().unwrap().tour.stops;
    assert_eq!(stops.len(), 2, "one stop per listed row");
}

#[test]
fn a_stop_is_made_a_before_after_swipe_in_the_tour_window() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    for id in ["UV-2022-03", "UV-2021-12"] {
        let i = h.state().data().dataset.find_by_id(id).unwrap();
        h.state_mut().toggle_in_selection(i);
    }
    h.state_mut().tour_from_selection();
    h.run();
    h.get_all_by_label("前后对比").next().expect("a before/after box per stop").click();
    h.run();
    assert_eq!(h.state().tour().unwrap().tour.stops[0].before_after, Some((2020, 2022)));
    let ctx = h.ctx.clone();
    h.state_mut().play_tour(&ctx, 0);
    settle(&mut h);
    assert!(h.state().swipe().is_some(), "the first stop plays as a swipe");
}

#[test]
fn the_tour_window_writes_a_pdf_handout_with_a_map_per_stop_off_the_ui_thread() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    for id in ["UV-2022-03", "PP-MC-2020-10"] {
        let i = h.state().data().dataset.find_by_id(id).unwrap();
        h.state_mut().toggle_in_selection(i);
    }
    h.state_mut().tour_from_selection();
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("观摩.pdf");
    h.state_mut().export_handout(&pdf);
    assert!(h.state().handout_busy(), "written on its own thread");
    let start = std::time::Instant::now();
    while h.state().handout_busy() && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run();
    }
    assert!(h.query_by_label_contains("已写出讲解资料").is_some(), "a notice says where it went");
    let bytes = std::fs::read(&pdf).unwrap();
    let n = |p: &[u8]| bytes.windows(p.len()).filter(|w| *w == p).count();
    assert_eq!(
        n(b"/Type/Page") + n(b"/Type /Page") - n(b"/Type/Pages") - n(b"/Type /Pages"),
        3,
        "a cover and two stops"
    );
    assert!(n(b"/Subtype/Image") + n(b"/Subtype /Image") >= 2, "each stop with its map");
}

#[test]
fn a_tour_can_be_made_of_the_search_results() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    h.get_by_label("搜索").click();
    h.run();
    h.get_by_label("搜索").type_text("杜家村");
    h.run();
    h.run();
    h.get_by_label("视图").click();
    h.run();
    h.get_by_label("演示路线").click();
    h.run();
    h.get_by_label("用搜索结果建立路线").click();
    h.run();
    let stops = &h.state().tour().expect("a tour").tour.stops;
    assert!(!stops.is_empty());
    assert!(
        stops.iter().any(|s| s.title.contains("杜家村")),
        "{:?}",
        stops.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
}
