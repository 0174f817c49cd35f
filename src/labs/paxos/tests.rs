//! The Paxos lab's tests: its sentences, over busy runs and a second chosen value.

use crate::i18n::EN;
use crate::labs::sentences_test::check_everything;
use crate::labs::{load_recorded, GridCell, LabSim, UiInput};

fn log(sim: &dyn LabSim) -> String {
    let lines = sim.log_lines(0, sim.len(), &EN);
    let text: Vec<String> = lines.into_iter().map(|l| l.text).collect();
    text.join("\n")
}

fn settle(sim: &mut Box<dyn LabSim>, steps: usize) {
    for _ in 0..steps {
        if !sim.step_forward() {
            break;
        }
    }
}

/// A busy single-decree run: crashes and restarts of acceptors, Propose now on both
/// proposers, a partition and a heal. Plurals are right ("1 slot").
#[test]
fn every_event_of_a_busy_run_reads_as_a_sentence() {
    let json = r#"{"format": 1, "protocol": "paxos", "seed": 4, "steps": 0,
        "config": {"cure_backoff": true, "retry_ticks": 120}, "inputs": []}"#;
    let mut sim = load_recorded(json);
    for (steps, input) in [
        (20, UiInput::Crash(2)),
        (20, UiInput::Action(1, "propose_now")),
        (10, UiInput::Restart(2)),
        (10, UiInput::Partition(vec![0, 2])),
        (40, UiInput::Heal),
        (30, UiInput::Action(0, "propose_now")),
        (200, UiInput::Crash(3)),
        (0, UiInput::Restart(3)),
    ] {
        settle(&mut sim, steps);
        sim.inject(input).unwrap();
    }
    settle(&mut sim, 1_000);
    check_everything(&mut sim, "busy Paxos");
    let log = log(sim.as_ref());
    assert!(log.contains("it has accepted a value in 1 slot."), "{log}");
    assert!(!log.contains("slot(s)"), "{log}");
}

/// Bug switch 2 (issue 11, item 14): the proposer that ignores a reported value says
/// so, and the "Chosen" row shows both values chosen in #0, not only one.
#[test]
fn a_second_value_chosen_is_told_and_shown() {
    let json = r#"{"format": 1, "protocol": "paxos", "seed": 6, "steps": 0,
        "config": {"bug_ignore_accepted": true, "start_ticks_min": 100000,
          "start_ticks_max": 100000, "retry_ticks": 100000}, "inputs": []}"#;
    let mut sim = load_recorded(json);
    sim.inject(UiInput::Action(0, "propose_now")).unwrap();
    settle(&mut sim, 500);
    sim.inject(UiInput::Action(1, "propose_now")).unwrap();
    settle(&mut sim, 500);
    check_everything(&mut sim, "Paxos bug 2");
    let log = log(sim.as_ref());
    assert!(
        log.contains("BUG: Proposer 2 proposes B in #0 with ballot 1.2, although a promise reported A accepted there in ballot 1.1: P2c obliges it to propose A."),
        "{log}"
    );
    assert!(
        !log.contains("Proposer 2 proposes B in #0 with ballot 1.2: no promise"),
        "{log}"
    );
    assert!(log.contains("B is now chosen in #0 too"), "{log}");
    let grid = sim.log_grid(&EN).expect("a grid");
    let GridCell::Text { text, .. } = &grid.rows[0].cells[0] else {
        panic!("the Chosen row has a cell for #0")
    };
    assert!(
        text.starts_with("A (step ") && text.contains(" · B (step "),
        "{text}"
    );
}
