//! Loading GeoJSON into a [`Dataset`]: streaming, parallel, and forgiving.
//!
//! The flow for one file is
//! scan (split into features, [`scan`]) → parse each feature ([`feature`],
//! [`geometry`]) → validate into a site ([`validate`]) → place it in WGS84
//! ([`place`]). Problems are collected, never thrown: a broken feature drops
//! only itself, and the valid part of any file always loads.

mod feature;
mod geometry;
mod place;
mod scan;
mod validate;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crs::Crs;
use crate::model::{Code, Dataset, LayerKey, Msg, Origin, Problem, Severity, Site, SourceFile};

pub use feature::{FeatureError, RawFeature, parse_feature};

/// How to read input files.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The coordinate system the coordinates are in, overriding the file's
    /// own `crs` member and detection (e.g. GCJ-02 copied from AMap).
    pub from: Option<Crs>,
    /// Worker threads for parsing; 0 = one per core.
    pub threads: usize,
}

/// Bytes read so far and the file's size, for progress bars.
pub type ProgressFn<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// The `.geojson` files directly in a folder, sorted by name. (Plain `.json`
/// files in a folder are left alone: the data folder also holds the plan's
/// targets; name a `.json` file directly to load it.)
pub fn geojson_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("geojson")))
        .collect();
    v.sort();
    Ok(v)
}

/// Whether a path names a file this loader reads.
pub fn is_geojson_path(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// Expands folders to their GeoJSON files and keeps the files this loader
/// reads; a folder that cannot be read, a file of another kind and a path
/// that does not exist are problems naming the path.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            match geojson_files_in(p) {
                Ok(v) => files.extend(v),
                Err(e) => problems.push(Problem::file_level(
                    Severity::Error,
                    p.display().to_string(),
                    Code::FolderUnreadable { detail: Msg::from_io(&e) },
                )),
            }
        } else if is_geojson_path(p) {
            files.push(p.clone());
        } else if p.exists() {
            problems.push(Problem::file_level(Severity::Error, p.display().to_string(), Code::NotGeoJsonFile));
        } else {
            problems.push(Problem::file_level(Severity::Error, p.display().to_string(), Code::NoSuchPath));
        }
    }
    (files, problems)
}

/// Loads several files (folders are expanded by [`expand_paths`]) into one dataset.
pub fn load_paths(paths: &[PathBuf], opts: &LoadOptions) -> Dataset {
    let (files, mut problems) = expand_paths(paths);
    let mut ds = Dataset::default();
    for f in files {
        merge_into(&mut ds, load_file(&f, opts, &|_, _| {}));
    }
    ds.problems.append(&mut problems);
    ds
}

/// Adds a newly loaded dataset to one already loaded. Plan site ids must be
/// unique across the whole dataset: a new site reusing an id of `base` is
/// dropped with an error naming where the id was first used. (`new` itself
/// is unique already: [`load_file`] sees to that within each file.)
pub fn merge_into(base: &mut Dataset, mut new: Dataset) {
    let offset = base.files.len() as u16;
    for s in &mut new.sites {
        s.origin.file += offset;
    }
    if base.sites.iter().any(|s| !matches!(s.layer(), LayerKey::Reference(_))) {
        let files: Vec<String> = base.files.iter().chain(&new.files).map(|f| f.path.display().to_string()).collect();
        let mut dropped = drop_reused_ids(&mut new.sites, Some(&base.sites), &files);
        if !dropped.is_empty() {
            for (i, f) in new.files.iter_mut().enumerate() {
                let file = offset as usize + i;
                f.sites_loaded = new.sites.iter().filter(|s| s.origin.file as usize == file).count();
            }
        }
        new.problems.append(&mut dropped);
    }
    if base.sites.is_empty() {
        base.sites = new.sites;
    } else {
        base.sites.append(&mut new.sites);
    }
    base.files.append(&mut new.files);
    base.problems.append(&mut new.problems);
}

/// Drops the plan sites whose id a plan site of `earlier` has (or, with no
/// `earlier`, an earlier site of the same list), returning an error for each.
fn drop_reused_ids(sites: &mut Vec<Site>, earlier: Option<&[Site]>, files: &[String]) -> Vec<Problem> {
    let reused = reused_ids(sites, earlier);
    if reused.is_empty() {
        return Vec::new();
    }
    let file_name = |i: u16| files.get(i as usize).cloned().unwrap_or_default();
    let dropped = reused
        .iter()
        .map(|&(i, first)| {
            let s = &sites[i];
            let first_file = (first.file != s.origin.file).then(|| file_name(first.file));
            Problem {
                severity: Severity::Error,
                file: file_name(s.origin.file),
                feature: Some(s.origin.index as usize),
                feature_id: Some(s.id().to_string()),
                field: Some("id".into()),
                code: Code::DuplicateId { id: s.id().to_string(), first_feature: first.index as usize, first_file },
                location: Some(s.bbox),
            }
        })
        .collect();
    let mut reused = reused.iter().map(|&(i, _)| i).peekable();
    let mut i = 0;
    sites.retain(|_| {
        let drop = reused.next_if_eq(&i).is_some();
        i += 1;
        !drop
    });
    dropped
}

/// The positions of the plan sites whose id is already used — by a plan
/// site of `earlier`, or with no `earlier` by an earlier site of the list —
/// in order, each with where the id was first used.
fn reused_ids(sites: &[Site], earlier: Option<&[Site]>) -> Vec<(usize, Origin)> {
    let is_plan = |s: &Site| !matches!(s.layer(), LayerKey::Reference(_));
    let mut reused = Vec::new();
    match earlier {
        Some(base) => {
            let mut table = IdTable::new(base);
            for i in (0..base.len()).filter(|&i| is_plan(&base[i])) {
                table.insert(i);
            }
            for (i, s) in sites.iter().enumerate().filter(|(_, s)| is_plan(s)) {
                if let Some(first) = table.find(s.id()) {
                    reused.push((i, base[first].origin));
                }
            }
        }
        None => {
            let mut table = IdTable::new(sites);
            for i in (0..sites.len()).filter(|&i| is_plan(&sites[i])) {
                if let Some(first) = table.insert(i) {
                    reused.push((i, sites[first].origin));
                }
            }
        }
    }
    reused
}

/// Ids of sites, held as their positions in one slice: 4 bytes an entry, so
/// the check of a million ids needs about 10 MB, where a map keyed by the
/// id strings needed 50.
struct IdTable<'a> {
    sites: &'a [Site],
    table: hashbrown::HashTable<u32>,
    state: foldhash::fast::FixedState,
}

impl<'a> IdTable<'a> {
    /// A table with room for every site of `sites`.
    fn new(sites: &'a [Site]) -> Self {
        IdTable { sites, table: hashbrown::HashTable::with_capacity(sites.len()), state: Default::default() }
    }

    fn hash(&self, id: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&self.state, id)
    }

    /// The position of a site of the table with this id.
    fn find(&self, id: &str) -> Option<usize> {
        self.table.find(self.hash(id), |&j| self.sites[j as usize].id() == id).map(|&j| j as usize)
    }

    /// Adds site `i`; when a site of the table has its id already, adds
    /// nothing and returns that site's position.
    fn insert(&mut self, i: usize) -> Option<usize> {
        let sites = self.sites;
        let id = sites[i].id();
        let hash = self.hash(id);
        let state = &self.state;
        match self.table.entry(
            hash,
            |&j| sites[j as usize].id() == id,
            |&j| std::hash::BuildHasher::hash_one(state, sites[j as usize].id()),
        ) {
            hashbrown::hash_table::Entry::Occupied(first) => Some(*first.get() as usize),
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(u32::try_from(i).expect("at most 4 billion sites"));
                None
            }
        }
    }
}

/// Loads one file. Never panics and never fails: what went wrong is in
/// `Dataset::problems`, and whatever was valid is in `Dataset::sites`.
pub fn load_file(path: &Path, opts: &LoadOptions, progress: ProgressFn) -> Dataset {
    let label = path.display().to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let mut ds = Dataset::default();
            ds.problems.push(Problem::file_level(
                Severity::Error,
                label,
                Code::CannotOpen { detail: Msg::from_io(&e) },
            ));
            return ds;
        }
    };
    let meta = file.metadata().ok();
    let total = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let reference = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| label.clone());
    let mut hash = crate::model::Fnv64::default();
    let mut read = 0u64;
    let mut ds =
        load_reader(Hashing { inner: file, hash: &mut hash, read: &mut read }, path, &reference, total, opts, progress);
    if let Some(f) = ds.files.first_mut() {
        f.stamp = Some(crate::model::FileStamp {
            len: read,
            mtime_ns: meta.as_ref().map(crate::model::mtime_ns).unwrap_or(0),
            hash: hash.finish(),
        });
    }
    ds
}

/// A reader that hashes what passes through it: the file's stamp is made
/// as it loads, without a second read.
struct Hashing<'a, R> {
    inner: R,
    hash: &'a mut crate::model::Fnv64,
    read: &'a mut u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.write(&buf[..n]);
        *self.read += n as u64;
        Ok(n)
    }
}

/// Loads GeoJSON held in memory (tests, drag-and-drop of text).
pub fn load_bytes(name: &str, bytes: &[u8], opts: &LoadOptions) -> Dataset {
    let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or(name.into());
    load_reader(bytes, Path::new(name), &stem, bytes.len() as u64, opts, &|_, _| {})
}

fn load_reader<R: Read>(
    reader: R,
    path: &Path,
    reference: &str,
    total: u64,
    opts: &LoadOptions,
    progress: ProgressFn,
) -> Dataset {
    let label = path.display().to_string();
    let ctx = validate::FileContext { label: &label, file_index: 0, reference_layer: Arc::from(reference) };
    let threads = if opts.threads > 0 {
        opts.threads
    } else {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
    };
    let mut assembled = Assembler::default();
    let mut problems = Vec::new();
    // Parsed batches' buffers go back to the scanner to be filled again.
    let (spare_tx, spare_rx) = crossbeam_channel::unbounded::<Vec<u8>>();
    let outcome = std::thread::scope(|scope| {
        let (batch_tx, batch_rx) = crossbeam_channel::bounded::<scan::Batch>(threads * 2);
        let (done_tx, done_rx) = crossbeam_channel::unbounded();
        for w in 0..threads {
            let rx = batch_rx.clone();
            let tx = done_tx.clone();
            let spare_tx = spare_tx.clone();
            let ctx = &ctx;
            std::thread::Builder::new()
                .name(format!("geojson-parse-{w}"))
                .spawn_scoped(scope, move || {
                    let mut interner = validate::Interner::default();
                    for batch in rx {
                        tx.send(parse_batch(&batch, ctx, &mut interner)).ok();
                        spare_tx.send(batch.buf).ok();
                    }
                })
                .expect("spawning a parser thread");
        }
        drop(done_tx);
        let outcome = scan::scan(
            reader,
            || spare_rx.try_recv().ok(),
            |b| {
                drop(batch_tx.send(b));
                done_rx.try_iter().for_each(|part| assembled.add(part));
            },
            |read| progress(read, total),
        );
        drop(batch_tx);
        done_rx.iter().for_each(|part| assembled.add(part));
        outcome
    });
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            problems.push(Problem::file_level(Severity::Error, &label, Code::ReadError { detail: Msg::from_io(&e) }));
            scan::ScanOutcome::default()
        }
    };
    debug_assert!(assembled.pending.is_empty());
    if let Some(fault) = &outcome.fault {
        problems.push(Problem::file_level(Severity::Error, &label, fault.clone()));
    }
    let mut sites = Vec::new();
    let mut features_read = outcome.features;
    // The head: the collection's own members, or the whole of a lone feature
    // (empty for a file that is not JSON: its scan stops at the first byte).
    let mut head_crs = None;
    let head =
        if outcome.head.is_empty() { None } else { Some(head_members(&outcome.head, outcome.saw_features_member)) };
    if let Some(Ok((Head::Lone { kind, .. }, _))) = &head
        && outcome.saw_features_member
    {
        // A Feature or geometry with a stray `features` array: what the
        // array held is not part of the file.
        let code = Code::StrayFeatures { kind: kind.clone(), count: outcome.features };
        problems.push(Problem::file_level(Severity::Warning, &label, code));
    } else {
        sites = assembled.sites;
        problems.append(&mut assembled.problems);
    }
    if let Some(head) = head {
        match head {
            Ok((Head::Collection { crs }, bbox)) => {
                head_crs = crs;
                if let Some(code) = bbox {
                    problems.push(Problem::file_level(Severity::Warning, &label, code));
                }
            }
            Ok((Head::Lone { geometry, .. }, _)) => {
                features_read = 1;
                let mut interner = validate::Interner::default();
                let bytes = if geometry {
                    // A bare geometry is a feature without properties.
                    let mut b = br#"{"type":"Feature","properties":null,"geometry":"#.to_vec();
                    b.extend_from_slice(&outcome.head);
                    b.push(b'}');
                    b
                } else {
                    outcome.head.clone()
                };
                one_feature(Input::Bytes(&bytes), 0, &ctx, &mut interner, &mut sites, &mut problems);
            }
            // A truncated file has already said so; its head is cut too.
            Err(msg) if outcome.fault.is_none() => problems.push(Problem::file_level(Severity::Error, &label, msg)),
            Err(_) => {}
        }
    }
    let mut ds = Dataset {
        sites,
        files: vec![SourceFile {
            path: path.to_path_buf(),
            features_read,
            sites_loaded: 0,
            crs: None,
            swapped: false,
            stamp: None,
        }],
        problems,
    };
    place::place_in_wgs84(&mut ds, &label, head_crs, opts.from);
    ds.files[0].sites_loaded = ds.sites.len();
    // Ids must be unique within the file too.
    let mut dropped = drop_reused_ids(&mut ds.sites, None, std::slice::from_ref(&label));
    ds.files[0].sites_loaded -= dropped.len();
    ds.problems.append(&mut dropped);
    cap_problems(&mut ds.problems, &label, PROBLEMS_KEPT_PER_CODE);
    ds
}

/// Builds one site from a feature's JSON text exactly as the loader would
/// (its positions already WGS84): an edit's result is validated like a
/// file's feature. Returns the site (none when it must be dropped) and
/// what is wrong with it.
pub fn site_from_feature(
    text: &str,
    label: &str,
    file_index: u16,
    index: usize,
    reference_layer: &str,
) -> (Option<Site>, Vec<Problem>) {
    let ctx = validate::FileContext { label, file_index, reference_layer: Arc::from(reference_layer) };
    let mut interner = validate::Interner::default();
    let (mut sites, mut problems) = (Vec::new(), Vec::new());
    one_feature(Input::Text(text), index, &ctx, &mut interner, &mut sites, &mut problems);
    (sites.pop(), problems)
}

/// Problems of one code kept in full per file; the rest are counted.
pub const PROBLEMS_KEPT_PER_CODE: usize = 1000;

/// Keeps the first `keep` problems of each code in `problems` (one file's)
/// and replaces the others by one [`Code::MoreOfTheSame`] per code that
/// counts them, at the severity of the worst of them. A file with a
/// million warnings then holds a thousand, not a million.
pub fn cap_problems(problems: &mut Vec<Problem>, file: &str, keep: usize) {
    use std::collections::HashMap;
    let mut seen: HashMap<std::mem::Discriminant<Code>, (usize, Severity, String)> = HashMap::new();
    problems.retain(|p| {
        let entry = seen.entry(std::mem::discriminant(&p.code)).or_insert_with(|| (0, p.severity, String::new()));
        entry.0 += 1;
        if entry.0 <= keep {
            return true;
        }
        if entry.2.is_empty() {
            entry.2 = p.code.name();
        }
        entry.1 = entry.1.min(p.severity);
        false
    });
    let mut more: Vec<(usize, Severity, String)> =
        seen.into_values().filter(|(n, _, _)| *n > keep).map(|(n, sev, name)| (n - keep, sev, name)).collect();
    more.sort_by(|a, b| a.2.cmp(&b.2));
    for (count, severity, of) in more {
        problems.push(Problem::file_level(severity, file, Code::MoreOfTheSame { of, count }));
    }
}

/// What a parser thread makes of one batch.
struct Part {
    first_index: usize,
    features: usize,
    sites: Vec<Site>,
    problems: Vec<Problem>,
}

/// Puts parsed batches back in file order as they arrive, so the sites are
/// appended to one growing vector (which reallocates in place) instead of
/// being gathered and then copied: the peak memory stays near the result's.
#[derive(Default)]
struct Assembler {
    next: usize,
    pending: std::collections::BTreeMap<usize, Part>,
    sites: Vec<Site>,
    problems: Vec<Problem>,
}

impl Assembler {
    fn add(&mut self, part: Part) {
        self.pending.insert(part.first_index, part);
        while let Some(mut p) = self.pending.remove(&self.next) {
            self.next += p.features;
            self.sites.append(&mut p.sites);
            self.problems.append(&mut p.problems);
        }
    }
}

fn parse_batch(batch: &scan::Batch, ctx: &validate::FileContext, interner: &mut validate::Interner) -> Part {
    let mut sites = Vec::with_capacity(batch.spans.len());
    let mut problems = Vec::new();
    // One UTF-8 check for the whole batch is far cheaper than one per string;
    // a batch that fails it is parsed feature by feature from bytes, so the
    // bad feature names itself.
    let text = std::str::from_utf8(&batch.buf).ok();
    for (i, &(s, e)) in batch.spans.iter().enumerate() {
        let bytes = &batch.buf[s..e];
        let input = match text.and_then(|t| t.get(s..e)) {
            Some(t) => Input::Text(t),
            None => Input::Bytes(bytes),
        };
        one_feature(input, batch.first_index + i, ctx, interner, &mut sites, &mut problems);
    }
    Part { first_index: batch.first_index, features: batch.spans.len(), sites, problems }
}

/// A feature's JSON: text known to be UTF-8, or bytes still to be checked.
#[derive(Clone, Copy)]
enum Input<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// Parses and checks one feature, adding its site (if it has one) and its
/// problems to the batch's.
fn one_feature(
    input: Input<'_>,
    index: usize,
    ctx: &validate::FileContext,
    interner: &mut validate::Interner,
    sites: &mut Vec<Site>,
    problems: &mut Vec<Problem>,
) {
    let mut rep = validate::Report::new(ctx, index);
    let (parsed, bytes) = match input {
        Input::Text(t) => (feature::parse_feature_str(t, index), t.as_bytes()),
        Input::Bytes(b) => (parse_feature(b, index), b),
    };
    match parsed {
        Ok(raw) => sites.extend(validate::to_site(raw, ctx, interner, &mut rep)),
        Err(e) => {
            rep.set_id(feature::sniff_id(bytes));
            rep.push(Severity::Error, e.field, Code::FeatureUnreadable { detail: Msg::new(e.message, e.message_zh) });
        }
    }
    problems.append(&mut rep.problems);
}

enum Head {
    Collection {
        crs: Option<CrsMember>,
    },
    /// A lone Feature, or (`geometry`) a bare geometry object; `kind` is its type.
    Lone {
        geometry: bool,
        kind: String,
    },
}

/// The legacy `crs` member as written.
#[derive(Debug, Clone)]
pub(crate) enum CrsMember {
    Named(String),
    Unreadable(String),
}

/// What the top-level object is, as its `type` says (RFC 7946 §3: the type
/// decides, whatever other members it has), with a warning about its
/// `bbox` when that is malformed.
fn head_members(head: &[u8], saw_features: bool) -> Result<(Head, Option<Code>), Code> {
    #[derive(serde::Deserialize)]
    struct Top {
        #[serde(rename = "type")]
        kind: Option<serde_json::Value>,
        crs: Option<serde_json::Value>,
        /// Absent, or the emptied array when the scanner streamed it.
        features: Option<serde_json::Value>,
        bbox: Option<serde_json::Value>,
    }
    let top: Top = serde_json::from_slice(head).map_err(|e| Code::TopLevelInvalid { detail: e.to_string() })?;
    let kind = top.kind.as_ref().and_then(|k| k.as_str()).unwrap_or("");
    let crs = top.crs.filter(|c| !c.is_null()).map(|c| match c.pointer("/properties/name").and_then(|n| n.as_str()) {
        Some(n) => CrsMember::Named(n.to_string()),
        None => CrsMember::Unreadable(c.to_string()),
    });
    let collection = |crs| match &top.features {
        _ if saw_features => Ok(Head::Collection { crs }),
        None => Err(Code::NoFeaturesMember),
        Some(v) => Err(Code::FeaturesNotArray { found: crate::model::problem::json_kind(v).to_string() }),
    };
    let head = match kind {
        "FeatureCollection" => collection(crs)?,
        "Feature" => Head::Lone { geometry: false, kind: kind.to_string() },
        "Point" | "LineString" | "Polygon" | "MultiPoint" | "MultiLineString" | "MultiPolygon"
        | "GeometryCollection" => Head::Lone { geometry: true, kind: kind.to_string() },
        // No type but a features array: read as the collection it plainly is.
        "" if saw_features => Head::Collection { crs },
        "" => return Err(Code::NoTypeNoFeatures),
        other => return Err(Code::NotGeoJsonType { found: other.to_string() }),
    };
    // A lone feature's own bbox is checked with the feature.
    let bbox = match head {
        Head::Collection { .. } => top.bbox.as_ref().and_then(crate::model::problem::bbox_problem),
        _ => None,
    };
    Ok((head, bbox))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_path_and_a_non_geojson_file_are_problems_not_failures() {
        let dir = tempfile::tempdir().unwrap();
        let txt = dir.path().join("notes.txt");
        std::fs::write(&txt, "hello").unwrap();
        let (files, problems) = expand_paths(&[txt, dir.path().join("missing.geojson")]);
        assert!(files.is_empty());
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn past_the_cap_problems_of_one_code_are_counted_not_kept() {
        let mut problems: Vec<Problem> = (0..25)
            .map(|i| {
                let mut p = Problem::file_level(Severity::Warning, "f.geojson", Code::NoName);
                p.feature = Some(i);
                p
            })
            .collect();
        problems.push(Problem::file_level(Severity::Error, "f.geojson", Code::EmptyFile));
        cap_problems(&mut problems, "f.geojson", 10);
        assert_eq!(problems.iter().filter(|p| p.code == Code::NoName).count(), 10);
        assert_eq!(problems.iter().filter(|p| p.code == Code::EmptyFile).count(), 1, "other codes are untouched");
        let more: Vec<&Problem> = problems.iter().filter(|p| matches!(p.code, Code::MoreOfTheSame { .. })).collect();
        assert_eq!(more.len(), 1);
        assert_eq!(more[0].code, Code::MoreOfTheSame { of: "no_name".into(), count: 15 });
        assert_eq!(more[0].severity, Severity::Warning);
    }

    #[test]
    fn a_file_with_thousands_of_nameless_sites_keeps_a_thousand_problems_and_every_site() {
        let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
        for i in 0..2500 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                r#"{{"type":"Feature","properties":{{"id":"P-{i}","layer":"pocket_park","plan_year":2021}},"geometry":{{"type":"Point","coordinates":[118.0,37.4]}}}}"#
            ));
        }
        text.push_str("]}");
        let ds = load_bytes("many.geojson", text.as_bytes(), &LoadOptions::default());
        assert_eq!(ds.sites.len(), 2500);
        assert_eq!(ds.problems.iter().filter(|p| p.code == Code::NoName).count(), PROBLEMS_KEPT_PER_CODE);
        assert!(ds.problems.iter().any(|p| p.code == Code::MoreOfTheSame { of: "no_name".into(), count: 1500 }));
    }

    #[test]
    fn load_paths_loads_a_folders_geojson_and_names_what_it_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.geojson"),
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"X-1","name":"某口袋公园","layer":"pocket_park","plan_year":2020},
             "geometry":{"type":"Point","coordinates":[118.0,37.4]}}]}"#,
        )
        .unwrap();
        let missing = dir.path().join("gone.geojson");
        let ds = load_paths(&[dir.path().to_path_buf(), missing.clone()], &LoadOptions::default());
        assert_eq!(ds.sites.len(), 1);
        assert!(ds.problems.iter().any(|p| p.file == missing.display().to_string()), "{:?}", ds.problems);
    }
}
