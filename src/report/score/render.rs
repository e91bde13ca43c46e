//! The score as Markdown: the contract's table with what each row earned and why.

use super::{Basis, FaultCost, Score, points};
use crate::report::markdown::{Align, cell, table, table_head, table_row};

pub fn markdown(score: &Score) -> String {
    let (mut out, after) = around_faults(score);
    if !score.faults.is_empty() {
        out.push_str(&faults_head());
        for f in &score.faults {
            fault_row(&mut out, f);
        }
        out.push('\n');
    }
    out.push_str(&after);
    out
}

/// The columns of the table of late faults.
const FAULT_COLUMNS: [(&str, Align); 6] = [
    ("编号 Id", Align::Left),
    ("级别 Severity", Align::Left),
    ("标题 Title", Align::Left),
    ("超时 Late on", Align::Left),
    ("扣分 Deduction", Align::Right),
    ("状态 State", Align::Left),
];

/// The heading and header of the table of late faults; its rows follow ([`fault_row`]), then an empty line.
/// A report over a big quarter writes the rows as it reads them (`report::quarterly::stream`).
pub fn faults_head() -> String {
    let mut out = String::from("## 扣分故障 Faults that cost points\n\n");
    table_head(&mut out, &FAULT_COLUMNS);
    out
}

/// One late fault's row.
pub fn fault_row(out: &mut String, f: &FaultCost) {
    let severity = if f.charged_as == f.severity {
        f.severity.as_str().into()
    } else {
        format!("{} (late while {})", f.severity, f.charged_as)
    };
    table_row(
        out,
        &[
            f.id.clone(),
            severity,
            cell(&f.title),
            f.late.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            format!("−{}", points(f.deduction)),
            if f.open { "open".into() } else { "resolved".into() },
        ],
    );
}

/// The score's Markdown without its table of late faults: what comes before that table, and what after.
pub fn around_faults(score: &Score) -> (String, String) {
    let mut out = format!("# 考核评分 Assessment score — {}\n\n", score.quarter);
    let state = if score.finished {
        "quarter finished".to_string()
    } else {
        format!(
            "projected: {} of {} days counted",
            score.days_counted, score.days_in_quarter
        )
    };
    out.push_str(&format!(
        "**Total {} / 100** ({state})\n\n{}\n\n",
        points(score.total),
        score.fee_words()
    ));
    if let Some(start) = score.service.start {
        out.push_str(&match score.service.quarter {
            Some(n) => format!("服务期第 {n} 季度 Service quarter {n} (service from {start})\n\n"),
            None => format!("Before the service period (service from {start}): no day of it counts\n\n"),
        });
    }
    let rows: Vec<Vec<String>> = score
        .lines
        .iter()
        .map(|l| {
            vec![
                format!("{} {}", l.item.label_zh(), l.item.label_en()),
                points(l.max),
                points(l.points),
                basis(l.basis).into(),
                cell(&l.detail),
            ]
        })
        .chain(std::iter::once(vec![
            "**合计 Total**".into(),
            "100".into(),
            format!("**{}**", points(score.total)),
            String::new(),
            String::new(),
        ]))
        .collect();
    table(
        &mut out,
        &[
            ("考核项 Item", Align::Left),
            ("满分 Max", Align::Right),
            ("得分 Points", Align::Right),
            ("依据 Basis", Align::Left),
            ("说明 Detail", Align::Left),
        ],
        &rows,
    );
    if !score.personnel.is_empty() {
        out.push_str("## 人员考核 Personnel\n\n");
        let rows: Vec<Vec<String>> = score
            .personnel
            .iter()
            .map(|p| {
                vec![
                    p.item.to_string(),
                    points(p.max),
                    points(p.points),
                    basis(p.basis).into(),
                    cell(&p.detail),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("分项 Sub-item", Align::Left),
                ("满分 Max", Align::Right),
                ("得分 Points", Align::Right),
                ("依据 Basis", Align::Left),
                ("说明 Detail", Align::Left),
            ],
            &rows,
        );
    }
    let before = std::mem::take(&mut out);
    let a = &score.accidents;
    if !a.in_quarter.is_empty() || a.by_contractor > 0 {
        out.push_str("## 重大事故 Major accidents\n\n");
        for x in &a.in_quarter {
            out.push_str(&format!(
                "- {}. {} — caused by {} ({}); evidence: {}; reason: {}\n",
                x.number,
                cell(&x.title),
                x.responsibility,
                x.responsibility.label_zh(),
                cell(&x.evidence),
                cell(&x.reason)
            ));
        }
        out.push_str(&format!(
            "\n{} caused by the contractor in the service year so far{}.\n\n",
            crate::report::score::plural(a.by_contractor as usize, "major accident"),
            if a.may_cancel() {
                ": the client may refuse the rest of the fee and cancel the contract"
            } else {
                " (two let the client refuse the rest of the fee and cancel)"
            }
        ));
    }
    if let Some(h) = &score.half_year {
        let parts: Vec<String> = h
            .quarters
            .iter()
            .map(|(q, t)| format!("{q} {}", points(*t)))
            .collect();
        out.push_str(&format!(
            "半年 Half year {}: {} → mean {}{} — {}\n\n",
            h.label,
            parts.join(", "),
            points(h.mean),
            if h.projected { " (projected)" } else { "" },
            h.payment.words()
        ));
    }
    if !score.not_entered.is_empty() {
        let names: Vec<&str> = score.not_entered.iter().map(|i| i.as_str()).collect();
        out.push_str(&format!(
            "Not entered yet (counted as full marks): {}. Enter with `watchdesk score set ITEM VALUE --reason TEXT`.\n",
            names.join(", ")
        ));
    }
    (before, out)
}

fn basis(b: Basis) -> &'static str {
    match b {
        Basis::Computed => "computed",
        Basis::Entered => "entered",
        Basis::NotEntered => "**not entered** (full marks)",
    }
}
