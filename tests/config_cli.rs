//! The config as a user meets it: `watchdesk init`, `config check`, and every invalid fixture's message.

use std::path::Path;
use std::process::Command;

fn watchdesk(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchdesk"));
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("USER", "tester");
    cmd
}

#[test]
fn every_invalid_config_is_refused_with_its_message_and_nothing_is_written() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_configs");
    let mut seen = 0;
    let mut files: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let home = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let expects: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(!expects.is_empty(), "{} has no `# expect:` line", path.display());
        let out = watchdesk(home.path())
            .args(["config", "check", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(
            stderr.contains(&path.display().to_string()),
            "{}: names the file: {stderr}",
            path.display()
        );
        for expect in &expects {
            assert!(
                stderr.contains(expect.trim_end()),
                "{}: expected {expect:?} in:\n{stderr}",
                path.display()
            );
        }
        // The daemon and the dashboard refuse it the same way, before creating anything.
        for args in [&["serve"][..], &[]] {
            let out = watchdesk(home.path())
                .arg("--config")
                .arg(&path)
                .args(args)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{} {args:?}: {stderr}",
                path.display()
            );
            assert!(
                stderr.contains(expects[0].trim_end()),
                "{} {args:?}: {stderr}",
                path.display()
            );
        }
        let left: Vec<_> = std::fs::read_dir(home.path()).unwrap().collect();
        assert!(left.is_empty(), "{}: wrote {left:?}", path.display());
        seen += 1;
    }
    assert!(seen >= 24, "only {seen} fixtures");
}

#[test]
fn an_empty_file_is_refused_with_nothing_to_watch() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("empty.toml");
    std::fs::write(&path, "").unwrap();
    for args in [&["config", "check"][..], &["serve"]] {
        let out = watchdesk(home.path())
            .args(args)
            .arg("--config")
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("{}:1:1: nothing to watch", path.display())),
            "{args:?}: {stderr}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["empty.toml"]);
}

#[test]
fn init_writes_a_template_that_checks_and_refuses_to_overwrite() {
    let home = tempfile::tempdir().unwrap();
    let out = watchdesk(home.path()).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = home.path().join("config/watchdesk/config.toml");
    assert!(path.exists());

    let out = watchdesk(home.path()).args(["config", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("5 subsystems"), "{stdout}");
    assert!(stdout.contains("系统管理子系统"), "{stdout}");

    std::fs::write(&path, "# mine\n").unwrap();
    let out = watchdesk(home.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    let out = watchdesk(home.path()).args(["init", "--force"]).output().unwrap();
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&path).unwrap().contains("[[subsystem]]"));
}

#[test]
fn a_named_config_that_does_not_exist_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let out = watchdesk(home.path())
        .args(["incident", "list", "--config", "/nonexistent/watchdesk.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read config /nonexistent/watchdesk.toml"));
}

#[test]
fn a_config_path_that_is_a_directory_is_named_as_one_for_check_and_init() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("conf");
    std::fs::create_dir(&dir).unwrap();
    let shown = dir.display().to_string();

    let out = watchdesk(home.path())
        .args(["config", "check", "--config", &shown])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot read config {shown}: it is a directory, not a file"
        )) && stderr.contains("accepted is a UTF-8 TOML file"),
        "{stderr}"
    );

    for force in [false, true] {
        let mut cmd = watchdesk(home.path());
        cmd.args(["init", &shown]);
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "{shown} is a directory: give the path of the file to write, e.g. {shown}/config.toml"
            )),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing is written into it"
        );
    }
}

#[test]
fn an_unknown_theme_on_the_command_line_stops_before_anything_is_created() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("watchdesk.toml");
    std::fs::write(
        &path,
        "[[subsystem]]\nid = \"digital\"\n  [[subsystem.check]]\n  kind = \"tcp\"\n  address = \"127.0.0.1:9\"\n",
    )
    .unwrap();
    let out = watchdesk(home.path())
        .args(["--theme", "solarised", "--config"])
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--theme: theme \"solarised\" not found"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["watchdesk.toml"]);
}
