//! Alertmanager's `truncatedAlerts`: alerts it left out of a payload are counted, logged and noted on the
//! incidents the payload opened, since they never reach watchdesk.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::json;

use super::{Rig, TOKEN, alert};
use crate::model::TimelineKind;

/// Log lines written while a test runs, as the daemon's text log would show them.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

fn payload(alerts: serde_json::Value, truncated: u64) -> String {
    json!({
        "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": truncated,
        "status": "firing", "receiver": "watchdesk", "groupLabels": {}, "commonLabels": {},
        "commonAnnotations": {}, "externalURL": "http://127.0.0.1:9093", "alerts": alerts
    })
    .to_string()
}

fn notes(rig: &Rig) -> Vec<String> {
    rig.engine
        .snapshot()
        .open_incidents
        .iter()
        .flat_map(|i| i.timeline.iter())
        .filter_map(|e| match &e.kind {
            TimelineKind::Note { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

async fn scrape(rig: &Rig) -> String {
    rig.http
        .get(rig.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn truncated_total(metrics: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("watchdesk_intake_truncated_alerts_total "))
        .unwrap_or_else(|| panic!("no truncated counter in\n{metrics}"))
        .parse()
        .unwrap()
}

// One thread, so the server's tasks log to the subscriber set here.
#[tokio::test(flavor = "current_thread")]
async fn alerts_left_out_are_counted_logged_and_noted_on_the_incidents_opened() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let rig = Rig::start(Some(TOKEN), 64 * 1024).await;
    assert_eq!(truncated_total(&scrape(&rig).await), 0.0);

    // Nothing left out: no note, nothing counted, nothing said.
    let (status, body) = rig
        .post(
            "/api/v1/alertmanager",
            Some(TOKEN),
            payload(json!([alert("f0", "warning")]), 0),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(notes(&rig).is_empty());
    assert!(!log.text().contains("truncatedAlerts"), "{}", log.text());

    let (status, body) = rig
        .post(
            "/api/v1/alertmanager",
            Some(TOKEN),
            payload(json!([alert("f1", "critical"), alert("f2", "warning")]), 7),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["opened"].as_array().unwrap().len(), 2);
    assert_eq!(truncated_total(&scrape(&rig).await), 7.0);
    let written = notes(&rig);
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(
        written.iter().all(|n| n.contains("left 7 more alerts")),
        "{written:?}"
    );
    let logged = log.text();
    assert!(logged.contains("WARN"), "{logged}");
    assert!(logged.contains("left 7 alerts out of a payload of 2"), "{logged}");

    // A repeat of the same group opens nothing: the count grows, no incident gets a second note.
    let (status, body) = rig
        .post(
            "/api/v1/alertmanager",
            Some(TOKEN),
            payload(json!([alert("f1", "critical"), alert("f2", "warning")]), 2),
        )
        .await;
    assert_eq!((status, body["unchanged"].as_u64()), (200, Some(2)), "{body}");
    assert_eq!(truncated_total(&scrape(&rig).await), 9.0);
    assert_eq!(notes(&rig).len(), 2);
    rig.stop().await;
}
