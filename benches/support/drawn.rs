//! When each program has drawn its data: a test of the screen (vt100) per program that holds once the
//! program's first screen shows what it is for, and not before (a terminal set-up, an empty frame, a frame of
//! "no data" placeholders all fail it). Each test was written from the program's own screens at 160×48
//! (`IDLE_SCREENS=DIR` writes every screen of a run's first seconds).

/// The screen's rows as text (blank cells as spaces, trailing blanks dropped).
fn rows(screen: &vt100::Screen) -> Vec<String> {
    let (_, cols) = screen.size();
    screen.rows(0, cols.get()).collect()
}

/// The text of `row` in the character columns `cols`.
fn columns(row: &str, cols: std::ops::Range<usize>) -> String {
    row.chars().skip(cols.start).take(cols.len()).collect()
}

/// Whether a row holding `header` has a table row under it: the first of the next three rows with something
/// in the header's columns has a number there (spaces before it allowed). A table (of processes) with its
/// first row drawn.
fn table_with_rows(rows: &[String], header: &str) -> bool {
    rows.iter().enumerate().any(|(i, row)| {
        row.find(header).is_some_and(|at| {
            let col = row[..at].chars().count();
            let under = col..col + header.chars().count();
            rows.iter()
                .skip(i + 1)
                .take(3)
                .map(|next| columns(next, under.clone()))
                .find(|text| !text.trim().is_empty())
                .is_some_and(|text| text.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        })
    })
}

/// Whether some row holds `label` followed (after spaces) by a figure and then `unit` on the same row.
fn figure_after(rows: &[String], label: &str, unit: &str) -> bool {
    rows.iter().any(|row| {
        row.split(label).skip(1).any(|rest| {
            let rest = rest.trim_start();
            rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(unit)
        })
    })
}

/// htop: the process list's header (`PID USER`) with a process under it.
pub fn htop(screen: &vt100::Screen) -> bool {
    table_with_rows(&rows(screen), "PID USER")
}

/// bottom: the CPU legend's average with its figure (`AVG 82%`), the memory widget's `RAM: 45%`, and the
/// process table's header (`PID(p)`) with a process under it. Its first frame before its data has "No data"
/// in the CPU and memory legends and an empty process table.
pub fn btm(screen: &vt100::Screen) -> bool {
    let rows = rows(screen);
    figure_after(&rows, "AVG", "%") && figure_after(&rows, "RAM:", "%") && table_with_rows(&rows, "PID(p)")
}

/// watchdesk (in Chinese, as the benchmark runs it): every configured subsystem's row in the subsystem panel
/// with its status mark in front (`✓ ~ ✗ - = ?`, `?` being "未知", not checked yet), and every configured
/// host's load figures (`负载 3.13 2.49 2.13`): the panels filled from the configuration, the store and the
/// first host readings. Its first frame before the readings has "尚无数据" (no reading yet) for each host.
pub fn watchdesk<'a>(
    subsystems: &'a [&'a str],
    hosts: &'a [&'a str],
) -> impl Fn(&vt100::Screen) -> bool + 'a {
    move |screen| {
        let rows = rows(screen);
        let subsystem_shown = |name: &str| {
            rows.iter().any(|row| {
                row.split_once(name).is_some_and(|(before, _)| {
                    let before = before.trim_start_matches(['│', ' ']);
                    before.starts_with(['✓', '~', '✗', '-', '=', '?'])
                })
            })
        };
        let host_shown = |name: &str| {
            rows.iter()
                .any(|row| row.contains(name) && figure_after(std::slice::from_ref(row), "负载", "."))
        };
        subsystems.iter().all(|s| subsystem_shown(s)) && hosts.iter().all(|h| host_shown(h))
    }
}
