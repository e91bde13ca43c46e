//! What the daemon writes to its log, read from the engine's event stream: every change made durable (who,
//! what, which record), every fault opened, every deadline close or passed, every record missing, and every
//! failure inside the engine. Lines carry names and ids only: a note's text or a payload never reaches a log.

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::engine::{DomainEvent, EngineHandle};
use crate::store::AuditEvent;

/// Logs the engine's events until the engine stops (its snapshots end), then what it said last.
pub fn spawn(engine: &EngineHandle) -> JoinHandle<()> {
    let mut events = engine.events();
    let mut snapshots = engine.subscribe();
    tokio::spawn(async move {
        let mut last_error: Option<String> = None;
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(event) => log_event(&event),
                    Err(RecvError::Lagged(missed)) => tracing::warn!(
                        missed,
                        "the log fell behind and missed {missed} events; the audit log has every change"
                    ),
                    Err(RecvError::Closed) => break,
                },
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        while let Ok(event) = events.try_recv() {
                            log_event(&event);
                        }
                        break;
                    }
                    let error = snapshots.borrow_and_update().engine_error.clone();
                    if error != last_error {
                        if let Some(why) = &error {
                            tracing::error!(error = %why, "engine: {why}");
                        }
                        last_error = error;
                    }
                }
            }
        }
    })
}

/// One event, one line.
pub fn log_event(event: &DomainEvent) {
    match event {
        DomainEvent::Recorded(recorded) => log_recorded(recorded),
        DomainEvent::DueSoon {
            incident, stage, due, ..
        } => tracing::warn!(
            incident = %incident.id,
            stage = stage.as_str(),
            due = %due,
            "deadline close: {} {} due {due}",
            incident.id,
            stage.as_str()
        ),
        DomainEvent::Late {
            incident,
            stage,
            due,
            cost,
        } => tracing::warn!(
            incident = %incident.id,
            stage = stage.as_str(),
            due = %due,
            cost,
            "deadline passed: {} {} was due {due} (costs {cost} points)",
            incident.id,
            stage.as_str()
        ),
        DomainEvent::Unacknowledged { incident, round } => tracing::warn!(
            incident = %incident.id,
            round,
            "still unacknowledged: {} (reminder {round})",
            incident.id
        ),
        DomainEvent::Escalate { incident } => {
            tracing::warn!(incident = %incident.id, "escalated: {} is still unacknowledged", incident.id)
        }
        DomainEvent::DailyMissing { day } => {
            tracing::warn!(day = %day, "the daily ledger (日台账) of {day} is missing")
        }
        DomainEvent::MonthlyMissing { year, month } => tracing::warn!(
            month = %format!("{year}-{month:02}"),
            "the monthly inspection (每月现场巡检) of {year}-{month:02} is missing"
        ),
    }
}

fn log_recorded(e: &Arc<AuditEvent>) {
    let actor = e.actor.user.as_str();
    let from = e.actor.from.as_deref().unwrap_or("");
    if e.action == "incident.open" {
        let field = |name: &str| {
            e.payload
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let (kind, severity, subsystem) = (field("kind"), field("severity"), field("subsystem"));
        if kind == "fault" {
            tracing::warn!(
                seq = e.seq,
                action = e.action.as_str(),
                actor,
                from,
                target = e.target.as_str(),
                kind = kind.as_str(),
                severity = severity.as_str(),
                subsystem = subsystem.as_str(),
                "fault {} opened by {actor}: {severity}, subsystem {}",
                e.target,
                if subsystem.is_empty() { "-" } else { &subsystem }
            );
            return;
        }
    }
    tracing::info!(
        seq = e.seq,
        action = e.action.as_str(),
        actor,
        from,
        target = e.target.as_str(),
        "{} {} by {actor}",
        e.action,
        e.target
    );
}
