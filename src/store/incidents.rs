//! Incidents in the store: never-reused numbers, the record itself and the open index that keeps the list of
//! unresolved incidents cheap however large the archive grows.

use super::{Put, Store, StoreError, StoreReader, TreeName};
use crate::model::{Incident, IncidentId};

impl StoreReader {
    /// The next never-used incident number of `year`. The counter is written with the incident, in the same
    /// transaction, so a number reported to anyone is never handed out again.
    pub fn next_incident_id(&self, year: i32) -> Result<(IncidentId, Put), StoreError> {
        let current = self.incidents_in_year(year)?;
        Ok(Store::incident_id_after(IncidentId { year, seq: current }))
    }

    /// How many incident numbers `year` has handed out (one counter read): what a pass over the year costs.
    pub fn incidents_in_year(&self, year: i32) -> Result<u32, StoreError> {
        let key = format!("seq/{year}");
        match self.tree(TreeName::Meta).get(&key)? {
            Some(v) => Ok(u32::from_be_bytes(v.as_ref().try_into().map_err(|_| {
                StoreError::Corrupt {
                    tree: "meta",
                    key,
                    reason: "not a 4-byte counter".into(),
                }
            })?)),
            None => Ok(0),
        }
    }

    pub fn incident(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        self.get_json(TreeName::Incidents, &id.key())
    }

    /// The incidents not yet resolved, through the open index (cheap however large the archive).
    pub fn open_incidents(&self) -> Result<Vec<Incident>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree(TreeName::Open).iter() {
            let (key, _) = item?;
            if let Some(incident) = self.get_json::<Incident>(TreeName::Incidents, &key)? {
                out.push(incident);
            }
        }
        Ok(out)
    }

    pub fn all_incidents(&self) -> impl Iterator<Item = Result<Incident, StoreError>> {
        self.scan_json(TreeName::Incidents)
    }
}

impl Store {
    /// The writes that store `incident` and keep the open index in step.
    pub fn put_incident(incident: &Incident) -> Result<Vec<Put>, StoreError> {
        let key = incident.id.key().to_vec();
        let index = if incident.is_open() {
            Put::Insert {
                tree: TreeName::Open,
                key: key.clone(),
                value: Vec::new(),
            }
        } else {
            Put::Remove {
                tree: TreeName::Open,
                key: key.clone(),
            }
        };
        Ok(vec![Put::json(TreeName::Incidents, key, incident)?, index])
    }
}

impl Store {
    /// The number after `id` in its year, with the counter write that hands it out (for several incidents
    /// opened in one transaction).
    pub fn incident_id_after(id: IncidentId) -> (IncidentId, Put) {
        let seq = id.seq + 1;
        (
            IncidentId { year: id.year, seq },
            Put::Insert {
                tree: TreeName::Meta,
                key: format!("seq/{}", id.year).into_bytes(),
                value: seq.to_be_bytes().to_vec(),
            },
        )
    }
}
