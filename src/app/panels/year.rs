//! The year control: status at the end of 2020, 2021, 2022 or the latest,
//! and a play button stepping through them.

use egui::{RichText, Ui};

use crate::app::i18n::Lang;
use binzhou_core::model::YearView;

/// Seconds each year stays on screen while playing.
pub const STEP_SECONDS: f32 = 1.6;

/// The play button's state.
#[derive(Debug, Default)]
pub struct Player {
    pub playing: bool,
    elapsed: f32,
}

impl Player {
    /// Starts playing from 2020 (or from the year shown, if not the last).
    pub fn start(&mut self, year: &mut YearView) -> bool {
        self.playing = true;
        self.elapsed = 0.0;
        if *year == YearView::Latest {
            *year = YearView::PLAN_YEARS[0];
            return true;
        }
        false
    }

    /// Stops playing.
    pub fn stop(&mut self) {
        self.playing = false;
        self.elapsed = 0.0;
    }

    /// Advances the player by the frame's time; says whether the year changed.
    pub fn tick(&mut self, ctx: &egui::Context, year: &mut YearView) -> bool {
        if !self.playing {
            return false;
        }
        let dt = ctx.input(|i| i.stable_dt).clamp(0.0, 0.25);
        self.elapsed += dt;
        if self.elapsed < STEP_SECONDS {
            ctx.request_repaint_after(std::time::Duration::from_secs_f32(STEP_SECONDS - self.elapsed));
            return false;
        }
        self.elapsed = 0.0;
        let years = YearView::PLAN_YEARS;
        let at = years.iter().position(|y| y == year).unwrap_or(years.len() - 1);
        if at + 1 < years.len() {
            *year = years[at + 1];
            if at + 2 == years.len() {
                self.stop();
            } else {
                ctx.request_repaint();
            }
            true
        } else {
            self.stop();
            false
        }
    }
}

/// Draws the control; says whether the year changed.
pub fn show(ui: &mut Ui, year: &mut YearView, player: &mut Player, lang: Lang) -> bool {
    let t = lang.text();
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.year_heading).strong());
        for y in YearView::PLAN_YEARS {
            let label = lang.year_short(y);
            let resp =
                ui.selectable_label(*year == y, RichText::new(label).size(15.0)).on_hover_text(lang.year_long(y));
            if resp.clicked() && *year != y {
                *year = y;
                player.stop();
                changed = true;
            }
        }
        ui.add_space(6.0);
        let play_label = if player.playing { t.pause } else { t.play };
        if ui.button(play_label).on_hover_text(t.play_hint).clicked() {
            if player.playing {
                player.stop();
            } else {
                changed |= player.start(year);
            }
        }
    });
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_from_latest_restarts_at_2020() {
        let mut p = Player::default();
        let mut y = YearView::Latest;
        assert!(p.start(&mut y));
        assert_eq!(y, YearView::EndOf(2020));
        assert!(p.playing);
    }
}
