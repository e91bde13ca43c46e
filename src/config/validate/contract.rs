//! `[contract]`: the service period's start.

use super::Ctx;
use crate::config::ConfigError;
use crate::config::raw::RawContract;
use crate::policy::Contract;

/// `[contract] start`: the first day of a calendar quarter, so that service quarters are the store's quarters.
pub(super) fn contract(cx: &Ctx<'_>, raw: RawContract) -> Result<Contract, ConfigError> {
    let Some(start) = raw.start else {
        return Ok(Contract::default());
    };
    let day = start.get_ref().0;
    if !Contract::is_quarter_start(day) {
        return Err(cx.err(
            &start,
            "start",
            format!(
                "contract start {day} is not the first day of a calendar quarter: accepted are YYYY-01-01, \
                 YYYY-04-01, YYYY-07-01 or YYYY-10-01 (the service quarters the score is kept by begin on those \
                 days)"
            ),
        ));
    }
    Ok(Contract::starting(day))
}

