//! The English of a finding: what `watchdesk check`, the logs and incident details say.

use std::fmt;

use super::{Reason, TlsHint, Waiting};

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason as R;
        match self {
            R::Text { text } => f.write_str(text),
            R::Connected { peer } => write!(f, "connected to {peer}"),
            R::NotResolved { host, error } => write!(f, "cannot resolve \"{host}\": {error}"),
            R::NoAddress { host } => write!(f, "\"{host}\" resolves to no address"),
            R::Refused { address } => {
                write!(
                    f,
                    "connection refused by {address} (nothing listens on that port)"
                )
            }
            R::Unreachable { address, error } => write!(f, "{address} is unreachable: {error}"),
            R::ConnectFailed { address, error } => write!(f, "cannot connect to {address}: {error}"),
            R::TimedOut { waiting, within } => write!(f, "{waiting} within {within}"),
            R::TlsSetup { error } => write!(f, "TLS set-up failed: {error}"),
            R::BadServerName { host, error } => {
                write!(f, "\"{host}\" is not a valid TLS server name: {error}")
            }
            R::HandshakeFailed { address, error } => {
                write!(f, "TLS handshake with {address} failed: {error}")
            }
            R::NoCertificate { address } => write!(f, "{address} presented no certificate"),
            R::CertUnreadable { error } => {
                write!(f, "the server's certificate could not be read: {error}")
            }
            R::CertDateOutOfRange { timestamp } => {
                write!(f, "the certificate's expiry date is out of range ({timestamp})")
            }
            R::CertExpired { days, date } => write!(f, "certificate expired {days} days ago ({date})"),
            R::CertExpiring {
                days,
                date,
                under,
                critical,
            } => {
                let threshold = if *critical { "critical" } else { "warning" };
                write!(
                    f,
                    "certificate expires in {days} days ({date}), under the {threshold} {under}"
                )
            }
            R::CertValid { days, date } => write!(f, "certificate valid {days} more days ({date})"),
            R::ClientSetup { error } => write!(f, "cannot set up the HTTP client: {error}"),
            R::InvalidUrl { url, error } => write!(f, "invalid URL {url}: {error}"),
            R::SelfSigned { host } => {
                write!(f, "TLS with {host} failed: self-signed certificate (not trusted)")
            }
            R::TlsFailed { host, error, hint } => {
                write!(f, "TLS with {host} failed: {error}")?;
                match hint {
                    Some(TlsHint::UnknownIssuer) => {
                        f.write_str(" (issued by a CA this machine does not trust)")
                    }
                    Some(TlsHint::Expired) => f.write_str(" (certificate expired)"),
                    Some(TlsHint::OtherName) => f.write_str(" (certificate is for another host name)"),
                    None => Ok(()),
                }
            }
            R::TooManyRedirects { limit, last } => {
                write!(f, "redirect loop or more than {limit} redirects (last to {last})")
            }
            R::NoResponse => f.write_str("no response"),
            R::Status {
                code,
                expected,
                location,
                follows,
            } => {
                write!(f, "HTTP {} (expected {expected})", status_text(*code))?;
                match location {
                    Some(to) if !follows => {
                        write!(f, ", redirect to {to} not followed (follow_redirects = 0)")
                    }
                    Some(to) => write!(f, ", redirect to {to}"),
                    None => Ok(()),
                }
            }
            R::BodyBroken { read, error } => write!(f, "body broken off after {read} bytes: {error}"),
            R::BodyMissing { needle, read } => {
                write!(f, "body does not contain \"{needle}\" (first {read} bytes read)")
            }
            R::BodyNoMatch { pattern, read } => {
                write!(f, "body does not match /{pattern}/ (first {read} bytes read)")
            }
            R::BadRegex { pattern, error } => write!(f, "invalid body_regex /{pattern}/: {error}"),
            R::RequestTimedOut { host, error } => write!(f, "{host}: {error}"),
            R::BodyUnreadable { host, error } => write!(f, "body from {host} unreadable: {error}"),
            R::RequestFailed { address, error } => write!(f, "request to {address} failed: {error}"),
            R::Slow { code, ms, over_ms } => {
                write!(f, "slow: HTTP {code} in {ms} ms, over {over_ms} ms")
            }
            R::HttpOk { code } => write!(f, "HTTP {code}"),
            R::Redirected { to, reason } => write!(f, "{reason} (redirected to {to})"),
            R::ThroughProxy { proxy, reason } => write!(f, "{reason} (through proxy {proxy})"),
            R::BadPattern { pattern, error } => write!(f, "invalid pattern \"{pattern}\": {error}"),
            R::ScanFailed { pattern, error } => write!(f, "scan of \"{pattern}\" failed: {error}"),
            R::NoFile { pattern } => write!(f, "no file matches \"{pattern}\""),
            R::FileTooOld { path, age, max } => {
                write!(f, "newest file {path} is {age} old, more than {max}")
            }
            R::FileTooSmall { path, size, min } => {
                write!(f, "newest file {path} has {size} bytes, fewer than {min}")
            }
            R::FileOk { path, size, age } => write!(f, "{path}: {size} bytes, {age} old"),
        }
    }
}

impl fmt::Display for Waiting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Waiting::NoAnswer => f.write_str("no answer"),
            Waiting::NameNotResolved { host } => write!(f, "name \"{host}\" not resolved"),
            Waiting::NoConnection { address } => write!(f, "no connection to {address}"),
            Waiting::Handshake => f.write_str("TLS handshake not complete"),
            Waiting::NoResponse => f.write_str("no response"),
            Waiting::Body { read } => write!(f, "body not complete ({read} bytes read)"),
            Waiting::Scan { pattern } => write!(f, "scan of \"{pattern}\" not finished"),
        }
    }
}

/// `503 Service Unavailable`, as the status line says it.
pub fn status_text(code: u16) -> String {
    reqwest::StatusCode::from_u16(code).map_or_else(|_| code.to_string(), |s| s.to_string())
}
