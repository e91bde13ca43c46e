//! The notifier against a real webhook receiver on 127.0.0.1: everything planned is delivered, bursts are
//! digested within the channel's rate, failures are retried and shown, a dead channel holds up nobody.
//! The engine and the notifier read a `ManualClock`; the only real waiting is for the local receiver.

#[path = "delivery_support/opening.rs"]
mod opening;
#[path = "delivery_support/receiver.rs"]
mod receiver;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use opening::open_fault;
use receiver::Receiver;
use watchdesk::clock::{Clock, ManualClock};
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, EngineHandle, Mode, Reply, StoreCommand, StoreReply};
use watchdesk::model::{Actor, Delivery, Entry};
use watchdesk::notify::{Notifier, Trees};
use watchdesk::policy::Severity;
use watchdesk::store::Store;

struct Rig {
    _dir: tempfile::TempDir,
    clock: ManualClock,
    engine: EngineHandle,
    notifier: Notifier,
}

fn start(channels: &str, rules: &str) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"
[platform]
timezone = "Asia/Shanghai"
lang = "en"
[[subsystem]]
id = "digital"
name = "Digital management"
[[host]]
name = "local"
source = "local"
[notify]
{channels}
[notify.rules]
renotify = {{ enabled = false }}
{rules}
"#
    );
    let config = Config::parse(Path::new("c.toml"), &text).unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).single().unwrap());
    let store = Store::open(dir.path()).unwrap();
    let trees = Trees::of(&store);
    let shared = Arc::new(config.clone());
    let engine = engine::spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
    let notifier = Notifier::start(&engine, trees, shared, Arc::new(clock.clone()));
    Rig {
        _dir: dir,
        clock,
        engine,
        notifier,
    }
}

fn hook(name: &str, addr: SocketAddr, extra: &str) -> String {
    format!(
        "[[notify.channel]]\nname = \"{name}\"\nkind = \"webhook\"\nurl = \"http://{addr}/hook\"\ntimeout = \"2s\"\n{extra}\n"
    )
}

async fn open(engine: &EngineHandle, title: &str) -> String {
    open_fault(engine, Severity::Major, title).await.id.to_string()
}

async fn outbox(engine: &EngineHandle) -> Vec<Entry> {
    match engine
        .execute(
            Actor::named("li"),
            Command::Store(StoreCommand::Outbox { limit: 500 }),
        )
        .await
        .unwrap()
    {
        Reply::Store(reply) => match *reply {
            StoreReply::Outbox(entries) => entries,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_burst_of_thirty_is_delivered_in_at_most_twenty_messages_with_nothing_lost() {
    let (rx, addr) = Receiver::start().await;
    let rig = start(
        &hook("hook", addr, "per_minute = 20"),
        "digest = { window = \"300ms\" }",
    );
    let mut opened = Vec::new();
    for n in 0..30 {
        opened.push(open(&rig.engine, &format!("subsystem outage {n}")).await);
    }
    // At most 20 messages go out within the minute. On a slow machine the burst can outlast the digest
    // window; then what is left after the 20th goes as one digest once the minute has passed.
    assert!(
        rx.wait_until(|r| r.delivered_keys().len() >= 30 || r.accepted().len() >= 20)
            .await,
        "delivery started: {:?}",
        rx.delivered_keys()
    );
    let in_the_minute = rx.accepted().len();
    assert!(in_the_minute <= 20, "{in_the_minute} messages within one minute");
    for _ in 0..200 {
        if outbox(&rig.engine).await.len() == 30 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    rig.clock.advance(Duration::seconds(61));
    rig.notifier.kick();
    assert!(
        rx.wait_until(|r| r.delivered_keys().len() >= 30).await,
        "all 30 delivered: {:?}",
        rx.delivered_keys()
    );
    let requests = rx.accepted();
    assert!(
        requests.len() <= 21,
        "{} messages for 30 events (at most 20 in the minute, then one digest)",
        requests.len()
    );
    assert!(
        requests
            .iter()
            .any(|r| r.body["digest_of"].as_array().is_some_and(|a| a.len() > 1)),
        "a burst becomes a digest"
    );
    let mut keys = rx.delivered_keys();
    keys.dedup();
    assert_eq!(keys.len(), 30, "each event exactly once: {keys:?}");
    // Every message names the notification it carries, for a receiver that deduplicates.
    for r in &requests {
        assert_eq!(
            r.headers.get("idempotency-key").and_then(|v| v.to_str().ok()),
            r.body["key"].as_str()
        );
    }
    let entries = outbox(&rig.engine).await;
    assert_eq!(entries.len(), 30);
    assert!(entries.iter().all(|e| matches!(e.state, Delivery::Sent { .. })));
    rig.notifier.stop().await;
}

#[tokio::test]
async fn past_the_rate_limit_messages_wait_for_the_minute_and_go_as_one_digest() {
    let (rx, addr) = Receiver::start().await;
    let rig = start(
        &hook("hook", addr, "per_minute = 2"),
        "digest = { window = \"0s\" }",
    );
    open(&rig.engine, "first").await;
    assert!(rx.wait_until(|r| r.accepted().len() == 1).await);
    open(&rig.engine, "second").await;
    assert!(rx.wait_until(|r| r.accepted().len() == 2).await);
    for title in ["third", "fourth", "fifth"] {
        open(&rig.engine, title).await;
    }
    // Within the same minute nothing more goes out: all three wait.
    rig.notifier.kick();
    let queued = outbox(&rig.engine).await;
    assert_eq!(
        queued.iter().filter(|e| e.state == Delivery::Queued).count(),
        3,
        "{queued:#?}"
    );
    // A minute later the three go together.
    rig.clock.advance(Duration::seconds(61));
    rig.notifier.kick();
    assert!(rx.wait_until(|r| r.accepted().len() == 3).await);
    let third = &rx.accepted()[2];
    assert_eq!(third.keys().len(), 3, "{}", third.body);
    assert_eq!(rx.delivered_keys().len(), 5);
    rig.notifier.stop().await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_backoff_and_shown_meanwhile() {
    let (rx, addr) = Receiver::start().await;
    let rig = start(&hook("hook", addr, ""), "digest = { window = \"0s\" }");
    rx.answer(503);
    let mut snapshots = rig.engine.subscribe();
    let id = open(&rig.engine, "database unreachable").await;
    assert!(rx.wait_until(|r| r.requests().len() == 1).await);
    // The dashboard learns of the failure.
    let failing = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let s = snapshots.borrow_and_update().clone();
            if s.delivery.channels.iter().any(|c| c.failures > 0) {
                return s;
            }
            snapshots.changed().await.unwrap();
        }
    })
    .await
    .expect("the failure reaches the snapshot");
    let channel = &failing.delivery.channels[0];
    assert!(
        channel.last_error.as_deref().unwrap_or("").contains("503"),
        "{channel:?}"
    );
    assert_eq!(failing.delivery.queued, 1);

    // Still queued, with its next attempt after the backoff.
    let entry = outbox(&rig.engine).await.remove(0);
    assert_eq!(entry.state, Delivery::Queued);
    assert_eq!(entry.attempts, 1);
    assert!(entry.next_at > rig.clock.now());

    // The receiver is back; once the backoff has passed the same notification goes out.
    rx.answer(200);
    rig.clock.advance(Duration::seconds(6));
    rig.notifier.kick();
    assert!(rx.wait_until(|r| r.accepted().len() == 1).await);
    let first_key = rx.requests()[0].body["key"].clone();
    assert_eq!(
        rx.accepted()[0].body["key"],
        first_key,
        "the same key on redelivery"
    );
    assert!(rx.accepted()[0].body["title"].as_str().unwrap().contains(&id));
    rig.notifier.stop().await;
}

#[tokio::test]
async fn a_refusal_is_final_and_says_why() {
    let (rx, addr) = Receiver::start().await;
    let rig = start(&hook("hook", addr, ""), "digest = { window = \"0s\" }");
    rx.answer(403);
    open(&rig.engine, "refused").await;
    assert!(rx.wait_until(|r| r.requests().len() == 1).await);
    let mut failed = None;
    for _ in 0..200 {
        let entries = outbox(&rig.engine).await;
        if let Some(Delivery::Failed { reason, .. }) = entries.first().map(|e| e.state.clone()) {
            failed = Some(reason);
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let reason = failed.expect("the entry is marked failed");
    assert!(reason.contains("403"), "{reason}");
    // No retry follows a refusal: the next request carries only the next notification.
    let first = rx.requests()[0].keys();
    rig.clock.advance(Duration::minutes(10));
    rig.notifier.kick();
    open(&rig.engine, "next").await;
    assert!(rx.wait_until(|r| r.requests().len() == 2).await);
    assert!(rx.requests().iter().skip(1).all(|r| r.keys() != first));
    assert_eq!(rx.requests().len(), 2);
    rig.notifier.stop().await;
}

#[tokio::test]
async fn a_dead_or_hanging_channel_delays_neither_the_others_nor_the_engine() {
    let (rx, addr) = Receiver::start().await;
    // A port nobody listens on, and one that accepts but never answers.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hanging_addr = hanging.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hanging.accept().await {
            held.push(socket);
        }
    });
    let channels = format!(
        "{}{}{}",
        hook("closed", closed, ""),
        hook("hanging", hanging_addr, ""),
        hook("good", addr, "")
    );
    let rig = start(&channels, "digest = { window = \"0s\" }");
    let started = std::time::Instant::now();
    open(&rig.engine, "one").await;
    assert!(rx.wait_until(|r| r.accepted().len() == 1).await);
    // The good channel did not wait for the hanging one's 2 s timeout.
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    // Commands go on while a channel hangs.
    let t = std::time::Instant::now();
    open(&rig.engine, "two").await;
    assert!(t.elapsed() < std::time::Duration::from_millis(1900));
    assert!(rx.wait_until(|r| r.accepted().len() == 2).await);
    rig.notifier.stop().await;
}

#[tokio::test]
async fn rules_pick_channels_and_the_channels_filter_severities() {
    let (ops, ops_addr) = Receiver::start().await;
    let (lead, lead_addr) = Receiver::start().await;
    let channels = format!(
        "{}{}",
        hook("ops", ops_addr, ""),
        hook("lead", lead_addr, "min_severity = \"critical\"")
    );
    let rig = start(
        &channels,
        "digest = { window = \"0s\" }\nacknowledged = { channels = [\"ops\"] }",
    );
    let id = open(&rig.engine, "major one").await;
    assert!(ops.wait_until(|r| r.accepted().len() == 1).await);
    rig.engine
        .execute(
            Actor::named("li"),
            Command::Acknowledge {
                id: id.parse().unwrap(),
                at: None,
                note: None,
                due: None,
            },
        )
        .await
        .unwrap();
    assert!(ops.wait_until(|r| r.accepted().len() == 2).await);
    let ack = &ops.accepted()[1].body;
    assert_eq!(ack["event"], "acknowledged");
    assert!(
        ack["title"].as_str().unwrap().contains("acknowledged by li"),
        "{ack}"
    );
    // The lead's channel takes critical only: a major opened nothing there.
    assert!(lead.requests().is_empty());
    rig.notifier.stop().await;
}
