//! The client's side of the socket: a [`RemoteEngine`] that the dashboard and the command line use exactly like
//! the engine in their own process. Snapshots arrive without the policy and the time zone (the client has the
//! same configuration and fills them in): a full one first, then deltas applied to the client's copy; a delta
//! that does not follow the copy's version makes the client ask for a full snapshot again. A lost connection
//! ends the snapshot channel, which the dashboard reads as "the engine stopped", and fails every command still
//! waiting. The quarterly report's chunks are handed on as they arrive, the socket read no further until the
//! reader of the chunks has room, so a slow reader holds the daemon up instead of filling memory here.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono_tz::Tz;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::OwnedReadHalf;
use tokio::sync::{mpsc, oneshot, watch};

use super::access::Role;
use super::server::send;
use super::wire::{MAX_LINE, Message, Request, WireError};
use crate::engine::{Command, EngineError, Mode, Reply, Snapshot};
use crate::model::{Actor, Quarter};
use crate::policy::Policy;
use crate::report::Format;

/// How long to wait for the daemon's first snapshot.
const FIRST_SNAPSHOT: Duration = Duration::from_secs(10);

type Waiting = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Reply, WireError>>>>>;

/// Where the chunks of each document asked for go.
type Streams = Arc<Mutex<HashMap<u64, mpsc::Sender<Vec<u8>>>>>;

/// A daemon, reached over its socket.
#[derive(Clone)]
pub struct RemoteEngine {
    requests: mpsc::UnboundedSender<Request>,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    waiting: Waiting,
    streams: Streams,
    next_id: Arc<AtomicU64>,
    /// The daemon hung up: nothing more will be answered.
    closed: Arc<AtomicBool>,
    /// Who the daemon says this connection is (the kernel's word), and what it may do.
    user: String,
    role: Role,
    /// Chosen with `attach --readonly`, or forced by the observer role.
    read_only: bool,
    /// Bytes read from the socket so far.
    received: Arc<AtomicU64>,
}

/// Connects to the daemon at `path` and waits for its first snapshot. `policy` and `timezone` come from the
/// client's own configuration.
pub async fn connect(path: &Path, policy: Arc<Policy>, timezone: Tz) -> io::Result<RemoteEngine> {
    let stream = UnixStream::connect(path).await?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let counted = Arc::new(AtomicU64::new(0));
    let received = counted.clone();
    let fill = move |mut s: Snapshot| {
        s.policy = policy.clone();
        s.timezone = timezone;
        s.mode = Mode::Attached;
        s
    };
    let welcome = tokio::time::timeout(FIRST_SNAPSHOT, next_message(&mut lines, &received))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the daemon did not answer within 10 s"))??;
    let (user, role) = match welcome {
        Some(Message::Welcome { user, role }) => (user, role),
        Some(Message::Refused { reason }) => {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, reason));
        }
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the daemon did not say who this connection is (is it an older watchdesk?)",
            ));
        }
    };
    // Only once the daemon has let us in: a refused client's line would meet a closed socket.
    send(&mut write, &Request::Subscribe).await?;
    let first = tokio::time::timeout(FIRST_SNAPSHOT, next_message(&mut lines, &received))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the daemon sent no snapshot within 10 s"))??;
    let Some(Message::Snapshot {
        version,
        snapshot: first,
    }) = first
    else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the daemon's first message was not a snapshot",
        ));
    };
    let mut copy = Copy {
        version,
        snapshot: fill(*first),
    };
    let (snapshot_tx, snapshots) = watch::channel(Arc::new(copy.snapshot.clone()));
    let waiting: Waiting = Arc::default();
    let streams: Streams = Arc::default();
    let chunks_to = streams.clone();
    let (requests, mut outgoing) = mpsc::unbounded_channel::<Request>();
    tokio::spawn(async move {
        while let Some(request) = outgoing.recv().await {
            if send(&mut write, &request).await.is_err() {
                break;
            }
        }
    });
    let replies = waiting.clone();
    let resubscribe = requests.clone();
    let closed = Arc::new(AtomicBool::new(false));
    let hung_up = closed.clone();
    tokio::spawn(async move {
        while let Ok(Some(message)) = next_message(&mut lines, &received).await {
            match message {
                Message::Snapshot { version, snapshot } => {
                    copy = Copy {
                        version,
                        snapshot: fill(*snapshot),
                    };
                    if snapshot_tx.send(Arc::new(copy.snapshot.clone())).is_err() {
                        break;
                    }
                }
                Message::Delta { from, to, delta } => {
                    // Waiting for the full snapshot asked for below: the deltas until then do not fit.
                    if copy.version == 0 {
                        continue;
                    }
                    if from != copy.version || delta.apply(&mut copy.snapshot).is_err() {
                        copy.version = 0;
                        let _ = resubscribe.send(Request::Subscribe);
                        continue;
                    }
                    copy.version = to;
                    copy.snapshot.mode = Mode::Attached;
                    if snapshot_tx.send(Arc::new(copy.snapshot.clone())).is_err() {
                        break;
                    }
                }
                Message::Reply { id, result } => {
                    // The document is whole: its reader sees the end of its chunks.
                    forget(&chunks_to, id);
                    let waiter = replies.lock().ok().and_then(|mut w| w.remove(&id));
                    if let Some(waiter) = waiter {
                        let _ = waiter.send(result);
                    }
                }
                Message::Chunk { id, data } => {
                    let Some(to) = chunks_to.lock().ok().and_then(|s| s.get(&id).cloned()) else {
                        continue;
                    };
                    let delivered = match STANDARD.decode(&data) {
                        Ok(bytes) => to.send(bytes).await.is_ok(),
                        Err(e) => {
                            let waiter = replies.lock().ok().and_then(|mut w| w.remove(&id));
                            if let Some(waiter) = waiter {
                                let _ = waiter.send(Err(WireError {
                                    bad_input: false,
                                    message: format!("a chunk of the report from the daemon is damaged: {e}"),
                                }));
                            }
                            false
                        }
                    };
                    if !delivered {
                        forget(&chunks_to, id);
                    }
                }
                Message::Welcome { .. } | Message::Refused { .. } => {}
            }
        }
        // The daemon is gone: whoever waits hears "stopped" (their senders drop here), and whoever asks from
        // now on is told at once (closed is set first, so no request slips in between).
        hung_up.store(true, Ordering::SeqCst);
        if let Ok(mut w) = replies.lock() {
            w.clear();
        }
        if let Ok(mut s) = chunks_to.lock() {
            s.clear();
        }
    });
    Ok(RemoteEngine {
        requests,
        snapshots,
        waiting,
        streams,
        next_id: Arc::new(AtomicU64::new(1)),
        closed,
        read_only: role == Role::Observer,
        user,
        role,
        received: counted,
    })
}

/// No more chunks go to the reader of document `id`.
fn forget(streams: &Streams, id: u64) {
    if let Ok(mut s) = streams.lock() {
        s.remove(&id);
    }
}

/// The client's snapshot and the daemon's version of it (0: out of step, a full one is on its way).
struct Copy {
    version: u64,
    snapshot: Snapshot,
}

/// The next message, `None` at the end of the stream.
async fn next_message(
    lines: &mut BufReader<OwnedReadHalf>,
    received: &AtomicU64,
) -> io::Result<Option<Message>> {
    let mut line = String::new();
    let n = lines.take(MAX_LINE as u64).read_line(&mut line).await?;
    if n == 0 {
        return Ok(None);
    }
    received.fetch_add(n as u64, Ordering::Relaxed);
    serde_json::from_str(&line).map(Some).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad message from the daemon: {e}"),
        )
    })
}

impl RemoteEngine {
    /// The user the daemon records this connection's actions as.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// This connection only looks (an observer always does).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Look only, whatever the role allows (`watchdesk attach --readonly`).
    pub fn into_read_only(mut self) -> RemoteEngine {
        self.read_only = true;
        self
    }

    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.snapshots.clone()
    }

    /// Bytes received from the daemon since connecting (what a dashboard costs the link).
    pub fn received_bytes(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshots.borrow().clone()
    }

    /// Sends `command` and waits for the daemon to say it is durable.
    pub async fn execute(&self, actor: Actor, command: Command) -> Result<Reply, EngineError> {
        let command = Box::new(command);
        self.ask(|id| Request::Execute { id, actor, command }, None).await
    }

    /// Asks for the quarterly report in `format`, recorded as produced: its bytes are sent to `chunks` in order
    /// as they arrive (the daemon waits while `chunks` is full), and the answer
    /// (`RecordsReply::QuarterlyStreamed`) comes once the last one is sent. `chunks` ends with the answer.
    pub async fn quarterly_report(
        &self,
        actor: Actor,
        quarter: Option<Quarter>,
        format: Format,
        chunks: mpsc::Sender<Vec<u8>>,
    ) -> Result<Reply, EngineError> {
        let request = |id| Request::QuarterlyReport {
            id,
            actor,
            quarter,
            format,
        };
        self.ask(request, Some(chunks)).await
    }

    /// Sends the request `with` makes of a fresh id and waits for its answer.
    async fn ask(
        &self,
        with: impl FnOnce(u64) -> Request,
        chunks: Option<mpsc::Sender<Vec<u8>>>,
    ) -> Result<Reply, EngineError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        match self.waiting.lock() {
            Ok(mut w) => w.insert(id, tx),
            Err(_) => return Err(EngineError::Stopped),
        };
        if let Some(chunks) = chunks {
            match self.streams.lock() {
                Ok(mut s) => s.insert(id, chunks),
                Err(_) => return Err(EngineError::Stopped),
            };
        }
        if self.closed.load(Ordering::SeqCst) {
            if let Ok(mut w) = self.waiting.lock() {
                w.remove(&id);
            }
            forget(&self.streams, id);
            return Err(EngineError::Stopped);
        }
        if self.requests.send(with(id)).is_err() {
            return Err(EngineError::Stopped);
        }
        match rx.await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(e)) => Err(EngineError::Remote {
                bad_input: e.bad_input,
                message: e.message,
            }),
            Err(_) => Err(EngineError::Stopped),
        }
    }
}
