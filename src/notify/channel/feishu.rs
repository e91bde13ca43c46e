//! feishu: to be written.

use chrono::{DateTime, Utc};

use super::{Delivered, SendError};
use crate::config::ChannelSpec;
use crate::notify::Message;

pub(super) async fn send(
    _http: &reqwest::Client,
    _spec: &ChannelSpec,
    _message: &Message,
    _now: DateTime<Utc>,
) -> Result<Delivered, SendError> {
    Err(SendError::Rejected("feishu is not available yet".into()))
}
