//! `sim`: runs scenario files from the command line.
//!
//! ```text
//! sim run FILE.json                      run a scenario, one line per event (streamed)
//! sim example PROTOCOL                   print an example scenario
//! sim lesson FILE.txt [--scenario]       walk a lesson, every hint taken (or print its
//!                                        end state as a scenario)
//! sim swarm PROTOCOL [--seed N] [--bug NAME]
//!                                        print the scenario of one seed of the sweep
//! sim sweep PROTOCOL --seeds N [--from S] [--bug NAME] [--workers N]
//!                                        swarm-test seeds S.., report what broke
//! sim batch load-balancing [--requests N] [--seed N] [--backends N] [--rate N]
//!                                        every algorithm on one workload, no animation
//! sim batch sharding [--keys N] [--servers N] [--skew N]
//!                                        key spread and moved keys per placement strategy
//! ```
//! Errors name the problem and exit with code 2.

use protocols::load_balancing::{self as lb, LoadBalancing};
use protocols::registry::{self, Engine, Visit};
use protocols::scenario::{self, Scenario, ScenarioError};
use protocols::sim::replay::Replay;
use protocols::sim::trace::Fnv64;
use protocols::sim::{Invariant, Protocol, StepRecord};
use protocols::sweep::{self, Target};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage:
  sim run FILE.json
  sim example PROTOCOL
  sim lesson FILE.txt [--scenario]
  sim swarm PROTOCOL [--seed N] [--bug NAME]
  sim sweep PROTOCOL --seeds N [--from S] [--bug NAME] [--workers N]
  sim batch load-balancing [--requests N] [--seed N] [--backends N] [--rate N]
  sim batch sharding [--keys N] [--servers N] [--skew N]
protocols: two-phase-commit, raft, paxos, sharding, load-balancing";

/// The usage, with each protocol's bug switches (the names `--bug` takes).
fn usage() -> String {
    let mut u = format!("{USAGE}\nbug switches (--bug NAME):");
    for (protocol, bugs) in protocols::registry::bug_switches() {
        let names = if bugs.is_empty() {
            "none".to_string()
        } else {
            bugs.join(", ")
        };
        u.push_str(&format!("\n  {protocol}: {names}"));
    }
    u
}

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
        Some("--help" | "-h" | "help") => {
            println!("{}", usage());
            Ok(())
        }
        Some("run") => {
            let path = args.get(1).ok_or(USAGE)?;
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            run_file(&text).map_err(|e| format!("{path}: {e}"))
        }
        Some("lesson") => {
            let path = args.get(1).ok_or(USAGE)?;
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let scenario = args.iter().any(|a| a == "--scenario");
            print!(
                "{}",
                lesson(&text, scenario).map_err(|e| format!("{path}: {e}"))?
            );
            Ok(())
        }
        Some("example") => {
            let name = args.get(1).ok_or(USAGE)?;
            println!("{}", example(name)?);
            Ok(())
        }
        Some("swarm") => {
            let name = args.get(1).ok_or(USAGE)?;
            let seed = flag(args, "--seed")?.unwrap_or(1);
            let bug = text_flag(args, "--bug")?;
            println!("{}", swarm(name, seed, bug.as_deref())?);
            Ok(())
        }
        Some("sweep") => {
            let name = args.get(1).ok_or(USAGE)?;
            let seeds = flag(args, "--seeds")?.ok_or("sweep needs --seeds N")?;
            let sweep = Sweep {
                from: flag(args, "--from")?.unwrap_or(0),
                seeds,
                bug: text_flag(args, "--bug")?,
                workers: flag(args, "--workers")?.unwrap_or(2).clamp(1, 64) as usize,
            };
            if sweep_protocol(name, &sweep)? {
                Ok(())
            } else {
                Err("some seeds failed (see above)".into())
            }
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
        _ => Err(usage()),
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

/// The word after `name`, if `name` is given.
fn text_flag(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => match args.get(i + 1) {
            Some(v) if !v.starts_with("--") => Ok(Some(v.clone())),
            _ => Err(format!("{name} needs a name (see sim --help)")),
        },
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

/// A clear error for a name the format knows but this build lacks, or does not know.
fn not_built(name: &str) -> ScenarioError {
    if scenario::PROTOCOL_NAMES.contains(&name) {
        ScenarioError::NotBuilt(name.into())
    } else {
        ScenarioError::UnknownProtocol(name.into())
    }
}

fn run_file(text: &str) -> Result<(), ScenarioError> {
    struct Run<'a>(&'a str);
    impl Visit for Run<'_> {
        type Out = Result<(), ScenarioError>;
        fn visit<P: Engine>(self) -> Self::Out {
            run_typed::<P>(self.0)
        }
    }
    let name = scenario::protocol_of(text)?;
    registry::dispatch(&name, Run(text)).unwrap_or_else(|| Err(not_built(&name)))
}

/// Streams the run: each line is printed as its step happens and nothing is kept, so
/// memory stays bounded by the world however many steps the scenario asks for. A reader
/// that stops early (`sim run FILE | head`) ends the run quietly.
fn run_typed<P: Protocol>(text: &str) -> Result<(), ScenarioError> {
    let sc = Scenario::<P>::parse(text)?;
    let replay = Replay::new(sc.spec, sc.steps).map_err(ScenarioError::Config)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match print_steps(replay, &mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("sim: cannot write: {e}");
            std::process::exit(1)
        }
        _ => Ok(()),
    }
}

fn print_steps<P: Protocol>(mut replay: Replay<P>, out: &mut impl Write) -> std::io::Result<()> {
    let (mut steps, mut violations, mut hash) = (0, 0, Fnv64::default());
    for r in replay.by_ref() {
        hash.write(&serde_json::to_vec(&r).expect("records serialize"));
        hash.write(b"\n");
        writeln!(out, "{}", line(&r))?;
        steps += 1;
        violations += r.violations.len();
    }
    if let Some(stop) = replay.stopped() {
        writeln!(out, "{stop}")?;
    }
    writeln!(
        out,
        "steps={steps} violations={violations} hash={:016x}",
        hash.finish()
    )
}

/// The bundled example scenario of a protocol.
fn example(name: &str) -> Result<String, String> {
    struct Example;
    impl Visit for Example {
        type Out = &'static str;
        fn visit<P: Engine>(self) -> &'static str {
            P::EXAMPLE
        }
    }
    let text = registry::dispatch(name, Example).ok_or_else(|| not_built(name).to_string())?;
    Ok(text.trim_end().to_string())
}

/// The scenario of one seed of the sweep: both phases, replayable with `sim run`.
fn swarm(name: &str, seed: u64, bug: Option<&str>) -> Result<String, String> {
    struct Json<'a>(u64, Option<&'a str>);
    impl Visit for Json<'_> {
        type Out = Result<String, String>;
        fn visit<T: Engine>(self) -> Self::Out {
            check_bug::<T>(self.1)?;
            Ok(sweep::scenario::<T>(self.0, self.1).to_json())
        }
    }
    registry::dispatch(name, Json(seed, bug)).unwrap_or_else(|| Err(not_built(name).to_string()))
}

fn check_bug<T: Target>(bug: Option<&str>) -> Result<(), String> {
    match bug {
        Some(name) if !T::BUGS.contains(&name) => Err(format!(
            "{} has no bug switch {name:?} (it has: {})",
            T::NAME,
            if T::BUGS.is_empty() {
                "none".to_string()
            } else {
                T::BUGS.join(", ")
            }
        )),
        _ => Ok(()),
    }
}

/// What `sim sweep` was asked.
struct Sweep {
    from: u64,
    seeds: u64,
    bug: Option<String>,
    workers: usize,
}

/// Runs the sweep and prints its figures; true when no seed failed.
fn sweep_protocol(name: &str, sweep: &Sweep) -> Result<bool, String> {
    struct Swept<'a>(&'a Sweep);
    impl Visit for Swept<'_> {
        type Out = Result<bool, String>;
        fn visit<T: Engine>(self) -> Self::Out {
            sweep_typed::<T>(self.0)
        }
    }
    registry::dispatch(name, Swept(sweep)).unwrap_or_else(|| Err(not_built(name).to_string()))
}

/// Failing seeds listed with their replay command; past this, only their numbers.
const LISTED: usize = 30;

fn sweep_typed<T: Target>(s: &Sweep) -> Result<bool, String> {
    let bug = s.bug.as_deref();
    check_bug::<T>(bug)?;
    let start = std::time::Instant::now();
    let report = sweep::sweep::<T>(s.from, s.seeds, bug, s.workers);
    let secs = start.elapsed().as_secs_f64();
    let failed = report.failing.len();
    println!(
        "{} seeds {}..{} of {}{}: {failed} failed ({:.2}%), {} steps in {secs:.1} s on {} workers",
        s.seeds,
        s.from,
        s.from + s.seeds,
        T::NAME,
        bug.map_or(String::new(), |b| format!(" with bug {b}")),
        failed as f64 * 100.0 / s.seeds.max(1) as f64,
        report.steps,
        s.workers,
    );
    for (invariant, seeds) in &report.by_invariant {
        println!("  {invariant:<28} broken in {seeds} seeds");
    }
    let unsafe_seeds = report
        .failing
        .iter()
        .filter(|o| o.violations.iter().any(|v| *v > 0))
        .count();
    println!("  {:<28} broken in {unsafe_seeds} seeds", "(any invariant)");
    println!(
        "  {:<28} failed in {} seeds ({} more ran out of steps before their deadline)",
        "liveness", report.liveness_failures, report.undecided
    );
    if !report.watched.is_empty() {
        let seeds: Vec<String> = report.watched.iter().map(|w| w.0.to_string()).collect();
        println!(
            "  watched: seen in {} seeds: {}\n    first: seed {} step {}: {}",
            seeds.len(),
            seeds
                .iter()
                .take(LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            report.watched[0].0,
            report.watched[0].1,
            report.watched[0].2
        );
    }
    // Broken invariants first, then liveness failures.
    let mut listed: Vec<&sweep::Outcome> = report.failing.iter().collect();
    listed.sort_by_key(|o| (o.violations.iter().all(|v| *v == 0), o.seed));
    for o in listed.iter().take(LISTED) {
        println!("{}", sweep::describe::<T>(o, bug));
    }
    if failed > LISTED {
        let rest: Vec<String> = listed[LISTED..]
            .iter()
            .take(10 * LISTED)
            .map(|o| o.seed.to_string())
            .collect();
        let more = if failed > 11 * LISTED { " …" } else { "" };
        println!(
            "{} more failing seeds: {}{more}",
            failed - LISTED,
            rest.join(" ")
        );
    }
    Ok(failed == 0)
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
            v.invariant.name(),
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

/// `sim lesson`: walks a lesson (see `protocols::lesson::walk`) and says where each beat
/// began, or prints its end state as a scenario.
fn lesson(text: &str, scenario: bool) -> Result<String, String> {
    use protocols::lesson::{walk, Lesson};
    struct Walk<'a>(&'a Lesson<'a>, bool);
    impl Visit for Walk<'_> {
        type Out = Result<String, String>;
        fn visit<P: Engine>(self) -> Self::Out {
            let walked = walk::<P>(self.0)?;
            if self.1 {
                let steps = walked.steps;
                return Ok(Scenario {
                    spec: walked.spec,
                    steps,
                }
                .to_json()
                    + "\n");
            }
            let mut out = String::new();
            for (b, at) in self.0.beats.iter().zip(&walked.entries) {
                let words: String = b.text.get("en").chars().take(70).collect();
                out += &format!("step {at:>6}  line {:>3}  {words}\n", b.line);
            }
            out += &format!("ok: {} beats, {} steps\n", self.0.beats.len(), walked.steps);
            Ok(out)
        }
    }
    let lesson = Lesson::parse(text, &["en", "zh"]).map_err(|e| e.to_string())?;
    registry::dispatch(lesson.protocol, Walk(&lesson, scenario))
        .ok_or_else(|| format!("no protocol named {:?}", lesson.protocol))?
}
