//! file checks: did the backup run. The newest file matching a glob must be recent enough and big enough.
//! The scan runs on a blocking thread (a hung network mount must not stall the runtime) and is given up at
//! the deadline.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use tokio::time::timeout_at;

use super::{Budget, Outcome, Phase, Reason, Waiting, down};

pub(super) async fn run(
    pattern: &str,
    max_age: Option<Duration>,
    min_size: Option<u64>,
    budget: Budget,
) -> Outcome {
    let owned = pattern.to_string();
    let scan = tokio::task::spawn_blocking(move || newest(&owned));
    let newest = match timeout_at(budget.deadline, scan).await {
        Err(_) => {
            return budget.timed_out(Waiting::Scan {
                pattern: pattern.to_string(),
            });
        }
        Ok(Err(e)) => {
            return down(
                Phase::File,
                Reason::ScanFailed {
                    pattern: pattern.to_string(),
                    error: e.to_string(),
                },
            );
        }
        Ok(Ok(Err(reason))) => return down(Phase::File, reason),
        Ok(Ok(Ok(newest))) => newest,
    };
    let Some(file) = newest else {
        return down(
            Phase::File,
            Reason::NoFile {
                pattern: pattern.to_string(),
            },
        );
    };
    judge(&file, SystemTime::now(), max_age, min_size)
}

/// The newest regular file matching a pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub path: PathBuf,
    pub modified: SystemTime,
    pub size: u64,
}

/// Entries that cannot be read (permissions, vanished meanwhile) are skipped: a backup job rotating files
/// while we look must not look like a failure.
fn newest(pattern: &str) -> Result<Option<Found>, Reason> {
    let paths = glob::glob(pattern).map_err(|e| Reason::BadPattern {
        pattern: pattern.to_string(),
        error: e.to_string(),
    })?;
    let mut best: Option<Found> = None;
    for path in paths.flatten() {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let Ok(modified) = meta.modified() else {
            continue;
        };
        if best.as_ref().is_none_or(|b| modified > b.modified) {
            best = Some(Found {
                path,
                modified,
                size: meta.len(),
            });
        }
    }
    Ok(best)
}

/// A file's age as every screen writes a duration (`1h00m`, `2d 3h`).
fn span_of(d: Duration) -> String {
    crate::span::span(chrono::Duration::seconds(d.as_secs().min(i64::MAX as u64) as i64))
}

pub(crate) fn judge(
    file: &Found,
    now: SystemTime,
    max_age: Option<Duration>,
    min_size: Option<u64>,
) -> Outcome {
    // A clock step or a file from the future counts as brand new rather than as an error.
    let age = now.duration_since(file.modified).unwrap_or_default();
    let age_text = span_of(age);
    let path = file.path.display().to_string();
    if let Some(max) = max_age
        && age > max
    {
        return down(
            Phase::File,
            Reason::FileTooOld {
                path,
                age: age_text,
                max: span_of(max),
            },
        );
    }
    if let Some(min) = min_size
        && file.size < min
    {
        return down(
            Phase::File,
            Reason::FileTooSmall {
                path,
                size: file.size,
                min,
            },
        );
    }
    Outcome::Up {
        detail: Reason::FileOk {
            path,
            size: file.size,
            age: age_text,
        },
    }
}
