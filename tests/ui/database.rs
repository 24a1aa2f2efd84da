//! The app on a shared PostgreSQL + PostGIS database (binzhou-db's
//! testkit server; skipped off CI without it): the plan opens from the
//! server, another user's change shows up by itself, and a server that
//! goes away and comes back is caught up with.

use std::time::{Duration, Instant};

use binzhou_db::Target;
use binzhou_db::sites::{self, Written};
use binzhou_db::testkit::{self, Server};
use binzhou_sites::app::App;
use binzhou_sites::app::state::ViewState;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::support::{app_builder, data_dir};

/// A database with the bundled plan pushed.
fn plan_db(server: &Server, stem: &str) -> Target {
    let t = server.fresh_db(stem);
    let mut c = binzhou_db::connect(&t).unwrap();
    binzhou_db::schema::init(&mut c).unwrap();
    let ds = binzhou_formats::load_paths(&[data_dir()], &binzhou_formats::ReadOptions::default()).0;
    sites::push(&mut c, &ds, "setup").unwrap();
    t
}

/// Frames until `cond` holds (the link's worker wakes the app), or 20 s.
fn until(h: &mut Harness<'_, App>, what: &str, cond: impl Fn(&Harness<'_, App>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond(h) {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        h.run();
        std::thread::sleep(Duration::from_millis(20));
    }
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
    server.restart().unwrap();
    rename(&t, "UV-2021-12", "城中村改造（离线期间更名）");
    until(&mut h, "the change made while away", |h| name_of(h, "UV-2021-12") == "城中村改造（离线期间更名）");
    until(&mut h, "online again", |h| h.query_by_label_contains("在线，实时更新").is_some());
}
