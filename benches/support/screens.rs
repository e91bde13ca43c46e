//! What a full-screen program showed, and when: its output, as read from the terminal with the moment of each
//! read, replayed into a terminal emulator (vt100) of the terminal's size. The screen is judged after each
//! read, so a moment found here is the moment of the read that completed the screen.
#![allow(dead_code)]

use std::num::NonZeroU16;
use std::path::Path;
use std::time::{Duration, Instant};

/// Every read from the terminal with the moment it came.
pub type Log = [(Instant, Vec<u8>)];

fn parser(cols: u16, rows: u16) -> vt100::Parser {
    vt100::Parser::new(
        NonZeroU16::new(rows).expect("rows"),
        NonZeroU16::new(cols).expect("cols"),
        0,
    )
}

/// Cells that show a character (not blank, not a space).
pub fn filled_cells(screen: &vt100::Screen) -> usize {
    let (rows, cols) = screen.size();
    (0..rows.get())
        .flat_map(|row| (0..cols.get()).map(move |col| (row, col)))
        .filter(|&(row, col)| {
            screen
                .cell(row, col)
                .is_some_and(|cell| !cell.contents().trim().is_empty())
        })
        .count()
}

/// The moment of the first read after which `shows` holds for the screen.
pub fn first_showing(
    log: &Log,
    (cols, rows): (u16, u16),
    shows: impl Fn(&vt100::Screen) -> bool,
) -> Option<Instant> {
    let mut parser = parser(cols, rows);
    log.iter().find_map(|(at, bytes)| {
        parser.process(bytes);
        shows(parser.screen()).then_some(*at)
    })
}

/// The moment of the first read after which the screen holds at least `cells` filled cells and its text does
/// not change for `quiet` (no later read within `quiet` changes it; `until`, when the log was taken, counts as
/// the end of the quiet).
pub fn first_still(
    log: &Log,
    (cols, rows): (u16, u16),
    cells: usize,
    quiet: Duration,
    until: Instant,
) -> Option<Instant> {
    let mut parser = parser(cols, rows);
    let mut text = String::new();
    let mut candidate: Option<Instant> = None;
    for (at, bytes) in log {
        parser.process(bytes);
        let now = parser.screen().contents();
        if now == text {
            continue;
        }
        if let Some(since) = candidate
            && *at - since >= quiet
        {
            return Some(since);
        }
        candidate = (filled_cells(parser.screen()) >= cells).then_some(*at);
        text = now;
    }
    candidate.filter(|since| until.saturating_duration_since(*since) >= quiet)
}

/// Writes each distinct screen of the log to `dir` as `MS.txt` (milliseconds from `since`), with its count of
/// filled cells on the first line, and the bytes as read to `output`.
pub fn write_screens(log: &Log, (cols, rows): (u16, u16), since: Instant, dir: &Path) {
    std::fs::create_dir_all(dir).expect("screens directory");
    let output: Vec<u8> = log.iter().flat_map(|(_, bytes)| bytes.iter().copied()).collect();
    std::fs::write(dir.join("output"), output).expect("output file");
    let mut parser = parser(cols, rows);
    let mut text = String::new();
    for (at, bytes) in log {
        parser.process(bytes);
        let now = parser.screen().contents();
        if now != text {
            let ms = at.saturating_duration_since(since).as_secs_f64() * 1e3;
            let head = format!("{ms:.1} ms, {} filled cells\n", filled_cells(parser.screen()));
            std::fs::write(dir.join(format!("{ms:07.1}.txt")), head + &now).expect("screen file");
            text = now;
        }
    }
}

/// The screen's text after the first read at or after `at`.
pub fn screen_at(log: &Log, (cols, rows): (u16, u16), at: Instant) -> String {
    let mut parser = parser(cols, rows);
    for (when, bytes) in log {
        parser.process(bytes);
        if *when >= at {
            break;
        }
    }
    parser.screen().contents()
}
