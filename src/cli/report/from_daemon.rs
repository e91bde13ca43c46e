//! `report quarterly` while a daemon owns the store: the daemon records the production and sends the document
//! in chunks as it reads the quarter; each chunk is written out as it arrives, so neither side holds the
//! report. A file is written whole or not at all.

use std::cell::Cell;
use std::io::Write;

use futures::TryFutureExt;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

use super::{Failed, Target, quarterly_written};
use crate::cli::context::{CliError, Context, runtime};
use crate::cli::daemon_cmds::reach;
use crate::config::Config;
use crate::daemon::{self, RemoteEngine};
use crate::engine::{EngineError, RecordsReply, Reply};
use crate::model::{Actor, Quarter};
use crate::report::Format;

/// Chunks received but not written yet; more wait on the socket (and the daemon waits for them to be read).
const AHEAD: usize = 2;

/// The daemon of this data directory, with the runtime its connection lives on; `None` when none answers.
pub(super) fn connect(ctx: &Context, config: &Config) -> Result<Option<(Runtime, RemoteEngine)>, CliError> {
    let dir = ctx.data_dir(config)?;
    if let Err(e) = std::fs::symlink_metadata(daemon::socket_path(&dir))
        && e.kind() != std::io::ErrorKind::PermissionDenied
    {
        return Ok(None);
    }
    let rt = runtime()?;
    let remote = rt.block_on(reach(&dir, config))?;
    Ok(remote.map(|remote| (rt, remote)))
}

/// Asks the daemon for the report of `quarter` (default: the current one) in `format` and writes it to
/// `target` as it arrives. `fallback`: the quarter the message names should the daemon not say.
pub(super) fn write(
    (rt, remote): (Runtime, RemoteEngine),
    (quarter, format): (Option<Quarter>, Format),
    target: Target,
    fallback: Quarter,
) -> Result<i32, CliError> {
    let listed = Cell::new((fallback, 0));
    target.stream(
        |out| {
            listed.set(rt.block_on(receive(&remote, (quarter, format), out))?);
            Ok::<_, Failed>(())
        },
        || {
            let (quarter, n) = listed.get();
            quarterly_written(quarter, format, n)
        },
    )
}

/// Writes the chunks to `out` as they come; answers the quarter and how many incidents the report lists.
async fn receive(
    remote: &RemoteEngine,
    (quarter, format): (Option<Quarter>, Format),
    out: &mut dyn Write,
) -> Result<(Quarter, usize), Failed> {
    let (chunks, mut arriving) = mpsc::channel(AHEAD);
    let asked = remote
        .quarterly_report(Actor::current(), quarter, format, chunks)
        .map_err(refused);
    let written = async {
        while let Some(bytes) = arriving.recv().await {
            out.write_all(&bytes)?;
        }
        Ok(())
    };
    // A failed write ends it at once: the connection closes, and the daemon stops writing.
    let (reply, ()) = tokio::try_join!(asked, written)?;
    match reply {
        Reply::Records(r) => match *r {
            RecordsReply::QuarterlyStreamed { quarter, listed, .. } => Ok((quarter, listed)),
            other => Err(Failed::Refused(super::unexpected(other))),
        },
        other => Err(Failed::Refused(CliError::store(format!(
            "unexpected answer from the daemon: {other:?}"
        )))),
    }
}

fn refused(e: EngineError) -> Failed {
    Failed::Refused(match e {
        e if e.is_bad_input() => CliError::bad_input(e.to_string()),
        EngineError::Stopped => CliError::store(
            "the daemon hung up before the quarterly report was complete (stopped, or of an older version that \
             does not send it in chunks: restart it with this one)",
        ),
        e => CliError::store(e.to_string()),
    })
}
