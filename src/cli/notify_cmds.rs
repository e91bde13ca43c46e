//! `watchdesk notify test CHANNEL` (send one message now and print what the vendor answered), `notify list`
//! (the outbox: what was sent, what waits, what failed) and `notify channels` (what is configured, with no
//! secret in sight).

use clap::Subcommand;

use super::context::{CliError, Context};
use super::daemon_cmds::store_on_daemon;
use crate::config::{Config, Lang};
use crate::engine::{StoreCommand, StoreReply};
use crate::model::{Delivery, Entry, EventKind, Message};
use crate::notify::{Outbox, channel};
use crate::report::local;
use crate::store::TreeName;

#[derive(Debug, Subcommand)]
pub enum NotifyCmd {
    /// Send a test message on one channel now and print the vendor's answer (exit 0 when accepted).
    Test {
        /// The channel's name in the config.
        channel: String,
    },
    /// The outbox, newest first: sent, queued (with the next attempt) and failed notifications.
    List {
        /// How many to show.
        #[arg(long, default_value_t = 30)]
        limit: usize,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// The configured channels and where they send (secrets are never shown).
    Channels,
}

pub fn run(ctx: &Context, action: NotifyCmd) -> Result<i32, CliError> {
    let config = ctx.load_config()?.ok_or_else(|| {
        CliError::bad_input("notifications need a config with [[notify]] channels: see `watchdesk init`")
    })?;
    match action {
        NotifyCmd::Test { channel } => test(&config, &channel),
        NotifyCmd::List { limit, json } => list(ctx, &config, limit, json),
        NotifyCmd::Channels => {
            channels(&config);
            Ok(0)
        }
    }
}

fn test(config: &Config, name: &str) -> Result<i32, CliError> {
    let Some(channel) = config.notify.channel(name) else {
        let names: Vec<String> = config
            .notify
            .channels
            .iter()
            .map(|c| format!("\"{}\"", c.name))
            .collect();
        return Err(CliError::bad_input(if names.is_empty() {
            format!("no channel \"{name}\": the config has no [[notify]] channels")
        } else {
            format!("no channel \"{name}\": accepted are {}", names.join(", "))
        }));
    };
    if let Some(why) = &channel.unavailable {
        return Err(CliError::bad_input(format!(
            "cannot send on {}: {why}",
            channel.name
        )));
    }
    let now = chrono::Utc::now();
    let host = hostname();
    let zh = config.platform.lang.unwrap_or(Lang::Zh) == Lang::Zh;
    let message = Message {
        key: format!("test:{}:{}", channel.name, now.timestamp_millis()),
        event: EventKind::Test,
        title: if zh {
            format!("watchdesk 测试消息：通道 {} 可用", channel.name)
        } else {
            format!("watchdesk test message: channel {} works", channel.name)
        },
        lines: vec![
            if zh {
                format!("平台：{}", config.platform.name)
            } else {
                format!("Platform: {}", config.platform.name)
            },
            if zh {
                format!("发送自 {host}，{}", local(now, config.platform.timezone))
            } else {
                format!("Sent from {host} at {}", local(now, config.platform.timezone))
            },
        ],
        severity: None,
        incident: None,
        subsystem: None,
        at: now,
        urgent: false,
        digest_of: Vec::new(),
    };
    let rt = super::context::runtime()?;
    let http = reqwest::Client::new();
    let result = rt.block_on(channel::send(&http, channel, &message, now));
    let target = channel.spec.target();
    match result {
        Ok(delivered) => {
            println!(
                "sent to {} ({}, {target}); the vendor answered: {}",
                channel.name,
                channel.spec.kind(),
                delivered.answer
            );
            Ok(0)
        }
        Err(e) => {
            println!(
                "NOT sent to {} ({}, {target}): {e}{}",
                channel.name,
                channel.spec.kind(),
                if e.is_permanent() {
                    " (fix the channel's configuration: retrying will not help)"
                } else {
                    " (retrying later may help)"
                }
            );
            Ok(1)
        }
    }
}

fn list(ctx: &Context, config: &Config, limit: usize, json: bool) -> Result<i32, CliError> {
    let entries = match store_on_daemon(ctx, config, StoreCommand::Outbox { limit })? {
        Some(StoreReply::Outbox(entries)) => entries,
        Some(other) => {
            return Err(CliError::store(format!(
                "unexpected answer from the daemon: {other:?}"
            )));
        }
        None => {
            let store = ctx.open_store(config)?;
            Outbox::new(store.share_tree(TreeName::Outbox)).recent(limit)?
        }
    };
    if json {
        for e in &entries {
            let line = serde_json::to_string(e).map_err(|e| CliError::store(e.to_string()))?;
            println!("{line}");
        }
        return Ok(0);
    }
    if entries.is_empty() {
        println!("the outbox is empty: nothing has been notified yet");
        return Ok(0);
    }
    let zone = config.platform.timezone;
    for e in &entries {
        println!("{}", describe(e, zone));
    }
    Ok(0)
}

/// One line per entry: when, where, what, and how its delivery went.
fn describe(e: &Entry, zone: chrono_tz::Tz) -> String {
    let state = match &e.state {
        Delivery::Queued => match &e.last_error {
            Some(err) => format!(
                "queued, attempt {} failed ({err}); next try {}",
                e.attempts,
                local(e.next_at, zone)
            ),
            None => "queued".to_string(),
        },
        Delivery::Sent { at, in_digest, .. } => match in_digest {
            Some(d) if *d != e.message.key => format!("sent {} in digest {d}", local(*at, zone)),
            _ => format!("sent {}", local(*at, zone)),
        },
        Delivery::Failed { at, reason } => format!("FAILED {}: {reason}", local(*at, zone)),
        Delivery::Suppressed { reason } => format!("not sent: {reason}"),
    };
    format!(
        "{}  {:<14} {:<16} {}  [{}]",
        local(e.created_at, zone),
        e.channel,
        e.message.event.as_str(),
        e.message.title,
        state
    )
}

fn channels(config: &Config) {
    if config.notify.channels.is_empty() {
        println!("no notification channels are configured: add [[notify]] entries (see `watchdesk init`)");
        return;
    }
    for c in &config.notify.channels {
        let events = match &c.events {
            Some(list) => list.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(","),
            None => "per rules".to_string(),
        };
        println!(
            "{:<16} {:<9} {}  (at most {}/min, events: {events}, from severity {})",
            c.name,
            c.spec.kind(),
            c.spec.target(),
            c.per_minute,
            c.min_severity
        );
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "this host".to_string())
}
