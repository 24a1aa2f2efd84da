//! A planner keeps the data: attributes edited in the form, progress in one
//! click, a point moved, a site deleted; undo and redo; saved to the file;
//! and edits never saved come back at the next start.

use std::path::{Path, PathBuf};
use std::time::Duration;

use binzhou_core::load::{LoadOptions, load_file};
use binzhou_sites::app::App;
use binzhou_sites::app::state::ViewState;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use crate::support::{app_builder, click_at, data_dir, type_into};

/// A copy of the bundled data to edit, and a journal folder.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(data_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
        }
    }
    (dir, data)
}

fn app_on(dir: &Path, data: &Path) -> Harness<'static, App> {
    let app = App::new(vec![data.to_path_buf()], ViewState::default(), false)
        .with_journal(dir.join("journal").join("checks.gpkg"));
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)), "the data loads");
    h.run();
    h
}

fn completed(h: &Harness<'_, App>, id: &str) -> Option<String> {
    let ds = &h.state().data().dataset;
    ds.sites[ds.find_by_id(id).unwrap()].completed.map(|d| d.to_string())
}

/// Site `i`'s completion typed in the attribute form, as a planner does, and applied.
fn type_completion(h: &mut Harness<'_, App>, i: usize, text: &str) {
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("编辑属性").click();
    h.run();
    type_into(h, "完工", text);
    h.get_by_label("应用").click();
    h.run();
}

fn key(h: &mut Harness<'_, App>, key: egui::Key, modifiers: egui::Modifiers) {
    h.event(egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers });
    h.event(egui::Event::Key { key, physical_key: None, pressed: false, repeat: false, modifiers });
    h.run();
}

fn journals(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("journal").join("edits")).map(|d| d.count()).unwrap_or(0)
}

fn wait_saves(h: &mut Harness<'_, App>) {
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_saves(&ctx, Duration::from_secs(20)));
    h.run();
}

#[test]
fn a_completion_date_typed_in_the_form_is_applied_undone_redone_and_saved_to_the_file() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let id = "PP-MC-2020-10";
    assert_eq!(completed(&h, id), None, "the bundled site is not done yet");
    let i = h.state().data().dataset.find_by_id(id).unwrap();
    type_completion(&mut h, i, "2020年11月");
    assert_eq!(completed(&h, id).as_deref(), Some("2020-11"));
    assert!(h.state().window_title().is_some_and(|t| t.contains("未保存")), "{:?}", h.state().window_title());
    assert!(h.query_by_label_contains("1 处编辑未保存").is_some(), "the layer panel says so");
    assert_eq!(journals(dir.path()), 1, "the edit is in the journal before any save");

    // Undo and redo (the form closed, so the keys are the app's).
    h.get_by_label("关闭").click();
    h.run();
    key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND);
    assert_eq!(completed(&h, id), None, "undone");
    assert!(h.query_by_label_contains("编辑未保存").is_none(), "back to the file's state: nothing unsaved");
    key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND | egui::Modifiers::SHIFT);
    assert_eq!(completed(&h, id).as_deref(), Some("2020-11"), "redone");

    key(&mut h, egui::Key::S, egui::Modifiers::COMMAND);
    wait_saves(&mut h);
    assert!(h.query_by_label_contains("已保存 pocket_parks.geojson").is_some(), "a notice says where it went");
    assert!(h.state().window_title().is_some_and(|t| !t.contains("未保存")));
    assert_eq!(journals(dir.path()), 0, "a save removes the journal");
    let on_disk = load_file(&data.join("pocket_parks.geojson"), &LoadOptions::default(), &|_, _| {});
    let s = &on_disk.sites[on_disk.find_by_id(id).unwrap()];
    assert_eq!(s.completed.map(|d| d.to_string()).as_deref(), Some("2020-11"));
    assert!(data.join("pocket_parks.geojson.bak").exists());
}

#[test]
fn a_bad_date_is_named_as_it_is_typed_and_cannot_be_applied() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let i = h.state().data().dataset.find_by_id("PP-MC-2020-10").unwrap();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("编辑属性").click();
    h.run();
    h.get_by_label("开工").click();
    h.run();
    h.get_by_label("开工").type_text("2020-13");
    h.run();
    assert!(h.query_by_label_contains("月份不在 1–12 之间").is_some(), "the reason shows under the field");
    assert!(h.get_by_label("应用").accesskit_node().is_disabled(), "and the form cannot be applied");
}

#[test]
fn completed_in_one_click_a_point_moved_on_the_map_and_a_site_deleted_then_undone() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let id = "PP-MC-2020-10";
    let i = h.state().data().dataset.find_by_id(id).unwrap();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("进度更新").click();
    h.run();
    h.get_by_label("进度更新").type_text("2021-10");
    h.run();
    h.get_by_label("记为已完工").click();
    h.run();
    assert_eq!(completed(&h, id).as_deref(), Some("2021-10"));

    h.get_by_label("移动位置").click();
    h.run();
    let map = h.state().clear_map_rect().unwrap();
    let target = map.center() + egui::vec2(-40.0, 30.0);
    click_at(&mut h, target);
    let ds = &h.state().data().dataset;
    let moved = &ds.sites[ds.find_by_id(id).unwrap()];
    let c = moved.bbox.center();
    let at = h.state().lon_lat_to_screen(c.x, c.y).unwrap();
    assert!((at - target).length() < 1.5, "the park is where the map was clicked: {at:?} vs {target:?}");
    assert_eq!(h.state().selected(), Some(ds.find_by_id(id).unwrap()), "and stays selected");

    let before = h.state().data().dataset.sites.len();
    h.get_by_label("删除项目").click();
    h.run();
    h.get_by_label("确定删除").click();
    h.run();
    assert_eq!(h.state().data().dataset.sites.len(), before - 1);
    assert!(h.state().data().dataset.find_by_id(id).is_none());
    key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND);
    assert_eq!(h.state().data().dataset.sites.len(), before, "undo brings the site back");
    assert_eq!(completed(&h, id).as_deref(), Some("2021-10"), "as it was before the delete");
}

#[test]
fn edits_never_saved_are_offered_at_the_next_start_and_recovered() {
    let (dir, data) = workspace();
    let id = "UV-2021-12";
    {
        let mut h = app_on(dir.path(), &data);
        let ds = &h.state().data().dataset;
        let i = ds.find_by_id(id).or_else(|| ds.sites.iter().position(|s| s.id().starts_with("UV-"))).unwrap();
        let id = h.state().data().dataset.sites[i].id().to_string();
        h.state_mut().select_site(i);
        h.run();
        h.get_by_label("编辑属性").click();
        h.run();
        h.get_by_label("名称").click();
        h.run();
        h.get_by_label("名称").type_text("（已更名）");
        h.run();
        h.get_by_label("应用").click();
        h.run();
        assert!(h.state().data().dataset.sites.iter().any(|s| s.id() == id && s.name().contains("（已更名）")));
        std::fs::write(dir.path().join("edited-id"), &id).unwrap();
        // The app goes away without saving.
    }
    let id = std::fs::read_to_string(dir.path().join("edited-id")).unwrap();
    let mut h = app_on(dir.path(), &data);
    for _ in 0..50 {
        h.run();
        if h.query_by_label("恢复这些编辑").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(h.query_by_label_contains("有 1 处上次未保存的编辑").is_some(), "the offer names the file and count");
    h.get_by_label("恢复这些编辑").click();
    h.run();
    let ds = &h.state().data().dataset;
    assert!(ds.sites[ds.find_by_id(&id).unwrap()].name().contains("（已更名）"), "the edit is back");
    assert!(h.state().window_title().is_some_and(|t| t.contains("未保存")), "and still to be saved");
}

#[test]
fn closing_the_window_with_unsaved_edits_asks_first() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let i = h.state().data().dataset.find_by_id("PP-MC-2020-02").unwrap();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("进度更新").click();
    h.run();
    h.get_by_label("进度更新").type_text("2020-12");
    h.run();
    h.get_by_label("记为已完工").click();
    h.run();
    h.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    h.run();
    assert!(h.query_by_label("有未保存的编辑").is_some(), "a question, not a lost edit");
    h.get_by_label("保存并退出").click();
    h.run();
    wait_saves(&mut h);
    let on_disk = load_file(&data.join("pocket_parks.geojson"), &LoadOptions::default(), &|_, _| {});
    let s = &on_disk.sites[on_disk.find_by_id("PP-MC-2020-02").unwrap()];
    assert_eq!(s.completed.map(|d| d.to_string()).as_deref(), Some("2020-12"));
}

fn drag(h: &mut Harness<'_, App>, from: egui::Pos2, to: egui::Pos2, button: egui::PointerButton) {
    h.event(egui::Event::PointerMoved(from));
    h.run();
    h.event(egui::Event::PointerButton { pos: from, button, pressed: true, modifiers: Default::default() });
    h.run();
    for k in 1..=4 {
        h.event(egui::Event::PointerMoved(from + (to - from) * (k as f32 / 4.0)));
        h.run();
    }
    h.event(egui::Event::PointerButton { pos: to, button, pressed: false, modifiers: Default::default() });
    h.run();
}

fn outer_ring(h: &Harness<'_, App>, id: &str) -> Vec<geo::Coord<f64>> {
    let ds = &h.state().data().dataset;
    match &ds.sites[ds.find_by_id(id).unwrap()].geometry {
        geo::Geometry::Polygon(p) => p.exterior().0.clone(),
        other => panic!("a polygon: {other:?}"),
    }
}

#[test]
fn the_vertex_tool_moves_inserts_and_deletes_vertices_without_panning_the_map() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let id = "PP-MC-2020-10";
    let i = h.state().data().dataset.find_by_id(id).unwrap();
    h.state_mut().select_site(i);
    for _ in 0..30 {
        h.run();
        if !h.state().is_flying() {
            break;
        }
    }
    h.get_by_label("编辑几何").click();
    h.run();
    assert!(h.query_by_label_contains("编辑几何：").is_some(), "the tool says what it edits");
    let ring = outer_ring(&h, id);
    let n = ring.len();
    let camera = h.state().camera();
    // Drag the first vertex 25 px right.
    let from = h.state().lon_lat_to_screen(ring[0].x, ring[0].y).unwrap();
    let to = from + egui::vec2(25.0, 0.0);
    drag(&mut h, from, to, egui::PointerButton::Primary);
    let after = outer_ring(&h, id);
    let moved = h.state().lon_lat_to_screen(after[0].x, after[0].y).unwrap();
    assert!((moved - to).length() < 2.0, "the vertex followed the pointer: {moved:?} vs {to:?}");
    assert_eq!(after.len(), n);
    let c = h.state().camera();
    assert!((c.lon - camera.lon).abs() < 1e-9 && (c.lat - camera.lat).abs() < 1e-9, "the map did not pan");
    // Drag the middle of the first segment: a new vertex.
    let (a, b) = (after[0], after[1]);
    let mid = h.state().lon_lat_to_screen((a.x + b.x) / 2.0, (a.y + b.y) / 2.0).unwrap();
    drag(&mut h, mid, mid + egui::vec2(0.0, -15.0), egui::PointerButton::Primary);
    assert_eq!(outer_ring(&h, id).len(), n + 1, "a vertex was inserted");
    // Right-click it away again.
    let r = outer_ring(&h, id);
    let v = h.state().lon_lat_to_screen(r[1].x, r[1].y).unwrap();
    h.event(egui::Event::PointerMoved(v));
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: v,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Default::default(),
        });
    }
    h.run();
    h.run();
    assert_eq!(outer_ring(&h, id).len(), n, "the vertex was deleted");
    // Three undos: back to the file's shape.
    for _ in 0..3 {
        key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND);
    }
    assert_eq!(outer_ring(&h, id), ring);
}

#[test]
fn a_new_polygon_drawn_on_the_map_becomes_a_site_in_its_layers_file() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let before = h.state().data().dataset.sites.len();
    h.get_by_label("编辑").click();
    h.run();
    h.get_by_label("新建项目").click();
    h.run();
    h.get_by_label("面").click();
    h.run();
    let c = h.state().clear_map_rect().unwrap().center();
    for d in [egui::vec2(0.0, 0.0), egui::vec2(60.0, 0.0), egui::vec2(30.0, 50.0)] {
        click_at(&mut h, c + d);
    }
    assert!(h.query_by_label("已画 3 个顶点").is_some());
    h.get_by_label("完成").click();
    h.run();
    let ds = &h.state().data().dataset;
    assert_eq!(ds.sites.len(), before + 1);
    let i = ds.find_by_id("PP-NEW-001").expect("the new site");
    assert!(matches!(ds.sites[i].geometry, geo::Geometry::Polygon(_)));
    assert_eq!(h.state().selected(), Some(i), "selected, with its attribute form open");
    assert!(h.query_by_label("应用").is_some());
    key(&mut h, egui::Key::S, egui::Modifiers::COMMAND);
    wait_saves(&mut h);
    let on_disk = load_file(&data.join("pocket_parks.geojson"), &LoadOptions::default(), &|_, _| {});
    assert!(on_disk.find_by_id("PP-NEW-001").is_some(), "saved into the pocket parks' file");
}

#[test]
fn a_field_set_for_sites_selected_together_changes_each_of_them_in_one_undoable_edit() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let ids = ["PP-MC-2020-10", "UV-2021-12"];
    let ds = &h.state().data().dataset;
    let sites: Vec<usize> = ids.iter().map(|id| ds.find_by_id(id).unwrap()).collect();
    h.state_mut().select_site(sites[0]);
    h.run();
    h.state_mut().toggle_in_selection(sites[1]);
    h.run();
    h.get_by_label("编辑").click();
    h.run();
    h.get_by_label("批量设置所选项目…").click();
    h.run();
    assert!(h.query_by_label("批量设置 2 个项目").is_some());
    h.get_by_label("值").click();
    h.run();
    h.get_by_label("值").type_text("2022-06");
    h.run();
    h.get_by_label("应用").click();
    h.run();
    for id in ids {
        assert_eq!(completed(&h, id).as_deref(), Some("2022-06"), "{id}");
    }
    key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND);
    for id in ids {
        assert_ne!(completed(&h, id).as_deref(), Some("2022-06"), "{id} undone in one step");
    }
}

#[test]
fn edits_of_a_ledger_are_saved_as_a_new_geojson_that_later_saves_go_into() {
    use binzhou_sites::app::state::FileDialogChoice;
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("pocket_parks_2021.xlsx");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledgers/pocket_parks_2021.xlsx"), &ledger)
        .unwrap();
    let before = std::fs::read(&ledger).unwrap();
    let state = ViewState { file_dialog: FileDialogChoice::InApp, ..Default::default() };
    let app = App::new(vec![ledger.clone()], state, false).with_journal(dir.path().join("j").join("checks.gpkg"));
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)));
    h.run();
    let id = "PP-L-2021-03";
    let i = h.state().data().dataset.find_by_id(id).expect("a park of the ledger");
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("进度更新").click();
    h.run();
    h.get_by_label("进度更新").type_text("2021-11");
    h.run();
    h.get_by_label("记为已完工").click();
    h.run();
    key(&mut h, egui::Key::S, egui::Modifiers::COMMAND);
    assert!(h.query_by_label_contains("不能直接写回").is_some(), "the ledger is not written over");
    assert!(h.state().file_browser_folder().is_some(), "a file is asked for");
    let target = dir.path().join("口袋公园2021.geojson");
    h.get_by_label("路径").click();
    h.run();
    key(&mut h, egui::Key::A, egui::Modifiers::COMMAND);
    h.get_by_label("路径").type_text(&dir.path().display().to_string());
    key(&mut h, egui::Key::Enter, egui::Modifiers::NONE);
    h.get_by_label("文件名").click();
    h.run();
    key(&mut h, egui::Key::A, egui::Modifiers::COMMAND);
    h.get_by_label("文件名").type_text("口袋公园2021.geojson");
    h.run();
    // Enter confirms (the layer panel has a 保存 button of its own).
    key(&mut h, egui::Key::Enter, egui::Modifiers::NONE);
    assert_eq!(std::fs::read(&ledger).unwrap(), before, "the ledger is untouched");
    let saved = load_file(&target, &LoadOptions::default(), &|_, _| {});
    assert_eq!(saved.sites.len(), 8);
    let s = &saved.sites[saved.find_by_id(id).unwrap()];
    assert_eq!(s.completed.map(|d| d.to_string()).as_deref(), Some("2021-11"));
    assert!(h.state().window_title().is_some_and(|t| !t.contains("未保存")), "nothing unsaved now");
    // The next edit saves straight into the new file.
    h.get_by_label("进度更新").click();
    h.run();
    key(&mut h, egui::Key::A, egui::Modifiers::COMMAND);
    h.get_by_label("进度更新").type_text("2021-12");
    h.run();
    h.get_by_label("记为已完工").click();
    h.run();
    key(&mut h, egui::Key::S, egui::Modifiers::COMMAND);
    wait_saves(&mut h);
    let saved = load_file(&target, &LoadOptions::default(), &|_, _| {});
    let s = &saved.sites[saved.find_by_id(id).unwrap()];
    assert_eq!(s.completed.map(|d| d.to_string()).as_deref(), Some("2021-12"));
}

#[test]
fn a_save_that_fails_keeps_every_edit_and_offers_to_save_as_another_file() {
    use binzhou_sites::app::state::FileDialogChoice;
    let (dir, data) = workspace();
    // The backup cannot be written (a folder has its name): the save fails
    // as on a full disk or a read-only folder, even for root.
    std::fs::create_dir(data.join("pocket_parks.geojson.bak")).unwrap();
    let before = std::fs::read(data.join("pocket_parks.geojson")).unwrap();
    let state = ViewState { file_dialog: FileDialogChoice::InApp, ..Default::default() };
    let app = App::new(vec![data.clone()], state, false).with_journal(dir.path().join("journal").join("checks.gpkg"));
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)));
    h.run();
    let id = "PP-MC-2020-10";
    let i = h.state().data().dataset.find_by_id(id).unwrap();
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("进度更新").click();
    h.run();
    h.get_by_label("进度更新").type_text("2021-10");
    h.run();
    h.get_by_label("记为已完工").click();
    h.run();
    key(&mut h, egui::Key::S, egui::Modifiers::COMMAND);
    wait_saves(&mut h);
    assert!(h.query_by_label("未能保存").is_some(), "the failure is said plainly");
    assert_eq!(std::fs::read(data.join("pocket_parks.geojson")).unwrap(), before, "the file is as it was");
    assert_eq!(completed(&h, id).as_deref(), Some("2021-10"), "the edit is still here");
    assert!(h.state().window_title().is_some_and(|t| t.contains("未保存")));
    h.get_by_label("另存为…").click();
    h.run();
    assert!(h.state().file_browser_folder().is_some(), "a new file is asked for");
    h.get_by_label("路径").click();
    h.run();
    key(&mut h, egui::Key::A, egui::Modifiers::COMMAND);
    h.get_by_label("路径").type_text(&dir.path().display().to_string());
    key(&mut h, egui::Key::Enter, egui::Modifiers::NONE);
    h.get_by_label("文件名").click();
    h.run();
    key(&mut h, egui::Key::A, egui::Modifiers::COMMAND);
    h.get_by_label("文件名").type_text("口袋公园_另存.geojson");
    key(&mut h, egui::Key::Enter, egui::Modifiers::NONE);
    let saved = load_file(&dir.path().join("口袋公园_另存.geojson"), &LoadOptions::default(), &|_, _| {});
    assert_eq!(saved.sites[saved.find_by_id(id).unwrap()].completed.map(|d| d.to_string()).as_deref(), Some("2021-10"));
    assert!(h.state().window_title().is_some_and(|t| !t.contains("未保存")), "saved there");
}

#[test]
fn ctrl_clicked_rows_of_the_table_are_selected_together_for_a_batch_edit() {
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    h.state_mut().state_mut().panels.table = true;
    h.run();
    // The table's first rows: the first sites of the data.
    let names: Vec<String> = h.state().data().dataset.sites[..2].iter().map(|s| s.name().to_string()).collect();
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::COMMAND));
    for n in &names {
        h.get_by_label(n).click();
        h.run();
    }
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run();
    let mut got = h.state().highlighted().to_vec();
    got.sort_unstable();
    assert_eq!(got, [0, 1], "both rows are selected together");
    assert!(h.query_by_label(&names[0]).is_some(), "the table still lists its rows");
    h.get_by_label("编辑").click();
    h.run();
    h.get_by_label("批量设置所选项目…").click();
    h.run();
    assert!(h.query_by_label("批量设置 2 个项目").is_some());
}

/// The map's colours of each year view are counted once per state of the
/// data: going back to a year seen before an edit shows the edit.
#[test]
fn a_year_seen_before_an_edit_is_coloured_by_the_edited_data_when_shown_again() {
    use binzhou_core::model::{StatusClass, YearView};
    let (dir, data) = workspace();
    let mut h = app_on(dir.path(), &data);
    let id = "PP-MC-2020-10";
    let i = h.state().data().dataset.find_by_id(id).unwrap();
    let class_at = |h: &mut Harness<'_, App>, year: YearView| {
        h.state_mut().state_mut().year = year;
        h.run();
        assert_eq!(h.state().looks().year, Some(year));
        h.state().looks().class[i]
    };
    let before = class_at(&mut h, YearView::EndOf(2021));
    assert_ne!(before, Some(StatusClass::Done), "the bundled site is not done by the end of 2021");
    class_at(&mut h, YearView::EndOf(2022));
    assert_eq!(class_at(&mut h, YearView::EndOf(2021)), before, "a year seen again looks the same");

    type_completion(&mut h, i, "2020-11");
    assert_eq!(completed(&h, id).as_deref(), Some("2020-11"));
    assert_eq!(class_at(&mut h, YearView::EndOf(2022)), Some(StatusClass::Done));
    assert_eq!(
        class_at(&mut h, YearView::EndOf(2021)),
        Some(StatusClass::Done),
        "not the colours counted before the edit"
    );
}
