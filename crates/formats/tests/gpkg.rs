//! GeoPackages: sites written and read back, checked by GDAL; files made by
//! GDAL and by hand (big-endian blobs, envelopes, other systems) read.

use std::path::Path;
use std::process::Command;

use binzhou_core::crs::Crs;
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::{Dataset, Severity};
use binzhou_formats::{FormatError, OpenedLayer, ReadOptions, gpkg};
use serde_json::Value;

use crate::sample_sites::{assert_same_sites, feature_counts, ogrinfo_available, ogrinfo_summary, sites};

fn load(layer: &OpenedLayer) -> Dataset {
    load_bytes(&format!("{}.gpkg", layer.name), &layer.geojson, &LoadOptions { from: layer.crs, threads: 1 })
}

fn read_layers(path: &Path, layer: Option<&str>) -> Vec<OpenedLayer> {
    let opts = ReadOptions { layer: layer.map(str::to_owned), ..ReadOptions::default() };
    gpkg::read(path, &opts).unwrap().layers
}

#[test]
fn sites_written_as_a_geopackage_read_back_the_same() {
    let ds = sites();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("滨州项目.gpkg");
    let refs: Vec<_> = ds.sites.iter().collect();
    let report = gpkg::write(&path, &refs).unwrap();
    assert_eq!(report.files, std::slice::from_ref(&path));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary or journal file left: {names:?}");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[68..72], b"GPKG", "application_id");
    assert_eq!(u32::from_be_bytes(bytes[60..64].try_into().unwrap()), 10300, "user_version");
    let layers = read_layers(&path, None);
    assert_eq!(layers.len(), 1);
    let layer = &layers[0];
    assert_eq!(layer.name, "滨州项目");
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    assert!(layer.problems.is_empty(), "{:#?}", layer.problems);
    let back = load(layer);
    assert!(back.problems.iter().all(|p| p.severity != Severity::Error), "{:#?}", back.problems);
    assert_same_sites(&ds.sites, &back.sites);
    // Written again over the old file: replaced whole.
    gpkg::write(&path, &refs[..1]).unwrap();
    assert_eq!(load(&read_layers(&path, None)[0]).sites.len(), 1);
}

#[test]
fn the_geopackage_written_is_read_by_gdal_with_the_right_feature_count_and_no_errors() {
    if !ogrinfo_available() {
        return;
    }
    let ds = sites();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sites.gpkg");
    let refs: Vec<_> = ds.sites.iter().collect();
    gpkg::write(&path, &refs).unwrap();
    let summary = ogrinfo_summary(&path);
    assert_eq!(feature_counts(&summary), [4], "{summary}");
    assert!(summary.contains("Layer name: sites"), "{summary}");
    assert!(summary.contains("WGS 84") || summary.contains("4326"), "{summary}");
    assert!(summary.contains("name: String"), "{summary}");
    // GDAL's own conformance checker, where python3-gdal is installed.
    let validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
    if Path::new(validator).exists() {
        let out = Command::new("/usr/bin/python3").arg(validator).arg(&path).output().unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && said.trim().is_empty(), "validate_gpkg.py: {said}");
    }
    // The points alone make a POINT layer.
    let points: Vec<_> = ds.sites.iter().filter(|s| matches!(s.geometry, geo::Geometry::Point(_))).collect();
    gpkg::write(&path, &points).unwrap();
    let summary = ogrinfo_summary(&path);
    assert!(summary.contains("Geometry: Point"), "{summary}");
    assert_eq!(feature_counts(&summary), [1]);
}

#[test]
fn a_polygon_with_a_hole_round_trips_through_a_geopackage() {
    let ds = sites();
    let holed: Vec<_> = ds.sites.iter().filter(|s| s.id() == "OL-2020-002").collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("holed.gpkg");
    gpkg::write(&path, &holed).unwrap();
    let back = load(&read_layers(&path, None)[0]);
    assert_same_sites(&ds.sites[2..3], &back.sites);
    let geo::Geometry::Polygon(p) = &back.sites[0].geometry else { panic!("{:?}", back.sites[0].geometry) };
    assert_eq!(p.interiors().len(), 1);
}

/// A GeoPackage by hand: one table `t` with a geometry column `shape` in
/// `srs_id`, rows of (blob, name, done).
fn handmade(path: &Path, srs: (i64, &str, i64, &str), rows: &[(Option<Vec<u8>>, &str, i64)]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
           organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
           description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
         CREATE TABLE t (id INTEGER PRIMARY KEY, shape BLOB, 名称 TEXT, done BOOLEAN);
         CREATE TABLE attributes_only (a TEXT);
         INSERT INTO gpkg_contents (table_name, data_type) VALUES ('attributes_only', 'attributes');",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('s', ?1, ?2, ?3, ?4, '')",
        rusqlite::params![srs.0, srs.1, srs.2, srs.3],
    )
    .unwrap();
    conn.execute("INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('t', 'features', ?1)", [srs.0])
        .unwrap();
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES ('t', 'shape', 'GEOMETRY', ?1, 1, 0)", [srs.0]).unwrap();
    for (blob, name, done) in rows {
        conn.execute("INSERT INTO t (shape, 名称, done) VALUES (?1, ?2, ?3)", rusqlite::params![blob, name, done])
            .unwrap();
    }
}

/// A big-endian point Z blob with an xyz envelope, as some writers make them.
fn big_endian_point_z(srs_id: i32, x: f64, y: f64) -> Vec<u8> {
    let mut b = b"GP".to_vec();
    b.push(0);
    b.push(0b0000_0100); // big-endian, xyz envelope
    b.extend_from_slice(&srs_id.to_be_bytes());
    for v in [x, x, y, y, 12.0, 12.0] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.push(0);
    b.extend_from_slice(&1001u32.to_be_bytes()); // Point Z
    for v in [x, y, 12.0] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b
}

#[test]
fn a_handmade_geopackage_in_a_six_degree_zone_is_reprojected_and_a_broken_blob_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zone20.gpkg");
    // (118.0°E, 37.38°N) in EPSG:4498, as PROJ computes it.
    let (x, y) = (20_588_567.9504085, 4_139_153.08800402);
    handmade(
        &path,
        (4498, "EPSG", 4498, "undefined"),
        &[
            (Some(big_endian_point_z(4498, x, y)), "滨城区口袋公园", 1),
            (Some(b"GP\0\x01broken".to_vec()), "坏的", 0),
            (None, "没有位置", 0),
        ],
    );
    let layers = read_layers(&path, None);
    assert_eq!(layers.len(), 1, "attribute tables are not layers");
    let layer = &layers[0];
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    let crs = layer.detected.iter().find(|d| d.what == "crs").unwrap();
    assert!(crs.text.en.contains("EPSG:4498") && crs.text.en.contains("converted"), "{}", crs.text.en);
    let v: Value = serde_json::from_slice(&layer.geojson).unwrap();
    let p = &v["features"][0]["properties"];
    assert_eq!((&p["名称"], &p["done"]), (&Value::from("滨城区口袋公园"), &Value::Bool(true)));
    assert!(p.get("id").is_none() && p.get("shape").is_none(), "fid and geometry are not properties: {p}");
    let c = &v["features"][0]["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 118.0).abs() < 1e-8 && (c[1].as_f64().unwrap() - 37.38).abs() < 1e-8, "{c}");
    let bad = layer.problems.iter().find(|p| p.feature == Some(1)).unwrap();
    assert_eq!((bad.severity, bad.field.as_deref()), (Severity::Error, Some("shape")));
    assert!(bad.file.ends_with("zone20.gpkg/t"), "{}", bad.file);
    assert_eq!(v["features"].as_array().unwrap().len(), 3);
    // Rows whose geometry is NULL or unreadable keep their attributes, unlocated.
    let ds = load(layer);
    assert_eq!(ds.sites.iter().filter(|s| s.is_located()).count(), 1, "{:#?}", ds.problems);
}

#[test]
fn an_srs_known_only_by_its_wkt_is_read_through_the_prj_parser() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wkt.gpkg");
    let wkt = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    handmade(
        &path,
        (100_001, "ESRI", 100_001, wkt),
        &[(Some(big_endian_point_z(100_001, 39_585_998.0, 4_139_237.0)), "a", 0)],
    );
    let layer = &read_layers(&path, Some("T"))[0];
    assert_eq!(layer.crs, Some(Crs::Cgcs2000GkZone39));
    let ds = load(layer);
    let c = ds.sites[0].bbox.min();
    assert!((c.x - 117.971).abs() < 0.001 && (c.y - 37.381).abs() < 0.001, "{c:?}");
    let err = gpkg::read(&path, &ReadOptions { layer: Some("nope".into()), ..ReadOptions::default() }).unwrap_err();
    assert!(
        matches!(&err, FormatError::Unreadable { detail, .. } if detail.contains("nope") && detail.contains("t")),
        "{err}"
    );
}

#[test]
fn a_geopackage_made_by_gdal_in_gauss_kruger_metres_loads_at_binzhou() {
    let ogr2ogr = Command::new("ogr2ogr").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ogr2ogr {
        assert!(std::env::var_os("CI").is_none(), "ogr2ogr (gdal-bin) is needed on CI");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.geojson");
    std::fs::write(
        &src,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"UV-1","name":"北街城中村","plan_year":2021},
         "geometry":{"type":"Polygon","coordinates":[[[548000,4140000],[548500,4140000],[548500,4140500],[548000,4140500],[548000,4140000]],
           [[548100,4140100],[548100,4140200],[548200,4140200],[548200,4140100],[548100,4140100]]]}},
        {"type":"Feature","properties":{"id":"GW-1","name":"秦台河绿道","plan_year":2022},
         "geometry":{"type":"LineString","coordinates":[[550000,4141000],[551000,4142000]]}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("gdal.gpkg");
    let status = Command::new("ogr2ogr")
        .args(["-f", "GPKG", "-a_srs", "EPSG:4548", "-nln", "规划项目"])
        .arg(&out)
        .arg(&src)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let layers = read_layers(&out, None);
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0].name, "规划项目");
    assert_eq!(layers[0].crs, Some(Crs::Cgcs2000GkCm117));
    let ds = load(&layers[0]);
    assert_eq!(ds.sites.len(), 2, "{:#?}", ds.problems);
    for s in &ds.sites {
        let (min, max) = (s.bbox.min(), s.bbox.max());
        assert!(min.x > 117.5 && max.x < 118.6 && min.y > 36.8 && max.y < 38.3, "{}: {:?}", s.id(), s.bbox);
    }
    let uv = ds.sites.iter().find(|s| s.id() == "UV-1").unwrap();
    assert_eq!(uv.name(), "北街城中村");
    let geo::Geometry::Polygon(p) = &uv.geometry else { panic!("{:?}", uv.geometry) };
    assert_eq!(p.interiors().len(), 1);
}

#[test]
fn a_file_that_is_not_a_geopackage_is_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not.gpkg");
    std::fs::write(&path, "这不是 GeoPackage").unwrap();
    let err = gpkg::read(&path, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, FormatError::Unreadable { .. }), "{err}");
    let missing = gpkg::read(&dir.path().join("missing.gpkg"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(missing, FormatError::Io { .. }), "{missing}");
}

#[test]
fn a_site_without_a_location_is_a_row_with_a_null_geometry_and_reads_back_unlocated() {
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":null,"properties":{"id":"UL-1","layer":"pocket_park","name":"尚未选址","plan_year":2022}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[117.97,37.38]},
       "properties":{"id":"UL-2","layer":"pocket_park","name":"已选址","plan_year":2022}}]}"#;
    let ds = load_bytes("u.geojson", text.as_bytes(), &LoadOptions::default());
    assert_eq!(ds.sites.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.gpkg");
    gpkg::write(&path, &ds.sites.iter().collect::<Vec<_>>()).unwrap();
    let back = load(&read_layers(&path, None)[0]);
    assert_eq!(back.sites.len(), 2, "{:#?}", back.problems);
    assert!(!back.sites[0].is_located() && back.sites[1].is_located());
}
