//! Shapefiles as other departments send them (GBK text without a `.cpg`,
//! Gauss–Krüger coordinates with an ESRI `.prj`) and as this crate writes
//! them. The .shp/.shx are made with the `shapefile` crate, the DBF by hand.

use std::path::{Path, PathBuf};

use binzhou_core::crs::Crs;
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::{Code, Dataset, Severity};
use binzhou_formats::{OpenedLayer, ReadOptions, shp};
use serde_json::Value;
use shapefile::{Point, Polygon, PolygonRing, ShapeWriter};

use crate::sample_sites::{assert_same_sites, feature_counts, ogrinfo_available, ogrinfo_summary, sites};

/// `CGCS2000_3_Degree_GK_CM_117E` (EPSG:4548) as ArcGIS writes it.
const PRJ_CM117: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

/// CGCS2000 6-degree zone 20 (EPSG:4498), as ArcGIS writes it.
const PRJ_6_ZONE_20: &str = r#"PROJCS["CGCS2000_GK_Zone_20",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",20500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

/// A DBF field: name, type, width, decimals.
type FieldDef = (&'static str, u8, u8, u8);

/// A dBase III table by hand: `ldid` in header byte 29, cells as bytes
/// (padded here: text left, numbers right).
fn dbf(ldid: u8, fields: &[FieldDef], rows: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let header_len = 32 + 32 * fields.len() + 1;
    let record_len = 1 + fields.iter().map(|f| usize::from(f.2)).sum::<usize>();
    let mut b = vec![0x03, 124, 6, 30];
    b.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    b.extend_from_slice(&(header_len as u16).to_le_bytes());
    b.extend_from_slice(&(record_len as u16).to_le_bytes());
    b.resize(32, 0);
    b[29] = ldid;
    for (name, kind, width, dec) in fields {
        let mut d = [0u8; 32];
        d[..name.len()].copy_from_slice(name.as_bytes());
        d[11] = *kind;
        d[16] = *width;
        d[17] = *dec;
        b.extend_from_slice(&d);
    }
    b.push(0x0D);
    for row in rows {
        b.push(b' ');
        for ((_, kind, width, _), cell) in fields.iter().zip(row) {
            let pad = usize::from(*width) - cell.len();
            if *kind == b'N' {
                b.extend(std::iter::repeat_n(b' ', pad));
                b.extend_from_slice(cell);
            } else {
                b.extend_from_slice(cell);
                b.extend(std::iter::repeat_n(b' ', pad));
            }
        }
    }
    b.push(0x1A);
    b
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

/// Points as a .shp + .shx with the `shapefile` crate.
fn write_points(path: &Path, points: &[(f64, f64)]) {
    let mut w = ShapeWriter::from_path(path).unwrap();
    for &(x, y) in points {
        w.write_shape(&Point::new(x, y)).unwrap();
    }
    w.finalize().unwrap();
}

/// The fields and GBK records of the Chinese sample table.
fn chinese_table(ldid: u8) -> Vec<u8> {
    let fields: [FieldDef; 6] = [
        ("ID", b'C', 12, 0),
        ("NAME", b'C', 40, 0),
        ("DISTRICT", b'C', 10, 0),
        ("AREA", b'N', 10, 2),
        ("DONE", b'L', 1, 0),
        ("DATE", b'D', 8, 0),
    ];
    let rows = vec![
        vec![
            b"PP-001".to_vec(),
            gbk("滨城区口袋公园"),
            gbk("滨城区"),
            b"1200.50".to_vec(),
            b"T".to_vec(),
            b"20210930".to_vec(),
        ],
        vec![b"PP-002".to_vec(), gbk("黄河五路节点绿地"), gbk("沾化区"), b"".to_vec(), b"F".to_vec(), b"".to_vec()],
    ];
    dbf(ldid, &fields, &rows)
}

fn read_one(path: &Path) -> OpenedLayer {
    let opened = shp::read(path, &ReadOptions::default()).unwrap();
    assert_eq!(opened.layers.len(), 1);
    opened.layers.into_iter().next().unwrap()
}

fn geojson(layer: &OpenedLayer) -> Value {
    serde_json::from_slice(&layer.geojson).unwrap()
}

fn encoding_note(layer: &OpenedLayer) -> String {
    layer.detected.iter().find(|d| d.what == "encoding").map(|d| d.text.en.clone()).unwrap_or_default()
}

fn load(layer: &OpenedLayer) -> Dataset {
    load_bytes(&format!("{}.shp", layer.name), &layer.geojson, &LoadOptions { from: layer.crs, threads: 1 })
}

#[test]
fn a_gbk_shapefile_without_cpg_reads_correct_chinese_and_reports_gbk_by_language_driver() {
    let dir = tempfile::tempdir().unwrap();
    let shp_path = dir.path().join("口袋公园.shp");
    write_points(&shp_path, &[(117.98, 37.38), (118.02, 37.41)]);
    std::fs::write(dir.path().join("口袋公园.dbf"), chinese_table(0x4D)).unwrap();
    let layer = read_one(&shp_path);
    assert_eq!(layer.name, "口袋公园");
    let v = geojson(&layer);
    let p = &v["features"][0]["properties"];
    assert_eq!(p["NAME"], "滨城区口袋公园");
    assert_eq!(p["DISTRICT"], "滨城区");
    assert_eq!(p["AREA"], 1200.5);
    assert_eq!(p["DONE"], true);
    assert_eq!(p["DATE"], "2021-09-30");
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ID", "NAME", "DISTRICT", "AREA", "DONE", "DATE"], "DBF field order");
    let q = &v["features"][1]["properties"];
    assert_eq!(q["NAME"], "黄河五路节点绿地");
    assert_eq!((&q["AREA"], &q["DONE"], &q["DATE"]), (&Value::Null, &Value::Bool(false), &Value::Null));
    let note = encoding_note(&layer);
    assert!(note.starts_with("GBK") && note.contains("language driver 0x4D"), "{note}");
    let zh = &layer.detected.iter().find(|d| d.what == "encoding").unwrap().text.zh;
    assert!(zh.contains("语言驱动"), "{zh}");
    assert!(layer.problems.is_empty(), "{:#?}", layer.problems);
    // No .prj: the core decides, and is told so.
    assert_eq!(layer.crs, None);
    assert!(layer.detected.iter().any(|d| d.what == "crs" && d.text.en.contains("magnitude")));
    let ds = load(&layer);
    assert_eq!(ds.sites.len(), 2, "{:#?}", ds.problems);
}

#[test]
fn the_same_gbk_table_without_a_language_driver_is_detected_as_gb18030() {
    let dir = tempfile::tempdir().unwrap();
    let shp_path = dir.path().join("parks.shp");
    write_points(&shp_path, &[(117.98, 37.38), (118.02, 37.41)]);
    std::fs::write(dir.path().join("parks.dbf"), chinese_table(0x00)).unwrap();
    let layer = read_one(&shp_path);
    assert_eq!(geojson(&layer)["features"][0]["properties"]["NAME"], "滨城区口袋公园");
    let note = encoding_note(&layer);
    assert!(note.starts_with("GB18030") && note.contains("not valid UTF-8"), "{note}");
}

#[test]
fn a_cpg_decides_over_the_language_driver_and_upper_case_sidecars_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let shp_path = dir.path().join("PARKS.shp");
    write_points(&shp_path, &[(117.98, 37.38)]);
    let fields: [FieldDef; 1] = [("NAME", b'C', 30, 0)];
    let table = dbf(0x4D, &fields, &[vec!["滨城区口袋公园".as_bytes().to_vec()]]);
    std::fs::write(dir.path().join("PARKS.DBF"), table).unwrap();
    std::fs::write(dir.path().join("PARKS.CPG"), "UTF-8\r\n").unwrap();
    std::fs::write(dir.path().join("PARKS.PRJ"), PRJ_CM117).unwrap();
    std::fs::rename(dir.path().join("PARKS.shx"), dir.path().join("PARKS.SHX")).unwrap();
    let layer = read_one(&shp_path);
    assert_eq!(geojson(&layer)["features"][0]["properties"]["NAME"], "滨城区口袋公园");
    assert!(encoding_note(&layer).contains(".cpg"), "{}", encoding_note(&layer));
    assert_eq!(layer.crs, Some(Crs::Cgcs2000GkCm117));
    assert!(!layer.detected.iter().any(|d| d.what == "index"), "the .SHX was found");
}

#[test]
fn a_gauss_kruger_shapefile_with_an_esri_prj_loads_at_binzhou() {
    let dir = tempfile::tempdir().unwrap();
    let shp_path = dir.path().join("gk.shp");
    // Polygons around x ≈ 550 000, y ≈ 4 140 000 (CM 117°E): near the city centre.
    let mut w = ShapeWriter::from_path(&shp_path).unwrap();
    for (x, y) in [(548_000.0, 4_140_000.0), (556_000.0, 4_150_000.0)] {
        let ring = vec![
            Point::new(x, y),
            Point::new(x, y + 500.0),
            Point::new(x + 500.0, y + 500.0),
            Point::new(x + 500.0, y),
            Point::new(x, y),
        ];
        w.write_shape(&Polygon::new(PolygonRing::Outer(ring))).unwrap();
    }
    w.finalize().unwrap();
    let fields: [FieldDef; 2] = [("id", b'C', 10, 0), ("name", b'C', 30, 0)];
    let rows = vec![vec![b"UV-1".to_vec(), gbk("北街城中村")], vec![b"UV-2".to_vec(), gbk("南街城中村")]];
    std::fs::write(dir.path().join("gk.dbf"), dbf(0x4D, &fields, &rows)).unwrap();
    std::fs::write(dir.path().join("gk.prj"), PRJ_CM117).unwrap();
    let layer = read_one(&shp_path);
    assert_eq!(layer.crs, Some(Crs::Cgcs2000GkCm117));
    let crs_note = layer.detected.iter().find(|d| d.what == "crs").unwrap();
    assert!(crs_note.text.en.contains("EPSG:4548"), "{}", crs_note.text.en);
    let ds = load(&layer);
    assert_eq!(ds.sites.len(), 2, "{:#?}", ds.problems);
    for s in &ds.sites {
        let (min, max) = (s.bbox.min(), s.bbox.max());
        assert!(min.x > 117.5 && max.x < 118.6 && min.y > 36.8 && max.y < 38.3, "{}: {:?}", s.id(), s.bbox);
    }
    assert_eq!(ds.sites[0].name(), "北街城中村");
}

#[test]
fn a_six_degree_gauss_kruger_prj_is_reprojected_by_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let shp_path = dir.path().join("zone20.shp");
    // (118.0°E, 37.38°N) in EPSG:4498, as PROJ computes it.
    write_points(&shp_path, &[(20_588_567.9504085, 4_139_153.08800402)]);
    std::fs::write(dir.path().join("zone20.dbf"), dbf(0, &[("id", b'C', 8, 0)], &[vec![b"P-1".to_vec()]])).unwrap();
    std::fs::write(dir.path().join("zone20.prj"), PRJ_6_ZONE_20).unwrap();
    let layer = read_one(&shp_path);
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    let note = &layer.detected.iter().find(|d| d.what == "crs").unwrap().text;
    assert!(note.en.contains("zone 20") && note.en.contains("converted to WGS84"), "{}", note.en);
    assert!(note.zh.contains("转换为 WGS84"), "{}", note.zh);
    let ds = load(&layer);
    assert_eq!(ds.sites.len(), 1, "{:#?}", ds.problems);
    let c = ds.sites[0].bbox.min();
    assert!((c.x - 118.0).abs() < 1e-8 && (c.y - 37.38).abs() < 1e-8, "{c:?}");
}

#[test]
fn a_record_that_cannot_be_decoded_is_a_problem_naming_feature_and_field_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let shp_path = dir.path().join("bad.shp");
    write_points(&shp_path, &[(117.98, 37.38), (118.0, 37.39), (118.02, 37.40)]);
    let fields: [FieldDef; 3] = [("id", b'C', 8, 0), ("name", b'C', 20, 0), ("year", b'N', 4, 0)];
    let rows = vec![
        vec![b"A".to_vec(), "甲".as_bytes().to_vec(), b"2020".to_vec()],
        vec![b"B".to_vec(), vec![0xB1, 0xF5, 0xFF], b"20x1".to_vec()],
        vec![b"C".to_vec(), "丙".as_bytes().to_vec(), b"2022".to_vec()],
    ];
    std::fs::write(dir.path().join("bad.dbf"), dbf(0, &fields, &rows)).unwrap();
    std::fs::write(dir.path().join("bad.cpg"), "UTF-8").unwrap();
    // The last record of the .shp is cut short.
    let mut bytes = std::fs::read(&shp_path).unwrap();
    bytes.truncate(bytes.len() - 8);
    std::fs::write(&shp_path, bytes).unwrap();
    let layer = read_one(&shp_path);
    let at = |field: &str| layer.problems.iter().find(|p| p.field.as_deref() == Some(field)).unwrap();
    let name = at("name");
    assert_eq!((name.feature, name.severity), (Some(1), Severity::Warning));
    assert!(name.file.ends_with("bad.shp"));
    assert!(name.message().contains("record 2") && name.message().contains("not valid UTF-8"), "{}", name.message());
    assert_eq!(at("year").feature, Some(1));
    let geometry = at("geometry");
    assert_eq!((geometry.feature, geometry.severity), (Some(2), Severity::Error));
    assert!(matches!(geometry.code, Code::FeatureUnreadable { .. }));
    assert!(geometry.message_zh().contains("第 3 条记录"), "{}", geometry.message_zh());
    let v = geojson(&layer);
    assert_eq!(v["features"][0]["properties"]["name"], "甲");
    assert_eq!(v["features"][2]["properties"]["name"], "丙");
    assert_eq!(v["features"][2]["geometry"], Value::Null);
    let ds = load(&layer);
    // The record whose shape cannot be read keeps its attributes, unlocated.
    assert_eq!(ds.sites.len(), 3, "the two sound records load, the third without a place: {:#?}", ds.problems);
    assert_eq!(ds.sites.iter().filter(|s| !s.is_located()).count(), 1);
}

/// Reads every Shapefile written back into one dataset.
fn read_back(files: &[PathBuf]) -> Dataset {
    let mut ds = Dataset::default();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "shp")) {
        let layer = read_one(f);
        assert_eq!(layer.crs, Some(Crs::Wgs84), "{:?}", layer.detected);
        assert!(encoding_note(&layer).starts_with("UTF-8"), "{}", encoding_note(&layer));
        assert!(layer.problems.is_empty(), "{:#?}", layer.problems);
        let part = load(&layer);
        binzhou_core::load::merge_into(&mut ds, part);
    }
    ds
}

#[test]
fn sites_written_as_shapefiles_read_back_the_same_split_by_geometry_type() {
    let ds = sites();
    let dir = tempfile::tempdir().unwrap();
    let refs: Vec<_> = ds.sites.iter().collect();
    let report = shp::write(&dir.path().join("sites.shp"), &refs).unwrap();
    for stem in ["sites_point", "sites_line", "sites_polygon"] {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            assert!(
                report.files.contains(&dir.path().join(format!("{stem}.{ext}"))),
                "{stem}.{ext}: {:?}",
                report.files
            );
        }
    }
    assert!(report.notes.iter().any(|n| n.en.contains("split") && n.zh.contains("分别写入")), "{:?}", report.notes);
    assert_eq!(std::fs::read_to_string(dir.path().join("sites_point.cpg")).unwrap(), "UTF-8");
    let back = read_back(&report.files);
    assert!(back.problems.iter().all(|p| p.severity != Severity::Error), "{:#?}", back.problems);
    assert_same_sites(&ds.sites, &back.sites);
    if ogrinfo_available() {
        let summary = ogrinfo_summary(&dir.path().join("sites_polygon.shp"));
        assert_eq!(feature_counts(&summary), [2], "{summary}");
        assert!(summary.contains("Polygon"), "{summary}");
    }
}

#[test]
fn a_polygon_with_a_hole_round_trips_through_a_shapefile() {
    let ds = sites();
    let holed: Vec<_> = ds.sites.iter().filter(|s| s.id() == "OL-2020-002").collect();
    let dir = tempfile::tempdir().unwrap();
    let report = shp::write(&dir.path().join("holed.shp"), &holed).unwrap();
    assert!(report.files.contains(&dir.path().join("holed.shp")), "one type: no split");
    let back = read_back(&report.files);
    assert_same_sites(&ds.sites[2..3], &back.sites);
    let geo::Geometry::Polygon(p) = &back.sites[0].geometry else { panic!("{:?}", back.sites[0].geometry) };
    assert_eq!(p.interiors().len(), 1);
}

#[test]
fn long_field_names_are_shortened_to_ten_bytes_and_the_mapping_is_reported() {
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"PP-1","name":"口袋公园",
        "layer":"pocket_park","investment_wan_yuan":30.5,"investment_wan_yuan_2022":12,"建设单位名称":"滨州市城投"},
        "geometry":{"type":"Point","coordinates":[118.0,37.4]}}]}"#;
    let ds = load_bytes("long.geojson", text.as_bytes(), &LoadOptions { from: None, threads: 1 });
    let dir = tempfile::tempdir().unwrap();
    let refs: Vec<_> = ds.sites.iter().collect();
    let report = shp::write(&dir.path().join("long.shp"), &refs).unwrap();
    let notes: Vec<&str> = report.notes.iter().map(|n| n.en.as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("\"investment_wan_yuan\" is written as \"investment\"")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("\"investment_wan_yuan_2022\" is written as \"investme_1\"")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("\"建设单位名称\" is written as \"建设单\"")), "{notes:?}");
    assert!(report.notes.iter().all(|n| n.zh.contains("10 字节")));
    let layer = read_one(&dir.path().join("long.shp"));
    let p = &geojson(&layer)["features"][0]["properties"];
    assert_eq!(
        (&p["investment"], &p["investme_1"], &p["建设单"]),
        (&Value::from(30.5), &Value::from(12), &Value::from("滨州市城投"))
    );
}
