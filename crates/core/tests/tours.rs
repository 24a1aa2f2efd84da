//! Tours and bookmarks for presenter mode: files round-trip, tours built
//! from the bundled data, QGIS bookmark imports, and errors that say which
//! stop is wrong and why.

use std::path::{Path, PathBuf};

use binzhou_core::load::{LoadOptions, load_paths};
use binzhou_core::model::{Bilingual, LayerKey, PlanLayer, StatusClass, YearView};
use binzhou_core::tour::bookmark::{groups, import_qgis_bookmarks_file, read_bookmarks, save_bookmarks};
use binzhou_core::tour::{BuildOptions, Extent, Stop, StopOrder, StopTarget, Tour, TourError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn near_binzhou(e: &Extent) -> bool {
    let lon = 117.5..=118.6;
    let lat = 36.8..=38.3;
    lon.contains(&e.west) && lon.contains(&e.east) && lat.contains(&e.south) && lat.contains(&e.north)
}

#[test]
fn a_tour_round_trips_through_its_file() {
    let mut first =
        Stop::new(StopTarget::Sites(vec!["UV-2021-03".into(), "PP-2021-11".into()]), YearView::EndOf(2021), "东关村");
    first.note = "2021年底：逾期 · 牵头单位：市住房城乡建设局".into();
    first.before_after = Some((2020, 2022));
    first.layers_visible = Some(vec!["urban_village".into(), "ref:县界".into()]);
    first.basemap = Some("tianditu-img".into());
    first.hold_s = 12.5;
    let second = Stop::new(
        StopTarget::Extent(Extent { west: 117.9, south: 37.3, east: 118.1, north: 37.45 }),
        YearView::Latest,
        "主城区",
    );
    let mut tour = Tour::new("2021年逾期城中村现场观摩");
    tour.note = "市城市品质提升领导小组".into();
    tour.stops = vec![first, second];

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("观摩.tour.json");
    tour.save(&path).unwrap();
    assert_eq!(Tour::read(&path).unwrap(), tour);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"version\": 1") && text.contains("\"year\": 2021") && text.contains("\"year\": \"latest\""),
        "{text}"
    );
    assert!(text.contains("东关村"), "Chinese is written as itself, not escaped");
    assert!(!text.contains("basemap\": null"), "unset options are left out");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
}

#[test]
fn a_tour_of_the_2021_overdue_urban_villages_has_one_stop_per_site_with_chinese_titles() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let ds = load_paths(&[data], &LoadOptions::default());
    let view = YearView::EndOf(2021);
    let overdue: Vec<usize> = (0..ds.sites.len())
        .filter(|&i| {
            let s = &ds.sites[i];
            *s.layer() == LayerKey::Plan(PlanLayer::UrbanVillage) && s.status(view).class() == StatusClass::Overdue
        })
        .collect();
    assert!(overdue.len() >= 3, "the bundled data has overdue urban villages in 2021: {}", overdue.len());
    for order in [StopOrder::Given, StopOrder::Route { start: None }] {
        let opts =
            BuildOptions {
                title: "2021年逾期城中村".into(), year: view, order, zh: true, ..BuildOptions::default()
            };
        let tour = Tour::from_sites(&ds, &overdue, &opts);
        assert_eq!(tour.stops.len(), overdue.len(), "{order:?}");
        let mut ids: Vec<String> = tour
            .stops
            .iter()
            .map(|s| match &s.target {
                StopTarget::Sites(ids) if ids.len() == 1 => ids[0].clone(),
                other => panic!("one site per stop: {other:?}"),
            })
            .collect();
        ids.sort();
        let mut want: Vec<String> = overdue.iter().map(|&i| ds.sites[i].id().to_string()).collect();
        want.sort();
        assert_eq!(ids, want, "each site once");
        for stop in &tour.stops {
            assert!(
                stop.title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "Chinese title: {}",
                stop.title
            );
            assert!(stop.note.starts_with("2021年底：逾期"), "{}", stop.note);
            assert!(stop.note.contains("牵头单位："), "{}", stop.note);
            assert_eq!(stop.year, view);
            let b = stop.bounds(&ds).unwrap();
            assert!(near_binzhou(&Extent::from_rect(b)), "{b:?}");
        }
        assert!(tour.unknown_sites(&ds).is_empty());
        assert!(tour.problem().is_none());
    }
    let en = Tour::from_sites(&ds, &overdue[..1], &BuildOptions { year: view, zh: false, ..BuildOptions::default() });
    assert!(en.stops[0].note.starts_with("End of 2021: Overdue · Lead unit: "), "{}", en.stops[0].note);
}

#[test]
fn qgis_bookmark_files_import_with_groups_and_wgs84_extents_near_binzhou() {
    let export = import_qgis_bookmarks_file(&fixture("qgis_bookmarks_export.xml")).unwrap();
    let names: Vec<&str> = export.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["市政府 & 渤海国际广场", "博兴县城", "邹平市区"]);
    assert_eq!(groups(&export), ["主城区", "县区"]);
    assert_eq!(export[0].extent, Extent { west: 117.9612, south: 37.3702, east: 117.9878, north: 37.3891 });
    let boxing = export[1].extent;
    assert!(
        (boxing.west - 118.10).abs() < 1e-6 && (boxing.north - 37.18).abs() < 1e-6,
        "EPSG:3857 converted: {boxing:?}"
    );

    let profile = import_qgis_bookmarks_file(&fixture("qgis_bookmarks_profile.xml")).unwrap();
    assert_eq!(profile.len(), 3);
    assert_eq!(groups(&profile), ["主城区", "县区"]);
    let gk = profile[0].extent;
    assert!(
        (gk.centre().0 - 117.971).abs() < 0.01 && (gk.centre().1 - 37.381).abs() < 0.01,
        "EPSG:4527 converted: {gk:?}"
    );
    assert_eq!(profile[1].extent.west, 117.58, "CGCS2000 degrees are taken as WGS84");
    for b in export.iter().chain(&profile) {
        assert!(near_binzhou(&b.extent), "{b}: {:?}", b.extent);
        assert!(b.extent.west < b.extent.east && b.extent.south < b.extent.north, "{b}");
    }

    // Imported bookmarks are kept beside the data, and a group makes a tour.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binzhou.bookmarks.json");
    let all: Vec<_> = export.into_iter().chain(profile).collect();
    save_bookmarks(&path, &all).unwrap();
    assert_eq!(read_bookmarks(&path).unwrap(), all);
    let tour = Tour::from_bookmarks("县区巡查", &all, Some("县区"), YearView::EndOf(2022));
    let titles: Vec<&str> = tour.stops.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["博兴县城", "邹平市区", "无棣县城", "沾化城区"]);

    let missing = import_qgis_bookmarks_file(&fixture("no_such_bookmarks.xml")).unwrap_err();
    assert!(missing.to_string().contains("no_such_bookmarks.xml"), "{missing}");
}

fn write_tour(dir: &Path, stops: &str) -> PathBuf {
    let p = dir.join("bad.tour.json");
    std::fs::write(&p, format!(r#"{{"version": 1, "title": "坏导览", "stops": [{stops}]}}"#)).unwrap();
    p
}

#[test]
fn a_tour_file_with_a_bad_stop_says_which_stop_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"target": {"sites": ["UV-2021-01"]}, "year": 2021, "title": "后邓村"}"#;

    let p = write_tour(dir.path(), &format!(r#"{good}, {{"year": 2021, "title": "没有目标"}}"#));
    let e = Tour::read(&p).unwrap_err();
    assert!(matches!(&e, TourError::Stop { stop: 2, .. }), "{e:?}");
    let en = e.to_string();
    assert!(en.contains("bad.tour.json: stop 2 (“没有目标”): it has no target"), "{en}");
    assert!(e.zh().contains("bad.tour.json：第 2 站（“没有目标”）：没有目标"), "{}", e.zh());

    let p = write_tour(
        dir.path(),
        &format!(r#"{good}, {good}, {{"target": {{"sites": ["x"]}}, "year": 2019, "title": "旧"}}"#),
    );
    let e = Tour::read(&p).unwrap_err();
    assert!(e.to_string().contains("stop 3 (“旧”): unknown year 2019"), "{e}");
    assert!(e.zh().contains("第 3 站（“旧”）：未知年份 2019"), "{}", e.zh());

    let p = write_tour(dir.path(), r#"{"target": {"sites": []}, "year": "latest"}"#);
    assert!(Tour::read(&p).unwrap_err().to_string().contains("stop 1: it has no target"));
    let p = write_tour(
        dir.path(),
        r#"{"target": {"extent": {"west": 118.2, "south": 37, "east": 118, "north": 38}}, "title": "反"}"#,
    );
    assert!(
        Tour::read(&p)
            .unwrap_err()
            .to_string()
            .contains("stop 1 (“反”): its extent 118.2,37,118,38 is not a WGS84 box")
    );
    let p = write_tour(dir.path(), r#"{"target": {"sites": ["a"]}, "before_after": [2022, 2020], "title": "倒"}"#);
    assert!(Tour::read(&p).unwrap_err().to_string().contains("before/after years 2022 and 2020"));
    let p = write_tour(dir.path(), r#"{"target": {"sites": ["a"]}, "hold_s": "long"}"#);
    assert!(Tour::read(&p).unwrap_err().to_string().contains("stop 1: "), "a wrongly typed field names its stop");

    let newer = dir.path().join("newer.tour.json");
    std::fs::write(&newer, r#"{"version": 7, "title": "x", "stops": []}"#).unwrap();
    assert!(matches!(Tour::read(&newer), Err(TourError::Newer { version: 7, .. })));
    std::fs::write(&newer, "[1, 2").unwrap();
    assert!(Tour::read(&newer).unwrap_err().to_string().starts_with(&format!("{}: not a tour file", newer.display())));

    // A site id not in the data is a warning: the tour still loads.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let ds = load_paths(&[data], &LoadOptions::default());
    let p = write_tour(
        dir.path(),
        &format!(r#"{good}, {{"target": {{"sites": ["UV-2020-01", "UV-1999-99"]}}, "year": 2020, "title": "两村"}}"#),
    );
    let opened = Tour::open(&p, &ds).unwrap();
    assert_eq!(opened.tour.stops.len(), 2);
    assert_eq!(opened.warnings.len(), 1, "{:?}", opened.warnings);
    let w = &opened.warnings[0];
    assert_eq!((w.stop, w.id.as_str()), (2, "UV-1999-99"));
    assert!(w.to_string().ends_with("bad.tour.json: stop 2 (“两村”): no site with id UV-1999-99 in the data"), "{w}");
    assert!(w.zh().ends_with("bad.tour.json：第 2 站（“两村”）：数据中没有编号为 UV-1999-99 的地块"), "{}", w.zh());
    assert!(opened.tour.stops[1].bounds(&ds).is_some(), "the stop shows the site it finds");
}
