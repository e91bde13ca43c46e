//! email: to be written.

use std::time::Duration;

use super::{Delivered, SendError};
use crate::config::ChannelSpec;
use crate::notify::Message;

pub(super) async fn send(
    _spec: &ChannelSpec,
    _message: &Message,
    _timeout: Duration,
) -> Result<Delivered, SendError> {
    Err(SendError::Rejected("email is not available yet".into()))
}
