//! KML and KMZ: sites out to phone apps and back, and files as Google Earth,
//! 奥维 and 两步路 write them. The data is illustrative.

use std::io::Write;

use binzhou_core::crs::Crs;
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::{Code, Dataset, LayerKey, PlanDate, PlanLayer};
use binzhou_formats::{ReadOptions, kml};
use geo::{Coord, CoordsIter};

const SITES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"PP-2021-001","name":"黄河五路口袋公园 <北段> & “南段”","layer":"pocket_park","kind":"pocket_park",
 "district":"滨城区","lead_unit":"市住房城乡建设局","plan_year":2021,"started":"2021-03","completed":"2021-10-15",
 "investment_wan_yuan":30.5,"remark":"示意数据，非官方"},
 "geometry":{"type":"Point","coordinates":[117.98712345678,37.38012345678]}},
{"type":"Feature","properties":{"id":"GW-2022-003","name":"秦台河绿道","layer":"greenway","kind":"greenway","district":"滨城区",
 "plan_year":2022,"started":"2022-04"},
 "geometry":{"type":"MultiLineString","coordinates":[[[117.95,37.40],[117.96123456789,37.40567891234],[117.97,37.41]],
   [[117.98,37.41],[117.99,37.412]]]}},
{"type":"Feature","properties":{"id":"UV-2020-002","name":"北街城中村","layer":"urban_village","district":"滨城区","plan_year":2020},
 "geometry":{"type":"Polygon","coordinates":[[[118.00,37.37],[118.01,37.37],[118.01,37.38],[118.00,37.38],[118.00,37.37]],
   [[118.003,37.373],[118.004,37.373],[118.004,37.374],[118.003,37.373]]]}}
]}"#;

fn sites() -> Dataset {
    let ds = load_bytes("sites.geojson", SITES.as_bytes(), &LoadOptions { from: None, threads: 1 });
    assert_eq!(ds.sites.len(), 3, "{:#?}", ds.problems);
    ds
}

fn read_back(path: &std::path::Path, opts: &ReadOptions) -> (binzhou_formats::OpenedLayer, Dataset) {
    let opened = kml::read(path, opts).unwrap();
    assert_eq!(opened.layers.len(), 1);
    let layer = opened.layers.into_iter().next().unwrap();
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    let ds = load_bytes(&layer.name, &layer.geojson, &LoadOptions { from: layer.crs, threads: 1 });
    (layer, ds)
}

/// Every position within a millimetre (1e-8° is about 1 mm).
fn same_positions(a: &geo::Geometry<f64>, b: &geo::Geometry<f64>) {
    let (pa, pb): (Vec<Coord<f64>>, Vec<Coord<f64>>) = (a.coords_iter().collect(), b.coords_iter().collect());
    assert_eq!(pa.len(), pb.len(), "{a:?} vs {b:?}");
    for (p, q) in pa.iter().zip(&pb) {
        assert!((p.x - q.x).abs() < 1e-8 && (p.y - q.y).abs() < 1e-8, "{p:?} vs {q:?}");
    }
}

#[test]
fn sites_written_to_kml_read_back_with_their_names_chinese_text_extended_data_and_geometry() {
    let ds = sites();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("项目.kml");
    let refs: Vec<&_> = ds.sites.iter().collect();
    let report = kml::write(&path, &refs).unwrap();
    assert_eq!(report.files, std::slice::from_ref(&path));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(text.contains("xmlns=\"http://www.opengis.net/kml/2.2\""));
    assert!(text.contains("&lt;北段&gt; &amp; “南段”"), "text is escaped");
    assert!(text.contains("<styleUrl>#status-done</styleUrl>"));
    assert!(text.contains("<name>口袋公园/节点绿地</name>"), "a folder per layer");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");

    let (layer, back) = read_back(&path, &ReadOptions::default());
    assert_eq!(layer.name, "项目");
    assert!(layer.problems.is_empty(), "{:#?}", layer.problems);
    assert_eq!(back.error_count(), 0, "{:#?}", back.problems);
    assert_eq!(back.sites.len(), 3);
    for s in &ds.sites {
        let b = &back.sites[back.find_by_id(s.id()).unwrap_or_else(|| panic!("{} lost", s.id()))];
        assert_eq!(b.name(), s.name());
        assert_eq!(b.layer(), s.layer());
        assert_eq!(b.district(), s.district());
        assert_eq!(b.plan_year, s.plan_year);
        assert_eq!(b.started, s.started);
        assert_eq!(b.completed, s.completed);
        same_positions(&s.geometry, &b.geometry);
    }
    let park = &back.sites[back.find_by_id("PP-2021-001").unwrap()];
    assert_eq!(park.layer(), &LayerKey::Plan(PlanLayer::PocketPark));
    assert_eq!(park.completed, Some(PlanDate::ymd(2021, 10, 15)));
    assert_eq!(park.lead_unit(), Some("市住房城乡建设局"));
    assert_eq!(park.extra("investment_wan_yuan"), Some(serde_json::json!(30.5)));
    assert_eq!(park.extra("remark"), Some(serde_json::json!("示意数据，非官方")));
    assert_eq!(park.extra("folder"), Some(serde_json::json!("口袋公园/节点绿地")));
    let village = &back.sites[back.find_by_id("UV-2020-002").unwrap()];
    match &village.geometry {
        geo::Geometry::Polygon(p) => assert_eq!(p.interiors().len(), 1, "the hole is kept"),
        g => panic!("{g:?}"),
    }
    assert!(matches!(back.sites[back.find_by_id("GW-2022-003").unwrap()].geometry, geo::Geometry::MultiLineString(_)));
}

#[test]
fn a_kmz_path_is_written_zipped_and_reads_back() {
    let ds = sites();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("外业.kmz");
    let refs: Vec<&_> = ds.sites.iter().collect();
    kml::write(&path, &refs).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK"));
    let (_, back) = read_back(&path, &ReadOptions::default());
    assert_eq!(back.sites.len(), 3);
}

/// A KMZ as a phone app sends it: nested folders, SchemaData, a MultiGeometry,
/// the KML not called doc.kml, and a photo beside it.
fn field_kmz(path: &std::path::Path) {
    let kml = r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>现场核查</name>
 <Schema name="site" id="site"><SimpleField name="编号" type="string"/></Schema>
 <Folder><name>滨城区</name>
  <Folder><name>口袋公园</name>
   <Placemark><name>渤海十八路口袋公园</name>
    <description><![CDATA[<p>现场照片见 <b>附件</b></p>]]></description>
    <ExtendedData><SchemaData schemaUrl="#site"><SimpleData name="编号">BZ-07</SimpleData>
      <SimpleData name="面积">1200</SimpleData></SchemaData></ExtendedData>
    <Point><coordinates>117.9871,37.3802,0</coordinates></Point>
   </Placemark>
   <Placemark><name>坏坐标</name><Point><coordinates>东经118,37.4</coordinates></Point></Placemark>
  </Folder>
  <Folder><name>绿道</name>
   <Placemark><name>新立河绿道</name>
    <ExtendedData><Data name="id"><value>GW-09</value></Data><Data name="layer"><value>greenway</value></Data>
     <Data name="plan_year"><value>2022</value></Data></ExtendedData>
    <MultiGeometry>
     <LineString><coordinates>117.95,37.40 117.96,37.405</coordinates></LineString>
     <LineString><coordinates>
       117.96,37.405,0
       117.97,37.41,0
     </coordinates></LineString>
    </MultiGeometry>
   </Placemark>
   <Placemark><name>两步路轨迹</name>
    <gx:Track><when>2022-05-01T08:00:00Z</when><when>2022-05-01T08:01:00Z</when>
     <gx:coord>117.95 37.40 10</gx:coord><gx:coord>117.951 37.401 11</gx:coord></gx:Track>
   </Placemark>
  </Folder>
 </Folder>
</Document></kml>"##;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("images/photo.jpg", opts).unwrap();
    zip.write_all(b"\xFF\xD8\xFF not really a photo").unwrap();
    zip.start_file("现场核查.kml", opts).unwrap();
    zip.write_all(kml.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn a_kmz_from_the_field_reads_folders_schema_data_multigeometry_and_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("现场核查.kmz");
    field_kmz(&path);
    let (layer, ds) = read_back(&path, &ReadOptions::default());
    assert_eq!(layer.name, "现场核查");
    assert_eq!(ds.sites.len(), 3, "{:#?}", ds.problems);
    let park = ds.sites.iter().find(|s| s.name() == "渤海十八路口袋公园").unwrap();
    assert_eq!(park.extra("folder"), Some(serde_json::json!("口袋公园")), "the innermost folder");
    assert_eq!(park.extra("编号"), Some(serde_json::json!("BZ-07")));
    assert_eq!(park.extra("面积"), Some(serde_json::json!(1200)));
    assert_eq!(park.extra("description"), Some(serde_json::json!("<p>现场照片见 <b>附件</b></p>")));
    assert_eq!(park.geometry, geo::Geometry::Point(geo::Point::new(117.9871, 37.3802)));
    let gw = &ds.sites[ds.find_by_id("GW-09").unwrap()];
    assert_eq!(gw.layer(), &LayerKey::Plan(PlanLayer::Greenway));
    assert_eq!(gw.plan_year, Some(2022));
    match &gw.geometry {
        geo::Geometry::MultiLineString(m) => assert_eq!(m.0.len(), 2),
        g => panic!("{g:?}"),
    }
    let track = ds.sites.iter().find(|s| s.name() == "两步路轨迹").unwrap();
    assert!(matches!(track.geometry, geo::Geometry::LineString(ref l) if l.0.len() == 2));

    // The placemark with unreadable coordinates is named; the rest loaded.
    assert_eq!(layer.problems.len(), 1);
    let p = &layer.problems[0];
    assert_eq!(p.file, path.display().to_string());
    assert!(matches!(p.code, Code::FeatureUnreadable { .. }));
    assert!(p.message().contains("坏坐标") && p.message().contains("东经118"), "{}", p.message());
    assert!(p.message_zh().contains("第 2 个地标"), "{}", p.message_zh());

    let only = read_back(&path, &ReadOptions { layer: Some("绿道".into()), ..Default::default() });
    assert_eq!(only.0.name, "绿道");
    assert_eq!(only.1.sites.len(), 2);
    let err = kml::read(&path, &ReadOptions { layer: Some("道路".into()), ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("口袋公园"), "the folders are listed: {err}");
}

#[test]
fn a_file_that_is_not_kml_is_refused_and_a_broken_one_keeps_its_first_placemarks() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.kml");
    std::fs::write(&junk, "这不是 KML").unwrap();
    assert!(kml::read(&junk, &ReadOptions::default()).is_err());

    let cut = dir.path().join("cut.kml");
    std::fs::write(
        &cut,
        "<kml><Document><Placemark><name>一</name><Point><coordinates>118,37.4</coordinates></Point></Placemark>\
         <Placemark><name>二</name><Point><coordinates>118.01,37.4",
    )
    .unwrap();
    let (layer, ds) = read_back(&cut, &ReadOptions::default());
    assert!(ds.sites.iter().any(|s| s.name() == "一"));
    assert!(layer.problems.iter().any(|p| matches!(p.code, Code::ReadError { .. })), "{:#?}", layer.problems);
}
