//! Engine benchmark: prints events per second for a long two-phase commit run, raw and
//! through the history (with checkpoints), and the cost of a `seek`. A program, not a test.
//!
//!     cargo bench -p protocols --bench engine

use protocols::sim::history::{History, RunSpec};
use protocols::sim::{NetConfig, World};
use protocols::two_phase_commit::{Config, TwoPhaseCommit};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The system allocator, counting the bytes in use and their peak (heap figures).
struct Counting;
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak heap since the last call, in MB, and resets it to what is in use now.
fn peak_mb() -> f64 {
    let peak = PEAK.swap(IN_USE.load(Relaxed), Relaxed);
    peak as f64 / 1e6
}

const STEPS: u64 = 1_000_000;

fn config() -> Config {
    Config {
        participants: 5,
        transactions: 100_000,
        txn_gap_ticks: 30,
        ..Config::default()
    }
}

fn main() {
    let start = Instant::now();
    let mut world = World::<TwoPhaseCommit>::new(config(), NetConfig::default(), 1).expect("valid");
    let mut events = 0u64;
    while events < STEPS && world.step(None).is_some() {
        events += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "2pc world.step:   {events} events in {secs:.2} s = {:.0} events/s",
        events as f64 / secs
    );

    for steps in [100_000, STEPS] {
        history_figures(steps);
    }
    // The 2PC lab with as many transactions as its setting allows, 100,000 steps; load
    // balancing's defaults for 2,000,000 steps (about 30 minutes of play at 100× in the
    // page: the record is thinned past its budget, so the heap stays bounded).
    let many = Config {
        transactions: 100_000,
        ..Config::default()
    };
    lab_figures::<TwoPhaseCommit>("2pc lab history:", many, 100_000);
    lab_figures::<protocols::load_balancing::LoadBalancing>(
        "lb lab history:",
        Default::default(),
        2_000_000,
    );
    raft_figures();
    for steps in [10_000, 100_000, 1_000_000] {
        raft_history_figures(steps);
    }
    paxos_figures();
    load_balancing_figures();
    sharding_figures();
}

/// Sharding: 4 servers and a spare, 2 routers, 2 clients at 200 requests/s each, R = 2,
/// 1,000 keys on the ring; the spare joins at step 20,000; 100,000 steps.
fn sharding_figures() {
    const SHARD_STEPS: u64 = 100_000;
    use protocols::sharding::{Config, Node, Note, Request, Sharding};
    use protocols::sim::Input;
    let cfg = Config {
        routers: 2,
        rate: 200,
        ..Config::default()
    };
    let router = cfg.router_node();
    let mut world = World::<Sharding>::new(cfg, NetConfig::default(), 1).expect("valid");
    let start = Instant::now();
    let (mut events, mut acked) = (0u64, 0u64);
    while events < SHARD_STEPS {
        let input = (events == 20_000).then_some(Input::Request {
            node: router,
            request: Request::AddServer { server: 4 },
        });
        let Some(r) = world.step(input) else { break };
        acked += r
            .notes
            .iter()
            .filter(|(_, n)| matches!(n, Note::PutAcknowledged { .. }))
            .count() as u64;
        events += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let version = match &world.nodes()[router.index()].state {
        Some(Node::Router(r)) => r.d.table.version,
        _ => 0,
    };
    println!(
        "sharding world.step: {events} events ({acked} writes acknowledged, table v{version}) in {secs:.2} s = {:.0} events/s",
        events as f64 / secs
    );
}

/// Load balancing: 4 clients, 16 one-slot backends at 85% load, power of two choices,
/// 100,000 requests through batch mode.
fn load_balancing_figures() {
    use protocols::load_balancing::{batch, Algorithm, Config};
    let cfg = Config {
        clients: 4,
        backends: 16,
        large_backends: 0,
        slots: 1,
        queue: 1_000,
        rate: 34,
        algorithm: Algorithm::PowerOfTwo,
        ..Config::default()
    };
    let start = Instant::now();
    let r = batch::run(&cfg, 25_000, 1, 50_000_000);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "load balancing:   {} requests ({} steps) in {secs:.2} s = {:.0} requests/s, {:.0} events/s",
        r.completed,
        r.steps,
        r.completed as f64 / secs,
        r.steps as f64 / secs
    );
}

/// Multi-Paxos, 2 proposers (distinguished-proposer cure), 3 acceptors, 1 learner, a client
/// command every 20 steps, 100,000 steps.
fn paxos_figures() {
    const PAXOS_STEPS: u64 = 100_000;
    use protocols::paxos::{Config, Paxos, Request};
    use protocols::sim::{Input, NodeId};
    let cfg = Config {
        multi: true,
        cure_leader: true,
        ..Config::default()
    };
    let mut world = World::<Paxos>::new(cfg, NetConfig::default(), 1).expect("valid");
    let start = Instant::now();
    let (mut events, mut commands) = (0u64, 0u64);
    while events < PAXOS_STEPS {
        let input = (events % 20 == 0).then(|| {
            commands += 1;
            Input::Request {
                node: NodeId((commands % 2) as u32),
                request: Request::Submit {
                    command: format!("k{}={commands}", commands % 16),
                },
            }
        });
        if world.step(input).is_none() {
            break;
        }
        events += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let chosen = world.ghost().chosen().len();
    println!(
        "paxos world.step: {events} events ({commands} commands, {chosen} slots chosen) in {secs:.2} s = {:.0} events/s",
        events as f64 / secs
    );
}

/// Raft, 5 servers, a client write to the leader every 50 steps, 100,000 steps. (The
/// Figure 3 checkers walk the logs every step, so a far longer run measures them.)
fn raft_figures() {
    const RAFT_STEPS: u64 = 100_000;
    use protocols::raft::{Raft, Request, Role};
    use protocols::sim::Input;
    let mut world = World::<Raft>::new(Default::default(), NetConfig::default(), 1).expect("valid");
    let start = Instant::now();
    let (mut events, mut writes) = (0u64, 0u64);
    while events < RAFT_STEPS {
        let leader = world.nodes().iter().position(|s| {
            s.state
                .as_ref()
                .is_some_and(|n| matches!(n.role, Role::Leader { .. }))
        });
        let input = match leader {
            Some(l) if events % 50 == 0 => {
                writes += 1;
                let request = Request::Put {
                    key: format!("k{}", writes % 16),
                    value: writes as u32,
                };
                Some(Input::Request {
                    node: protocols::sim::NodeId(l as u32),
                    request,
                })
            }
            _ => None,
        };
        if world.step(input).is_none() {
            break;
        }
        events += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "raft world.step:  {events} events ({writes} client writes) in {secs:.2} s = {:.0} events/s",
        events as f64 / secs
    );
}

/// What the Raft write workload drives: the history (recording every step) or the bare
/// world (the same steps, nothing kept), so the two rates compare like for like.
trait Driver {
    fn world(&self) -> &World<protocols::raft::Raft>;
    fn apply(&mut self, input: protocols::sim::Input<protocols::raft::Raft>);
    fn step(&mut self) -> bool;
    fn len(&self) -> u64;
}

impl Driver for History<protocols::raft::Raft> {
    fn world(&self) -> &World<protocols::raft::Raft> {
        History::world(self)
    }
    fn apply(&mut self, input: protocols::sim::Input<protocols::raft::Raft>) {
        self.inject(input).expect("a valid input");
    }
    fn step(&mut self) -> bool {
        self.step_forward()
    }
    fn len(&self) -> u64 {
        History::len(self)
    }
}

/// The bare world and the steps it took.
struct Bare(World<protocols::raft::Raft>, u64);

impl Driver for Bare {
    fn world(&self) -> &World<protocols::raft::Raft> {
        &self.0
    }
    fn apply(&mut self, input: protocols::sim::Input<protocols::raft::Raft>) {
        self.0.step(Some(input));
        self.1 += 1;
    }
    fn step(&mut self) -> bool {
        let stepped = self.0.step(None).is_some();
        self.1 += u64::from(stepped);
        stepped
    }
    fn len(&self) -> u64 {
        self.1
    }
}

/// Raft's defaults with a client write to the leader every 10 ticks, for `steps` steps:
/// returns the writes and the seconds it took.
fn raft_writes(d: &mut impl Driver, steps: u64) -> (u32, f64) {
    use protocols::raft::{Request, Role};
    use protocols::sim::{Input, NodeId};
    let start = Instant::now();
    let mut next_write = 0;
    let mut writes = 0u32;
    while d.len() < steps {
        let w = d.world();
        let leader = w.nodes().iter().position(|s| {
            s.state
                .as_ref()
                .is_some_and(|n| matches!(n.role, Role::Leader { .. }))
        });
        match leader {
            Some(l) if w.time.0 >= next_write => {
                next_write = w.time.0 + 10;
                writes += 1;
                let request = Request::Put {
                    key: format!("k{}", writes % 16),
                    value: writes,
                };
                d.apply(Input::Request {
                    node: NodeId(l as u32),
                    request,
                });
            }
            _ => {
                if !d.step() {
                    break;
                }
            }
        }
    }
    (writes, start.elapsed().as_secs_f64())
}

/// Recording Raft through the history with a client write every 10 ticks (to the leader,
/// when there is one): time, events per second and the peak heap, beside the same
/// steps on the bare world.
fn raft_history_figures(steps: u64) {
    let spec = RunSpec::<protocols::raft::Raft> {
        cfg: Default::default(),
        net: NetConfig::default(),
        seed: 1,
        inputs: Vec::new(),
    };
    let world = World::new(spec.cfg.clone(), spec.net.clone(), spec.seed).expect("valid");
    let (_, bare_secs) = raft_writes(&mut Bare(world, 0), steps);
    let mut h = History::new(spec).expect("valid");
    peak_mb();
    let (writes, secs) = raft_writes(&mut h, steps);
    let rate = h.len() as f64 / secs;
    let bare = steps as f64 / bare_secs;
    println!(
        "raft history:     {} events ({writes} writes) in {secs:.2} s = {rate:.0} events/s ({:.0} % of the bare world's {bare:.0}/s), peak heap {:.0} MB ({} checkpoints), {}",
        h.len(),
        100.0 * rate / bare,
        peak_mb(),
        h.checkpoint_count(),
        kept(&h)
    );
}

/// A lab's configuration recorded through the history for `steps` steps: the time and
/// the peak heap (the browser figures are the wasm memory after the same runs).
fn lab_figures<P: protocols::sim::Protocol>(label: &str, cfg: P::Config, steps: u64) {
    let spec = RunSpec::<P> {
        cfg,
        net: NetConfig::default(),
        seed: 1,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).expect("valid");
    peak_mb();
    let start = Instant::now();
    h.run_to(steps);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label:<18}{} events in {secs:.2} s, peak heap {:.0} MB ({} checkpoints), {}",
        h.len(),
        peak_mb(),
        h.checkpoint_count(),
        kept(&h)
    );
}

/// The estimated bytes per kept step, and from which step the record is kept.
fn kept<P: protocols::sim::Protocol>(h: &History<P>) -> String {
    let steps = (h.len() - h.first()).max(1);
    format!(
        "{} B/step kept from step {}",
        h.record_bytes() / steps,
        h.first()
    )
}

/// Recording through the history (checkpoints included), then seeking and stepping back.
fn history_figures(steps: u64) {
    let spec = RunSpec::<TwoPhaseCommit> {
        cfg: config(),
        net: NetConfig::default(),
        seed: 1,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).expect("valid");
    let start = Instant::now();
    h.run_to(steps);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "2pc history:      {} events in {secs:.2} s = {:.0} events/s ({} checkpoints kept)",
        h.len(),
        h.len() as f64 / secs,
        h.checkpoint_count()
    );

    let targets = [steps / 2, 17, steps - 3, steps / 3, 999, steps / 7 * 5];
    let start = Instant::now();
    for t in targets {
        h.seek(t);
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0 / targets.len() as f64;
    println!("  seek (random):  {ms:.2} ms per seek over the {steps}-step run");
    let start = Instant::now();
    for _ in 0..100 {
        let back = h.cursor() - 1;
        h.seek(back);
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / 100.0;
    println!("  step back:      {us:.1} µs per step back at its end");
}
