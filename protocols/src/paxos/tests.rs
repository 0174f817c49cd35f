//! Unit tests, one rule each, citing "Paxos Made Simple" (sections and the paper's words).

use super::msg::AcceptedIn;
use super::*;
use crate::sim::Effect;

type P = Paxos;
const P1: NodeId = NodeId(0);
const P2: NodeId = NodeId(1);
const A1: NodeId = NodeId(2);
const A2: NodeId = NodeId(3);
const L1: NodeId = NodeId(5);

fn cfg() -> Config {
    Config::default()
}

fn node(cfg: &Config, id: NodeId) -> Node {
    P::init(cfg, id, &mut Out::default())
}

fn b(round: u64, proposer: u32) -> Ballot {
    Ballot { round, proposer }
}

fn v(s: &str) -> Value {
    Value::V(s.into())
}

fn deliver(cfg: &Config, n: &mut Node, me: NodeId, from: NodeId, msg: Msg) -> Out<P> {
    let mut out = Out::default();
    P::on_message(cfg, me, n, from, msg, &mut out);
    out
}

fn request(cfg: &Config, n: &mut Node, me: NodeId, req: Request) -> Out<P> {
    let mut out = Out::default();
    P::on_request(cfg, me, n, req, &mut out);
    out
}

fn promise(ballot: Ballot, accepted: &[(u64, Ballot, &str)]) -> Msg {
    Msg::Promise {
        ballot,
        accepted: accepted
            .iter()
            .map(|(slot, b, val)| AcceptedIn {
                slot: *slot,
                ballot: *b,
                value: v(val),
            })
            .collect(),
    }
}

/// §2.2 phase 1(b): "If an acceptor receives a prepare request with number n greater than
/// that of any prepare request to which it has already responded, then it responds ... with
/// a promise ... and with the highest-numbered proposal (if any) that it has accepted."
#[test]
fn an_acceptor_promises_a_higher_prepare_and_reports_what_it_accepted() {
    let c = cfg();
    let mut a = node(&c, A1);
    a.d.promised = b(1, 1);
    a.d.accepted.insert(0, (b(1, 1), v("A")));
    let out = deliver(
        &c,
        &mut a,
        A1,
        P2,
        Msg::Prepare {
            ballot: b(1, 2),
            from_slot: 0,
        },
    );
    assert_eq!(a.d.promised, b(1, 2));
    assert_eq!(
        out.sends(),
        vec![(P2, promise(b(1, 2), &[(0, b(1, 1), "A")]))]
    );
    let persist = out
        .effects
        .iter()
        .position(|e| matches!(e, Effect::Persist));
    let send = out
        .effects
        .iter()
        .position(|e| matches!(e, Effect::Send { .. }));
    assert!(persist < send, "the promise is on disk before it is sent");
}

/// §2.2: an acceptor that ignores a request because it promised a higher number "should
/// probably inform the proposer, who should then abandon its proposal".
#[test]
fn an_acceptor_refuses_a_lower_prepare_and_says_why() {
    let c = cfg();
    let mut a = node(&c, A1);
    a.d.promised = b(2, 2);
    let out = deliver(
        &c,
        &mut a,
        A1,
        P1,
        Msg::Prepare {
            ballot: b(1, 1),
            from_slot: 0,
        },
    );
    assert_eq!(a.d.promised, b(2, 2));
    assert_eq!(
        out.sends(),
        vec![(
            P1,
            Msg::Nack {
                ballot: b(1, 1),
                promised: b(2, 2)
            }
        )]
    );
}

/// §2.2 phase 2(b): "If an acceptor receives an accept request for a proposal numbered n,
/// it accepts the proposal unless it has already responded to a prepare request having a
/// number greater than n." It tells the proposer and the learners.
#[test]
fn an_acceptor_accepts_unless_it_promised_a_higher_number() {
    let c = cfg();
    let mut a = node(&c, A1);
    a.d.promised = b(1, 2);
    let accept = |ballot| Msg::Accept {
        ballot,
        slot: 0,
        value: v("A"),
    };
    let out = deliver(&c, &mut a, A1, P1, accept(b(1, 1)));
    assert!(a.d.accepted.is_empty());
    assert!(matches!(out.sends()[0].1, Msg::Nack { .. }));
    let out = deliver(&c, &mut a, A1, P2, accept(b(1, 2)));
    assert_eq!(a.d.accepted[&0], (b(1, 2), v("A")));
    let to: Vec<NodeId> = out.sends().into_iter().map(|(to, _)| to).collect();
    assert_eq!(to, vec![P2, L1], "the proposer and the learner hear of it");
}

/// §2.2 phase 2(a) and P2c: the proposer proposes "v is the value of the highest-numbered
/// proposal among the responses, or is any value if the responses reported no proposals".
#[test]
fn a_proposer_adopts_the_highest_numbered_accepted_value() {
    let c = cfg();
    let mut p = node(&c, P2);
    request(&c, &mut p, P2, Request::ProposeNow);
    let ballot = p.proposer.as_ref().unwrap().ballot;
    deliver(&c, &mut p, P2, A1, promise(ballot, &[(0, b(1, 1), "A")]));
    let out = deliver(&c, &mut p, P2, A2, promise(ballot, &[(0, b(2, 3), "C")]));
    assert!(out.sends().contains(&(
        A1,
        Msg::Accept {
            ballot,
            slot: 0,
            value: v("C")
        }
    )));
    // With no accepted proposal reported, it proposes its own value.
    let mut p = node(&c, P2);
    request(&c, &mut p, P2, Request::ProposeNow);
    let ballot = p.proposer.as_ref().unwrap().ballot;
    deliver(&c, &mut p, P2, A1, promise(ballot, &[]));
    let out = deliver(&c, &mut p, P2, A2, promise(ballot, &[]));
    assert!(out.sends().contains(&(
        A1,
        Msg::Accept {
            ballot,
            slot: 0,
            value: v("B")
        }
    )));
    // Bug switch 2 ignores the reports.
    let bug = Config {
        bug_ignore_accepted: true,
        ..cfg()
    };
    let mut p = node(&bug, P2);
    request(&bug, &mut p, P2, Request::ProposeNow);
    let ballot = p.proposer.as_ref().unwrap().ballot;
    deliver(&bug, &mut p, P2, A1, promise(ballot, &[(0, b(1, 1), "A")]));
    let out = deliver(&bug, &mut p, P2, A2, promise(ballot, &[(0, b(1, 1), "A")]));
    assert!(out.sends().contains(&(
        A1,
        Msg::Accept {
            ballot,
            slot: 0,
            value: v("B")
        }
    )));
}

/// §2.2 and §2.5: proposal numbers are unique per proposer and a new one is higher than any the
/// proposer used or saw; the proposer records it on disk before sending (§2.5: "a proposer
/// ... must remember the highest-numbered proposal it has tried to issue").
#[test]
fn a_new_ballot_is_higher_than_any_seen_and_persisted_first() {
    let c = cfg();
    let mut p = node(&c, P1);
    request(&c, &mut p, P1, Request::ProposeNow);
    assert_eq!(p.proposer.as_ref().unwrap().ballot, b(1, 1));
    deliver(
        &c,
        &mut p,
        P1,
        A1,
        Msg::Nack {
            ballot: b(1, 1),
            promised: b(5, 2),
        },
    );
    let next = p.proposer.as_ref().unwrap().ballot;
    assert_eq!(next, b(6, 1), "above the promise it lost to");
    assert_eq!(p.d.round, 6);
    let mut back = P::on_restart(&c, P1, &P::durable(&p), &mut Out::default());
    let out = request(&c, &mut back, P1, Request::ProposeNow);
    assert_eq!(
        back.proposer.as_ref().unwrap().ballot,
        b(7, 1),
        "never reused after a crash"
    );
    let persist = out
        .effects
        .iter()
        .position(|e| matches!(e, Effect::Persist));
    let send = out
        .effects
        .iter()
        .position(|e| matches!(e, Effect::Send { .. }));
    assert!(
        persist.is_some() && persist < send,
        "the round is on disk before the prepare"
    );
}

/// §2.3, learning: a value is learned once a majority of acceptors accepted it in one
/// ballot; acceptances from different ballots do not add up.
#[test]
fn a_learner_needs_a_majority_in_one_ballot() {
    let c = cfg();
    let mut l = node(&c, L1);
    let accepted = |ballot| Msg::Accepted {
        ballot,
        slot: 0,
        value: v("A"),
    };
    deliver(&c, &mut l, L1, A1, accepted(b(1, 1)));
    deliver(&c, &mut l, L1, A2, accepted(b(2, 1)));
    assert!(l.d.learned.is_empty());
    let out = deliver(&c, &mut l, L1, A1, accepted(b(2, 1)));
    assert_eq!(l.d.learned[&0], v("A"));
    assert!(out.notes().contains(&Note::Learned {
        slot: 0,
        value: v("A"),
        ballot: b(2, 1)
    }));
}

/// §2.2: acceptors "remember this information even if [they fail] and then restart": the
/// promise and the acceptances come back from disk. Bug switch 1 forgets the promise.
#[test]
fn a_restarted_acceptor_keeps_its_promise_unless_the_bug_is_on() {
    let c = cfg();
    let mut a = node(&c, A1);
    deliver(
        &c,
        &mut a,
        A1,
        P2,
        Msg::Prepare {
            ballot: b(3, 2),
            from_slot: 0,
        },
    );
    let back = P::on_restart(&c, A1, &P::durable(&a), &mut Out::default());
    assert_eq!(back.d.promised, b(3, 2));
    let bug = Config {
        bug_forget_promises: true,
        ..cfg()
    };
    let back = P::on_restart(&bug, A1, &P::durable(&a), &mut Out::default());
    assert_eq!(back.d.promised, Ballot::ZERO);
}

/// §3: a new leader proposes, in every slot below the highest one reported accepted, the
/// reported value, and a no-op where there is none ("it fills the gaps ... by proposing a
/// special no-op command").
#[test]
fn multi_paxos_fills_gaps_with_noops() {
    let c = Config {
        multi: true,
        ..cfg()
    };
    let mut p = node(&c, P1);
    request(&c, &mut p, P1, Request::ProposeNow);
    let ballot = p.proposer.as_ref().unwrap().ballot;
    deliver(
        &c,
        &mut p,
        P1,
        A1,
        promise(ballot, &[(0, b(1, 2), "x=1"), (2, b(1, 2), "z=3")]),
    );
    let out = deliver(&c, &mut p, P1, A2, promise(ballot, &[]));
    let proposed: Vec<(u64, Value)> = out
        .sends()
        .into_iter()
        .filter(|(to, _)| *to == A1)
        .filter_map(|(_, m)| match m {
            Msg::Accept { slot, value, .. } => Some((slot, value)),
            _ => None,
        })
        .collect();
    assert_eq!(
        proposed,
        vec![(0, v("x=1")), (1, Value::Noop), (2, v("z=3"))]
    );
}

/// Roles: separate nodes by default, in the order proposers, acceptors, learners; with
/// `colocated`, node k plays acceptor k and, when there are that many, proposer k and
/// learner k.
#[test]
fn roles_map_to_nodes() {
    let c = cfg();
    assert_eq!(c.node_count(), 6);
    assert_eq!(c.roles(NodeId(2)).acceptor, Some(0));
    assert_eq!(c.roles(NodeId(5)).learner, Some(0));
    let co = Config {
        colocated: true,
        ..cfg()
    };
    assert_eq!(co.node_count(), 3);
    let r = co.roles(NodeId(0));
    assert_eq!(
        (r.proposer, r.acceptor, r.learner),
        (Some(0), Some(0), Some(0))
    );
    let r = co.roles(NodeId(2));
    assert_eq!((r.proposer, r.acceptor, r.learner), (None, Some(2), None));
}

/// Persisting writes exactly the durable state, though it copies only the touched slots.
#[test]
fn persist_writes_the_durable_state_exactly() {
    let c = Config {
        multi: true,
        ..cfg()
    };
    let mut a = node(&c, A1);
    let mut disk = P::durable(&a);
    for (slot, ballot) in [(0, b(1, 1)), (1, b(1, 1)), (0, b(2, 2))] {
        deliver(
            &c,
            &mut a,
            A1,
            P1,
            Msg::Accept {
                ballot,
                slot,
                value: v("x"),
            },
        );
        P::persist(&a, &mut disk);
        assert_eq!(disk, P::durable(&a));
    }
}

/// §2.4 with the distinguished-proposer cure: "Propose now" on another proposer is refused
/// and leaves its current ballot alone.
#[test]
fn propose_now_on_a_non_distinguished_proposer_keeps_its_ballot() {
    let c = Config {
        cure_leader: true,
        ..cfg()
    };
    let mut p = node(&c, P2);
    p.proposer.as_mut().unwrap().distinguished = 1;
    request(&c, &mut p, P2, Request::ProposeNow);
    let ballot = p.proposer.as_ref().unwrap().ballot;
    assert_eq!(p.proposer.as_ref().unwrap().phase, Phase::Preparing);
    p.proposer.as_mut().unwrap().distinguished = 0;
    let out = request(&c, &mut p, P2, Request::ProposeNow);
    assert_eq!(
        out.notes(),
        vec![Note::NotProposing {
            cause: msg::Cause::NotDistinguished
        }]
    );
    let pr = p.proposer.as_ref().unwrap();
    assert_eq!((pr.ballot, &pr.phase), (ballot, &Phase::Preparing));
}
