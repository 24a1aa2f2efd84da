//! Editing in the app: the attribute form, progress updates, moving and
//! deleting sites, undo and redo, and the prompts on quit, on a conflict
//! and on recovery. The rules are the core's ([`binzhou_core::edit`]); the
//! journal and the saves run on the "edit-writer" thread, so the disk never
//! holds up a frame.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, TrySendError};

use binzhou_core::edit::journal::{self, EditJournal, Recovered};
use binzhou_core::edit::save::{SaveError, Saved, save_pending};
use binzhou_core::edit::{Change, Editor, FeatureKey, FeatureState, Pending, Target};
use binzhou_core::model::{Bilingual, Dataset, FileStamp, Msg};

use super::data::MapData;
use super::i18n::Lang;

/// Work for the writer thread.
enum Job {
    /// Append changes to a data file's journal (opened, with its header, on first use).
    Append { journal: PathBuf, data_file: String, stamp: Option<FileStamp>, changes: Vec<Change> },
    /// Save a file's pending features, then remove its journal.
    Save { data: Arc<MapData>, file: u16, pending: Vec<Pending>, force: bool, journal: PathBuf },
    /// Read the journals of these files (after a load) for recovery offers.
    Look { files: Vec<(u16, PathBuf)> },
    /// Remove a journal (its edits were discarded).
    Discard { journal: PathBuf },
}

/// What the writer thread reports.
enum Report {
    JournalFailed(Msg),
    Saved { file: u16, result: Result<Saved, SaveError> },
    Found { file: u16, journal: PathBuf, recovered: Recovered },
}

/// A save that did not happen (the file changed by someone else, a full
/// disk, a read-only folder): the edits are kept and the user decides.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub file: u16,
    /// Chinese, a newline, English.
    pub message: String,
    /// The file changed on disk: writing over it anyway is a choice.
    pub changed_on_disk: bool,
}

/// Unsaved edits of an earlier run, offered for recovery.
#[derive(Debug, Clone)]
pub struct Offer {
    pub file: u16,
    pub journal: PathBuf,
    pub recovered: Recovered,
}

/// The attribute form's drafts: the text of each field as typed.
#[derive(Debug, Clone)]
pub struct AttrForm {
    /// The site being edited (by file and position, which edits keep).
    pub site: FeatureKey,
    /// The site as the form was opened (or last applied).
    pub original: FeatureState,
    /// Each field's text.
    pub fields: Vec<(binzhou_core::edit::fields::Field, String)>,
    /// Other properties: (key as loaded, key as typed, value as typed);
    /// a new row has an empty loaded key.
    pub extras: Vec<(String, String, String)>,
}

impl AttrForm {
    /// A form on site `i`.
    pub fn of(ds: &Dataset, i: usize) -> Option<Self> {
        use binzhou_core::edit::fields::Field;
        let original = FeatureState::of(ds, i)?;
        let fields = Field::ALL.iter().map(|&f| (f, f.text_of(original.properties.get(f.key())))).collect();
        let extras = original
            .properties
            .iter()
            .filter(|(k, _)| Field::of_key(k).is_none() && !MODEL_ONLY.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), k.clone(), value_text(v)))
            .collect();
        Some(AttrForm { site: ds.sites[i].origin, original, fields, extras })
    }

    /// The site's state with the drafts in it, or the first field's reason
    /// why not.
    pub fn to_state(&self, ds: &Dataset, i: usize) -> Result<FeatureState, Msg> {
        let mut state = self.original.clone();
        for (f, text) in &self.fields {
            let v = binzhou_core::edit::fields::parse(*f, text, ds, Some(i))?;
            state = state.with(f.key(), v);
        }
        let mut seen = std::collections::HashSet::new();
        for (loaded, key, value) in &self.extras {
            let key = key.trim();
            if !loaded.is_empty() && loaded != key {
                state = state.with(loaded, serde_json::Value::Null);
            }
            if key.is_empty() {
                continue;
            }
            if !seen.insert(key.to_string()) || binzhou_core::edit::fields::Field::of_key(key).is_some() {
                return Err(Lang::key_taken(key));
            }
            state = state.with(key, parse_value(value));
        }
        // Loaded keys whose row was removed.
        for (k, _) in self.original.properties.iter() {
            let is_extra = binzhou_core::edit::fields::Field::of_key(k).is_none() && !MODEL_ONLY.contains(&k.as_str());
            if is_extra && !self.extras.iter().any(|(loaded, _, _)| loaded == k) {
                state = state.with(k, serde_json::Value::Null);
            }
        }
        Ok(state)
    }
}

/// Properties the model writes that the form does not offer (declared
/// measures and the source stay as the file has them).
const MODEL_ONLY: [&str; 3] = ["source", "length_km", "area_m2"];

/// A property's value as the form shows it: text as it is, anything else as JSON.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Typed text as a property value: numbers, booleans and JSON stay what
/// they are; anything else is text; empty removes the property.
pub fn parse_value(text: &str) -> serde_json::Value {
    let t = text.trim();
    if t.is_empty() {
        return serde_json::Value::Null;
    }
    match serde_json::from_str::<serde_json::Value>(t) {
        Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Array(_))) => v,
        Ok(v @ serde_json::Value::Object(_)) => v,
        _ => serde_json::Value::String(text.to_string()),
    }
}

/// Everything about editing the app holds between frames.
pub struct Editing {
    pub editor: Editor,
    /// Where the edit journals live (one per data file).
    pub journal_dir: Option<PathBuf>,
    jobs: Option<Sender<Job>>,
    reports: Option<Receiver<Report>>,
    /// The writer, joined on drop so the last edits reach the disk before the app is gone.
    thread: Option<std::thread::JoinHandle<()>>,
    /// The attribute form, while open.
    pub form: Option<AttrForm>,
    /// The point being moved: the next map click places it.
    pub moving: Option<FeatureKey>,
    /// A deletion waiting for the user's yes.
    pub confirm_delete: Option<FeatureKey>,
    /// The month typed for "mark started / completed".
    pub month: String,
    /// Files whose save is under way.
    pub saving: Vec<u16>,
    /// Quit once the saves under way have finished.
    pub quit_after_save: bool,
    /// The quit prompt is open.
    pub quit_prompt: bool,
    /// The user chose to quit without saving.
    pub allow_close: bool,
    pub conflict: Option<Conflict>,
    pub offers: Vec<Offer>,
    /// Messages for the notices, in both languages.
    pub messages: Vec<Msg>,
    /// Files whose journals were looked at (by path), so a reload does not ask again.
    looked: std::collections::HashSet<PathBuf>,
    /// Saves made on this thread (no writer thread), for the next poll.
    saved_here: Vec<(u16, Saved)>,
}

impl Default for Editing {
    fn default() -> Self {
        Editing::new("user", None)
    }
}

impl Editing {
    /// Editing by `author`, journals kept in `journal_dir` (none: edits are
    /// not journalled, as in tests that say so).
    pub fn new(author: &str, journal_dir: Option<PathBuf>) -> Self {
        Editing {
            editor: Editor::new(author),
            journal_dir,
            jobs: None,
            reports: None,
            thread: None,
            form: None,
            moving: None,
            confirm_delete: None,
            month: String::new(),
            saving: Vec::new(),
            quit_after_save: false,
            quit_prompt: false,
            allow_close: false,
            conflict: None,
            offers: Vec::new(),
            messages: Vec::new(),
            looked: Default::default(),
            saved_here: Vec::new(),
        }
    }

    /// Starts the writer thread (once; `wake` repaints when it reports).
    pub fn start(&mut self, wake: impl Fn() + Send + 'static) {
        if self.jobs.is_some() {
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded::<Job>(256);
        let (rtx, rrx) = crossbeam_channel::bounded::<Report>(256);
        let spawned = std::thread::Builder::new().name("edit-writer".into()).spawn(move || writer(rx, rtx, wake));
        match spawned {
            Ok(handle) => {
                self.jobs = Some(tx);
                self.reports = Some(rrx);
                self.thread = Some(handle);
            }
            Err(e) => self.messages.push(Msg::from_io(&e)),
        }
    }

    fn send(&mut self, job: Job) {
        let Some(tx) = &self.jobs else {
            if let Job::Save { data, file, pending, force, .. } = job {
                // No thread (a test without one): save here.
                let result = save_pending(&data.dataset, file, &pending, force);
                self.on_saved(file, result);
            }
            return;
        };
        match tx.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(job)) => {
                // The disk is far behind: wait for it rather than lose an edit.
                let _ = tx.send(job);
            }
            Err(TrySendError::Disconnected(_)) => {
                self.messages.push(Lang::writer_stopped());
            }
        }
    }

    /// The journal file of a data file.
    pub fn journal_of(&self, data_file: &Path) -> Option<PathBuf> {
        Some(self.journal_dir.as_ref()?.join(binzhou_core::edit::journal_name(data_file)))
    }

    /// Journals the changes of an edit (per data file).
    pub fn journal(&mut self, ds: &Dataset, changes: &[Change]) {
        let mut by_file: HashMap<&str, Vec<Change>> = HashMap::new();
        for c in changes {
            by_file.entry(c.file.as_str()).or_default().push(c.clone());
        }
        for (file, changes) in by_file {
            let Some(f) = ds.files.iter().find(|f| f.path.display().to_string() == file) else { continue };
            let Some(journal) = self.journal_of(&f.path) else { continue };
            let job = Job::Append { journal, data_file: file.to_string(), stamp: f.stamp, changes };
            self.send(job);
        }
    }

    /// Starts saving file `file` of `data`.
    pub fn save(&mut self, data: &Arc<MapData>, file: u16, force: bool) {
        if self.saving.contains(&file) {
            return;
        }
        let pending = self.editor.pending(file);
        if pending.is_empty() {
            return;
        }
        let Some(f) = data.dataset.files.get(file as usize) else { return };
        let journal = self.journal_of(&f.path).unwrap_or_default();
        self.saving.push(file);
        self.send(Job::Save { data: data.clone(), file, pending, force, journal });
    }

    /// Looks for unsaved edits of earlier runs of the files of a dataset.
    pub fn look_for_journals(&mut self, ds: &Dataset) {
        let mut files = Vec::new();
        for (i, f) in ds.files.iter().enumerate() {
            if !self.looked.insert(f.path.clone()) {
                continue;
            }
            if let Some(j) = self.journal_of(&f.path) {
                files.push((i as u16, j));
            }
        }
        if !files.is_empty() {
            self.send(Job::Look { files });
        }
    }

    /// Removes a journal whose edits are in a file now (saved elsewhere).
    pub fn discard_journal(&mut self, journal: PathBuf) {
        self.send(Job::Discard { journal });
    }

    /// Drops an offer's edits for good.
    pub fn discard(&mut self, offer: Offer) {
        self.send(Job::Discard { journal: offer.journal });
    }

    /// What the writer reported since the last frame; saves come back as
    /// `(file, result)` for the app to apply.
    pub fn poll(&mut self) -> Vec<(u16, Saved)> {
        let mut saved = Vec::new();
        let reports: Vec<Report> = self.reports.as_ref().map(|r| r.try_iter().collect()).unwrap_or_default();
        for r in reports {
            match r {
                Report::JournalFailed(m) => self.messages.push(m),
                Report::Saved { file, result } => {
                    if let Some(s) = self.on_saved(file, result) {
                        saved.push((file, s));
                    }
                }
                Report::Found { file, journal, recovered } => self.offers.push(Offer { file, journal, recovered }),
            }
        }
        saved.append(&mut self.saved_here);
        saved
    }

    fn on_saved(&mut self, file: u16, result: Result<Saved, SaveError>) -> Option<Saved> {
        self.saving.retain(|&f| f != file);
        match result {
            Ok(s) => {
                if self.jobs.is_none() {
                    self.saved_here.push((file, s));
                    return None;
                }
                Some(s)
            }
            Err(e) => {
                self.quit_after_save = false;
                let changed_on_disk = matches!(e, SaveError::ChangedOnDisk { .. });
                self.conflict = Some(Conflict { file, message: e.text(true) + "\n" + &e.to_string(), changed_on_disk });
                None
            }
        }
    }

    /// Applies an edit to a copy of the data; on success returns the new
    /// dataset and journals the changes. A refusal is a message.
    pub fn apply(&mut self, data: &MapData, label: Msg, targets: Vec<Target>, busy: bool) -> Option<Dataset> {
        if busy || !self.saving.is_empty() {
            self.messages
                .push(Msg::new(super::i18n::Lang::En.edits().busy_loading, super::i18n::Lang::Zh.edits().busy_loading));
            return None;
        }
        let mut ds = data.dataset.clone();
        match self.editor.apply(&mut ds, label, targets, now_ms()) {
            Ok(applied) => {
                self.after(&ds, &applied);
                (!applied.changes.is_empty()).then_some(ds)
            }
            Err(e) => {
                self.messages.push(e.msg());
                None
            }
        }
    }

    /// Undoes (or redoes) on a copy of the data.
    pub fn step(&mut self, data: &MapData, redo: bool, busy: bool) -> Option<Dataset> {
        if busy || !self.saving.is_empty() {
            return None;
        }
        let mut ds = data.dataset.clone();
        let r = if redo { self.editor.redo(&mut ds, now_ms()) } else { self.editor.undo(&mut ds, now_ms()) };
        match r {
            Ok(applied) => {
                self.after(&ds, &applied);
                Some(ds)
            }
            Err(binzhou_core::edit::EditError::Nothing) => None,
            Err(e) => {
                self.messages.push(e.msg());
                None
            }
        }
    }

    /// Recovers an offer's edits onto a copy of the data.
    pub fn recover(&mut self, data: &MapData, offer: &Offer, label: Msg) -> Option<Dataset> {
        let mut ds = data.dataset.clone();
        let (applied, _skipped) = self.editor.recover(&mut ds, label, &offer.recovered.changes, now_ms());
        self.after(&ds, &applied);
        (!applied.changes.is_empty()).then_some(ds)
    }

    fn after(&mut self, ds: &Dataset, applied: &binzhou_core::edit::Applied) {
        self.journal(ds, &applied.changes);
        if let Some(p) = applied.problems.iter().find(|p| p.severity <= binzhou_core::model::Severity::Warning) {
            self.messages.push(Lang::edited_with_problem(p));
        }
    }
}

impl Drop for Editing {
    fn drop(&mut self) {
        // No more jobs: the writer finishes those queued, then stops.
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Milliseconds since 1970.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The writer thread: journals in order, saves, and the journals' removal
/// once their edits are in the file.
fn writer(jobs: Receiver<Job>, reports: Sender<Report>, wake: impl Fn()) {
    let mut open: HashMap<PathBuf, EditJournal> = HashMap::new();
    let report = |r: Report| {
        let _ = reports.send(r);
        wake();
    };
    for job in jobs {
        match job {
            Job::Append { journal, data_file, stamp, changes } => {
                let j = match open.entry(journal.clone()) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        match EditJournal::open(&journal, &data_file, stamp) {
                            Ok(j) => v.insert(j),
                            Err(e) => {
                                report(Report::JournalFailed(Lang::journal_io(&journal, &e)));
                                continue;
                            }
                        }
                    }
                };
                if let Err(e) = j.append(&changes) {
                    report(Report::JournalFailed(Lang::journal_io(&journal, &e)));
                }
            }
            Job::Save { data, file, pending, force, journal } => {
                let result = save_pending(&data.dataset, file, &pending, force);
                if result.is_ok() {
                    if let Some(j) = open.remove(&journal) {
                        let _ = j.remove();
                    } else {
                        let _ = std::fs::remove_file(&journal);
                    }
                }
                report(Report::Saved { file, result });
            }
            Job::Look { files } => {
                for (file, journal) in files {
                    if let Ok(Some(recovered)) = journal::read(&journal) {
                        report(Report::Found { file, journal, recovered });
                    }
                }
            }
            Job::Discard { journal } => {
                open.remove(&journal);
                let _ = std::fs::remove_file(&journal);
            }
        }
    }
}
