//! Seed sweeps: swarm testing of every protocol (FoundationDB's simulator, TigerBeetle's
//! VOPR). One seed draws everything: a configuration at the edges of the protocol's valid
//! ranges, a network (latencies, sometimes larger than the timeouts), a fault mix
//! ([`crate::sim::swarm::FaultMix`]) and a workload (which requests, how often, to whom).
//! The run has a safety phase (faults on; every invariant checked after every step), then
//! a liveness phase (every fault healed, every node restarted; the protocol must make
//! progress within a budget). A seed's whole run, both phases, is a scenario that
//! `sim run` replays exactly.

use crate::scenario::Scenario;
use crate::sim::history::RunSpec;
use crate::sim::rng::{mix64, Rng};
use crate::sim::swarm::{Deadline, Run, Swarm, Watch};
use crate::sim::{Invariant, NetConfig, NodeId, Protocol, World};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A protocol the sweep knows how to configure, load and judge.
pub trait Target: Protocol {
    /// The bug switches, by the names `--bug` takes.
    const BUGS: &'static [&'static str];
    /// Steps of the safety phase.
    const SAFETY_STEPS: u64 = 1_500;
    /// How many kinds of request the workload sends; each seed draws a weight for each
    /// (some zero), and [`Target::request`] gets them.
    const REQUEST_KINDS: usize;

    /// A valid configuration drawn at the edges of the ranges `validate` allows.
    fn draw_config(rng: &mut Rng) -> Self::Config;
    /// Turns on the bug switch `name` (one of [`Target::BUGS`]).
    fn set_bug(cfg: &mut Self::Config, name: &str);
    /// The configuration's timeouts: the seed's longest delay is a few of one of them, so
    /// a delayed message can outlive the timer that gave up on it.
    fn timeouts(cfg: &Self::Config) -> Vec<u64>;
    /// The request to send now (the swarm decided it is time), or none.
    fn request(
        cfg: &Self::Config,
        weights: &[u64],
        world: &World<Self>,
        rng: &mut Rng,
    ) -> Option<(NodeId, Self::Request)>;
    /// True when the configuration and network promise progress once healed (timeouts
    /// long enough for the latencies, a cure for duelling proposers...).
    fn timely(cfg: &Self::Config, net: &NetConfig) -> bool;
    /// The liveness phase, after [`Run::heal_all`]: drive the run (requests, steps) and
    /// say what made no progress within a deadline in virtual time.
    fn liveness(run: &mut Run<Self>, seed: u64) -> Result<(), Stuck>;
    /// A look at every step for trouble no invariant judges yet, reported apart.
    fn watch() -> Option<Watch<Self>> {
        None
    }
}

/// Steps a liveness phase may take at most: a deadline in ticks can hide a flood of
/// one-tick timers, and a sweep must end.
pub const LIVENESS_MAX_STEPS: u64 = 200_000;

/// Why a liveness phase did not pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stuck {
    /// No progress by the deadline: a failure, with what was missing.
    Failed(String),
    /// The step budget ran out before the deadline: no verdict.
    Undecided,
}

/// A liveness phase's verdict on one deadline.
pub(crate) fn expect(d: Deadline, why: impl FnOnce() -> String) -> Result<(), Stuck> {
    match d {
        Deadline::Met => Ok(()),
        Deadline::Missed => Err(Stuck::Failed(why())),
        Deadline::OutOfSteps => Err(Stuck::Undecided),
    }
}

/// What one seed found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub seed: u64,
    /// Violations per invariant (by [`Invariant::index`]), safety and liveness phases together.
    pub violations: Vec<u64>,
    /// Why the healed run made no progress (only checked when the draw is timely).
    pub liveness: Option<String>,
    /// The liveness phase ran out of steps before its deadline: no verdict.
    pub undecided: bool,
    /// What [`Target::watch`] saw first (not a failure), with its step.
    pub watched: Option<(u64, String)>,
    pub steps: u64,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        self.liveness.is_some() || self.violations.iter().any(|v| *v > 0)
    }
}

/// A network drawn for the seed: small latencies mostly, sometimes wide or slow.
fn draw_net(rng: &mut Rng) -> NetConfig {
    let min = rng.range(1, 20);
    let spread = match rng.below(4) {
        0 => 0,
        1 => rng.range(1, 40),
        _ => rng.range(40, 300),
    };
    NetConfig {
        latency_ticks_min: min,
        latency_ticks_max: min + spread,
        loss_per_mille: 0,
    }
}

/// Runs seed `seed` of protocol `T` (with bug switch `bug` on): both phases.
pub fn run_seed<T: Target>(seed: u64, bug: Option<&str>) -> (Run<T>, Outcome) {
    run_seed_with(seed, bug, false)
}

/// The trace hash of seed `seed`'s whole run (what `sim run` prints for its scenario).
pub fn trace_of_seed<T: Target>(seed: u64, bug: Option<&str>) -> u64 {
    run_seed_with::<T>(seed, bug, true).0.trace_hash()
}

/// A failing seed in two lines: what broke, and the command that replays it.
pub fn describe<T: Target>(o: &Outcome, bug: Option<&str>) -> String {
    let broken: Vec<&str> = T::Invariant::ALL
        .iter()
        .filter(|i| o.violations[i.index()] > 0)
        .map(|i| i.name())
        .chain(o.liveness.as_ref().map(|_| "liveness"))
        .collect();
    format!(
        "seed {}: {}{}\n  replay: {}",
        o.seed,
        broken.join(", "),
        o.liveness
            .as_ref()
            .map_or(String::new(), |l| format!(" ({l})")),
        replay_command(T::NAME, o.seed, bug)
    )
}

/// The command that replays a seed of the sweep.
pub fn replay_command(protocol: &str, seed: u64, bug: Option<&str>) -> String {
    let bug = bug.map_or(String::new(), |b| format!(" --bug {b}"));
    format!("sim swarm {protocol}{bug} --seed {seed} > s.json && sim run s.json")
}

fn run_seed_with<T: Target>(seed: u64, bug: Option<&str>, traced: bool) -> (Run<T>, Outcome) {
    let mut rng = Rng::new(mix64(seed ^ 0x5357_4152_4d00));
    let mut cfg = T::draw_config(&mut rng);
    if let Some(name) = bug {
        T::set_bug(&mut cfg, name);
    }
    let net = draw_net(&mut rng);
    let weights = draw_weights(&mut rng, T::REQUEST_KINDS);
    let timely = T::timely(&cfg, &net);
    let spec = RunSpec {
        cfg: cfg.clone(),
        net,
        seed,
        inputs: Vec::new(),
    };
    let mut run = Run::<T>::new(spec).expect("drawn configurations are valid");
    if traced {
        run = run.traced();
    }
    if let Some(w) = T::watch() {
        run = run.watched_by(w);
    }
    let mut swarm = Swarm::new(seed, T::node_count(&cfg), &T::timeouts(&cfg));
    let mut workload = |w: &World<T>, r: &mut Rng| T::request(&cfg, &weights, w, r);
    run.with_faults(&mut swarm, T::SAFETY_STEPS, &mut workload);
    run.heal_all();
    let verdict = if timely {
        T::liveness(&mut run, seed)
    } else {
        // Progress is not promised, but whatever happens must still be safe.
        run.run_until(2_000, |_| false);
        Ok(())
    };
    let outcome = Outcome {
        seed,
        violations: run.violations.clone(),
        undecided: verdict == Err(Stuck::Undecided),
        watched: run.watched.clone(),
        liveness: match verdict {
            Err(Stuck::Failed(why)) => Some(why),
            _ => None,
        },
        steps: run.steps(),
    };
    (run, outcome)
}

/// The scenario of seed `seed`'s whole run (`sim swarm` prints it; `sim run` replays it).
pub fn scenario<T: Target>(seed: u64, bug: Option<&str>) -> Scenario<T> {
    let (run, _) = run_seed::<T>(seed, bug);
    Scenario {
        spec: run.spec().clone(),
        steps: run.steps(),
    }
}

/// A sweep's figures.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub seeds: u64,
    /// Seeds that broke each invariant, by name.
    pub by_invariant: Vec<(&'static str, u64)>,
    pub liveness_failures: u64,
    /// Seeds whose liveness phase ran out of steps before its deadline.
    pub undecided: u64,
    /// Seeds where [`Target::watch`] saw something, with what it saw first.
    pub watched: Vec<(u64, u64, String)>,
    /// Every failing seed, in seed order.
    pub failing: Vec<Outcome>,
    pub steps: u64,
}

/// Runs seeds `from..from + seeds` on `workers` threads.
pub fn sweep<T: Target>(from: u64, seeds: u64, bug: Option<&str>, workers: usize) -> Report {
    let next = AtomicU64::new(from);
    let found = Mutex::new(Vec::new());
    let steps = AtomicU64::new(0);
    let undecided = AtomicU64::new(0);
    let watched = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= from + seeds {
                    break;
                }
                let (_, outcome) = run_seed::<T>(seed, bug);
                steps.fetch_add(outcome.steps, Ordering::Relaxed);
                undecided.fetch_add(u64::from(outcome.undecided), Ordering::Relaxed);
                if let Some((step, what)) = &outcome.watched {
                    let mut w = watched.lock().expect("no worker panics");
                    w.push((outcome.seed, *step, what.clone()));
                }
                if outcome.failed() {
                    found.lock().expect("no worker panics").push(outcome);
                }
            });
        }
    });
    let mut failing = found.into_inner().expect("no worker panics");
    failing.sort_by_key(|o| o.seed);
    let by_invariant = T::Invariant::ALL
        .iter()
        .map(|i| {
            let n = failing
                .iter()
                .filter(|o| o.violations[i.index()] > 0)
                .count();
            (i.name(), n as u64)
        })
        .collect();
    Report {
        seeds,
        by_invariant,
        liveness_failures: failing.iter().filter(|o| o.liveness.is_some()).count() as u64,
        undecided: undecided.into_inner(),
        watched: {
            let mut w = watched.into_inner().expect("no worker panics");
            w.sort();
            w
        },
        failing,
        steps: steps.into_inner(),
    }
}

/// Draws one of `values`, each as likely: how a seed lands on the edges of a range.
pub(crate) fn one_of<T: Copy>(rng: &mut Rng, values: &[T]) -> T {
    values[rng.below(values.len() as u64) as usize]
}

/// Picks an index with probability proportional to `weights` (all zero: none).
pub(crate) fn weighted(rng: &mut Rng, weights: &[u64]) -> Option<usize> {
    let total: u64 = weights.iter().sum();
    if total == 0 {
        return None;
    }
    let mut x = rng.below(total);
    weights.iter().position(|w| {
        if x < *w {
            true
        } else {
            x -= w;
            false
        }
    })
}

/// Per-seed weights of `kinds` kinds of request: each off for about one seed in four.
fn draw_weights(rng: &mut Rng, kinds: usize) -> Vec<u64> {
    let mut w: Vec<u64> = (0..kinds)
        .map(|_| {
            if rng.below(4) == 0 {
                0
            } else {
                rng.range(1, 10)
            }
        })
        .collect();
    if w.iter().all(|x| *x == 0) {
        if let Some(first) = w.first_mut() {
            *first = 1;
        }
    }
    w
}
