//! A CSV ledger (台账) in UTF-8 or GBK: header row found, columns
//! recognised, coordinates placed; the preview the column dialog shows.
#![no_main]
use binzhou_fuzz::{load, write_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = write_files(&[("fuzz.csv", data)]);
    let _ = binzhou_formats::ledger::preview(&path, &Default::default());
    load(&path);
});
