//! A field team's check journal (checks.gpkg: a GeoPackage of check
//! versions, with photo references) brought back and read for merging.
#![no_main]
use binzhou_fuzz::write_files;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = write_files(&[("checks.gpkg", data)]);
    if let Ok(checks) = binzhou_journal::read_all(&[path]) {
        let current = binzhou_core::checks::current(&checks);
        std::hint::black_box(binzhou_core::checks::by_site(&current));
    }
});
