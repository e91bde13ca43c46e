//! The command line describes itself: every argument has a help line, the `--help` of every subcommand lists
//! the accepted values of its enumerated arguments, and the shell completions and the manual page are generated
//! from the same definition (the completions parse in their shells, the manual renders with `man`).

use std::path::Path;
use std::process::{Command as Process, Output};

use clap::{CommandFactory, Parser};
use watchdesk::cli::Cli;

fn watchdesk(args: &[&str]) -> Output {
    let out = Process::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", "/nonexistent")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Every command with its path of subcommand names (`[]` for the top, `["incident", "open"]`, ...).
fn commands() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(path: Vec<String>, cmd: clap::Command, out: &mut Vec<(Vec<String>, clap::Command)>) {
        // `help` (clap's own) takes command names, not options.
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(p, sub.clone(), out);
        }
        out.push((path, cmd));
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(Vec::new(), cmd, &mut out);
    out
}

#[test]
fn every_argument_has_a_help_line() {
    let mut missing = Vec::new();
    for (path, cmd) in commands() {
        for arg in cmd.get_arguments() {
            let builtin = matches!(arg.get_id().as_str(), "help" | "version");
            if !builtin && !arg.is_hide_set() && arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("watchdesk {} {}", path.join(" "), arg.get_id()));
            }
        }
        if !path.is_empty() && cmd.get_about().is_none() {
            missing.push(format!("watchdesk {} (no description)", path.join(" ")));
        }
    }
    assert!(missing.is_empty(), "arguments without help: {missing:#?}");
}

#[test]
fn help_of_every_subcommand_lists_the_values_of_its_enumerated_arguments() {
    let mut checked = 0;
    for (path, cmd) in commands() {
        let enumerated: Vec<(String, Vec<String>)> = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_hide_possible_values_set())
            .map(|a| {
                let values = a
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .collect();
                (a.get_id().to_string(), values)
            })
            .filter(|(_, values): &(String, Vec<String>)| !values.is_empty())
            .collect();
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = stdout(&watchdesk(&args));
        for (arg, values) in &enumerated {
            for value in values {
                assert!(
                    help.contains(value.as_str()),
                    "`watchdesk {}` does not list {value} for {arg}:\n{help}",
                    args.join(" ")
                );
                checked += 1;
            }
        }
    }
    // The known enumerations, so the walk above cannot pass by finding none.
    for (args, values) in [
        (
            &["incident", "open", "--help"][..],
            &["fault", "change", "support", "security", "critical", "minor"][..],
        ),
        (
            &["incident", "reclassify", "--help"],
            &["critical", "major", "minor"],
        ),
        (
            &["report", "quarterly", "--help"],
            &["md", "json", "csv", "docx", "html"],
        ),
        (&["report", "handover", "--help"], &["md", "json", "docx"]),
        (
            &["score", "set", "--help"],
            &["personnel", "tasks", "complaints", "notices"],
        ),
        (&["daily", "save", "--help"], &["yes", "no"]),
        (
            &["--help"],
            &["zh", "en", "auto", "always", "never", "high-contrast", "journald"],
        ),
        (&["completions", "--help"], &["bash", "zsh", "fish"]),
    ] {
        let help = stdout(&watchdesk(args));
        for value in values {
            assert!(help.contains(value), "{args:?} lists {value}:\n{help}");
        }
    }
    assert!(checked > 100, "only {checked} values checked");
}

#[test]
fn a_value_outside_the_list_is_refused_with_what_is_accepted() {
    let out = Process::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .args([
            "incident",
            "open",
            "--kind",
            "outage",
            "--severity",
            "minor",
            "--title",
            "t",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown kind \"outage\": accepted are fault, change, support, security"),
        "{err}"
    );
    // Any case is accepted, as before.
    let help_ok = Cli::try_parse_from(["watchdesk", "--color", "NEVER", "--lang", "ZH", "check"]);
    assert!(help_ok.is_ok(), "{help_ok:?}");
}

#[test]
fn config_and_data_dir_come_from_the_environment() {
    let from_env = |name: &str| {
        Process::new(env!("CARGO_BIN_EXE_watchdesk"))
            .env_clear()
            .env(name, "/nonexistent/watchdesk-env.toml")
            .args(["config", "check"])
            .output()
            .unwrap()
    };
    let out = from_env("WATCHDESK_CONFIG");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/nonexistent/watchdesk-env.toml"), "{err}");
    let help = stdout(&watchdesk(&["--help"]));
    assert!(help.contains("[env: WATCHDESK_CONFIG]"), "{help}");
    assert!(help.contains("[env: WATCHDESK_DATA]"), "{help}");
    assert!(help.contains("[env: RUST_LOG]"), "{help}");
}

fn which(tool: &str) -> bool {
    Process::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn completions_generate_for_bash_zsh_and_fish_and_parse_in_their_shells() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, check) in [
        ("bash", &["bash", "-n"][..]),
        ("zsh", &["zsh", "-n"]),
        ("fish", &["fish", "--no-execute"]),
    ] {
        let script = stdout(&watchdesk(&["completions", shell]));
        // The commands, and the values of an enumerated option, are in every script.
        for word in [
            "incident",
            "reclassify",
            "quarterly",
            "critical",
            "security",
            "log-format",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
        let path = dir.path().join(format!("watchdesk.{shell}"));
        std::fs::write(&path, &script).unwrap();
        if !which(check[0]) {
            println!(
                "SKIPPED: {} not installed: the {shell} completion is generated but not parsed",
                check[0]
            );
            continue;
        }
        let parsed = Process::new(check[0])
            .args(&check[1..])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            parsed.status.success(),
            "{shell} does not parse its completion: {}",
            String::from_utf8_lossy(&parsed.stderr)
        );
    }
    let bad = Process::new(env!("CARGO_BIN_EXE_watchdesk"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bash"));
}

/// `man -l` renders a page to plain text (no pager, fixed width).
fn render(page: &Path) -> Option<String> {
    if !which("man") {
        return None;
    }
    let out = Process::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "120")
        .env("MAN_KEEP_FORMATTING", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "man -l {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    // Strip any overstrike bold/underline that a man without -T ascii may leave.
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    Some(plain)
}

#[test]
fn the_manual_pages_render() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("watchdesk.1");
    std::fs::write(&main, watchdesk(&["man"]).stdout).unwrap();
    let pages = dir.path().join("pages");
    let said = stdout(&watchdesk(&["man", "--out-dir", pages.to_str().unwrap()]));
    assert!(said.contains("manual pages written"), "{said}");
    let open = pages.join("watchdesk-incident-open.1");
    assert!(open.is_file(), "a page per subcommand");
    assert!(
        pages.join("watchdesk.1").is_file(),
        "and one for watchdesk itself"
    );
    let roff = std::fs::read_to_string(&main).unwrap();
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH watchdesk 1"),
        "{roff}"
    );

    let Some(text) = render(&main) else {
        println!("SKIPPED: man not installed: the manual pages are generated but not rendered");
        return;
    };
    for word in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "SUBCOMMANDS",
        "--data-dir",
        "WATCHDESK_DATA",
        "EXIT STATUS",
        "WATCHDESK_AUDIT_KEY",
        "JOURNAL_STREAM",
        "SEE ALSO",
        "incident",
        "serve",
    ] {
        assert!(text.contains(word), "watchdesk(1) lacks {word}:\n{text}");
    }
    assert!(
        !text.contains("BRUST_LOGR"),
        "font escapes are roff's, not text:\n{text}"
    );
    let text = render(&open).unwrap();
    for word in ["--severity", "critical", "major", "minor", "security"] {
        assert!(
            text.contains(word),
            "watchdesk-incident-open(1) lacks {word}:\n{text}"
        );
    }
}
