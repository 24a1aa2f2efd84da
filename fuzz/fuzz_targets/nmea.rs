//! The NMEA 0183 sentence parser, line by line, folded into a fix as the
//! GNSS worker does.
#![no_main]
use binzhou_core::gnss::{Tracker, nmea};
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut tracker = Tracker::default();
    for line in text.lines() {
        if let Ok(s) = nmea::parse(line) {
            std::hint::black_box(tracker.feed(&s));
        }
    }
});
