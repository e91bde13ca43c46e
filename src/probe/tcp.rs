//! tcp checks: does the port accept a connection, and how fast. Also the connect step of tls checks, so both
//! word DNS and connect failures the same way.

use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpStream, lookup_host};
use tokio::time::timeout_at;

use super::{Budget, Outcome, Phase, Reason, Waiting, down};

pub(super) async fn run(address: &str, budget: Budget) -> Outcome {
    match connect(address, budget).await {
        Ok(stream) => {
            let peer = stream
                .peer_addr()
                .map_or_else(|_| address.to_string(), |a| a.to_string());
            Outcome::Up {
                detail: Reason::Connected { peer },
            }
        }
        Err(outcome) => outcome,
    }
}

/// Resolves `address` (`host:port`) and connects to the first of its addresses that accepts, all before the
/// deadline. The error is the `Down` outcome to report.
pub(super) async fn connect(address: &str, budget: Budget) -> Result<TcpStream, Outcome> {
    let host = address.rsplit_once(':').map_or(address, |(host, _)| host);
    let addrs: Vec<SocketAddr> = match timeout_at(budget.deadline, lookup_host(address)).await {
        Err(_) => {
            return Err(budget.timed_out(Waiting::NameNotResolved {
                host: host.to_string(),
            }));
        }
        Ok(Err(e)) => {
            return Err(down(
                Phase::Dns,
                Reason::NotResolved {
                    host: host.to_string(),
                    error: e.to_string(),
                },
            ));
        }
        Ok(Ok(addrs)) => addrs.collect(),
    };
    let mut last_error = None;
    for addr in addrs {
        match timeout_at(budget.deadline, TcpStream::connect(addr)).await {
            Err(_) => {
                return Err(budget.timed_out(Waiting::NoConnection {
                    address: addr.to_string(),
                }));
            }
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last_error = Some(connect_failure(addr, &e)),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        down(
            Phase::Dns,
            Reason::NoAddress {
                host: host.to_string(),
            },
        )
    }))
}

fn connect_failure(addr: SocketAddr, e: &io::Error) -> Outcome {
    let (address, error) = (addr.to_string(), e.to_string());
    let reason = match e.kind() {
        io::ErrorKind::ConnectionRefused => Reason::Refused { address },
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            Reason::Unreachable { address, error }
        }
        _ => Reason::ConnectFailed { address, error },
    };
    down(Phase::Connect, reason)
}
