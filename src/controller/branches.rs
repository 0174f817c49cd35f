//! Branches: acting at a past step forks the run, and the future it replaces is kept as a
//! branch (its scenario and the step it was at), to switch back to and compare ("what if
//! S1 crashed instead of S3?").

use super::{Controller, Cursor, Notice};
use crate::labs::LabId;
use leptos::prelude::*;

/// A run a fork left behind.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub lab: LabId,
    /// The run as scenario JSON (its inputs: cheap to keep, recorded again to switch).
    pub json: String,
    /// The step the fork happened at (where the two runs part), and the branch's length.
    pub from: u64,
    pub len: u64,
}

/// How many branches are kept (the oldest goes first).
const MAX_BRANCHES: usize = 6;

impl Controller {
    /// Keeps the run's recorded future as a branch if acting now would fork it.
    pub(super) fn keep_branch(&self) {
        if self.lesson.with_untracked(|p| p.is_some()) {
            return;
        }
        let Some((lab, at, len, json)) = self.sim.try_with_value(|s| {
            (
                s.lab(),
                s.cursor(),
                s.len(),
                (s.cursor() < s.len()).then(|| s.export()),
            )
        }) else {
            return;
        };
        let Some(json) = json else { return };
        self.push_branch(Branch {
            lab,
            json,
            from: at,
            len,
        });
    }

    /// Keeps a run as a branch (the oldest goes past [`MAX_BRANCHES`]).
    pub(super) fn push_branch(&self, branch: Branch) {
        self.branches.update(|b| {
            b.push(branch);
            if b.len() > MAX_BRANCHES {
                b.remove(0);
            }
        });
    }

    /// Switches to branch `i`, at the step it parted from this run; this run becomes a
    /// branch in its place.
    pub fn switch_branch(&self, i: usize) {
        let Some(b) = self.branches.with_untracked(|b| b.get(i).cloned()) else {
            return;
        };
        let cat = self.cat();
        let sim = match crate::labs::load_run(&b.json, cat) {
            Ok(sim) => sim,
            Err(text) => return self.notice.set(Some(Notice { text, error: true })),
        };
        let (lab, len, json) = self.with(|s| (s.lab(), s.len(), s.export()));
        self.branches.update(|list| {
            list[i] = Branch {
                lab,
                json,
                from: b.from,
                len,
            };
        });
        self.open_replacing(sim, Cursor::Step(b.from));
    }
}
