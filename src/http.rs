//! The optional HTTP listener of `watchdesk serve`: Prometheus `/metrics`, and the intake of alerts raised
//! elsewhere (`POST /api/v1/alertmanager`, Alertmanager's webhook; `POST /api/v1/events`, for scripts).
//!
//! Nothing here touches the store. Metrics are read from the engine's snapshot and event stream; the intake
//! sends one command per request through the engine's handle and answers once the change is durable.
//!
//! ```text
//!   Prometheus ──GET /metrics──►  metrics::render(snapshot, counters)   ◄── recorder (events, snapshots)
//!   Alertmanager ─POST─► auth ─► admission (bodies in memory) ─► capped body ─► JSON ─► routes ─► Signals
//!   script ───────POST─►                                                    engine gate (one batch) ─► Engine
//! ```

mod alertmanager;
mod auth;
mod events;
mod intake;
mod metrics;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;

use crate::clock::SharedClock;
use crate::config::{AlertRoute, HttpConfig, Secret};
use crate::engine::EngineHandle;

pub use metrics::Metrics;

/// How many request bodies may be held in memory at once; the memory the intake can take is this many times
/// `max_body`. More requests at once wait briefly, then are told to come back (503).
pub const MAX_BODIES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("[http] listen: cannot listen on {addr}: {}", bind_reason(.source))]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}; the HTTP listener needs it")]
    Unavailable(String),
}

/// Why the address cannot be listened on, and what would do.
fn bind_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::AddrInUse => {
            "another process listens there; give a free port, or stop the other listener".into()
        }
        ErrorKind::AddrNotAvailable => {
            "no interface of this machine has that address; accepted is one of its own addresses, e.g. \
             127.0.0.1:9464"
                .into()
        }
        ErrorKind::PermissionDenied => {
            "this user may not listen on that port; accepted is a port from 1024 up, e.g. 9464".into()
        }
        _ => e.to_string(),
    }
}

/// What every handler shares.
#[derive(Clone)]
struct Shared {
    engine: EngineHandle,
    clock: SharedClock,
    routes: Arc<[AlertRoute]>,
    token: Option<Secret>,
    metrics_token: Option<Secret>,
    max_body: usize,
    /// Request bodies held in memory at once.
    bodies: Arc<Semaphore>,
    /// Intake batches waiting at the engine at once: one, so a flood never queues ahead of a person's command
    /// by more than one batch.
    engine_gate: Arc<Semaphore>,
    metrics: Arc<Metrics>,
}

/// The running listener.
pub struct HttpServer {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
    recorder: JoinHandle<()>,
}

impl HttpServer {
    /// Binds `config.listen` and serves until [`HttpServer::stop`]. Must run inside a tokio runtime.
    pub fn start(
        config: &HttpConfig,
        routes: &[AlertRoute],
        engine: EngineHandle,
        clock: SharedClock,
    ) -> Result<HttpServer, HttpError> {
        if let Some(why) = &config.unavailable {
            return Err(HttpError::Unavailable(why.clone()));
        }
        let bind = |source| HttpError::Bind {
            addr: config.listen,
            source,
        };
        let listener = std::net::TcpListener::bind(config.listen).map_err(bind)?;
        listener.set_nonblocking(true).map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(bind)?;
        let metrics = Arc::new(Metrics::default());
        let recorder = tokio::spawn(metrics::record(metrics.clone(), engine.clone()));
        let shared = Shared {
            engine,
            clock,
            routes: routes.to_vec().into(),
            token: config.token.clone(),
            metrics_token: config.metrics_token.clone(),
            max_body: usize::try_from(config.max_body).unwrap_or(usize::MAX),
            bodies: Arc::new(Semaphore::new(MAX_BODIES)),
            engine_gate: Arc::new(Semaphore::new(1)),
            metrics,
        };
        let app = router(shared).into_make_service_with_connect_info::<SocketAddr>();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                eprintln!("watchdesk: the HTTP listener stopped: {e}");
            }
        });
        Ok(HttpServer {
            addr,
            stop,
            server,
            recorder,
        })
    }

    /// Where it listens (the port the system picked when the config said 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops taking connections and waits for requests in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        self.recorder.abort();
    }
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/metrics", get(metrics::scrape))
        .route("/api/v1/alertmanager", post(alertmanager::receive))
        .route("/api/v1/events", post(events::receive))
        .fallback(intake::not_found)
        .with_state(shared)
}

#[cfg(test)]
mod tests;
