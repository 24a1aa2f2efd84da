//! The plan's date parser (`2021`, `2021-06`, `2021-06-30` and what files
//! write instead), and printing a parsed date back.
#![no_main]
use binzhou_core::model::PlanDate;
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = text.parse::<PlanDate>() {
        let printed = d.to_string();
        let again: PlanDate = printed.parse().expect("a printed date reads back");
        assert_eq!(again, d, "{text:?} printed as {printed:?}");
        std::hint::black_box(d.surely_before(&again));
    }
});
