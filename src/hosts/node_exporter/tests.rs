use super::*;

fn samples(text: &str) -> Vec<Sample> {
    exposition::parse(text).unwrap()
}

const PAGE: &str = r#"
node_cpu_seconds_total{cpu="0",mode="idle"} 100
node_cpu_seconds_total{cpu="0",mode="iowait"} 10
node_cpu_seconds_total{cpu="0",mode="user"} 50
node_cpu_seconds_total{cpu="0",mode="system"} 40
node_cpu_seconds_total{cpu="1",mode="idle"} 200
node_cpu_seconds_total{cpu="1",mode="user"} NaN
node_memory_MemTotal_bytes 1000
node_memory_MemAvailable_bytes 250
node_memory_SwapTotal_bytes 400
node_memory_SwapFree_bytes 300
node_load1 0.5
node_load5 1.5
node_load15 2.5
node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1000
node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 100
node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/var/lib/kubelet"} 1000
node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/var/lib/kubelet"} 100
node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run/user/0"} 50
node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run/user/0"} 50
node_filesystem_size_bytes{device="overlay",fstype="overlay",mountpoint="/var/lib/docker/overlay2/x/merged"} 1000
node_filesystem_avail_bytes{device="overlay",fstype="overlay",mountpoint="/var/lib/docker/overlay2/x/merged"} 1
node_filesystem_size_bytes{device="/dev/sdb1",fstype="xfs",mountpoint="/data"} 2000
node_filesystem_avail_bytes{device="/dev/sdb1",fstype="xfs",mountpoint="/data"} 1500
node_filesystem_size_bytes{device="nas:/share",fstype="nfs4",mountpoint="/mnt/nas"} 2000
node_filesystem_avail_bytes{device="nas:/share",fstype="nfs4",mountpoint="/mnt/nas"} 0
node_filesystem_device_error{device="nas:/share",fstype="nfs4",mountpoint="/mnt/nas"} 1
"#;

#[test]
fn a_full_page_gives_every_gauge_but_cpu() {
    let (g, cpu) = read_samples(&samples(PAGE), None).unwrap();
    assert_eq!(g.cpu_pct, None, "one scrape cannot give a rate");
    assert_eq!(
        cpu,
        Some(CpuTimes {
            idle: 310.0,
            total: 400.0
        })
    );
    assert_eq!(g.mem_pct, Some(75.0));
    assert_eq!(g.mem_total_bytes, Some(1000));
    assert_eq!(g.swap_pct, Some(25.0));
    assert_eq!(g.load, Some([0.5, 1.5, 2.5]));
    let disks: Vec<(&str, &str, f64)> = g
        .disks
        .iter()
        .map(|d| (d.mount.as_str(), d.device.as_str(), d.used_pct))
        .collect();
    assert_eq!(
        disks,
        vec![("/", "/dev/sda1", 90.0), ("/data", "/dev/sdb1", 25.0)]
    );
}

#[test]
fn cpu_is_the_busy_share_of_the_time_between_two_scrapes() {
    let before = CpuTimes {
        idle: 310.0,
        total: 400.0,
    };
    let after = CpuTimes {
        idle: 340.0,
        total: 440.0,
    };
    assert_eq!(cpu_pct(before, after), Some(25.0));
    // A reboot resets the counters: unknown, not a negative or huge figure.
    assert_eq!(cpu_pct(after, before), None);
    assert_eq!(cpu_pct(before, before), None);
}

#[test]
fn second_read_gives_cpu_and_a_reset_starts_over() {
    let mut host = NodeExporter::new("http://127.0.0.1:1/metrics", Duration::from_secs(1));
    let first = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 90\nnode_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 10\n";
    let second = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 120\nnode_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 20\n";
    let rebooted = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 3\nnode_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 1\n";
    let cpu = |r: HostReading| match r {
        HostReading::Gauges(g) => g.cpu_pct,
        other => panic!("{other:?}"),
    };
    assert_eq!(cpu(host.read_text(first)), None);
    assert_eq!(cpu(host.read_text(second)), Some(25.0));
    assert_eq!(cpu(host.read_text(rebooted)), None);
    // The new baseline is the rebooted counters: 19 busy seconds of 136.
    assert_eq!(cpu(host.read_text(second)), Some(19.0 / 136.0 * 100.0));
}

#[test]
fn old_kernels_without_mem_available_use_free_buffers_and_cached() {
    let text = "node_memory_MemTotal_bytes 1000\nnode_memory_MemFree_bytes 100\nnode_memory_Buffers_bytes 50\nnode_memory_Cached_bytes 250\n";
    let (g, _) = read_samples(&samples(text), None).unwrap();
    assert_eq!(g.mem_pct, Some(60.0));
}

#[test]
fn no_swap_is_no_gauge_rather_than_zero_or_nan() {
    let text = "node_memory_MemTotal_bytes 1000\nnode_memory_MemAvailable_bytes 1000\nnode_memory_SwapTotal_bytes 0\nnode_memory_SwapFree_bytes 0\n";
    let (g, _) = read_samples(&samples(text), None).unwrap();
    assert_eq!(g.swap_pct, None);
    assert_eq!(g.mem_pct, Some(0.0));
}

#[test]
fn a_page_of_another_exporter_is_unreachable_not_zero() {
    let mut host = NodeExporter::new("http://127.0.0.1:1/metrics", Duration::from_secs(1));
    let reading = host.read_text("# HELP go_goroutines x\ngo_goroutines 7\n");
    match reading {
        HostReading::Unreachable { reason } => assert_eq!(reason, HostReason::NoNodeMetrics),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_html_page_is_unreachable_with_the_parse_error() {
    let mut host = NodeExporter::new("http://127.0.0.1:1/metrics", Duration::from_secs(1));
    match host.read_text("<html>\n<body>login</body>\n</html>\n") {
        HostReading::Unreachable { reason } => {
            assert!(
                matches!(reason, HostReason::NotExposition { line: 1, .. }),
                "{reason:?}"
            );
            assert!(
                reason
                    .to_string()
                    .starts_with("the answer is not Prometheus text format: line 1:"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
}
