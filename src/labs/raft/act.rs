//! What a user can do to a Raft server, and the lab's settings.

use super::*;

/// What a user can ask of a Raft server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftAction {
    TimeOut,
    ClientRequest,
    AddServer,
    Remove,
}

impl LabAction for RaftAction {
    const ALL: &'static [Self] = &[
        RaftAction::TimeOut,
        RaftAction::ClientRequest,
        RaftAction::AddServer,
        RaftAction::Remove,
    ];
    fn key(self) -> &'static str {
        match self {
            RaftAction::TimeOut => "time_out",
            RaftAction::ClientRequest => "client_request",
            RaftAction::AddServer => "add_server",
            RaftAction::Remove => "remove",
        }
    }
    fn hotkey(self) -> Option<Hotkey> {
        match self {
            RaftAction::TimeOut => Some(Hotkey::TimeOut),
            RaftAction::ClientRequest => Some(Hotkey::Request),
            _ => None,
        }
    }
    fn label(self, cat: &Catalog) -> &'static str {
        let r = &cat.raft;
        match self {
            RaftAction::TimeOut => r.time_out,
            RaftAction::ClientRequest => r.client_request,
            RaftAction::AddServer => r.add_server,
            RaftAction::Remove => r.remove,
        }
    }
}

/// The highest-term live leader, where an administrator would send a membership change.
fn current_leader(nodes: &[Slot<Raft>]) -> Option<NodeId> {
    nodes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.state.as_ref().map(|n| (i, n)))
        .filter(|(_, n)| matches!(n.role, Role::Leader { .. }))
        .max_by_key(|(_, n)| n.d.current_term)
        .map(|(i, _)| NodeId(i as u32))
}

impl Act for Raft {
    type Action = RaftAction;

    /// R writes through the leader, as a client that knows it would.
    fn main_node(_cfg: &Config, nodes: &[Slot<Raft>]) -> Option<NodeId> {
        current_leader(nodes)
    }

    fn actions(_cfg: &Config, id: NodeId, node: &Node) -> Vec<RaftAction> {
        if !node.is_member(id) {
            return vec![RaftAction::AddServer];
        }
        let mut actions = Vec::new();
        if !matches!(node.role, Role::Leader { .. }) {
            actions.push(RaftAction::TimeOut);
        }
        actions.extend([RaftAction::ClientRequest, RaftAction::Remove]);
        actions
    }

    /// Client requests and "Time out" go to the chosen server; membership changes go to
    /// the leader (the one of the highest term), as an administrator would send them.
    fn action_request(
        _cfg: &Config,
        nodes: &[Slot<Raft>],
        id: NodeId,
        action: RaftAction,
        salt: u64,
    ) -> Option<(NodeId, Request)> {
        let to_leader = || current_leader(nodes).unwrap_or(id);
        Some(match action {
            RaftAction::TimeOut => (id, Request::TimeoutNow),
            RaftAction::ClientRequest => {
                let (key, value) = protocols::sim::demo_write(&mut |n| salt % n);
                let key = key.to_string();
                (id, Request::Put { key, value })
            }
            RaftAction::AddServer => (to_leader(), Request::AddServer { server: id }),
            RaftAction::Remove => (to_leader(), Request::RemoveServer { server: id }),
        })
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
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
}
