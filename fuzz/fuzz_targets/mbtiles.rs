//! Opening an MBTiles package (SQLite: the metadata table, the tile table
//! or view) and reading its tiles.
#![no_main]
use binzhou_fuzz::write_files;
use binzhou_tiles::mbtiles::MbTilesReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = write_files(&[("fuzz.mbtiles", data)]);
    let Ok(r) = MbTilesReader::open(&path) else { return };
    std::hint::black_box(r.metadata());
    let _ = r.tile_count();
    let _ = r.average_tile_size();
    if let Ok(tiles) = r.tiles() {
        for t in tiles.into_iter().take(16) {
            let _ = r.get(t.z, t.x, t.y);
        }
    }
    let _ = r.get(0, 0, 0);
});
