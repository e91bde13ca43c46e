//! The records commands through the real binary: exit codes, what bad input says it accepts, and what the
//! store holds afterwards. Dates are in the past so the tests do not depend on today.

#[path = "cli_support/run.rs"]
mod run;

use run::{ok, refused, setup};

/// Who the tests run as: what watchdesk records, whatever `USER` says.
fn me() -> String {
    // SAFETY: getuid(2) cannot fail.
    watchdesk::model::user_name(unsafe { libc::getuid() })
}

#[test]
fn daily_records_are_saved_amended_and_shown() {
    let home = setup();
    let h = home.path();
    let said = ok(
        h,
        &[
            "daily",
            "save",
            "--date",
            "2026-01-05",
            "--anomaly-checked",
            "yes",
            "--anomaly-note",
            "数据正常",
            "--archive-done",
            "yes",
            "--notes",
            "无告警",
        ],
    );
    assert_eq!(said.trim(), "daily record 2026-01-05 saved");
    let said = ok(
        h,
        &["daily", "save", "--date", "2026-01-05", "--anomaly-checked", "no"],
    );
    assert_eq!(said.trim(), "daily record 2026-01-05 saved (amended, revision 2)");
    let json: serde_json::Value =
        serde_json::from_str(&ok(h, &["daily", "show", "--date", "2026-01-05", "--json"])).unwrap();
    let record = &json["record"];
    assert_eq!(record["anomaly_checked"], false);
    assert_eq!(record["archive_done"], true, "kept from the first save");
    assert_eq!(record["notes"], "无告警");
    // The real uid's name, whatever USER says.
    assert_eq!(record["saved_by"]["user"], me().as_str());
    assert_eq!(json["figures"]["subsystems"].as_array().unwrap().len(), 5);
    let md = ok(h, &["daily", "show", "--date", "2026-01-06"]);
    assert!(md.contains("# 日台账 Daily ledger — 2026-01-06"), "{md}");
    assert!(md.contains("the record for this day is missing"), "{md}");

    let err = refused(h, &["daily", "save", "--anomaly-checked", "maybe"]);
    assert!(err.contains("accepted are yes, no"), "{err}");
    let err = refused(
        h,
        &[
            "daily",
            "save",
            "--date",
            "2026-13-01",
            "--anomaly-checked",
            "yes",
        ],
    );
    assert!(err.contains("write YYYY-MM-DD"), "{err}");
    let err = refused(
        h,
        &[
            "daily",
            "save",
            "--date",
            "2999-01-01",
            "--anomaly-checked",
            "yes",
        ],
    );
    assert!(err.contains("is in the future"), "{err}");
    let err = refused(h, &["daily", "save", "--date", "2026-01-05"]);
    assert!(err.contains("--anomaly-checked"), "{err}");
    assert!(ok(h, &["audit", "verify"]).contains("2 records"));
}

#[test]
fn score_items_are_bounded_and_the_score_reports_them() {
    let home = setup();
    let h = home.path();
    for (args, expect) in [
        (
            vec!["score", "set", "personnel", "50", "--reason", "x"],
            "personnel is entered as its four sub-items: contact",
        ),
        (
            vec!["score", "set", "satisfaction", "16", "--reason", "x"],
            "satisfaction must be points from 0 to 15, got 16",
        ),
        (
            vec!["score", "set", "bonus", "1", "--reason", "x"],
            "unknown score item \"bonus\"",
        ),
        (
            vec!["score", "set", "complaints", "-1", "--reason", "x"],
            "complaints must be a whole count",
        ),
        (
            vec!["score", "set", "notices", "1.5", "--reason", "x"],
            "notices must be a whole count",
        ),
        (
            vec!["score", "set", "tasks", "five", "--reason", "x"],
            "invalid value \"five\" for tasks",
        ),
    ] {
        let err = refused(h, &args);
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(
            err.contains(
                "contact (count, −1 each from 10, 0–99), staff-change (count, −5 each from 15, 0–99), \
                 extra-staff (count, −1 each from 5, 0–99), satisfaction (points 0–15), tasks (points 0–5), \
                 complaints (count, −1 point each 0–10)"
            ),
            "{args:?} lists what is accepted: {err}"
        );
    }
    let err = refused(h, &["report", "score", "--quarter", "2026Q5"]);
    assert!(err.contains("e.g. 2026Q4"), "{err}");

    let said = ok(
        h,
        &[
            "score",
            "set",
            "complaints",
            "1",
            "--reason",
            "一次投诉",
            "--quarter",
            "2026Q1",
        ],
    );
    assert!(said.starts_with("complaints set to 1 for 2026Q1"), "{said}");
    let score: serde_json::Value = serde_json::from_str(&ok(
        h,
        &["report", "score", "--quarter", "2026Q1", "--format", "json"],
    ))
    .unwrap();
    let line = score["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["item"] == "complaints_notices")
        .unwrap();
    assert_eq!(line["points"], 9.0);
    assert_eq!(line["basis"], "entered");
    assert_eq!(score["days_counted"], 90);
    let md = ok(h, &["report", "score", "--quarter", "2026Q1"]);
    assert!(
        md.contains("| 投诉及安全通报 Complaints and security notices | 10 | 9 | entered |"),
        "{md}"
    );
    assert!(
        md.contains(
            "Not entered yet (counted as full marks): contact, staff-change, extra-staff, satisfaction, tasks"
        ),
        "{md}"
    );
}

#[test]
fn monthly_inspections_and_handovers() {
    let home = setup();
    let h = home.path();
    let err = refused(
        h,
        &[
            "monthly",
            "save",
            "--date",
            "2026-03-10",
            "--by",
            "王工",
            "--findings",
            " ",
        ],
    );
    assert!(err.contains("findings must not be empty"), "{err}");
    ok(
        h,
        &[
            "monthly",
            "save",
            "--date",
            "2026-03-10",
            "--by",
            "王工",
            "--findings",
            "机房正常",
        ],
    );
    let list = ok(h, &["monthly", "list"]);
    assert_eq!(list.trim(), "2026-03-10  王工  机房正常");

    let err = refused(h, &["report", "handover", "--format", "xml"]);
    assert!(err.contains("[possible values: md, json, docx]"), "{err}");
    let md = ok(
        h,
        &["handover", "record", "--to", "zhang", "--notes", "数据库待观察"],
    );
    assert!(md.contains("# 交接班 Handover"), "{md}");
    assert!(md.contains("Live health is not available"), "{md}");
    assert!(
        md.contains(&format!("handover from {} to zhang recorded", me())),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        h,
        &["report", "handover", "--format", "json", "--notes", "交班"],
    ))
    .unwrap();
    assert_eq!(json["since_basis"], "last_handover");
    assert_eq!(json["last_handover"]["to"], "zhang");
    assert_eq!(json["last_handover"]["notes"], "数据库待观察");
    assert_eq!(json["notes"], "交班");
    assert_eq!(json["health"], serde_json::Value::Null);
    let copied = ok(h, &["report", "handover", "--copy"]);
    assert!(
        copied.contains("\x1b]52;c;"),
        "the clipboard sequence follows the text"
    );
}

#[test]
fn the_quarterly_report_is_written_in_each_format_and_recorded() {
    let home = setup();
    let h = home.path();
    ok(
        h,
        &[
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "major",
            "--title",
            "报表, \"导出\"失败",
            "--detected-at",
            "2026-02-03 09:00",
        ],
    );
    ok(h, &["incident", "ack", "2026-0001", "--at", "2026-02-03 09:10"]);
    ok(
        h,
        &[
            "incident",
            "resolve",
            "2026-0001",
            "--cause",
            "组件缺陷",
            "--process",
            "回滚",
            "--at",
            "2026-02-03 11:00",
        ],
    );
    ok(
        h,
        &[
            "report",
            "advice",
            "--quarter",
            "2026Q1",
            "--text",
            "建议升级报表组件",
        ],
    );

    let csv_path = h.join("q1.csv");
    let said = ok(
        h,
        &[
            "report",
            "quarterly",
            "--quarter",
            "2026Q1",
            "--format",
            "csv",
            "--out",
            csv_path.to_str().unwrap(),
        ],
    );
    assert!(said.contains("written to"), "{said}");
    let bytes = std::fs::read(&csv_path).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][4], "报表, \"导出\"失败");
    assert!(
        rows[0][24].starts_with("acknowledged at 2026-02-03 09:10 logged"),
        "{:?}",
        &rows[0]
    );

    let json: serde_json::Value = serde_json::from_str(&ok(
        h,
        &["report", "quarterly", "--quarter", "2026Q1", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["advice"]["text"], "建议升级报表组件");
    // Detection, acknowledgement and resolution were all logged long after they happened.
    assert_eq!(json["incidents"][0]["backdated"].as_array().unwrap().len(), 3);
    let md = ok(h, &["report", "quarterly", "--quarter", "2026Q1"]);
    assert!(
        md.starts_with("# 运维季度报告 Quarterly maintenance report — 2026Q1"),
        "{md}"
    );
    assert!(md.contains("**补录 Back-dated**"), "{md}");

    let err = refused(h, &["report", "quarterly", "--format", "pdf"]);
    assert!(
        err.contains("[possible values: md, json, csv, docx, html]"),
        "{err}"
    );
    let err = refused(
        h,
        &[
            "report",
            "quarterly",
            "--quarter",
            "2026Q1",
            "--out",
            "/nonexistent/dir/q.md",
        ],
    );
    assert!(err.contains("does not exist"), "{err}");

    let summary_points = || {
        let score: serde_json::Value = serde_json::from_str(&ok(
            h,
            &["report", "score", "--quarter", "2026Q1", "--format", "json"],
        ))
        .unwrap();
        let summary = score["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["item"] == "quarterly_summary")
            .unwrap()
            .clone();
        (summary["points"].clone(), summary["detail"].clone())
    };
    // Produced is not delivered: the summary's 5 points wait for the delivery record.
    let (points, detail) = summary_points();
    assert_eq!(points, 0.0);
    assert!(detail.as_str().unwrap().contains("not delivered yet"), "{detail}");
    let said = ok(
        h,
        &[
            "score",
            "delivered",
            "--quarter",
            "2026Q1",
            "--to",
            "水利厅 张工",
            "--at",
            "2026-04-02 10:00",
        ],
    );
    assert!(
        said.contains("quarterly report 2026Q1 delivered to 水利厅 张工 at 2026-04-02 10:00 recorded"),
        "{said}"
    );
    let (points, detail) = summary_points();
    assert_eq!(points, 5.0);
    assert!(
        detail
            .as_str()
            .unwrap()
            .starts_with("delivered to 水利厅 张工 on 2026-04-02 10:00"),
        "{detail}"
    );
    assert!(ok(h, &["audit", "verify"]).contains("intact"));
}
