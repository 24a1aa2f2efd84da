//! The command line as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use binzhou_core::load::{LoadOptions, load_file};
use binzhou_core::model::Severity;

pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_binzhou-sites"));
    // An English locale unless a test says otherwise: the CLI follows it.
    c.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } = bin().args(args).output().unwrap();
    (status.code().unwrap_or(-1), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(p)
}

#[test]
fn validate_prints_each_problem_with_file_feature_id_and_field_and_fails_on_errors() {
    let f = fixture("bad/empty_geometry.geojson");
    let (code, out, _) = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("empty_geometry.geojson:feature 1#EMPTY-2:geometry: error: geometry is empty"), "{out}");
    assert!(out.contains("pocket_park"), "per-layer summary: {out}");
    assert!(out.contains("1 sites loaded"), "{out}");
}

#[test]
fn validate_speaks_chinese_with_lang_zh_or_a_chinese_locale() {
    let f = fixture("bad/empty_geometry.geojson");
    let (_, out, _) = run(&["validate", "--lang", "zh", f.to_str().unwrap()]);
    assert!(out.contains("empty_geometry.geojson:feature 1#EMPTY-2:geometry: 错误: geometry 为空"), "{out}");
    assert!(out.contains("载入 1 个项目"), "the summary too: {out}");
    let Output { stdout, .. } =
        bin().env("LANG", "zh_CN.UTF-8").args(["validate", f.to_str().unwrap()]).output().unwrap();
    let out = String::from_utf8(stdout).unwrap();
    assert!(out.contains("错误: geometry 为空"), "the locale decides: {out}");
    let Output { stdout, .. } =
        bin().env("LANG", "zh_CN.UTF-8").args(["validate", "--lang", "en", f.to_str().unwrap()]).output().unwrap();
    let out = String::from_utf8(stdout).unwrap();
    assert!(out.contains("error: geometry is empty"), "--lang outranks the locale: {out}");
}

#[test]
fn a_mistyped_command_is_an_error_with_a_suggestion_not_an_empty_window() {
    let (code, out, err) = run(&["stast"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no such command or file: stast; did you mean stats?"), "{err}");
    let (code, _, err) = run(&["--lang", "zh", "vaildate"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有这个命令或文件：vaildate；您是想用 validate 吗？"), "{err}");
    let (code, _, err) = run(&["no-such-thing.geojson"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such command or file: no-such-thing.geojson"), "{err}");
}

#[test]
fn validate_passes_files_with_only_warnings() {
    let f = fixture("bad/unclosed_ring.geojson");
    let (code, out, _) = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: ring 0 was not closed"), "{out}");
}

#[test]
fn validate_passes_the_bundled_data_without_errors() {
    let (code, out, _) = run(&["validate", "data"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors"), "{out}");
}

#[test]
fn stats_at_2022_shows_the_plans_targets_exactly() {
    let (code, out, err) = run(&["stats", "--year", "2022", "--data", "data", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let target = |layer: &str, scope: &str, period: &str, kind: Option<&str>| -> Vec<f64> {
        rows.iter()
            .filter(|r| {
                r["layer"] == layer
                    && r["scope"] == scope
                    && r["period"] == period
                    && kind.is_none_or(|k| r["kind"] == k)
            })
            .map(|r| r["target"].as_f64().unwrap())
            .collect()
    };
    // TARGETS.md, layer by layer.
    assert_eq!(target("dead_end_road", "main_city", "2020", Some("road")), [15.0]);
    assert_eq!(target("dead_end_road", "main_city", "2020", Some("bridge")), [4.0]);
    assert_eq!(target("dead_end_road", "main_city", "2021-2022", Some("road")), [20.0]);
    assert_eq!(target("dead_end_road", "main_city", "2021-2022", Some("bridge")), [3.0]);
    assert_eq!(target("pocket_park", "main_city", "2020", None), [36.0]);
    assert_eq!(target("pocket_park", "main_city", "2021-2022", None), [30.0]);
    assert_eq!(target("pocket_park", "county", "2020", None), [5.0; 7]);
    assert_eq!(target("pocket_park", "county", "2021-2022", None), [10.0; 7]);
    assert_eq!(target("greenway", "main_city", "2020", None), [35.0]);
    assert_eq!(target("greenway", "main_city", "2021-2022", None), [30.0]);
    assert_eq!(target("greenway", "county", "2020", None), [10.0; 7]);
    assert_eq!(target("greenway", "county", "2021-2022", None), [20.0; 7]);
    assert_eq!(target("urban_village", "main_city", "2020-2022", None), [116.0]);
    // The bundled data carries every counted target: planned ≥ target everywhere.
    for r in rows {
        if let Some(t) = r["target"].as_f64() {
            assert!(r["planned"].as_f64().unwrap() >= t, "too few sites planned for {r}");
        }
    }
}

#[test]
fn stats_prints_a_table_that_moves_with_the_year() {
    let (_, at2020, _) = run(&["stats", "--year", "2020", "--data", "data"]);
    let (_, at2022, _) = run(&["stats", "--year", "2022", "--data", "data"]);
    assert!(at2020.contains("end of 2020") && at2022.contains("end of 2022"));
    let uv = |s: &str| s.lines().find(|l| l.starts_with("urban_village")).unwrap().to_string();
    assert_ne!(uv(&at2020), uv(&at2022), "urban-village progress should differ between 2020 and 2022");
}

#[test]
fn convert_writes_wgs84_geojson_keeping_every_property() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.geojson");
    let input = fixture("crs/gk_4527_declared.geojson");
    let (code, _, err) = run(&["convert", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("\"crs\""), "RFC 7946 output has no crs member");
    let ds = load_file(&out, &LoadOptions::default(), &|_, _| {});
    assert!(ds.problems.is_empty(), "{:?}", ds.problems);
    let geo::Geometry::Point(p) = ds.sites[0].geometry else { panic!() };
    assert!((p.x() - 118.0).abs() < 1e-7 && (p.y() - 37.38).abs() < 1e-7, "{p:?}");
    assert_eq!(ds.sites[0].name(), "测点0");
    assert_eq!(ds.sites[0].extra("规划编号"), Some(serde_json::json!("BZ-000")));
}

#[test]
fn convert_from_gcj02_shifts_points_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wgs.geojson");
    let input = fixture("crs/gcj02_beijing.geojson");
    let (code, _, err) = run(&["convert", input.to_str().unwrap(), "--from", "gcj02", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("GCJ-02"), "the conversion is reported: {err}");
    let ds = load_file(&out, &LoadOptions::default(), &|_, _| {});
    let geo::Geometry::Point(p) = ds.sites[0].geometry else { panic!() };
    assert!((p.x() - 116.377817).abs() < 5e-6 && (p.y() - 39.911954).abs() < 5e-6, "{p:?}");
}

#[test]
fn convert_refuses_an_unknown_from_with_a_clear_message() {
    let (code, _, err) = run(&["convert", "x.geojson", "--from", "mars", "--out", "/tmp/never.geojson"]);
    assert_eq!(code, 2);
    assert!(err.contains("--from mars"), "{err}");
}

#[test]
fn gen_writes_a_loadable_dataset_of_mixed_geometries() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("syn.geojson");
    let (code, _, err) = run(&["gen", "--features", "3000", "--seed", "5", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let ds = load_file(&out, &LoadOptions::default(), &|_, _| {});
    assert_eq!(ds.sites.len(), 3000);
    assert!(ds.problems.is_empty(), "{:?}", &ds.problems[..ds.problems.len().min(3)]);
    let kinds: std::collections::BTreeSet<&str> = ds
        .sites
        .iter()
        .map(|s| match s.geometry {
            geo::Geometry::Point(_) => "point",
            geo::Geometry::LineString(_) => "line",
            geo::Geometry::Polygon(_) => "polygon",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["line", "point", "polygon"]);
    assert!(
        ds.sites
            .iter()
            .all(|s| s.district().is_some() && s.plan_year.is_some() && s.name().chars().any(|c| c > '\u{4e00}'))
    );
    // Same seed, same bytes.
    let again = dir.path().join("again.geojson");
    run(&["gen", "--features", "3000", "--seed", "5", "--out", again.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn bench_reports_time_and_peak_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("syn.geojson");
    run(&["gen", "--features", "2000", "--out", out.to_str().unwrap()]);
    let (code, text, _) = run(&["bench", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(text.contains("load + validate") && text.contains("peak RSS") && text.contains("2000 sites"), "{text}");
}

#[test]
fn audit_finds_each_planted_problem_and_nothing_in_a_clean_file() {
    let districts = fixture("audit/districts.geojson");
    let d = districts.to_str().unwrap();
    let planted = fixture("audit/planted.geojson");
    let (code, out, err) =
        run(&["audit", "--year", "2022", "--json", "--data", planted.to_str().unwrap(), "--data", d]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut found: Vec<(String, Vec<String>)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let ids = e["ids"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_string()).collect();
            (e["kind"].as_str().unwrap().to_string(), ids)
        })
        .collect();
    found.sort();
    let expect = |k: &str, ids: &[&str]| (k.to_string(), ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let mut want = vec![
        expect("overdue", &["P-LATE"]),
        expect("overdue", &["P-UV"]),
        expect("completed_before_started", &["P-ORDER"]),
        expect("park_in_unrebuilt_village", &["P-PARK", "P-UV"]),
        expect("outside_district", &["P-AWAY"]),
        expect("duplicate", &["P-DUP1", "P-DUP2"]),
        expect("invalid_geometry", &["P-BOW"]),
    ];
    want.sort();
    assert_eq!(found, want);

    let clean = fixture("audit/clean.geojson");
    let (_, out, _) = run(&["audit", "--year", "2022", "--json", "--data", clean.to_str().unwrap(), "--data", d]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entries"], serde_json::json!([]), "a clean file raises nothing");
}

/// Saves are atomic: `gen` writes through `binzhou_core::save::write_atomic`
/// (as every export does). Killed with SIGKILL at a random moment, again and
/// again, the file is always the old version or a complete new one, and
/// parses. Rounds: `BINZHOU_KILL_ROUNDS` (default 12; `scripts/kill-test-saves`
/// runs 100).
#[cfg(unix)]
#[test]
fn a_save_killed_at_any_moment_leaves_the_old_file_or_the_new_one_never_half() {
    let rounds: u64 = std::env::var("BINZHOU_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sites.geojson");
    let out_s = out.to_str().unwrap();
    let (code, _, err) = run(&["gen", "--features", "50", "--seed", "1", "--out", out_s]);
    assert_eq!(code, 0, "{err}");
    // How long one full save takes here, so the kills land before, during and after the rename.
    let started = std::time::Instant::now();
    let (code, _, err) = run(&["gen", "--features", "20000", "--seed", "2", "--out", out_s]);
    assert_eq!(code, 0, "{err}");
    let full = started.elapsed().as_millis().max(20) as u64;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = seed % (full + full / 4);
        let mut child = bin()
            .args(["gen", "--features", "20000", "--seed", &round.to_string(), "--out", out_s])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let ds = load_file(&out, &LoadOptions::default(), &|_, _| {});
        let errors: Vec<_> = ds.problems.iter().filter(|p| p.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "round {round} (killed after {wait} ms): {errors:?}");
        let n = ds.files[0].features_read;
        assert!(n == 50 || n == 20000, "round {round}: {n} features, neither the old file nor a whole new one");
    }
}

/// The area of a lon/lat rectangle on the authalic sphere, in m².
fn sphere_rect_m2(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> f64 {
    let r = 6_371_007.2_f64;
    r * r * (lon1 - lon0).to_radians() * (lat1.to_radians().sin() - lat0.to_radians().sin())
}

#[test]
fn info_lists_layers_fields_and_the_same_area_for_rings_either_way_round() {
    let f = fixture("counties_clockwise.geojson");
    let (code, out, err) = run(&["info", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for want in
        ["Feature count: 3", "Geometry: MultiPolygon 1, Polygon 2", "NAME: String (3/3)", "adcode: Integer (3/3)"]
    {
        assert!(out.contains(want), "{want:?} in:\n{out}");
    }
    assert!(out.contains("CRS: WGS84 (EPSG:4326) (default)") && out.contains("Encoding: UTF-8"), "{out}");

    let (code, out, _) = run(&["info", "--features", "--json", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let features = doc[0]["features"].as_array().unwrap();
    let area = |k: usize| features[k]["area_m2"].as_f64().unwrap();
    let expected = sphere_rect_m2(0.0, 37.30, 0.2, 37.50) - sphere_rect_m2(0.0, 37.35, 0.05, 37.40);
    assert!((area(0) - expected).abs() / expected < 0.01, "counter-clockwise: {} vs {expected}", area(0));
    assert!((area(1) - area(0)).abs() < 1.0, "clockwise {} ≠ counter-clockwise {}", area(1), area(0));
    let squares = sphere_rect_m2(0.0, 37.60, 0.1, 37.70) * 2.0;
    assert!((area(2) - squares).abs() / squares < 0.01, "clockwise multipolygon: {} vs {squares}", area(2));
    assert_eq!(features[0]["properties"]["NAME"], "东区（逆时针外环）");

    let (_, out, _) = run(&["info", "--lang", "zh", "--features", f.to_str().unwrap()]);
    assert!(out.contains("要素数: 3") && out.contains("坐标系：WGS84"), "{out}");
    assert!(out.contains("km²"), "features carry their area: {out}");
}

#[test]
fn info_on_a_missing_file_says_so() {
    let (code, _, err) = run(&["info", "no/such.geojson"]);
    assert_ne!(code, 0);
    assert!(err.contains("no/such.geojson: no such file or folder"), "{err}");
}

/// Writes checks in a loop and kills the writer with SIGKILL at random
/// moments: the journal always opens, every check the writer acknowledged
/// is there, and every row reads as a whole check. Rounds:
/// `BINZHOU_KILL_ROUNDS` (default 12; `scripts/kill-test-journal` runs 100).
#[cfg(unix)]
#[test]
fn a_journal_killed_at_any_moment_keeps_every_acknowledged_check_and_no_half_one() {
    use std::io::Read as _;
    let rounds: u64 = std::env::var("BINZHOU_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = 20 + seed % 300;
        let mut child = bin()
            .args(["checks", "soak", "--journal", journal.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let mut said = String::new();
        child.stdout.take().unwrap().read_to_string(&mut said).unwrap();
        // Only whole lines are acknowledgements; a torn last line is not.
        let whole = said.rfind('\n').map(|k| &said[..k]).unwrap_or("");
        acknowledged.extend(whole.lines().map(str::to_string));
        if acknowledged.is_empty() && !journal.exists() {
            // Killed before it made the journal (a slow start on a loaded
            // machine): nothing was made, so nothing can be lost.
            continue;
        }
        let versions = binzhou_journal::Journal::open_read_only(&journal)
            .and_then(|j| j.versions())
            .unwrap_or_else(|e| panic!("round {round} (killed after {wait} ms): {e}"));
        let saved: std::collections::HashSet<&str> = versions.iter().map(|c| c.id.as_str()).collect();
        for id in &acknowledged {
            assert!(saved.contains(id.as_str()), "round {round}: acknowledged check {id} is lost");
        }
        assert!(versions.iter().all(|c| c.note.starts_with("现场核查") && c.corrected.is_some()), "a half row");
    }
    assert!(acknowledged.len() as u64 > rounds, "the writer got checks saved: {}", acknowledged.len());
}

/// Kills a process recording a GNSS track with SIGKILL at random moments:
/// every point it said was recorded is in the journal, which stays readable
/// (12 rounds here; `scripts/kill-test-journal` and `kill-test-save` run more).
#[test]
fn a_track_killed_at_any_moment_keeps_every_acknowledged_point() {
    use std::io::Read as _;
    let rounds: u64 = std::env::var("BINZHOU_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("checks.gpkg");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = 20 + seed % 300;
        let mut child = bin()
            .args(["checks", "soak", "--track", "--journal", journal.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let mut said = String::new();
        child.stdout.take().unwrap().read_to_string(&mut said).unwrap();
        let whole = said.rfind('\n').map(|k| &said[..k]).unwrap_or("");
        acknowledged.extend(whole.lines().map(str::to_string));
        let track = binzhou_journal::Journal::open_read_only(&journal)
            .and_then(|j| j.track())
            .unwrap_or_else(|e| panic!("round {round} (killed after {wait} ms): {e}"));
        let kept: std::collections::HashSet<&str> = track.iter().map(|p| p.time.as_str()).collect();
        for t in &acknowledged {
            assert!(kept.contains(t.as_str()), "round {round}: acknowledged point {t} is lost");
        }
        assert!(track.iter().all(|p| p.lon.is_finite() && p.satellites == Some(12)), "no half point");
    }
    assert!(acknowledged.len() as u64 > rounds, "points were recorded: {}", acknowledged.len());
}

#[test]
fn checks_summary_and_export_read_two_teams_journals_in_the_office() {
    use binzhou_core::checks::{Check, CheckResult};
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("IMG_1.jpg");
    std::fs::write(&photo, b"jpeg").unwrap();
    let check = |site: &str, result| Check {
        id: binzhou_journal::new_check_id(),
        version: 1,
        previous: None,
        site_id: site.into(),
        site_layer: "pocket_park".into(),
        result,
        observed: None,
        finished_on: None,
        note: "已核查，围挡, 未拆".into(),
        inspector: "王工".into(),
        checked_at: binzhou_journal::now(),
        author: "王工".into(),
        written_at: binzhou_journal::now(),
        gnss: None,
        corrected: Some((118.0, 37.38)),
        low_accuracy: false,
        deleted: false,
        photos: Vec::new(),
    };
    let a = dir.path().join("a").join("checks.gpkg");
    let b = dir.path().join("b").join("checks.gpkg");
    let mut ja = binzhou_journal::Journal::open(&a).unwrap();
    let mut with_photo = check("PP-MC-2020-01", CheckResult::LocationOk);
    with_photo.photos.push(ja.store_photo(&photo).unwrap());
    ja.save(&with_photo).unwrap();
    binzhou_journal::Journal::open(&b).unwrap().save(&check("PP-MC-2020-02", CheckResult::Moved)).unwrap();
    let (a_s, b_s) = (a.to_str().unwrap(), b.to_str().unwrap());

    let (code, out, err) = run(&["checks", "summary", a_s, b_s, "--json"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let bincheng = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["layer"] == "pocket_park" && r["district"] == "滨城区")
        .expect("a row for Bincheng's pocket parks");
    assert_eq!(bincheng["checked"], 2);
    assert_eq!(bincheng["by_result"][0], 1);
    assert_eq!(bincheng["by_result"][1], 1);
    let (_, out, _) = run(&["--lang", "zh", "checks", "summary", a_s, b_s]);
    assert!(out.contains("口袋公园") && out.contains("位置偏移"), "{out}");

    let csv = dir.path().join("office.csv");
    let (code, out, err) = run(&["checks", "export", a_s, b_s, "--out", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("exported 2 records") && out.contains("copied 1 photos"), "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("\"已核查，围挡, 未拆\""), "{text}");
    assert!(dir.path().join("office_photos").join(format!("{}.jpg", with_photo.photos[0].sha256)).exists());

    let gpkg = dir.path().join("office.gpkg");
    let (code, _, err) = run(&["checks", "export", a_s, b_s, "--out", gpkg.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let merged = binzhou_journal::Journal::open_read_only(&gpkg).unwrap().versions().unwrap();
    assert_eq!(merged.len(), 2);
    let (code, _, err) = run(&["checks", "export", a_s, "--out", gpkg.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("never overwritten"), "{err}");
}

#[test]
fn locate_prints_wgs84_gcj02_and_gauss_kruger_or_says_why_not() {
    let (code, out, err) = run(&["locate", "东经118度0分44.3秒 北纬37度22分55.6秒", "PP-MC-2020-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("WGS84:   118.0123056, 37.3821111"), "{out}");
    assert!(out.contains("GCJ-02:") && out.contains("CGCS2000 zone 39: X=") && out.contains("EPSG:4527"), "{out}");
    assert_eq!(out.matches("WGS84:").count(), 2, "the site id is found too: {out}");
    let (code, _, err) = run(&["locate", "滨州市政府"]);
    assert_eq!(code, 1);
    assert!(err.contains("滨州市政府: cannot read it (expected two coordinates"), "{err}");
}

#[test]
fn checks_gpx_writes_the_teams_tracks_as_gpx_one_segment_per_recording() {
    use binzhou_journal::{Journal, TrackPoint};
    let dir = tempfile::tempdir().unwrap();
    let mut journals = Vec::new();
    for (team, seg) in [("a", "s1"), ("b", "s2")] {
        let path = dir.path().join(team).join("checks.gpkg");
        let mut j = Journal::open(&path).unwrap();
        for k in 0..3 {
            j.add_track_point(&TrackPoint {
                segment: seg.into(),
                time: format!("2026-11-02T09:0{k}:00Z"),
                lon: 118.0 + k as f64 * 1e-3,
                lat: 37.38,
                altitude_m: None,
                accuracy_m: Some(4.0),
                satellites: Some(9),
            })
            .unwrap();
        }
        journals.push(path.to_str().unwrap().to_string());
    }
    let out = dir.path().join("walk.gpx");
    let mut args = vec!["checks", "gpx"];
    args.extend(journals.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    let (code, said, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(said.contains("exported 6 track points"), "{said}");
    let gpx = gpx::read(std::fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(gpx.tracks[0].segments.len(), 2);
    assert_eq!(gpx.tracks[0].segments[1].points.len(), 3);
}

#[test]
fn info_on_a_broken_file_says_what_is_wrong_and_describes_what_loaded() {
    let f = fixture("bad/truncated.geojson");
    let (code, out, err) = run(&["info", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(err.contains("truncated.geojson: error: the file ends early"), "{err}");
    assert!(out.contains("Feature count: 2"), "{out}");
    let (code, _, err) = run(&["checks", "summary", f.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("truncated.geojson: not a field-check journal"), "{err}");
}
