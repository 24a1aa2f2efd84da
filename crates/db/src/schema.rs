//! The schema, as numbered migrations applied once each, in order, under an
//! advisory lock: `db init` on a fresh database creates everything, on an
//! existing one it applies only what is missing, and it refuses a database
//! whose schema is newer than this program.

use postgres::Client;

use crate::DbError;

/// The channel every change is announced on (`LISTEN binzhou_changes`); the
/// payload is JSON: `{"table": …, "seq": …, "n": …, "ids": […]}` where `seq`
/// is the newest row of `changes` (for sites) and `ids` is left out when
/// the list would be long.
pub const CHANNEL: &str = "binzhou_changes";

/// One migration.
pub struct Migration {
    pub version: i32,
    pub description: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, description: "sites, history and notifications", sql: SITES },
    Migration { version: 2, description: "field checks and their photos", sql: CHECKS },
    Migration { version: 3, description: "roles and row-level security", sql: ROLES },
    Migration { version: 4, description: "losing versions of conflicts kept in the history", sql: REJECTED },
];

const REJECTED: &str = r#"
ALTER TABLE changes DROP CONSTRAINT changes_op_check;
ALTER TABLE changes ADD CONSTRAINT changes_op_check CHECK (op IN ('insert', 'update', 'delete', 'rejected'));
-- A user who takes the other version of a conflict keeps their own here.
CREATE FUNCTION binzhou_keep_rejected(site_id text, base bigint, mine jsonb) RETURNS bigint
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  INSERT INTO changes (table_name, row_id, version, op, old, new, changed_by)
  VALUES ('sites', site_id, base, 'rejected', NULL, mine, binzhou_author())
  RETURNING seq
$$;
REVOKE ALL ON FUNCTION binzhou_keep_rejected(text, bigint, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION binzhou_keep_rejected(text, bigint, jsonb) TO binzhou_editor, binzhou_district_editor;
"#;

const SITES: &str = r#"
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE sites (
  id text PRIMARY KEY,
  layer text NOT NULL,
  name text NOT NULL,
  kind text,
  task smallint,
  lead_unit text,
  district text,
  scope text,
  plan_year integer,
  started text,
  completed text,
  geom geometry(Geometry, 4326),
  props jsonb NOT NULL DEFAULT '{}'::jsonb,
  version bigint NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE sites IS 'binzhou-sites: the plan''s sites (WGS 84); props holds every property as the file gave it';
CREATE INDEX sites_geom_idx ON sites USING gist (geom);
CREATE INDEX sites_district_idx ON sites (district);
CREATE INDEX sites_layer_idx ON sites (layer);

CREATE TABLE changes (
  seq bigserial PRIMARY KEY,
  table_name text NOT NULL,
  row_id text NOT NULL,
  version bigint,
  op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  old jsonb,
  new jsonb,
  changed_at timestamptz NOT NULL DEFAULT now(),
  -- The author the app names, and the login that made the change.
  changed_by text NOT NULL,
  login text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE changes IS 'binzhou-sites: every version of every site, written by triggers; never changed';
CREATE INDEX changes_row_idx ON changes (table_name, row_id);

-- Who made a change: the app sets binzhou.author for its transaction; else the login.
CREATE FUNCTION binzhou_author() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('binzhou.author', true), ''), session_user::text)
$$;

CREATE FUNCTION binzhou_sites_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      RAISE EXCEPTION 'a site''s id cannot change (%)', OLD.id;
    END IF;
    NEW.version := OLD.version + 1;
  ELSE
    NEW.version := 1;
  END IF;
  NEW.updated_at := now();
  NEW.updated_by := binzhou_author();
  RETURN NEW;
END $$;
CREATE TRIGGER sites_stamp_insert BEFORE INSERT ON sites
  FOR EACH ROW EXECUTE FUNCTION binzhou_sites_stamp();
CREATE TRIGGER sites_stamp_update BEFORE UPDATE ON sites
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION binzhou_sites_stamp();

-- One history row per changed site and one notification per statement.
CREATE FUNCTION binzhou_sites_log() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  last bigint;
  n bigint;
  ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH w AS (
      INSERT INTO changes (table_name, row_id, version, op, old, new, changed_by)
      SELECT 'sites', r.id, r.version, 'insert', NULL, to_jsonb(r), r.updated_by FROM new_rows r
      RETURNING seq, row_id)
    SELECT max(seq), count(*), (array_agg(row_id ORDER BY seq))[1:50] INTO last, n, ids FROM w;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH w AS (
      INSERT INTO changes (table_name, row_id, version, op, old, new, changed_by)
      SELECT 'sites', r.id, r.version, 'update', to_jsonb(o), to_jsonb(r), r.updated_by
        FROM new_rows r JOIN old_rows o ON o.id = r.id
       WHERE r.version <> o.version
      RETURNING seq, row_id)
    SELECT max(seq), count(*), (array_agg(row_id ORDER BY seq))[1:50] INTO last, n, ids FROM w;
  ELSE
    WITH w AS (
      INSERT INTO changes (table_name, row_id, version, op, old, new, changed_by)
      SELECT 'sites', o.id, o.version, 'delete', to_jsonb(o), NULL, binzhou_author() FROM old_rows o
      RETURNING seq, row_id)
    SELECT max(seq), count(*), (array_agg(row_id ORDER BY seq))[1:50] INTO last, n, ids FROM w;
  END IF;
  IF n > 0 THEN
    IF n > 50 OR length(array_to_string(ids, ',')) > 4000 THEN
      ids := NULL;
    END IF;
    PERFORM pg_notify('binzhou_changes',
      json_build_object('table', 'sites', 'seq', last, 'n', n, 'ids', ids)::text);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER sites_log_insert AFTER INSERT ON sites
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION binzhou_sites_log();
CREATE TRIGGER sites_log_update AFTER UPDATE ON sites
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION binzhou_sites_log();
CREATE TRIGGER sites_log_delete AFTER DELETE ON sites
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION binzhou_sites_log();
"#;

const CHECKS: &str = r#"
CREATE TABLE site_checks (
  check_id text NOT NULL,
  version integer NOT NULL,
  previous_version integer,
  site_id text NOT NULL,
  site_layer text NOT NULL,
  result text NOT NULL,
  observed text,
  finished_on text,
  note text NOT NULL,
  inspector text NOT NULL,
  checked_at text NOT NULL,
  author text NOT NULL,
  written_at text NOT NULL,
  gnss_lon double precision,
  gnss_lat double precision,
  gnss_accuracy_m double precision,
  gnss_fix text,
  gnss_satellites smallint,
  gnss_time text,
  corrected boolean NOT NULL,
  low_accuracy boolean NOT NULL,
  deleted boolean NOT NULL,
  geom geometry(Point, 4326),
  received_at timestamptz NOT NULL DEFAULT now(),
  received_by text NOT NULL DEFAULT session_user,
  PRIMARY KEY (check_id, version, written_at, author)
);
COMMENT ON TABLE site_checks IS 'binzhou-sites: every version of every field check, as the journals hold them (append-only)';
CREATE INDEX site_checks_site_idx ON site_checks (site_id);
CREATE INDEX site_checks_geom_idx ON site_checks USING gist (geom);

CREATE TABLE photos (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea NOT NULL
);

CREATE TABLE check_photos (
  check_id text NOT NULL,
  version integer NOT NULL,
  written_at text NOT NULL,
  author text NOT NULL,
  sha256 text NOT NULL REFERENCES photos (sha256),
  file text NOT NULL,
  original_name text NOT NULL,
  exif_time text,
  exif_lon double precision,
  exif_lat double precision,
  PRIMARY KEY (check_id, version, written_at, author, sha256),
  FOREIGN KEY (check_id, version, written_at, author) REFERENCES site_checks
);

CREATE FUNCTION binzhou_checks_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  ids text[];
BEGIN
  SELECT count(*), (array_agg(DISTINCT site_id))[1:50] INTO n, ids FROM new_rows;
  IF n > 0 THEN
    IF n > 50 OR length(array_to_string(ids, ',')) > 4000 THEN
      ids := NULL;
    END IF;
    PERFORM pg_notify('binzhou_changes', json_build_object('table', 'site_checks', 'n', n, 'ids', ids)::text);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER site_checks_notify AFTER INSERT ON site_checks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION binzhou_checks_notify();
"#;

const ROLES: &str = r#"
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['binzhou_viewer', 'binzhou_inspector', 'binzhou_editor', 'binzhou_district_editor'] LOOP
    -- Roles belong to the whole server: another database's init may be
    -- making them at this moment.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END $$;

-- Which districts a district editor may change.
CREATE TABLE editor_districts (
  member name NOT NULL,
  district text NOT NULL,
  PRIMARY KEY (member, district)
);

GRANT USAGE ON SCHEMA public TO binzhou_viewer, binzhou_inspector, binzhou_editor, binzhou_district_editor;
GRANT SELECT ON sites, changes, site_checks, photos, check_photos, editor_districts, binzhou_schema
  TO binzhou_viewer, binzhou_inspector, binzhou_editor, binzhou_district_editor;
GRANT INSERT ON site_checks, photos, check_photos TO binzhou_inspector, binzhou_editor, binzhou_district_editor;
GRANT INSERT, UPDATE, DELETE ON sites TO binzhou_editor, binzhou_district_editor;

ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
CREATE POLICY sites_read ON sites FOR SELECT USING (true);
CREATE POLICY sites_city_edit ON sites FOR ALL TO binzhou_editor USING (true) WITH CHECK (true);
CREATE POLICY sites_district_edit ON sites FOR ALL TO binzhou_district_editor
  USING (district IN (SELECT d.district FROM editor_districts d WHERE d.member = session_user))
  WITH CHECK (district IN (SELECT d.district FROM editor_districts d WHERE d.member = session_user));
"#;

/// What `init` did.
#[derive(Debug, Default, PartialEq)]
pub struct InitReport {
    /// The schema version before (0: none).
    pub from: i32,
    /// The versions applied now.
    pub applied: Vec<i32>,
}

/// The newest schema version this program knows.
pub fn latest() -> i32 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// Creates or brings up to date the schema, each migration in its own
/// transaction. Safe to run again, and from two places at once.
pub fn init(client: &mut Client) -> Result<InitReport, DbError> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS binzhou_schema (
           version integer PRIMARY KEY,
           description text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let from = version(client)?;
    if from > latest() {
        return Err(DbError::Schema(format!(
            "the database's schema is version {from}, newer than this program's {}: update binzhou-sites",
            latest()
        )));
    }
    let mut report = InitReport { from, applied: Vec::new() };
    for m in MIGRATIONS {
        let mut tx = client.transaction()?;
        // One migrator at a time; the second finds the work done.
        tx.execute("SELECT pg_advisory_xact_lock(7263550912)", &[])?;
        let done: i64 = tx.query_one("SELECT count(*) FROM binzhou_schema WHERE version = $1", &[&m.version])?.get(0);
        if done > 0 {
            continue;
        }
        tx.batch_execute(m.sql)?;
        tx.execute("INSERT INTO binzhou_schema (version, description) VALUES ($1, $2)", &[&m.version, &m.description])?;
        tx.commit()?;
        report.applied.push(m.version);
    }
    Ok(report)
}

/// The schema version of the database (0: no binzhou-sites schema).
pub fn version(client: &mut Client) -> Result<i32, DbError> {
    let exists: bool = client.query_one("SELECT to_regclass('binzhou_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client.query_one("SELECT coalesce(max(version), 0) FROM binzhou_schema", &[])?.get(0))
}

/// Refuses a database without this program's schema.
pub fn require(client: &mut Client) -> Result<(), DbError> {
    match version(client)? {
        0 => Err(DbError::Schema("the database has no binzhou-sites schema: run `binzhou-sites db init URL`".into())),
        v if v < latest() => Err(DbError::Schema(format!(
            "the database's schema is version {v}, older than this program's {}: run `binzhou-sites db init URL`",
            latest()
        ))),
        v if v > latest() => Err(DbError::Schema(format!(
            "the database's schema is version {v}, newer than this program's {}: update binzhou-sites",
            latest()
        ))),
        _ => Ok(()),
    }
}
