//! Field checks in the app: the journal, written by a worker thread so the
//! disk never blocks a frame, the checks read from it, and the check form's
//! draft, kept beside the journal so a crash does not lose what was typed.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use binzhou_core::checks::{Check, CheckResult, Observed, PhotoRef, current};
use binzhou_journal::Journal;

/// What the app asks of the journal.
enum Request {
    Save(Box<Check>),
    StorePhoto(PathBuf),
    /// The form's draft as JSON, or `None` to remove it.
    Draft(Option<String>),
    /// A GNSS fix for the track.
    Track(binzhou_journal::TrackPoint),
    /// Read another team's journal (read-only) to merge its checks.
    ReadOther(PathBuf),
    /// Keep today's route (empty: no route).
    SaveRoute(binzhou_journal::SavedRoute),
}

/// What the journal answers.
/// What an opened journal holds: every version, the form's draft, the track.
type Opened = (Vec<Check>, Option<String>, Vec<binzhou_journal::TrackPoint>, Option<binzhou_journal::SavedRoute>);

enum Reply {
    Opened(Result<Opened, String>),
    Saved(Result<Box<Check>, String>),
    PhotoStored(Result<PhotoRef, String>),
    Other(Result<(PathBuf, Vec<Check>), String>),
}

/// Per site, its newest check's colour slot and whether it was checked today.
#[derive(Clone, Debug, Default)]
pub struct SiteSlots {
    pub slots: std::sync::Arc<[u8]>,
    pub today: std::sync::Arc<[bool]>,
    /// Per layer slot: sites per check slot, then those checked today (the
    /// legend's counts, made once with the slots rather than every frame).
    pub per_layer: std::sync::Arc<[[usize; 6]]>,
}

/// The form for one check of a site, kept while it is open (and as a draft
/// on disk).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckForm {
    /// The site checked, by id (the dataset may be reloaded under the form).
    pub site_id: String,
    /// The site's layer key.
    pub site_layer: String,
    /// The site's name, for the form's title.
    pub site_name: String,
    pub result: CheckResult,
    pub observed: Option<Observed>,
    /// When seen finished (`2021-05` or `2021-05-12`).
    pub finished_on: String,
    pub note: String,
    pub photos: Vec<PhotoRef>,
    /// The true position, for a site found elsewhere.
    pub corrected: Option<(f64, f64)>,
    /// The check this form amends (its id), when it writes a next version.
    #[serde(default)]
    pub amends: Option<String>,
    /// A save is under way.
    #[serde(skip)]
    pub saving: bool,
    /// The next click on the map gives the true position.
    #[serde(skip)]
    pub picking: bool,
    /// Why the last save or photo failed.
    #[serde(skip)]
    pub error: Option<String>,
}

impl CheckForm {
    /// An empty form for a site.
    pub fn new(site_id: &str, site_layer: &str, site_name: &str) -> Self {
        CheckForm {
            site_id: site_id.into(),
            site_layer: site_layer.into(),
            site_name: site_name.into(),
            result: CheckResult::LocationOk,
            observed: None,
            finished_on: String::new(),
            note: String::new(),
            photos: Vec::new(),
            corrected: None,
            amends: None,
            saving: false,
            picking: false,
            error: None,
        }
    }

    /// A form holding a check's fields, to write its next version.
    pub fn amending(c: &Check, site_name: &str) -> Self {
        CheckForm {
            result: c.result,
            observed: c.observed,
            finished_on: c.finished_on.clone().unwrap_or_default(),
            note: c.note.clone(),
            photos: c.photos.clone(),
            corrected: c.corrected,
            amends: Some(c.id.clone()),
            ..CheckForm::new(&c.site_id, &c.site_layer, site_name)
        }
    }
}

/// The journal and the checks in it.
pub struct FieldChecks {
    path: PathBuf,
    tx: Option<Sender<Request>>,
    rx: Option<Receiver<Reply>>,
    /// Every version read or saved (changed only here, so the index below
    /// stays true).
    versions: Vec<Check>,
    /// Per site id, its live checks (indices into `versions`), newest first.
    live_by_site: HashMap<String, Vec<usize>>,
    /// Why the journal could not be opened, if it could not.
    pub error: Option<String>,
    /// The open form, if any.
    pub form: Option<CheckForm>,
    /// The form came back from its draft; its site is not selected yet.
    pub restored: bool,
    /// The form was just opened: the app places its window on this many
    /// more frames (the first is egui's sizing pass).
    pub place_form: u8,
    /// The draft last sent to disk, to send only changes.
    sent_draft: Option<String>,
    /// A check just saved, for the app to announce.
    pub just_saved: Option<Check>,
    /// The worker has answered the opening (with the checks or an error).
    opened: bool,
    /// Photos sent to the worker to store whose answer has not come back.
    photos_pending: usize,
    /// The route kept in the journal when it was opened, for the app to take.
    pub saved_route: Option<binzhou_journal::SavedRoute>,
    /// Other teams' journals merged in (read-only).
    pub others: Vec<PathBuf>,
    /// Something to tell the user (a journal that could not be read).
    pub notice: Option<String>,
    /// The GNSS track recorded so far (in the journal, and here to draw).
    pub track: Vec<binzhou_journal::TrackPoint>,
    /// The recording under way: its segment id.
    pub recording: Option<String>,
    /// Per site of the dataset, its newest check's colour slot, and which
    /// were checked today; for (versions, data generation).
    slots: Option<((usize, u64), SiteSlots)>,
}

impl Default for FieldChecks {
    fn default() -> Self {
        FieldChecks {
            path: PathBuf::new(),
            tx: None,
            rx: None,
            versions: Vec::new(),
            live_by_site: HashMap::new(),
            error: None,
            form: None,
            place_form: 0,
            restored: false,
            sent_draft: None,
            just_saved: None,
            opened: false,
            photos_pending: 0,
            track: Vec::new(),
            recording: None,
            others: Vec::new(),
            notice: None,
            saved_route: None,
            slots: None,
        }
    }
}

/// The journal's default place: the platform's data folder.
pub fn default_journal_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "binzhou-sites")
        .map(|d| d.data_dir().join("checks.gpkg"))
        .unwrap_or_else(|| PathBuf::from("checks.gpkg"))
}

fn draft_path(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".draft.json");
    PathBuf::from(p)
}

impl FieldChecks {
    /// Starts the journal worker on `path`; `wake` is called after each reply.
    pub fn open(path: PathBuf, wake: impl Fn() + Send + 'static) -> FieldChecks {
        let (tx, requests) = bounded::<Request>(16);
        let (replies, rx) = bounded::<Reply>(16);
        let worker_path = path.clone();
        let spawned = std::thread::Builder::new().name("journal-writer".into()).spawn(move || {
            let opened = Journal::open(&worker_path).and_then(|j| {
                let v = j.versions()?;
                let t = j.track()?;
                let r = j.current_route()?;
                Ok((j, v, t, r))
            });
            let mut journal = match opened {
                Ok((j, v, t, r)) => {
                    let draft = std::fs::read_to_string(draft_path(&worker_path)).ok();
                    let _ = replies.send(Reply::Opened(Ok((v, draft, t, r))));
                    j
                }
                Err(e) => {
                    let _ = replies.send(Reply::Opened(Err(e.to_string())));
                    wake();
                    return;
                }
            };
            wake();
            for r in requests {
                let reply = match r {
                    Request::Save(c) => Some(Reply::Saved(journal.save(&c).map(|()| c).map_err(|e| e.to_string()))),
                    Request::StorePhoto(p) => {
                        Some(Reply::PhotoStored(journal.store_photo(&p).map_err(|e| e.to_string())))
                    }
                    Request::ReadOther(p) => Some(Reply::Other(
                        Journal::open_read_only(&p)
                            .and_then(|j| j.versions())
                            .map(|v| (p.clone(), v))
                            .map_err(|e| e.to_string()),
                    )),
                    Request::SaveRoute(r) => {
                        if let Err(e) = journal.save_route(&r) {
                            tracing::warn!("{e}");
                        }
                        None
                    }
                    Request::Track(p) => {
                        if let Err(e) = journal.add_track_point(&p) {
                            tracing::warn!("{e}");
                        }
                        None
                    }
                    Request::Draft(d) => {
                        let dp = draft_path(journal.path());
                        let done = match d {
                            Some(text) => binzhou_core::save::write_atomic(&dp, |w| w.write_all(text.as_bytes())),
                            None => match std::fs::remove_file(&dp) {
                                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                                _ => Ok(()),
                            },
                        };
                        if let Err(e) = done {
                            tracing::warn!("{}: {e}", dp.display());
                        }
                        None
                    }
                };
                if let Some(reply) = reply {
                    if replies.send(reply).is_err() {
                        break;
                    }
                    wake();
                }
            }
        });
        let mut fc = FieldChecks { path, ..Default::default() };
        match spawned {
            Ok(_) => {
                fc.tx = Some(tx);
                fc.rx = Some(rx);
            }
            Err(e) => fc.error = Some(e.to_string()),
        }
        fc
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the journal is open and answering.
    pub fn is_open(&self) -> bool {
        self.tx.is_some() && self.error.is_none()
    }

    /// Takes the worker's replies; call once per frame.
    pub fn poll(&mut self) {
        let Some(rx) = self.rx.clone() else { return };
        while let Ok(reply) = rx.try_recv() {
            match reply {
                Reply::Opened(Ok((versions, draft, track, route))) => {
                    self.opened = true;
                    self.versions = versions;
                    self.reindex();
                    self.track = track;
                    self.saved_route = route;
                    if let Some(form) = draft.and_then(|d| serde_json::from_str::<CheckForm>(&d).ok())
                        && self.form.is_none()
                    {
                        self.sent_draft = serde_json::to_string(&form).ok();
                        self.form = Some(form);
                        self.place_form = 2;
                        self.restored = true;
                    }
                }
                Reply::Opened(Err(e)) => {
                    self.opened = true;
                    tracing::warn!("{e}");
                    self.error = Some(e);
                }
                Reply::Saved(Ok(c)) => {
                    let saved_site = c.site_id.clone();
                    self.versions.push((*c).clone());
                    self.reindex();
                    self.just_saved = Some(*c);
                    if self.form.as_ref().is_some_and(|f| f.site_id == saved_site && f.saving) {
                        self.form = None;
                        self.send(Request::Draft(None));
                        self.sent_draft = None;
                    }
                }
                Reply::Saved(Err(e)) => {
                    if let Some(f) = &mut self.form {
                        f.saving = false;
                        f.error = Some(e);
                    }
                }
                Reply::Other(Ok((path, versions))) => {
                    let own = std::mem::take(&mut self.versions);
                    self.versions = binzhou_core::checks::merge([own, versions]);
                    self.reindex();
                    self.others.push(path);
                }
                Reply::Other(Err(e)) => {
                    tracing::warn!("{e}");
                    self.notice = Some(e);
                }
                Reply::PhotoStored(r) => {
                    self.photos_pending = self.photos_pending.saturating_sub(1);
                    if let Some(f) = &mut self.form {
                        match r {
                            Ok(p) if !f.photos.iter().any(|q| q.sha256 == p.sha256) => f.photos.push(p),
                            Ok(_) => {}
                            Err(e) => f.error = Some(e),
                        }
                    }
                }
            }
        }
        // Keep the draft on disk as it changes; a form closed unsaved leaves none.
        match &self.form {
            Some(f) if !f.saving => {
                let text = serde_json::to_string(f).ok();
                if text != self.sent_draft {
                    self.sent_draft = text.clone();
                    self.send(Request::Draft(text));
                }
            }
            None if self.sent_draft.is_some() => {
                self.sent_draft = None;
                self.send(Request::Draft(None));
            }
            _ => {}
        }
    }

    fn send(&mut self, r: Request) -> bool {
        let Some(tx) = &self.tx else { return false };
        match tx.try_send(r) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                tracing::warn!("the journal is busy");
                false
            }
            Err(TrySendError::Disconnected(_)) => {
                self.error = Some("the journal writer stopped".into());
                false
            }
        }
    }

    /// Sends a check to be saved; the form stays open until it is.
    pub fn save(&mut self, check: Check) -> bool {
        if let Some(f) = &mut self.form {
            f.saving = true;
            f.error = None;
        }
        let sent = self.send(Request::Save(Box::new(check)));
        if !sent && let Some(f) = &mut self.form {
            f.saving = false;
        }
        sent
    }

    /// The journal's file, once it is open (for sending it to a server).
    pub fn journal_path(&self) -> Option<&Path> {
        (self.opened && self.error.is_none() && !self.path.as_os_str().is_empty()).then_some(self.path.as_path())
    }

    /// The folders photos may be in: this journal's, then the merged ones'.
    pub fn photo_folders(&self) -> Vec<PathBuf> {
        std::iter::once(&self.path).chain(&self.others).filter_map(|p| p.parent().map(Path::to_path_buf)).collect()
    }

    /// Keeps today's route with the journal (empty stops: none).
    pub fn save_route(&mut self, r: binzhou_journal::SavedRoute) {
        self.send(Request::SaveRoute(r));
    }

    /// Merges another team's journal in (read-only): its checks show beside ours.
    pub fn read_other(&mut self, path: PathBuf) {
        if path != self.path && !self.others.contains(&path) {
            self.send(Request::ReadOther(path));
        }
    }

    /// Starts (a new segment) or pauses recording the track.
    pub fn toggle_recording(&mut self) {
        self.recording = match self.recording {
            Some(_) => None,
            None => Some(binzhou_journal::new_check_id()),
        };
    }

    /// Adds a fix to the track while recording.
    pub fn record_fix(&mut self, fix: &binzhou_core::gnss::Fix) {
        let Some(segment) = self.recording.clone() else { return };
        let p = binzhou_journal::TrackPoint {
            segment,
            time: binzhou_journal::now(),
            lon: fix.lon,
            lat: fix.lat,
            altitude_m: fix.altitude_m,
            accuracy_m: fix.accuracy_m(),
            satellites: fix.satellites,
        };
        self.track.push(p.clone());
        self.send(Request::Track(p));
    }

    /// Copies a photo into the journal's folder for the open form.
    /// Returns whether the journal took it (false: busy or stopped).
    pub fn add_photo(&mut self, path: PathBuf) -> bool {
        let sent = self.send(Request::StorePhoto(path));
        if sent {
            self.photos_pending += 1;
        }
        sent
    }

    /// Per site of `ds`, the slot of its newest live check's result in
    /// [`crate::app::map::style::check_colour`] (not checked: the last), and
    /// whether it was checked today (Beijing time). Cached per data generation.
    pub fn site_slots(
        &mut self,
        ds: &binzhou_core::model::Dataset,
        generation: u64,
        layer_of: &[u16],
        layers: usize,
    ) -> SiteSlots {
        let key = (self.versions.len(), generation);
        if self.slots.as_ref().is_none_or(|(k, _)| *k != key) {
            let newest = &self.live_by_site;
            let today = crate::app::i18n::beijing_time(&binzhou_journal::now());
            let today = today.get(..10).unwrap_or("");
            let mut slots = vec![crate::app::map::style::NOT_CHECKED; ds.sites.len()];
            let mut fresh = vec![false; ds.sites.len()];
            for (i, s) in ds.sites.iter().enumerate() {
                if let Some(c) = newest.get(s.id()).and_then(|v| v.first()).map(|&k| &self.versions[k]) {
                    slots[i] = CheckResult::ALL.iter().position(|r| *r == c.result).unwrap_or(0) as u8;
                    fresh[i] = crate::app::i18n::beijing_time(&c.checked_at).starts_with(today);
                }
            }
            let mut per_layer = vec![[0usize; 6]; layers];
            for (i, (&slot, &today)) in slots.iter().zip(&fresh).enumerate() {
                if let Some(counts) = layer_of.get(i).and_then(|&l| per_layer.get_mut(l as usize)) {
                    counts[(slot as usize).min(4)] += 1;
                    counts[5] += usize::from(today);
                }
            }
            let slots = SiteSlots { slots: slots.into(), today: fresh.into(), per_layer: per_layer.into() };
            self.slots = Some((key, slots));
        }
        self.slots.as_ref().map(|(_, s)| s.clone()).unwrap_or_default()
    }

    /// Every live check (newest versions, not deleted), and how many versions
    /// there are in all: what an office summary counts.
    pub fn live(&self) -> (Vec<&Check>, usize) {
        (current(&self.versions), self.versions.len())
    }

    /// How many versions are read (grows with every save or merge).
    pub fn version_count(&self) -> usize {
        self.versions.len()
    }

    /// The journals open: this one, then the merged ones (for an export).
    pub fn journals(&self) -> Vec<PathBuf> {
        std::iter::once(self.path.clone())
            .chain(self.others.iter().cloned())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    }

    /// The newest version of a check, deleted or not.
    pub fn newest_version(&self, id: &str) -> Option<&Check> {
        self.versions.iter().filter(|c| c.id == id).max_by_key(|c| (c.version, c.written_at.clone()))
    }

    /// Rebuilds the live checks by site after the versions changed: the
    /// identify panel and the route ask for them every frame.
    fn reindex(&mut self) {
        let live = current(&self.versions);
        let mut by_site: HashMap<String, Vec<usize>> = HashMap::new();
        let position: HashMap<(&str, u32, &str, &str), usize> = self
            .versions
            .iter()
            .enumerate()
            .map(|(k, c)| ((c.id.as_str(), c.version, c.written_at.as_str(), c.author.as_str()), k))
            .collect();
        for c in live {
            if let Some(&k) = position.get(&(c.id.as_str(), c.version, c.written_at.as_str(), c.author.as_str())) {
                by_site.entry(c.site_id.clone()).or_default().push(k);
            }
        }
        self.live_by_site = by_site;
    }

    /// The live checks of a site, newest first.
    pub fn of_site(&self, site_id: &str) -> Vec<&Check> {
        self.live_by_site.get(site_id).map(|v| v.iter().map(|&k| &self.versions[k]).collect()).unwrap_or_default()
    }

    /// Waits (up to `timeout`) until the worker has answered everything
    /// sent so far; for tests and scripts.
    pub fn settle(&mut self, timeout: std::time::Duration) {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            self.poll();
            let busy = self.tx.is_some()
                && (!self.opened || self.photos_pending > 0 || self.form.as_ref().is_some_and(|f| f.saving));
            if !busy || std::time::Instant::now() > deadline {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
