//! The quarterly report written as the quarter's incidents are read, so that a quarter of tens of thousands of
//! incidents is written in bounded memory. Each incident goes, as it comes, into the parts of the document that
//! list it (the fault overview, the fault's own sub-section, the host alarms, the back-dated actions…), kept in
//! temporary files; once every incident has been read, the document is written part after part, with the
//! counts its headings give. CSV rows go straight out; a Word document is written from the Markdown so put
//! together, read twice (its tables are sized to every row).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{HostAlarm, IncidentRow, QuarterlyReport, csv as quarter_csv, markdown as md};
use crate::config::Config;
use crate::model::{Actor, Quarter};
use crate::policy::Kind;
use crate::report::html::{self, charts::IncidentWeeks};
use crate::report::markdown::table_head;
use crate::report::score::{self, FaultCost, Score};
use crate::report::{Format, csv, docx};
use crate::store::{StoreError, StoreReader};

mod json;
use json::JsonLists;

/// What stopped a report being written: reading the store, or writing the document.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Builds the report of `quarter` from the store and writes it in `format` to `out` as its incidents are read.
/// Answers the report without its incidents, host alarms and the score's late faults, and how many incidents
/// it listed.
pub fn from_store(
    store: &StoreReader,
    config: &Config,
    (quarter, now, by): (Quarter, DateTime<Utc>, &Actor),
    format: Format,
    out: &mut dyn Write,
) -> Result<(QuarterlyReport, usize), WriteError> {
    let mut writer = Writer::new(format, config.policy.calendar.zone, out, true)?;
    let mut failed = None;
    let mut listed = 0;
    let head = super::build_passing(store, config, quarter, now, by, |row, alarm, late| {
        if failed.is_some() {
            return;
        }
        listed += 1;
        let written = writer
            .row(&row)
            .and_then(|()| alarm.map_or(Ok(()), |a| writer.alarm(&a)))
            .and_then(|()| late.map_or(Ok(()), |c| writer.late_fault(&c)));
        failed = written.err();
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    writer.finish(&head)?;
    Ok((head, listed))
}

/// A report already held, written in `format` to `out`.
pub fn write(report: &QuarterlyReport, format: Format, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = Writer::new(format, report.timezone, out, false)?;
    for row in &report.incidents {
        writer.row(row)?;
    }
    for alarm in &report.host_alarms {
        writer.alarm(alarm)?;
    }
    for cost in &report.score.faults {
        writer.late_fault(cost)?;
    }
    writer.finish(report)
}

/// A report already held, in `format`, as bytes.
pub fn in_memory(report: &QuarterlyReport, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into memory cannot fail (nor can a Word document of plain text be refused).
    let _ = write(report, format, &mut out);
    out
}

/// Writes one report: its incidents and host alarms (in the report's order) given one at a time, then the rest
/// of the report to `finish` it.
pub struct Writer<'a> {
    zone: Tz,
    parts: Parts<'a>,
}

/// What each format keeps until the end, and where it writes.
enum Parts<'a> {
    Markdown(Sections, &'a mut dyn Write),
    Html(Sections, IncidentWeeks, &'a mut dyn Write),
    Json(JsonLists, &'a mut dyn Write),
    /// The rows go straight out.
    Csv(csv::Rows<BufWriter<&'a mut dyn Write>>),
    Docx(Sections, &'a mut dyn Write),
}

impl<'a> Writer<'a> {
    /// `spill`: the parts that wait go to temporary files (a report read from the store), else to memory.
    pub fn new(format: Format, zone: Tz, out: &'a mut dyn Write, spill: bool) -> io::Result<Writer<'a>> {
        let parts = match format {
            Format::Markdown => Parts::Markdown(Sections::new(spill)?, out),
            Format::Html => Parts::Html(Sections::new(spill)?, IncidentWeeks::default(), out),
            Format::Json => Parts::Json(JsonLists::new(spill)?, out),
            Format::Docx => Parts::Docx(Sections::new(spill)?, out),
            Format::Csv => {
                let mut rows = csv::Rows::new(BufWriter::new(out))?;
                rows.row(quarter_csv::HEADER)?;
                Parts::Csv(rows)
            }
        };
        Ok(Writer { zone, parts })
    }

    pub fn row(&mut self, row: &IncidentRow) -> io::Result<()> {
        match &mut self.parts {
            Parts::Markdown(sections, _) | Parts::Docx(sections, _) => sections.row(row, self.zone),
            Parts::Html(sections, weeks, _) => {
                weeks.add(row, self.zone);
                sections.row(row, self.zone)
            }
            Parts::Json(lists, _) => lists.incidents.add(row),
            Parts::Csv(rows) => rows.row(quarter_csv::fields(row, self.zone)),
        }
    }

    pub fn alarm(&mut self, alarm: &HostAlarm) -> io::Result<()> {
        match &mut self.parts {
            Parts::Markdown(sections, _) | Parts::Html(sections, _, _) | Parts::Docx(sections, _) => {
                sections.alarm(alarm, self.zone)
            }
            Parts::Json(lists, _) => lists.alarms.add(alarm),
            Parts::Csv(_) => Ok(()),
        }
    }

    /// A fault that cost points, for the score's list of them (in the order the score lists them).
    pub fn late_fault(&mut self, cost: &FaultCost) -> io::Result<()> {
        match &mut self.parts {
            Parts::Markdown(sections, _) | Parts::Html(sections, _, _) | Parts::Docx(sections, _) => {
                sections.late_fault(cost)
            }
            Parts::Json(lists, _) => lists.late_faults.add(cost),
            Parts::Csv(_) => Ok(()),
        }
    }

    /// Writes the document: `report` gives everything but the incidents, alarms and late faults already given.
    pub fn finish(self, report: &QuarterlyReport) -> io::Result<()> {
        match self.parts {
            Parts::Markdown(sections, out) => {
                sections.finish(report, out)?;
                out.flush()
            }
            Parts::Html(sections, weeks, out) => {
                let mut markdown = Part::new(sections.spill)?;
                sections.finish(report, &mut markdown)?;
                let figures = html::quarterly_figures(report, &weeks);
                html::page_to(out, &html::quarterly_title(report), markdown.lines()?, &figures)?;
                out.flush()
            }
            Parts::Json(lists, out) => {
                lists.finish(report, out)?;
                out.flush()
            }
            Parts::Csv(rows) => rows.finish()?.flush(),
            Parts::Docx(sections, out) => {
                let mut markdown = Part::new(sections.spill)?;
                let spill = sections.spill;
                sections.finish(report, &mut markdown)?;
                docx::write_to(markdown.into_reader()?, docx::Page::Landscape, spill, out)?;
                out.flush()
            }
        }
    }
}

/// The report's other fields.
fn without_rows(r: &QuarterlyReport) -> QuarterlyReport {
    QuarterlyReport {
        platform: r.platform.clone(),
        timezone: r.timezone,
        quarter: r.quarter,
        first_day: r.first_day,
        last_day: r.last_day,
        generated_at: r.generated_at,
        generated_by: r.generated_by.clone(),
        availability: r.availability.clone(),
        incidents: Vec::new(),
        host_alarms: Vec::new(),
        ledger: r.ledger.clone(),
        monthly: r.monthly.clone(),
        advice: r.advice.clone(),
        score: Score {
            faults: Vec::new(),
            ..r.score.clone()
        },
        audit_head: r.audit_head.clone(),
        series: r.series.clone(),
    }
}

/// A part of the document that waits for the parts before it: in memory, or in a temporary file.
enum Part {
    Memory(Vec<u8>),
    File(BufWriter<File>),
}

impl Part {
    fn new(spill: bool) -> io::Result<Part> {
        Ok(if spill {
            Part::File(BufWriter::new(tempfile::tempfile()?))
        } else {
            Part::Memory(Vec::new())
        })
    }

    fn push(&mut self, text: &str) -> io::Result<()> {
        self.write_all(text.as_bytes())
    }

    /// What was written, to be read from the start (and again).
    fn into_reader(self) -> io::Result<Box<dyn Source>> {
        Ok(match self {
            Part::Memory(bytes) => Box::new(io::Cursor::new(bytes)),
            Part::File(writer) => {
                let mut file = writer.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                Box::new(BufReader::new(file))
            }
        })
    }

    fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        io::copy(&mut self.into_reader()?, out).map(drop)
    }

    fn lines(self) -> io::Result<io::Lines<Box<dyn Source>>> {
        Ok(self.into_reader()?.lines())
    }
}

/// A part read back.
trait Source: BufRead + Seek {}

impl<T: BufRead + Seek> Source for T {}

impl Write for Part {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Part::Memory(bytes) => bytes.write(buf),
            Part::File(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Part::Memory(_) => Ok(()),
            Part::File(file) => file.flush(),
        }
    }
}

/// The Markdown sections that list incidents, filled one incident at a time, with the counts of their headings.
struct Sections {
    spill: bool,
    fault_rows: Part,
    fault_sections: Part,
    ticket_rows: Part,
    alarm_rows: Part,
    backdated_rows: Part,
    /// The score's table of the faults that cost points.
    late_fault_rows: Part,
    faults: usize,
    late: usize,
    deductions: f64,
    tickets: usize,
    alarms: usize,
    backdated: usize,
    late_faults: usize,
}

impl Sections {
    fn new(spill: bool) -> io::Result<Sections> {
        Ok(Sections {
            spill,
            fault_rows: Part::new(spill)?,
            fault_sections: Part::new(spill)?,
            ticket_rows: Part::new(spill)?,
            alarm_rows: Part::new(spill)?,
            backdated_rows: Part::new(spill)?,
            late_fault_rows: Part::new(spill)?,
            faults: 0,
            late: 0,
            // What a sum of no deductions is, so that adding them one by one gives what `Sum` gives.
            deductions: std::iter::empty::<f64>().sum(),
            tickets: 0,
            alarms: 0,
            backdated: 0,
            late_faults: 0,
        })
    }

    fn row(&mut self, row: &IncidentRow, zone: Tz) -> io::Result<()> {
        let mut text = String::new();
        md::overview_row(&mut text, row, zone);
        if row.kind == Kind::Fault {
            self.faults += 1;
            self.late += usize::from(row.late);
            self.deductions += row.deduction;
            self.fault_rows.push(&text)?;
            text.clear();
            md::fault_section(&mut text, row, zone);
            self.fault_sections.push(&text)?;
        } else {
            self.tickets += 1;
            self.ticket_rows.push(&text)?;
        }
        for b in &row.backdated {
            self.backdated += 1;
            text.clear();
            md::backdated_row(&mut text, &row.id, b, zone);
            self.backdated_rows.push(&text)?;
        }
        Ok(())
    }

    fn late_fault(&mut self, cost: &FaultCost) -> io::Result<()> {
        self.late_faults += 1;
        let mut text = String::new();
        score::fault_row(&mut text, cost);
        self.late_fault_rows.push(&text)
    }

    fn alarm(&mut self, alarm: &HostAlarm, zone: Tz) -> io::Result<()> {
        self.alarms += 1;
        let mut text = String::new();
        md::alarm_row(&mut text, alarm, zone);
        self.alarm_rows.push(&text)
    }

    fn finish(self, r: &QuarterlyReport, out: &mut dyn Write) -> io::Result<()> {
        let head = |columns: &[(&str, crate::report::markdown::Align)]| {
            let mut text = String::new();
            table_head(&mut text, columns);
            text
        };
        out.write_all(md::opening(r).as_bytes())?;
        out.write_all(md::faults_heading(self.faults, self.late, self.deductions).as_bytes())?;
        if self.faults == 0 {
            out.write_all(md::NO_FAULTS.as_bytes())?;
        } else {
            out.write_all(head(&md::OVERVIEW).as_bytes())?;
            self.fault_rows.copy_to(out)?;
            out.write_all(b"\n")?;
            self.fault_sections.copy_to(out)?;
        }
        out.write_all(md::tickets_heading(self.tickets).as_bytes())?;
        table_or_none(out, self.tickets, &head(&md::OVERVIEW), self.ticket_rows)?;
        out.write_all(md::alarms_heading(self.alarms).as_bytes())?;
        table_or_none(out, self.alarms, &head(&md::ALARMS), self.alarm_rows)?;
        out.write_all(md::ledger(r).as_bytes())?;
        out.write_all(md::backdated_heading(self.backdated).as_bytes())?;
        if self.backdated > 0 {
            out.write_all(head(&md::BACKDATED).as_bytes())?;
            self.backdated_rows.copy_to(out)?;
            out.write_all(b"\n")?;
        }
        let (before, after) = md::closing(r);
        out.write_all(before.as_bytes())?;
        if self.late_faults > 0 {
            out.write_all(md::closing_faults_head().as_bytes())?;
            self.late_fault_rows.copy_to(out)?;
            out.write_all(b"\n")?;
        }
        out.write_all(after.as_bytes())
    }
}

/// A table of `rows` under `head`, or "None this quarter." when there are none.
fn table_or_none(out: &mut dyn Write, count: usize, head: &str, rows: Part) -> io::Result<()> {
    if count == 0 {
        return out.write_all(md::NONE.as_bytes());
    }
    out.write_all(head.as_bytes())?;
    rows.copy_to(out)?;
    out.write_all(b"\n")
}
