//! The command line: `info`, `checks`, `validate`, `stats`, `audit`, `convert`, `edit`, `gen`, `bench`. With no
//! subcommand the binary opens the desktop app.

mod audit;
pub(crate) mod bench;
mod checks;
mod convert;
mod db;
mod edit;
mod gen_data;
mod handout;
mod info;
mod locate;
mod render;
mod stats;
mod validate;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use crate::app::i18n::Lang;

use binzhou_core::synthetic::{GenOptions, Shapes};

/// binzhou-sites: map viewer of the sites of Binzhou's City Quality
/// Improvement Three-Year Action Plan 2020-2022 (滨州市城市品质提升三年行动).
#[derive(Debug, Parser)]
#[command(name = "binzhou-sites", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Data files or folders to open in the app (default: the bundled `data/`);
    /// `.mbtiles`, `.pmtiles` files and tile folders open as the basemap.
    #[arg(global = false)]
    pub data: Vec<PathBuf>,
    /// Show the position of a GNSS receiver: a serial device (/dev/ttyACM0),
    /// gpsd, gpsd:HOST:PORT, or replay:LOG.nmea.
    #[arg(long, value_name = "SOURCE")]
    pub gnss: Option<String>,
    /// Keep field checks in this journal (a GeoPackage; made if missing;
    /// default: checks.gpkg in the platform's data folder).
    #[arg(long, value_name = "FILE.gpkg")]
    pub journal: Option<PathBuf>,
    /// Open the plan from a shared PostgreSQL + PostGIS database instead of
    /// files (a libpq URL; PG* variables and ~/.pgpass fill in the rest),
    /// with other users' changes shown live.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Open this tour (`*.tour.json`) once the data has loaded.
    #[arg(long, value_name = "FILE.tour.json")]
    pub tour: Option<PathBuf>,
    /// The language of messages: zh or en (default: from LC_ALL / LC_MESSAGES /
    /// LANG, Chinese when they name zh_*).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
}

/// The command line's language: `--lang` when given, else the locale: the
/// first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set decides
/// (`zh_CN.UTF-8` → Chinese, anything else English).
pub fn resolve_lang(given: Option<Lang>, env: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(l) = given {
        return l;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(|k| env(k).filter(|v| !v.is_empty()));
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// What files hold, as ogrinfo tells it: per layer the feature count,
    /// geometry types, extent, coordinate system, encoding and fields.
    Info {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also list every feature: id, name, properties and its geodesic
        /// length (km) or area (m² and km²).
        #[arg(long)]
        features: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Field-check journals (checks.gpkg) brought back by the teams:
    /// summary and export.
    Checks {
        #[command(subcommand)]
        command: ChecksCommand,
    },
    /// The shared plan on a PostgreSQL + PostGIS server: create the schema,
    /// push and pull sites, send field checks, give users their roles.
    /// URL is a libpq connection string; what it leaves out comes from
    /// PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD and ~/.pgpass.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Positions as survey reports write them (decimal degrees either way
    /// round, DMS or 度分秒, X=… Y=… Gauss–Krüger, a gcj02 flag, a site id), in
    /// WGS 84, GCJ-02 and CGCS2000 Gauss–Krüger.
    Locate {
        #[arg(required = true)]
        texts: Vec<String>,
        /// The site data whose ids may be given.
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
    /// Check GeoJSON files and print every problem as file:feature#id:field: message.
    Validate {
        /// GeoJSON, Shapefile, GeoPackage, KML/KMZ, GPX, CSV or XLSX ledgers, or folders.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Read coordinates as this system: gcj02 or epsg:NNNN.
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
        /// Print the problems in Chinese (用中文列出问题); the same as `--lang zh`.
        #[arg(long)]
        zh: bool,
    },
    /// Progress against the plan's targets per layer × scope × period.
    Stats {
        /// End of this year (2020, 2021, 2022); default: the latest state.
        #[arg(long)]
        year: Option<i32>,
        /// Folder (or file) of site data; its plan_targets.json is used when present.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// The plan-consistency audit: overdue sites, dates out of order, parks in
    /// villages not yet rebuilt, sites outside their district, duplicates,
    /// invalid geometry.
    Audit {
        /// End of this year; default: the latest state.
        #[arg(long)]
        year: Option<i32>,
        /// Folders or files to audit (district boundaries may be among them).
        #[arg(long, default_value = "data")]
        data: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Convert between formats by extension: in GeoJSON, Shapefile (GBK or
    /// UTF-8), GeoPackage, KML/KMZ, GPX, CSV/XLSX ledgers; out .geojson
    /// (RFC 7946 WGS84), .gpkg, .shp, .kml/.kmz, .csv, .xlsx. Prints what
    /// it detected (encoding, coordinate system, ledger columns).
    Convert {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The input's coordinate system: gcj02 or epsg:NNNN (default: the file's own or detection).
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        out: PathBuf,
    },
    /// Change one site of a GeoJSON file and save it (the old file kept as
    /// FILE.bak; every other feature stays byte for byte), e.g.
    /// `edit data/pocket_parks.geojson --site PP-MC-2021-03 --set completed=2021-10`.
    Edit {
        file: PathBuf,
        /// The site's id.
        #[arg(long)]
        site: String,
        /// FIELD=VALUE (repeatable; an empty value removes the property).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        sets: Vec<String>,
        /// Delete the site instead.
        #[arg(long, conflicts_with = "sets")]
        delete: bool,
        /// Move a point site to this position (as `locate` reads it:
        /// "118.0123,37.3821", DMS, X=… Y=…).
        #[arg(long = "move", value_name = "LON,LAT", conflicts_with = "delete", allow_hyphen_values = true)]
        move_to: Option<String>,
    },
    /// Saves a file over and over until killed (for the SIGKILL test).
    #[command(hide = true)]
    EditSoak {
        file: PathBuf,
        #[arg(long)]
        count: Option<u64>,
        /// Journal each edit here (printing its change id once synced) instead of saving.
        #[arg(long)]
        journal: Option<PathBuf>,
    },
    /// Write a large realistic synthetic dataset for benchmarks and tests.
    Gen {
        #[arg(long, default_value_t = 100_000)]
        features: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        /// Vertex counts: `fixed` (16-vertex polygons, 6- and 14-vertex
        /// lines) or `varied` (polygons of 5–40 vertices, lines of 2–60, as
        /// surveyed data).
        #[arg(long, value_enum, default_value_t = GenShapes::Fixed)]
        shapes: GenShapes,
    },
    /// The map as presentation mode shows it (title, legend, scale bar,
    /// north arrow), drawn with no window into a PNG of any size, e.g.
    /// `render --bbox 117.95,37.33,118.1,37.42 --size 3840x2160 --out map.png`.
    Render(render::RenderArgs),
    /// A tour as a PDF handout (a cover, then per stop the map image, the
    /// sites' facts and status by year, the plan's target and the note), or
    /// `--sites ID,ID…` as an atlas, one page per site, e.g.
    /// `handout inspection.tour.json --out handout.pdf`.
    Handout(handout::HandoutArgs),
    /// Time load + validate + index of a file and report peak memory; with
    /// `--app`, open the real window on the file and time its frames through
    /// a fixed script (fit, zoom, pan, search, table, years).
    Bench {
        file: PathBuf,
        /// Measure the app (a window; under Xvfb on a server) instead of the loader.
        #[arg(long)]
        app: bool,
        /// Parser threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}

/// How to read inputs of other formats.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReadArgs {
    /// Only this layer of a multi-layer input (GeoPackage table, workbook sheet, KML folder).
    #[arg(long)]
    pub layer: Option<String>,
    /// Ledger columns, overriding recognition: FIELD=HEADER pairs, e.g.
    /// `name=项目名称,x=Y坐标,y=X坐标` (fields: id, name, district, lead_unit,
    /// plan_year, started, completed, layer, kind, x, y, lon, lat).
    #[arg(long, value_delimiter = ',', value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,
}

impl ReadArgs {
    /// The reader options, with `--from`.
    pub fn options(&self, from: Option<binzhou_core::crs::Crs>) -> anyhow::Result<binzhou_formats::ReadOptions> {
        let mut columns = Vec::new();
        for c in &self.columns {
            let (field, header) =
                c.split_once('=').ok_or_else(|| anyhow::anyhow!("--columns {c}: expected FIELD=HEADER"))?;
            columns.push((field.trim().to_string(), header.trim().to_string()));
        }
        Ok(binzhou_formats::ReadOptions { from, layer: self.layer.clone(), columns })
    }
}

/// `checks …`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Creates the schema in a database, or brings it up to date (safe to run again).
    Init { url: String },
    /// Sends sites from any file the app reads; new ones are added, changed ones get a new version.
    Push {
        url: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The name the history records (default: the login).
        #[arg(long)]
        author: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Writes every site to a file of any format the app writes.
    Pull {
        url: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Sends the field checks of journals (checks.gpkg), photos included; run again after a cut.
    Sync {
        url: String,
        #[arg(required = true)]
        journals: Vec<PathBuf>,
    },
    /// Measures the edits per second the server takes: CLIENTS connections
    /// each editing shared sites with optimistic locking (in an empty database).
    Bench {
        url: String,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 500)]
        edits: usize,
        /// How many sites the clients share (fewer: more conflicts).
        #[arg(long, default_value_t = 50)]
        sites: usize,
    },
    /// Makes USER a viewer, inspector or editor (with --district: only those districts' sites).
    Grant {
        url: String,
        user: String,
        /// viewer, inspector or editor
        role: String,
        #[arg(long)]
        district: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ChecksCommand {
    /// Per layer and county: sites checked, not checked, and by result.
    Summary {
        #[arg(required = true)]
        journals: Vec<PathBuf>,
        /// The site data the checks are of.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// The journals merged into one file: .gpkg (every version), .geojson
    /// or .csv (each check's newest version; CSV with a BOM for Excel);
    /// photos are copied into FILE_photos/.
    Export {
        #[arg(required = true)]
        journals: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// The GNSS tracks of the journals as one GPX 1.1 file.
    Gpx {
        #[arg(required = true)]
        journals: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes checks until killed, printing each id once saved (for the SIGKILL test).
    #[command(hide = true)]
    Soak {
        #[arg(long)]
        journal: PathBuf,
        #[arg(long)]
        count: Option<u64>,
        /// Record GNSS track points instead of checks.
        #[arg(long)]
        track: bool,
    },
}

/// Parses `--from` values: `gcj02`, `epsg:4527`, a URN, ...
pub fn parse_from(s: Option<&str>) -> anyhow::Result<Option<binzhou_core::crs::Crs>> {
    match s {
        None => Ok(None),
        Some(s) => binzhou_core::crs::parse_crs_name(s)
            .map(Some)
            .ok_or_else(|| anyhow::anyhow!("--from {s}: unknown coordinate system (try gcj02, epsg:4527, epsg:4548)")),
    }
}

/// Refuses to open the app on a first argument that names neither a
/// subcommand nor an existing file or folder (a mistyped command would
/// otherwise open a window on nothing), suggesting the nearest command.
pub fn check_first_path(data: &[PathBuf], lang: Lang) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let Some(first) = data.first() else {
        return Ok(());
    };
    if first.exists() {
        return Ok(());
    }
    let word = first.to_string_lossy();
    let commands = Cli::command();
    let nearest = commands
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .map(|name| (strsim::damerau_levenshtein(&word, &name), name))
        .filter(|(d, name)| *d <= 2.max(name.len() / 3))
        .min();
    let zh = lang == Lang::Zh;
    Err(match nearest {
        Some((_, name)) if zh => anyhow::anyhow!("没有这个命令或文件：{word}；您是想用 {name} 吗？"),
        Some((_, name)) => anyhow::anyhow!("no such command or file: {word}; did you mean {name}?"),
        None if zh => anyhow::anyhow!("没有这个命令或文件：{word}（命令列表：binzhou-sites --help）"),
        None => anyhow::anyhow!("no such command or file: {word} (commands: binzhou-sites --help)"),
    })
}

/// Runs a subcommand in `lang`; returns the process exit code.
pub fn run(cmd: Command, lang: Lang, out: &mut dyn std::io::Write) -> anyhow::Result<i32> {
    match cmd {
        Command::Info { files, features, json } => info::run(out, &files, features, json, lang),
        Command::Locate { texts, data } => locate::run(out, &texts, &data, lang),
        Command::Checks { command } => match command {
            ChecksCommand::Summary { journals, data, json } => checks::summary_cmd(out, &journals, &data, json, lang),
            ChecksCommand::Export { journals, out: file } => checks::export_cmd(out, &journals, &file, lang),
            ChecksCommand::Soak { journal, count, track: false } => checks::soak_cmd(out, &journal, count),
            ChecksCommand::Soak { journal, count, track: true } => checks::soak_track(out, &journal, count),
            ChecksCommand::Gpx { journals, out: file } => checks::gpx_cmd(out, &journals, &file, lang),
        },
        Command::Db { command } => db::run(out, command, lang),
        Command::Validate { files, from, read, zh } => {
            validate::run(out, &files, &read.options(parse_from(from.as_deref())?)?, zh || lang == Lang::Zh)
        }
        Command::Stats { year, data, json } => stats::run(out, year, &data, json),
        Command::Audit { year, data, json } => audit::run(out, year, &data, json, lang == Lang::Zh),
        Command::Convert { inputs, from, read, out: file } => {
            convert::run(out, &inputs, &read.options(parse_from(from.as_deref())?)?, &file, lang)
        }
        Command::Edit { file, site, sets, delete, move_to } => {
            edit::run(out, &file, &site, &sets, move_to.as_deref(), delete, lang)
        }
        Command::EditSoak { file, count, journal: None } => edit::soak(out, &file, count),
        Command::EditSoak { file, count, journal: Some(j) } => edit::soak_journal(out, &file, &j, count),
        Command::Gen { features, seed, out, shapes } => {
            gen_data::run(&GenOptions { features, seed, shapes: shapes.into() }, &out)?;
            Ok(0)
        }
        Command::Bench { file, threads, app: false } => bench::run(out, &file, threads),
        Command::Bench { file, app: true, .. } => {
            let report = crate::app::bench::run(&file)?;
            report.write(out)?;
            Ok(if report.failed.is_some() { 1 } else { 0 })
        }
        Command::Handout(args) => handout::run(out, &args, lang),
        Command::Render(args) => render::run(out, &args, lang),
    }
}

/// `gen --shapes`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum GenShapes {
    /// 16-vertex polygons, 6- and 14-vertex lines.
    Fixed,
    /// Polygons of 5–40 vertices, lines of 2–60.
    Varied,
}

impl From<GenShapes> for Shapes {
    fn from(s: GenShapes) -> Shapes {
        match s {
            GenShapes::Fixed => Shapes::Fixed,
            GenShapes::Varied => Shapes::Varied,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn a_chinese_locale_makes_the_command_line_speak_chinese_unless_told_otherwise() {
        assert_eq!(resolve_lang(None, env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(resolve_lang(None, env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(resolve_lang(None, env(&[])), Lang::En);
        assert_eq!(resolve_lang(Some(Lang::En), env(&[("LANG", "zh_CN.UTF-8")])), Lang::En);
    }

    #[test]
    fn lc_all_outranks_lang() {
        let vars = [("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(resolve_lang(None, env(&vars)), Lang::En);
        let vars = [("LC_ALL", ""), ("LC_MESSAGES", "zh_TW.UTF-8"), ("LANG", "en_US.UTF-8")];
        assert_eq!(resolve_lang(None, env(&vars)), Lang::Zh);
    }
}
