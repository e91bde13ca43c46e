//! Which mounted filesystems are storage worth a gauge. Shared by the local (sysinfo) and the remote
//! (node_exporter) readings so both list disks the same way: a container's overlay, a tmpfs or a snap's
//! squashfs is never "full" in a way the engineer can act on, and a bind mount of the same device must not
//! show twice.

use crate::hosts::DiskGauge;

/// Filesystem types that hold no user data, live in memory, or are read-only images.
const PSEUDO_TYPES: &[&str] = &[
    "aufs",
    "autofs",
    "binfmt_misc",
    "bpf",
    "cgroup",
    "cgroup2",
    "configfs",
    "debugfs",
    "devfs",
    "devpts",
    "devtmpfs",
    "efivarfs",
    "fdescfs",
    "fuse.gvfsd-fuse",
    "fuse.lxcfs",
    "fuse.portal",
    "fuse.snapfuse",
    "fusectl",
    "hugetlbfs",
    "iso9660",
    "mqueue",
    "nsfs",
    "nullfs",
    "overlay",
    "proc",
    "procfs",
    "pstore",
    "ramfs",
    "rootfs",
    "rpc_pipefs",
    "securityfs",
    "selinuxfs",
    "squashfs",
    "sysfs",
    "tmpfs",
    "tracefs",
];

/// True for overlay, tmpfs, squashfs, devtmpfs and the other kernel or in-memory filesystems.
pub fn is_pseudo_fs(fstype: &str) -> bool {
    let fstype = fstype.trim().to_ascii_lowercase();
    PSEUDO_TYPES.contains(&fstype.as_str())
}

/// True for mount points the kernel or the init system owns (`/proc`, `/sys`, `/dev`, `/run` but not
/// `/run/media`, where removable disks appear).
pub fn is_system_mount(mount: &str) -> bool {
    let under = |root: &str| mount == root || mount.starts_with(&format!("{root}/"));
    under("/proc") || under("/sys") || under("/dev") || (under("/run") && !under("/run/media"))
}

/// One mounted filesystem as a source reports it, before filtering.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub device: String,
    pub mount: String,
    pub fstype: String,
    pub total_bytes: u64,
    pub avail_bytes: u64,
}

/// The disks to show: pseudo filesystems, system mount points and empty filesystems dropped, one entry per
/// device (the shortest mount point wins, so `/` beats a bind mount of it), sorted by mount point.
///
/// Used space is `total - available`: space reserved for root counts as used, because an ordinary service
/// cannot write into it.
pub fn real_disks(mounts: impl IntoIterator<Item = Mount>) -> Vec<DiskGauge> {
    let mut kept: Vec<Mount> = Vec::new();
    for m in mounts {
        if is_pseudo_fs(&m.fstype) || is_system_mount(&m.mount) || m.total_bytes == 0 {
            continue;
        }
        match kept.iter_mut().find(|k| k.device == m.device) {
            Some(existing) => {
                if mount_rank(&m.mount) < mount_rank(&existing.mount) {
                    *existing = m;
                }
            }
            None => kept.push(m),
        }
    }
    kept.sort_by(|a, b| a.mount.cmp(&b.mount));
    kept.into_iter()
        .map(|m| {
            let avail = m.avail_bytes.min(m.total_bytes);
            let used = m.total_bytes - avail;
            DiskGauge {
                used_pct: used as f64 / m.total_bytes as f64 * 100.0,
                mount: m.mount,
                device: m.device,
                total_bytes: m.total_bytes,
                used_bytes: used,
            }
        })
        .collect()
}

fn mount_rank(mount: &str) -> (usize, &str) {
    (mount.chars().count(), mount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(device: &str, mount: &str, fstype: &str, total: u64, avail: u64) -> Mount {
        Mount {
            device: device.into(),
            mount: mount.into(),
            fstype: fstype.into(),
            total_bytes: total,
            avail_bytes: avail,
        }
    }

    #[test]
    fn pseudo_filesystems_and_system_mounts_are_dropped() {
        let disks = real_disks([
            mount("overlay", "/", "overlay", 100, 50),
            mount("tmpfs", "/tmp", "tmpfs", 100, 50),
            mount("/dev/loop3", "/snap/core/1", "squashfs", 100, 0),
            mount("udev", "/dev", "devtmpfs", 100, 100),
            mount("/dev/sda1", "/run/foo", "ext4", 100, 100),
            mount("/dev/sdb1", "/run/media/usb", "vfat", 200, 100),
            mount("/dev/sdc1", "/empty", "ext4", 0, 0),
        ]);
        let mounts: Vec<&str> = disks.iter().map(|d| d.mount.as_str()).collect();
        assert_eq!(mounts, vec!["/run/media/usb"]);
        assert_eq!(disks[0].used_pct, 50.0);
        assert_eq!(disks[0].used_bytes, 100);
    }

    #[test]
    fn one_entry_per_device_with_the_shortest_mount() {
        let disks = real_disks([
            mount("/dev/vda", "/var/lib/docker", "ext4", 1000, 250),
            mount("/dev/vda", "/", "ext4", 1000, 250),
            mount("/dev/vdb", "/data", "xfs", 4000, 1000),
            mount("/dev/vda", "/home", "ext4", 1000, 250),
        ]);
        let pairs: Vec<(&str, &str)> = disks
            .iter()
            .map(|d| (d.device.as_str(), d.mount.as_str()))
            .collect();
        assert_eq!(pairs, vec![("/dev/vda", "/"), ("/dev/vdb", "/data")]);
        assert_eq!(disks[0].used_pct, 75.0);
    }

    #[test]
    fn available_above_total_does_not_underflow() {
        let disks = real_disks([mount("/dev/vda", "/", "ext4", 100, 150)]);
        assert_eq!(disks[0].used_bytes, 0);
        assert_eq!(disks[0].used_pct, 0.0);
    }
}
