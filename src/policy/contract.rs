//! 服务期: the contract's service period. Its start date decides which days the score counts (days before
//! the service began are not missing records) and which quarters make a half year: the seed pays on the
//! half-year score, "the mean of the first and second quarters of the service period" (服务期的第一季度和第二季度),
//! so with a service starting on 1 July the first half year is July to December.
//!
//! The start must be the first day of a calendar quarter (1 January, 1 April, 1 July or 1 October): the store
//! keeps its records by calendar quarter (`2026Q3`), and a service quarter is then exactly one of them.

use chrono::{Datelike, NaiveDate};

use crate::model::Quarter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Contract {
    /// `[contract] start`: the first day of service. Without it every day of a quarter counts and half years
    /// are calendar halves (Q1 + Q2, Q3 + Q4).
    pub start: Option<NaiveDate>,
}

impl Contract {
    pub fn starting(start: NaiveDate) -> Contract {
        Contract { start: Some(start) }
    }

    /// A start the store's quarters can follow: the first day of a calendar quarter.
    pub fn is_quarter_start(day: NaiveDate) -> bool {
        day.day() == 1 && matches!(day.month(), 1 | 4 | 7 | 10)
    }

    /// 服务期第 N 季度: 1 for the quarter the service starts in, 2 for the next, …; `None` without a start or
    /// for a quarter before it.
    pub fn service_quarter(&self, quarter: Quarter) -> Option<u32> {
        let start = Quarter::of_day(self.start?);
        let index = |q: Quarter| q.year as i64 * 4 + q.q as i64 - 1;
        let n = index(quarter) - index(start) + 1;
        u32::try_from(n).ok().filter(|n| *n >= 1)
    }

    /// The other quarter of `quarter`'s half year: service quarters 1 + 2, 3 + 4, …; calendar halves when the
    /// service start is not set or the quarter is before it.
    pub fn partner(&self, quarter: Quarter) -> Quarter {
        match self.service_quarter(quarter) {
            Some(n) if n % 2 == 1 => quarter.next(),
            Some(_) => quarter.prev(),
            None => quarter.partner(),
        }
    }

    /// The first day of `quarter` the score counts: the service start when it falls inside the quarter.
    pub fn first_counted_day(&self, quarter: Quarter) -> NaiveDate {
        match self.start {
            Some(start) if start > quarter.first_day() => start,
            _ => quarter.first_day(),
        }
    }

    /// The half year's name: `2026H2` for calendar halves, `2026Q3–2026Q4` for a service half year.
    pub fn half_label(&self, quarter: Quarter) -> String {
        match self.service_quarter(quarter) {
            Some(_) => {
                let (a, b) = ordered(quarter, self.partner(quarter));
                format!("{a}–{b}")
            }
            None => format!("{}H{}", quarter.year, quarter.half()),
        }
    }
}

fn ordered(a: Quarter, b: Quarter) -> (Quarter, Quarter) {
    if a <= b { (a, b) } else { (b, a) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(year: i32, q: u8) -> Quarter {
        Quarter { year, q }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn service_quarters_count_from_the_start() {
        // Service from 1 April 2026: 2026Q2 is the first service quarter, 2026Q3 the second, 2027Q1 the fourth.
        let c = Contract::starting(day("2026-04-01"));
        assert_eq!(c.service_quarter(q(2026, 1)), None);
        assert_eq!(c.service_quarter(q(2026, 2)), Some(1));
        assert_eq!(c.service_quarter(q(2026, 3)), Some(2));
        assert_eq!(c.service_quarter(q(2027, 1)), Some(4));
        // Half years pair service quarters 1 + 2 (2026Q2 + 2026Q3), 3 + 4 (2026Q4 + 2027Q1), not calendar halves.
        assert_eq!(c.partner(q(2026, 2)), q(2026, 3));
        assert_eq!(c.partner(q(2026, 3)), q(2026, 2));
        assert_eq!(c.partner(q(2026, 4)), q(2027, 1));
        assert_eq!(c.partner(q(2027, 1)), q(2026, 4));
        assert_eq!(c.half_label(q(2027, 1)), "2026Q4–2027Q1");
        // Before the service: calendar halves.
        assert_eq!(c.partner(q(2026, 1)), q(2026, 2));
        assert_eq!(Contract::default().half_label(q(2026, 4)), "2026H2");
    }

    #[test]
    fn only_quarter_starts_are_accepted() {
        assert!(Contract::is_quarter_start(day("2026-07-01")));
        assert!(!Contract::is_quarter_start(day("2026-08-01")));
        assert!(!Contract::is_quarter_start(day("2026-07-02")));
    }
}
