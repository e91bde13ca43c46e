//! The JSON report as `serde_json`'s pretty printer writes it, its three long lists (the incidents, the host
//! alarms and the score's late faults) written an element at a time into parts, the other fields put around
//! them at the end.

use std::io::{self, Write};

use super::{Part, QuarterlyReport, without_rows};

/// The JSON report's long lists, each element as `serde_json`'s pretty printer writes it in the report.
pub(super) struct JsonLists {
    pub(super) incidents: JsonList,
    pub(super) alarms: JsonList,
    /// `score.faults`: a list in a field of the report's field.
    pub(super) late_faults: JsonList,
}

pub(super) struct JsonList {
    part: Part,
    count: usize,
    /// How deep the list's field is: 1 for a field of the report.
    depth: usize,
}

impl JsonList {
    pub(super) fn add(&mut self, value: &impl serde::Serialize) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        if self.count > 0 {
            self.part.push(",\n")?;
        }
        self.count += 1;
        // An element is one level deeper than its list's field. JSON text has no raw line break inside a
        // string, so every line break is the printer's.
        let indent = INDENT.repeat(self.depth + 1);
        self.part.push(&indent)?;
        self.part.push(&text.replace('\n', &format!("\n{indent}")))
    }

    /// The list as the field's value.
    fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        if self.count == 0 {
            return out.write_all(b"[]");
        }
        out.write_all(b"[\n")?;
        self.part.copy_to(out)?;
        out.write_all(format!("\n{}]", INDENT.repeat(self.depth)).as_bytes())
    }
}

const INDENT: &str = "  ";
const INCIDENTS: &str = "\n  \"incidents\": [],";
const HOST_ALARMS: &str = "\n  \"host_alarms\": [],";
const SCORE: &str = "\n  \"score\": {";
/// The score's own field: the first at its depth after the score's opening.
const LATE_FAULTS: &str = "\n    \"faults\": [],";

impl JsonLists {
    pub(super) fn new(spill: bool) -> io::Result<JsonLists> {
        let list = |depth| -> io::Result<JsonList> {
            Ok(JsonList {
                part: Part::new(spill)?,
                count: 0,
                depth,
            })
        };
        Ok(JsonLists {
            incidents: list(1)?,
            alarms: list(1)?,
            late_faults: list(2)?,
        })
    }

    /// The report's other fields as JSON, the lists put in where that JSON has them empty.
    pub(super) fn finish(self, r: &QuarterlyReport, out: &mut dyn Write) -> io::Result<()> {
        let others = serde_json::to_string_pretty(&without_rows(r)).map_err(io::Error::other)?;
        let missing =
            |field: &str| io::Error::other(format!("the report's JSON has no top-level field {field}"));
        let (before, rest) = others.split_once(INCIDENTS).ok_or_else(|| missing("incidents"))?;
        let (between, rest) = rest
            .split_once(HOST_ALARMS)
            .ok_or_else(|| missing("host_alarms"))?;
        let (to_score, in_score) = rest.split_once(SCORE).ok_or_else(|| missing("score"))?;
        let (score_before, after) = in_score
            .split_once(LATE_FAULTS)
            .ok_or_else(|| missing("score.faults"))?;
        out.write_all(before.as_bytes())?;
        out.write_all(b"\n  \"incidents\": ")?;
        self.incidents.copy_to(out)?;
        out.write_all(b",")?;
        out.write_all(between.as_bytes())?;
        out.write_all(b"\n  \"host_alarms\": ")?;
        self.alarms.copy_to(out)?;
        out.write_all(b",")?;
        out.write_all(to_score.as_bytes())?;
        out.write_all(SCORE.as_bytes())?;
        out.write_all(score_before.as_bytes())?;
        out.write_all(b"\n    \"faults\": ")?;
        self.late_faults.copy_to(out)?;
        out.write_all(b",")?;
        out.write_all(after.as_bytes())?;
        out.write_all(b"\n")
    }
}
