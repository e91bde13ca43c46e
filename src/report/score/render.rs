//! The score as Markdown: the contract's table with what each row earned and why.

use super::{Basis, Score, points};
use crate::report::markdown::{Align, cell, table};

pub fn markdown(score: &Score) -> String {
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
        "**Total {} / 100** ({state}) — {}\n\n",
        points(score.total),
        score.payment.words()
    ));
    let rows: Vec<Vec<String>> = score
        .lines
        .iter()
        .map(|l| {
            vec![
                format!("{} {}", l.item.label_zh(), l.item.label_en()),
                points(l.max),
                points(l.points),
                match l.basis {
                    Basis::Computed => "computed".into(),
                    Basis::Entered => "entered".into(),
                    Basis::NotEntered => "**not entered** (full marks)".into(),
                },
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
    if !score.faults.is_empty() {
        out.push_str("## 扣分故障 Faults that cost points\n\n");
        let rows: Vec<Vec<String>> = score
            .faults
            .iter()
            .map(|f| {
                vec![
                    f.id.clone(),
                    f.severity.as_str().into(),
                    cell(&f.title),
                    f.late.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                    format!("−{}", points(f.deduction)),
                    if f.open { "open".into() } else { "resolved".into() },
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("编号 Id", Align::Left),
                ("级别 Severity", Align::Left),
                ("标题 Title", Align::Left),
                ("超时 Late on", Align::Left),
                ("扣分 Deduction", Align::Right),
                ("状态 State", Align::Left),
            ],
            &rows,
        );
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
    out
}
