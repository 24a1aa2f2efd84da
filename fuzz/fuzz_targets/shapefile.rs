//! A Shapefile with its sidecars (.shx, .dbf in any code page with its
//! .cpg, .prj), read the whole way into sites. The input is framed:
//! `binzhou_fuzz::unframe(data, 5)` gives shx, dbf, cpg, prj, shp.
#![no_main]
use binzhou_fuzz::{load, unframe, write_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = unframe(data, 5);
    let path = write_files(&[
        ("fuzz.shp", p[4]),
        ("fuzz.shx", p[0]),
        ("fuzz.dbf", p[1]),
        ("fuzz.cpg", p[2]),
        ("fuzz.prj", p[3]),
    ]);
    load(&path);
});
