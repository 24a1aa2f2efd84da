//! Well-known binary (PostGIS, GeoPackage blobs without their header, EWKB
//! with an SRID) to GeoJSON.
#![no_main]
use binzhou_formats::wkb_to_geojson;
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = wkb_to_geojson(data);
});
