//! Colour values in theme files and what the terminal can show: 24-bit only when `COLORTERM` says so, else the
//! 256-colour palette (or the 16 ANSI colours), and none at all under `NO_COLOR` or `--color never`.

use std::str::FromStr;

use ratatui::style::{Color, Style};
use toml::Value;

const NAMED: [(&str, Color); 17] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
];

/// The xterm values of the 16 ANSI colours, in palette order, for bringing other colours down to them.
const ANSI16: [(Color, [u8; 3]); 16] = [
    (Color::Black, [0, 0, 0]),
    (Color::Red, [205, 0, 0]),
    (Color::Green, [0, 205, 0]),
    (Color::Yellow, [205, 205, 0]),
    (Color::Blue, [0, 0, 238]),
    (Color::Magenta, [205, 0, 205]),
    (Color::Cyan, [0, 205, 205]),
    (Color::Gray, [229, 229, 229]),
    (Color::DarkGray, [127, 127, 127]),
    (Color::LightRed, [255, 0, 0]),
    (Color::LightGreen, [0, 255, 0]),
    (Color::LightYellow, [255, 255, 0]),
    (Color::LightBlue, [92, 92, 255]),
    (Color::LightMagenta, [255, 0, 255]),
    (Color::LightCyan, [0, 255, 255]),
    (Color::White, [255, 255, 255]),
];

pub(super) fn parse_color(value: &Value) -> Result<Color, String> {
    let accepted = "accepted are \"#rrggbb\", a palette index 0-255, or one of black, red, green, yellow, \
                    blue, magenta, cyan, gray, darkgray, lightred, lightgreen, lightyellow, lightblue, \
                    lightmagenta, lightcyan, white, reset";
    match value {
        Value::Integer(i) => u8::try_from(*i)
            .map(Color::Indexed)
            .map_err(|_| format!("invalid colour {i}: {accepted}")),
        Value::String(s) => {
            let t = s.trim().to_ascii_lowercase();
            if let Some(hex) = t.strip_prefix('#') {
                let ok = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
                let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16).ok();
                return match (ok, byte(0), byte(2), byte(4)) {
                    (true, Some(r), Some(g), Some(b)) => Ok(Color::Rgb(r, g, b)),
                    _ => Err(format!("invalid colour \"{s}\": {accepted}")),
                };
            }
            if let Ok(i) = t.parse::<u8>() {
                return Ok(Color::Indexed(i));
            }
            NAMED
                .iter()
                .find(|(n, _)| *n == t.replace(['-', '_', ' '], ""))
                .map(|(_, c)| *c)
                .ok_or_else(|| format!("invalid colour \"{s}\": {accepted}"))
        }
        other => Err(format!(
            "expected a colour, found {}; {accepted}",
            other.type_str()
        )),
    }
}

/// `--color`: whether to use colour at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Colour even under `NO_COLOR`.
    Always,
    Never,
}

impl FromStr for ColorChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ColorChoice::Auto),
            "always" => Ok(ColorChoice::Always),
            "never" => Ok(ColorChoice::Never),
            other => Err(format!(
                "unknown colour mode \"{other}\": accepted are auto, always, never"
            )),
        }
    }
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
    /// No colour: the mono theme, which marks things with bold, underline and reverse video.
    Mono,
}

impl ColorDepth {
    /// From `--color` and the environment (`NO_COLOR`, `COLORTERM`, `TERM`).
    pub fn detect(choice: ColorChoice) -> ColorDepth {
        ColorDepth::detect_with(choice, |name| std::env::var(name).ok())
    }

    /// [`ColorDepth::detect`] with the environment passed in, for tests.
    pub fn detect_with(choice: ColorChoice, env: impl Fn(&str) -> Option<String>) -> ColorDepth {
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        match choice {
            ColorChoice::Never => return ColorDepth::Mono,
            ColorChoice::Auto if set("NO_COLOR").is_some() => return ColorDepth::Mono,
            _ => {}
        }
        let colorterm = set("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        let term = set("TERM").unwrap_or_default().to_ascii_lowercase();
        if term == "dumb" && choice == ColorChoice::Auto {
            ColorDepth::Mono
        } else if term.contains("256") || term.is_empty() {
            ColorDepth::Ansi256
        } else if term.starts_with("linux") || term == "vt100" || term == "ansi" || term == "xterm" {
            ColorDepth::Ansi16
        } else {
            ColorDepth::Ansi256
        }
    }

    pub fn adapt(self, style: Style) -> Style {
        let mut out = style;
        out.fg = style.fg.map(|c| self.color(c));
        out.bg = style.bg.map(|c| self.color(c));
        out.underline_color = None;
        out
    }

    pub fn color(self, color: Color) -> Color {
        match (self, color) {
            (ColorDepth::Mono, _) => Color::Reset,
            (ColorDepth::TrueColor, c) => c,
            (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(to_256([r, g, b])),
            (ColorDepth::Ansi256, c) => c,
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest16([r, g, b]),
            (ColorDepth::Ansi16, Color::Indexed(i)) => nearest16(index_rgb(i)),
            (ColorDepth::Ansi16, c) => c,
        }
    }
}

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn dist(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (i32::from(*x) - i32::from(y)).unsigned_abs().pow(2))
        .sum()
}

/// The nearest entry of the xterm 6×6×6 cube or grey ramp.
fn to_256(rgb: [u8; 3]) -> u8 {
    let level = |v: u8| {
        (0..6)
            .min_by_key(|i| (i32::from(CUBE[*i]) - i32::from(v)).unsigned_abs())
            .unwrap_or(0)
    };
    let (r, g, b) = (level(rgb[0]), level(rgb[1]), level(rgb[2]));
    let cube = [CUBE[r], CUBE[g], CUBE[b]];
    let cube_index = 16 + 36 * r as u8 + 6 * g as u8 + b as u8;
    let avg = (u32::from(rgb[0]) + u32::from(rgb[1]) + u32::from(rgb[2])) / 3;
    let grey_step = (avg.saturating_sub(8) / 10).min(23) as u8;
    let grey = 8 + 10 * grey_step;
    if dist([grey; 3], rgb) < dist(cube, rgb) {
        232 + grey_step
    } else {
        cube_index
    }
}

fn index_rgb(i: u8) -> [u8; 3] {
    match i {
        0..=15 => ANSI16[i as usize].1,
        16..=231 => {
            let n = i - 16;
            [
                CUBE[(n / 36) as usize],
                CUBE[((n / 6) % 6) as usize],
                CUBE[(n % 6) as usize],
            ]
        }
        _ => [8 + 10 * (i - 232); 3],
    }
}

fn nearest16(rgb: [u8; 3]) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, v)| dist(*v, rgb))
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_bad_ones_say_what_is_accepted() {
        assert_eq!(
            parse_color(&Value::String("#ff8000".into())),
            Ok(Color::Rgb(255, 128, 0))
        );
        assert_eq!(
            parse_color(&Value::String("LightRed".into())),
            Ok(Color::LightRed)
        );
        assert_eq!(parse_color(&Value::Integer(208)), Ok(Color::Indexed(208)));
        let err = parse_color(&Value::String("#ff80".into())).unwrap_err();
        assert!(err.contains("#rrggbb"), "{err}");
        assert!(parse_color(&Value::Integer(300)).is_err());
    }

    #[test]
    fn depth_follows_no_color_colorterm_and_term() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string())
        };
        let d = ColorDepth::detect_with;
        assert_eq!(d(ColorChoice::Auto, env(&[("NO_COLOR", "1")])), ColorDepth::Mono);
        assert_eq!(
            d(
                ColorChoice::Always,
                env(&[("NO_COLOR", "1"), ("TERM", "xterm-256color")])
            ),
            ColorDepth::Ansi256
        );
        assert_eq!(
            d(ColorChoice::Never, env(&[("COLORTERM", "truecolor")])),
            ColorDepth::Mono
        );
        assert_eq!(
            d(ColorChoice::Auto, env(&[("COLORTERM", "24bit")])),
            ColorDepth::TrueColor
        );
        assert_eq!(
            d(ColorChoice::Auto, env(&[("TERM", "xterm-256color")])),
            ColorDepth::Ansi256
        );
        assert_eq!(
            d(ColorChoice::Auto, env(&[("TERM", "linux")])),
            ColorDepth::Ansi16
        );
    }

    #[test]
    fn colours_come_down_to_the_palette() {
        assert_eq!(
            ColorDepth::Ansi256.color(Color::Rgb(255, 0, 0)),
            Color::Indexed(196)
        );
        assert_eq!(
            ColorDepth::Ansi256.color(Color::Rgb(128, 128, 128)),
            Color::Indexed(244)
        );
        assert_eq!(ColorDepth::Ansi16.color(Color::Rgb(250, 250, 250)), Color::White);
        assert_eq!(ColorDepth::Ansi16.color(Color::Indexed(196)), Color::LightRed);
        assert_eq!(ColorDepth::Mono.color(Color::Red), Color::Reset);
    }
}
