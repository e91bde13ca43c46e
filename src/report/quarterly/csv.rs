//! The incidents of the quarter as CSV for a spreadsheet, one row per incident (see [`crate::report::csv`] for
//! the encoding and the guard against formulas).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{IncidentRow, QuarterlyReport};
use crate::model::{DeadlineState, DeadlineStatus};
use crate::policy::Stage;
use crate::report::local;
use crate::report::score::points;

pub(super) const HEADER: [&str; 25] = [
    "编号 id",
    "类型 kind",
    "级别 severity",
    "状态 state",
    "标题 title",
    "子系统 subsystem",
    "来源 source",
    "发现 detected",
    "响应时限 respond due",
    "响应 responded",
    "响应情况 respond",
    "方案时限 plan due",
    "方案 planned",
    "方案情况 plan",
    "恢复时限 recover due",
    "恢复 recovered",
    "恢复情况 recover",
    "解决 resolved",
    "超时 late",
    "扣分 deduction",
    "处理方案 plan text",
    "原因 cause",
    "处理过程 process",
    "解决方案 solution",
    "补录 back-dated",
];

pub fn csv(report: &QuarterlyReport) -> String {
    String::from_utf8_lossy(&super::stream::in_memory(report, crate::report::Format::Csv)).into_owned()
}

pub(super) fn fields(r: &IncidentRow, zone: Tz) -> Vec<String> {
    let t = |at: Option<DateTime<Utc>>| at.map(|at| local(at, zone)).unwrap_or_default();
    let mut out = vec![
        r.id.clone(),
        r.kind.as_str().into(),
        r.severity.as_str().into(),
        r.state.as_str().into(),
        r.title.clone(),
        r.subsystem.clone().unwrap_or_default(),
        match &r.source {
            Some(crate::model::AutoSource::Host { name, gauge }) => format!("host {name} {gauge}"),
            Some(crate::model::AutoSource::Subsystem { check, .. }) => format!("check {check}"),
            Some(crate::model::AutoSource::Alert { origin, key, .. }) => format!("{} {key}", origin.as_str()),
            None => "manual".into(),
        },
        t(Some(r.detected_at)),
    ];
    for stage in [Stage::Respond, Stage::Plan, Stage::Recover] {
        match r.deadlines.iter().find(|d| d.stage == stage) {
            Some(d) => out.extend([t(Some(d.due)), t(done_at(d)), status(d).into()]),
            None => out.extend([String::new(), String::new(), "no deadline".into()]),
        }
    }
    out.extend([
        t(r.resolved_at),
        if r.late { "yes" } else { "no" }.into(),
        points(r.deduction),
        r.plan.clone().unwrap_or_default(),
        r.cause.clone().unwrap_or_default(),
        r.process.clone().unwrap_or_default(),
        r.solution.clone().unwrap_or_default(),
        r.backdated
            .iter()
            .map(|b| {
                format!(
                    "{} at {} logged {} by {}",
                    b.step,
                    t(Some(b.at)),
                    t(Some(b.recorded_at)),
                    b.by
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    ]);
    out
}

fn done_at(d: &DeadlineStatus) -> Option<DateTime<Utc>> {
    match d.state {
        DeadlineState::Met { at } => Some(at),
        DeadlineState::Late { at, .. } => at,
        DeadlineState::Pending { .. } => None,
    }
}

fn status(d: &DeadlineStatus) -> &'static str {
    match d.state {
        DeadlineState::Met { .. } => "met",
        DeadlineState::Late { at: Some(_), .. } => "late",
        DeadlineState::Late { at: None, .. } => "late (not done)",
        DeadlineState::Pending { .. } => "pending",
    }
}
