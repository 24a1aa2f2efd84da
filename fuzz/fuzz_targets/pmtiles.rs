//! Opening a PMTiles v3 archive (header, root and leaf directories,
//! metadata) and reading tiles from it.
#![no_main]
use binzhou_fuzz::write_files;
use binzhou_tiles::pmtiles::PmTilesReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // The reader catches a panic inside the `pmtiles` crate (a damaged
    // archive can cause one) and reports the file as damaged.
    init: binzhou_fuzz::let_caught_panics_through(),
    |data: &[u8]| {
        let path = write_files(&[("fuzz.pmtiles", data)]);
        let Ok(r) = PmTilesReader::open(&path) else { return };
        std::hint::black_box(r.metadata());
        for (z, x, y) in [(0, 0, 0), (1, 1, 0), (5, 26, 12), (12, 3390, 1550), (14, 13562, 6201)] {
            let _ = r.get(z, x, y);
        }
    }
);
