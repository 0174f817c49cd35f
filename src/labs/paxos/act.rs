//! What a user can do to a Paxos node, and the lab's settings.

use super::*;

/// What a user can ask of a Paxos node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaxosAction {
    /// A proposer starts a round now.
    ProposeNow,
    /// A client command for Multi-Paxos's next slot.
    ClientCommand,
}

impl LabAction for PaxosAction {
    const ALL: &'static [Self] = &[PaxosAction::ProposeNow, PaxosAction::ClientCommand];
    fn key(self) -> &'static str {
        match self {
            PaxosAction::ProposeNow => "propose_now",
            PaxosAction::ClientCommand => "client_command",
        }
    }
    fn hotkey(self) -> Option<Hotkey> {
        match self {
            PaxosAction::ProposeNow => Some(Hotkey::TimeOut),
            PaxosAction::ClientCommand => Some(Hotkey::Request),
        }
    }
    fn label(self, cat: &Catalog) -> &'static str {
        match self {
            PaxosAction::ProposeNow => cat.paxos.propose_now,
            PaxosAction::ClientCommand => cat.paxos.client_command,
        }
    }
}

impl Act for Paxos {
    type Action = PaxosAction;

    fn actions(cfg: &Config, _id: NodeId, node: &Node) -> Vec<PaxosAction> {
        let mut actions = Vec::new();
        if node.proposer.is_some() {
            actions.push(PaxosAction::ProposeNow);
            if cfg.multi {
                actions.push(PaxosAction::ClientCommand);
            }
        }
        actions
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<Paxos>],
        id: NodeId,
        action: PaxosAction,
        salt: u64,
    ) -> Option<(NodeId, Request)> {
        let request = match action {
            PaxosAction::ProposeNow => Request::ProposeNow,
            PaxosAction::ClientCommand => {
                let (key, value) = protocols::sim::demo_write(&mut |n| salt % n);
                Request::Submit {
                    command: format!("{key}={value}"),
                }
            }
        };
        Some((id, request))
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let p = &cat.paxos;
        settings_from(
            cfg,
            &[
                ("proposers", p.s_proposers, ""),
                ("acceptors", p.s_acceptors, ""),
                ("learners", p.s_learners, ""),
                ("colocated", p.s_colocated, p.s_colocated_help),
                ("multi", p.s_multi, p.s_multi_help),
                ("cure_backoff", p.s_backoff, p.s_backoff_help),
                ("cure_leader", p.s_leader, p.s_leader_help),
                ("start_ticks_min", p.s_start_min, ""),
                ("start_ticks_max", p.s_start_max, ""),
                ("retry_ticks", p.s_retry, ""),
                ("backoff_ticks", p.s_backoff_ticks, ""),
                ("heartbeat_ticks", p.s_heartbeat, ""),
                (
                    "bug_forget_promises",
                    p.s_bug_promises,
                    p.s_bug_promises_help,
                ),
                ("bug_ignore_accepted", p.s_bug_ignore, p.s_bug_ignore_help),
            ],
        )
    }
}
