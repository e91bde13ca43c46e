//! Where a severity means something: a fault's or support ticket's deadlines follow it; a change request's
//! (24 h) and a security finding's (10 working days) do not.

use crate::cli::context::CliError;
use crate::model::Incident;
use crate::policy::{Kind, Severity};

/// A fault or support ticket needs a severity (it sets the deadlines); a change request or a security finding
/// has one deadline whatever the severity, so one given there is refused rather than stored as if it meant
/// something. Such tickets are kept as minor.
pub(super) fn severity_for(kind: Kind, severity: Option<Severity>) -> Result<Severity, CliError> {
    match (kind.has_severity(), severity) {
        (true, Some(s)) => Ok(s),
        (true, None) => Err(CliError::bad_input(format!(
            "--severity is required for a {kind}: accepted are critical, major, minor"
        ))),
        (false, None) => Ok(Severity::Minor),
        (false, Some(_)) => Err(CliError::bad_input(format!(
            "--severity does not apply to a {}: its deadline is {} whatever the severity; leave --severity out",
            kind_words(kind),
            match kind {
                Kind::Change => "24 h",
                _ => "10 working days",
            }
        ))),
    }
}

/// A change request or a security finding has no severity: `—` rather than the one it is kept with.
pub(super) fn severity_words(incident: &Incident) -> &'static str {
    if incident.kind.has_severity() {
        incident.severity.as_str()
    } else {
        "—"
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Change => "change request",
        Kind::Security => "security finding",
        Kind::Fault => "fault",
        Kind::Support => "support ticket",
    }
}
