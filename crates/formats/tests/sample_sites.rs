//! Sites for the Shapefile and GeoPackage round trips (illustrative data),
//! and the comparison of sites written and read back.

use binzhou_core::export::site_properties;
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::{Dataset, Site};
use geo::CoordsIter;
use serde_json::{Map, Value};

/// A point, a line, a polygon with a hole and a multipolygon, with Chinese
/// text, dates at two precisions, integers and decimals.
pub const SITES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"PP-2021-001","name":"滨城区口袋公园","layer":"pocket_park","kind":"pocket_park",
 "district":"滨城区","lead_unit":"市住房城乡建设局","plan_year":2021,"started":"2021-03","completed":"2021-10-15",
 "area_m2":1200,"备注":"示意数据，非官方","面积亩":3.5},
 "geometry":{"type":"Point","coordinates":[117.98712345678,37.38012345678]}},
{"type":"Feature","properties":{"id":"GW-2022-003","name":"秦台河绿道","layer":"greenway","kind":"greenway","district":"滨城区",
 "plan_year":2022,"started":"2022-04","length_km":2.35},
 "geometry":{"type":"LineString","coordinates":[[117.95,37.40],[117.96123456789,37.40567891234],[117.97,37.41]]}},
{"type":"Feature","properties":{"id":"OL-2020-002","name":"渤海十四路架空线入地","layer":"overhead_line_zone","district":"滨城区","plan_year":2020},
 "geometry":{"type":"Polygon","coordinates":[[[118.00,37.37],[118.01,37.37],[118.01,37.38],[118.00,37.38],[118.00,37.37]],
   [[118.003,37.373],[118.003,37.374],[118.004,37.374],[118.004,37.373],[118.003,37.373]]]}},
{"type":"Feature","properties":{"id":"UV-2020-002","name":"北街城中村","layer":"urban_village","district":"沾化区","plan_year":2020},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[118.10,37.50],[118.11,37.50],[118.11,37.51],[118.10,37.50]]],
   [[[118.12,37.50],[118.13,37.50],[118.13,37.51],[118.12,37.50]]]]}}
]}"#;

/// The sample sites, loaded by the core.
pub fn sites() -> Dataset {
    let ds = load_bytes("sites.geojson", SITES.as_bytes(), &LoadOptions { from: None, threads: 1 });
    assert_eq!(ds.sites.len(), 4, "{:#?}", ds.problems);
    ds
}

/// Properties without nulls (a table column a site had no value for).
pub fn properties(s: &Site) -> Map<String, Value> {
    site_properties(s).into_iter().filter(|(_, v)| !v.is_null()).collect()
}

/// Asserts that `back` holds the same sites as `sent`: same ids, same
/// properties (numbers compared as numbers), the same geometry type and
/// every position within 1e-8° (about 1 mm).
pub fn assert_same_sites(sent: &[Site], back: &[Site]) {
    assert_eq!(back.len(), sent.len(), "site count");
    for s in sent {
        let b = back.iter().find(|b| b.id() == s.id()).unwrap_or_else(|| panic!("{} not read back", s.id()));
        let (ps, pb) = (properties(s), properties(b));
        assert_eq!(pb.keys().collect::<Vec<_>>(), ps.keys().collect::<Vec<_>>(), "{}: property names", s.id());
        for (k, v) in &ps {
            let w = &pb[k];
            match (v.as_f64(), w.as_f64()) {
                (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{}: {k} {v} came back as {w}", s.id()),
                _ => assert_eq!(w, v, "{}: {k}", s.id()),
            }
        }
        assert_eq!(
            std::mem::discriminant(&b.geometry),
            std::mem::discriminant(&s.geometry),
            "{}: geometry type {:?} came back as {:?}",
            s.id(),
            s.geometry,
            b.geometry
        );
        let (cs, cb): (Vec<_>, Vec<_>) = (s.geometry.coords_iter().collect(), b.geometry.coords_iter().collect());
        assert_eq!(cs.len(), cb.len(), "{}: positions", s.id());
        for (a, c) in cs.iter().zip(&cb) {
            assert!((a.x - c.x).abs() < 1e-8 && (a.y - c.y).abs() < 1e-8, "{}: {a:?} came back as {c:?}", s.id());
        }
    }
}

/// Whether GDAL's `ogrinfo` can be run; without it a test is skipped,
/// unless `CI` is set, where it must be there.
pub fn ogrinfo_available() -> bool {
    let ok = std::process::Command::new("ogrinfo").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "ogrinfo (gdal-bin) is needed on CI");
        eprintln!("ogrinfo not found: GDAL check skipped");
    }
    ok
}

/// `ogrinfo -ro -al -so FILE`: its standard output, failing on any error
/// or warning it prints.
pub fn ogrinfo_summary(path: &std::path::Path) -> String {
    let out = std::process::Command::new("ogrinfo").args(["-ro", "-al", "-so"]).arg(path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "ogrinfo failed: {stderr}\n{stdout}");
    assert!(!stderr.contains("ERROR") && !stderr.contains("Warning"), "ogrinfo complained: {stderr}");
    stdout
}

/// The feature counts `ogrinfo` reports, in order.
pub fn feature_counts(summary: &str) -> Vec<usize> {
    summary
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Feature Count: "))
        .map(|n| n.trim().parse().unwrap())
        .collect()
}
