//! The score page's own words, in both languages: the service period, the fee basis, personnel sub-items,
//! major accidents and why points are missing.

use crate::config::Lang;
use crate::model::{HandItem, Responsibility};

pub struct Words {
    /// `{}` quarter number, `{}` start date.
    pub service_quarter: &'static str,
    /// `{}` start date.
    pub before_service: &'static str,
    /// `{}` half label, `{}` mean, `{}` band.
    pub fee_half: &'static str,
    pub projected: &'static str,
    /// `{}` half label, `{}` other quarter.
    pub fee_awaiting: &'static str,
    /// `{}` half label, `{}` other quarter.
    pub fee_no_partner: &'static str,
    /// `{}` count.
    pub accidents_cancel: &'static str,
    /// `{}` count.
    pub accidents_heading: &'static str,
    pub accidents_count: &'static str,
    pub missing_heading: &'static str,
    pub nothing_missing: &'static str,
    /// `{}` severity.
    pub late_while: &'static str,
    /// `{}` the quarter's first day.
    pub no_start_hint: &'static str,
}

const EN: Words = Words {
    service_quarter: "service quarter {} (service from {})",
    before_service: "before the service period (service from {}): no day of it counts",
    fee_half: "fee follows the half-year mean {}: {}{} → {}",
    projected: " (projected)",
    fee_awaiting: "fee follows the half-year mean ({}), known once {} is scored",
    fee_no_partner: "fee follows the half-year mean ({}); {} holds no records here",
    accidents_cancel: "{} major accidents caused by the contractor: the client may refuse the rest of the fee and cancel",
    accidents_heading: "Major accidents (contractor's in the service year: {})",
    accidents_count: "two caused by the contractor let the client refuse the rest of the fee and cancel",
    missing_heading: "Why points are missing",
    nothing_missing: "no points missing",
    late_while: "late while {}",
    no_start_hint: "  days count from {}, the quarter's first day: set [contract] start if the service began later",
};

const ZH: Words = Words {
    service_quarter: "服务期第 {} 季度（服务期自 {} 起）",
    before_service: "服务期开始前（服务期自 {} 起）：不计天数",
    fee_half: "按半年平均分付款 {}：{}{} → {}",
    projected: "（预估）",
    fee_awaiting: "按半年平均分付款（{}），{} 评分后可知",
    fee_no_partner: "按半年平均分付款（{}）；{} 无记录",
    accidents_cancel: "乙方责任重大事故 {} 次：甲方有权拒付剩余费用并解除合同",
    accidents_heading: "重大事故（本服务年度乙方责任 {} 次）",
    accidents_count: "乙方责任重大事故两次，甲方有权拒付剩余费用并解除合同",
    missing_heading: "失分原因",
    nothing_missing: "未失分",
    late_while: "{}时超时",
    no_start_hint: "  天数自季度首日 {} 起计：服务期晚于此开始的，请在配置中设置 [contract] start",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

pub fn sub_item(lang: Lang, item: HandItem) -> &'static str {
    match (lang, item) {
        (Lang::Zh, item) => crate::report::score::sub_item_zh(item),
        (Lang::En, HandItem::PersonnelContact) => "Not reachable",
        (Lang::En, HandItem::PersonnelChange) => "Staff changed",
        (Lang::En, HandItem::PersonnelExtra) => "Extra staff missing",
        (Lang::En, HandItem::PersonnelSatisfaction) => "Satisfaction",
        (_, other) => other.as_str(),
    }
}

pub fn responsibility(lang: Lang, r: Responsibility) -> &'static str {
    match lang {
        Lang::Zh => r.label_zh(),
        Lang::En => match r {
            Responsibility::Contractor => "contractor",
            Responsibility::Other => "not the contractor",
            Responsibility::Undetermined => "undetermined",
        },
    }
}
