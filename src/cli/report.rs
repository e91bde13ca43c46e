//! `watchdesk report …`: the handover summary, the quarterly maintenance report, the assessment score and the
//! engineer's advice for the quarter.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::Subcommand;

use super::context::{CliError, Context, display};
use super::progress::Shown;
use super::records::{ask_daemon, execute, parse_quarter, unexpected};
use super::time::parse_time;
use super::values::Choice;
use crate::engine::{RecordsCommand, RecordsReply};
use crate::model::{Actor, Quarter};
use crate::report::handover::{self, HandoverRequest};
use crate::report::{Format, osc52, quarterly, score};

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// What to hand over: open incidents, what happened, health, records missing.
    Handover {
        /// Start of the period (default: the last handover, else 12 hours ago).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Output format.
        #[arg(long, default_value = "md", value_parser = Choice::only("format", MD_JSON))]
        format: Format,
        /// The outgoing engineer's notes.
        #[arg(long, value_name = "TEXT")]
        notes: Option<String>,
        /// Also copy it to the terminal's clipboard (OSC 52; works over SSH and inside tmux).
        #[arg(long)]
        copy: bool,
    },
    /// The quarterly maintenance report; producing it is recorded (it earns the quarterly summary points).
    Quarterly {
        /// e.g. 2026Q4 (default: the current quarter).
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
        /// Output format.
        #[arg(long, default_value = "md", value_parser = Choice::only("format", QUARTERLY))]
        format: Format,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The assessment score of a quarter, item by item, and its payment band.
    Score {
        /// e.g. 2026Q4 (default: the current quarter).
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
        /// Output format.
        #[arg(long, default_value = "md", value_parser = Choice::only("format", MD_JSON))]
        format: Format,
    },
    /// Enter the engineer's advice printed in the quarterly report.
    Advice {
        /// e.g. 2026Q4 (default: the current quarter).
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
        /// The advice, as printed.
        #[arg(long, value_name = "TEXT")]
        text: String,
    },
}

/// The forms of the handover summary and the score.
const MD_JSON: &[Format] = &[Format::Markdown, Format::Json];
/// The forms of the quarterly report.
const QUARTERLY: &[Format] = &[Format::Markdown, Format::Json, Format::Csv];

pub fn run(ctx: &Context, cmd: ReportCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.policy.calendar.zone;
    match cmd {
        ReportCmd::Handover {
            since,
            format,
            notes,
            copy,
        } => {
            let since = since
                .map(|t| parse_time(&t, zone).map_err(CliError::bad_input))
                .transpose()?;
            let ask = RecordsCommand::HandoverSummary {
                since,
                notes: notes.clone(),
            };
            let summary = match ask_daemon(ctx, &config, ask)? {
                Some(RecordsReply::Handover(summary)) => summary,
                Some(other) => return Err(unexpected(other)),
                None => {
                    let store = ctx.open_store(&config)?;
                    let request = HandoverRequest {
                        since,
                        notes,
                        outgoing: Actor::current(),
                        now: Utc::now(),
                        live: None,
                    };
                    handover::summary(&store, &config, request)?
                }
            };
            let text = match format {
                Format::Json => handover::json(&summary) + "\n",
                _ => handover::markdown(&summary),
            };
            out!("{text}");
            if copy {
                out!("{}", osc52::for_environment(&text));
            }
            Ok(0)
        }
        ReportCmd::Score { quarter, format } => {
            let waiting = Shown::waiting("computing the score");
            let reply = ask_daemon(ctx, &config, RecordsCommand::Score { quarter });
            let s = match reply? {
                Some(RecordsReply::Score(s)) => s,
                Some(other) => return Err(unexpected(other)),
                None => {
                    let store = ctx.open_store(&config)?;
                    let now = Utc::now();
                    let quarter = quarter.unwrap_or_else(|| Quarter::of(now, zone));
                    score::load(&store, &config.policy, quarter, now)?
                }
            };
            drop(waiting);
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&s).unwrap_or_default()),
                _ => out!("{}", score::markdown(&s)),
            }
            Ok(0)
        }
        ReportCmd::Advice { quarter, text } => {
            match execute(ctx, config, RecordsCommand::SetAdvice { quarter, text })? {
                RecordsReply::Advice(a) => {
                    outln!("advice for {} saved", a.quarter);
                    Ok(0)
                }
                other => Err(CliError::store(format!(
                    "unexpected answer from the engine: {other:?}"
                ))),
            }
        }
        ReportCmd::Quarterly { quarter, format, out } => {
            if let Some(path) = &out {
                check_writable(path)?;
            }
            let waiting = Shown::waiting("computing the quarterly report");
            let reply = execute(ctx, config, RecordsCommand::QuarterlyReport { quarter });
            drop(waiting);
            let report = match reply? {
                RecordsReply::Quarterly(r) => r,
                other => {
                    return Err(CliError::store(format!(
                        "unexpected answer from the engine: {other:?}"
                    )));
                }
            };
            let text = match format {
                Format::Markdown => quarterly::markdown(&report),
                Format::Json => quarterly::json(&report) + "\n",
                Format::Csv => quarterly::csv(&report),
            };
            match out {
                Some(path) => {
                    write_atomically(&path, text.as_bytes())?;
                    outln!(
                        "quarterly report {} ({}, {} incidents) written to {}",
                        report.quarter,
                        format,
                        report.incidents.len(),
                        display(&path)
                    );
                }
                None => {
                    let mut stdout = std::io::stdout().lock();
                    stdout
                        .write_all(text.as_bytes())
                        .and_then(|_| stdout.flush())
                        .map_err(|e| CliError::store(format!("cannot write the report: {e}")))?;
                }
            }
            Ok(0)
        }
    }
}

/// Refuse before recording anything when the report could not be written.
fn check_writable(path: &Path) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(CliError::bad_input(format!(
            "cannot write {}: directory {} does not exist",
            display(path),
            display(dir)
        )));
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    crate::report::write_atomically(path, bytes)
        .map_err(|e| CliError::bad_input(format!("cannot write {}: {e}", display(path))))
}
