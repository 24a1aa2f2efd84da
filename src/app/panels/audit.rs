//! The plan-consistency audit panel: what an inspector would ask about at
//! the end of the viewed year ([`binzhou_core::audit::audit`]), grouped by kind
//! with counts. Clicking an entry asks the app to select its sites and zoom
//! to them. Recomputed only when the data or the year changes, on a worker
//! thread for large data (a million sites take seconds); long groups are
//! virtualised.

use std::sync::Arc;

use egui::{RichText, Sense, Ui};

use super::background::{Background, Poll};
use super::ctx::{DataKey, PanelAction, PanelCtx};
use crate::app::i18n::Lang;
use binzhou_core::audit::{AuditEntry, AuditKind, audit};
use binzhou_core::model::YearView;

/// The audit panel's state (nothing worth keeping between runs but the type
/// is persisted with the others for symmetry).
#[derive(Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AuditState {
    #[serde(skip)]
    cache: Option<AuditCache>,
    /// The audit being computed on a worker thread, for a data and view.
    #[serde(skip)]
    job: Background<(DataKey, YearView), Vec<AuditEntry>>,
}

/// With fewer sites than this the audit runs in place (well under a frame's
/// worth of waiting); with more, on a worker thread.
const BACKGROUND_FROM_SITES: usize = 20_000;

impl std::fmt::Debug for AuditState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditState").field("entries", &self.cache.as_ref().map(|c| c.entries.len())).finish()
    }
}

struct AuditCache {
    data: DataKey,
    view: YearView,
    entries: Arc<Vec<AuditEntry>>,
    /// Per kind, in [`AuditKind::ALL`] order: the positions of its entries.
    groups: Vec<(AuditKind, Vec<usize>)>,
}

impl AuditState {
    /// The findings at the context's view (computed when data or year change).
    pub fn entries(&mut self, ctx: &PanelCtx) -> Arc<Vec<AuditEntry>> {
        self.refresh(ctx);
        self.current(ctx).map(|c| c.entries.clone()).unwrap_or_default()
    }

    /// How many findings of each kind, in [`AuditKind::ALL`] order.
    pub fn counts(&mut self, ctx: &PanelCtx) -> Vec<(AuditKind, usize)> {
        self.refresh(ctx);
        self.current(ctx).map(|c| c.groups.iter().map(|(k, v)| (*k, v.len())).collect()).unwrap_or_default()
    }

    /// The findings for the context's data and view, if they are ready.
    fn current(&self, ctx: &PanelCtx) -> Option<&AuditCache> {
        self.cache.as_ref().filter(|c| c.data == ctx.data_key() && c.view == ctx.view)
    }

    /// Brings the findings up to date: at once for small data or without a
    /// worker context, else by starting (or collecting) a worker's run.
    fn refresh(&mut self, ctx: &PanelCtx) {
        let (data, view) = (ctx.data_key(), ctx.view);
        if self.current(ctx).is_some() {
            return;
        }
        let background = ctx.background.as_ref().filter(|_| ctx.dataset.sites.len() >= BACKGROUND_FROM_SITES);
        let Some((shared, egui_ctx)) = background else {
            self.job.cancel();
            self.set(data, view, audit(ctx.dataset, ctx.index, view));
            return;
        };
        let shared = Arc::clone(shared);
        match self.job.poll((data, view), "audit", egui_ctx, move || audit(&shared.dataset, &shared.index, view)) {
            Poll::Ready(entries) => self.set(data, view, entries),
            Poll::Pending => {}
            Poll::NoThread => self.set(data, view, audit(ctx.dataset, ctx.index, view)),
        }
    }

    fn set(&mut self, data: DataKey, view: YearView, entries: Vec<AuditEntry>) {
        let groups = AuditKind::ALL
            .into_iter()
            .map(|k| (k, entries.iter().enumerate().filter(|(_, e)| e.kind == k).map(|(i, _)| i).collect()))
            .collect();
        self.cache = Some(AuditCache { data, view, entries: Arc::new(entries), groups });
    }
}

/// The accessible name (and text) of a group's header: "逾期未完成 (12)".
pub fn group_title(kind: AuditKind, count: usize, lang: Lang) -> String {
    format!("{} ({count})", lang.audit_kind(kind))
}

/// Draws the audit. Returns the sites of a clicked entry (or of a whole group).
pub fn show(ui: &mut Ui, state: &mut AuditState, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    state.refresh(ctx);
    ui.heading(format!("{} · {}", lang.text().audit_heading, lang.view_label(ctx.view)));
    let Some(cache) = state.current(ctx) else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(lang.text().audit_checking);
        });
        return None;
    };
    let mut action = None;
    let total = cache.entries.len();
    ui.label(lang.audit_summary(total));
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().id_salt("audit-groups").auto_shrink([false, true]).show(ui, |ui| {
        for (kind, members) in &cache.groups {
            let title = group_title(*kind, members.len(), lang);
            if members.is_empty() {
                ui.label(RichText::new(title).weak());
                continue;
            }
            egui::CollapsingHeader::new(RichText::new(title).strong())
                .id_salt(("audit-group", *kind))
                .default_open(*kind == AuditKind::Overdue || members.len() <= 20)
                .show(ui, |ui| {
                    let all = lang.audit_select_all(members.len());
                    if ui.small_button(all).clicked() {
                        let mut sites: Vec<usize> =
                            members.iter().flat_map(|&e| cache.entries[e].sites.iter().copied()).collect();
                        sites.sort_unstable();
                        sites.dedup();
                        action = Some(PanelAction::Select(sites));
                    }
                    egui::ScrollArea::vertical().id_salt(("audit-list", *kind)).max_height(260.0).show_rows(
                        ui,
                        row_height,
                        members.len(),
                        |ui, range| {
                            for &e in &members[range] {
                                let entry = &cache.entries[e];
                                let msg = if lang == Lang::Zh { &entry.message_zh } else { &entry.message_en };
                                let resp = ui
                                    .add(
                                        // One tooltip: ours, with the full text and the ids.
                                        egui::Label::new(msg.as_str())
                                            .sense(Sense::click())
                                            .truncate()
                                            .show_tooltip_when_elided(false),
                                    )
                                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                                    .on_hover_text(format!("{msg}\n{}", entry.ids.join(", ")));
                                resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, msg));
                                if resp.clicked() {
                                    action = Some(PanelAction::Select(entry.sites.clone()));
                                }
                            }
                        },
                    );
                });
        }
    });
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::data::MapData;
    use binzhou_core::model::{Dataset, LayerKey, Origin, PlanLayer, Site};
    use binzhou_core::stats::PlanTargets;

    /// `n` pocket parks planned for 2020 and never started: each is overdue.
    fn overdue_parks(n: usize) -> Arc<MapData> {
        let sites = (0..n)
            .map(|k| {
                let p = geo::Point::new(117.9 + (k % 300) as f64 * 0.001, 37.3 + (k / 300) as f64 * 0.001);
                let id = format!("P{k}");
                let mut s = Site::new(
                    &id,
                    &id,
                    LayerKey::Plan(PlanLayer::PocketPark),
                    geo::Geometry::Point(p),
                    Origin { file: 0, index: k as u32 },
                );
                s.plan_year = Some(2020);
                s
            })
            .collect();
        Arc::new(MapData::build(Dataset { sites, ..Default::default() }))
    }

    fn overdue_count(state: &mut AuditState, ctx: &PanelCtx) -> usize {
        state.counts(ctx).iter().find(|(k, _)| *k == AuditKind::Overdue).map_or(0, |(_, n)| *n)
    }

    #[test]
    fn a_large_audit_runs_on_a_worker_and_arrives_later() {
        let data = overdue_parks(BACKGROUND_FROM_SITES + 10);
        let targets = PlanTargets::bundled();
        let egui_ctx = egui::Context::default();
        let ctx = PanelCtx::on_worker(&data, &targets, &egui_ctx, YearView::EndOf(2021));
        let mut state = AuditState::default();
        // The first call only starts the worker: nothing is ready yet.
        assert!(state.entries(&ctx).is_empty());
        assert!(state.job.is_running(), "a worker was started");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while overdue_count(&mut state, &ctx) == 0 {
            assert!(std::time::Instant::now() < deadline, "the worker's findings never arrived");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(overdue_count(&mut state, &ctx), BACKGROUND_FROM_SITES + 10);
        // Another year starts over.
        let later = PanelCtx { view: YearView::EndOf(2022), ..ctx };
        assert!(state.entries(&later).is_empty());
    }

    #[test]
    fn a_small_audit_is_ready_at_once() {
        let data = overdue_parks(50);
        let targets = PlanTargets::bundled();
        let egui_ctx = egui::Context::default();
        let ctx = PanelCtx::on_worker(&data, &targets, &egui_ctx, YearView::EndOf(2021));
        assert_eq!(overdue_count(&mut AuditState::default(), &ctx), 50);
    }
}
