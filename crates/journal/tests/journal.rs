//! Journals as a field team uses them: checks saved, read back after the
//! laptop was switched off, amended, deleted, merged with another team's,
//! and opened by GDAL as the GeoPackage it is.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use binzhou_core::checks::{Check, CheckResult, GnssStamp, Observed, current};
use binzhou_journal::{Journal, JournalError, new_check_id, now, read_all};

fn check(site: &str, result: CheckResult) -> Check {
    let at = now();
    Check {
        id: new_check_id(),
        version: 1,
        previous: None,
        site_id: site.into(),
        site_layer: "pocket_park".into(),
        result,
        observed: Some(Observed::InProgress),
        finished_on: None,
        note: "东侧围挡未拆，\n施工中".into(),
        inspector: "王工".into(),
        checked_at: at.clone(),
        author: "王工".into(),
        written_at: at,
        gnss: Some(GnssStamp {
            lon: 118.0123,
            lat: 37.3821,
            accuracy_m: Some(3.5),
            fix: "gps".into(),
            satellites: Some(11),
            time: "2026-11-02T09:30:00Z".into(),
        }),
        corrected: None,
        low_accuracy: false,
        deleted: false,
        photos: Vec::new(),
    }
}

#[test]
fn a_saved_check_reads_back_the_same_after_the_journal_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team-a").join("checks.gpkg");
    let mut moved = check("PP-MC-2020-01", CheckResult::Moved);
    moved.corrected = Some((118.0131, 37.3825));
    let photo = dir.path().join("现场.jpg");
    std::fs::write(&photo, b"jpeg bytes").unwrap();
    let plain = check("UV-003", CheckResult::LocationOk);
    {
        let mut j = Journal::open(&path).unwrap();
        moved.photos.push(j.store_photo(&photo).unwrap());
        j.save(&moved).unwrap();
        j.save(&plain).unwrap();
    }
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.versions().unwrap(), vec![moved.clone(), plain]);
    assert!(dir.path().join("team-a").join(&moved.photos[0].file).exists(), "the photo is beside the journal");
}

#[test]
fn a_version_is_never_overwritten_and_changes_and_deletions_are_new_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checks.gpkg");
    let mut j = Journal::open(&path).unwrap();
    let first = check("GW-007", CheckResult::LocationOk);
    j.save(&first).unwrap();
    let mut again = first.clone();
    again.note = "changed in place".into();
    match j.save(&again) {
        Err(JournalError::VersionExists { version: 1, .. }) => {}
        other => panic!("overwrote a version: {other:?}"),
    }
    let mut second = first.next_version("李工", &now());
    second.result = CheckResult::NotFound;
    j.save(&second).unwrap();
    let mut gone = second.next_version("李工", &now());
    gone.deleted = true;
    j.save(&gone).unwrap();
    let all = j.versions().unwrap();
    assert_eq!(all.len(), 3, "every version is kept");
    assert_eq!(all[1].previous, Some(1));
    assert!(current(&all).is_empty(), "the tombstone hides the check");
}

#[test]
fn two_teams_journals_merge_and_both_checks_of_one_site_show() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.gpkg");
    let b = dir.path().join("b.gpkg");
    let shared = check("PP-1", CheckResult::LocationOk);
    Journal::open(&a).unwrap().save(&shared).unwrap();
    let mut jb = Journal::open(&b).unwrap();
    jb.save(&shared).unwrap(); // a copy of team A's check came along
    jb.save(&check("PP-1", CheckResult::Moved)).unwrap();
    let merged = read_all(&[a, b]).unwrap();
    assert_eq!(merged.len(), 2);
    let live = current(&merged);
    assert_eq!(live.iter().filter(|c| c.site_id == "PP-1").count(), 2);
}

#[test]
fn a_file_that_is_not_a_journal_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("tiles.mbtiles");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE tiles (x INTEGER);").unwrap();
    let e = Journal::open(&other).unwrap_err();
    assert!(e.to_string().contains("tiles.mbtiles: not a field-check journal"), "{e}");
    let text = dir.path().join("notes.gpkg");
    std::fs::write(&text, "just some text, not a database at all, long enough to have a header").unwrap();
    let e = Journal::open_read_only(&text).unwrap_err();
    assert!(e.to_string().contains("notes.gpkg: not a field-check journal"), "{e}");
    let e = Journal::open(&text).unwrap_err();
    assert!(e.to_string().contains("notes.gpkg: not a field-check journal"), "{e}");
}

fn ogrinfo() -> Option<std::process::Command> {
    let found = std::process::Command::new("ogrinfo").arg("--version").output().is_ok_and(|o| o.status.success());
    found.then(|| std::process::Command::new("ogrinfo"))
}

#[test]
fn gdal_opens_the_journal_as_a_geopackage_point_layer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checks.gpkg");
    let mut j = Journal::open(&path).unwrap();
    let c = check("PP-MC-2020-01", CheckResult::LocationOk);
    j.save(&c).unwrap();
    // Still open, as in the app: GDAL must read it all the same.
    let Some(mut cmd) = ogrinfo() else {
        // CI installs gdal-bin; say so rather than pass silently elsewhere.
        assert!(std::env::var_os("CI").is_none(), "ogrinfo (gdal-bin) is needed in CI");
        eprintln!("ogrinfo not installed: skipping the GDAL check");
        return;
    };
    let out = cmd.args(["-ro", "-al", "-so"]).arg(Path::new(&path)).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Layer name: site_checks"), "{text}");
    assert!(text.contains("Geometry: Point"), "{text}");
    assert!(text.contains("Feature Count: 1"), "{text}");
    assert!(text.contains("EPSG\",4326") || text.contains("WGS 84"), "{text}");
    assert!(!text.to_lowercase().contains("warning"), "GDAL warns: {text}");
    let out = std::process::Command::new("ogrinfo").args(["-ro", "-al", "-q"]).arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("POINT (118.0123 37.3821)"), "{text}");
    assert!(text.contains("东侧围挡未拆"), "{text}");
    drop(j);
}

#[test]
fn a_recorded_track_reads_back_and_exports_as_gpx_that_a_gpx_reader_takes() {
    use binzhou_journal::{TrackPoint, write_gpx};
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(&dir.path().join("checks.gpkg")).unwrap();
    let mut points = Vec::new();
    for (seg, k) in [("a", 0), ("a", 1), ("a", 2), ("b", 3), ("b", 4)] {
        let p = TrackPoint {
            segment: seg.into(),
            time: format!("2026-11-02T09:00:0{k}Z"),
            lon: 118.0 + k as f64 * 1e-4,
            lat: 37.38,
            altitude_m: Some(12.5),
            accuracy_m: Some(3.0),
            satellites: Some(10),
        };
        j.add_track_point(&p).unwrap();
        points.push(p);
    }
    assert_eq!(j.track().unwrap(), points);
    let mut buf = Vec::new();
    write_gpx(&mut buf, "滨城区 核查 <一>", &points).unwrap();
    let gpx = gpx::read(std::io::Cursor::new(&buf)).unwrap();
    assert_eq!(gpx.version, gpx::GpxVersion::Gpx11);
    let trk = &gpx.tracks[0];
    assert_eq!(trk.name.as_deref(), Some("滨城区 核查 <一>"));
    assert_eq!(trk.segments.len(), 2, "one segment per recording");
    assert_eq!(trk.segments[0].points.len(), 3);
    let p = &trk.segments[1].points[1];
    assert!((p.point().x() - 118.0004).abs() < 1e-9 && (p.point().y() - 37.38).abs() < 1e-9);
    assert_eq!(p.elevation, Some(12.5));
    assert!(p.time.is_some());
}

#[test]
fn the_newest_route_is_kept_with_the_journal_and_an_empty_one_clears_it() {
    use binzhou_journal::SavedRoute;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checks.gpkg");
    let first = SavedRoute { planned_at: now(), start: (118.0, 37.4), stops: vec!["PP-1".into(), "UV-2".into()] };
    let second = SavedRoute { stops: vec!["GW-3".into()], ..first.clone() };
    {
        let mut j = Journal::open(&path).unwrap();
        assert_eq!(j.current_route().unwrap(), None);
        j.save_route(&first).unwrap();
        j.save_route(&second).unwrap();
    }
    let mut j = Journal::open(&path).unwrap();
    assert_eq!(j.current_route().unwrap(), Some(second.clone()), "the newest, after reopening");
    j.save_route(&SavedRoute { stops: Vec::new(), ..second }).unwrap();
    assert_eq!(j.current_route().unwrap(), None, "cleared");
}

#[test]
fn a_photo_with_gps_exif_gives_the_time_and_place_it_was_taken() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/photos/gps_bincheng.jpg");
    let dir = tempfile::tempdir().unwrap();
    let j = Journal::open(&dir.path().join("checks.gpkg")).unwrap();
    let p = j.store_photo(&src).unwrap();
    assert_eq!(p.exif_time.as_deref(), Some("2026-11-02 09:30:12"));
    let (lon, lat) = p.exif_position.expect("the photo's GPS position");
    assert!((lon - 118.0123056).abs() < 1e-6 && (lat - 37.3821111).abs() < 1e-6, "({lon}, {lat})");
}

#[test]
fn two_teams_edits_of_the_same_version_both_survive_merging_and_a_merged_journal() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.gpkg"), dir.path().join("b.gpkg"));
    let first = check("PP-1", CheckResult::LocationOk);
    let mut by_a = first.next_version("张工", "2026-11-03T08:00:00Z");
    by_a.note = "A 组".into();
    let mut by_b = first.next_version("李工", "2026-11-03T09:00:00Z");
    by_b.note = "B 组".into();
    let mut ja = Journal::open(&a).unwrap();
    ja.save(&first).unwrap();
    ja.save(&by_a).unwrap();
    let mut jb = Journal::open(&b).unwrap();
    jb.save(&first).unwrap();
    jb.save(&by_b).unwrap();
    let merged = read_all(&[a, b]).unwrap();
    assert_eq!(merged.len(), 3, "version 1 once, both version 2s");
    // The office keeps the merge in one journal: nothing is refused or dropped.
    let mut office = Journal::open(&dir.path().join("office.gpkg")).unwrap();
    for c in &merged {
        office.save(c).unwrap();
    }
    let back = office.versions().unwrap();
    assert_eq!(back.len(), 3);
    assert_eq!(current(&back)[0].note, "B 组");
    assert!(matches!(office.save(&by_a), Err(JournalError::VersionExists { .. })), "a copy is still refused");
}
