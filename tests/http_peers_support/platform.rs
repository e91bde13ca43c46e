//! The watchdesk side of the HTTP listener's tests: the platform they watch and the tokens they use.
#![allow(dead_code)]

pub const TOKEN: &str = "intake-4b9e01";
pub const METRICS_TOKEN: &str = "metrics-77c2d0";

pub const CONFIG: &str = "[platform]\nlang = \"en\"\n\n[[subsystem]]\nid = \"sysadmin\"\nname = \"系统管理\"\n\n\
                          [[subsystem]]\nid = \"digital\"\nname = \"数字管理\"\n\n[[host]]\nname = \"local\"\nsource = \"local\"\n";
