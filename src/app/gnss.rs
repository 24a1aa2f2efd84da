//! The GNSS receiver in the app: the position drawn on the map (a dot with
//! its accuracy circle and, when moving, its heading), the status-bar line
//! (fix kind, satellites, accuracy, the nearest site and how far it is),
//! following the position, and the connect dialog. The reading itself is
//! the core's ([`binzhou_core::gnss::source`]), on its own thread.

use egui::{Color32, Pos2, Stroke, Ui, vec2};

use crate::app::i18n::{Lang, bilingual};
use crate::app::map::project::ScreenTransform;
use binzhou_core::gnss::source::{GnssEvent, GnssReceiver, GnssSource};
use binzhou_core::gnss::{Fix, GnssState};
use binzhou_core::mercator::to_unit;
use binzhou_core::model::Msg;

const DOT: Color32 = Color32::from_rgb(25, 110, 230);

/// The receiver's connection and latest news.
#[derive(Debug, Default)]
pub struct GnssView {
    receiver: Option<GnssReceiver>,
    state: Option<GnssState>,
    /// Why the last connection ended (and whether that is a problem), until
    /// the next one.
    closed: Option<(Msg, bool)>,
    bad_lines: usize,
    /// The nearest site to the fix and its distance in metres, set by the app.
    pub nearest: Option<(String, f64)>,
    /// The connect dialog's text while it is open.
    pub dialog: Option<String>,
    /// Why the dialog's source was refused.
    dialog_error: Option<Msg>,
    /// When the latest fix came.
    last_fix_at: Option<std::time::Instant>,
}

impl GnssView {
    /// Starts reading `text` (a device, `gpsd`, `replay:FILE`), replacing any
    /// receiver; wakes `ctx` on every event.
    pub fn connect(&mut self, text: &str, ctx: &egui::Context) -> Result<(), Msg> {
        let source = GnssSource::parse(text)?;
        let label = source.label();
        let ctx = ctx.clone();
        let receiver = GnssReceiver::start(source, move || ctx.request_repaint())
            .map_err(|e| bilingual(|l| l.gnss_cannot_start(&label, &e.to_string())))?;
        tracing::info!("gnss: reading {label}");
        *self = GnssView { receiver: Some(receiver), ..GnssView::default() };
        Ok(())
    }

    pub fn disconnect(&mut self) {
        *self = GnssView::default();
    }

    pub fn is_connected(&self) -> bool {
        self.receiver.is_some()
    }

    /// Takes what the receiver said since the last frame; returns the new
    /// fix, if one came.
    pub fn poll(&mut self) -> Option<Fix> {
        let events = self.receiver.as_ref()?.poll();
        let mut fresh = None;
        for e in events {
            match e {
                GnssEvent::State(s) => {
                    if let GnssState::Fix(f) = &s {
                        fresh = Some(f.clone());
                        self.last_fix_at = Some(std::time::Instant::now());
                    }
                    self.state = Some(s);
                }
                GnssEvent::BadLine(m) => {
                    self.bad_lines += 1;
                    tracing::debug!("{}", m.en);
                }
                GnssEvent::Closed { why, error } => {
                    tracing::info!("{}", why.en);
                    self.closed = Some((why, error));
                    self.receiver = None;
                }
            }
        }
        fresh
    }

    /// How long ago the latest fix came.
    pub fn fix_age(&self) -> Option<std::time::Duration> {
        self.last_fix_at.map(|t| t.elapsed())
    }

    /// The latest fix, if the receiver has one now.
    pub fn fix(&self) -> Option<&Fix> {
        match &self.state {
            Some(GnssState::Fix(f)) => Some(f),
            _ => None,
        }
    }

    /// The status-bar line, and whether it is a problem; `None` when no
    /// receiver was ever connected.
    pub fn status(&self, lang: Lang) -> Option<(String, bool)> {
        let t = lang.text();
        if self.receiver.is_none() {
            return self.closed.as_ref().map(|(m, error)| (lang.pick(m).to_owned(), *error));
        }
        let mut text = match &self.state {
            None => t.gnss_waiting.to_owned(),
            Some(GnssState::NoFix { satellites }) => match satellites {
                Some(n) => lang.gnss_no_fix_satellites(*n),
                None => t.gnss_no_fix.to_owned(),
            },
            Some(GnssState::Fix(f)) => {
                let mut s = lang.gnss_fix(f.quality);
                if let Some(n) = f.satellites {
                    s.push_str(&lang.gnss_satellites(n));
                }
                if let Some(a) = f.accuracy_m() {
                    let a = if a < 1.0 { format!("{a:.2}") } else { format!("{a:.0}") };
                    s.push_str(&lang.gnss_accuracy(&a));
                }
                s
            }
        };
        if let (Some((name, d)), Some(_)) = (&self.nearest, self.fix()) {
            // Inside a site's polygon (or on its line) the distance is 0.
            let part = if *d < 1.0 { lang.gnss_at_site(name) } else { lang.gnss_nearest_site(name, d.round()) };
            text.push_str(&part);
        }
        if self.bad_lines > 0 {
            let n = self.bad_lines;
            text.push_str(&lang.gnss_bad_lines(n));
        }
        Some((text, false))
    }

    /// Draws the position: accuracy circle, heading when moving, the dot.
    pub fn paint(&self, ui: &Ui, clip: egui::Rect, t: &ScreenTransform) {
        let Some(f) = self.fix() else { return };
        let at = t.to_screen(to_unit(f.lon, f.lat));
        if !clip.expand(200.0).contains(at) {
            return;
        }
        let painter = ui.painter().with_clip_rect(clip);
        if let Some(acc) = f.accuracy_m() {
            let r = (acc / t.metres_per_pixel(f.lat)) as f32;
            if r > 9.0 {
                painter.circle(at, r, DOT.gamma_multiply(0.12), Stroke::new(1.0, DOT.gamma_multiply(0.5)));
            }
        }
        if let (Some(course), Some(speed)) = (f.course_deg, f.speed_kmh)
            && speed > 1.0
        {
            let a = (course as f32).to_radians();
            let dir = vec2(a.sin(), -a.cos());
            let tip: Pos2 = at + dir * 20.0;
            let side = vec2(-dir.y, dir.x) * 6.0;
            painter.add(egui::Shape::convex_polygon(
                vec![tip, at + dir * 9.0 + side, at + dir * 9.0 - side],
                DOT,
                Stroke::NONE,
            ));
        }
        // The last known position, once the receiver has gone, is grey.
        let colour = if self.receiver.is_some() { DOT } else { Color32::GRAY };
        painter.circle(at, 7.0, colour, Stroke::new(2.5, Color32::WHITE));
    }

    /// The connect dialog, while [`GnssView::dialog`] is open. Returns the
    /// source text connected to, to remember it.
    pub fn show_dialog(&mut self, ctx: &egui::Context, lang: Lang) -> Option<String> {
        let mut text = self.dialog.take()?;
        let mut open = true;
        let mut connected = None;
        let t = lang.text();
        egui::Window::new(t.gnss_connect_title).collapsible(false).resizable(false).open(&mut open).show(ctx, |ui| {
            ui.label(t.gnss_connect_hint);
            let edit = ui.add(egui::TextEdit::singleline(&mut text).hint_text("/dev/ttyACM0").desired_width(320.0));
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some(e) = &self.dialog_error {
                ui.colored_label(ui.visuals().error_fg_color, lang.pick(e));
            }
            if ui.button(t.gnss_connect).clicked() || enter {
                match self.connect(&text, ctx) {
                    Ok(()) => connected = Some(text.trim().to_owned()),
                    Err(e) => self.dialog_error = Some(e),
                }
            }
        });
        if open && connected.is_none() {
            self.dialog = Some(text);
        } else {
            self.dialog_error = None;
        }
        connected
    }
}
