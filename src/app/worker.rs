//! Loading data off the UI thread.
//!
//! A named worker thread ("data-loader") reads the files, merges them into a
//! copy of the current dataset, builds the index and drawing caches, and
//! sends the finished [`MapData`] back over a bounded channel. The UI polls
//! the channel with `try_recv` once per frame; the worker asks for a repaint
//! whenever it sends. Progress messages are dropped, never waited for, when
//! the channel is full.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TryRecvError, bounded};

use binzhou_core::load::{LoadOptions, load_file, merge_into};
use binzhou_core::model::Dataset;

use super::data::MapData;

/// What the worker says.
#[derive(Debug)]
pub enum LoaderMsg {
    /// Bytes read so far of a file.
    Progress { file: String, read: u64, total: u64 },
    /// The merged data, ready to swap in.
    Done(Box<Loaded>),
}

/// A finished load.
#[derive(Debug)]
pub struct Loaded {
    pub data: Arc<MapData>,
    /// The files this load added, by display name.
    pub files: Vec<String>,
    /// Sites and problems this load added.
    pub new_sites: usize,
    pub new_problems: usize,
    /// Whether the load replaced the data rather than adding to it.
    pub replaced: bool,
    pub elapsed: Duration,
}

/// What a load should do with the current data.
#[derive(Clone, Debug)]
pub enum LoadKind {
    /// Start afresh from these paths.
    Replace,
    /// Add these files to the current data.
    Add(Arc<MapData>),
}

/// The progress of the load under way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadProgress {
    pub file: String,
    pub read: u64,
    pub total: u64,
}

/// What polling found.
#[derive(Debug)]
pub enum Polled {
    Nothing,
    Loaded(Box<Loaded>),
    /// The worker stopped without an answer (it panicked).
    Died,
}

/// The UI side of the loader.
#[derive(Default)]
pub struct Loader {
    rx: Option<Receiver<LoaderMsg>>,
    progress: Option<LoadProgress>,
    /// Files waiting for the load under way to finish.
    queued: Vec<PathBuf>,
}

fn display_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// How to read one file of a load (a ledger's column mapping, a sheet).
pub type FileOptions = (PathBuf, binzhou_formats::ReadOptions);

fn run_load(
    tx: &Sender<LoaderMsg>,
    ctx: &egui::Context,
    paths: Vec<PathBuf>,
    kind: LoadKind,
    options: &[FileOptions],
) -> Loaded {
    let started = Instant::now();
    let (files, mut problems) = binzhou_formats::expand_paths(&paths);
    let opts = LoadOptions::default();
    let mut added = Dataset::default();
    let last_repaint = AtomicU64::new(0);
    for f in &files {
        let name = display_name(f);
        let progress = |read: u64, total: u64| {
            // At most one repaint per 1 % (or per MB of an unknown size).
            let step = (total / 100).max(1 << 20);
            let bucket = read / step;
            if last_repaint.swap(bucket, Ordering::Relaxed) != bucket {
                let sent = tx.try_send(LoaderMsg::Progress { file: name.clone(), read, total });
                if sent.is_ok() {
                    ctx.request_repaint();
                }
            }
        };
        if binzhou_formats::is_geojson(f) {
            merge_into(&mut added, load_file(f, &opts, &progress));
        } else {
            // Shapefiles, GeoPackages, KML, ledgers: what the reader found
            // out (encoding, coordinate system, columns) comes as notices.
            // A file given options (a ledger's sheets) is read once per entry.
            let given: Vec<&binzhou_formats::ReadOptions> =
                options.iter().filter(|(p, _)| p == f).map(|(_, o)| o).collect();
            let default = binzhou_formats::ReadOptions::default();
            for o in if given.is_empty() { vec![&default] } else { given } {
                merge_into(&mut added, binzhou_formats::load(f, o, 0).0);
            }
        }
        last_repaint.store(u64::MAX, Ordering::Relaxed);
    }
    added.problems.append(&mut problems);
    let (dataset, replaced, before) = match kind {
        LoadKind::Replace => (added, true, (0, 0)),
        LoadKind::Add(base) => {
            let mut ds = base.dataset.clone();
            let before = (ds.sites.len(), ds.problems.len());
            merge_into(&mut ds, added);
            (ds, false, before)
        }
    };
    let new_sites = dataset.sites.len() - before.0;
    let new_problems = dataset.problems.len() - before.1;
    Loaded {
        data: Arc::new(MapData::build(dataset)),
        files: files.iter().map(|f| display_name(f)).collect(),
        new_sites,
        new_problems,
        replaced,
        elapsed: started.elapsed(),
    }
}

impl Loader {
    /// Starts loading `paths` on the worker thread, or queues them (to add)
    /// when a load is under way.
    pub fn start(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>, kind: LoadKind) {
        self.start_with(ctx, paths, kind, Vec::new());
    }

    /// Starts loading `paths` with read options per file (unless a load is
    /// under way: then the paths are queued, without them).
    pub fn start_with(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>, kind: LoadKind, options: Vec<FileOptions>) {
        if paths.is_empty() {
            return;
        }
        if self.is_busy() {
            self.queued.extend(paths);
            return;
        }
        let (tx, rx) = bounded::<LoaderMsg>(16);
        let ctx2 = ctx.clone();
        let spawned = std::thread::Builder::new().name("data-loader".into()).spawn(move || {
            let loaded = run_load(&tx, &ctx2, paths, kind, &options);
            // The UI drains the channel every frame, so this waits briefly at most.
            let _ = tx.send(LoaderMsg::Done(Box::new(loaded)));
            ctx2.request_repaint();
        });
        match spawned {
            Ok(_) => {
                self.rx = Some(rx);
                self.progress = Some(LoadProgress::default());
            }
            Err(e) => tracing::error!("cannot start the loader thread: {e}"),
        }
    }

    /// Whether a load is under way.
    pub fn is_busy(&self) -> bool {
        self.rx.is_some()
    }

    /// The progress of the load under way.
    pub fn progress(&self) -> Option<&LoadProgress> {
        self.progress.as_ref()
    }

    /// Takes the files queued while a load was under way.
    pub fn take_queued(&mut self) -> Vec<PathBuf> {
        std::mem::take(&mut self.queued)
    }

    /// Drains the channel without blocking.
    pub fn poll(&mut self) -> Polled {
        let Some(rx) = &self.rx else {
            return Polled::Nothing;
        };
        loop {
            match rx.try_recv() {
                Ok(LoaderMsg::Progress { file, read, total }) => {
                    self.progress = Some(LoadProgress { file, read, total });
                }
                Ok(LoaderMsg::Done(done)) => {
                    self.rx = None;
                    self.progress = None;
                    return Polled::Loaded(done);
                }
                Err(TryRecvError::Empty) => return Polled::Nothing,
                Err(TryRecvError::Disconnected) => {
                    self.rx = None;
                    self.progress = None;
                    return Polled::Died;
                }
            }
        }
    }

    /// Blocks until the load under way finishes (for tests and scripted use).
    pub fn wait(&mut self, timeout: Duration) -> Polled {
        let Some(rx) = self.rx.clone() else {
            return Polled::Nothing;
        };
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(LoaderMsg::Progress { .. }) => {}
                Ok(LoaderMsg::Done(done)) => {
                    self.rx = None;
                    self.progress = None;
                    return Polled::Loaded(done);
                }
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => return Polled::Nothing,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                    self.rx = None;
                    self.progress = None;
                    return Polled::Died;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_runs_on_the_worker_and_comes_back_merged() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.geojson");
        std::fs::write(
            &f,
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"X-1","name":"某口袋公园","layer":"pocket_park","plan_year":2020},
             "geometry":{"type":"Point","coordinates":[118.0,37.4]}}]}"#,
        )
        .unwrap();
        let ctx = egui::Context::default();
        let mut loader = Loader::default();
        loader.start(&ctx, vec![f.clone()], LoadKind::Replace);
        assert!(loader.is_busy());
        let Polled::Loaded(first) = loader.wait(Duration::from_secs(20)) else {
            panic!("no answer from the loader");
        };
        assert_eq!(first.data.dataset.sites.len(), 1);
        // Adding the same file again: its id is a duplicate, so the site is dropped with a problem.
        loader.start(&ctx, vec![f], LoadKind::Add(first.data.clone()));
        let Polled::Loaded(second) = loader.wait(Duration::from_secs(20)) else {
            panic!("no answer from the loader");
        };
        assert_eq!(second.data.dataset.sites.len(), 1);
        assert!(
            second
                .data
                .dataset
                .problems
                .iter()
                .any(|p| matches!(p.code, binzhou_core::model::Code::DuplicateId { .. }))
        );
    }
}
