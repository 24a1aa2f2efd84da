//! OGC GeoPackages, in and out.
//!
//! [`read`] makes one layer of every feature table listed in
//! `gpkg_contents` (or the one `ReadOptions::layer` names), its coordinate
//! system from `gpkg_spatial_ref_sys` (the EPSG code, else the WKT through
//! [`crate::prj`]). [`write`] writes sites as a GeoPackage 1.3 that GDAL,
//! QGIS and ArcGIS open, atomically.

use std::path::Path;

use binzhou_core::export::site_properties;
use binzhou_core::model::{Code, Msg, Severity, Site};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, params};
use serde_json::{Map, Number, Value};

use crate::vector::{self, Feature, Geom};
use crate::{Detected, FormatError, Opened, OpenedLayer, ReadOptions, WriteReport, wkb};

/// `application_id` of a GeoPackage ("GPKG").
const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of GeoPackage 1.3.0.
const USER_VERSION: i32 = 10300;
/// The geometry column [`write`] makes.
const GEOMETRY_COLUMN: &str = "geom";

/// EPSG:4326 as OGC WKT 1, as GeoPackages carry it.
const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],\
UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

/// An SQL identifier in double quotes.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads the feature tables of a GeoPackage, one layer each.
///
/// Fails when the file cannot be opened as SQLite, is not a GeoPackage, or
/// has no layer named `opts.layer`; a geometry or value that cannot be read
/// is a problem naming the table, feature and column.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Opened, FormatError> {
    let unreadable = |detail: String| FormatError::Unreadable { path: path.to_path_buf(), detail };
    if let Err(source) = std::fs::metadata(path) {
        return Err(FormatError::Io { path: path.to_path_buf(), source });
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| unreadable(format!("cannot open as SQLite: {e}")))?;
    let tables = feature_tables(&conn).map_err(|e| unreadable(format!("not a GeoPackage: {e}")))?;
    let chosen: Vec<&FeatureTable> = match &opts.layer {
        None => tables.iter().collect(),
        Some(want) => {
            let found: Vec<&FeatureTable> = tables.iter().filter(|t| t.name.eq_ignore_ascii_case(want)).collect();
            if found.is_empty() {
                let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
                return Err(unreadable(format!("no feature layer \"{want}\"; its layers are: {}", names.join(", "))));
            }
            found
        }
    };
    let file = path.display().to_string();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let several = chosen.len() > 1;
    let mut layers = Vec::new();
    for t in chosen {
        // Problems name the layer as the dataset will: FILE/TABLE, or FILE for its one namesake table.
        let label = if several || t.name != stem { format!("{file}/{}", t.name) } else { file.clone() };
        layers.push(read_table(&conn, t, &label, opts).map_err(|e| unreadable(format!("table \"{}\": {e}", t.name)))?);
    }
    Ok(Opened { path: path.to_path_buf(), layers })
}

/// A feature table as `gpkg_contents` and `gpkg_geometry_columns` list it.
#[derive(Debug)]
struct FeatureTable {
    name: String,
    geometry: Option<String>,
    srs_id: Option<i64>,
}

fn feature_tables(conn: &Connection) -> rusqlite::Result<Vec<FeatureTable>> {
    let mut st = conn.prepare(
        "SELECT c.table_name, g.column_name, COALESCE(g.srs_id, c.srs_id) FROM gpkg_contents c
         LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         WHERE lower(c.data_type) = 'features' ORDER BY c.rowid",
    )?;
    let rows = st.query_map([], |r| Ok(FeatureTable { name: r.get(0)?, geometry: r.get(1)?, srs_id: r.get(2)? }))?;
    rows.collect()
}

/// The coordinate system of `srs_id`: what to give the core and a note.
fn layer_crs(conn: &Connection, srs_id: Option<i64>) -> crate::prj::Prj {
    let from = |id: i64| {
        let row: rusqlite::Result<(String, i64, String)> = conn.query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        );
        row.ok()
    };
    let undefined = |en: &str, zh: &str| crate::prj::Prj {
        crs: None,
        convert: None,
        finding: Msg::new(
            format!("{en}; the coordinate system is detected from the coordinates' magnitude"),
            format!("{zh}，将按坐标数值大小判断坐标系"),
        ),
    };
    let Some(id) = srs_id else { return undefined("no SRS is given", "未给出坐标系") };
    match from(id) {
        None => undefined(
            &format!("srs_id {id} is not in gpkg_spatial_ref_sys"),
            &format!("gpkg_spatial_ref_sys 中没有 srs_id {id}"),
        ),
        Some(_) if id == 0 || id == -1 => undefined("the SRS is \"undefined\"", "坐标系为“未定义”"),
        Some((org, code, definition)) => {
            let by_code = u32::try_from(code)
                .ok()
                .filter(|_| org.eq_ignore_ascii_case("EPSG"))
                .map(crate::prj::from_epsg)
                .filter(|p| p.crs.is_some());
            by_code.unwrap_or_else(|| crate::prj::from_wkt(&definition))
        }
    }
}

/// A column of a feature table that becomes a property.
struct Column {
    name: String,
    boolean: bool,
}

fn read_table(conn: &Connection, t: &FeatureTable, label: &str, opts: &ReadOptions) -> rusqlite::Result<OpenedLayer> {
    // Columns: every one but the geometry and the integer primary key (the feature id).
    let mut columns = Vec::new();
    {
        let mut st = conn.prepare(&format!("PRAGMA table_info({})", quote(&t.name)))?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(5)?)))?;
        for row in rows {
            let (name, kind, pk) = row?;
            let is_geometry = t.geometry.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(&name));
            let is_fid = pk == 1 && kind.eq_ignore_ascii_case("INTEGER");
            if !is_geometry && !is_fid {
                columns.push(Column { boolean: kind.eq_ignore_ascii_case("BOOLEAN"), name });
            }
        }
    }
    let geometry_sql = t.geometry.as_deref().map_or("NULL".to_owned(), quote);
    let list: String =
        std::iter::once(geometry_sql).chain(columns.iter().map(|c| quote(&c.name))).collect::<Vec<_>>().join(", ");
    let mut st = conn.prepare(&format!("SELECT {list} FROM {}", quote(&t.name)))?;
    let mut rows = st.query([])?;
    let mut features = Vec::new();
    let mut problems = Vec::new();
    let mut blobs = 0usize;
    while let Some(row) = rows.next()? {
        let index = features.len();
        let mut f = Feature::default();
        match row.get_ref(0)? {
            ValueRef::Null => {}
            ValueRef::Blob(b) => match wkb::read_blob(b) {
                Ok((_, g)) => f.geometry = g,
                Err((en, zh)) => problems.push(vector::problem(
                    Severity::Error,
                    label,
                    index,
                    t.geometry.as_deref(),
                    Code::FeatureUnreadable { detail: Msg::new(en, zh) },
                )),
            },
            _ => problems.push(vector::problem(
                Severity::Error,
                label,
                index,
                t.geometry.as_deref(),
                Code::FeatureUnreadable {
                    detail: Msg::new("the geometry is not a blob", "几何字段不是二进制数据")
                },
            )),
        }
        for (i, c) in columns.iter().enumerate() {
            let v = match row.get_ref(i + 1)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) if c.boolean => Value::Bool(n != 0),
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(x) => Number::from_f64(x).map_or(Value::Null, Value::Number),
                ValueRef::Text(b) => match std::str::from_utf8(b) {
                    Ok(s) => Value::String(s.to_owned()),
                    Err(_) => {
                        let lossy = String::from_utf8_lossy(b).into_owned();
                        problems.push(vector::problem(
                            Severity::Warning,
                            label,
                            index,
                            Some(&c.name),
                            Code::FeatureUnreadable {
                                detail: Msg::new(
                                    format!("the text is not valid UTF-8; read as \"{lossy}\""),
                                    format!("文本不是有效的 UTF-8，读作“{lossy}”"),
                                ),
                            },
                        ));
                        Value::String(lossy)
                    }
                },
                ValueRef::Blob(_) => {
                    blobs += 1;
                    Value::Null
                }
            };
            f.properties.insert(c.name.clone(), v);
        }
        features.push(f);
    }
    let mut detected = vec![Detected {
        what: "layer",
        text: Msg::new(
            format!("table \"{}\": {} features", t.name, features.len()),
            format!("数据表“{}”：{} 个要素", t.name, features.len()),
        ),
    }];
    if blobs > 0 {
        detected.push(Detected {
            what: "columns",
            text: Msg::new(
                format!("{blobs} binary values (BLOB) were left out"),
                format!("{blobs} 个二进制值（BLOB）未读入"),
            ),
        });
    }
    let crs =
        if let Some(crs) = opts.from {
            detected.push(Detected {
                what: "crs",
                text: Msg::new(
                    format!("{} as requested (gpkg_spatial_ref_sys is not used)", crs.label()),
                    format!("按要求使用 {}（不使用 gpkg_spatial_ref_sys）", crs.label()),
                ),
            });
            Some(crs)
        } else {
            let prj = layer_crs(conn, t.srs_id);
            let id = t.srs_id.map_or("?".to_owned(), |i| i.to_string());
            detected.push(prj.detected(
                &format!("gpkg_spatial_ref_sys (srs_id {id})"),
                &format!("gpkg_spatial_ref_sys（srs_id {id}）"),
            ));
            if let Some(r) = &prj.convert {
                vector::reproject(&mut features, r, label, &mut problems);
            }
            prj.crs
        };
    vector::drop_non_finite(&mut features, label, &mut problems);
    let geojson = vector::feature_collection(&t.name, &features);
    Ok(OpenedLayer { name: t.name.clone(), geojson, crs, detected, problems, rows: None })
}

// ---- Writing

/// The column type of a property, from every value it has.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Boolean,
    Integer,
    Real,
    Text,
}

impl Kind {
    fn sql(self) -> &'static str {
        match self {
            Kind::Boolean => "BOOLEAN",
            Kind::Integer => "INTEGER",
            Kind::Real => "REAL",
            Kind::Text => "TEXT",
        }
    }

    fn of(values: &[&Value]) -> Kind {
        if values.is_empty() {
            Kind::Text
        } else if values.iter().all(|v| v.is_boolean()) {
            Kind::Boolean
        } else if values.iter().all(|v| v.is_i64()) {
            Kind::Integer
        } else if values.iter().all(|v| v.is_number()) {
            Kind::Real
        } else {
            Kind::Text
        }
    }
}

/// Writes `sites` (WGS84) as a GeoPackage 1.3 at `path`: one feature table
/// named after the file, its geometry column typed by the sites' geometry
/// type (`GEOMETRY` when they are mixed), properties as columns. The file
/// is written beside the target under a temporary name, synced and renamed
/// over it: a crash leaves the old file or the new one.
pub fn write(path: &Path, sites: &[&Site]) -> Result<WriteReport, FormatError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let io = |p: &Path, source: std::io::Error| FormatError::Io { path: p.to_path_buf(), source };
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io(path, e))?
        .into_temp_path();
    let mut report = WriteReport::default();
    let table = table_name(path);
    fill(&tmp, &table, sites, &mut report).map_err(|e| FormatError::Unreadable {
        path: path.to_path_buf(),
        detail: format!("writing the GeoPackage failed: {e}"),
    })?;
    {
        let f = std::fs::File::open(&tmp).map_err(|e| io(&tmp, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0o644);
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)).map_err(|e| io(&tmp, e))?;
        }
        f.sync_all().map_err(|e| io(&tmp, e))?;
    }
    tmp.persist(path).map_err(|e| io(path, e.error))?;
    sync_folder(dir);
    report.files.push(path.to_path_buf());
    Ok(report)
}

/// Syncs a folder's entries (after the rename), where the platform allows.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The feature table's name: the file's stem, unless it would clash with
/// the GeoPackage's own tables.
fn table_name(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let lower = stem.to_ascii_lowercase();
    if stem.trim().is_empty() || ["gpkg_", "sqlite_", "rtree_"].iter().any(|p| lower.starts_with(p)) {
        "sites".to_owned()
    } else {
        stem
    }
}

/// Creates the GeoPackage in the (empty) file at `tmp`.
fn fill(tmp: &Path, table: &str, sites: &[&Site], report: &mut WriteReport) -> rusqlite::Result<()> {
    let mut conn = Connection::open(tmp)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    // A site without a location is a row with a NULL geometry, as GeoPackage allows.
    let items: Vec<(Option<Geom>, Map<String, Value>)> =
        sites.iter().map(|s| (s.is_located().then(|| Geom::from_geo(&s.geometry)), site_properties(s))).collect();

    // Properties: every key in first-seen order, typed by their values.
    let mut keys: Vec<String> = Vec::new();
    for (_, p) in &items {
        for k in p.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let mut columns: Vec<(String, String, Kind)> = Vec::new(); // key, column, kind
    let mut taken: Vec<String> = vec!["fid".into(), GEOMETRY_COLUMN.into()];
    for k in &keys {
        let mut col = k.clone();
        let mut n = 2;
        while taken.iter().any(|t| t.eq_ignore_ascii_case(&col)) {
            col = format!("{k}_{n}");
            n += 1;
        }
        if &col != k {
            report.notes.push(Msg::new(
                format!("property \"{k}\" is written as column \"{col}\" (the name is taken)"),
                format!("属性“{k}”写为列“{col}”（该名称已被占用）"),
            ));
        }
        taken.push(col.clone());
        let values: Vec<&Value> = items.iter().filter_map(|(_, p)| p.get(k)).filter(|v| !v.is_null()).collect();
        let kind = Kind::of(&values);
        if kind == Kind::Text && values.iter().any(|v| !v.is_string()) {
            report.notes.push(Msg::new(
                format!("property \"{k}\" mixes text with other values: written as text"),
                format!("属性“{k}”中文本与其他值混杂：按文本写入"),
            ));
        }
        columns.push((k.clone(), col, kind));
    }
    let type_names: Vec<&str> = items.iter().filter_map(|(g, _)| g.as_ref().map(wkb::type_name)).collect();
    let geometry_type = match type_names.first() {
        Some(first) if type_names.iter().all(|t| t == first) => *first,
        _ => "GEOMETRY",
    };
    let mut extent: Option<[f64; 4]> = None;
    for (g, _) in &items {
        if let Some(b) = g.as_ref().and_then(Geom::bbox) {
            let e = extent.get_or_insert(b);
            *e = [e[0].min(b[0]), e[1].min(b[1]), e[2].max(b[2]), e[3].max(b[3])];
        }
    }

    let tx = conn.transaction()?;
    tx.execute_batch(&format!(
        "CREATE TABLE gpkg_spatial_ref_sys (
           srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
           organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
           ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84_WKT}',
            'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
         CREATE TABLE gpkg_contents (
           table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
           description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (
           table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT uk_gc_table_name UNIQUE (table_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));"
    ))?;
    let column_defs: String = columns.iter().map(|(_, c, k)| format!(", {} {}", quote(c), k.sql())).collect();
    tx.execute_batch(&format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {} {geometry_type}{column_defs});",
        quote(table),
        quote(GEOMETRY_COLUMN)
    ))?;
    let (min_x, min_y, max_x, max_y) = match extent {
        Some([a, b, c, d]) => (Some(a), Some(b), Some(c), Some(d)),
        None => (None, None, None, None),
    };
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, 'binzhou-sites', ?2, ?3, ?4, ?5, 4326)",
        params![table, min_x, min_y, max_x, max_y],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, 4326, 0, 0)",
        params![table, GEOMETRY_COLUMN, geometry_type],
    )?;
    {
        let placeholders: String = (0..=columns.len()).map(|i| format!("?{}", i + 1)).collect::<Vec<_>>().join(", ");
        let names: String = std::iter::once(quote(GEOMETRY_COLUMN))
            .chain(columns.iter().map(|(_, c, _)| quote(c)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = tx.prepare(&format!("INSERT INTO {} ({names}) VALUES ({placeholders})", quote(table)))?;
        for (g, p) in &items {
            let geometry = match g {
                Some(g) => rusqlite::types::Value::Blob(wkb::write_blob(g, 4326)),
                None => rusqlite::types::Value::Null,
            };
            let mut values: Vec<rusqlite::types::Value> = vec![geometry];
            for (k, _, kind) in &columns {
                values.push(sql_value(p.get(k), *kind));
            }
            insert.execute(rusqlite::params_from_iter(values))?;
        }
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

/// A property as the SQL value of its column.
fn sql_value(v: Option<&Value>, kind: Kind) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match (v, kind) {
        (None | Some(Value::Null), _) => V::Null,
        (Some(Value::Bool(b)), Kind::Boolean) => V::Integer(i64::from(*b)),
        (Some(Value::Number(n)), Kind::Integer) => n.as_i64().map_or(V::Null, V::Integer),
        (Some(Value::Number(n)), Kind::Real) => n.as_f64().map_or(V::Null, V::Real),
        (Some(Value::String(s)), _) => V::Text(s.clone()),
        (Some(other), _) => V::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_never_clash_with_the_geopackage_tables() {
        assert_eq!(table_name(Path::new("/x/口袋公园.gpkg")), "口袋公园");
        assert_eq!(table_name(Path::new("gpkg_contents.gpkg")), "sites");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn column_kinds_follow_the_values() {
        let (t, i, r, s) = (Value::Bool(true), Value::from(3), Value::from(2.5), Value::from("x"));
        assert_eq!(Kind::of(&[&t]), Kind::Boolean);
        assert_eq!(Kind::of(&[&i, &i]), Kind::Integer);
        assert_eq!(Kind::of(&[&i, &r]), Kind::Real);
        assert_eq!(Kind::of(&[&i, &s]), Kind::Text);
    }
}
