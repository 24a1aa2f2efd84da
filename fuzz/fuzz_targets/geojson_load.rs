//! The GeoJSON loader on whole files: scan, parse on a worker, validate.
#![no_main]
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = LoadOptions { from: None, threads: 1 };
    let ds = load_bytes("fuzz.geojson", data, &opts);
    // The index and the year statistics are built from every load.
    for s in &ds.sites {
        for y in binzhou_core::model::YearView::PLAN_YEARS {
            std::hint::black_box(s.status(y));
        }
    }
});
