//! Where a ticket stands against each of its deadlines at a given moment.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::Stage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    pub stage: Stage,
    pub due: DateTime<Utc>,
    pub state: DeadlineState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum DeadlineState {
    /// Done at `at`, on time.
    Met { at: DateTime<Utc> },
    /// Done at `at`, or not yet done (`at` = None), after the due time.
    Late {
        at: Option<DateTime<Utc>>,
        #[serde(with = "secs")]
        by: Duration,
    },
    /// Not done yet, `left` to go.
    Pending {
        #[serde(with = "secs")]
        left: Duration,
    },
}

impl DeadlineStatus {
    pub fn evaluate(
        stage: Stage,
        due: DateTime<Utc>,
        done: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        let state = match done {
            Some(at) if at <= due => DeadlineState::Met { at },
            Some(at) => DeadlineState::Late {
                at: Some(at),
                by: at - due,
            },
            None if now <= due => DeadlineState::Pending { left: due - now },
            None => DeadlineState::Late {
                at: None,
                by: now - due,
            },
        };
        DeadlineStatus { stage, due, state }
    }

    pub fn is_late(&self) -> bool {
        matches!(self.state, DeadlineState::Late { .. })
    }

    pub fn is_pending(&self) -> bool {
        matches!(
            self.state,
            DeadlineState::Pending { .. } | DeadlineState::Late { at: None, .. }
        )
    }
}

mod secs {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        i64::deserialize(d).map(Duration::seconds)
    }
}
