//! Raft liveness scenarios: a leader alone in its configuration commits (Figure 2's commit
//! rule with a majority of one), and CheckQuorum (Ongaro's dissertation §6.2) makes a
//! leader cut off from a majority step down.

use protocols::raft::msg::ConfigRefusal;
use protocols::raft::{Command, Config, Note, Raft, Request, Role};
use protocols::scenario::Scenario;
use protocols::sim::history::{History, RunSpec};
use protocols::sim::{Input, NetConfig, NodeId, StepRecord};
use std::collections::BTreeSet;

mod common;
use common::violations;

type H = History<Raft>;

const S1: NodeId = NodeId(0);
const S2: NodeId = NodeId(1);

/// The notes of `node` over the whole run.
fn notes_of(h: &H, node: NodeId) -> Vec<Note> {
    h.records(..)
        .flat_map(|r| r.notes)
        .filter(|(n, _)| *n == node)
        .map(|(_, note)| note)
        .collect()
}

/// Issue 11, item 8, as filed: two removes leave S1 alone; its write must commit, and after
/// a crash and restart, as leader again, it must accept the change that adds S2 back.
const ONE_SERVER_LEFT: &str = r#"{"format":1,"protocol":"raft","seed":1,"steps":300,"config":{"servers":3,"spare_servers":0,"election_ticks_min":100000,"election_ticks_max":100000},"inputs":[{"at":0,"kind":"request","node":0,"request":{"request":"timeout_now"}},{"at":30,"kind":"request","node":0,"request":{"request":"remove_server","server":2}},{"at":80,"kind":"request","node":0,"request":{"request":"remove_server","server":1}},{"at":150,"kind":"request","node":0,"request":{"request":"put","key":"x","value":1}},{"at":250,"kind":"crash","node":0},{"at":251,"kind":"restart","node":0},{"at":252,"kind":"request","node":0,"request":{"request":"timeout_now"}},{"at":253,"kind":"request","node":0,"request":{"request":"add_server","server":1}},{"at":290,"kind":"request","node":0,"request":{"request":"add_server","server":1}}]}"#;

/// Figure 2: "If there exists an N such that N > commitIndex, a majority of matchIndex[i] ≥ N,
/// and log[N].term == currentTerm: set commitIndex = N" (§5.3, §5.4.2). In a configuration
/// of one, the leader's own log is that majority, so an entry of its term commits the moment
/// it is appended: the rule must run when the leader's log grows, not only on replies.
#[test]
fn a_leader_alone_in_its_configuration_commits_its_writes_and_accepts_the_next_change() {
    let h = Scenario::<Raft>::parse(ONE_SERVER_LEFT)
        .unwrap()
        .run()
        .unwrap();
    let s1 = notes_of(&h, S1);
    let x = Command::Put {
        key: "x".into(),
        value: 1,
    };
    assert!(
        s1.iter()
            .any(|n| matches!(n, Note::Applied { cmd, .. } if *cmd == x)),
        "S1, alone, commits and applies x=1"
    );
    // After the restart the no-op of its new term commits at once, so the first Add is
    // accepted; the second finds S2 already a member.
    let both = BTreeSet::from([S1, S2]);
    assert!(
        s1.iter()
            .any(|n| matches!(n, Note::ConfigChanged { members, .. } if *members == both)),
        "the add_server at step 253 succeeds"
    );
    let refusals: Vec<ConfigRefusal> = s1
        .iter()
        .filter_map(|n| match n {
            Note::ConfigRefused { reason } => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(refusals, vec![ConfigRefusal::AlreadyMember]);
    let node = h.world().nodes()[S1.index()].state.as_ref().unwrap();
    assert_eq!(node.kv.get("x"), Some(&1), "x=1 survives the restart");
    assert_eq!(node.config, both);
    assert!(
        node.commit_index >= node.config_index,
        "S2's return is committed"
    );
    assert_eq!(violations(&h), 0);
}

/// Five servers whose timers run (150..300 ticks); heartbeats every 50.
fn five(check_quorum: bool) -> H {
    let cfg = Config {
        servers: 5,
        spare_servers: 0,
        check_quorum,
        ..Config::default()
    };
    History::new(RunSpec {
        cfg,
        net: NetConfig::default(),
        seed: 2,
        inputs: Vec::new(),
    })
    .unwrap()
}

fn leads(h: &H, id: NodeId) -> bool {
    h.world().nodes()[id.index()]
        .state
        .as_ref()
        .is_some_and(|n| matches!(n.role, Role::Leader { .. }))
}

fn term_of(h: &H, id: NodeId) -> u64 {
    h.world().nodes()[id.index()]
        .state
        .as_ref()
        .unwrap()
        .d
        .current_term
        .0
}

/// S1 times out and leads; then S1 and S2 are cut off from S3, S4 and S5. Returns the
/// time of the partition.
fn leader_in_a_minority(h: &mut H) -> u64 {
    h.inject(Input::Request {
        node: S1,
        request: Request::TimeoutNow,
    })
    .unwrap();
    let leads_now = |r: &StepRecord<Raft>| {
        r.notes
            .iter()
            .any(|(n, note)| *n == S1 && matches!(note, Note::BecameLeader { .. }))
    };
    assert!(h.run_until(500, leads_now), "S1 is elected");
    h.run_to(h.len() + 200);
    assert!(leads(h, S1), "S1 still leads before the partition");
    h.inject(Input::Partition {
        groups: vec![vec![S1, S2]],
    })
    .unwrap();
    h.record(h.len() - 1).unwrap().time.0
}

/// Dissertation §6.2: "a leader steps down if an election timeout elapses without a
/// successful round of heartbeats to a majority of its cluster". The check runs every
/// `election_ticks_min` (150), so within two of them after the partition the leader in the
/// minority steps down, in its own term.
#[test]
fn with_check_quorum_a_leader_in_a_minority_partition_steps_down_after_an_election_timeout() {
    let mut h = five(true);
    let cut_at = leader_in_a_minority(&mut h);
    let term = term_of(&h, S1);
    let lost = |r: &StepRecord<Raft>| {
        r.notes
            .iter()
            .any(|(n, note)| *n == S1 && matches!(note, Note::LostQuorum { .. }))
    };
    assert!(h.run_until(2_000, lost), "S1 steps down");
    let at = h.record(h.len() - 1).unwrap();
    assert!(
        at.time.0 <= cut_at + 2 * 150,
        "within two checks: cut at {cut_at}, stepped down at {}",
        at.time.0
    );
    assert!(at.notes.contains(&(
        S1,
        Note::LostQuorum {
            term: protocols::raft::Term(term)
        }
    )));
    assert!(!leads(&h, S1));
    assert_eq!(term_of(&h, S1), term, "stepping down changes no term");
    h.run_to(h.len() + 3_000);
    assert_eq!(violations(&h), 0);
}

/// Without CheckQuorum (Figure 2 alone) nothing tells the cut-off leader: it leads its old
/// term for as long as the partition lasts, while the majority elects a new leader.
#[test]
fn without_check_quorum_a_leader_in_a_minority_partition_stays_leader() {
    let mut h = five(false);
    let cut_at = leader_in_a_minority(&mut h);
    let term = term_of(&h, S1);
    h.run_to(h.len() + 5_000);
    assert!(h.record(h.len() - 1).unwrap().time.0 > cut_at + 20 * 300);
    assert!(leads(&h, S1), "S1 still believes it leads");
    assert_eq!(term_of(&h, S1), term);
    let newer = (2..5).any(|i| leads(&h, NodeId(i)) && term_of(&h, NodeId(i)) > term);
    assert!(newer, "the majority side elected a leader of a later term");
    assert_eq!(violations(&h), 0);
}

/// CheckQuorum must not depose a healthy leader: with every server up and connected, the
/// leader hears from a majority in every check.
#[test]
fn with_check_quorum_a_leader_that_hears_from_a_majority_keeps_leading() {
    let mut h = five(true);
    h.run_to(5_000);
    let stepped_down = common::records(&h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .any(|(_, note)| matches!(note, Note::LostQuorum { .. }));
    assert!(!stepped_down);
    assert!((0..5).any(|i| leads(&h, NodeId(i))));
    assert_eq!(violations(&h), 0);
}

/// Dissertation §4.2.2, Figure 4.6: S1 leads, removes S3, then appends Cnew = {S2} while
/// cut off from S2, crashes and restarts. S2 cannot win (S1 refuses it for a shorter log);
/// S1 is outside Cnew, but "should still start new elections, as it might still be needed
/// until the Cnew entry is committed". It wins on S2's vote alone, commits Cnew, steps
/// down, and S2 then leads {S2} by itself.
const REMOVED_LEADER_STILL_NEEDED: &str = r#"{"format":1,"protocol":"raft","seed":1,"steps":400,"config":{"servers":3,"spare_servers":0,"election_ticks_min":50000,"election_ticks_max":100000},"inputs":[{"at":0,"kind":"request","node":0,"request":{"request":"timeout_now"}},{"at":40,"kind":"request","node":0,"request":{"request":"remove_server","server":2}},{"at":100,"kind":"crash","node":2},{"at":101,"kind":"partition","groups":[[0],[1]]},{"at":102,"kind":"request","node":0,"request":{"request":"remove_server","server":0}},{"at":103,"kind":"crash","node":0},{"at":104,"kind":"restart","node":0},{"at":107,"kind":"heal"},{"at":140,"kind":"request","node":1,"request":{"request":"put","key":"x","value":7}}]}"#;

#[test]
fn a_server_outside_an_uncommitted_configuration_campaigns_until_it_commits() {
    let h = Scenario::<Raft>::parse(REMOVED_LEADER_STILL_NEEDED)
        .unwrap()
        .run()
        .unwrap();
    assert_eq!(violations(&h), 0);
    let s1 = notes_of(&h, S1);
    let led = s1
        .iter()
        .filter(|n| matches!(n, Note::BecameLeader { .. }))
        .count();
    assert_eq!(led, 2, "S1 leads before its removal and once after: {s1:?}");
    assert!(s1.iter().any(|n| matches!(n, Note::SteppedDown { .. })));
    assert!(!s1.contains(&Note::NotInConfig), "{s1:?}");
    let s2 = h.world().nodes()[S2.index()].state.as_ref().unwrap();
    assert!(matches!(s2.role, Role::Leader { .. }));
    assert_eq!(s2.config, BTreeSet::from([S2]));
    assert_eq!(
        s2.kv.get("x"),
        Some(&7),
        "S2 alone commits and applies its write"
    );
}
