//! The help: every key from the keymap and a legend of the symbols and colours.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::Ctx;
use super::widgets::panel;
use crate::tui::keymap::{KEYMAP, Key};
use crate::tui::text::{fit, width};

pub fn key_name(k: &Key) -> String {
    let base = match k.code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if k.ctrl { format!("Ctrl-{base}") } else { base }
}

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx) {
    let (t, theme) = (cx.t, cx.theme);
    // Bindings that share a description are listed on one line.
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    for b in KEYMAP {
        let desc = (b.help)(t);
        let keys = b.keys.iter().map(key_name).collect::<Vec<_>>().join(" ");
        match rows.last_mut() {
            Some((k, d)) if *d == desc => {
                k.push(' ');
                k.push_str(&keys);
            }
            _ => rows.push((keys, desc)),
        }
    }
    let key_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(8) + 2;
    let mut lines = vec![Line::styled(t.help_keys, theme.accent)];
    for (keys, desc) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", fit(&keys, key_w)), theme.key),
            Span::styled(desc, theme.text),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(t.help_legend, theme.accent));
    for l in t.help_legend_lines {
        lines.push(Line::styled(format!("  {l}"), theme.text));
    }
    let w = area.width.saturating_sub(4).min(100);
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, popup);
    frame.buffer_mut().set_style(popup, theme.base);
    let block = panel(cx, t.help.to_string(), true);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block),
        popup,
    );
}
