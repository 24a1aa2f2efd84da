//! GPX (waypoints, routes, tracks), read into sites.
#![no_main]
use binzhou_fuzz::{load, write_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    load(&write_files(&[("fuzz.gpx", data)]));
});
