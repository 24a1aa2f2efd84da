//! The headless core through its public API and the command line: loading
//! bad input, coordinate systems, and the CLI's commands. One test binary
//! for all of them keeps links (and CI's disk) small.

mod cli;
mod loading_bad_input;
mod loading_crs;
