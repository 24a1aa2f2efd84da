//! The EXIF time and GNSS position of a photo attached to a check (JPEG,
//! TIFF or HEIF bytes as the camera wrote them).
#![no_main]
use binzhou_fuzz as _;
use binzhou_journal::read_exif;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (time, position) = read_exif(data);
    if let Some((lon, lat)) = position {
        assert!(lon.is_finite() && lat.is_finite(), "EXIF gave ({lon}, {lat}), time {time:?}");
    }
});
