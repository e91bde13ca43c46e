//! The contract's rules (服务响应要求): severities, ticket kinds, the deadlines each one gets and the working-day
//! calendar that security findings are counted on.

mod calendar;
mod contract;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use calendar::Calendar;
pub use contract::Contract;

/// 故障级别: how bad a fault is; it sets the deadlines and the score deduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 紧急
    Critical,
    /// 一般
    Major,
    /// 轻微
    Minor,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Critical, Severity::Major, Severity::Minor];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "major" => Ok(Severity::Major),
            "minor" => Ok(Severity::Minor),
            other => Err(format!(
                "unknown severity \"{other}\": accepted are critical, major, minor"
            )),
        }
    }
}

/// What a ticket is about; each kind has its own deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 故障处理: respond, plan and recover by severity.
    Fault,
    /// 需求变更: respond within 24 h.
    Change,
    /// 技术支持: the fault deadlines of its severity.
    Support,
    /// 安全加固: fixed within 10 working days.
    Security,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Fault, Kind::Change, Kind::Support, Kind::Security];

    /// Faults and support tickets get the deadlines of their severity; a change request (24 h) and a security
    /// finding (10 working days) have one deadline whatever the severity, so a severity means nothing there.
    pub fn has_severity(self) -> bool {
        matches!(self, Kind::Fault | Kind::Support)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fault => "fault",
            Kind::Change => "change",
            Kind::Support => "support",
            Kind::Security => "security",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fault" => Ok(Kind::Fault),
            "change" => Ok(Kind::Change),
            "support" => Ok(Kind::Support),
            "security" => Ok(Kind::Security),
            other => Err(format!(
                "unknown kind \"{other}\": accepted are fault, change, support, security"
            )),
        }
    }
}

/// Which of a ticket's clocks a deadline belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// 响应: acknowledged.
    Respond,
    /// 提交处理方案: handling plan submitted.
    Plan,
    /// 恢复 / 修复: service restored, or the finding fixed.
    Recover,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Respond => "respond",
            Stage::Plan => "plan",
            Stage::Recover => "recover",
        }
    }
}

/// The three clocks of one severity; `None` means "on demand" (no deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub respond: Option<Duration>,
    pub plan: Option<Duration>,
    pub recover: Option<Duration>,
}

/// Every number of the contract that deadlines and the score depend on; defaults are the contract's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub critical: Limits,
    pub major: Limits,
    pub minor: Limits,
    /// 需求变更 response time.
    pub change_respond: Duration,
    /// 安全加固: working days to fix a finding.
    pub security_working_days: u32,
    /// Score deduction per fault that missed a deadline, by severity.
    pub deduction_critical: f64,
    pub deduction_major: f64,
    pub deduction_minor: f64,
    /// A server-inspection fault must be reported within this time.
    pub server_report: Duration,
    pub calendar: Calendar,
    /// `[contract]`: the service period the score counts from.
    pub contract: Contract,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            critical: Limits {
                respond: Some(Duration::minutes(15)),
                plan: Some(Duration::hours(2)),
                recover: Some(Duration::hours(12)),
            },
            major: Limits {
                respond: Some(Duration::minutes(15)),
                plan: Some(Duration::hours(4)),
                recover: Some(Duration::hours(24)),
            },
            minor: Limits {
                respond: None,
                plan: None,
                recover: None,
            },
            change_respond: Duration::hours(24),
            security_working_days: 10,
            deduction_critical: 1.0,
            deduction_major: 0.3,
            deduction_minor: 0.2,
            server_report: Duration::hours(12),
            calendar: Calendar::default(),
            contract: Contract::default(),
        }
    }
}

impl Policy {
    pub fn limits(&self, severity: Severity) -> &Limits {
        match severity {
            Severity::Critical => &self.critical,
            Severity::Major => &self.major,
            Severity::Minor => &self.minor,
        }
    }

    pub fn deduction(&self, severity: Severity) -> f64 {
        match severity {
            Severity::Critical => self.deduction_critical,
            Severity::Major => self.deduction_major,
            Severity::Minor => self.deduction_minor,
        }
    }

    /// The due times of a ticket, in stage order. `agreed_due` is the due time agreed when a minor fault was
    /// acknowledged; it becomes that fault's recover deadline.
    pub fn deadlines(
        &self,
        kind: Kind,
        severity: Severity,
        detected_at: DateTime<Utc>,
        agreed_due: Option<DateTime<Utc>>,
    ) -> Vec<(Stage, DateTime<Utc>)> {
        match kind {
            Kind::Fault | Kind::Support => {
                let limits = self.limits(severity);
                let mut out = Vec::with_capacity(3);
                for (stage, limit) in [
                    (Stage::Respond, limits.respond),
                    (Stage::Plan, limits.plan),
                    (Stage::Recover, limits.recover),
                ] {
                    if let Some(limit) = limit {
                        out.push((stage, detected_at + limit));
                    } else if stage == Stage::Recover
                        && let Some(due) = agreed_due
                    {
                        out.push((stage, due));
                    }
                }
                out
            }
            Kind::Change => vec![(Stage::Respond, detected_at + self.change_respond)],
            Kind::Security => vec![(
                Stage::Recover,
                self.calendar
                    .add_working_days(detected_at, self.security_working_days),
            )],
        }
    }
}

#[cfg(test)]
mod tests;
