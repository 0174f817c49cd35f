//! The Raft lab's tests: its sentences, over the example, swarm runs and every note.

use super::*;
use crate::i18n::EN;
use crate::labs::load_recorded;
use protocols::raft::msg::{ConfigRefusal as CR, DenyReason as DR};
use protocols::raft::Term;
use protocols::scenario::Scenario;
use protocols::sim::history::{History, RunSpec};
use protocols::sim::rng::Rng;
use protocols::sim::swarm::Swarm;
use protocols::sweep::Target;

fn cfg_of(h: &History<Raft>) -> Config {
    h.spec().cfg.clone()
}

/// A template hole left unfilled: `{` then a lowercase placeholder name and `}`. (Sets
/// of servers are written in braces too, "{S1, S2}", and are not holes.)
fn has_hole(text: &str) -> bool {
    text.split('{').skip(1).any(|rest| {
        let name: String = rest.chars().take_while(|c| *c != '}').collect();
        rest.contains('}')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    })
}

#[test]
fn a_hole_is_told_apart_from_a_set_of_servers() {
    assert!(has_hole("S1 recovers term {term}."));
    assert!(!has_hole("You partitioned the network: {S1, S2} | {S3}."));
}

fn assert_sentences(json: &str, what: &str) -> Vec<String> {
    let sim = load_recorded(json);
    let lines = sim.log_lines(0, sim.len(), &EN);
    assert_eq!(lines.len() as u64, sim.len());
    for l in &lines {
        assert!(
            // An input with no effect ends "(no effect: the node is down)".
            !has_hole(&l.text) && (l.text.ends_with('.') || l.text.ends_with(')')),
            "{what}, step {}: {}",
            l.step,
            l.text
        );
    }
    lines.into_iter().map(|l| l.text).collect()
}

/// Every event-log line of the example run, and of random-fault runs with every switch
/// (pre-vote, CheckQuorum, snapshots, each bug), is a whole sentence with no template
/// hole left unfilled, and with no "1 votes".
#[test]
fn every_event_of_the_example_and_of_swarm_runs_reads_as_a_sentence() {
    let example = include_str!("../../../protocols/examples/raft.json");
    assert_sentences(example, "the example");
    let base = Config {
        servers: 3,
        spare_servers: 1,
        snapshot_after: 4,
        ..Config::default()
    };
    let variants = [
        Config {
            pre_vote: true,
            check_quorum: true,
            ..base.clone()
        },
        Config {
            bug_no_election_restriction: true,
            bug_commit_old_terms: true,
            bug_forget_voted_for: true,
            ..base.clone()
        },
        base,
    ];
    let mut all = String::new();
    for (i, cfg) in variants
        .into_iter()
        .enumerate()
        .flat_map(|(i, c)| (0..4).map(move |k| (i * 4 + k, c.clone())))
    {
        let seed = i as u64 + 1;
        let spec = RunSpec {
            cfg,
            net: Default::default(),
            seed,
            inputs: Vec::new(),
        };
        let mut h = History::<Raft>::new(spec).unwrap();
        let nodes = h.world().nodes().len();
        let mut swarm = Swarm::new(seed, nodes, &Raft::timeouts(&cfg_of(&h)));
        let load = vec![1u64; Raft::REQUEST_KINDS]; // every kind of request, evenly
        let cfg = cfg_of(&h);
        for _ in 0..3_000 {
            let mut work =
                |w: &protocols::sim::World<Raft>, r: &mut Rng| Raft::request(&cfg, &load, w, r);
            if let Some(input) = swarm.next_input(h.world(), &mut work) {
                let _ = h.inject(input);
            } else if !h.step_forward() {
                break;
            }
        }
        let json = Scenario {
            spec: h.spec().clone(),
            steps: h.len(),
        }
        .to_json();
        for line in assert_sentences(&json, &format!("swarm seed {seed}")) {
            all.push_str(&line);
        }
    }
    assert!(!all.contains(" 1 votes") && !all.contains(" 1 log entries"));
    for expected in [
        "recovers term",
        "has pre-votes from a majority",
        "BUG:",
        "CheckQuorum",
        "refuses a request from the old term",
        "drops a reply from the old term",
        "it is itself the leader",
    ] {
        assert!(all.contains(expected), "{expected}");
    }
}

/// A number for each note variant: this match stops compiling when a variant is added,
/// so the samples below must grow with it.
fn variant(note: &Note) -> usize {
    match note {
        Note::BecameFollower { .. } => 0,
        Note::BecameCandidate { .. } => 1,
        Note::BecameLeader { .. } => 2,
        Note::VoteGranted { .. } => 3,
        Note::VoteDenied { .. } => 4,
        Note::Appended { .. } => 5,
        Note::Accepted { .. } => 6,
        Note::Mismatch { .. } => 7,
        Note::BackedOff { .. } => 8,
        Note::Committed { .. } => 9,
        Note::Applied { .. } => 10,
        Note::NotLeader { .. } => 11,
        Note::BecamePreCandidate { .. } => 12,
        Note::PreVoteGranted { .. } => 13,
        Note::PreVoteDenied { .. } => 14,
        Note::NotInConfig => 15,
        Note::ConfigChanged { .. } => 16,
        Note::ConfigRefused { .. } => 17,
        Note::SteppedDown { .. } => 18,
        Note::LostQuorum { .. } => 19,
        Note::Snapshotted { .. } => 20,
        Note::SnapshotInstalled { .. } => 21,
        Note::SnapshotIgnored { .. } => 22,
        Note::StaleRequestRefused { .. } => 23,
        Note::StaleReplyDropped { .. } => 24,
        Note::Recovered { .. } => 25,
        Note::TwoLeaders { .. } => 26,
        Note::LeaderRewroteLog { .. } => 27,
        Note::LogsDiverge { .. } => 28,
        Note::CommittedEntryMissing { .. } => 29,
        Note::DifferentApplied { .. } => 30,
    }
}

/// Every variant of every note, with each flag and reason.
fn samples() -> Vec<Note> {
    let (t, c, a) = (Term(2), NodeId(1), NodeId(2));
    let members = BTreeSet::from([NodeId(0), c]);
    let mut notes = vec![
        Note::BecameFollower { term: t },
        Note::BecameLeader { term: t },
        Note::Appended { index: 3, term: t },
        Note::Mismatch { prev_log_index: 3 },
        Note::BackedOff {
            follower: c,
            next_index: 2,
        },
        Note::NotLeader { leader: Some(c) },
        Note::NotLeader { leader: None },
        Note::BecamePreCandidate { term: t },
        Note::NotInConfig,
        Note::ConfigChanged { index: 4, members },
        Note::SteppedDown { term: t },
        Note::LostQuorum { term: t },
        Note::Snapshotted { index: 4, term: t },
        Note::SnapshotInstalled { index: 4, term: t },
        Note::SnapshotIgnored { index: 4 },
        Note::StaleRequestRefused {
            term: Term(1),
            current: t,
        },
        Note::StaleReplyDropped { term: Term(1) },
        Note::TwoLeaders {
            term: t,
            first: a,
            second: c,
        },
        Note::LeaderRewroteLog {
            leader: c,
            term: t,
            index: 3,
        },
        Note::LogsDiverge { a, b: c, index: 3 },
        Note::CommittedEntryMissing {
            leader: c,
            term: t,
            index: 3,
        },
        Note::DifferentApplied { index: 3, a, b: c },
    ];
    for cmd in [
        Command::Noop,
        Command::Put {
            key: "x".into(),
            value: 1,
        },
        Command::Config {
            members: BTreeSet::from([a]),
        },
    ] {
        notes.push(Note::Applied {
            index: 3,
            term: t,
            cmd,
        });
    }
    for flag in [false, true] {
        notes.push(Note::BecameCandidate {
            term: t,
            after_pre_vote: flag,
        });
        notes.push(Note::VoteGranted {
            candidate: c,
            term: t,
            log_behind: flag,
        });
        notes.push(Note::PreVoteGranted {
            candidate: c,
            term: t,
            log_behind: flag,
        });
        notes.push(Note::Committed {
            index: 3,
            term: t,
            old_term: flag,
        });
    }
    for (snapshot_index, entries, forgot_vote) in [(0, 0, false), (0, 1, true), (24, 2, false)] {
        notes.push(Note::Recovered {
            term: t,
            snapshot_index,
            entries,
            forgot_vote,
        });
    }
    for (last, appended, truncated_from) in [(3, 0, None), (3, 1, None), (3, 1, Some(2))] {
        notes.push(Note::Accepted {
            last,
            appended,
            truncated_from,
        });
    }
    for reason in [
        DR::StaleTerm,
        DR::AlreadyVoted,
        DR::LogBehind,
        DR::LeaderAlive,
        DR::IsLeader,
    ] {
        notes.push(Note::VoteDenied {
            candidate: c,
            term: t,
            reason,
        });
        notes.push(Note::PreVoteDenied {
            candidate: c,
            term: t,
            reason,
        });
    }
    for reason in [
        CR::AlreadyMember,
        CR::NotMember,
        CR::NoSuchServer,
        CR::ChangePending,
        CR::NoCommitInTerm,
        CR::LastServer,
    ] {
        notes.push(Note::ConfigRefused { reason });
    }
    notes
}

#[test]
fn every_note_reads_as_a_sentence_and_bug_switch_events_say_bug() {
    let notes = samples();
    let covered: BTreeSet<usize> = notes.iter().map(variant).collect();
    assert_eq!(covered, (0..31).collect(), "a sample of every variant");
    let cfg = Config::default();
    for note in &notes {
        let text = Raft::note_text(&cfg, NodeId(0), note, &EN);
        assert!(!has_hole(&text) && text.ends_with('.'), "{note:?}: {text}");
        let bug = matches!(
            note,
            Note::VoteGranted {
                log_behind: true,
                ..
            } | Note::PreVoteGranted {
                log_behind: true,
                ..
            } | Note::Committed { old_term: true, .. }
                | Note::Recovered {
                    forgot_vote: true,
                    ..
                }
        );
        assert_eq!(text.contains("BUG:"), bug, "{text}");
    }
}

/// Plurals: "1 vote", "2 votes", "1 log entry", "24 log entries".
#[test]
fn counts_agree_with_their_nouns() {
    let r = &EN.raft;
    let mut n = Raft::init(&Config::default(), NodeId(0), &mut Default::default());
    n.role = Role::Candidate {
        votes: BTreeSet::from([NodeId(0)]),
    };
    assert_eq!(role_text(NodeId(0), &n, &EN).0, "candidate, term 0, 1 vote");
    n.role = Role::PreCandidate {
        votes: BTreeSet::from([NodeId(0), NodeId(1)]),
    };
    assert_eq!(
        role_text(NodeId(0), &n, &EN).0,
        "pre-candidate, term 0, 2 pre-votes"
    );
    assert_eq!(
        count(1, r.count_entry_one, r.count_entry_many),
        "1 log entry"
    );
    assert_eq!(
        count(0, r.count_entry_one, r.count_entry_many),
        "0 log entries"
    );
}

/// A configuration change that keeps the user's actions reruns them at the moments they
/// happened: the same crash and restart, now with pre-vote on, at the same virtual times,
/// recorded up to the time the run had reached. One naming a server the new
/// configuration lacks is refused, in words.
#[test]
fn a_setting_changed_with_the_actions_kept_reruns_them_at_their_times() {
    use crate::labs::{LabId, UiInput};
    let mut sim = LabId::Raft.fresh(4);
    for _ in 0..80 {
        sim.step_forward();
    }
    sim.inject(UiInput::Crash(4)).unwrap();
    let crashed_at = sim.time();
    for _ in 0..150 {
        sim.step_forward();
    }
    sim.inject(UiInput::Restart(4)).unwrap();
    for _ in 0..100 {
        sim.step_forward();
    }
    let end = sim.time();
    let mut rerun = sim.with_setting_rerun("pre_vote", 1, &EN).unwrap();
    while rerun.record_some(u64::MAX) {}
    assert!(rerun.settings(&EN).iter().any(|s| s.key == "pre_vote"
        && matches!(s.kind, crate::labs::SettingKind::Toggle { on: true, .. })));
    assert_eq!(rerun.input_steps().len(), 2, "both actions kept");
    let lines = rerun.log_lines(0, rerun.len(), &EN);
    let crash = lines
        .iter()
        .find(|l| l.text.starts_with("You crashed S5"))
        .expect("rerun");
    assert!(
        crash.time <= crashed_at,
        "at t={} (it happened at t={crashed_at})",
        crash.time
    );
    assert!(lines.iter().any(|l| l.text.starts_with("You restarted S5")));
    assert!(
        rerun.time() <= end && rerun.next_due().is_none_or(|t| t > end),
        "recorded every event up to t={end}"
    );
    let refused = sim
        .with_setting_rerun("servers", 3, &EN)
        .err()
        .expect("refused");
    assert!(refused.contains("node 4"), "{refused}");
}
