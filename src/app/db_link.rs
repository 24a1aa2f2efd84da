//! The plan opened from a shared database (`--db URL`): the `db-link`
//! worker connects, reads every site, then listens for changes
//! (`LISTEN binzhou_changes`) and re-reads the sites another user changed.
//! It keeps the data it last sent, applies each change to a copy, builds the
//! map's data off the UI thread and sends it whole; the app swaps it in.
//! When the server goes away the worker says so, keeps trying every few
//! seconds, and on reconnecting reads everything changed since the last
//! history row it saw (notifications sent meanwhile are lost by design).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use binzhou_core::model::Dataset;
use binzhou_db::Target;
use binzhou_db::sites::{SiteRow, Written};
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use super::data::MapData;

/// How long to wait between tries to reach the server.
const RETRY: Duration = Duration::from_secs(3);
/// From this many sites on, the sites in view are read and shown first,
/// then the whole plan.
pub const FIRST_VIEW_MIN: i64 = 20_000;
/// The most sites of the first view.
const FIRST_VIEW_LIMIT: i64 = 50_000;

/// How long a site another user changed stays marked on the map.
pub const MARK_FOR: Duration = Duration::from_secs(4);

/// Where the link stands.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkState {
    Connecting,
    Online,
    /// The server cannot be reached (why); the data shown is the last read.
    Offline(String),
}

/// What the worker sends.
pub enum LinkMsg {
    State(LinkState),
    /// The whole plan, read on first connecting, with each site's version.
    Loaded {
        data: Arc<MapData>,
        seconds: f64,
        versions: HashMap<String, i64>,
        /// Only the sites in view of a large database; the whole plan follows.
        partial: bool,
    },
    /// Sites changed (by anyone): the data with them, their ids and versions.
    Changed {
        data: Arc<MapData>,
        ids: Vec<String>,
        versions: Vec<(String, i64)>,
    },
    /// What became of the writes sent, in order.
    Written(Vec<WriteResult>),
    /// A journal's checks sent: how many were new to the server.
    ChecksSynced(Result<binzhou_db::checks::SyncReport, String>),
}

/// One site's change for the server, made from the version `base` (the
/// version the user saw when they changed it).
#[derive(Clone, Debug)]
pub enum WriteReq {
    Update {
        row: SiteRow,
        base: i64,
    },
    Insert {
        row: SiteRow,
    },
    Delete {
        id: String,
        base: i64,
    },
    /// The user took the other version of a conflict: theirs stays, mine
    /// goes into the history.
    KeepRejected {
        row: SiteRow,
        base: i64,
    },
    /// Read the site again as the server has it (after a refused write).
    Reread {
        id: String,
    },
    /// Send the field checks of this journal not yet on the server.
    SyncChecks {
        journal: std::path::PathBuf,
    },
}

impl WriteReq {
    /// The site it is about.
    pub fn id(&self) -> &str {
        match self {
            WriteReq::Update { row, .. } | WriteReq::Insert { row } | WriteReq::KeepRejected { row, .. } => &row.id,
            WriteReq::Delete { id, .. } | WriteReq::Reread { id } => id,
            WriteReq::SyncChecks { .. } => "",
        }
    }
}

/// What became of one write.
#[derive(Clone, Debug)]
pub struct WriteResult {
    pub req: WriteReq,
    /// The server's answer, or why it could not be asked.
    pub outcome: Result<Written, String>,
}

/// Writes sent together, by one author.
struct Batch {
    author: String,
    writes: Vec<WriteReq>,
}

/// The app's side of the link.
pub struct DbLink {
    /// `user@host:port/db`, never the password.
    pub shown: String,
    rx: Receiver<LinkMsg>,
    writes: Sender<Batch>,
    /// Each site's version in the data shown.
    pub versions: HashMap<String, i64>,
    /// Writes sent that have no answer yet (queued while offline).
    pub waiting: usize,
    /// Versions this app wrote, so its own changes coming back are not
    /// announced as someone else's.
    mine: HashMap<String, i64>,
    stop: Arc<AtomicBool>,
    pub state: LinkState,
    /// Sites changed by others lately, with when, to mark on the map.
    pub marked: Vec<(String, Instant)>,
    /// Only the first view is read yet; the whole plan is on its way.
    pub partial: bool,
    /// The size of each plan read sent, in order (for tests).
    pub reads: Vec<usize>,
}

impl Drop for DbLink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl DbLink {
    /// Starts the worker on `target`; `wake` is called after each message.
    /// `view`: the box (west, south, east, north) the map shows, read first
    /// from a large database.
    pub fn start(target: Target, view: Option<(f64, f64, f64, f64)>, wake: impl Fn() + Send + 'static) -> DbLink {
        let (tx, rx) = bounded::<LinkMsg>(8);
        let (writes, requests) = bounded::<Batch>(64);
        let stop = Arc::new(AtomicBool::new(false));
        let shown = target.shown();
        let flag = stop.clone();
        let spawned = std::thread::Builder::new().name("db-link".into()).spawn(move || {
            let mut w = Worker {
                target,
                tx,
                requests,
                queue: VecDeque::new(),
                reread: Vec::new(),
                wake: Box::new(wake),
                stop: flag,
                copy: None,
                seq: 0,
                view,
            };
            w.run();
        });
        let state = match spawned {
            Ok(_) => LinkState::Connecting,
            Err(e) => LinkState::Offline(e.to_string()),
        };
        DbLink {
            shown,
            rx,
            writes,
            versions: HashMap::new(),
            waiting: 0,
            mine: HashMap::new(),
            stop,
            state,
            marked: Vec::new(),
            partial: false,
            reads: Vec::new(),
        }
    }

    /// Sends changes to the server as `author`; false when they cannot be
    /// taken now (too many waiting) and should be sent again later.
    pub fn write(&mut self, author: &str, writes: Vec<WriteReq>) -> bool {
        let n = writes.iter().filter(|w| !matches!(w, WriteReq::SyncChecks { .. })).count();
        match self.writes.try_send(Batch { author: author.to_string(), writes }) {
            Ok(()) => {
                self.waiting += n;
                true
            }
            Err(_) => false,
        }
    }

    /// Whether site `id` at `version` is this app's own write.
    pub fn is_mine(&self, id: &str, version: i64) -> bool {
        self.mine.get(id) == Some(&version)
    }

    /// What the worker sent since the last frame.
    pub fn poll(&mut self) -> Vec<LinkMsg> {
        let mut out = Vec::new();
        while let Ok(m) = self.rx.try_recv() {
            if let LinkMsg::State(s) = &m {
                self.state = s.clone();
            }
            match &m {
                LinkMsg::Loaded { versions, partial, data, .. } => {
                    self.versions = versions.clone();
                    self.partial = *partial;
                    self.reads.push(data.dataset.sites.len());
                }
                LinkMsg::Changed { versions, .. } => {
                    let now = Instant::now();
                    for (id, v) in versions {
                        if self.mine.get(id) != Some(v) {
                            self.marked.push((id.clone(), now));
                        }
                    }
                    self.versions.extend(versions.iter().cloned());
                }
                LinkMsg::Written(done) => {
                    self.waiting = self.waiting.saturating_sub(done.len());
                    for r in done {
                        if let (
                            WriteReq::Update { row, .. } | WriteReq::Insert { row },
                            Ok(Written::Applied { version }),
                        ) = (&r.req, &r.outcome)
                        {
                            self.mine.insert(row.id.clone(), *version);
                            // The data shown has this version now (its own
                            // notification comes back after).
                            self.versions.insert(row.id.clone(), *version);
                        }
                    }
                }
                LinkMsg::State(_) | LinkMsg::ChecksSynced(_) => {}
            }
            out.push(m);
        }
        self.marked.retain(|(_, at)| at.elapsed() < MARK_FOR);
        out
    }
}

/// The data last sent (shared with the app, not a second copy), and the
/// index of its sites by id.
struct Copy {
    data: Arc<MapData>,
    by_id: HashMap<String, usize>,
}

struct Worker {
    target: Target,
    tx: Sender<LinkMsg>,
    requests: Receiver<Batch>,
    /// Writes taken from the app and not yet answered (kept across a cut).
    queue: VecDeque<Batch>,
    /// Sites to read again once the queued writes are sent.
    reread: Vec<String>,
    wake: Box<dyn Fn() + Send>,
    stop: Arc<AtomicBool>,
    copy: Option<Copy>,
    /// The newest history row applied.
    seq: i64,
    /// The map's view when the link started.
    view: Option<(f64, f64, f64, f64)>,
}

impl Worker {
    fn send(&self, m: LinkMsg) {
        // The data messages wait for room: a change is never dropped.
        let sent = match m {
            LinkMsg::State(_) => match self.tx.try_send(m) {
                Ok(()) | Err(TrySendError::Full(_)) => true,
                Err(TrySendError::Disconnected(_)) => false,
            },
            m => self.tx.send(m).is_ok(),
        };
        if !sent {
            self.stop.store(true, Ordering::Relaxed);
        }
        (self.wake)();
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn run(&mut self) {
        while !self.stopped() {
            match self.session() {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!("database {}: {e}", self.target.shown());
                    self.send(LinkMsg::State(LinkState::Offline(short_reason(&e))));
                }
            }
            let until = Instant::now() + RETRY;
            while Instant::now() < until && !self.stopped() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// One connection: read (or catch up), then listen until it breaks.
    /// `Ok` only when asked to stop.
    fn session(&mut self) -> Result<(), binzhou_db::DbError> {
        let mut client = binzhou_db::connect(&self.target)?;
        binzhou_db::schema::require(&mut client)?;
        client.batch_execute(&format!("LISTEN {}", binzhou_db::schema::CHANNEL))?;
        if self.copy.is_none() {
            let started = Instant::now();
            let name = self.target.shown();
            // A large plan shows what is in view first.
            if let Some(view) = self.view
                && binzhou_db::sites::count(&mut client)? >= FIRST_VIEW_MIN
            {
                let (ds, versions) = binzhou_db::sites::pull_extent(&mut client, view, FIRST_VIEW_LIMIT, &name)?;
                let data = Arc::new(MapData::build(ds));
                let versions = versions.into_iter().collect();
                self.send(LinkMsg::Loaded { data, seconds: started.elapsed().as_secs_f64(), versions, partial: true });
            }
            let (ds, report) = binzhou_db::sites::pull(&mut client, &name)?;
            self.seq = report.seq;
            let by_id = ds.sites.iter().enumerate().map(|(i, s)| (s.id().to_string(), i)).collect();
            let data = Arc::new(MapData::build(ds));
            self.copy = Some(Copy { data: data.clone(), by_id });
            let versions = report.versions.into_iter().collect();
            self.send(LinkMsg::Loaded { data, seconds: started.elapsed().as_secs_f64(), versions, partial: false });
        }
        // What changed while we were away (or between the pull and LISTEN).
        self.catch_up(&mut client)?;
        self.send(LinkMsg::State(LinkState::Online));
        let mut probed = Instant::now();
        loop {
            if self.stopped() {
                return Ok(());
            }
            self.write_queued(&mut client)?;
            let mut heard = false;
            {
                use binzhou_db::postgres::fallible_iterator::FallibleIterator as _;
                let mut n = client.notifications();
                let mut it = n.timeout_iter(Duration::from_millis(250));
                while let Some(_note) = it.next()? {
                    heard = true;
                }
            }
            if heard {
                self.catch_up(&mut client)?;
            } else if probed.elapsed() > Duration::from_secs(2) {
                // A quiet connection may be a dead one: ask.
                probed = Instant::now();
                if client.is_valid(Duration::from_secs(2)).is_err() {
                    return Err(binzhou_db::DbError::Sql("the connection was closed by the server".into()));
                }
            }
        }
    }

    /// Re-reads the sites changed after the last history row seen and sends
    /// the data with them.
    fn catch_up(&mut self, client: &mut binzhou_db::postgres::Client) -> Result<(), binzhou_db::DbError> {
        loop {
            let changes = binzhou_db::sites::changes_since(client, self.seq, 5000)?;
            let Some(last) = changes.last().map(|c| c.seq) else { return Ok(()) };
            let ids: Vec<String> = changes.into_iter().map(|c| c.row_id).collect();
            self.refresh(client, ids)?;
            self.seq = last;
        }
    }

    /// Re-reads sites `ids` into the copy and sends the data with them.
    fn refresh(
        &mut self,
        client: &mut binzhou_db::postgres::Client,
        mut ids: Vec<String>,
    ) -> Result<(), binzhou_db::DbError> {
        ids.sort();
        ids.dedup();
        let name = self.target.shown();
        let (fresh, versions) = binzhou_db::sites::pull_ids(client, &ids, &name)?;
        let Some(copy) = &mut self.copy else { return Ok(()) };
        // The sites are copied only for the change, and the old data goes
        // once the app has swapped in the new.
        let mut ds = copy.data.dataset.clone();
        apply(&mut ds, &mut copy.by_id, fresh, &ids);
        let data = Arc::new(MapData::build(ds));
        copy.data = data.clone();
        self.send(LinkMsg::Changed { data, ids, versions });
        Ok(())
    }

    /// Sends the app's writes, each batch in order. A batch cut off by the
    /// connection stays queued and is sent again once back: each write
    /// carries its base version, so one that did reach the server comes
    /// back as a conflict with itself rather than being applied twice.
    fn write_queued(&mut self, client: &mut binzhou_db::postgres::Client) -> Result<(), binzhou_db::DbError> {
        while let Ok(b) = self.requests.try_recv() {
            self.queue.push_back(b);
        }
        while let Some(batch) = self.queue.front() {
            let mut done = Vec::with_capacity(batch.writes.len());
            for w in &batch.writes {
                let outcome = match w {
                    WriteReq::Update { row, base } => binzhou_db::sites::update(client, row, *base, &batch.author),
                    WriteReq::Insert { row } => binzhou_db::sites::insert(client, row, &batch.author),
                    WriteReq::Delete { id, base } => binzhou_db::sites::delete(client, id, *base, &batch.author),
                    WriteReq::KeepRejected { row, base } => {
                        binzhou_db::sites::keep_rejected(client, row, *base, &batch.author)
                            .map(|_| Written::Applied { version: *base })
                    }
                    WriteReq::Reread { id } => {
                        self.reread.push(id.clone());
                        Ok(Written::Applied { version: 0 })
                    }
                    WriteReq::SyncChecks { journal } => {
                        let synced = match binzhou_db::checks::sync(client, std::slice::from_ref(journal)) {
                            Ok(r) => Ok(r),
                            Err(e) if client.is_closed() => return Err(e),
                            Err(e) => Err(e.to_string()),
                        };
                        self.send(LinkMsg::ChecksSynced(synced));
                        continue;
                    }
                };
                match outcome {
                    Ok(o) => done.push(WriteResult { req: w.clone(), outcome: Ok(o) }),
                    // A refused statement is this write's answer; a lost
                    // connection ends the session with the batch still queued.
                    Err(binzhou_db::DbError::Sql(e)) if !client.is_closed() => {
                        done.push(WriteResult { req: w.clone(), outcome: Err(e) })
                    }
                    Err(e) => return Err(e),
                }
            }
            self.queue.pop_front();
            self.send(LinkMsg::Written(done));
        }
        if !self.reread.is_empty() {
            let ids = std::mem::take(&mut self.reread);
            self.refresh(client, ids)?;
        }
        Ok(())
    }
}

/// Puts the re-read sites into the copy (replacing those with their id,
/// adding new ones) and takes out the ids asked about that are gone.
fn apply(ds: &mut Dataset, by_id: &mut HashMap<String, usize>, fresh: Dataset, ids: &[String]) {
    let mut present: std::collections::HashSet<String> = std::collections::HashSet::new();
    for mut site in fresh.sites {
        let id = site.id().to_string();
        site.origin.file = 0;
        match by_id.get(&id).copied() {
            Some(i) => {
                site.origin.index = ds.sites[i].origin.index;
                ds.sites[i] = site;
            }
            None => {
                site.origin.index = ds.sites.len() as u32;
                by_id.insert(id.clone(), ds.sites.len());
                ds.sites.push(site);
            }
        }
        present.insert(id);
    }
    let gone: Vec<&String> = ids.iter().filter(|id| !present.contains(*id)).collect();
    if !gone.is_empty() {
        ds.sites.retain(|s| !gone.iter().any(|g| *g == s.id()));
        *by_id = ds.sites.iter().enumerate().map(|(i, s)| (s.id().to_string(), i)).collect();
    }
}

/// Why the server cannot be reached, short enough for the status bar (the
/// whole message goes to the log): the last cause of a failed connection,
/// e.g. `Connection refused (os error 111)`.
fn short_reason(e: &binzhou_db::DbError) -> String {
    let text = match e {
        binzhou_db::DbError::Connect { detail, .. } => detail.rsplit(": ").next().unwrap_or(detail).to_string(),
        other => other.to_string(),
    };
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}
