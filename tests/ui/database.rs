//! The app on a shared PostgreSQL + PostGIS database (binzhou-db's
//! testkit server; skipped off CI without it): the plan opens from the
//! server, another user's change shows up by itself, and a server that
//! goes away and comes back is caught up with.

use std::time::Duration;

use binzhou_db::Target;
use binzhou_db::sites::{self, Written};
use binzhou_db::testkit::{self, Server};
use binzhou_sites::app::App;
use binzhou_sites::app::state::ViewState;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::support::{app_builder, data_dir, until};

/// A database with the bundled plan pushed.
fn plan_db(server: &Server, stem: &str) -> Target {
    let t = server.fresh_db(stem);
    let mut c = binzhou_db::connect(&t).unwrap();
    binzhou_db::schema::init(&mut c).unwrap();
    let ds = binzhou_formats::load_paths(&[data_dir()], &binzhou_formats::ReadOptions::default()).0;
    sites::push(&mut c, &ds, "setup").unwrap();
    t
}

fn app_on(t: &Target) -> Harness<'static, App> {
    let app = App::new(Vec::new(), ViewState::default(), false).with_db(t.clone());
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    until(&mut h, "the plan loads from the database", |h| !h.state().is_loading());
    h
}

fn rename(t: &Target, id: &str, name: &str) {
    let mut c = binzhou_db::connect(t).unwrap();
    let s = sites::get(&mut c, id).unwrap().expect("the site is on the server");
    let mut row = s.row.clone();
    row.name = name.into();
    assert!(matches!(sites::update(&mut c, &row, s.version, "另一位用户").unwrap(), Written::Applied { .. }));
}

fn name_of(h: &Harness<'_, App>, id: &str) -> String {
    let ds = &h.state().data().dataset;
    ds.find_by_id(id).map(|i| ds.sites[i].name().to_string()).unwrap_or_default()
}

#[test]
fn the_plan_opens_from_the_database_and_another_users_change_shows_by_itself() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_live");
    let mut h = app_on(&t);
    let n = h.state().data().dataset.sites.len();
    assert!(n > 50, "the pushed plan: {n} sites");
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    assert!(h.query_by_label(&format!("5 个图层 · {n} 个要素")).is_some(), "no file counted for a database");
    let i = h.state().data().dataset.find_by_id("PP-MC-2020-01").unwrap();
    h.state_mut().select_site(i);
    h.run();

    rename(&t, "PP-MC-2020-01", "黄河五路口袋公园（已更名）");
    until(&mut h, "the new name arrives", |h| name_of(h, "PP-MC-2020-01") == "黄河五路口袋公园（已更名）");
    h.run();
    assert!(h.query_by_label_contains("其他用户更新了项目：黄河五路口袋公园（已更名）").is_some(), "it is announced");
    assert_eq!(h.state().data().dataset.sites.len(), n, "nothing else came or went");
    let sel = h.state().selected().expect("still selected");
    assert_eq!(h.state().data().dataset.sites[sel].id(), "PP-MC-2020-01", "the selection follows the site");
}

/// Renames site `id` in the app as the attribute form does (not saved).
fn rename_here(h: &mut Harness<'_, App>, id: &str, name: &str) {
    let ds = &h.state().data().dataset;
    let i = ds.find_by_id(id).unwrap();
    let state = binzhou_core::edit::FeatureState::of(ds, i).unwrap().with("name", name.into());
    let label = binzhou_core::model::Msg::new("rename", "改名");
    assert!(h.state_mut().edit(label, vec![binzhou_core::edit::Target::Site(i, Some(state))]));
    h.run();
}

/// Renames site `id` in the app, then saves (Ctrl+S's path).
fn edit_and_save(h: &mut Harness<'_, App>, id: &str, name: &str) {
    rename_here(h, id, name);
    h.state_mut().save_edits(false);
    h.run();
}

fn server_name(t: &Target, id: &str) -> (String, i64) {
    let s = sites::get(&mut binzhou_db::connect(t).unwrap(), id).unwrap().unwrap();
    (s.row.name, s.version)
}

#[test]
fn two_windows_edit_one_site_the_second_is_shown_the_conflict_and_nothing_is_lost() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_conflict");
    let mut a = app_on(&t);
    let mut b = app_on(&t);
    for h in [&mut a, &mut b] {
        until(h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    }
    let id = "PP-MC-2020-02";
    let (_, v0) = server_name(&t, id);

    // A's edit reaches the server and B's window by itself.
    edit_and_save(&mut a, id, "甲窗口改的名称");
    until(&mut a, "A's save is answered", |h| h.query_by_label_contains("已保存到数据库：1 个项目").is_some());
    assert_eq!(server_name(&t, id), ("甲窗口改的名称".to_string(), v0 + 1));
    until(&mut b, "B sees A's edit", |h| name_of(h, id) == "甲窗口改的名称");
    assert!(a.state().db_conflicts().is_empty());
    assert!(a.query_by_label_contains("其他用户更新了项目").is_none(), "A's own save is not someone else's");

    // B, having seen it, edits the newest version: no clash.
    edit_and_save(&mut b, id, "乙窗口改的名称");
    until(&mut b, "B's save answered", |h| h.state().db_link().is_some_and(|l| l.waiting == 0));
    assert_eq!(server_name(&t, id).0, "乙窗口改的名称");
    until(&mut a, "A sees B's edit", |h| name_of(h, id) == "乙窗口改的名称");

    // Both edit the same version: A edits (unsaved), B saves, then A saves.
    let (_, v2) = server_name(&t, id);
    rename_here(&mut a, id, "甲再次修改");
    edit_and_save(&mut b, id, "乙再次修改");
    until(&mut b, "B's second save", |h| h.state().db_link().is_some_and(|l| l.waiting == 0));
    assert_eq!(server_name(&t, id), ("乙再次修改".to_string(), v2 + 1));
    until(&mut a, "B's save reaches A", |h| h.state().db_link().is_some_and(|l| l.versions.get(id) == Some(&(v2 + 1))));
    assert_eq!(name_of(&a, id), "甲再次修改", "A's unsaved edit stays on top of theirs");
    a.state_mut().save_edits(false);
    until(&mut a, "A is shown the conflict", |h| h.query_by_label("修改冲突").is_some());
    // Theirs is only in the conflict window (the map shows mine).
    assert!(a.query_by_label("乙再次修改").is_some(), "theirs beside mine");
    assert!(a.query_all_by_label("甲再次修改").count() >= 1);
    a.get_by_label("采用对方的").click();
    a.run();
    until(&mut a, "the choice is sent", |h| h.state().db_link().is_some_and(|l| l.waiting == 0));
    until(&mut a, "A shows theirs", |h| name_of(h, id) == "乙再次修改");
    assert_eq!(server_name(&t, id), ("乙再次修改".to_string(), v2 + 1), "theirs stays");
    let mut c = binzhou_db::connect(&t).unwrap();
    let kept: Vec<String> = c
        .query("SELECT new->'properties'->>'name' FROM changes WHERE row_id = $1 AND op = 'rejected'", &[&id])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kept, ["甲再次修改"], "mine is kept in the history");

    // Once more, and this time A keeps its own.
    until(&mut b, "B is up to date", |h| h.state().db_link().is_some_and(|l| l.versions.get(id) == Some(&(v2 + 1))));
    rename_here(&mut a, id, "甲坚持的名称");
    edit_and_save(&mut b, id, "乙第三次修改");
    until(&mut a, "B's third save reaches A", |h| {
        h.state().db_link().is_some_and(|l| l.versions.get(id) == Some(&(v2 + 2)))
    });
    a.state_mut().save_edits(false);
    until(&mut a, "the conflict again", |h| h.query_by_label("保留我的").is_some());
    a.get_by_label("保留我的").click();
    a.run();
    until(&mut a, "mine is written", |h| h.state().db_link().is_some_and(|l| l.waiting == 0));
    assert_eq!(server_name(&t, id), ("甲坚持的名称".to_string(), v2 + 3), "mine over theirs");
    until(&mut b, "B sees it", |h| name_of(h, id) == "甲坚持的名称");
    let names: Vec<String> = c
        .query("SELECT new->>'name' FROM changes WHERE row_id = $1 AND op = 'update' ORDER BY seq", &[&id])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        names,
        ["甲窗口改的名称", "乙窗口改的名称", "乙再次修改", "乙第三次修改", "甲坚持的名称"],
        "every saved version is in the history"
    );
}

#[test]
fn the_file_menu_opens_a_database_says_what_is_wrong_with_a_bad_one_and_files_opened_later_replace_it() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_menu");
    let mut h = crate::support::loaded_app(app_builder(1400.0, 900.0));
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("打开数据库…").click();
    h.run();
    let field = "连接字符串（PostgreSQL + PostGIS）";
    h.run();
    assert!(h.get_by_label(field).is_focused(), "the field takes the keyboard as the window opens");
    h.get_by_label(field).type_text("port=notaport");
    h.run();
    h.get_by_label("连接").click();
    h.run();
    assert!(h.query_by_label_contains("数据库连接字符串无效").is_some(), "a bad string is said, in Chinese");
    h.get_by_label(field).click();
    h.run();
    h.event(egui::Event::Key {
        key: egui::Key::A,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    let url = format!("postgresql://postgres@127.0.0.1:{}/{}", server.port, t.shown().rsplit('/').next().unwrap());
    h.get_by_label(field).type_text(&url);
    h.run();
    h.get_by_label("连接").click();
    h.run();
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    assert!(h.query_by_label("打开共享数据库").is_none(), "the window closes");
    assert!(h.state().data().dataset.files.len() == 1, "only the database's plan, no file from before");
    assert_eq!(h.state().state().last_db, url, "remembered, without any password");
    let ctx = h.ctx.clone();
    h.state_mut().open_paths(&ctx, vec![data_dir()]);
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)));
    h.run();
    assert!(h.state().db_link().is_none(), "files replace the database's plan");
    assert!(h.query_by_label_contains("已断开共享数据库").is_some());
}

#[test]
fn a_field_check_made_on_a_database_plan_goes_to_the_server() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_checks");
    let dir = tempfile::tempdir().unwrap();
    let state = ViewState { inspector: String::new(), ..Default::default() };
    let app = App::new(Vec::new(), state, false).with_journal(dir.path().join("checks.gpkg")).with_db(t.clone());
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    crate::support::open_form(&mut h, "PP-MC-2020-01");
    crate::support::sign_and_save(&mut h, "王工");
    until(&mut h, "the check is sent", |h| h.query_by_label_contains("已将 1 条核查记录同步到数据库").is_some());
    let on_server = binzhou_db::checks::all(&mut binzhou_db::connect(&t).unwrap()).unwrap();
    assert_eq!(on_server.len(), 1);
    assert_eq!(on_server[0].2, "PP-MC-2020-01");
}

#[test]
fn a_database_that_cannot_be_reached_shows_nothing_of_the_files_opened_before() {
    let mut h = crate::support::loaded_app(app_builder(1400.0, 900.0));
    assert!(!h.state().data().dataset.sites.is_empty());
    h.state_mut().open_db("postgresql://postgres@127.0.0.1:1/plan").unwrap();
    h.run();
    until(&mut h, "offline", |h| h.query_by_label_contains("离线").is_some());
    assert!(h.state().data().dataset.sites.is_empty(), "the files' sites are not shown as the database's");
    assert!(!h.state().has_unsaved_edits());
}

#[test]
fn a_county_editor_is_refused_another_countys_site_and_sees_it_as_the_server_has_it() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_rls");
    let mut admin = binzhou_db::connect(&t).unwrap();
    let role = binzhou_db::roles::Role::DistrictEditor(vec!["滨城区".into()]);
    binzhou_db::roles::grant(&mut admin, "bincheng_app", &role).unwrap();
    let mut h = app_on(&t.as_user("bincheng_app", None));
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    let before = name_of(&h, "PP-ZP-2020-01");
    edit_and_save(&mut h, "PP-ZP-2020-01", "越权改名");
    until(&mut h, "the refusal", |h| h.query_by_label_contains("无权修改").is_some());
    until(&mut h, "the site as the server has it", |h| name_of(h, "PP-ZP-2020-01") == before);
    assert_eq!(server_name(&t, "PP-ZP-2020-01").0, before, "Zouping's site is untouched");
    edit_and_save(&mut h, "PP-MC-2020-01", "滨城区自己的项目");
    until(&mut h, "its own district's site is saved", |h| {
        h.query_by_label_contains("已保存到数据库：1 个项目").is_some()
    });
    assert_eq!(server_name(&t, "PP-MC-2020-01").0, "滨城区自己的项目");
}

#[test]
fn a_connection_the_server_closes_is_made_again_and_the_changes_meanwhile_arrive() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_dropped");
    let mut h = app_on(&t);
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    let mut admin = binzhou_db::connect(&t).unwrap();
    let db = t.shown().rsplit('/').next().unwrap().to_string();
    // The server ends the app's connection (as a dropped network does),
    // and a change is made before the app is back.
    let ended: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
              WHERE datname = $1 AND application_name = 'binzhou-sites' AND pid <> pg_backend_pid()",
            &[&db],
        )
        .unwrap()
        .get(0);
    assert!(ended >= 1, "the app's connection was there to end");
    rename(&t, "GW-MC-2020-01", "断线期间改名的绿道");
    until(&mut h, "the change made while cut off", |h| name_of(h, "GW-MC-2020-01") == "断线期间改名的绿道");
    until(&mut h, "online again", |h| h.query_by_label_contains("在线，实时更新").is_some());
}

#[test]
fn a_large_plan_shows_the_sites_in_view_first_then_the_whole_plan() {
    let Some(server) = testkit::server() else { return };
    let t = server.fresh_db("app_large");
    let mut c = binzhou_db::connect(&t).unwrap();
    binzhou_db::schema::init(&mut c).unwrap();
    let mut bytes = Vec::new();
    let opts = binzhou_core::synthetic::GenOptions { features: 25_000, seed: 7, ..Default::default() };
    binzhou_core::synthetic::write_synthetic(&mut bytes, &opts).unwrap();
    let ds = binzhou_core::load::load_bytes("large.geojson", &bytes, &Default::default());
    sites::push(&mut c, &ds, "setup").unwrap();
    let total = binzhou_db::sites::count(&mut c).unwrap() as usize;
    assert!(total as i64 >= binzhou_sites::app::db_link::FIRST_VIEW_MIN);
    let mut h = app_on(&t);
    until(&mut h, "the whole plan", |h| h.state().data().dataset.sites.len() == total);
    let reads = h.state().db_link().unwrap().reads.clone();
    assert_eq!(reads.len(), 2, "the view first, then the whole plan: {reads:?}");
    assert!(reads[0] > 0 && reads[0] < total, "the first view is the sites in view: {reads:?}");
    assert_eq!(reads[1], total);
    assert!(!h.state().db_link().unwrap().partial);
}

#[test]
fn a_new_site_without_an_id_is_not_saved_to_the_server_and_stays_unsaved() {
    let Some(server) = testkit::server() else { return };
    let t = plan_db(server, "app_noid");
    let mut h = app_on(&t);
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    let mut props = serde_json::Map::new();
    props.insert("name".into(), "新画的口袋公园".into());
    props.insert("layer".into(), "pocket_park".into());
    let state = binzhou_core::edit::FeatureState {
        properties: props,
        geometry: serde_json::json!({"type": "Point", "coordinates": [117.98, 37.39]}),
    };
    let label = binzhou_core::model::Msg::new("add", "新增");
    assert!(h.state_mut().edit(label, vec![binzhou_core::edit::Target::New(0, state)]));
    h.run();
    h.state_mut().save_edits(false);
    h.run();
    assert!(h.query_by_label_contains("没有编号（id），不能保存到数据库").is_some(), "it says why");
    assert!(h.state().has_unsaved_edits(), "the new site stays unsaved, not lost");
    let on_server = binzhou_db::sites::count(&mut binzhou_db::connect(&t).unwrap()).unwrap() as usize;
    assert_eq!(on_server, h.state().data().dataset.sites.len() - 1, "nothing was sent");
}

#[test]
fn a_server_that_goes_away_shows_offline_and_what_changed_meanwhile_arrives_after() {
    // Its own server: this test kills it.
    let server = match Server::start() {
        Ok(s) => s,
        Err(e) if std::env::var_os("CI").is_some() => panic!("{e}"),
        Err(_) => return,
    };
    let t = plan_db(&server, "app_offline");
    let mut h = app_on(&t);
    until(&mut h, "online", |h| h.query_by_label_contains("在线，实时更新").is_some());
    server.kill().unwrap();
    until(&mut h, "offline", |h| h.query_by_label_contains("离线").is_some());
    let n = h.state().data().dataset.sites.len();
    assert!(n > 50, "the last data read stays");
    // An edit saved while offline waits for the server.
    edit_and_save(&mut h, "PP-MC-2020-01", "离线时改的名称");
    until(&mut h, "it says the change waits", |h| h.query_by_label_contains("1 项修改等待发送").is_some());
    server.restart().unwrap();
    rename(&t, "UV-2021-12", "城中村改造（离线期间更名）");
    until(&mut h, "the change made while away", |h| name_of(h, "UV-2021-12") == "城中村改造（离线期间更名）");
    until(&mut h, "online again", |h| h.query_by_label_contains("在线，实时更新").is_some());
    until(&mut h, "the waiting edit is sent", |h| h.state().db_link().is_some_and(|l| l.waiting == 0));
    assert_eq!(server_name(&t, "PP-MC-2020-01").0, "离线时改的名称", "sent once the server was back");
}
