//! 季度: the assessment period. The contract scores each quarter; days are local days in the platform zone.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RecordError;

/// A calendar quarter, written `2026Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// The quarter a local day belongs to.
    pub fn of_day(day: NaiveDate) -> Quarter {
        Quarter {
            year: day.year(),
            q: (day.month0() / 3 + 1) as u8,
        }
    }

    /// The quarter an instant falls in, in `zone`.
    pub fn of(at: DateTime<Utc>, zone: Tz) -> Quarter {
        Quarter::of_day(at.with_timezone(&zone).date_naive())
    }

    pub fn first_day(self) -> NaiveDate {
        let month = (self.q.clamp(1, 4) as u32 - 1) * 3 + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Quarter {
        if self.q >= 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn prev(self) -> Quarter {
        if self.q <= 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    pub fn num_days(self) -> u32 {
        ((self.last_day() - self.first_day()).num_days() + 1) as u32
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&day)
    }

    /// Every local day of the quarter, in order.
    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        self.first_day().iter_days().take(self.num_days() as usize)
    }

    /// The first instant of the quarter: local midnight of its first day.
    pub fn start(self, zone: Tz) -> DateTime<Utc> {
        day_start(zone, self.first_day())
    }

    /// The first instant after the quarter.
    pub fn end(self, zone: Tz) -> DateTime<Utc> {
        day_start(zone, self.next().first_day())
    }

    /// 1 for the first half of the year (Q1, Q2), 2 for the second.
    pub fn half(self) -> u8 {
        if self.q <= 2 { 1 } else { 2 }
    }

    /// The other quarter of the same half year: the half-year score is the mean of the two.
    pub fn partner(self) -> Quarter {
        let q = match self.q {
            1 => 2,
            2 => 1,
            3 => 4,
            _ => 3,
        };
        Quarter { year: self.year, q }
    }
}

/// Local midnight of `day` in `zone`; where midnight does not exist (a DST gap), the first instant that does.
pub fn day_start(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut time = day.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(t) = zone.from_local_datetime(&time).earliest() {
            return t.with_timezone(&Utc);
        }
        time += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || RecordError::BadQuarter(s.to_string());
        let upper = s.trim().to_ascii_uppercase();
        let (year, q) = upper.split_once('Q').ok_or_else(bad)?;
        let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1970..=9999).contains(&year) || !(1..=4).contains(&q) {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
