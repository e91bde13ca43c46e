//! What a probe found, as facts with their figures rather than as a sentence, worded when shown: in English
//! (`en.rs`, the `Display` of the command line and the logs) or Chinese (`zh.rs`), for the dashboard in the
//! engineer's language and for automatic incident titles in the platform's.

mod en;
pub(crate) mod zh;

pub use en::status_text;

use serde::{Deserialize, Serialize};

/// One probe's finding. Texts quoted from elsewhere (an operating system's or a library's error, a URL, a
/// file name) stay as they came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Words with no structure (set by hand, or read from an older record).
    Text {
        text: String,
    },

    // Connecting (tcp, and the first step of tls).
    Connected {
        peer: String,
    },
    NotResolved {
        host: String,
        error: String,
    },
    NoAddress {
        host: String,
    },
    Refused {
        address: String,
    },
    Unreachable {
        address: String,
        error: String,
    },
    ConnectFailed {
        address: String,
        error: String,
    },
    /// `waiting` had not happened `within` the check's timeout (`10s`).
    TimedOut {
        waiting: Waiting,
        within: String,
    },

    // Certificates (tls checks).
    TlsSetup {
        error: String,
    },
    BadServerName {
        host: String,
        error: String,
    },
    HandshakeFailed {
        address: String,
        error: String,
    },
    NoCertificate {
        address: String,
    },
    CertUnreadable {
        error: String,
    },
    CertDateOutOfRange {
        timestamp: i64,
    },
    CertExpired {
        days: i64,
        date: String,
    },
    /// Fewer days left than `under`: the critical threshold when `critical`, else the warning one.
    CertExpiring {
        days: i64,
        date: String,
        under: u32,
        critical: bool,
    },
    CertValid {
        days: i64,
        date: String,
    },

    // Requests (http checks).
    ClientSetup {
        error: String,
    },
    InvalidUrl {
        url: String,
        error: String,
    },
    SelfSigned {
        host: String,
    },
    TlsFailed {
        host: String,
        error: String,
        hint: Option<TlsHint>,
    },
    TooManyRedirects {
        limit: u32,
        last: String,
    },
    NoResponse,
    /// A status the check does not accept; `expected` as configured (`2xx`, `200, 204`). A redirect names
    /// where it pointed, and whether the check follows redirects at all.
    Status {
        code: u16,
        expected: String,
        location: Option<String>,
        follows: bool,
    },
    BodyBroken {
        read: usize,
        error: String,
    },
    BodyMissing {
        needle: String,
        read: usize,
    },
    BodyNoMatch {
        pattern: String,
        read: usize,
    },
    BadRegex {
        pattern: String,
        error: String,
    },
    RequestTimedOut {
        host: String,
        error: String,
    },
    BodyUnreadable {
        host: String,
        error: String,
    },
    RequestFailed {
        address: String,
        error: String,
    },
    Slow {
        code: u16,
        ms: u64,
        over_ms: u64,
    },
    HttpOk {
        code: u16,
    },
    /// The request failed after following redirects to `to`.
    Redirected {
        to: String,
        reason: Box<Reason>,
    },
    ThroughProxy {
        proxy: String,
        reason: Box<Reason>,
    },

    // Files (file checks); ages as every screen writes a duration (`1h00m`).
    BadPattern {
        pattern: String,
        error: String,
    },
    ScanFailed {
        pattern: String,
        error: String,
    },
    NoFile {
        pattern: String,
    },
    FileTooOld {
        path: String,
        age: String,
        max: String,
    },
    FileTooSmall {
        path: String,
        size: u64,
        min: u64,
    },
    FileOk {
        path: String,
        size: u64,
        age: String,
    },
}

/// What had not happened when a probe ran out of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Waiting {
    NoAnswer,
    NameNotResolved { host: String },
    NoConnection { address: String },
    Handshake,
    NoResponse,
    Body { read: usize },
    Scan { pattern: String },
}

/// What a refused certificate usually means for a monitored site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsHint {
    /// Issued by a CA this machine does not trust.
    UnknownIssuer,
    Expired,
    /// The certificate is for another host name.
    OtherName,
}

impl From<String> for Reason {
    fn from(text: String) -> Reason {
        Reason::Text { text }
    }
}

impl From<&str> for Reason {
    fn from(text: &str) -> Reason {
        Reason::Text { text: text.into() }
    }
}

impl Reason {
    /// The same finding with `f` applied to every text in it (to mask secrets).
    pub fn map_text(self, f: &impl Fn(&str) -> String) -> Reason {
        use Reason as R;
        let boxed = |r: Box<Reason>| Box::new(r.map_text(f));
        match self {
            R::Text { text } => R::Text { text: f(&text) },
            R::Connected { peer } => R::Connected { peer: f(&peer) },
            R::NotResolved { host, error } => R::NotResolved {
                host: f(&host),
                error: f(&error),
            },
            R::NoAddress { host } => R::NoAddress { host: f(&host) },
            R::Refused { address } => R::Refused { address: f(&address) },
            R::Unreachable { address, error } => R::Unreachable {
                address: f(&address),
                error: f(&error),
            },
            R::ConnectFailed { address, error } => R::ConnectFailed {
                address: f(&address),
                error: f(&error),
            },
            R::TimedOut { waiting, within } => R::TimedOut {
                waiting: waiting.map_text(f),
                within,
            },
            R::TlsSetup { error } => R::TlsSetup { error: f(&error) },
            R::BadServerName { host, error } => R::BadServerName {
                host: f(&host),
                error: f(&error),
            },
            R::HandshakeFailed { address, error } => R::HandshakeFailed {
                address: f(&address),
                error: f(&error),
            },
            R::NoCertificate { address } => R::NoCertificate { address: f(&address) },
            R::CertUnreadable { error } => R::CertUnreadable { error: f(&error) },
            R::ClientSetup { error } => R::ClientSetup { error: f(&error) },
            R::InvalidUrl { url, error } => R::InvalidUrl {
                url: f(&url),
                error: f(&error),
            },
            R::SelfSigned { host } => R::SelfSigned { host: f(&host) },
            R::TlsFailed { host, error, hint } => R::TlsFailed {
                host: f(&host),
                error: f(&error),
                hint,
            },
            R::TooManyRedirects { limit, last } => R::TooManyRedirects {
                limit,
                last: f(&last),
            },
            R::Status {
                code,
                expected,
                location,
                follows,
            } => R::Status {
                code,
                expected,
                location: location.map(|l| f(&l)),
                follows,
            },
            R::BodyBroken { read, error } => R::BodyBroken {
                read,
                error: f(&error),
            },
            R::BodyMissing { needle, read } => R::BodyMissing {
                needle: f(&needle),
                read,
            },
            R::BodyNoMatch { pattern, read } => R::BodyNoMatch {
                pattern: f(&pattern),
                read,
            },
            R::BadRegex { pattern, error } => R::BadRegex {
                pattern: f(&pattern),
                error: f(&error),
            },
            R::RequestTimedOut { host, error } => R::RequestTimedOut {
                host: f(&host),
                error: f(&error),
            },
            R::BodyUnreadable { host, error } => R::BodyUnreadable {
                host: f(&host),
                error: f(&error),
            },
            R::RequestFailed { address, error } => R::RequestFailed {
                address: f(&address),
                error: f(&error),
            },
            R::Redirected { to, reason } => R::Redirected {
                to: f(&to),
                reason: boxed(reason),
            },
            R::ThroughProxy { proxy, reason } => R::ThroughProxy {
                proxy: f(&proxy),
                reason: boxed(reason),
            },
            R::BadPattern { pattern, error } => R::BadPattern {
                pattern: f(&pattern),
                error: f(&error),
            },
            R::ScanFailed { pattern, error } => R::ScanFailed {
                pattern: f(&pattern),
                error: f(&error),
            },
            R::NoFile { pattern } => R::NoFile { pattern: f(&pattern) },
            R::FileTooOld { path, age, max } => R::FileTooOld {
                path: f(&path),
                age,
                max,
            },
            R::FileTooSmall { path, size, min } => R::FileTooSmall {
                path: f(&path),
                size,
                min,
            },
            R::FileOk { path, size, age } => R::FileOk {
                path: f(&path),
                size,
                age,
            },
            same @ (R::CertDateOutOfRange { .. }
            | R::CertExpired { .. }
            | R::CertExpiring { .. }
            | R::CertValid { .. }
            | R::NoResponse
            | R::Slow { .. }
            | R::HttpOk { .. }) => same,
        }
    }
}

impl Waiting {
    fn map_text(self, f: &impl Fn(&str) -> String) -> Waiting {
        match self {
            Waiting::NameNotResolved { host } => Waiting::NameNotResolved { host: f(&host) },
            Waiting::NoConnection { address } => Waiting::NoConnection { address: f(&address) },
            Waiting::Scan { pattern } => Waiting::Scan { pattern: f(&pattern) },
            same => same,
        }
    }
}
