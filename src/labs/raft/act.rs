//! What a user can do to a Raft server, and the lab's settings.

use super::*;

/// The highest-term live leader, where an administrator would send a membership change.
fn current_leader(nodes: &[Slot<Raft>]) -> Option<usize> {
    nodes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.state.as_ref().map(|n| (i, n)))
        .filter(|(_, n)| matches!(n.role, Role::Leader { .. }))
        .max_by_key(|(_, n)| n.d.current_term)
        .map(|(i, _)| i)
}

pub(super) fn actions(_cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
    let r = &cat.raft;
    let action = |id, label| Action { id, label };
    if !node.is_member(NodeId(id as u32)) {
        return vec![action("add_server", r.add_server)];
    }
    let mut actions = Vec::new();
    if !matches!(node.role, Role::Leader { .. }) {
        actions.push(action("time_out", r.time_out));
    }
    actions.push(action("client_request", r.client_request));
    actions.push(action("remove", r.remove));
    actions
}

/// Client requests and "Time out" go to the chosen server; membership changes go to the
/// leader (the one of the highest term), as an administrator would send them.
pub(super) fn action_request(
    _cfg: &Config,
    nodes: &[Slot<Raft>],
    id: usize,
    action: &str,
    salt: u64,
) -> Option<(usize, Request)> {
    let target = NodeId(id as u32);
    let to_leader = || current_leader(nodes).unwrap_or(id);
    Some(match action {
        "time_out" => (id, Request::TimeoutNow),
        "client_request" => {
            let (key, value) = protocols::sim::demo_write(&mut |n| salt % n);
            let key = key.to_string();
            (id, Request::Put { key, value })
        }
        "add_server" => (to_leader(), Request::AddServer { server: target }),
        "remove" => (to_leader(), Request::RemoveServer { server: target }),
        _ => return None,
    })
}

pub(super) fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
    let r = &cat.raft;
    settings_from(
        cfg,
        &[
            ("servers", r.s_servers, ""),
            ("spare_servers", r.s_spare, ""),
            ("election_ticks_min", r.s_election_min, ""),
            ("election_ticks_max", r.s_election_max, ""),
            ("heartbeat_ticks", r.s_heartbeat, ""),
            ("max_entries_per_message", r.s_max_entries, ""),
            ("snapshot_after", r.s_snapshot_after, ""),
            ("pre_vote", r.s_pre_vote, r.s_pre_vote_help),
            ("check_quorum", r.s_check_quorum, r.s_check_quorum_help),
            (
                "bug_no_election_restriction",
                r.s_bug_restriction,
                r.s_bug_restriction_help,
            ),
            (
                "bug_commit_old_terms",
                r.s_bug_figure8,
                r.s_bug_figure8_help,
            ),
            (
                "bug_forget_voted_for",
                r.s_bug_voted_for,
                r.s_bug_voted_for_help,
            ),
        ],
    )
}
