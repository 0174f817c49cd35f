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
    out.extend(crate::lesson::tests::texts(lang.code()));
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
            // A lesson's words are shown as written, not filled: braces are text there.
            if path.starts_with("lesson ") || path.starts_with("myth ") {
                continue;
            }
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

/// The terms `docs/glossary.md` lists as not used: the third column of its table.
fn not_used_terms() -> Vec<&'static str> {
    include_str!("../../docs/glossary.md")
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| English") && !l.starts_with("|---"))
        .filter_map(|l| l.split('|').nth(3))
        .flat_map(|cell| cell.split(['、', ',', '，']))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// One Chinese term per concept: no string of the Chinese catalog uses a variant the
/// glossary rules out (协作者 for coordinator, 追随者 for follower, 选票 for ballot…).
#[test]
fn chinese_follows_the_glossary() {
    let banned = not_used_terms();
    assert!(
        banned.len() > 40,
        "the glossary's table was read: {banned:?}"
    );
    assert!(banned.contains(&"协作者") && banned.contains(&"追随者"));
    for (path, s) in strings(Lang::Zh) {
        for term in &banned {
            assert!(
                !s.contains(term),
                "zh {path} uses {term:?}, which the glossary rules out: {s:?}"
            );
        }
    }
}

#[test]
fn sentences_join_with_a_space_in_english_and_none_after_chinese_punctuation() {
    let mut en = String::from("S1 times out.");
    super::push_sentence(&mut en, "It votes for itself.");
    assert_eq!(en, "S1 times out. It votes for itself.");
    let mut zh = String::from("S1 超时。");
    super::push_sentence(&mut zh, "它投票给自己。");
    super::push_sentence(&mut zh, "（没有效果：节点已崩溃）");
    assert_eq!(zh, "S1 超时。它投票给自己。（没有效果：节点已崩溃）");
}

/// A hole filled with Chinese closes the space its template left for a number or a name.
#[test]
fn a_chinese_value_in_a_hole_leaves_no_space_between_chinese_characters() {
    let t = "{to} 收到 {from} 发来的 {msg}。";
    let filled = super::fill(
        t,
        &[
            ("to", "参与者 1"),
            ("from", "协调者"),
            ("msg", "PREPARE T1"),
        ],
    );
    assert_eq!(filled, "参与者 1 收到协调者发来的 PREPARE T1。");
    let english = super::fill("{to} received {msg}.", &[("to", "S1"), ("msg", "x")]);
    assert_eq!(english, "S1 received x.");
    // English quotes one value after another with a space between: that space stays.
    let quoted = super::fill("{a} {b}", &[("a", "“x”"), ("b", "“y”")]);
    assert_eq!(quoted, "“x” “y”");
}

#[test]
fn the_first_visit_follows_the_browser_languages() {
    assert_eq!(Lang::preferred(["zh-CN", "en"]), Lang::Zh);
    assert_eq!(Lang::preferred(["en-GB", "zh-TW"]), Lang::En);
    assert_eq!(Lang::preferred(["fr", "zh-Hant-HK"]), Lang::Zh);
    assert_eq!(Lang::preferred(["fr", "de"]), Lang::En);
    assert_eq!(Lang::preferred([]), Lang::En);
    for lang in Lang::ALL {
        assert_eq!(Lang::from_code(lang.code()), Some(lang));
    }
}

/// Latin words a Chinese sentence may keep: message names and the papers' variable names,
/// as Chinese textbooks print them (docs/glossary.md), acronyms and units.
pub(crate) const KEPT_IN_ENGLISH: &[&str] = &[
    // Raft
    "RequestVote",
    "AppendEntries",
    "InstallSnapshot",
    "PreVote",
    "CheckQuorum",
    "currentTerm",
    "votedFor",
    "log",
    "commitIndex",
    "lastApplied",
    "nextIndex",
    "matchIndex",
    "Raft",
    // The RPCs' fields as Figure 2 and Figure 13 of the Raft paper name them.
    "term",
    "lastLogIndex",
    "lastLogTerm",
    "voteGranted",
    "prevLogIndex",
    "prevLogTerm",
    "leaderCommit",
    "entries",
    "success",
    "lastIncludedIndex",
    "lastIncludedTerm",
    "data",
    // Two-phase commit
    "BEGIN",
    "WORK",
    "PREPARE",
    "PREPARED",
    "VOTE",
    "YES",
    "NO",
    "COMMIT",
    "ABORT",
    "ACK",
    "DECISION",
    "UNCERTAIN",
    "OUTCOME",
    "END",
    // Paxos
    "Paxos",
    "Multi",
    "Prepare",
    "Promise",
    "Nack",
    "Accept",
    "Accepted",
    "Forward",
    // Load balancing and sharding
    "EWMA",
    "P2C",
    "nginx",
    "fail_timeout",
    "put",
    "get",
    "moved",
    // Proper names, citations, keys of the keyboard, notation and example keys.
    "Finagle",
    "ZooKeeper",
    "Chubby",
    "Zab",
    "etcd",
    "PBFT",
    "Ongaro",
    "raft",
    "dev",
    "Get",
    "Put",
    "hash",
    "mod",
    "alice",
    "cart",
    "Space",
    "PageDown",
    "PageUp",
    "Home",
    "End",
    "Esc",
    "JSON",
    "SVG",
    "PNG",
];

/// The Latin words of `text` that a Chinese sentence should not have: any not kept in
/// English. Names with digits are data, not words (S1, T2, k3, key-0803).
pub(crate) fn english_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-')
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .flat_map(|w| w.split('-'))
        .filter(|w| w.len() > 2 && !KEPT_IN_ENGLISH.contains(w))
        .collect()
}

/// Every string of the Chinese catalog is Chinese: no English word beyond the names
/// Chinese textbooks keep (message names, the papers' variables) and proper names.
#[test]
fn the_chinese_catalog_has_no_english_words() {
    for (path, s) in strings(Lang::Zh) {
        let text: String = {
            let mut t = s.clone();
            for hole in holes(&s) {
                t = t.replace(&format!("{{{hole}}}"), " ");
            }
            t
        };
        let words = english_words(&text);
        assert!(words.is_empty(), "zh {path}: English {words:?} in {s:?}");
    }
}
