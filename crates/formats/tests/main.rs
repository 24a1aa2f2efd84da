//! The formats crate's tests, one module per format, in one test binary.
// Helpers outside #[test] functions unwrap too: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod gpkg;
mod gpx;
mod kml;
mod ledger;
mod sample_sites;
mod shp;
mod xlsx;
