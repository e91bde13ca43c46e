use std::path::Path;

use super::*;

#[test]
fn template_loads_with_the_five_subsystems() {
    let config = Config::parse(Path::new("config.toml"), TEMPLATE).unwrap();
    assert_eq!(config.subsystems.len(), 5);
    assert_eq!(config.subsystems[0].name, "系统管理子系统");
    assert_eq!(config.subsystems[1].depends_on, vec!["sysadmin".to_string()]);
    assert_eq!(config.subsystems[1].checks.len(), 3);
    assert_eq!(config.subsystems[1].checks[0].id, "digital/http-1");
    assert_eq!(config.platform.timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(config.hosts[0].warn_pct, 80.0);
    assert_eq!(
        config.policy,
        crate::policy::Policy {
            calendar: config.policy.calendar.clone(),
            ..crate::policy::Policy::default()
        }
    );
}

#[test]
fn policy_overrides_replace_only_what_they_name() {
    let text = "[[host]]\nname = \"app-01\"\nsource = \"local\"\n[policy.critical]\nrespond = \"10m\"\n";
    let config = Config::parse(Path::new("c.toml"), text).unwrap();
    assert_eq!(
        config.policy.critical.respond,
        Some(chrono::Duration::minutes(10))
    );
    assert_eq!(config.policy.critical.plan, Some(chrono::Duration::hours(2)));
}

#[test]
fn errors_name_line_column_and_key() {
    let text = "[[subsystem]]\nid = \"a\"\n  [[subsystem.check]]\n  kind = \"http\"\n  url = \"http://x\"\n  interval = \"soon\"\n";
    let err = Config::parse(Path::new("c.toml"), text).unwrap_err();
    let loc = err.located().unwrap();
    assert_eq!((loc.line, loc.column), (6, 14));
    assert_eq!(loc.key.as_deref(), Some("interval"));
    assert!(
        loc.message.contains("invalid duration \"soon\""),
        "{}",
        loc.message
    );
}

#[test]
fn weekly_window_parses() {
    assert_eq!(
        validate::parse_weekly("Sun 02:00-04:00"),
        Some(Window::Weekly {
            day: chrono::Weekday::Sun,
            start: chrono::NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
            end: chrono::NaiveTime::from_hms_opt(4, 0, 0).unwrap(),
        })
    );
    assert_eq!(validate::parse_weekly("Someday 02:00-04:00"), None);
}

#[test]
fn the_caret_stands_under_the_error_by_display_width() {
    let text = "[[subsystem]]\nid = \"digital\"\ncheck = [{ name = \"登录接口\", kind = \"tcp\", address = \"nowhere\" }]\n";
    let err = Config::parse(Path::new("c.toml"), text).unwrap_err();
    let located = err.located().unwrap();
    assert_eq!((located.line, located.column), (3, 51));
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    // The source line is printed after "     3 | "; the caret must sit under the opening quote of "nowhere".
    let source = lines[1];
    let caret = lines[2];
    let quote_cell = unicode_width::UnicodeWidthStr::width(&source[..source.find("\"nowhere").unwrap()]);
    assert_eq!(
        unicode_width::UnicodeWidthStr::width(caret) - 1,
        quote_cell,
        "{shown}"
    );
}

#[test]
fn a_config_path_that_is_a_directory_or_not_text_says_so_and_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let err = Config::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains(&dir.path().display().to_string()) && err.contains("it is a directory, not a file"),
        "{err}"
    );
    assert!(err.contains("accepted is a UTF-8 TOML file"), "{err}");

    let file = dir.path().join("config.toml");
    std::fs::write(&file, b"[platform]\nname = \"\xff\xfe\"\n").unwrap();
    let err = Config::load(&file).unwrap_err().to_string();
    assert!(err.contains("it is not UTF-8 text"), "{err}");
    assert!(!err.contains("os error"), "{err}");

    let err = Config::load(&dir.path().join("missing.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no such file") && err.contains("watchdesk init"),
        "{err}"
    );
}
