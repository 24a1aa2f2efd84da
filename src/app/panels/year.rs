//! The year control: status at the end of 2020, 2021, 2022 or the latest,
//! and a play button stepping through them.

use std::time::{Duration, Instant};

use egui::{RichText, Ui};

use crate::app::i18n::Lang;
use binzhou_core::model::YearView;

/// Seconds each year stays on screen while playing.
pub const STEP_SECONDS: f32 = 1.6;

/// The play button's state. Playing keeps wall-clock time: each year shows
/// for [`STEP_SECONDS`] whether or not anything else moves, and the player
/// asks for the repaint that ends its step, so hands off the mouse is fine.
#[derive(Debug, Default)]
pub struct Player {
    pub playing: bool,
    /// When the year on screen was put there.
    shown_since: Option<Instant>,
}

impl Player {
    /// Starts playing from 2020 (or from the year shown, if not the last).
    pub fn start(&mut self, year: &mut YearView) -> bool {
        self.start_at(year, Instant::now())
    }

    fn start_at(&mut self, year: &mut YearView, now: Instant) -> bool {
        self.playing = true;
        self.shown_since = Some(now);
        if *year == YearView::Latest {
            *year = YearView::PLAN_YEARS[0];
            return true;
        }
        false
    }

    /// Stops playing.
    pub fn stop(&mut self) {
        self.playing = false;
        self.shown_since = None;
    }

    /// Moves to the next year once the current one has been shown for its
    /// time; says whether the year changed. Asks `ctx` to repaint when the
    /// next step is due.
    pub fn tick(&mut self, ctx: &egui::Context, year: &mut YearView) -> bool {
        let (changed, wait) = self.tick_at(year, Instant::now());
        if let Some(wait) = wait {
            ctx.request_repaint_after(wait);
        }
        changed
    }

    /// [`Player::tick`] at `now`: whether the year changed, and how long
    /// until the next step (when still playing).
    fn tick_at(&mut self, year: &mut YearView, now: Instant) -> (bool, Option<Duration>) {
        if !self.playing {
            return (false, None);
        }
        let step = Duration::from_secs_f32(STEP_SECONDS);
        let since = *self.shown_since.get_or_insert(now);
        let shown = now.saturating_duration_since(since);
        if shown < step {
            return (false, Some(step - shown));
        }
        let years = YearView::PLAN_YEARS;
        let at = years.iter().position(|y| y == year).unwrap_or(years.len() - 1);
        if at + 1 >= years.len() {
            self.stop();
            return (false, None);
        }
        *year = years[at + 1];
        if at + 2 == years.len() {
            self.stop();
            return (true, None);
        }
        // The next step counts from when this one was due, so the years
        // keep time even when frames come late.
        self.shown_since = Some(since + step);
        (true, Some(step.saturating_sub(now.saturating_duration_since(since + step))))
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
            if resp.clicked() {
                // Clicking a year, even the one shown, takes over from the player.
                player.stop();
                changed |= *year != y;
                *year = y;
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

    #[test]
    fn the_player_keeps_wall_clock_time_through_the_years_with_no_input() {
        let t0 = Instant::now();
        let step = Duration::from_secs_f32(STEP_SECONDS);
        let mut p = Player::default();
        let mut y = YearView::Latest;
        p.start_at(&mut y, t0);
        assert_eq!(y, YearView::EndOf(2020));
        // Halfway through its step nothing changes, and the repaint asked for is when the step ends.
        let (changed, wait) = p.tick_at(&mut y, t0 + step / 2);
        assert!(!changed);
        assert_eq!(wait, Some(step - step / 2));
        let (changed, _) = p.tick_at(&mut y, t0 + step);
        assert!(changed);
        assert_eq!(y, YearView::EndOf(2021));
        // A late frame does not stretch the next year: it is due at 2 × step.
        let (_, wait) = p.tick_at(&mut y, t0 + step + step / 4);
        assert_eq!(wait, Some(step - step / 4));
        let (changed, wait) = p.tick_at(&mut y, t0 + step * 2);
        assert!(changed);
        assert_eq!(y, YearView::EndOf(2022));
        assert_eq!(wait, Some(step));
        let (changed, wait) = p.tick_at(&mut y, t0 + step * 3);
        assert!(changed);
        assert_eq!(y, YearView::Latest);
        assert_eq!(wait, None, "the latest state ends the play");
        assert!(!p.playing);
    }

    #[test]
    fn a_frame_that_comes_late_moves_one_year_and_the_next_is_due_on_time() {
        let t0 = Instant::now();
        let step = Duration::from_secs_f32(STEP_SECONDS);
        let mut p = Player::default();
        let mut y = YearView::EndOf(2020);
        p.start_at(&mut y, t0);
        let (changed, wait) = p.tick_at(&mut y, t0 + step + step / 2);
        assert!(changed);
        assert_eq!(y, YearView::EndOf(2021));
        assert_eq!(wait, Some(step / 2), "2022 is due at 2 × step from the start");
    }
}
