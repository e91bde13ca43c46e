//! `watchdesk daily …`, `monthly …`, `handover …`, `score …`: the contract's records from a shell. Writes go
//! through the same engine the dashboard uses (validated, audited, durable before the answer); reads open the
//! store directly.

mod contract;

use chrono::{NaiveDate, Utc};
use clap::{ArgAction, Subcommand};

use super::context::{CliError, Context};
use super::daemon_cmds::{engine_command, on_daemon, store_on_daemon};
use super::time::parse_optional_time;
use super::values::{Choice, YesNo};
use crate::config::Config;
use crate::engine::{Command, EngineError, RecordsCommand, RecordsReply, Reply, StoreCommand, StoreReply};
use crate::model::{DailyEntry, HandItem, MonthlyEntry, MonthlyRecord, Quarter};
use crate::report::daily::{self, Live};
use crate::report::{handover, score};
use crate::store::TreeName;

#[derive(Debug, Subcommand)]
pub enum DailyCmd {
    /// A day's ledger: the figures watchdesk fills in and what the engineer entered.
    Show {
        /// YYYY-MM-DD (default: today in the platform zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Save (or amend) a day's record; the figures are filled in at the same moment.
    Save {
        /// YYYY-MM-DD (default: today in the platform zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// 校核云平台数据是否异常: was the platform's data checked for anomalies?
        #[arg(long, action = ArgAction::Set, value_parser = YesNo, value_name = "yes|no")]
        anomaly_checked: bool,
        /// What the anomaly check found.
        #[arg(long, value_name = "TEXT")]
        anomaly_note: Option<String>,
        /// 日常数据库整理入库存档: was the day's database archive done? (default: as before, else no)
        #[arg(long, action = ArgAction::Set, value_parser = YesNo, value_name = "yes|no")]
        archive_done: Option<bool>,
        /// The engineer's notes for the day.
        #[arg(long, value_name = "TEXT")]
        notes: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MonthlyCmd {
    /// Record a monthly on-site inspection (每月现场巡检).
    Save {
        /// The day of the inspection, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        /// Who inspected.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// What the inspection found.
        #[arg(long, value_name = "TEXT")]
        findings: String,
    },
    /// Every recorded inspection, oldest first.
    List {
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HandoverCmd {
    /// Record that the watch passes to NAME; prints the summary that was handed over.
    Record {
        /// The engineer taking over.
        #[arg(long, value_name = "NAME")]
        to: String,
        /// The outgoing engineer's notes.
        #[arg(long, value_name = "TEXT")]
        notes: Option<String>,
        /// Start of the period (default: the last handover, else 12 hours ago).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScoreCmd {
    /// Enter a hand-graded item. Personnel is four sub-items: contact (times not reachable, −1 each from 10),
    /// staff-change (staff changed without consent, −5 each from 15), extra-staff (extra staff not sent, −1
    /// each from 5), satisfaction (the client's grade, 0–15 points); then tasks (0–5 points), complaints
    /// (0–10, −1 each), notices (0–4, −3 each).
    Set {
        /// The item of the assessment form.
        #[arg(value_parser = Choice::<HandItem>::parsed_by(parse_item))]
        item: HandItem,
        /// Points (personnel, tasks) or a count (complaints, notices).
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// Why: what the client said, or the document it is from.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Default: the current quarter.
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
    },
    /// Major accidents (重大事故): record, amend the responsibility, list.
    Accident {
        #[command(subcommand)]
        action: contract::AccidentCmd,
    },
    /// Record that the quarterly report was delivered (to whom, when): this earns the quarterly summary's
    /// 5 points.
    Delivered(contract::DeliveredArgs),
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date \"{s}\": write YYYY-MM-DD, e.g. 2026-11-02"))
}

pub fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" => Ok(true),
        "no" | "n" => Ok(false),
        _ => Err(format!("invalid value \"{s}\": accepted are yes, no")),
    }
}

pub fn parse_quarter(s: &str) -> Result<Quarter, String> {
    s.parse().map_err(|e: crate::model::RecordError| e.to_string())
}

fn parse_item(s: &str) -> Result<HandItem, String> {
    s.parse().map_err(|e: crate::model::RecordError| e.to_string())
}

/// Runs one records command through an in-process engine.
pub(super) fn execute(
    ctx: &Context,
    config: Config,
    command: RecordsCommand,
) -> Result<RecordsReply, CliError> {
    records_reply(engine_command(ctx, config, Command::Records(command))?)
}

/// A read the daemon answers when one runs (it owns the store); `None` when none does.
pub(super) fn ask_daemon(
    ctx: &Context,
    config: &Config,
    command: RecordsCommand,
) -> Result<Option<RecordsReply>, CliError> {
    on_daemon(ctx, config, Command::Records(command))?
        .map(records_reply)
        .transpose()
}

fn records_reply(reply: Result<Reply, EngineError>) -> Result<RecordsReply, CliError> {
    match reply {
        Ok(Reply::Records(reply)) => Ok(*reply),
        Ok(other) => Err(CliError::store(format!(
            "unexpected answer from the engine: {other:?}"
        ))),
        Err(e) if e.is_bad_input() => Err(CliError::bad_input(e.to_string())),
        Err(EngineError::Store(e)) => Err(e.into()),
        Err(e) => Err(CliError::store(e.to_string())),
    }
}

pub(super) fn unexpected(reply: RecordsReply) -> CliError {
    CliError::store(format!("unexpected answer from the engine: {reply:?}"))
}

/// A day's ledger page: from the daemon when one runs, else from the store.
pub(super) fn daily_view(
    ctx: &Context,
    config: &Config,
    date: Option<NaiveDate>,
) -> Result<daily::DailyView, CliError> {
    match ask_daemon(ctx, config, RecordsCommand::DailyView { date })? {
        Some(RecordsReply::Daily(view)) => Ok(view),
        Some(other) => Err(unexpected(other)),
        None => {
            let store = ctx.open_store(config)?;
            let now = Utc::now();
            let day = date.unwrap_or_else(|| config.policy.calendar.local_day(now));
            Ok(daily::view(&store, config, day, now, Live::default())?)
        }
    }
}

pub fn daily(ctx: &Context, cmd: DailyCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.policy.calendar.zone;
    match cmd {
        DailyCmd::Show { date, json } => {
            let view = daily_view(ctx, &config, date)?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&view).unwrap_or_default());
            } else {
                out!("{}", daily::markdown(&view, zone));
            }
            Ok(0)
        }
        DailyCmd::Save {
            date,
            anomaly_checked,
            anomaly_note,
            archive_done,
            notes,
        } => {
            let entry = DailyEntry {
                anomaly_checked,
                anomaly_note,
                archive_done,
                notes,
            };
            match execute(ctx, config, RecordsCommand::SaveDaily { date, entry })? {
                RecordsReply::Daily(view) => {
                    let revision = view.record.as_ref().map(|r| r.revision).unwrap_or(1);
                    outln!(
                        "daily record {} saved{}",
                        view.date,
                        if revision > 1 {
                            format!(" (amended, revision {revision})")
                        } else {
                            String::new()
                        }
                    );
                    Ok(0)
                }
                other => Err(unexpected(other)),
            }
        }
    }
}

pub fn monthly(ctx: &Context, cmd: MonthlyCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    match cmd {
        MonthlyCmd::Save { date, by, findings } => {
            match execute(
                ctx,
                config,
                RecordsCommand::SaveMonthly(MonthlyEntry { date, by, findings }),
            )? {
                RecordsReply::Monthly(r) => {
                    outln!("monthly inspection {} by {} saved", r.date, r.by);
                    Ok(0)
                }
                other => Err(unexpected(other)),
            }
        }
        MonthlyCmd::List { json } => {
            let records = match store_on_daemon(ctx, &config, StoreCommand::MonthlyList)? {
                Some(StoreReply::Monthly(records)) => records,
                Some(other) => {
                    return Err(CliError::store(format!(
                        "unexpected answer from the daemon: {other:?}"
                    )));
                }
                None => ctx
                    .open_store(&config)?
                    .scan_json::<MonthlyRecord>(TreeName::Monthly)
                    .collect::<Result<Vec<_>, _>>()?,
            };
            if json {
                outln!("{}", serde_json::to_string_pretty(&records).unwrap_or_default());
            } else if records.is_empty() {
                outln!("no monthly inspections recorded");
            } else {
                for r in &records {
                    outln!("{}  {}  {}", r.date, r.by, r.findings.replace('\n', " / "));
                }
            }
            Ok(0)
        }
    }
}

pub fn handover_cmd(ctx: &Context, cmd: HandoverCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.platform.timezone;
    let HandoverCmd::Record { to, notes, since } = cmd;
    let since = parse_optional_time(since, zone)?;
    match execute(ctx, config, RecordsCommand::RecordHandover { to, notes, since })? {
        RecordsReply::HandoverRecorded { record, summary } => {
            out!("{}", handover::markdown(&summary));
            outln!(
                "\nhandover from {} to {} recorded at {}",
                record.from,
                record.to,
                crate::report::local(record.at, zone)
            );
            Ok(0)
        }
        other => Err(unexpected(other)),
    }
}

pub fn score_cmd(ctx: &Context, cmd: ScoreCmd) -> Result<i32, CliError> {
    let (item, value, reason, quarter) = match cmd {
        ScoreCmd::Set {
            item,
            value,
            reason,
            quarter,
        } => (item, value, reason, quarter),
        ScoreCmd::Accident { action } => return contract::accident(ctx, action),
        ScoreCmd::Delivered(args) => return contract::delivered(ctx, args),
    };
    let config = ctx.config_or_empty()?;
    let accepted = || format!("accepted are {}", HandItem::accepted());
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| CliError::bad_input(format!("invalid value \"{value}\" for {item}: {}", accepted())))?;
    item.check(value)
        .map_err(|e| CliError::bad_input(format!("{e}; {}", accepted())))?;
    let command = RecordsCommand::SetScoreItem {
        quarter,
        item,
        value,
        reason,
    };
    match execute(ctx, config, command)? {
        RecordsReply::Score(s) => {
            outln!(
                "{} set to {} for {}; total now {}. {}",
                item,
                score::points(value),
                s.quarter,
                score::points(s.total),
                s.fee_words()
            );
            Ok(0)
        }
        other => Err(unexpected(other)),
    }
}
