//! A site's status at the end of a year, derived from its dates.

use super::{PlanDate, Site, Timing};

/// Which moment the map shows: the end of a plan year, or the latest known state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default)]
pub enum YearView {
    /// The state on 31 December of that year: only dates up to that year count.
    EndOf(i32),
    /// The latest known state: every recorded date counts.
    #[default]
    Latest,
}

impl YearView {
    /// The views to choose from: the end of each plan year 2020–2022, then the latest state.
    pub const PLAN_YEARS: [YearView; 4] =
        [YearView::EndOf(2020), YearView::EndOf(2021), YearView::EndOf(2022), YearView::Latest];

    /// The last year whose events count; `Latest` counts every recorded date.
    pub fn cutoff(self) -> i32 {
        match self {
            YearView::EndOf(y) => y,
            YearView::Latest => i32::MAX,
        }
    }

    /// The year before, for "what changed" marks.
    pub fn previous(self) -> Option<YearView> {
        match self {
            YearView::EndOf(y) if y > 2020 => Some(YearView::EndOf(y - 1)),
            YearView::EndOf(_) => None,
            YearView::Latest => Some(YearView::EndOf(2022)),
        }
    }
}

/// How far a site's work has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Neither started nor completed by the view.
    NotStarted,
    /// Started by the view, not yet completed.
    InProgress,
    /// Completed by the view.
    Done,
    /// The file's dates cannot tell: one is unreadable, or `completed`
    /// comes before `started`, and the answer depends on it.
    Unknown,
}

/// Progress plus whether the plan wanted it done already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Status {
    /// How far the work has got at the view.
    pub progress: Progress,
    /// `plan_year <= Y` and surely not done.
    pub overdue: bool,
    /// The dates cannot tell the class: an unreadable or contradictory date
    /// could make it more than one (see [`StatusClass::Unknown`]).
    pub doubtful: bool,
}

/// The four classes the map colours and the legend counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusClass {
    /// Completed by the view.
    Done,
    /// Started, not completed, and not overdue.
    InProgress,
    /// Not started, and not overdue.
    NotStarted,
    /// Not completed although the plan year is the viewed year or earlier.
    Overdue,
    /// The file's dates cannot tell which of the others: a date that
    /// matters at this view is unreadable, or `completed` comes before
    /// `started`. Never counted as any of the others.
    Unknown,
}

impl StatusClass {
    /// Every class, in legend order.
    pub const ALL: [StatusClass; 5] = [
        StatusClass::Done,
        StatusClass::InProgress,
        StatusClass::NotStarted,
        StatusClass::Overdue,
        StatusClass::Unknown,
    ];

    /// The class's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            StatusClass::Done => "已完成",
            StatusClass::InProgress => "在建",
            StatusClass::NotStarted => "未开工",
            StatusClass::Overdue => "逾期",
            StatusClass::Unknown => "不明",
        }
    }

    /// The class's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            StatusClass::Done => "Done",
            StatusClass::InProgress => "In progress",
            StatusClass::NotStarted => "Not started",
            StatusClass::Overdue => "Overdue",
            StatusClass::Unknown => "Unknown",
        }
    }
}

impl Status {
    /// Overdue wins over in-progress / not-started for display.
    pub fn class(self) -> StatusClass {
        match (self.doubtful, self.progress, self.overdue) {
            (true, ..) | (false, Progress::Unknown, false) => StatusClass::Unknown,
            (false, Progress::Done, _) => StatusClass::Done,
            (false, _, true) => StatusClass::Overdue,
            (false, Progress::InProgress, false) => StatusClass::InProgress,
            (false, Progress::NotStarted, false) => StatusClass::NotStarted,
        }
    }

    /// The status the dates give when every one of them is known.
    fn plain(started: bool, completed: bool, due: bool) -> Status {
        let progress = if completed {
            Progress::Done
        } else if started {
            Progress::InProgress
        } else {
            Progress::NotStarted
        };
        Status { progress, overdue: progress != Progress::Done && due, doubtful: false }
    }
}

fn by(date: Option<&PlanDate>, cutoff: i32) -> bool {
    date.is_some_and(|d| d.year <= cutoff)
}

/// What a timing field says at a view: surely yes, surely no, or it cannot
/// tell (unreadable, or contradicted by the other date).
fn either(sure: Option<bool>) -> &'static [bool] {
    match sure {
        Some(true) => &[true],
        Some(false) => &[false],
        None => &[false, true],
    }
}

impl Site {
    /// Status at the end of the viewed year.
    ///
    /// ```
    /// use binzhou_core::model::{Progress, Site, YearView};
    /// let mut s = Site::new_for_test("a", "某口袋公园");
    /// s.plan_year = Some(2020);
    /// s.started = Some("2020-05".parse().unwrap());
    /// s.completed = Some("2021-04".parse().unwrap());
    /// let at2020 = s.status(YearView::EndOf(2020));
    /// assert_eq!(at2020.progress, Progress::InProgress);
    /// assert!(at2020.overdue);
    /// assert_eq!(s.status(YearView::EndOf(2021)).progress, Progress::Done);
    /// ```
    ///
    /// A date the file gave but that cannot be read, or a `completed` before
    /// `started`, leaves the status [doubtful](Status::doubtful) wherever
    /// that date could change it, and only there:
    ///
    /// ```
    /// use binzhou_core::model::{Site, StatusClass, Timing, YearView};
    /// let mut s = Site::new_for_test("a", "某口袋公园");
    /// s.plan_year = Some(2022);
    /// s.started = Some("2021-05".parse().unwrap());
    /// s.mark_unreadable(Timing::Completed); // "completed": "2021-13-45"
    /// // Before the work started, the completion cannot have happened.
    /// assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::NotStarted);
    /// // From then on it may have: done, or in progress, or overdue.
    /// assert_eq!(s.status(YearView::EndOf(2021)).class(), StatusClass::Unknown);
    /// assert_eq!(s.status(YearView::Latest).class(), StatusClass::Unknown);
    /// ```
    pub fn status(&self, view: YearView) -> Status {
        let cutoff = view.cutoff();
        let due = self.plan_year.is_some_and(|py| py <= cutoff);
        let (started, completed) = (by(self.started.as_ref(), cutoff), by(self.completed.as_ref(), cutoff));
        if !self.timing_in_doubt() {
            return Status::plain(started, completed, due);
        }
        // Each field: surely happened by the view, surely not, or cannot tell.
        // Contradictory dates count for nothing before the earlier of them.
        let contradicted = match (self.started, self.completed) {
            (Some(s), Some(c)) if c.surely_before(&s) => cutoff >= s.year.min(c.year),
            _ => false,
        };
        let started_sure = (!self.unreadable(Timing::Started) && !contradicted).then_some(started);
        let completed_sure = if self.unreadable(Timing::Completed) {
            // Work is not completed before it starts.
            self.started.filter(|s| !self.unreadable(Timing::Started) && s.year > cutoff).map(|_| false)
        } else {
            (!contradicted).then_some(completed)
        };
        let due_sure = (!self.unreadable(Timing::PlanYear)).then_some(due);
        // What every possibility agrees on; doubtful when their classes differ.
        let mut seen: Option<(Status, StatusClass)> = None;
        let mut doubtful = false;
        for &s in either(started_sure) {
            for &c in either(completed_sure) {
                for &d in either(due_sure) {
                    let st = Status::plain(s, c, d);
                    seen = Some(match seen {
                        None => (st, st.class()),
                        Some((prev, first)) => {
                            doubtful |= st.class() != first;
                            let progress = if prev.progress == st.progress { st.progress } else { Progress::Unknown };
                            (Status { progress, overdue: prev.overdue && st.overdue, doubtful: false }, first)
                        }
                    });
                }
            }
        }
        let (st, _) = seen.unwrap_or((Status::plain(started, completed, due), StatusClass::Unknown));
        Status { doubtful, ..st }
    }

    /// Whether this site has any plan timing at all (reference features do not).
    pub fn has_schedule(&self) -> bool {
        self.plan_year.is_some() || self.started.is_some() || self.completed.is_some() || self.timing_in_doubt()
    }
}

/// What changed for one site between the previous view and this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Done now, and not done at the previous view.
    NewlyDone,
    /// Overdue now, and not overdue at the previous view (and not done).
    NewlyOverdue,
}

impl Site {
    /// What changed for this site since the previous view ([`YearView::previous`]);
    /// `None` when nothing did, or there is no previous view.
    pub fn change_since_previous(&self, view: YearView) -> Option<Change> {
        let prev = view.previous()?;
        let (a, b) = (self.status(prev), self.status(view));
        if a.doubtful || b.doubtful {
            return None;
        }
        if b.progress == Progress::Done && a.progress != Progress::Done {
            Some(Change::NewlyDone)
        } else if b.overdue && !a.overdue {
            Some(Change::NewlyOverdue)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(plan: Option<i32>, started: Option<&str>, completed: Option<&str>) -> Site {
        let mut s = Site::new_for_test("x", "x");
        s.plan_year = plan;
        s.started = started.map(|d| d.parse().unwrap());
        s.completed = completed.map(|d| d.parse().unwrap());
        s
    }

    #[test]
    fn a_site_done_within_its_plan_year_is_never_overdue() {
        let s = site(Some(2020), Some("2020-04"), Some("2020-11-30"));
        for v in YearView::PLAN_YEARS {
            assert_eq!(s.status(v).class(), StatusClass::Done);
        }
    }

    #[test]
    fn a_late_site_is_overdue_at_its_plan_year_and_done_the_next() {
        let s = site(Some(2021), Some("2021-03"), Some("2022-06"));
        assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::NotStarted);
        assert_eq!(s.status(YearView::EndOf(2021)).class(), StatusClass::Overdue);
        assert_eq!(s.status(YearView::EndOf(2022)).class(), StatusClass::Done);
        assert_eq!(s.change_since_previous(YearView::EndOf(2021)), Some(Change::NewlyOverdue));
        assert_eq!(s.change_since_previous(YearView::EndOf(2022)), Some(Change::NewlyDone));
    }

    #[test]
    fn a_site_not_started_before_its_plan_year_is_not_started_not_overdue() {
        let s = site(Some(2022), None, None);
        assert_eq!(s.status(YearView::EndOf(2021)).class(), StatusClass::NotStarted);
        assert_eq!(s.status(YearView::EndOf(2022)).class(), StatusClass::Overdue);
        assert_eq!(s.status(YearView::Latest).class(), StatusClass::Overdue);
    }

    fn unreadable(mut s: Site, t: Timing) -> Site {
        s.mark_unreadable(t);
        s
    }

    #[test]
    fn an_unreadable_completion_is_unknown_from_the_start_of_work_on() {
        let s = unreadable(site(Some(2021), Some("2021-03"), None), Timing::Completed);
        assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::NotStarted);
        for v in [YearView::EndOf(2021), YearView::EndOf(2022), YearView::Latest] {
            assert_eq!(s.status(v).class(), StatusClass::Unknown, "{v:?}");
            assert!(!s.status(v).overdue, "an unknown site is never counted overdue");
        }
        assert_eq!(s.change_since_previous(YearView::EndOf(2021)), None);
    }

    #[test]
    fn an_unreadable_start_of_a_completed_site_is_known_once_it_is_done() {
        let s = unreadable(site(Some(2022), None, Some("2021-08")), Timing::Started);
        assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::Unknown);
        assert_eq!(s.status(YearView::EndOf(2021)).class(), StatusClass::Done);
    }

    #[test]
    fn an_unreadable_start_past_the_plan_year_is_still_overdue() {
        // Started or not, it was due by 2021 and not completed.
        let s = unreadable(site(Some(2021), None, None), Timing::Started);
        assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::Unknown);
        let at2021 = s.status(YearView::EndOf(2021));
        assert_eq!(at2021.class(), StatusClass::Overdue);
        assert_eq!(at2021.progress, Progress::Unknown);
    }

    #[test]
    fn an_unreadable_plan_year_leaves_only_completed_sites_known() {
        let open = unreadable(site(None, Some("2020-04"), None), Timing::PlanYear);
        assert_eq!(open.status(YearView::EndOf(2021)).class(), StatusClass::Unknown);
        let done = unreadable(site(None, Some("2020-04"), Some("2020-10")), Timing::PlanYear);
        assert_eq!(done.status(YearView::EndOf(2021)).class(), StatusClass::Done);
        assert!(open.has_schedule());
    }

    #[test]
    fn a_completion_before_the_start_is_unknown_from_the_earlier_year_on() {
        let s = site(Some(2022), Some("2022-03"), Some("2021-05"));
        assert_eq!(s.status(YearView::EndOf(2020)).class(), StatusClass::NotStarted);
        assert_eq!(s.status(YearView::EndOf(2021)).class(), StatusClass::Unknown);
        assert_eq!(s.status(YearView::EndOf(2022)).class(), StatusClass::Unknown);
    }

    #[test]
    fn readable_dates_are_never_doubtful() {
        let s = site(Some(2021), Some("2021-03"), Some("2022-06"));
        for v in YearView::PLAN_YEARS {
            assert!(!s.status(v).doubtful);
        }
    }

    #[test]
    fn a_site_started_in_a_later_year_is_not_started_earlier() {
        let s = site(Some(2022), Some("2022-02"), None);
        assert_eq!(s.status(YearView::EndOf(2021)).progress, Progress::NotStarted);
        assert_eq!(s.status(YearView::EndOf(2022)).progress, Progress::InProgress);
    }
}
