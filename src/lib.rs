//! watchdesk: the on-call engineer's terminal dashboard for the Fujian water-conservancy quality-inspection
//! supervision platform (福建省水利质量检测监管平台).

// Nothing that runs may end the program on an `Err` or a `None` it did not expect: a failure is a clear error,
// and an invariant says why it holds with `expect`. Tests are free to unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod clock;
pub mod code_pages;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod engine;
pub mod health;
pub mod history;
pub mod hosts;
pub mod http;
pub mod logging;
pub mod model;
pub mod notify;
pub mod outbound;
pub mod policy;
pub mod probe;
pub mod redact;
pub mod report;
pub mod span;
pub mod store;
pub mod tui;
