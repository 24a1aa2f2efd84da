//! The field checks back in the office, from the app's menu: the journals
//! merged into one file (on the `checks-export` worker, as `checks export`
//! writes it) and the summary per layer and county (as `checks summary`).

use std::path::PathBuf;

use binzhou_core::checks::{CheckResult, SummaryRow, summary};
use binzhou_journal::export::Exported;
use crossbeam_channel::{Receiver, bounded};

use super::*;

/// The office tools' state.
#[derive(Default)]
pub struct Office {
    /// An export under way: where to, and its answer.
    export: Option<(PathBuf, Receiver<Result<Exported, String>>)>,
    /// The summary window is open.
    pub summary_open: bool,
    /// The summary for (versions, data generation).
    cache: Option<((usize, u64), Vec<SummaryRow>, usize)>,
}

impl App {
    /// Writes every open journal merged into `out` (`.gpkg`, `.geojson` or
    /// `.csv`) on a worker; the answer comes back as a notice.
    pub fn export_checks(&mut self, ctx: &egui::Context, out: PathBuf) {
        let journals = self.checks.journals();
        let zh = self.state.lang == Lang::Zh;
        let (tx, rx) = bounded(1);
        let wake = ctx.clone();
        let dest = out.clone();
        let spawned = std::thread::Builder::new().name("checks-export".into()).spawn(move || {
            let done = binzhou_journal::export::export(&journals, &dest, zh).map_err(|e| e.to_string());
            let _ = tx.send(done);
            wake.request_repaint();
        });
        match spawned {
            Ok(_) => self.office.export = Some((out, rx)),
            Err(e) => {
                self.notices.push(Notice { text: self.state.lang.checks_export_failed(&e.to_string()), ttl: None })
            }
        }
    }

    /// Whether an export is under way (for tests).
    pub fn exporting_checks(&self) -> bool {
        self.office.export.is_some()
    }

    /// Takes a finished export's answer. Once per frame.
    pub(super) fn office_frame(&mut self, ctx: &egui::Context) {
        if let Some((out, rx)) = &self.office.export
            && let Ok(done) = rx.try_recv()
        {
            let lang = self.state.lang;
            let name = out.display().to_string();
            let text = match done {
                Ok(e) => lang.checks_exported(e.records, &name, e.photos_copied),
                Err(e) => lang.checks_export_failed(&e),
            };
            self.notices.push(Notice { text, ttl: Some(10.0) });
            self.office.export = None;
        }
        self.checks_summary_window(ctx);
    }

    fn checks_summary_window(&mut self, ctx: &egui::Context) {
        if !self.office.summary_open {
            return;
        }
        let lang = self.state.lang;
        // Counted again only when the checks or the data changed, not per frame.
        let versions = self.checks.version_count();
        let key = (versions, self.generation);
        if self.office.cache.as_ref().is_none_or(|(k, _, _)| *k != key) {
            let (live, _) = self.checks.live();
            let rows = summary(&self.data.dataset, &live);
            let n = live.len();
            self.office.cache = Some((key, rows, n));
        }
        let Some((_, rows, checks)) = &self.office.cache else { return };
        let t = lang.checks();
        let mut open = true;
        egui::Window::new(t.summary_title)
            .id(egui::Id::unique("checks-summary"))
            .open(&mut open)
            .anchor(Align2::CENTER_TOP, vec2(0.0, 72.0))
            .default_width(640.0)
            .show(ctx, |ui| {
                ui.label(lang.checks_summary_line(*checks, versions, self.data.dataset.sites.len()));
                egui::ScrollArea::vertical().max_height(420.0).show(ui, |ui| {
                    egui::Grid::new("checks-summary-grid").striped(true).num_columns(5 + CheckResult::ALL.len()).show(
                        ui,
                        |ui| {
                            for h in
                                [t.summary_layer, t.summary_county, t.summary_sites, t.summary_checked, t.not_checked]
                            {
                                ui.label(RichText::new(h).strong());
                            }
                            for r in CheckResult::ALL {
                                ui.label(RichText::new(lang.check_result(r)).strong());
                            }
                            ui.end_row();
                            for r in rows.iter().filter(|r| !r.layer.is_empty()) {
                                let zh = lang == Lang::Zh;
                                let layer = binzhou_core::model::PlanLayer::from_key(&r.layer)
                                    .map(|l| if zh { l.name_zh() } else { l.name_en() }.to_string())
                                    .unwrap_or_else(|| r.layer.clone());
                                let county = binzhou_core::model::names::or_raw(
                                    binzhou_core::model::names::district(&r.district),
                                    &r.district,
                                    zh,
                                );
                                ui.label(layer);
                                ui.label(county);
                                ui.label(r.sites.to_string());
                                ui.label(r.checked.to_string());
                                ui.label(r.not_checked.to_string());
                                for n in r.by_result {
                                    ui.label(n.to_string());
                                }
                                ui.end_row();
                            }
                        },
                    );
                });
                if let Some(r) = rows.iter().find(|r| r.layer.is_empty()) {
                    ui.label(RichText::new(lang.checks_unknown_sites(r.unknown_sites)).weak());
                }
                if ui.button(t.export_checks).clicked() {
                    self.files.ask(file_dialog::Purpose::ExportChecks);
                }
            });
        if !open {
            self.office.summary_open = false;
        }
    }
}
