//! The lab's lessons and misconception cards (docs/lessons.md): the files in `lessons/`,
//! in the order the page lists them ("Start here" is the first).

pub const ALL: (&[&str], &str) = (
    &[
        include_str!("lessons/happy-path.txt"),
        include_str!("lessons/blocking.txt"),
        include_str!("lessons/presumed-abort.txt"),
        include_str!("lessons/decision-before-log.txt"),
    ],
    include_str!("lessons/myths.txt"),
);
