//! 运维季度报告: the quarterly maintenance record the contract asks for — availability per subsystem, every
//! fault with its times against the deadlines and its archive (cause, process, solution), the other tickets,
//! host alarms, ledger and backup-check coverage, the engineer's advice and the assessment score. Back-dated
//! actions are flagged wherever they appear.

mod csv;
mod markdown;
pub mod stream;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::score::{self, Score};
use crate::config::Config;
use crate::model::{
    Actor, AdviceRecord, AutoSource, DeadlineStatus, Incident, MonthlyRecord, Quarter, State, SubsystemDay,
};
use crate::policy::{Kind, Severity};
use crate::store::{StoreError, StoreReader, TreeName};

pub use self::csv::csv;
pub use self::markdown::markdown;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterlyReport {
    pub platform: String,
    pub timezone: Tz,
    pub quarter: Quarter,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub generated_at: DateTime<Utc>,
    pub generated_by: Actor,
    pub availability: Vec<SubsystemDay>,
    /// Every incident detected in the quarter, by number.
    pub incidents: Vec<IncidentRow>,
    pub host_alarms: Vec<HostAlarm>,
    pub ledger: LedgerCoverage,
    pub monthly: Vec<MonthlyRecord>,
    pub advice: Option<AdviceRecord>,
    pub score: Score,
    /// The audit chain head (sequence:hash) when this was made: `watchdesk audit verify --expect` it later to
    /// prove the log was not cut back or rewritten since.
    #[serde(default)]
    pub audit_head: Option<crate::store::AuditHead>,
    /// Availability per day and p95 per week of each subsystem, for the charts.
    #[serde(default)]
    pub series: crate::report::series::QuarterSeries,
}

impl QuarterlyReport {
    pub fn faults(&self) -> impl Iterator<Item = &IncidentRow> {
        self.incidents.iter().filter(|i| i.kind == Kind::Fault)
    }

    /// Change requests, support and security tickets.
    pub fn tickets(&self) -> impl Iterator<Item = &IncidentRow> {
        self.incidents.iter().filter(|i| i.kind != Kind::Fault)
    }

    pub fn backdated(&self) -> impl Iterator<Item = (&IncidentRow, &Backdated)> {
        self.incidents
            .iter()
            .flat_map(|i| i.backdated.iter().map(move |b| (i, b)))
    }
}

/// One incident or ticket as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRow {
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    pub title: String,
    pub subsystem: Option<String>,
    pub source: Option<AutoSource>,
    pub state: State,
    pub detected_at: DateTime<Utc>,
    pub detected_by: Actor,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub planned_at: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<Actor>,
    /// Each deadline: due, and when it was met or how late.
    pub deadlines: Vec<DeadlineStatus>,
    pub late: bool,
    /// What it costs the score (faults only).
    pub deduction: f64,
    pub plan: Option<String>,
    pub cause: Option<String>,
    pub process: Option<String>,
    pub solution: Option<String>,
    pub backdated: Vec<Backdated>,
}

/// A step logged well after it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backdated {
    pub step: String,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: Actor,
}

/// An incident a host gauge opened (server inspection fault), and whether it was reported within the limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostAlarm {
    pub id: String,
    pub host: String,
    pub gauge: String,
    pub severity: Severity,
    pub detected_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
    /// `None` while still inside the reporting window.
    pub reported_in_time: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerCoverage {
    pub days_counted: u32,
    pub days_in_quarter: u32,
    pub recorded: u32,
    pub anomaly_checked: u32,
    pub archive_done: u32,
    /// Days whose record shows every backup check passing, and days whose record has backup results at all.
    pub backups_ok: u32,
    pub backups_known: u32,
    /// Counted days without a record.
    pub missing: Vec<NaiveDate>,
    /// Months of the quarter (up to now) with no on-site inspection, `YYYY-MM`.
    pub months_without_inspection: Vec<String>,
}

/// Builds the report of `quarter` as of `now`. Reads only; recording that it was produced is the engine's job.
pub fn build(
    store: &StoreReader,
    config: &Config,
    quarter: Quarter,
    now: DateTime<Utc>,
    by: &Actor,
) -> Result<QuarterlyReport, StoreError> {
    let (mut rows, mut host_alarms, mut late_faults) = (Vec::new(), Vec::new(), Vec::new());
    let report = build_passing(store, config, quarter, now, by, |row, alarm, late| {
        rows.push(row);
        host_alarms.extend(alarm);
        late_faults.extend(late);
    })?;
    Ok(QuarterlyReport {
        incidents: rows,
        host_alarms,
        score: Score {
            faults: late_faults,
            ..report.score
        },
        ..report
    })
}

/// [`build`] without the quarter's incidents, host alarms and late faults: each incident's row (with its alarm,
/// if a host gauge opened it, and its cost, if it is a fault that missed a deadline) is handed to `each` as it
/// is read, in the order the report lists them, and not kept. The score's list of late faults is left empty.
pub fn build_passing(
    store: &StoreReader,
    config: &Config,
    quarter: Quarter,
    now: DateTime<Utc>,
    by: &Actor,
    mut each: impl FnMut(IncidentRow, Option<HostAlarm>, Option<score::FaultCost>),
) -> Result<QuarterlyReport, StoreError> {
    let policy = &config.policy;
    let cal = &policy.calendar;
    let (start, end) = (
        quarter.start(cal.zone),
        quarter.end(cal.zone).min(now).max(quarter.start(cal.zone)),
    );
    let mut availability = Vec::with_capacity(config.subsystems.len());
    for sub in &config.subsystems {
        availability.push(crate::report::daily::subsystem_period(
            store,
            config,
            sub,
            (start, end),
            now,
        )?);
    }
    // One pass over the year: the quarter's incidents become report rows as they are read, and both quarters
    // of the half-year are tallied for the score; no quarter's incidents are held. Of the other quarter only
    // the counts are kept: its score gives the half-year's mean, and its list of late faults is not shown.
    let partner = quarter.partner();
    let mut tallies = [score::IncidentTally::default(), score::IncidentTally::default()];
    score::for_each_incident_of(store, [quarter, partner], cal.zone, |n, i| {
        if n == 0 {
            tallies[0].add(&i, policy, now);
            // Its cost goes with its row: the tally keeps the counts only.
            let late = tallies[0].take_costs().pop();
            each(row(&i, config, now), host_alarm(&i, policy, now), late);
        } else {
            tallies[1].merge_counts(&score::IncidentTally::one(&i, policy, now));
        }
    })?;
    let records = score::records_besides_incidents(store, quarter)?;
    let other_records = score::records_besides_incidents(store, partner)?;
    let [this_tally, other_tally] = &tallies;
    let score = score::with_half_year_tallied(
        (&records.input(quarter, now, policy), this_tally),
        (&other_records.input(partner, now, policy), other_tally),
    );
    let today = cal.local_day(now);
    // Days before the service start are not missing records (see `Contract`).
    let first = policy.contract.first_counted_day(quarter);
    let days = score::quarter_days_from(quarter, first, today, &records.daily);
    let counted: Vec<NaiveDate> = first.iter_days().take(days.counted as usize).collect();
    let in_counted: Vec<_> = records
        .daily
        .iter()
        .filter(|r| counted.contains(&r.date))
        .collect();
    let ledger = LedgerCoverage {
        days_counted: days.counted,
        days_in_quarter: quarter.num_days(),
        recorded: days.recorded.len() as u32,
        anomaly_checked: days.anomaly_checked as u32,
        archive_done: days.archive_done as u32,
        backups_ok: in_counted
            .iter()
            .filter(|r| r.figures.backups_ok() == Some(true))
            .count() as u32,
        backups_known: in_counted
            .iter()
            .filter(|r| r.figures.backups_ok().is_some())
            .count() as u32,
        missing: counted
            .into_iter()
            .filter(|d| !days.recorded.contains(d))
            .collect(),
        months_without_inspection: Vec::new(),
    };
    let monthly = store
        .tree(TreeName::Monthly)
        .range(
            MonthlyRecord::key(quarter.first_day()).as_bytes()
                ..=MonthlyRecord::key(quarter.last_day()).as_bytes(),
        )
        .values()
        .map(|v| {
            let v = v?;
            serde_json::from_slice::<MonthlyRecord>(&v).map_err(|e| StoreError::Corrupt {
                tree: "monthly",
                key: String::new(),
                reason: e.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut ledger = ledger;
    let mut months: Vec<String> = Vec::new();
    for day in quarter.days().filter(|d| *d <= today) {
        let month = day.format("%Y-%m").to_string();
        if months.last() != Some(&month) {
            months.push(month);
        }
    }
    ledger.months_without_inspection = months
        .into_iter()
        .filter(|m| !monthly.iter().any(|r| r.date.format("%Y-%m").to_string() == *m))
        .collect();
    let advice = store.get_json(TreeName::Scores, AdviceRecord::key(quarter).as_bytes())?;
    Ok(QuarterlyReport {
        platform: config.platform.name.clone(),
        timezone: cal.zone,
        quarter,
        first_day: quarter.first_day(),
        last_day: quarter.last_day(),
        generated_at: now,
        generated_by: by.clone(),
        availability,
        incidents: Vec::new(),
        host_alarms: Vec::new(),
        ledger,
        monthly,
        advice,
        score,
        audit_head: Some(store.chain_head()?),
        series: crate::report::series::build(store, config, quarter, now)?,
    })
}

/// An incident a host gauge opened, and whether it was reported within the limit.
fn host_alarm(i: &Incident, policy: &crate::policy::Policy, now: DateTime<Utc>) -> Option<HostAlarm> {
    let Some(AutoSource::Host { name, gauge }) = &i.source else {
        return None;
    };
    let reported_at = i.acknowledged.as_ref().map(|s| s.at);
    let limit = i.detected_at + policy.server_report;
    Some(HostAlarm {
        id: i.id.to_string(),
        host: name.clone(),
        gauge: gauge.clone(),
        severity: i.severity,
        detected_at: i.detected_at,
        reported_at,
        reported_in_time: match reported_at {
            Some(at) => Some(at <= limit),
            None if now > limit => Some(false),
            None => None,
        },
    })
}

fn row(i: &Incident, config: &Config, now: DateTime<Utc>) -> IncidentRow {
    let policy = &config.policy;
    IncidentRow {
        id: i.id.to_string(),
        kind: i.kind,
        severity: i.severity,
        title: i.title.clone(),
        subsystem: i.subsystem.clone(),
        source: i.source.clone(),
        state: i.state(),
        detected_at: i.detected_at,
        detected_by: i.opened.actor.clone(),
        acknowledged_at: i.acknowledged.as_ref().map(|s| s.at),
        planned_at: i.planned.as_ref().map(|s| s.at),
        restored_at: i.restored_at,
        resolved_at: i.resolved.as_ref().map(|s| s.at),
        resolved_by: i.resolved.as_ref().map(|s| s.actor.clone()),
        deadlines: i.deadlines(policy, now),
        late: i.is_breached(policy, now),
        deduction: i.deduction(policy, now),
        plan: i.plan.clone(),
        cause: i.resolution.as_ref().map(|r| r.cause.clone()),
        process: i.resolution.as_ref().map(|r| r.process.clone()),
        solution: i.resolution.as_ref().and_then(|r| r.solution.clone()),
        backdated: i
            .backdated_steps()
            .into_iter()
            .map(|(step, s)| Backdated {
                step: step.to_string(),
                at: s.at,
                recorded_at: s.recorded_at,
                by: s.actor.clone(),
            })
            .collect(),
    }
}

/// The report as JSON (without a final newline).
pub fn json(report: &QuarterlyReport) -> String {
    let mut text =
        String::from_utf8_lossy(&stream::in_memory(report, crate::report::Format::Json)).into_owned();
    text.pop();
    text
}
