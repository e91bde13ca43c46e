//! The daemon's side of the socket: one task accepts, one task per connection reads requests (each executed on
//! the engine in its own task, so a slow command never holds up a snapshot) and one writes replies and the
//! snapshot lines the [`Hub`] encoded once for everyone.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinSet;

use super::access::{self, Role};
use super::document;
pub use super::hub::{BACKLOG, Hub, SNAPSHOT_GAP};
use super::wire::{MAX_LINE, Message, Request, WireError};
use crate::config::AccessConfig;
use crate::engine::{Command, EngineHandle, RecordsCommand};
use crate::model::Actor;

/// A listening daemon socket; `stop` closes it and every connection and removes the socket file.
pub struct Server {
    path: PathBuf,
    accept: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
}

/// Listens on `path` for clients of `engine`, for the daemon's user only.
pub async fn serve(engine: EngineHandle, path: &Path) -> io::Result<Server> {
    serve_with(engine, path, AccessConfig::default()).await
}

/// Listens on `path` for clients of `engine`, as `access` says. A socket file left by a daemon that died is
/// replaced; one that still answers is refused. With `access.group` the socket (0660) and its directory (0750)
/// belong to that group, so its members reach it and connect as themselves.
pub async fn serve_with(engine: EngineHandle, path: &Path, access: AccessConfig) -> io::Result<Server> {
    let group = match &access.group {
        Some(name) => Some(access::group_id(name).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("[access] group \"{name}\" is not a group on this system (see /etc/group)"),
            )
        })?),
        None => None,
    };
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
    match group {
        None => std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?,
        Some(gid) => {
            std::os::unix::fs::chown(path, None, Some(gid))?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))?;
            if let Some(dir) = path.parent() {
                std::os::unix::fs::chown(dir, None, Some(gid))?;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750))?;
            }
        }
    }
    let (stop, stopped) = watch::channel(false);
    let (hub, publisher) = Hub::start(engine.subscribe());
    let accept = tokio::spawn(async move {
        accept_loop(listener, engine, hub, Arc::new(access), stopped).await;
        publisher.abort();
    });
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

async fn accept_loop(
    listener: UnixListener,
    engine: EngineHandle,
    hub: Arc<Hub>,
    access: Arc<AccessConfig>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    // SAFETY: geteuid(2) cannot fail.
    let daemon_uid = unsafe { libc::geteuid() };
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // The kernel's word for who connected; nothing the client sends can change it.
                    let peer = match stream.peer_cred() {
                        Ok(cred) => Peer {
                            uid: cred.uid(),
                            role: access::role_of(&access, cred.uid(), cred.gid(), daemon_uid),
                        },
                        Err(e) => {
                            eprintln!("watchdesk serve: a client's credentials cannot be read ({e}): refused");
                            continue;
                        }
                    };
                    let (read, write) = stream.into_split();
                    connections.spawn(connection(engine.clone(), hub.clone(), peer, read, write));
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

pub(super) enum Out {
    Subscribe,
    Message(Message),
    /// A chunk of a document; `written` is told once it is on the socket.
    Chunk(Message, oneshot::Sender<()>),
}

/// Who is on the other end of a connection.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub uid: u32,
    /// `None`: not let in.
    pub role: Option<Role>,
}

/// Serves one client until it hangs up: first tells it who it is and what it may do (or that it is refused).
pub async fn connection<R, W>(engine: EngineHandle, hub: Arc<Hub>, peer: Peer, read: R, mut write: W)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let user = crate::model::user_name(peer.uid);
    let Some(role) = peer.role else {
        let reason = format!(
            "{user} may not use this watchdesk daemon: ask for the name to be added to [access] operators or observers"
        );
        eprintln!("watchdesk serve: refused {user} (uid {})", peer.uid);
        let _ = send(&mut write, &Message::Refused { reason }).await;
        return;
    };
    if send(
        &mut write,
        &Message::Welcome {
            user: user.clone(),
            role,
        },
    )
    .await
    .is_err()
    {
        return;
    }
    let (out, outgoing) = mpsc::unbounded_channel();
    // The writer and the documents being sent end with the connection, even when it is stopped from outside:
    // a report to a client that stopped reading must not hold up the engine's stop.
    let mut tasks = JoinSet::new();
    tasks.spawn(writer(hub, write, outgoing));
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
        let refuse = |id, refused| {
            let _ = out.send(Out::Message(Message::Reply {
                id,
                result: Err(refused),
            }));
        };
        let read_only = || WireError {
            bad_input: true,
            message: format!(
                "read-only: {user} is an observer of this watchdesk daemon and cannot change anything"
            ),
        };
        match request {
            Request::Subscribe => {
                let _ = out.send(Out::Subscribe);
            }
            Request::QuarterlyReport {
                id,
                actor,
                quarter,
                format,
            } => {
                // Producing the report is recorded: not an observer's to do.
                if role == Role::Observer {
                    refuse(id, read_only());
                    continue;
                }
                let actor = Actor::of_uid(peer.uid, actor.from);
                let asked = (id, actor);
                while tasks.try_join_next().is_some() {}
                tasks.spawn(document::quarterly(
                    engine.clone(),
                    out.clone(),
                    asked,
                    quarter,
                    format,
                ));
            }
            Request::Execute { id, actor, command } => {
                if role == Role::Observer && access::changes(&command) {
                    refuse(id, read_only());
                    continue;
                }
                if matches!(
                    &*command,
                    Command::Records(RecordsCommand::QuarterlyReport { .. })
                ) {
                    refuse(id, document::whole_refused());
                    continue;
                }
                // Only where the client says it comes from is taken from the request, as its claim.
                let actor = Actor::of_uid(peer.uid, actor.from);
                let (engine, out) = (engine.clone(), out.clone());
                tokio::spawn(async move {
                    let result = engine
                        .execute(actor, *command)
                        .await
                        .map_err(|e| WireError::from(&e));
                    let _ = out.send(Out::Message(Message::Reply { id, result }));
                });
            }
        }
    }
    // Replies still on their way are dropped with the client.
    drop(out);
    while tasks.join_next().await.is_some() {}
}

/// Writes replies as they come and, once subscribed, every published delta in order; when the client fell
/// [`BACKLOG`] deltas behind (or asks again), a full snapshot of the latest version instead.
async fn writer<W: AsyncWrite + Unpin>(
    hub: Arc<Hub>,
    mut write: W,
    mut outgoing: mpsc::UnboundedReceiver<Out>,
) {
    let mut frames: Option<broadcast::Receiver<Arc<super::hub::Frame>>> = None;
    let mut version = 0;
    loop {
        let line = tokio::select! {
            biased;
            out = outgoing.recv() => match out {
                None => return,
                Some(Out::Subscribe) => {
                    frames = Some(hub.follow());
                    let (at, line) = hub.full();
                    version = at;
                    line
                }
                Some(Out::Message(m)) => {
                    if send(&mut write, &m).await.is_err() {
                        return;
                    }
                    continue;
                }
                Some(Out::Chunk(m, written)) => {
                    if send(&mut write, &m).await.is_err() {
                        return;
                    }
                    let _ = written.send(());
                    continue;
                }
            },
            frame = next_frame(&mut frames) => match frame {
                Ok(frame) if frame.to <= version => continue,
                Ok(frame) if frame.from == version => {
                    version = frame.to;
                    frame.line.clone()
                }
                // Behind, or a gap: start again from the latest version.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    frames = Some(hub.follow());
                    let (at, line) = hub.full();
                    version = at;
                    line
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        if write.write_all(&line).await.is_err() || write.flush().await.is_err() {
            return;
        }
    }
}

async fn next_frame(
    frames: &mut Option<broadcast::Receiver<Arc<super::hub::Frame>>>,
) -> Result<Arc<super::hub::Frame>, broadcast::error::RecvError> {
    match frames {
        Some(rx) => rx.recv().await,
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
