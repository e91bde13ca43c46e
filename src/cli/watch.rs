//! The one place that starts and stops everything that watches the platform: the engine, the probes, the host
//! samplers and the notifier, and for the daemon the optional HTTP listener (`/metrics`, alert intake). The
//! daemon and the embedded dashboard both run it.

use std::sync::Arc;

use crate::clock::SharedClock;
use crate::config::{AlertRoute, Config, HttpConfig};
use crate::engine::{self, EngineHandle, Mode};
use crate::http::{HttpError, HttpServer};
use crate::notify::{Notifier, Trees};
use crate::probe::scheduler::Scheduler;
use crate::store::{Store, StoreError};

/// How many probes may run at once; a hung endpoint holds one slot for at most its timeout.
pub const MAX_CONCURRENT_PROBES: usize = 64;

pub struct Watch {
    pub engine: EngineHandle,
    probes: Scheduler,
    sampler: tokio::task::JoinHandle<()>,
    notifier: Notifier,
    http: Option<HttpServer>,
}

impl Watch {
    /// Takes the store; the notifier subscribes before anything else, so it hears every event.
    pub fn start(store: Store, config: Config, clock: SharedClock, mode: Mode) -> Result<Watch, StoreError> {
        let checks: Vec<_> = config
            .subsystems
            .iter()
            .flat_map(|s| s.checks.iter().map(|c| (s.id.clone(), c.clone())))
            .collect();
        let hosts = config.hosts.clone();
        let shared = Arc::new(config.clone());
        let trees = Trees::of(&store);
        let engine = engine::spawn(store, config, clock.clone(), mode)?;
        let notifier = Notifier::start(&engine, trees, shared, clock);
        let probes = crate::probe::scheduler::spawn(checks, engine.probe_sender(), MAX_CONCURRENT_PROBES);
        let sampler = crate::hosts::sampler::spawn(hosts, engine.host_sender());
        Ok(Watch {
            engine,
            probes,
            sampler,
            notifier,
            http: None,
        })
    }

    /// Starts the HTTP listener of `[http]`; returns where it listens.
    pub fn serve_http(
        &mut self,
        config: &HttpConfig,
        routes: &[AlertRoute],
        clock: SharedClock,
    ) -> Result<std::net::SocketAddr, HttpError> {
        let server = HttpServer::start(config, routes, self.engine.clone(), clock)?;
        let addr = server.local_addr();
        self.http = Some(server);
        Ok(addr)
    }

    /// The HTTP listener, probes and samplers first (nothing new comes in), then the engine (its last events are planned),
    /// then the notifier; the store is flushed and closed when this returns.
    pub async fn stop(self) {
        if let Some(http) = self.http {
            http.stop().await;
        }
        self.probes.stop().await;
        self.sampler.abort();
        self.engine.shutdown().await;
        self.notifier.stop().await;
    }
}
