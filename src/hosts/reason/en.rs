//! The English of a host reason: what `watchdesk check`, the logs and the handover report say. A system error
//! is quoted as the system and the libraries wrote it.

use std::fmt;

use super::HostReason;

impl fmt::Display for HostReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use HostReason as R;
        match self {
            R::Text { text } => f.write_str(text),
            R::ClientSetup { error } => write!(f, "cannot set up an HTTP client: {error}"),
            R::CannotConnect { url, error } => write!(f, "cannot connect to {url}: {}", error.text),
            R::TimedOut { within } => write!(f, "no answer within {within}"),
            R::RequestFailed { error } => f.write_str(&error.text),
            R::Status { code, url } => {
                write!(f, "HTTP {} from {url}", crate::probe::reason::status_text(*code))
            }
            R::TooLarge { limit_mib, url } => write!(
                f,
                "the answer is larger than {limit_mib} MiB: is {url} really a node_exporter?"
            ),
            R::NotText => f.write_str("the answer is not UTF-8 text"),
            R::NotExposition { line, error } => {
                write!(
                    f,
                    "the answer is not Prometheus text format: line {line}: {error}"
                )
            }
            R::NoNodeMetrics => f.write_str(
                "the answer holds no node_exporter metrics (node_cpu_seconds_total, \
                 node_memory_MemTotal_bytes, node_load1, node_filesystem_size_bytes): is the URL a \
                 node_exporter /metrics page?",
            ),
            R::LocalFigures { error } => {
                write!(f, "cannot read this machine's CPU and memory figures: {error}")
            }
            R::LocalDisks { error } => write!(f, "cannot read this machine's disk list: {error}"),
            R::LocalFailed { error } => write!(f, "reading this machine failed: {error}"),
        }
    }
}
