//! Why a host could not be read, as facts rather than a sentence, worded when shown: in English (`en.rs`, the
//! `Display` of `watchdesk check`, the logs and the handover report) or Chinese (`zh.rs`), for the dashboard in
//! the engineer's language. The errors the operating system gives most often (refused, timed out, no route,
//! name not resolved, reset) are recognised so that a Chinese screen words them too; any other error, a URL or
//! a parser's complaint is quoted as it came.

mod en;
mod zh;

use serde::{Deserialize, Serialize};

use crate::config::Lang;

/// One failed reading of one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HostReason {
    /// Words with no structure (read from an older daemon, or set by hand).
    Text { text: String },

    // Scraping a node_exporter.
    /// The HTTP client could not be set up.
    ClientSetup { error: String },
    /// No connection to the exporter.
    CannotConnect { url: String, error: SystemError },
    /// No answer within the host's timeout (`5s`).
    TimedOut { within: String },
    /// The request failed after the connection was made.
    RequestFailed { error: SystemError },
    /// An HTTP status other than 2xx.
    Status { code: u16, url: String },
    /// The answer passed `limit_mib`: no node_exporter serves that much.
    TooLarge { limit_mib: usize, url: String },
    /// The answer is not UTF-8 text.
    NotText,
    /// The answer is not Prometheus text format: the parser's complaint about one line.
    NotExposition { line: usize, error: String },
    /// The page holds none of node_exporter's CPU, memory, load or filesystem metrics.
    NoNodeMetrics,

    // Reading this machine.
    /// sysinfo could not read the CPU and memory figures.
    LocalFigures { error: String },
    /// sysinfo could not read the disk list.
    LocalDisks { error: String },
    /// The reading itself failed (its task panicked or was cancelled).
    LocalFailed { error: String },
}

/// An error from the operating system or the HTTP library, as it was written, and what it is when it is one of
/// the common ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SystemErrorKind>,
    pub text: String,
}

/// The errors a scrape meets most often on an operations network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemErrorKind {
    /// Nothing listens on the port (`ECONNREFUSED`).
    Refused,
    /// The system gave up waiting (`ETIMEDOUT`).
    TimedOut,
    /// No route to the host or its network (`EHOSTUNREACH`, `ENETUNREACH`).
    NoRoute,
    /// The host name did not resolve.
    NotResolved,
    /// The peer reset or aborted the connection (`ECONNRESET`, `ECONNABORTED`).
    Reset,
}

impl From<String> for HostReason {
    fn from(text: String) -> HostReason {
        HostReason::Text { text }
    }
}

impl From<&str> for HostReason {
    fn from(text: &str) -> HostReason {
        HostReason::Text { text: text.into() }
    }
}

impl From<crate::hosts::local::LocalError> for HostReason {
    fn from(e: crate::hosts::local::LocalError) -> HostReason {
        use crate::hosts::local::LocalError;
        match e {
            LocalError::System(error) => HostReason::LocalFigures { error },
            LocalError::Disks(error) => HostReason::LocalDisks { error },
        }
    }
}

impl HostReason {
    /// The words in `lang`: what the dashboard shows.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => zh::reason(self),
        }
    }

    /// The same reason with `f` applied to every text in it (to mask secrets).
    pub fn map_text(self, f: &impl Fn(&str) -> String) -> HostReason {
        use HostReason as R;
        match self {
            R::Text { text } => R::Text { text: f(&text) },
            R::ClientSetup { error } => R::ClientSetup { error: f(&error) },
            R::CannotConnect { url, error } => R::CannotConnect {
                url: f(&url),
                error: error.map_text(f),
            },
            R::RequestFailed { error } => R::RequestFailed {
                error: error.map_text(f),
            },
            R::Status { code, url } => R::Status { code, url: f(&url) },
            R::TooLarge { limit_mib, url } => R::TooLarge {
                limit_mib,
                url: f(&url),
            },
            R::NotExposition { line, error } => R::NotExposition {
                line,
                error: f(&error),
            },
            R::LocalFigures { error } => R::LocalFigures { error: f(&error) },
            R::LocalDisks { error } => R::LocalDisks { error: f(&error) },
            R::LocalFailed { error } => R::LocalFailed { error: f(&error) },
            same @ (R::TimedOut { .. } | R::NotText | R::NoNodeMetrics) => same,
        }
    }
}

impl SystemError {
    /// The error and its causes (reqwest's own message, "error sending request", hides the useful part), and
    /// what the first recognised cause is.
    pub fn of(e: &(dyn std::error::Error + 'static)) -> SystemError {
        SystemError {
            kind: kind_of(e),
            text: crate::outbound::error_chain(e),
        }
    }

    /// Only the causes of `e`, for words that already say what was being done.
    pub fn causes_of(e: &(dyn std::error::Error + 'static)) -> SystemError {
        match e.source() {
            Some(source) => SystemError {
                kind: kind_of(e),
                text: crate::outbound::error_chain(source),
            },
            None => SystemError::of(e),
        }
    }

    fn map_text(self, f: &impl Fn(&str) -> String) -> SystemError {
        SystemError {
            kind: self.kind,
            text: f(&self.text),
        }
    }
}

/// The first cause in `e`'s chain that is a common system error: an `io::Error` of a known kind, or the
/// resolver's failure (which has no kind of its own, only its words).
fn kind_of(e: &(dyn std::error::Error + 'static)) -> Option<SystemErrorKind> {
    use std::io::ErrorKind as K;
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            let kind = match io.kind() {
                K::ConnectionRefused => Some(SystemErrorKind::Refused),
                K::TimedOut => Some(SystemErrorKind::TimedOut),
                K::HostUnreachable | K::NetworkUnreachable => Some(SystemErrorKind::NoRoute),
                K::ConnectionReset | K::ConnectionAborted => Some(SystemErrorKind::Reset),
                _ => None,
            };
            if kind.is_some() {
                return kind;
            }
        }
        let words = c.to_string();
        if words.starts_with("dns error") || words.contains("failed to lookup address information") {
            return Some(SystemErrorKind::NotResolved);
        }
        cause = c.source();
    }
    None
}

#[cfg(test)]
mod tests;
