//! Tours in the app: built from the selection (a dashboard figure, the
//! table, Ctrl+clicks) or stop by stop from the current view, edited in a
//! window (titles, notes, order by dragging), saved as `*.tour.json`, and
//! played in presentation mode with →/←, PageDown/PageUp (what clickers
//! send), space, or on-screen buttons, with a fly-to between stops, a stop
//! counter and autoplay. The model is the core's ([`binzhou_core::tour`]).

use std::path::{Path, PathBuf};

use binzhou_core::model::YearView;
use binzhou_core::tour::{BuildOptions, Extent, Stop, StopOrder, StopTarget, Tour};

use super::*;

/// The tour the app holds: the one being edited and played.
#[derive(Debug, Clone)]
pub struct TourState {
    pub tour: Tour,
    /// The stop shown (while playing).
    pub at: usize,
    /// Playing: presentation mode shows the stops.
    pub playing: bool,
    /// Autoplay: when (egui time) the next stop comes.
    pub auto_next: Option<f64>,
    /// The editor window is open.
    pub editing: bool,
    /// Where it was read from or last saved to.
    pub path: Option<PathBuf>,
    /// A handout being written on the "handout-writer" thread.
    handout: Option<crossbeam_channel::Receiver<Result<(PathBuf, usize), String>>>,
}

impl TourState {
    /// A tour to edit (its window open).
    pub fn new(tour: Tour) -> Self {
        TourState { tour, at: 0, playing: false, auto_next: None, editing: true, path: None, handout: None }
    }
}

impl App {
    /// The tour (for tests and scripts).
    pub fn tour(&self) -> Option<&TourState> {
        self.tour.as_ref()
    }

    /// A tour of the highlighted (else the selected) sites, in a short
    /// route's order, at the year shown; the editor opens on it.
    pub fn tour_from_selection(&mut self) {
        let sites = self.batch_sites();
        self.tour_of(&sites);
    }

    /// A tour of the search's results, best match first.
    pub fn tour_from_search(&mut self) {
        let results = self.search.results.clone();
        self.tour_of(&results);
    }

    /// A tour of the rows the attribute table shows (its filter and sort).
    pub fn tour_from_table(&mut self) {
        let rows = self.table.shown_rows().map(|r| r.to_vec()).unwrap_or_default();
        self.tour_of(&rows);
    }

    fn tour_of(&mut self, sites: &[usize]) {
        if sites.is_empty() {
            return;
        }
        let lang = self.state.lang;
        let opts = BuildOptions {
            title: lang.present().new_tour_title.to_owned(),
            year: self.state.year,
            order: StopOrder::Route { start: self.gnss.fix().map(|f| (f.lon, f.lat)) },
            zh: lang == Lang::Zh,
            hold_s: binzhou_core::tour::DEFAULT_HOLD_S,
        };
        self.tour = Some(TourState::new(Tour::from_sites(&self.data.dataset, sites, &opts)));
    }

    /// Adds the current view as a stop (a new tour when there is none).
    pub fn add_view_stop(&mut self) {
        let Some(t) = self.map.transform else { return };
        let lang = self.state.lang;
        let extent = Extent::from_rect(t.visible_lon_lat(0.0));
        let n = self.tour.as_ref().map(|t| t.tour.stops.len()).unwrap_or(0) + 1;
        let stop = Stop::new(StopTarget::Extent(extent), self.state.year, lang.view_stop_title(n));
        let state = self.tour.get_or_insert_with(|| TourState::new(Tour::new(lang.present().new_tour_title)));
        state.tour.stops.push(stop);
        state.editing = true;
    }

    /// Opens a tour file; unknown site ids are said, the tour still opens.
    pub fn open_tour(&mut self, path: &Path) {
        let lang = self.state.lang;
        match Tour::open(path, &self.data.dataset) {
            Ok(opened) => {
                for w in &opened.warnings {
                    self.notices.push(Notice { text: lang.say(w), ttl: Some(10.0) });
                }
                let mut st = TourState::new(opened.tour);
                st.path = Some(path.to_path_buf());
                self.tour = Some(st);
            }
            Err(e) => self.notices.push(Notice { text: lang.say(&e), ttl: None }),
        }
    }

    /// Saves the tour to `path`.
    pub(super) fn save_tour(&mut self, path: &Path) {
        let lang = self.state.lang;
        let Some(st) = &mut self.tour else { return };
        match st.tour.save(path) {
            Ok(()) => {
                st.path = Some(path.to_path_buf());
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                self.notices.push(Notice { text: lang.tour_saved(&name), ttl: Some(6.0) });
            }
            Err(e) => self.notices.push(Notice { text: lang.say(&e), ttl: None }),
        }
    }

    /// Writes the tour as a PDF handout (cover, then per stop its map,
    /// facts and note) on the "handout-writer" thread.
    pub fn export_handout(&mut self, path: &Path) {
        let lang = self.state.lang;
        let Some(font) = super::fonts::find_cjk_font() else {
            self.notices.push(Notice { text: lang.text().no_cjk_font.to_owned(), ttl: None });
            return;
        };
        let Some(st) = &mut self.tour else { return };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let (data, targets, tour, path) =
            (self.data.clone(), self.targets.clone(), st.tour.clone(), path.to_path_buf());
        let zh = lang == Lang::Zh;
        let spawned = std::thread::Builder::new().name("handout-writer".into()).spawn(move || {
            let mut images = |_k: usize, s: &Stop| crate::handout::stop_map_image(&data, &font, s);
            let r = crate::handout::write_handout(&path, &data.dataset, &targets, &tour, &mut images, &font, zh)
                .map(|rep| (path, rep.pages))
                .map_err(|e| if zh { binzhou_core::model::Bilingual::zh(&e) } else { e.to_string() });
            let _ = tx.send(r);
        });
        match spawned {
            Ok(_) => {
                st.handout = Some(rx);
                self.notices.push(Notice { text: lang.present().handout_started.to_owned(), ttl: Some(6.0) });
            }
            Err(e) => self.notices.push(Notice { text: e.to_string(), ttl: None }),
        }
    }

    /// Whether a handout is being written (for tests and scripts).
    pub fn handout_busy(&self) -> bool {
        self.tour.as_ref().is_some_and(|t| t.handout.is_some())
    }

    /// Once a frame: a finished handout's notice.
    fn poll_handout(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let Some(rx) = self.tour.as_ref().and_then(|t| t.handout.as_ref()) else { return };
        let text = match rx.try_recv() {
            Err(crossbeam_channel::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(250));
                return;
            }
            Ok(Ok((path, pages))) => lang.handout_written(&path.display().to_string(), pages),
            Ok(Err(reason)) => reason,
            Err(crossbeam_channel::TryRecvError::Disconnected) => lang.text().loader_died.to_owned(),
        };
        if let Some(t) = &mut self.tour {
            t.handout = None;
        }
        self.notices.push(Notice { text, ttl: None });
    }

    /// Plays the tour from stop `at`, in presentation mode.
    pub fn play_tour(&mut self, ctx: &egui::Context, at: usize) {
        if self.tour.as_ref().is_none_or(|t| t.tour.stops.is_empty()) {
            return;
        }
        if self.present.is_none() {
            self.toggle_presentation(ctx);
        }
        if let Some(st) = &mut self.tour {
            st.playing = true;
            st.editing = false;
        }
        self.go_to_stop(ctx, at);
    }

    /// Shows stop `at`: its year, layers, before/after, its sites or extent.
    pub fn go_to_stop(&mut self, ctx: &egui::Context, at: usize) {
        let Some(st) = &mut self.tour else { return };
        let Some(stop) = st.tour.stops.get(at).cloned() else { return };
        st.at = at;
        st.auto_next = st.auto_next.map(|_| ctx.input(|i| i.time) + f64::from(stop.hold_s.max(1.0)));
        match stop.before_after {
            Some((a, b)) => self.start_swipe(YearView::EndOf(a), YearView::EndOf(b)),
            None => {
                self.end_swipe();
                self.state.year = stop.year;
            }
        }
        if let Some(keys) = &stop.layers_visible {
            for l in &self.data.layers {
                let k = l.key.key();
                self.state.layer_mut(&k).visible = keys.contains(&k);
            }
        }
        self.selected = match &stop.target {
            StopTarget::Sites(ids) if ids.len() == 1 => self.data.dataset.find_by_id(&ids[0]),
            _ => None,
        };
        self.highlight = match &stop.target {
            StopTarget::Sites(ids) if ids.len() > 1 => {
                ids.iter().filter_map(|id| self.data.dataset.find_by_id(id)).collect()
            }
            _ => Vec::new(),
        };
        if let Some(b) = stop.bounds(&self.data.dataset) {
            // A smooth flight, clear of the title, the card and the note.
            self.fit_clear(b, 17.0);
        }
    }

    /// Next (or previous) stop while playing.
    fn step_tour(&mut self, ctx: &egui::Context, forward: bool) {
        let Some(st) = &self.tour else { return };
        let at = if forward { st.tour.next(st.at) } else { st.tour.prev(st.at) };
        if at != st.at {
            self.go_to_stop(ctx, at);
        }
    }

    /// Clicker keys while a tour plays; autoplay's clock.
    pub(super) fn tour_keys(&mut self, ctx: &egui::Context) {
        self.poll_handout(ctx);
        let playing = self.tour.as_ref().is_some_and(|t| t.playing) && self.present.is_some();
        if !playing || ctx.egui_wants_keyboard_input() {
            return;
        }
        let (fwd, back) = ctx.input_mut(|i| {
            let mut f = false;
            let mut b = false;
            for k in [Key::ArrowRight, Key::PageDown, Key::Space] {
                f |= i.consume_key(Modifiers::NONE, k);
            }
            for k in [Key::ArrowLeft, Key::PageUp] {
                b |= i.consume_key(Modifiers::NONE, k);
            }
            (f, b)
        });
        if fwd {
            self.step_tour(ctx, true);
        } else if back {
            self.step_tour(ctx, false);
        }
        let now = ctx.input(|i| i.time);
        if let Some(due) = self.tour.as_ref().and_then(|t| t.auto_next) {
            if now >= due {
                let last = self.tour.as_ref().is_some_and(|t| t.at + 1 >= t.tour.stops.len());
                if last {
                    if let Some(st) = &mut self.tour {
                        st.auto_next = None;
                    }
                } else {
                    self.step_tour(ctx, true);
                }
            } else {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(due - now));
            }
        }
    }

    /// While playing: the stop's title and note at the bottom, the counter
    /// and the buttons. Returns what it covers.
    pub(super) fn tour_overlay(&mut self, ctx: &egui::Context, rect: egui::Rect) -> Option<egui::Rect> {
        let st = self.tour.as_ref().filter(|t| t.playing && self.present.is_some())?;
        let stop = st.tour.stops.get(st.at)?.clone();
        let (at, n, auto) = (st.at, st.tour.stops.len(), st.auto_next.is_some());
        let lang = self.state.lang;
        let pt = lang.present();
        let mut go: Option<i32> = None;
        let mut toggle_auto = false;
        let mut stop_playing = false;
        let shown = egui::Area::new(egui::Id::unique("tour-overlay"))
            .fixed_pos(rect.center_bottom() + vec2(0.0, -12.0))
            .pivot(Align2::CENTER_BOTTOM)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).inner_margin(12.0).show(ui, |ui| {
                    ui.set_max_width(640.0);
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("{} / {n}", at + 1)).size(18.0).strong());
                        ui.label(RichText::new(&stop.title).heading().strong());
                    });
                    if !stop.note.is_empty() {
                        ui.label(RichText::new(&stop.note).size(18.0));
                    }
                    ui.horizontal(|ui| {
                        if ui.add_enabled(at > 0, egui::Button::new(pt.prev_stop)).clicked() {
                            go = Some(-1);
                        }
                        if ui.add_enabled(at + 1 < n, egui::Button::new(pt.next_stop)).clicked() {
                            go = Some(1);
                        }
                        toggle_auto = ui.button(if auto { pt.autoplay_off } else { pt.autoplay_on }).clicked();
                        stop_playing = ui.button(pt.end_tour).clicked();
                    });
                });
            });
        if let Some(d) = go {
            self.step_tour(ctx, d > 0);
        }
        if toggle_auto && let Some(st) = &mut self.tour {
            let hold = st.tour.stops.get(st.at).map(|s| s.hold_s).unwrap_or(8.0);
            st.auto_next = if st.auto_next.is_some() { None } else { Some(ctx.input(|i| i.time) + f64::from(hold)) };
        }
        if stop_playing && let Some(st) = &mut self.tour {
            st.playing = false;
            st.auto_next = None;
            st.editing = true;
        }
        Some(shown.response.rect)
    }

    /// The tour editor: title, the stops with their titles and notes,
    /// reorder by dragging, remove, play, save.
    pub(super) fn tour_window(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let pt = lang.present();
        let Some(st) = self.tour.as_mut().filter(|t| t.editing) else { return };
        let mut open = true;
        let mut play = None;
        let mut save = false;
        let mut handout = false;
        let mut moved: Option<(usize, usize)> = None;
        let mut remove = None;
        egui::Window::new(pt.tour_window)
            .id(egui::Id::unique("tour-window"))
            .open(&mut open)
            .default_width(420.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let l = ui.label(pt.tour_title);
                    ui.text_edit_singleline(&mut st.tour.title).labelled_by(l.id);
                });
                ui.label(RichText::new(pt.drag_hint).small().weak());
                egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                    let n = st.tour.stops.len();
                    for k in 0..n {
                        let id = egui::Id::unique(("tour-stop", k));
                        let frame = ui.dnd_drop_zone::<usize, ()>(egui::Frame::group(ui.style()), |ui| {
                            ui.dnd_drag_source(id, k, |ui| {
                                ui.label(RichText::new(format!("≡ {}", k + 1)).strong());
                            });
                            let stop = &mut st.tour.stops[k];
                            ui.horizontal(|ui| {
                                let l = ui.label(pt.stop_title);
                                ui.text_edit_singleline(&mut stop.title).labelled_by(l.id);
                            });
                            let l = ui.label(pt.stop_note);
                            ui.add(egui::TextEdit::multiline(&mut stop.note).desired_rows(2).desired_width(360.0))
                                .labelled_by(l.id);
                            ui.horizontal(|ui| {
                                let years = [
                                    YearView::EndOf(2020),
                                    YearView::EndOf(2021),
                                    YearView::EndOf(2022),
                                    YearView::Latest,
                                ];
                                panels::labelled_combo(ui, pt.stop_year, lang.year_long(stop.year), |ui| {
                                    for y in years {
                                        ui.selectable_value(&mut stop.year, y, lang.year_long(y));
                                    }
                                });
                                // Before/after: the two years either side of the divider.
                                let mut pair = stop.before_after.is_some();
                                if ui.checkbox(&mut pair, pt.stop_swipe).changed() {
                                    stop.before_after = pair.then_some((2020, 2022));
                                }
                                if let Some((a, b)) = &mut stop.before_after {
                                    let l = ui.label(pt.swipe_from);
                                    ui.add(egui::DragValue::new(a).range(2020..=2021)).labelled_by(l.id);
                                    let l = ui.label(pt.swipe_to);
                                    ui.add(egui::DragValue::new(b).range(2021..=2022)).labelled_by(l.id);
                                    if *b <= *a {
                                        *b = *a + 1;
                                    }
                                }
                            });
                            ui.horizontal(|ui| {
                                if ui.small_button(pt.play_from_here).clicked() {
                                    play = Some(k);
                                }
                                if ui.small_button(pt.remove_stop).clicked() {
                                    remove = Some(k);
                                }
                            });
                        });
                        if let Some(from) = frame.1 {
                            moved = Some((*from, k));
                        }
                    }
                });
                ui.separator();
                ui.horizontal(|ui| {
                    if ui.add_enabled(!st.tour.stops.is_empty(), egui::Button::new(pt.play_tour)).clicked() {
                        play = Some(0);
                    }
                    save = ui.button(pt.save_tour).clicked();
                    let busy = st.handout.is_some();
                    handout = ui
                        .add_enabled(!busy && !st.tour.stops.is_empty(), egui::Button::new(pt.export_handout))
                        .clicked();
                });
            });
        if let Some((from, to)) = moved
            && from != to
            && from < st.tour.stops.len()
        {
            let s = st.tour.stops.remove(from);
            st.tour.stops.insert(to.min(st.tour.stops.len()), s);
        }
        if let Some(k) = remove {
            st.tour.stops.remove(k);
        }
        if !open {
            st.editing = false;
        }
        if save {
            let name = st.path.clone();
            match name {
                Some(p) => self.save_tour(&p),
                None => self.files.ask(super::file_dialog::Purpose::SaveTour),
            }
        }
        if handout {
            self.files.ask(super::file_dialog::Purpose::SaveHandout);
        }
        if let Some(k) = play {
            self.play_tour(ctx, k);
        }
    }
}
