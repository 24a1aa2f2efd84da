//! Plan dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept at the precision given.

use super::Bilingual;
use std::fmt;
use std::str::FromStr;

/// A date as written in the data, with its precision kept.
///
/// ```
/// use binzhou_core::model::PlanDate;
/// let d: PlanDate = "2021-06".parse().unwrap();
/// assert_eq!(d.year, 2021);
/// assert_eq!(d.to_string(), "2021-06");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlanDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, when given.
    pub month: Option<u8>,
    /// The day of the month, when given (only with a month).
    pub day: Option<u8>,
}

impl PlanDate {
    /// A date precise to the day.
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        Self { year, month: Some(month), day: Some(day) }
    }

    /// The earliest day this date can mean, as (y, m, d).
    pub fn earliest(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The latest day this date can mean, as (y, m, d).
    pub fn latest(&self) -> (i32, u8, u8) {
        let m = self.month.unwrap_or(12);
        (self.year, m, self.day.unwrap_or(days_in_month(self.year, m)))
    }

    /// True when this date surely lies before `other` (whatever days the
    /// less precise of the two stands for).
    pub fn surely_before(&self, other: &PlanDate) -> bool {
        self.latest() < other.earliest()
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Why a date string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (holds the text as given).
    #[error("'{0}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")]
    Form(String),
    /// The month is outside 1–12 (holds the text as given).
    #[error("'{0}' has a month outside 1-12")]
    Month(String),
    /// The day does not exist in that month (holds the text as given).
    #[error("'{0}' has a day that month does not have")]
    Day(String),
    /// The year is outside 1900–2100 (holds the text as given).
    #[error("'{0}' has a year outside 1900-2100")]
    Year(String),
}

impl Bilingual for DateError {
    /// The same in Chinese.
    fn zh(&self) -> String {
        match self {
            DateError::Form(s) => format!("“{s}”不是 YYYY、YYYY-MM 或 YYYY-MM-DD 形式的日期"),
            DateError::Month(s) => format!("“{s}”的月份不在 1–12 之间"),
            DateError::Day(s) => format!("“{s}”的日期在该月不存在"),
            DateError::Year(s) => format!("“{s}”的年份不在 1900–2100 之间"),
        }
    }
}

impl FromStr for PlanDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
        let num = |p: &str, len: std::ops::RangeInclusive<usize>| -> Result<u32, DateError> {
            if !len.contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateError::Form(s.to_string()));
            }
            p.parse::<u32>().map_err(|_| DateError::Form(s.to_string()))
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err(DateError::Form(s.to_string()));
        }
        let year = num(parts[0], 4..=4)? as i32;
        if !(1900..=2100).contains(&year) {
            return Err(DateError::Year(s.to_string()));
        }
        let month = match parts.get(1) {
            Some(p) => {
                let m = num(p, 1..=2)?;
                if !(1..=12).contains(&m) {
                    return Err(DateError::Month(s.to_string()));
                }
                Some(m as u8)
            }
            None => None,
        };
        let day = match parts.get(2) {
            Some(p) => {
                let d = num(p, 1..=2)?;
                let m = month.unwrap_or(1);
                if d == 0 || d > days_in_month(year, m) as u32 {
                    return Err(DateError::Day(s.to_string()));
                }
                Some(d as u8)
            }
            None => None,
        };
        Ok(PlanDate { year, month, day })
    }
}

impl fmt::Display for PlanDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_precisions_parse_and_print_back() {
        for s in ["2020", "2021-06", "2022-12-31"] {
            assert_eq!(s.parse::<PlanDate>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        assert!(matches!("2021-13".parse::<PlanDate>(), Err(DateError::Month(_))));
        assert!(matches!("2021-02-30".parse::<PlanDate>(), Err(DateError::Day(_))));
        assert!(matches!("soon".parse::<PlanDate>(), Err(DateError::Form(_))));
        assert!(matches!("3020-01".parse::<PlanDate>(), Err(DateError::Year(_))));
    }

    #[test]
    fn a_year_is_not_surely_before_a_day_in_it() {
        let y: PlanDate = "2021".parse().unwrap();
        let d: PlanDate = "2021-03-01".parse().unwrap();
        assert!(!y.surely_before(&d));
        assert!(!d.surely_before(&y));
        assert!(PlanDate::ymd(2020, 12, 31).surely_before(&y));
    }
}
