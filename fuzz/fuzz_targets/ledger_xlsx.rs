//! An Excel ledger (.xlsx: a zip of XML sheets), as the CSV ledger.
#![no_main]
use binzhou_fuzz::{load, write_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // The reader catches a panic inside calamine (a damaged workbook can
    // cause one) and reports the workbook as damaged.
    init: binzhou_fuzz::let_caught_panics_through(),
    |data: &[u8]| {
        let path = write_files(&[("fuzz.xlsx", data)]);
        let _ = binzhou_formats::ledger::preview(&path, &Default::default());
        load(&path);
    }
);
