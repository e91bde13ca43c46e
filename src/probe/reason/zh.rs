//! The Chinese of a finding, written from the same facts as the English (`en.rs`): what the dashboard shows
//! on a Chinese screen and what automatic incident titles say on a Chinese platform. Texts the probe quotes
//! (an operating system's error, a URL, a file name) stay as they came.

use crate::probe::{Outcome, Phase, Reason, TlsHint, Waiting};

/// A check's detail: `phase：reason` when it is down.
pub(in crate::probe) fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Down { phase, reason } => format!("{}：{}", phase_zh(*phase), reason_zh(reason)),
        other => reason_zh(other.reason()),
    }
}

fn phase_zh(phase: Phase) -> &'static str {
    match phase {
        Phase::Dns => "域名解析",
        Phase::Connect => "连接",
        Phase::Tls => "TLS",
        Phase::Timeout => "超时",
        Phase::Status => "状态码",
        Phase::Body => "响应内容",
        Phase::Certificate => "证书",
        Phase::File => "文件",
    }
}

fn reason_zh(reason: &Reason) -> String {
    use Reason as R;
    match reason {
        R::Text { text } => text.clone(),
        R::Connected { peer } => format!("已连接 {peer}"),
        R::NotResolved { host, error } => format!("无法解析域名“{host}”：{error}"),
        R::NoAddress { host } => format!("“{host}”没有解析到任何地址"),
        R::Refused { address } => format!("{address} 拒绝连接（该端口无服务监听）"),
        R::Unreachable { address, error } => format!("{address} 不可达：{error}"),
        R::ConnectFailed { address, error } => format!("无法连接 {address}：{error}"),
        R::TimedOut { waiting, within } => format!("{within} 内{}", waiting_zh(waiting)),
        R::TlsSetup { error } => format!("TLS 初始化失败：{error}"),
        R::BadServerName { host, error } => format!("“{host}”不是有效的 TLS 服务器名：{error}"),
        R::HandshakeFailed { address, error } => format!("与 {address} 的 TLS 握手失败：{error}"),
        R::NoCertificate { address } => format!("{address} 未出示证书"),
        R::CertUnreadable { error } => format!("无法读取服务器证书：{error}"),
        R::CertDateOutOfRange { timestamp } => format!("证书到期日期超出范围（{timestamp}）"),
        R::CertExpired { days, date } => format!("证书已过期 {days} 天（{date}）"),
        R::CertExpiring {
            days,
            date,
            under,
            critical,
        } => {
            let threshold = if *critical { "严重" } else { "预警" };
            format!("证书 {days} 天后到期（{date}），少于{threshold}阈值 {under} 天")
        }
        R::CertValid { days, date } => format!("证书还有 {days} 天有效（{date}）"),
        R::ClientSetup { error } => format!("无法创建 HTTP 客户端：{error}"),
        R::InvalidUrl { url, error } => format!("URL {url} 无效：{error}"),
        R::SelfSigned { host } => format!("与 {host} 的 TLS 失败：自签名证书（不受信任）"),
        R::TlsFailed { host, error, hint } => {
            let hint = match hint {
                Some(TlsHint::UnknownIssuer) => "（签发机构不受本机信任）",
                Some(TlsHint::Expired) => "（证书已过期）",
                Some(TlsHint::OtherName) => "（证书属于其他主机名）",
                None => "",
            };
            format!("与 {host} 的 TLS 失败：{error}{hint}")
        }
        R::TooManyRedirects { limit, last } => {
            format!("重定向循环或超过 {limit} 次重定向（最后指向 {last}）")
        }
        R::NoResponse => "无响应".into(),
        R::Status {
            code,
            expected,
            location,
            follows,
        } => {
            let mut text = format!("HTTP {}（应为 {expected}）", status_zh(*code));
            match location {
                Some(to) if !follows => {
                    text.push_str(&format!("，重定向到 {to}，未跟随（follow_redirects = 0）"));
                }
                Some(to) => text.push_str(&format!("，重定向到 {to}")),
                None => {}
            }
            text
        }
        R::BodyBroken { read, error } => format!("响应内容在 {read} 字节后中断：{error}"),
        R::BodyMissing { needle, read } => format!("响应内容不含“{needle}”（已读前 {read} 字节）"),
        R::BodyNoMatch { pattern, read } => {
            format!("响应内容不匹配 /{pattern}/（已读前 {read} 字节）")
        }
        R::BadRegex { pattern, error } => format!("body_regex /{pattern}/ 无效：{error}"),
        R::RequestTimedOut { host, error } => format!("{host} 超时：{error}"),
        R::BodyUnreadable { host, error } => format!("无法读取 {host} 的响应内容：{error}"),
        R::RequestFailed { address, error } => format!("请求 {address} 失败：{error}"),
        R::Slow { code, ms, over_ms } => {
            format!("响应慢：HTTP {code} 用时 {ms} ms，超过 {over_ms} ms")
        }
        R::HttpOk { code } => format!("HTTP {code}"),
        R::Redirected { to, reason } => format!("{}（重定向到 {to}）", reason_zh(reason)),
        R::ThroughProxy { proxy, reason } => format!("{}（经代理 {proxy}）", reason_zh(reason)),
        R::BadPattern { pattern, error } => format!("文件模式“{pattern}”无效：{error}"),
        R::ScanFailed { pattern, error } => format!("扫描“{pattern}”失败：{error}"),
        R::NoFile { pattern } => format!("没有与“{pattern}”匹配的文件"),
        R::FileTooOld { path, age, max } => format!("最新文件 {path} 已有 {age}，超过 {max}"),
        R::FileTooSmall { path, size, min } => {
            format!("最新文件 {path} 仅 {size} 字节，少于 {min} 字节")
        }
        R::FileOk { path, size, age } => format!("{path}：{size} 字节，{age} 前"),
    }
}

fn waiting_zh(waiting: &Waiting) -> String {
    match waiting {
        Waiting::NoAnswer => "无应答".into(),
        Waiting::NameNotResolved { host } => format!("未能解析“{host}”"),
        Waiting::NoConnection { address } => format!("未能连上 {address}"),
        Waiting::Handshake => "TLS 握手未完成".into(),
        Waiting::NoResponse => "无响应".into(),
        Waiting::Body { read } => format!("响应内容未读完（已读 {read} 字节）"),
        Waiting::Scan { pattern } => format!("“{pattern}”未扫描完"),
    }
}

/// `503 服务不可用`: the statuses a monitored site answers with, in Chinese; others as the status line says.
pub(crate) fn status_zh(code: u16) -> String {
    let name = match code {
        301 => "永久重定向",
        302 => "临时重定向",
        303 => "重定向（查看其他位置）",
        307 => "临时重定向",
        308 => "永久重定向",
        400 => "请求有误",
        401 => "未授权",
        403 => "禁止访问",
        404 => "未找到",
        405 => "方法不允许",
        408 => "请求超时",
        429 => "请求过多",
        500 => "服务器内部错误",
        501 => "未实现",
        502 => "网关错误",
        503 => "服务不可用",
        504 => "网关超时",
        _ => return super::status_text(code),
    };
    format!("{code} {name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;

    fn outcome(lang: Lang, o: &Outcome) -> String {
        o.words(lang)
    }

    fn down(phase: Phase, reason: Reason) -> Outcome {
        Outcome::Down { phase, reason }
    }

    #[test]
    fn findings_read_in_chinese_and_the_english_stays_the_probes() {
        let refused = down(
            Phase::Connect,
            Reason::Refused {
                address: "127.0.0.1:8443".into(),
            },
        );
        assert_eq!(
            outcome(Lang::Zh, &refused),
            "连接：127.0.0.1:8443 拒绝连接（该端口无服务监听）"
        );
        assert_eq!(
            outcome(Lang::En, &refused),
            "connect: connection refused by 127.0.0.1:8443 (nothing listens on that port)"
        );

        let timed_out = down(
            Phase::Timeout,
            Reason::TimedOut {
                waiting: Waiting::NoResponse,
                within: "10s".into(),
            },
        );
        assert_eq!(outcome(Lang::Zh, &timed_out), "超时：10s 内无响应");
        assert_eq!(outcome(Lang::En, &timed_out), "timeout: no response within 10s");

        let status = down(
            Phase::Status,
            Reason::Status {
                code: 503,
                expected: "2xx".into(),
                location: None,
                follows: true,
            },
        );
        assert_eq!(
            outcome(Lang::Zh, &status),
            "状态码：HTTP 503 服务不可用（应为 2xx）"
        );
        assert_eq!(
            outcome(Lang::En, &status),
            "status: HTTP 503 Service Unavailable (expected 2xx)"
        );

        let self_signed = down(
            Phase::Tls,
            Reason::ThroughProxy {
                proxy: "http://127.0.0.1:3128".into(),
                reason: Box::new(Reason::SelfSigned {
                    host: "localhost".into(),
                }),
            },
        );
        assert_eq!(
            outcome(Lang::Zh, &self_signed),
            "TLS：与 localhost 的 TLS 失败：自签名证书（不受信任）（经代理 http://127.0.0.1:3128）"
        );

        let expiring = Outcome::Degraded {
            reason: Reason::CertExpiring {
                days: 19,
                date: "2026-12-17".into(),
                under: 30,
                critical: false,
            },
        };
        assert_eq!(
            outcome(Lang::Zh, &expiring),
            "证书 19 天后到期（2026-12-17），少于预警阈值 30 天"
        );
        assert_eq!(
            outcome(Lang::En, &expiring),
            "certificate expires in 19 days (2026-12-17), under the warning 30"
        );
        let up = Outcome::Up {
            detail: Reason::HttpOk { code: 200 },
        };
        assert_eq!(outcome(Lang::Zh, &up), "HTTP 200");
    }
}
