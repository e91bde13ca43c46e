//! Cutting and padding by display width: subsystem names are Chinese and two columns wide per character, so
//! byte or char counts would break every column.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of `s` after control characters are shown as spaces.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Width of one character on screen; control characters count as the one space they are drawn as.
pub fn char_width(c: char) -> usize {
    if c.is_control() { 1 } else { c.width().unwrap_or(0) }
}

/// `s` cut to at most `max` columns, ending in `…` when something was cut; control characters become spaces.
pub fn cut(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let clean = s.chars().map(|c| if c.is_control() { ' ' } else { c });
    if width(s) <= max {
        return clean.collect();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` cut and padded with spaces to exactly `w` columns.
pub fn fit(s: &str, w: usize) -> String {
    let mut out = cut(s, w);
    let used = out.width();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
    out
}

/// `s` cut and padded on the left to exactly `w` columns (numbers).
pub fn fit_right(s: &str, w: usize) -> String {
    let out = cut(s, w);
    let pad = w.saturating_sub(out.width());
    let mut padded = " ".repeat(pad);
    padded.push_str(&out);
    padded
}

/// The first line of possibly multi-line text, for one-line summaries.
/// `s` broken into lines of at most `w` columns (by display width, never inside a character), at most `max`
/// lines, the last one cut with `…` when there is more.
pub fn wrap(s: &str, w: usize, max: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0;
    if w == 0 || max == 0 {
        return Vec::new();
    }
    for c in s.chars() {
        let cw = char_width(c);
        if used + cw > w {
            lines.push(String::new());
            used = 0;
        }
        if let Some(last) = lines.last_mut() {
            last.push(c);
        }
        used += cw;
    }
    if lines.len() > max {
        let rest: String = lines[max - 1..].concat();
        lines.truncate(max - 1);
        lines.push(cut(&rest, w));
    }
    lines
}

pub fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_counts_columns_and_marks_what_is_left_out() {
        assert_eq!(
            wrap("connect timeout after 5s", 10, 3),
            ["connect ti", "meout afte", "r 5s"]
        );
        assert_eq!(wrap("数据库连接失败", 5, 3), ["数据", "库连", "接失…"]);
        assert!(wrap("abc", 0, 2).is_empty());
    }

    #[test]
    fn cuts_and_pads_by_display_width() {
        assert_eq!(width("系统管理"), 8);
        assert_eq!(cut("系统管理子系统", 7), "系统管…");
        assert_eq!(fit("系统管理子系统", 8), "系统管… ");
        assert_eq!(width(&fit("系统管理子系统", 8)), 8);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit_right("42%", 5), "  42%");
        assert_eq!(cut("abc", 0), "");
        assert_eq!(cut("a\nb", 5), "a b");
        assert_eq!(cut("系统", 1), "…");
    }
}
