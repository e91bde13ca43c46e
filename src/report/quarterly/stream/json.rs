//! The JSON report as `serde_json`'s pretty printer writes it, its two long lists (the incidents and the host
//! alarms) written an element at a time into parts, the other fields put around them at the end.

use std::io::{self, Write};

use super::{Part, QuarterlyReport, without_rows};

/// The JSON report's two long lists, each element as `serde_json`'s pretty printer writes it in the report.
pub(super) struct JsonLists {
    pub(super) incidents: JsonList,
    pub(super) alarms: JsonList,
}

pub(super) struct JsonList {
    part: Part,
    count: usize,
}

impl JsonList {
    pub(super) fn add(&mut self, value: &impl serde::Serialize) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        if self.count > 0 {
            self.part.push(",\n")?;
        }
        self.count += 1;
        // An element of a list that is a field of the report: two levels in. JSON text has no raw line break
        // inside a string, so every line break is the printer's.
        self.part.push(ELEMENT_INDENT)?;
        self.part
            .push(&text.replace('\n', &format!("\n{ELEMENT_INDENT}")))
    }

    /// The list as the field's value.
    fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        if self.count == 0 {
            return out.write_all(b"[]");
        }
        out.write_all(b"[\n")?;
        self.part.copy_to(out)?;
        out.write_all(b"\n  ]")
    }
}

const ELEMENT_INDENT: &str = "    ";
const INCIDENTS: &str = "\n  \"incidents\": [],";
const HOST_ALARMS: &str = "\n  \"host_alarms\": [],";

impl JsonLists {
    pub(super) fn new(spill: bool) -> io::Result<JsonLists> {
        let list = |spill| -> io::Result<JsonList> {
            Ok(JsonList {
                part: Part::new(spill)?,
                count: 0,
            })
        };
        Ok(JsonLists {
            incidents: list(spill)?,
            alarms: list(spill)?,
        })
    }

    /// The report's other fields as JSON, the two lists put in where that JSON has them empty.
    pub(super) fn finish(self, r: &QuarterlyReport, out: &mut dyn Write) -> io::Result<()> {
        let others = serde_json::to_string_pretty(&without_rows(r)).map_err(io::Error::other)?;
        let missing =
            |field: &str| io::Error::other(format!("the report's JSON has no top-level field {field}"));
        let (before, rest) = others.split_once(INCIDENTS).ok_or_else(|| missing("incidents"))?;
        let (between, after) = rest
            .split_once(HOST_ALARMS)
            .ok_or_else(|| missing("host_alarms"))?;
        out.write_all(before.as_bytes())?;
        out.write_all(b"\n  \"incidents\": ")?;
        self.incidents.copy_to(out)?;
        out.write_all(b",")?;
        out.write_all(between.as_bytes())?;
        out.write_all(b"\n  \"host_alarms\": ")?;
        self.alarms.copy_to(out)?;
        out.write_all(b",")?;
        out.write_all(after.as_bytes())?;
        out.write_all(b"\n")
    }
}
