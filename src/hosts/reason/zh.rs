//! The Chinese of a host reason, written from the same facts as the English (`en.rs`): what the dashboard
//! shows on a Chinese screen. The common system errors are worded; any other is quoted as it came, as are
//! URLs and the parser's complaint.

use super::{HostReason, SystemError, SystemErrorKind};

pub(super) fn reason(reason: &HostReason) -> String {
    use HostReason as R;
    match reason {
        R::Text { text } => text.clone(),
        R::ClientSetup { error } => format!("无法创建 HTTP 客户端：{error}"),
        R::CannotConnect { url, error } => format!("连接 {url} 失败：{}", system(error)),
        R::TimedOut { within } => format!("{within} 内无应答"),
        R::RequestFailed { error } => format!("请求失败：{}", system(error)),
        R::Status { code, url } => {
            format!("{url} 返回 HTTP {}", crate::probe::reason::zh::status_zh(*code))
        }
        R::TooLarge { limit_mib, url } => {
            format!("应答超过 {limit_mib} MiB：{url} 真的是 node_exporter 吗？")
        }
        R::NotText => "应答不是 UTF-8 文本".into(),
        R::NotExposition { line, error } => {
            format!("应答不是 Prometheus 文本格式：第 {line} 行：{error}")
        }
        R::NoNodeMetrics => "应答中没有 node_exporter 指标（node_cpu_seconds_total、\
                             node_memory_MemTotal_bytes、node_load1、node_filesystem_size_bytes）：\
                             该 URL 是 node_exporter 的 /metrics 页面吗？"
            .into(),
        R::LocalFigures { error } => format!("无法读取本机的 CPU 和内存数据：{error}"),
        R::LocalDisks { error } => format!("无法读取本机的磁盘列表：{error}"),
        R::LocalFailed { error } => format!("读取本机失败：{error}"),
    }
}

/// A recognised system error in Chinese; any other as the system wrote it.
fn system(error: &SystemError) -> String {
    let words = match error.kind {
        Some(SystemErrorKind::Refused) => "连接被拒绝（该端口无服务监听）",
        Some(SystemErrorKind::TimedOut) => "连接超时",
        Some(SystemErrorKind::NoRoute) => "主机不可达（没有路由）",
        Some(SystemErrorKind::NotResolved) => "域名无法解析",
        Some(SystemErrorKind::Reset) => "连接被对方重置",
        None => return error.text.clone(),
    };
    words.to_string()
}
