//! `watchdesk check`: every configured check and host once, as a table — for cron and for a first try of a config.

use unicode_width::UnicodeWidthStr;

use super::context::{CliError, Context, runtime};
use crate::hosts::{HostReading, HostSample};
use crate::probe::{Outcome, ProbeResult};

pub fn run(ctx: &Context, json: bool) -> Result<i32, CliError> {
    let Some(config) = ctx.load_config()? else {
        return Err(CliError::bad_input(
            "no config file found: write one with `watchdesk init`, or give --config PATH",
        ));
    };
    let checks: Vec<_> = config
        .subsystems
        .iter()
        .flat_map(|s| s.checks.iter().map(|c| (s.id.clone(), c.clone())))
        .collect();
    let rt = runtime()?;
    let (results, hosts) = rt.block_on(async {
        tokio::join!(
            crate::probe::scheduler::run_all(&checks, 32),
            crate::hosts::sampler::sample_once(&config.hosts)
        )
    });
    let all_up = results.iter().all(|r| matches!(r.outcome, Outcome::Up { .. }))
        && hosts.iter().all(|h| matches!(h.reading, HostReading::Gauges(_)));
    if json {
        let value = serde_json::json!({ "all_up": all_up, "checks": results, "hosts": hosts });
        outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        out!("{}", table(&config, &results, &hosts));
    }
    Ok(if all_up { 0 } else { 1 })
}

fn table(config: &crate::config::Config, results: &[ProbeResult], hosts: &[HostSample]) -> String {
    let mut rows = vec![[
        "SUBSYSTEM".to_string(),
        "CHECK".into(),
        "STATUS".into(),
        "LATENCY".into(),
        "DETAIL".into(),
    ]];
    for r in results {
        let name = config
            .subsystem(&r.subsystem)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| r.subsystem.clone());
        rows.push([
            name,
            r.check_id.clone(),
            r.outcome.label().to_uppercase(),
            format!("{} ms", r.latency.as_millis()),
            r.outcome.detail(),
        ]);
    }
    for h in hosts {
        let (status, detail) = match &h.reading {
            HostReading::Unreachable { reason } => ("UNREACHABLE".to_string(), reason.to_string()),
            HostReading::Gauges(g) => {
                let pct = |v: Option<f64>| v.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "…".into());
                let disks: Vec<String> = g
                    .disks
                    .iter()
                    .map(|d| format!("{} {:.0}%", d.mount, d.used_pct))
                    .collect();
                (
                    "UP".to_string(),
                    format!(
                        "cpu {} mem {} swap {} {}",
                        pct(g.cpu_pct),
                        pct(g.mem_pct),
                        pct(g.swap_pct),
                        disks.join(" ")
                    ),
                )
            }
        };
        rows.push(["host".into(), h.host.clone(), status, String::new(), detail]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out += cell;
            if i < 4 {
                out += &" ".repeat(widths[i] - cell.width() + 2);
            }
        }
        out = out.trim_end().to_string();
        out.push('\n');
    }
    out
}
