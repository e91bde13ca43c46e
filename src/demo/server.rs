//! One subsystem's HTTP server on its own loopback port, shaped by the subsystem's current fault.
//!
//! Each subsystem has its own port so that "connection refused" can be real: the controller closes the
//! listening socket while the fault is `Refused` and binds the same port again afterwards. Every answer
//! carries `Connection: close`, so no kept-alive connection outlives a closed listener and keeps answering.

use std::future::IntoFuture;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Fault;

/// A hung request is answered (503) after this long at the latest, so hung handlers do not pile up forever.
pub const HANG_LIMIT: Duration = Duration::from_secs(300);

/// Pause before binding again after the port could not be taken back.
const REBIND_RETRY: Duration = Duration::from_secs(1);

/// Whether the subsystem's port is accepting connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listening {
    Open,
    Closed,
    /// The port could not be bound again after a `Refused` fault ended (another program took it).
    BindFailed(String),
}

/// A running subsystem server.
pub struct Served {
    pub addr: SocketAddr,
    pub listening: watch::Receiver<Listening>,
    pub task: JoinHandle<()>,
}

/// Binds an ephemeral loopback port for subsystem `id` and serves `/{id}/api/health` on it.
pub async fn serve(id: &'static str, fault: watch::Receiver<Fault>) -> io::Result<Served> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (listening_tx, listening) = watch::channel(Listening::Open);
    let router = Router::new()
        .route(
            "/",
            get(move || async move { answer(StatusCode::OK, format!("watchdesk demo: {id}")) }),
        )
        .route(&format!("/{id}/api/health"), get(health))
        .with_state(fault.clone());
    let task = tokio::spawn(control(addr, listener, router, fault, listening_tx));
    Ok(Served {
        addr,
        listening,
        task,
    })
}

/// Keeps the port open or closed as the fault says, until the platform is dropped.
async fn control(
    addr: SocketAddr,
    first: TcpListener,
    router: Router,
    mut fault: watch::Receiver<Fault>,
    listening: watch::Sender<Listening>,
) {
    let mut ready = Some(first);
    loop {
        let refused = *fault.borrow_and_update() == Fault::Refused;
        if refused {
            drop(ready.take());
            listening.send_replace(Listening::Closed);
            if fault.wait_for(|f| *f != Fault::Refused).await.is_err() {
                return;
            }
            continue;
        }
        let listener = match ready.take() {
            Some(listener) => listener,
            None => match TcpListener::bind(addr).await {
                Ok(listener) => listener,
                Err(e) => {
                    listening.send_replace(Listening::BindFailed(format!(
                        "cannot listen on {addr} again: {e}"
                    )));
                    tokio::select! {
                        _ = tokio::time::sleep(REBIND_RETRY) => {}
                        changed = fault.changed() => if changed.is_err() { return },
                    }
                    continue;
                }
            },
        };
        listening.send_replace(Listening::Open);
        tokio::select! {
            // Only ends on a listener error; take a breath and bind again.
            _ = axum::serve(listener, router.clone()).into_future() => {
                tokio::time::sleep(REBIND_RETRY).await;
            }
            // Dropping the serve future closes the listening socket.
            closed = async { fault.wait_for(|f| *f == Fault::Refused).await.is_ok() } => if !closed { return },
        }
    }
}

async fn health(State(fault): State<watch::Receiver<Fault>>) -> Response {
    let now = *fault.borrow();
    match now {
        // A request accepted just before the port closed is still answered.
        Fault::Healthy | Fault::Refused => answer(StatusCode::OK, "ok"),
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            answer(StatusCode::OK, "ok")
        }
        Fault::Error500 => answer(StatusCode::INTERNAL_SERVER_ERROR, "internal server error"),
        Fault::Hang => {
            let mut fault = fault.clone();
            let ended = tokio::time::timeout(HANG_LIMIT, fault.wait_for(|f| *f != Fault::Hang)).await;
            drop(ended);
            answer(StatusCode::SERVICE_UNAVAILABLE, "service unavailable")
        }
    }
}

fn answer(status: StatusCode, body: impl Into<String>) -> Response {
    (status, [(header::CONNECTION, "close")], body.into()).into_response()
}
