//! The local host on the machine running the tests.

use std::collections::HashSet;
use std::time::Duration;

use watchdesk::config::{Host, HostSource};
use watchdesk::hosts::filesystems::is_pseudo_fs;
use watchdesk::hosts::local::LocalHost;
use watchdesk::hosts::{Gauges, HostReading, sampler};

/// `/proc/mounts` as (device, mount point, type), with the octal escapes of spaces undone.
fn proc_mounts() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string("/proc/mounts").unwrap();
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let unescape = |s: &str| {
                s.replace("\\040", " ")
                    .replace("\\011", "\t")
                    .replace("\\134", "\\")
            };
            Some((unescape(f.next()?), unescape(f.next()?), f.next()?.to_string()))
        })
        .collect()
}

fn gauges(reading: HostReading) -> Gauges {
    match reading {
        HostReading::Gauges(g) => g,
        HostReading::Unreachable { reason } => panic!("unreachable: {reason}"),
    }
}

#[test]
fn local_disks_have_no_duplicate_device_and_no_pseudo_filesystem() {
    let mut host = LocalHost::new().unwrap();
    let g = host.read();
    let mounts = proc_mounts();
    let mut devices = HashSet::new();
    for disk in &g.disks {
        assert!(
            devices.insert(disk.device.clone()),
            "device {} listed twice",
            disk.device
        );
        // The filesystem visible at the mount point is the last one mounted there.
        let (_, _, fstype) = mounts
            .iter()
            .rev()
            .find(|(_, mount, _)| *mount == disk.mount)
            .unwrap_or_else(|| panic!("{} is not in /proc/mounts", disk.mount));
        assert!(!is_pseudo_fs(fstype), "{} is {fstype}", disk.mount);
        assert!(!["overlay", "tmpfs", "squashfs", "devtmpfs"].contains(&fstype.as_str()));
        assert!(disk.total_bytes > 0);
        assert!(disk.used_bytes <= disk.total_bytes);
        assert!((0.0..=100.0).contains(&disk.used_pct));
    }
    let mut sorted = g.disks.clone();
    sorted.sort_by(|a, b| a.mount.cmp(&b.mount));
    assert_eq!(sorted, g.disks, "sorted by mount point");
}

fn local(interval: Duration) -> Host {
    Host {
        name: "app-01".into(),
        source: HostSource::Local,
        interval,
        timeout: Duration::from_secs(5),
        warn_pct: 80.0,
        critical_pct: 90.0,
        critical_for: Duration::from_secs(300),
    }
}

#[tokio::test(start_paused = true)]
async fn the_sampler_reports_cpu_unknown_first_then_known() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let handle = sampler::spawn(vec![local(Duration::from_secs(15))], tx);
    let first = rx.recv().await.unwrap();
    assert_eq!(first.host, "app-01");
    let first = gauges(first.reading);
    assert_eq!(first.cpu_pct, None, "the first CPU reading is unknown, not 0");
    assert!(first.mem_pct.is_some());
    let start = tokio::time::Instant::now();
    let second = gauges(rx.recv().await.unwrap().reading);
    assert_eq!(tokio::time::Instant::now() - start, Duration::from_secs(15));
    let cpu = second.cpu_pct.unwrap();
    assert!((0.0..=100.0).contains(&cpu), "{cpu}");
    handle.abort();
}

#[tokio::test(start_paused = true)]
async fn the_sampler_stops_when_the_receiver_is_gone() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let handle = sampler::spawn(
        vec![local(Duration::from_secs(1)), local(Duration::from_secs(2))],
        tx,
    );
    rx.recv().await.unwrap();
    drop(rx);
    tokio::time::timeout(Duration::from_secs(60), handle)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn sample_once_knows_the_local_cpu() {
    let samples = sampler::sample_once(&[local(Duration::from_secs(15))]).await;
    assert_eq!(samples.len(), 1);
    let g = gauges(samples[0].reading.clone());
    assert!(g.cpu_pct.is_some());
    assert!(g.mem_total_bytes.unwrap() > 0);
}
