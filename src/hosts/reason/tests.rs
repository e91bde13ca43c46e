use std::io;

use super::*;
use crate::hosts::HostReading;

fn refused(url: &str) -> HostReason {
    HostReason::CannotConnect {
        url: url.into(),
        error: SystemError {
            kind: Some(SystemErrorKind::Refused),
            text: "client error (Connect): tcp connect error: Connection refused (os error 111)".into(),
        },
    }
}

#[test]
fn host_reasons_read_in_chinese_and_the_english_stays_what_check_printed() {
    let url = "http://10.0.3.12:9100/metrics";
    let cases = [
        (
            refused(url),
            "连接 http://10.0.3.12:9100/metrics 失败：连接被拒绝（该端口无服务监听）",
            "cannot connect to http://10.0.3.12:9100/metrics: client error (Connect): tcp connect error: \
             Connection refused (os error 111)",
        ),
        (
            HostReason::TimedOut { within: "5s".into() },
            "5s 内无应答",
            "no answer within 5s",
        ),
        (
            HostReason::Status {
                code: 503,
                url: url.into(),
            },
            "http://10.0.3.12:9100/metrics 返回 HTTP 503 服务不可用",
            "HTTP 503 Service Unavailable from http://10.0.3.12:9100/metrics",
        ),
        (
            HostReason::NotExposition {
                line: 1,
                error: "expected a space before the value".into(),
            },
            "应答不是 Prometheus 文本格式：第 1 行：expected a space before the value",
            "the answer is not Prometheus text format: line 1: expected a space before the value",
        ),
        (
            HostReason::TooLarge {
                limit_mib: 16,
                url: url.into(),
            },
            "应答超过 16 MiB：http://10.0.3.12:9100/metrics 真的是 node_exporter 吗？",
            "the answer is larger than 16 MiB: is http://10.0.3.12:9100/metrics really a node_exporter?",
        ),
        (
            HostReason::NotText,
            "应答不是 UTF-8 文本",
            "the answer is not UTF-8 text",
        ),
        (
            HostReason::LocalDisks {
                error: "statvfs failed".into(),
            },
            "无法读取本机的磁盘列表：statvfs failed",
            "cannot read this machine's disk list: statvfs failed",
        ),
        (
            HostReason::Text {
                text: "连接被拒绝".into(),
            },
            "连接被拒绝",
            "连接被拒绝",
        ),
    ];
    for (reason, zh, en) in cases {
        assert_eq!(reason.words(Lang::Zh), zh);
        assert_eq!(reason.words(Lang::En), en);
        assert_eq!(reason.to_string(), en, "check and the logs print the English");
    }
    let none = HostReason::NoNodeMetrics.words(Lang::Zh);
    assert!(
        none.starts_with(
            "应答中没有 node_exporter 指标（node_cpu_seconds_total、node_memory_MemTotal_bytes、"
        ),
        "{none}"
    );
    assert!(
        HostReason::NoNodeMetrics
            .to_string()
            .contains("no node_exporter metrics")
    );
}

#[test]
fn the_common_system_errors_have_chinese_words_and_others_are_quoted() {
    let connect = |kind: Option<SystemErrorKind>, text: &str| HostReason::CannotConnect {
        url: "http://db-01:9100/metrics".into(),
        error: SystemError {
            kind,
            text: text.into(),
        },
    };
    let words = [
        (Some(SystemErrorKind::Refused), "连接被拒绝（该端口无服务监听）"),
        (Some(SystemErrorKind::TimedOut), "连接超时"),
        (Some(SystemErrorKind::NoRoute), "主机不可达（没有路由）"),
        (Some(SystemErrorKind::NotResolved), "域名无法解析"),
        (Some(SystemErrorKind::Reset), "连接被对方重置"),
        (None, "protocol error: weird"),
    ];
    for (kind, zh) in words {
        let reason = connect(kind, "protocol error: weird");
        assert_eq!(
            reason.words(Lang::Zh),
            format!("连接 http://db-01:9100/metrics 失败：{zh}")
        );
        assert_eq!(
            reason.to_string(),
            "cannot connect to http://db-01:9100/metrics: protocol error: weird"
        );
    }
    let reset = HostReason::RequestFailed {
        error: SystemError {
            kind: Some(SystemErrorKind::Reset),
            text: "error decoding response body: connection reset".into(),
        },
    };
    assert_eq!(reset.words(Lang::Zh), "请求失败：连接被对方重置");
    assert_eq!(
        reset.words(Lang::En),
        "error decoding response body: connection reset"
    );
}

/// An error with a cause, as the HTTP library nests them.
#[derive(Debug)]
struct Wrapped(&'static str, Option<io::Error>);

impl std::fmt::Display for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Wrapped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1.as_ref().map(|e| e as _)
    }
}

#[test]
fn system_errors_are_recognised_by_their_kind_anywhere_in_the_chain() {
    let kinds = [
        (io::ErrorKind::ConnectionRefused, Some(SystemErrorKind::Refused)),
        (io::ErrorKind::TimedOut, Some(SystemErrorKind::TimedOut)),
        (io::ErrorKind::HostUnreachable, Some(SystemErrorKind::NoRoute)),
        (io::ErrorKind::NetworkUnreachable, Some(SystemErrorKind::NoRoute)),
        (io::ErrorKind::ConnectionReset, Some(SystemErrorKind::Reset)),
        (io::ErrorKind::ConnectionAborted, Some(SystemErrorKind::Reset)),
        (io::ErrorKind::PermissionDenied, None),
    ];
    for (io_kind, expected) in kinds {
        let e = Wrapped(
            "tcp connect error",
            Some(io::Error::new(io_kind, "the system's words")),
        );
        let found = SystemError::of(&e);
        assert_eq!(found.kind, expected, "{io_kind:?}");
        assert_eq!(found.text, "tcp connect error: the system's words");
        assert_eq!(SystemError::causes_of(&e).text, "the system's words");
        assert_eq!(SystemError::causes_of(&e).kind, expected);
    }
    // The resolver's failure has no kind of its own: its words say it.
    let dns = Wrapped(
        "dns error",
        Some(io::Error::other(
            "failed to lookup address information: Name or service not known",
        )),
    );
    assert_eq!(SystemError::of(&dns).kind, Some(SystemErrorKind::NotResolved));
    let bare = Wrapped("builder error", None);
    assert_eq!(
        SystemError::causes_of(&bare),
        SystemError {
            kind: None,
            text: "builder error".into()
        }
    );
}

#[test]
fn a_reading_is_written_with_the_english_words_and_the_reason_beside_them() {
    let reading = HostReading::Unreachable {
        reason: refused("http://10.0.3.12:9100/metrics"),
    };
    let json = serde_json::to_value(&reading).unwrap();
    assert_eq!(json["state"], "unreachable");
    assert!(
        json["reason"]
            .as_str()
            .unwrap()
            .starts_with("cannot connect to http://10.0.3.12:9100/metrics: "),
        "{json}"
    );
    assert_eq!(json["why"]["kind"], "cannot_connect");
    assert_eq!(json["why"]["error"]["kind"], "refused");
    let back: HostReading = serde_json::from_value(json).unwrap();
    assert_eq!(back, reading);

    // Words alone (an older daemon) read back as words, and are written as they were.
    let old = serde_json::json!({"state": "unreachable", "reason": "connect timeout after 5s"});
    let read: HostReading = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(
        read,
        HostReading::Unreachable {
            reason: "connect timeout after 5s".into()
        }
    );
    assert_eq!(serde_json::to_value(&read).unwrap(), old);
}

#[test]
fn a_secret_in_the_url_is_masked_everywhere_in_the_reason() {
    let reason =
        refused("http://10.0.3.12:9100/metrics?token=s3cret").map_text(&|t: &str| t.replace("s3cret", "***"));
    for lang in [Lang::En, Lang::Zh] {
        let words = reason.words(lang);
        assert!(!words.contains("s3cret"), "{words}");
        assert!(words.contains("token=***"), "{words}");
    }
}
