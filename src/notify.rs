//! Notifications: nobody misses a fault, a deadline or a handover because they were not looking.
//!
//! ```text
//!  engine ──DomainEvent (broadcast)──► Notifier ──rules──► outbox (sled tree, durable) ──► channel workers
//!     │                                    ▲                                                 │ rate limit,
//!     └── audit log (events tree) ─────────┘ replayed from the notifier's cursor after a lag   │ digest, retry
//!                                              or a restart                                   ▼
//!                                                                    DingTalk / Feishu / WeCom / webhook / mail
//! ```
//! Subscribers never reach into the engine: a slow or dead channel delays nothing but its own messages.

pub mod channel;
mod notifier;
pub mod outbox;
mod rules;

pub use crate::model::{Delivery, Entry, EventKind, Message};
pub use channel::{Delivered, SendError};
pub use notifier::{Notifier, Trees};
pub use outbox::Outbox;
pub use rules::Planner;
