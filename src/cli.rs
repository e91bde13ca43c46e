//! The command line: clap definitions and the dispatch of subcommands. Exit codes: 0 done, 1 a negative answer
//! (a check failed, verification failed), 2 bad input, 3 store unavailable.

/// `println!` for the command line's answers: once the reader has gone (`watchdesk check --json | head`)
/// the process ends quietly instead of panicking (see `write_stdout`).
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*), true) };
}

/// `print!` likewise.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*), false) };
}

mod check;
mod config_cmds;
mod context;
mod daemon_cmds;
mod dashboard;
mod docs;
mod incident;
mod notify_cmds;
mod progress;
mod records;
mod report;
mod store_cmds;
mod time;
mod values;
mod watch;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use context::{CliError, Context};
pub use values::Choice;

use crate::config::Lang;
use crate::logging::{LogFormat, LogOptions};
use crate::tui::theme::ColorChoice;

#[derive(Debug, Parser)]
#[command(
    name = "watchdesk",
    version,
    about = "On-call dashboard for the Fujian water-conservancy quality-inspection supervision platform"
)]
pub struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/watchdesk/config.toml).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH",
        env = "WATCHDESK_CONFIG",
        hide_env_values = true
    )]
    pub config: Option<PathBuf>,
    /// Data directory (default: the config's storage.data_dir, else $XDG_DATA_HOME/watchdesk).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "DIR",
        env = "WATCHDESK_DATA",
        hide_env_values = true
    )]
    pub data_dir: Option<PathBuf>,
    /// Colour theme: a built-in one, or a file NAME.toml in the config directory's themes/.
    #[arg(long, global = true, help_heading = "Global options", value_name = "NAME", value_parser = values::ThemeName)]
    pub theme: Option<String>,
    /// Language of the dashboard (default: the config's, else LANG).
    #[arg(long, global = true, help_heading = "Global options", value_parser = Choice::<Lang>::all("language"))]
    pub lang: Option<Lang>,
    /// When to use colour (NO_COLOR is honoured in auto).
    #[arg(long, global = true, help_heading = "Global options", value_name = "WHEN", value_parser = Choice::<ColorChoice>::all("colour mode"))]
    pub color: Option<ColorChoice>,
    /// Which log lines to write, as RUST_LOG filters them (default: info for serve, warn otherwise).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILTER",
        env = "RUST_LOG",
        hide_env_values = true
    )]
    pub log_filter: Option<String>,
    /// Where log lines go (auto: the journal when systemd connected standard error to it, else text).
    #[arg(long, global = true, help_heading = "Global options", value_name = "FORMAT", value_parser = Choice::<LogFormat>::all("log format"))]
    pub log_format: Option<LogFormat>,
    /// Append text log lines to FILE (0600) instead of standard error.
    #[arg(long, global = true, help_heading = "Global options", value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the dashboard on a simulated platform on 127.0.0.1, with its own throw-away store.
    Demo,
    /// Watch the platform with no terminal (the daemon; see the systemd unit in the README). Dashboards attach
    /// and commands go to it over a socket in the data directory. Stops on SIGTERM or SIGINT.
    Serve,
    /// Open the dashboard on the running daemon (plain `watchdesk` does this by itself when one runs).
    Attach {
        /// Only look: every key that would change something says "read-only" (observers always are).
        #[arg(long)]
        readonly: bool,
    },
    /// Run every configured check and host once and print a table; exit 0 when all are up, 1 otherwise.
    Check {
        /// One JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Write a commented config template with the platform's five subsystems.
    Init {
        /// Where to write it (default: the config path).
        path: Option<PathBuf>,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        action: ConfigCmd,
    },
    /// Open, acknowledge, plan, resolve, annotate and list incidents and tickets.
    Incident {
        #[command(subcommand)]
        action: incident::IncidentCmd,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCmd,
    },
    /// Back up the store (`backup --out FILE`), or check a backup (`backup verify FILE`).
    Backup {
        /// Where to write the backup.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<BackupCmd>,
    },
    /// Rebuild a store from a backup into an empty --data-dir.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// The daily ledger (日台账): show a day, save or amend its record.
    Daily {
        #[command(subcommand)]
        action: records::DailyCmd,
    },
    /// The monthly on-site inspection (每月现场巡检).
    Monthly {
        #[command(subcommand)]
        action: records::MonthlyCmd,
    },
    /// Record a handover to the next engineer.
    Handover {
        #[command(subcommand)]
        action: records::HandoverCmd,
    },
    /// Enter the assessment items graded by hand.
    Score {
        #[command(subcommand)]
        action: records::ScoreCmd,
    },
    /// Notifications: send a test message to a channel, show the outbox, list the channels.
    Notify {
        #[command(subcommand)]
        action: notify_cmds::NotifyCmd,
    },
    /// Reports: handover summary, quarterly maintenance report, assessment score, advice.
    Report {
        #[command(subcommand)]
        action: report::ReportCmd,
    },
    /// Print the shell completion script: `watchdesk completions bash > /etc/bash_completion.d/watchdesk`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output, or write one page per command into --out-dir.
    Man {
        /// Write watchdesk.1 and a page per subcommand (watchdesk-incident.1, ...) into DIR.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Validate the config and print a summary; nothing is written.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Walk the keyed chain and check every incident and record against the events that wrote them: the count
    /// when intact (exit 0), the first bad record otherwise (exit 1).
    Verify {
        /// A chain head published earlier (in a daily record, handover or report, or the day-end log line):
        /// proves the log still reaches it unchanged, so nothing up to it was cut or rolled back.
        #[arg(long, value_name = "SEQ:HASH")]
        expect: Option<crate::store::AuditHead>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Check a backup's format, checksum and keyed MACs without restoring it; names the first bad line.
    Verify {
        /// The backup file to check.
        file: PathBuf,
    },
}

/// Parses the command line, starts the log, runs it and returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    if let Err(why) = crate::logging::init(&cli.log_options()) {
        eprintln!("watchdesk: {why}");
        return 2;
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("watchdesk: {}", e.message);
            e.code
        }
    }
}

impl Cli {
    /// The daemon logs what it does (info); a command only its warnings; the dashboard never on the
    /// terminal it draws on.
    pub fn log_options(&self) -> LogOptions {
        let daemon = matches!(self.command, Some(Cmd::Serve));
        let screen = matches!(self.command, None | Some(Cmd::Demo) | Some(Cmd::Attach { .. }));
        LogOptions {
            filter: self.log_filter.clone(),
            format: self.log_format.unwrap_or_default(),
            file: self.log_file.clone(),
            default_filter: if daemon { "info" } else { "warn" },
            screen,
        }
    }
}

pub fn run(cli: Cli) -> Result<i32, CliError> {
    let ctx = Context::new(cli.config.clone(), cli.data_dir.clone());
    let look = dashboard::LookFlags {
        theme: cli.theme.clone(),
        lang: cli.lang,
        color: cli.color.unwrap_or_default(),
    };
    match cli.command {
        None => dashboard::run(&ctx, look, false),
        Some(Cmd::Demo) => dashboard::run(&ctx, look, true),
        Some(Cmd::Serve) => daemon_cmds::serve(&ctx),
        Some(Cmd::Attach { readonly }) => daemon_cmds::attach(&ctx, &look, readonly),
        Some(Cmd::Check { json }) => check::run(&ctx, json),
        Some(Cmd::Init { path, force }) => config_cmds::init(&ctx, path, force),
        Some(Cmd::Config {
            action: ConfigCmd::Check,
        }) => config_cmds::check(&ctx),
        Some(Cmd::Incident { action }) => incident::run(&ctx, action),
        Some(Cmd::Audit {
            action: AuditCmd::Verify { expect },
        }) => store_cmds::audit_verify(&ctx, expect),
        Some(Cmd::Backup { out, action }) => match (out, action) {
            (_, Some(BackupCmd::Verify { file })) => store_cmds::backup_verify(&ctx, &file),
            (Some(out), None) => store_cmds::backup(&ctx, &out),
            (None, None) => Err(CliError::bad_input(
                "backup needs --out FILE (write a backup) or `verify FILE` (check one)",
            )),
        },
        Some(Cmd::Restore { file }) => store_cmds::restore(&ctx, &file),
        Some(Cmd::Daily { action }) => records::daily(&ctx, action),
        Some(Cmd::Monthly { action }) => records::monthly(&ctx, action),
        Some(Cmd::Handover { action }) => records::handover_cmd(&ctx, action),
        Some(Cmd::Score { action }) => records::score_cmd(&ctx, action),
        Some(Cmd::Report { action }) => report::run(&ctx, action),
        Some(Cmd::Notify { action }) => notify_cmds::run(&ctx, action),
        Some(Cmd::Completions { shell }) => docs::completions(shell),
        Some(Cmd::Man { out_dir }) => docs::man(out_dir.as_deref()),
    }
}

/// Writes an answer to standard output. A closed pipe (the reader took what it wanted, as `head` does) ends
/// the process at once with status 0: every change was durable before its answer was printed, and nobody is
/// left to read more. Any other failure to write ends it with status 1 and says why on standard error.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut out = std::io::stdout().lock();
    let written = out
        .write_fmt(args)
        .and_then(|()| if newline { out.write_all(b"\n") } else { Ok(()) })
        .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("watchdesk: cannot write to standard output: {e}");
            std::process::exit(1);
        }
    }
}
