//! Unit tests of log replication (§5.3) and the commit rule (§5.4.2): the consistency
//! check, conflicting entries, backing off, counting replicas, applying.

use super::*;

/// §5.3: "If a follower does not find an entry in its log with the same index and term,
/// then it refuses the new entries."
#[test]
fn append_entries_is_refused_when_the_previous_entry_does_not_match() {
    let mut n = with_log(&[1, 1], 2);
    let msg = Msg::AppendEntries {
        term: Term(2),
        prev_log_index: 2,
        prev_log_term: Term(2),
        entries: vec![entry(2)],
        leader_commit: 0,
    };
    let out = deliver(&mut n, S1, S2, msg);
    assert_eq!(
        sends(&out),
        vec![(
            S2,
            Msg::AppendEntriesReply {
                term: Term(2),
                success: false,
                match_index: 1
            }
        )]
    );
    assert_eq!(n.d.log.len(), 2, "nothing appended");
}

/// §5.3: "If an existing entry conflicts with a new one (same index but different terms),
/// delete the existing entry and all that follow it."
#[test]
fn conflicting_entries_are_truncated_and_replaced() {
    let mut n = with_log(&[1, 1, 2, 2], 3);
    let msg = Msg::AppendEntries {
        term: Term(3),
        prev_log_index: 2,
        prev_log_term: Term(1),
        entries: vec![entry(3)],
        leader_commit: 0,
    };
    let out = deliver(&mut n, S1, S2, msg);
    let terms: Vec<u64> = n.d.log.iter().map(|e| e.term.0).collect();
    assert_eq!(terms, vec![1, 1, 3]);
    assert!(notes(&out).contains(&Note::Accepted {
        last: 3,
        appended: 1,
        truncated_from: Some(3)
    }));
    assert_eq!(
        sends(&out),
        vec![(
            S2,
            Msg::AppendEntriesReply {
                term: Term(3),
                success: true,
                match_index: 3
            }
        )]
    );
}

/// §5.3: "After a rejection, the leader decrements nextIndex and retries the AppendEntries RPC."
#[test]
fn a_refused_leader_backs_off_next_index_and_retries() {
    let mut n = leader_of_term(3, &[1, 1, 2, 3]);
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(3),
            success: false,
            match_index: 2,
        },
    );
    let Role::Leader { next_index, .. } = &n.role else {
        panic!("still leader")
    };
    assert_eq!(next_index[&S2], 3, "min(nextIndex - 1, hint + 1)");
    assert!(matches!(
        &sends(&out)[0],
        (
            S2,
            Msg::AppendEntries {
                prev_log_index: 2,
                ..
            }
        )
    ));
}

/// §5.4.2: "Raft never commits log entries from previous terms by counting replicas.
/// Only log entries from the leader's current term are committed by counting replicas."
#[test]
fn only_current_term_entries_commit_by_counting_replicas() {
    // Figure 8 (c): S1, leader of term 4, has replicated the term-2 entry at index 2 on a majority.
    let mut n = leader_of_term(4, &[1, 2]);
    deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(4),
            success: true,
            match_index: 2,
        },
    );
    assert_eq!(
        n.commit_index, 0,
        "the term-2 entry is not committed by counting"
    );
    // Once an entry of term 4 is on a majority, it and everything before it commit.
    n.d.log.push(entry(4));
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(4),
            success: true,
            match_index: 3,
        },
    );
    assert_eq!(n.commit_index, 3);
    assert!(notes(&out).contains(&Note::Committed {
        index: 3,
        term: Term(4),
        old_term: false
    }));
    // Bug switch 2 commits the old entry by counting: the Figure 8 bug.
    let bug = Config {
        bug_commit_old_terms: true,
        ..cfg()
    };
    let mut n = leader_of_term(4, &[1, 2]);
    let out = deliver_with(
        &bug,
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(4),
            success: true,
            match_index: 2,
        },
    );
    assert_eq!(n.commit_index, 2);
    assert!(
        notes(&out).contains(&Note::Committed {
            index: 2,
            term: Term(2),
            old_term: true
        }),
        "the note flags the commit as the bug's"
    );
}

/// §5.3: followers apply committed entries, learned from leaderCommit, in log order.
#[test]
fn followers_apply_what_the_leader_has_committed() {
    let mut n = with_log(&[], 1);
    let put = Entry {
        term: Term(1),
        cmd: Command::Put {
            key: "x".into(),
            value: 7,
        },
    };
    let msg = Msg::AppendEntries {
        term: Term(1),
        prev_log_index: 0,
        prev_log_term: Term(0),
        entries: vec![entry(1), put],
        leader_commit: 2,
    };
    deliver(&mut n, S1, S2, msg);
    assert_eq!(n.commit_index, 2);
    assert_eq!(n.last_applied, 2);
    assert_eq!(n.kv.get("x"), Some(&7));
}
