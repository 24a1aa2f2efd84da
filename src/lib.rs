//! binzhou-sites: the desktop app and the command line, built on the
//! headless [`binzhou_core`] (sites, loading, statistics) and
//! [`binzhou_tiles`] (basemap tiles).

pub mod app;
pub mod cli;
pub mod handout;
