//! Paxos scenarios (Lamport, "Paxos Made Simple") and seed sweeps.

use protocols::paxos::invariants::{Chosen, Invariant};
use protocols::paxos::{Ballot, Config, Note, Paxos, Request, Value};
use protocols::sim::history::{History, RunSpec};
mod common;
use common::{first_violation, violated, violations};

use protocols::sim::{Input, NetConfig, NodeId, StepRecord};
use std::collections::BTreeMap;

type H = History<Paxos>;

fn history_with(cfg: Config, net: NetConfig, seed: u64) -> H {
    History::new(RunSpec {
        cfg,
        net,
        seed,
        inputs: Vec::new(),
    })
    .unwrap()
}

fn history(cfg: Config, seed: u64) -> H {
    history_with(cfg, NetConfig::default(), seed)
}

/// Proposers wait to be told ("Propose now").
fn scripted() -> Config {
    Config {
        start_ticks_min: 100_000,
        start_ticks_max: 100_000,
        retry_ticks: 100_000,
        ..Config::default()
    }
}

const P1: NodeId = NodeId(0);
const P2: NodeId = NodeId(1);
/// With 2 proposers and 3 acceptors, the acceptors are nodes 2..=4 and the learner node 5.
const A1: NodeId = NodeId(2);
const L1: NodeId = NodeId(5);

fn chosen(h: &H) -> &BTreeMap<u64, Chosen> {
    h.world().ghost().chosen()
}

fn learned(h: &H, learner: NodeId) -> BTreeMap<u64, Value> {
    h.world().nodes()[learner.index()]
        .state
        .as_ref()
        .map(|n| n.d.learned.clone())
        .unwrap_or_default()
}

fn noted(node: NodeId, pred: impl Fn(&Note) -> bool) -> impl Fn(&StepRecord<Paxos>) -> bool {
    move |r| r.notes.iter().any(|(n, note)| *n == node && pred(note))
}

fn propose_now(h: &mut H, node: NodeId) {
    h.inject(Input::Request {
        node,
        request: Request::ProposeNow,
    })
    .unwrap();
}

fn v(s: &str) -> Value {
    Value::V(s.into())
}

/// §2.2–2.3: with one proposer, its value is chosen and the learner learns it.
#[test]
fn one_proposer_gets_its_value_chosen() {
    let mut h = history(
        Config {
            proposers: 1,
            ..Config::default()
        },
        1,
    );
    // One proposer: the learner is node 4.
    assert!(h.run_until(
        1_000,
        noted(NodeId(4), |n| matches!(n, Note::Learned { .. }))
    ));
    assert_eq!(chosen(&h)[&0].value, v("A"));
    assert_eq!(learned(&h, NodeId(4))[&0], v("A"));
    assert_eq!(violations(&h), 0);
}

/// P2c: a later proposer, whose promises report a value accepted in an earlier ballot,
/// proposes that value, not its own.
#[test]
fn a_later_proposer_adopts_the_value_already_accepted() {
    let mut h = history(scripted(), 2);
    propose_now(&mut h, P1);
    assert!(h.run_until(500, noted(P1, |n| matches!(n, Note::KnowsChosen { .. }))));
    assert_eq!(chosen(&h)[&0].value, v("A"), "P1's value is chosen");
    propose_now(&mut h, P2);
    let adopted = h.run_until(500, noted(P2, |n| matches!(n, Note::Proposing { .. })));
    assert!(adopted);
    let proposing = h
        .record(h.len() - 1)
        .unwrap()
        .notes
        .iter()
        .find_map(|(n, note)| match note {
            Note::Proposing { value, adopted, .. } if *n == P2 => Some((value.clone(), *adopted)),
            _ => None,
        });
    let (value, from) = proposing.unwrap();
    assert_eq!(value, v("A"), "P2 proposes A, not its own B");
    assert_eq!(from.unwrap().proposer, 1, "adopted from P1's ballot");
    h.run_to(h.len() + 500);
    assert_eq!(learned(&h, L1)[&0], v("A"));
    assert_eq!(violations(&h), 0);
}

/// §2.4: "Suppose proposer p completes phase 1 for a proposal number n1. Another proposer
/// q then completes phase 1 for a proposal number n2 > n1. Proposer p's phase 2 accept
/// requests for n1 are ignored ... proposer p then begins and completes phase 1 for a new
/// n3 > n2, causing the second phase 2 accept requests of proposer q to be ignored. And so
/// on." Here the network plays that schedule: latency is a fixed 10 ticks and every accept
/// request is slowed by 40 more, and P2 starts just after P1 completes phase 1 (its prepare
/// requests arrive 20 ticks before P1's accept requests). Each preempted proposer's next prepare then
/// overtakes its rival's accept requests, round after round.
fn duel(cure_backoff: bool, cure_leader: bool) -> H {
    let cfg = Config {
        cure_backoff,
        cure_leader,
        ..scripted()
    };
    let net = NetConfig {
        latency_ticks_min: 10,
        latency_ticks_max: 10,
        loss_per_mille: 0,
    };
    let mut h = history_with(cfg, net, 3);
    let is_accept = |m: &protocols::paxos::Msg| matches!(m, protocols::paxos::Msg::Accept { .. });
    let mut slowed = std::collections::BTreeSet::new();
    let mut slow_accepts = |h: &mut H| {
        let new: Vec<_> = h
            .world()
            .in_flight()
            .iter()
            .filter(|(id, m)| is_accept(&m.body) && !slowed.contains(*id))
            .map(|(id, _)| *id)
            .collect();
        for msg in new {
            slowed.insert(msg);
            h.inject(Input::Delay { msg, ticks: 40 }).unwrap();
        }
    };
    propose_now(&mut h, P1);
    assert!(h.run_until(
        100,
        noted(P1, |n| matches!(n, Note::PromisedByMajority { .. }))
    ));
    slow_accepts(&mut h);
    propose_now(&mut h, P2);
    let prepares: Vec<_> = h
        .world()
        .in_flight()
        .iter()
        .filter(|(_, m)| m.from == P2)
        .map(|(id, _)| *id)
        .collect();
    for msg in prepares {
        h.inject(Input::Delay { msg, ticks: 20 }).unwrap();
    }
    while h.len() < 3_000 {
        slow_accepts(&mut h);
        if !h.step_forward() {
            break;
        }
    }
    h
}

fn preemptions(h: &H) -> usize {
    common::records(h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter(|(_, n)| matches!(n, Note::Preempted { .. }))
        .count()
}

#[test]
fn dueling_proposers_livelock_without_a_cure() {
    let h = duel(false, false);
    assert!(chosen(&h).is_empty(), "3,000 steps and nothing chosen");
    assert!(preemptions(&h) > 50, "they keep preempting each other");
    assert_eq!(violations(&h), 0, "a livelock is not unsafe");
}

#[test]
fn randomized_backoff_ends_the_duel() {
    let h = duel(true, false);
    assert!(chosen(&h).contains_key(&0));
    assert!(learned(&h, L1).contains_key(&0));
    assert_eq!(violations(&h), 0);
}

#[test]
fn a_distinguished_proposer_ends_the_duel() {
    let h = duel(false, true);
    assert!(chosen(&h).contains_key(&0));
    assert!(learned(&h, L1).contains_key(&0));
    assert_eq!(violations(&h), 0);
}

/// §2.2: an acceptor's promise and acceptance survive a crash; restarted in the middle of
/// phase 2, it keeps them, and the value is still chosen once.
#[test]
fn an_acceptor_crashing_in_phase_2_keeps_its_promise_and_acceptance() {
    let mut h = history(scripted(), 4);
    propose_now(&mut h, P1);
    assert!(h.run_until(200, noted(A1, |n| matches!(n, Note::AcceptedValue { .. }))));
    h.inject(Input::Crash { node: A1 }).unwrap();
    h.run_to(h.len() + 5);
    h.inject(Input::Restart { node: A1 }).unwrap();
    let back = h.world().nodes()[A1.index()].state.as_ref().unwrap();
    assert_eq!(back.d.accepted[&0].1, v("A"));
    assert_eq!(
        back.d.promised,
        Ballot {
            round: 1,
            proposer: 1
        }
    );
    propose_now(&mut h, P2);
    h.run_to(h.len() + 1_000);
    assert_eq!(chosen(&h)[&0].value, v("A"));
    assert_eq!(learned(&h, L1)[&0], v("A"));
    assert_eq!(violations(&h), 0);
}

/// Bug switch 1: A1 promises P2's ballot 1.2, crashes and restarts; P1's accept request for
/// the older ballot 1.1, held up in the network, then reaches it. An acceptor that forgot
/// its promise accepts it.
fn forgotten_promise(bug_forget_promises: bool) -> H {
    let cfg = Config {
        bug_forget_promises,
        ..scripted()
    };
    let mut h = history(cfg, 5);
    propose_now(&mut h, P1);
    assert!(h.run_until(
        200,
        noted(P1, |n| matches!(n, Note::PromisedByMajority { .. }))
    ));
    // Everything in flight (P1's accept requests) is held up; P2's prepare overtakes them.
    let accepts: Vec<_> = h.world().in_flight().keys().copied().collect();
    for msg in accepts {
        h.inject(Input::Delay { msg, ticks: 300 }).unwrap();
    }
    propose_now(&mut h, P2);
    assert!(h.run_until(200, noted(A1, |n| matches!(n, Note::Promised { .. }))));
    h.inject(Input::Crash { node: A1 }).unwrap();
    h.inject(Input::Restart { node: A1 }).unwrap();
    // P2's accept request never reaches A1, so P1's late one is the next it sees.
    h.inject(Input::Cut { from: P2, to: A1 }).unwrap();
    h.run_to(h.len() + 1_000);
    h
}

#[test]
fn a_restarted_acceptor_keeps_its_promise() {
    let h = forgotten_promise(false);
    assert!(common::records(&h)
        .iter()
        .any(noted(A1, |n| matches!(n, Note::RefusedAccept { .. }))));
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

#[test]
fn an_acceptor_that_forgets_its_promise_accepts_below_it() {
    let h = forgotten_promise(true);
    assert!(violated(&h, Invariant::AcceptRespectsPromise));
}

/// Bug switch 2: a proposer that ignores the values in the promises proposes its own, so
/// a second value is chosen and the learner changes its mind.
#[test]
fn a_proposer_that_ignores_accepted_values_gets_a_second_value_chosen() {
    let cfg = Config {
        bug_ignore_accepted: true,
        ..scripted()
    };
    let mut h = history(cfg, 6);
    propose_now(&mut h, P1);
    assert!(h.run_until(500, noted(P1, |n| matches!(n, Note::KnowsChosen { .. }))));
    assert_eq!(chosen(&h)[&0].value, v("A"));
    propose_now(&mut h, P2);
    assert!(h.run_until(
        500,
        noted(
            L1,
            |n| matches!(n, Note::Learned { value, .. } if *value == v("B"))
        )
    ));
    assert!(violated(&h, Invariant::OneValueChosen), "B is chosen too");
    assert!(
        violated(&h, Invariant::ChosenNeverChanges),
        "the learner changed its mind"
    );
    // The checker keeps both values, so the lab can show both (issue 11, item 14).
    let both: Vec<Value> = h
        .world()
        .ghost()
        .chosen_in(0)
        .iter()
        .map(|c| c.value.clone())
        .collect();
    assert_eq!(both, vec![v("A"), v("B")]);
    // P2's proposal says what it ignored: a promise reported A, accepted in P1's ballot.
    let ignored = common::records(&h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .find_map(|(n, note)| match note {
            Note::Proposing {
                ignored,
                adopted: None,
                ..
            } if *n == P2 => Some(ignored.clone()),
            _ => None,
        });
    assert!(
        matches!(&ignored, Some(Some((b, a))) if b.proposer == 1 && *a == v("A")),
        "{ignored:?}"
    );
}

fn multi() -> Config {
    Config {
        multi: true,
        cure_leader: true,
        cure_backoff: true,
        ..Config::default()
    }
}

fn submit(h: &mut H, node: NodeId, command: &str) {
    h.inject(Input::Request {
        node,
        request: Request::Submit {
            command: command.into(),
        },
    })
    .unwrap();
}

/// §3: the distinguished proposer runs phase 1 once, then only phase 2 per command; every
/// learner learns the commands in their slots.
#[test]
fn multi_paxos_a_stable_leader_runs_phase_1_once() {
    let mut h = history(multi(), 7);
    h.run_to(200);
    for (i, c) in ["x=1", "y=2", "x=3", "z=4"].iter().enumerate() {
        // Commands to either proposer: P2 forwards them to the distinguished P1.
        submit(&mut h, NodeId(i as u32 % 2), c);
        h.run_to(h.len() + 100);
    }
    h.run_to(h.len() + 500);
    let log: Vec<Value> = learned(&h, L1).into_values().collect();
    assert_eq!(log, vec![v("x=1"), v("y=2"), v("x=3"), v("z=4")]);
    let phase1 = common::records(&h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter(|(_, n)| matches!(n, Note::Preparing { .. }))
        .count();
    assert_eq!(phase1, 1, "one phase 1 for every slot");
    assert_eq!(violations(&h), 0);
}

/// §3: a new leader learns the accepted values of every slot in phase 1, proposes them
/// again, and fills the gaps with no-ops.
#[test]
fn multi_paxos_a_new_leader_fills_gaps_with_noops() {
    let mut h = history(multi(), 8);
    h.run_to(200);
    submit(&mut h, P1, "x=1");
    h.run_to(h.len() + 200);
    // P1 proposes slots 1 and 2; every accept request for slot 1 is lost.
    submit(&mut h, P1, "y=2");
    submit(&mut h, P1, "z=3");
    let lost: Vec<_> = h
        .world()
        .in_flight()
        .iter()
        .filter(|(_, m)| matches!(m.body, protocols::paxos::Msg::Accept { slot: 1, .. }))
        .map(|(id, _)| *id)
        .collect();
    assert!(!lost.is_empty());
    for msg in lost {
        h.inject(Input::Drop { msg }).unwrap();
    }
    // Slot 2 is chosen; P1 crashes before its retry timer resends slot 1.
    while !chosen(&h).contains_key(&2) {
        assert!(h.step_forward());
    }
    h.inject(Input::Crash { node: P1 }).unwrap();
    // P2 notices P1 is gone, becomes distinguished, and runs phase 1 for every slot it does
    // not know chosen (all of them: it learned nothing), re-proposing what was accepted.
    let filled = h.run_until(
        3_000,
        noted(P2, |n| {
            matches!(
                n,
                Note::Proposing {
                    slot: 1,
                    value: Value::Noop,
                    ..
                }
            )
        }),
    );
    assert!(filled, "the gap at slot 1 becomes a no-op");
    h.run_to(h.len() + 1_000);
    let log = learned(&h, L1);
    assert_eq!(log[&0], v("x=1"));
    assert_eq!(log[&1], Value::Noop);
    assert_eq!(log[&2], v("z=3"), "the accepted value of slot 2 is kept");
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}
