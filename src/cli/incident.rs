//! `watchdesk incident …`: the lifecycle from a shell, through the same engine the dashboard uses.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use clap::Subcommand;

mod severity;

use super::context::{CliError, Context};
use super::daemon_cmds::{engine_command, store_on_daemon};
use super::time::parse_optional_time;
use super::values::Choice;
use crate::config::Config;
use crate::engine::{Command, EngineError, Reply, StoreCommand, StoreReply};
use crate::model::{Incident, IncidentId, NewIncident, Resolution};
use crate::policy::{Kind, Policy, Severity};
use crate::report::deadline_words;
use severity::{severity_for, severity_words};

#[derive(Debug, Subcommand)]
pub enum IncidentCmd {
    /// Open an incident or ticket; its clocks start at --detected-at (default now).
    Open {
        /// What the ticket is about; each kind has its own deadlines.
        #[arg(long, value_parser = Choice::<Kind>::all("kind"))]
        kind: Kind,
        /// How bad it is: sets the deadlines and the score deduction. Required for a fault or a support
        /// ticket; a change request or a security finding has none.
        #[arg(long, value_parser = Choice::<Severity>::all("severity"))]
        severity: Option<Severity>,
        /// One line saying what is wrong.
        #[arg(long)]
        title: String,
        /// The subsystem it concerns (an id from the config).
        #[arg(long, value_name = "ID")]
        subsystem: Option<String>,
        /// The server a fault found by hand is on (a configured [[host]] name): it is then a server-inspection
        /// fault, to be reported within 12 h.
        #[arg(long, value_name = "NAME")]
        host: Option<String>,
        /// When it was detected, if earlier than now (RFC 3339 or local YYYY-MM-DD HH:MM).
        #[arg(long, value_name = "TIME")]
        detected_at: Option<String>,
    },
    /// Acknowledge (respond to) an incident.
    Ack {
        /// The incident, e.g. 2026-0001.
        id: String,
        /// A note kept with the acknowledgement.
        #[arg(long)]
        note: Option<String>,
        /// Agreed due time (minor faults).
        #[arg(long, value_name = "TIME")]
        due: Option<String>,
        /// When it happened, if earlier than now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Submit the handling plan.
    Plan {
        /// The incident, e.g. 2026-0001.
        id: String,
        /// The plan.
        #[arg(long)]
        text: String,
        /// When it was submitted, if earlier than now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Resolve with cause and process (the fault archive).
    Resolve {
        /// The incident, e.g. 2026-0001.
        id: String,
        /// What caused it (故障原因).
        #[arg(long)]
        cause: String,
        /// How it was handled (处理过程).
        #[arg(long)]
        process: String,
        /// The solution, if it differs from the process (解决方案).
        #[arg(long)]
        solution: Option<String>,
        /// When service was restored, if earlier than now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Add a note at any stage.
    Note {
        /// The incident, e.g. 2026-0001.
        id: String,
        /// The note.
        #[arg(long)]
        text: String,
        /// When it happened, if earlier than now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Change the severity; deadlines are recomputed from detection, and a deadline already missed under the
    /// old severity stays missed.
    Reclassify {
        /// The incident, e.g. 2026-0001.
        id: String,
        /// The new severity.
        #[arg(long, value_parser = Choice::<Severity>::all("severity"))]
        severity: Severity,
        /// Why it changes.
        #[arg(long)]
        reason: String,
        /// When the severity changed, if earlier than now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Open incidents (all with --all), each deadline with time left or how late.
    List {
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
        /// One JSON document instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// One incident with its deadlines and timeline.
    Show {
        /// The incident, e.g. 2026-0001.
        id: String,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn parse_id(s: &str) -> Result<IncidentId, CliError> {
    s.parse().map_err(CliError::bad_input)
}

pub fn run(ctx: &Context, cmd: IncidentCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.platform.timezone;
    let time = |t: Option<String>| parse_optional_time(t, zone);
    let command = match cmd {
        IncidentCmd::List { all, json } => return list(ctx, &config, all, json),
        IncidentCmd::Show { id, json } => return show(ctx, &config, parse_id(&id)?, json),
        IncidentCmd::Open {
            kind,
            severity,
            title,
            subsystem,
            host,
            detected_at,
        } => Command::OpenIncident(NewIncident {
            kind,
            severity: severity_for(kind, severity)?,
            title,
            subsystem,
            detected_at: time(detected_at)?,
            source: None,
            host,
        }),
        IncidentCmd::Ack { id, note, due, at } => Command::Acknowledge {
            id: parse_id(&id)?,
            at: time(at)?,
            note,
            due: time(due)?,
        },
        IncidentCmd::Plan { id, text, at } => Command::Plan {
            id: parse_id(&id)?,
            at: time(at)?,
            text,
        },
        IncidentCmd::Resolve {
            id,
            cause,
            process,
            solution,
            at,
        } => Command::Resolve {
            id: parse_id(&id)?,
            at: time(at)?,
            resolution: Resolution {
                cause,
                process,
                solution,
            },
        },
        IncidentCmd::Note { id, text, at } => Command::Note {
            id: parse_id(&id)?,
            at: time(at)?,
            text,
        },
        IncidentCmd::Reclassify {
            id,
            severity,
            reason,
            at,
        } => Command::Reclassify {
            id: parse_id(&id)?,
            at: time(at)?,
            severity,
            reason,
        },
    };
    let policy = config.policy.clone();
    let reply = engine_command(ctx, config, command)?;
    match reply {
        Ok(Reply::Incident(incident)) => {
            outln!("{}", summary_line(&incident, &policy, Utc::now(), zone));
            Ok(0)
        }
        Ok(other) => Err(CliError::store(format!(
            "unexpected answer from the engine: {other:?}"
        ))),
        Err(e) if e.is_bad_input() => Err(CliError::bad_input(e.to_string())),
        Err(EngineError::Store(e)) => Err(e.into()),
        Err(e) => Err(CliError::store(e.to_string())),
    }
}

fn list(ctx: &Context, config: &Config, all: bool, json: bool) -> Result<i32, CliError> {
    // A running daemon owns the store and reads it for us.
    let mut incidents = match store_on_daemon(ctx, config, StoreCommand::Incidents { all })? {
        Some(StoreReply::Incidents(incidents)) => incidents,
        Some(other) => return Err(unexpected(other)),
        None if all => ctx
            .open_store(config)?
            .all_incidents()
            .collect::<Result<Vec<_>, _>>()?,
        None => ctx.open_store(config)?.open_incidents()?,
    };
    let now = Utc::now();
    let policy = &config.policy;
    incidents.sort_by_key(|i| {
        (
            i.next_deadline(policy, now)
                .map(|d| d.due)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            i.id,
        )
    });
    if json {
        let out: Vec<_> = incidents.iter().map(|i| with_deadlines(i, policy, now)).collect();
        outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(0);
    }
    if incidents.is_empty() {
        outln!("{}", if all { "no incidents" } else { "no open incidents" });
    }
    for incident in &incidents {
        outln!(
            "{}",
            summary_line(incident, policy, now, config.platform.timezone)
        );
    }
    Ok(0)
}

fn show(ctx: &Context, config: &Config, id: IncidentId, json: bool) -> Result<i32, CliError> {
    let found = match store_on_daemon(ctx, config, StoreCommand::Incident(id))? {
        Some(StoreReply::Incident(found)) => found,
        Some(other) => return Err(unexpected(other)),
        None => ctx.open_store(config)?.incident(id)?.map(Box::new),
    };
    let incident = found.ok_or_else(|| CliError::bad_input(format!("no incident {id}")))?;
    let now = Utc::now();
    let policy = &config.policy;
    let zone = config.platform.timezone;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&with_deadlines(&incident, policy, now)).unwrap_or_default()
        );
        return Ok(0);
    }
    outln!(
        "{}  {}  {}  {}",
        incident.id,
        incident.kind,
        severity_words(&incident),
        incident.title
    );
    outln!("state     {}", incident.state().as_str());
    if let Some(sub) = &incident.subsystem {
        outln!("subsystem {sub}");
    }
    outln!("detected  {}", local(incident.detected_at, zone));
    for d in incident.deadlines(policy, now) {
        outln!(
            "{:<9} due {}  {}",
            d.stage.as_str(),
            local(d.due, zone),
            deadline_words(&d)
        );
    }
    for m in incident.earlier_misses(policy) {
        outln!(
            "{:<9} due {}  missed while {} (reclassified {}): still counts",
            m.stage.as_str(),
            local(m.due, zone),
            m.severity,
            local(m.reclassified_at, zone)
        );
    }
    if let Some(host) = incident.server() {
        outln!("host      {host}");
    }
    if let Some(r) = &incident.resolution {
        outln!("cause     {}", r.cause);
        outln!("process   {}", r.process);
        if let Some(s) = &r.solution {
            outln!("solution  {s}");
        }
    }
    outln!("timeline:");
    for entry in &incident.timeline {
        let back = if entry.recorded_at - entry.at > Duration::minutes(1) {
            format!(" (logged {})", local(entry.recorded_at, zone))
        } else {
            String::new()
        };
        let what = serde_json::to_value(&entry.kind).unwrap_or_default();
        outln!(
            "  {}  {:<12} {}{}  {}",
            local(entry.at, zone),
            entry.actor.to_string(),
            what["event"].as_str().unwrap_or(""),
            back,
            event_text(&entry.kind, zone)
        );
    }
    Ok(0)
}

fn event_text(kind: &crate::model::TimelineKind, zone: Tz) -> String {
    use crate::model::TimelineKind as K;
    match kind {
        K::Opened | K::Restored => String::new(),
        K::Acknowledged { note, due } => [note.clone(), due.map(|d| format!("due {}", local(d, zone)))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; "),
        K::Planned { text } | K::Note { text } => text.clone(),
        K::Resolved(r) => format!("cause: {}; process: {}", r.cause, r.process),
        K::Reclassified { from, to, reason } => format!("{from} → {to}: {reason}"),
        K::Failed { detail } => detail.clone(),
    }
}

fn with_deadlines(incident: &Incident, policy: &Policy, now: DateTime<Utc>) -> serde_json::Value {
    let mut value = serde_json::to_value(incident).unwrap_or_default();
    value["id"] = serde_json::Value::String(incident.id.to_string());
    value["state"] = serde_json::Value::String(incident.state().as_str().into());
    value["deadlines"] = serde_json::to_value(incident.deadlines(policy, now)).unwrap_or_default();
    value["breached"] = serde_json::Value::Bool(incident.is_breached(policy, now));
    value["earlier_misses"] = serde_json::to_value(incident.earlier_misses(policy)).unwrap_or_default();
    value
}

fn summary_line(incident: &Incident, policy: &Policy, now: DateTime<Utc>, zone: Tz) -> String {
    let deadlines: Vec<String> = incident
        .deadlines(policy, now)
        .iter()
        .map(|d| format!("{} {}", d.stage.as_str(), deadline_words(d)))
        .collect();
    format!(
        "{}  {:<8} {:<8} {:<12} {}  [detected {}]  {}",
        incident.id,
        incident.kind.as_str(),
        severity_words(incident),
        incident.state().as_str(),
        incident.title,
        local(incident.detected_at, zone),
        if deadlines.is_empty() {
            "no deadline (on demand)".to_string()
        } else {
            deadlines.join(", ")
        }
    )
}

/// A time as `incident show` and `list` print it: local, to the second, so an acknowledgement at 10:15:01
/// is not read as on time beside a deadline at 10:15:00.
fn local(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn unexpected(reply: StoreReply) -> CliError {
    CliError::store(format!("unexpected answer from the daemon: {reply:?}"))
}
