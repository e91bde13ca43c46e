//! `watchdesk check` against real endpoints on 127.0.0.1: a table, and exit 1 unless everything is up.

use std::process::Command;

#[test]
fn check_prints_each_check_and_fails_when_one_is_down() {
    let home = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = listener.local_addr().unwrap().port();
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let backup = home.path().join("db-20261128.sql.gz");
    std::fs::write(&backup, vec![0u8; 2048]).unwrap();
    let config = format!(
        r#"
[[subsystem]]
id = "sysadmin"
name = "系统管理子系统"
  [[subsystem.check]]
  kind = "tcp"
  address = "127.0.0.1:{open_port}"
  timeout = "2s"
[[subsystem]]
id = "digital"
name = "水利质量检测数字管理子系统"
  [[subsystem.check]]
  kind = "file"
  path = "{dir}/*.sql.gz"
  max_age = "1h"
  min_size = "1KB"
"#,
        dir = home.path().display()
    );
    let path = home.path().join("config.toml");
    std::fs::write(&path, &config).unwrap();
    let run = |config: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_watchdesk"))
            .env_clear()
            .env("HOME", home.path())
            .args(["check", "--config"])
            .arg(config)
            .output()
            .unwrap()
    };
    let out = run(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("系统管理子系统") && stdout.contains("sysadmin/tcp-1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("digital/file-1") && stdout.contains("UP"),
        "{stdout}"
    );

    let broken = config.replace(
        &format!("127.0.0.1:{open_port}"),
        &format!("127.0.0.1:{closed_port}"),
    );
    std::fs::write(&path, broken).unwrap();
    let out = run(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("DOWN") && stdout.contains("refused"), "{stdout}");
    drop(listener);
}

/// An unreachable node_exporter in `check`: English words in the table whatever the locale, and in `--json`
/// the same words with the reason as data beside them.
#[test]
fn check_says_why_a_host_is_unreachable_in_english_with_the_reason_as_data() {
    let home = tempfile::tempdir().unwrap();
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{closed_port}/metrics");
    let path = home.path().join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[[host]]\nname = \"db-01\"\nsource = \"node_exporter\"\nurl = \"{url}\"\ntimeout = \"2s\"\n"
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_watchdesk"))
            .env_clear()
            .env("HOME", home.path())
            .env("LANG", "zh_CN.UTF-8")
            .args(args)
            .arg("--config")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "the host is not up");
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run(&["check"]);
    let row = table
        .lines()
        .find(|l| l.contains("db-01"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("UNREACHABLE"), "{row}");
    assert!(row.contains(&format!("cannot connect to {url}: ")), "{row}");
    assert!(row.contains("refused"), "{row}");

    let json: serde_json::Value = serde_json::from_str(&run(&["check", "--json"])).unwrap();
    let reading = &json["hosts"][0]["reading"];
    assert_eq!(reading["state"], "unreachable", "{json}");
    assert!(
        reading["reason"]
            .as_str()
            .unwrap()
            .starts_with(&format!("cannot connect to {url}: ")),
        "{json}"
    );
    assert_eq!(reading["why"]["kind"], "cannot_connect", "{json}");
    assert_eq!(reading["why"]["url"], url.as_str(), "{json}");
    assert_eq!(reading["why"]["error"]["kind"], "refused", "{json}");
}
