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
    let page = main_page().map_err(|e| CliError::store(format!("cannot render the manual page: {e}")))?;
    match out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), dir))
                .and_then(|()| std::fs::write(dir.join("watchdesk.1"), &page))
                .map_err(|e| {
                    CliError::bad_input(format!(
                        "cannot write the manual pages into {}: {}",
                        display(dir),
                        crate::config::io_reason(&e)
                    ))
                })?;
            outln!("manual pages written to {}", display(dir));
        }
        None => out!("{}", String::from_utf8_lossy(&page)),
    }
    Ok(0)
}

/// watchdesk(1): the sections clap knows, and those a manual page has that it does not (exit status,
/// environment, files).
fn main_page() -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    page.extend_from_slice(SECTIONS.as_bytes());
    man.render_version_section(&mut page)?;
    Ok(page)
}

const SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Done.
.TP
\fB1\fR
A negative answer: a check found something down, a verification failed.
.TP
\fB2\fR
Bad input; nothing was stored.
.TP
\fB3\fR
The store is unavailable (for example held by another watchdesk process: the message names it).
.SH ENVIRONMENT
.TP
\fBWATCHDESK_CONFIG\fR, \fBWATCHDESK_DATA\fR
The config file and the data directory, as \fB\-\-config\fR and \fB\-\-data\-dir\fR.
.TP
\fBWATCHDESK_AUDIT_KEY\fR
The audit key (default \fI$XDG_CONFIG_HOME/watchdesk/audit.key\fR), kept outside the data directory.
.TP
\fBRUST_LOG\fR
Which log lines are written, as \fB\-\-log\-filter\fR.
.TP
\fBJOURNAL_STREAM\fR
Set by systemd: when it names standard error, log lines go to the journal.
.TP
\fBNO_COLOR\fR
No colour on the dashboard under \fB\-\-color auto\fR.
.SH FILES
.TP
\fI/etc/watchdesk/config.toml\fR, \fI/etc/watchdesk/secrets.env\fR
The daemon's config, and the channels' secrets (mode 0600) as the packaged unit reads them.
.TP
\fI/var/lib/watchdesk\fR, \fI/var/lib/watchdesk\-key\fR
The daemon's store (with its socket, \fIwatchdesk.sock\fR) and its audit key.
.TP
\fI/lib/systemd/system/watchdesk.service\fR
The unit that runs \fBwatchdesk serve\fR; \fBjournalctl \-u watchdesk\fR shows its log.
.SH "SEE ALSO"
\fBwatchdesk\-serve\fR(1), \fBwatchdesk\-incident\fR(1), \fBwatchdesk\-report\fR(1), \fBjournalctl\fR(1),
\fBsystemd.exec\fR(5)
"#;
