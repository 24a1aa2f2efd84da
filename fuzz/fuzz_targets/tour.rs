//! A presenter's tour file (`*.tour.json`): read, checked against a plan,
//! and written back the same.
#![no_main]
use binzhou_core::model::Dataset;
use binzhou_core::tour::Tour;
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(tour) = Tour::from_json(text, "fuzz.tour.json") else { return };
    std::hint::black_box((tour.problem(), tour.total_hold(), tour.unknown_sites(&Dataset::default())));
    for i in 0..tour.stops.len().min(4) {
        std::hint::black_box((tour.next(i), tour.prev(i)));
    }
    let again = Tour::from_json(&tour.to_json(), "again.tour.json").expect("a written tour reads back");
    assert_eq!(again.to_json(), tour.to_json());
});
