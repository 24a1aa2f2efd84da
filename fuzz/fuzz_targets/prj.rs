//! A `.prj` file's WKT (ESRI or OGC), recognised as a coordinate system,
//! and a point taken through it.
#![no_main]
use binzhou_formats::prj::from_wkt;
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let prj = from_wkt(text);
    std::hint::black_box(prj.detected(".prj", ".prj"));
    let Some(r) = prj.convert else { return };
    std::hint::black_box(r.label());
    for (x, y) in [(118.0, 37.4), (39_500_000.0, 4_140_000.0), (500_000.0, 4_140_000.0), (f64::MAX, -0.0)] {
        if let Ok((lon, lat)) = r.to_wgs84(x, y) {
            assert!(lon.is_finite() && lat.is_finite(), "({x}, {y}) gave ({lon}, {lat})");
        }
    }
});
