//! The files that reach a planner's desk, in and out.
//!
//! Every reader turns its file into GeoJSON text in the file's own
//! coordinates plus what it detected (encoding, coordinate system, column
//! mapping), and [`load`] hands that to `binzhou_core::load`, so a
//! Shapefile's sites are validated, placed and reported exactly like a
//! GeoJSON file's. Writers take sites (WGS84) and write one format each.

mod dbf;
pub mod gpkg;
pub mod gpx;
pub mod kml;
pub mod ledger;
mod opened;
pub mod prj;
pub mod shp;
mod vector;
mod wkb;
pub use wkb::{geo_to_wkb, wkb_to_geojson};
pub mod xlsx;

pub use opened::{Detected, FormatError, Opened, OpenedLayer};

use std::path::Path;

use binzhou_core::crs::Crs;

/// How to read an input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The coordinate system the user says the file is in, overriding what
    /// the file says and detection (`--from`).
    pub from: Option<Crs>,
    /// Only this layer of a multi-layer input (GeoPackage table, workbook
    /// sheet, KML folder); `None` reads every layer.
    pub layer: Option<String>,
    /// Ledger column mapping overrides, as `field → header` pairs
    /// (`--columns name=项目名称,x=Y坐标,y=X坐标`); fields are the site's
    /// property names (`id`, `name`, `district`, `lead_unit`, `plan_year`,
    /// `started`, `completed`, `layer`, …) plus `x`/`y` (or `lon`/`lat`).
    /// Two pseudo-fields: `-` keeps a column out of the fields (a property
    /// under its header), `header_row` names the header's row (`header_row=3`).
    pub columns: Vec<(String, String)>,
}

/// What a writer did that the user should know: field names shortened, a
/// file split by geometry type, values that had to change.
#[derive(Debug, Clone, Default)]
pub struct WriteReport {
    /// The files written (a Shapefile is several; a split one more).
    pub files: Vec<std::path::PathBuf>,
    /// One line each.
    pub notes: Vec<binzhou_core::model::Msg>,
}

/// The formats this crate reads, by lower-case extension.
pub const READ_EXTENSIONS: &[&str] = &["shp", "gpkg", "kml", "kmz", "gpx", "csv", "xlsx", "xls"];

/// Whether `path` is a file of a format this crate reads (by extension).
pub fn reads(path: &Path) -> bool {
    extension(path).is_some_and(|e| READ_EXTENSIONS.contains(&e.as_str()))
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}

/// Reads any file this crate reads, by extension.
pub fn open(path: &Path, opts: &ReadOptions) -> Result<Opened, FormatError> {
    match extension(path).as_deref() {
        Some("shp") => shp::read(path, opts),
        Some("gpkg") => gpkg::read(path, opts),
        Some("kml" | "kmz") => kml::read(path, opts),
        Some("gpx") => gpx::read(path, opts),
        Some("csv" | "xlsx" | "xls") => ledger::read(path, opts),
        _ => Err(FormatError::Unreadable {
            path: path.to_path_buf(),
            detail: format!("not a format this program reads ({})", READ_EXTENSIONS.join(", ")),
        }),
    }
}

/// Whether `path` is a GeoJSON file (by extension).
pub fn is_geojson(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("geojson" | "json"))
}

/// Loads any supported file into a dataset, as the core loads GeoJSON: a
/// file that cannot be read is a problem naming it, never a failure, and
/// what the readers detected comes back beside it. A layer of a
/// multi-layer file is named `FILE/LAYER` in the dataset.
pub fn load(path: &Path, opts: &ReadOptions, threads: usize) -> (binzhou_core::model::Dataset, Vec<Detected>) {
    use binzhou_core::load::{LoadOptions, load_bytes, load_file, merge_into};
    use binzhou_core::model::{Code, Dataset, Problem, Severity};
    if is_geojson(path) || !reads(path) {
        return (load_file(path, &LoadOptions { from: opts.from, threads }, &|_, _| {}), Vec::new());
    }
    let label = path.display().to_string();
    let opened = match open(path, opts) {
        Ok(o) => o,
        Err(e) => {
            let mut ds = Dataset::default();
            let code = match &e {
                FormatError::Io { source, .. } => {
                    Code::CannotOpen { detail: binzhou_core::model::Msg::from_io(source) }
                }
                FormatError::Unreadable { detail, .. } => Code::ReadError {
                    detail: binzhou_core::model::Msg::new(detail.clone(), format!("无法读取：{detail}")),
                },
            };
            ds.problems.push(Problem::file_level(Severity::Error, label, code));
            return (ds, Vec::new());
        }
    };
    let mut ds = Dataset::default();
    let mut detected = Vec::new();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let several = opened.layers.len() > 1;
    for layer in opened.layers {
        let name =
            if several || layer.name != stem { format!("{}/{}", path.display(), layer.name) } else { label.clone() };
        let from = opts.from.or(layer.crs);
        let mut part = load_bytes(&name, &layer.geojson, &LoadOptions { from, threads });
        // The reader's own problems (rows it could not place) first.
        let mut problems = layer.problems;
        problems.append(&mut part.problems);
        part.problems = problems;
        // The reader's system was the file's own (.prj, the GeoPackage's
        // SRS), not forced by the user: said so as declared.
        if opts.from.is_none() && layer.crs.is_some() {
            for p in &mut part.problems {
                if let Code::CrsForced { crs } = &p.code {
                    p.code = Code::CrsDeclared { crs: crs.clone() };
                }
            }
            part.problems.retain(
                |p| !matches!(&p.code, Code::CrsDeclared { crs } if crs == binzhou_core::crs::Crs::Wgs84.label()),
            );
        }
        // What the reader found out, as notices of the file (info, the app's problems list).
        let notes = layer.detected.iter().map(|d| {
            Problem::file_level(Severity::Notice, &name, Code::Detected { what: d.what.into(), detail: d.text.clone() })
        });
        let mut all: Vec<Problem> = notes.collect();
        all.append(&mut part.problems);
        part.problems = all;
        merge_into(&mut ds, part);
        detected.extend(layer.detected);
    }
    (ds, detected)
}

/// Writes sites to a file of the format its extension names: `.geojson`,
/// `.gpkg`, `.shp`, `.kml`/`.kmz`, `.csv` (the sites' properties), `.xlsx`
/// (the attribute table as shown).
pub fn write(
    path: &Path,
    ds: &binzhou_core::model::Dataset,
    rows: &[usize],
    zh: bool,
) -> Result<WriteReport, FormatError> {
    let sites: Vec<&binzhou_core::model::Site> = rows.iter().filter_map(|&i| ds.sites.get(i)).collect();
    let io = |source| FormatError::Io { path: path.to_path_buf(), source };
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    match extension(path).as_deref() {
        Some("geojson" | "json") => {
            binzhou_core::save::write_atomic(path, |w| {
                binzhou_core::export::write_feature_collection(w, &name, sites.iter().copied())
            })
            .map_err(io)?;
            Ok(WriteReport { files: vec![path.to_path_buf()], notes: Vec::new() })
        }
        Some("gpkg") => gpkg::write(path, &sites),
        Some("shp") => shp::write(path, &sites),
        Some("kml" | "kmz") => kml::write(path, &sites),
        Some("csv") => {
            let columns = binzhou_core::table::columns_for(ds, rows);
            let view = binzhou_core::model::YearView::Latest;
            binzhou_core::save::write_atomic(path, |w| {
                binzhou_core::export::write_sites_csv(w, ds, rows, &columns, view, zh)
            })
            .map_err(io)?;
            Ok(WriteReport { files: vec![path.to_path_buf()], notes: Vec::new() })
        }
        Some("xlsx") => xlsx::write_table(path, ds, rows, binzhou_core::model::YearView::Latest, zh),
        _ => Err(FormatError::Unreadable {
            path: path.to_path_buf(),
            detail: "write .geojson, .gpkg, .shp, .kml, .kmz, .csv or .xlsx".into(),
        }),
    }
}

/// The files a folder contributes: GeoJSON, Shapefiles, GeoPackages and
/// KML/KMZ directly in it, sorted by name (ledgers and GPX are opened by
/// naming them: a folder's CSV files are often exports, not data).
pub fn data_files_in(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut v: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && matches!(extension(p).as_deref(), Some("geojson" | "shp" | "gpkg" | "kml" | "kmz")))
        .collect();
    v.sort();
    Ok(v)
}

/// Expands folders to their data files and keeps the files this program
/// reads; anything else is a problem naming the path.
pub fn expand_paths(paths: &[std::path::PathBuf]) -> (Vec<std::path::PathBuf>, Vec<binzhou_core::model::Problem>) {
    use binzhou_core::model::{Code, Msg, Problem, Severity};
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            match data_files_in(p) {
                Ok(v) => files.extend(v),
                Err(e) => problems.push(Problem::file_level(
                    Severity::Error,
                    p.display().to_string(),
                    Code::FolderUnreadable { detail: Msg::from_io(&e) },
                )),
            }
        } else if p.is_file() && (is_geojson(p) || reads(p)) {
            files.push(p.clone());
        } else if p.exists() {
            problems.push(Problem::file_level(Severity::Error, p.display().to_string(), Code::NotGeoJsonFile));
        } else {
            problems.push(Problem::file_level(Severity::Error, p.display().to_string(), Code::NoSuchPath));
        }
    }
    (files, problems)
}

/// Loads files and folders of any supported format into one dataset, with
/// what the readers detected.
pub fn load_paths(paths: &[std::path::PathBuf], opts: &ReadOptions) -> (binzhou_core::model::Dataset, Vec<Detected>) {
    let (files, mut problems) = expand_paths(paths);
    let mut ds = binzhou_core::model::Dataset::default();
    let mut detected = Vec::new();
    for f in files {
        let (part, mut d) = load(&f, opts, 0);
        binzhou_core::load::merge_into(&mut ds, part);
        detected.append(&mut d);
    }
    ds.problems.append(&mut problems);
    (ds, detected)
}
