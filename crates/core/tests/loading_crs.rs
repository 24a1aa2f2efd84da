//! Files in Gauss–Krüger metres or GCJ-02 land where they belong, and every
//! conversion is reported.

use binzhou_core::crs::Crs;
use binzhou_core::load::{LoadOptions, load_file};
use binzhou_core::model::{Dataset, Severity};
use geo::{Distance, Geodesic, Point};

fn load(name: &str, from: Option<Crs>) -> Dataset {
    let p = crate::fixtures().join("crs").join(name);
    load_file(&p, &LoadOptions { from, threads: 0 }, &|_, _| {})
}

fn point(ds: &Dataset, i: usize) -> Point<f64> {
    match &ds.sites[i].geometry {
        geo::Geometry::Point(p) => *p,
        g => panic!("{g:?}"),
    }
}

#[track_caller]
fn assert_near(got: Point<f64>, lon: f64, lat: f64, metres: f64) {
    let d = Geodesic.distance(got, Point::new(lon, lat));
    assert!(d < metres, "{got:?} is {d:.3} m from ({lon}, {lat})");
}

fn notices(ds: &Dataset) -> Vec<String> {
    ds.problems.iter().filter(|p| p.severity == Severity::Notice).map(|p| p.message().clone()).collect()
}

// Reference pairs: PROJ 9.5.1 via pyproj 3.7.2 (see src/crs/gauss_kruger.rs).
#[test]
fn a_declared_epsg_4527_file_converts_to_the_reference_points() {
    let ds = load("gk_4527_declared.geojson", None);
    assert_near(point(&ds, 0), 118.0, 37.38, 0.01);
    assert_near(point(&ds, 1), 117.5, 37.8, 0.01);
    assert!(notices(&ds).iter().any(|n| n.contains("4527") && n.contains("converted")), "{:?}", notices(&ds));
}

#[test]
fn undeclared_six_digit_eastings_are_recognised_as_epsg_4548() {
    let ds = load("gk_4548_undeclared.geojson", None);
    assert_near(point(&ds, 0), 118.0, 37.38, 0.01);
    assert_near(point(&ds, 1), 117.5, 37.8, 0.01);
    assert!(
        notices(&ds).iter().any(|n| n.contains("4548") && n.contains("magnitude") || n.contains("metres")),
        "{:?}",
        notices(&ds)
    );
}

#[test]
fn swapped_easting_and_northing_are_detected_and_said() {
    let ds = load("gk_4527_swapped.geojson", None);
    assert_near(point(&ds, 0), 118.0, 37.38, 0.01);
    assert!(notices(&ds).iter().any(|n| n.contains("swapped")), "{:?}", notices(&ds));
}

// Test vector from googollee/eviltransform (see src/crs/gcj02.rs).
#[test]
fn gcj02_on_request_is_shifted_back_to_wgs84_within_half_a_metre() {
    let ds = load("gcj02_beijing.geojson", Some(Crs::Gcj02));
    assert_near(point(&ds, 0), 116.377817, 39.911954, 0.5);
    assert!(notices(&ds).iter().any(|n| n.contains("GCJ-02")), "{:?}", notices(&ds));
    let unshifted = load("gcj02_beijing.geojson", None);
    let d = Geodesic.distance(point(&unshifted, 0), Point::new(116.377817, 39.911954));
    assert!(d > 300.0, "without --from gcj02 the point stays shifted ({d} m)");
}

#[test]
fn unknown_properties_survive_a_conversion_in_order() {
    let ds = load("gk_4527_declared.geojson", None);
    assert_eq!(ds.sites[0].extra("规划编号"), Some(serde_json::json!("BZ-000")));
}

#[test]
fn a_file_without_plan_layers_becomes_a_reference_layer_named_after_it() {
    let p = crate::fixtures().join("audit/districts.geojson");
    let ds = load_file(&p, &LoadOptions::default(), &|_, _| {});
    assert!(ds.problems.is_empty(), "no plan-site checks on reference features: {:?}", ds.problems);
    assert_eq!(ds.sites.len(), 2);
    let layer = binzhou_core::model::LayerKey::Reference("districts".into());
    assert!(ds.sites.iter().all(|s| *s.layer() == layer));
    assert_eq!(ds.sites[0].name(), "滨城区");
    assert_eq!(ds.sites[0].extra("code"), Some(serde_json::json!("371602")), "all properties kept");
}
