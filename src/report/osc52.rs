//! Copying a report to the engineer's own clipboard over SSH: the OSC 52 escape sequence asks the terminal
//! emulator (not the server) to set its clipboard. Inside tmux the sequence must be wrapped in tmux's DCS
//! passthrough, with every ESC of the inner sequence doubled, or tmux swallows it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `ESC ] 52 ; c ; <base64> BEL`, wrapped for tmux when `tmux` is true.
pub fn sequence(text: &str, tmux: bool) -> String {
    let inner = format!("\x1b]52;c;{}\x07", STANDARD.encode(text.as_bytes()));
    if tmux {
        format!("\x1bPtmux;{}\x1b\\", inner.replace('\x1b', "\x1b\x1b"))
    } else {
        inner
    }
}

/// The sequence for the terminal this process runs in: tmux passthrough when `$TMUX` is set.
pub fn for_environment(text: &str) -> String {
    let tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    sequence(text, tmux)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_sequence_carries_the_text_in_base64() {
        assert_eq!(sequence("hello", false), "\x1b]52;c;aGVsbG8=\x07");
        // UTF-8 text (the reports are Chinese) is encoded byte for byte.
        assert_eq!(sequence("交接", false), "\x1b]52;c;5Lqk5o6l\x07");
    }

    #[test]
    fn tmux_passthrough_wraps_and_doubles_the_escape() {
        assert_eq!(
            sequence("hello", true),
            "\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x07\x1b\\"
        );
    }
}
