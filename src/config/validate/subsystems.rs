//! `[[subsystem]]`: ids unique and well formed, dependencies that name a subsystem and do not go round in a
//! circle, and each subsystem's checks with names of their own.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use super::check::validate_check;
use super::{Ctx, sorted};
use crate::config::raw::RawSubsystem;
use crate::config::{ConfigError, Subsystem};

/// The subsystems as written, checked, in the order written; `ids` are theirs, from [`subsystem_ids`].
pub(super) fn validate_subsystems(
    cx: &Ctx,
    raw: Vec<RawSubsystem>,
    ids: &HashSet<String>,
) -> Result<Vec<Subsystem>, ConfigError> {
    let mut subsystems = Vec::with_capacity(raw.len());
    // (subsystem, dependency) → where the dependency is written, for pointing at a cycle.
    let mut dep_spans = HashMap::new();
    for sub in raw {
        let id = sub.id.get_ref().clone();
        let mut depends_on = Vec::new();
        for dep in &sub.depends_on {
            if !ids.contains(dep.get_ref()) {
                return Err(cx.err(
                    dep,
                    "depends_on",
                    format!(
                        "unknown subsystem \"{}\": accepted are the ids of [[subsystem]] entries: {}",
                        dep.get_ref(),
                        sorted(ids)
                    ),
                ));
            }
            if dep.get_ref() == &id {
                return Err(cx.err(
                    dep,
                    "depends_on",
                    format!("subsystem \"{id}\" cannot depend on itself"),
                ));
            }
            dep_spans.insert((id.clone(), dep.get_ref().clone()), dep.span());
            depends_on.push(dep.get_ref().clone());
        }
        let mut checks = Vec::with_capacity(sub.check.len());
        let mut check_ids = HashSet::new();
        for (n, check) in sub.check.into_iter().enumerate() {
            let name_at = check
                .name
                .as_ref()
                .map_or_else(|| check.kind.span(), Spanned::span);
            let check = validate_check(cx, &id, n + 1, check)?;
            if !check_ids.insert(check.id.clone()) {
                return Err(ConfigError::at(
                    cx.path,
                    cx.text,
                    Some(name_at),
                    Some("name"),
                    format!(
                        "duplicate check name \"{}\" in subsystem \"{id}\": each check of a subsystem needs its \
                         own name (unnamed checks are called KIND-N, e.g. \"http-1\")",
                        check.name
                    ),
                ));
            }
            checks.push(check);
        }
        subsystems.push(Subsystem {
            name: sub
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| id.clone()),
            id,
            depends_on,
            checks,
        });
    }

    if let Some((cycle, at)) = dependency_cycle(&subsystems, &dep_spans) {
        return Err(ConfigError::at(
            cx.path,
            cx.text,
            Some(at),
            Some("depends_on"),
            format!(
                "dependency cycle {cycle}: a subsystem cannot wait on itself through others; accepted are \
                 dependencies that end at a subsystem depending on none"
            ),
        ));
    }
    Ok(subsystems)
}

/// The ids of the subsystems, each checked for its form and for being the only one of its name.
pub(super) fn subsystem_ids(cx: &Ctx, raw: &[RawSubsystem]) -> Result<HashSet<String>, ConfigError> {
    let mut ids = HashSet::new();
    for sub in raw {
        let id = sub.id.get_ref();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(cx.err(
                &sub.id,
                "id",
                format!("invalid subsystem id \"{id}\": use letters, digits, '-' or '_' (e.g. \"sysadmin\")"),
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(cx.err(
                &sub.id,
                "id",
                format!("duplicate subsystem id \"{id}\": each id must be unique"),
            ));
        }
    }
    Ok(ids)
}

/// The first cycle among the subsystems' dependencies, as `a → b → a`, and where its last step is written.
fn dependency_cycle(
    subsystems: &[Subsystem],
    spans: &HashMap<(String, String), Range<usize>>,
) -> Option<(String, Range<usize>)> {
    fn walk<'a>(
        subsystems: &'a [Subsystem],
        id: &'a str,
        start: &str,
        path: &mut Vec<&'a str>,
        seen: &mut HashSet<&'a str>,
    ) -> bool {
        let deps = subsystems
            .iter()
            .find(|s| s.id == id)
            .map_or(&[][..], |s| s.depends_on.as_slice());
        for dep in deps {
            path.push(dep);
            if dep == start || (seen.insert(dep) && walk(subsystems, dep, start, path, seen)) {
                return true;
            }
            path.pop();
        }
        false
    }
    subsystems.iter().find_map(|s| {
        let mut path = vec![s.id.as_str()];
        if !walk(subsystems, &s.id, &s.id, &mut path, &mut HashSet::new()) {
            return None;
        }
        let last = path.len().checked_sub(2)?;
        let at = spans.get(&(path.get(last)?.to_string(), s.id.clone()))?.clone();
        Some((path.join(" → "), at))
    })
}
