//! The run's inputs as a list to edit: deleting one or moving it to another step records
//! the run again from there (a fork), and the run before the edit is kept as a branch.
//! Adding one is acting at its step, which forks the same way.

use super::{Branch, Controller, Cursor, Notice};
use crate::i18n::fill;
use leptos::prelude::*;
use serde_json::Value;

/// An edit of the run's inputs (by their place in the list, in step order).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Delete(usize),
    Move(usize, u64),
}

/// Why an edit cannot be made.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Another input is at that step already (one input per step).
    Taken(u64),
    /// Nothing to edit: no such input (a list out of date), or a move to the step the
    /// input is at. The page does nothing.
    Nothing,
}

/// The scenario JSON with `edit` made, and the first step the edit changes.
pub fn edited(json: &str, edit: Edit) -> Result<(String, u64), Refused> {
    let mut v: Value = serde_json::from_str(json).map_err(|_| Refused::Nothing)?;
    let steps = v["steps"].as_u64().ok_or(Refused::Nothing)?;
    let inputs = v["inputs"].as_array_mut().ok_or(Refused::Nothing)?;
    let at = |i: &Value| i["at"].as_u64().unwrap_or(0);
    let (from, last) = match edit {
        Edit::Delete(i) if i < inputs.len() => {
            let from = at(&inputs.remove(i));
            (from, from)
        }
        Edit::Move(i, to) if i < inputs.len() && at(&inputs[i]) != to => {
            if inputs
                .iter()
                .enumerate()
                .any(|(j, x)| j != i && at(x) == to)
            {
                return Err(Refused::Taken(to));
            }
            let from = at(&inputs[i]).min(to);
            inputs[i]["at"] = to.into();
            (from, to)
        }
        _ => return Err(Refused::Nothing),
    };
    inputs.sort_by_key(at);
    // The run is recorded at least past the input moved to the end.
    v["steps"] = steps.max(last + 1).into();
    Ok((v.to_string(), from))
}

impl Controller {
    /// Makes `edit`: the edited run opens at the first step it changes, and the run
    /// before it is kept as a branch.
    pub fn edit_input(&self, edit: Edit) {
        let cat = self.cat();
        let (lab, len, json) = self.with(|s| (s.lab(), s.len(), s.export()));
        let (text, from) = match edited(&json, edit) {
            Ok(e) => e,
            Err(Refused::Taken(step)) => {
                let text = fill(cat.transport.input_taken, &[("step", &step.to_string())]);
                return self.notice.set(Some(Notice { text, error: true }));
            }
            Err(Refused::Nothing) => return,
        };
        let sim = match crate::labs::load_run(&text, cat) {
            Ok(sim) => sim,
            Err(text) => return self.notice.set(Some(Notice { text, error: true })),
        };
        self.push_branch(Branch {
            lab,
            json,
            from,
            len,
        });
        self.open_replacing(sim, Cursor::Step(from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = r#"{"steps": 50, "inputs": [{"at": 10, "kind": "crash", "node": 1}, {"at": 20, "kind": "heal"}]}"#;

    fn inputs(json: &str) -> Vec<(u64, String)> {
        let v: Value = serde_json::from_str(json).unwrap();
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["at"].as_u64().unwrap(),
                    i["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn deleting_an_input_changes_the_run_from_its_step() {
        let (json, from) = edited(RUN, Edit::Delete(0)).unwrap();
        assert_eq!(from, 10);
        assert_eq!(inputs(&json), [(20, "heal".to_string())]);
    }

    #[test]
    fn a_moved_input_keeps_the_list_in_step_order() {
        let (json, from) = edited(RUN, Edit::Move(1, 5)).unwrap();
        assert_eq!(from, 5);
        assert_eq!(
            inputs(&json),
            [(5, "heal".to_string()), (10, "crash".to_string())]
        );
        let (json, from) = edited(RUN, Edit::Move(0, 80)).unwrap();
        assert_eq!(from, 10, "the run changes where the input was");
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["steps"], 81, "and is recorded past where it went");
    }

    #[test]
    fn two_inputs_never_share_a_step() {
        assert_eq!(edited(RUN, Edit::Move(0, 20)), Err(Refused::Taken(20)));
        assert_eq!(edited(RUN, Edit::Delete(5)), Err(Refused::Nothing));
        assert_eq!(
            edited(RUN, Edit::Move(0, 10)),
            Err(Refused::Nothing),
            "not moved at all"
        );
    }
}
