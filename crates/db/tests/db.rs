//! binzhou-db against a real PostgreSQL + PostGIS server (see `support`).

use binzhou_db::testkit as support;
use std::path::PathBuf;
use std::time::Duration;

use binzhou_db::sites::{self, SiteRow, Written};
use binzhou_db::{connect, schema};

fn bundled() -> binzhou_core::model::Dataset {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    binzhou_formats::load_paths(&[data], &binzhou_formats::ReadOptions::default()).0
}

fn row(id: &str, district: &str) -> SiteRow {
    SiteRow {
        id: id.into(),
        layer: "pocket_parks".into(),
        name: format!("{id} 口袋公园"),
        kind: None,
        task: Some(9),
        lead_unit: None,
        district: Some(district.into()),
        scope: None,
        plan_year: Some(2021),
        started: None,
        completed: None,
        wkb: Some(binzhou_formats::geo_to_wkb(&geo::Geometry::Point(geo::Point::new(117.97, 37.38)))),
        props: serde_json::json!({"note": "示例"}),
    }
}

#[test]
fn init_creates_the_schema_once_and_refuses_a_newer_one() {
    let Some(server) = support::server() else { return };
    let t = server.fresh_db("init");
    let mut c = connect(&t).unwrap();
    let first = schema::init(&mut c).unwrap();
    assert_eq!(first.from, 0);
    assert_eq!(first.applied, (1..=schema::latest()).collect::<Vec<_>>());
    let again = schema::init(&mut c).unwrap();
    assert_eq!(again, schema::InitReport { from: schema::latest(), applied: vec![] }, "the second run changes nothing");
    schema::require(&mut c).unwrap();
    c.execute("INSERT INTO binzhou_schema (version, description) VALUES (99, 'from the future')", &[]).unwrap();
    let e = schema::init(&mut c).unwrap_err().to_string();
    assert!(e.contains("newer"), "{e}");
    let fresh = server.fresh_db("noschema");
    let e = schema::require(&mut connect(&fresh).unwrap()).unwrap_err().to_string();
    assert!(e.contains("db init"), "{e}");
}

#[test]
fn a_pushed_dataset_pulls_back_as_the_same_sites_and_a_second_push_changes_nothing() {
    let Some(t) = support::db("push") else { return };
    let ds = bundled();
    let plan: Vec<&binzhou_core::model::Site> = ds.sites.iter().filter(|s| SiteRow::from_site(s).is_ok()).collect();
    assert!(plan.len() > 50, "the bundled plan sites");
    let mut c = connect(&t).unwrap();
    let first = sites::push(&mut c, &ds, "测试").unwrap();
    assert_eq!(first.inserted as usize, plan.len());
    assert_eq!((first.updated, first.unchanged), (0, 0));
    assert!(first.per_second() > 0.0);

    let (back, report) = sites::pull(&mut c, "push").unwrap();
    assert_eq!(report.sites as usize, plan.len());
    assert!(
        !back.problems.iter().any(|p| p.severity == binzhou_core::model::Severity::Error),
        "the pulled sites load without errors: {:?}",
        back.problems.iter().take(3).collect::<Vec<_>>()
    );
    for s in &plan {
        let i = back.find_by_id(s.id()).unwrap_or_else(|| panic!("{} came back", s.id()));
        let b = &back.sites[i];
        assert_eq!(
            binzhou_core::export::site_properties(b),
            binzhou_core::export::site_properties(s),
            "{}: the same properties",
            s.id()
        );
        assert_eq!(b.geometry, s.geometry, "{}: the same geometry", s.id());
    }

    let again = sites::push(&mut c, &ds, "测试").unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged as usize), (0, 0, plan.len()));
    let history: i64 = c.query_one("SELECT count(*) FROM changes", &[]).unwrap().get(0);
    assert_eq!(history as usize, plan.len(), "one history row per site, none for the unchanged push");
}

#[test]
fn unreadable_dates_go_to_the_server_as_written_and_come_back_unknown() {
    use binzhou_core::model::{Severity, StatusClass, Timing, YearView};
    let Some(t) = support::db("baddates") else { return };
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[117.97,37.38]},
       "properties":{"id":"bd-1","layer":"pocket_parks","name":"日期有误的口袋公园","plan_year":"二〇二一",
                     "started":"2021年春","completed":"2021-13"}}]}"#;
    let ds = binzhou_core::load::load_bytes("bad.geojson", text.as_bytes(), &Default::default());
    assert_eq!(ds.sites.len(), 1);
    let mut c = connect(&t).unwrap();
    sites::push(&mut c, &ds, "测试").unwrap();
    let stored = sites::get(&mut c, "bd-1").unwrap().unwrap();
    assert_eq!(stored.row.started.as_deref(), Some("2021年春"), "the file's text, not nothing");
    assert_eq!(stored.row.completed.as_deref(), Some("2021-13"));
    let (back, _) = sites::pull(&mut c, "baddates").unwrap();
    let s = &back.sites[back.find_by_id("bd-1").unwrap()];
    for (t, raw) in [(Timing::PlanYear, "二〇二一"), (Timing::Started, "2021年春"), (Timing::Completed, "2021-13")]
    {
        assert!(s.unreadable(t), "{t:?} is still flagged after the round trip");
        assert_eq!(s.timing_text(t).as_deref(), Some(raw), "{t:?} keeps the file's text");
    }
    assert_eq!(s.status(YearView::Latest).class(), StatusClass::Unknown);
    let errors = back.problems.iter().filter(|p| p.severity == Severity::Error).count();
    assert_eq!(errors, 3, "each unreadable date is named again: {:?}", back.problems);
}

#[test]
fn a_site_without_a_location_is_stored_with_a_null_geometry_and_comes_back_unlocated() {
    let Some(t) = support::db("unlocated") else { return };
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":null,
       "properties":{"id":"ul-1","layer":"pocket_park","name":"尚未选址的口袋公园","plan_year":2022}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[117.97,37.38]},
       "properties":{"id":"ul-2","layer":"pocket_park","name":"已选址的口袋公园","plan_year":2022}}]}"#;
    let ds = binzhou_core::load::load_bytes("unlocated.geojson", text.as_bytes(), &Default::default());
    assert_eq!(ds.sites.len(), 2, "{:?}", ds.problems);
    let mut c = connect(&t).unwrap();
    sites::push(&mut c, &ds, "测试").unwrap();
    let stored = sites::get(&mut c, "ul-1").unwrap().unwrap();
    assert!(stored.row.wkb.is_none(), "NULL on the server, not an empty collection");
    let (back, _) = sites::pull(&mut c, "unlocated").unwrap();
    assert_eq!(back.sites.len(), 2, "{:?}", back.problems);
    let s = &back.sites[back.find_by_id("ul-1").unwrap()];
    assert!(!s.is_located());
    assert!(back.sites[back.find_by_id("ul-2").unwrap()].is_located());
}

#[test]
fn hostile_names_and_values_are_stored_as_data() {
    let Some(t) = support::db("hostile") else { return };
    let mut c = connect(&t).unwrap();
    let big = "滨".repeat(350_000); // about 1 MB of UTF-8
    let ids = ["x'; DROP TABLE sites; --", "引号\"与'分号;", "$1 $$ \\ %s", "🚧-2021"];
    for (k, id) in ids.iter().enumerate() {
        let mut r = row(id, "滨城区");
        r.name = format!("名称 {id} ');--");
        if k == 0 {
            r.props = serde_json::json!({"note": big, "q": "' OR 1=1 --"});
        }
        assert_eq!(sites::insert(&mut c, &r, "O'Brien; DROP").unwrap(), Written::Applied { version: 1 });
    }
    for id in ids {
        let s = sites::get(&mut c, id).unwrap().expect("stored under its own id");
        assert_eq!(s.row.id, id);
        assert_eq!(s.updated_by, "O'Brien; DROP");
    }
    let s = sites::get(&mut c, ids[0]).unwrap().unwrap();
    assert_eq!(s.row.props["note"].as_str().map(str::len), Some(big.len()), "the 1 MB value whole");
    let n: i64 = c.query_one("SELECT count(*) FROM sites", &[]).unwrap().get(0);
    assert_eq!(n, 4, "the table is still there");
    binzhou_db::roles::grant(&mut c, "robert'); DROP TABLE sites;--", &binzhou_db::roles::Role::Viewer).unwrap();
    let n: i64 = c
        .query_one("SELECT count(*) FROM pg_roles WHERE rolname = $1", &[&"robert'); DROP TABLE sites;--"])
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "a hostile user name is a name");
}

#[test]
fn an_edit_from_an_old_version_is_a_conflict_that_shows_theirs_and_the_history_keeps_every_version() {
    let Some(t) = support::db("conflict") else { return };
    let mut a = connect(&t).unwrap();
    let mut b = connect(&t).unwrap();
    sites::insert(&mut a, &row("PP-1", "滨城区"), "甲").unwrap();
    let base = sites::get(&mut a, "PP-1").unwrap().unwrap().version;
    let mut mine = row("PP-1", "滨城区");
    mine.name = "甲改的名称".into();
    let mut theirs = row("PP-1", "滨城区");
    theirs.name = "乙改的名称".into();
    assert_eq!(sites::update(&mut b, &theirs, base, "乙").unwrap(), Written::Applied { version: base + 1 });
    match sites::update(&mut a, &mine, base, "甲").unwrap() {
        Written::Conflict { theirs } => {
            assert_eq!(theirs.row.name, "乙改的名称");
            assert_eq!(theirs.version, base + 1);
            assert_eq!(theirs.updated_by, "乙");
        }
        other => panic!("a conflict, not {other:?}"),
    }
    // The user keeps theirs... then writes mine on top: nothing is lost.
    assert_eq!(sites::update(&mut a, &mine, base + 1, "甲").unwrap(), Written::Applied { version: base + 2 });
    let names: Vec<String> = a
        .query("SELECT new->>'name' FROM changes WHERE row_id = 'PP-1' ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["PP-1 口袋公园", "乙改的名称", "甲改的名称"]);
    assert_eq!(
        sites::delete(&mut b, "PP-1", base + 1, "乙").unwrap(),
        Written::Conflict { theirs: Box::new(sites::get(&mut a, "PP-1").unwrap().unwrap()) }
    );
    assert_eq!(sites::delete(&mut b, "PP-1", base + 2, "乙").unwrap(), Written::Applied { version: base + 2 });
    assert_eq!(sites::update(&mut a, &mine, base + 2, "甲").unwrap(), Written::Gone);
    // Had 甲 taken theirs instead, 甲's version would be kept as rejected.
    sites::keep_rejected(&mut a, &mine, base, "甲").unwrap();
    let ops: Vec<String> =
        a.query("SELECT op FROM changes ORDER BY seq", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(ops, ["insert", "update", "update", "delete", "rejected"]);
    let kept: String =
        a.query_one("SELECT new->'properties'->>'name' FROM changes WHERE op = 'rejected'", &[]).unwrap().get(0);
    assert_eq!(kept, "甲改的名称");
}

#[test]
fn eight_clients_editing_the_same_sites_lose_no_update() {
    let Some(t) = support::db("concurrent") else { return };
    let ids: Vec<String> = (0..12).map(|k| format!("S-{k}")).collect();
    {
        let mut c = connect(&t).unwrap();
        for id in &ids {
            sites::insert(&mut c, &row(id, "滨城区"), "setup").unwrap();
        }
    }
    const CLIENTS: usize = 8;
    const EDITS: usize = 500;
    let handles: Vec<_> = (0..CLIENTS)
        .map(|k| {
            let t = t.clone();
            let ids = ids.clone();
            std::thread::Builder::new()
                .name(format!("client-{k}"))
                .spawn(move || {
                    let mut c = connect(&t).unwrap();
                    let (mut applied, mut conflicts) = (Vec::new(), 0usize);
                    for e in 0..EDITS {
                        let id = &ids[(k * 7 + e) % ids.len()];
                        let seen = sites::get(&mut c, id).unwrap().unwrap();
                        let mut r = seen.row.clone();
                        r.props["edits"] = serde_json::json!(format!("{k}-{e}"));
                        match sites::update(&mut c, &r, seen.version, &format!("client {k}")).unwrap() {
                            Written::Applied { version } => applied.push((id.clone(), version, format!("{k}-{e}"))),
                            Written::Conflict { theirs } => {
                                assert!(theirs.version > seen.version, "theirs is newer");
                                conflicts += 1;
                            }
                            other => panic!("{other:?}"),
                        }
                    }
                    (applied, conflicts)
                })
                .unwrap()
        })
        .collect();
    let mut applied = Vec::new();
    let mut conflicts = 0;
    for h in handles {
        let (a, c) = h.join().unwrap();
        applied.extend(a);
        conflicts += c;
    }
    assert_eq!(applied.len() + conflicts, CLIENTS * EDITS, "every edit applied or reported as a conflict");
    let mut c = connect(&t).unwrap();
    for id in &ids {
        let mine: Vec<&(String, i64, String)> = applied.iter().filter(|a| &a.0 == id).collect();
        let now = sites::get(&mut c, id).unwrap().unwrap();
        assert_eq!(now.version as usize, 1 + mine.len(), "{id}: one version per applied edit");
        // Every applied edit is in the history at the version it was given.
        let history: Vec<(i64, Option<String>)> = c
            .query("SELECT version, new->'props'->>'edits' FROM changes WHERE row_id = $1 AND op = 'update' ORDER BY version", &[id])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut expected: Vec<(i64, Option<String>)> = mine.iter().map(|a| (a.1, Some(a.2.clone()))).collect();
        expected.sort();
        assert_eq!(history, expected, "{id}: the history is the applied edits, in order");
    }
    assert!(conflicts > 0, "overlapping edits did clash ({} applied)", applied.len());
}

#[test]
fn a_district_editor_changes_only_their_districts_sites_and_a_viewer_changes_nothing() {
    let Some(t) = support::db("rls") else { return };
    let mut admin = connect(&t).unwrap();
    sites::insert(&mut admin, &row("BC-1", "滨城区"), "setup").unwrap();
    sites::insert(&mut admin, &row("ZP-1", "邹平市"), "setup").unwrap();
    use binzhou_db::roles::{Role, grant};
    grant(&mut admin, "bincheng_editor", &Role::DistrictEditor(vec!["滨城区".into()])).unwrap();
    grant(&mut admin, "city_viewer", &Role::Viewer).unwrap();
    grant(&mut admin, "city_editor", &Role::Editor).unwrap();

    let mut bc = connect(&t.as_user("bincheng_editor", None)).unwrap();
    let mut own = row("BC-1", "滨城区");
    own.name = "滨城区改".into();
    assert_eq!(sites::update(&mut bc, &own, 1, "滨城").unwrap(), Written::Applied { version: 2 });
    let mut other = row("ZP-1", "邹平市");
    other.name = "越权修改".into();
    assert_eq!(sites::update(&mut bc, &other, 1, "滨城").unwrap(), Written::Denied, "not another county's site");
    let mut moved = row("BC-1", "邹平市");
    moved.name = "移出".into();
    assert_eq!(sites::update(&mut bc, &moved, 2, "滨城").unwrap(), Written::Denied, "nor move one out");
    assert_eq!(sites::insert(&mut bc, &row("ZP-2", "邹平市"), "滨城").unwrap(), Written::Denied);
    assert_eq!(sites::delete(&mut bc, "ZP-1", 1, "滨城").unwrap(), Written::Denied);
    assert_eq!(sites::get(&mut bc, "ZP-1").unwrap().unwrap().row.name, "ZP-1 口袋公园", "but may read it");

    let mut viewer = connect(&t.as_user("city_viewer", None)).unwrap();
    assert_eq!(sites::update(&mut viewer, &own, 2, "看").unwrap(), Written::Denied);
    assert!(sites::get(&mut viewer, "BC-1").unwrap().is_some());

    let mut city = connect(&t.as_user("city_editor", None)).unwrap();
    assert_eq!(sites::update(&mut city, &other, 1, "市").unwrap(), Written::Applied { version: 2 });
}

#[test]
fn a_change_is_announced_to_listeners_with_its_site_id() {
    let Some(t) = support::db("notify") else { return };
    let mut listener = connect(&t).unwrap();
    listener.batch_execute(&format!("LISTEN {}", schema::CHANNEL)).unwrap();
    let mut writer = connect(&t).unwrap();
    sites::insert(&mut writer, &row("N-1", "滨城区"), "甲").unwrap();
    let got = {
        let mut n = listener.notifications();
        let mut it = n.timeout_iter(Duration::from_secs(1));
        use postgres::fallible_iterator::FallibleIterator as _;
        it.next().unwrap()
    };
    let note = got.expect("a notification within a second");
    let v: serde_json::Value = serde_json::from_str(note.payload()).unwrap();
    assert_eq!(v["table"], "sites");
    assert_eq!(v["ids"], serde_json::json!(["N-1"]));
    let seq = v["seq"].as_i64().unwrap();
    let after = sites::changes_since(&mut listener, seq - 1, 10).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].row_id.as_str(), after[0].op.as_str()), ("N-1", "insert"));
}

fn journal_with_checks(dir: &std::path::Path, n: usize) -> PathBuf {
    use binzhou_core::checks::{Check, CheckResult};
    let path = dir.join("checks.gpkg");
    let mut j = binzhou_journal::Journal::open(&path).expect("a new journal");
    let photo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/photos/gps_bincheng.jpg");
    let p = j.store_photo(&photo).expect("the photo is stored");
    for k in 0..n {
        let c = Check {
            id: binzhou_journal::new_check_id(),
            version: 1,
            previous: None,
            site_id: format!("PP-{k}"),
            site_layer: "pocket_parks".into(),
            result: CheckResult::LocationOk,
            observed: None,
            finished_on: None,
            note: format!("第 {k} 处"),
            inspector: "王工".into(),
            checked_at: binzhou_journal::now(),
            author: "王工".into(),
            written_at: binzhou_journal::now(),
            gnss: None,
            corrected: (k % 3 == 0).then_some((117.97, 37.38)),
            low_accuracy: true,
            deleted: false,
            photos: if k == 0 { vec![p.clone()] } else { vec![] },
        };
        j.save(&c).expect("the check is saved");
    }
    path
}

#[test]
fn a_journal_synced_twice_is_on_the_server_once_with_its_photo() {
    let Some(t) = support::db("sync") else { return };
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_with_checks(dir.path(), 5);
    let mut c = connect(&t).unwrap();
    let first = binzhou_db::checks::sync(&mut c, std::slice::from_ref(&journal)).unwrap();
    assert_eq!((first.sent, first.already, first.photos_sent), (5, 0, 1));
    let again = binzhou_db::checks::sync(&mut c, std::slice::from_ref(&journal)).unwrap();
    assert_eq!((again.sent, again.already, again.photos_sent), (0, 5, 0), "nothing applied twice");
    assert_eq!(binzhou_db::checks::all(&mut c).unwrap().len(), 5);
    let bytes: Vec<u8> = c.query_one("SELECT bytes FROM photos", &[]).unwrap().get(0);
    let original =
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/photos/gps_bincheng.jpg"))
            .unwrap();
    assert_eq!(bytes, original, "the photo's bytes");
    let located: i64 = c.query_one("SELECT count(*) FROM site_checks WHERE geom IS NOT NULL", &[]).unwrap().get(0);
    assert_eq!(located, 2, "the corrected ones have a point");
}

#[test]
fn a_sync_cut_off_by_the_server_dying_is_completed_by_the_next_with_nothing_twice() {
    // Its own server: this test kills it.
    let server = match support::Server::start() {
        Ok(s) => s,
        Err(e) if std::env::var_os("CI").is_some() => panic!("{e}"),
        Err(_) => return,
    };
    let t = server.fresh_db("cut");
    schema::init(&mut connect(&t).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_with_checks(dir.path(), 3000);
    let t2 = t.clone();
    let j2 = journal.clone();
    let mut watch = connect(&t).unwrap();
    let sync = std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || binzhou_db::checks::sync(&mut connect(&t2).unwrap(), &[j2]))
        .unwrap();
    // Killed once the sync's transaction has been writing for a moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let busy: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                  WHERE application_name = 'binzhou-sites' AND pid <> pg_backend_pid()
                    AND xact_start < now() - interval '50 milliseconds'",
                &[],
            )
            .unwrap()
            .get(0);
        if busy > 0 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(watch);
    server.kill().unwrap();
    let cut = sync.join().unwrap();
    server.restart().unwrap();
    let mut c = connect(&t).unwrap();
    let on_server = binzhou_db::checks::all(&mut c).unwrap().len();
    let e = cut.expect_err("the sync was cut off by the kill");
    assert_eq!(on_server, 0, "a cut-off sync leaves nothing half-sent ({e})");
    let next = binzhou_db::checks::sync(&mut c, &[journal]).unwrap();
    assert_eq!(next.sent as usize + next.already as usize, 3000);
    assert_eq!(binzhou_db::checks::all(&mut c).unwrap().len(), 3000, "every check once");
}

#[test]
fn sslmode_is_honoured_require_encrypts_and_verify_full_checks_the_certificate() {
    let server = match support::Server::start_with_tls() {
        Ok(s) => s,
        Err(e) if std::env::var_os("CI").is_some() => panic!("{e}"),
        Err(_) => return,
    };
    let base = format!("postgresql://postgres@127.0.0.1:{}/postgres", server.port);
    let ssl = |url: &str| -> Result<bool, binzhou_db::DbError> {
        let mut c = connect(&binzhou_db::Target::parse(url)?)?;
        Ok(c.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0))
    };
    assert!(!ssl(&format!("{base}?sslmode=disable")).unwrap(), "disable: plain");
    assert!(ssl(&format!("{base}?sslmode=require")).unwrap(), "require: encrypted, self-signed accepted");
    assert!(ssl(&base).unwrap(), "prefer (the default) takes TLS when offered");
    let root = server.dir.join("ca.crt");
    let full = format!("{base}?sslmode=verify-full&sslrootcert={}", root.display());
    assert!(ssl(&full).unwrap(), "verify-full with the server's own root");
    // Another root does not vouch for this server.
    let other = tempfile::tempdir().unwrap();
    let (crt, key) = (other.path().join("other.crt"), other.path().join("other.key"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=elsewhere", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .unwrap();
    assert!(made.status.success());
    let e = ssl(&format!("{base}?sslmode=verify-ca&sslrootcert={}", crt.display())).unwrap_err().to_string();
    assert!(e.contains("cannot connect"), "a certificate no trusted root signed is refused: {e}");
}
