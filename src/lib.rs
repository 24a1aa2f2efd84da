//! binzhou-sites: the headless core (model, loading, CRS, index, statistics)
//! and the desktop app built on it.
#![forbid(unsafe_code)]

pub mod app;
pub mod audit;
pub mod cli;
pub mod crs;
pub mod export;
pub mod gnss;
pub mod index;
pub mod load;
pub mod model;
pub mod save;
pub mod stats;
pub mod table;
pub mod tiles;
