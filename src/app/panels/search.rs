//! Search as you type: sites by name, id, district or lead unit.

use egui::{Id, RichText, ScrollArea, Ui};

use crate::app::data::MapData;
use crate::app::i18n::Lang;
use binzhou_core::model::Site;

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

/// How well a site matches a (lower-cased, trimmed) query; lower is better.
fn rank(site: &Site, q: &str) -> Option<u8> {
    let lower = |s: &str| s.to_lowercase();
    let id = lower(site.id());
    let name = lower(site.name());
    if id == q {
        Some(0)
    } else if name.starts_with(q) {
        Some(1)
    } else if name.contains(q) {
        Some(2)
    } else if id.contains(q) {
        Some(3)
    } else if site.district().is_some_and(|d| lower(d).contains(q)) {
        Some(4)
    } else if site.lead_unit().is_some_and(|d| lower(d).contains(q)) {
        Some(5)
    } else {
        None
    }
}

/// Sites matching a query, best first (ties in data order).
pub fn search(sites: &[Site], query: &str) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, usize)> =
        sites.iter().enumerate().filter_map(|(i, s)| rank(s, &q).map(|r| (r, i))).collect();
    hits.sort();
    hits.into_iter().map(|(_, i)| i).collect()
}

impl SearchState {
    /// Re-runs the search when the query or the data changed.
    pub fn refresh(&mut self, data: &MapData, generation: u64) {
        let key = (self.query.clone(), generation);
        if self.searched.as_ref() != Some(&key) {
            self.results = search(&data.dataset.sites, &self.query);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn site(id: &str, name: &str, district: &str) -> Site {
        let mut s = Site::new_for_test(id, name);
        s.tags_mut().district = Some(district.into());
        s
    }

    #[test]
    fn a_search_matches_name_id_and_district_with_the_exact_id_first() {
        let sites = vec![
            site("PP-1", "黄河五路口袋公园", "滨城区"),
            site("GW-1", "南海湿地绿道", "滨城区"),
            site("PP-2", "新立河口袋公园", "沾化区"),
        ];
        assert_eq!(search(&sites, "口袋公园"), vec![0, 2]);
        assert_eq!(search(&sites, "pp-2"), vec![2]);
        assert_eq!(search(&sites, "PP"), vec![0, 2]);
        assert_eq!(search(&sites, "沾化"), vec![2]);
        assert!(search(&sites, "  ").is_empty());
    }
}
