//! `watchdesk completions SHELL` and `watchdesk man`: the command line described from its own definition, so
//! the completions and the manual list exactly the commands, options and accepted values the parser knows.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use super::context::{CliError, display};

/// Prints the completion script for `shell`.
pub fn completions(shell: Shell) -> Result<i32, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "watchdesk", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(0)
}

/// Prints watchdesk(1), or writes it and a page per subcommand into `out_dir`.
pub fn man(out_dir: Option<&Path>) -> Result<i32, CliError> {
    let command = Cli::command();
    match out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(command, dir))
                .map_err(|e| {
                    CliError::bad_input(format!(
                        "cannot write the manual pages into {}: {e}",
                        display(dir)
                    ))
                })?;
            outln!("manual pages written to {}", display(dir));
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| CliError::store(format!("cannot render the manual page: {e}")))?;
            out!("{}", String::from_utf8_lossy(&page));
        }
    }
    Ok(0)
}
