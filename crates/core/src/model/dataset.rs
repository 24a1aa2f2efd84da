//! A loaded dataset: sites from one or more files, their layers and problems.

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::Rect;

use super::{LayerKey, Site};

use super::problem::Problem;

/// A file that contributed to the dataset.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file's path, as given.
    pub path: PathBuf,
    /// Features read from the file, kept or not.
    pub features_read: usize,
    /// Sites kept from the file, after validation and the duplicate-id check.
    pub sites_loaded: usize,
}

impl SourceFile {
    /// The file's name without its folders (the whole path when it has no name).
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
    /// Which layer.
    pub key: LayerKey,
    /// How many sites it has.
    pub count: usize,
    /// The box around all its sites (WGS84 lon/lat degrees).
    pub bbox: Option<Rect<f64>>,
}

/// Everything loaded: the app swaps a finished one in whole.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Every site kept, from all files, in load order.
    pub sites: Vec<Site>,
    /// The files read, in order; `Origin::file` indexes this.
    pub files: Vec<SourceFile>,
    /// Everything found wrong with (or done to) the input.
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

    /// The box around every site (WGS84 lon/lat degrees), or `None` when there are no sites.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.sites.iter().map(|s| s.bbox).reduce(union)
    }

    /// How many of the problems are errors.
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == super::Severity::Error).count()
    }

    /// Whether site `i`'s id came from its file, rather than being made up by
    /// the loader from the file's path and the feature's position.
    pub fn has_own_id(&self, i: usize) -> bool {
        let Some(s) = self.sites.get(i) else { return false };
        match self.files.get(s.origin.file as usize) {
            Some(f) => s.id() != format!("{}#{}", f.path.display(), s.origin.index),
            None => true,
        }
    }

    /// The index in `sites` of the first site with this id.
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
