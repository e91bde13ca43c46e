//! The working-day calendar: weekends and holidays off, make-up workdays (调休) on.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::new(chrono_tz::Asia::Shanghai, Vec::new(), Vec::new())
    }
}

impl Calendar {
    pub fn new(zone: Tz, holidays: Vec<NaiveDate>, workdays: Vec<NaiveDate>) -> Self {
        Self {
            zone,
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        }
    }

    /// A make-up workday wins over everything; then holidays and weekends are off.
    pub fn is_workday(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The same local time of day `n` working days after `start`'s local date.
    pub fn add_working_days(&self, start: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let local = start.with_timezone(&self.zone);
        let time = local.time();
        let mut day = local.date_naive();
        let mut counted = 0;
        while counted < n {
            day = day.succ_opt().unwrap_or(day);
            if self.is_workday(day) {
                counted += 1;
            }
        }
        match self.zone.from_local_datetime(&day.and_time(time)).earliest() {
            Some(due) => due.with_timezone(&Utc),
            // A local time that does not exist (a DST gap) falls back to the elapsed calendar days.
            None => start + Duration::days((day - local.date_naive()).num_days()),
        }
    }

    /// The local calendar day an instant falls on (the daily-record day boundary).
    pub fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }
}
