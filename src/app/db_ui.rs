//! The app on a shared database: starting the link, swapping in what it
//! sends, and saying where it stands.

use super::db_link::{DbLink, LinkMsg, LinkState};
use super::worker::{Loaded, Polled};
use super::*;

impl App {
    /// Opens the plan from the database at `target` instead of files.
    pub fn with_db(mut self, target: binzhou_db::Target) -> Self {
        self.initial = None;
        self.db_pending = Some(target);
        self
    }

    /// The link to the database, if the plan came from one (for tests).
    pub fn db_link(&self) -> Option<&DbLink> {
        self.db.as_ref()
    }

    /// Starts the link once, then takes what it sent. Once per frame.
    pub(super) fn db_frame(&mut self, ctx: &egui::Context) {
        if let Some(target) = self.db_pending.take() {
            let wake = ctx.clone();
            self.db = Some(DbLink::start(target, move || wake.request_repaint()));
        }
        let Some(link) = &mut self.db else { return };
        let msgs = link.poll();
        let shown = link.shown.clone();
        let marking = !link.marked.is_empty();
        for m in msgs {
            match m {
                LinkMsg::State(_) => {}
                LinkMsg::Loaded { data, seconds } => {
                    let new_sites = data.dataset.sites.len();
                    let new_problems = data.dataset.problems.len();
                    let loaded = Loaded {
                        data,
                        files: vec![shown.clone()],
                        new_sites,
                        new_problems,
                        replaced: true,
                        elapsed: Duration::from_secs_f64(seconds),
                    };
                    self.on_polled(ctx, Polled::Loaded(Box::new(loaded)));
                }
                LinkMsg::Changed { data, ids } => {
                    let selected =
                        self.selected.and_then(|i| self.data.dataset.sites.get(i)).map(|s| s.id().to_string());
                    let highlighted: Vec<String> = self
                        .highlight
                        .iter()
                        .filter_map(|&i| self.data.dataset.sites.get(i))
                        .map(|s| s.id().to_string())
                        .collect();
                    self.data = data;
                    self.generation += 1;
                    let ds = &self.data.dataset;
                    self.selected = selected.and_then(|id| ds.find_by_id(&id));
                    self.highlight = highlighted.iter().filter_map(|id| ds.find_by_id(id)).collect();
                    let names: Vec<String> = ids
                        .iter()
                        .take(3)
                        .map(|id| ds.find_by_id(id).map(|i| ds.sites[i].name().to_string()).unwrap_or(id.clone()))
                        .collect();
                    let text = self.state.lang.db_changed(ids.len(), names.len(), &names.join("、"));
                    self.notices.push(Notice { text, ttl: Some(5.0) });
                }
            }
        }
        if marking {
            // Redraw while the marks fade.
            ctx.request_repaint_after(Duration::from_millis(250));
        }
    }

    /// The status bar's line about the database.
    pub(super) fn db_status(&self) -> Option<(String, bool)> {
        let link = self.db.as_ref()?;
        let lang = self.state.lang;
        Some(match &link.state {
            LinkState::Connecting => (lang.db_connecting(&link.shown), false),
            LinkState::Online => (lang.db_online(&link.shown), false),
            LinkState::Offline(why) => (lang.db_offline(&link.shown, why), true),
        })
    }

    /// Where the sites another user just changed are, to mark them.
    pub(super) fn db_marked_positions(&self) -> Vec<Pos2> {
        let Some(link) = &self.db else { return Vec::new() };
        let ds = &self.data.dataset;
        link.marked.iter().filter_map(|(id, _)| ds.find_by_id(id)).filter_map(|i| self.site_screen_pos(i)).collect()
    }
}
