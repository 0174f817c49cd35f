//! Raft in the sweep: three to seven servers, clusters shrunk by removes (down to one
//! server) and grown by adds, election timeouts from a few ticks to 100,000 (elections
//! only when asked), one entry per message or thousands, snapshots after every entry or
//! never, pre-vote on or off.

use crate::raft::{Config, Node, Raft, Request, Role};
use crate::sim::rng::Rng;
use crate::sim::swarm::{ids, Deadline, Run};
use crate::sim::{Input, NetConfig, NodeId, World};
use crate::sweep::{expect, one_of, weighted, Stuck, Target, LIVENESS_MAX_STEPS};
use std::collections::BTreeSet;

impl Target for Raft {
    const BUGS: &'static [&'static str] = &[
        "no_election_restriction",
        "commit_old_terms",
        "forget_voted_for",
    ];
    /// Terms must come and go for an old-term entry to matter (Figure 8): longer runs.
    const SAFETY_STEPS: u64 = 3_000;
    /// Weights of: put, time out now, add a server, remove a server.
    const REQUEST_KINDS: usize = 4;

    fn draw_config(rng: &mut Rng) -> Config {
        let (election_ticks_min, election_ticks_max) = one_of(
            rng,
            &[
                (150, 300),
                (60, 60),
                (40, 400),
                (500, 3_000),
                (100_000, 100_000),
                (50_000, 100_000),
            ],
        );
        let heartbeat_ticks = one_of(rng, &[1, 20, election_ticks_min / 3, election_ticks_min]);
        Config {
            servers: one_of(rng, &[3, 3, 4, 5, 7]),
            spare_servers: one_of(rng, &[0, 1, 2]),
            election_ticks_min,
            election_ticks_max,
            heartbeat_ticks: heartbeat_ticks.clamp(1, election_ticks_min),
            max_entries_per_message: one_of(rng, &[1, 16, 10_000]),
            pre_vote: rng.chance(500),
            snapshot_after: one_of(rng, &[0, 1, 24, 100_000]),
            ..Config::default()
        }
    }

    fn set_bug(cfg: &mut Config, name: &str) {
        match name {
            "no_election_restriction" => cfg.bug_no_election_restriction = true,
            "commit_old_terms" => cfg.bug_commit_old_terms = true,
            "forget_voted_for" => cfg.bug_forget_voted_for = true,
            other => panic!("Raft has no bug switch {other:?}"),
        }
    }

    fn timeouts(cfg: &Config) -> Vec<u64> {
        vec![cfg.election_ticks_max, cfg.heartbeat_ticks]
    }

    /// Writes and membership changes go to the leader most of the time, as a client and
    /// an operator would send them; a remove names a member, an add a server outside.
    fn request(
        _cfg: &Config,
        weights: &[u64],
        world: &World<Self>,
        rng: &mut Rng,
    ) -> Option<(NodeId, Request)> {
        let n = world.nodes().len() as u64;
        let random = NodeId(rng.below(n) as u32);
        let to = match leader(world) {
            Some(l) if rng.below(4) > 0 => l,
            _ => random,
        };
        let members = config_of(world, to);
        let aimed = |rng: &mut Rng, want_member: bool| -> NodeId {
            let fit: Vec<NodeId> = ids(n as usize)
                .filter(|s| members.contains(s) == want_member)
                .collect();
            if fit.is_empty() || rng.below(5) == 0 {
                NodeId(rng.below(n) as u32)
            } else {
                fit[rng.below(fit.len() as u64) as usize]
            }
        };
        let request = match weighted(rng, weights)? {
            0 => {
                let (key, value) = crate::sim::demo_write(&mut |n| rng.below(n));
                Request::Put {
                    key: key.to_string(),
                    value,
                }
            }
            1 => return Some((random, Request::TimeoutNow)),
            2 => Request::AddServer {
                server: aimed(rng, false),
            },
            _ => Request::RemoveServer {
                server: aimed(rng, true),
            },
        };
        Some((to, request))
    }

    /// Heartbeats and a round trip fit well inside the shortest election timeout, and
    /// timeouts are spread wider than a round trip, so one candidate usually asks first
    /// (§5.2, §9.3: without randomness split votes can repeat forever).
    fn timely(cfg: &Config, net: &NetConfig) -> bool {
        let trip = 2 * net.latency_ticks_max;
        cfg.heartbeat_ticks + trip < cfg.election_ticks_min
            && cfg.election_ticks_max - cfg.election_ticks_min > trip
    }

    /// With every fault healed (and, without pre-vote, servers outside the committed
    /// configuration shut down, §4.2.3), a leader is elected and every member applies a
    /// new write: Raft is live once a majority is up and messages arrive in time (§5.6).
    fn liveness(run: &mut Run<Self>, seed: u64) -> Result<(), Stuck> {
        let deadline = 20 * run.world().cfg.election_ticks_max;
        let d = run_decommissioning(run, deadline, |w| leader(w).is_some());
        expect(d, || format!("no leader {deadline} ticks after healing"))?;
        // A write can be lost with its leader (it was never committed): ask again, of
        // whoever leads then, as a client would.
        let value = seed as u32;
        let mut last = Err(Stuck::Undecided);
        for _ in 0..3 {
            let Some(asked) = leadership(run.world()) else {
                break;
            };
            let l = asked.0;
            run.inject(Input::Request {
                node: l,
                request: Request::Put {
                    key: "final".into(),
                    value,
                },
            });
            let d = run_decommissioning(run, deadline, |w| applied(w, value));
            let members = config_of(run.world(), l).len();
            last = expect(d, || {
                format!(
                    "leader S{} (of {members} in its configuration) did not get a write applied in {deadline} ticks",
                    l.0 + 1
                )
            });
            // The same leader in the same term had its chance; a new term may have
            // overwritten the write, even on the same server.
            if last.is_ok() || leadership(run.world()) == Some(asked) {
                break;
            }
        }
        last
    }
}

fn server(w: &World<Raft>, id: NodeId) -> Option<&Node> {
    w.nodes()[id.index()].state.as_ref()
}

/// The live leader with the highest term, if any.
fn leader(w: &World<Raft>) -> Option<NodeId> {
    ids(w.nodes().len())
        .filter_map(|id| server(w, id).map(|n| (id, n)))
        .filter(|(_, n)| matches!(n.role, Role::Leader { .. }))
        .max_by_key(|(_, n)| n.d.current_term)
        .map(|(id, _)| id)
}

/// The leader and its term, if any.
fn leadership(w: &World<Raft>) -> Option<(NodeId, u64)> {
    leader(w).and_then(|l| server(w, l).map(|n| (l, n.d.current_term.0)))
}

/// The latest configuration `id` knows (empty while it is down).
fn config_of(w: &World<Raft>, id: NodeId) -> BTreeSet<NodeId> {
    server(w, id).map_or_else(BTreeSet::new, |n| n.config.clone())
}

/// Every live member of the leader's configuration has applied "final" = `value`.
fn applied(w: &World<Raft>, value: u32) -> bool {
    let Some(l) = leader(w) else { return false };
    config_of(w, l)
        .iter()
        .filter_map(|m| server(w, *m))
        .all(|n| n.kv.get("final") == Some(&value))
}

/// Runs until `done`, for `ticks` at most. Without pre-vote, the operator shuts down the
/// servers it sees removed every election timeout: a configuration that was not yet
/// committed at first may commit now, and a removed server that never heard of it would
/// disrupt the cluster forever (§4.2.3).
fn run_decommissioning(
    run: &mut Run<Raft>,
    ticks: u64,
    done: impl Fn(&World<Raft>) -> bool,
) -> Deadline {
    if run.world().cfg.pre_vote {
        return run.run_for(ticks, LIVENESS_MAX_STEPS, done);
    }
    let slice = run.world().cfg.election_ticks_max;
    let slices = ticks.div_ceil(slice);
    for k in 0..slices {
        decommission_removed_servers(run);
        let last = k + 1 == slices;
        match run.run_for(slice, LIVENESS_MAX_STEPS / slices, &done) {
            Deadline::Missed if !last => {}
            d => return d,
        }
    }
    Deadline::Missed
}

/// Dissertation §4.2.2: "once Cnew is committed, servers not in it can be shut down".
/// The operator's part: crash every server outside the latest committed configuration.
fn decommission_removed_servers(run: &mut Run<Raft>) {
    let w = run.world();
    let up = || ids(w.nodes().len()).filter_map(|id| server(w, id));
    // Keep every server of the newest configuration some server knows committed, and of
    // the latest one in the most up-to-date log (which the election restriction lets
    // win, §5.4.1): commit indexes are volatile, so a server the healing restarted
    // knows no commit, and an uncommitted configuration may yet be overwritten. While
    // that latest one is not known committed, the one before it still rules, and its
    // servers are still needed (Figure 4.6).
    let committed = up()
        .map(|n| n.d.config_at(n.commit_index))
        .max_by_key(|(index, _)| *index);
    let known = committed.map_or(0, |(index, _)| index);
    let mut keep: BTreeSet<NodeId> = committed.into_iter().flat_map(|(_, c)| c.clone()).collect();
    if let Some(n) = up().max_by_key(|n| (n.last_term(), n.last_index())) {
        keep.extend(n.config.iter().copied());
        if n.config_index > known {
            keep.extend(n.d.config_at(n.config_index - 1).1.iter().copied());
        }
    }
    let removed: Vec<NodeId> = ids(w.nodes().len())
        .filter(|n| !keep.contains(n) && w.nodes()[n.index()].is_up())
        .collect();
    for node in removed {
        run.inject(Input::Crash { node });
    }
}
