//! Paxos in the sweep: one to three proposers, three to seven acceptors, roles on their
//! own nodes or colocated, single-decree or Multi-Paxos, with either cure for duels or
//! none, and retry, backoff and heartbeat times from one tick to 100,000.

use crate::paxos::{Config, Paxos, Request, Value};
use crate::sim::rng::Rng;
use crate::sim::swarm::Run;
use crate::sim::{Input, NetConfig, NodeId, World};
use crate::sweep::{expect, one_of, weighted, Stuck, Target, LIVENESS_MAX_STEPS};

impl Target for Paxos {
    const BUGS: &'static [&'static str] = &["forget_promises", "ignore_accepted"];
    /// Weights of: "Propose now", a client command (Multi-Paxos).
    const REQUEST_KINDS: usize = 2;

    fn draw_config(rng: &mut Rng) -> Config {
        let (start_ticks_min, start_ticks_max) =
            one_of(rng, &[(1, 1), (10, 60), (10, 2_000), (100_000, 100_000)]);
        Config {
            proposers: one_of(rng, &[1, 2, 2, 3]),
            acceptors: one_of(rng, &[3, 3, 4, 5, 7]),
            learners: one_of(rng, &[1, 1, 2, 3]),
            colocated: rng.chance(500),
            multi: rng.chance(500),
            cure_backoff: rng.below(4) > 0,
            cure_leader: rng.chance(400),
            start_ticks_min,
            start_ticks_max,
            retry_ticks: one_of(rng, &[20, 300, 2_000, 100_000]),
            backoff_ticks: one_of(rng, &[1, 60, 1_000]),
            heartbeat_ticks: one_of(rng, &[1, 40, 500]),
            ..Config::default()
        }
    }

    fn set_bug(cfg: &mut Config, name: &str) {
        match name {
            "forget_promises" => cfg.bug_forget_promises = true,
            "ignore_accepted" => cfg.bug_ignore_accepted = true,
            other => panic!("Paxos has no bug switch {other:?}"),
        }
    }

    fn timeouts(cfg: &Config) -> Vec<u64> {
        vec![cfg.retry_ticks, cfg.backoff_ticks, cfg.heartbeat_ticks]
    }

    fn request(
        cfg: &Config,
        weights: &[u64],
        _world: &World<Self>,
        rng: &mut Rng,
    ) -> Option<(NodeId, Request)> {
        let proposer = cfg.proposer_node(rng.below(u64::from(cfg.proposers)) as u32);
        let request = match weighted(rng, weights)? {
            1 if cfg.multi => {
                let (key, value) = crate::sim::demo_write(&mut |n| rng.below(n));
                Request::Submit {
                    command: format!("{key}={value}"),
                }
            }
            _ => Request::ProposeNow,
        };
        Some((proposer, request))
    }

    /// Paxos is live only with a cure for duels (§2.4); the backoff cure needs a ballot's
    /// two round trips to fit in the retry time.
    fn timely(cfg: &Config, net: &NetConfig) -> bool {
        cfg.cure_backoff && cfg.retry_ticks > 4 * net.latency_ticks_max
    }

    /// Healed, a proposer asked to propose (single-decree) or given a command
    /// (Multi-Paxos) gets it learned by every learner.
    fn liveness(run: &mut Run<Self>, seed: u64) -> Result<(), Stuck> {
        let cfg = run.world().cfg.clone();
        let p1 = cfg.proposer_node(0);
        let fin = Value::V(format!("final-{seed}"));
        if cfg.multi {
            run.run_until(300, |_| false);
            let command = format!("final-{seed}");
            run.inject(Input::Request {
                node: p1,
                request: Request::Submit { command },
            });
        } else {
            run.inject(Input::Request {
                node: p1,
                request: Request::ProposeNow,
            });
        }
        let done = |w: &World<Self>| {
            cfg.learner_nodes().iter().all(|l| {
                w.nodes()[l.index()].state.as_ref().is_some_and(|n| {
                    if cfg.multi {
                        n.d.learned.values().any(|v| *v == fin)
                    } else {
                        n.d.learned.contains_key(&0)
                    }
                })
            })
        };
        // Enough ballots for the backoff to part duelling proposers (§2.4).
        let deadline = 20 * (cfg.retry_ticks + 8 * cfg.backoff_ticks + cfg.heartbeat_ticks)
            + 100 * run.world().net.latency_ticks_max;
        let d = run.run_for(deadline, LIVENESS_MAX_STEPS, done);
        expect(d, || {
            format!("the learners learned nothing {deadline} ticks after healing")
        })
    }
}
