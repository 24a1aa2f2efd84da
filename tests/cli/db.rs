//! `db init|push|pull|sync|grant` against a throwaway PostgreSQL + PostGIS
//! server (binzhou-db's testkit; skipped off CI without the server).

use std::process::Output;

use binzhou_db::testkit;

use crate::cli::bin;

fn run(args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } = bin().args(args).output().unwrap();
    (status.code().unwrap_or(-1), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

/// The database name of a target.
fn t_name(t: &binzhou_db::Target) -> String {
    t.shown().rsplit('/').next().unwrap().to_string()
}

fn url(server: &testkit::Server, db: &str) -> String {
    format!("postgresql://postgres@127.0.0.1:{}/{db}", server.port)
}

#[test]
fn a_planner_creates_the_schema_pushes_the_plan_pulls_it_as_a_geopackage_and_grants_a_county_editor() {
    let Some(server) = testkit::server() else { return };
    let t = server.fresh_db("cli");
    let db = t_name(&t);
    let u = url(server, &db);

    let (code, _, err) = run(&["db", "push", &u, "data"]);
    assert_eq!(code, 2, "no schema yet");
    assert!(err.contains("db init"), "{err}");

    let (code, out, err) = run(&["--lang", "zh", "db", "init", &u]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("数据库结构由版本 0 升级到"), "{out}");
    let (_, out, _) = run(&["--lang", "zh", "db", "init", &u]);
    assert!(out.contains("已是最新"), "{out}");

    let (code, out, err) = run(&["--lang", "zh", "db", "push", &u, "data"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已推送") && out.contains("更新 0，未变 0"), "{out}");
    let (_, out, _) = run(&["db", "push", &u, "data"]);
    assert!(out.contains(" 0 new, 0 changed"), "a second push changes nothing: {out}");

    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("plan.gpkg");
    let (code, out, err) = run(&["db", "pull", &u, "--out", gpkg.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("pulled "), "{out}");
    let (code, out, err) = run(&["validate", gpkg.to_str().unwrap()]);
    assert_eq!(code, 0, "the pulled plan validates: {out}{err}");

    let (code, _, err) = run(&["db", "bench", &u, "--clients", "2", "--edits", "10"]);
    assert_ne!(code, 0, "no benchmark on a database with a plan in it");
    assert!(err.contains("benchmark an empty one"), "{err}");
    let empty = server.fresh_db("cli_bench");
    let eu = url(server, t_name(&empty).as_str());
    run(&["db", "init", &eu]);
    let (code, out, err) = run(&["db", "bench", &eu, "--clients", "3", "--edits", "20", "--sites", "4"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("3 clients, 60 edits: ") && out.contains("edits/s"), "{out}");

    let (code, out, err) = run(&["--lang", "zh", "db", "grant", &u, "zouping_ed", "editor", "--district", "邹平市"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("编辑（仅限 邹平市）"), "{out}");
    let (code, _, err) = run(&["db", "sync", &u, "/nonexistent/checks.gpkg"]);
    assert_ne!(code, 0);
    assert_eq!(err.trim(), "binzhou-sites: /nonexistent/checks.gpkg: no such journal", "the file named once");

    let (code, _, err) = run(&["--lang", "zh", "db", "grant", &u, "x", "admin"]);
    assert_ne!(code, 0);
    assert!(err.contains("没有角色"), "{err}");
}

#[test]
fn a_server_that_cannot_be_reached_is_named_without_the_password() {
    let (code, _, err) = run(&["db", "pull", "postgresql://wang:hunter2@127.0.0.1:1/plan", "--out", "/tmp/x.geojson"]);
    assert_ne!(code, 0);
    assert!(err.contains("wang@127.0.0.1:1/plan") && err.contains("refused"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}
