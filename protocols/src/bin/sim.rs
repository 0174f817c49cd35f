//! `sim`: runs scenario files from the command line.
//!
//! ```text
//! sim run FILE.json                      run a scenario, one line per event
//! sim example PROTOCOL                   print an example scenario
//! sim swarm PROTOCOL [--seed N] [--steps N] [--bug]
//!                                        print the scenario of a seeded random-fault run
//! sim batch load-balancing [--requests N] [--seed N] [--backends N] [--rate N]
//!                                        every algorithm on one workload, no animation
//! sim batch sharding [--keys N] [--servers N] [--skew N]
//!                                        key spread and moved keys per placement strategy
//! ```
//! Errors name the problem and exit with code 2.

use protocols::load_balancing::{self as lb, LoadBalancing};
use protocols::paxos::{self, Paxos};
use protocols::raft::{self, Raft};
use protocols::scenario::{self, Scenario, ScenarioError};
use protocols::sharding::{self as shard, Sharding};
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
  sim batch load-balancing [--requests N] [--seed N] [--backends N] [--rate N]
  sim batch sharding [--keys N] [--servers N] [--skew N]
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
            println!("{}", example(name)?);
            Ok(())
        }
        Some("swarm") => {
            let name = args.get(1).ok_or(USAGE)?;
            let seed = flag(args, "--seed")?.unwrap_or(1);
            let steps = flag(args, "--steps")?.unwrap_or(2_000);
            let bug = args.iter().any(|a| a == "--bug");
            println!("{}", swarm(name, seed, steps, bug)?);
            Ok(())
        }
        Some("batch") if args.get(1).map(String::as_str) == Some("sharding") => {
            let keys = flag(args, "--keys")?.unwrap_or(10_000);
            let servers = flag(args, "--servers")?.unwrap_or(10);
            let skew = flag(args, "--skew")?.unwrap_or(0);
            if !(100..=1_000_000).contains(&keys)
                || !(1..=64).contains(&servers)
                || !(0..=4).contains(&skew)
            {
                return Err("--keys must be 100–1,000,000, --servers 1–64 and --skew 0–4".into());
            }
            print!(
                "{}",
                protocols::sharding::experiments::report(
                    servers as u32,
                    keys as usize,
                    skew as u32
                )
            );
            Ok(())
        }
        Some("batch") if args.get(1).map(String::as_str) == Some(LoadBalancing::NAME) => {
            let requests = flag(args, "--requests")?.unwrap_or(10_000);
            let seed = flag(args, "--seed")?.unwrap_or(1);
            // One-slot backends, a quarter of them large, loaded to 85% by default, with
            // timeouts out of the way: the batch measures spread.
            let backends = flag(args, "--backends")?.map_or(8, |b| b.min(1_000) as u32);
            let base = lb::batch::spread_workload(backends, flag(args, "--rate")?);
            print!("{}", batch_table(&base, requests, seed)?);
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

/// Every algorithm on the same seeded workload: load spread and latency.
fn batch_table(base: &lb::Config, requests: u64, seed: u64) -> Result<String, String> {
    use protocols::sim::Protocol as _;
    LoadBalancing::validate(base).map_err(|e| e.to_string())?;
    let mut t = format!(
        "{requests} requests, {} clients, {} backends ({} large), seed {seed}\n{:<22} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>9}\n",
        base.clients, base.backends, base.large_backends, "algorithm", "max load", "mean load", "p50", "p95", "p99", "failed", "rejected"
    );
    for algorithm in lb::Algorithm::ALL {
        let cfg = lb::Config {
            algorithm,
            ..base.clone()
        };
        let per_client = requests.div_ceil(u64::from(cfg.clients));
        let r = lb::batch::run(&cfg, per_client, seed, 50_000_000);
        t.push_str(&format!(
            "{:<22} {:>9} {:>9.2} {:>8} {:>8} {:>8} {:>8} {:>9}\n",
            format!("{algorithm:?}"),
            r.max_peak,
            r.mean_peak_x100 as f64 / 100.0,
            r.p50,
            r.p95,
            r.p99,
            r.failed,
            r.rejected
        ));
    }
    Ok(t)
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

/// A clear error for a name the format knows but this build lacks, or does not know.
fn not_built(name: &str) -> ScenarioError {
    if scenario::PROTOCOL_NAMES.contains(&name) {
        ScenarioError::NotBuilt(name.into())
    } else {
        ScenarioError::UnknownProtocol(name.into())
    }
}

fn run_file(text: &str) -> Result<(), ScenarioError> {
    match scenario::protocol_of(text)?.as_str() {
        TwoPhaseCommit::NAME => run_typed::<TwoPhaseCommit>(text),
        Raft::NAME => run_typed::<Raft>(text),
        Paxos::NAME => run_typed::<Paxos>(text),
        LoadBalancing::NAME => run_typed::<LoadBalancing>(text),
        Sharding::NAME => run_typed::<Sharding>(text),
        other => Err(not_built(other)),
    }
}

fn run_typed<P: Protocol>(text: &str) -> Result<(), ScenarioError> {
    let h = Scenario::<P>::parse(text)?
        .run()
        .map_err(ScenarioError::Config)?;
    print_history(&h);
    Ok(())
}

/// The bundled example scenario of a protocol.
fn example(name: &str) -> Result<String, String> {
    let text = match name {
        TwoPhaseCommit::NAME => include_str!("../../examples/two-phase-commit.json"),
        Raft::NAME => include_str!("../../examples/raft.json"),
        Paxos::NAME => include_str!("../../examples/paxos.json"),
        LoadBalancing::NAME => include_str!("../../examples/load-balancing.json"),
        Sharding::NAME => include_str!("../../examples/sharding.json"),
        other => return Err(not_built(other).to_string()),
    };
    Ok(text.trim_end().to_string())
}

/// A seeded random-fault run as a scenario; `--bug` turns on the protocol's first bug switch
/// (2PC: decision before log; Raft: votes without the election restriction; Paxos:
/// acceptors forget their promises on restart; sharding: no fencing).
fn swarm(name: &str, seed: u64, steps: u64, bug: bool) -> Result<String, String> {
    Ok(match name {
        TwoPhaseCommit::NAME => {
            let cfg = tpc::Config {
                bug_decision_before_log: bug,
                ..Default::default()
            };
            swarm_scenario::<TwoPhaseCommit>(cfg, seed, steps).to_json()
        }
        Raft::NAME => {
            let cfg = raft::Config {
                bug_no_election_restriction: bug,
                ..Default::default()
            };
            swarm_scenario::<Raft>(cfg, seed, steps).to_json()
        }
        Paxos::NAME => {
            let cfg = paxos::Config {
                bug_forget_promises: bug,
                ..Default::default()
            };
            swarm_scenario::<Paxos>(cfg, seed, steps).to_json()
        }
        // The load-balancing lab has no bug switch; `--bug` changes nothing there.
        LoadBalancing::NAME => {
            swarm_scenario::<LoadBalancing>(lb::Config::default(), seed, steps).to_json()
        }
        Sharding::NAME => {
            let cfg = shard::Config {
                bug_no_fencing: bug,
                ..Default::default()
            };
            swarm_scenario::<Sharding>(cfg, seed, steps).to_json()
        }
        other => return Err(not_built(other).to_string()),
    })
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
