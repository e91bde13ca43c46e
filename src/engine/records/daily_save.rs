//! The daily ledger's save: its figures are read off the engine task, the record is written back on it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::super::long_read::Work;
use super::super::{Engine, EngineError};
use super::RecordsReply;
use crate::model::{Actor, DailyEntry, DailyRecord, RecordError};
use crate::report::daily::{self, Live};
use crate::store::{Put, TreeName};

impl Engine {
    /// The day's figures are read off the engine task (they look at the year's incidents); the record is
    /// written back on it, and the view answered is read off it again.
    pub(super) fn save_daily(
        &mut self,
        actor: &Actor,
        day: NaiveDate,
        entry: DailyEntry,
        now: DateTime<Utc>,
    ) -> Result<Work, EngineError> {
        let today = self.policy.calendar.local_day(now);
        if day > today {
            return Err(RecordError::FutureDate { date: day, today }.into());
        }
        let (store, config, live) = (self.store.reader(), self.config.clone(), self.live(day, today));
        let actor = actor.clone();
        Ok(Work::read_then(
            move || daily::figures(&store, &config, day, now, live),
            move |engine: &mut Engine, figures| {
                engine
                    .write_daily(&actor, day, entry, figures, now)
                    .unwrap_or_else(Work::failed)
            },
        ))
    }

    fn write_daily(
        &mut self,
        actor: &Actor,
        day: NaiveDate,
        entry: DailyEntry,
        figures: Result<crate::model::DailyFigures, crate::store::StoreError>,
        now: DateTime<Utc>,
    ) -> Result<Work, EngineError> {
        let today = self.policy.calendar.local_day(now);
        let mut figures = figures?;
        let key = DailyRecord::key(day);
        let previous: Option<DailyRecord> = self.store.get_json(TreeName::Daily, key.as_bytes())?;
        if let Some(p) = &previous {
            // What this process did not see, the earlier save may have.
            figures.hosts = figures.hosts.or_else(|| p.figures.hosts.clone());
            figures.backups = figures.backups.or_else(|| p.figures.backups.clone());
        }
        let mut record =
            DailyRecord::save(previous.as_ref(), day, today, entry.clone(), figures, actor, now)?;
        record.audit_head = Some(self.store.chain_head());
        let payload = json!({ "entry": entry, "previous": previous });
        let put = Put::json(TreeName::Daily, key.clone(), &record)?;
        self.store
            .commit(actor, now, "daily.save", &key, payload, vec![put])?;
        self.records_changed();
        let (store, config, live) = (self.store.reader(), self.config.clone(), self.live(day, today));
        Ok(Work::records(move || {
            Ok(RecordsReply::Daily(daily::view(&store, &config, day, now, live)?))
        }))
    }

    /// What only this process saw of `day`: host peaks, and (today only) the backup checks' latest results.
    pub(super) fn live(&self, day: NaiveDate, today: NaiveDate) -> Live {
        let backups =
            (day == today).then(|| daily::backup_checks(&self.config, |id| self.health.last_result(id)));
        Live {
            hosts: self.records.host_peaks(day),
            backups,
        }
    }
}
