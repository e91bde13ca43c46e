//! Opening a fault of subsystem "digital" through an engine in this process, as engineer "li": what the
//! notification tests are notified of.
#![allow(dead_code)]

use watchdesk::engine::{Command, EngineHandle, Reply};
use watchdesk::model::{Actor, Incident, NewIncident};
use watchdesk::policy::{Kind, Severity};

pub async fn open_fault(engine: &EngineHandle, severity: Severity, title: &str) -> Incident {
    let new = NewIncident {
        kind: Kind::Fault,
        severity,
        title: title.into(),
        subsystem: Some("digital".into()),
        detected_at: None,
        source: None,
        host: None,
    };
    match engine
        .execute(Actor::named("li"), Command::OpenIncident(new))
        .await
        .unwrap()
    {
        Reply::Incident(i) => *i,
        other => panic!("expected an incident, got {other:?}"),
    }
}
