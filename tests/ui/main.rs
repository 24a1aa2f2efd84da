//! The desktop app and its panels driven through egui_kittest, plus the
//! image snapshots. One test binary, so eframe and wgpu are linked once.
#![allow(clippy::unwrap_used)]

mod app;
mod dashboard_table;
mod database;
mod dense_gpu;
mod editing;
mod field_checks;
mod files;
mod ledger;
mod no_codes;
mod present;
mod snapshots;
mod support;
mod tour;
