//! `watchdesk` (no subcommand) and `watchdesk demo`: the engine, the probes and the host samplers in this
//! process, and the dashboard on this terminal.

use std::sync::Arc;

use super::context::{CliError, Context, runtime};
use super::daemon_cmds;
use super::watch::Watch;
use crate::clock::SystemClock;
use crate::config::{Config, Lang};
use crate::demo::DemoPlatform;
use crate::engine::Mode;
use crate::store::Store;
use crate::tui::{self, TuiOptions, theme::ColorChoice};

/// How the dashboard should look, from the command line.
#[derive(Debug, Clone, Default)]
pub struct LookFlags {
    pub theme: Option<String>,
    pub lang: Option<Lang>,
    pub color: ColorChoice,
}

pub fn run(ctx: &Context, look: LookFlags, force_demo: bool) -> Result<i32, CliError> {
    let config = if force_demo { None } else { ctx.load_config()? };
    // A wrong --theme stops here, before a data directory or a store is touched.
    if let Some(name) = &look.theme {
        crate::tui::theme::check_name(name).map_err(|why| CliError::bad_input(format!("--theme: {why}")))?;
    }
    let rt = runtime()?;
    rt.block_on(async move {
        match config {
            Some(config) => {
                // A daemon watching this data directory: be its dashboard rather than fail on its lock.
                let dir = ctx.data_dir(&config)?;
                if let Some(remote) = daemon_cmds::reach(&dir, &config).await? {
                    return daemon_cmds::run_attached(remote, &config, &look).await;
                }
                let store = ctx.open_store(&config)?;
                serve_dashboard(store, config, Mode::Embedded, &look, None).await
            }
            None => {
                let seed = chrono::Utc::now().timestamp_millis() as u64;
                let demo = DemoPlatform::start(seed).await.map_err(|e| {
                    CliError::store(format!("cannot start the demo platform on 127.0.0.1: {e}"))
                })?;
                let store = Store::open(demo.data_dir())?;
                let code = serve_dashboard(store, demo.config(), Mode::Demo, &look, Some(&demo)).await;
                drop(demo);
                code
            }
        }
    })
}

async fn serve_dashboard(
    store: Store,
    config: Config,
    mode: Mode,
    look: &LookFlags,
    demo: Option<&DemoPlatform>,
) -> Result<i32, CliError> {
    let options = tui_options(&config, look)?;
    let watch = Watch::start(store, config, Arc::new(SystemClock), mode)?;
    if let Some(demo) = demo
        && let Err(e) = demo.seed_history(&watch.engine, chrono::Utc::now()).await
    {
        watch.stop().await;
        return Err(CliError::store(format!("cannot write the demo's history: {e}")));
    }
    let result = tui::run(watch.engine.clone(), options).await;
    watch.stop().await;
    match result {
        Ok(()) => Ok(0),
        Err(e) => Err(CliError {
            code: 1,
            message: e.to_string(),
        }),
    }
}

/// How the dashboard looks and sounds: the command line's flags over the config's choices, and the config's bell.
pub(super) fn tui_options(config: &Config, look: &LookFlags) -> Result<TuiOptions, CliError> {
    let mut options = TuiOptions::resolve(
        look.theme.as_deref(),
        config.platform.theme.as_deref(),
        look.lang,
        config.platform.lang,
        look.color,
    )
    .map_err(|e| CliError::bad_input(e.to_string()))?;
    options.bell = config.notify.bell;
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bell_comes_from_the_config() {
        let path = std::path::Path::new("c.toml");
        let quiet = Config::parse(path, crate::config::TEMPLATE).unwrap();
        assert!(!tui_options(&quiet, &LookFlags::default()).unwrap().bell);
        let text = format!("{}\n[notify]\nbell = true\n", crate::config::TEMPLATE);
        let ringing = Config::parse(path, &text).unwrap();
        assert!(tui_options(&ringing, &LookFlags::default()).unwrap().bell);
    }
}
