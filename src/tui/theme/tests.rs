use std::path::Path;

use ratatui::style::{Color, Modifier};

use super::*;

#[test]
fn every_builtin_sets_every_role() {
    for (name, text) in BUILTIN {
        let theme = parse_complete(Path::new(name), text).unwrap();
        assert_eq!(theme.name, name);
    }
}

#[test]
fn every_file_in_the_themes_directory_parses_and_is_built_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let theme = parse_complete(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            BUILTIN.iter().any(|(n, t)| *n == theme.name && *t == text),
            "{}",
            path.display()
        );
        seen.push(theme.name);
    }
    seen.sort();
    assert_eq!(seen, ["default", "high-contrast", "light", "mono"]);
}

#[test]
fn unknown_role_and_bad_colour_name_the_file_and_key() {
    let path = Path::new("/tmp/mine.toml");
    let err = parse_text(path, "[roles]\nwarning = \"red\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/tmp/mine.toml") && err.contains("`roles.warning`"),
        "{err}"
    );
    assert!(err.contains("accepted are base, text"), "{err}");

    let err = parse_text(path, "[roles]\nwarn = { fg = \"#12\" }\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`roles.warn.fg`") && err.contains("#rrggbb"),
        "{err}"
    );

    let err = parse_text(path, "[roles]\nwarn = { bold = \"yes\" }\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`roles.warn.bold`") && err.contains("true or false"),
        "{err}"
    );

    let err = parse_text(path, "colours = 1\n").unwrap_err().to_string();
    assert!(err.contains("`colours`"), "{err}");

    let err = parse_text(path, "[roles\n").unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn a_user_theme_overrides_some_roles_and_keeps_the_rest() {
    let theme = parse_text(
        Path::new("x.toml"),
        "[roles]\ncrit = { fg = \"#ff0000\", reversed = true }\n",
    )
    .unwrap();
    assert_eq!(theme.crit.fg, Some(Color::Rgb(255, 0, 0)));
    assert!(theme.crit.add_modifier.contains(Modifier::REVERSED));
    assert_eq!(theme.ok, Theme::builtin_default().ok);
    assert_eq!(theme.name, "x");
}

#[test]
fn named_theme_is_found_in_the_user_dir_first_and_missing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("night.toml"),
        "name = \"night\"\n[roles]\nok = \"blue\"\n",
    )
    .unwrap();
    let theme = load_from(Some("night"), ColorDepth::TrueColor, Some(dir.path())).unwrap();
    assert_eq!((theme.name.as_str(), theme.ok.fg), ("night", Some(Color::Blue)));

    let light = load_from(Some("light"), ColorDepth::TrueColor, Some(dir.path())).unwrap();
    assert_eq!(light.name, "light");

    let err = load_from(Some("nigth"), ColorDepth::TrueColor, Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("nigth.toml") && err.contains("default, light, high-contrast, mono"),
        "{err}"
    );

    std::fs::write(dir.path().join("broken.toml"), "[roles]\nok = 3.5\n").unwrap();
    let err = load_from(Some("broken"), ColorDepth::TrueColor, Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.toml") && err.contains("`roles.ok`"), "{err}");

    std::fs::create_dir(dir.path().join("folder.toml")).unwrap();
    let err = load_from(Some("folder"), ColorDepth::TrueColor, Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("folder.toml: it is a directory, not a file")
            && err.contains("accepted is a UTF-8 TOML file"),
        "{err}"
    );
}

#[test]
fn no_colour_means_the_mono_theme_but_a_bad_name_is_still_an_error() {
    let theme = load_from(Some("light"), ColorDepth::Mono, None).unwrap();
    assert_eq!(theme.name, "mono");
    assert!(load_from(Some("nope"), ColorDepth::Mono, None).is_err());
    assert_eq!(
        load_from(None, ColorDepth::Ansi256, None).unwrap().name,
        "default"
    );
    let t = load_from(None, ColorDepth::Ansi256, None).unwrap();
    assert!(matches!(t.ok.fg, Some(Color::Indexed(_))));
}
