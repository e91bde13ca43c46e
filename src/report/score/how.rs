//! How a score row's points were reached, as figures: the English words of reports and the command line
//! (`ScoreLine::detail`) and the Chinese of the score page are both written from it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{plural, points};
use crate::config::Lang;
use crate::model::HandItem;

/// What a row's points rest on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum How {
    /// Graded by hand, not entered yet: full marks for now.
    NotEntered,
    Entered {
        reason: String,
    },
    /// 人员考核 entered as one figure before the four sub-items.
    OneFigure {
        reason: String,
    },
    /// 人员考核 as its four sub-items; `replaces` the single figure entered before, if any.
    SubItems {
        parts: Vec<SubItem>,
        replaces: Option<f64>,
    },
    /// A count of events, each costing `each`.
    Times {
        times: u64,
        each: f64,
        reason: String,
    },
    Graded {
        value: f64,
        reason: String,
    },
    Faults {
        faults: usize,
        late: usize,
        deduction: f64,
    },
    Archived {
        archived: usize,
        resolved: usize,
        open: usize,
    },
    Days {
        days: usize,
        counted: usize,
        what: DayCheck,
    },
    /// The quarterly summary was delivered; `on` is the local time.
    Delivered {
        to: String,
        on: String,
        by: String,
    },
    Produced {
        on: String,
        by: String,
    },
    NotProduced,
    NoServerFaults,
    ServerReports {
        on_time: usize,
        all: usize,
    },
    Complaints {
        complaints: Option<f64>,
        notices: Option<f64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubItem {
    pub item: HandItem,
    pub points: f64,
    pub max: f64,
}

/// What was done on the days a ledger share counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCheck {
    DailyRecord,
    DatabaseArchive,
    AnomalyCheck,
}

impl How {
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.zh(),
        }
    }

    fn zh(&self) -> String {
        let entered = |v: Option<f64>| v.map_or_else(|| "未录入".to_string(), |v| format!("{v}"));
        match self {
            How::NotEntered => "未录入".into(),
            How::Entered { reason } => format!("已录入：{reason}"),
            How::OneFigure { reason } => format!("分项设立前录入的总分：{reason}；录入任一分项即替换"),
            How::SubItems { parts, replaces } => {
                let mut text = parts
                    .iter()
                    .map(|p| format!("{} {}/{}", sub_item_zh(p.item), points(p.points), points(p.max)))
                    .collect::<Vec<_>>()
                    .join("，");
                if let Some(v) = replaces {
                    text.push_str(&format!("；替换此前录入的总分 {}", points(*v)));
                }
                text
            }
            How::Times { times, each, reason } => {
                format!("{times} 次（每次 −{}）：{reason}", points(*each))
            }
            How::Graded { value, reason } => format!("评分 {}：{reason}", points(*value)),
            How::Faults {
                faults,
                late,
                deduction,
            } => format!("故障 {faults} 个，超时 {late} 个，−{}", points(*deduction)),
            How::Archived {
                archived,
                resolved,
                open,
            } => format!("已解决故障 {resolved} 个，{archived} 个已归档原因和处理过程；{open} 个未结"),
            How::Days { days, counted, what } => {
                let what = match what {
                    DayCheck::DailyRecord => "填写了日台账",
                    DayCheck::DatabaseArchive => "完成了数据库整理入库存档",
                    DayCheck::AnomalyCheck => "校核了数据异常",
                };
                format!("{counted} 天中 {days} 天{what}")
            }
            How::Delivered { to, on, by } => format!("{on} 已交付 {to}（{by} 记录）"),
            How::Produced { on, by } => {
                format!("{by} 于 {on} 生成，尚未交付：请记录交付（watchdesk score delivered --to 姓名）")
            }
            How::NotProduced => "尚未生成或交付".into(),
            How::NoServerFaults => "无服务器故障".into(),
            How::ServerReports { on_time, all } => {
                format!("服务器故障 {all} 个，{on_time} 个按时报告")
            }
            How::Complaints { complaints, notices } => format!(
                "投诉 {}（每次 −1），安全通报 {}（每次 −3）",
                entered(*complaints),
                entered(*notices)
            ),
        }
    }
}

/// The sub-items of 人员考核 as the contract names them.
pub fn sub_item_zh(item: HandItem) -> &'static str {
    match item {
        HandItem::PersonnelContact => "无故不及时联络",
        HandItem::PersonnelChange => "中途更换技术人员",
        HandItem::PersonnelExtra => "临时增派未到",
        HandItem::PersonnelSatisfaction => "甲方满意度",
        other => other.as_str(),
    }
}

/// The English of reports and the command line.
impl fmt::Display for How {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entered = |v: Option<f64>| v.map_or_else(|| "not entered".to_string(), |v| format!("{v}"));
        match self {
            How::NotEntered => f.write_str("not entered"),
            How::Entered { reason } => write!(f, "entered: {reason}"),
            How::OneFigure { reason } => write!(
                f,
                "entered as one figure before the four sub-items: {reason}; entering a sub-item replaces it"
            ),
            How::SubItems { parts, replaces } => {
                let parts = parts
                    .iter()
                    .map(|p| format!("{} {}/{}", p.item, points(p.points), points(p.max)))
                    .collect::<Vec<_>>()
                    .join(", ");
                f.write_str(&parts)?;
                if let Some(v) = replaces {
                    write!(f, "; replaces the single figure {} entered before", points(*v))?;
                }
                Ok(())
            }
            How::Times { times, each, reason } => write!(
                f,
                "{} (−{} each): {reason}",
                plural(*times as usize, "time"),
                points(*each)
            ),
            How::Graded { value, reason } => write!(f, "graded {}: {reason}", points(*value)),
            How::Faults {
                faults,
                late,
                deduction,
            } => write!(
                f,
                "{}, {late} late, −{}",
                plural(*faults, "fault"),
                points(*deduction)
            ),
            How::Archived {
                archived,
                resolved,
                open,
            } => write!(
                f,
                "{archived} of {} archived with cause and process; {open} still open",
                plural(*resolved, "resolved fault")
            ),
            How::Days { days, counted, what } => {
                let what = match what {
                    DayCheck::DailyRecord => "with a daily record",
                    DayCheck::DatabaseArchive => "with the database archive done",
                    DayCheck::AnomalyCheck => "with the data anomaly check done",
                };
                write!(f, "{days} of {counted} days {what}")
            }
            How::Delivered { to, on, by } => write!(f, "delivered to {to} on {on} (recorded by {by})"),
            How::Produced { on, by } => write!(
                f,
                "produced {on} by {by} but not delivered yet: record the delivery (watchdesk score delivered --to NAME)"
            ),
            How::NotProduced => f.write_str("not produced or delivered yet"),
            How::NoServerFaults => f.write_str("no server faults"),
            How::ServerReports { on_time, all } => write!(
                f,
                "{on_time} of {} reported in time",
                plural(*all, "server fault")
            ),
            How::Complaints { complaints, notices } => write!(
                f,
                "complaints {} (−1 each), notices {} (−3 each)",
                entered(*complaints),
                entered(*notices)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row's explanation, in both languages: the Chinese has no English word left in it but the
    /// names and reasons it quotes.
    #[test]
    fn every_explanation_has_chinese_words() {
        let all = [
            How::NotEntered,
            How::Entered {
                reason: "按期完成".into(),
            },
            How::OneFigure { reason: "x".into() },
            How::SubItems {
                parts: vec![SubItem {
                    item: HandItem::PersonnelContact,
                    points: 9.0,
                    max: 10.0,
                }],
                replaces: Some(40.0),
            },
            How::Times {
                times: 2,
                each: 1.0,
                reason: "x".into(),
            },
            How::Graded {
                value: 13.5,
                reason: "x".into(),
            },
            How::Faults {
                faults: 3,
                late: 1,
                deduction: 0.3,
            },
            How::Archived {
                archived: 2,
                resolved: 3,
                open: 1,
            },
            How::Days {
                days: 27,
                counted: 28,
                what: DayCheck::DailyRecord,
            },
            How::Delivered {
                to: "王处长".into(),
                on: "2026-12-28 10:00".into(),
                by: "li".into(),
            },
            How::Produced {
                on: "2026-12-28 10:00".into(),
                by: "li".into(),
            },
            How::NotProduced,
            How::NoServerFaults,
            How::ServerReports { on_time: 1, all: 2 },
            How::Complaints {
                complaints: Some(1.0),
                notices: None,
            },
        ];
        let english = regex::Regex::new("[a-z]{3,}").unwrap();
        for how in &all {
            let zh = how.words(Lang::Zh);
            let left: Vec<&str> = english
                .find_iter(&zh)
                .map(|m| m.as_str())
                .filter(|w| !["watchdesk", "score", "delivered"].contains(w))
                .collect();
            assert!(left.is_empty(), "{zh}: {left:?}");
            assert_eq!(how.words(Lang::En), how.to_string());
        }
        assert_eq!(
            all[6].to_string(),
            "3 faults, 1 late, −0.3",
            "the English of reports stays as it was"
        );
        assert_eq!(all[6].words(Lang::Zh), "故障 3 个，超时 1 个，−0.3");
        assert_eq!(all[8].words(Lang::Zh), "28 天中 27 天填写了日台账");
        assert_eq!(
            all[14].to_string(),
            "complaints 1 (−1 each), notices not entered (−3 each)"
        );
    }
}
