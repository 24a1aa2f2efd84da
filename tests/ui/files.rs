//! Choosing files where the platform's dialog cannot open (issue 12): the
//! in-app browser opens data, saves every site in any format, and starts
//! where the last file was.

use std::path::Path;
use std::time::Duration;

use binzhou_sites::app::App;
use binzhou_sites::app::map::basemap::BasemapChoice;
use binzhou_sites::app::state::{FileDialogChoice, ViewState};
use binzhou_tiles::source::SourceSpec;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::support::{app_builder, data_dir, until};

const NEW_ID: &str = "PP-TEST-2022-01";
const NEW_FILE: &str = "新增口袋公园.geojson";

fn app_with(state: ViewState) -> Harness<'static, App> {
    let app = App::new(vec![data_dir()], ViewState { file_dialog: FileDialogChoice::InApp, ..state }, false);
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)), "the bundled data loads");
    h.run();
    h
}

/// A folder with one new pocket park in a GeoJSON file with a Chinese name.
fn folder_with_a_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let geojson = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"{NEW_ID}","name":"测试口袋公园","layer":"pocket_park","kind":"pocket_park","task":8,"lead_unit":"市城管局","district":"滨城区","scope":"main_city","plan_year":2022}},"geometry":{{"type":"Point","coordinates":[118.0,37.4]}}}}]}}"#
    );
    std::fs::write(dir.path().join(NEW_FILE), geojson).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not data").unwrap();
    std::fs::create_dir(dir.path().join("子文件夹")).unwrap();
    dir
}

fn key(h: &mut Harness<'_, App>, key: egui::Key, modifiers: egui::Modifiers) {
    h.event(egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers });
    h.event(egui::Event::Key { key, physical_key: None, pressed: false, repeat: false, modifiers });
    h.run();
}

/// Replaces the text of the field labelled `label` (select all, type).
fn set_field(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    key(h, egui::Key::A, egui::Modifiers::COMMAND);
    h.get_by_label(label).type_text(text);
    h.run();
}

/// File → Open, in the in-app browser.
fn file_open(h: &mut Harness<'_, App>) {
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("打开数据文件…").click();
    h.run();
    assert!(h.state().file_browser_folder().is_some(), "the in-app browser is open");
}

/// Goes to `dir` by the path bar and Enter.
fn go_to(h: &mut Harness<'_, App>, dir: &Path) {
    set_field(h, "路径", &dir.display().to_string());
    key(h, egui::Key::Enter, egui::Modifiers::NONE);
    assert_eq!(h.state().file_browser_folder(), Some(dir), "the browser shows the folder typed");
}

fn open_new_file(h: &mut Harness<'_, App>, dir: &Path) {
    file_open(h);
    go_to(h, dir);
    assert!(h.query_by_label("notes.txt").is_none(), "files of other types are not listed");
    assert!(h.query_by_label("子文件夹").is_some(), "folders are, Chinese names and all");
    h.get_by_label(NEW_FILE).click();
    h.run();
    h.get_by_label("打开").click();
    h.run();
    assert!(h.state().file_browser_folder().is_none(), "the browser closes once a file is chosen");
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(30)), "the file loads");
    h.run();
}

#[test]
fn the_in_app_browser_opens_a_geojson_from_a_temp_folder_and_its_sites_load() {
    let dir = folder_with_a_site();
    let mut h = app_with(ViewState::default());
    let before = h.state().data().dataset.sites.len();
    open_new_file(&mut h, dir.path());
    let ds = &h.state().data().dataset;
    assert_eq!(ds.sites.len(), before + 1, "the new file's site is added to the bundled ones");
    assert!(ds.find_by_id(NEW_ID).is_some());
}

#[test]
fn save_as_gpkg_through_the_in_app_browser_writes_a_file_gdal_reads_and_asks_before_replacing_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with(ViewState::default());
    let n = h.state().data().dataset.sites.len();
    let save_as = |h: &mut Harness<'_, App>| {
        h.get_by_label("编辑").click();
        h.run();
        h.get_by_label("另存为…").click();
        h.run();
    };
    save_as(&mut h);
    go_to(&mut h, dir.path());
    set_field(&mut h, "文件名", "滨州项目.gpkg");
    h.get_by_label("保存").click();
    h.run();
    // Written on a worker, then a notice says where it went.
    until(&mut h, "a notice says where it went", |h| h.query_by_label_contains("已另存为").is_some());
    let path = dir.path().join("滨州项目.gpkg");
    assert!(path.is_file(), "written where the browser was, by the name typed");

    let out = std::process::Command::new("ogrinfo").arg("-ro").arg("-so").arg(&path).output().expect("ogrinfo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "ogrinfo reads it: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("using driver `GPKG'"), "{stdout}");
    assert!(stdout.contains("1: "), "it has a layer: {stdout}");
    let counts: usize = String::from_utf8_lossy(
        &std::process::Command::new("ogrinfo").arg("-ro").arg("-so").arg("-al").arg(&path).output().unwrap().stdout,
    )
    .lines()
    .filter_map(|l| l.strip_prefix("Feature Count: ")?.trim().parse::<usize>().ok())
    .sum();
    assert_eq!(counts, n, "every site is in it");

    // Again, with the type chosen from the list and the name without its extension.
    let written = std::fs::metadata(&path).unwrap().modified().unwrap();
    save_as(&mut h);
    assert_eq!(h.state().file_browser_folder(), Some(dir.path()), "it starts where the last save went");
    set_field(&mut h, "文件名", "滨州项目");
    h.get_by_label("文件类型").click();
    h.run();
    h.get_by_label("GeoPackage（.gpkg）").click();
    h.run();
    h.get_by_label("保存").click();
    h.run();
    assert!(h.query_by_label("文件已存在").is_some(), "replacing a file is asked first");
    h.get_by_label("覆盖").click();
    h.run();
    assert!(h.state().file_browser_folder().is_none());
    until(&mut h, "the second save is written", |h| !h.state().is_exporting());
    assert!(std::fs::metadata(&path).unwrap().modified().unwrap() >= written);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the same file, replaced");
}

#[test]
fn the_last_folder_is_remembered_across_a_restart() {
    let dir = folder_with_a_site();
    let mut h = app_with(ViewState::default());
    open_new_file(&mut h, dir.path());
    assert_eq!(h.state().state().last_folder.as_deref(), Some(dir.path()));

    // Reopened, the browser starts there; Esc closes it.
    file_open(&mut h);
    assert_eq!(h.state().file_browser_folder(), Some(dir.path()));
    key(&mut h, egui::Key::Escape, egui::Modifiers::NONE);
    assert!(h.state().file_browser_folder().is_none(), "Esc cancels");

    // The next run, from the saved view state.
    let saved = serde_json::to_string(h.state().state()).unwrap();
    let mut h = app_with(serde_json::from_str(&saved).unwrap());
    file_open(&mut h);
    assert_eq!(h.state().file_browser_folder(), Some(dir.path()), "the next run starts where the last file was");
}

#[test]
fn the_tables_csv_and_shapefile_exports_go_through_the_same_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with(ViewState::default());
    h.state_mut().state_mut().panels.table = true;
    h.run();
    h.get_by_label("导出 CSV…").click();
    h.run();
    go_to(&mut h, dir.path());
    h.get_by_label("保存").click();
    h.run();
    // Written on a worker; the table says so until it is done.
    until(&mut h, "the CSV export finishes", |h| !h.state().is_exporting());
    assert!(h.query_by_label_contains("已导出").is_some(), "the table says where it went");
    let csv = std::fs::read(dir.path().join("项目属性表.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "the table's own CSV, ready for Excel");

    // The GeoJSON button, with another type chosen: any format the writers know.
    h.get_by_label("导出 GeoJSON…").click();
    h.run();
    assert_eq!(h.state().file_browser_folder(), Some(dir.path()));
    h.get_by_label("文件类型").click();
    h.run();
    h.get_by_label("Shapefile（.shp）").click();
    h.run();
    h.get_by_label("保存").click();
    h.run();
    until(&mut h, "the Shapefile export finishes", |h| !h.state().is_exporting());
    let shp = std::fs::read_dir(dir.path()).unwrap().any(|e| e.unwrap().path().extension().is_some_and(|x| x == "shp"));
    assert!(shp, "a Shapefile is written");
}

#[test]
fn the_dashboards_csv_export_goes_through_the_in_app_browser_and_asks_before_replacing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with(ViewState::default());
    h.state_mut().state_mut().panels.dashboard = true;
    h.run();
    let export = |h: &mut Harness<'_, App>| {
        h.get_by_label("导出表格 CSV…").click();
        h.run();
        assert!(h.state().file_browser_folder().is_some(), "the in-app browser is open");
    };
    export(&mut h);
    go_to(&mut h, dir.path());
    h.get_by_label("保存").click();
    h.run();
    assert!(h.state().file_browser_folder().is_none(), "the browser closes once saved");
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    let [csv] = &written[..] else { panic!("one file is written: {written:?}") };
    let name = csv.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("规划目标完成情况-") && name.ends_with(".csv"), "the name offered: {name}");
    let bytes = std::fs::read(csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM, for Excel");
    assert!(String::from_utf8_lossy(&bytes).lines().count() > 1, "the figures, not just a header");
    assert!(h.query_by_label_contains("已导出").is_some(), "the dashboard says where it went");

    // Again: it starts where the last export went, and asks before replacing.
    export(&mut h);
    assert_eq!(h.state().file_browser_folder(), Some(dir.path()));
    h.get_by_label("保存").click();
    h.run();
    assert!(h.query_by_label("文件已存在").is_some(), "replacing a file is asked first");
    h.get_by_label("覆盖").click();
    h.run();
    assert!(h.state().file_browser_folder().is_none());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the same file, replaced");
}

#[test]
fn the_basemap_menus_tile_folder_and_package_pickers_go_through_the_in_app_browser() {
    let dir = tempfile::tempdir().unwrap();
    let tiles = dir.path().join("瓦片");
    std::fs::create_dir_all(tiles.join("0").join("0")).unwrap();
    std::fs::write(dir.path().join("离线底图.mbtiles"), "").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not tiles").unwrap();
    let mut h = app_with(ViewState::default());
    let basemap_menu = |h: &mut Harness<'_, App>, item: &str| {
        h.get_by_label("底图").click();
        h.run();
        h.get_by_label(item).click();
        h.run();
        assert!(h.state().file_browser_folder().is_some(), "the in-app browser is open");
    };

    basemap_menu(&mut h, "打开瓦片文件夹…");
    go_to(&mut h, dir.path());
    assert!(h.query_by_label("离线底图.mbtiles").is_none(), "choosing a folder lists only folders");
    h.get_by_label("瓦片").click();
    h.run();
    h.get_by_label("选择此文件夹").click();
    h.run();
    assert!(h.state().file_browser_folder().is_none(), "the browser closes once a folder is chosen");
    assert_eq!(h.state().state().basemap, BasemapChoice::Tiles);
    assert_eq!(h.state().state().tiles.source, SourceSpec::Folder(tiles.clone()), "the folder is the basemap");

    // The package picker starts beside the tile folder and lists only tile packages.
    basemap_menu(&mut h, "打开 MBTiles / PMTiles 文件…");
    assert_eq!(h.state().file_browser_folder(), Some(dir.path()), "it starts where the last pick was");
    assert!(h.query_by_label("离线底图.mbtiles").is_some());
    assert!(h.query_by_label("notes.txt").is_none(), "files of other types are not listed");
    key(&mut h, egui::Key::Escape, egui::Modifiers::NONE);
    assert!(h.state().file_browser_folder().is_none(), "Esc cancels");
    assert_eq!(h.state().state().tiles.source, SourceSpec::Folder(tiles), "and nothing changes");
}

#[test]
fn esc_in_the_in_app_browser_closes_it_and_leaves_the_maps_selection() {
    let mut h = app_with(ViewState::default());
    // Selected with the browser open (the identify panel's own "文件" line
    // would stand beside the menu's).
    file_open(&mut h);
    h.state_mut().select_site(0);
    h.run();
    assert_eq!(h.state().selected(), Some(0));
    assert!(h.state().file_browser_folder().is_some());
    key(&mut h, egui::Key::Escape, egui::Modifiers::NONE);
    assert!(h.state().file_browser_folder().is_none(), "Esc closes the browser");
    assert_eq!(h.state().selected(), Some(0), "the site stays selected");
    // With the browser closed, Esc is the map's again.
    key(&mut h, egui::Key::Escape, egui::Modifiers::NONE);
    assert_eq!(h.state().selected(), None);
}

#[test]
fn a_check_forms_photos_are_picked_in_the_in_app_browser() {
    let dir = tempfile::tempdir().unwrap();
    let photos = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos");
    let state = ViewState { file_dialog: FileDialogChoice::InApp, inspector: String::new(), ..Default::default() };
    let app = App::new(vec![data_dir()], state, false).with_journal(dir.path().join("checks.gpkg"));
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)), "the bundled data loads");
    h.run();
    h.state_mut().field_checks().settle(Duration::from_secs(10));
    h.run();
    let i = h.state().data().dataset.find_by_id("PP-MC-2020-01").expect("a bundled pocket park");
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("核查此项目").click();
    h.run();
    h.get_by_label("添加照片…").click();
    h.run();
    assert!(h.state().file_browser_folder().is_some(), "the in-app browser is open");
    go_to(&mut h, &photos);
    h.get_by_label("gps_bincheng.jpg").click();
    h.run();
    h.get_by_label("打开").click();
    h.run();
    assert!(h.state().file_browser_folder().is_none(), "the browser closes once a photo is chosen");
    h.state_mut().field_checks().settle(Duration::from_secs(10));
    h.run();
    assert!(h.query_by_label_contains("gps_bincheng.jpg（拍摄于").is_some(), "the form lists the photo with its time");
}
