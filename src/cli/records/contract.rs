//! `watchdesk score accident …` and `watchdesk score delivered`: the contract's major accidents and the
//! delivery of the quarterly report, through the same engine as every record.

use chrono::Utc;
use chrono_tz::Tz;
use clap::Subcommand;

use super::{execute, parse_quarter, unexpected};
use crate::cli::context::{CliError, Context};
use crate::cli::time::parse_optional_time;
use crate::cli::values::Choice;
use crate::config::Config;
use crate::engine::{ContractCommand, ContractReply, RecordsCommand, RecordsReply};
use crate::model::{Accident, AccidentEntry, IncidentId, Quarter, Responsibility};
use crate::report::local;

#[derive(Debug, Subcommand)]
pub enum AccidentCmd {
    /// Record a major accident (重大事故) with its evidence and the reason it is one. Two found to be caused
    /// by the contractor let the client refuse the rest of the fee and cancel.
    Record {
        /// One line naming the accident.
        #[arg(long)]
        title: String,
        /// What proves it: the client's letter, a report number, a file.
        #[arg(long)]
        evidence: String,
        /// Why it is a major accident (and why the responsibility is where it is).
        #[arg(long)]
        reason: String,
        /// Who was found responsible.
        #[arg(long, value_parser = Choice::<Responsibility>::parsed_by(parse_responsibility), value_name = "WHO")]
        caused_by: Responsibility,
        /// When it happened (default now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// The incident it grew out of.
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
    },
    /// Decide or change who was responsible for accident NUMBER, with the reason.
    Amend {
        /// The accident's number, as `score accident list` shows it.
        number: u32,
        /// Who was found responsible.
        #[arg(long, value_parser = Choice::<Responsibility>::parsed_by(parse_responsibility), value_name = "WHO")]
        caused_by: Responsibility,
        /// Why the responsibility is decided so (kept in the audit log with the earlier version).
        #[arg(long)]
        reason: String,
        /// New or further evidence; the recorded evidence stays when not given.
        #[arg(long)]
        evidence: Option<String>,
    },
    /// Every major accident recorded.
    List {
        /// One JSON object per accident.
        #[arg(long)]
        json: bool,
    },
}

/// `score delivered`: the quarterly report reached the client.
#[derive(Debug, clap::Args)]
pub struct DeliveredArgs {
    /// Who received it (the client's designated person).
    #[arg(long, value_name = "NAME")]
    pub to: String,
    /// When it was handed over or sent (default now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// How: by mail, on paper, the document number.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Default: the current quarter.
    #[arg(long, value_parser = parse_quarter)]
    pub quarter: Option<Quarter>,
}

fn parse_responsibility(s: &str) -> Result<Responsibility, String> {
    s.parse()
}

fn contract(ctx: &Context, config: Config, command: ContractCommand) -> Result<ContractReply, CliError> {
    match execute(ctx, config, RecordsCommand::Contract(command))? {
        RecordsReply::Contract(reply) => Ok(reply),
        other => Err(unexpected(other)),
    }
}

fn unexpected_contract(reply: ContractReply) -> CliError {
    CliError::store(format!("unexpected answer from the engine: {reply:?}"))
}

pub fn accident(ctx: &Context, cmd: AccidentCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.platform.timezone;
    let time = |t: Option<String>| parse_optional_time(t, zone);
    let command = match cmd {
        AccidentCmd::List { json } => {
            let list = match contract(ctx, config, ContractCommand::Accidents)? {
                ContractReply::Accidents(list) => list,
                other => return Err(unexpected_contract(other)),
            };
            if json {
                outln!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
            } else if list.is_empty() {
                outln!("no major accidents recorded");
            } else {
                for a in &list {
                    outln!("{}", line(a, zone));
                }
            }
            return Ok(0);
        }
        AccidentCmd::Record {
            title,
            evidence,
            reason,
            caused_by,
            at,
            incident,
        } => ContractCommand::RecordAccident(AccidentEntry {
            at: time(at)?.unwrap_or_else(Utc::now),
            title,
            evidence,
            reason,
            responsibility: caused_by,
            incident: incident
                .map(|i| i.parse::<IncidentId>().map_err(CliError::bad_input))
                .transpose()?,
        }),
        AccidentCmd::Amend {
            number,
            caused_by,
            reason,
            evidence,
        } => ContractCommand::AmendAccident {
            number,
            responsibility: caused_by,
            reason,
            evidence,
        },
    };
    match contract(ctx, config, command)? {
        ContractReply::Accident(a) => {
            outln!("{} (revision {}) saved", line(&a, zone), a.revision);
            Ok(0)
        }
        other => Err(unexpected_contract(other)),
    }
}

fn line(a: &Accident, zone: Tz) -> String {
    format!(
        "accident {}  {}  caused by {} ({})  {}  evidence: {}  reason: {}",
        a.number,
        local(a.at, zone),
        a.responsibility,
        a.responsibility.label_zh(),
        a.title,
        a.evidence,
        a.reason
    )
}

pub fn delivered(ctx: &Context, args: DeliveredArgs) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.platform.timezone;
    let at = parse_optional_time(args.at, zone)?;
    let command = ContractCommand::ReportDelivered {
        quarter: args.quarter,
        to: args.to,
        at,
        note: args.note,
    };
    match contract(ctx, config, command)? {
        ContractReply::Delivered(d) => {
            outln!(
                "quarterly report {} delivered to {} at {} recorded: the quarterly summary earns its 5 points",
                d.quarter,
                d.to,
                local(d.at, zone)
            );
            Ok(0)
        }
        other => Err(unexpected_contract(other)),
    }
}
