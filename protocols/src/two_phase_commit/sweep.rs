//! Two-phase commit in the sweep: 2 to 7 participants, timeouts from 1 tick to 100,000
//! (a coordinator that waits for votes almost forever beside participants that ask
//! their peers at once), and clients that submit, or make participants vote no.

use crate::sim::rng::Rng;
use crate::sim::swarm::Run;
use crate::sim::{NetConfig, NodeId, World};
use crate::sweep::{expect, one_of, weighted, Stuck, Target, LIVENESS_MAX_STEPS};
use crate::two_phase_commit::{Config, PartState, Request, Role, TwoPhaseCommit};

impl Target for TwoPhaseCommit {
    const BUGS: &'static [&'static str] = &["decision_before_log"];
    /// Runs are cheap and a transaction's window for trouble is short: more steps.
    const SAFETY_STEPS: u64 = 3_000;
    /// Weights of: submit, vote no from now on, vote yes from now on.
    const REQUEST_KINDS: usize = 3;

    fn draw_config(rng: &mut Rng) -> Config {
        let work_ticks_min = one_of(rng, &[1, 20, 500]);
        Config {
            participants: one_of(rng, &[2, 2, 3, 4, 7]),
            transactions: one_of(rng, &[0, 3, 30, 1_000]),
            txn_gap_ticks: one_of(rng, &[1, 20, 400, 5_000]),
            work_ticks_min,
            work_ticks_max: work_ticks_min + one_of(rng, &[0, 20, 2_000]),
            vote_timeout_ticks: one_of(rng, &[1, 50, 250, 2_000, 100_000]),
            prepare_timeout_ticks: one_of(rng, &[1, 50, 400, 2_000, 100_000]),
            decision_timeout_ticks: one_of(rng, &[1, 10, 200, 2_000, 100_000]),
            resend_ticks: one_of(rng, &[5, 150, 5_000]),
            client_timeout_ticks: one_of(rng, &[40, 300, 1_000, 20_000]),
            ..Config::default()
        }
    }

    fn set_bug(cfg: &mut Config, name: &str) {
        match name {
            "decision_before_log" => cfg.bug_decision_before_log = true,
            other => panic!("two-phase commit has no bug switch {other:?}"),
        }
    }

    fn timeouts(cfg: &Config) -> Vec<u64> {
        vec![
            cfg.vote_timeout_ticks,
            cfg.prepare_timeout_ticks,
            cfg.decision_timeout_ticks,
            cfg.work_ticks_max,
            cfg.client_timeout_ticks,
        ]
    }

    fn request(
        cfg: &Config,
        weights: &[u64],
        _world: &World<Self>,
        rng: &mut Rng,
    ) -> Option<(NodeId, Request)> {
        let participant = NodeId(1 + rng.below(u64::from(cfg.participants)) as u32);
        match weighted(rng, weights)? {
            0 => Some((TwoPhaseCommit::client(cfg), Request::Submit)),
            k => Some((participant, Request::SetVote { yes: k == 2 })),
        }
    }

    fn timely(_cfg: &Config, _net: &NetConfig) -> bool {
        true
    }

    /// Every transaction begun before healing ends: no participant still working on it
    /// or uncertain, the coordinator done with it (Bernstein, Hadzilacos & Goodman,
    /// ch. 7: with every failure repaired, every process eventually decides), and the
    /// client knows its outcome, by a retry with the same id if the answer was lost (a
    /// client that crashed forgot what it waited for: nothing to check there).
    fn liveness(run: &mut Run<Self>, _seed: u64) -> Result<(), Stuck> {
        let c = run.world().cfg.clone();
        // Time for a vote timeout, a prepare timeout, two rounds of asking, a resend and
        // a client's retry, with a round trip each.
        let deadline = 2
            * (c.vote_timeout_ticks
                + c.prepare_timeout_ticks
                + c.work_ticks_max
                + 3 * c.decision_timeout_ticks
                + c.resend_ticks
                + c.client_timeout_ticks)
            + 20 * run.world().net.latency_ticks_max;
        let begun = run.world().nodes()[TwoPhaseCommit::client(&run.world().cfg).index()]
            .disk
            .last_txn;
        let open = |w: &World<Self>| -> Option<String> {
            w.nodes().iter().enumerate().find_map(|(i, slot)| {
                let node = slot.state.as_ref()?;
                let stuck = match &node.role {
                    Role::Participant { txns } => txns
                        .iter()
                        .find(|(t, s)| {
                            t.0 <= begun && matches!(s, PartState::Working | PartState::Uncertain)
                        })
                        .map(|(t, s)| format!("participant {i} is {s:?} on T{}", t.0)),
                    Role::Coordinator { txns } => txns
                        .iter()
                        .find(|(t, _)| t.0 <= begun)
                        .map(|(t, c)| format!("the coordinator is {:?} on T{}", c.phase, t.0)),
                    Role::Client { results } => results
                        .iter()
                        .find(|(t, r)| t.0 <= begun && r.is_none())
                        .map(|(t, _)| format!("the client does not know the outcome of T{}", t.0)),
                };
                stuck
            })
        };
        let d = run.run_for(deadline, LIVENESS_MAX_STEPS, |w| open(w).is_none());
        expect(d, || {
            let why = open(run.world()).unwrap_or_default();
            format!("{why} {deadline} ticks after healing")
        })
    }
}
