//! `[policy]`, `[contract]` and `[calendar]`: the contract's time limits and deductions, with the contract's
//! own figures wherever the file says nothing.

use std::time::Duration;

use chrono_tz::Tz;

use crate::config::raw::{RawCalendar, RawContract, RawLimits, RawPolicy};
use crate::policy::{Calendar, Contract, Limits, Policy};

pub(super) fn policy(p: RawPolicy, contract: RawContract, calendar: RawCalendar, timezone: Tz) -> Policy {
    let defaults = Policy::default();
    let deductions = p.deductions.as_ref();
    Policy {
        // `[contract] start`: any date (its format is checked where it is read, with the line and column).
        contract: Contract {
            start: contract.start.map(|d| d.get_ref().0),
        },
        critical: limits(p.critical, defaults.critical),
        major: limits(p.major, defaults.major),
        minor: limits(p.minor, defaults.minor),
        change_respond: p
            .change
            .and_then(|c| c.respond)
            .map(|d| chrono_duration(d.0))
            .unwrap_or(defaults.change_respond),
        security_working_days: p
            .security
            .and_then(|s| s.working_days)
            .unwrap_or(defaults.security_working_days),
        deduction_critical: deductions
            .and_then(|d| d.critical)
            .unwrap_or(defaults.deduction_critical),
        deduction_major: deductions
            .and_then(|d| d.major)
            .unwrap_or(defaults.deduction_major),
        deduction_minor: deductions
            .and_then(|d| d.minor)
            .unwrap_or(defaults.deduction_minor),
        server_report: p
            .server_report
            .map(|d| chrono_duration(d.0))
            .unwrap_or(defaults.server_report),
        calendar: Calendar::new(
            timezone,
            calendar.holidays.into_iter().map(|d| d.0).collect(),
            calendar.workdays.into_iter().map(|d| d.0).collect(),
        ),
    }
}

fn limits(raw: Option<RawLimits>, default: Limits) -> Limits {
    let Some(raw) = raw else { return default };
    Limits {
        respond: raw.respond.map(|d| chrono_duration(d.0)).or(default.respond),
        plan: raw.plan.map(|d| chrono_duration(d.0)).or(default.plan),
        recover: raw.recover.map(|d| chrono_duration(d.0)).or(default.recover),
    }
}

/// A limit too long for chrono is as good as none.
fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}
