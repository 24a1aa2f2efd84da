//! The on-disk HTTP tile cache: where it lives, how big it is, and
//! emptying it (for the settings page).
//!
//! The cache itself is written by the map's tile loader
//! (`app::map::tiles_source`: one folder per source, `z/x/y.tile`, kept for a
//! week and still shown when the server is down); this module only looks
//! after the folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The folder for cached tiles inside the program's cache folder, as the
/// platform has it (`directories`): `$XDG_CACHE_HOME/binzhou-sites` or
/// `~/.cache/binzhou-sites` on Linux, `~/Library/Caches/binzhou-sites` on
/// macOS, `%LOCALAPPDATA%\binzhou-sites\cache` on Windows; then `tiles`.
/// `None` if the platform folder cannot be found.
pub fn default_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "binzhou-sites").map(|d| d.cache_dir().join("tiles"))
}

/// Total size in bytes of the files under `dir` (0 if it does not exist).
/// Symbolic links are not followed.
pub fn cache_size(dir: &Path) -> io::Result<u64> {
    let mut total = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                total += entry.metadata()?.len();
            }
        }
    }
    Ok(total)
}

/// Deletes everything under `dir` and leaves it empty. Refuses a path
/// that is not an absolute folder with a parent (so never `/` or a drive).
pub fn clear_cache(dir: &Path) -> io::Result<()> {
    if !dir.is_absolute() || dir.parent().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to clear {}: not a cache folder", dir.display()),
        ));
    }
    match fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    fs::create_dir_all(dir)
}

/// A size for people: `532 B`, `18.4 KB`, `1.2 MB`, `3.05 GB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 { format!("{value:.2} {}", UNITS[unit]) } else { format!("{value:.1} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_size_adds_up_nested_files_and_clearing_empties_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("tiles");
        assert_eq!(cache_size(&cache).unwrap(), 0);
        fs::create_dir_all(cache.join("content/ab")).unwrap();
        fs::write(cache.join("index"), vec![0u8; 100]).unwrap();
        fs::write(cache.join("content/ab/cd"), vec![0u8; 2000]).unwrap();
        assert_eq!(cache_size(&cache).unwrap(), 2100);
        clear_cache(&cache).unwrap();
        assert!(cache.is_dir());
        assert_eq!(cache_size(&cache).unwrap(), 0);
    }

    #[test]
    fn clearing_refuses_relative_paths_and_roots() {
        assert!(clear_cache(Path::new("tiles")).is_err());
        assert!(clear_cache(Path::new("/")).is_err());
    }

    #[test]
    fn the_default_cache_folder_is_named_after_the_program() {
        if let Some(dir) = default_cache_dir() {
            assert!(dir.ends_with("tiles"), "{}", dir.display());
            assert!(dir.to_string_lossy().contains("binzhou-sites"), "{}", dir.display());
            assert!(dir.is_absolute());
        }
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(532), "532 B");
        assert_eq!(human_size(20 * 1024), "20.0 KB");
        assert_eq!(human_size(1536 * 1024), "1.50 MB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.00 GB");
    }
}
