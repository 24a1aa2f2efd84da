//! Go to a coordinate (Ctrl+G): a position as a survey report writes it, or
//! a site id; the map flies there and drops a marker with the WGS 84 value.

use binzhou_core::locate::locate;

use super::*;

/// The go-to dialog while it is open.
#[derive(Debug, Default)]
pub struct GotoDialog {
    pub text: String,
    pub error: Option<String>,
    /// Put the keyboard in the field on the next frame.
    pub focus: bool,
}

impl App {
    /// Opens the go-to dialog.
    pub(super) fn open_goto(&mut self) {
        let keep = self.goto.take().map(|g| g.text).unwrap_or_default();
        self.goto = Some(GotoDialog { text: keep, error: None, focus: true });
    }

    /// Reads the text and goes there; says why not when it cannot.
    pub fn go_to_text(&mut self, text: &str) -> bool {
        let lang = self.state.lang;
        match locate(text) {
            Ok(p) => {
                self.goto_marker = Some((p.lon, p.lat));
                self.map.fly_to(p.lon, p.lat, self.map.camera().zoom.max(16.0), true);
                true
            }
            Err(e) => match self.data.dataset.find_by_id(text.trim()) {
                Some(i) => {
                    self.select(i, true);
                    true
                }
                None => {
                    if let Some(g) = &mut self.goto {
                        g.error = Some(lang.say(&e));
                    }
                    false
                }
            },
        }
    }

    /// Where the last go-to put its marker (WGS 84), for tests.
    pub fn goto_marker(&self) -> Option<(f64, f64)> {
        self.goto_marker
    }

    /// The dialog's window.
    pub(super) fn goto_window(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let t = lang.checks();
        let clear = self.clear_map_rect();
        let Some(g) = &mut self.goto else { return };
        let mut open = true;
        let mut go = false;
        let mut window = egui::Window::new(t.goto_title).open(&mut open).collapsible(false).resizable(false);
        if let Some(r) = clear {
            let screen = ctx.content_rect();
            window =
                window.anchor(Align2::CENTER_TOP, vec2(r.center().x - screen.center().x, r.top() - screen.top() + 8.0));
        }
        window.show(ctx, |ui| {
            ui.label(RichText::new(t.goto_help).small().weak());
            let resp = ui
                .horizontal(|ui| {
                    let l = ui.label(t.goto_field);
                    ui.add(egui::TextEdit::singleline(&mut g.text).desired_width(340.0).hint_text(t.goto_hint))
                        .labelled_by(l.id)
                })
                .inner;
            if g.focus {
                resp.request_focus();
                g.focus = false;
            }
            if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                go = true;
            }
            if let Some(e) = &g.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.horizontal(|ui| {
                if ui.button(t.goto_go).clicked() {
                    go = true;
                }
            });
        });
        if go {
            let text = g.text.clone();
            if self.go_to_text(&text) {
                self.goto = None;
            }
        } else if !open {
            self.goto = None;
        }
    }

    /// The go-to marker on the map, with its WGS 84 value.
    pub(super) fn paint_goto_marker(&self, ui: &Ui, clip: egui::Rect) {
        let (Some((lon, lat)), Some(t)) = (self.goto_marker, self.map.transform) else { return };
        let at = t.to_screen(binzhou_core::mercator::to_unit(lon, lat));
        if !clip.contains(at) {
            return;
        }
        let p = ui.painter().with_clip_rect(clip);
        let red = Color32::from_rgb(200, 30, 60);
        p.line_segment([at, at + vec2(0.0, -22.0)], egui::Stroke::new(2.5, red));
        p.circle(at + vec2(0.0, -24.0), 7.0, red, egui::Stroke::new(2.0, Color32::WHITE));
        p.circle_filled(at, 3.0, red);
        p.text(
            at + vec2(12.0, -24.0),
            Align2::LEFT_CENTER,
            format!("{lon:.6}, {lat:.6}"),
            egui::FontId::proportional(12.0),
            Color32::from_rgb(30, 30, 30),
        );
    }
}
