//! Progress against the plan's targets, per layer × scope × period, at the
//! end of a year.

mod progress;
mod targets;

pub use progress::{StatRow, progress};
pub use targets::{Period, PlanTargets, Target, TargetsError};
