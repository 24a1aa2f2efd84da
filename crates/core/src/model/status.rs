//! A site's status at the end of a year, derived from its dates.

use super::{PlanDate, Site};

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
}

/// Progress plus whether the plan wanted it done already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Status {
    /// How far the work has got at the view.
    pub progress: Progress,
    /// `plan_year <= Y` and not done.
    pub overdue: bool,
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
}

impl StatusClass {
    /// Every class, in legend order.
    pub const ALL: [StatusClass; 4] =
        [StatusClass::Done, StatusClass::InProgress, StatusClass::NotStarted, StatusClass::Overdue];

    /// The class's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            StatusClass::Done => "已完成",
            StatusClass::InProgress => "在建",
            StatusClass::NotStarted => "未开工",
            StatusClass::Overdue => "逾期",
        }
    }

    /// The class's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            StatusClass::Done => "Done",
            StatusClass::InProgress => "In progress",
            StatusClass::NotStarted => "Not started",
            StatusClass::Overdue => "Overdue",
        }
    }
}

impl Status {
    /// Overdue wins over in-progress / not-started for display.
    pub fn class(self) -> StatusClass {
        match (self.progress, self.overdue) {
            (Progress::Done, _) => StatusClass::Done,
            (_, true) => StatusClass::Overdue,
            (Progress::InProgress, false) => StatusClass::InProgress,
            (Progress::NotStarted, false) => StatusClass::NotStarted,
        }
    }
}

fn by(date: Option<&PlanDate>, cutoff: i32) -> bool {
    date.is_some_and(|d| d.year <= cutoff)
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
    pub fn status(&self, view: YearView) -> Status {
        let cutoff = view.cutoff();
        let progress = if by(self.completed.as_ref(), cutoff) {
            Progress::Done
        } else if by(self.started.as_ref(), cutoff) {
            Progress::InProgress
        } else {
            Progress::NotStarted
        };
        let overdue = progress != Progress::Done && self.plan_year.is_some_and(|py| py <= cutoff);
        Status { progress, overdue }
    }

    /// Whether this site has any plan timing at all (reference features do not).
    pub fn has_schedule(&self) -> bool {
        self.plan_year.is_some() || self.started.is_some() || self.completed.is_some()
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

    #[test]
    fn a_site_started_in_a_later_year_is_not_started_earlier() {
        let s = site(Some(2022), Some("2022-02"), None);
        assert_eq!(s.status(YearView::EndOf(2021)).progress, Progress::NotStarted);
        assert_eq!(s.status(YearView::EndOf(2022)).progress, Progress::InProgress);
    }
}
