//! Field checks in the app: opening the form for the selected site, saving
//! what it holds as a check with the GNSS fix of the moment, and the
//! journal's news.

use binzhou_core::checks::{Check, CheckResult, GnssStamp, Observed};
use binzhou_core::gnss::nmea::FixQuality;

use super::checks::CheckForm;
use super::panels::check_form::{self, FixInfo, FormAction};
use super::*;

/// A fix older than this makes a check low-accuracy.
const FIX_MAX_AGE: Duration = Duration::from_secs(10);

fn fix_kind(q: FixQuality) -> String {
    match q {
        FixQuality::Invalid => "invalid".into(),
        FixQuality::Gps => "gps".into(),
        FixQuality::Differential => "dgps".into(),
        FixQuality::RtkFixed => "rtk-fixed".into(),
        FixQuality::RtkFloat => "rtk-float".into(),
        FixQuality::Estimated => "estimated".into(),
        FixQuality::Other(c) => format!("other-{c}"),
    }
}

impl App {
    /// Opens the check form for site `i` (or brings back its draft).
    pub(super) fn open_check_form(&mut self, i: usize) {
        let Some(site) = self.data.dataset.sites.get(i) else { return };
        if self.checks.form.as_ref().is_some_and(|f| f.site_id == site.id()) {
            return;
        }
        self.checks.form = Some(CheckForm::new(site.id(), &site.layer().key(), site.name()));
        self.checks.place_form = 2;
    }

    /// Opens the form on check `id`, to write its next version.
    pub(super) fn amend_check(&mut self, id: &str) {
        let Some(c) = self.checks.newest_version(id).cloned() else { return };
        let name = self.data.dataset.find_by_id(&c.site_id).map(|i| self.data.dataset.sites[i].name().to_string());
        self.checks.form = Some(CheckForm::amending(&c, name.as_deref().unwrap_or(&c.site_id)));
        self.checks.place_form = 2;
    }

    /// Deletes check `id`: a tombstone version by the inspector.
    pub(super) fn delete_check(&mut self, id: &str) {
        let Some(c) = self.checks.newest_version(id).cloned() else { return };
        let who =
            if self.state.inspector.trim().is_empty() { c.inspector.clone() } else { self.state.inspector.clone() };
        let mut gone = c.next_version(who.trim(), &binzhou_journal::now());
        gone.deleted = true;
        self.checks.save(gone);
    }

    /// Adds photos to the open check form; one the journal cannot take now
    /// is named on the form, never dropped silently.
    pub fn add_check_photos(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            if !self.checks.add_photo(p.clone()) {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let text = self.state.lang.photo_not_added(&name);
                if let Some(f) = &mut self.checks.form {
                    f.error = Some(text);
                }
            }
        }
    }

    /// Whether the next map click is the open form's true position.
    pub(super) fn picking_true_position(&self) -> bool {
        self.checks.form.as_ref().is_some_and(|f| f.picking)
    }

    /// A map click while picking: the true position of the form's site.
    pub(super) fn true_position_click(&mut self, at: Pos2) {
        let Some(t) = self.map.transform else { return };
        let (lon, lat) = t.lon_lat(at);
        if let Some(form) = &mut self.checks.form {
            form.corrected = Some((lon, lat));
            form.picking = false;
        }
    }

    /// The current fix as the form shows it.
    fn fix_info(&self) -> Option<FixInfo> {
        let f = self.gnss.fix()?;
        // HDOP × the fix kind's range error: an estimate, as receivers give it.
        let accuracy_m = f.accuracy_m();
        let fresh = self.gnss.fix_age().is_some_and(|a| a <= FIX_MAX_AGE);
        let good = fresh && accuracy_m.is_some_and(|a| a <= self.state.fix_threshold_m);
        Some(FixInfo { lon: f.lon, lat: f.lat, accuracy_m, satellites: f.satellites, good })
    }

    /// The form as a check: version 1 stamped with the fix of the moment, or
    /// the next version of the check it amends (its time and fix kept).
    fn check_from_form(&self, form: &CheckForm) -> Check {
        if let Some(base) = form.amends.as_deref().and_then(|id| self.checks.newest_version(id)) {
            let author = self.state.inspector.trim();
            let mut c = base.next_version(author, &binzhou_journal::now());
            c.result = form.result;
            c.observed = form.observed;
            c.finished_on = (form.observed == Some(Observed::Finished) && !form.finished_on.trim().is_empty())
                .then(|| form.finished_on.trim().to_string());
            c.note = form.note.clone();
            c.photos = form.photos.clone();
            c.corrected = if form.result == CheckResult::Moved { form.corrected } else { None };
            c.deleted = false;
            return c;
        }
        let now = binzhou_journal::now();
        let fix = self.fix_info();
        let gnss = self.gnss.fix().map(|f| GnssStamp {
            lon: f.lon,
            lat: f.lat,
            accuracy_m: f.accuracy_m(),
            fix: fix_kind(f.quality),
            satellites: f.satellites,
            time: now.clone(),
        });
        let inspector = self.state.inspector.trim().to_string();
        Check {
            id: binzhou_journal::new_check_id(),
            version: 1,
            previous: None,
            site_id: form.site_id.clone(),
            site_layer: form.site_layer.clone(),
            result: form.result,
            observed: form.observed,
            finished_on: (form.observed == Some(Observed::Finished) && !form.finished_on.trim().is_empty())
                .then(|| form.finished_on.trim().to_string()),
            note: form.note.clone(),
            inspector: inspector.clone(),
            checked_at: now.clone(),
            author: inspector,
            written_at: now,
            gnss,
            corrected: if form.result == CheckResult::Moved { form.corrected } else { None },
            low_accuracy: !fix.is_some_and(|f| f.good),
            deleted: false,
            photos: form.photos.clone(),
        }
    }

    /// Takes the journal's news: a saved check is announced, and the site of
    /// a form brought back from its draft is selected once the data is in.
    pub(super) fn poll_checks(&mut self) {
        self.checks.poll();
        self.restore_route();
        if let Some(text) = self.checks.notice.take() {
            self.notices.push(Notice { text, ttl: None });
        }
        if self.checks.restored
            && let Some(site_id) = self.checks.form.as_ref().map(|f| f.site_id.clone())
            && let Some(i) = self.data.dataset.find_by_id(&site_id)
        {
            self.checks.restored = false;
            self.select(i, true);
        }
        if let Some(c) = self.checks.just_saved.take() {
            let name = self.data.dataset.find_by_id(&c.site_id).map(|i| self.data.dataset.sites[i].name().to_string());
            let text = self.state.lang.check_saved(name.as_deref().unwrap_or(&c.site_id));
            self.notices.push(Notice { text, ttl: Some(5.0) });
            // On a shared database, the check goes up too (or waits for it).
            self.sync_checks_to_db();
        }
    }

    /// The check form's window, while a form is open.
    pub(super) fn check_form_window(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let fix = self.fix_info();
        let threshold = self.state.fix_threshold_m;
        // Top right of the map, clear of the menus and, mostly, of the site
        // (its width is known before it is first drawn, so no pivot is needed).
        const WIDTH: f32 = 460.0;
        let clear = self.clear_map_rect();
        let corner = clear.map(|r| egui::pos2(r.right() - WIDTH - 24.0, r.top() + 8.0));
        let folders = self.checks.photo_folders();
        let Some(form) = &mut self.checks.form else { return };
        let mut action = None;
        let mut open = true;
        let mut window = egui::Window::new(lang.check_form_title(&form.site_name))
            .id(egui::Id::unique("check-form"))
            .default_size([WIDTH, 320.0])
            // Never taller than the map: egui would push it over the menus.
            .max_height(clear.map_or(600.0, |r| r.height() - 24.0));
        // Anchored to the map's top-right corner: egui's free placement put a
        // tall first frame over the menus.
        if let (Some(r), Some(_)) = (clear, corner) {
            let screen = ctx.content_rect();
            window =
                window.anchor(Align2::RIGHT_TOP, vec2(r.right() - screen.right() - 16.0, r.top() - screen.top() + 8.0));
        }
        self.checks.place_form = self.checks.place_form.saturating_sub(1);
        let thumbs = &mut self.thumbs;
        window.open(&mut open).resizable(true).show(ctx, |ui| {
            let photos = check_form::Photos { thumbs, folders: &folders };
            action = check_form::show(ui, form, &mut self.state.inspector, fix, threshold, photos, lang);
        });
        if !open {
            action = Some(FormAction::Cancel);
        }
        match action {
            Some(FormAction::Save) => {
                if let Some(form) = self.checks.form.clone() {
                    let check = self.check_from_form(&form);
                    self.checks.save(check);
                }
            }
            Some(FormAction::Cancel) => {
                self.checks.form = None;
            }
            Some(FormAction::PickTruePosition) => {
                if let Some(form) = &mut self.checks.form {
                    form.picking = !form.picking;
                }
            }
            Some(FormAction::UseFixAsTruePosition) => {
                if let (Some(f), Some(form)) = (fix, &mut self.checks.form) {
                    form.corrected = Some((f.lon, f.lat));
                }
            }
            Some(FormAction::AddPhotos) => {
                // Picked in the app's file dialog, added in `file_dialog::App::on_picked`.
                self.files.ask(file_dialog::Purpose::Photos);
                ctx.request_repaint();
            }
            None => {}
        }
    }
}
