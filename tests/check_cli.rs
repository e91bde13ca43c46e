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
