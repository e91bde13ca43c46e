//! Colours by meaning (ok, warn, crit, muted, …), loaded from TOML. The four built-in themes are embedded in the
//! binary; a user theme is `$XDG_CONFIG_HOME/watchdesk/themes/NAME.toml`. A theme someone named that is missing
//! or broken is an error naming the file and the key: only the built-in default is ever chosen silently.

mod color;
mod parse;

use std::path::{Path, PathBuf};

use ratatui::style::Style;

pub use color::{ColorChoice, ColorDepth};

/// The built-in themes: name and TOML text.
pub const BUILTIN: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The styles of every role the screen uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// The whole screen: text colour and background.
    pub base: Style,
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selection: Style,
    pub ok: Style,
    pub warn: Style,
    pub crit: Style,
    /// Maintenance, blocked and other states that are neither good nor bad.
    pub info: Style,
    /// The DEMO banner.
    pub banner: Style,
    /// Key names in the footer and help.
    pub key: Style,
    /// The empty part of a gauge.
    pub gauge_empty: Style,
    /// A text field being edited.
    pub input: Style,
}

/// The role names as written in theme files, in declaration order.
pub const ROLES: [&str; 16] = [
    "base",
    "text",
    "muted",
    "accent",
    "title",
    "border",
    "border_focus",
    "selection",
    "ok",
    "warn",
    "crit",
    "info",
    "banner",
    "key",
    "gauge_empty",
    "input",
];

impl Theme {
    pub(crate) fn role_mut(&mut self, role: &str) -> Option<&mut Style> {
        Some(match role {
            "base" => &mut self.base,
            "text" => &mut self.text,
            "muted" => &mut self.muted,
            "accent" => &mut self.accent,
            "title" => &mut self.title,
            "border" => &mut self.border,
            "border_focus" => &mut self.border_focus,
            "selection" => &mut self.selection,
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "crit" => &mut self.crit,
            "info" => &mut self.info,
            "banner" => &mut self.banner,
            "key" => &mut self.key,
            "gauge_empty" => &mut self.gauge_empty,
            "input" => &mut self.input,
            _ => return None,
        })
    }

    fn blank(name: &str) -> Theme {
        let s = Style::new();
        Theme {
            name: name.to_string(),
            base: s,
            text: s,
            muted: s,
            accent: s,
            title: s,
            border: s,
            border_focus: s,
            selection: s,
            ok: s,
            warn: s,
            crit: s,
            info: s,
            banner: s,
            key: s,
            gauge_empty: s,
            input: s,
        }
    }

    /// The embedded dark default, at full colour.
    pub fn builtin_default() -> Theme {
        // The embedded file is checked by a test; a blank theme is the only possible outcome otherwise.
        parse::parse(Path::new("<built-in>/default.toml"), BUILTIN[0].1, None)
            .unwrap_or_else(|_| Theme::blank("default"))
    }

    /// The same theme with every colour brought down to what the terminal shows.
    pub fn with_depth(mut self, depth: ColorDepth) -> Theme {
        for role in ROLES {
            if let Some(style) = self.role_mut(role) {
                *style = depth.adapt(*style);
            }
        }
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme \"{name}\" not found: looked for {searched}; built-in themes are {builtin}")]
    NotFound {
        name: String,
        searched: String,
        builtin: String,
    },
    #[error(
        "cannot read theme file {path}: {}; accepted is a UTF-8 TOML file this user can read",
        crate::config::io_reason(.source)
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("theme file {path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("theme file {path}: key `{key}`: {message}")]
    Key {
        path: PathBuf,
        key: String,
        message: String,
    },
}

/// Where user themes live: `$XDG_CONFIG_HOME/watchdesk/themes` (or `~/.config/...`).
pub fn user_theme_dir() -> Option<PathBuf> {
    crate::config::config_home().map(|d| d.join("watchdesk").join("themes"))
}

/// The theme to use: `name` from `--theme` or the config's `platform.theme` (`None` = built-in default), at the
/// colour depth the terminal allows. With no colour at all (`NO_COLOR`, `--color never`) it is always `mono`.
pub fn load(name: Option<&str>, depth: ColorDepth) -> Result<Theme, ThemeError> {
    load_from(name, depth, user_theme_dir().as_deref())
}

/// [`load`] with the user theme directory passed in.
pub fn load_from(
    name: Option<&str>,
    depth: ColorDepth,
    user_dir: Option<&Path>,
) -> Result<Theme, ThemeError> {
    // A named theme is checked even when colour is off, so a typo is found the day it is made.
    let chosen = match name {
        None => Theme::builtin_default(),
        Some(name) => find(name, user_dir)?,
    };
    if depth == ColorDepth::Mono {
        return Ok(
            parse::parse(Path::new("<built-in>/mono.toml"), BUILTIN[3].1, None)
                .unwrap_or_else(|_| Theme::blank("mono"))
                .with_depth(depth),
        );
    }
    Ok(chosen.with_depth(depth))
}

/// Whether `name` (from the config's `platform.theme`) loads, checked when the config is read so a wrong name
/// stops the program at its line, before anything starts. The `Err` says why and what is accepted.
pub fn check_name(name: &str) -> Result<(), String> {
    find(name, user_theme_dir().as_deref())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn find(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    let as_path = Path::new(name);
    if name.ends_with(".toml") || name.contains('/') {
        return parse_file(as_path);
    }
    let mut searched = Vec::new();
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{name}.toml"));
        if path.exists() {
            return parse_file(&path);
        }
        searched.push(path.display().to_string());
    }
    if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
        return parse_text(&PathBuf::from(format!("<built-in>/{name}.toml")), text);
    }
    searched.push("the built-in themes".to_string());
    Err(ThemeError::NotFound {
        name: name.to_string(),
        searched: searched.join(", "),
        builtin: builtin_names().join(", "),
    })
}

pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// Reads and parses one theme file; roles it leaves out are the built-in default's.
pub fn parse_file(path: &Path) -> Result<Theme, ThemeError> {
    let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_text(path, &text)
}

/// Parses theme text; `path` names it in errors. Roles it leaves out are the built-in default's.
pub fn parse_text(path: &Path, text: &str) -> Result<Theme, ThemeError> {
    parse::parse(path, text, Some(Theme::builtin_default()))
}

/// Parses theme text that must define every role itself (the built-in themes are held to this).
pub fn parse_complete(path: &Path, text: &str) -> Result<Theme, ThemeError> {
    parse::parse(path, text, None)
}

#[cfg(test)]
mod tests;
