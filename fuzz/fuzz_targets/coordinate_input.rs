//! The position box (`locate`): degrees either way round, DMS, 度分秒,
//! Gauss–Krüger X=… Y=…, a gcj02 flag.
#![no_main]
use binzhou_core::locate::locate;
use binzhou_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = locate(text) {
        assert!(p.lon.is_finite() && p.lat.is_finite(), "{text:?} gave {p:?}");
    }
});
