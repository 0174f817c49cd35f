//! The `sim` command-line runner: runs scenario files, prints one line per event and a
//! summary, and refuses bad input with a message and exit code 2.

use std::io::Write;
use std::process::{Command, Output};

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .output()
        .expect("sim runs")
}

use tempfile_path::TempPath;

fn file_with(text: &str) -> TempPath {
    TempPath::with(text)
}

/// A tiny temporary file (no extra dependency).
mod tempfile_path {
    pub struct TempPath(pub std::path::PathBuf);
    impl TempPath {
        pub fn with(text: &str) -> TempPath {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let name = format!(
                "sim-cli-{}-{}.json",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            );
            let path = std::env::temp_dir().join(name);
            let mut f = std::fs::File::create(&path).unwrap();
            super::Write::write_all(&mut f, text.as_bytes()).unwrap();
            TempPath(path)
        }
        pub fn arg(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }
    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[test]
fn the_example_runs_and_ends_with_a_summary_line() {
    let example = sim(&["example", "two-phase-commit"]);
    assert!(example.status.success());
    let path = file_with(&String::from_utf8(example.stdout).unwrap());
    let out = sim(&["run", path.arg()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let last = lines.last().unwrap();
    assert!(last.starts_with("steps=81 violations=0 hash="), "{last}");
    assert_eq!(lines.len(), 82, "one line per event, then the summary");
    assert!(
        stdout.contains("\"kind\":\"crash\""),
        "the example's crash input is reached"
    );
    // The same file gives the same hash every time.
    let again = String::from_utf8(sim(&["run", path.arg()]).stdout).unwrap();
    assert_eq!(again.lines().last(), Some(*last));
}

fn refused(text: &str) -> String {
    let path = file_with(text);
    let out = sim(&["run", path.arg()]);
    assert_eq!(out.status.code(), Some(2), "bad input exits with 2");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn malformed_and_impossible_files_are_refused_with_the_problem_named() {
    assert!(refused("{ not json").contains("malformed"));
    let base = r#""format": 1, "protocol": "two-phase-commit", "seed": 1, "steps": 10"#;
    assert!(
        refused(&format!("{{{base}, \"config\": {{\"participants\": 9}}}}"))
            .contains("participants must be between 2 and 7")
    );
    assert!(
        refused(&format!("{{{base}, \"config\": {{\"partisipants\": 3}}}}"))
            .contains("partisipants")
    );
    assert!(refused(&format!(
        "{{{base}, \"inputs\": [{{\"at\": 3, \"kind\": \"crash\", \"node\": 12}}]}}"
    ))
    .contains("input #0"));
    assert!(refused(&format!("{{{base}, \"inputs\": [{{\"at\": 3, \"kind\": \"heal\"}}, {{\"at\": 3, \"kind\": \"heal\"}}]}}"))
        .contains("input #1"));
    assert!(
        refused(r#"{"format": 9, "protocol": "two-phase-commit", "seed": 1, "steps": 1}"#)
            .contains("format 9")
    );
    assert!(
        refused(r#"{"format": 1, "protocol": "gossip", "seed": 1, "steps": 1}"#)
            .contains("unknown protocol")
    );
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(sim(&[]).status.code(), Some(2));
    assert_eq!(sim(&["run", "/no/such/file.json"]).status.code(), Some(2));
    assert_eq!(sim(&["example", "gossip"]).status.code(), Some(2));
}

/// `sim swarm` prints a seed's whole run (safety and liveness phases); `sim run` replays it
/// to the same hash every time.
#[test]
fn a_swarm_scenario_replays_to_the_same_hash() {
    let out = sim(&["swarm", "two-phase-commit", "--seed", "5"]);
    assert!(out.status.success());
    let path = file_with(&String::from_utf8(out.stdout).unwrap());
    let first = String::from_utf8(sim(&["run", path.arg()]).stdout).unwrap();
    let again = String::from_utf8(sim(&["run", path.arg()]).stdout).unwrap();
    let last = first.lines().last().unwrap();
    assert!(
        last.starts_with("steps=") && last.contains(" hash="),
        "{last}"
    );
    assert_eq!(again.lines().last(), Some(last));
}

#[test]
fn the_raft_example_runs_too() {
    let example = sim(&["example", "raft"]);
    assert!(example.status.success());
    let path = file_with(&String::from_utf8(example.stdout).unwrap());
    let out = String::from_utf8(sim(&["run", path.arg()]).stdout).unwrap();
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("steps=120 violations=0 hash="),
        "{out}"
    );
    assert!(out.contains("became_leader"));
}

#[test]
fn batch_mode_compares_every_load_balancing_algorithm() {
    let out = sim(&[
        "batch",
        "load-balancing",
        "--requests",
        "2000",
        "--backends",
        "8",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "RoundRobin",
        "PowerOfTwo",
        "ConsistentHash",
        "max load",
        "p99",
    ] {
        assert!(text.contains(name), "{name} in\n{text}");
    }
    assert_eq!(
        sim(&["batch", "load-balancing", "--backends", "99"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn batch_mode_reports_key_spread_and_moved_keys_per_placement() {
    let out = sim(&["batch", "sharding", "--keys", "5000", "--servers", "8"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "hash mod N",
        "ring, V = 100",
        "ranges",
        "std dev",
        "moved",
        "ideal",
        "busiest",
    ] {
        assert!(text.contains(name), "{name} in\n{text}");
    }
    assert_eq!(
        sim(&["batch", "sharding", "--servers", "0"]).status.code(),
        Some(2)
    );
}

/// `sim run FILE | head` ends quietly: a reader that closes the pipe early is not an error.
#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let swarm = sim(&["swarm", "two-phase-commit", "--seed", "5"]);
    assert!(swarm.status.success());
    let path = file_with(&String::from_utf8(swarm.stdout).unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["run", path.arg()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sim runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("t="), "{first}");
    // The reader is gone (dropped with its pipe); far more lines were still to come.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}

/// `sim run` streams: a 300,000-step run (about 100 MB of records if they were kept, as a
/// recorded history keeps them) runs in 64 MB of address space.
#[test]
fn a_long_run_streams_in_bounded_memory() {
    let path = file_with(
        r#"{"format": 1, "protocol": "two-phase-commit", "seed": 1, "steps": 300000,
            "config": {"transactions": 100000, "txn_gap_ticks": 1}}"#,
    );
    let script = format!(
        "ulimit -v 65536 && exec '{}' run '{}' | tail -n 1",
        env!("CARGO_BIN_EXE_sim"),
        path.arg()
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("steps=300000 violations=0 hash="),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sweep_reports_each_invariant_and_help_lists_the_bug_switches() {
    let help = String::from_utf8(sim(&["--help"]).stdout).unwrap();
    assert!(help.contains("raft: no_election_restriction, commit_old_terms, forget_voted_for"));
    let out = sim(&[
        "sweep",
        "paxos",
        "--seeds",
        "20",
        "--bug",
        "ignore_accepted",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("20 seeds 0..20 of paxos with bug ignore_accepted"),
        "{text}"
    );
    assert!(text.contains("one_value_chosen"), "{text}");
    assert!(
        text.contains("replay: sim swarm paxos --bug ignore_accepted --seed "),
        "{text}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "failing seeds make a failing sweep"
    );
    let clean = sim(&["sweep", "paxos", "--seeds", "5"]);
    assert!(clean.status.success());
    assert_eq!(
        sim(&["sweep", "paxos", "--seeds", "5", "--bug", "nope"])
            .status
            .code(),
        Some(2)
    );
}

/// Issue 11, item 5: a valid configuration that piles up messages without end (a retry
/// every tick, every message 10,000 ticks on the way) stops at the simulator's bound with
/// the bound named, instead of exhausting memory.
#[test]
fn a_run_that_outgrows_the_bounds_stops_with_the_bound_named() {
    let path = file_with(
        r#"{"format":1,"protocol":"paxos","seed":1,"steps":2000000,"network":{"latency_ticks_min":10000,"latency_ticks_max":10000,"loss_per_mille":0},"config":{"proposers":3,"acceptors":7,"retry_ticks":1}}"#,
    );
    let out = sim(&["run", path.arg()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().rev().take(2).collect();
    assert!(
        lines[1].starts_with("stopped at step ") && lines[1].contains("messages in flight"),
        "{lines:?}"
    );
    assert!(lines[0].starts_with("steps="), "{lines:?}");
}

/// `sim lesson` walks a lesson (the site's lesson files), says where each beat starts,
/// prints its end state as a scenario that `sim run` replays, and refuses a broken lesson
/// with its line.
#[test]
fn a_lesson_walks_prints_its_end_state_and_a_broken_one_is_refused_at_its_line() {
    let lesson = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../src/labs/two_phase_commit/lessons/blocking.txt"
    );
    let out = sim(&["lesson", lesson]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.trim_end().ends_with("steps") && text.contains("ok: 7 beats"),
        "{text}"
    );
    let out = sim(&["lesson", lesson, "--scenario"]);
    let scenario = file_with(&String::from_utf8(out.stdout).unwrap());
    let replay = sim(&["run", scenario.arg()]);
    assert!(replay.status.success(), "its end state replays");
    let broken = std::fs::read_to_string(lesson)
        .unwrap()
        .replace("predict answer=3", "predict answer=9");
    let path = file_with(&broken);
    let out = sim(&["lesson", path.arg()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("line 33") && stderr.contains("answer=9"),
        "{stderr}"
    );
}
