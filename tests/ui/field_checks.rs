//! A field check made through the form: saved to the journal, shown in the
//! identify panel, and a half-typed form back after a crash.

use std::time::Duration;

use binzhou_core::checks::CheckResult;
use binzhou_sites::app::App;
use binzhou_sites::app::state::ViewState;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use crate::support::{app_builder, click_at, data_dir, open_form, sign_and_save};

fn app_with_journal(journal: &std::path::Path) -> Harness<'static, App> {
    let state = ViewState { inspector: String::new(), ..Default::default() };
    let app = App::new(vec![data_dir()], state, false).with_journal(journal.to_path_buf());
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)), "the data loads");
    h.run();
    h.state_mut().field_checks().settle(Duration::from_secs(10));
    h.run();
    h
}

fn settle(h: &mut Harness<'_, App>) {
    h.state_mut().field_checks().settle(Duration::from_secs(10));
    h.run();
}

#[test]
fn the_check_form_saves_a_check_that_then_shows_in_identify_and_in_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("team-a").join("checks.gpkg");
    let mut h = app_with_journal(&journal);
    let i = h.state().data().dataset.find_by_id("PP-MC-2020-01").expect("a bundled pocket park");
    h.state_mut().select_site(i);
    h.run();
    assert!(h.query_by_label_contains("尚未核查").is_some(), "no checks yet");
    h.get_by_label("核查此项目").click();
    h.run();
    h.get_by_label("位置偏移").click();
    h.get_by_label("备注").click();
    h.run();
    h.get_by_label("备注").type_text("东侧入口已建成，位置比图上偏北");
    h.get_by_label("核查人").click();
    h.run();
    h.get_by_label("核查人").type_text("王工");
    h.run();
    h.get_by_label("保存核查").click();
    h.run();
    settle(&mut h);
    assert!(h.query_by_label("核查记录 (1)").is_some(), "the identify panel lists the check");
    assert!(h.query_by_label_contains("位置偏移 · 王工").is_some());
    assert!(h.query_by_label("东侧入口已建成，位置比图上偏北").is_some());
    assert!(h.query_by_label_contains("低精度").is_some(), "no GNSS fix: marked low-accuracy");

    let saved = binzhou_journal::Journal::open_read_only(&journal).unwrap().versions().unwrap();
    assert_eq!(saved.len(), 1);
    let c = &saved[0];
    assert_eq!((c.site_id.as_str(), c.result, c.inspector.as_str()), ("PP-MC-2020-01", CheckResult::Moved, "王工"));
    assert!(c.low_accuracy && c.gnss.is_none());
    assert_eq!(h.state().state().inspector, "王工", "the inspector is remembered");

    // Coloured by check, the legend counts it, today's included.
    h.get_by_label("按核查").click();
    h.run();
    assert!(h.query_by_label("位置偏移 1").is_some(), "the legend counts the moved site");
    let total = h.state().data().dataset.sites.len();
    assert!(h.query_by_label(&format!("未核查 {}", total - 1)).is_some(), "and every other site as not checked");
    assert!(h.query_by_label("其中今日核查 1").is_some());
}

#[test]
fn a_half_typed_check_comes_back_after_the_app_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    {
        let mut h = app_with_journal(&journal);
        let i = h.state().data().dataset.find_by_id("PP-MC-2020-02").expect("a bundled pocket park");
        h.state_mut().select_site(i);
        h.run();
        h.get_by_label("核查此项目").click();
        h.run();
        h.get_by_label("备注").click();
        h.run();
        h.get_by_label("备注").type_text("围挡未拆");
        h.run();
        h.run();
        // The draft is written by the journal's worker; wait for the file.
        let draft = dir.path().join("checks.gpkg.draft.json");
        for _ in 0..200 {
            if std::fs::read_to_string(&draft).is_ok_and(|d| d.contains("围挡未拆")) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(std::fs::read_to_string(&draft).unwrap().contains("围挡未拆"));
        // The harness is dropped without saving: as if the power went.
    }
    let h = app_with_journal(&journal);
    assert!(h.query_all_by_value("围挡未拆").next().is_some(), "the draft is back in the form");
    assert!(h.query_by_label_contains("核查：").is_some(), "the form is open again");
}

#[test]
fn a_form_closed_without_saving_leaves_no_draft() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let draft = dir.path().join("checks.gpkg.draft.json");
    let mut h = app_with_journal(&journal);
    let i = h.state().data().dataset.find_by_id("PP-MC-2020-02").unwrap();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("核查此项目").click();
    h.run();
    let wait_for = |cond: &dyn Fn() -> bool| {
        for _ in 0..200 {
            if cond() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    };
    assert!(wait_for(&|| draft.exists()), "an open form keeps a draft");
    h.get_by_label("取消").click();
    h.run();
    assert!(wait_for(&|| !draft.exists()), "cancelling removes it");
}

#[test]
fn ctrl_g_goes_to_a_written_position_or_says_what_it_expected() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_journal(&dir.path().join("checks.gpkg"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::G);
    h.run();
    h.get_by_label("坐标或编号").type_text("滨州市政府");
    h.get_by_label("前往").click();
    h.run();
    assert!(h.query_by_label_contains("需要两个坐标").is_some(), "it says what it expected");
    assert_eq!(h.state().goto_marker(), None);

    h.get_by_label("坐标或编号").click();
    h.run();
    for _ in 0.."滨州市政府".chars().count() {
        h.key_press(egui::Key::Backspace);
    }
    h.get_by_label("坐标或编号").type_text("东经118度0分44.3秒 北纬37度22分55.6秒");
    h.get_by_label("前往").click();
    h.run();
    let (lon, lat) = h.state().goto_marker().expect("a marker where it went");
    assert!((lon - 118.0123056).abs() < 1e-6 && (lat - 37.3821111).abs() < 1e-6, "({lon}, {lat})");
    assert!(h.query_by_label("前往").is_none(), "the dialog closes");
    let cam = h.state().camera();
    assert!((cam.lon - lon).abs() < 1e-3 && (cam.lat - lat).abs() < 1e-3, "the map went there: {cam:?}");
}

#[test]
fn measuring_adds_clicked_points_snaps_to_a_vertex_and_matches_geodesic_references() {
    use geo::{Coord, Geodesic, GeodesicArea, Length, LineString, Polygon};
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_journal(&dir.path().join("checks.gpkg"));
    h.key_press(egui::Key::M);
    h.run();
    assert!(h.state().measuring().is_some(), "M starts measuring");
    let rect = h.state().clear_map_rect().unwrap();
    let c = rect.center();
    for p in [c + egui::vec2(-120.0, -60.0), c + egui::vec2(130.0, -40.0), c + egui::vec2(40.0, 110.0)] {
        click_at(&mut h, p);
    }
    let m = h.state().measuring().unwrap().clone();
    assert_eq!(m.points.len(), 3, "three clicks, three points; no site selected: {:?}", h.state().selected());
    let line: LineString<f64> = m.points.iter().map(|&(x, y)| Coord { x, y }).collect();
    assert!((m.length_m() - Geodesic.length(&line)).abs() < 1e-6);
    let area = Polygon::new(line.clone(), vec![]).geodesic_area_unsigned();
    assert!((m.area_m2() - area).abs() < 1e-3 && area > 10_000.0, "{} vs {area}", m.area_m2());
    assert!(h.query_by_label_contains("3 个点 · 长度").is_some(), "the figures are shown");
    assert!(h.query_by_label_contains("亩").is_some(), "in mu too");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().measuring().is_none(), "Esc ends");

    // A click a few pixels from a site's vertex lands on the vertex itself.
    h.key_press(egui::Key::M);
    h.run();
    let i = h.state().data().dataset.find_by_id("UV-2021-12").unwrap();
    let vertex = match &h.state().data().dataset.sites[i].geometry {
        geo::Geometry::Polygon(p) => p.exterior().0[0],
        g => panic!("{g:?}"),
    };
    h.state_mut().select_site(i);
    h.run();
    h.key_press(egui::Key::Escape); // ends the measurement; the map is on the site now
    h.run();
    h.key_press(egui::Key::M);
    h.run();
    let at = h.state().lon_lat_to_screen(vertex.x, vertex.y).unwrap() + egui::vec2(3.0, -2.0);
    click_at(&mut h, at);
    let p = h.state().measuring().unwrap().points[0];
    assert!((p.0 - vertex.x).abs() < 1e-9 && (p.1 - vertex.y).abs() < 1e-9, "{p:?} is not the vertex {vertex:?}");
}

#[test]
fn a_route_through_chosen_sites_is_short_numbered_and_moves_on_when_a_site_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_journal(&dir.path().join("checks.gpkg"));
    let ds = &h.state().data().dataset;
    let ids = ["PP-MC-2020-01", "PP-MC-2020-02", "UV-2021-12", "GW-MC-2020-01"];
    let sites: Vec<usize> = ids.iter().filter_map(|id| ds.find_by_id(id)).collect();
    assert!(sites.len() >= 3, "bundled sites for the route");
    let cam = h.state().camera();
    let at: Vec<(f64, f64)> = sites.iter().map(|&i| ds.sites[i].bbox.center().x_y()).collect();
    let expected: Vec<String> = binzhou_core::route::plan((cam.lon, cam.lat), &at)
        .into_iter()
        .map(|k| ds.sites[sites[k]].id().to_string())
        .collect();
    h.state_mut().plan_route(&sites);
    h.run();
    assert_eq!(h.state().route().unwrap().stops, expected, "the core's order, from the map's centre without a fix");
    assert!(h.query_by_label_contains(&format!("{} 个项目，全程约", sites.len())).is_some());
    let first = h.state().data().dataset.find_by_id(&expected[0]).unwrap();
    let first_name = h.state().data().dataset.sites[first].name().to_string();
    assert!(h.query_by_label(&format!("下一站：1. {first_name}")).is_some(), "the first stop is next");
    assert!(h.query_by_label_contains("无 GNSS 定位").is_some());

    // Checking the first stop moves the route on.
    open_form(&mut h, &expected[0]);
    sign_and_save(&mut h, "李工");
    assert!(h.query_by_label_contains("下一站：2.").is_some(), "the second stop is next");

    // The route is kept with the journal: the app opened again follows it.
    let stops = h.state().route().unwrap().stops.clone();
    drop(h);
    let h = app_with_journal(&dir.path().join("checks.gpkg"));
    assert_eq!(h.state().route().map(|r| r.stops.clone()), Some(stops), "the route is back");
    assert!(h.query_by_label_contains("下一站：2.").is_some(), "still at the second stop");
}

/// Presses at `from`, moves in steps to `to` and lets go there.
fn drag(h: &mut Harness<'_, App>, from: egui::Pos2, to: egui::Pos2) {
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::default(),
    };
    h.event(egui::Event::PointerMoved(from));
    h.run();
    h.event(button(from, true));
    h.run();
    for k in 1..=8 {
        h.event(egui::Event::PointerMoved(from + (to - from) * (k as f32 / 8.0)));
        h.run();
    }
    h.event(button(to, false));
    h.run();
    h.run();
}

#[test]
fn the_route_is_reordered_by_its_arrows_or_by_dragging_and_the_order_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut h = app_with_journal(&journal);
    let ds = &h.state().data().dataset;
    let sites: Vec<usize> =
        ["PP-MC-2020-01", "PP-MC-2020-02", "UV-2021-12"].iter().filter_map(|id| ds.find_by_id(id)).collect();
    assert_eq!(sites.len(), 3, "bundled sites for the route");
    h.state_mut().plan_route(&sites);
    h.run();
    let planned = h.state().route().unwrap().stops.clone();

    // The first stop's ↓ makes it the second.
    h.query_all_by_label("↓").next().expect("a ↓ per stop").click();
    h.run();
    let swapped = vec![planned[1].clone(), planned[0].clone(), planned[2].clone()];
    assert_eq!(h.state().route().unwrap().stops, swapped);
    let name = |h: &Harness<'_, App>, id: &str| {
        let d = &h.state().data().dataset;
        d.sites[d.find_by_id(id).unwrap()].name().to_string()
    };
    let next = name(&h, &swapped[0]);
    assert!(h.query_by_label(&format!("下一站：1. {next}")).is_some(), "the next stop follows the order");

    // Dragging the third stop's handle onto the first row puts it first.
    let handles: Vec<egui::Rect> = h.query_all_by_label("≡").map(|n| n.rect()).collect();
    assert_eq!(handles.len(), 3);
    drag(&mut h, handles[2].center(), handles[0].center());
    let dragged = vec![swapped[2].clone(), swapped[0].clone(), swapped[1].clone()];
    assert_eq!(h.state().route().unwrap().stops, dragged, "the dragged stop is first");

    // The order is kept with the journal.
    h.state_mut().field_checks().settle(Duration::from_secs(10));
    drop(h);
    let h = app_with_journal(&journal);
    assert_eq!(h.state().route().map(|r| r.stops.clone()), Some(dragged), "the new order is back");
}

#[test]
fn a_route_is_planned_from_the_tables_filter_or_from_a_box_drawn_on_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_journal(&dir.path().join("checks.gpkg"));
    // The table, filtered to one district's pocket parks by a word.
    h.state_mut().state_mut().panels.table = true;
    h.run();
    h.get_by_label("筛选").focus();
    h.run();
    h.get_by_label("筛选").type_text("邹平市");
    h.run();
    h.run();
    let shown = h.state().table_rows().expect("the table shows rows");
    assert!(!shown.is_empty() && shown.len() <= 60, "a day's worth: {}", shown.len());
    h.get_by_label("定位").click();
    h.run();
    h.get_by_label("用表格中筛选出的项目规划路线").click();
    h.run();
    let route = h.state().route().expect("a route").stops.clone();
    let ds = &h.state().data().dataset;
    let mut want: Vec<String> = shown.iter().map(|&i| ds.sites[i].id().to_string()).collect();
    let mut got = route.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "the route visits exactly the table's rows");

    // A box around two pocket parks.
    let ids = ["PP-MC-2020-01", "PP-MC-2020-02"];
    let idx: Vec<usize> = ids.iter().map(|id| ds.find_by_id(id).unwrap()).collect();
    let b = idx.iter().map(|&i| ds.sites[i].bbox).reduce(binzhou_core::model::union).unwrap();
    h.state_mut().state_mut().panels.table = false;
    h.state_mut().fit_to(b);
    h.run();
    h.run();
    let (a, z) =
        (h.state().screen_of(b.min().x, b.max().y).unwrap(), h.state().screen_of(b.max().x, b.min().y).unwrap());
    let pad = egui::vec2(12.0, 12.0);
    h.get_by_label("定位").click();
    h.run();
    h.get_by_label("在地图上框选项目规划路线…").click();
    h.run();
    drag(&mut h, a - pad, z + pad);
    let route = h.state().route().expect("a route from the box").stops.clone();
    for id in ids {
        assert!(route.iter().any(|s| s == id), "{id} is in the box's route: {route:?}");
    }
    let (p, q) = (h.state().lon_lat_at(a - pad).unwrap(), h.state().lon_lat_at(z + pad).unwrap());
    let inside =
        h.state().data().index.in_rect(geo::Rect::new(geo::coord! { x: p.0, y: p.1 }, geo::coord! { x: q.0, y: q.1 }));
    let plan_inside = inside
        .iter()
        .filter(|&&i| !matches!(h.state().data().dataset.sites[i].layer(), binzhou_core::model::LayerKey::Reference(_)))
        .count();
    assert_eq!(route.len(), plan_inside.min(60), "every plan site in the box, none outside");
}

#[test]
fn the_menu_sums_the_checks_up_per_layer_and_county_and_exports_them_for_the_office() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_journal(&dir.path().join("checks.gpkg"));
    open_form(&mut h, "PP-MC-2020-01");
    sign_and_save(&mut h, "王工");
    h.get_by_label("定位").click();
    h.run();
    h.get_by_label("核查汇总").click();
    h.run();
    h.run();
    assert!(h.query_by_label("核查汇总（各图层、各区县）").is_some());
    let total = h.state().data().dataset.sites.len();
    assert!(h.query_by_label(&format!("1 份核查记录（1 个版本），数据中共 {total} 个项目")).is_some());
    assert!(h.query_all_by_label("口袋公园/节点绿地").count() >= 1, "a row per layer and county");

    let out = dir.path().join("office").join("核查记录.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let ctx = h.ctx.clone();
    h.state_mut().export_checks(&ctx, out.clone());
    for _ in 0..500 {
        h.run();
        if !h.state().exporting_checks() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!h.state().exporting_checks(), "the export finishes");
    h.run();
    assert!(h.query_by_label_contains("已导出 1 条核查记录到").is_some(), "and says so");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(text.contains("PP-MC-2020-01") && text.contains("王工") && text.contains("核查编号"));
}

#[test]
fn a_check_photo_shows_as_a_thumbnail_and_large_on_a_click() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut h = app_with_journal(&journal);
    open_form(&mut h, "PP-MC-2020-01");
    let photo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/rotated_orientation6.jpg");
    h.state_mut().add_check_photos(vec![photo]);
    settle(&mut h);
    // The picture is read on a worker: frames go on until it is there.
    let shown = |h: &mut Harness<'_, App>, label: &str| {
        for _ in 0..200 {
            h.run();
            if h.query_by_label(label).is_some_and(|n| n.accesskit_node().role() == egui::accesskit::Role::Image) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    };
    assert!(shown(&mut h, "照片：rotated_orientation6.jpg"), "the form shows the photo as a thumbnail");
    sign_and_save(&mut h, "王工");
    assert!(h.query_by_label("核查记录 (1)").is_some());
    assert!(shown(&mut h, "照片：rotated_orientation6.jpg"), "the identify panel shows it too");
    let thumb = h.get_by_label("照片：rotated_orientation6.jpg").rect();
    assert!(thumb.height() > thumb.width(), "upright as the camera was held: {thumb:?}");
    h.get_by_label("照片：rotated_orientation6.jpg").click();
    h.run();
    assert!(h.query_by_label("核查照片").is_some(), "a click opens the larger view");
}

#[test]
fn a_recorded_track_goes_into_the_journal_fix_by_fix() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut h = app_with_journal(&journal);
    let ctx = h.ctx.clone();
    let log = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gnss/bincheng_walk.nmea");
    h.state_mut().connect_gnss(&format!("replay:{}", log.display()), &ctx);
    h.state_mut().field_checks().toggle_recording();
    // The replay gives a fix a second.
    let started = std::time::Instant::now();
    while h.state_mut().field_checks().track.len() < 2 && started.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
    let recorded = h.state_mut().field_checks().track.clone();
    assert!(recorded.len() >= 2, "fixes are recorded: {}", recorded.len());
    h.run();
    assert!(h.query_by_label_contains("● 正在记录轨迹").is_some(), "the status bar says it records");
    h.state_mut().field_checks().toggle_recording();
    settle(&mut h);
    std::thread::sleep(Duration::from_millis(200));
    let saved = binzhou_journal::Journal::open_read_only(&journal).unwrap().track().unwrap();
    assert!(saved.len() >= recorded.len(), "{} in the journal, {} recorded", saved.len(), recorded.len());
    assert_eq!(saved[0], recorded[0]);
}

#[test]
fn amending_a_check_writes_its_next_version_and_deleting_leaves_a_tombstone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut h = app_with_journal(&journal);
    h.state_mut().state_mut().inspector = "王工".into();
    let i = h.state().data().dataset.find_by_id("UV-2021-12").expect("a bundled village");
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("核查此项目").click();
    h.run();
    h.get_by_label("保存核查").click();
    h.run();
    settle(&mut h);
    assert!(h.query_by_label_contains("位置正确 · 王工").is_some());

    h.get_by_label("修改").click();
    h.run();
    h.get_by_label("现场未找到").click();
    h.run();
    h.get_by_label("保存核查").click();
    h.run();
    settle(&mut h);
    assert!(h.query_by_label_contains("现场未找到 · 王工").is_some(), "the amended result shows");
    assert!(h.query_by_label("第 2 版").is_some());
    assert!(h.query_by_label("核查记录 (1)").is_some(), "still one check");

    h.get_by_label("删除").click();
    h.run();
    settle(&mut h);
    std::thread::sleep(Duration::from_millis(100));
    h.run();
    assert!(h.query_by_label("核查记录 (0)").is_some(), "the deleted check is gone from the panel");
    let versions = binzhou_journal::Journal::open_read_only(&journal).unwrap().versions().unwrap();
    let v: Vec<(u32, Option<u32>, bool)> = versions.iter().map(|c| (c.version, c.previous, c.deleted)).collect();
    assert_eq!(v, vec![(1, None, false), (2, Some(1), false), (3, Some(2), true)], "every version kept");
    assert_eq!(versions[1].result, binzhou_core::checks::CheckResult::NotFound);
}

#[test]
fn another_teams_journal_merges_in_and_both_checks_of_a_site_show() {
    use binzhou_core::checks::{Check, CheckResult};
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("team-b.gpkg");
    let at = binzhou_journal::now();
    let their_check = Check {
        id: binzhou_journal::new_check_id(),
        version: 1,
        previous: None,
        site_id: "UV-2021-12".into(),
        site_layer: "urban_village".into(),
        result: CheckResult::Unreachable,
        observed: None,
        finished_on: None,
        note: "道路封闭".into(),
        inspector: "赵工".into(),
        checked_at: at.clone(),
        author: "赵工".into(),
        written_at: at,
        gnss: None,
        corrected: None,
        low_accuracy: true,
        deleted: false,
        photos: Vec::new(),
    };
    binzhou_journal::Journal::open(&theirs).unwrap().save(&their_check).unwrap();
    let mut h = app_with_journal(&dir.path().join("ours.gpkg"));
    h.state_mut().state_mut().inspector = "王工".into();
    let i = h.state().data().dataset.find_by_id("UV-2021-12").unwrap();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("核查此项目").click();
    h.run();
    h.get_by_label("保存核查").click();
    h.run();
    settle(&mut h);
    h.state_mut().field_checks().read_other(theirs.clone());
    for _ in 0..100 {
        h.state_mut().field_checks().poll();
        if !h.state_mut().field_checks().others.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run();
    assert!(h.query_by_label("核查记录 (2)").is_some(), "ours and theirs");
    assert!(h.query_by_label_contains("无法到达 · 赵工").is_some());
    assert!(h.query_by_label_contains("位置正确 · 王工").is_some());
}

#[test]
fn a_moved_sites_true_position_can_be_clicked_on_the_map_and_the_plan_stays() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut h = app_with_journal(&journal);
    h.state_mut().state_mut().inspector = "王工".into();
    let i = h.state().data().dataset.find_by_id("UV-2021-12").unwrap();
    let plan_before = h.state().data().dataset.sites[i].geometry.clone();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("核查此项目").click();
    h.run();
    h.get_by_label("位置偏移").click();
    h.run();
    h.get_by_label("在地图上点选实际位置").click();
    h.run();
    let rect = h.state().clear_map_rect().unwrap();
    let at = rect.left_bottom() + egui::vec2(60.0, -60.0);
    click_at(&mut h, at);
    assert_eq!(h.state().selected(), Some(i), "the click picked a position, not another site");
    h.get_by_label("保存核查").click();
    h.run();
    settle(&mut h);
    let saved = binzhou_journal::Journal::open_read_only(&journal).unwrap().versions().unwrap();
    let (lon, lat) = saved[0].corrected.expect("a true position");
    let back = h.state().lon_lat_to_screen(lon, lat).unwrap();
    assert!(back.distance(at) < 1.5, "the position clicked: {back:?} vs {at:?}");
    assert_eq!(h.state().data().dataset.sites[i].geometry, plan_before, "the plan's geometry is not changed");
}
