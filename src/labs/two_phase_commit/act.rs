//! What a user can do to a 2PC node: submit a transaction, make a participant vote no.

use super::*;

pub(super) fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
    if id == TwoPhaseCommit::client(cfg).index() {
        vec![Action {
            id: "submit",
            label: cat.tpc.submit,
        }]
    } else if id == 0 {
        vec![]
    } else if node.log.votes_no {
        vec![Action {
            id: "vote_yes",
            label: cat.tpc.vote_yes,
        }]
    } else {
        vec![Action {
            id: "vote_no",
            label: cat.tpc.vote_no,
        }]
    }
}

pub(super) fn action_request(
    _cfg: &Config,
    _nodes: &[Slot<TwoPhaseCommit>],
    id: usize,
    action: &str,
    _salt: u64,
) -> Option<(usize, Request)> {
    let request = match action {
        "submit" => Request::Submit,
        "vote_no" => Request::SetVote { yes: false },
        "vote_yes" => Request::SetVote { yes: true },
        _ => return None,
    };
    Some((id, request))
}
