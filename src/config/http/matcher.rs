//! Label matchers as Alertmanager writes them: `name="value"`, `name!="value"`, `name=~"regex"` and
//! `name!~"regex"`. A label that is absent matches as the empty string; regexes match the whole value.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub label: String,
    pub op: MatchOp,
    pub value: String,
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label && self.op == other.op && self.value == other.value
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:?}", self.label, self.op.as_str(), self.value)
    }
}

const ACCEPTED: &str = "accepted are name=\"value\", name!=\"value\", name=~\"regex\" and name!~\"regex\", e.g. \
                        'severity=\"critical\"'";

impl Matcher {
    pub fn parse(text: &str) -> Result<Matcher, String> {
        let text = text.trim();
        let bad = |why: &str| format!("invalid matcher '{text}': {why}; {ACCEPTED}");
        let at = text.find(['=', '!']).ok_or_else(|| bad("no operator"))?;
        let label = text[..at].trim();
        let rest = &text[at..];
        let (op, value) = [
            MatchOp::Regex,
            MatchOp::NotRegex,
            MatchOp::NotEqual,
            MatchOp::Equal,
        ]
        .into_iter()
        .find_map(|op| rest.strip_prefix(op.as_str()).map(|v| (op, v.trim())))
        .ok_or_else(|| bad("no operator"))?;
        let label_ok = label
            .chars()
            .enumerate()
            .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
        if label.is_empty() || !label_ok {
            return Err(bad(
                "a label name is letters, digits and '_', not starting with a digit",
            ));
        }
        let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
            None if !value.contains('"') => value.to_string(),
            None => return Err(bad("the value's quotes do not close")),
        };
        let regex = match op {
            MatchOp::Regex | MatchOp::NotRegex => Some(
                Regex::new(&format!("^(?:{value})$"))
                    .map_err(|e| bad(&format!("the regex does not compile ({e})")))?,
            ),
            MatchOp::Equal | MatchOp::NotEqual => None,
        };
        Ok(Matcher {
            label: label.to_string(),
            op,
            value,
            regex,
        })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let found = labels.get(&self.label).map_or("", String::as_str);
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => found == self.value,
            (MatchOp::NotEqual, _) => found != self.value,
            (MatchOp::Regex, Some(re)) => re.is_match(found),
            (MatchOp::NotRegex, Some(re)) => !re.is_match(found),
            (MatchOp::Regex | MatchOp::NotRegex, None) => false,
        }
    }
}
