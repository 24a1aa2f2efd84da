//! The headless core through its public API: loading bad input and
//! coordinate systems. One test binary for all of them keeps links small.
#![allow(clippy::unwrap_used)]

mod figures_agree;
mod loading_bad_input;
mod loading_crs;
mod tours;

/// The workspace's shared fixtures folder (`tests/fixtures` at the top).
pub fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}
