//! The domain model: sites, layers, dates, derived status, and a dataset.

mod dataset;
mod date;
mod extras;
mod layer;
pub mod measure;
mod msg;
pub mod names;
pub mod problem;
mod site;
mod status;
mod tags;
mod text;
pub mod validity;

pub use dataset::{Dataset, FileStamp, Fnv64, LayerInfo, SourceFile, mtime_ns, union};
pub use date::{DateError, PlanDate};
pub use extras::Extras;
pub use layer::{LayerKey, PlanLayer, Scope};
pub use msg::{Bilingual, Msg};
pub use problem::{Code, Problem, Severity};
pub use site::{Declared, Origin, Site, Timing};
pub use status::{Change, Progress, Status, StatusClass, YearView};
pub use tags::SiteTags;
