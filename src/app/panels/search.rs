//! Search as you type: sites by name, id, district or lead unit, through
//! the dataset's [`binzhou_core::search::SearchIndex`] (built once, with the data).

use egui::{Id, RichText, ScrollArea, Ui};

use crate::app::data::MapData;
use crate::app::i18n::Lang;

/// Results shown at most.
pub const MAX_SHOWN: usize = 100;

/// The search box's state.
#[derive(Debug, Default)]
pub struct SearchState {
    pub query: String,
    /// Matching sites, best first.
    pub results: Vec<usize>,
    /// The query and data generation `results` are for.
    searched: Option<(String, u64)>,
}

/// The id of the search text field (for Ctrl+F).
pub fn field_id() -> Id {
    Id::unique("site-search-field")
}

impl SearchState {
    /// Re-runs the search when the query or the data changed.
    pub fn refresh(&mut self, data: &MapData, generation: u64) {
        let key = (self.query.clone(), generation);
        if self.searched.as_ref() != Some(&key) {
            self.results = data.search.search(&self.query);
            self.searched = Some(key);
        }
    }
}

/// Draws the box and the results; returns the chosen site.
pub fn show(ui: &mut Ui, data: &MapData, generation: u64, st: &mut SearchState, lang: Lang) -> Option<usize> {
    let t = lang.text();
    let mut chosen = None;
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(t.search).strong());
        let edit = egui::TextEdit::singleline(&mut st.query)
            .id(field_id())
            .hint_text(t.search_hint)
            .desired_width(f32::INFINITY);
        let resp = ui.add(edit).labelled_by(label.id);
        if resp.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(&first) = st.results.first()
        {
            chosen = Some(first);
        }
    });
    st.refresh(data, generation);
    if st.query.trim().is_empty() {
        return chosen;
    }
    let shown = st.results.len().min(MAX_SHOWN);
    if shown == 0 {
        ui.weak(t.no_results);
        return chosen;
    }
    ui.label(RichText::new(lang.results(shown, st.results.len())).small().weak());
    ScrollArea::vertical().id_salt("search-results").max_height(220.0).auto_shrink([false, true]).show(ui, |ui| {
        for &i in &st.results[..shown] {
            let s = &data.dataset.sites[i];
            let resp = ui.selectable_label(false, s.name()).on_hover_text(format!(
                "{} · {} · {}",
                s.id(),
                lang.layer(s.layer()),
                s.district().unwrap_or("")
            ));
            if resp.clicked() {
                chosen = Some(i);
            }
            ui.label(RichText::new(format!("{} · {}", s.id(), s.district().unwrap_or(t.none))).small().weak());
        }
    });
    chosen
}
