//! Notification delivery for the dashboard tests: channel states (all well, some failing) and an outbox with an
//! entry in every state, around the fixture's `now` (2026-11-28 16:00 in Shanghai).

#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use watchdesk::engine::{ChannelStatus, DeliveryStatus};
use watchdesk::model::{Delivery, Entry, EventKind, Message};
use watchdesk::policy::Severity;

use super::fixture::now;

fn ago(minutes: i64) -> DateTime<Utc> {
    now() - Duration::minutes(minutes)
}

fn channel(name: &str, kind: &str, last_sent: Option<DateTime<Utc>>) -> ChannelStatus {
    ChannelStatus {
        name: name.into(),
        kind: kind.into(),
        last_sent,
        ..ChannelStatus::default()
    }
}

/// One channel, the last message out two minutes ago, nothing waiting.
pub fn delivery_ok() -> DeliveryStatus {
    DeliveryStatus {
        active: true,
        channels: vec![channel("oncall", "dingtalk", Some(ago(2)))],
        queued: 0,
        failed: 0,
    }
}

/// Four channels: one well, WeCom refusing (its robot removed), mail unreachable with a retry queued, and a
/// Feishu robot with a long Chinese name.
pub fn delivery_failing() -> DeliveryStatus {
    DeliveryStatus {
        active: true,
        channels: vec![
            channel("oncall", "dingtalk", Some(ago(2))),
            ChannelStatus {
                failures: 2,
                last_error: Some(
                    "WeCom errcode 93000: invalid webhook url, or the robot was removed from the group"
                        .into(),
                ),
                ..channel("wecom-ops", "wecom", None)
            },
            ChannelStatus {
                failures: 3,
                queued: 1,
                last_error: Some("smtp: connection refused (smtp.example.invalid:465)".into()),
                ..channel(
                    "lead-mail",
                    "email",
                    Some(Utc.with_ymd_and_hms(2026, 11, 27, 1, 30, 0).unwrap()),
                )
            },
            channel("省水利厅值班群机器人（备用）", "feishu", Some(ago(180))),
        ],
        queued: 1,
        failed: 1,
    }
}

fn message(event: EventKind, title: &str, at: DateTime<Utc>) -> Message {
    Message {
        key: format!("{event}:{}", at.timestamp()),
        event,
        title: title.into(),
        lines: vec!["line".into()],
        severity: Some(Severity::Critical),
        incident: Some("2026-0002".into()),
        subsystem: Some("display".into()),
        at,
        urgent: false,
        digest_of: Vec::new(),
    }
}

fn entry(
    id: u64,
    channel: &str,
    event: EventKind,
    title: &str,
    created: DateTime<Utc>,
    state: Delivery,
) -> Entry {
    Entry {
        id,
        channel: channel.into(),
        message: message(event, title, created),
        created_at: created,
        state,
        attempts: 1,
        next_at: created,
        last_error: None,
    }
}

fn sent(at: DateTime<Utc>) -> Delivery {
    Delivery::Sent {
        at,
        answer: "errcode 0".into(),
        in_digest: None,
    }
}

/// Newest first, as the engine answers: queued with retries, sent, sent in a digest, failed, suppressed, and
/// one from yesterday.
pub fn entries() -> Vec<Entry> {
    let yesterday = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    vec![
        Entry {
            attempts: 3,
            next_at: now() + Duration::minutes(2),
            last_error: Some("smtp: connection refused (smtp.example.invalid:465)".into()),
            ..entry(
                12,
                "lead-mail",
                EventKind::Escalate,
                "2026-0002 紧急故障 15 分钟未响应，已升级",
                ago(1),
                Delivery::Queued,
            )
        },
        entry(
            11,
            "oncall",
            EventKind::DueSoon,
            "2026-0002 响应时限还剩 5 分钟：综合展示大屏无数据",
            ago(10),
            sent(ago(10)),
        ),
        entry(
            10,
            "wecom-ops",
            EventKind::Opened,
            "【紧急】2026-0002 综合展示大屏无数据",
            ago(27),
            Delivery::Failed {
                at: ago(26),
                reason: "WeCom errcode 93000: invalid webhook url, or the robot was removed from the group"
                    .into(),
            },
        ),
        entry(
            9,
            "oncall",
            EventKind::Opened,
            "【紧急】2026-0002 综合展示大屏无数据",
            ago(27),
            Delivery::Sent {
                at: ago(26),
                answer: "errcode 0".into(),
                in_digest: Some("digest:2026-11-28T07:34".into()),
            },
        ),
        entry(
            8,
            "oncall",
            EventKind::Restored,
            "系统管理子系统服务恢复",
            ago(95),
            Delivery::Suppressed {
                reason: "maintenance window of display, Sat 14:00-16:00".into(),
            },
        ),
        entry(
            7,
            "省水利厅值班群机器人（备用）",
            EventKind::DailyMissing,
            "2026-11-27 日台账未填写",
            yesterday,
            sent(yesterday),
        ),
    ]
}
