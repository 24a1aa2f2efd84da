//! Atomic file writes: nothing the user made is lost to a crash mid-save.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Writes `path` through a temporary file in the same folder (`tempfile`),
/// flushed and synced, then renamed over the target, and the folder synced
/// so the rename itself survives a power cut: readers see the old file or
/// the new one, never half of one. A failed write removes the temporary file.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir)?;
    let (file, tmp_path) = tmp.into_parts();
    let mut w = BufWriter::with_capacity(1 << 20, file);
    write(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    // tempfile makes its files private (0600); the saved file keeps the
    // permissions of the one it replaces, or gets the usual ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0o644);
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    f.sync_all()?;
    tempfile::NamedTempFile::from_parts(f, tmp_path).persist(path).map_err(|e| e.error)?;
    sync_folder(dir);
    Ok(())
}

/// Syncs a folder's entries to disk (after a rename in it). Where the
/// platform cannot open a folder for that (Windows), the rename stands as
/// the file system made it.
pub fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_failed_write_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "old").unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
        write_atomic(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left after a save");
    }

    #[cfg(unix)]
    #[test]
    fn a_saved_file_is_readable_by_others_and_keeps_the_mode_of_the_one_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        write_atomic(&new, |w| w.write_all(b"x")).unwrap();
        assert_eq!(std::fs::metadata(&new).unwrap().permissions().mode() & 0o777, 0o644);
        let old = dir.path().join("old.csv");
        std::fs::write(&old, "x").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&old, |w| w.write_all(b"y")).unwrap();
        assert_eq!(std::fs::metadata(&old).unwrap().permissions().mode() & 0o777, 0o640);
    }
}
