//! The menu bar, the toolbar and the dialog windows.

use super::*;

impl App {
    pub(super) fn gnss_menu(&mut self, ui: &mut Ui) {
        let t = self.state.lang.text();
        if ui.button(t.gnss_connect_menu).clicked() {
            self.gnss.dialog = Some(self.state.gnss_source.clone());
            ui.close();
        }
        if self.gnss.is_connected() && ui.button(t.gnss_disconnect).clicked() {
            self.gnss.disconnect();
            ui.close();
        }
        let ct = self.state.lang.checks();
        if ui.button(ct.goto_menu).clicked() {
            self.open_goto();
            ui.close();
        }
        ui.separator();
        let chosen: Vec<usize> =
            if self.highlight.is_empty() { self.selected.into_iter().collect() } else { self.highlight.clone() };
        if ui.add_enabled(!chosen.is_empty(), egui::Button::new(ct.route_from_selection)).clicked() {
            self.plan_route(&chosen);
            ui.close();
        }
        if ui.button(ct.route_nearest_unchecked).clicked() {
            self.plan_nearest_unchecked(20);
            ui.close();
        }
        let table_rows = self.state.panels.table && self.table.shown_rows().is_some_and(|r| !r.is_empty());
        if ui.add_enabled(table_rows, egui::Button::new(ct.route_from_table)).clicked() {
            self.plan_route_from_table();
            ui.close();
        }
        if ui.button(ct.route_from_box).clicked() {
            self.start_route_box();
            ui.close();
        }
        ui.separator();
        let label = if self.checks.recording.is_some() { ct.track_pause } else { ct.track_record };
        if ui.add_enabled(self.checks.is_open(), egui::Button::new(label)).clicked() {
            self.checks.toggle_recording();
            ui.close();
        }
        if ui.add_enabled(self.checks.is_open(), egui::Button::new(ct.open_other_journal)).clicked() {
            ui.close();
            self.files.ask(file_dialog::Purpose::Journals);
        }
        if ui.add_enabled(self.checks.is_open(), egui::Button::new(ct.summary_menu)).clicked() {
            ui.close();
            self.office.summary_open = true;
        }
        let exporting = self.exporting_checks();
        if ui.add_enabled(self.checks.is_open() && !exporting, egui::Button::new(ct.export_checks)).clicked() {
            ui.close();
            self.files.ask(file_dialog::Purpose::ExportChecks);
        }
        ui.separator();
        ui.checkbox(&mut self.state.gnss_follow, t.gnss_follow);
        let here = self.gnss.fix().map(|f| (f.lon, f.lat));
        if ui.add_enabled(here.is_some(), egui::Button::new(t.gnss_go_to_me)).clicked() {
            if let Some((lon, lat)) = here {
                self.map.fly_to(lon, lat, self.map.camera().zoom.max(16.0), true);
            }
            ui.close();
        }
    }

    pub(super) fn menu_bar(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        let t = lang.text();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(t.menu_file, |ui| {
                if ui.button(t.open_files).clicked() {
                    ui.close();
                    self.open_dialog(ui.ctx(), false);
                }
                if ui.button(t.open_folder).clicked() {
                    ui.close();
                    self.open_dialog(ui.ctx(), true);
                }
                if ui.button(lang.db_open_menu()).clicked() {
                    ui.close();
                    self.db_edits.opening = Some((self.state.last_db.clone(), None));
                    self.db_edits.focus_url = true;
                }
                let ft = lang.files();
                ui.menu_button(ft.dialog_setting, |ui| {
                    use state::FileDialogChoice as C;
                    let choice = &mut self.state.file_dialog;
                    ui.radio_value(choice, C::Auto, ft.dialog_auto).on_hover_text(ft.dialog_auto_hint);
                    ui.radio_value(choice, C::Native, ft.dialog_native);
                    ui.radio_value(choice, C::InApp, ft.dialog_in_app);
                });
                self.export_menu(ui);
                ui.separator();
                if ui.button(t.quit).clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button(lang.edits().menu_edit, |ui| self.edit_menu(ui));
            ui.menu_button(t.menu_view, |ui| {
                let p = &mut self.state.panels;
                ui.checkbox(&mut p.layers, t.panel_layers);
                ui.checkbox(&mut p.legend, t.panel_legend);
                ui.checkbox(&mut p.identify, t.panel_identify);
                ui.checkbox(&mut p.problems, t.panel_problems);
                ui.checkbox(&mut p.dashboard, t.panel_dashboard);
                ui.checkbox(&mut p.table, t.panel_table);
                ui.checkbox(&mut p.audit, t.panel_audit);
                ui.separator();
                ui.checkbox(&mut self.state.show_labels, t.show_labels);
                ui.checkbox(&mut self.state.show_changes, t.show_changes);
                ui.checkbox(&mut self.state.show_gcj02, t.show_gcj02);
                ui.separator();
                let pt = lang.present();
                if ui
                    .add(egui::Button::new(pt.menu_present).shortcut_text("F5"))
                    .on_hover_text(pt.present_hint)
                    .clicked()
                {
                    ui.close();
                    self.toggle_presentation(ui.ctx());
                }
                ui.add(egui::Slider::new(&mut self.state.present_scale, 1.0..=3.0).text(pt.present_scale));
                if ui.button(pt.bookmarks_menu).clicked() {
                    ui.close();
                    self.bookmarks.open = true;
                }
                ui.menu_button(pt.menu_tour, |ui| {
                    let any = !self.batch_sites().is_empty();
                    if ui.add_enabled(any, egui::Button::new(pt.tour_from_selection)).clicked() {
                        ui.close();
                        self.tour_from_selection();
                    }
                    if ui.add_enabled(!self.search.results.is_empty(), egui::Button::new(pt.tour_from_search)).clicked()
                    {
                        ui.close();
                        self.tour_from_search();
                    }
                    let table = self.state.panels.table && self.table.shown_rows().is_some_and(|r| !r.is_empty());
                    if ui.add_enabled(table, egui::Button::new(pt.tour_from_table)).clicked() {
                        ui.close();
                        self.tour_from_table();
                    }
                    if ui.button(pt.add_view_stop).clicked() {
                        ui.close();
                        self.add_view_stop();
                    }
                    if ui.add_enabled(self.tour.is_some(), egui::Button::new(pt.edit_tour)).clicked() {
                        ui.close();
                        if let Some(t) = &mut self.tour {
                            t.editing = true;
                        }
                    }
                    if ui.button(pt.open_tour).clicked() {
                        ui.close();
                        self.files.ask(super::file_dialog::Purpose::OpenTour);
                    }
                    let playable = self.tour.as_ref().is_some_and(|t| !t.tour.stops.is_empty());
                    if ui.add_enabled(playable, egui::Button::new(pt.play_tour)).clicked() {
                        ui.close();
                        self.play_tour(ui.ctx(), 0);
                    }
                });
                ui.menu_button(pt.swipe_menu, |ui| {
                    use binzhou_core::model::YearView::EndOf;
                    for (a, b) in [(2020, 2022), (2020, 2021), (2021, 2022)] {
                        if ui.button(lang.swipe_pair(EndOf(a), EndOf(b))).clicked() {
                            ui.close();
                            self.start_swipe(EndOf(a), EndOf(b));
                        }
                    }
                    if ui.add_enabled(self.swipe.is_some(), egui::Button::new(pt.swipe_end)).clicked() {
                        ui.close();
                        self.end_swipe();
                    }
                });
                ui.separator();
                if ui.button(t.zoom_main_city).clicked() {
                    self.map.fit(main_city_bounds(), 16.0, true);
                    ui.close();
                }
                if ui.button(t.zoom_all_data).clicked() {
                    if let Some(b) = self.data.dataset.bbox() {
                        self.map.fit(b, 16.0, true);
                    }
                    ui.close();
                }
            });
            ui.menu_button(t.menu_basemap, |ui| {
                panels::basemap_settings::menu(ui, &mut self.state, &mut self.tiles);
            });
            ui.menu_button(t.menu_gnss, |ui| self.gnss_menu(ui));
            ui.menu_button(t.menu_language, |ui| {
                for l in [Lang::Zh, Lang::En] {
                    ui.radio_value(&mut self.state.lang, l, l.native_name());
                }
            });
            ui.menu_button(t.menu_help, |ui| {
                if ui.button(t.shortcuts).clicked() {
                    self.dialogs.shortcuts = true;
                    ui.close();
                }
                if ui.button(t.about).clicked() {
                    self.dialogs.about = true;
                    ui.close();
                }
            });
        });
    }

    pub(super) fn toolbar(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        ui.horizontal(|ui| {
            panels::year::show(ui, &mut self.state.year, &mut self.player, lang);
            ui.separator();
            ui.checkbox(&mut self.state.show_changes, lang.text().show_changes);
            ui.separator();
            let measuring = self.measure.is_some();
            if ui.selectable_label(measuring, lang.checks().measure_button).clicked() {
                self.toggle_measure();
            }
            if self.illustrative {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(
                        RichText::new(lang.text().illustrative_badge)
                            .color(Color32::from_rgb(150, 90, 0))
                            .background_color(Color32::from_rgb(255, 240, 200)),
                    )
                    .on_hover_text(lang.text().illustrative_hint);
                });
            }
        });
    }

    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        self.file_dialog_frame(ctx);
        self.edit_dialogs(ctx);
        self.tour_window(ctx);
        self.bookmarks_window(ctx);
        self.check_form_window(ctx);
        self.goto_window(ctx);
        self.route_window(ctx);
        self.db_conflict_window(ctx);
        self.db_open_window(ctx);
        self.office_frame(ctx);
        self.thumbs.poll(ctx);
        let folders = self.checks.photo_folders();
        self.thumbs.window(ctx, &folders, self.state.lang);
        if let Some(source) = self.gnss.show_dialog(ctx, self.state.lang) {
            self.state.gnss_source = source;
        }
        let t = self.state.lang.text();
        for (open, title, body) in [
            (&mut self.dialogs.shortcuts, t.shortcuts, t.shortcuts_body),
            (&mut self.dialogs.about, t.about, t.about_body),
        ] {
            if *open {
                egui::Window::new(title)
                    .collapsible(false)
                    .resizable(false)
                    .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
                    .open(open)
                    .show(ctx, |ui| {
                        ui.label(body);
                    });
            }
        }
    }
}
