//! A loaded dataset: sites from one or more files, their layers and problems.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use geo::Rect;

use super::{LayerKey, Msg, Site};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The feature (or file) was dropped.
    Error,
    /// The feature was kept; something about it is doubtful.
    Warning,
    /// Something was done to the data that the user should know (a CRS
    /// conversion, a ring closed).
    Notice,
}

impl Severity {
    pub fn name_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Notice => "提示",
        }
    }
}

/// One thing wrong with (or done to) the input, naming where.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    /// Position in the file's `features` array.
    pub feature: Option<usize>,
    pub feature_id: Option<String>,
    pub field: Option<String>,
    /// In English.
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
    /// Where the feature is, when it has a usable geometry.
    #[serde(skip)]
    pub location: Option<Rect<f64>>,
}

impl Problem {
    pub fn file_level(severity: Severity, file: impl Into<String>, message: Msg) -> Self {
        Problem {
            severity,
            file: file.into(),
            feature: None,
            feature_id: None,
            field: None,
            message: message.en,
            message_zh: message.zh,
            location: None,
        }
    }

    /// The message in Chinese or English.
    pub fn message_in(&self, chinese: bool) -> &str {
        if chinese { &self.message_zh } else { &self.message }
    }
}

impl Problem {
    /// `file:feature N#id:field: severity: message`, with the parts that are
    /// known, in Chinese or English.
    pub fn line(&self, chinese: bool) -> String {
        let mut out = self.file.clone();
        if let Some(i) = self.feature {
            out.push_str(&format!(":feature {i}"));
        }
        if let Some(id) = &self.feature_id {
            out.push_str(&format!("#{id}"));
        }
        if let Some(field) = &self.field {
            out.push_str(&format!(":{field}"));
        }
        let sev = match (chinese, self.severity) {
            (true, s) => s.name_zh(),
            (false, Severity::Error) => "error",
            (false, Severity::Warning) => "warning",
            (false, Severity::Notice) => "notice",
        };
        out.push_str(&format!(": {sev}: {}", self.message_in(chinese)));
        out
    }
}

impl fmt::Display for Problem {
    /// [`Problem::line`] in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line(false))
    }
}

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
