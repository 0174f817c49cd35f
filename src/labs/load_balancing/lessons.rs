//! The lab's lessons and misconception cards (docs/lessons.md): the files in `lessons/`,
//! in the order the page lists them ("Start here" is the first).

pub const ALL: (&[&str], &str) = (
    &[
        include_str!("lessons/slow-backend.txt"),
        include_str!("lessons/power-of-two.txt"),
        include_str!("lessons/health-checks.txt"),
    ],
    include_str!("lessons/myths.txt"),
);
