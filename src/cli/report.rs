//! `watchdesk report …`: the handover summary, a day's ledger, the quarterly maintenance report, the
//! assessment score and the engineer's advice for the quarter; as text, or as Word and web documents for the
//! client's files.

mod from_daemon;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Subcommand, ValueEnum};

use super::context::{CliError, Context, display};
use super::progress::Shown;
use super::records::{ask_daemon, daily_view, execute, parse_date, parse_quarter, unexpected};
use super::time::parse_time;
use crate::engine::{RecordsCommand, RecordsReply};
use crate::model::{Actor, Quarter};
use crate::report::handover::{self, HandoverRequest};
use crate::report::quarterly::stream::WriteError;
use crate::report::{Format, daily, docx, osc52, quarterly, score};

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// What to hand over: open incidents, what happened, health, records missing.
    Handover {
        /// Start of the period (default: the last handover, else 12 hours ago).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// md to read, json for scripts, docx for the files (needs --out, or standard output redirected).
        #[arg(long, default_value = "md", value_parser = formats(&[Format::Markdown, Format::Json, Format::Docx]))]
        format: Format,
        /// The outgoing engineer's notes.
        #[arg(long, value_name = "TEXT")]
        notes: Option<String>,
        /// Also copy it to the terminal's clipboard (OSC 52; works over SSH and inside tmux).
        #[arg(long)]
        copy: bool,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// A day's ledger (日台账) as a document: the figures watchdesk fills in and what the engineer entered.
    Daily {
        /// YYYY-MM-DD (default: today in the platform zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// md to read, json for scripts, docx for the files (needs --out, or standard output redirected).
        #[arg(long, default_value = "md", value_parser = formats(&[Format::Markdown, Format::Json, Format::Docx]))]
        format: Format,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The quarterly maintenance report; producing it is recorded (it earns the quarterly summary points).
    Quarterly {
        /// e.g. 2026Q4 (default: the current quarter).
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
        /// md to read, json for scripts, csv of the incidents for a spreadsheet, docx for the client's files
        /// (needs --out, or standard output redirected), html with charts.
        #[arg(long, default_value = "md")]
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
        /// md to read, json for scripts.
        #[arg(long, default_value = "md", value_parser = formats(&[Format::Markdown, Format::Json]))]
        format: Format,
    },
    /// Enter the engineer's advice printed in the quarterly report.
    Advice {
        /// e.g. 2026Q4 (default: the current quarter).
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
        /// The advice; several lines are kept.
        #[arg(long, value_name = "TEXT")]
        text: String,
    },
}

/// Some of the formats: `--help` and completions list exactly these.
fn formats(accepted: &'static [Format]) -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(accepted.iter().filter_map(ValueEnum::to_possible_value))
        .map(|name| Format::from_str(&name, true).expect("a name the parser accepted"))
}

pub fn run(ctx: &Context, cmd: ReportCmd) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    let zone = config.policy.calendar.zone;
    match cmd {
        ReportCmd::Handover {
            since,
            format,
            notes,
            copy,
            out,
        } => {
            if copy && format.is_binary() {
                return Err(CliError::bad_input(
                    "--copy copies text: use it with --format md or json, not docx",
                ));
            }
            let target = Target::check(out, format)?;
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
            let bytes = match format {
                Format::Json => (handover::json(&summary) + "\n").into_bytes(),
                Format::Docx => docx::handover(&summary).map_err(word_error)?,
                _ => handover::markdown(&summary).into_bytes(),
            };
            target.write(&bytes, || format!("handover summary ({format})"))?;
            if copy {
                out!("{}", osc52::for_environment(&String::from_utf8_lossy(&bytes)));
            }
            Ok(0)
        }
        ReportCmd::Daily { date, format, out } => {
            let target = Target::check(out, format)?;
            let view = daily_view(ctx, &config, date)?;
            let bytes = match format {
                Format::Json => (serde_json::to_string_pretty(&view).unwrap_or_default() + "\n").into_bytes(),
                Format::Docx => docx::daily(&view, zone).map_err(word_error)?,
                _ => daily::markdown(&view, zone).into_bytes(),
            };
            target.write(&bytes, || format!("daily ledger {} ({format})", view.date))
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
            // Refused before anything is recorded.
            let target = Target::check(out, format)?;
            let waiting = Shown::waiting("computing the quarterly report");
            // A daemon owns the store: it records the production and sends the report as it reads the quarter.
            if let Some(daemon) = from_daemon::connect(ctx, &config)? {
                if matches!(target, Target::Stdout) {
                    drop(waiting);
                }
                let fallback = quarter.unwrap_or_else(|| Quarter::of(Utc::now(), zone));
                return from_daemon::write(daemon, (quarter, format), target, fallback);
            }
            // Else the production is recorded, then the quarter is read from the store as the report is
            // written: the incidents are not held, however many.
            let recorded = execute(ctx, config.clone(), RecordsCommand::QuarterlyRecorded { quarter })?;
            let RecordsReply::QuarterlyRecorded { quarter, at, by } = recorded else {
                return Err(unexpected(recorded));
            };
            let store = ctx.open_store(&config)?;
            if matches!(target, Target::Stdout) {
                drop(waiting);
            }
            let listed = std::cell::Cell::new(0);
            target.stream(
                |out| {
                    let written =
                        quarterly::stream::from_store(&store, &config, (quarter, at, &by), format, out);
                    listed.set(written?.1);
                    Ok::<_, WriteError>(())
                },
                || quarterly_written(quarter, format, listed.get()),
            )
        }
    }
}

/// What the message after writing a quarterly report to a file says it was.
fn quarterly_written(quarter: Quarter, format: Format, incidents: usize) -> String {
    format!("quarterly report {quarter} ({format}, {incidents} incidents)")
}

fn word_error(e: std::io::Error) -> CliError {
    CliError::store(format!("cannot make the Word document: {e}"))
}

/// Where a document goes: a file (written whole or not at all), or standard output.
enum Target {
    File(PathBuf),
    Stdout,
}

impl Target {
    /// Refuses a file in a missing directory, and binary bytes for a terminal.
    fn check(out: Option<PathBuf>, format: Format) -> Result<Target, CliError> {
        match out {
            Some(path) => {
                check_writable(&path)?;
                Ok(Target::File(path))
            }
            None if format.is_binary() && std::io::stdout().is_terminal() => {
                Err(CliError::bad_input(format!(
                    "a {format} document is binary and would garble the terminal: write it with --out FILE \
                 (e.g. --out report.{format}) or redirect standard output"
                )))
            }
            None => Ok(Target::Stdout),
        }
    }

    fn write(self, bytes: &[u8], what: impl FnOnce() -> String) -> Result<i32, CliError> {
        match self {
            Target::File(path) => {
                write_atomically(&path, bytes)?;
                outln!("{} written to {}", what(), display(&path));
            }
            Target::Stdout => {
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(bytes)
                    .and_then(|_| stdout.flush())
                    .map_err(|e| CliError::store(format!("cannot write the report: {e}")))?;
            }
        }
        Ok(0)
    }
}

/// What stopped a report being written out: reading it, writing it, or the daemon that sent it.
enum Failed {
    Write(WriteError),
    Refused(CliError),
}

impl From<WriteError> for Failed {
    fn from(e: WriteError) -> Failed {
        Failed::Write(e)
    }
}

impl From<std::io::Error> for Failed {
    fn from(e: std::io::Error) -> Failed {
        Failed::Write(WriteError::Io(e))
    }
}

impl Target {
    /// Writes what `write` writes as it goes: to standard output, or next to the file and renamed over it at the
    /// end (a report that failed half-way replaces nothing).
    fn stream<E: Into<Failed> + From<std::io::Error>>(
        self,
        write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
        what: impl FnOnce() -> String,
    ) -> Result<i32, CliError> {
        let failed = |e: Failed, path: Option<&Path>| match (e, path) {
            (Failed::Refused(e), _) => e,
            (Failed::Write(WriteError::Store(e)), _) => CliError::from(e),
            (Failed::Write(WriteError::Io(e)), Some(path)) => {
                CliError::bad_input(format!("cannot write {}: {e}", display(path)))
            }
            (Failed::Write(WriteError::Io(e)), None) => {
                CliError::store(format!("cannot write the report: {e}"))
            }
        };
        match self {
            Target::File(path) => {
                crate::report::write_atomically_with(&path, write)
                    .map_err(|e| failed(e.into(), Some(&path)))?;
                outln!("{} written to {}", what(), display(&path));
            }
            Target::Stdout => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                write(&mut stdout)
                    .map_err(Into::into)
                    .and_then(|()| stdout.flush().map_err(Failed::from))
                    .map_err(|e| failed(e, None))?;
            }
        }
        Ok(0)
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
