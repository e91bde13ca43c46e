//! The package: the release profile, the systemd unit (valid for systemd, hardened), and the .deb built from
//! `[package.metadata.deb]` by contrib/deb/build.sh with this build's binary: what it ships, with which modes,
//! and that what it ships works (the binary runs, the man page renders, the bash completion parses).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> toml::Table {
    std::fs::read_to_string(repo().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

fn which(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_release_profile_is_built_for_shipping() {
    let m = manifest();
    let release = &m["profile"]["release"];
    assert_eq!(release["lto"].as_bool(), Some(true));
    assert_eq!(release["codegen-units"].as_integer(), Some(1));
    assert_eq!(release["strip"].as_bool(), Some(true));
}

#[test]
fn every_asset_of_the_package_exists_or_is_generated_by_the_build_script() {
    let m = manifest();
    let deb = &m["package"]["metadata"]["deb"];
    let assets = deb["assets"].as_array().unwrap();
    let script = std::fs::read_to_string(repo().join("contrib/deb/build.sh")).unwrap();
    let mut destinations = Vec::new();
    for asset in assets {
        let [source, dest, mode] = asset.as_array().unwrap().as_slice() else {
            panic!("an asset is [source, destination, mode]: {asset:?}")
        };
        let (source, dest, mode) = (
            source.as_str().unwrap(),
            dest.as_str().unwrap(),
            mode.as_str().unwrap(),
        );
        assert!(mode == "644" || mode == "755", "{source}: mode {mode}");
        destinations.push(dest.to_string());
        if source == "target/release/watchdesk" {
            continue;
        }
        if let Some(generated) = source.strip_prefix("target/assets/") {
            let dir = generated.split('/').next().unwrap();
            assert!(
                script.contains(&format!("target/assets/{dir}")),
                "build.sh makes {source}"
            );
            continue;
        }
        let found = glob::glob(repo().join(source).to_str().unwrap()).unwrap().count();
        assert!(found > 0, "{source} is in the repository");
    }
    for expected in [
        "usr/bin/",
        "lib/systemd/system/",
        "usr/share/man/man1/",
        "usr/share/bash-completion/completions/watchdesk",
        "usr/share/zsh/vendor-completions/",
        "usr/share/fish/vendor_completions.d/",
        "usr/share/watchdesk/themes/",
    ] {
        assert!(
            destinations.iter().any(|d| d == expected),
            "the package ships {expected}"
        );
    }
    for script in ["postinst", "prerm", "postrm"] {
        let path = repo().join("contrib/deb").join(script);
        let out = Command::new("sh").arg("-n").arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "{script} parses: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn unit() -> String {
    std::fs::read_to_string(repo().join("contrib/watchdesk.service")).unwrap()
}

#[test]
fn the_unit_is_hardened_and_keeps_the_store_and_key_apart() {
    let unit = unit();
    let lines: Vec<&str> = unit.lines().map(str::trim).collect();
    for directive in [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "StateDirectory=watchdesk watchdesk-key",
        "StateDirectoryMode=0700",
        "UMask=0077",
        "CapabilityBoundingSet=",
        "Environment=WATCHDESK_AUDIT_KEY=/var/lib/watchdesk-key/audit.key",
        "EnvironmentFile=-/etc/watchdesk/secrets.env",
        "User=watchdesk",
    ] {
        assert!(lines.contains(&directive), "the unit has {directive}");
    }
    let exec = lines.iter().find(|l| l.starts_with("ExecStart=")).unwrap();
    assert!(
        exec.ends_with(" serve")
            && exec.contains("--data-dir /var/lib/watchdesk ")
            && exec.contains("--log-format journald"),
        "{exec}"
    );
}

/// The unit as systemd would load it, its ExecStart pointing at this build.
fn unit_for_this_build(dir: &Path) -> PathBuf {
    let path = dir.join("watchdesk.service");
    let text = unit().replace(
        "ExecStart=/usr/bin/watchdesk",
        &format!("ExecStart={}", env!("CARGO_BIN_EXE_watchdesk")),
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn systemd_accepts_the_unit_and_rates_its_exposure_low() {
    if !which("systemd-analyze") {
        println!("SKIPPED: systemd-analyze not installed: the unit is not checked by systemd");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = unit_for_this_build(dir.path());
    let verify = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stderr);
    assert!(
        verify.status.success() && !said.contains("watchdesk.service:"),
        "systemd-analyze verify: {said}"
    );
    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&security.stdout);
    let level: f64 = text
        .lines()
        .find_map(|l| l.split("Overall exposure level for watchdesk.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("an exposure level in: {text}"));
    assert!(level < 3.0, "exposure {level} (0 safe .. 10 exposed):\n{text}");
}

#[test]
fn the_deb_ships_a_working_binary_unit_man_pages_completions_and_themes() {
    if !which("dpkg-deb") {
        println!("SKIPPED: dpkg-deb not installed: the package is not built");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let built = Command::new(repo().join("contrib/deb/build.sh"))
        .args(["--fast", "--binary", env!("CARGO_BIN_EXE_watchdesk"), "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "build.sh: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let deb = PathBuf::from(String::from_utf8(built.stdout).unwrap().trim());
    assert!(
        deb.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("watchdesk_"),
        "{}",
        deb.display()
    );

    let checked = Command::new(repo().join("contrib/deb/check.sh"))
        .arg(&deb)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "check.sh: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    // The check itself refuses what is wrong: a package without the unit.
    let root = out.path().join("root");
    let x = Command::new("dpkg-deb")
        .arg("-R")
        .arg(&deb)
        .arg(&root)
        .status()
        .unwrap();
    assert!(x.success());
    std::fs::remove_file(root.join("lib/systemd/system/watchdesk.service")).unwrap();
    let broken = out.path().join("broken.deb");
    let b = Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Zgzip", "--build"])
        .arg(&root)
        .arg(&broken)
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let refused = Command::new(repo().join("contrib/deb/check.sh"))
        .arg(&broken)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("watchdesk.service"));

    // What it ships works.
    let installed = out.path().join("installed");
    assert!(
        Command::new("dpkg-deb")
            .arg("-x")
            .arg(&deb)
            .arg(&installed)
            .status()
            .unwrap()
            .success()
    );
    let version = Command::new(installed.join("usr/bin/watchdesk"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("watchdesk {}", env!("CARGO_PKG_VERSION"))
    );
    let bash = Command::new("bash")
        .arg("-n")
        .arg(installed.join("usr/share/bash-completion/completions/watchdesk"))
        .status()
        .unwrap();
    assert!(bash.success());
    if which("man") {
        let page = Command::new("man")
            .arg("-l")
            .arg(installed.join("usr/share/man/man1/watchdesk-serve.1.gz"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert!(page.status.success());
        assert!(String::from_utf8_lossy(&page.stdout).contains("watchdesk-serve"));
    } else {
        println!("SKIPPED: man not installed: the packaged man page is not rendered");
    }
    for theme in ["default", "light", "high-contrast", "mono"] {
        let shipped =
            std::fs::read(installed.join(format!("usr/share/watchdesk/themes/{theme}.toml"))).unwrap();
        assert_eq!(
            shipped,
            std::fs::read(repo().join(format!("themes/{theme}.toml"))).unwrap()
        );
    }
}
