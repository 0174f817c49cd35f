//! What a user can do to a 2PC node: submit a transaction, make a participant vote no.

use super::*;

/// What a user can ask of a 2PC node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TpcAction {
    /// The client submits a transaction.
    Submit,
    /// A participant will vote no (or yes again) on what comes next.
    VoteNo,
    VoteYes,
}

impl LabAction for TpcAction {
    const ALL: &'static [Self] = &[TpcAction::Submit, TpcAction::VoteNo, TpcAction::VoteYes];
    fn key(self) -> &'static str {
        match self {
            TpcAction::Submit => "submit",
            TpcAction::VoteNo => "vote_no",
            TpcAction::VoteYes => "vote_yes",
        }
    }
    fn hotkey(self) -> Option<Hotkey> {
        match self {
            TpcAction::Submit => Some(Hotkey::Request),
            _ => None,
        }
    }
    fn label(self, cat: &Catalog) -> &'static str {
        match self {
            TpcAction::Submit => cat.tpc.submit,
            TpcAction::VoteNo => cat.tpc.vote_no,
            TpcAction::VoteYes => cat.tpc.vote_yes,
        }
    }
}

impl Act for TwoPhaseCommit {
    type Action = TpcAction;

    fn actions(cfg: &Config, id: NodeId, node: &Node) -> Vec<TpcAction> {
        if id == TwoPhaseCommit::client(cfg) {
            vec![TpcAction::Submit]
        } else if id == NodeId(0) {
            vec![]
        } else if node.log.votes_no {
            vec![TpcAction::VoteYes]
        } else {
            vec![TpcAction::VoteNo]
        }
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<TwoPhaseCommit>],
        id: NodeId,
        action: TpcAction,
        _salt: u64,
    ) -> Option<(NodeId, Request)> {
        let request = match action {
            TpcAction::Submit => Request::Submit,
            TpcAction::VoteNo => Request::SetVote { yes: false },
            TpcAction::VoteYes => Request::SetVote { yes: true },
        };
        Some((id, request))
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let c = &cat.tpc;
        settings_from(
            cfg,
            &[
                ("participants", c.s_participants, ""),
                ("transactions", c.s_transactions, ""),
                ("txn_gap_ticks", c.s_txn_gap, ""),
                ("vote_timeout_ticks", c.s_vote_timeout, ""),
                ("decision_timeout_ticks", c.s_decision_timeout, ""),
                ("client_timeout_ticks", c.s_client_timeout, ""),
                ("bug_decision_before_log", c.s_bug, c.s_bug_help),
            ],
        )
    }
}
