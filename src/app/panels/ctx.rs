//! What the report panels (dashboard, table, audit) share: [`PanelCtx`],
//! the plain references they read from the app each frame, and
//! [`PanelAction`], what they ask the app to do.

use binzhou_core::index::SiteIndex;
use binzhou_core::model::{Dataset, LayerKey, YearView};
use binzhou_core::stats::PlanTargets;

use crate::app::i18n::Lang;

/// What the report panels read from the app each frame. Plain references, so
/// the panels work without the `App` (and are tested in a bare harness).
#[derive(Clone, Copy)]
pub struct PanelCtx<'a> {
    /// The loaded data.
    pub dataset: &'a Dataset,
    /// Its spatial index (the audit uses it).
    pub index: &'a SiteIndex,
    /// The plan's targets.
    pub targets: &'a PlanTargets,
    /// The year the map shows.
    pub view: YearView,
    /// The interface language.
    pub lang: Lang,
    /// The sites selected now (from the map, the table or a panel).
    pub selection: &'a [usize],
    /// Whether a layer is shown on the map; the table lists only those.
    pub visible: &'a dyn Fn(&LayerKey) -> bool,
    /// Changed by the app whenever it swaps in new data. The panels also
    /// notice a different `Dataset`, so this only guards against an address
    /// being reused.
    pub data_version: u64,
    /// The same data shared, and the context to wake, so a panel can compute
    /// on a worker thread; without it (tests) panels compute in place.
    pub background: Option<(&'a std::sync::Arc<crate::app::data::MapData>, &'a egui::Context)>,
}

impl<'a> PanelCtx<'a> {
    /// A context showing every layer at the latest state, in Chinese, with nothing selected.
    pub fn new(dataset: &'a Dataset, index: &'a SiteIndex, targets: &'a PlanTargets) -> Self {
        PanelCtx {
            dataset,
            index,
            targets,
            view: YearView::Latest,
            lang: Lang::Zh,
            selection: &[],
            visible: &|_| true,
            data_version: 0,
            background: None,
        }
    }

    /// A context at `view` over shared data, able to run a panel's worker
    /// (the panels' own tests).
    #[cfg(test)]
    pub(crate) fn on_worker(
        data: &'a std::sync::Arc<crate::app::data::MapData>,
        targets: &'a PlanTargets,
        egui_ctx: &'a egui::Context,
        view: YearView,
    ) -> Self {
        PanelCtx { view, background: Some((data, egui_ctx)), ..PanelCtx::new(&data.dataset, &data.index, targets) }
    }

    /// Identifies the data: when it changes, cached results are stale.
    pub(crate) fn data_key(&self) -> DataKey {
        DataKey {
            version: self.data_version,
            sites: self.dataset.sites.as_ptr() as usize,
            len: self.dataset.sites.len(),
        }
    }

    /// Whether the interface is in Chinese.
    pub fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}

/// Identity of a dataset for cache keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DataKey {
    version: u64,
    sites: usize,
    len: usize,
}

/// What a report panel asks the app to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelAction {
    /// Select these sites (indices into `Dataset::sites`): highlight them on
    /// the map, list them in the table and zoom to them.
    Select(Vec<usize>),
    /// Select this one site and fly the map to it.
    FlyTo(usize),
    /// Add this site to the sites selected together, or take it away (Ctrl+click).
    Toggle(usize),
}

/// Rings around the sites a panel selected, drawn over the map at their
/// screen positions (those inside `clip`).
pub fn paint_highlight(painter: &egui::Painter, clip: egui::Rect, at: impl IntoIterator<Item = egui::Pos2>) {
    use crate::app::map::style::{SELECTION_COLOUR, SYMBOL_OUTLINE};
    for p in at.into_iter().filter(|p| clip.contains(*p)) {
        painter.circle_stroke(p, 10.0, egui::Stroke::new(4.5, SYMBOL_OUTLINE));
        painter.circle_stroke(p, 10.0, egui::Stroke::new(2.5, SELECTION_COLOUR));
    }
}

/// A ring around each site another user just changed (the shared database).
pub fn paint_changed(painter: &egui::Painter, clip: egui::Rect, at: impl IntoIterator<Item = egui::Pos2>) {
    let ink = egui::Color32::from_rgb(230, 120, 0);
    for p in at.into_iter().filter(|p| clip.contains(*p)) {
        painter.circle_stroke(p, 14.0, egui::Stroke::new(3.0, egui::Color32::WHITE));
        painter.circle_stroke(p, 14.0, egui::Stroke::new(2.0, ink));
    }
}
