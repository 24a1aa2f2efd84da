//! Every kind of bad input gets a clear problem naming file, feature and
//! field, never a panic, and the valid part still loads.

use binzhou_core::load::{LoadOptions, load_file};
use binzhou_core::model::{Dataset, LayerKey, Problem, Severity, StatusClass, Timing, YearView};

fn load(name: &str) -> Dataset {
    let p = crate::fixtures().join("bad").join(name);
    load_file(&p, &LoadOptions::default(), &|_, _| {})
}

fn only_problem(ds: &Dataset) -> &Problem {
    let real: Vec<&Problem> = ds.problems.iter().filter(|p| p.severity != Severity::Notice).collect();
    assert_eq!(real.len(), 1, "expected exactly one problem, got {:#?}", ds.problems);
    real[0]
}

fn ids(ds: &Dataset) -> Vec<&str> {
    ds.sites.iter().map(|s| s.id()).collect()
}

#[track_caller]
fn assert_problem(
    p: &Problem,
    severity: Severity,
    feature: Option<usize>,
    id: Option<&str>,
    field: Option<&str>,
    code: &str,
    text: &str,
) {
    assert_eq!(p.severity, severity, "{p}");
    assert_eq!(p.feature, feature, "{p}");
    assert_eq!(p.feature_id.as_deref(), id, "{p}");
    assert_eq!(p.field.as_deref(), field, "{p}");
    assert_eq!(p.code.name(), code, "{p}");
    let message = p.message();
    assert!(message.contains(text), "message {message:?} lacks {text:?}");
    assert!(p.file.ends_with(".geojson") || p.file.ends_with(".json"), "{p}");
}

#[test]
fn a_file_that_is_not_json_is_one_error_and_no_sites() {
    let ds = load("not_json.geojson");
    assert_problem(only_problem(&ds), Severity::Error, None, None, None, "not_json", "not JSON");
    assert!(ds.sites.is_empty());
}

#[test]
fn a_truncated_file_keeps_every_feature_before_the_cut() {
    let ds = load("truncated.geojson");
    assert_problem(only_problem(&ds), Severity::Error, None, None, None, "truncated_in_feature", "ends early");
    assert_eq!(ids(&ds), ["GOOD-1", "GOOD-2"]);
}

#[test]
fn json_that_is_not_geojson_says_so() {
    let ds = load("not_geojson.json");
    assert_problem(only_problem(&ds), Severity::Error, None, None, None, "no_type_no_features", "not GeoJSON");
}

#[test]
fn a_site_without_an_id_is_kept_under_a_generated_one_with_a_warning() {
    let ds = load("missing_id.geojson");
    assert_problem(only_problem(&ds), Severity::Warning, Some(1), None, Some("id"), "no_id", "no id");
    assert_eq!(ds.sites.len(), 2);
    assert!(ds.sites[1].id().ends_with("missing_id.geojson#1"));
}

#[test]
fn a_duplicate_id_drops_the_later_site() {
    let ds = load("duplicate_id.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Error,
        Some(1),
        Some("GOOD-1"),
        Some("id"),
        "duplicate_id",
        "duplicate id \"GOOD-1\": feature 0 already has it",
    );
    assert_eq!(ds.sites.len(), 1);
    assert_eq!(ds.sites[0].origin.index, 0);
}

#[test]
fn a_null_geometry_is_an_unlocated_site_counted_and_listed_but_never_placed() {
    let ds = load("null_geometry.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Warning,
        Some(1),
        Some("NULL-2"),
        Some("geometry"),
        "null_geometry",
        "no location yet",
    );
    assert_eq!(ids(&ds), ["GOOD-1", "NULL-2"]);
    let unlocated = &ds.sites[1];
    assert!(!unlocated.is_located() && unlocated.located_bbox().is_none());
    // Not in the index, not in any extent: the map's fit stays on the sites it has.
    let index = binzhou_core::index::SiteIndex::build(&ds.sites);
    assert_eq!(index.len(), 1);
    assert_eq!(ds.bbox(), Some(ds.sites[0].bbox), "the extent is the located site's alone");
    assert!(ds.layers().iter().all(|l| l.bbox == Some(ds.sites[0].bbox)));
    // Counted in the figures (the file has two pocket parks).
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let targets = binzhou_core::stats::PlanTargets::for_data_dir(&data).unwrap();
    let rows = binzhou_core::stats::progress(&ds, &targets, YearView::EndOf(2022));
    let parks: f64 = rows
        .iter()
        .filter(|r| r.layer == binzhou_core::model::PlanLayer::PocketPark && r.sites.contains(&1))
        .map(|r| r.done)
        .sum();
    assert!(parks >= 1.0, "the unlocated park counts as done where it is planned: {rows:#?}");
    // Named in the audit.
    let found = binzhou_core::audit::audit(&ds, &index, YearView::EndOf(2022));
    assert!(found.iter().any(|e| e.kind == binzhou_core::audit::AuditKind::NoLocation && e.ids == ["NULL-2"]));
    // Written back as null, so a round trip keeps it unlocated.
    let mut out = Vec::new();
    binzhou_core::export::write_feature_collection(&mut out, "x", &ds.sites).unwrap();
    let back = binzhou_core::load::load_bytes("x.geojson", &out, &LoadOptions::default());
    assert_eq!(back.sites.len(), 2);
    assert!(!back.sites[1].is_located());
}

#[test]
fn an_empty_geometry_drops_its_feature() {
    let ds = load("empty_geometry.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Error,
        Some(1),
        Some("EMPTY-2"),
        Some("geometry"),
        "empty_geometry",
        "empty",
    );
    assert_eq!(ids(&ds), ["GOOD-1"]);
}

#[test]
fn an_unclosed_ring_is_closed_and_kept_with_a_warning() {
    let ds = load("unclosed_ring.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Warning,
        Some(1),
        Some("RING-2"),
        Some("geometry"),
        "ring_closed",
        "not closed",
    );
    let geo::Geometry::Polygon(p) = &ds.sites[1].geometry else { panic!() };
    assert_eq!(p.exterior().0.first(), p.exterior().0.last());
    assert!(ds.problems[0].location.is_some(), "a kept feature's problem knows where to zoom");
}

#[test]
fn a_self_intersecting_polygon_is_kept_with_a_warning() {
    let ds = load("self_intersecting.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Warning,
        Some(1),
        Some("BOWTIE-2"),
        Some("geometry"),
        "invalid_polygon",
        "self-intersection",
    );
    assert_eq!(ds.sites.len(), 2);
}

#[test]
fn coordinates_outside_wgs84_drop_their_feature() {
    let ds = load("out_of_range.geojson");
    let errs: Vec<_> = ds.problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert_eq!(errs.len(), 2, "{:#?}", ds.problems);
    assert_problem(
        errs[0],
        Severity::Error,
        Some(1),
        Some("FAR-2"),
        Some("geometry"),
        "out_of_range",
        "outside the WGS84 range",
    );
    assert_problem(
        errs[1],
        Severity::Error,
        Some(2),
        Some("LAT-3"),
        Some("geometry"),
        "out_of_range",
        "outside the WGS84 range",
    );
    assert_eq!(ids(&ds), ["GOOD-1"]);
}

#[test]
fn nan_coordinates_drop_their_feature_and_say_why() {
    let ds = load("nan.geojson");
    assert_eq!(ds.problems.len(), 2, "{:#?}", ds.problems);
    assert_problem(
        &ds.problems[0],
        Severity::Error,
        Some(1),
        Some("NAN-2"),
        Some("geometry"),
        "feature_unreadable",
        "NaN",
    );
    assert_problem(
        &ds.problems[1],
        Severity::Error,
        Some(2),
        Some("NANSTR-3"),
        Some("geometry"),
        "feature_unreadable",
        "not a number",
    );
    assert_eq!(ids(&ds), ["GOOD-1"]);
}

#[test]
fn an_unknown_layer_becomes_an_extra_layer_with_a_warning() {
    let ds = load("unknown_layer.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Warning,
        Some(1),
        Some("LAMP-2"),
        Some("layer"),
        "unknown_layer",
        "street_lamp",
    );
    assert_eq!(*ds.sites[1].layer(), LayerKey::Extra("street_lamp".into()));
}

#[test]
fn an_unreadable_date_is_an_error_yet_the_site_stays_with_an_unknown_status() {
    let ds = load("bad_dates.geojson");
    assert_eq!(ds.problems.len(), 2, "{:#?}", ds.problems);
    assert_problem(&ds.problems[0], Severity::Error, Some(1), Some("DATE-2"), Some("started"), "bad_date", "month");
    assert_problem(
        &ds.problems[1],
        Severity::Error,
        Some(1),
        Some("DATE-2"),
        Some("completed"),
        "bad_date",
        "not a date",
    );
    assert_eq!(ids(&ds), ["GOOD-1", "DATE-2"], "the site is still loaded");
    let s = &ds.sites[1];
    assert_eq!((s.started, s.completed), (None, None));
    assert!(s.unreadable(Timing::Started) && s.unreadable(Timing::Completed));
    for v in YearView::PLAN_YEARS {
        assert_eq!(s.status(v).class(), StatusClass::Unknown, "never overdue from a date nobody can read: {v:?}");
    }
    // What the file says is kept, so a save writes it back.
    assert_eq!(s.extra("started"), Some(serde_json::json!("2020-13")));
    assert_eq!(s.extra("completed"), Some(serde_json::json!("next spring")));
}

#[test]
fn blank_dates_are_no_dates_and_no_problem() {
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"B-1","name":"某口袋公园","layer":"pocket_park","plan_year":2021,"started":"2021-04","completed":"  "},"geometry":{"type":"Point","coordinates":[118.0,37.4]}}]}"#;
    let ds = binzhou_core::load::load_bytes("blank.geojson", text.as_bytes(), &LoadOptions::default());
    assert!(ds.problems.is_empty(), "{:#?}", ds.problems);
    assert_eq!(ds.sites[0].status(YearView::EndOf(2021)).class(), StatusClass::Overdue);
}

#[test]
fn completed_before_started_is_an_error_and_the_status_unknown_from_the_earlier_year() {
    let ds = load("completed_before_started.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Error,
        Some(1),
        Some("ORDER-2"),
        Some("completed"),
        "completed_before_started",
        "before started",
    );
    let s = &ds.sites[1];
    assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::Unknown, "{:?}", (s.started, s.completed));
}

#[test]
fn a_plan_year_outside_the_plan_is_a_warning() {
    let ds = load("plan_year_outside.geojson");
    assert_problem(
        only_problem(&ds),
        Severity::Warning,
        Some(1),
        Some("YEAR-2"),
        Some("plan_year"),
        "plan_year_outside_plan",
        "2020-2022",
    );
    assert_eq!(ds.sites[1].plan_year, Some(2025));
}

#[test]
fn an_unknown_crs_is_a_warning_and_lon_lat_values_still_load() {
    let ds = load("unknown_crs.geojson");
    assert_problem(only_problem(&ds), Severity::Warning, None, None, None, "crs_unknown", "EPSG::3857");
    assert_eq!(ds.sites.len(), 2);
}

#[test]
fn absurd_nesting_is_refused_without_touching_the_stack() {
    let ds = load("deep_nesting.geojson");
    assert_problem(only_problem(&ds), Severity::Error, Some(1), Some("DEEP-2"), None, "feature_unreadable", "nested");
    assert_eq!(ids(&ds), ["GOOD-1"]);
}

#[test]
fn elements_that_are_not_features_are_errors() {
    let ds = load("not_a_feature.geojson");
    assert_eq!(ds.problems.len(), 2, "{:#?}", ds.problems);
    assert!(ds.problems.iter().all(|p| p.severity == Severity::Error && p.field.as_deref() == Some("type")));
    assert_eq!(ids(&ds), ["GOOD-1"]);
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let ds = load("no_such_file.geojson");
    assert_problem(only_problem(&ds), Severity::Error, None, None, None, "cannot_open", "cannot open");
}

#[test]
fn problems_print_as_file_feature_id_field_message() {
    let ds = load("bad_dates.geojson");
    let line = ds.problems[0].to_string();
    assert!(
        line.ends_with(
            "bad_dates.geojson:feature 1#DATE-2:started: error: '2020-13' has a month outside 1-12; the site is kept, its status unknown where the date matters"
        ),
        "{line}"
    );
}

#[test]
fn random_garbage_never_panics_the_loader() {
    // Cut every fixture at many points and flip bytes: the loader must
    // always return, whatever it makes of the input.
    let dir = crate::fixtures().join("bad");
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for cut in (0..bytes.len()).step_by(bytes.len() / 37 + 1) {
            let _ = binzhou_core::load::load_bytes("cut.geojson", &bytes[..cut], &LoadOptions::default());
            let mut flipped = bytes.clone();
            flipped[cut] ^= 0x5A;
            let _ = binzhou_core::load::load_bytes("flip.geojson", &flipped, &LoadOptions::default());
        }
    }
}

#[test]
fn an_id_reused_in_a_second_file_is_dropped_naming_the_first_file() {
    let dir = crate::fixtures().join("bad");
    let ds = binzhou_core::load::load_paths(
        &[dir.join("unclosed_ring.geojson"), dir.join("bad_dates.geojson")],
        &LoadOptions::default(),
    );
    let dup: Vec<&Problem> = ds.problems.iter().filter(|p| p.field.as_deref() == Some("id")).collect();
    assert_eq!(dup.len(), 1, "{:#?}", ds.problems);
    assert_problem(dup[0], Severity::Error, Some(0), Some("GOOD-1"), Some("id"), "duplicate_id", "feature 0 of ");
    assert!(dup[0].message().contains("unclosed_ring.geojson") && dup[0].file.ends_with("bad_dates.geojson"));
    assert_eq!(ds.files[1].sites_loaded, 1, "the second file keeps only DATE-2");
    assert_eq!(ds.sites.len(), 3);
}

#[test]
fn every_problem_the_bad_fixtures_raise_also_reads_in_chinese() {
    let root = crate::fixtures();
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut seen = 0;
    for dir in ["bad", "crs"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let ds = load_file(&entry.unwrap().path(), &LoadOptions::default(), &|_, _| {});
            for p in &ds.problems {
                assert!(han(&p.message_zh()), "no Chinese in {:?} (English: {:?})", p.message_zh(), p.message());
                assert_ne!(p.message_zh(), p.message(), "{p}");
                assert!(!p.message_zh().contains('\u{1f}'), "a language separator leaked: {:?}", p.message_zh());
                seen += 1;
            }
        }
    }
    assert!(seen >= 20, "only {seen} problems: the fixtures should raise more");
}

fn load_text(text: &str) -> Dataset {
    binzhou_core::load::load_bytes("t.geojson", text.as_bytes(), &LoadOptions::default())
}

const PARK: &str = r#""properties":{"id":"P-1","name":"某口袋公园","layer":"pocket_park","plan_year":2021}"#;

#[test]
fn the_top_level_type_decides_what_a_file_is_even_with_a_stray_features_member() {
    let feature = format!(
        r#"{{"type":"Feature",{PARK},"features":[{{"type":"Feature","properties":{{"id":"X"}},"geometry":null}}],
            "geometry":{{"type":"Point","coordinates":[118.0,37.4]}}}}"#
    );
    let ds = load_text(&feature);
    assert_eq!(ids(&ds), ["P-1"], "the Feature is read, not the array: {:#?}", ds.problems);
    assert_problem(only_problem(&ds), Severity::Warning, None, None, None, "stray_features", "stray");
    let geometry = r#"{"features":[],"type":"Point","coordinates":[118.0,37.4]}"#;
    let ds = load_text(geometry);
    assert_eq!(ds.sites.len(), 1, "{:#?}", ds.problems);
    assert!(ds.sites[0].is_located());
}

#[test]
fn a_feature_collection_without_a_features_array_is_an_error_not_an_empty_layer() {
    let ds = load_text(r#"{"type":"FeatureCollection"}"#);
    assert_problem(only_problem(&ds), Severity::Error, None, None, None, "no_features_member", "no \"features\"");
    let ds = load_text(r#"{"type":"FeatureCollection","features":{"type":"Feature"}}"#);
    assert_problem(only_problem(&ds), Severity::Error, None, None, None, "features_not_array", "an object");
    assert!(ds.error_count() == 1 && ds.sites.is_empty());
    // An empty array is a valid, empty collection.
    let ds = load_text(r#"{"type":"FeatureCollection","features":[]}"#);
    assert!(ds.problems.iter().all(|p| p.severity == Severity::Notice), "{:#?}", ds.problems);
}

#[test]
fn short_lines_and_rings_are_errors_of_their_feature_and_the_rest_loads() {
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
          {{"type":"Feature",{PARK},"geometry":{{"type":"Point","coordinates":[118.0,37.4]}}}},
          {{"type":"Feature","properties":{{"id":"L-1","layer":"greenway","plan_year":2021}},
            "geometry":{{"type":"LineString","coordinates":[[118.0,37.4]]}}}},
          {{"type":"Feature","properties":{{"id":"R-1","layer":"pocket_park","plan_year":2021}},
            "geometry":{{"type":"Polygon","coordinates":[[[118.0,37.4],[118.1,37.4],[118.0,37.4]]]}}}}]}}"#
    );
    let ds = load_text(&text);
    assert_eq!(ids(&ds), ["P-1"]);
    let errors: Vec<&Problem> = ds.problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].feature_id.as_deref(), Some("L-1"));
    assert!(errors[0].message().contains("at least 2"), "{}", errors[0]);
    assert_eq!(errors[1].feature_id.as_deref(), Some("R-1"));
    assert!(errors[1].message().contains("at least 4"), "{}", errors[1]);
}

#[test]
fn a_malformed_bbox_is_a_warning_and_the_site_still_loads() {
    let text = format!(
        r#"{{"type":"FeatureCollection","bbox":[1,2,3],"features":[
          {{"type":"Feature","bbox":["a","b","c","d"],{PARK},"geometry":{{"type":"Point","coordinates":[118.0,37.4]}}}},
          {{"type":"Feature","bbox":[117.9,37.3,118.1,37.5],"properties":{{"id":"P-2"}},
            "geometry":{{"type":"Point","coordinates":[118.0,37.4]}}}}]}}"#
    );
    let ds = load_text(&text);
    assert_eq!(ids(&ds), ["P-1", "P-2"]);
    let mut warned: Vec<(Option<usize>, Option<&str>)> =
        ds.problems.iter().filter(|p| p.code.name() == "bad_bbox").map(|p| (p.feature, p.field.as_deref())).collect();
    warned.sort();
    assert_eq!(warned, [(None, None), (Some(0), Some("bbox"))], "{:#?}", ds.problems);
    assert!(ds.problems.iter().all(|p| p.severity != Severity::Error));
}
