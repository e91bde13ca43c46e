//! A node_exporter that is not there: a real scrape of a port nothing listens on, on 127.0.0.1.
#![allow(dead_code)]

use std::time::Duration;

use watchdesk::hosts::HostReading;
use watchdesk::hosts::node_exporter::NodeExporter;

/// The URL scraped and what the scrape read (unreachable, the connection refused).
pub async fn closed_port_scrape() -> (String, HostReading) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/metrics", closed.local_addr().unwrap());
    drop(closed);
    let reading = NodeExporter::new(url.clone(), Duration::from_secs(5))
        .scrape()
        .await;
    (url, reading)
}
