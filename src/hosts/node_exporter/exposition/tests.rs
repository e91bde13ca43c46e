use super::*;

#[test]
fn comments_blank_lines_and_plain_samples() {
    let text = "# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\n\nnode_load1 0.87\r\n  # indented comment\n";
    let samples = parse(text).unwrap();
    assert_eq!(
        samples,
        vec![Sample {
            name: "node_load1".into(),
            labels: vec![],
            value: 0.87,
            timestamp_ms: None,
        }]
    );
}

#[test]
fn labels_with_escaped_quotes_backslashes_and_newlines() {
    let s = parse_line(r#"metric{path="C:\\dir",msg="say \"hi\"\nbye",empty=""} 1"#).unwrap();
    assert_eq!(s.label("path"), Some(r"C:\dir"));
    assert_eq!(s.label("msg"), Some("say \"hi\"\nbye"));
    assert_eq!(s.label("empty"), Some(""));
    assert_eq!(s.value, 1.0);
}

#[test]
fn braces_and_commas_inside_label_values_do_not_end_the_labels() {
    let s = parse_line(r#"m{a="x}, y=\"z",b="2"} 3"#).unwrap();
    assert_eq!(
        s.labels,
        vec![("a".into(), "x}, y=\"z".into()), ("b".into(), "2".into())]
    );
}

#[test]
fn trailing_comma_spaces_and_tabs_are_accepted() {
    let s = parse_line("m { a = \"1\" , b=\"2\", }\t5\t1700000000000").unwrap();
    assert_eq!(s.labels.len(), 2);
    assert_eq!(s.value, 5.0);
    assert_eq!(s.timestamp_ms, Some(1_700_000_000_000));
}

#[test]
fn special_values_and_exponents() {
    assert!(parse_line("m NaN").unwrap().value.is_nan());
    assert_eq!(parse_line("m +Inf").unwrap().value, f64::INFINITY);
    assert_eq!(parse_line("m -Inf").unwrap().value, f64::NEG_INFINITY);
    assert_eq!(parse_line("m Inf").unwrap().value, f64::INFINITY);
    assert_eq!(parse_line("m 2.70553174016e+11").unwrap().value, 2.70553174016e11);
    assert_eq!(parse_line("m 1.5e-3").unwrap().value, 0.0015);
    assert_eq!(parse_line("m -7").unwrap().value, -7.0);
}

#[test]
fn timestamps_may_be_negative() {
    assert_eq!(parse_line("m 1 -5").unwrap().timestamp_ms, Some(-5));
}

#[test]
fn histogram_lines_with_le_labels() {
    let s = parse_line(r#"http_request_duration_seconds_bucket{le="+Inf"} 144320"#).unwrap();
    assert_eq!(s.label("le"), Some("+Inf"));
    assert_eq!(s.value, 144320.0);
}

#[test]
fn quoted_metric_names() {
    let s = parse_line(r#"{"my.metric", zone="a"} 2"#).unwrap();
    assert_eq!(s.name, "my.metric");
    assert_eq!(s.label("zone"), Some("a"));
    let s = parse_line(r#"{"only.name"} 3"#).unwrap();
    assert_eq!(s.name, "only.name");
    assert!(s.labels.is_empty());
}

#[test]
fn malformed_lines_name_the_line_and_what_was_expected() {
    let err = parse("ok 1\nbroken{a=\"1\" 2\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("expected ',' or '}'"), "{}", err.message);

    let err = parse("<html><body>Not Found</body></html>\n").unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.message.contains("metric name"), "{}", err.message);

    for (line, needle) in [
        ("m", "value of \"m\" is missing"),
        ("m abc", "invalid value \"abc\""),
        ("m 1 soon", "invalid timestamp \"soon\""),
        ("m 1 2 3", "end of the line"),
        ("m{a=\"1} 2", "not closed"),
        ("m{a 1} 2", "'=' after label \"a\""),
        ("m{a=1} 2", "'\"' to open"),
        ("m{1a=\"x\"} 2", "label name"),
        ("{} 2", "metric name is missing"),
    ] {
        let err = parse_line(line).unwrap_err();
        assert!(err.contains(needle), "{line:?}: {err}");
    }
}

#[test]
fn text_with_only_comments_has_no_samples() {
    assert_eq!(parse("# nothing here\n\n").unwrap(), vec![]);
}
