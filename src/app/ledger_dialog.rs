//! The ledger column dialog (issue 12): a project ledger (项目台账,
//! `.csv`/`.xlsx`/`.xls`) opened in the app is not loaded at once. A worker
//! thread ("ledger-preview") reads its headers and a few rows with
//! [`ledger::preview`]; a window then lists each column with what its
//! header was recognised as, sample rows under the headers, the header row
//! and what the coordinates were read as. The user corrects the mapping
//! (each change is checked again on the worker), then [Import] loads the
//! file with it through the data loader, or [Cancel] loads nothing.
//!
//! Every ledger opened in the app (File → Open, the in-app browser, a
//! dropped file) goes through the dialog, even one whose mapping is
//! complete: one click to confirm, and nothing is loaded that has to be
//! taken out again when a column turns out to be the wrong one. Files named
//! on the command line are loaded as named, with the recognised mapping
//! (the reader's notices say which column went where).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use egui::{RichText, Ui};

use binzhou_formats::ReadOptions;
use binzhou_formats::ledger::{self, SheetPreview};

use super::App;
use super::i18n::Lang;
use super::worker::LoadKind;

/// The fields offered for a column, in the order people look for them.
const OFFERED: &[&str] = &[
    "id",
    "name",
    "district",
    "lead_unit",
    "plan_year",
    "started",
    "completed",
    "layer",
    "kind",
    "task",
    "scope",
    "lon",
    "lat",
    "x",
    "y",
    "coords",
];

/// What a preview thread sends back: which sheet (all when `None`), for
/// which version of the choices, and the preview.
type PreviewReply = (Option<usize>, u64, Result<Vec<SheetPreview>, String>);

/// One sheet in the dialog: its preview and the user's choices.
struct SheetChoice {
    preview: SheetPreview,
    /// The mapping recognised from the headers (for "reset" and hover text).
    recognised: Vec<Option<String>>,
    /// The field each column is read as.
    fields: Vec<Option<String>>,
    /// The header's row as Excel shows it.
    header_row: Option<usize>,
    import: bool,
    /// The version of the choices last sent to be checked; the preview is
    /// of this version when `checked == sent`.
    sent: u64,
    checked: u64,
}

impl SheetChoice {
    fn new(preview: SheetPreview) -> Self {
        let fields: Vec<Option<String>> =
            (0..preview.headers.len()).map(|c| preview.field_of(c).map(str::to_string)).collect();
        SheetChoice {
            recognised: fields.clone(),
            fields,
            header_row: preview.header_row,
            import: true,
            sent: 0,
            checked: 0,
            preview,
        }
    }

    /// The read options for these choices.
    fn options(&self) -> ReadOptions {
        ReadOptions {
            from: None,
            layer: self.preview.is_sheet.then(|| self.preview.sheet.clone()),
            columns: self.preview.column_options(&self.fields, self.header_row),
        }
    }
}

/// One ledger's dialog.
struct LedgerDialog {
    path: PathBuf,
    /// The previews as first read; `None` while reading.
    sheets: Option<Vec<SheetChoice>>,
    error: Option<String>,
    tx: Sender<PreviewReply>,
    rx: Receiver<PreviewReply>,
    /// Preview threads still running.
    running: usize,
    /// Tells the windows of dialogs apart (the same file may be opened twice).
    serial: u64,
}

/// What the user decided in a dialog.
enum Decision {
    Import(Vec<ReadOptions>),
    Cancel,
}

/// The open ledger dialogs, and imports waiting for the loader.
#[derive(Default)]
pub struct LedgerDialogs {
    open: Vec<LedgerDialog>,
    imports: Vec<(PathBuf, Vec<ReadOptions>)>,
    opened: u64,
}

impl LedgerDialog {
    fn new(ctx: &egui::Context, path: PathBuf, serial: u64) -> Self {
        let (tx, rx) = unbounded();
        let mut d = LedgerDialog { path, sheets: None, error: None, tx, rx, running: 0, serial };
        d.check(ctx, None, 0, ReadOptions::default());
        d
    }

    /// Previews the file (or one sheet) with `opts` on a worker thread.
    fn check(&mut self, ctx: &egui::Context, sheet: Option<usize>, version: u64, opts: ReadOptions) {
        let (tx, ctx, path) = (self.tx.clone(), ctx.clone(), self.path.clone());
        let spawned = std::thread::Builder::new().name("ledger-preview".into()).spawn(move || {
            let result = ledger::preview(&path, &opts).map_err(|e| e.to_string());
            let _ = tx.send((sheet, version, result));
            ctx.request_repaint();
        });
        match spawned {
            Ok(_) => self.running += 1,
            Err(e) => {
                tracing::error!("cannot start the ledger preview thread: {e}");
                self.error = Some(e.to_string());
            }
        }
    }

    /// Takes the previews that have come back.
    fn poll(&mut self) {
        while let Ok((sheet, version, result)) = self.rx.try_recv() {
            self.running = self.running.saturating_sub(1);
            match (sheet, result) {
                (None, Ok(previews)) => self.sheets = Some(previews.into_iter().map(SheetChoice::new).collect()),
                (None, Err(e)) => self.error = Some(e),
                (Some(i), Ok(mut previews)) => {
                    let Some(s) = self.sheets.as_mut().and_then(|s| s.get_mut(i)) else { continue };
                    if version != s.sent || previews.is_empty() {
                        continue;
                    }
                    let p = previews.swap_remove(0);
                    s.checked = version;
                    if p.headers != s.preview.headers {
                        // A new header row: what its headers are recognised as.
                        s.fields = (0..p.headers.len()).map(|c| p.field_of(c).map(str::to_string)).collect();
                        s.recognised = s.fields.clone();
                    }
                    s.preview = p;
                }
                (Some(_), Err(e)) => self.error = Some(e),
            }
        }
    }

    fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    /// Draws the window; the user's decision, if made this frame.
    fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Option<Decision> {
        let t = lang.ledger();
        let mut open = true;
        let mut decision = None;
        let mut recheck: Vec<usize> = Vec::new();
        let mut header_changed: Vec<usize> = Vec::new();
        let name = self.name();
        let window = egui::Window::new(t.title)
            .id(egui::Id::unique(("ledger-dialog", self.serial)))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(760.0)
            .max_height(ctx.content_rect().height() * 0.85);
        window.show(ctx, |ui| {
            ui.label(RichText::new(lang.ledger_file(&name)).strong());
            if let Some(e) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, lang.ledger_unreadable(e));
            }
            let Some(sheets) = self.sheets.as_mut() else {
                if self.error.is_none() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(t.reading);
                    });
                }
                if ui.button(t.cancel).clicked() {
                    decision = Some(Decision::Cancel);
                }
                return;
            };
            let several = sheets.len() > 1;
            egui::ScrollArea::vertical().id_salt("ledger-sheets").max_height(ui.available_height() - 40.0).show(
                ui,
                |ui| {
                    for (i, s) in sheets.iter_mut().enumerate() {
                        ui.push_id(i, |ui| {
                            let (fields, header) = sheet_ui(ui, s, lang, several);
                            if header {
                                header_changed.push(i);
                            } else if fields {
                                recheck.push(i);
                            }
                        });
                        ui.separator();
                    }
                },
            );
            let chosen: Vec<ReadOptions> = sheets.iter().filter(|s| s.import).map(SheetChoice::options).collect();
            if chosen.is_empty() {
                ui.label(RichText::new(t.nothing_chosen).weak());
            }
            ui.horizontal(|ui| {
                let import =
                    ui.add_enabled(!chosen.is_empty(), egui::Button::new(t.import)).on_hover_text(t.import_hint);
                if import.clicked() {
                    decision = Some(Decision::Import(chosen.clone()));
                }
                if ui.button(t.reset).on_hover_text(t.reset_hint).clicked() {
                    for (i, s) in sheets.iter_mut().enumerate() {
                        if s.fields != s.recognised {
                            s.fields = s.recognised.clone();
                            recheck.push(i);
                        }
                    }
                }
                if ui.button(t.cancel).clicked() {
                    decision = Some(Decision::Cancel);
                }
            });
        });
        for i in header_changed {
            let Some(s) = self.sheets.as_mut().and_then(|s| s.get_mut(i)) else { continue };
            s.sent += 1;
            let opts = ReadOptions {
                from: None,
                layer: s.preview.is_sheet.then(|| s.preview.sheet.clone()),
                columns: s
                    .header_row
                    .map(|r| vec![(ledger::HEADER_ROW.to_string(), r.to_string())])
                    .unwrap_or_default(),
            };
            let version = s.sent;
            self.check(ctx, Some(i), version, opts);
        }
        for i in recheck {
            let Some(s) = self.sheets.as_mut().and_then(|s| s.get_mut(i)) else { continue };
            s.sent += 1;
            let (version, opts) = (s.sent, s.options());
            self.check(ctx, Some(i), version, opts);
        }
        if !open {
            decision = Some(Decision::Cancel);
        }
        decision
    }
}

/// One sheet's part of the window: whether its fields or its header row
/// changed.
fn sheet_ui(ui: &mut Ui, s: &mut SheetChoice, lang: Lang, several: bool) -> (bool, bool) {
    let t = lang.ledger();
    let (mut fields_changed, mut header_changed) = (false, false);
    if several || s.preview.is_sheet {
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.ledger_sheet(&s.preview.sheet)).strong());
            if several {
                ui.checkbox(&mut s.import, t.import_sheet);
            }
        });
    }
    ui.horizontal(|ui| {
        let l = ui.label(t.header_row);
        let mut row = s.header_row.unwrap_or(1);
        let r = ui.add(egui::DragValue::new(&mut row).range(1..=1_000_000)).labelled_by(l.id);
        if r.changed() && Some(row) != s.header_row {
            s.header_row = Some(row);
            header_changed = true;
        }
        if s.preview.header_row.is_some() && s.header_row == s.preview.header_row {
            ui.label(RichText::new(t.header_found).weak());
        }
    });
    if s.preview.header_row.is_none() {
        ui.colored_label(ui.visuals().warn_fg_color, t.header_not_found);
    }
    let width = s.preview.headers.len();
    egui::ScrollArea::horizontal().id_salt("ledger-columns").show(ui, |ui| {
        egui::Grid::new("ledger-grid").striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
            ui.label(RichText::new(t.column).weak());
            for letter in &s.preview.letters {
                ui.label(RichText::new(letter).weak());
            }
            ui.end_row();
            ui.label(RichText::new(t.header).weak());
            let mut header_ids = Vec::with_capacity(width);
            for (c, h) in s.preview.headers.iter().enumerate() {
                let text = if h.is_empty() { t.blank_header } else { h.as_str() };
                let l = ui.label(RichText::new(text).strong());
                let l = l.on_hover_text(lang.ledger_recognised(s.recognised.get(c).and_then(|f| f.as_deref())));
                header_ids.push(l.id);
            }
            ui.end_row();
            ui.label(RichText::new(t.read_as).weak());
            for (c, label_id) in header_ids.into_iter().enumerate() {
                let before = s.fields.get(c).cloned().flatten();
                let mut chosen = before.clone();
                let shown = chosen.as_deref().map_or_else(|| t.no_field.to_string(), |f| lang.ledger_field(f));
                let r = egui::ComboBox::from_id_salt(("ledger-field", c))
                    .selected_text(shown)
                    .width(130.0)
                    .height(f32::INFINITY)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, t.no_field);
                        for f in OFFERED {
                            ui.selectable_value(&mut chosen, Some((*f).to_string()), lang.ledger_field(f));
                        }
                    });
                let _ = r.response.labelled_by(label_id);
                if chosen != before {
                    // A field is one column's: the column that had it gives it up.
                    if let Some(f) = &chosen {
                        for other in s.fields.iter_mut() {
                            if other.as_ref() == Some(f) {
                                *other = None;
                            }
                        }
                    }
                    if let Some(slot) = s.fields.get_mut(c) {
                        *slot = chosen;
                    }
                    fields_changed = true;
                }
            }
            ui.end_row();
            for (row, cells) in &s.preview.rows {
                ui.label(RichText::new(lang.ledger_row(*row)).weak());
                for c in 0..width {
                    ui.label(cells.get(c).map(String::as_str).unwrap_or(""));
                }
                ui.end_row();
            }
        });
    });
    let has = |f: &str| s.fields.iter().any(|x| x.as_deref() == Some(f));
    let coordinates = (has("lon") && has("lat")) || (has("x") && has("y")) || has("coords");
    if !coordinates {
        ui.colored_label(ui.visuals().warn_fg_color, t.no_coordinates);
    } else if has("x") || has("y") {
        ui.label(RichText::new(t.xy_hint).small().weak());
    }
    if s.checked != s.sent {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(t.checking);
        });
    } else {
        if !s.preview.coordinates.is_empty() {
            ui.label(t.coordinates_heading);
            for m in &s.preview.coordinates {
                ui.label(format!("  • {}", lang.pick(m)));
            }
        }
        if s.preview.header_row.is_some() {
            ui.label(lang.ledger_rows(s.preview.placed, s.preview.unplaced));
        }
    }
    (fields_changed, header_changed)
}

impl LedgerDialogs {
    /// Whether a ledger dialog is open.
    pub fn is_open(&self) -> bool {
        !self.open.is_empty()
    }
}

/// Whether `path` is a ledger file to map in the dialog.
fn is_ledger_file(path: &Path) -> bool {
    path.is_file() && ledger::is_ledger(path)
}

impl App {
    /// Takes the ledgers out of `paths` and opens their column dialogs; the
    /// other paths are returned to be loaded as they are.
    pub(super) fn take_ledgers(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let (ledgers, rest): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| is_ledger_file(p));
        for p in ledgers {
            self.ledgers.opened += 1;
            self.ledgers.open.push(LedgerDialog::new(ctx, p, self.ledgers.opened));
        }
        rest
    }

    /// Once a frame: the ledger dialogs, and the imports they asked for
    /// (started when the loader is free).
    pub(super) fn ledger_frame(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let mut i = 0;
        while i < self.ledgers.open.len() {
            let d = &mut self.ledgers.open[i];
            d.poll();
            match d.show(ctx, lang) {
                Some(Decision::Import(options)) => {
                    let path = d.path.clone();
                    self.ledgers.open.remove(i);
                    self.ledgers.imports.push((path, options));
                }
                Some(Decision::Cancel) => {
                    self.ledgers.open.remove(i);
                }
                None => i += 1,
            }
        }
        self.start_ledger_import(ctx);
    }

    /// Starts the first import waiting, unless a load is under way.
    fn start_ledger_import(&mut self, ctx: &egui::Context) {
        if self.ledgers.imports.is_empty()
            || self.loader.is_busy()
            || self.initial.as_ref().is_some_and(|p| !p.is_empty())
        {
            return;
        }
        let (path, options) = self.ledgers.imports.remove(0);
        let options = options.into_iter().map(|o| (path.clone(), o)).collect();
        // Added to what is shown (also to nothing), so the map goes to the
        // new sites and their problems are said.
        self.loader.start_with(ctx, vec![path], LoadKind::Add(self.data.clone()), options);
    }

    /// Whether a ledger column dialog is open (for tests and scripts).
    pub fn ledger_dialog_open(&self) -> bool {
        self.ledgers.is_open()
    }

    /// Blocks until every open ledger dialog has its preview (for tests and
    /// scripted use). Returns false on timeout.
    pub fn wait_for_ledger_previews(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        for d in &mut self.ledgers.open {
            while d.running > 0 {
                let left = deadline.saturating_duration_since(Instant::now());
                match d.rx.recv_timeout(left) {
                    Ok(reply) => {
                        // Put back for `poll`, which knows what to do with it.
                        let _ = d.tx.send(reply);
                        d.poll();
                    }
                    Err(_) => return false,
                }
            }
        }
        true
    }

    /// Starts any import the dialogs asked for and blocks until it is loaded
    /// and shown (for tests and scripted use). Returns false on timeout.
    pub fn wait_for_ledger_import(&mut self, ctx: &egui::Context, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if !self.wait_for_loading(ctx, left) {
                return false;
            }
            if self.ledgers.imports.is_empty() {
                return true;
            }
            self.start_ledger_import(ctx);
        }
    }
}
