//! Editing sites, with undo, a journal and saves that lose nothing.
//!
//! Every edit is a list of [`Change`]s, each the whole before and after of
//! one feature ([`FeatureState`]: its properties and WGS84 geometry) with an
//! id, a version, an author and a time: the same change model as the field
//! checks. The [`Editor`] applies them to a [`Dataset`] by building the
//! site again through the loader's validation, so an edited site is checked
//! exactly like a loaded one; it keeps undo and redo, and knows which
//! features differ from the file on disk. [`journal`] writes each change to
//! disk as it is made; [`save`] writes a GeoJSON file back, copying every
//! feature nobody touched byte for byte.

pub mod fields;
pub mod journal;
pub mod save;
mod spans;
pub mod vertices;

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Dataset, Msg, Origin, Problem, Site};

pub use spans::{Spans, feature_spans};

/// One feature's editable content: its properties (the model's fields, then
/// the file's other properties in file order) and its geometry as a GeoJSON
/// geometry object in WGS84.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureState {
    /// The properties.
    pub properties: Map<String, Value>,
    /// The geometry, GeoJSON, WGS84 lon/lat.
    pub geometry: Value,
}

impl FeatureState {
    /// The state of site `i` of a dataset. A made-up id (the file gave none)
    /// is left out, so it never reaches the file unless the user sets one.
    pub fn of(ds: &Dataset, i: usize) -> Option<Self> {
        let s = ds.sites.get(i)?;
        let mut properties = crate::export::site_properties(s);
        if !ds.has_own_id(i) {
            properties.shift_remove("id");
        }
        Some(FeatureState { properties, geometry: geometry_value(&s.geometry) })
    }

    /// The geometry as geo's type, when it is a readable GeoJSON geometry.
    pub fn geo(&self) -> Option<geo::Geometry<f64>> {
        let g: geojson::Geometry = serde_json::from_value(self.geometry.clone()).ok()?;
        geo::Geometry::try_from(g).ok()
    }

    /// The same with a property set (`Value::Null` removes it).
    pub fn with(mut self, key: &str, value: Value) -> Self {
        if value.is_null() {
            self.properties.shift_remove(key);
        } else {
            self.properties.insert(key.to_string(), value);
        }
        self
    }

    /// The same with another geometry.
    pub fn with_geometry(mut self, g: &geo::Geometry<f64>) -> Self {
        self.geometry = geometry_value(g);
        self
    }

    /// The feature as GeoJSON text.
    pub fn to_feature_text(&self) -> String {
        let mut f = Map::new();
        f.insert("type".into(), "Feature".into());
        f.insert("properties".into(), Value::Object(self.properties.clone()));
        f.insert("geometry".into(), self.geometry.clone());
        Value::Object(f).to_string()
    }
}

/// A geometry as a GeoJSON geometry object; `null` for an unlocated site's
/// (see [`crate::model::Site::is_located`]).
pub fn geometry_value(g: &geo::Geometry<f64>) -> Value {
    if geo::HasDimensions::is_empty(g) {
        return Value::Null;
    }
    serde_json::to_value(geojson::Geometry::from(g)).unwrap_or(Value::Null)
}

/// A feature of a file: which file (index into `Dataset::files`) and its
/// position in the file's `features` (new features get positions past the
/// last one the file had).
pub type FeatureKey = Origin;

/// One change of one feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Unique: the author, the time and a sequence number.
    pub id: String,
    /// 1 for the first change of the feature since it was loaded, then 2, 3…
    pub version: u32,
    /// Who made it.
    pub author: String,
    /// When, milliseconds since 1970 (UTC).
    pub at_ms: i64,
    /// The file's path, as loaded.
    pub file: String,
    /// The feature's position in the file.
    pub feature: u32,
    /// The site's id after the change (before it, for a deletion).
    pub site_id: String,
    /// Before; `None` for a site the change adds.
    pub old: Option<FeatureState>,
    /// After; `None` for a site the change deletes.
    pub new: Option<FeatureState>,
}

/// One undoable step: one or more changes made together, with what to call it.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    /// What the step did, for the undo menu ("设置 completed").
    pub label: Msg,
    /// Its changes, in order.
    pub changes: Vec<Change>,
}

/// One feature a save must write: its position in the file, its state on
/// disk (`None`: new) and now (`None`: deleted).
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// Position in the file (past its end for a new feature).
    pub index: u32,
    /// As the file on disk has it.
    pub on_disk: Option<FeatureState>,
    /// As it is now.
    pub now: Option<FeatureState>,
}

/// What an edit wants done to one feature.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Site `i` of the dataset becomes this (`None`: deleted).
    Site(usize, Option<FeatureState>),
    /// A new site in file `file` (index into `Dataset::files`).
    New(u16, FeatureState),
}

/// Why an edit was refused; the dataset is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The site named does not exist (any more).
    #[error("no site {0} to edit")]
    NoSuchSite(usize),
    /// The result would not be a site at all (no geometry, not a feature):
    /// the loader would drop it.
    #[error("{}", first_message(.0))]
    Invalid(Vec<Problem>),
    /// Another site has this id already.
    #[error("id {0} is used by another site")]
    DuplicateId(String),
    /// Nothing to undo or redo.
    #[error("nothing to undo or redo")]
    Nothing,
}

impl crate::model::Bilingual for EditError {
    fn zh(&self) -> String {
        match self {
            EditError::NoSuchSite(i) => format!("没有要编辑的第 {} 个要素", i + 1),
            EditError::Invalid(p) => p.first().map(|p| p.message_zh()).unwrap_or_default(),
            EditError::DuplicateId(id) => format!("编号 {id} 已被另一个项目使用"),
            EditError::Nothing => "没有可撤销或重做的操作".into(),
        }
    }
}

fn first_message(p: &[Problem]) -> String {
    p.first().map(|p| p.message()).unwrap_or_default()
}

/// What applying an edit did.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// The changes made (to journal).
    pub changes: Vec<Change>,
    /// What the validator found in the edited sites (warnings; an error
    /// refuses the edit instead).
    pub problems: Vec<Problem>,
}

/// Edits of a dataset: undo, redo, and which features differ from disk.
#[derive(Debug, Default)]
pub struct Editor {
    author: String,
    seq: u64,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Each edited feature's state in the file on disk (`None`: not in it).
    base: HashMap<FeatureKey, Option<FeatureState>>,
    /// Each edited feature's state now.
    current: HashMap<FeatureKey, Option<FeatureState>>,
    versions: HashMap<FeatureKey, u32>,
    /// Positions given to new features, per file, past the file's own.
    next_new: HashMap<u16, u32>,
}

impl Editor {
    /// An editor whose changes carry `author`.
    pub fn new(author: impl Into<String>) -> Self {
        Editor { author: author.into(), ..Editor::default() }
    }

    /// Who the changes are by.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// Whether any feature of file `file` differs from the file on disk.
    pub fn is_dirty(&self, file: u16) -> bool {
        self.current.iter().any(|(k, v)| k.file == file && self.base.get(k) != Some(v))
    }

    /// Whether anything differs from disk.
    pub fn any_dirty(&self) -> bool {
        self.current.iter().any(|(k, v)| self.base.get(k) != Some(v))
    }

    /// The files with unsaved edits.
    pub fn dirty_files(&self) -> Vec<u16> {
        let mut v: Vec<u16> =
            self.current.iter().filter(|(k, v)| self.base.get(*k) != Some(*v)).map(|(k, _)| k.file).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// How many features of file `file` differ from disk.
    pub fn dirty_count(&self, file: u16) -> usize {
        self.current.iter().filter(|(k, v)| k.file == file && self.base.get(*k) != Some(*v)).count()
    }

    /// What the next undo would undo.
    pub fn undo_label(&self) -> Option<&Msg> {
        self.undo.last().map(|e| &e.label)
    }

    /// What the next redo would redo.
    pub fn redo_label(&self) -> Option<&Msg> {
        self.redo.last().map(|e| &e.label)
    }

    /// Applies an edit: every target or none. On success the edit can be undone.
    pub fn apply(
        &mut self,
        ds: &mut Dataset,
        label: Msg,
        targets: Vec<Target>,
        now_ms: i64,
    ) -> Result<Applied, EditError> {
        let mut planned = Vec::with_capacity(targets.len());
        for t in targets {
            match t {
                Target::Site(i, new) => {
                    let s = ds.sites.get(i).ok_or(EditError::NoSuchSite(i))?;
                    let key = s.origin;
                    let old = FeatureState::of(ds, i);
                    if old == new {
                        continue;
                    }
                    planned.push((key, old, new));
                }
                Target::New(file, state) => {
                    let own = ds.files.get(file as usize).map(|f| f.features_read as u32).unwrap_or(0);
                    let next = self.next_new.entry(file).or_insert(own);
                    let key = Origin { file, index: *next };
                    *next += 1;
                    planned.push((key, None, Some(state)));
                }
            }
        }
        let changes: Vec<Change> =
            planned.into_iter().map(|(key, old, new)| self.change(ds, key, old, new, now_ms)).collect();
        let applied = self.put_all(ds, &changes)?;
        if !changes.is_empty() {
            self.undo.push(Edit { label, changes });
            self.redo.clear();
        }
        Ok(applied)
    }

    /// Undoes the last edit; its reversal is a change like any other (to journal).
    pub fn undo(&mut self, ds: &mut Dataset, now_ms: i64) -> Result<Applied, EditError> {
        let edit = self.undo.pop().ok_or(EditError::Nothing)?;
        let reversed = self.reversal(ds, &edit, now_ms);
        match self.put_all(ds, &reversed) {
            Ok(a) => {
                self.redo.push(edit);
                Ok(a)
            }
            Err(e) => {
                self.undo.push(edit);
                Err(e)
            }
        }
    }

    /// Redoes the last undone edit.
    pub fn redo(&mut self, ds: &mut Dataset, now_ms: i64) -> Result<Applied, EditError> {
        let edit = self.redo.pop().ok_or(EditError::Nothing)?;
        let again: Vec<Change> = edit
            .changes
            .iter()
            .map(|c| {
                let key = Origin { file: file_index(ds, &c.file), index: c.feature };
                self.change(ds, key, c.old.clone(), c.new.clone(), now_ms)
            })
            .collect();
        match self.put_all(ds, &again) {
            Ok(a) => {
                self.undo.push(edit);
                Ok(a)
            }
            Err(e) => {
                self.redo.push(edit);
                Err(e)
            }
        }
    }

    /// Applies changes read back from a journal (recovery after a crash), as
    /// one undoable step. Changes of files not loaded are skipped and counted.
    pub fn recover(&mut self, ds: &mut Dataset, label: Msg, changes: &[Change], now_ms: i64) -> (Applied, usize) {
        let mut skipped = 0;
        let mut edit = Vec::new();
        for c in changes {
            let file = file_index(ds, &c.file);
            if file as usize >= ds.files.len() {
                skipped += 1;
                continue;
            }
            let key = Origin { file, index: c.feature };
            let now = ds.sites.iter().position(|s| s.origin == key).and_then(|i| FeatureState::of(ds, i));
            if now == c.new {
                continue;
            }
            let next = self.next_new.entry(file).or_insert(ds.files[file as usize].features_read as u32);
            *next = (*next).max(c.feature + 1);
            edit.push(self.change(ds, key, now, c.new.clone(), now_ms));
        }
        let mut applied = Applied::default();
        for c in &edit {
            match self.put_all(ds, std::slice::from_ref(c)) {
                Ok(mut a) => {
                    applied.changes.append(&mut a.changes);
                    applied.problems.append(&mut a.problems);
                }
                Err(_) => skipped += 1,
            }
        }
        if !applied.changes.is_empty() {
            self.undo.push(Edit { label, changes: applied.changes.clone() });
            self.redo.clear();
        }
        (applied, skipped)
    }

    /// Every edited feature of file `file` that differs from disk, with its
    /// state on disk and now: what a save must write (owned, so a save can
    /// run on another thread).
    pub fn pending(&self, file: u16) -> Vec<Pending> {
        let mut v: Vec<Pending> = self
            .current
            .iter()
            .filter(|(k, _)| k.file == file)
            .filter_map(|(k, now)| {
                let base = self.base.get(k)?;
                (base != now).then(|| Pending { index: k.index, on_disk: base.clone(), now: now.clone() })
            })
            .collect();
        v.sort_by_key(|e| e.index);
        v
    }

    /// After a save of file `file`: what is on disk now is what is current,
    /// and features have the positions `renumber` gives them (old → new).
    pub fn saved(&mut self, ds: &mut Dataset, file: u16, renumber: &HashMap<u32, u32>) {
        let remap = |k: FeatureKey| Origin { file, index: renumber.get(&k.index).copied().unwrap_or(k.index) };
        let of_file: Vec<FeatureKey> = self.current.keys().filter(|k| k.file == file).copied().collect();
        for k in of_file {
            let now = self.current.remove(&k).flatten();
            self.base.remove(&k);
            self.versions.remove(&k);
            if now.is_some() {
                let nk = remap(k);
                self.current.insert(nk, now.clone());
                self.base.insert(nk, now);
            }
        }
        for s in ds.sites.iter_mut().filter(|s| s.origin.file == file) {
            s.origin = remap(s.origin);
        }
        let count = ds.sites.iter().filter(|s| s.origin.file == file).count();
        if let Some(f) = ds.files.get_mut(file as usize) {
            f.features_read = renumber.len();
            f.sites_loaded = count;
        }
        self.next_new.remove(&file);
        // Undo across a save would need the old positions: the history of
        // this file starts again.
        let label = ds.files.get(file as usize).map(|f| f.path.display().to_string()).unwrap_or_default();
        for stack in [&mut self.undo, &mut self.redo] {
            stack.retain(|e| e.changes.iter().all(|c| c.file != label));
        }
    }

    fn change(
        &mut self,
        ds: &Dataset,
        key: FeatureKey,
        old: Option<FeatureState>,
        new: Option<FeatureState>,
        now_ms: i64,
    ) -> Change {
        self.seq += 1;
        let version = self.versions.entry(key).or_insert(0);
        *version += 1;
        let site_id = new
            .as_ref()
            .or(old.as_ref())
            .and_then(|s| s.properties.get("id"))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        Change {
            id: format!("{}-{now_ms}-{}", self.author, self.seq),
            version: *version,
            author: self.author.clone(),
            at_ms: now_ms,
            file: ds.files.get(key.file as usize).map(|f| f.path.display().to_string()).unwrap_or_default(),
            feature: key.index,
            site_id,
            old,
            new,
        }
    }

    fn reversal(&mut self, ds: &Dataset, edit: &Edit, now_ms: i64) -> Vec<Change> {
        edit.changes
            .iter()
            .rev()
            .map(|c| {
                let key = Origin { file: file_index(ds, &c.file), index: c.feature };
                self.change(ds, key, c.new.clone(), c.old.clone(), now_ms)
            })
            .collect()
    }

    /// Puts every change's new state into the dataset, or none of them.
    fn put_all(&mut self, ds: &mut Dataset, changes: &[Change]) -> Result<Applied, EditError> {
        // Build every new site first: an invalid one refuses the whole edit.
        let mut built: Vec<(FeatureKey, Option<Site>, Vec<Problem>)> = Vec::with_capacity(changes.len());
        for c in changes {
            let key = Origin { file: file_index(ds, &c.file), index: c.feature };
            match &c.new {
                None => built.push((key, None, Vec::new())),
                Some(state) => {
                    let (site, problems) = build_site(ds, key, state);
                    match site {
                        Some(s) => {
                            if let Some(other) = ds.find_by_id(s.id())
                                && ds.sites[other].origin != key
                                && ds.has_own_id(other)
                                && state.properties.contains_key("id")
                            {
                                return Err(EditError::DuplicateId(s.id().to_string()));
                            }
                            built.push((key, Some(s), problems))
                        }
                        None => return Err(EditError::Invalid(problems)),
                    }
                }
            }
        }
        let mut applied = Applied { changes: changes.to_vec(), problems: Vec::new() };
        for ((key, site, mut problems), c) in built.into_iter().zip(changes) {
            let label = ds.files.get(key.file as usize).map(|f| f.path.display().to_string()).unwrap_or_default();
            ds.problems.retain(|p| !(p.feature == Some(key.index as usize) && p.file == label));
            let at = ds.sites.iter().position(|s| s.origin == key);
            match (site, at) {
                (Some(s), Some(i)) => ds.sites[i] = s,
                (Some(s), None) => {
                    // New sites go after the last site of their file.
                    let after = ds.sites.iter().rposition(|x| x.origin.file <= key.file).map(|i| i + 1).unwrap_or(0);
                    ds.sites.insert(after, s);
                }
                (None, Some(i)) => {
                    ds.sites.remove(i);
                }
                (None, None) => {}
            }
            ds.problems.extend(problems.iter().cloned());
            applied.problems.append(&mut problems);
            self.base.entry(key).or_insert_with(|| c.old.clone());
            self.current.insert(key, c.new.clone());
        }
        Ok(applied)
    }
}

/// The index in `ds.files` of the file loaded from `path` (past the end
/// when no file of the dataset has it).
fn file_index(ds: &Dataset, path: &str) -> u16 {
    ds.files.iter().position(|f| f.path.display().to_string() == path).unwrap_or(ds.files.len()) as u16
}

/// Builds the site a state describes, through the loader's validation.
fn build_site(ds: &Dataset, key: FeatureKey, state: &FeatureState) -> (Option<Site>, Vec<Problem>) {
    let file = ds.files.get(key.file as usize);
    let label = file.map(|f| f.path.display().to_string()).unwrap_or_default();
    let reference = file
        .and_then(|f| f.path.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| label.clone());
    crate::load::site_from_feature(&state.to_feature_text(), &label, key.file, key.index as usize, &reference)
}

/// The folder-safe file name of the edit journal of a data file: its
/// stem and a hash of its absolute path.
pub fn journal_name(data_file: &Path) -> String {
    let abs = std::fs::canonicalize(data_file).unwrap_or_else(|_| data_file.to_path_buf());
    let mut h = crate::model::Fnv64::default();
    h.write(abs.to_string_lossy().as_bytes());
    let stem: String = data_file
        .file_stem()
        .map(|s| s.to_string_lossy().chars().filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap_or_default();
    format!("{stem}-{:016x}.edits.jsonl", h.finish())
}

#[cfg(test)]
mod tests;
