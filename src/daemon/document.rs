//! The quarterly report sent to a client as it is written: the engine's chunks go out one line each, the next
//! taken only once the one before is on the socket, so a client that reads slowly holds the writing up (the
//! engine's channel holds [`AHEAD`] chunks at most) and one that hangs up ends it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::sync::{mpsc, oneshot};

use super::server::Out;
use super::wire::{Message, WireError};
use crate::engine::{Command, EngineHandle, RecordsCommand, ReportSink};
use crate::model::{Actor, Quarter};
use crate::report::Format;

/// Chunks the engine may write before the connection has sent the first of them.
pub const AHEAD: usize = 2;

/// Runs the quarterly report of request `id` on `engine` and sends it to the connection's writer: its chunks,
/// then the reply. Ends early, dropping what it holds, when the client is gone.
pub(super) async fn quarterly(
    engine: EngineHandle,
    out: mpsc::UnboundedSender<Out>,
    (id, actor): (u64, Actor),
    quarter: Option<Quarter>,
    format: Format,
) {
    let (chunks, mut written) = mpsc::channel(AHEAD);
    let command = Command::Records(RecordsCommand::QuarterlyReport { quarter });
    let answer = engine.stream_report(actor, command, ReportSink { format, chunks });
    let to = &out;
    // `written` goes with the forwarding: once it stops, the engine's next chunk finds the channel closed.
    let forward = async move {
        while let Some(bytes) = written.recv().await {
            let line = Message::Chunk {
                id,
                data: STANDARD.encode(&bytes),
            };
            drop(bytes);
            let (sent, on_socket) = oneshot::channel();
            if to.send(Out::Chunk(line, sent)).is_err() || on_socket.await.is_err() {
                return false;
            }
        }
        true
    };
    let (result, delivered) = tokio::join!(answer, forward);
    if delivered {
        let result = result.map_err(|e| WireError::from(&e));
        let _ = out.send(Out::Message(Message::Reply { id, result }));
    }
}

/// What an older client that asks for the report whole is told: the daemon sends it only in chunks.
pub(super) fn whole_refused() -> WireError {
    WireError {
        bad_input: false,
        message:
            "this watchdesk daemon sends the quarterly report only in chunks, which this client does not \
                  read: run `watchdesk report quarterly` of the daemon's own version"
                .into(),
    }
}
