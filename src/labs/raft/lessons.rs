//! The lab's lessons (docs/lessons.md), in the order the page lists them ("Start here"
//! is the first): the files `lessons/<id>.txt`, beside them `lessons/myths.txt` (the
//! misconception cards). The site fetches them when they are first wanted
//! (`crate::lesson::library`).

pub const ALL: &[&str] = &[
    "election",
    "split-votes",
    "replication",
    "minority-leader",
    "figure-8",
    "figure-8-bug",
    "membership",
];
