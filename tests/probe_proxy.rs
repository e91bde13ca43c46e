//! `*_PROXY` variables are ignored unless a check names its proxy. Alone in its binary because it sets
//! environment variables before anything else runs.

#[path = "probe_support/servers.rs"]
mod servers;

use std::time::Duration;

use axum::Router;
use axum::http::Uri;
use servers::{check, http, http_server};
use tokio::net::TcpListener;
use watchdesk::config::CheckSpec;
use watchdesk::probe::{self, Outcome, Reason};

/// A stand-in forward proxy: answers every request itself, echoing the absolute URI it was asked for.
async fn proxy_server() -> std::net::SocketAddr {
    let app = Router::new().fallback(|uri: Uri| async move { format!("via proxy: {uri}") });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[test]
fn proxy_variables_are_ignored_and_a_configured_proxy_is_used() {
    // SAFETY: set before the runtime or any other thread of this binary exists.
    unsafe {
        std::env::set_var("HTTP_PROXY", "http://127.0.0.1:9");
        std::env::set_var("http_proxy", "http://127.0.0.1:9");
        std::env::set_var("ALL_PROXY", "http://127.0.0.1:9");
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let timeout = Duration::from_secs(1);
        let addr = http_server().await;
        let direct = probe::run(&check(
            CheckSpec::Http(http(format!("http://{addr}/ok"))),
            timeout,
        ))
        .await;
        assert_eq!(
            direct.outcome,
            Outcome::Up {
                detail: Reason::HttpOk { code: 200 }
            }
        );

        let proxy = proxy_server().await;
        let mut spec = http("http://nothing.invalid/health".into());
        spec.proxy = Some(format!("http://{proxy}"));
        spec.body_contains = Some("via proxy: http://nothing.invalid/health".into());
        let via = probe::run(&check(CheckSpec::Http(spec), timeout)).await;
        assert_eq!(
            via.outcome,
            Outcome::Up {
                detail: Reason::HttpOk { code: 200 }
            },
            "{via:?}"
        );
    });
}
