//! ESRI Shapefiles, in and out.
//!
//! [`read`] takes the `.shp` with its `.shx`, `.dbf`, `.prj`, `.cpg` (and
//! `.dbt`) — sidecars found whatever the case of their extension — and makes
//! one layer of GeoJSON in the file's own coordinates. The DBF's text is
//! decoded by the `.cpg`, else the language-driver byte, else detection; the
//! `.prj` names the coordinate system ([`crate::prj`]). A record that cannot
//! be decoded is a problem naming file, feature and field; the rest loads.
//!
//! [`write`] writes sites as WGS84 Shapefiles with UTF-8 attributes, one
//! file per geometry type when they are mixed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use binzhou_core::export::site_properties;
use binzhou_core::model::{Code, Msg, Problem, Severity, Site};
use serde_json::Value;

use crate::dbf;
use crate::vector::{self, Feature, Geom, Pos};
use crate::{Detected, FormatError, Opened, OpenedLayer, ReadOptions, WriteReport};

/// The `.prj` of the files [`write`] makes: WGS84 in ESRI's words.
const WGS84_PRJ: &str = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],\
PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

/// Reads a Shapefile into one layer.
///
/// Fails only when the `.shp` itself cannot be read or is not a Shapefile;
/// a missing or broken `.dbf`, `.prj` or record is a problem or a note, and
/// what can be read still loads.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Opened, FormatError> {
    let file = path.display().to_string();
    let io = |p: &Path, source| FormatError::Io { path: p.to_path_buf(), source };
    let shp_bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    let sidecars = Sidecars::find(path);
    let shx_bytes = sidecars.shx.as_deref().and_then(|p| std::fs::read(p).ok());
    let shapes = parse_shp(&shp_bytes, shx_bytes.as_deref())
        .map_err(|detail| FormatError::Unreadable { path: path.to_path_buf(), detail })?;

    let mut detected = Vec::new();
    let mut problems = Vec::new();
    if shx_bytes.is_none() {
        detected.push(Detected {
            what: "index",
            text: Msg::new(
                "no .shx index: the .shp was read record by record",
                "没有 .shx 索引文件：已按顺序逐条读取 .shp",
            ),
        });
    }

    // The attribute table.
    let table = read_table(path, &sidecars, &file, &mut problems);
    let choice = table.as_ref().map(|t| {
        let cpg = sidecars
            .cpg
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        dbf::choose(cpg.as_deref(), t)
    });
    if let Some(c) = &choice {
        detected.push(Detected { what: "encoding", text: c.why.clone() });
    }
    let memo = match (&table, &sidecars.dbt) {
        (Some(t), Some(p)) if t.fields.iter().any(|f| f.kind == b'M') => {
            std::fs::read(p).ok().map(|b| dbf::Memo::new(b, t.version == 0x8B))
        }
        _ => None,
    };

    let records = table.as_ref().map_or(0, dbf::Table::len);
    if let Some(t) = &table {
        if t.announced > t.len() {
            problems.push(Problem::file_level(
                Severity::Error,
                &file,
                Code::ReadError {
                    detail: Msg::new(
                        format!("the .dbf announces {} records but ends after {}", t.announced, t.len()),
                        format!(".dbf 声明有 {} 条记录，但在第 {} 条后结束", t.announced, t.len()),
                    ),
                },
            ));
        }
        if records != shapes.len() {
            problems.push(Problem::file_level(
                Severity::Warning,
                &file,
                Code::ReadError {
                    detail: Msg::new(
                        format!(
                            "the .shp has {} shapes but the .dbf {records} records; the extra ones are read without {}",
                            shapes.len(),
                            if records < shapes.len() { "properties" } else { "geometry" }
                        ),
                        format!(
                            ".shp 有 {} 个图形，而 .dbf 有 {records} 条记录；多出的部分{}",
                            shapes.len(),
                            if records < shapes.len() { "没有属性" } else { "没有几何图形" }
                        ),
                    ),
                },
            ));
        }
    }

    let names = match (&table, &choice) {
        (Some(t), Some(c)) => dbf::field_names(t, c.encoding),
        _ => Vec::new(),
    };
    let mut features = Vec::new();
    let mut deleted = 0;
    for i in 0..shapes.len().max(records) {
        if table.as_ref().is_some_and(|t| t.deleted(i)) {
            deleted += 1;
            continue;
        }
        let index = features.len();
        let mut feature = Feature::default();
        if let (Some(t), Some(c)) = (&table, &choice) {
            if i < t.len() {
                let (props, bad) = dbf::record(t, i, &names, c.encoding, memo.as_ref());
                feature.properties = props;
                for b in bad {
                    problems.push(vector::problem(
                        Severity::Warning,
                        &file,
                        index,
                        Some(&b.field),
                        Code::FeatureUnreadable { detail: record_msg(i, &b.why) },
                    ));
                }
            } else {
                for n in &names {
                    feature.properties.insert(n.clone(), Value::Null);
                }
            }
        }
        match shapes.get(i) {
            Some(Ok(g)) => feature.geometry = g.clone(),
            Some(Err(why)) => problems.push(vector::problem(
                Severity::Error,
                &file,
                index,
                Some("geometry"),
                Code::FeatureUnreadable { detail: record_msg(i, why) },
            )),
            None => {}
        }
        features.push(feature);
    }
    if deleted > 0 {
        detected.push(Detected {
            what: "records",
            text: Msg::new(
                format!("{deleted} records marked deleted in the .dbf were left out"),
                format!(".dbf 中 {deleted} 条标记为删除的记录未读入"),
            ),
        });
    }

    // The coordinate system.
    let crs = if let Some(crs) = opts.from {
        detected.push(Detected {
            what: "crs",
            text: Msg::new(
                format!("{} as requested (the .prj, if any, is not used)", crs.label()),
                format!("按要求使用 {}（不使用 .prj）", crs.label()),
            ),
        });
        Some(crs)
    } else {
        match sidecars.prj.as_deref().map(|p| (p, std::fs::read(p))) {
            None => {
                detected.push(Detected {
                    what: "crs",
                    text: Msg::new(
                        "no .prj: the coordinate system is detected from the coordinates' magnitude",
                        "没有 .prj 文件：将按坐标数值大小判断坐标系",
                    ),
                });
                None
            }
            Some((p, Err(e))) => {
                problems.push(Problem::file_level(
                    Severity::Warning,
                    p.display().to_string(),
                    Code::CannotOpen { detail: Msg::from_io(&e) },
                ));
                None
            }
            Some((_, Ok(bytes))) => {
                let prj = crate::prj::from_wkt(&String::from_utf8_lossy(&bytes));
                detected.push(prj.detected("the .prj", ".prj 文件"));
                if let Some(r) = &prj.convert {
                    vector::reproject(&mut features, r, &file, &mut problems);
                }
                prj.crs
            }
        }
    };
    vector::drop_non_finite(&mut features, &file, &mut problems);

    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let geojson = vector::feature_collection(&name, &features);
    Ok(Opened {
        path: path.to_path_buf(),
        layers: vec![OpenedLayer { name, geojson, crs, detected, problems, rows: None }],
    })
}

/// "record N: why" — the DBF/SHP record number (1-based, as other GIS show it).
fn record_msg(i: usize, why: &Msg) -> Msg {
    Msg::new(format!("record {}: {}", i + 1, why.en), format!("第 {} 条记录：{}", i + 1, why.zh))
}

/// Reads and parses the `.dbf`; a missing or broken one is a problem, not a failure.
fn read_table(path: &Path, s: &Sidecars, file: &str, problems: &mut Vec<Problem>) -> Option<dbf::Table> {
    let Some(p) = &s.dbf else {
        problems.push(Problem::file_level(
            Severity::Warning,
            file,
            Code::ReadError {
                detail: Msg::new(
                    format!("no .dbf beside {}: the features have no properties", path.display()),
                    format!("{} 旁没有 .dbf 文件：要素没有属性", path.display()),
                ),
            },
        ));
        return None;
    };
    match std::fs::read(p) {
        Err(e) => {
            problems.push(Problem::file_level(
                Severity::Error,
                p.display().to_string(),
                Code::CannotOpen { detail: Msg::from_io(&e) },
            ));
            None
        }
        Ok(bytes) => match dbf::parse(&bytes) {
            Ok(t) => Some(t),
            Err(why) => {
                problems.push(Problem::file_level(
                    Severity::Error,
                    p.display().to_string(),
                    Code::ReadError {
                        detail: Msg::new(
                            format!("{why}; the features are read without properties"),
                            format!(".dbf 文件损坏（{why}），要素按无属性读入"),
                        ),
                    },
                ));
                None
            }
        },
    }
}

/// The files that belong with a `.shp`.
#[derive(Debug, Default)]
struct Sidecars {
    shx: Option<PathBuf>,
    dbf: Option<PathBuf>,
    prj: Option<PathBuf>,
    cpg: Option<PathBuf>,
    dbt: Option<PathBuf>,
}

impl Sidecars {
    /// Finds the sidecars of `shp`: same stem, extension in any case (an
    /// exact stem match first, then one differing only in case).
    fn find(shp: &Path) -> Sidecars {
        let dir = shp.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let stem = shp.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let entries: Vec<PathBuf> =
            std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        let pick = |ext: &str| -> Option<PathBuf> {
            let matching = |exact: bool| {
                entries.iter().find(|p| {
                    let s = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let e = p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
                    e == ext && if exact { s == stem } else { s.to_lowercase() == stem.to_lowercase() }
                })
            };
            matching(true).or_else(|| matching(false)).cloned()
        };
        Sidecars { shx: pick("shx"), dbf: pick("dbf"), prj: pick("prj"), cpg: pick("cpg"), dbt: pick("dbt") }
    }
}

/// Each record of a `.shp`: its geometry (`None` for a null shape) or why
/// it cannot be read. Fails only when the file is not a Shapefile.
fn parse_shp(bytes: &[u8], shx: Option<&[u8]>) -> Result<Vec<Result<Option<Geom>, Msg>>, String> {
    if bytes.len() < 100 {
        return Err(format!("{} bytes is too short for a Shapefile header (100 bytes)", bytes.len()));
    }
    let code = i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if code != 9994 {
        return Err(format!("not a Shapefile: the file code is {code}, not 9994"));
    }
    let be = |at: usize| -> Option<usize> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        usize::try_from(i32::from_be_bytes(b)).ok()
    };
    // Record spans (offset of the record header, content length) from the
    // .shx when it is sound, else by walking the .shp.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let shx_ok = shx.is_some_and(|x| x.len() >= 100 && (x.len() - 100) % 8 == 0);
    if let (Some(x), true) = (shx, shx_ok) {
        for e in x[100..].chunks_exact(8) {
            let off = i32::from_be_bytes([e[0], e[1], e[2], e[3]]);
            let len = i32::from_be_bytes([e[4], e[5], e[6], e[7]]);
            spans.push((usize::try_from(off).unwrap_or(0) * 2, usize::try_from(len).unwrap_or(0) * 2));
        }
    } else {
        let mut at = 100;
        while at + 8 <= bytes.len() {
            let Some(len) = be(at + 4).map(|l| l * 2) else { break };
            spans.push((at, len));
            at = at.saturating_add(8).saturating_add(len);
        }
    }
    Ok(spans
        .into_iter()
        .map(|(at, len)| {
            let content =
                at.checked_add(8).and_then(|start| bytes.get(start..start.checked_add(len)?)).ok_or_else(|| {
                    Msg::new(
                        "the record runs past the end of the .shp (truncated?)",
                        "记录超出 .shp 文件末尾（文件被截断？）",
                    )
                })?;
            parse_record(content)
        })
        .collect())
}

/// Little-endian reads within one record's content.
struct Content<'a>(&'a [u8]);

impl Content<'_> {
    fn i32(&self, at: usize) -> Option<i32> {
        Some(i32::from_le_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }
    fn count(&self, at: usize) -> Option<usize> {
        usize::try_from(self.i32(at)?).ok()
    }
    fn f64(&self, at: usize) -> Option<f64> {
        Some(f64::from_le_bytes(self.0.get(at..at + 8)?.try_into().ok()?))
    }
    fn points(&self, at: usize, n: usize) -> Option<Vec<Pos>> {
        let end = at.checked_add(n.checked_mul(16)?)?;
        if end > self.0.len() {
            return None;
        }
        (0..n).map(|i| Some([self.f64(at + 16 * i)?, self.f64(at + 16 * i + 8)?])).collect()
    }
}

/// One record's geometry, Z and M dropped.
fn parse_record(content: &[u8]) -> Result<Option<Geom>, Msg> {
    let c = Content(content);
    let short = || Msg::new("the record is shorter than its shape needs", "记录长度不足以容纳其图形");
    let kind = c.i32(0).ok_or_else(short)?;
    match kind {
        0 => Ok(None),
        1 | 11 | 21 => Ok(Some(Geom::Point([c.f64(4).ok_or_else(short)?, c.f64(12).ok_or_else(short)?]))),
        8 | 18 | 28 => {
            let n = c.count(36).ok_or_else(short)?;
            Ok(Some(Geom::MultiPoint(c.points(40, n).ok_or_else(short)?)))
        }
        3 | 13 | 23 | 5 | 15 | 25 => {
            let parts_n = c.count(36).ok_or_else(short)?;
            let points_n = c.count(40).ok_or_else(short)?;
            let starts: Vec<usize> =
                (0..parts_n).map(|i| c.count(44 + 4 * i)).collect::<Option<_>>().ok_or_else(short)?;
            let points = c.points(44 + 4 * parts_n, points_n).ok_or_else(short)?;
            let mut parts = Vec::with_capacity(parts_n);
            for (i, &s) in starts.iter().enumerate() {
                let e = starts.get(i + 1).copied().unwrap_or(points.len());
                if s > e || e > points.len() {
                    return Err(Msg::new(
                        format!("part {i} starts at point {s}, outside the record's {} points", points.len()),
                        format!("第 {i} 部分起点 {s} 超出记录的 {} 个点", points.len()),
                    ));
                }
                parts.push(points[s..e].to_vec());
            }
            if parts.is_empty() {
                return Ok(None);
            }
            if matches!(kind, 3 | 13 | 23) {
                Ok(Some(if parts.len() == 1 {
                    Geom::LineString(parts.remove(0))
                } else {
                    Geom::MultiLineString(parts)
                }))
            } else {
                Ok(assemble_polygon(parts))
            }
        }
        31 => Err(Msg::new(
            "MultiPatch shapes are not supported; the feature has no geometry",
            "不支持 MultiPatch 图形，要素没有几何图形",
        )),
        other => Err(Msg::new(format!("unknown shape type {other}"), format!("未知图形类型 {other}"))),
    }
}

/// Rings of a Shapefile polygon as a GeoJSON (Multi)Polygon: outer rings are
/// clockwise, holes counter-clockwise, and each hole goes to the smallest
/// outer ring that contains it. When all rings turn the same way (a writer
/// that ignored the rule), nesting decides instead. Output rings follow
/// RFC 7946 (outer counter-clockwise).
fn assemble_polygon(rings: Vec<Vec<Pos>>) -> Option<Geom> {
    let rings: Vec<Vec<Pos>> = rings.into_iter().filter(|r| !r.is_empty()).collect();
    if rings.is_empty() {
        return None;
    }
    let areas: Vec<f64> = rings.iter().map(|r| vector::signed_area(r)).collect();
    let one_way = areas.iter().all(|&a| a <= 0.0) || areas.iter().all(|&a| a >= 0.0);
    let inside = |inner: usize, outer: usize| {
        inner != outer
            && areas[outer].abs() > areas[inner].abs()
            && rings[inner].iter().take(3).any(|&p| vector::ring_contains(&rings[outer], p))
    };
    let is_outer: Vec<bool> = (0..rings.len())
        .map(|i| {
            if one_way && rings.len() > 1 {
                (0..rings.len()).filter(|&o| inside(i, o)).count() % 2 == 0
            } else {
                areas[i] <= 0.0
            }
        })
        .collect();
    let outers: Vec<usize> = (0..rings.len()).filter(|&i| is_outer[i]).collect();
    let mut polygons: Vec<(usize, Vec<Vec<Pos>>)> = Vec::new();
    let oriented = |r: &[Pos], ccw: bool| {
        let mut r = r.to_vec();
        if (vector::signed_area(&r) > 0.0) != ccw {
            r.reverse();
        }
        r
    };
    for &o in &outers {
        polygons.push((o, vec![oriented(&rings[o], true)]));
    }
    for h in (0..rings.len()).filter(|&i| !is_outer[i]) {
        let home =
            outers.iter().copied().filter(|&o| inside(h, o)).min_by(|&a, &b| areas[a].abs().total_cmp(&areas[b].abs()));
        match home.and_then(|o| polygons.iter_mut().find(|(i, _)| *i == o)) {
            Some((_, p)) => p.push(oriented(&rings[h], false)),
            // A hole in nothing: an outer ring after all.
            None => polygons.push((h, vec![oriented(&rings[h], true)])),
        }
    }
    polygons.sort_by_key(|(i, _)| *i);
    let mut polys: Vec<Vec<Vec<Pos>>> = polygons.into_iter().map(|(_, p)| p).collect();
    Some(if polys.len() == 1 { Geom::Polygon(polys.remove(0)) } else { Geom::MultiPolygon(polys) })
}

// ---- Writing

/// The geometry groups a Shapefile can hold one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Point,
    Line,
    Polygon,
}

impl Group {
    fn suffix(self) -> &'static str {
        match self {
            Group::Point => "point",
            Group::Line => "line",
            Group::Polygon => "polygon",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Group::Point => "点",
            Group::Line => "线",
            Group::Polygon => "面",
        }
    }

    fn of(g: &Geom) -> Option<Group> {
        match g {
            Geom::Point(_) | Geom::MultiPoint(_) => Some(Group::Point),
            Geom::LineString(_) | Geom::MultiLineString(_) => Some(Group::Line),
            Geom::Polygon(_) | Geom::MultiPolygon(_) => Some(Group::Polygon),
            Geom::Collection(gs) => {
                let mut kinds = gs.iter().map(Group::of);
                let first = kinds.next()??;
                kinds.all(|k| k == Some(first)).then_some(first)
            }
        }
    }
}

/// A site to write: its geometry and properties.
type Item = (Geom, serde_json::Map<String, Value>);

/// Writes `sites` as a WGS84 Shapefile at `path` (`.shp`, `.shx`, `.dbf`
/// in UTF-8 with a `.cpg`, and a `.prj`). Points, lines and polygons
/// mixed are split into `NAME_point.shp`, `NAME_line.shp` and
/// `NAME_polygon.shp`. Field names are shortened to dBase's 10 bytes, text
/// cut to 254 bytes; the report says what was changed.
pub fn write(path: &Path, sites: &[&Site]) -> Result<WriteReport, FormatError> {
    let mut report = WriteReport::default();
    let mut groups: Vec<(Group, Vec<Item>)> = Vec::new();
    for s in sites {
        if !s.is_located() {
            report.notes.push(Msg::new(
                format!(
                    "site {}: it has no location, and a Shapefile keeps none without a shape type; left out",
                    s.id()
                ),
                format!("项目 {}：尚无位置，Shapefile 无法保存无位置的要素，已略去", s.id()),
            ));
            continue;
        }
        let g = flatten(Geom::from_geo(&s.geometry));
        let Some(group) = Group::of(&g) else {
            report.notes.push(Msg::new(
                format!("site {}: a collection of mixed geometry types cannot go in a Shapefile; left out", s.id()),
                format!("项目 {}：混合类型的几何集合无法写入 Shapefile，已略去", s.id()),
            ));
            continue;
        };
        let props = site_properties(s);
        match groups.iter_mut().find(|(k, _)| *k == group) {
            Some((_, v)) => v.push((g, props)),
            None => groups.push((group, vec![(g, props)])),
        }
    }
    if groups.is_empty() {
        groups.push((Group::Point, Vec::new()));
    }
    groups.sort_by_key(|(g, _)| *g as u8);

    // One name mapping for every file, so that split files agree.
    let mut keys: Vec<String> = Vec::new();
    for (_, items) in &groups {
        for (_, p) in items {
            for k in p.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    let short = short_names(&keys);
    for (k, s) in keys.iter().zip(&short) {
        if k != s {
            report.notes.push(Msg::new(
                format!("field \"{k}\" is written as \"{s}\" (dBase field names are at most 10 bytes)"),
                format!("字段“{k}”写为“{s}”（dBase 字段名最长 10 字节）"),
            ));
        }
    }

    let split = groups.len() > 1;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sites".into());
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    for (group, items) in &groups {
        let base = if split { dir.join(format!("{stem}_{}", group.suffix())) } else { dir.join(&stem) };
        let geoms: Vec<&Geom> = items.iter().map(|(g, _)| g).collect();
        let (shp, shx) = shp_bytes(*group, &geoms);
        let (columns, rows, notes) = table(&keys, &short, items.iter().map(|(_, p)| p));
        report.notes.extend(notes);
        let dbf_bytes = dbf::write(&columns, &rows);
        for (ext, bytes) in [
            ("shp", shp),
            ("shx", shx),
            ("dbf", dbf_bytes),
            ("prj", WGS84_PRJ.as_bytes().to_vec()),
            ("cpg", b"UTF-8".to_vec()),
        ] {
            let p = base.with_extension(ext);
            binzhou_core::save::write_atomic(&p, |w| std::io::Write::write_all(w, &bytes))
                .map_err(|source| FormatError::Io { path: p.clone(), source })?;
            report.files.push(p);
        }
    }
    if split {
        let list: Vec<String> =
            groups.iter().map(|(g, items)| format!("{stem}_{}.shp ({})", g.suffix(), items.len())).collect();
        let list_zh: Vec<String> = groups
            .iter()
            .map(|(g, items)| format!("{stem}_{}.shp（{}，{} 个）", g.suffix(), g.zh(), items.len()))
            .collect();
        report.notes.push(Msg::new(
            format!("a Shapefile holds one geometry type, so the sites were split into {}", list.join(", ")),
            format!("Shapefile 只能容纳一种几何类型，项目已分别写入 {}", list_zh.join("、")),
        ));
    }
    Ok(report)
}

/// A collection of one kind as the matching multi-geometry.
fn flatten(g: Geom) -> Geom {
    let Geom::Collection(gs) = g else { return g };
    let mut points = Vec::new();
    let mut lines = Vec::new();
    let mut polys = Vec::new();
    for g in gs.into_iter().map(flatten) {
        match g {
            Geom::Point(p) => points.push(p),
            Geom::MultiPoint(ps) => points.extend(ps),
            Geom::LineString(l) => lines.push(l),
            Geom::MultiLineString(ls) => lines.extend(ls),
            Geom::Polygon(p) => polys.push(p),
            Geom::MultiPolygon(ps) => polys.extend(ps),
            Geom::Collection(_) => {}
        }
    }
    match (points.is_empty(), lines.is_empty(), polys.is_empty()) {
        (false, true, true) => Geom::MultiPoint(points),
        (true, false, true) => Geom::MultiLineString(lines),
        (true, true, false) => Geom::MultiPolygon(polys),
        _ => Geom::Collection(Vec::new()),
    }
}

/// dBase field names for `keys`: at most 10 bytes (cut at a character
/// boundary), unique regardless of case, a numeric suffix where cutting
/// made two alike.
fn short_names(keys: &[String]) -> Vec<String> {
    let cut = |s: &str, max: usize| -> String {
        let mut end = s.len().min(max);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_owned()
    };
    let mut used: HashSet<String> = HashSet::new();
    keys.iter()
        .map(|k| {
            let clean: String = k.chars().map(|c| if c.is_control() { '_' } else { c }).collect();
            let clean = if clean.is_empty() { "field".to_owned() } else { clean };
            let mut name = cut(&clean, 10);
            let mut n = 1;
            while used.contains(&name.to_lowercase()) {
                let suffix = format!("_{n}");
                name = format!("{}{suffix}", cut(&clean, 10 - suffix.len()));
                n += 1;
            }
            used.insert(name.to_lowercase());
            name
        })
        .collect()
}

/// Columns and formatted cells of the properties, with notes on what had to change.
fn table<'a>(
    keys: &[String],
    short: &[String],
    props: impl Iterator<Item = &'a serde_json::Map<String, Value>> + Clone,
) -> (Vec<dbf::Column>, Vec<Vec<dbf::Cell>>, Vec<Msg>) {
    let mut notes = Vec::new();
    let mut columns = Vec::new();
    let mut cells_by_column: Vec<Vec<dbf::Cell>> = Vec::new();
    for (key, name) in keys.iter().zip(short) {
        let values: Vec<Option<&Value>> = props.clone().map(|p| p.get(key).filter(|v| !v.is_null())).collect();
        if values.iter().all(Option::is_none) && !props.clone().any(|p| p.contains_key(key)) {
            continue; // not in this file's sites at all
        }
        let present: Vec<&Value> = values.iter().flatten().copied().collect();
        let (column, cells) = if !present.is_empty() && present.iter().all(|v| v.is_boolean()) {
            let cells = values
                .iter()
                .map(|v| v.map(|v| if v.as_bool() == Some(true) { b"T".to_vec() } else { b"F".to_vec() }))
                .collect();
            (dbf::Column { name: name.clone(), kind: dbf::Kind::Logical, width: 1 }, cells)
        } else if let Some(col) = (!present.is_empty() && present.iter().all(|v| v.is_number()))
            .then(|| number_column(name, &values))
            .flatten()
        {
            col
        } else {
            if present.iter().any(|v| v.is_number()) && present.iter().any(|v| !v.is_number()) {
                notes.push(Msg::new(
                    format!("field \"{key}\" mixes numbers and text: written as text"),
                    format!("字段“{key}”中数字与文本混杂：按文本写入"),
                ));
            }
            let mut cut = 0;
            let cells: Vec<dbf::Cell> = values
                .iter()
                .map(|v| {
                    v.map(|v| {
                        let text = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        let mut end = text.len().min(254);
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        if end < text.len() {
                            cut += 1;
                        }
                        text.as_bytes()[..end].to_vec()
                    })
                })
                .collect();
            if cut > 0 {
                notes.push(Msg::new(
                    format!("field \"{key}\": {cut} values longer than 254 bytes were cut to 254 (the dBase limit)"),
                    format!("字段“{key}”：{cut} 个超过 254 字节的值被截断为 254 字节（dBase 上限）"),
                ));
            }
            let width = cells.iter().flatten().map(Vec::len).max().unwrap_or(1).max(1);
            (dbf::Column { name: name.clone(), kind: dbf::Kind::Text, width }, cells)
        };
        columns.push(column);
        cells_by_column.push(cells);
    }
    let n = props.count();
    let rows = (0..n).map(|i| cells_by_column.iter().map(|c| c[i].clone()).collect()).collect();
    (columns, rows, notes)
}

/// A numeric column (`N`) sized to its values, or `None` when they need more
/// than dBase's 20 characters (then they are written as text).
fn number_column(name: &str, values: &[Option<&Value>]) -> Option<(dbf::Column, Vec<dbf::Cell>)> {
    let decimals = values
        .iter()
        .flatten()
        .filter(|v| !(v.is_i64() || v.is_u64()))
        .filter_map(|v| v.as_f64())
        .map(|f| format!("{f}").split_once('.').map_or(0, |(_, d)| d.len()))
        .max()
        .unwrap_or(0)
        .min(15);
    let cells: Vec<dbf::Cell> = values
        .iter()
        .map(|v| {
            v.map(|v| {
                if decimals == 0 && (v.is_i64() || v.is_u64()) {
                    v.to_string().into_bytes()
                } else {
                    format!("{:.decimals$}", v.as_f64().unwrap_or(0.0)).into_bytes()
                }
            })
        })
        .collect();
    let width = cells.iter().flatten().map(Vec::len).max().unwrap_or(1).max(1);
    (width <= 20)
        .then(|| (dbf::Column { name: name.to_owned(), kind: dbf::Kind::Number(decimals as u8), width }, cells))
}

/// The `.shp` and `.shx` of geometries of one group.
fn shp_bytes(group: Group, geoms: &[&Geom]) -> (Vec<u8>, Vec<u8>) {
    let all_points = geoms.iter().all(|g| matches!(g, Geom::Point(_)));
    let shape_type: i32 = match group {
        Group::Point if all_points => 1,
        Group::Point => 8,
        Group::Line => 3,
        Group::Polygon => 5,
    };
    let mut records: Vec<Vec<u8>> = Vec::with_capacity(geoms.len());
    let mut bbox: Option<[f64; 4]> = None;
    for g in geoms {
        let content = if g.is_empty() { 0i32.to_le_bytes().to_vec() } else { shape_content(shape_type, g) };
        if let Some(b) = g.bbox() {
            let e = bbox.get_or_insert(b);
            *e = [e[0].min(b[0]), e[1].min(b[1]), e[2].max(b[2]), e[3].max(b[3])];
        }
        records.push(content);
    }
    let bbox = bbox.unwrap_or([0.0; 4]);
    let header = |length_words: usize| {
        let mut h = Vec::with_capacity(100);
        h.extend_from_slice(&9994i32.to_be_bytes());
        h.extend_from_slice(&[0u8; 20]);
        h.extend_from_slice(&(length_words as i32).to_be_bytes());
        h.extend_from_slice(&1000i32.to_le_bytes());
        h.extend_from_slice(&shape_type.to_le_bytes());
        for v in bbox {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&[0u8; 32]); // z and m ranges
        h
    };
    let shp_len: usize = 100 + records.iter().map(|r| 8 + r.len()).sum::<usize>();
    let mut shp = header(shp_len / 2);
    let mut shx = header((100 + 8 * records.len()) / 2);
    for (i, r) in records.iter().enumerate() {
        shx.extend_from_slice(&((shp.len() / 2) as i32).to_be_bytes());
        shx.extend_from_slice(&((r.len() / 2) as i32).to_be_bytes());
        shp.extend_from_slice(&(i as i32 + 1).to_be_bytes());
        shp.extend_from_slice(&((r.len() / 2) as i32).to_be_bytes());
        shp.extend_from_slice(r);
    }
    (shp, shx)
}

/// One record's content for `shape_type` (1, 8, 3 or 5).
fn shape_content(shape_type: i32, g: &Geom) -> Vec<u8> {
    let mut out = shape_type.to_le_bytes().to_vec();
    let put = |out: &mut Vec<u8>, p: &Pos| {
        out.extend_from_slice(&p[0].to_le_bytes());
        out.extend_from_slice(&p[1].to_le_bytes());
    };
    if let (1, Geom::Point(p)) = (shape_type, g) {
        put(&mut out, p);
        return out;
    }
    let bbox = g.bbox().unwrap_or([0.0; 4]);
    for v in bbox {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let parts: Vec<Vec<Pos>> = match g {
        Geom::Point(p) => vec![vec![*p]],
        Geom::MultiPoint(ps) => vec![ps.clone()],
        Geom::LineString(l) => vec![l.clone()],
        Geom::MultiLineString(ls) => ls.clone(),
        Geom::Polygon(rs) => shp_rings(rs),
        Geom::MultiPolygon(ps) => ps.iter().flat_map(|p| shp_rings(p)).collect(),
        Geom::Collection(_) => Vec::new(),
    };
    if shape_type == 8 {
        let points: Vec<Pos> = parts.into_iter().flatten().collect();
        out.extend_from_slice(&(points.len() as i32).to_le_bytes());
        points.iter().for_each(|p| put(&mut out, p));
        return out;
    }
    let parts: Vec<Vec<Pos>> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    out.extend_from_slice(&(parts.len() as i32).to_le_bytes());
    out.extend_from_slice(&(parts.iter().map(Vec::len).sum::<usize>() as i32).to_le_bytes());
    let mut start = 0i32;
    for p in &parts {
        out.extend_from_slice(&start.to_le_bytes());
        start += p.len() as i32;
    }
    parts.iter().flatten().for_each(|p| put(&mut out, p));
    out
}

/// A polygon's rings as a Shapefile wants them: closed, the outer one
/// clockwise, holes counter-clockwise.
fn shp_rings(rings: &[Vec<Pos>]) -> Vec<Vec<Pos>> {
    rings
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(i, r)| {
            let mut r = r.clone();
            if r.first() != r.last() {
                r.push(r[0]);
            }
            let clockwise = vector::signed_area(&r) < 0.0;
            if clockwise != (i == 0) {
                r.reverse();
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, size: f64, clockwise: bool) -> Vec<Pos> {
        let mut r = vec![[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
        if clockwise {
            r.reverse();
        }
        r
    }

    #[test]
    fn holes_go_to_the_outer_ring_that_contains_them() {
        let rings = vec![square(0.0, 0.0, 10.0, true), square(20.0, 0.0, 10.0, true), square(22.0, 2.0, 2.0, false)];
        let Some(Geom::MultiPolygon(ps)) = assemble_polygon(rings) else { panic!() };
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].len(), 1);
        assert_eq!(ps[1].len(), 2, "the hole belongs to the second square");
        assert!(vector::signed_area(&ps[1][0]) > 0.0, "outer rings come out counter-clockwise");
        assert!(vector::signed_area(&ps[1][1]) < 0.0, "holes clockwise");
    }

    #[test]
    fn rings_all_turning_one_way_are_nested_by_containment() {
        let rings = vec![square(0.0, 0.0, 10.0, false), square(2.0, 2.0, 2.0, false)];
        let Some(Geom::Polygon(rs)) = assemble_polygon(rings) else { panic!() };
        assert_eq!(rs.len(), 2);
    }

    #[test]
    fn short_names_fit_ten_bytes_and_stay_unique() {
        let keys: Vec<String> =
            ["lead_unit", "completed", "plan_year_extra", "plan_year_extra2", "项目名称很长", "ID", "id"]
                .map(String::from)
                .to_vec();
        let s = short_names(&keys);
        assert_eq!(s[0], "lead_unit");
        assert_eq!(s[1], "completed");
        assert_eq!(s[2], "plan_year_");
        assert_eq!(s[3], "plan_yea_1");
        assert_eq!(s[4], "项目名");
        assert_eq!(s[5], "ID");
        assert_eq!(s[6], "id_1");
        assert!(s.iter().all(|n| n.len() <= 10));
    }

    #[test]
    fn a_truncated_record_is_an_error_for_that_record_only() {
        let p = [[500000.0, 4140000.0]];
        let (mut shp, shx) = shp_bytes(Group::Point, &[&Geom::Point(p[0]), &Geom::Point(p[0])]);
        shp.truncate(shp.len() - 4);
        let shapes = parse_shp(&shp, Some(&shx)).unwrap();
        assert!(shapes[0].is_ok());
        assert!(shapes[1].is_err());
        assert!(parse_shp(b"not a shapefile", None).is_err());
    }
}
