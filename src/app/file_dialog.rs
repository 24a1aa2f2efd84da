//! Choosing files to open and where to save: the platform's dialog where it
//! can open, else an in-app browser.
//!
//! rfd, on Linux, asks the xdg desktop portal and falls back to `zenity`;
//! with neither it returns `None` at once, as a cancel would, and File →
//! Open did nothing (issue 12). So, with the setting on automatic (File →
//! File dialog):
//!
//! * Windows and macOS: always the platform's dialog.
//! * Linux and the BSDs: the platform's dialog only where it can open (see
//!   [`native_dialog_likely`]): `zenity` on `PATH`, or a session bus and an
//!   installed portal backend that offers the file chooser. (`kdialog` is no
//!   help: rfd never runs it.) Otherwise the in-app browser.
//! * And if the platform's dialog still comes back empty sooner than anyone
//!   could cancel it, it did not open: the in-app browser opens instead, and
//!   is used for the rest of the run.
//!
//! The setting can also say always the one or always the other.
//!
//! The in-app browser is an egui window drawn each frame from [`Browser`],
//! kept in [`Files`] on the app: nothing waits for the user. What the chosen
//! paths are for ([`Purpose`]) is kept beside it and acted on when the user
//! confirms.
//!
//! Every dialog of the app goes through here (nothing else calls rfd):
//! panels that cannot reach [`Files`] leave a request the app takes each
//! frame (the table's and the dashboard's exports, the basemap's files).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use egui::{Id, Key, RichText};

use super::panels::basemap_settings::BasemapFile;
use super::panels::dashboard::DashboardExport;
use super::panels::table::ExportRequest;
use super::state::FileDialogChoice;
use super::*;

/// A platform dialog that returns sooner than this did not open.
const NATIVE_GAVE_UP: Duration = Duration::from_millis(400);

/// The in-app browser's width, points.
const WIDTH: f32 = 760.0;

/// The pictures a field check takes as photos.
const PHOTO_EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "heic", "heif", "webp", "tif", "tiff"];

/// What the dialog chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Existing files (several with `multiple`).
    Open,
    /// A folder.
    Folder,
    /// A file to write, new or replaced.
    Save,
}

/// A type in the file-type list: its name and extensions (none: all files).
#[derive(Debug, Clone)]
pub struct FileType {
    pub name: String,
    pub exts: Vec<&'static str>,
}

impl FileType {
    fn new(name: &str, exts: &[&'static str]) -> Self {
        FileType { name: name.to_owned(), exts: exts.to_vec() }
    }

    fn matches(&self, path: &Path) -> bool {
        self.exts.is_empty() || extension(path).is_some_and(|e| self.exts.contains(&e.as_str()))
    }
}

/// What one dialog asks for.
#[derive(Debug, Clone)]
pub struct Spec {
    pub mode: Mode,
    pub multiple: bool,
    pub title: String,
    /// The first is chosen.
    pub types: Vec<FileType>,
    /// The file name offered (save only).
    pub file_name: String,
}

/// The browser's answer this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pending,
    Cancelled,
    Picked(Vec<PathBuf>),
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    path: PathBuf,
    dir: bool,
    size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Home,
    Data,
    Desktop,
    Documents,
    Downloads,
    Root,
}

/// The in-app file browser: a folder list, files filtered by type, a path
/// bar, places, a file name for saving, a question before replacing a file.
#[derive(Debug)]
pub struct Browser {
    spec: Spec,
    dir: PathBuf,
    /// The path bar's text (the folder, until the user types).
    location: String,
    entries: Vec<Entry>,
    error: Option<String>,
    type_index: usize,
    selected: Vec<PathBuf>,
    file_name: String,
    /// The file to replace, while the question is up.
    confirm: Option<PathBuf>,
    show_hidden: bool,
    places: Vec<(Place, PathBuf)>,
    /// Focus the file name (save) or nothing on the first frame.
    first_frame: bool,
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}

/// The home folder, if the platform says.
fn home() -> Option<PathBuf> {
    directories::UserDirs::new().map(|u| u.home_dir().to_path_buf())
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A folder's entries: folders first, then files, each by name.
fn list(dir: &Path, hidden: bool) -> std::io::Result<Vec<Entry>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !hidden && name.starts_with('.') {
            continue;
        }
        let path = e.path();
        // Through links: a link to a folder is a folder.
        let (is_dir, size) = std::fs::metadata(&path).map(|m| (m.is_dir(), m.len())).unwrap_or((false, 0));
        v.push(Entry { name, path, dir: is_dir, size });
    }
    v.sort_by(|a, b| b.dir.cmp(&a.dir).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase())));
    Ok(v)
}

impl Browser {
    /// A browser in `start` (else the home folder, else `/`), with the data
    /// folder among the places.
    pub fn new(spec: Spec, start: &Path, data_folder: Option<PathBuf>, lang: Lang) -> Self {
        let mut places = Vec::new();
        if let Some(u) = directories::UserDirs::new() {
            places.push((Place::Home, u.home_dir().to_path_buf()));
            if let Some(d) = data_folder {
                places.push((Place::Data, d));
            }
            for (p, d) in [(Place::Desktop, u.desktop_dir()), (Place::Documents, u.document_dir())] {
                places.extend(d.filter(|d| d.is_dir()).map(|d| (p, d.to_path_buf())));
            }
            places.extend(u.download_dir().filter(|d| d.is_dir()).map(|d| (Place::Downloads, d.to_path_buf())));
        } else if let Some(d) = data_folder {
            places.push((Place::Data, d));
        }
        places.push((Place::Root, PathBuf::from("/")));
        let file_name = spec.file_name.clone();
        let mut b = Browser {
            spec,
            dir: PathBuf::new(),
            location: String::new(),
            entries: Vec::new(),
            error: None,
            type_index: 0,
            selected: Vec::new(),
            file_name,
            confirm: None,
            show_hidden: false,
            places,
            first_frame: true,
        };
        let start = absolute(start);
        if !b.go(&start, lang) {
            let error = b.error.take();
            let fallback = home().filter(|h| h.is_dir()).unwrap_or_else(|| PathBuf::from("/"));
            b.go(&fallback, lang);
            b.error = error;
        }
        b
    }

    /// The folder shown.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Lists `dir`; false (and an error line) if it cannot be read.
    fn go(&mut self, dir: &Path, lang: Lang) -> bool {
        match list(dir, self.show_hidden) {
            Ok(entries) => {
                self.dir = dir.to_path_buf();
                self.entries = entries;
                self.location = dir.display().to_string();
                self.selected.clear();
                self.error = None;
                true
            }
            Err(e) => {
                let why = lang.pick(&binzhou_core::model::Msg::from_io(&e)).to_owned();
                self.error = Some(lang.folder_unreadable(&dir.display().to_string(), &why));
                false
            }
        }
    }

    fn up(&mut self, lang: Lang) {
        if let Some(p) = self.dir.parent().map(Path::to_path_buf) {
            self.go(&p, lang);
        }
    }

    fn refresh(&mut self, lang: Lang) {
        let dir = self.dir.clone();
        self.go(&dir, lang);
    }

    /// The path bar's text as a path: `~` is home, relative to the folder shown.
    fn typed_path(&self) -> PathBuf {
        let text = self.location.trim();
        let p = match text.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                home().unwrap_or_default().join(rest.trim_start_matches('/'))
            }
            _ => PathBuf::from(text),
        };
        if p.is_absolute() { p } else { self.dir.join(p) }
    }

    /// Goes where the path bar says; a file there is opened (or named, when saving).
    fn go_typed(&mut self, lang: Lang) -> Outcome {
        let p = self.typed_path();
        if p.is_dir() {
            self.go(&p, lang);
        } else if p.is_file() && self.spec.mode == Mode::Open {
            return Outcome::Picked(vec![p]);
        } else if self.spec.mode == Mode::Save && p.parent().is_some_and(Path::is_dir) {
            if let (Some(parent), Some(name)) = (p.parent(), p.file_name()) {
                self.file_name = name.to_string_lossy().into_owned();
                let parent = parent.to_path_buf();
                self.go(&parent, lang);
            }
        } else {
            self.error = Some(lang.not_a_folder(&p.display().to_string()));
        }
        Outcome::Pending
    }

    fn shown(&self, e: &Entry) -> bool {
        match self.spec.mode {
            Mode::Folder => e.dir,
            _ => e.dir || self.spec.types.get(self.type_index).is_none_or(|t| t.matches(&e.path)),
        }
    }

    /// The path a save would write: the name typed, in the folder shown,
    /// with the chosen type's extension unless it names a type offered.
    fn save_path(&self) -> Option<PathBuf> {
        let name = self.file_name.trim();
        if name.is_empty() {
            return None;
        }
        let mut p = self.dir.join(name);
        let known = self.spec.types.iter().any(|t| t.exts.is_empty() || t.matches(&p));
        if !known && let Some(ext) = self.spec.types.get(self.type_index).and_then(|t| t.exts.first()) {
            let mut s = p.into_os_string();
            s.push(".");
            s.push(ext);
            p = PathBuf::from(s);
        }
        Some(p)
    }

    /// What Enter, a double click or the main button does.
    fn confirm(&mut self, lang: Lang) -> Outcome {
        match self.spec.mode {
            Mode::Open => match self.selected.as_slice() {
                [one] if one.is_dir() => {
                    let one = one.clone();
                    self.go(&one, lang);
                    Outcome::Pending
                }
                [] => Outcome::Pending,
                files => Outcome::Picked(files.iter().filter(|p| p.is_file()).cloned().collect()),
            },
            Mode::Folder => match self.selected.as_slice() {
                [one] if one.is_dir() => Outcome::Picked(vec![one.clone()]),
                _ => Outcome::Picked(vec![self.dir.clone()]),
            },
            Mode::Save => {
                let Some(path) = self.save_path() else { return Outcome::Pending };
                if path.is_dir() {
                    self.file_name.clear();
                    self.go(&path, lang);
                    Outcome::Pending
                } else if path.exists() {
                    self.confirm = Some(path);
                    Outcome::Pending
                } else {
                    Outcome::Picked(vec![path])
                }
            }
        }
    }

    /// A new file type chosen: a save's name takes its extension.
    fn set_type(&mut self, i: usize) {
        self.type_index = i;
        if self.spec.mode != Mode::Save {
            return;
        }
        let Some(ext) = self.spec.types.get(i).and_then(|t| t.exts.first()) else { return };
        let p = Path::new(self.file_name.trim());
        let known = extension(p).is_some_and(|e| self.spec.types.iter().any(|t| t.exts.contains(&e.as_str())));
        let stem = if known { p.file_stem().map(|s| s.to_string_lossy().into_owned()) } else { None };
        let stem = stem.unwrap_or_else(|| self.file_name.trim().to_owned());
        if !stem.is_empty() {
            self.file_name = format!("{stem}.{ext}");
        }
    }

    /// Draws the browser; what the user did.
    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let t = lang.files();
        let location_id = Id::unique("file-browser-location");
        let name_id = Id::unique("file-browser-name");
        let focused = ctx.memory(|m| m.focused());
        let typing = focused.is_some_and(|f| f == location_id || f == name_id);
        let (enter, esc, alt_up) = ctx.input(|i| {
            (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape), i.modifiers.alt && i.key_pressed(Key::ArrowUp))
        });
        let mut outcome = Outcome::Pending;

        if let Some(path) = self.confirm.clone() {
            let mut answer = None;
            if esc {
                answer = Some(false);
            } else if enter {
                answer = Some(true);
            }
            egui::Modal::new(Id::unique("file-browser-overwrite")).show(ctx, |ui| {
                ui.set_max_width(420.0);
                ui.heading(t.overwrite_title);
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                ui.label(lang.overwrite_question(&name));
                ui.horizontal(|ui| {
                    if ui.button(t.overwrite).clicked() {
                        answer = Some(true);
                    }
                    if ui.button(t.cancel).clicked() {
                        answer = Some(false);
                    }
                });
            });
            match answer {
                Some(true) => return Outcome::Picked(vec![path]),
                Some(false) => self.confirm = None,
                None => {}
            }
            // The window below still draws, but takes no keys this frame.
            return self.window(ctx, lang, None, false, false).unwrap_or(Outcome::Pending);
        }

        if esc {
            return Outcome::Cancelled;
        }
        if alt_up {
            self.up(lang);
        }
        if enter && !typing {
            outcome = self.confirm(lang);
        }
        if outcome != Outcome::Pending {
            return outcome;
        }
        let ids = Some((location_id, name_id));
        self.window(ctx, lang, ids, enter, true).unwrap_or(Outcome::Cancelled)
    }

    /// The window; `None` when closed by its ×.
    fn window(
        &mut self,
        ctx: &egui::Context,
        lang: Lang,
        ids: Option<(Id, Id)>,
        enter: bool,
        active: bool,
    ) -> Option<Outcome> {
        let (location_id, name_id) =
            ids.unwrap_or((Id::unique("file-browser-location"), Id::unique("file-browser-name")));
        let mut open = true;
        let mut outcome = Outcome::Pending;
        let title = self.spec.title.clone();
        egui::Window::new(title)
            .id(Id::unique("file-browser"))
            .collapsible(false)
            .resizable(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .open(&mut open)
            .show(ctx, |ui| {
                ui.add_enabled_ui(active, |ui| {
                    outcome = self.contents(ui, lang, location_id, name_id, enter);
                });
            });
        self.first_frame = false;
        open.then_some(outcome)
    }

    fn contents(&mut self, ui: &mut egui::Ui, lang: Lang, location_id: Id, name_id: Id, enter: bool) -> Outcome {
        let t = lang.files();
        let mut outcome = Outcome::Pending;
        // Fixed sizes: an auto-sized window that fills what it has grows each frame.
        ui.set_width(WIDTH);
        // The path bar.
        ui.horizontal(|ui| {
            if ui.button(t.parent).on_hover_text(t.parent_hint).clicked() {
                self.up(lang);
            }
            let label = ui.label(t.location);
            let bar = egui::TextEdit::singleline(&mut self.location).id(location_id).desired_width(WIDTH - 190.0);
            let r = ui.add(bar).labelled_by(label.id);
            let go = ui.button(t.go).clicked();
            if go || (r.lost_focus() && enter) {
                outcome = self.go_typed(lang);
            }
        });
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        }
        ui.separator();
        let list_height = 300.0;
        ui.horizontal_top(|ui| {
            // Places.
            ui.vertical(|ui| {
                ui.set_width(120.0);
                ui.label(RichText::new(t.places).strong());
                let mut go_to = None;
                for (place, path) in &self.places {
                    let name = match place {
                        Place::Home => t.home,
                        Place::Data => t.data_folder,
                        Place::Desktop => t.desktop,
                        Place::Documents => t.documents,
                        Place::Downloads => t.downloads,
                        Place::Root => t.root,
                    };
                    let here = *path == self.dir;
                    if ui.selectable_label(here, name).on_hover_text(path.display().to_string()).clicked() {
                        go_to = Some(path.clone());
                    }
                }
                if let Some(p) = go_to {
                    self.go(&p, lang);
                }
            });
            // The folder's contents.
            ui.vertical(|ui| {
                let mut clicked: Option<(usize, bool)> = None;
                let shown: Vec<usize> = (0..self.entries.len()).filter(|&i| self.shown(&self.entries[i])).collect();
                egui::ScrollArea::vertical()
                    .id_salt("file-browser-list")
                    .min_scrolled_height(list_height)
                    .max_height(list_height)
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        if shown.is_empty() {
                            ui.label(RichText::new(t.empty_folder).weak());
                        }
                        for &i in &shown {
                            let e = &self.entries[i];
                            let selected = self.selected.contains(&e.path);
                            ui.horizontal(|ui| {
                                let text = if e.dir { RichText::new(&e.name).strong() } else { RichText::new(&e.name) };
                                let r = ui.selectable_label(selected, text);
                                if r.double_clicked() {
                                    clicked = Some((i, true));
                                } else if r.clicked() {
                                    clicked = Some((i, false));
                                }
                                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                                    let side = if e.dir { t.folder_mark.to_owned() } else { lang.file_size(e.size) };
                                    ui.label(RichText::new(side).weak());
                                });
                            });
                        }
                    });
                if let Some((i, double)) = clicked {
                    let command = ui.input(|inp| inp.modifiers.command || inp.modifiers.shift);
                    outcome = self.entry_clicked(i, double, command, lang);
                }
            });
        });
        ui.separator();
        // Name and type.
        egui::Grid::new("file-browser-name-type").num_columns(2).show(ui, |ui| {
            if self.spec.mode == Mode::Save {
                let label = ui.label(t.file_name);
                let field = egui::TextEdit::singleline(&mut self.file_name).id(name_id).desired_width(420.0);
                let r = ui.add(field).labelled_by(label.id);
                if self.first_frame {
                    r.request_focus();
                }
                if r.lost_focus() && enter {
                    outcome = self.confirm(lang);
                }
                ui.end_row();
            }
            if self.spec.mode != Mode::Folder && !self.spec.types.is_empty() {
                let label = ui.label(t.file_type);
                let current = self.spec.types.get(self.type_index).map(|t| t.name.clone()).unwrap_or_default();
                let mut chosen = None;
                egui::ComboBox::from_id_salt("file-browser-type")
                    .selected_text(current)
                    .width(420.0)
                    .show_ui(ui, |ui| {
                        for (i, ty) in self.spec.types.iter().enumerate() {
                            if ui.selectable_label(i == self.type_index, &ty.name).clicked() {
                                chosen = Some(i);
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if let Some(i) = chosen {
                    self.set_type(i);
                }
                ui.end_row();
            }
        });
        // Buttons.
        ui.horizontal(|ui| {
            if ui.checkbox(&mut self.show_hidden, t.show_hidden).changed() {
                self.refresh(lang);
            }
            ui.label(RichText::new(t.keys_hint).weak().small());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (label, enabled) = match self.spec.mode {
                    Mode::Open => (lang.open_count(self.selected.len()), !self.selected.is_empty()),
                    Mode::Folder => (t.choose_folder.to_owned(), true),
                    Mode::Save => (t.save.to_owned(), !self.file_name.trim().is_empty()),
                };
                if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                    outcome = self.confirm(lang);
                }
                if ui.button(t.cancel).clicked() {
                    outcome = Outcome::Cancelled;
                }
            });
        });
        outcome
    }

    fn entry_clicked(&mut self, i: usize, double: bool, add: bool, lang: Lang) -> Outcome {
        let Some(e) = self.entries.get(i).cloned() else { return Outcome::Pending };
        if e.dir {
            if double {
                self.go(&e.path, lang);
            } else {
                self.selected = vec![e.path];
            }
            return Outcome::Pending;
        }
        match self.spec.mode {
            Mode::Open => {
                if add && self.spec.multiple {
                    if let Some(at) = self.selected.iter().position(|p| *p == e.path) {
                        self.selected.remove(at);
                    } else {
                        self.selected.retain(|p| !p.is_dir());
                        self.selected.push(e.path);
                    }
                } else {
                    self.selected = vec![e.path];
                }
                if double { self.confirm(lang) } else { Outcome::Pending }
            }
            Mode::Save => {
                self.file_name = e.name;
                self.selected = vec![e.path];
                if double { self.confirm(lang) } else { Outcome::Pending }
            }
            Mode::Folder => Outcome::Pending,
        }
    }
}

/// Whether the platform's file dialog can open here. Always on Windows and
/// macOS. On Linux and the BSDs rfd asks the xdg desktop portal, then
/// `zenity`: so `zenity` on `PATH`, or a session bus and an installed portal
/// backend whose `.portal` file offers `org.freedesktop.impl.portal.FileChooser`.
/// (A portal that is installed but refuses anyway is caught when its dialog
/// comes back at once.)
pub fn native_dialog_likely() -> bool {
    static LIKELY: OnceLock<bool> = OnceLock::new();
    *LIKELY.get_or_init(|| {
        if cfg!(any(target_os = "windows", target_os = "macos")) {
            return true;
        }
        let on_path = |prog: &str| {
            std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()))
        };
        on_path("zenity") || (session_bus() && portal_file_chooser())
    })
}

fn session_bus() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists())
}

fn portal_file_chooser() -> bool {
    let dirs = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".to_owned());
    dirs.split(':').any(|d| {
        let Ok(entries) = std::fs::read_dir(Path::new(d).join("xdg-desktop-portal/portals")) else { return false };
        entries.flatten().any(|e| {
            e.path().extension().is_some_and(|x| x == "portal")
                && std::fs::read_to_string(e.path())
                    .is_ok_and(|s| s.contains("org.freedesktop.impl.portal.FileChooser"))
        })
    })
}

/// The platform's dialog (blocks until it closes, as rfd does).
fn native(spec: &Spec, start: &Path) -> Option<Vec<PathBuf>> {
    let mut d = rfd::FileDialog::new().set_title(&spec.title);
    if start.is_dir() {
        d = d.set_directory(start);
    }
    for ty in &spec.types {
        if !ty.exts.is_empty() {
            d = d.add_filter(&ty.name, &ty.exts);
        }
    }
    match spec.mode {
        Mode::Folder => d.pick_folder().map(|p| vec![p]),
        Mode::Open if spec.multiple => d.pick_files(),
        Mode::Open => d.pick_file().map(|p| vec![p]),
        Mode::Save => {
            let p = d.set_file_name(&spec.file_name).save_file()?;
            // A name without a type offered takes the first type's extension.
            let known = spec.types.iter().any(|t| !t.exts.is_empty() && t.matches(&p));
            match spec.types.first().and_then(|t| t.exts.first()).filter(|_| !known) {
                Some(ext) => {
                    let mut s = p.into_os_string();
                    s.push(".");
                    s.push(ext);
                    Some(vec![PathBuf::from(s)])
                }
                None => Some(vec![p]),
            }
        }
    }
}

/// What chosen paths are for.
#[derive(Debug, Clone)]
pub enum Purpose {
    /// Data files to load (File → Open).
    Open,
    /// A data folder to load.
    OpenFolder,
    /// Every site, written in the format the name's extension says (Edit → Save as).
    SaveAll,
    /// A tour file to open.
    OpenTour,
    /// QGIS bookmarks to import.
    ImportBookmarks,
    /// Where to save the tour.
    SaveTour,
    /// Where to write the tour's PDF handout.
    SaveHandout,
    /// The edited sites of a file that cannot be saved back (a Shapefile,
    /// a ledger): written as a new file, GeoJSON first, which they are then
    /// kept in.
    SaveSourceAs(u16),
    /// The table's listed rows.
    Table(ExportRequest),
    /// Other teams' field-check journals to merge.
    Journals,
    /// The dashboard's figures (CSV) or picture (PNG).
    Dashboard(DashboardExport),
    /// Photos for the open field-check form.
    Photos,
    /// Where the field checks of the open journals go, merged.
    ExportChecks,
    /// An offline basemap to show, or where a download for offline use goes.
    Basemap(BasemapFile),
    /// Where the map image of the current view goes (File → Export map image).
    MapImage(super::render::export::ImageSize),
}

/// The app's file dialogs: the in-app browser while open, and what it is for.
#[derive(Debug, Default)]
pub struct Files {
    /// Asked for, opened at the end of the frame (after the menu has closed).
    asked: Option<Purpose>,
    browser: Option<(Browser, Purpose)>,
    /// The platform's dialog came back at once this run: it cannot open.
    native_failed: bool,
    /// The platform's dialog while it is open. It blocks whoever calls it,
    /// so it runs on its own thread and the window keeps drawing.
    native: Option<NativeDialog>,
    /// A table export or a save-as while it is written (on a named thread:
    /// a million rows take seconds).
    export: Option<Export>,
}

/// A file being written off the UI thread.
#[derive(Debug)]
struct Export {
    path: PathBuf,
    rows: usize,
    result: crossbeam_channel::Receiver<Written>,
}

/// What an [`Export`]'s worker did.
#[derive(Debug)]
enum Written {
    /// The table's export: the writer's notes, or why it failed.
    Table(Result<Vec<String>, String>),
    /// Save as: every site written.
    All(Result<binzhou_formats::WriteReport, binzhou_formats::FormatError>),
    /// The worker could not start, or died before answering.
    Stopped(String),
}

/// A platform dialog open on the `file-dialog` thread.
#[derive(Debug)]
struct NativeDialog {
    purpose: Purpose,
    began: Instant,
    answer: crossbeam_channel::Receiver<Option<Vec<PathBuf>>>,
}

impl Files {
    /// Asks for a file (or folder) for `purpose`, from the end of this frame.
    pub fn ask(&mut self, purpose: Purpose) {
        self.asked = Some(purpose);
    }

    /// Whether a file dialog (the in-app browser or the platform's) is open.
    pub fn is_open(&self) -> bool {
        self.browser.is_some() || self.native.is_some()
    }

    /// The folder the in-app browser shows, while open.
    pub fn browsing(&self) -> Option<&Path> {
        self.browser.as_ref().map(|(b, _)| b.dir())
    }
}

/// The write types offered by save-as and the table export, `first` first.
fn write_types(lang: Lang, first: Option<FileType>) -> Vec<FileType> {
    let t = lang.files();
    let mut v: Vec<FileType> = first.into_iter().collect();
    for ty in [
        FileType::new(t.geojson, &["geojson", "json"]),
        FileType::new(t.gpkg, &["gpkg"]),
        FileType::new(t.shp, &["shp"]),
        FileType::new(t.kml, &["kml"]),
        FileType::new(t.kmz, &["kmz"]),
        FileType::new(t.csv, &["csv"]),
        FileType::new(t.xlsx, &["xlsx"]),
    ] {
        if !v.iter().any(|f| f.exts == ty.exts) {
            v.push(ty);
        }
    }
    v
}

/// How a writer's error reads.
fn write_error(e: &binzhou_formats::FormatError, lang: Lang) -> String {
    match e {
        binzhou_formats::FormatError::Io { path, source } => {
            format!("{}: {}", path.display(), lang.pick(&binzhou_core::model::Msg::from_io(source)))
        }
        other => other.to_string(),
    }
}

impl App {
    fn file_spec(&self, purpose: &Purpose) -> Spec {
        let lang = self.state.lang;
        let (t, ft) = (lang.text(), lang.files());
        let mut data_exts = vec!["geojson", "json"];
        data_exts.extend(binzhou_formats::READ_EXTENSIONS);
        let open = |title: &str, types| Spec {
            mode: Mode::Open,
            multiple: true,
            title: title.to_owned(),
            types,
            file_name: String::new(),
        };
        match purpose {
            Purpose::Open => open(
                ft.title_open,
                vec![
                    FileType::new(t.data_filter, &data_exts),
                    FileType::new(t.geojson_filter, &["geojson", "json"]),
                    FileType::new(ft.all_files, &[]),
                ],
            ),
            Purpose::OpenFolder => Spec {
                mode: Mode::Folder,
                multiple: false,
                title: ft.title_open_folder.to_owned(),
                types: Vec::new(),
                file_name: String::new(),
            },
            Purpose::Journals => open(ft.title_journals, vec![FileType::new(lang.checks().journal_filter, &["gpkg"])]),
            Purpose::Photos => open(
                ft.title_photos,
                vec![FileType::new(lang.checks().photo_filter, &PHOTO_EXTENSIONS), FileType::new(ft.all_files, &[])],
            ),
            Purpose::Dashboard(req) => {
                let (title, ty, file_name) = match req {
                    DashboardExport::Csv { file_name, .. } => {
                        (ft.title_dashboard_csv, FileType::new(ft.stats_csv, &["csv"]), file_name)
                    }
                    DashboardExport::Png { file_name } => {
                        (ft.title_dashboard_png, FileType::new(ft.png, &["png"]), file_name)
                    }
                };
                Spec {
                    mode: Mode::Save,
                    multiple: false,
                    title: title.to_owned(),
                    types: vec![ty],
                    file_name: file_name.clone(),
                }
            }
            Purpose::Basemap(BasemapFile::Package) => Spec {
                multiple: false,
                ..open(ft.title_tile_package, vec![FileType::new(t.offline_basemap_filter, &["mbtiles", "pmtiles"])])
            },
            Purpose::Basemap(BasemapFile::Folder) => Spec {
                mode: Mode::Folder,
                multiple: false,
                title: ft.title_tile_folder.to_owned(),
                types: Vec::new(),
                file_name: String::new(),
            },
            Purpose::Basemap(BasemapFile::PrefetchOutput) => Spec {
                mode: Mode::Save,
                multiple: false,
                title: ft.title_prefetch_output.to_owned(),
                types: vec![FileType::new(ft.mbtiles, &["mbtiles"])],
                file_name: self.tiles.prefetch_file_name(),
            },
            Purpose::MapImage(size) => Spec {
                mode: Mode::Save,
                multiple: false,
                title: lang.render().dialog_title.to_owned(),
                types: vec![FileType::new(lang.render().png_filter, &["png"])],
                file_name: size.file_name(lang),
            },
            Purpose::SaveAll => Spec {
                mode: Mode::Save,
                multiple: false,
                title: ft.title_save_as.to_owned(),
                types: write_types(lang, None),
                file_name: format!("{}.geojson", ft.save_as_name),
            },
            Purpose::ImportBookmarks => open(
                lang.present().bookmark_import,
                vec![FileType::new(lang.present().qgis_filter, &["xml", "qgs"]), FileType::new(ft.all_files, &[])],
            ),
            Purpose::OpenTour => open(
                lang.present().open_tour,
                vec![FileType::new(lang.present().tour_filter, &["json"]), FileType::new(ft.all_files, &[])],
            ),
            Purpose::SaveHandout => Spec {
                mode: Mode::Save,
                multiple: false,
                title: lang.present().export_handout.to_owned(),
                types: vec![FileType::new(lang.present().pdf_filter, &["pdf"])],
                file_name: format!("{}.pdf", lang.present().new_tour_title),
            },
            Purpose::ExportChecks => Spec {
                mode: Mode::Save,
                multiple: false,
                title: lang.checks().export_checks.trim_end_matches('…').to_owned(),
                types: vec![
                    FileType::new(lang.checks().checks_filter_csv, &["csv"]),
                    FileType::new(lang.checks().checks_filter_gpkg, &["gpkg"]),
                    FileType::new(lang.checks().checks_filter_geojson, &["geojson"]),
                ],
                file_name: format!("{}.csv", lang.checks().checks_file_name),
            },
            Purpose::SaveTour => Spec {
                mode: Mode::Save,
                multiple: false,
                title: lang.present().save_tour.to_owned(),
                types: vec![FileType::new(lang.present().tour_filter, &["json"])],
                file_name: format!("{}{}", lang.present().new_tour_title, binzhou_core::tour::TOUR_SUFFIX),
            },
            Purpose::SaveSourceAs(_) => Spec {
                mode: Mode::Save,
                multiple: false,
                title: ft.title_save_as.to_owned(),
                types: write_types(lang, None),
                file_name: format!("{}.geojson", ft.save_as_name),
            },
            Purpose::Table(req) => {
                let (first, ext) = if req.geojson {
                    (FileType::new(ft.geojson, &["geojson", "json"]), "geojson")
                } else {
                    (FileType::new(ft.table_csv, &["csv"]), "csv")
                };
                // The table's CSV is the table as shown: it takes the place of the sites' CSV.
                let mut types = write_types(lang, Some(first));
                if !req.geojson {
                    types.retain(|f| f.name != ft.csv);
                }
                Spec {
                    mode: Mode::Save,
                    multiple: false,
                    title: ft.title_export.to_owned(),
                    types,
                    file_name: format!("{}.{ext}", t.table_file_name),
                }
            }
        }
    }

    /// The folder of the first data file loaded, else the bundled data's.
    fn data_folder(&self) -> Option<PathBuf> {
        let first = self.data.dataset.files.first().and_then(|f| f.path.parent().map(Path::to_path_buf));
        let folder = first.filter(|p| p.is_dir()).or_else(|| super::default_data_paths().into_iter().next())?;
        Some(absolute(&folder))
    }

    /// Where a dialog starts: the last folder used, else the data folder, else home.
    fn start_folder(&self) -> PathBuf {
        self.state
            .last_folder
            .clone()
            .filter(|p| p.is_dir())
            .or_else(|| self.data_folder().filter(|p| p.is_dir()))
            .or_else(home)
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    fn use_native(&self) -> bool {
        match self.state.file_dialog {
            FileDialogChoice::Native => true,
            FileDialogChoice::InApp => false,
            FileDialogChoice::Auto => !self.files.native_failed && native_dialog_likely(),
        }
    }

    /// Asks for files or a folder for `purpose`: the platform's dialog, or
    /// the in-app browser (then acted on in a later frame).
    fn choose_file(&mut self, ctx: &egui::Context, purpose: Purpose) {
        let spec = self.file_spec(&purpose);
        let start = self.start_folder();
        if self.use_native() {
            let (tx, answer) = crossbeam_channel::bounded(1);
            let repaint = ctx.clone();
            let dialog_spec = spec.clone();
            let dialog_start = start.clone();
            let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
                tx.send(native(&dialog_spec, &dialog_start)).ok();
                repaint.request_repaint();
            });
            match spawned {
                Ok(_) => {
                    self.files.native = Some(NativeDialog { purpose, began: Instant::now(), answer });
                    return;
                }
                Err(e) => tracing::warn!("cannot start the file-dialog thread ({e}): using the in-app browser"),
            }
        }
        self.open_browser(ctx, spec, &start, purpose);
    }

    /// The platform's dialog's answer, once it has closed.
    fn poll_native(&mut self, ctx: &egui::Context) {
        let Some(d) = &self.files.native else { return };
        let answer = match d.answer.try_recv() {
            Ok(answer) => answer,
            Err(crossbeam_channel::TryRecvError::Empty) => return,
            Err(crossbeam_channel::TryRecvError::Disconnected) => None,
        };
        let Some(NativeDialog { purpose, began, .. }) = self.files.native.take() else { return };
        match answer {
            Some(paths) if !paths.is_empty() => self.on_picked(ctx, purpose, paths),
            _ if self.state.file_dialog == FileDialogChoice::Auto && began.elapsed() < NATIVE_GAVE_UP => {
                tracing::warn!("the platform's file dialog came back at once: using the in-app browser");
                self.files.native_failed = true;
                let text = self.state.lang.files().native_failed.to_owned();
                self.notices.push(Notice { text, ttl: Some(8.0) });
                let spec = self.file_spec(&purpose);
                let start = self.start_folder();
                self.open_browser(ctx, spec, &start, purpose);
            }
            _ => {}
        }
    }

    fn open_browser(&mut self, ctx: &egui::Context, spec: Spec, start: &Path, purpose: Purpose) {
        let browser = Browser::new(spec, start, self.data_folder(), self.state.lang);
        self.files.browser = Some((browser, purpose));
        ctx.request_repaint();
    }

    /// Each frame: a file asked for by a panel (the table's and the
    /// dashboard's exports, the basemap's files), and the in-app browser.
    pub(super) fn file_dialog_frame(&mut self, ctx: &egui::Context) {
        if let Some(req) = self.table.take_export_request() {
            self.files.ask(Purpose::Table(req));
        }
        if let Some(req) = self.dashboard.take_export_request() {
            self.files.ask(Purpose::Dashboard(req));
        }
        if let Some(req) = self.tiles.take_file_request() {
            self.files.ask(Purpose::Basemap(req));
        }
        self.poll_native(ctx);
        self.poll_export();
        if let Some(purpose) = self.files.asked.take() {
            // While the platform's dialog is open it has the user's answer
            // to give; a second one asked meanwhile is not opened over it.
            if self.files.native.is_none() {
                self.choose_file(ctx, purpose);
            }
        }
        let lang = self.state.lang;
        let Some((browser, _)) = &mut self.files.browser else { return };
        match browser.show(ctx, lang) {
            Outcome::Pending => {}
            Outcome::Cancelled => self.files.browser = None,
            Outcome::Picked(paths) => {
                if let Some((_, purpose)) = self.files.browser.take()
                    && !paths.is_empty()
                {
                    self.on_picked(ctx, purpose, paths);
                }
            }
        }
    }

    fn on_picked(&mut self, ctx: &egui::Context, purpose: Purpose, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else { return };
        let folder = if matches!(purpose, Purpose::OpenFolder) {
            Some(first.clone())
        } else {
            first.parent().map(Path::to_path_buf)
        };
        if let Some(f) = folder.filter(|f| !f.as_os_str().is_empty()) {
            self.state.last_folder = Some(absolute(&f));
        }
        match purpose {
            Purpose::Open | Purpose::OpenFolder => self.open_paths(ctx, paths),
            Purpose::SaveAll => self.save_all_as(ctx, &first),
            Purpose::MapImage(size) => self.export_map_image(ctx, &first, size),
            Purpose::SaveSourceAs(file) => self.save_source_as(file, &first),
            Purpose::OpenTour => self.open_tour(&first),
            Purpose::ImportBookmarks => self.import_qgis(&first),
            Purpose::SaveTour => self.save_tour(&first),
            Purpose::ExportChecks => self.export_checks(ctx, first.clone()),
            Purpose::SaveHandout => self.export_handout(&first),
            Purpose::Table(req) => self.table_export(ctx, &first, &req),
            Purpose::Journals => {
                for p in paths {
                    self.checks.read_other(p);
                }
            }
            Purpose::Dashboard(DashboardExport::Csv { rows, .. }) => {
                self.dashboard.export_csv(&first, &rows, self.state.lang);
            }
            Purpose::Dashboard(DashboardExport::Png { .. }) => {
                // Taken next frame, of the dashboard as drawn then (the browser closed).
                self.dashboard.request_png(first);
                ctx.request_repaint();
            }
            Purpose::Photos => {
                self.add_check_photos(paths);
            }
            Purpose::Basemap(what) => {
                if !self.tiles.picked(&mut self.state, what, first.clone()) {
                    let text = self.state.lang.not_a_tile_package(&first.display().to_string());
                    self.notices.push(Notice { text, ttl: Some(8.0) });
                }
            }
        }
    }

    /// The folder the in-app file browser shows, while it is open (for tests).
    pub fn file_browser_folder(&self) -> Option<&Path> {
        self.files.browsing()
    }

    /// Whether a table export or a save-as is being written.
    pub fn is_exporting(&self) -> bool {
        self.files.export.is_some()
    }

    /// Writes every site to `path` on a worker, in the format its
    /// extension names; [`Self::poll_export`] says what the writer had to
    /// change.
    fn save_all_as(&mut self, ctx: &egui::Context, path: &Path) {
        let lang = self.state.lang;
        let rows = self.data.dataset.sites.len();
        if let Some(running) = &self.files.export {
            let text = format!("{}{}", lang.text().export_busy, running.path.display());
            self.notices.push(Notice { text, ttl: Some(8.0) });
            return;
        }
        let (data, target) = (Arc::clone(&self.data), path.to_path_buf());
        self.start_export(ctx, "save-as", path, rows, move || {
            let all: Vec<usize> = (0..data.dataset.sites.len()).collect();
            Written::All(binzhou_formats::write(&target, &data.dataset, &all, lang == Lang::Zh))
        });
    }

    /// Writes the table's export on a worker; [`Self::poll_export`]
    /// reports it.
    fn table_export(&mut self, ctx: &egui::Context, path: &Path, req: &ExportRequest) {
        let lang = self.state.lang;
        let t = lang.text();
        if let Some(running) = &self.files.export {
            let text = format!("{}{}", t.export_busy, running.path.display());
            self.table.set_export_message(false, text);
            return;
        }
        let text = format!("{}{} ({} {})", t.exporting, path.display(), req.rows.len(), t.table_rows_unit);
        self.table.set_export_message(true, text);
        let (data, job, target) = (Arc::clone(&self.data), req.clone(), path.to_path_buf());
        self.start_export(ctx, "table-export", path, req.rows.len(), move || {
            Written::Table(panels::table::export_to(&target, &job, &data.dataset, lang))
        });
    }

    /// Runs `work` on a thread called `name` (in place if none can start).
    fn start_export(
        &mut self,
        ctx: &egui::Context,
        name: &str,
        path: &Path,
        rows: usize,
        work: impl FnOnce() -> Written + Send + 'static,
    ) {
        let (tx, result) = crossbeam_channel::bounded(1);
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            tx.send(work()).ok();
            repaint.request_repaint();
        });
        match spawned {
            Ok(_) => self.files.export = Some(Export { path: path.to_path_buf(), rows, result }),
            Err(e) => {
                tracing::warn!("cannot start the {name} thread ({e})");
                self.report_export(path, rows, Written::Stopped(e.to_string()));
            }
        }
    }

    /// The export or save-as, once written.
    fn poll_export(&mut self) {
        let Some(job) = &self.files.export else { return };
        let written = match job.result.try_recv() {
            Ok(w) => w,
            Err(crossbeam_channel::TryRecvError::Empty) => return,
            Err(crossbeam_channel::TryRecvError::Disconnected) => Written::Stopped(String::new()),
        };
        let Some(Export { path, rows, .. }) = self.files.export.take() else { return };
        self.report_export(&path, rows, written);
    }

    fn report_export(&mut self, path: &Path, rows: usize, written: Written) {
        let lang = self.state.lang;
        let t = lang.text();
        match written {
            Written::Table(result) => {
                let (ok, text) = match result {
                    Ok(notes) => {
                        let mut text = format!("{}{} ({} {})", t.exported, path.display(), rows, t.table_rows_unit);
                        for n in &notes {
                            text.push_str("; ");
                            text.push_str(n);
                        }
                        if !notes.is_empty() {
                            self.notices.push(Notice { text: notes.join("\n"), ttl: None });
                        }
                        (true, text)
                    }
                    Err(e) => (false, format!("{}{}: {e}", t.export_failed, path.display())),
                };
                self.table.set_export_message(ok, text);
            }
            Written::All(result) => {
                let (text, ttl) = match result {
                    Ok(report) => {
                        let mut lines = vec![lang.saved_as(&path.display().to_string(), rows)];
                        if report.files.len() > 1 {
                            let names: Vec<String> = report
                                .files
                                .iter()
                                .map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
                                .collect();
                            lines.push(lang.files_written(&names.join(", ")));
                        }
                        lines.extend(report.notes.iter().map(|m| lang.pick(m).to_owned()));
                        // Notes are kept until read.
                        let ttl = if report.notes.is_empty() { Some(8.0) } else { None };
                        (lines.join("\n"), ttl)
                    }
                    Err(e) => (lang.save_as_failed(&write_error(&e, lang)), None),
                };
                tracing::info!(
                    "save as {}: {}",
                    path.display(),
                    if ttl.is_some() { "ok" } else { "with notes or failed" }
                );
                self.notices.push(Notice { text, ttl });
            }
            Written::Stopped(why) => {
                let why =
                    if why.is_empty() { t.export_stopped.to_owned() } else { format!("{}: {why}", t.export_stopped) };
                let text = format!("{}{}: {why}", t.export_failed, path.display());
                self.table.set_export_message(false, text.clone());
                self.notices.push(Notice { text, ttl: None });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save_spec() -> Spec {
        Spec {
            mode: Mode::Save,
            multiple: false,
            title: String::new(),
            types: write_types(Lang::En, None),
            file_name: "sites.geojson".into(),
        }
    }

    #[test]
    fn a_name_without_a_known_extension_takes_the_chosen_types() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Browser::new(save_spec(), dir.path(), None, Lang::En);
        b.set_type(1);
        assert_eq!(b.file_name, "sites.gpkg", "choosing a type changes the name's extension");
        b.file_name = "平面图".into();
        assert_eq!(b.save_path().unwrap(), dir.path().join("平面图.gpkg"));
        b.file_name = "sites.kml".into();
        assert_eq!(b.save_path().unwrap(), dir.path().join("sites.kml"), "a type offered is kept");
    }

    #[test]
    fn saving_over_a_file_asks_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sites.geojson"), "{}").unwrap();
        let mut b = Browser::new(save_spec(), dir.path(), None, Lang::En);
        assert_eq!(b.confirm(Lang::En), Outcome::Pending);
        assert_eq!(b.confirm, Some(dir.path().join("sites.geojson")));
    }

    #[test]
    fn folders_come_first_hidden_files_are_left_out_and_an_unreadable_start_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.geojson"), "{}").unwrap();
        std::fs::write(dir.path().join(".hidden"), "").unwrap();
        std::fs::create_dir(dir.path().join("z")).unwrap();
        let names: Vec<String> = list(dir.path(), false).unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["z", "b.geojson"]);
        let b = Browser::new(save_spec(), &dir.path().join("gone"), None, Lang::En);
        assert!(b.error.is_some(), "says the folder could not be read");
        assert!(b.dir().is_dir());
    }
}
