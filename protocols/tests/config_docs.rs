//! The documented configuration tables say what the schema says: every field is listed,
//! with its default and its range, in `docs/scenario-format.md` and in the protocol's
//! own doc (issue 12: a range was written in four places, and the docs had drifted).

use protocols::sim::schema::{FieldKind, Schema};
use std::path::Path;

/// A table row: its field names, defaults and ranges (the first three columns).
struct Row {
    keys: Vec<String>,
    defaults: Vec<String>,
    ranges: Vec<String>,
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The rows of the table under the heading `heading` (up to the next heading).
fn rows(doc: &str, heading: &str) -> Vec<Row> {
    let Some(start) = doc.find(heading) else {
        return Vec::new();
    };
    let body = &doc[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            let mut keys = backticked(cols[1]);
            keys.dedup();
            let split = |c: &str| c.split(", ").map(str::to_string).collect();
            Row {
                keys,
                defaults: split(cols[2]),
                ranges: split(cols.get(3).copied().unwrap_or("")),
            }
        })
        .collect()
}

fn number(s: &str) -> Option<u64> {
    s.replace(',', "").parse().ok()
}

/// `1–100,000` as (1, 100000).
fn range(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.split_once('–')?;
    Some((number(a)?, number(b)?))
}

/// Compares the rows under `heading` in `doc_path` with `C`'s schema; `all` asks for
/// every field to be listed.
fn check<C: Schema + Default>(doc_path: &str, heading: &str, all: bool) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(doc_path);
    let doc = std::fs::read_to_string(&path).unwrap();
    let rows = rows(&doc, heading);
    let mut errors = Vec::new();
    let mut seen = Vec::new();
    let default = C::default();
    for row in &rows {
        let ranges: Vec<(u64, u64)> = row.ranges.iter().filter_map(|r| range(r)).collect();
        for (i, key) in row.keys.iter().enumerate() {
            let here = format!("{doc_path} {heading}: `{key}`");
            let Some(f) = C::field(key) else {
                errors.push(format!("{here} is not a configuration field"));
                continue;
            };
            seen.push(key.clone());
            let want = (f.get)(&default);
            let written = row
                .defaults
                .get(i)
                .or(row.defaults.first())
                .map(|d| d.trim_matches('`'));
            let said = match f.kind {
                FieldKind::Number { .. } => written.and_then(number) == Some(want),
                FieldKind::Toggle => written == Some(if want == 1 { "true" } else { "false" }),
                FieldKind::Choice { options } => written == Some(options[want as usize]),
            };
            if !said {
                errors.push(format!("{here}: default {written:?}, the code has {want}"));
            }
            if let FieldKind::Number { min, max } = f.kind {
                // One range for the whole row, or one per field; a bound that depends on
                // another field is not a number and is not compared.
                let doc_range = match ranges.len() {
                    1 => Some(ranges[0]),
                    _ => row.ranges.get(i).and_then(|r| range(r)),
                };
                match doc_range {
                    Some(r) if r != (min, max) => {
                        errors.push(format!("{here}: range {r:?}, the code has ({min}, {max})"))
                    }
                    None if !row.ranges.get(i).is_some_and(|r| r.contains('`')) => {
                        errors.push(format!("{here}: no range given"))
                    }
                    _ => {}
                }
            }
        }
    }
    if all {
        for f in C::FIELDS
            .iter()
            .filter(|f| !seen.iter().any(|k| k == f.key))
        {
            errors.push(format!("{doc_path} {heading}: `{}` is missing", f.key));
        }
    }
    errors
}

#[test]
fn the_documented_configuration_tables_match_the_schemas() {
    use protocols::{load_balancing, paxos, raft, sharding, two_phase_commit};
    let f = "docs/scenario-format.md";
    let mut errors = Vec::new();
    errors.extend(check::<two_phase_commit::Config>(
        f,
        "## Two-phase commit",
        true,
    ));
    errors.extend(check::<raft::Config>(f, "## Raft", true));
    errors.extend(check::<paxos::Config>(f, "## Paxos", true));
    errors.extend(check::<load_balancing::Config>(
        f,
        "## Load balancing",
        true,
    ));
    errors.extend(check::<sharding::Config>(f, "## Sharding", true));
    let c = "## Configuration";
    errors.extend(check::<raft::Config>("docs/raft.md", c, true));
    errors.extend(check::<paxos::Config>("docs/paxos.md", c, true));
    errors.extend(check::<load_balancing::Config>(
        "docs/load-balancing.md",
        c,
        true,
    ));
    errors.extend(check::<sharding::Config>("docs/sharding.md", c, true));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
