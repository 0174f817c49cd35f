//! `sim`: runs scenario files from the command line.
//!
//! ```text
//! sim run FILE.json                      run a scenario, one line per event
//! sim example PROTOCOL                   print an example scenario
//! sim swarm PROTOCOL [--seed N] [--steps N] [--bug]
//!                                        print the scenario of a seeded random-fault run
//! ```
//! Errors name the problem and exit with code 2.

use protocols::scenario::{self, Scenario, ScenarioError};
use protocols::sim::history::{History, RunSpec};
use protocols::sim::swarm::{run_with_faults, Swarm};
use protocols::sim::trace::trace_hash;
use protocols::sim::{NetConfig, Protocol, StepRecord};
use protocols::two_phase_commit::{self as tpc, TwoPhaseCommit};
use std::process::ExitCode;

const USAGE: &str = "usage:
  sim run FILE.json
  sim example PROTOCOL
  sim swarm PROTOCOL [--seed N] [--steps N] [--bug]
protocols: two-phase-commit, raft, paxos, sharding, load-balancing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sim: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("run") => {
            let path = args.get(1).ok_or(USAGE)?;
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            run_file(&text).map_err(|e| format!("{path}: {e}"))
        }
        Some("example") => {
            let name = args.get(1).ok_or(USAGE)?;
            built(name)?;
            println!("{}", example_two_phase_commit().to_json());
            Ok(())
        }
        Some("swarm") => {
            let name = args.get(1).ok_or(USAGE)?;
            built(name)?;
            let seed = flag(args, "--seed")?.unwrap_or(1);
            let steps = flag(args, "--steps")?.unwrap_or(2_000);
            let bug = args.iter().any(|a| a == "--bug");
            let cfg = tpc::Config {
                bug_decision_before_log: bug,
                ..Default::default()
            };
            println!(
                "{}",
                swarm_scenario::<TwoPhaseCommit>(cfg, seed, steps).to_json()
            );
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

fn flag(args: &[String], name: &str) -> Result<Option<u64>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            let v = args.get(i + 1).ok_or(format!("{name} needs a number"))?;
            v.parse()
                .map(Some)
                .map_err(|_| format!("{name} needs a whole number, not {v:?}"))
        }
    }
}

/// Fails with a clear message for names the format knows but this build lacks.
fn built(name: &str) -> Result<(), String> {
    match name {
        n if n == TwoPhaseCommit::NAME => Ok(()),
        n if scenario::PROTOCOL_NAMES.contains(&n) => {
            Err(ScenarioError::NotBuilt(n.into()).to_string())
        }
        n => Err(ScenarioError::UnknownProtocol(n.into()).to_string()),
    }
}

fn run_file(text: &str) -> Result<(), ScenarioError> {
    let name = scenario::protocol_of(text)?;
    built(&name).map_err(|_| ScenarioError::NotBuilt(name.clone()))?;
    let sc = Scenario::<TwoPhaseCommit>::parse(text)?;
    let h = sc.run().map_err(ScenarioError::Config)?;
    print_history(&h);
    Ok(())
}

fn print_history<P: Protocol>(h: &History<P>) {
    let mut violations = 0;
    for r in h.records() {
        println!("{}", line(r));
        violations += r.violations.len();
    }
    println!(
        "steps={} violations={} hash={:016x}",
        h.len(),
        violations,
        trace_hash(h.records())
    );
}

/// The CLI's own plain rendering of a step (the UI has its text catalog).
fn line<P: Protocol>(r: &StepRecord<P>) -> String {
    let json = |v: &dyn erased::Json| v.json();
    let mut s = format!("{:>6} t={:<6} {}", r.step, r.time.0, json(&r.event));
    for (node, note) in &r.notes {
        s.push_str(&format!(" | node {} {}", node.0, json(note)));
    }
    for v in &r.violations {
        s.push_str(&format!(
            " | VIOLATION {} {}",
            P::invariants()[v.invariant],
            json(&v.detail)
        ));
    }
    s
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

fn example_two_phase_commit() -> Scenario<TwoPhaseCommit> {
    let text = include_str!("../../examples/two-phase-commit.json");
    Scenario::parse(text).expect("the bundled example is valid")
}

fn swarm_scenario<P: Protocol>(cfg: P::Config, seed: u64, steps: u64) -> Scenario<P> {
    let spec = RunSpec {
        cfg,
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).expect("default configuration is valid");
    run_with_faults(&mut h, &mut Swarm::new(seed), steps);
    Scenario {
        spec: h.spec().clone(),
        steps: h.len(),
    }
}
