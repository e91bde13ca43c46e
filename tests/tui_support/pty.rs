//! The real `watchdesk` binary in a real pseudo-terminal: everything it writes is kept raw and parsed as a
//! screen (vt100), and keys are written to it as a terminal would.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_watchdesk");
pub const USER: &str = "pty.tester";

/// The dashboard in a pseudo-terminal; everything it writes is kept raw and parsed as a screen.
pub struct Dashboard {
    pub child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    screen: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    pub reader: JoinHandle<()>,
}

impl Dashboard {
    /// `watchdesk ARGS` on a `rows`×`cols` terminal, with `home` as its home and nothing else from this
    /// environment but an English UTF-8 locale.
    pub fn spawn(home: &Path, size: (u16, u16), args: &[&OsStr]) -> Dashboard {
        let mut cmd = CommandBuilder::new(BIN);
        cmd.env_clear();
        cmd.env("HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("USER", USER);
        cmd.args(args);
        Dashboard::spawn_command(cmd, size)
    }

    /// `cmd` as given (its environment included) on a `rows`×`cols` terminal.
    pub fn spawn_command(cmd: CommandBuilder, (rows, cols): (u16, u16)) -> Dashboard {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut out = pair.master.try_clone_reader().unwrap();
        let keys = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let (screen, raw, answer) = (screen.clone(), raw.clone(), keys.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                // Ends at EOF or EIO, when the last holder of the terminal's other side has gone.
                while let Ok(n) = out.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut parsed = screen.lock().unwrap();
                    parsed.process(&buf[..n]);
                    // The terminal's answer to a cursor position query, as a real terminal gives it.
                    if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                        let (row, col) = parsed.screen().cursor_position();
                        let mut answer = answer.lock().unwrap();
                        let _ = write!(answer, "\x1b[{};{}R", row + 1, col + 1);
                        let _ = answer.flush();
                    }
                    drop(parsed);
                    raw.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        Dashboard {
            child,
            _master: pair.master,
            keys,
            screen,
            raw,
            reader,
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Polls the parsed screen until `what` holds; the screen at the deadline goes into the failure message.
    pub fn wait_for(&self, within: Duration, what: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + within;
        loop {
            let text = self.text();
            if what(&text) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                return Err(text);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn press(&mut self, bytes: &[u8]) {
        let mut keys = self.keys.lock().unwrap();
        keys.write_all(bytes).unwrap();
        keys.flush().unwrap();
    }
}

pub fn expect_screen(result: Result<String, String>, what: &str) -> String {
    match result {
        Ok(text) => text,
        Err(text) => panic!("the screen never showed {what}; it shows:\n{text}"),
    }
}

/// A countdown to the second (`14m33s`) somewhere on the line: digits, `m`, two digits, `s`.
pub fn has_countdown(line: &str) -> bool {
    let b = line.as_bytes();
    b.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1] == b'm'
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
            && w[4] == b's'
    })
}
