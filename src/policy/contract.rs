//! 服务期: the contract's service period. Its start date decides which days the score counts (days before
//! the service began are not missing records) and which quarters make a half year: the seed pays on the
//! half-year score, "the mean of the first and second quarters of the service period" (服务期的第一季度和第二季度),
//! so with a service starting on 1 July the first half year is July to December.
//!
//! The store keeps its records by calendar quarter (`2026Q3`). A service starting on the first day of a
//! calendar quarter (1 January, 1 April, 1 July, 1 October) makes each service quarter exactly one of them.
//! A service starting inside a quarter counts that quarter as its first, from the start day on: its days
//! before the start are not counted, and the later service quarters are the calendar quarters that follow
//! (the seed's "first three months" then become the rest of the first calendar quarter).

use chrono::NaiveDate;

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
    fn a_start_inside_a_quarter_counts_that_quarter_from_the_start_day() {
        // Service from 15 August 2026: 2026Q3 is service quarter 1, counted from 15 August; 2026Q4 is the second.
        let c = Contract::starting(day("2026-08-15"));
        assert_eq!(c.service_quarter(q(2026, 3)), Some(1));
        assert_eq!(c.first_counted_day(q(2026, 3)), day("2026-08-15"));
        assert_eq!(c.first_counted_day(q(2026, 4)), day("2026-10-01"));
        assert_eq!(c.partner(q(2026, 3)), q(2026, 4));
    }
}
