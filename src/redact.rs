//! Secrets out of sight: a URL's password and the values of its sensitive query parameters (`token`, `key`,
//! `secret`, `password`, `sign`, … and what `[redaction] names` adds) become `***` wherever a URL is shown,
//! and every message, reason, event, report, snapshot and log line that could carry one (a probe's error
//! quotes its URL) has those values replaced before it leaves the place that made it.

use std::fmt;
use std::sync::OnceLock;

use crate::config::{CheckSpec, HostSource};

/// Names added by the configuration (`[redaction] names`), process-wide like the policy they express.
static EXTRA_NAMES: OnceLock<Vec<String>> = OnceLock::new();

/// Adds the configuration's names to the built-in ones (the first configuration loaded sets them).
pub fn configure(names: Vec<String>) {
    let _ = EXTRA_NAMES.set(names);
}

fn extra() -> &'static [String] {
    EXTRA_NAMES.get().map(Vec::as_slice).unwrap_or(&[])
}

/// The secrets a check's configuration carries: its URL's and proxy's passwords and tokens, and sensitive
/// header values.
pub fn of_check(spec: &CheckSpec) -> Redactions {
    let mut r = Redactions::default();
    if let CheckSpec::Http(http) = spec {
        r.add_url(&http.url, extra());
        if let Some(proxy) = &http.proxy {
            r.add_url(proxy, extra());
        }
        for (name, value) in &http.headers {
            r.add_header(name, value, extra());
        }
    }
    r
}

/// The secrets of a host's source (a node_exporter URL with a token).
pub fn of_host(source: &HostSource) -> Redactions {
    let mut r = Redactions::default();
    if let HostSource::NodeExporter { url } = source {
        r.add_url(url, extra());
    }
    r
}

/// A URL as it may be shown, with the configured names too.
pub fn shown(text: &str) -> String {
    url(text, extra())
}

/// Query parameter (and header) names whose values are secret, matched case-insensitively as substrings
/// (`access_token`, `X-Api-Key` and `apikey` all match).
pub const SENSITIVE: [&str; 9] = [
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "sign",
    "auth",
    "credential",
    "session",
];

pub const MASK: &str = "***";

/// The secret values found in a piece of configuration, to be masked in any text about it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Redactions {
    values: Vec<String>,
}

impl fmt::Debug for Redactions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactions({} values)", self.values.len())
    }
}

impl Redactions {
    /// Notes the secrets of `url`: its password and the values of its sensitive query parameters.
    pub fn add_url(&mut self, url: &str, names: &[String]) {
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return;
        };
        if let Some(password) = parsed.password() {
            self.add(password);
            if let Ok(decoded) = percent_decode(password) {
                self.add(&decoded);
            }
        }
        for (name, value) in parsed.query_pairs() {
            if is_sensitive(&name, names) {
                self.add(&value);
            }
        }
        // The raw form as written (percent-encoded) too.
        if let Some(query) = parsed.query() {
            for pair in query.split('&') {
                if let Some((name, value)) = pair.split_once('=')
                    && is_sensitive(name, names)
                {
                    self.add(value);
                }
            }
        }
    }

    /// Notes the value of a header whose name is sensitive (`Authorization`, `X-Api-Key`, …).
    pub fn add_header(&mut self, name: &str, value: &str, names: &[String]) {
        if is_sensitive(name, names) {
            self.add(value);
            // `Bearer abc`: the credential alone may be quoted too.
            if let Some((_, credential)) = value.split_once(' ') {
                self.add(credential);
            }
        }
    }

    fn add(&mut self, value: &str) {
        // Very short values would mask ordinary words; nobody's secret is three characters long.
        if value.len() >= 4 && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_string());
            // Longest first, so a value that contains another is masked whole.
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every noted secret replaced by `***`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), MASK);
            }
        }
        out
    }
}

/// Whether a parameter or header name is one whose value is secret.
pub fn is_sensitive(name: &str, extra: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    SENSITIVE.iter().any(|s| lower.contains(s))
        || extra.iter().any(|s| lower.contains(&s.to_ascii_lowercase()))
}

/// `url` as it may be shown: password and sensitive query values as `***`. Text that is not a URL is
/// returned as it is.
pub fn url(url: &str, names: &[String]) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return url.to_string();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(MASK));
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_sensitive(&k, names) {
                    MASK.to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        if pairs.iter().any(|(_, v)| v == MASK) {
            // Written back by hand so `***` stays readable rather than percent-encoded.
            let query: Vec<String> = pairs
                .iter()
                .map(|(k, v)| {
                    if v == MASK {
                        format!("{k}={MASK}")
                    } else {
                        form_pair(k, v)
                    }
                })
                .collect();
            parsed.set_query(None);
            let mut shown = parsed.to_string();
            let fragment = parsed.fragment().map(|f| format!("#{f}"));
            if let Some(f) = &fragment {
                shown.truncate(shown.len() - f.len());
            }
            shown.push('?');
            shown.push_str(&query.join("&"));
            if let Some(f) = fragment {
                shown.push_str(&f);
            }
            return shown.replace("%2A%2A%2A", MASK);
        }
    }
    parsed.to_string().replace("%2A%2A%2A", MASK)
}

/// Whether a URL carries a password in it (flagged by `config check`: it belongs in a file or the environment).
pub fn has_password(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| u.password().is_some())
}

fn form_pair(k: &str, v: &str) -> String {
    let mut s = reqwest::Url::parse("http://x/").expect("a fixed URL parses");
    s.query_pairs_mut().append_pair(k, v);
    s.query().unwrap_or_default().to_string()
}

fn percent_decode(text: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(Ok(b)) = text.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_passwords_or_tokens() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            url(
                "https://ops:S3cr%21t@portal.example.invalid/api/health?x=1",
                &none
            ),
            "https://ops:***@portal.example.invalid/api/health?x=1"
        );
        assert_eq!(
            url("http://db-01:9100/metrics?token=abcd1234&format=text", &none),
            "http://db-01:9100/metrics?token=***&format=text"
        );
        assert_eq!(
            url(
                "http://h/p?Access_Token=zzzz9&ticket=tttt8",
                &["ticket".to_string()]
            ),
            "http://h/p?Access_Token=***&ticket=***"
        );
        assert_eq!(url("http://h/p", &none), "http://h/p");
        assert!(has_password("https://a:b@h/"));
        assert!(!has_password("https://a@h/"));
    }

    #[test]
    fn every_noted_value_is_masked_in_any_text() {
        let mut r = Redactions::default();
        r.add_url("https://ops:S3cr%21t@portal.example.invalid/?token=abcd1234", &[]);
        r.add_header("Authorization", "Bearer zyxw9876", &[]);
        r.add_header("Accept", "text/plain", &[]);
        let text = "cannot connect to https://ops:S3cr%21t@portal.example.invalid/?token=abcd1234: refused; \
                    password S3cr!t; header Bearer zyxw9876; text/plain";
        let masked = r.apply(text);
        for secret in ["S3cr%21t", "S3cr!t", "abcd1234", "zyxw9876"] {
            assert!(!masked.contains(secret), "{secret} in {masked}");
        }
        assert!(masked.contains("text/plain"));
        assert_eq!(format!("{r:?}"), "Redactions(5 values)");
    }
}
