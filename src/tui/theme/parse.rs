//! Theme files: `name`, `description` and a `[roles]` table whose values are a colour (the foreground) or an
//! inline table `{ fg, bg, bold, dim, italic, underline, reversed }`. Walked by hand so that every error names
//! the exact key.

use std::path::Path;

use ratatui::style::{Modifier, Style};
use toml::Value;

use super::color::parse_color;
use super::{ROLES, Theme, ThemeError};

const TOP_KEYS: [&str; 3] = ["name", "description", "roles"];
const STYLE_KEYS: [&str; 7] = ["fg", "bg", "bold", "dim", "italic", "underline", "reversed"];

pub(super) fn parse(path: &Path, text: &str, base: Option<Theme>) -> Result<Theme, ThemeError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| ThemeError::Syntax {
        path: path.to_path_buf(),
        message: match e.span() {
            Some(span) => {
                let (line, col) = line_col(text, span.start);
                format!("line {line}, column {col}: {}", e.message().trim())
            }
            None => e.message().trim().to_string(),
        },
    })?;
    let key_err = |key: String, message: String| ThemeError::Key {
        path: path.to_path_buf(),
        key,
        message,
    };
    for key in table.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            return Err(key_err(
                key.clone(),
                format!("unknown key; accepted are {}", TOP_KEYS.join(", ")),
            ));
        }
    }
    let complete = base.is_none();
    let mut theme = base.unwrap_or_else(|| Theme::blank(""));
    theme.name = match table.get("name") {
        Some(Value::String(name)) => name.clone(),
        Some(other) => {
            return Err(key_err(
                "name".into(),
                format!("expected a string, found {}", other.type_str()),
            ));
        }
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    if let Some(d) = table.get("description")
        && !d.is_str()
    {
        return Err(key_err(
            "description".into(),
            format!("expected a string, found {}", d.type_str()),
        ));
    }
    let roles = match table.get("roles") {
        Some(Value::Table(roles)) => roles.clone(),
        Some(other) => {
            return Err(key_err(
                "roles".into(),
                format!("expected a table, found {}", other.type_str()),
            ));
        }
        None => toml::Table::new(),
    };
    for (role, value) in &roles {
        let key = format!("roles.{role}");
        let Some(slot) = theme.role_mut(role) else {
            return Err(key_err(
                key,
                format!("unknown role; accepted are {}", ROLES.join(", ")),
            ));
        };
        *slot = style(value).map_err(|(sub, message)| {
            key_err(
                if sub.is_empty() {
                    key.clone()
                } else {
                    format!("{key}.{sub}")
                },
                message,
            )
        })?;
    }
    if complete && let Some(missing) = ROLES.iter().find(|r| !roles.contains_key(**r)) {
        return Err(key_err(
            format!("roles.{missing}"),
            "missing: a built-in theme sets every role".to_string(),
        ));
    }
    Ok(theme)
}

/// One role's style; the error carries the sub-key (`fg`, `bold`, …) it is about.
fn style(value: &Value) -> Result<Style, (String, String)> {
    match value {
        Value::String(_) | Value::Integer(_) => {
            Ok(Style::new().fg(parse_color(value).map_err(|m| (String::new(), m))?))
        }
        Value::Table(t) => {
            let mut style = Style::new();
            for (k, v) in t {
                match k.as_str() {
                    "fg" => style = style.fg(parse_color(v).map_err(|m| (k.clone(), m))?),
                    "bg" => style = style.bg(parse_color(v).map_err(|m| (k.clone(), m))?),
                    "bold" | "dim" | "italic" | "underline" | "reversed" => {
                        let on = v.as_bool().ok_or_else(|| {
                            (
                                k.clone(),
                                format!("expected true or false, found {}", v.type_str()),
                            )
                        })?;
                        let m = match k.as_str() {
                            "bold" => Modifier::BOLD,
                            "dim" => Modifier::DIM,
                            "italic" => Modifier::ITALIC,
                            "underline" => Modifier::UNDERLINED,
                            _ => Modifier::REVERSED,
                        };
                        if on {
                            style = style.add_modifier(m);
                        }
                    }
                    _ => {
                        return Err((
                            k.clone(),
                            format!("unknown key; accepted are {}", STYLE_KEYS.join(", ")),
                        ));
                    }
                }
            }
            Ok(style)
        }
        other => Err((
            String::new(),
            format!(
                "expected a colour or a table like {{ fg = \"red\", bold = true }}, found {}",
                other.type_str()
            ),
        )),
    }
}

fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}
