use super::save::{backup_path, save_back};
use super::*;
use crate::load::{LoadOptions, load_file};
use serde_json::json;

const TEXT: &str = r#"{
  "type": "FeatureCollection",
  "name": "parks",
  "features": [
    {"type":"Feature","properties":{"zz_note":"keep me first","id":"P-1","name":"渤海公园口袋公园","layer":"pocket_park","plan_year":2021,"started":"2021-03"},"geometry":{"type":"Point","coordinates":[117.97,37.38]}},
    {"type":"Feature", "properties": {"id":"P-2","name":"黄河五路游园","layer":"pocket_park","plan_year":2021},  "geometry":{"type":"Point","coordinates":[117.99000000000001,37.39]}},
    {"type":"Feature","properties":{"id":"P-3","name":"新立河游园","layer":"pocket_park","plan_year":2022,"extra":{"a":[1,2]}},"geometry":{"type":"Point","coordinates":[118.01,37.40]}}
  ]
}
"#;

fn load(dir: &tempfile::TempDir, name: &str, text: &str) -> (std::path::PathBuf, Dataset) {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    let ds = load_file(&p, &LoadOptions { threads: 1, ..Default::default() }, &|_, _| {});
    (p, ds)
}

fn set(ds: &Dataset, i: usize, key: &str, v: Value) -> Target {
    Target::Site(i, Some(FeatureState::of(ds, i).unwrap().with(key, v)))
}

fn label() -> Msg {
    Msg::new("test", "测试")
}

#[test]
fn an_edit_changes_the_site_and_undo_and_redo_walk_it_back_and_forth() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut ds) = load(&dir, "parks.geojson", TEXT);
    let mut ed = Editor::new("王工");
    let t = set(&ds, 1, "completed", json!("2021-10"));
    let a = ed.apply(&mut ds, label(), vec![t], 1).unwrap();
    assert_eq!(a.changes.len(), 1);
    assert_eq!(a.changes[0].version, 1);
    assert_eq!(a.changes[0].author, "王工");
    assert_eq!(ds.sites[1].completed.map(|d| d.to_string()).as_deref(), Some("2021-10"));
    assert!(ed.is_dirty(0));
    ed.undo(&mut ds, 2).unwrap();
    assert_eq!(ds.sites[1].completed, None);
    assert!(!ed.is_dirty(0), "undone back to the file's state is not dirty");
    ed.redo(&mut ds, 3).unwrap();
    assert_eq!(ds.sites[1].completed.map(|d| d.to_string()).as_deref(), Some("2021-10"));
    assert!(matches!(ed.redo(&mut ds, 4), Err(EditError::Nothing)));
}

#[test]
fn an_edit_that_would_drop_the_site_or_reuse_an_id_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut ds) = load(&dir, "parks.geojson", TEXT);
    let mut ed = Editor::new("t");
    let mut no_geom = FeatureState::of(&ds, 0).unwrap();
    // An empty geometry drops a feature (a null one would leave it unlocated).
    no_geom.geometry = json!({"type": "LineString", "coordinates": []});
    let r = ed.apply(&mut ds, label(), vec![Target::Site(0, Some(no_geom))], 1);
    assert!(matches!(r, Err(EditError::Invalid(_))), "{r:?}");
    let t = vec![set(&ds, 0, "id", json!("P-2"))];
    let r = ed.apply(&mut ds, label(), t, 1);
    assert_eq!(r.unwrap_err(), EditError::DuplicateId("P-2".into()));
    assert_eq!(ds.sites[0].id(), "P-1");
    assert!(!ed.any_dirty());
    assert!(ed.undo_label().is_none());
}

#[test]
fn a_save_keeps_untouched_features_byte_for_byte_and_edits_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (p, mut ds) = load(&dir, "parks.geojson", TEXT);
    let mut ed = Editor::new("t");
    let t = vec![set(&ds, 0, "completed", json!("2021-10"))];
    ed.apply(&mut ds, label(), t, 1).unwrap();
    let saved = save_back(&ds, &ed, 0, false).unwrap();
    assert_eq!(saved.written, 1);
    let out = std::fs::read_to_string(&p).unwrap();
    // The untouched features and everything around them are as they were.
    let lines_before: Vec<&str> = TEXT.lines().collect();
    let lines_after: Vec<&str> = out.lines().collect();
    assert_eq!(lines_before.len(), lines_after.len());
    for (i, (a, b)) in lines_before.iter().zip(&lines_after).enumerate() {
        if i != 4 {
            assert_eq!(a, b, "line {i}");
        }
    }
    // The edited one keeps its property order and the unknown property first.
    let f: Value = serde_json::from_str(lines_after[4].trim().trim_end_matches(',')).unwrap();
    let keys: Vec<&String> = f["properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["zz_note", "id", "name", "layer", "plan_year", "started", "completed"]);
    assert_eq!(f["geometry"], json!({"type":"Point","coordinates":[117.97,37.38]}), "geometry untouched");
    assert_eq!(std::fs::read_to_string(backup_path(&p)).unwrap(), TEXT, "the old version is kept");
    let again = load_file(&p, &LoadOptions::default(), &|_, _| {});
    assert_eq!(again.sites[0].completed.map(|d| d.to_string()).as_deref(), Some("2021-10"));
}

#[test]
fn adding_and_deleting_sites_renumbers_so_a_second_save_edits_the_right_feature() {
    let dir = tempfile::tempdir().unwrap();
    let (p, mut ds) = load(&dir, "parks.geojson", TEXT);
    let mut ed = Editor::new("t");
    let new = FeatureState {
        properties: json!({"id":"P-9","name":"新增游园","layer":"pocket_park","plan_year":2022})
            .as_object()
            .unwrap()
            .clone(),
        geometry: json!({"type":"Point","coordinates":[118.0,37.41]}),
    };
    ed.apply(&mut ds, label(), vec![Target::Site(0, None), Target::New(0, new)], 1).unwrap();
    assert_eq!(ds.sites.len(), 3);
    let saved = save_back(&ds, &ed, 0, false).unwrap();
    assert_eq!((saved.written, saved.removed), (1, 1));
    ed.saved(&mut ds, 0, &saved.renumber);
    ds.files[0].stamp = Some(saved.stamp);
    assert!(!ed.any_dirty());
    let ids: Vec<&str> = ds.sites.iter().map(|s| s.id()).collect();
    assert_eq!(ids, ["P-2", "P-3", "P-9"]);
    assert_eq!(ds.sites.iter().map(|s| s.origin.index).collect::<Vec<_>>(), [0, 1, 2]);
    // Now edit P-3 (second in the file now) and save again.
    let i = ds.find_by_id("P-3").unwrap();
    let t = vec![set(&ds, i, "name", json!("新立河游园（二期）"))];
    ed.apply(&mut ds, label(), t, 2).unwrap();
    save_back(&ds, &ed, 0, false).unwrap();
    let back = load_file(&p, &LoadOptions::default(), &|_, _| {});
    let names: Vec<&str> = back.sites.iter().map(|s| s.name()).collect();
    assert_eq!(names, ["黄河五路游园", "新立河游园（二期）", "新增游园"]);
    assert!(back.problems.iter().all(|p| p.severity != crate::model::Severity::Error), "{:?}", back.problems);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(r#""extra":{"a":[1,2]}"#), "unknown nested property kept: {text}");
}

#[test]
fn a_file_changed_by_someone_else_is_not_written_over() {
    let dir = tempfile::tempdir().unwrap();
    let (p, mut ds) = load(&dir, "parks.geojson", TEXT);
    let mut ed = Editor::new("t");
    let t = vec![set(&ds, 0, "name", json!("改名"))];
    ed.apply(&mut ds, label(), t, 1).unwrap();
    let theirs = TEXT.replace("新立河游园", "别人改的");
    std::fs::write(&p, &theirs).unwrap();
    let e = save_back(&ds, &ed, 0, false).unwrap_err();
    assert!(matches!(e, save::SaveError::ChangedOnDisk { .. }), "{e}");
    assert!(e.zh().contains("已被他人修改"));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), theirs);
    // Told to, it writes on top of their version, keeping theirs as .bak.
    save_back(&ds, &ed, 0, true).unwrap();
    assert_eq!(std::fs::read_to_string(backup_path(&p)).unwrap(), theirs);
}

#[test]
fn a_moved_point_is_written_back_in_the_files_gauss_kruger_metres_within_a_millimetre() {
    let dir = tempfile::tempdir().unwrap();
    let gk = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},"features":[
{"type":"Feature","properties":{"id":"G-1","name":"测试点","layer":"pocket_park","plan_year":2021},"geometry":{"type":"Point","coordinates":[497000.0,4137000.0]}}
]}"#;
    let (p, mut ds) = load(&dir, "gk.geojson", gk);
    assert_eq!(ds.files[0].crs, Some(Crs::Cgcs2000GkCm117));
    let (lon, lat) = crate::crs::to_wgs84(Crs::Cgcs2000GkCm117, 497_012.345, 4_137_006.789).unwrap();
    let mut ed = Editor::new("t");
    let moved = FeatureState::of(&ds, 0).unwrap().with_geometry(&geo::Geometry::Point(geo::Point::new(lon, lat)));
    ed.apply(&mut ds, label(), vec![Target::Site(0, Some(moved))], 1).unwrap();
    save_back(&ds, &ed, 0, false).unwrap();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let c = &v["features"][0]["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 497_012.345).abs() < 0.001, "{c}");
    assert!((c[1].as_f64().unwrap() - 4_137_006.789).abs() < 0.001, "{c}");
    assert!(v["crs"].is_object(), "the file's crs member stays");
}

use crate::crs::Crs;
use crate::model::Bilingual;

#[test]
fn the_journal_gives_back_every_change_even_after_a_line_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let (p, mut ds) = load(&dir, "parks.geojson", TEXT);
    let jp = dir.path().join("j").join(journal_name(&p));
    let mut j = journal::EditJournal::open(&jp, &p.display().to_string(), ds.files[0].stamp).unwrap();
    let mut ed = Editor::new("t");
    let t = vec![set(&ds, 2, "completed", json!("2022-06"))];
    let a = ed.apply(&mut ds, label(), t, 1).unwrap();
    j.append(&a.changes).unwrap();
    let t = vec![set(&ds, 0, "name", json!("新名字"))];
    let b = ed.apply(&mut ds, label(), t, 2).unwrap();
    j.append(&b.changes).unwrap();
    drop(j);
    // A crash in the middle of a third line.
    let mut text = std::fs::read(&jp).unwrap();
    text.extend_from_slice(br#"{"id":"t-3","version":1,"auth"#);
    std::fs::write(&jp, text).unwrap();
    let r = journal::read(&jp).unwrap().unwrap();
    assert_eq!(r.changes.len(), 2);
    assert_eq!(r.damaged, 1);
    assert_eq!(r.header.stamp, ds.files[0].stamp);
    // The next start: the file as on disk, the edits recovered onto it.
    let (_, mut fresh) = load(&dir, "parks.geojson", TEXT);
    let mut ed2 = Editor::new("t");
    let (applied, skipped) = ed2.recover(&mut fresh, label(), &r.changes, 3);
    assert_eq!((applied.changes.len(), skipped), (2, 0));
    assert_eq!(fresh.sites[0].name(), "新名字");
    assert_eq!(fresh.sites[2].completed.map(|d| d.to_string()).as_deref(), Some("2022-06"));
    assert!(ed2.is_dirty(0));
    ed2.undo(&mut fresh, 4).unwrap();
    assert_eq!(fresh.sites[0].name(), "渤海公园口袋公园", "recovery is one undoable step");
}

#[test]
fn typed_values_are_checked_before_anything_changes() {
    use fields::{Field, parse};
    let dir = tempfile::tempdir().unwrap();
    let (_, ds) = load(&dir, "parks.geojson", TEXT);
    assert_eq!(parse(Field::Completed, "2021年10月", &ds, Some(0)).unwrap(), json!("2021-10"));
    assert!(parse(Field::Started, "2021-02-30", &ds, Some(0)).is_err());
    assert!(parse(Field::Id, "P-2", &ds, Some(0)).unwrap_err().zh.contains("黄河五路游园"));
    assert_eq!(parse(Field::Id, "P-1", &ds, Some(0)).unwrap(), json!("P-1"), "its own id is fine");
    assert!(parse(Field::Layer, "菜地", &ds, Some(0)).is_err());
    assert_eq!(parse(Field::PlanYear, "2022", &ds, Some(0)).unwrap(), json!(2022));
    assert!(parse(Field::PlanYear, "2030", &ds, Some(0)).is_err());
    assert_eq!(parse(Field::Completed, "", &ds, Some(0)).unwrap(), Value::Null, "empty clears");
    assert!(
        fields::completed_before_started(Some(&json!("2021-05")), Some(&json!("2021-03"))).is_some(),
        "completed before started is flagged"
    );
}

#[test]
fn a_sequence_of_edits_undos_and_redos_saves_to_exactly_the_expected_file() {
    let dir = tempfile::tempdir().unwrap();
    let (p, mut ds) = load(&dir, "parks.geojson", TEXT);
    let mut ed = Editor::new("t");
    // Rename P-2, set its completion, undo the completion, rename P-3, undo
    // that, redo it, delete P-1 and undo the delete.
    let t = vec![set(&ds, 1, "name", json!("黄河五路游园（改）"))];
    ed.apply(&mut ds, label(), t, 1).unwrap();
    let t = vec![set(&ds, 1, "completed", json!("2021-09"))];
    ed.apply(&mut ds, label(), t, 2).unwrap();
    ed.undo(&mut ds, 3).unwrap();
    let t = vec![set(&ds, 2, "name", json!("新立河游园（改）"))];
    ed.apply(&mut ds, label(), t, 4).unwrap();
    ed.undo(&mut ds, 5).unwrap();
    ed.redo(&mut ds, 6).unwrap();
    ed.apply(&mut ds, label(), vec![Target::Site(0, None)], 7).unwrap();
    ed.undo(&mut ds, 8).unwrap();
    save_back(&ds, &ed, 0, false).unwrap();
    let expected = TEXT
        .replace(
            r#"{"type":"Feature", "properties": {"id":"P-2","name":"黄河五路游园","layer":"pocket_park","plan_year":2021},  "geometry":{"type":"Point","coordinates":[117.99000000000001,37.39]}}"#,
            r#"{"type":"Feature","properties":{"id":"P-2","name":"黄河五路游园（改）","layer":"pocket_park","plan_year":2021},"geometry":{"type":"Point","coordinates":[117.99000000000001,37.39]}}"#,
        )
        .replace(r#""name":"新立河游园","#, r#""name":"新立河游园（改）","#);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), expected);
}
