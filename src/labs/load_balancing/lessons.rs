//! The lab's lessons (docs/lessons.md), in the order the page lists them ("Start here"
//! is the first): the files `lessons/<id>.txt`, beside them `lessons/myths.txt` (the
//! misconception cards). The site fetches them when they are first wanted
//! (`crate::lesson::library`).

pub const ALL: &[&str] = &["slow-backend", "power-of-two", "health-checks"];
