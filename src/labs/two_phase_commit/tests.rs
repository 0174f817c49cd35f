//! The two-phase commit lab's tests: its sentences, over the example and busy runs.

use crate::i18n::EN;
use crate::labs::sentences_test::check_everything;
use crate::labs::{load_recorded, LabSim, UiInput};

fn run(sim: &mut Box<dyn LabSim>, steps: usize) {
    for _ in 0..steps {
        if !sim.step_forward() {
            break;
        }
    }
}

fn log(sim: &dyn LabSim) -> String {
    let lines = sim.log_lines(0, sim.len(), &EN);
    let text: Vec<String> = lines.into_iter().map(|l| l.text).collect();
    text.join("\n")
}

/// The bundled example (a coordinator crash, a BEGIN lost to it, a No voter): the
/// restart is told as a reading of the log, with no Raft words, and the client's
/// retry and the presumed abort are told truly (issue 11, item 12).
#[test]
fn the_example_tells_recovery_retry_and_presumed_abort_truly() {
    use protocols::registry::Engine;
    let sim = load_recorded(protocols::two_phase_commit::TwoPhaseCommit::EXAMPLE);
    let log = log(sim.as_ref());
    for expected in [
        "Coordinator reads its write-ahead log back from disk (1 record): no COMMIT waits",
        "Client has heard nothing of T1 for 1000 ticks: it sends BEGIN T1 again, with the same id.",
        "has no COMMIT record of T1 and is not running it: presumed aborted",
        "Coordinator never begins T1 again",
        "Participant 2 force-writes ABORT T2 and votes NO.",
    ] {
        assert!(log.contains(expected), "{expected}\n{log}");
    }
    assert!(!log.contains("term"), "no Raft words: {log}");
}

/// A busy run, with and without the bug switch: crashes and restarts of every role, a
/// No voter, a partition and dropped messages. Every sentence is whole, and each kind
/// of restart is told.
#[test]
fn every_event_of_a_busy_run_reads_as_a_sentence() {
    let mut all = String::new();
    for bug in [false, true] {
        let json = format!(
            r#"{{"format": 1, "protocol": "two-phase-commit", "seed": 3, "steps": 0,
            "config": {{"transactions": 6, "decision_timeout_ticks": 60,
              "prepare_timeout_ticks": 80, "client_timeout_ticks": 300,
              "bug_decision_before_log": {bug}}}, "inputs": []}}"#
        );
        let mut sim = load_recorded(&json);
        // A participant with nothing in doubt restarts (before any work arrives).
        sim.inject(UiInput::Crash(1)).unwrap();
        sim.inject(UiInput::Restart(1)).unwrap();
        let script: [(usize, UiInput); 9] = [
            (30, UiInput::Crash(0)),
            (60, UiInput::Restart(0)),
            (20, UiInput::Action(2, "vote_no")),
            (40, UiInput::Crash(3)),
            (30, UiInput::Restart(3)),
            (10, UiInput::Partition(vec![0, 1])),
            (60, UiInput::Heal),
            (20, UiInput::Crash(4)),
            (40, UiInput::Restart(4)),
        ];
        for (steps, input) in script {
            run(&mut sim, steps);
            sim.inject(input).unwrap();
            if let Some(m) = sim.scene(&EN).messages.first() {
                sim.inject(UiInput::Drop(m.id)).unwrap();
            }
        }
        sim.inject(UiInput::Action(4, "submit")).unwrap();
        run(&mut sim, 2_000);
        check_everything(&mut sim, "busy 2PC");
        all.push_str(&log(sim.as_ref()));
    }
    for expected in [
        "reads its write-ahead log back from disk (",
        "it sends BEGIN T",
        "force-writes ABORT",
        "no YES vote of its own is in doubt",
        "its next transaction gets a new id",
        "BUG: it sends COMMIT",
    ] {
        assert!(all.contains(expected), "{expected}\n{all}");
    }
}

/// "1 transaction done", "2 transactions done".
#[test]
fn the_client_counts_its_transactions_in_words() {
    let status = |n: u32| {
        let sim = load_recorded(&format!(
            r#"{{"format": 1, "protocol": "two-phase-commit", "seed": 1, "steps": 2000,
            "config": {{"transactions": {n}}}, "inputs": []}}"#
        ));
        sim.scene(&EN).nodes[4].status.clone()
    };
    assert_eq!(status(1), "1 transaction done");
    assert_eq!(status(2), "2 transactions done");
}
