//! `[contract]`: the service period's start.

use crate::config::raw::RawContract;
use crate::policy::Contract;

/// `[contract] start`: any date (its format is checked where it is read, with the line and column).
pub(super) fn contract(raw: RawContract) -> Contract {
    Contract {
        start: raw.start.map(|d| d.get_ref().0),
    }
}
