//! `bench --app FILE`: the real window, the app's own load path, then a
//! fixed script (fit to the data, zoom in four levels, pan, type a search,
//! open and sort the table, change the year twice), timing every frame.
//!
//! Each frame has two figures: the time eframe reports for the whole frame
//! (our UI code, egui's tessellation and the renderer, without the wait for
//! the display), and the part of it spent in [`App::ui_root`]. Both are wall
//! times on the UI thread. Under Xvfb the renderer is a software one
//! (llvmpipe) whose threads rasterise what a GPU would and compete with the
//! UI thread for the cores, so with many sites in view both figures are
//! longer than on a machine with a GPU.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use binzhou_core::model::YearView;
use binzhou_core::table::Column;

use super::state::ViewState;
use super::{App, fonts};

/// What one step of the script does on frame `n` of its frames.
type Act = fn(&mut App, u32);

/// One step of the script: its name, how many frames it is timed for, and
/// what it does on each.
struct Step {
    name: &'static str,
    frames: u32,
    act: Act,
}

/// The search the script types, one character a frame (names of the bundled
/// data and of `gen`'s both have it).
/// "Pocket park", escaped: Chinese text lives in the i18n catalogue.
const QUERY: &str = "\u{53e3}\u{888b}\u{516c}\u{56ed}";

fn script() -> Vec<Step> {
    fn nothing(_: &mut App, _: u32) {}
    fn fit(app: &mut App, n: u32) {
        if n == 0
            && let Some(b) = app.data.bbox
        {
            app.map.fit(b, 17.0, false);
        }
    }
    fn zoom(app: &mut App, _: u32) {
        app.map.zoom_by(0.1);
    }
    fn pan(app: &mut App, _: u32) {
        app.map.pan_by(30.0, 18.0);
    }
    fn search(app: &mut App, n: u32) {
        app.search.query = QUERY.chars().take(n as usize + 1).collect();
    }
    fn table(app: &mut App, _: u32) {
        app.state.panels.table = true;
    }
    fn sort(app: &mut App, n: u32) {
        if n == 0 {
            app.table.sort_by(Column::Name);
        }
    }
    fn year_2020(app: &mut App, _: u32) {
        app.state.year = YearView::EndOf(2020);
    }
    fn year_2022(app: &mut App, _: u32) {
        app.state.year = YearView::EndOf(2022);
    }
    let mut steps = vec![Step { name: "fit to data", frames: 20, act: fit }];
    for name in ["zoom in 1", "zoom in 2", "zoom in 3", "zoom in 4"] {
        steps.push(Step { name, frames: 10, act: zoom });
    }
    steps.extend([
        Step { name: "pan", frames: 30, act: pan },
        Step { name: "type a search", frames: 15, act: search },
        Step { name: "open the table", frames: 15, act: table },
        Step { name: "sort the table", frames: 15, act: sort },
        Step { name: "year 2020", frames: 15, act: year_2020 },
        Step { name: "year 2022", frames: 15, act: year_2022 },
        Step { name: "idle", frames: 10, act: nothing },
    ]);
    steps
}

/// One frame's times, seconds.
#[derive(Clone, Copy, Debug)]
struct FrameTime {
    /// The whole frame (eframe's figure).
    frame: f32,
    /// In [`App::ui_root`].
    app: f32,
}

/// One step's frames, and the peak RSS when it ended.
#[derive(Debug, Default)]
struct StepTimes {
    name: &'static str,
    frames: Vec<FrameTime>,
    peak_rss_after: Option<u64>,
}

impl StepTimes {
    fn new(name: &'static str) -> Self {
        StepTimes { name, ..Default::default() }
    }
}

/// What the bench measured.
#[derive(Debug, Default)]
pub struct Report {
    pub file: PathBuf,
    pub file_bytes: u64,
    pub sites: usize,
    pub problems: usize,
    /// From the call to [`run`] until the first frame with sites drawn was shown.
    pub to_drawn: Option<Duration>,
    /// The loading frames, then each step's.
    steps: Vec<StepTimes>,
    pub peak_rss: Option<u64>,
    /// Why the bench stopped early, if it did.
    pub failed: Option<String>,
}

/// How long the load may take before the bench gives up.
const LOAD_LIMIT: Duration = Duration::from_secs(900);

/// The app driven by the script.
struct BenchApp {
    app: App,
    script: Vec<Step>,
    /// The step under way (`None`: loading) and its frame.
    at: Option<(usize, u32)>,
    started: Instant,
    /// The frame just shown: its step and the time it spent in the app.
    pending: Option<(usize, f32)>,
    drawn_shown: bool,
    report: Arc<Mutex<Report>>,
}

impl BenchApp {
    fn record(&mut self, frame: Option<f32>) {
        let Some((slot, app)) = self.pending.take() else { return };
        let Some(frame) = frame else { return };
        // Where memory grows: the high-water mark as each frame ends, read
        // before the lock so the file read never holds it.
        let peak = crate::cli::bench::peak_rss_bytes();
        if let Ok(mut r) = self.report.lock()
            && let Some(s) = r.steps.get_mut(slot)
        {
            s.frames.push(FrameTime { frame: frame.max(app), app });
            s.peak_rss_after = peak;
        }
    }

    fn finish(&mut self, ctx: &egui::Context, failed: Option<String>) {
        if let Ok(mut r) = self.report.lock() {
            r.sites = self.app.data.dataset.sites.len();
            r.problems = self.app.data.dataset.problems.len();
            r.peak_rss = crate::cli::bench::peak_rss_bytes();
            r.failed = failed;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

impl eframe::App for BenchApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        ctx.request_repaint();
        self.record(frame.info().cpu_usage);
        // The first frame with sites drawn has now been shown.
        if self.drawn_shown
            && let Ok(mut r) = self.report.lock()
            && r.to_drawn.is_none()
        {
            r.to_drawn = Some(self.started.elapsed());
        }
        let slot = match self.at {
            None => 0,
            Some((step, n)) => {
                if step >= self.script.len() {
                    self.finish(&ctx, None);
                    return;
                }
                (self.script[step].act)(&mut self.app, n);
                step + 1
            }
        };
        let t0 = Instant::now();
        self.app.ui_root(ui);
        self.pending = Some((slot, t0.elapsed().as_secs_f32()));
        match self.at {
            None => {
                let drawn = self.app.drawn_per_layer().iter().any(|&n| n > 0);
                if self.drawn_shown {
                    self.at = Some((0, 0));
                } else if drawn && !self.app.is_loading() {
                    self.drawn_shown = true;
                } else if !self.app.is_loading() && self.app.data.dataset.sites.is_empty() {
                    // The loader's own words for why (a missing or broken file).
                    let why = self.app.data.dataset.problems.first().map(|p| format!(": {p}")).unwrap_or_default();
                    self.finish(&ctx, Some(format!("no sites were loaded{why}")));
                } else if self.started.elapsed() > LOAD_LIMIT {
                    self.finish(&ctx, Some(format!("not drawn within {} s", LOAD_LIMIT.as_secs())));
                }
            }
            Some((step, n)) => {
                self.at = Some(if n + 1 >= self.script[step].frames { (step + 1, 0) } else { (step, n + 1) });
            }
        }
    }
}

/// Opens the window on `file`, plays the script and returns what it measured.
pub fn run(file: &Path) -> anyhow::Result<Report> {
    let started = Instant::now();
    let script = script();
    let mut report = Report { file: file.to_path_buf(), file_bytes: bytes_under(file), ..Default::default() };
    report.steps.push(StepTimes::new("loading"));
    report.steps.extend(script.iter().map(|s| StepTimes::new(s.name)));
    let report = Arc::new(Mutex::new(report));
    let font = fonts::find_cjk_font();
    // The user's saved view and window are neither read nor written.
    let scratch = std::env::temp_dir().join(format!("binzhou-sites-bench-{}.ron", std::process::id()));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_title("binzhou-sites bench").with_inner_size([1440.0, 900.0]),
        persist_window: false,
        persistence_path: Some(scratch.clone()),
        ..Default::default()
    };
    let shared = report.clone();
    let file = file.to_path_buf();
    eframe::run_native(
        "binzhou-sites-bench",
        options,
        Box::new(move |cc| {
            let font_missing = font.as_deref().is_none_or(|p| fonts::install_font_file(&cc.egui_ctx, p).is_err());
            fonts::apply_text_sizes(&cc.egui_ctx);
            cc.egui_ctx.set_theme(egui::Theme::Light);
            let app = App::new(vec![file], ViewState::default(), font_missing).with_gpu(cc.wgpu_render_state.as_ref());
            Ok(Box::new(BenchApp { app, script, at: None, started, pending: None, drawn_shown: false, report: shared }))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    let _ = std::fs::remove_file(&scratch);
    let report = std::mem::take(&mut *report.lock().map_err(|_| anyhow::anyhow!("the bench's report was lost"))?);
    Ok(report)
}

/// The size of a file, or of the files in a folder (the bundled data).
fn bytes_under(path: &Path) -> u64 {
    match std::fs::read_dir(path) {
        Ok(entries) => entries.flatten().map(|e| bytes_under(&e.path())).sum(),
        Err(_) => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    }
}

/// The median, 99th percentile and maximum of `v` (sorted in place).
fn quantiles(v: &mut [f32]) -> [f32; 3] {
    v.sort_by(f32::total_cmp);
    let at = |q: f64| v.get(((v.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(0.0);
    [at(0.5), at(0.99), at(1.0)]
}

impl Report {
    /// The report as the command prints it.
    pub fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mib = |b: u64| b as f64 / 1_048_576.0;
        writeln!(out, "file              {} ({:.1} MiB)", self.file.display(), mib(self.file_bytes))?;
        writeln!(out, "sites             {} ({} problems)", self.sites, self.problems)?;
        match self.to_drawn {
            Some(t) => writeln!(out, "to data drawn     {:.2} s (from the command, window included)", t.as_secs_f64())?,
            None => writeln!(out, "to data drawn     never")?,
        }
        writeln!(out)?;
        writeln!(out, "UI thread per frame (ms): the whole frame, and the app's part of it")?;
        writeln!(
            out,
            "{:<16} {:>6}   {:>26}   {:>26}   {:>9}",
            "step", "frames", "frame p50 p99 max", "app p50 p99 max", "peak MiB"
        )?;
        let (mut over, mut app_over, mut total) = (0, 0, 0);
        for StepTimes { name, frames, peak_rss_after } in &self.steps {
            if frames.is_empty() {
                continue;
            }
            let mut f: Vec<f32> = frames.iter().map(|t| t.frame * 1000.0).collect();
            let mut a: Vec<f32> = frames.iter().map(|t| t.app * 1000.0).collect();
            if *name != "loading" {
                over += f.iter().filter(|&&ms| ms > 16.0).count();
                app_over += a.iter().filter(|&&ms| ms > 16.0).count();
                total += f.len();
            }
            let [f50, f99, fmax] = quantiles(&mut f);
            let [a50, a99, amax] = quantiles(&mut a);
            let peak = peak_rss_after.map(|b| format!("{:.0}", mib(b))).unwrap_or_default();
            writeln!(
                out,
                "{name:<16} {:>6}   {f50:>8.1} {f99:>8.1} {fmax:>8.1}   {a50:>8.1} {a99:>8.1} {amax:>8.1}   {peak:>9}",
                frames.len()
            )?;
        }
        writeln!(
            out,
            "over 16 ms        {over} of {total} frames; the app's part alone in {app_over} (after loading)"
        )?;
        if let Some(rss) = self.peak_rss {
            write!(out, "peak RSS          {:.0} MiB", mib(rss))?;
            // Beside a file of a few kilobytes the ratio says nothing.
            if self.file_bytes >= 1 << 20 {
                write!(out, " ({:.2}× the file)", rss as f64 / self.file_bytes as f64)?;
            }
            writeln!(out)?;
        }
        if let Some(why) = &self.failed {
            writeln!(out, "stopped early     {why}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_from_the_sorted_times() {
        assert_eq!(quantiles(&mut [5.0, 1.0, 3.0, 2.0, 4.0]), [3.0, 5.0, 5.0]);
        assert_eq!(quantiles(&mut []), [0.0; 3]);
    }

    #[test]
    fn a_run_that_loaded_nothing_prints_only_what_it_measured_and_why_it_stopped() {
        let mut r = Report {
            file_bytes: 28,
            failed: Some("no sites were loaded: file.geojson: not found".into()),
            peak_rss: Some(140 << 20),
            ..Default::default()
        };
        r.steps.push(StepTimes {
            name: "loading",
            frames: vec![FrameTime { frame: 0.009, app: 0.004 }],
            peak_rss_after: Some(120 << 20),
        });
        r.steps.push(StepTimes::new("fit to data"));
        let mut out = Vec::new();
        r.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let loading = text.lines().find(|l| l.starts_with("loading")).expect("the loading row");
        assert!(loading.ends_with(" 120"), "the peak as loading ended: {loading}");
        assert!(!text.contains("fit to data"), "{text}");
        assert!(text.contains("peak RSS          140 MiB\n"), "{text}");
        assert!(text.contains("stopped early     no sites were loaded: file.geojson: not found"), "{text}");
    }

    #[test]
    fn the_script_plays_every_step_the_issue_names() {
        let names: Vec<&str> = script().iter().map(|s| s.name).collect();
        for wanted in ["fit to data", "zoom in 4", "pan", "type a search", "sort the table", "year 2020", "year 2022"] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        // The search is typed a character a frame, whole before the step ends.
        let search = script().into_iter().find(|s| s.name == "type a search").map(|s| s.frames).unwrap_or(0);
        assert!(search as usize > QUERY.chars().count());
    }
}
