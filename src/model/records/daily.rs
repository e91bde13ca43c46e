//! 日台账: one record per local day. The figures are filled in by watchdesk; the engineer confirms the two
//! checks the contract names (校核云平台数据是否异常, 日常数据库整理入库存档) and adds notes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{RecordError, optional};
use crate::model::Actor;
use crate::policy::Stage;

/// The daily record as stored under its `YYYY-MM-DD` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyRecord {
    pub date: NaiveDate,
    /// 校核云平台数据是否异常: the platform's data was checked for anomalies.
    pub anomaly_checked: bool,
    #[serde(default)]
    pub anomaly_note: Option<String>,
    /// 日常数据库整理入库存档: the day's database archive was done.
    #[serde(default)]
    pub archive_done: bool,
    #[serde(default)]
    pub notes: Option<String>,
    /// The figures as they stood when the record was (last) saved.
    #[serde(default)]
    pub figures: DailyFigures,
    pub saved_at: DateTime<Utc>,
    pub saved_by: Actor,
    /// 1 for the first save, one more for each amendment.
    #[serde(default = "one")]
    pub revision: u32,
    /// The audit chain head (sequence:hash) when this was made: `watchdesk audit verify --expect` it later to
    /// prove the log was not cut back or rewritten since.
    #[serde(default)]
    pub audit_head: Option<crate::store::AuditHead>,
}

fn one() -> u32 {
    1
}

/// What the engineer enters. `None` keeps the earlier value on an amendment (and means "no" / empty on the
/// first save), so a correction of one field does not wipe the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DailyEntry {
    pub anomaly_checked: bool,
    pub anomaly_note: Option<String>,
    pub archive_done: Option<bool>,
    pub notes: Option<String>,
}

impl DailyRecord {
    /// The record after saving `entry` over `previous` (if any). Days after `today` are refused.
    pub fn save(
        previous: Option<&DailyRecord>,
        date: NaiveDate,
        today: NaiveDate,
        entry: DailyEntry,
        figures: DailyFigures,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<DailyRecord, RecordError> {
        if date > today {
            return Err(RecordError::FutureDate { date, today });
        }
        let keep = |new: Option<String>, old: Option<&Option<String>>| match new {
            Some(text) => optional(Some(&text)),
            None => old.cloned().flatten(),
        };
        Ok(DailyRecord {
            date,
            anomaly_checked: entry.anomaly_checked,
            anomaly_note: keep(entry.anomaly_note, previous.map(|p| &p.anomaly_note)),
            archive_done: entry
                .archive_done
                .or(previous.map(|p| p.archive_done))
                .unwrap_or(false),
            notes: keep(entry.notes, previous.map(|p| &p.notes)),
            figures,
            saved_at: now,
            saved_by: actor.clone(),
            revision: previous.map(|p| p.revision + 1).unwrap_or(1),
            audit_head: None,
        })
    }

    pub fn key(date: NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }
}

/// Everything watchdesk fills in for a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DailyFigures {
    /// When they were computed; `None` for an empty default.
    #[serde(default)]
    pub computed_at: Option<DateTime<Utc>>,
    /// The day was over when they were computed (otherwise they cover the day so far).
    #[serde(default)]
    pub complete: bool,
    #[serde(default)]
    pub subsystems: Vec<SubsystemDay>,
    /// Peaks seen by the process that saved the record; `None` when it watched no host that day.
    #[serde(default)]
    pub hosts: Option<Vec<HostPeak>>,
    /// Incident ids detected, acknowledged and resolved that day.
    #[serde(default)]
    pub opened: Vec<String>,
    #[serde(default)]
    pub acknowledged: Vec<String>,
    #[serde(default)]
    pub resolved: Vec<String>,
    /// Deadlines due that day that were (or are being) missed.
    #[serde(default)]
    pub deadlines_missed: Vec<MissedDeadline>,
    /// 数据备份: the backup (file) checks' last results; `None` when no process watched them.
    #[serde(default)]
    pub backups: Option<Vec<BackupCheck>>,
}

impl DailyFigures {
    /// All backup checks passed; `None` when unknown or none are configured.
    pub fn backups_ok(&self) -> Option<bool> {
        match &self.backups {
            Some(checks) if !checks.is_empty() => {
                if checks.iter().any(|c| c.ok.is_none()) {
                    None
                } else {
                    Some(checks.iter().all(|c| c.ok == Some(true)))
                }
            }
            _ => None,
        }
    }
}

/// 可用性 and response time of one subsystem over one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsystemDay {
    pub id: String,
    pub name: String,
    pub count: u64,
    pub fails: u64,
    pub availability: Option<f64>,
    pub p95_ms: Option<u64>,
    pub max_ms: Option<u64>,
}

/// The highest readings of one host over a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostPeak {
    pub name: String,
    pub cpu_pct: Option<f64>,
    pub mem_pct: Option<f64>,
    pub disk_pct: Option<f64>,
    pub disk_mount: Option<String>,
    pub samples: u32,
    pub unreachable: u32,
}

impl HostPeak {
    /// Folds one reading into the peaks.
    pub fn observe(&mut self, reading: &crate::hosts::HostReading) {
        use crate::hosts::HostReading;
        self.samples += 1;
        let gauges = match reading {
            HostReading::Unreachable { .. } => {
                self.unreachable += 1;
                return;
            }
            HostReading::Gauges(g) => g,
        };
        let max = |old: Option<f64>, new: Option<f64>| match (old, new) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.cpu_pct = max(self.cpu_pct, gauges.cpu_pct);
        self.mem_pct = max(self.mem_pct, gauges.mem_pct);
        for disk in &gauges.disks {
            if self.disk_pct.is_none_or(|p| disk.used_pct > p) {
                self.disk_pct = Some(disk.used_pct);
                self.disk_mount = Some(disk.mount.clone());
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedDeadline {
    pub id: String,
    pub stage: Stage,
    pub due: DateTime<Utc>,
}

/// One backup (file) check's result as last seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupCheck {
    pub check_id: String,
    pub target: String,
    /// `None` until the check has run.
    pub ok: Option<bool>,
    pub detail: String,
    pub at: Option<DateTime<Utc>>,
}
