//! The app on a shared database: starting the link, swapping in what it
//! sends (keeping the user's unsaved edits on top), saving edits to the
//! server with the version each was made from, and the conflicts that
//! come back: mine and theirs side by side, the user chooses, and the
//! version not chosen stays in the server's history.

use std::collections::HashMap;

use binzhou_core::edit::fields::Field;
use binzhou_core::model::{Dataset, Origin};
use binzhou_db::sites::{SiteRow, Stored, Written};

use super::db_link::{DbLink, LinkMsg, LinkState, WriteReq, WriteResult};
use super::worker::{Loaded, Polled};
use super::*;

/// The database's pseudo-file: the plan read from the server is file 0.
const DB_FILE: u16 = 0;

/// A save that met someone else's newer version.
#[derive(Clone, Debug)]
pub struct DbConflict {
    /// My version, and the version I made it from.
    pub mine: SiteRow,
    pub base: i64,
    /// Theirs, as the server has it now.
    pub theirs: Stored,
}

/// The app's state about the database, beside the link.
#[derive(Default)]
pub struct DbEdits {
    /// Per edited site (its position in the pseudo-file): its id and the
    /// version the user saw when they first changed it.
    bases: HashMap<u32, (String, Option<i64>)>,
    /// Conflicts waiting for the user's choice.
    pub conflicts: Vec<DbConflict>,
    /// The 打开数据库 window, open: the connection string typed, and why the
    /// last one could not be used.
    pub opening: Option<(String, Option<String>)>,
    /// The window was just opened: its field takes the keyboard.
    pub focus_url: bool,
}

impl App {
    /// Opens the plan from the database at `target` instead of files.
    pub fn with_db(mut self, target: binzhou_db::Target) -> Self {
        self.initial = None;
        self.db_pending = Some(target);
        self
    }

    /// Opens the plan from the database at `url` (the menu's way): the data
    /// shown so far is let go. Refused while edits are unsaved.
    pub fn open_db(&mut self, url: &str) -> Result<(), String> {
        let lang = self.state.lang;
        if self.editing.editor.any_dirty() {
            return Err(lang.db_save_first().into());
        }
        let target = binzhou_db::Target::parse(url).map_err(|e| e.text(lang == Lang::Zh))?;
        self.state.last_db = format!("postgresql://{}", target.shown());
        self.db = None;
        self.db_edits = DbEdits::default();
        self.selected = None;
        self.highlight.clear();
        // The files' sites go: shown under the database's name they would
        // look like its plan, and their edits would be saved to it.
        self.data = Arc::new(MapData::build(Dataset::default()));
        self.generation += 1;
        self.db_pending = Some(target);
        Ok(())
    }

    /// Back to files: the link to the database is closed.
    pub(super) fn close_db(&mut self) {
        if self.db.take().is_some() {
            self.db_edits = DbEdits::default();
            self.notices.push(Notice { text: self.state.lang.db_closed().into(), ttl: Some(6.0) });
        }
    }

    /// The 打开数据库… window.
    pub(super) fn db_open_window(&mut self, ctx: &egui::Context) {
        let Some((mut url, error)) = self.db_edits.opening.take() else { return };
        let lang = self.state.lang;
        let mut open = true;
        let mut connect = false;
        let mut cancel = false;
        egui::Window::new(lang.db_open_title())
            .id(egui::Id::unique("db-open"))
            .open(&mut open)
            .collapsible(false)
            .anchor(Align2::CENTER_TOP, vec2(0.0, 90.0))
            .default_width(520.0)
            .show(ctx, |ui| {
                let l = ui.label(lang.db_url_label());
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut url)
                            .hint_text("postgresql://wang@192.168.1.20:5432/binzhou")
                            .desired_width(480.0),
                    )
                    .labelled_by(l.id);
                if std::mem::take(&mut self.db_edits.focus_url) {
                    r.request_focus();
                }
                if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    connect = true;
                }
                ui.label(RichText::new(lang.db_url_help()).small().weak());
                if let Some(e) = &error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.horizontal(|ui| {
                    connect |= ui.button(lang.db_connect()).clicked();
                    cancel = ui.button(lang.edits().cancel).clicked();
                });
            });
        if cancel || !open {
            return;
        }
        if connect {
            if let Err(e) = self.open_db(&url) {
                self.db_edits.opening = Some((url, Some(e)));
            }
            return;
        }
        self.db_edits.opening = Some((url, error));
    }

    /// The link to the database, if the plan came from one (for tests).
    pub fn db_link(&self) -> Option<&DbLink> {
        self.db.as_ref()
    }

    /// Whether any edit is unsaved (for tests).
    pub fn has_unsaved_edits(&self) -> bool {
        self.editing.editor.any_dirty()
    }

    /// Conflicts waiting for a choice (for tests).
    pub fn db_conflicts(&self) -> &[DbConflict] {
        &self.db_edits.conflicts
    }

    /// Starts the link once, then takes what it sent. Once per frame.
    pub(super) fn db_frame(&mut self, ctx: &egui::Context) {
        if let Some(target) = self.db_pending.take() {
            let wake = ctx.clone();
            let view = self.view_box();
            self.db = Some(DbLink::start(target, Some(view), move || wake.request_repaint()));
        }
        if self.db.is_none() {
            return;
        }
        // The versions edits were made from, before newer data comes in.
        self.record_db_bases();
        let Some(link) = &mut self.db else { return };
        let msgs = link.poll();
        let shown = link.shown.clone();
        let marking = !link.marked.is_empty();
        let was_partial = link.partial;
        for m in msgs {
            match m {
                LinkMsg::State(LinkState::Online) => self.sync_checks_to_db(),
                LinkMsg::State(_) => {}
                LinkMsg::ChecksSynced(r) => {
                    let lang = self.state.lang;
                    match r {
                        Ok(r) if r.sent > 0 => {
                            self.notices.push(Notice { text: lang.db_checks_synced(r.sent as usize), ttl: Some(5.0) })
                        }
                        Ok(_) => {}
                        Err(e) => self.notices.push(Notice { text: lang.db_checks_failed(&e), ttl: None }),
                    }
                }
                LinkMsg::Loaded { data, partial: false, .. } if was_partial => {
                    // The whole plan after the first view: swapped in under the user.
                    self.db_swap(data);
                }
                LinkMsg::Loaded { data, seconds, .. } => {
                    let new_sites = data.dataset.sites.len();
                    let new_problems = data.dataset.problems.len();
                    let loaded = Loaded {
                        data,
                        files: vec![shown.clone()],
                        new_sites,
                        new_problems,
                        replaced: true,
                        elapsed: Duration::from_secs_f64(seconds),
                    };
                    self.on_polled(ctx, Polled::Loaded(Box::new(loaded)));
                }
                LinkMsg::Changed { data, ids, versions } => self.db_changed(data, &ids, &versions),
                LinkMsg::Written(done) => self.db_written(done),
            }
        }
        if marking {
            // Redraw while the marks fade.
            ctx.request_repaint_after(Duration::from_millis(250));
        }
    }

    fn record_db_bases(&mut self) {
        let Some(link) = &self.db else { return };
        for p in self.editing.editor.pending(DB_FILE) {
            if self.db_edits.bases.contains_key(&p.index) {
                continue;
            }
            let id =
                p.on_disk.as_ref().or(p.now.as_ref()).and_then(|s| s.properties.get("id")).and_then(|v| v.as_str());
            let Some(id) = id else { continue };
            // A site new to the server has no version: it is inserted.
            let base = p.on_disk.as_ref().and_then(|_| link.versions.get(id).copied());
            self.db_edits.bases.insert(p.index, (id.to_string(), base));
        }
    }

    /// The box the map shows (west, south, east, north), from the camera
    /// when nothing has been drawn yet.
    fn view_box(&self) -> (f64, f64, f64, f64) {
        if let Some(t) = self.map.transform {
            let r = t.visible_lon_lat(0.0);
            return (r.min().x, r.min().y, r.max().x, r.max().y);
        }
        let c = self.map.camera();
        // A 1600 × 1000 window at the camera's zoom.
        let deg_per_px = 360.0 / (256.0 * 2f64.powf(c.zoom));
        let (dx, dy) = (800.0 * deg_per_px, 500.0 * deg_per_px * c.lat.to_radians().cos());
        (c.lon - dx, c.lat - dy, c.lon + dx, c.lat + dy)
    }

    /// New data from the server swapped in, the selection kept on the same
    /// sites and the user's unsaved edits laid over it again.
    fn db_swap(&mut self, data: Arc<MapData>) {
        let selected = self.selected.and_then(|i| self.data.dataset.sites.get(i)).map(|s| s.id().to_string());
        let highlighted: Vec<String> =
            self.highlight.iter().filter_map(|&i| self.data.dataset.sites.get(i)).map(|s| s.id().to_string()).collect();
        let pending = self.editing.editor.pending(DB_FILE);
        self.data = if pending.is_empty() {
            data
        } else {
            let mut ds: Dataset = data.dataset.clone();
            for p in &pending {
                let at = Origin { file: DB_FILE, index: p.index };
                ds.sites.retain(|s| s.origin != at);
                if let Some(local) = self.data.dataset.sites.iter().find(|s| s.origin == at) {
                    ds.sites.push(local.clone());
                }
            }
            Arc::new(MapData::build(ds))
        };
        self.generation += 1;
        let ds = &self.data.dataset;
        self.selected = selected.and_then(|id| ds.find_by_id(&id));
        self.highlight = highlighted.iter().filter_map(|id| ds.find_by_id(id)).collect();
    }

    /// Sites changed on the server: the data with them swapped in, and
    /// others' changes announced.
    fn db_changed(&mut self, data: Arc<MapData>, ids: &[String], versions: &[(String, i64)]) {
        let link = self.db.as_ref();
        let others: Vec<&String> = ids
            .iter()
            .filter(|id| {
                let v = versions.iter().find(|(i, _)| i == *id).map(|(_, v)| *v);
                !v.is_some_and(|v| link.is_some_and(|l| l.is_mine(id, v)))
            })
            .collect();
        // Named as the server has them (not as an unsaved edit here has them).
        let names: Vec<String> = others
            .iter()
            .take(3)
            .map(|id| {
                let ds = &data.dataset;
                ds.find_by_id(id).map(|i| ds.sites[i].name().to_string()).unwrap_or_else(|| id.to_string())
            })
            .collect();
        self.db_swap(data);
        if !others.is_empty() {
            let text = self.state.lang.db_changed(others.len(), &names);
            self.notices.push(Notice { text, ttl: Some(5.0) });
        }
    }

    /// Sends the field checks of the journal that the server has not got
    /// (on connecting, and after each check saved); a journal's checks go
    /// once, however often this runs.
    pub(super) fn sync_checks_to_db(&mut self) {
        let Some(journal) = self.checks.journal_path().map(std::path::Path::to_path_buf) else { return };
        let author = self.editing.editor.author().to_string();
        if let Some(link) = &mut self.db {
            link.write(&author, vec![WriteReq::SyncChecks { journal }]);
        }
    }

    /// Sends every unsaved edit of the plan to the server, each with the
    /// version it was made from.
    pub(super) fn save_to_db(&mut self) {
        self.record_db_bases();
        let lang = self.state.lang;
        let pending = self.editing.editor.pending(DB_FILE);
        if pending.is_empty() {
            self.notices.push(Notice { text: lang.edits().nothing_to_save.into(), ttl: Some(4.0) });
            return;
        }
        let ds = &self.data.dataset;
        let mut writes = Vec::new();
        // A site the server cannot take (no id) stops the whole save: the
        // edits stay unsaved here rather than be marked saved and lost.
        let mut unsendable = Vec::new();
        for p in &pending {
            let at = Origin { file: DB_FILE, index: p.index };
            let site = ds.sites.iter().find(|s| s.origin == at);
            let Some((id, base)) = self.db_edits.bases.get(&p.index).cloned() else {
                unsendable.push(site.map(|s| s.name().to_string()).unwrap_or_default());
                continue;
            };
            match (&p.now, base) {
                (Some(_), base) => {
                    let Some(site) = site else { continue };
                    match SiteRow::from_site(site) {
                        Ok(row) => writes.push(match base {
                            Some(base) => WriteReq::Update { row, base },
                            None => WriteReq::Insert { row },
                        }),
                        Err(_) => unsendable.push(site.name().to_string()),
                    }
                }
                (None, Some(base)) => writes.push(WriteReq::Delete { id, base }),
                (None, None) => {}
            }
        }
        if !unsendable.is_empty() {
            for name in unsendable {
                self.notices.push(Notice { text: lang.db_no_id(&name), ttl: None });
            }
            return;
        }
        let author = self.editing.editor.author().to_string();
        let Some(link) = &mut self.db else { return };
        if !link.write(&author, writes) {
            self.notices.push(Notice { text: lang.db_busy(), ttl: Some(6.0) });
            return;
        }
        // The edits are the server's (or queued for it) now: nothing here
        // is unsaved; what comes back refused is shown as it is.
        let mut ds = self.data.dataset.clone();
        let keep: HashMap<u32, u32> =
            ds.sites.iter().filter(|s| s.origin.file == DB_FILE).map(|s| (s.origin.index, s.origin.index)).collect();
        self.editing.editor.saved(&mut ds, DB_FILE, &keep);
        self.db_edits.bases.clear();
        self.swap_edited(ds);
    }

    /// The server's answers to a save.
    fn db_written(&mut self, done: Vec<WriteResult>) {
        let lang = self.state.lang;
        let mut applied = 0;
        let mut reread = Vec::new();
        for r in done {
            let id = r.req.id().to_string();
            let name = self
                .data
                .dataset
                .find_by_id(&id)
                .map(|i| self.data.dataset.sites[i].name().to_string())
                .unwrap_or(id.clone());
            match (r.req, r.outcome) {
                (WriteReq::Reread { .. } | WriteReq::KeepRejected { .. }, Ok(_)) => {}
                (_, Ok(Written::Applied { .. })) => applied += 1,
                (WriteReq::Update { row, base }, Ok(Written::Conflict { theirs })) => {
                    self.db_edits.conflicts.push(DbConflict { mine: row, base, theirs: *theirs });
                }
                (WriteReq::Insert { row }, Ok(Written::Conflict { theirs })) => {
                    self.db_edits.conflicts.push(DbConflict { mine: row, base: 0, theirs: *theirs });
                }
                (_, Ok(Written::Conflict { .. })) => {
                    // A delete of a site changed since: it stays, as it is now.
                    self.notices.push(Notice { text: lang.db_delete_conflict(&name), ttl: None });
                    reread.push(WriteReq::Reread { id });
                }
                (_, Ok(Written::Denied)) => {
                    self.notices.push(Notice { text: lang.db_denied(&name), ttl: None });
                    reread.push(WriteReq::Reread { id });
                }
                (_, Ok(Written::Gone)) => {
                    self.notices.push(Notice { text: lang.db_gone(&name), ttl: None });
                    reread.push(WriteReq::Reread { id });
                }
                (_, Err(e)) => {
                    self.notices.push(Notice { text: lang.db_write_failed(&name, &e), ttl: None });
                    reread.push(WriteReq::Reread { id });
                }
            }
        }
        if applied > 0 {
            self.notices.push(Notice { text: lang.db_saved(applied), ttl: Some(5.0) });
        }
        // Until the server has answered, the edits are also in the edit
        // journal (a crash while offline loses none); then it goes.
        let answered = self.db.as_ref().is_some_and(|l| l.waiting == 0);
        if answered
            && self.db_edits.conflicts.is_empty()
            && !self.editing.editor.any_dirty()
            && let Some(f) = self.data.dataset.files.get(DB_FILE as usize)
            && let Some(j) = self.editing.journal_of(&f.path)
        {
            self.editing.discard_journal(j);
        }
        let author = self.editing.editor.author().to_string();
        if !reread.is_empty()
            && let Some(link) = &mut self.db
        {
            link.write(&author, reread);
        }
    }

    /// Settles conflict `k`: `keep_mine` writes mine over theirs; otherwise
    /// theirs stays and mine is kept in the server's history.
    pub fn resolve_db_conflict(&mut self, k: usize, keep_mine: bool) {
        if k >= self.db_edits.conflicts.len() {
            return;
        }
        let c = self.db_edits.conflicts.remove(k);
        let id = c.mine.id.clone();
        let writes = if keep_mine {
            vec![WriteReq::Update { row: c.mine, base: c.theirs.version }]
        } else {
            vec![WriteReq::KeepRejected { row: c.mine, base: c.base }, WriteReq::Reread { id }]
        };
        let author = self.editing.editor.author().to_string();
        if let Some(link) = &mut self.db {
            link.write(&author, writes);
        }
    }

    /// The conflicts window: per conflict, the fields that differ, mine
    /// beside theirs, and the choice.
    pub(super) fn db_conflict_window(&mut self, ctx: &egui::Context) {
        if self.db_edits.conflicts.is_empty() {
            return;
        }
        let lang = self.state.lang;
        let mut choice = None;
        egui::Window::new(lang.db_conflict_title())
            .id(egui::Id::unique("db-conflicts"))
            .default_width(560.0)
            .anchor(Align2::CENTER_TOP, vec2(0.0, 72.0))
            .show(ctx, |ui| {
                ui.label(lang.db_conflict_help());
                for (k, c) in self.db_edits.conflicts.iter().enumerate() {
                    ui.separator();
                    ui.label(RichText::new(format!("{} · {}", c.mine.id, c.theirs.row.name)).strong());
                    ui.label(
                        RichText::new(lang.db_theirs_by(&c.theirs.updated_by, &c.theirs.updated_at)).small().weak(),
                    );
                    egui::Grid::new(("db-conflict", k)).striped(true).num_columns(3).show(ui, |ui| {
                        ui.label(RichText::new(lang.db_field()).strong());
                        ui.label(RichText::new(lang.db_mine()).strong());
                        ui.label(RichText::new(lang.db_theirs()).strong());
                        ui.end_row();
                        for (field, mine, theirs) in differences(&c.mine, &c.theirs.row, lang) {
                            ui.label(field);
                            ui.label(mine);
                            ui.label(theirs);
                            ui.end_row();
                        }
                    });
                    ui.horizontal(|ui| {
                        if ui.button(lang.db_keep_mine()).clicked() {
                            choice = Some((k, true));
                        }
                        if ui.button(lang.db_take_theirs()).clicked() {
                            choice = Some((k, false));
                        }
                    });
                }
            });
        if let Some((k, mine)) = choice {
            self.resolve_db_conflict(k, mine);
        }
    }

    /// The status bar's line about the database.
    pub(super) fn db_status(&self) -> Option<(String, bool)> {
        let link = self.db.as_ref()?;
        let lang = self.state.lang;
        let mut line = match &link.state {
            LinkState::Connecting if link.partial => (lang.db_partial(&link.shown), false),
            LinkState::Connecting => (lang.db_connecting(&link.shown), false),
            LinkState::Online => (lang.db_online(&link.shown), false),
            LinkState::Offline(why) => (lang.db_offline(&link.shown, why), true),
        };
        if link.waiting > 0 {
            line.0.push_str(&lang.db_waiting(link.waiting));
        }
        Some(line)
    }

    /// Where the sites another user just changed are, to mark them.
    pub(super) fn db_marked_positions(&self) -> Vec<Pos2> {
        let Some(link) = &self.db else { return Vec::new() };
        let ds = &self.data.dataset;
        link.marked.iter().filter_map(|(id, _)| ds.find_by_id(id)).filter_map(|i| self.site_screen_pos(i)).collect()
    }
}

/// The fields in which two versions of a site differ: name, value in
/// mine, value in theirs (the geometry as one row).
fn differences(mine: &SiteRow, theirs: &SiteRow, lang: Lang) -> Vec<(String, String, String)> {
    let (a, b) = (mine.properties(), theirs.properties());
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::HashSet::new();
    let text = |v: Option<&serde_json::Value>| v.map(super::editing::value_text).unwrap_or_default();
    let mut out: Vec<(String, String, String)> = keys
        .into_iter()
        .filter(|k| seen.insert(k.as_str()))
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let name = Field::of_key(k).map(|f| lang.field_name(f).to_string()).unwrap_or_else(|| k.clone());
            (name, text(a.get(k)), text(b.get(k)))
        })
        .collect();
    if mine.wkb != theirs.wkb {
        out.push((lang.db_geometry().into(), lang.db_differs().into(), lang.db_differs().into()));
    }
    out
}
