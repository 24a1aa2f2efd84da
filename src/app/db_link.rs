//! The plan opened from a shared database (`--db URL`): the `db-link`
//! worker connects, reads every site, then listens for changes
//! (`LISTEN binzhou_changes`) and re-reads the sites another user changed.
//! It keeps its own copy of the data, applies each change to it, builds the
//! map's data off the UI thread and sends it whole; the app swaps it in.
//! When the server goes away the worker says so, keeps trying every few
//! seconds, and on reconnecting reads everything changed since the last
//! history row it saw (notifications sent meanwhile are lost by design).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use binzhou_core::model::Dataset;
use binzhou_db::Target;
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use super::data::MapData;

/// How long to wait between tries to reach the server.
const RETRY: Duration = Duration::from_secs(3);
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
    /// The whole plan, read on first connecting.
    Loaded {
        data: Arc<MapData>,
        seconds: f64,
    },
    /// Sites changed by someone: the data with them, and their ids.
    Changed {
        data: Arc<MapData>,
        ids: Vec<String>,
    },
}

/// The app's side of the link.
pub struct DbLink {
    /// `user@host:port/db`, never the password.
    pub shown: String,
    rx: Receiver<LinkMsg>,
    stop: Arc<AtomicBool>,
    pub state: LinkState,
    /// Sites changed by others lately, with when, to mark on the map.
    pub marked: Vec<(String, Instant)>,
}

impl Drop for DbLink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl DbLink {
    /// Starts the worker on `target`; `wake` is called after each message.
    pub fn start(target: Target, wake: impl Fn() + Send + 'static) -> DbLink {
        let (tx, rx) = bounded::<LinkMsg>(8);
        let stop = Arc::new(AtomicBool::new(false));
        let shown = target.shown();
        let flag = stop.clone();
        let spawned = std::thread::Builder::new().name("db-link".into()).spawn(move || {
            let mut w = Worker { target, tx, wake: Box::new(wake), stop: flag, copy: None, seq: 0 };
            w.run();
        });
        let state = match spawned {
            Ok(_) => LinkState::Connecting,
            Err(e) => LinkState::Offline(e.to_string()),
        };
        DbLink { shown, rx, stop, state, marked: Vec::new() }
    }

    /// What the worker sent since the last frame.
    pub fn poll(&mut self) -> Vec<LinkMsg> {
        let mut out = Vec::new();
        while let Ok(m) = self.rx.try_recv() {
            if let LinkMsg::State(s) = &m {
                self.state = s.clone();
            }
            if let LinkMsg::Changed { ids, .. } = &m {
                let now = Instant::now();
                self.marked.extend(ids.iter().map(|id| (id.clone(), now)));
            }
            out.push(m);
        }
        self.marked.retain(|(_, at)| at.elapsed() < MARK_FOR);
        out
    }
}

/// The worker's own copy of the data: the sites, and the index by id.
struct Copy {
    ds: Dataset,
    by_id: HashMap<String, usize>,
}

struct Worker {
    target: Target,
    tx: Sender<LinkMsg>,
    wake: Box<dyn Fn() + Send>,
    stop: Arc<AtomicBool>,
    copy: Option<Copy>,
    /// The newest history row applied.
    seq: i64,
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
            let (ds, report) = binzhou_db::sites::pull(&mut client, &name)?;
            self.seq = report.seq;
            let by_id = ds.sites.iter().enumerate().map(|(i, s)| (s.id().to_string(), i)).collect();
            let data = Arc::new(MapData::build(ds.clone()));
            self.copy = Some(Copy { ds, by_id });
            self.send(LinkMsg::Loaded { data, seconds: started.elapsed().as_secs_f64() });
        }
        // What changed while we were away (or between the pull and LISTEN).
        self.catch_up(&mut client)?;
        self.send(LinkMsg::State(LinkState::Online));
        let mut probed = Instant::now();
        loop {
            if self.stopped() {
                return Ok(());
            }
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
            let mut ids: Vec<String> = changes.into_iter().map(|c| c.row_id).collect();
            ids.sort();
            ids.dedup();
            let stored = binzhou_db::sites::get_many(client, &ids)?;
            let name = self.target.shown();
            let fresh = binzhou_db::sites::dataset_of(&stored, &name)?;
            let Some(copy) = &mut self.copy else { return Ok(()) };
            apply(copy, fresh, &ids);
            self.seq = last;
            let data = Arc::new(MapData::build(copy.ds.clone()));
            self.send(LinkMsg::Changed { data, ids });
        }
    }
}

/// Puts the re-read sites into the copy (replacing those with their id,
/// adding new ones) and takes out the ids asked about that are gone.
fn apply(copy: &mut Copy, fresh: Dataset, ids: &[String]) {
    let mut present: std::collections::HashSet<String> = std::collections::HashSet::new();
    for mut site in fresh.sites {
        let id = site.id().to_string();
        site.origin.file = 0;
        match copy.by_id.get(&id) {
            Some(&i) => {
                site.origin.index = copy.ds.sites[i].origin.index;
                copy.ds.sites[i] = site;
            }
            None => {
                site.origin.index = copy.ds.sites.len() as u32;
                copy.by_id.insert(id.clone(), copy.ds.sites.len());
                copy.ds.sites.push(site);
            }
        }
        present.insert(id);
    }
    let gone: Vec<&String> = ids.iter().filter(|id| !present.contains(*id)).collect();
    if !gone.is_empty() {
        copy.ds.sites.retain(|s| !gone.iter().any(|g| *g == s.id()));
        copy.by_id = copy.ds.sites.iter().enumerate().map(|(i, s)| (s.id().to_string(), i)).collect();
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
