//! Remote hosts against a real node_exporter page: the two captures in `tests/fixtures` (taken five seconds
//! apart from prometheus-node-exporter 1.5.0), parsed directly and served by a real server on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::net::TcpListener;
use watchdesk::config::{Host, HostSource, Lang};
use watchdesk::hosts::node_exporter::{NodeExporter, cpu_pct, cpu_times, exposition, read_samples};
use watchdesk::hosts::{Gauges, HostReading, HostReason, HostSample, SystemError, SystemErrorKind, sampler};

const FIRST: &str = include_str!("fixtures/node_exporter.txt");
const SECOND: &str = include_str!("fixtures/node_exporter_2.txt");
/// Busy share between the captures: idle+iowait grew 9.95 s of 10.04 s in total.
const FIXTURE_CPU_PCT: f64 = (10.04 - 9.95) / 10.04 * 100.0;

fn gauges(reading: HostReading) -> Gauges {
    match reading {
        HostReading::Gauges(g) => g,
        HostReading::Unreachable { reason } => panic!("unreachable: {reason}"),
    }
}

fn reason(reading: HostReading) -> String {
    match reading {
        HostReading::Unreachable { reason } => reason.to_string(),
        HostReading::Gauges(g) => panic!("expected unreachable, got {g:?}"),
    }
}

#[test]
fn the_captured_pages_parse_completely() {
    let samples = exposition::parse(FIRST).unwrap();
    assert!(samples.len() > 400, "{}", samples.len());
    let cpus = samples
        .iter()
        .filter(|s| s.name == "node_cpu_seconds_total")
        .count();
    assert_eq!(cpus, 16, "two CPUs, eight modes");
    let uname = samples.iter().find(|s| s.name == "node_uname_info").unwrap();
    assert_eq!(uname.label("sysname"), Some("Linux"));
    assert_eq!(exposition::parse(SECOND).unwrap().len(), samples.len());
}

#[test]
fn gauges_from_the_captured_pages() {
    let first = exposition::parse(FIRST).unwrap();
    let second = exposition::parse(SECOND).unwrap();
    let (g, cpu) = read_samples(&first, None).unwrap();
    assert_eq!(g.cpu_pct, None);
    let expected_mem = (25_276_063_744.0 - 24_753_176_576.0) / 25_276_063_744.0 * 100.0;
    assert!((g.mem_pct.unwrap() - expected_mem).abs() < 1e-9);
    assert_eq!(g.mem_total_bytes, Some(25_276_063_744));
    assert_eq!(g.swap_pct, None, "the machine has no swap: no gauge, not 0 %");
    assert_eq!(g.load, Some([0.87, 1.58, 1.47]));
    assert_eq!(g.disks.len(), 1);
    assert_eq!(g.disks[0].mount, "/");
    assert_eq!(g.disks[0].device, "/dev/vda");
    assert_eq!(g.disks[0].total_bytes, 270_553_174_016);
    assert_eq!(g.disks[0].used_bytes, 270_553_174_016 - 77_807_988_736);

    let (g2, _) = read_samples(&second, cpu).unwrap();
    assert!(
        (g2.cpu_pct.unwrap() - FIXTURE_CPU_PCT).abs() < 1e-6,
        "{:?}",
        g2.cpu_pct
    );
    let rate = cpu_pct(cpu_times(&first).unwrap(), cpu_times(&second).unwrap()).unwrap();
    assert!((rate - FIXTURE_CPU_PCT).abs() < 1e-6);
}

/// Serves the first capture, then the second for every later request.
async fn serve_captures() -> (SocketAddr, Arc<AtomicUsize>) {
    async fn metrics(State(hits): State<Arc<AtomicUsize>>) -> &'static str {
        if hits.fetch_add(1, Ordering::SeqCst) == 0 {
            FIRST
        } else {
            SECOND
        }
    }
    let hits = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route(
            "/broken",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route("/html", get(|| async { "<html><body>Sign in</body></html>" }))
        .with_state(hits.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, hits)
}

#[tokio::test]
async fn scraping_a_real_server_gives_cpu_from_the_second_scrape() {
    let (addr, hits) = serve_captures().await;
    let mut host = NodeExporter::new(format!("http://{addr}/metrics"), Duration::from_secs(5));
    let first = gauges(host.scrape().await);
    assert_eq!(first.cpu_pct, None);
    assert_eq!(first.disks.len(), 1);
    let second = gauges(host.scrape().await);
    assert!((second.cpu_pct.unwrap() - FIXTURE_CPU_PCT).abs() < 1e-6);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn error_status_and_html_pages_are_unreachable() {
    let (addr, _) = serve_captures().await;
    let mut broken = NodeExporter::new(format!("http://{addr}/broken"), Duration::from_secs(5));
    let why = reason(broken.scrape().await);
    assert!(why.starts_with("HTTP 500"), "{why}");
    let mut html = NodeExporter::new(format!("http://{addr}/html"), Duration::from_secs(5));
    let why = reason(html.scrape().await);
    assert!(why.contains("not Prometheus text format"), "{why}");
}

#[tokio::test]
async fn a_host_that_is_down_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut host = NodeExporter::new(format!("http://{addr}/metrics"), Duration::from_secs(5));
    let reading = host.scrape().await;
    let why = reason(reading.clone());
    assert!(
        why.starts_with(&format!("cannot connect to http://{addr}/metrics")),
        "{why}"
    );
    assert!(why.to_lowercase().contains("refused"), "{why}");
    // The system's refusal is recognised, so a Chinese screen words it.
    let HostReading::Unreachable { reason } = reading else {
        unreachable!()
    };
    assert!(
        matches!(
            &reason,
            HostReason::CannotConnect {
                error: SystemError {
                    kind: Some(SystemErrorKind::Refused),
                    ..
                },
                ..
            }
        ),
        "{reason:?}"
    );
    assert_eq!(
        reason.words(Lang::Zh),
        format!("连接 http://{addr}/metrics 失败：连接被拒绝（该端口无服务监听）")
    );
}

#[tokio::test]
async fn a_host_that_never_answers_is_unreachable_after_the_timeout() {
    // Accepts connections and never writes a byte.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let mut host = NodeExporter::new(format!("http://{addr}/metrics"), Duration::from_millis(200));
    let why = reason(host.scrape().await);
    assert_eq!(why, "no answer within 200ms");
}

fn remote(name: &str, addr: SocketAddr, interval: Duration) -> Host {
    Host {
        name: name.into(),
        source: HostSource::NodeExporter {
            url: format!("http://{addr}/metrics"),
        },
        interval,
        timeout: Duration::from_secs(5),
        warn_pct: 80.0,
        critical_pct: 90.0,
        critical_for: Duration::from_secs(300),
    }
}

async fn recv(rx: &mut tokio::sync::mpsc::Receiver<HostSample>) -> HostSample {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_sampler_scrapes_at_the_interval_and_sends_samples() {
    let (addr, _) = serve_captures().await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let handle = sampler::spawn(vec![remote("db-01", addr, Duration::from_millis(100))], tx);
    let first = recv(&mut rx).await;
    assert_eq!(first.host, "db-01");
    assert_eq!(gauges(first.reading).cpu_pct, None);
    let second = recv(&mut rx).await;
    assert!(second.at > first.at);
    assert!((gauges(second.reading).cpu_pct.unwrap() - FIXTURE_CPU_PCT).abs() < 1e-6);
    handle.abort();
}

#[tokio::test]
async fn sample_once_reads_every_host_in_order_with_cpu_known() {
    let (addr, _) = serve_captures().await;
    let down = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let hosts = vec![
        remote("db-01", addr, Duration::from_secs(15)),
        remote("gone", down, Duration::from_secs(15)),
    ];
    let samples = sampler::sample_once(&hosts).await;
    let names: Vec<&str> = samples.iter().map(|s| s.host.as_str()).collect();
    assert_eq!(names, vec!["db-01", "gone"]);
    assert!((gauges(samples[0].reading.clone()).cpu_pct.unwrap() - FIXTURE_CPU_PCT).abs() < 1e-6);
    assert!(reason(samples[1].reading.clone()).contains("refused"));
}
