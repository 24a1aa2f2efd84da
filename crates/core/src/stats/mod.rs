//! Progress against the plan's targets, per layer × scope × period, at the
//! end of a year.

pub mod figures;
pub mod looks;
mod progress;
mod targets;

pub use figures::{
    CountySummary, Figure, LayerSummary, STACK_YEARS, YearStack, county_summaries, figure_sites, goal, is_behind,
    layer_summaries, year_stack,
};
pub use looks::{CLASSES, LayerSlots, SiteLooks, class_slot};
pub use progress::{StatRow, progress};
pub use targets::{Period, PlanTargets, Target, TargetsError};
