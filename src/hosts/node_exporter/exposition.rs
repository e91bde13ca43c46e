//! The Prometheus text exposition format (version 0.0.4), as node_exporter serves it:
//!
//! ```text
//! # HELP node_load1 1m load average.
//! # TYPE node_load1 gauge
//! node_load1 0.87
//! node_filesystem_size_bytes{device="/dev/vda",fstype="ext4",mountpoint="/"} 2.70553174016e+11 1700000000000
//! ```
//!
//! Comments and blank lines are skipped; label values may hold escaped quotes, backslashes and newlines; values
//! may be `NaN`, `+Inf` or `-Inf`; a timestamp in milliseconds may follow. The newer quoted-name form
//! `{"metric.name",label="v"} 1` is read too. A malformed line fails the whole parse, as it does for Prometheus:
//! half a reading would show a host healthier than it is.

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    /// Milliseconds since the Unix epoch, when the line carries one.
    pub timestamp_ms: Option<i64>,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a text could not be read, with the 1-based line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// Parses a whole exposition.
pub fn parse(text: &str) -> Result<Vec<Sample>, ParseError> {
    let mut samples = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let sample = parse_line(line).map_err(|message| ParseError { line: n + 1, message })?;
        samples.push(sample);
    }
    Ok(samples)
}

/// Parses one sample line (not a comment).
pub fn parse_line(line: &str) -> Result<Sample, String> {
    let mut cur = Cursor { text: line, pos: 0 };
    let mut name = if cur.peek() == Some('{') {
        None
    } else {
        Some(cur.metric_name()?)
    };
    let mut labels = Vec::new();
    let mut spaced = cur.skip_space();
    if cur.eat('{') {
        loop {
            cur.skip_space();
            if cur.eat('}') {
                break;
            }
            let key = if cur.peek() == Some('"') {
                cur.quoted()?
            } else {
                cur.label_name()?
            };
            cur.skip_space();
            if name.is_none() && labels.is_empty() && matches!(cur.peek(), Some(',' | '}')) {
                // `{"metric.name", ...}`: the first bare string is the metric name.
                name = Some(key);
            } else {
                if !cur.eat('=') {
                    return Err(cur.expected(&format!("'=' after label \"{key}\"")));
                }
                cur.skip_space();
                let value = cur.quoted()?;
                labels.push((key, value));
            }
            cur.skip_space();
            if cur.eat(',') {
                continue;
            }
            if cur.eat('}') {
                break;
            }
            return Err(cur.expected("',' or '}' after a label"));
        }
        spaced = cur.skip_space();
    }
    let name = name.ok_or_else(|| "a metric name is missing before the labels".to_string())?;
    if !spaced {
        return Err(match cur.peek() {
            None => format!("the value of \"{name}\" is missing"),
            Some(_) => cur.expected("a space before the value"),
        });
    }
    let value_text = cur.token();
    let value = parse_value(value_text)?;
    cur.skip_space();
    let timestamp_ms = match cur.token() {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .map_err(|_| format!("invalid timestamp \"{t}\": expected milliseconds as an integer"))?,
        ),
    };
    cur.skip_space();
    if cur.pos < line.len() {
        return Err(cur.expected("the end of the line after the value and timestamp"));
    }
    Ok(Sample {
        name,
        labels,
        value,
        timestamp_ms,
    })
}

/// A value as Go's `strconv.ParseFloat` writes it: decimal or exponent notation, `NaN`, `+Inf`, `-Inf`.
fn parse_value(text: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Err("the value is missing".into());
    }
    text.parse::<f64>()
        .map_err(|_| format!("invalid value \"{text}\": expected a number, NaN, +Inf or -Inf"))
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Skips spaces and tabs; true when there were any.
    fn skip_space(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Everything up to the next space or tab.
    fn token(&mut self) -> &'a str {
        let start = self.pos;
        let len = self.rest().find([' ', '\t']).unwrap_or(self.rest().len());
        self.pos += len;
        &self.text[start..self.pos]
    }

    fn identifier(&mut self, colon: bool) -> Option<String> {
        let start = self.pos;
        for (i, c) in self.rest().char_indices() {
            let ok =
                c.is_ascii_alphabetic() || c == '_' || (colon && c == ':') || (i > 0 && c.is_ascii_digit());
            if !ok {
                break;
            }
            self.pos = start + i + c.len_utf8();
        }
        (self.pos > start).then(|| self.text[start..self.pos].to_string())
    }

    fn metric_name(&mut self) -> Result<String, String> {
        self.identifier(true)
            .ok_or_else(|| self.expected("a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"))
    }

    fn label_name(&mut self) -> Result<String, String> {
        self.identifier(false)
            .ok_or_else(|| self.expected("a label name ([a-zA-Z_][a-zA-Z0-9_]*)"))
    }

    /// A double-quoted string with `\\`, `\"` and `\n` escapes.
    fn quoted(&mut self) -> Result<String, String> {
        if !self.eat('"') {
            return Err(self.expected("'\"' to open a quoted value"));
        }
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, '"')) => out.push('"'),
                    Some((_, other)) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err("a quoted value is not closed before the end of the line".into())
    }

    fn expected(&self, what: &str) -> String {
        let found: String = self.rest().chars().take(20).collect();
        if found.is_empty() {
            format!(
                "expected {what} at column {}, found the end of the line",
                self.column()
            )
        } else {
            format!("expected {what} at column {}, found \"{found}\"", self.column())
        }
    }

    fn column(&self) -> usize {
        self.text[..self.pos].chars().count() + 1
    }
}

#[cfg(test)]
mod tests;
