//! Plain data and the rules that govern it: incidents and their lifecycle, the audit event, the actor.

mod actor;
mod deadline;
mod incident;
mod notification;
mod records;

pub use actor::{Actor, claimed_origin, user_id, user_name};
pub use deadline::{DeadlineState, DeadlineStatus};
pub use incident::{
    AutoSource, Incident, IncidentId, LifecycleError, NewIncident, Origin, Resolution, State, Step,
    TimelineEntry, TimelineKind,
};
pub use notification::{Delivery, Entry, EventKind, Message};
pub use records::{
    AdviceRecord, BackupCheck, DailyEntry, DailyFigures, DailyRecord, HandEntry, HandItem, HandoverRecord,
    HostPeak, MissedDeadline, MonthlyEntry, MonthlyRecord, Quarter, QuarterlyProduced, RecordError,
    SubsystemDay, day_start,
};
