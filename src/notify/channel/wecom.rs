//! wecom: to be written.

use super::{Delivered, SendError};
use crate::config::ChannelSpec;
use crate::notify::Message;

pub(super) async fn send(
    _http: &reqwest::Client,
    _spec: &ChannelSpec,
    _message: &Message,
) -> Result<Delivered, SendError> {
    Err(SendError::Rejected("wecom is not available yet".into()))
}
