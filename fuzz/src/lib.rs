//! What the fuzz targets share: an allocator that makes unbounded memory a
//! crash, a scratch folder for the readers that take a path, and the framing
//! that packs several files (a Shapefile's parts) into one fuzz input.
//!
//! Every target links this crate (at least `use binzhou_fuzz as _;`), so
//! every target runs under [`Bounded`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// No input of at most a few hundred KiB may ask for one block this big...
pub const MAX_ONE_ALLOCATION: usize = 256 << 20;
/// ...or hold this much at once. (libFuzzer's own `-malloc_limit_mb` needs a
/// sanitizer's hooks; the targets run without one, so the limit is here.)
pub const MAX_LIVE: usize = 1 << 30;

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting: an allocation past the limits above
/// aborts, which libFuzzer reports as a crash and keeps the input of.
pub struct Bounded;

fn over_limit(size: usize, what: &[u8]) -> ! {
    // No formatting: it could allocate, and this is inside the allocator.
    let mut e = std::io::stderr();
    let _ = e.write_all(b"\n==binzhou-fuzz== out of bounds: ");
    let _ = e.write_all(what);
    let _ = e.write_all(b" (");
    let mut digits = [0u8; 20];
    let mut n = size >> 20;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let _ = e.write_all(&digits[i..]);
    let _ = e.write_all(b" MiB)\n");
    std::process::abort()
}

fn grow(by: usize) {
    if by > MAX_ONE_ALLOCATION {
        over_limit(by, b"one allocation");
    }
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    if live > MAX_LIVE {
        over_limit(live, b"memory held at once");
    }
}

// SAFETY: every method hands the call to `System` unchanged; the counting
// around it touches no memory the allocator gives out. This is the fuzz
// crate's only unsafe code, and the only way to bound memory per input
// without a sanitizer.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            if new_size > MAX_ONE_ALLOCATION {
                over_limit(new_size, b"one allocation");
            }
            grow(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Bounded = Bounded;

/// For a target whose reader catches a panic inside a third-party crate
/// (the product turns it into the file's error): libFuzzer's hook aborts on
/// any panic, caught or not; this one lets a caught panic through, quietly,
/// so only a panic that escapes the reader is a crash (libfuzzer-sys aborts
/// on that one). Set `BINZHOU_FUZZ_PANICS=1` to see each panic's message.
pub fn let_caught_panics_through() {
    if std::env::var_os("BINZHOU_FUZZ_PANICS").is_some() {
        let _ = std::panic::take_hook();
    } else {
        std::panic::set_hook(Box::new(|_| {}));
    }
}

/// A folder of this process's own, emptied before each input is written.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        let dir = base.join(format!("binzhou-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("making the scratch folder");
        dir
    })
}

/// Writes `files` (name, bytes) into the emptied scratch folder and returns
/// the path of the first. An empty part is left out, as a missing sidecar.
pub fn write_files(files: &[(&str, &[u8])]) -> PathBuf {
    let dir = scratch();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
    for (i, (name, bytes)) in files.iter().enumerate() {
        if i == 0 || !bytes.is_empty() {
            std::fs::write(dir.join(name), bytes).expect("writing a scratch file");
        }
    }
    dir.join(files[0].0)
}

/// Splits one input into `n` parts: each of the first `n - 1` is a
/// little-endian `u32` length (cut to what is left) and that many bytes; the
/// last part is the rest.
pub fn unframe(mut data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    for _ in 1..n {
        let (len, rest) = match data {
            [a, b, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, rest),
            _ => (0, &[][..]),
        };
        let len = len.min(rest.len());
        parts.push(&rest[..len]);
        data = &rest[len..];
    }
    parts.push(data);
    parts
}

/// The inverse of [`unframe`], for writing seeds.
pub fn frame(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    let (last, firsts) = parts.split_last().expect("at least one part");
    for p in firsts {
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p);
    }
    out.extend_from_slice(last);
    out
}

/// Reads a file of the formats crate through the whole path the app and the
/// CLI take: reader, conversion to sites, validation.
pub fn load(path: &Path) {
    let opts = binzhou_formats::ReadOptions::default();
    let (ds, _) = binzhou_formats::load(path, &opts, 1);
    // What a user then does first: the statistics and the audit.
    std::hint::black_box(ds.sites.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framed_parts_come_back_whole() {
        let parts: [&[u8]; 3] = [b"shx", b"", b"the rest"];
        assert_eq!(unframe(&frame(&parts), 3), parts.to_vec());
    }

    #[test]
    fn a_short_input_unframes_into_empty_parts_and_the_rest() {
        assert_eq!(unframe(&[9, 0], 3), vec![&[][..], &[][..], &[][..]]);
    }
}
