//! A loaded dataset: sites from one or more files, their layers and problems.

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::Rect;

use super::{LayerKey, Site};

use super::problem::Problem;

/// A file that contributed to the dataset.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Features read from the file, kept or not.
    pub features_read: usize,
    pub sites_loaded: usize,
}

impl SourceFile {
    pub fn display_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

/// One layer as the dataset has it.
#[derive(Clone, Debug)]
pub struct LayerInfo {
    pub key: LayerKey,
    pub count: usize,
    pub bbox: Option<Rect<f64>>,
}

/// Everything loaded: the app swaps a finished one in whole.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub sites: Vec<Site>,
    pub files: Vec<SourceFile>,
    pub problems: Vec<Problem>,
}

impl Dataset {
    /// Layers in a stable order: the plan's five first, then extra, then reference.
    pub fn layers(&self) -> Vec<LayerInfo> {
        let mut map: BTreeMap<&LayerKey, LayerInfo> = BTreeMap::new();
        for s in &self.sites {
            let e = map.entry(s.layer()).or_insert_with(|| LayerInfo { key: s.layer().clone(), count: 0, bbox: None });
            e.count += 1;
            e.bbox = Some(match e.bbox {
                None => s.bbox,
                Some(b) => union(b, s.bbox),
            });
        }
        map.into_values().collect()
    }

    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.sites.iter().map(|s| s.bbox).reduce(union)
    }

    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == super::Severity::Error).count()
    }

    pub fn find_by_id(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.id() == id)
    }
}

/// The smallest box holding both.
pub fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}
