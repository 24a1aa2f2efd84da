//! Bookmarks: named extents in groups with a note, kept with the data (a
//! `*.bookmarks.json` in the data's folder, saved at each change), QGIS
//! bookmark XML imported, and a tour made from a group. The model and the
//! files are the core's ([`binzhou_core::tour::bookmark`]).

use std::path::{Path, PathBuf};

use binzhou_core::tour::bookmark::{self, BOOKMARKS_SUFFIX, Bookmark};
use binzhou_core::tour::{Extent, Tour};

use super::*;

/// The bookmarks the app holds, and the window's drafts.
#[derive(Debug, Default)]
pub struct Bookmarks {
    pub list: Vec<Bookmark>,
    /// Where they are kept (beside the data).
    pub path: Option<PathBuf>,
    /// The window is open.
    pub open: bool,
    pub new_name: String,
    pub new_group: String,
    pub new_note: String,
    /// The data folder they were looked for in.
    looked_in: Option<PathBuf>,
}

/// The bookmarks file of a data folder: the first `*.bookmarks.json` in it,
/// else `书签.bookmarks.json` there.
fn bookmarks_file(folder: &Path, default_stem: &str) -> PathBuf {
    let found = std::fs::read_dir(folder).ok().and_then(|d| {
        let mut v: Vec<PathBuf> = d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(BOOKMARKS_SUFFIX))
            .collect();
        v.sort();
        v.into_iter().next()
    });
    found.unwrap_or_else(|| folder.join(format!("{default_stem}{BOOKMARKS_SUFFIX}")))
}

impl App {
    /// The bookmarks (for tests and scripts).
    pub fn bookmarks(&self) -> &Bookmarks {
        &self.bookmarks
    }

    /// After a load: the bookmarks kept in the first data file's folder.
    pub(super) fn load_bookmarks(&mut self) {
        let Some(folder) = self.data.dataset.files.first().and_then(|f| f.path.parent()).map(Path::to_path_buf) else {
            return;
        };
        if self.bookmarks.looked_in.as_ref() == Some(&folder) {
            return;
        }
        let path = bookmarks_file(&folder, self.state.lang.present().bookmarks_stem);
        self.bookmarks.looked_in = Some(folder);
        if path.exists() {
            match bookmark::read_bookmarks(&path) {
                Ok(list) => self.bookmarks.list = list,
                Err(e) => self.notices.push(Notice { text: self.state.lang.say(&e), ttl: None }),
            }
        }
        self.bookmarks.path = Some(path);
    }

    fn save_bookmarks(&mut self) {
        let Some(path) = self.bookmarks.path.clone() else { return };
        if let Err(e) = bookmark::save_bookmarks(&path, &self.bookmarks.list) {
            self.notices.push(Notice { text: self.state.lang.say(&e), ttl: None });
        }
    }

    /// Keeps the current view as a bookmark.
    pub fn bookmark_view(&mut self, name: &str, group: &str, note: &str) {
        let Some(t) = self.map.transform else { return };
        let extent = Extent::from_rect(t.visible_lon_lat(0.0));
        let name = if name.trim().is_empty() {
            self.state.lang.view_stop_title(self.bookmarks.list.len() + 1)
        } else {
            name.trim().to_string()
        };
        self.bookmarks.list.push(Bookmark { name, group: group.trim().into(), extent, note: note.trim().into() });
        self.save_bookmarks();
    }

    /// Adds the bookmarks of a QGIS bookmark export (or profile / project file).
    pub fn import_qgis(&mut self, path: &Path) {
        let lang = self.state.lang;
        match bookmark::import_qgis_bookmarks_file(path) {
            Ok(list) => {
                let n = list.len();
                self.bookmarks.list.extend(list);
                self.save_bookmarks();
                self.bookmarks.open = true;
                self.notices.push(Notice { text: lang.bookmarks_imported(n), ttl: Some(6.0) });
            }
            Err(e) => self.notices.push(Notice { text: lang.say(&e), ttl: None }),
        }
    }

    /// The bookmarks window: add the view, the list by group (zoom to,
    /// remove), a tour of a group, QGIS import.
    pub(super) fn bookmarks_window(&mut self, ctx: &egui::Context) {
        if !self.bookmarks.open {
            return;
        }
        let lang = self.state.lang;
        let pt = lang.present();
        let mut open = true;
        let mut add = false;
        let mut zoom = None;
        let mut remove = None;
        let mut tour_of: Option<String> = None;
        let mut import = false;
        egui::Window::new(pt.bookmarks)
            .id(egui::Id::unique("bookmarks-window"))
            .open(&mut open)
            .default_width(380.0)
            .show(ctx, |ui| {
                let b = &mut self.bookmarks;
                egui::Grid::new("bookmark-new").num_columns(2).show(ui, |ui| {
                    for (label, text) in [
                        (pt.bookmark_name, &mut b.new_name),
                        (pt.bookmark_group, &mut b.new_group),
                        (pt.bookmark_note, &mut b.new_note),
                    ] {
                        let l = ui.label(label);
                        ui.text_edit_singleline(text).labelled_by(l.id);
                        ui.end_row();
                    }
                });
                ui.horizontal(|ui| {
                    add = ui.button(pt.bookmark_add).clicked();
                    import = ui.button(pt.bookmark_import).clicked();
                });
                ui.separator();
                egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                    for g in bookmark::groups(&b.list) {
                        ui.horizontal(|ui| {
                            let title = if g.is_empty() { pt.no_group } else { g };
                            ui.label(RichText::new(title).strong());
                            if ui.small_button(pt.tour_of_group).clicked() {
                                tour_of = Some(g.to_string());
                            }
                        });
                        for (k, m) in b.list.iter().enumerate().filter(|(_, m)| m.group == g) {
                            ui.horizontal(|ui| {
                                if ui.link(&m.name).on_hover_text(&m.note).clicked() {
                                    zoom = Some(m.extent);
                                }
                                if ui.small_button("×").on_hover_text(pt.bookmark_remove).clicked() {
                                    remove = Some(k);
                                }
                            });
                        }
                    }
                });
            });
        if !open {
            self.bookmarks.open = false;
        }
        if add {
            let (n, g, note) =
                (self.bookmarks.new_name.clone(), self.bookmarks.new_group.clone(), self.bookmarks.new_note.clone());
            self.bookmark_view(&n, &g, &note);
            self.bookmarks.new_name.clear();
            self.bookmarks.new_note.clear();
        }
        if import {
            self.files.ask(super::file_dialog::Purpose::ImportBookmarks);
        }
        if let Some(e) = zoom {
            self.fit_clear(e.rect(), 19.0);
        }
        if let Some(k) = remove {
            self.bookmarks.list.remove(k);
            self.save_bookmarks();
        }
        if let Some(g) = tour_of {
            let title = if g.is_empty() { pt.new_tour_title.to_string() } else { g.clone() };
            let tour = Tour::from_bookmarks(title, &self.bookmarks.list, Some(&g), self.state.year);
            self.tour = Some(super::tour_ui::TourState::new(tour));
        }
    }
}
