//! What a user can do to a Paxos node, and the lab's settings.

use super::*;

pub(super) fn actions(cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
    let mut actions = Vec::new();
    if node.proposer.is_some() {
        actions.push(Action {
            id: "propose_now",
            label: cat.paxos.propose_now,
        });
        if cfg.multi {
            actions.push(Action {
                id: "client_command",
                label: cat.paxos.client_command,
            });
        }
    }
    actions
}

pub(super) fn action_request(
    _cfg: &Config,
    _nodes: &[Slot<Paxos>],
    id: usize,
    action: &str,
    salt: u64,
) -> Option<(usize, Request)> {
    let request = match action {
        "propose_now" => Request::ProposeNow,
        "client_command" => {
            let (key, value) = protocols::sim::demo_write(&mut |n| salt % n);
            Request::Submit {
                command: format!("{key}={value}"),
            }
        }
        _ => return None,
    };
    Some((id, request))
}

pub(super) fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
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
