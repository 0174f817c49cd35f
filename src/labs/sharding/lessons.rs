//! The lab's lessons and misconception cards (docs/lessons.md): the files in `lessons/`,
//! in the order the page lists them ("Start here" is the first).

pub const ALL: (&[&str], &str) = (
    &[
        include_str!("lessons/join-mod-n.txt"),
        include_str!("lessons/join-consistent.txt"),
        include_str!("lessons/virtual-nodes.txt"),
        include_str!("lessons/hot-range.txt"),
        include_str!("lessons/migration.txt"),
    ],
    include_str!("lessons/myths.txt"),
);
