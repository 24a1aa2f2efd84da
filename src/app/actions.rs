//! What the user and the workers make happen: opening files, loads coming
//! back, selecting a site, keys, dropped files, the GNSS receiver.

use super::*;

impl App {
    /// Loads files or folders and adds them to the data (or queues them
    /// while a load is under way).
    pub fn open_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        // Ledgers first go to the column dialog (`ledger_dialog`).
        let paths = self.take_ledgers(ctx, paths);
        if paths.is_empty() {
            return;
        }
        // Files do not mix with the database's plan: they replace it.
        let from_db = self.db.is_some();
        self.close_db();
        let kind = if from_db || (self.data.dataset.sites.is_empty() && self.data.dataset.files.is_empty()) {
            LoadKind::Replace
        } else {
            LoadKind::Add(self.data.clone())
        };
        self.loader.start(ctx, paths, kind);
    }

    /// Blocks until the load under way (and any queued) has finished and is
    /// shown; for tests and scripted use. Returns false on timeout.
    pub fn wait_for_loading(&mut self, ctx: &egui::Context, timeout: Duration) -> bool {
        if let Some(paths) = self.initial.take() {
            self.loader.start(ctx, paths, LoadKind::Replace);
        }
        let deadline = std::time::Instant::now() + timeout;
        while self.loader.is_busy() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            let polled = self.loader.wait(left);
            self.on_polled(ctx, polled);
        }
        true
    }

    pub(super) fn on_polled(&mut self, ctx: &egui::Context, polled: Polled) {
        match polled {
            Polled::Nothing => {}
            Polled::Died => {
                self.notices.push(Notice { text: self.state.lang.text().loader_died.to_owned(), ttl: None })
            }
            Polled::Loaded(done) => {
                let lang = self.state.lang;
                let before = if done.replaced { 0 } else { self.data.dataset.sites.len() };
                if done.replaced {
                    self.selected = None;
                    self.highlight.clear();
                }
                self.data = done.data;
                self.generation += 1;
                if let Some(t) = self.pending_tour.take() {
                    self.open_tour(&t);
                }
                self.load_bookmarks();
                self.editing.look_for_journals(&self.data.dataset);
                let ds = &self.data.dataset;
                self.illustrative = ds.sites.iter().any(|s| s.source() == Some("illustrative"));
                if ds.sites.is_empty() {
                    self.notices.push(Notice { text: lang.text().no_data.to_owned(), ttl: None });
                }
                if !done.replaced {
                    self.notices.push(Notice {
                        text: lang.file_loaded(&done.files.join(", "), done.new_sites, done.new_problems),
                        ttl: Some(6.0),
                    });
                    // Show what was added.
                    if let Some(b) = ds.sites[before..]
                        .iter()
                        .filter_map(binzhou_core::model::Site::located_bbox)
                        .reduce(binzhou_core::model::union)
                    {
                        self.map.fit(b, 16.0, true);
                    }
                }
                let new_errors =
                    ds.problems[ds.problems.len() - done.new_problems..].iter().any(|p| p.severity == Severity::Error);
                if new_errors && !done.replaced {
                    self.state.panels.problems = true;
                }
                tracing::info!(
                    "loaded {} ({} sites, {} problems) in {:.0} ms",
                    done.files.join(", "),
                    done.new_sites,
                    done.new_problems,
                    done.elapsed.as_secs_f64() * 1000.0
                );
                let queued = self.loader.take_queued();
                if !queued.is_empty() {
                    self.open_paths(ctx, queued);
                }
            }
        }
    }

    pub(super) fn select(&mut self, i: usize, fly: bool) {
        self.selected = Some(i);
        let opening = !self.state.panels.identify;
        // Presenting, a site gets its card over the map, not the panel.
        if !self.is_presenting() {
            self.state.panels.identify = true;
        }
        // A site without a location is selected where the map already is.
        if fly && let Some(b) = self.data.dataset.sites.get(i).and_then(binzhou_core::model::Site::located_bbox) {
            // Close enough to see it, not closer than needed; once the
            // identify panel has taken its space when it is just opening.
            let max_zoom = self.camera().zoom.clamp(15.0, 17.0);
            self.fit_later = Some((b, max_zoom, u8::from(opening)));
        }
    }

    pub(super) fn handle_keys(&mut self, ctx: &egui::Context) {
        // The in-app file browser takes the keys while open (Esc closes it,
        // and leaves the map's selection as it was).
        if self.files.is_open() {
            return;
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::G)) {
            self.open_goto();
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::F)) {
            self.state.panels.layers = true;
            ctx.memory_mut(|m| m.request_focus(panels::search::field_id()));
        }
        let typing = ctx.egui_wants_keyboard_input();
        if !typing && ctx.input(|i| i.key_pressed(Key::Escape)) {
            if self.measure.is_some() {
                self.measure = None;
            } else {
                self.selected = None;
                self.highlight.clear();
            }
        }
        if !typing && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::M)) {
            self.toggle_measure();
        }
        if typing {
            return;
        }
        let (zoom_in, zoom_out, dx, dy) = ctx.input(|i| {
            let plain = !i.modifiers.command && !i.modifiers.alt;
            let p = |k: Key| plain && i.key_pressed(k);
            (
                p(Key::Plus) || p(Key::Equals),
                p(Key::Minus),
                (p(Key::ArrowRight) as i8 - p(Key::ArrowLeft) as i8) as f32,
                (p(Key::ArrowDown) as i8 - p(Key::ArrowUp) as i8) as f32,
            )
        });
        if zoom_in {
            self.map.zoom_by(1.0);
        }
        if zoom_out {
            self.map.zoom_by(-1.0);
        }
        if dx != 0.0 || dy != 0.0 {
            self.map.pan_by(dx * 150.0, dy * 150.0);
        }
    }

    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let mut dropped: Vec<PathBuf> =
            ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        // Pictures dropped while a check form is open are its photos.
        if self.checks.form.is_some() {
            let (photos, rest): (Vec<PathBuf>, Vec<PathBuf>) = dropped.into_iter().partition(|p| {
                let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
                matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "heic" | "heif" | "webp" | "tif" | "tiff")
            });
            self.add_check_photos(photos);
            dropped = rest;
        }
        // Tours open as tours.
        let (tours, dropped): (Vec<PathBuf>, Vec<PathBuf>) =
            dropped.into_iter().partition(|p| p.to_string_lossy().ends_with(binzhou_core::tour::TOUR_SUFFIX));
        for t in tours {
            self.open_tour(&t);
        }
        // MBTiles, PMTiles and tile folders become the basemap; the rest is data.
        let dropped = self.tiles.open_paths(&mut self.state, dropped);
        if !dropped.is_empty() {
            self.open_paths(ctx, dropped);
        }
    }

    /// Asks for data files (or a folder) to open: the platform's dialog or
    /// the in-app browser (see `file_dialog`).
    pub(super) fn open_dialog(&mut self, _ctx: &egui::Context, folder: bool) {
        let purpose = if folder { file_dialog::Purpose::OpenFolder } else { file_dialog::Purpose::Open };
        self.files.ask(purpose);
    }

    /// Starts reading a GNSS source (a device, `gpsd`, `replay:FILE`). A
    /// source that cannot even be started is said in a notice; one that
    /// fails once running (no such device), in the status bar.
    pub fn connect_gnss(&mut self, source: &str, ctx: &egui::Context) {
        match self.gnss.connect(source, ctx) {
            Ok(()) => self.state.gnss_source = source.trim().to_owned(),
            Err(e) => {
                tracing::warn!("{}", e.en);
                self.notices.push(Notice { text: self.state.lang.pick(&e).to_owned(), ttl: None });
            }
        }
    }

    /// Takes the receiver's news; on a new fix finds the nearest site and,
    /// when following, keeps the map on the position.
    pub(super) fn poll_gnss(&mut self) {
        let Some(fix) = self.gnss.poll() else { return };
        self.checks.record_fix(&fix);
        let here = geo::Point::new(fix.lon, fix.lat);
        let sites = &self.data.dataset.sites;
        self.gnss.nearest =
            self.data.index.nearest(sites, here, 1).first().map(|&(i, d)| (sites[i].name().to_owned(), d));
        if self.state.gnss_follow {
            let zoom = self.map.camera().zoom.max(15.0);
            self.map.fly_to(fix.lon, fix.lat, zoom, true);
        }
    }
}
