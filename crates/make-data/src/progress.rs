//! Start and completion dates: most sites on time, some late, a few never done.

use crate::rng::Rng;
use crate::site::{Site, Ymd};

/// Share of sites finished the year after their plan year.
const LATE: f64 = 0.12;
/// Share of sites still not finished by the end of 2022 (half never started).
const NEVER: f64 = 0.04;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fate {
    OnTime,
    Late,
    StartedNotDone,
    NeverStarted,
}

fn date(rng: &mut Rng, y: i32, m: u32) -> Ymd {
    let d = rng.chance(0.6).then(|| rng.int(1, 28) as u32);
    Ymd { y, m, d }
}

fn add_months(y: i32, m: u32, k: u32) -> (i32, u32) {
    let i = y * 12 + (m as i32 - 1) + k as i32;
    (i.div_euclid(12), (i.rem_euclid(12) + 1) as u32)
}

/// Gives each site dates according to a fate; shares are exact per call
/// (rounded), so call it once per layer.
pub fn assign(sites: &mut [Site], rng: &mut Rng) {
    let n = sites.len();
    let n_late = (n as f64 * LATE).round() as usize;
    let n_never = if n >= 10 { ((n as f64 * NEVER).round() as usize).max(1) } else { 0 };
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    for (rank, &i) in order.iter().enumerate() {
        let fate = if rank < n_late {
            Fate::Late
        } else if rank < n_late + n_never {
            if (rank - n_late).is_multiple_of(2) { Fate::NeverStarted } else { Fate::StartedNotDone }
        } else {
            Fate::OnTime
        };
        let long = sites[i].layer == crate::site::Layer::UrbanVillage;
        set_dates(&mut sites[i], fate, long, rng);
    }
}

fn set_dates(s: &mut Site, fate: Fate, long: bool, rng: &mut Rng) {
    let y = s.plan_year;
    // Start: plan year, or late in the year before for 2021/2022 sites.
    let early = y > 2020 && rng.chance(0.3);
    let (sy, sm) = match (fate, early) {
        (_, true) => (y - 1, rng.int(7, 11) as u32),
        (Fate::StartedNotDone, false) => (y, rng.int(5, 10) as u32),
        (_, false) if y == 2020 => (2020, rng.int(3, 8) as u32),
        (_, false) => (y, rng.int(2, 8) as u32),
    };
    let started = date(rng, sy, sm);
    match fate {
        Fate::NeverStarted => {
            s.started = None;
            s.completed = None;
        }
        Fate::StartedNotDone => {
            s.started = Some(started);
            s.completed = None;
        }
        Fate::OnTime => {
            let dur = if long { rng.int(5, 12) } else { rng.int(2, 8) } as u32;
            let (mut cy, mut cm) = add_months(sy, sm, dur);
            if cy > y {
                (cy, cm) = (y, 12);
            }
            if cy * 12 + cm as i32 <= sy * 12 + sm as i32 {
                (cy, cm) = add_months(sy, sm, 1);
            }
            s.started = Some(started);
            s.completed = Some(date(rng, cy, cm));
        }
        Fate::Late => {
            s.started = Some(started);
            let cm = rng.int(1, 6) as u32;
            s.completed = Some(date(rng, y + 1, cm));
        }
    }
}

/// The fate a site's dates show.
pub fn fate_of(s: &Site) -> Fate {
    match (s.started, s.completed) {
        (None, _) => Fate::NeverStarted,
        (Some(_), None) => Fate::StartedNotDone,
        (Some(_), Some(c)) if c.y > s.plan_year => Fate::Late,
        _ => Fate::OnTime,
    }
}
