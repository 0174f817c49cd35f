//! The lab's lessons and misconception cards (docs/lessons.md): the files in `lessons/`,
//! in the order the page lists them ("Start here" is the first).

pub const ALL: (&[&str], &str) = (
    &[
        include_str!("lessons/election.txt"),
        include_str!("lessons/split-votes.txt"),
        include_str!("lessons/replication.txt"),
        include_str!("lessons/minority-leader.txt"),
        include_str!("lessons/figure-8.txt"),
        include_str!("lessons/figure-8-bug.txt"),
        include_str!("lessons/membership.txt"),
    ],
    include_str!("lessons/myths.txt"),
);
