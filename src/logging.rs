//! Log lines, as `tracing` events: to standard error as text by default, appended to a file with
//! `--log-file`, or to the systemd journal in its native protocol (each field its own journal field:
//! `ACTION`, `ACTOR`, `TARGET`, ...) with `--log-format journald`, or by itself when systemd connected
//! standard error to the journal (`JOURNAL_STREAM`). `--log-filter` / `RUST_LOG` choose what is written.
//!
//! What the daemon says comes from the engine's event stream (see `activity`); a line names who did what to
//! which record, never a payload, so no secret (and no note text) reaches a log.

pub mod activity;

use std::fmt;
use std::fs::OpenOptions;
use std::os::fd::AsFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::Utc;
use chrono_tz::Tz;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::prelude::*;

/// `--log-format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// The journal when standard error is connected to it (JOURNAL_STREAM), else text.
    #[default]
    Auto,
    /// One line of text per event, with the time in the platform's zone.
    Text,
    /// The systemd journal's native protocol, on its socket.
    Journald,
}

/// What the command line asked of the logs, and what suits the command.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// `--log-filter` / `RUST_LOG`.
    pub filter: Option<String>,
    pub format: LogFormat,
    pub file: Option<PathBuf>,
    /// The filter when none is given: `info` for the daemon, `warn` for a command.
    pub default_filter: &'static str,
    /// The command draws on the terminal (the dashboard): text lines on standard error would tear its
    /// screen, so they are written only to a file or the journal.
    pub screen: bool,
}

/// Where the lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Journald,
    File(PathBuf),
    Stderr,
    Nowhere,
}

/// Chooses where the lines go. `journal_stream` is `$JOURNAL_STREAM`, `stderr` the device and inode of
/// standard error: systemd sets the one to the other when it connects standard error to the journal.
pub fn destination(
    options: &LogOptions,
    journal_stream: Option<&str>,
    stderr: Option<(u64, u64)>,
) -> Destination {
    let to_journal = match options.format {
        LogFormat::Journald => true,
        LogFormat::Text => false,
        LogFormat::Auto => {
            options.file.is_none()
                && journal_stream
                    .and_then(parse_journal_stream)
                    .is_some_and(|s| Some(s) == stderr)
        }
    };
    if to_journal {
        Destination::Journald
    } else if let Some(file) = &options.file {
        Destination::File(file.clone())
    } else if options.screen {
        Destination::Nowhere
    } else {
        Destination::Stderr
    }
}

/// `DEVICE:INODE`, both decimal, as systemd writes `JOURNAL_STREAM`.
pub fn parse_journal_stream(value: &str) -> Option<(u64, u64)> {
    let (dev, ino) = value.trim().split_once(':')?;
    Some((dev.parse().ok()?, ino.parse().ok()?))
}

fn stderr_identity() -> Option<(u64, u64)> {
    let fd = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Installs the process's log subscriber. The `Err` says what was wrong (a bad filter, a file that cannot be
/// opened, no journal to write to).
pub fn init(options: &LogOptions) -> Result<Destination, String> {
    let filter_text = options.filter.as_deref().filter(|f| !f.trim().is_empty());
    let filter = EnvFilter::try_new(filter_text.unwrap_or(options.default_filter)).map_err(|e| {
        format!(
            "--log-filter / RUST_LOG: invalid filter \"{}\": {e} (write e.g. info, warn or watchdesk=debug)",
            filter_text.unwrap_or_default()
        )
    })?;
    let journal_stream = std::env::var("JOURNAL_STREAM").ok();
    let to = destination(options, journal_stream.as_deref(), stderr_identity());
    let registry = tracing_subscriber::registry().with(filter);
    let text = || {
        tracing_subscriber::fmt::layer()
            .with_timer(ZoneTime)
            .with_target(false)
    };
    let installed = match &to {
        Destination::Nowhere => return Ok(to),
        Destination::Journald => {
            let layer = tracing_journald::layer()
                .map_err(|e| format!("cannot write to the systemd journal: {e} (use --log-format text)"))?
                .with_syslog_identifier("watchdesk".to_string())
                .with_field_prefix(None)
                // syslog's meaning: info is informational (6), debug is debug (7).
                .with_priority_mappings(tracing_journald::PriorityMappings {
                    info: tracing_journald::Priority::Informational,
                    debug: tracing_journald::Priority::Debug,
                    ..tracing_journald::PriorityMappings::new()
                });
            registry.with(layer).try_init()
        }
        Destination::File(path) => {
            let file = open_log_file(path)?;
            registry
                .with(text().with_ansi(false).with_writer(Mutex::new(file)))
                .try_init()
        }
        Destination::Stderr => {
            use std::io::IsTerminal;
            let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            registry
                .with(text().with_ansi(ansi).with_writer(std::io::stderr))
                .try_init()
        }
    };
    installed.map_err(|e| format!("cannot start logging: {e}"))?;
    Ok(to)
}

fn open_log_file(path: &Path) -> Result<std::fs::File, String> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| {
            format!(
                "--log-file {}: {}; accepted is a file this user can append to, in a directory that exists",
                path.display(),
                crate::config::io_reason(&e)
            )
        })
}

/// The zone log times are written in: the platform's, once its config is read (UTC before).
static ZONE: OnceLock<Tz> = OnceLock::new();

/// Log times from now on are in `zone` (the first call wins: one platform per process).
pub fn use_zone(zone: Tz) {
    let _ = ZONE.set(zone);
}

struct ZoneTime;

impl FormatTime for ZoneTime {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        let zone = ZONE.get().copied().unwrap_or(chrono_tz::UTC);
        write!(
            w,
            "{}",
            Utc::now().with_timezone(&zone).format("%Y-%m-%d %H:%M:%S%.3f%:z")
        )
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn options(format: LogFormat, file: Option<&str>, screen: bool) -> LogOptions {
        LogOptions {
            filter: None,
            format,
            file: file.map(PathBuf::from),
            default_filter: "info",
            screen,
        }
    }

    #[test]
    fn a_log_file_that_cannot_be_opened_says_why_and_what_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_log_file(dir.path()).unwrap_err();
        assert!(
            err.starts_with("--log-file ") && err.contains("it is a directory, not a file"),
            "{err}"
        );
        let err = open_log_file(&dir.path().join("no-such-dir").join("w.log")).unwrap_err();
        assert!(
            err.contains("no such file or directory") && err.contains("in a directory that exists"),
            "{err}"
        );
        let file = dir.path().join("w.log");
        assert!(open_log_file(&file).is_ok());
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn auto_goes_to_the_journal_only_when_standard_error_is_the_stream_systemd_named() {
        let auto = options(LogFormat::Auto, None, false);
        assert_eq!(
            destination(&auto, Some("8:1234"), Some((8, 1234))),
            Destination::Journald
        );
        // Inherited from a parent whose standard error was the journal, but ours is a terminal now.
        assert_eq!(
            destination(&auto, Some("8:1234"), Some((8, 99))),
            Destination::Stderr
        );
        assert_eq!(destination(&auto, None, Some((8, 1234))), Destination::Stderr);
        assert_eq!(
            destination(&auto, Some("garbage"), Some((8, 1234))),
            Destination::Stderr
        );
    }

    #[test]
    fn explicit_choices_win_and_the_dashboard_keeps_standard_error_clean() {
        let journald = options(LogFormat::Journald, None, true);
        assert_eq!(destination(&journald, None, None), Destination::Journald);
        let text = options(LogFormat::Text, None, false);
        assert_eq!(destination(&text, Some("8:1"), Some((8, 1))), Destination::Stderr);
        let file = options(LogFormat::Auto, Some("/tmp/w.log"), true);
        assert_eq!(
            destination(&file, Some("8:1"), Some((8, 1))),
            Destination::File(PathBuf::from("/tmp/w.log"))
        );
        assert_eq!(
            destination(&options(LogFormat::Auto, None, true), None, None),
            Destination::Nowhere
        );
    }

    #[test]
    fn journal_stream_is_device_colon_inode() {
        assert_eq!(parse_journal_stream("2049:31337"), Some((2049, 31337)));
        assert_eq!(parse_journal_stream("2049"), None);
        assert_eq!(parse_journal_stream("a:b"), None);
    }
}
