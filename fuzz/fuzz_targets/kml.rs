//! KML (placemarks in folders, styles, extended data), and KMZ (a zip
//! holding one) when the input starts as a zip does, read into sites.
#![no_main]
use binzhou_fuzz::{load, write_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = if data.starts_with(b"PK") { "fuzz.kmz" } else { "fuzz.kml" };
    load(&write_files(&[(name, data)]));
});
