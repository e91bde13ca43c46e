//! The contract's records from a shell, through the real binary: `--severity` where it means something,
//! `--host` on a fault found by hand, `reclassify --at`, and the major accidents. Times are in the past so the
//! tests do not depend on today.

#[path = "cli_support/run.rs"]
mod run;

use std::path::Path;

use run::{ok, refused, setup};

fn json(home: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(home, args)).unwrap()
}

#[test]
fn severity_is_asked_only_where_it_sets_deadlines() {
    let home = setup();
    let h = home.path();
    let err = refused(h, &["incident", "open", "--kind", "fault", "--title", "登录失败"]);
    assert!(
        err.contains("--severity is required for a fault: accepted are critical, major, minor"),
        "{err}"
    );
    let err = refused(
        h,
        &[
            "incident",
            "open",
            "--kind",
            "change",
            "--severity",
            "major",
            "--title",
            "新增导出字段",
        ],
    );
    assert!(
        err.contains(
            "--severity does not apply to a change request: its deadline is 24 h whatever the severity"
        ),
        "{err}"
    );
    let err = refused(
        h,
        &[
            "incident",
            "open",
            "--kind",
            "security",
            "--severity",
            "critical",
            "--title",
            "弱口令",
        ],
    );
    assert!(
        err.contains("its deadline is 10 working days whatever the severity"),
        "{err}"
    );
    // Nothing was stored by the refusals.
    assert!(ok(h, &["incident", "list", "--all"]).contains("no incidents"));

    let said = ok(
        h,
        &["incident", "open", "--kind", "change", "--title", "新增导出字段"],
    );
    // Kept and shown without a severity: kind, then `—`, then the state.
    assert!(said.contains("  change   —        open"), "{said}");
}

#[test]
fn a_fault_found_by_hand_names_its_host_and_reclassify_takes_at() {
    let home = setup();
    let h = home.path();
    let err = refused(
        h,
        &[
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "major",
            "--title",
            "磁盘将满",
            "--host",
            "db-09",
            "--detected-at",
            "2026-03-02 08:00",
        ],
    );
    assert!(
        err.contains("unknown host \"db-09\": accepted are the configured hosts \"app-01\""),
        "{err}"
    );
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
            "磁盘将满",
            "--host",
            "app-01",
            "--detected-at",
            "2026-03-02 08:00",
        ],
    );
    // Reported 13 hours later: over the 12 allowed.
    ok(h, &["incident", "ack", "2026-0001", "--at", "2026-03-02 21:00"]);
    let score = json(h, &["report", "score", "--quarter", "2026Q1", "--format", "json"]);
    let server = score["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["item"] == "server_report")
        .unwrap()
        .clone();
    // 0 of 1 in time: 2 × 0 = 0.
    assert_eq!(server["points"], 0.0);
    assert_eq!(server["detail"], "0 of 1 server fault reported in time");

    // Reclassified at 08:30 (its 15-minute response passed undone at 08:15): still late, as major.
    ok(
        h,
        &[
            "incident",
            "reclassify",
            "2026-0001",
            "--severity",
            "minor",
            "--reason",
            "仅日志盘",
            "--at",
            "2026-03-02 08:30",
        ],
    );
    let shown = ok(h, &["incident", "show", "2026-0001"]);
    assert!(
        shown.contains(
            "respond   due 2026-03-02 08:15:00  missed while major (reclassified 2026-03-02 08:30:00): still counts"
        ),
        "{shown}"
    );
    assert!(shown.contains("host      app-01"), "{shown}");
    let score = json(h, &["report", "score", "--quarter", "2026Q1", "--format", "json"]);
    // 15 − 0.3 = 14.7.
    assert_eq!(score["fault_deductions"], 0.3);
    assert_eq!(score["faults"][0]["charged_as"], "major");
    // --at before the last reclassification is refused.
    let err = refused(
        h,
        &[
            "incident",
            "reclassify",
            "2026-0001",
            "--severity",
            "major",
            "--reason",
            "x",
            "--at",
            "2026-03-02 08:20",
        ],
    );
    assert!(err.contains("is before the last reclassification"), "{err}");
}

#[test]
fn major_accidents_are_recorded_amended_and_listed() {
    let home = setup();
    let h = home.path();
    let err = refused(
        h,
        &[
            "score",
            "accident",
            "record",
            "--title",
            "数据丢失",
            "--evidence",
            "甲方函",
            "--reason",
            "x",
            "--caused-by",
            "vendor",
        ],
    );
    assert!(
        err.contains("unknown responsibility \"vendor\": accepted are contractor, other, undetermined"),
        "{err}"
    );
    for (n, who) in [("1", "contractor"), ("2", "undetermined")] {
        let said = ok(
            h,
            &[
                "score",
                "accident",
                "record",
                "--title",
                "数据丢失",
                "--evidence",
                "甲方函〔2026〕3号",
                "--reason",
                "业务数据丢失两小时",
                "--caused-by",
                who,
                "--at",
                "2026-02-10 02:00",
            ],
        );
        assert!(
            said.starts_with(&format!("accident {n}  2026-02-10 02:00  caused by {who}")),
            "{said}"
        );
    }
    let score = json(h, &["report", "score", "--quarter", "2026Q1", "--format", "json"]);
    assert_eq!(score["accidents"]["by_contractor"], 1);
    assert_eq!(score["payment"]["may_cancel"], false);
    ok(
        h,
        &[
            "score",
            "accident",
            "amend",
            "2",
            "--caused-by",
            "contractor",
            "--reason",
            "认定为乙方责任",
        ],
    );
    let score = json(h, &["report", "score", "--quarter", "2026Q1", "--format", "json"]);
    assert_eq!(score["accidents"]["by_contractor"], 2);
    assert_eq!(score["payment"]["may_cancel"], true);
    let md = ok(h, &["report", "score", "--quarter", "2026Q1"]);
    assert!(
        md.contains(
            "2 major accidents caused by the contractor in the service year so far: the client may refuse"
        ),
        "{md}"
    );
    let list = ok(h, &["score", "accident", "list"]);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(
        list.contains("accident 2  2026-02-10 02:00  caused by contractor (乙方)"),
        "{list}"
    );
    assert!(ok(h, &["audit", "verify"]).contains("intact"));
}
