//! Photos of checks: copied into the journal's folder under their SHA-256
//! (the same photo added twice is stored once), with the time and place
//! their EXIF block gives.

use std::path::Path;

use sha2::{Digest, Sha256};

use binzhou_core::checks::PhotoRef;

use crate::JournalError;

/// Copies `source` to `folder/photos/<sha256>.<ext>` (durably, unless it is
/// there already) and describes it.
pub(crate) fn store(folder: &Path, source: &Path) -> Result<PhotoRef, JournalError> {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
        move |source| JournalError::Io { path: path.to_path_buf(), source }
    }
    let bytes = std::fs::read(source).map_err(io(source))?;
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let ext = source
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()) && !e.is_empty())
        .unwrap_or_else(|| "bin".into());
    let file = format!("photos/{sha256}.{ext}");
    let dest = folder.join(&file);
    if !dest.exists() {
        let dir = folder.join("photos");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        binzhou_core::save::write_atomic(&dest, |w| w.write_all(&bytes)).map_err(io(&dest))?;
    }
    let (exif_time, exif_position) = read_exif(&bytes);
    Ok(PhotoRef {
        sha256,
        file,
        original_name: source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        exif_time,
        exif_position,
    })
}

use std::io::Write as _;

/// The time a photo was taken (`2026-11-02 09:30:12`, as the camera wrote
/// it) and its GNSS position (lon, lat), when its EXIF block gives them.
pub fn read_exif(bytes: &[u8]) -> (Option<String>, Option<(f64, f64)>) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) else {
        return (None, None);
    };
    let time = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))
        .map(|f| f.display_value().to_string());
    let degrees = |tag, reference, negative: &str| -> Option<f64> {
        let f = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Rational(parts) = &f.value else { return None };
        let [d, m, s] = parts.get(..3)? else { return None };
        let v = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        let sign = match exif.get_field(reference, exif::In::PRIMARY) {
            Some(r) if r.display_value().to_string().trim_matches('"').eq_ignore_ascii_case(negative) => -1.0,
            _ => 1.0,
        };
        v.is_finite().then_some(sign * v)
    };
    let lat = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, "S");
    let lon = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, "W");
    (time, lon.zip(lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_stored_once_under_its_hash_and_the_original_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("IMG_0001.JPG");
        std::fs::write(&src, b"not really a jpeg").unwrap();
        let journal_dir = dir.path().join("journal");
        let a = store(&journal_dir, &src).unwrap();
        let b = store(&journal_dir, &src).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.sha256.len(), 64);
        assert!(a.file.starts_with("photos/") && a.file.ends_with(".jpg"), "{}", a.file);
        assert_eq!(std::fs::read(journal_dir.join(&a.file)).unwrap(), b"not really a jpeg");
        assert_eq!(std::fs::read(&src).unwrap(), b"not really a jpeg");
        assert_eq!(a.original_name, "IMG_0001.JPG");
        assert_eq!((a.exif_time, a.exif_position), (None, None), "no EXIF in it");
    }
}
