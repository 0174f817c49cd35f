//! Load balancing in the sweep: one to four clients, two to sixteen backends of one or
//! two sizes, every algorithm (switched live too), one-tick timeouts or none, probes
//! often, rarely or never, passive checks that trip at the first error or never, and
//! backends slowed twentyfold.

use crate::load_balancing::{Algorithm, Config, LoadBalancing, Node, Request};
use crate::sim::rng::Rng;
use crate::sim::swarm::Run;
use crate::sim::{NetConfig, NodeId, World};
use crate::sweep::{expect, one_of, weighted, Stuck, Target, LIVENESS_MAX_STEPS};

impl Target for LoadBalancing {
    const BUGS: &'static [&'static str] = &[];
    /// Weights of: slow a backend (or restore it), send now, switch algorithm.
    const REQUEST_KINDS: usize = 3;

    fn draw_config(rng: &mut Rng) -> Config {
        let backends = one_of(rng, &[2, 4, 16]);
        let (cost_min, cost_max) = one_of(rng, &[(1, 1), (20, 180), (500, 5_000)]);
        let mut cfg = Config {
            clients: one_of(rng, &[1, 2, 4]),
            backends,
            large_backends: one_of(rng, &[0, 1, backends]),
            slots: one_of(rng, &[1, 2, 64]),
            queue: one_of(rng, &[0, 8, 1_000]),
            algorithm: one_of(rng, &Algorithm::ALL),
            rate: one_of(rng, &[1, 20, 200, 1_000]),
            burst: one_of(rng, &[1, 5, 50]),
            cost_min,
            cost_max,
            keys: one_of(rng, &[0, 100, 1_000_000]),
            requests: one_of(rng, &[1, 20, 60, 200]),
            request_timeout: one_of(rng, &[1, 1_000, 1_000_000]),
            client_timeout: one_of(rng, &[1, 3_000, 1_000_000]),
            probe_every: one_of(rng, &[0, 50, 200, 5_000]),
            unhealthy_after: one_of(rng, &[1, 2, 100]),
            healthy_after: one_of(rng, &[1, 2, 100]),
            passive_errors: one_of(rng, &[0, 1, 3, 100]),
            retry_budget_pct: one_of(rng, &[0, 20, 100]),
            ewma_ticks: one_of(rng, &[1, 500, 1_000_000]),
        };
        // A timeout past the longest one `validate` allows for this rate and burst
        // stops at that edge.
        let longest = cfg.longest_timeout();
        cfg.request_timeout = cfg.request_timeout.min(longest);
        cfg.client_timeout = cfg.client_timeout.min(longest);
        cfg
    }

    fn set_bug(_cfg: &mut Config, name: &str) {
        panic!("load balancing has no bug switch {name:?}")
    }

    fn timeouts(cfg: &Config) -> Vec<u64> {
        vec![cfg.request_timeout.min(10_000), cfg.probe_every.max(1)]
    }

    fn request(
        cfg: &Config,
        weights: &[u64],
        _world: &World<Self>,
        rng: &mut Rng,
    ) -> Option<(NodeId, Request)> {
        Some(match weighted(rng, weights)? {
            0 => {
                let b = cfg.backend_node(rng.below(u64::from(cfg.backends)) as u32);
                let percent = one_of(rng, &[100, 400, 2_000]);
                (b, Request::Slow { percent })
            }
            1 => (
                NodeId(rng.below(u64::from(cfg.clients)) as u32),
                Request::SendNow,
            ),
            _ => {
                let algorithm = one_of(rng, &Algorithm::ALL);
                (cfg.balancer_node(), Request::UseAlgorithm { algorithm })
            }
        })
    }

    fn timely(_cfg: &Config, _net: &NetConfig) -> bool {
        true
    }

    /// Healed, every client sends all its requests, and every request ends: answered,
    /// or failed with a reason (nothing is left in flight).
    fn liveness(run: &mut Run<Self>, _seed: u64) -> Result<(), Stuck> {
        let c = run.world().cfg.clone();
        let requests = c.requests;
        // Every request sent (at the rate, in bursts), then a client timeout to end them.
        let sending = 2_000 * requests.div_ceil(u64::from(c.burst)) / c.rate + 1;
        let deadline = 2 * (sending + c.client_timeout + c.request_timeout)
            + 20 * run.world().net.latency_ticks_max;
        let done = |w: &World<Self>| {
            w.ghost().in_flight() == 0
                && w.nodes().iter().all(|s| match &s.state {
                    Some(Node::Client(c)) => c.issued >= requests && c.outstanding.is_empty(),
                    _ => true,
                })
        };
        let d = run.run_for(deadline, LIVENESS_MAX_STEPS, done);
        expect(d, || {
            let left = run.world().ghost().in_flight();
            format!("{left} requests still in flight {deadline} ticks after healing")
        })
    }
}
