//! binzhou-core: everything binzhou-sites knows about the plan's sites, with
//! no GUI and no network in it. The CLI, the tests, the benchmarks and the
//! desktop app all use it.
//!
//! Data flows one way: [`load`] parses and validates files into the
//! [`model`] (converting coordinates with [`crs`]), [`index`] answers spatial
//! queries, and [`stats`], [`audit`], [`table`] and [`export`] read the
//! dataset for the panels and the command line. [`gnss`] turns a receiver's
//! NMEA sentences into fixes.

#![warn(missing_docs)]

pub mod audit;
pub mod basemap;
pub mod checks;
pub mod crs;
pub mod edit;
pub mod export;
pub mod gnss;
pub mod index;
pub mod info;
pub mod load;
pub mod locate;
pub mod mercator;
pub mod model;
pub mod route;
pub mod save;
pub mod search;
pub mod stats;
pub mod synthetic;
pub mod table;
pub mod tour;
