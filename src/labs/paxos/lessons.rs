//! The lab's lessons and misconception cards (docs/lessons.md): the files in `lessons/`,
//! in the order the page lists them ("Start here" is the first).

pub const ALL: (&[&str], &str) = (
    &[
        include_str!("lessons/chosen-unknown.txt"),
        include_str!("lessons/duel.txt"),
        include_str!("lessons/duel-backoff.txt"),
        include_str!("lessons/duel-leader.txt"),
        include_str!("lessons/bug-forget-promises.txt"),
        include_str!("lessons/bug-ignore-accepted.txt"),
    ],
    include_str!("lessons/myths.txt"),
);
