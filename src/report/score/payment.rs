//! 付款: what a quarter's total earns under the contract, and the half-year figure.

use serde::{Deserialize, Serialize};

use super::{points, round2};
use crate::model::Quarter;

/// 付款: what a total earns under the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Above 90: the full fee.
    #[default]
    Full,
    /// 80 to 90: that percentage of the fee.
    Proportional,
    /// Below 80: half the fee.
    Half,
    /// Below 60: half at most, and the client may refuse the rest and cancel.
    Refusable,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Payment {
    pub band: Band,
    /// Percent of the quarter's fee.
    pub fee_pct: f64,
    /// Below 60, or two major accidents caused by the contractor: the client may refuse the rest and cancel.
    pub may_cancel: bool,
    /// Major accidents the contractor was found responsible for in the service year so far.
    #[serde(default)]
    pub major_accidents: u32,
}

impl Payment {
    /// The same band, with the contractor's major accidents: two of them let the client refuse the rest of
    /// the fee and cancel, whatever the score.
    pub fn with_accidents(self, by_contractor: u32) -> Payment {
        Payment {
            major_accidents: by_contractor,
            may_cancel: self.may_cancel || by_contractor >= 2,
            ..self
        }
    }

    pub fn words(&self) -> String {
        let band = self.band_words();
        if self.major_accidents >= 2 {
            format!(
                "{band}; {} major accidents caused by the contractor: the client may refuse the rest of the fee \
                 and cancel the contract",
                self.major_accidents
            )
        } else {
            band
        }
    }

    fn band_words(&self) -> String {
        match self.band {
            Band::Full => "above 90: full fee".to_string(),
            Band::Proportional => format!("80 to 90: {} % of the fee", points(self.fee_pct)),
            Band::Half => "below 80: 50 % of the fee".to_string(),
            Band::Refusable => {
                "below 60: 50 % at most; the client may refuse the rest and cancel".to_string()
            }
        }
    }
}

/// The payment band of a total (rounded to hundredths first, so 90.004 is 90).
pub fn payment(total: f64) -> Payment {
    let t = round2(total);
    if t > 90.0 {
        Payment {
            band: Band::Full,
            fee_pct: 100.0,
            may_cancel: false,
            major_accidents: 0,
        }
    } else if t >= 80.0 {
        Payment {
            band: Band::Proportional,
            fee_pct: t,
            may_cancel: false,
            major_accidents: 0,
        }
    } else if t >= 60.0 {
        Payment {
            band: Band::Half,
            fee_pct: 50.0,
            may_cancel: false,
            major_accidents: 0,
        }
    } else {
        Payment {
            band: Band::Refusable,
            fee_pct: 50.0,
            may_cancel: true,
            major_accidents: 0,
        }
    }
}

/// 半年考核: the mean of the two quarters of a half year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HalfYear {
    /// e.g. `2026H2`.
    pub label: String,
    pub quarters: Vec<(Quarter, f64)>,
    pub mean: f64,
    pub payment: Payment,
    /// A quarter of it is still running.
    pub projected: bool,
}

/// What the fee of a quarter is paid on. The seed ties payment to the half-year score (前半年考核分数…直接与服务
/// 费用支付挂钩): the mean of the two quarters of the service half year. Until the other quarter has begun it
/// cannot be known, and this quarter's own band is what it would be if the other scored the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FeeBasis<'a> {
    HalfYear(&'a HalfYear),
    AwaitingPartner {
        label: &'a str,
        partner: Option<Quarter>,
    },
}

impl super::Score {
    pub fn fee_basis(&self) -> FeeBasis<'_> {
        match &self.half_year {
            Some(h) => FeeBasis::HalfYear(h),
            None => FeeBasis::AwaitingPartner {
                label: &self.half_label,
                partner: self.partner,
            },
        }
    }

    /// The headline in words: this quarter's band, the half-year mean, and which one the fee follows.
    pub fn fee_words(&self) -> String {
        let quarter = format!("This quarter {}: {}", points(self.total), self.payment.words());
        match self.fee_basis() {
            FeeBasis::HalfYear(h) => format!(
                "{quarter}. The fee follows the half-year mean: {} {}{} — {}",
                h.label,
                points(h.mean),
                if h.projected { " (projected)" } else { "" },
                h.payment.words()
            ),
            FeeBasis::AwaitingPartner { label, partner } => match partner {
                Some(p) if p < self.quarter => format!(
                    "{quarter}. The fee follows the half-year mean ({label}); {p} holds no records here: if it \
                     scored the same, the fee is as above"
                ),
                Some(p) => format!(
                    "{quarter}. The fee follows the half-year mean ({label}), known once {p} is scored; if it \
                     scores the same, the fee is as above"
                ),
                None => format!("{quarter}. The fee follows the half-year mean ({label})"),
            },
        }
    }
}
