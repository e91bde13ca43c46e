use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use crate::config::{ChannelSpec, Config, EventKind, SmtpSecurity};
use crate::policy::Severity;

/// Something to watch (a config with nothing is refused), then the text under test from line 4.
const WATCH: &str = "[[host]]\nname = \"local\"\nsource = \"local\"\n";

fn parse(text: &str) -> Result<Config, String> {
    let text = format!("{WATCH}{text}");
    Config::parse(Path::new("c.toml"), &text).map_err(|e| {
        let loc = e.located().cloned().unwrap();
        format!("{}:{}: {}", loc.line, loc.column, loc.message)
    })
}

#[test]
fn the_short_form_lists_channels_with_their_own_filters() {
    let config = parse(
        r#"
[[notify]]
name = "oncall"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
events = ["opened", "late"]
min_severity = "major"
per_minute = 5
"#,
    )
    .unwrap();
    let c = &config.notify.channels[0];
    assert_eq!(c.name, "oncall");
    assert_eq!(c.events, Some(vec![EventKind::Opened, EventKind::Late]));
    assert_eq!(c.min_severity, Severity::Major);
    assert_eq!(c.per_minute, 5);
    assert!(!config.notify.bell);
    // Defaults of the rules: 5 minutes before respond, 30 before plan and recover; renotify every 5 minutes.
    let rules = &config.notify.rules;
    assert_eq!(rules.leads.respond, vec![Duration::from_secs(300)]);
    assert_eq!(rules.leads.plan, vec![Duration::from_secs(1800)]);
    assert_eq!(rules.renotify_every, Some(Duration::from_secs(300)));
    assert!(
        !rules.rule(EventKind::Escalate).enabled,
        "no escalation without channels"
    );
}

#[test]
fn the_full_form_has_rules_and_settings() {
    // SAFETY: the test sets a variable no other test reads.
    unsafe { std::env::set_var("WD_TEST_FULL_FORM_KEY", "k-123") };
    let config = parse(
        r#"
[notify]
bell = true
[[notify.channel]]
name = "wecom"
kind = "wecom"
url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
token_env = "WD_TEST_FULL_FORM_KEY"
[[notify.channel]]
name = "mail"
kind = "email"
host = "127.0.0.1"
security = "none"
from = "watchdesk <oncall@example.invalid>"
to = ["lead@example.invalid"]
[notify.rules]
due_soon = { respond = ["10m", "2m"] }
escalate = { after = "20m", channels = ["mail"] }
daily_missing = { hour = 20 }
digest = { window = "5s" }
"#,
    )
    .unwrap();
    assert!(config.notify.bell);
    match &config.notify.channels[0].spec {
        ChannelSpec::WeCom { key, .. } => assert_eq!(key.as_ref().map(|k| k.expose()), Some("k-123")),
        other => panic!("{other:?}"),
    }
    match &config.notify.channels[1].spec {
        ChannelSpec::Email { port, security, .. } => assert_eq!((*port, *security), (25, SmtpSecurity::None)),
        other => panic!("{other:?}"),
    }
    let rules = &config.notify.rules;
    assert_eq!(
        rules.leads.respond,
        vec![Duration::from_secs(600), Duration::from_secs(120)]
    );
    assert_eq!(rules.escalate_after, Some(Duration::from_secs(1200)));
    assert!(rules.rule(EventKind::Escalate).enabled);
    assert_eq!(rules.daily_missing_hour, 20);
    assert_eq!(rules.digest_window, Duration::from_secs(5));
    // The secret never prints.
    let shown = format!("{config:?}");
    assert!(!shown.contains("k-123"), "{shown}");
}

#[test]
fn a_secret_written_in_the_file_is_refused_with_where_it_belongs() {
    let err = parse("[[notify]]\nname = \"d\"\nkind = \"dingtalk\"\nurl = \"https://oapi.dingtalk.com/robot/send\"\nsecret = \"SEC123\"\n")
        .unwrap_err();
    assert!(err.starts_with("8:"), "{err}");
    assert!(err.contains("secret_env or secret_file"), "{err}");
    assert!(!err.contains("SEC123"), "{err}");
    // Nor in the line quoted under the message.
    let shown = Config::parse(
        Path::new("c.toml"),
        &format!("{WATCH}[[notify]]\nname = \"d\"\nkind = \"webhook\"\nurl = \"https://x.invalid/\"\ntoken = \"tok-9c1f\"\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        shown.contains("token = \"***\"") && !shown.contains("tok-9c1f"),
        "{shown}"
    );
}

#[test]
fn a_missing_variable_leaves_the_channel_unable_and_a_readable_secret_file_is_an_error() {
    // A variable this process does not have: the channel cannot send from here, and says why.
    let config = parse("[[notify]]\nname = \"d\"\nkind = \"dingtalk\"\nurl = \"https://x.invalid/\"\nsecret_env = \"WD_TEST_NOT_SET_ANYWHERE\"\n")
        .unwrap();
    let why = config.notify.channels[0].unavailable.clone().unwrap();
    assert!(
        why.contains("WD_TEST_NOT_SET_ANYWHERE") && why.contains("not set"),
        "{why}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "SEC-FILE-VALUE\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = format!(
        "[[notify]]\nname = \"d\"\nkind = \"dingtalk\"\nurl = \"https://x.invalid/\"\nsecret_file = \"{}\"\n",
        file.display()
    );
    let err = parse(&text).unwrap_err();
    assert!(err.contains("mode 0644") && err.contains("chmod 600"), "{err}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = parse(&text).unwrap();
    match &config.notify.channels[0].spec {
        ChannelSpec::DingTalk { secret, .. } => {
            assert_eq!(secret.as_ref().map(|s| s.expose()), Some("SEC-FILE-VALUE"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_names_say_what_is_accepted() {
    let err = parse(
        "[[notify]]\nname = \"d\"\nkind = \"webhook\"\nurl = \"http://x.invalid/\"\nevents = [\"opend\"]\n",
    )
    .unwrap_err();
    assert!(err.starts_with("8:"), "{err}");
    assert!(
        err.contains("unknown event \"opend\"") && err.contains("opened, due_soon"),
        "{err}"
    );

    let err = parse(
        "[notify]\n[[notify.channel]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"http://x.invalid/\"\n[notify.rules]\nlate = { channels = [\"b\"] }\n",
    )
    .unwrap_err();
    assert!(
        err.contains("unknown channel \"b\"") && err.contains("\"a\""),
        "{err}"
    );

    let err = parse("[notify.rules]\nlate = { every = \"5m\" }\n").unwrap_err();
    assert!(err.contains("rule \"late\" has no field `every`"), "{err}");

    let err = parse("[notify.rules]\nsoon = {}\n").unwrap_err();
    assert!(err.contains("unknown rule \"soon\""), "{err}");

    let err = parse("[[notify]]\nname = \"m\"\nkind = \"email\"\nhost = \"h\"\nfrom = \"not an address\"\nto = [\"a@b.c\"]\n")
        .unwrap_err();
    assert!(err.contains("invalid mail address"), "{err}");

    let err = parse("[[notify]]\nname = \"w\"\nkind = \"sms\"\n").unwrap_err();
    assert!(err.contains("sms"), "{err}");
}

#[test]
fn duplicate_channels_and_a_zero_rate_are_refused() {
    let one = "[[notify]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"http://x.invalid/\"\n";
    let err = parse(&format!("{one}{one}")).unwrap_err();
    assert!(err.contains("duplicate channel name \"a\""), "{err}");
    let err = parse(&format!("{one}per_minute = 0\n")).unwrap_err();
    assert!(err.contains("per_minute must be at least 1"), "{err}");
}

#[test]
fn rules_written_after_short_form_channels_are_the_sections() {
    let config = parse(
        r#"
[[notify]]
name = "a"
kind = "webhook"
url = "http://127.0.0.1:9/a"
[[notify]]
name = "b"
kind = "webhook"
url = "http://127.0.0.1:9/b"
[notify.rules]
late = { channels = ["a"] }
renotify = { every = "10m" }
"#,
    )
    .unwrap();
    assert_eq!(config.notify.channels.len(), 2);
    assert_eq!(
        config.notify.rules.rule(EventKind::Late).channels,
        Some(vec!["a".to_string()])
    );
    assert_eq!(config.notify.rules.renotify_every, Some(Duration::from_secs(600)));
}

#[test]
fn a_secret_file_that_is_a_directory_or_not_text_is_refused_and_a_missing_one_leaves_the_channel_unable() {
    let dir = tempfile::tempdir().unwrap();
    let channel = |file: &Path| {
        format!(
            "[[notify]]\nname = \"d\"\nkind = \"dingtalk\"\nurl = \"https://x.invalid/\"\nsecret_file = \"{}\"\n",
            file.display()
        )
    };

    let folder = dir.path().join("secrets");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700)).unwrap();
    let err = parse(&channel(&folder)).unwrap_err();
    assert!(
        err.starts_with("8:") && err.contains("is a directory") && err.contains("accepted is a file"),
        "{err}"
    );

    let binary = dir.path().join("secret.bin");
    std::fs::write(&binary, b"\xff\xfe\x00key").unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o600)).unwrap();
    let err = parse(&channel(&binary)).unwrap_err();
    assert!(
        err.contains("is not UTF-8 text") && err.contains("accepted is a file"),
        "{err}"
    );

    let config = parse(&channel(&dir.path().join("nowhere"))).unwrap();
    let why = config.notify.channels[0].unavailable.clone().unwrap();
    assert!(why.contains("no such file") && !why.contains("os error"), "{why}");
}
