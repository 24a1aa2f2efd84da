//! KML and KMZ: what Google Earth, 奥维互动地图 (Ovital) and 两步路 exchange.
//!
//! Reading takes every Placemark of the file (or of the Folder or Document
//! [`ReadOptions::layer`] names) as one feature: `<name>`, `<description>`,
//! `<ExtendedData>` (`<Data name><value>` and `<SchemaData><SimpleData name>`)
//! as properties, the innermost Folder's name as `folder`, and its Point,
//! LineString, Polygon (outer and inner boundaries), MultiGeometry or
//! gx:Track as the geometry. KML is always WGS 84 lon/lat.
//!
//! Writing puts each site in a Folder of its layer with its properties in
//! ExtendedData, a one-line description, and a style coloured by its status
//! at the latest state. A `.kmz` path gets the KML zipped as `doc.kml`.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use binzhou_core::crs::Crs;
use binzhou_core::model::{Code, Msg, Problem, Severity, Site, StatusClass, YearView};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value, json};

use crate::{Detected, FormatError, Opened, OpenedLayer, ReadOptions, WriteReport};

/// An element of the document, with its attributes, children and the text
/// directly inside it.
#[derive(Debug, Default)]
struct Node {
    /// The local name (without a namespace prefix such as `kml:` or `gx:`).
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The trimmed text of the child `name`, when it has some.
    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.all_text().trim().to_string()).filter(|t| !t.is_empty())
    }

    /// The text of this element and every element inside it.
    fn all_text(&self) -> Cow<'_, str> {
        if self.children.is_empty() {
            return Cow::Borrowed(&self.text);
        }
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.all_text());
        }
        Cow::Owned(s)
    }
}

/// Parses XML text into a tree. A document broken part-way keeps what came
/// before the break, and says where it broke.
fn parse_xml(text: &str) -> (Node, Option<String>) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut broken = None;
    let line_at =
        |pos: u64| text.as_bytes()[..(pos as usize).min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => stack.push(element(&e)),
            Ok(Event::Empty(e)) => {
                let n = element(&e);
                if let Some(top) = stack.last_mut() {
                    top.children.push(n);
                }
            }
            Ok(Event::End(_)) => {
                if stack.len() > 1
                    && let Some(n) = stack.pop()
                    && let Some(top) = stack.last_mut()
                {
                    top.children.push(n);
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let resolved: String = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => format!("&{};", &*r),
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                broken = Some(format!("the XML breaks at line {}: {e}", line_at(reader.error_position())));
                break;
            }
        }
    }
    if broken.is_none() && stack.len() > 1 {
        broken = Some(format!("the XML ends before <{}> is closed (truncated?)", stack.last().map_or("", |n| &n.name)));
    }
    while stack.len() > 1 {
        if let Some(n) = stack.pop()
            && let Some(top) = stack.last_mut()
        {
            top.children.push(n);
        }
    }
    (stack.pop().unwrap_or_default(), broken)
}

fn element(e: &BytesStart) -> Node {
    let name = e.local_name().as_ref().to_string();
    let attrs = e
        .attributes()
        .flatten()
        .map(|a| {
            let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map(|v| v.into_owned());
            (a.key.local_name().as_ref().to_string(), v.unwrap_or_else(|_| a.value.to_string()))
        })
        .collect();
    Node { name, attrs, ..Node::default() }
}

/// The KML text of a `.kml` file, or of a `.kmz`'s `doc.kml` (else its first `.kml`).
fn kml_bytes(path: &Path) -> Result<Vec<u8>, FormatError> {
    let bytes = std::fs::read(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })?;
    if !bytes.starts_with(b"PK") {
        return Ok(bytes);
    }
    let bad = |detail: String| FormatError::Unreadable { path: path.to_path_buf(), detail };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable KMZ (zip) file: {e}")))?;
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let pick = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| names.iter().find(|n| n.to_ascii_lowercase().ends_with(".kml")))
        .cloned()
        .ok_or_else(|| bad("the KMZ holds no .kml file".to_string()))?;
    let mut entry = zip.by_name(&pick).map_err(|e| bad(format!("cannot read {pick} in the KMZ: {e}")))?;
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut out).map_err(|e| bad(format!("cannot read {pick} in the KMZ: {e}")))?;
    Ok(out)
}

/// The text in the encoding its declaration names (UTF-8 by default).
fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<Detected>) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest), None);
    }
    if let Ok(t) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(t), None);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head
        .split("encoding=")
        .nth(1)
        .and_then(|r| r.trim_start_matches(['"', '\'']).split(['"', '\'']).next())
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()));
    let enc = declared.unwrap_or(encoding_rs::GB18030);
    let (t, _, _) = enc.decode(bytes);
    let note = Detected {
        what: "encoding",
        text: Msg::new(
            format!("{} (not UTF-8{})", enc.name(), if declared.is_some() { ", as declared" } else { "" }),
            format!("{}（不是 UTF-8{}）", enc.name(), if declared.is_some() { "，按声明" } else { "" }),
        ),
    };
    (Cow::Owned(t.into_owned()), Some(note))
}

/// Reads a KML or KMZ file: one layer, every Placemark a feature (only those
/// under the Folder or Document `opts.layer` names, when given).
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Opened, FormatError> {
    let bytes = kml_bytes(path)?;
    let (text, encoding) = decode(&bytes);
    let (root, broken) = parse_xml(&text);
    let label = path.display().to_string();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut problems = Vec::new();
    if let Some(b) = &broken {
        problems.push(Problem::file_level(
            Severity::Error,
            &label,
            Code::ReadError { detail: Msg::new(b.clone(), format!("XML 有误：{b}；其前的地标已读入")) },
        ));
    }
    if !contains(&root, "kml") && !contains(&root, "Placemark") {
        return Err(FormatError::Unreadable {
            path: path.to_path_buf(),
            detail: broken.unwrap_or_else(|| "not KML: no <kml> element and no Placemark".to_string()),
        });
    }
    let (start, name): (&Node, String) = match opts.layer.as_deref().map(str::trim) {
        Some(want) => match find_container(&root, want) {
            Some(n) => (n, want.to_string()),
            None => {
                let mut names = Vec::new();
                container_names(&root, &mut names);
                return Err(FormatError::Unreadable {
                    path: path.to_path_buf(),
                    detail: format!("there is no Folder or Document \"{want}\"; there are: {}", names.join(", ")),
                });
            }
        },
        None => {
            let doc = first(&root, "Document");
            let name = doc.and_then(|d| d.child_text("name")).unwrap_or(stem);
            (&root, name)
        }
    };
    let mut placemarks = Vec::new();
    collect(start, None, &mut placemarks);
    let mut features = Vec::new();
    for (i, (pm, folder)) in placemarks.iter().enumerate() {
        let props = placemark_properties(pm, *folder);
        let pname = props.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        match placemark_geometry(pm) {
            Ok(g) => features.push(json!({"type": "Feature", "properties": Value::Object(props), "geometry": g})),
            Err((en, zh)) => problems.push(Problem {
                severity: Severity::Error,
                file: label.clone(),
                feature: None,
                feature_id: props.get("id").and_then(Value::as_str).map(str::to_string),
                field: Some("geometry".into()),
                code: Code::FeatureUnreadable {
                    detail: Msg::new(
                        format!("placemark {} \"{pname}\": {en}; not loaded", i + 1),
                        format!("第 {} 个地标“{pname}”：{zh}，未载入", i + 1),
                    ),
                },
                location: None,
            }),
        }
    }
    let mut detected = Vec::new();
    detected.extend(encoding);
    detected.push(Detected {
        what: "crs",
        text: Msg::new("KML coordinates are WGS84 longitude, latitude", "KML 坐标为 WGS84 经纬度"),
    });
    detected.push(Detected {
        what: "layer",
        text: Msg::new(
            format!("{} placemarks in \"{name}\"", placemarks.len()),
            format!("“{name}”中有 {} 个地标", placemarks.len()),
        ),
    });
    let collection = json!({"type": "FeatureCollection", "name": name, "features": features});
    Ok(Opened {
        path: path.to_path_buf(),
        layers: vec![OpenedLayer {
            name,
            geojson: serde_json::to_vec(&collection).unwrap_or_default(),
            crs: Some(Crs::Wgs84),
            detected,
            problems,
            rows: None,
        }],
    })
}

fn contains(n: &Node, name: &str) -> bool {
    n.name == name || n.children.iter().any(|c| contains(c, name))
}

fn first<'a>(n: &'a Node, name: &str) -> Option<&'a Node> {
    if n.name == name {
        return Some(n);
    }
    n.children.iter().find_map(|c| first(c, name))
}

fn find_container<'a>(n: &'a Node, want: &str) -> Option<&'a Node> {
    if matches!(n.name.as_str(), "Folder" | "Document") && n.child_text("name").as_deref() == Some(want) {
        return Some(n);
    }
    n.children.iter().find_map(|c| find_container(c, want))
}

fn container_names(n: &Node, out: &mut Vec<String>) {
    if matches!(n.name.as_str(), "Folder" | "Document")
        && let Some(name) = n.child_text("name")
    {
        out.push(name);
    }
    for c in &n.children {
        container_names(c, out);
    }
}

/// Every Placemark under `n`, with the name of the innermost Folder holding it.
fn collect<'a>(n: &'a Node, folder: Option<&'a str>, out: &mut Vec<(&'a Node, Option<&'a str>)>) {
    for c in &n.children {
        match c.name.as_str() {
            "Placemark" => out.push((c, folder)),
            "Folder" => {
                let name = c.child("name").map(|n| n.text.trim()).filter(|t| !t.is_empty());
                collect(c, name.or(folder), out);
            }
            _ => collect(c, folder, out),
        }
    }
}

/// A Placemark's properties: name, description, folder, then ExtendedData.
fn placemark_properties(pm: &Node, folder: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(id) = pm.attr("id").filter(|s| !s.trim().is_empty()) {
        m.insert("id".into(), Value::String(id.trim().to_string()));
    }
    if let Some(n) = pm.child_text("name") {
        m.insert("name".into(), Value::String(n));
    }
    if let Some(d) = pm.child_text("description") {
        m.insert("description".into(), Value::String(d));
    }
    if let Some(f) = folder {
        m.insert("folder".into(), Value::String(f.to_string()));
    }
    if let Some(ext) = pm.child("ExtendedData") {
        for d in ext.children_named("Data") {
            let Some(key) = d.attr("name").map(str::trim).filter(|k| !k.is_empty()) else { continue };
            let v = d.child("value").map(|v| v.all_text().trim().to_string()).unwrap_or_default();
            m.insert(key.to_string(), typed(key, v));
        }
        for sd in ext.children_named("SchemaData") {
            for s in sd.children_named("SimpleData") {
                let Some(key) = s.attr("name").map(str::trim).filter(|k| !k.is_empty()) else { continue };
                m.insert(key.to_string(), typed(key, s.all_text().trim().to_string()));
            }
        }
    }
    m
}

/// ExtendedData is text; a value written as a plain number (`30`, `5.5`,
/// not `001`) is a number again, except for the fields that are text.
fn typed(key: &str, v: String) -> Value {
    if matches!(key, "id" | "name" | "description" | "folder" | "started" | "completed") {
        return Value::String(v);
    }
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() => {
            let back = serde_json::Number::from_f64(n).map(|x| x.to_string());
            let int = n.fract() == 0.0 && n.abs() < 1e15 && format!("{}", n as i64) == v;
            if int {
                Value::from(n as i64)
            } else if back.as_deref() == Some(v.as_str()) {
                serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::String(v))
            } else {
                Value::String(v)
            }
        }
        _ => Value::String(v),
    }
}

/// A KML geometry, before it becomes GeoJSON.
enum Geom {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
    Polygon(Vec<Vec<[f64; 2]>>),
    Multi(Vec<Geom>),
}

type GeomError = (String, String);

fn placemark_geometry(pm: &Node) -> Result<Value, GeomError> {
    let mut found = None;
    for c in &pm.children {
        if let Some(g) = geometry(c)? {
            found = Some(g);
            break;
        }
    }
    match found {
        Some(g) => Ok(to_geojson(g)),
        None => Err((
            "no geometry (Point, LineString, Polygon or MultiGeometry)".into(),
            "没有几何（点、线、面或多几何）".into(),
        )),
    }
}

/// The geometry an element is, `None` for elements that are not geometry.
fn geometry(n: &Node) -> Result<Option<Geom>, GeomError> {
    Ok(Some(match n.name.as_str() {
        "Point" => {
            let pts = coordinates(n)?;
            match pts.as_slice() {
                [p] => Geom::Point(*p),
                _ => return Err(bad_count("Point", 1, pts.len())),
            }
        }
        "LineString" | "LinearRing" => {
            let pts = coordinates(n)?;
            if pts.len() < 2 {
                return Err(bad_count(&n.name, 2, pts.len()));
            }
            Geom::Line(pts)
        }
        "Track" => {
            let pts: Vec<[f64; 2]> =
                n.children_named("coord").map(|c| tuple(c.text.trim(), ' ')).collect::<Result<_, _>>()?;
            if pts.len() < 2 {
                return Err(bad_count("gx:Track", 2, pts.len()));
            }
            Geom::Line(pts)
        }
        "Polygon" => {
            let ring = |b: &Node| -> Result<Vec<[f64; 2]>, GeomError> {
                let r = b.child("LinearRing").ok_or_else(|| {
                    (format!("<{}> has no LinearRing", b.name), format!("<{}> 中没有 LinearRing", b.name))
                })?;
                let pts = coordinates(r)?;
                if pts.len() < 3 {
                    return Err(bad_count("polygon ring", 3, pts.len()));
                }
                Ok(pts)
            };
            let outer = n.child("outerBoundaryIs").ok_or_else(|| {
                ("Polygon without outerBoundaryIs".to_string(), "Polygon 没有 outerBoundaryIs".to_string())
            })?;
            let mut rings = vec![ring(outer)?];
            for inner in n.children_named("innerBoundaryIs") {
                // KML allows several rings in one innerBoundaryIs.
                for r in inner.children_named("LinearRing") {
                    let pts = coordinates(r)?;
                    if pts.len() < 3 {
                        return Err(bad_count("polygon ring", 3, pts.len()));
                    }
                    rings.push(pts);
                }
            }
            Geom::Polygon(rings)
        }
        "MultiGeometry" | "MultiTrack" => {
            let mut parts = Vec::new();
            for c in &n.children {
                if let Some(g) = geometry(c)? {
                    parts.push(g);
                }
            }
            if parts.is_empty() {
                return Err(("an empty MultiGeometry".into(), "MultiGeometry 为空".into()));
            }
            Geom::Multi(parts)
        }
        _ => return Ok(None),
    }))
}

fn bad_count(what: &str, want: usize, got: usize) -> GeomError {
    (
        format!("{what} has {got} positions, needs at least {want}"),
        format!("{what} 有 {got} 个坐标点，至少需要 {want} 个"),
    )
}

/// A `<coordinates>` list: `lon,lat[,alt]` tuples separated by blanks.
fn coordinates(n: &Node) -> Result<Vec<[f64; 2]>, GeomError> {
    let c = n
        .child("coordinates")
        .ok_or_else(|| (format!("<{}> has no coordinates", n.name), format!("<{}> 没有 coordinates", n.name)))?;
    c.text.split_whitespace().map(|t| tuple(t, ',')).collect()
}

fn tuple(t: &str, sep: char) -> Result<[f64; 2], GeomError> {
    let mut it = t.split(sep).filter(|s| !s.is_empty()).map(|s| s.trim().parse::<f64>());
    match (it.next(), it.next()) {
        (Some(Ok(x)), Some(Ok(y))) if x.is_finite() && y.is_finite() => Ok([x, y]),
        _ => Err((format!("coordinates \"{t}\" are not longitude,latitude"), format!("坐标“{t}”不是“经度,纬度”"))),
    }
}

fn to_geojson(g: Geom) -> Value {
    match g {
        Geom::Point(p) => json!({"type": "Point", "coordinates": p}),
        Geom::Line(l) => json!({"type": "LineString", "coordinates": l}),
        Geom::Polygon(r) => json!({"type": "Polygon", "coordinates": r}),
        Geom::Multi(parts) => {
            let mut flat = Vec::new();
            flatten(parts, &mut flat);
            if flat.len() == 1 {
                return flat.pop().map(to_geojson).unwrap_or(Value::Null);
            }
            if flat.iter().all(|g| matches!(g, Geom::Point(_))) {
                let c: Vec<[f64; 2]> =
                    flat.iter().filter_map(|g| if let Geom::Point(p) = g { Some(*p) } else { None }).collect();
                json!({"type": "MultiPoint", "coordinates": c})
            } else if flat.iter().all(|g| matches!(g, Geom::Line(_))) {
                let c: Vec<Vec<[f64; 2]>> =
                    flat.into_iter().filter_map(|g| if let Geom::Line(l) = g { Some(l) } else { None }).collect();
                json!({"type": "MultiLineString", "coordinates": c})
            } else if flat.iter().all(|g| matches!(g, Geom::Polygon(_))) {
                let c: Vec<Vec<Vec<[f64; 2]>>> =
                    flat.into_iter().filter_map(|g| if let Geom::Polygon(p) = g { Some(p) } else { None }).collect();
                json!({"type": "MultiPolygon", "coordinates": c})
            } else {
                let gs: Vec<Value> = flat.into_iter().map(to_geojson).collect();
                json!({"type": "GeometryCollection", "geometries": gs})
            }
        }
    }
}

fn flatten(parts: Vec<Geom>, out: &mut Vec<Geom>) {
    for p in parts {
        match p {
            Geom::Multi(inner) => flatten(inner, out),
            g => out.push(g),
        }
    }
}

// ---- Writing

/// The style of each status class (and of sites without plan dates): id and
/// KML colour (aabbggrr), as the map's palette has them.
const STYLES: [(&str, &str); 6] = [
    ("status-done", "ff739e00"),
    ("status-in_progress", "ff009fe6"),
    ("status-not_started", "ff8c8c8c"),
    ("status-overdue", "ff005ed5"),
    ("status-none", "ffafafaf"),
    ("status-unknown", "ffa779cc"),
];

fn style_of(s: &Site) -> &'static str {
    if !s.has_schedule() {
        return STYLES[4].0;
    }
    match s.status(YearView::Latest).class() {
        StatusClass::Done => STYLES[0].0,
        StatusClass::InProgress => STYLES[1].0,
        StatusClass::NotStarted => STYLES[2].0,
        StatusClass::Overdue => STYLES[3].0,
        StatusClass::Unknown => STYLES[5].0,
    }
}

/// Writes the sites as KML 2.2 (zipped as `doc.kml` when `path` ends in
/// `.kmz`), atomically: a Folder per layer, each site a Placemark with its
/// name, a one-line description, every property in ExtendedData and a
/// style coloured by its status at the latest state.
pub fn write(path: &Path, sites: &[&Site]) -> Result<WriteReport, FormatError> {
    let io = |source: std::io::Error| FormatError::Io { path: path.to_path_buf(), source };
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut kml = Vec::new();
    let mut report = WriteReport::default();
    let skipped = write_kml(&mut kml, &stem, sites).map_err(io)?;
    if skipped > 0 {
        report.notes.push(Msg::new(
            format!("{skipped} sites without a geometry were left out"),
            format!("{skipped} 个没有几何的项目未写出"),
        ));
    }
    report.notes.push(Msg::new(
        "placemarks are coloured by each site's status at the latest state",
        "地标颜色为各项目最新状态",
    ));
    let kmz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("kmz"));
    let bytes = if kmz { zipped(&kml).map_err(io)? } else { kml };
    binzhou_core::save::write_atomic(path, |w| w.write_all(&bytes)).map_err(io)?;
    report.files.push(path.to_path_buf());
    Ok(report)
}

fn zipped(kml: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("doc.kml", opts).map_err(std::io::Error::other)?;
    zip.write_all(kml)?;
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// Text XML 1.0 can hold: control characters other than tab and line breaks dropped.
fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect())
    }
}

type Xml<'a> = quick_xml::Writer<&'a mut Vec<u8>>;

fn open(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        let v = xml_safe(v);
        e.push_attribute((*k, v.as_ref()));
    }
    w.write_event(Event::Start(e))
}

fn close(w: &mut Xml, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn leaf(w: &mut Xml, name: &str, text: &str) -> std::io::Result<()> {
    open(w, name, &[])?;
    w.write_event(Event::Text(BytesText::new(&xml_safe(text))))?;
    close(w, name)
}

/// Writes the document; returns how many sites had no geometry to write.
fn write_kml(out: &mut Vec<u8>, name: &str, sites: &[&Site]) -> std::io::Result<usize> {
    let mut w = quick_xml::Writer::new_with_indent(out, b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    open(&mut w, "kml", &[("xmlns", "http://www.opengis.net/kml/2.2")])?;
    open(&mut w, "Document", &[])?;
    leaf(&mut w, "name", name)?;
    for (id, colour) in STYLES {
        open(&mut w, "Style", &[("id", id)])?;
        open(&mut w, "IconStyle", &[])?;
        leaf(&mut w, "color", colour)?;
        leaf(&mut w, "scale", "1.1")?;
        open(&mut w, "Icon", &[])?;
        leaf(&mut w, "href", "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png")?;
        close(&mut w, "Icon")?;
        close(&mut w, "IconStyle")?;
        open(&mut w, "LineStyle", &[])?;
        leaf(&mut w, "color", colour)?;
        leaf(&mut w, "width", "3")?;
        close(&mut w, "LineStyle")?;
        open(&mut w, "PolyStyle", &[])?;
        leaf(&mut w, "color", &format!("66{}", &colour[2..]))?;
        close(&mut w, "PolyStyle")?;
        close(&mut w, "Style")?;
    }
    // A Folder per layer, in the order layers first appear.
    let mut order: Vec<String> = Vec::new();
    for s in sites {
        let k = s.layer().key();
        if !order.contains(&k) {
            order.push(k);
        }
    }
    let mut skipped = 0;
    for key in order {
        let members: Vec<&&Site> = sites.iter().filter(|s| s.layer().key() == key).collect();
        open(&mut w, "Folder", &[])?;
        leaf(&mut w, "name", &members[0].layer().name_zh())?;
        for s in members {
            if !write_placemark(&mut w, s)? {
                skipped += 1;
            }
        }
        close(&mut w, "Folder")?;
    }
    close(&mut w, "Document")?;
    close(&mut w, "kml")?;
    Ok(skipped)
}

/// A one-line description in Chinese: layer · district · plan year · status.
fn description(s: &Site) -> String {
    let mut parts = vec![s.layer().name_zh()];
    if let Some(d) = s.district() {
        parts.push(d.to_string());
    }
    if let Some(y) = s.plan_year {
        parts.push(format!("计划 {y} 年"));
    }
    if s.has_schedule() {
        parts.push(s.status(YearView::Latest).class().name_zh().to_string());
    }
    parts.join(" · ")
}

fn write_placemark(w: &mut Xml, s: &Site) -> std::io::Result<bool> {
    use geo::HasDimensions;
    if s.geometry.is_empty() {
        return Ok(false);
    }
    open(w, "Placemark", &[])?;
    leaf(w, "name", s.name())?;
    leaf(w, "description", &description(s))?;
    leaf(w, "styleUrl", &format!("#{}", style_of(s)))?;
    open(w, "ExtendedData", &[])?;
    for (k, v) in binzhou_core::export::site_properties(s) {
        if k == "name" {
            continue;
        }
        let text = match v {
            Value::String(t) => t,
            Value::Null => continue,
            other => other.to_string(),
        };
        open(w, "Data", &[("name", &k)])?;
        leaf(w, "value", &text)?;
        close(w, "Data")?;
    }
    close(w, "ExtendedData")?;
    write_geometry(w, &s.geometry)?;
    close(w, "Placemark")?;
    Ok(true)
}

fn coords_text<'a>(pts: impl IntoIterator<Item = &'a geo::Coord<f64>>) -> String {
    pts.into_iter().map(|c| format!("{},{}", c.x, c.y)).collect::<Vec<_>>().join(" ")
}

fn write_line(w: &mut Xml, tag: &str, l: &geo::LineString<f64>) -> std::io::Result<()> {
    open(w, tag, &[])?;
    if tag == "LineString" {
        leaf(w, "tessellate", "1")?;
    }
    leaf(w, "coordinates", &coords_text(&l.0))?;
    close(w, tag)
}

fn write_polygon(w: &mut Xml, p: &geo::Polygon<f64>) -> std::io::Result<()> {
    open(w, "Polygon", &[])?;
    open(w, "outerBoundaryIs", &[])?;
    write_line(w, "LinearRing", p.exterior())?;
    close(w, "outerBoundaryIs")?;
    for r in p.interiors() {
        open(w, "innerBoundaryIs", &[])?;
        write_line(w, "LinearRing", r)?;
        close(w, "innerBoundaryIs")?;
    }
    close(w, "Polygon")
}

fn write_geometry(w: &mut Xml, g: &geo::Geometry<f64>) -> std::io::Result<()> {
    use geo::Geometry as G;
    match g {
        G::Point(p) => {
            open(w, "Point", &[])?;
            leaf(w, "coordinates", &coords_text([&p.0]))?;
            close(w, "Point")
        }
        G::Line(l) => write_line(w, "LineString", &geo::LineString(vec![l.start, l.end])),
        G::LineString(l) => write_line(w, "LineString", l),
        G::Polygon(p) => write_polygon(w, p),
        G::Rect(r) => write_polygon(w, &r.to_polygon()),
        G::Triangle(t) => write_polygon(w, &t.to_polygon()),
        G::MultiPoint(m) => {
            open(w, "MultiGeometry", &[])?;
            for p in m {
                write_geometry(w, &G::Point(*p))?;
            }
            close(w, "MultiGeometry")
        }
        G::MultiLineString(m) => {
            open(w, "MultiGeometry", &[])?;
            for l in m {
                write_line(w, "LineString", l)?;
            }
            close(w, "MultiGeometry")
        }
        G::MultiPolygon(m) => {
            open(w, "MultiGeometry", &[])?;
            for p in m {
                write_polygon(w, p)?;
            }
            close(w, "MultiGeometry")
        }
        G::GeometryCollection(c) => {
            open(w, "MultiGeometry", &[])?;
            for g in c {
                write_geometry(w, g)?;
            }
            close(w, "MultiGeometry")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_character_references_and_cdata_are_text() {
        let (root, broken) = parse_xml(
            "<kml><name>A &amp; B &#x6EE8;&#24030;</name><description><![CDATA[<b>粗</b>]]></description></kml>",
        );
        assert_eq!(broken, None);
        let kml = root.child("kml").unwrap();
        assert_eq!(kml.child_text("name").as_deref(), Some("A & B 滨州"));
        assert_eq!(kml.child_text("description").as_deref(), Some("<b>粗</b>"));
    }

    #[test]
    fn a_truncated_document_keeps_what_came_before_and_says_so() {
        let (root, broken) = parse_xml("<kml><Placemark><name>a</name></Placemark><Placemark><name>b");
        assert!(broken.unwrap().contains("truncated"));
        let mut found = Vec::new();
        collect(&root, None, &mut found);
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn numbers_in_extended_data_are_numbers_again_unless_written_otherwise() {
        assert_eq!(typed("plan_year", "2021".into()), json!(2021));
        assert_eq!(typed("investment", "5.5".into()), json!(5.5));
        assert_eq!(typed("code", "001".into()), json!("001"));
        assert_eq!(typed("id", "12".into()), json!("12"));
        assert_eq!(typed("x", "1e3".into()), json!("1e3"));
    }
}
