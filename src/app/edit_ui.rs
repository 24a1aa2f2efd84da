//! The app's side of editing: routing the identify panel's and the menu's
//! edit actions to [`Editing`](super::editing::Editing), swapping the
//! edited data in, the unsaved mark in the title, and the prompts.

use super::editing::AttrForm;
use super::*;
use binzhou_core::edit::{FeatureState, Target};
use binzhou_core::model::{Dataset, Msg};
use panels::attr_form::FormAction;

impl App {
    /// Once a frame: the writer's news, the messages, the title, and a
    /// close with unsaved edits turned into a question.
    pub(super) fn edit_frame(&mut self, ctx: &egui::Context) {
        if self.editing.journal_dir.is_some() {
            let wake = ctx.clone();
            self.editing.start(move || wake.request_repaint());
        }
        for (file, saved) in self.editing.poll() {
            let mut ds = self.data.dataset.clone();
            self.editing.editor.saved(&mut ds, file, &saved.renumber);
            if let Some(f) = ds.files.get_mut(file as usize) {
                f.stamp = Some(saved.stamp);
            }
            let lang = self.state.lang;
            let name = saved.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let bak = saved.backup.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            self.notices.push(Notice { text: lang.saved_file(&name, &bak), ttl: Some(6.0) });
            self.swap_edited(ds);
        }
        if self.editing.quit_after_save && self.editing.saving.is_empty() && self.editing.conflict.is_none() {
            self.editing.quit_after_save = false;
            if !self.editing.editor.any_dirty() {
                self.editing.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
        for m in std::mem::take(&mut self.editing.messages) {
            self.notices.push(Notice { text: self.state.lang.pick(&m).to_owned(), ttl: Some(10.0) });
        }
        let dirty = self.editing.editor.any_dirty();
        if ctx.input(|i| i.viewport().close_requested()) && dirty && !self.editing.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.editing.quit_prompt = true;
        }
        let title = if dirty {
            format!("{}{}", self.state.lang.text().app_title, self.state.lang.edits().unsaved_mark)
        } else {
            self.state.lang.text().app_title.to_string()
        };
        if self.window_title.as_deref() != Some(title.as_str()) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = Some(title);
        }
    }

    /// "3 unsaved edits [Save]" at the top of the layer panel.
    pub(super) fn unsaved_line(&mut self, ui: &mut Ui) {
        let ed = &self.editing.editor;
        if !ed.any_dirty() {
            return;
        }
        let lang = self.state.lang;
        let n: usize = ed.dirty_files().iter().map(|&f| ed.dirty_count(f)).sum();
        let files: Vec<String> = ed
            .dirty_files()
            .iter()
            .filter_map(|&f| self.data.dataset.files.get(f as usize).map(|f| f.display_name()))
            .collect();
        let mut save = false;
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("● {}", lang.unsaved_count(n))).color(Color32::from_rgb(0xd0, 0x7a, 0x00)))
                .on_hover_text(files.join("\n"));
            save = ui.small_button(lang.edits().save).on_hover_text("Ctrl+S").clicked();
        });
        ui.separator();
        if save {
            self.save_edits(false);
        }
    }

    /// The window's title as last set (for tests).
    pub fn window_title(&self) -> Option<&str> {
        self.window_title.as_deref()
    }

    /// Shows an edited dataset: the data rebuilt around it, the selection
    /// kept on the same site.
    pub(super) fn swap_edited(&mut self, ds: Dataset) {
        let selected = self.selected.and_then(|i| self.data.dataset.sites.get(i)).map(|s| s.origin);
        self.data = Arc::new(MapData::build(ds));
        self.generation += 1;
        self.selected = selected.and_then(|o| self.data.dataset.sites.iter().position(|s| s.origin == o));
        self.highlight.clear();
        if let Some(form) = &self.editing.form {
            let at = self.data.dataset.sites.iter().position(|s| s.origin == form.site);
            self.editing.form = at.and_then(|i| AttrForm::of(&self.data.dataset, i));
        }
        self.sync_vertex_tool();
    }

    /// Adds a site to the sites selected together, or takes it away, as a
    /// Ctrl+click does (for tests and scripts).
    pub fn toggle_in_selection(&mut self, i: usize) {
        self.toggle_highlight(i, true);
    }

    /// Ctrl+click: a site joins the sites selected together, or leaves them;
    /// `list` lists them in the table (a click on the map; the table's own
    /// Ctrl+click keeps the table's rows).
    pub(super) fn toggle_highlight(&mut self, i: usize, list: bool) {
        if self.highlight.is_empty()
            && let Some(s) = self.selected
            && s != i
        {
            self.highlight.push(s);
        }
        match self.highlight.iter().position(|&h| h == i) {
            Some(k) => {
                self.highlight.remove(k);
            }
            None => self.highlight.push(i),
        }
        if list {
            self.table.list_sites(self.highlight.clone());
        }
    }

    /// Makes an edit; true when it was made.
    pub fn edit(&mut self, label: Msg, targets: Vec<Target>) -> bool {
        let busy = self.loader.is_busy();
        match self.editing.apply(&self.data, label, targets, busy) {
            Some(ds) => {
                self.swap_edited(ds);
                true
            }
            None => false,
        }
    }

    /// Undoes the last edit.
    pub fn undo(&mut self) {
        let busy = self.loader.is_busy();
        if let Some(ds) = self.editing.step(&self.data, false, busy) {
            self.swap_edited(ds);
        }
    }

    /// Redoes the last undone edit.
    pub fn redo(&mut self) {
        let busy = self.loader.is_busy();
        if let Some(ds) = self.editing.step(&self.data, true, busy) {
            self.swap_edited(ds);
        }
    }

    /// Saves every file with unsaved edits (`force`: even over a file
    /// someone else changed).
    pub fn save_edits(&mut self, force: bool) {
        if self.db.is_some() {
            // The plan is the server's: edits go there, never to a file.
            self.save_to_db();
            return;
        }
        let files = self.editing.editor.dirty_files();
        if files.is_empty() {
            let t = self.state.lang.edits();
            self.notices.push(Notice { text: t.nothing_to_save.into(), ttl: Some(4.0) });
        }
        for f in files {
            let geojson = self.data.dataset.files.get(f as usize).is_some_and(|x| binzhou_formats::is_geojson(&x.path));
            if geojson {
                self.editing.save(&self.data, f, force);
            } else {
                // A Shapefile, GeoPackage or ledger is not written over: its
                // sites go to a new file (GeoJSON first), which they are kept in.
                let name = self.data.dataset.files[f as usize].display_name();
                self.notices.push(Notice { text: self.state.lang.save_source_as(&name), ttl: Some(10.0) });
                self.files.ask(super::file_dialog::Purpose::SaveSourceAs(f));
                break;
            }
        }
    }

    /// Writes the sites of file `file` (one that cannot be saved back) to
    /// `path`. As GeoJSON, the sites are from then on that file's: edits
    /// are saved, later saves go there, and the old file is left as it was.
    pub(super) fn save_source_as(&mut self, file: u16, path: &std::path::Path) {
        let lang = self.state.lang;
        let ds0 = &self.data.dataset;
        let mut rows: Vec<usize> = (0..ds0.sites.len()).filter(|&i| ds0.sites[i].origin.file == file).collect();
        rows.sort_by_key(|&i| ds0.sites[i].origin.index);
        if let Err(e) = binzhou_formats::write(path, ds0, &rows, lang == Lang::Zh) {
            self.notices.push(Notice { text: lang.edit_failed(&e.to_string()), ttl: None });
            return;
        }
        let shown = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !binzhou_formats::is_geojson(path) {
            self.notices.push(Notice { text: lang.saved_copy(&shown), ttl: Some(8.0) });
            return;
        }
        let mut ds = ds0.clone();
        let renumber: std::collections::HashMap<u32, u32> =
            rows.iter().enumerate().map(|(k, &i)| (ds0.sites[i].origin.index, k as u32)).collect();
        let Some(old) = ds.files.get(file as usize).map(|f| f.path.clone()) else { return };
        self.editing.editor.saved(&mut ds, file, &renumber);
        if let Some(j) = self.editing.journal_of(&old) {
            self.editing.discard_journal(j);
        }
        let (old_label, new_label) = (old.display().to_string(), path.display().to_string());
        if let Some(f) = ds.files.get_mut(file as usize) {
            f.path = path.to_path_buf();
            f.crs = None;
            f.swapped = false;
            f.stamp = binzhou_core::model::FileStamp::read(path).ok();
        }
        for p in ds.problems.iter_mut().filter(|p| p.file == old_label) {
            p.file = new_label.clone();
        }
        self.notices.push(Notice { text: lang.saved_file(&shown, "—"), ttl: Some(8.0) });
        self.swap_edited(ds);
    }

    /// The editing state (for tests).
    pub fn editing(&self) -> &super::editing::Editing {
        &self.editing
    }

    /// Blocks until the saves under way have come back (tests and scripts).
    pub fn wait_for_saves(&mut self, ctx: &egui::Context, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while !self.editing.saving.is_empty() {
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
            self.edit_frame(ctx);
        }
        self.edit_frame(ctx);
        true
    }

    /// What the identify panel's edit buttons asked for.
    pub(super) fn identify_edit(&mut self, i: usize, action: IdentifyAction) {
        let Some(site) = self.data.dataset.sites.get(i) else { return };
        let name = site.name().to_string();
        match action {
            IdentifyAction::EditAttributes => self.editing.form = AttrForm::of(&self.data.dataset, i),
            IdentifyAction::Progress(started) => {
                let field = if started {
                    binzhou_core::edit::fields::Field::Started
                } else {
                    binzhou_core::edit::fields::Field::Completed
                };
                let month = self.editing.month.clone();
                match binzhou_core::edit::fields::parse(field, &month, &self.data.dataset, Some(i)) {
                    Ok(v) => {
                        let Some(mut state) = FeatureState::of(&self.data.dataset, i) else { return };
                        let shown = v.as_str().unwrap_or_default().to_string();
                        state = state.with(field.key(), v.clone());
                        // Completed without a start: it started by then at the latest.
                        if !started && !state.properties.contains_key("started") {
                            state = state.with("started", v);
                        }
                        self.edit(Lang::progress_label(started, &shown, &name), vec![Target::Site(i, Some(state))]);
                    }
                    Err(m) => self.notices.push(Notice { text: self.state.lang.pick(&m).into(), ttl: Some(6.0) }),
                }
            }
            IdentifyAction::Move => {
                self.editing.moving = Some(site.origin);
                self.notices.push(Notice { text: self.state.lang.moving(&name), ttl: Some(8.0) });
            }
            IdentifyAction::DeleteSite => self.editing.confirm_delete = Some(site.origin),
            IdentifyAction::EditGeometry => self.start_vertex_tool(i),
            _ => {}
        }
    }

    /// The attribute form in the identify panel's place; false when it is closed.
    pub(super) fn attr_form_panel(&mut self, ui: &mut Ui, i: usize) -> bool {
        let lang = self.state.lang;
        let Some(form) = self.editing.form.as_mut() else { return false };
        if self.data.dataset.sites.get(i).map(|s| s.origin) != Some(form.site) {
            self.editing.form = None;
            return false;
        }
        let data = self.data.clone();
        match panels::attr_form::show(ui, form, &data.dataset, i, lang) {
            Some(FormAction::Apply) => match form.to_state(&data.dataset, i) {
                Ok(state) => {
                    let changed: Vec<String> = state
                        .properties
                        .iter()
                        .filter(|(k, v)| form.original.properties.get(*k) != Some(*v))
                        .map(|(k, _)| k.clone())
                        .chain(form.original.properties.keys().filter(|k| !state.properties.contains_key(*k)).cloned())
                        .collect();
                    let name = data.dataset.sites[i].name().to_string();
                    let label = Lang::edit_label(&changed, &name);
                    self.edit(label, vec![Target::Site(i, Some(state))]);
                }
                Err(m) => self.notices.push(Notice { text: lang.pick(&m).into(), ttl: Some(6.0) }),
            },
            Some(FormAction::Close) => self.editing.form = None,
            None => {}
        }
        true
    }

    /// Whether the next map click places a moved point.
    pub(super) fn placing_point(&self) -> bool {
        self.editing.moving.is_some()
    }

    /// A map click while moving a point: its new position.
    pub(super) fn move_click(&mut self, at: Pos2) {
        let Some(key) = self.editing.moving.take() else { return };
        let Some(t) = self.map.transform else { return };
        let (lon, lat) = t.lon_lat(at);
        self.place_point(key, lon, lat);
    }

    /// Moves site `key` so that its centre (a point: itself) is at a WGS 84
    /// position (one edit); a line or polygon moves whole, its shape kept.
    pub fn place_point(&mut self, key: binzhou_core::edit::FeatureKey, lon: f64, lat: f64) {
        use geo::Translate as _;
        let Some(i) = self.data.dataset.sites.iter().position(|s| s.origin == key) else { return };
        let Some(state) = FeatureState::of(&self.data.dataset, i) else { return };
        let site = &self.data.dataset.sites[i];
        let name = site.name().to_string();
        let moved = match &site.geometry {
            // A site without a location gets one: the point clicked.
            geo::Geometry::Point(_) => geo::Geometry::Point(geo::Point::new(lon, lat)),
            _ if !site.is_located() => geo::Geometry::Point(geo::Point::new(lon, lat)),
            g => {
                let c = site.bbox.center();
                g.translate(lon - c.x, lat - c.y)
            }
        };
        let state = state.with_geometry(&moved);
        self.edit(Lang::site_label(false, &name), vec![Target::Site(i, Some(state))]);
    }

    /// The Edit menu.
    pub(super) fn edit_menu(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        let et = lang.edits();
        let ed = &self.editing.editor;
        let (undo, redo) = (lang.undo_what(ed.undo_label()), lang.redo_what(ed.redo_label()));
        let (can_undo, can_redo, dirty) = (ed.undo_label().is_some(), ed.redo_label().is_some(), ed.any_dirty());
        if ui.add_enabled(can_undo, egui::Button::new(undo).shortcut_text("Ctrl+Z")).clicked() {
            ui.close();
            self.undo();
        }
        if ui.add_enabled(can_redo, egui::Button::new(redo).shortcut_text("Ctrl+Shift+Z")).clicked() {
            ui.close();
            self.redo();
        }
        ui.separator();
        let selected = self.selected;
        if ui
            .add_enabled(selected.is_some(), egui::Button::new(et.edit_geometry))
            .on_hover_text(et.edit_geometry_hint)
            .clicked()
            && let Some(i) = selected
        {
            ui.close();
            self.start_vertex_tool(i);
        }
        if ui.button(et.new_site).on_hover_text(et.new_site_hint).clicked() {
            ui.close();
            self.start_drawing(binzhou_core::model::PlanLayer::PocketPark, binzhou_core::edit::vertices::Shape::Points);
        }
        if ui.add_enabled(!self.batch_sites().is_empty(), egui::Button::new(et.batch_menu)).clicked() {
            ui.close();
            self.start_batch();
        }
        ui.separator();
        if ui.add_enabled(dirty, egui::Button::new(et.save).shortcut_text("Ctrl+S")).clicked() {
            ui.close();
            self.save_edits(false);
        }
        if ui.add_enabled(!self.data.dataset.sites.is_empty(), egui::Button::new(et.save_as)).clicked() {
            ui.close();
            self.save_as_dialog();
        }
    }

    /// Writes every site to a file the user picks, in the format its
    /// extension names (see `file_dialog`).
    fn save_as_dialog(&mut self) {
        self.files.ask(super::file_dialog::Purpose::SaveAll);
    }

    /// Edit keys: undo, redo, save (not while typing: a text field has its own undo).
    pub(super) fn edit_keys(&mut self, ctx: &egui::Context) {
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::S)) {
            self.save_edits(false);
        }
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let shift_z = ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z));
        let ctrl_y = ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Y));
        if shift_z || ctrl_y {
            self.redo();
        } else if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Z)) {
            self.undo();
        }
        if self.editing.moving.is_some() && ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.editing.moving = None;
        }
    }

    /// The prompts: delete, quit with unsaved edits, a conflict, recovery.
    pub(super) fn edit_dialogs(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let et = lang.edits();
        let centre = |title: &str| {
            egui::Window::new(title.to_owned())
                .collapsible(false)
                .resizable(false)
                .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
        };
        if let Some(key) = self.editing.confirm_delete {
            let at = self.data.dataset.sites.iter().position(|s| s.origin == key);
            let name = at.map(|i| self.data.dataset.sites[i].name().to_string()).unwrap_or_default();
            let mut answer = None;
            centre(et.delete_site).show(ctx, |ui| {
                ui.label(lang.delete_question(&name));
                ui.horizontal(|ui| {
                    if ui.button(et.delete_confirm_yes).clicked() {
                        answer = Some(true);
                    }
                    if ui.button(et.cancel).clicked() {
                        answer = Some(false);
                    }
                });
            });
            if let Some(yes) = answer {
                self.editing.confirm_delete = None;
                if yes && let Some(i) = at {
                    self.editing.form = None;
                    self.edit(Lang::site_label(true, &name), vec![Target::Site(i, None)]);
                }
            }
        }
        if self.editing.quit_prompt {
            let n: usize = self.editing.editor.dirty_files().iter().map(|&f| self.editing.editor.dirty_count(f)).sum();
            let mut answer = None;
            centre(et.quit_title).show(ctx, |ui| {
                ui.label(lang.quit_question(n));
                ui.horizontal(|ui| {
                    if ui.button(et.save_and_quit).clicked() {
                        answer = Some(0);
                    }
                    if ui.button(et.quit_without_saving).clicked() {
                        answer = Some(1);
                    }
                    if ui.button(et.cancel).clicked() {
                        answer = Some(2);
                    }
                });
            });
            match answer {
                Some(0) => {
                    self.editing.quit_prompt = false;
                    self.editing.quit_after_save = true;
                    self.save_edits(false);
                }
                Some(1) => {
                    self.editing.quit_prompt = false;
                    self.editing.allow_close = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                Some(_) => self.editing.quit_prompt = false,
                None => {}
            }
        }
        if let Some(c) = self.editing.conflict.clone() {
            let mut answer = None;
            let title = if c.changed_on_disk { et.conflict_title } else { et.save_failed_title };
            centre(title).show(ctx, |ui| {
                let (zh, en) = c.message.split_once('\n').unwrap_or((&c.message, &c.message));
                ui.label(if lang == Lang::Zh { zh } else { en });
                ui.label(RichText::new(et.edits_kept).weak());
                ui.horizontal(|ui| {
                    if ui.button(et.save_as).clicked() {
                        answer = Some(0);
                    }
                    if c.changed_on_disk && ui.button(et.overwrite).clicked() {
                        answer = Some(1);
                    }
                    if ui.button(et.cancel).clicked() {
                        answer = Some(2);
                    }
                });
            });
            match answer {
                Some(0) => {
                    self.editing.conflict = None;
                    self.files.ask(super::file_dialog::Purpose::SaveSourceAs(c.file));
                }
                Some(1) => {
                    self.editing.conflict = None;
                    self.editing.save(&self.data, c.file, true);
                }
                Some(_) => self.editing.conflict = None,
                None => {}
            }
        }
        if let Some(offer) = self.editing.offers.first().cloned() {
            let file = self.data.dataset.files.get(offer.file as usize).map(|f| f.display_name()).unwrap_or_default();
            let last = offer.recovered.changes.last().map(|c| beijing_ms(c.at_ms)).unwrap_or_default();
            let mut answer = None;
            centre(et.recovery_title).show(ctx, |ui| {
                ui.label(lang.recovery_question(&file, offer.recovered.changes.len(), &last));
                ui.horizontal(|ui| {
                    if ui.button(et.recover).clicked() {
                        answer = Some(true);
                    }
                    if ui.button(et.discard).clicked() {
                        answer = Some(false);
                    }
                });
            });
            if let Some(yes) = answer {
                self.editing.offers.remove(0);
                if yes {
                    let label = Msg::new(Lang::En.edits().recovered_label, Lang::Zh.edits().recovered_label);
                    if let Some(ds) = self.editing.recover(&self.data, &offer, label) {
                        self.swap_edited(ds);
                    }
                } else {
                    self.editing.discard(offer);
                }
            }
        }
    }
}

/// Milliseconds since 1970 as Beijing time to the minute.
fn beijing_ms(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::macros::offset!(+8));
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    t.format(&f).unwrap_or_default()
}
