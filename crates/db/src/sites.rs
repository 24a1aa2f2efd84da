//! Sites on the server: push a dataset up, pull it down, read one, and
//! change one with optimistic locking. A site's columns are what the app
//! filters on (layer, district, dates, …) and `props` is every property as
//! the file gave it; on the way down the columns win, so a change made in
//! SQL to `district` is the district.

use std::time::Instant;

use binzhou_core::model::{Dataset, LayerKey, Site, Timing};
use postgres::Client;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use serde_json::{Map, Value};

use crate::DbError;

/// A site as the `sites` table holds it (without its version stamp).
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRow {
    pub id: String,
    pub layer: String,
    pub name: String,
    pub kind: Option<String>,
    pub task: Option<i16>,
    pub lead_unit: Option<String>,
    pub district: Option<String>,
    pub scope: Option<String>,
    pub plan_year: Option<i32>,
    pub started: Option<String>,
    pub completed: Option<String>,
    /// 2D WKB, WGS 84; `None` for a site with no location.
    pub wkb: Option<Vec<u8>>,
    /// Every property (a JSON object).
    pub props: Value,
}

/// Why a site is not sent to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSent {
    /// A reference feature (boundary, road), not a plan site.
    Reference,
    /// The file gives it no id; the loader's made-up one names a local file.
    NoId,
}

impl SiteRow {
    /// The row for a site, or why it has none.
    pub fn from_site(s: &Site) -> Result<SiteRow, NotSent> {
        let layer = match s.layer() {
            LayerKey::Plan(p) => p.key().to_string(),
            LayerKey::Extra(e) => e.to_string(),
            LayerKey::Reference(_) => return Err(NotSent::Reference),
        };
        if !s.has_own_id() {
            return Err(NotSent::NoId);
        }
        Ok(SiteRow {
            id: s.id().to_string(),
            layer,
            name: s.name().to_string(),
            kind: s.kind().map(str::to_string),
            task: s.task.map(i16::from),
            lead_unit: s.lead_unit().map(str::to_string),
            district: s.district().map(str::to_string),
            scope: s.scope.map(|v| v.key().to_string()),
            plan_year: s.plan_year,
            // An unreadable date is stored as the file wrote it, so the
            // server keeps what the department sent and every reader flags it.
            started: s.timing_text(Timing::Started),
            completed: s.timing_text(Timing::Completed),
            // An unlocated site has no geometry on the server either (NULL).
            wkb: s.is_located().then(|| binzhou_formats::geo_to_wkb(&s.geometry)),
            props: Value::Object(binzhou_core::export::site_properties(s)),
        })
    }

    /// The row's values in the order of [`COLUMNS`], then `wkb` and `props`.
    fn params(&self) -> [&(dyn ToSql + Sync); 13] {
        [
            &self.id,
            &self.layer,
            &self.name,
            &self.kind,
            &self.task,
            &self.lead_unit,
            &self.district,
            &self.scope,
            &self.plan_year,
            &self.started,
            &self.completed,
            &self.wkb,
            &self.props,
        ]
    }

    /// The properties with the columns laid over them (a column that is
    /// empty removes its key).
    pub fn properties(&self) -> Map<String, Value> {
        let mut m = match &self.props {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let mut put = |k: &str, v: Option<Value>| match v {
            Some(v) => {
                m.insert(k.into(), v);
            }
            None => {
                m.remove(k);
            }
        };
        put("id", Some(self.id.clone().into()));
        put("layer", Some(self.layer.clone().into()));
        put("name", Some(self.name.clone().into()));
        put("kind", self.kind.clone().map(Value::from));
        put("task", self.task.map(Value::from));
        put("lead_unit", self.lead_unit.clone().map(Value::from));
        put("district", self.district.clone().map(Value::from));
        put("scope", self.scope.clone().map(Value::from));
        put("plan_year", self.plan_year.map(Value::from));
        put("started", self.started.clone().map(Value::from));
        put("completed", self.completed.clone().map(Value::from));
        m
    }
}

/// A site as stored: its row and version stamp.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    pub row: SiteRow,
    pub version: i64,
    /// RFC 3339.
    pub updated_at: String,
    pub updated_by: String,
}

/// What a push did.
#[derive(Debug, Default)]
pub struct PushReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Sites of the dataset not sent, with why.
    pub not_sent: Vec<(String, NotSent)>,
    /// Ids given to more than one site of the dataset (the first is sent).
    pub duplicates: Vec<String>,
    pub seconds: f64,
}

impl PushReport {
    /// Sites sent per second.
    pub fn per_second(&self) -> f64 {
        (self.inserted + self.updated + self.unchanged) as f64 / self.seconds.max(1e-9)
    }
}

const COLUMNS: &str = "id, layer, name, kind, task, lead_unit, district, scope, plan_year, started, completed";

/// Sends every plan site of `ds` in one transaction, by binary `COPY` into
/// a staging table and one upsert: new ids are inserted, changed sites
/// updated (a new version each), the same ones left alone. `author` is
/// recorded in the history.
pub fn push(client: &mut Client, ds: &Dataset, author: &str) -> Result<PushReport, DbError> {
    let started = Instant::now();
    let mut report = PushReport::default();
    let mut tx = client.transaction()?;
    tx.execute("SELECT set_config('binzhou.author', $1, true)", &[&author])?;
    tx.batch_execute(
        "CREATE TEMP TABLE push_stage (
           id text, layer text, name text, kind text, task smallint, lead_unit text, district text,
           scope text, plan_year integer, started text, completed text, wkb bytea, props jsonb, ord bigint
         ) ON COMMIT DROP",
    )?;
    let types = [
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::INT2,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::INT4,
        Type::TEXT,
        Type::TEXT,
        Type::BYTEA,
        Type::JSONB,
        Type::INT8,
    ];
    let mut seen = std::collections::HashSet::new();
    {
        let sink = tx.copy_in(
            "COPY push_stage (id, layer, name, kind, task, lead_unit, district, scope, plan_year, started, completed, wkb, props, ord) FROM STDIN (FORMAT binary)",
        )?;
        let mut w = BinaryCopyInWriter::new(sink, &types);
        for (k, s) in ds.sites.iter().enumerate() {
            let r = match SiteRow::from_site(s) {
                Ok(r) => r,
                Err(why) => {
                    report.not_sent.push((s.id().to_string(), why));
                    continue;
                }
            };
            if !seen.insert(r.id.clone()) {
                report.duplicates.push(r.id);
                continue;
            }
            let ord = k as i64;
            let mut values = r.params().to_vec();
            values.push(&ord);
            w.write(&values)?;
        }
        w.finish()?;
    }
    let row = tx.query_one(
        &format!(
            "WITH up AS (
               INSERT INTO sites AS s ({COLUMNS}, geom, props)
               SELECT {COLUMNS}, ST_GeomFromWKB(wkb, 4326), props FROM push_stage ORDER BY ord
               ON CONFLICT (id) DO UPDATE SET
                 layer = excluded.layer, name = excluded.name, kind = excluded.kind, task = excluded.task,
                 lead_unit = excluded.lead_unit, district = excluded.district, scope = excluded.scope,
                 plan_year = excluded.plan_year, started = excluded.started, completed = excluded.completed,
                 geom = excluded.geom, props = excluded.props
               WHERE (s.layer, s.name, s.kind, s.task, s.lead_unit, s.district, s.scope, s.plan_year,
                      s.started, s.completed, s.props, ST_AsBinary(s.geom))
                 IS DISTINCT FROM
                     (excluded.layer, excluded.name, excluded.kind, excluded.task, excluded.lead_unit,
                      excluded.district, excluded.scope, excluded.plan_year, excluded.started,
                      excluded.completed, excluded.props, ST_AsBinary(excluded.geom))
               RETURNING (xmax = 0) AS inserted)
             SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
        ),
        &[],
    )?;
    report.inserted = row.get::<_, i64>(0) as u64;
    report.updated = row.get::<_, i64>(1) as u64;
    report.unchanged = seen.len() as u64 - report.inserted - report.updated;
    tx.commit()?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// What a pull read.
#[derive(Debug, Default)]
pub struct PullReport {
    pub sites: u64,
    /// Each site's version, by id.
    pub versions: Vec<(String, i64)>,
    /// The newest history row when the sites were read: changes after it
    /// are what the pull did not see.
    pub seq: i64,
    pub seconds: f64,
}

/// A site as a GeoJSON feature's parts, made by the server (so the JSON
/// work runs on its core, beside the client's): the id, the version, the
/// properties with the columns laid over them (an empty column removes its
/// key, except a plan year the file wrote as unreadable text, which only
/// `props` can hold) and the geometry, as text.
const FEATURE_SQL: &str = "SELECT id, version,
    ((props - ARRAY['kind', 'task', 'lead_unit', 'district', 'scope', 'started', 'completed']
        - CASE WHEN plan_year IS NULL AND jsonb_typeof(props->'plan_year') = 'string' THEN '' ELSE 'plan_year' END)
      || jsonb_strip_nulls(jsonb_build_object('id', id, 'layer', layer, 'name', name, 'kind', kind, 'task', task,
           'lead_unit', lead_unit, 'district', district, 'scope', scope, 'plan_year', plan_year,
           'started', started, 'completed', completed)))::text,
    ST_AsGeoJSON(geom, 15)
  FROM sites";

/// Reads every site into a dataset, through the same loader and checks as
/// a file (`name` names it in messages, e.g. `binzhou@db:5432`). The sites
/// and the history position are read in one snapshot.
pub fn pull(client: &mut Client, name: &str) -> Result<(Dataset, PullReport), DbError> {
    let started = Instant::now();
    let mut tx =
        client.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).read_only(true).start()?;
    let seq: i64 = tx.query_one("SELECT coalesce(max(seq), 0) FROM changes", &[])?.get(0);
    let mut versions = Vec::new();
    let mut features = Features::new();
    let params: [&(dyn ToSql + Sync); 0] = [];
    let mut rows = tx.query_raw(&format!("{FEATURE_SQL} ORDER BY id"), params.iter().copied())?;
    use postgres::fallible_iterator::FallibleIterator as _;
    while let Some(r) = rows.next()? {
        versions.push((r.get::<_, String>(0), r.get::<_, i64>(1)));
        features.add(r.get(2), r.get(3));
    }
    drop(rows);
    tx.commit()?;
    let n = features.n;
    let ds = features.load(name);
    Ok((ds, PullReport { sites: n, versions, seq, seconds: started.elapsed().as_secs_f64() }))
}

/// At most `limit` sites whose box meets the WGS 84 box `(west, south,
/// east, north)` (the GiST index's `&&`), as a dataset made the way [`pull`]
/// makes one, with their versions: a first view of a large database.
pub fn pull_extent(
    client: &mut Client,
    bbox: (f64, f64, f64, f64),
    limit: i64,
    name: &str,
) -> Result<(Dataset, Vec<(String, i64)>), DbError> {
    let (w, s, e, n) = bbox;
    let rows = client.query(
        &format!("{FEATURE_SQL} WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) LIMIT $5"),
        &[&w, &s, &e, &n, &limit],
    )?;
    Ok(dataset_of_rows(&rows, name))
}

/// Rows of [`FEATURE_SQL`] as a dataset, with their versions.
fn dataset_of_rows(rows: &[postgres::Row], name: &str) -> (Dataset, Vec<(String, i64)>) {
    let mut features = Features::new();
    let mut versions = Vec::with_capacity(rows.len());
    for r in rows {
        versions.push((r.get::<_, String>(0), r.get::<_, i64>(1)));
        features.add(r.get(2), r.get(3));
    }
    (features.load(name), versions)
}

/// How many sites the database holds.
pub fn count(client: &mut Client) -> Result<i64, DbError> {
    Ok(client.query_one("SELECT count(*) FROM sites", &[])?.get(0))
}

/// The sites with these ids as a dataset made the way [`pull`] makes one,
/// with their versions (for a client that re-reads what changed).
pub fn pull_ids(client: &mut Client, ids: &[String], name: &str) -> Result<(Dataset, Vec<(String, i64)>), DbError> {
    let rows = client.query(&format!("{FEATURE_SQL} WHERE id = ANY($1) ORDER BY id"), &[&ids])?;
    Ok(dataset_of_rows(&rows, name))
}

/// A GeoJSON FeatureCollection being written, for the core's loader.
struct Features {
    bytes: Vec<u8>,
    n: u64,
}

impl Features {
    fn new() -> Self {
        let mut bytes = Vec::with_capacity(1 << 16);
        bytes.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
        Features { bytes, n: 0 }
    }

    /// A feature from the server's JSON texts (no geometry: `null`).
    fn add(&mut self, properties: &str, geometry: Option<&str>) {
        if self.n > 0 {
            self.bytes.push(b',');
        }
        self.bytes.extend_from_slice(b"\n{\"type\":\"Feature\",\"properties\":");
        self.bytes.extend_from_slice(properties.as_bytes());
        self.bytes.extend_from_slice(b",\"geometry\":");
        self.bytes.extend_from_slice(geometry.unwrap_or("null").as_bytes());
        self.bytes.push(b'}');
        self.n += 1;
    }

    fn load(mut self, name: &str) -> Dataset {
        self.bytes.extend_from_slice(b"\n]}\n");
        let opts = binzhou_core::load::LoadOptions::default();
        binzhou_core::load::load_bytes(&format!("{name}.geojson"), &self.bytes, &opts)
    }
}

/// A row of `SELECT {COLUMNS}, ST_AsBinary(geom), props …` from column `at`.
fn row_of(r: &postgres::Row, at: usize) -> SiteRow {
    SiteRow {
        id: r.get(at),
        layer: r.get(at + 1),
        name: r.get(at + 2),
        kind: r.get(at + 3),
        task: r.get(at + 4),
        lead_unit: r.get(at + 5),
        district: r.get(at + 6),
        scope: r.get(at + 7),
        plan_year: r.get(at + 8),
        started: r.get(at + 9),
        completed: r.get(at + 10),
        wkb: r.get(at + 11),
        props: r.get(at + 12),
    }
}

/// One site as stored, if there is one with this id.
pub fn get(client: &mut Client, id: &str) -> Result<Option<Stored>, DbError> {
    let row = client.query_opt(
        &format!(
            "SELECT {COLUMNS}, ST_AsBinary(geom), props, version,
                    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), updated_by
               FROM sites WHERE id = $1"
        ),
        &[&id],
    )?;
    Ok(row.map(|r| Stored { row: row_of(&r, 0), version: r.get(13), updated_at: r.get(14), updated_by: r.get(15) }))
}

/// What became of a change sent with the version it was made from.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    /// Applied: the site's new version.
    Applied { version: i64 },
    /// Someone changed the site first: theirs is this (nothing was written).
    Conflict { theirs: Box<Stored> },
    /// The site is not there (deleted meanwhile).
    Gone,
    /// The user's role may not change this site (another district's).
    Denied,
}

/// Changes a site, if it is still at version `base`: `UPDATE … WHERE id =
/// $1 AND version = $2`. The id may not change.
pub fn update(client: &mut Client, row: &SiteRow, base: i64, author: &str) -> Result<Written, DbError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT set_config('binzhou.author', $1, true)", &[&author])?;
    let mut params = row.params().to_vec();
    params.push(&base);
    let done = tx.query_opt(
        "UPDATE sites SET layer = $2, name = $3, kind = $4, task = $5, lead_unit = $6, district = $7,
                scope = $8, plan_year = $9, started = $10, completed = $11,
                geom = ST_GeomFromWKB($12, 4326), props = $13
          WHERE id = $1 AND version = $14
         RETURNING version",
        &params,
    );
    let done = match done {
        Ok(d) => d,
        Err(e) => return denied_or(e),
    };
    if let Some(r) = done {
        tx.commit()?;
        return Ok(Written::Applied { version: r.get(0) });
    }
    tx.rollback()?;
    why_not_written(client, &row.id, base)
}

/// Deletes a site, if it is still at version `base` (kept in the history).
pub fn delete(client: &mut Client, id: &str, base: i64, author: &str) -> Result<Written, DbError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT set_config('binzhou.author', $1, true)", &[&author])?;
    let done = match tx.execute("DELETE FROM sites WHERE id = $1 AND version = $2", &[&id, &base]) {
        Ok(n) => n,
        Err(e) => return denied_or(e),
    };
    if done == 1 {
        tx.commit()?;
        return Ok(Written::Applied { version: base });
    }
    tx.rollback()?;
    why_not_written(client, id, base)
}

/// Adds a new site; an id already there is a conflict with it.
pub fn insert(client: &mut Client, row: &SiteRow, author: &str) -> Result<Written, DbError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT set_config('binzhou.author', $1, true)", &[&author])?;
    let done = tx.query_opt(
        &format!(
            "INSERT INTO sites ({COLUMNS}, geom, props)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ST_GeomFromWKB($12, 4326), $13)
             ON CONFLICT (id) DO NOTHING RETURNING version"
        ),
        &row.params(),
    );
    let done = match done {
        Ok(d) => d,
        Err(e) => return denied_or(e),
    };
    match done {
        Some(r) => {
            tx.commit()?;
            Ok(Written::Applied { version: r.get(0) })
        }
        None => {
            tx.rollback()?;
            match get(client, &row.id)? {
                Some(theirs) => Ok(Written::Conflict { theirs: Box::new(theirs) }),
                None => Ok(Written::Denied),
            }
        }
    }
}

/// A refusal by row-level security (`new row violates row-level security
/// policy`) or by a grant is [`Written::Denied`]; anything else an error.
fn denied_or(e: postgres::Error) -> Result<Written, DbError> {
    match e.as_db_error().map(|d| d.code().clone()) {
        Some(postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => Ok(Written::Denied),
        _ => Err(e.into()),
    }
}

/// After an update or delete touched no row: the site moved on (a
/// conflict), is gone, or is still at `base` and so hidden from this role
/// for writing (row-level security).
fn why_not_written(client: &mut Client, id: &str, base: i64) -> Result<Written, DbError> {
    Ok(match get(client, id)? {
        None => Written::Gone,
        Some(s) if s.version != base => Written::Conflict { theirs: Box::new(s) },
        Some(_) => Written::Denied,
    })
}

/// Keeps the version of a site a user gave up in a conflict (they took the
/// other one) in the history, as a `rejected` row: nothing typed is lost.
pub fn keep_rejected(client: &mut Client, mine: &SiteRow, base: i64, author: &str) -> Result<i64, DbError> {
    let geometry = match &mine.wkb {
        Some(b) => binzhou_formats::wkb_to_geojson(b).map_err(DbError::Sql)?.unwrap_or(Value::Null),
        None => Value::Null,
    };
    let kept = serde_json::json!({"properties": mine.properties(), "geometry": geometry});
    let mut tx = client.transaction()?;
    tx.execute("SELECT set_config('binzhou.author', $1, true)", &[&author])?;
    let seq: i64 = tx.query_one("SELECT binzhou_keep_rejected($1, $2, $3)", &[&mine.id, &base, &kept])?.get(0);
    tx.commit()?;
    Ok(seq)
}

/// One row of the history.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub seq: i64,
    pub row_id: String,
    pub version: Option<i64>,
    /// `insert`, `update` or `delete`.
    pub op: String,
    pub changed_by: String,
}

/// The history after `seq` (what changed while a client was away), oldest first.
pub fn changes_since(client: &mut Client, seq: i64, limit: i64) -> Result<Vec<Change>, DbError> {
    let rows = client.query(
        "SELECT seq, row_id, version, op, changed_by FROM changes
          WHERE table_name = 'sites' AND seq > $1 ORDER BY seq LIMIT $2",
        &[&seq, &limit],
    )?;
    Ok(rows
        .iter()
        .map(|r| Change { seq: r.get(0), row_id: r.get(1), version: r.get(2), op: r.get(3), changed_by: r.get(4) })
        .collect())
}

/// What [`bench_edits`] measured.
#[derive(Debug, Default)]
pub struct EditBench {
    pub clients: usize,
    pub applied: u64,
    pub conflicts: u64,
    pub seconds: f64,
}

impl EditBench {
    /// Edits tried per second, all clients together.
    pub fn per_second(&self) -> f64 {
        (self.applied + self.conflicts) as f64 / self.seconds.max(1e-9)
    }
}

/// `clients` connections each making `edits` edits (read, change, write
/// with its version) on `sites` shared sites, in an empty database: the
/// edits per second the server takes, conflicts included. The sites are
/// deleted afterwards (their history stays).
pub fn bench_edits(target: &crate::Target, clients: usize, edits: usize, sites: usize) -> Result<EditBench, DbError> {
    let mut c = crate::connect(target)?;
    let n: i64 = c.query_one("SELECT count(*) FROM sites", &[])?.get(0);
    if n > 0 {
        return Err(DbError::Usage {
            en: format!("the database holds {n} sites: benchmark an empty one"),
            zh: format!("该数据库已有 {n} 个项目：请在空数据库上做基准测试"),
        });
    }
    let ids: Vec<String> = (0..sites.max(1)).map(|k| format!("BENCH-{k}")).collect();
    for id in &ids {
        let row = SiteRow {
            id: id.clone(),
            layer: "pocket_park".into(),
            name: id.clone(),
            kind: None,
            task: None,
            lead_unit: None,
            district: Some("滨城区".into()),
            scope: None,
            plan_year: Some(2021),
            started: None,
            completed: None,
            wkb: Some(binzhou_formats::geo_to_wkb(&geo::Geometry::Point(geo::Point::new(117.97, 37.38)))),
            props: serde_json::json!({}),
        };
        insert(&mut c, &row, "bench")?;
    }
    let started = Instant::now();
    let results: Vec<Result<(u64, u64), DbError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|k| {
                let ids = &ids;
                std::thread::Builder::new().name(format!("bench-client-{k}")).spawn_scoped(scope, move || {
                    let mut c = crate::connect(target)?;
                    let (mut applied, mut conflicts) = (0u64, 0u64);
                    for e in 0..edits {
                        let id = &ids[(k * 7 + e) % ids.len()];
                        let Some(seen) = get(&mut c, id)? else { continue };
                        let mut row = seen.row;
                        row.props = serde_json::json!({"edit": format!("{k}-{e}")});
                        match update(&mut c, &row, seen.version, "bench")? {
                            Written::Applied { .. } => applied += 1,
                            _ => conflicts += 1,
                        }
                    }
                    Ok((applied, conflicts))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| Err(DbError::Sql("a benchmark client panicked".into()))),
                Err(e) => Err(DbError::Sql(e.to_string())),
            })
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut bench = EditBench { clients, seconds, ..EditBench::default() };
    for r in results {
        let (a, k) = r?;
        bench.applied += a;
        bench.conflicts += k;
    }
    c.execute("DELETE FROM sites WHERE id LIKE 'BENCH-%'", &[])?;
    Ok(bench)
}
