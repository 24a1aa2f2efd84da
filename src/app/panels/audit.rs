//! The plan-consistency audit panel: what an inspector would ask about at
//! the end of the viewed year ([`crate::audit::audit`]), grouped by kind
//! with counts. Clicking an entry asks the app to select its sites and zoom
//! to them. Recomputed only when the data or the year changes; long groups
//! are virtualised.

use std::sync::Arc;

use egui::{RichText, Sense, Ui};

use super::dashboard::{DataKey, PanelAction, PanelCtx, tr, view_label};
use crate::app::i18n::Lang;
use crate::audit::{AuditEntry, AuditKind, audit};
use crate::model::YearView;

/// The audit panel's state (nothing worth keeping between runs but the type
/// is persisted with the others for symmetry).
#[derive(Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AuditState {
    #[serde(skip)]
    cache: Option<AuditCache>,
}

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
        self.cache.as_ref().map(|c| c.entries.clone()).unwrap_or_default()
    }

    /// How many findings of each kind, in [`AuditKind::ALL`] order.
    pub fn counts(&mut self, ctx: &PanelCtx) -> Vec<(AuditKind, usize)> {
        self.refresh(ctx);
        self.cache.as_ref().map(|c| c.groups.iter().map(|(k, v)| (*k, v.len())).collect()).unwrap_or_default()
    }

    fn refresh(&mut self, ctx: &PanelCtx) {
        let data = ctx.data_key();
        if self.cache.as_ref().is_some_and(|c| c.data == data && c.view == ctx.view) {
            return;
        }
        let entries = audit(ctx.dataset, ctx.index, ctx.view);
        let groups = AuditKind::ALL
            .into_iter()
            .map(|k| (k, entries.iter().enumerate().filter(|(_, e)| e.kind == k).map(|(i, _)| i).collect()))
            .collect();
        self.cache = Some(AuditCache { data, view: ctx.view, entries: Arc::new(entries), groups });
    }
}

fn kind_name(kind: AuditKind, lang: Lang) -> &'static str {
    tr(lang, kind.name_zh(), kind.name_en())
}

/// The accessible name (and text) of a group's header: "逾期未完成 (12)".
pub fn group_title(kind: AuditKind, count: usize, lang: Lang) -> String {
    format!("{} ({count})", kind_name(kind, lang))
}

/// Draws the audit. Returns the sites of a clicked entry (or of a whole group).
pub fn show(ui: &mut Ui, state: &mut AuditState, ctx: &PanelCtx) -> Option<PanelAction> {
    let lang = ctx.lang;
    state.refresh(ctx);
    let cache = state.cache.as_ref()?;
    let mut action = None;
    ui.heading(format!("{} · {}", tr(lang, "规划一致性检查", "Plan-consistency audit"), view_label(ctx.view, lang)));
    let total = cache.entries.len();
    ui.label(match lang {
        Lang::Zh => format!("共 {total} 条问题，点击条目在地图上查看"),
        Lang::En => format!("{total} findings; click one to see it on the map"),
    });
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
                    let all = match lang {
                        Lang::Zh => format!("选择全部 {} 条所涉项目", members.len()),
                        Lang::En => format!("Select the sites of all {}", members.len()),
                    };
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
                                    .add(egui::Label::new(msg.as_str()).sense(Sense::click()).truncate())
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
