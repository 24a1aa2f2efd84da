//! GPX from a receiver or a phone app: waypoints, a track and a route. The data is illustrative.

use binzhou_core::crs::Crs;
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::{Code, Dataset};
use binzhou_formats::{OpenedLayer, ReadOptions, gpx};

const WALK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="两步路" xmlns="http://www.topografix.com/GPX/1/1">
 <wpt lat="37.3802" lon="117.9871"><ele>12.5</ele><time>2022-05-01T08:00:00Z</time>
  <name>渤海十八路口袋公园入口</name><desc>现场核查：位置正确</desc></wpt>
 <wpt lat="37.4012" lon="117.9880"><name>万达北门</name></wpt>
 <trk><name>上午核查</name><type>walk</type>
  <trkseg>
   <trkpt lat="37.3800" lon="117.9860"><time>2022-05-01T08:00:00Z</time></trkpt>
   <trkpt lat="37.3810" lon="117.9870"><time>2022-05-01T08:05:00Z</time></trkpt>
   <trkpt lat="37.3820" lon="117.9880"><time>2022-05-01T08:10:00Z</time></trkpt>
  </trkseg>
  <trkseg>
   <trkpt lat="37.3900" lon="117.9900"><time>2022-05-01T09:00:00Z</time></trkpt>
   <trkpt lat="37.3910" lon="117.9910"><time>2022-05-01T09:04:00Z</time></trkpt>
  </trkseg>
 </trk>
 <trk><name>只有一个点</name><trkseg><trkpt lat="37.39" lon="117.99"/></trkseg></trk>
 <rte><name>下午路线</name>
  <rtept lat="37.3700" lon="118.0000"/><rtept lat="37.3750" lon="118.0050"/>
 </rte>
</gpx>"#;

fn load(layer: &OpenedLayer) -> Dataset {
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    let ds = load_bytes(&layer.name, &layer.geojson, &LoadOptions { from: layer.crs, threads: 1 });
    assert_eq!(ds.error_count(), 0, "{:#?}", ds.problems);
    ds
}

#[test]
fn gpx_waypoints_tracks_and_routes_are_a_layer_each() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("walk.gpx");
    std::fs::write(&path, WALK).unwrap();
    let opened = gpx::read(&path, &ReadOptions::default()).unwrap();
    let names: Vec<&str> = opened.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["walk-waypoints", "walk-tracks", "walk-routes"]);

    let wpts = load(&opened.layers[0]);
    assert_eq!(wpts.sites.len(), 2);
    let w = wpts.sites.iter().find(|s| s.name() == "渤海十八路口袋公园入口").unwrap();
    assert_eq!(w.geometry, geo::Geometry::Point(geo::Point::new(117.9871, 37.3802)));
    assert_eq!(w.extra("desc"), Some(serde_json::json!("现场核查：位置正确")));
    assert_eq!(w.extra("ele"), Some(serde_json::json!(12.5)));
    assert_eq!(w.extra("time"), Some(serde_json::json!("2022-05-01T08:00:00Z")));

    let tracks = load(&opened.layers[1]);
    assert_eq!(tracks.sites.len(), 1, "the one-point track is not a line");
    let t = &tracks.sites[0];
    assert_eq!(t.name(), "上午核查");
    match &t.geometry {
        geo::Geometry::MultiLineString(m) => {
            assert_eq!(m.0.len(), 2);
            assert_eq!(m.0[0].0.len(), 3);
        }
        g => panic!("{g:?}"),
    }
    assert_eq!(t.extra("start"), Some(serde_json::json!("2022-05-01T08:00:00Z")));
    assert_eq!(t.extra("end"), Some(serde_json::json!("2022-05-01T09:04:00Z")));
    assert_eq!(t.extra("points"), Some(serde_json::json!(5)));
    assert!(t.length_km() > 0.2, "{}", t.length_km());
    let p = &opened.layers[1].problems;
    assert_eq!(p.len(), 1);
    assert!(matches!(p[0].code, Code::FeatureUnreadable { .. }));
    assert!(p[0].message().contains("只有一个点"), "{}", p[0].message());

    let routes = load(&opened.layers[2]);
    assert!(matches!(routes.sites[0].geometry, geo::Geometry::LineString(ref l) if l.0.len() == 2));

    let only = gpx::read(&path, &ReadOptions { layer: Some("tracks".into()), ..Default::default() }).unwrap();
    assert_eq!(only.layers.len(), 1);
    assert_eq!(only.layers[0].name, "walk-tracks");
}

#[test]
fn a_gpx_of_waypoints_only_is_one_layer_named_after_the_file_and_junk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("点位.gpx");
    std::fs::write(
        &path,
        r#"<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><wpt lat="37.4" lon="118.0"><name>甲</name></wpt></gpx>"#,
    )
    .unwrap();
    let opened = gpx::read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(opened.layers.len(), 1);
    assert_eq!(opened.layers[0].name, "点位");
    assert_eq!(load(&opened.layers[0]).sites[0].name(), "甲");

    let junk = dir.path().join("junk.gpx");
    std::fs::write(&junk, "<gpx><wpt lat=").unwrap();
    let err = gpx::read(&junk, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("junk.gpx"), "{err}");
}
