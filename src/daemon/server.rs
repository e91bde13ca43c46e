//! The daemon's side of the socket: one task accepts, one task per connection reads requests (each executed on
//! the engine in its own task, so a slow command never holds up a snapshot) and one writes replies and
//! snapshots, snapshots at most every [`SNAPSHOT_GAP`] and always the newest.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::wire::{MAX_LINE, Message, Request, WireError};
use crate::engine::{EngineHandle, Snapshot};

/// The least time between two snapshots to one client: the engine publishes on every probe result.
pub const SNAPSHOT_GAP: Duration = Duration::from_millis(250);

/// A listening daemon socket; `stop` closes it and every connection and removes the socket file.
pub struct Server {
    path: PathBuf,
    accept: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
}

/// Listens on `path` for clients of `engine`. A socket file left by a daemon that died is replaced; one that
/// still answers is refused.
pub async fn serve(engine: EngineHandle, path: &Path) -> io::Result<Server> {
    if path.exists() {
        if UnixStream::connect(path).await.is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("a watchdesk daemon already answers on {}", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    let (stop, stopped) = watch::channel(false);
    let accept = tokio::spawn(accept_loop(listener, engine, stopped));
    Ok(Server {
        path: path.to_path_buf(),
        accept,
        stop,
    })
}

impl Server {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.accept.await;
        let _ = std::fs::remove_file(&self.path);
    }
}

async fn accept_loop(listener: UnixListener, engine: EngineHandle, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let (read, write) = stream.into_split();
                    connections.spawn(connection(engine.clone(), read, write));
                }
                // A client that went away between connect and accept; the daemon has no terminal, so this
                // goes to standard error (the journal under systemd), and it keeps listening.
                Err(e) => eprintln!("watchdesk serve: accept failed: {e}"),
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

enum Out {
    Subscribe,
    Message(Message),
}

/// Serves one client until it hangs up.
pub async fn connection<R, W>(engine: EngineHandle, read: R, write: W)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (out, outgoing) = mpsc::unbounded_channel();
    let writer = tokio::spawn(writer(engine.clone(), write, outgoing));
    let mut lines = BufReader::new(read);
    let mut line = String::new();
    loop {
        line.clear();
        match (&mut lines).take(MAX_LINE as u64).read_line(&mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let request: Request = match serde_json::from_str(&line) {
            Ok(r) => r,
            // Not our protocol: end the conversation rather than guess.
            Err(_) => break,
        };
        match request {
            Request::Subscribe => {
                let _ = out.send(Out::Subscribe);
            }
            Request::Execute { id, actor, command } => {
                let (engine, out) = (engine.clone(), out.clone());
                tokio::spawn(async move {
                    let result = engine
                        .execute(actor, command)
                        .await
                        .map_err(|e| WireError::from(&e));
                    let _ = out.send(Out::Message(Message::Reply { id, result }));
                });
            }
        }
    }
    // Replies still on their way are dropped with the client.
    drop(out);
    let _ = writer.await;
}

async fn writer<W: AsyncWrite + Unpin>(
    engine: EngineHandle,
    mut write: W,
    mut outgoing: mpsc::UnboundedReceiver<Out>,
) {
    let mut snapshots: Option<watch::Receiver<Arc<Snapshot>>> = None;
    let mut pending = false;
    let mut next_at = Instant::now();
    loop {
        let message = tokio::select! {
            biased;
            out = outgoing.recv() => match out {
                None => return,
                Some(Out::Subscribe) => {
                    snapshots = Some(engine.subscribe());
                    pending = true;
                    continue;
                }
                Some(Out::Message(m)) => m,
            },
            changed = changed(&mut snapshots), if !pending => {
                if changed.is_err() {
                    return;
                }
                pending = true;
                continue;
            }
            () = tokio::time::sleep_until(next_at), if pending => {
                pending = false;
                next_at = Instant::now() + SNAPSHOT_GAP;
                let Some(rx) = snapshots.as_mut() else { continue };
                let snapshot = rx.borrow_and_update().clone();
                Message::Snapshot(Box::new((*snapshot).clone()))
            }
        };
        if send(&mut write, &message).await.is_err() {
            return;
        }
    }
}

async fn changed(rx: &mut Option<watch::Receiver<Arc<Snapshot>>>) -> Result<(), watch::error::RecvError> {
    match rx {
        Some(rx) => rx.changed().await,
        None => std::future::pending().await,
    }
}

/// Writes one message as one line.
pub async fn send<W: AsyncWrite + Unpin, T: serde::Serialize>(write: &mut W, message: &T) -> io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(io::Error::other)?;
    line.push(b'\n');
    write.write_all(&line).await?;
    write.flush().await
}
