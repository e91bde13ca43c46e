use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::config::{AlertRoute, Config, DEFAULT_MAX_BODY, MatchOp, Matcher};
use crate::policy::{Kind, Severity};

/// Two subsystems to route to, then the text under test from line 8.
const WATCH: &str = "[[subsystem]]\nid = \"digital\"\nname = \"d\"\n[[subsystem]]\nid = \"sysadmin\"\nname = \"s\"\n\
                     [[host]]\nname = \"local\"\nsource = \"local\"\n";

fn parse(text: &str) -> Result<Config, String> {
    let text = format!("{WATCH}{text}");
    Config::parse(Path::new("c.toml"), &text).map_err(|e| {
        let loc = e.located().cloned().unwrap();
        format!("{}:{}: {}", loc.line, loc.column, loc.message)
    })
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn without_http_the_listener_is_off_and_alerts_take_the_fallback() {
    let config = parse("").unwrap();
    assert!(config.http.is_none());
    assert!(config.alert_routes.is_empty());
    let picked = AlertRoute::pick(&config.alert_routes, &labels(&[("severity", "critical")]));
    assert_eq!(picked, AlertRoute::fallback());
    assert_eq!(
        (picked.kind, picked.severity, picked.subsystem),
        (Kind::Fault, Severity::Major, None)
    );
}

#[test]
fn http_reads_its_tokens_from_the_environment_and_private_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("metrics.token");
    std::fs::write(&file, "m-secret\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // SAFETY: only this test reads or writes this variable.
    unsafe { std::env::set_var("WATCHDESK_TEST_HTTP_TOKEN_A", " t-secret ") };
    let config = parse(&format!(
        "[http]\nlisten = \"127.0.0.1:9464\"\ntoken_env = \"WATCHDESK_TEST_HTTP_TOKEN_A\"\n\
         metrics_token_file = \"{}\"\nmax_body = \"64KiB\"\n",
        file.display()
    ))
    .unwrap();
    let http = config.http.unwrap();
    assert_eq!(http.listen.to_string(), "127.0.0.1:9464");
    assert_eq!(http.token.unwrap().expose(), "t-secret");
    assert_eq!(http.metrics_token.unwrap().expose(), "m-secret");
    assert_eq!(http.max_body, 64 * 1024);
    assert_eq!(http.unavailable, None);

    let minimal = parse("[http]\nlisten = \"[::1]:9464\"\n").unwrap().http.unwrap();
    assert!(minimal.token.is_none() && minimal.metrics_token.is_none());
    assert_eq!(minimal.max_body, DEFAULT_MAX_BODY);
}

#[test]
fn bad_http_settings_point_at_the_line_and_say_what_is_accepted() {
    let err = parse("[http]\nlisten = \"localhost\"\n").unwrap_err();
    assert!(
        err.starts_with("11:10: invalid listen address \"localhost\""),
        "{err}"
    );
    assert!(err.contains("\"127.0.0.1:9464\""), "{err}");

    let err = parse("[http]\ntoken_env = \"X\"\n").unwrap_err();
    assert!(err.starts_with("10:1: [http] needs listen"), "{err}");

    let err = parse("[http]\nlisten = \"127.0.0.1:1\"\ntoken = \"hunter2\"\n").unwrap_err();
    assert!(err.starts_with("12:9: [http]: secrets are not accepted"), "{err}");
    let shown = Config::parse(
        Path::new("c.toml"),
        &format!("{WATCH}[http]\nlisten = \"127.0.0.1:1\"\ntoken = \"hunter2\"\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        shown.contains("token = \"***\"") && !shown.contains("hunter2"),
        "{shown}"
    );

    let err = parse("[http]\nlisten = \"127.0.0.1:1\"\nmax_body = \"10B\"\n").unwrap_err();
    assert!(err.contains("accepted is 1KiB to 64MiB"), "{err}");

    let err = parse("[http]\nlisten = \"127.0.0.1:1\"\nport = 3\n").unwrap_err();
    assert!(err.starts_with("12:1: unknown field `port`"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let open = dir.path().join("open.token");
    std::fs::write(&open, "x").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = parse(&format!(
        "[http]\nlisten = \"127.0.0.1:1\"\ntoken_file = \"{}\"\n",
        open.display()
    ))
    .unwrap_err();
    assert!(
        err.contains("[http]: token_file") && err.contains("chmod 600"),
        "{err}"
    );
}

#[test]
fn a_token_this_process_cannot_read_is_named_not_fatal_to_other_commands() {
    let config =
        parse("[http]\nlisten = \"127.0.0.1:1\"\ntoken_env = \"WATCHDESK_TEST_HTTP_TOKEN_UNSET\"\n").unwrap();
    let http = config.http.unwrap();
    assert!(http.token.is_none());
    let why = http.unavailable.unwrap();
    assert!(why.contains("WATCHDESK_TEST_HTTP_TOKEN_UNSET"), "{why}");
}

#[test]
fn routes_match_labels_in_order_and_the_first_wins() {
    let config = parse(
        r#"
[[alert_route]]
matchers = ['severity="critical"', 'service=~"db|api"']
subsystem = "digital"
severity = "critical"

[[alert_route]]
matchers = ['team!="ops"']
subsystem = "sysadmin"
kind = "support"
severity = "minor"
"#,
    )
    .unwrap();
    let routes = &config.alert_routes;
    assert_eq!(routes.len(), 2);
    let critical_db = AlertRoute::pick(routes, &labels(&[("severity", "critical"), ("service", "db")]));
    assert_eq!(critical_db.subsystem.as_deref(), Some("digital"));
    assert_eq!(
        (critical_db.kind, critical_db.severity),
        (Kind::Fault, Severity::Critical)
    );
    // The regex matches the whole value, as in Alertmanager.
    let dbx = AlertRoute::pick(routes, &labels(&[("severity", "critical"), ("service", "dbx")]));
    assert_eq!(dbx.subsystem.as_deref(), Some("sysadmin"));
    assert_eq!((dbx.kind, dbx.severity), (Kind::Support, Severity::Minor));
    // An absent label is the empty string: team!="ops" matches it.
    let ops = AlertRoute::pick(routes, &labels(&[("team", "ops")]));
    assert_eq!(ops, AlertRoute::fallback());
}

#[test]
fn matchers_parse_as_alertmanager_writes_them() {
    let m = Matcher::parse(r#"alertname!~"Watchdog|Info.*""#).unwrap();
    assert_eq!(
        (m.label.as_str(), m.op, m.value.as_str()),
        ("alertname", MatchOp::NotRegex, "Watchdog|Info.*")
    );
    assert!(!m.matches(&labels(&[("alertname", "InfoInhibitor")])));
    assert!(m.matches(&labels(&[("alertname", "DiskFull")])));
    let bare = Matcher::parse("env=prod").unwrap();
    assert!(bare.matches(&labels(&[("env", "prod")])));
    for bad in ["severity", "=\"x\"", "9x=\"y\"", "a=\"b", "a=~\"(\""] {
        let err = Matcher::parse(bad).unwrap_err();
        assert!(err.contains("accepted are name=\"value\""), "{bad}: {err}");
    }
}

#[test]
fn bad_routes_point_at_the_value() {
    let err = parse("[[alert_route]]\nmatchers = ['severity']\n").unwrap_err();
    assert!(err.starts_with("11:13: invalid matcher 'severity'"), "{err}");
    let err = parse("[[alert_route]]\nsubsystem = \"nope\"\n").unwrap_err();
    assert!(err.starts_with("11:13: unknown subsystem \"nope\""), "{err}");
    assert!(err.contains("\"digital\", \"sysadmin\""), "{err}");
    let err = parse("[[alert_route]]\nkind = \"outage\"\n").unwrap_err();
    assert!(
        err.contains("unknown kind \"outage\": accepted are fault"),
        "{err}"
    );
    let err = parse("[[alert_route]]\nseverity = \"urgent\"\n").unwrap_err();
    assert!(err.starts_with("11:12:"), "{err}");
}

#[test]
fn the_templates_commented_example_parses_once_uncommented() {
    let template = crate::config::TEMPLATE;
    let at = template.find("# [http]").unwrap();
    let example: String = template[at..]
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with('[') || l.contains(" = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let config = Config::parse(Path::new("c.toml"), &format!("{}{example}", &template[..at])).unwrap();
    assert_eq!(config.http.unwrap().listen.to_string(), "127.0.0.1:9464");
    assert_eq!(config.alert_routes[0].subsystem.as_deref(), Some("digital"));
}
