//! Start-up: what the app opens, where the bundled data is, and opening
//! the window.

use std::path::PathBuf;

use binzhou_core::stats::PlanTargets;

use super::i18n::Lang;
use super::state::{MAIN_CITY_BOUNDS, ViewState};
use super::{App, fonts};

/// What the app opens.
#[derive(Clone, Debug, Default)]
pub struct AppArgs {
    /// Files or folders to load; empty means the bundled `data` folder.
    pub data: Vec<PathBuf>,
    /// A GNSS source to connect at start (see [`binzhou_core::gnss::source::GnssSource::parse`]).
    pub gnss: Option<String>,
    /// The field-check journal (default: `checks.gpkg` in the platform's data folder).
    pub journal: Option<PathBuf>,
    /// A tour to open once the data has loaded.
    pub tour: Option<PathBuf>,
    /// A shared database to open the plan from, instead of files.
    pub db: Option<String>,
}

/// The bundled data folder: `data` under the working directory, or the
/// crate's own when run from elsewhere during development.
pub fn default_data_paths() -> Vec<PathBuf> {
    let here = PathBuf::from("data");
    if here.is_dir() {
        return vec![here];
    }
    let crate_data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    if crate_data.is_dir() { vec![crate_data] } else { vec![here] }
}

/// The main city's bounds as a lon/lat box.
pub fn main_city_bounds() -> geo::Rect<f64> {
    let [w, s, e, n] = MAIN_CITY_BOUNDS;
    geo::Rect::new((w, s), (e, n))
}

/// Opens the desktop app and runs it until the window closes.
pub fn run(args: AppArgs) -> anyhow::Result<()> {
    let gnss = args.gnss;
    let tour = args.tour;
    // A connection string that cannot be read is said before a window opens.
    let db = args.db.as_deref().map(binzhou_db::Target::parse).transpose()?;
    let journal = args.journal.unwrap_or_else(super::checks::default_journal_path);
    let paths = if args.data.is_empty() { default_data_paths() } else { args.data };
    let font = fonts::find_cjk_font();
    let title_lang = if font.is_some() { Lang::Zh } else { Lang::En };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title_lang.text().app_title)
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "binzhou-sites",
        options,
        Box::new(move |cc| {
            let font_missing = match font.as_deref().map(|p| fonts::install_font_file(&cc.egui_ctx, p)) {
                Some(Ok(())) => false,
                Some(Err(e)) => {
                    tracing::warn!("{e}");
                    true
                }
                None => {
                    tracing::warn!("{}", fonts::FontError::NotFound);
                    true
                }
            };
            fonts::apply_text_sizes(&cc.egui_ctx);
            cc.egui_ctx.set_theme(egui::Theme::Light);
            let state = ViewState::load(cc.storage);
            let mut app = App::new(paths, state, font_missing)
                .with_report_state(cc.storage)
                .with_journal(journal.clone())
                .with_gpu(cc.wgpu_render_state.as_ref());
            if let Some(g) = &gnss {
                app.connect_gnss(g, &cc.egui_ctx);
            }
            if let Some(t) = &tour {
                app = app.with_tour(t.clone());
            }
            if let Some(t) = &db {
                app = app.with_db(t.clone());
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// The plan targets for the data paths: a folder's own `plan_targets.json`, else the bundled ones.
pub(super) fn targets_for(paths: &[PathBuf]) -> PlanTargets {
    paths
        .iter()
        .find(|p| p.is_dir())
        .and_then(|dir| {
            PlanTargets::for_data_dir(dir).map_err(|e| tracing::warn!("{e}; using the bundled plan targets")).ok()
        })
        .unwrap_or_else(PlanTargets::bundled)
}
