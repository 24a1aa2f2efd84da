//! The command line as a program: each subcommand on the bundled data and on
//! the fixtures.
#![allow(clippy::unwrap_used)]

mod cli;
mod db;
mod edit;
mod handout;
mod planner_files;
mod render;
