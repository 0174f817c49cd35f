//! Every string of every language, walked field by field (the catalog structs derive
//! `Serialize` in tests): each template has the same holes as its English, and holes are
//! well formed.

use super::{holes, Lang, EN};
use serde_json::Value;

/// Every string of a catalog with its path ("raft.n_became_leader", "help.keys.3.1").
fn strings(lang: Lang) -> Vec<(String, String)> {
    fn walk(path: String, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::String(s) => out.push((path, s.clone())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(format!("{path}.{i}"), item, out);
                }
            }
            Value::Object(fields) => {
                for (k, item) in fields {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(p, item, out);
                }
            }
            other => panic!("{path}: a catalog holds strings, not {other}"),
        }
    }
    let mut out = Vec::new();
    walk(
        String::new(),
        &serde_json::to_value(lang.catalog()).unwrap(),
        &mut out,
    );
    out
}

fn sorted_holes(s: &str) -> Vec<&str> {
    let mut h = holes(s);
    h.sort_unstable();
    h
}

#[test]
fn every_template_has_the_same_holes_in_every_language() {
    let english = strings(Lang::En);
    let has = |p: &str| english.iter().any(|(path, _)| path == p);
    let deep = [
        "tpc.title",
        "raft.title",
        "paxos.title",
        "shard.title",
        "lb.title",
    ];
    assert!(
        deep.iter().all(|p| has(p)) && has("help.keys.0.1"),
        "the walk reaches every part"
    );
    for lang in Lang::ALL {
        let other = strings(lang);
        let paths = |v: &[(String, String)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            paths(&other),
            paths(&english),
            "{lang:?} has the same strings"
        );
        for ((path, en), (_, s)) in english.iter().zip(&other) {
            assert_eq!(
                sorted_holes(s),
                sorted_holes(en),
                "{lang:?} {path}: {s:?} against the English {en:?}"
            );
        }
    }
}

#[test]
fn holes_are_names_and_every_string_says_something() {
    for lang in Lang::ALL {
        for (path, s) in strings(lang) {
            assert!(!s.trim().is_empty(), "{lang:?} {path} is empty");
            for hole in holes(&s) {
                let name = !hole.is_empty()
                    && hole
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                assert!(
                    name,
                    "{lang:?} {path}: {{{hole}}} is not a hole name in {s:?}"
                );
            }
            let (open, close) = (s.matches('{').count(), s.matches('}').count());
            assert_eq!(open, close, "{lang:?} {path}: unbalanced braces in {s:?}");
        }
    }
    assert_eq!(EN.raft.title, "Raft");
}
