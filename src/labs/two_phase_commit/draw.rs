//! What the canvas draws for a 2PC node: its status, tone and badges, and its log.

use super::*;

impl Draw for TwoPhaseCommit {
    fn layout(cfg: &Config) -> Vec<Point> {
        layout::two_phase_commit(cfg.participants as usize)
    }

    /// The coordinator talks to every participant, and the client to the coordinator.
    fn links(cfg: &Config) -> Vec<(NodeId, NodeId)> {
        let client = TwoPhaseCommit::client(cfg);
        (1..=cfg.participants)
            .map(|p| (NodeId(0), NodeId(p)))
            .chain([(client, NodeId(0))])
            .collect()
    }

    fn node_name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
        if id == NodeId(0) {
            cat.tpc.coordinator.to_string()
        } else if id == TwoPhaseCommit::client(cfg) {
            cat.tpc.client.to_string()
        } else {
            fill(cat.tpc.participant, &[("n", &id.0.to_string())])
        }
    }

    fn node_status(
        _cfg: &Config,
        _id: NodeId,
        node: &Node,
        slot: &Slot<TwoPhaseCommit>,
        _ghost: &protocols::two_phase_commit::invariants::Ghost,
        _metrics: &(),
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        let c = &cat.tpc;
        let t = |tpl: &str, x: Txn| fill(tpl, &[("txn", &txn(x))]);
        match &node.role {
            Role::Coordinator { txns } => match txns.iter().next_back() {
                None => (c.st_idle.to_string(), Tone::Idle, vec![]),
                Some((x, tx)) => match tx.phase {
                    CoordPhase::Working => (t(c.st_work_phase, *x), Tone::Working, vec![]),
                    CoordPhase::Collecting => (t(c.st_collecting, *x), Tone::Working, vec![]),
                    CoordPhase::Committing => (t(c.st_committing, *x), Tone::Good, vec![]),
                },
            },
            Role::Participant { txns } => {
                let badges = if node.log.votes_no {
                    vec![c.votes_no_badge.to_string()]
                } else {
                    vec![]
                };
                let (status, tone) = match focus(txns) {
                    None => (c.st_idle.to_string(), Tone::Idle),
                    Some((x, PartState::Working)) => (t(c.st_working, x), Tone::Working),
                    Some((x, PartState::Uncertain))
                        if slot.timers.contains_key(&Timer::AskPeers(x)) =>
                    {
                        (t(c.st_blocked, x), Tone::Blocked)
                    }
                    Some((x, PartState::Uncertain)) => (t(c.st_uncertain, x), Tone::Blocked),
                    Some((x, PartState::Committed)) => (t(c.st_committed, x), Tone::Good),
                    Some((x, PartState::Aborted)) => (t(c.st_aborted, x), Tone::Bad),
                };
                (status, tone, badges)
            }
            Role::Client { results } => match results.iter().rev().find(|(_, r)| r.is_none()) {
                Some((x, _)) => (t(c.st_client_waiting, *x), Tone::Working, vec![]),
                None => {
                    let done = results.values().filter(|r| r.is_some()).count();
                    let text = match done {
                        1 => c.st_client_idle_one.to_string(),
                        n => fill(c.st_client_idle, &[("done", &n.to_string())]),
                    };
                    (text, Tone::Idle, vec![])
                }
            },
        }
    }

    fn node_log(
        _cfg: &Config,
        _id: NodeId,
        slot: &Slot<TwoPhaseCommit>,
        newest: usize,
        cat: &Catalog,
    ) -> (usize, Vec<LogEntry>) {
        let disk = &slot.disk.wal;
        // A live node's records past the disk's are not flushed yet.
        let unflushed = slot
            .state
            .as_ref()
            .map_or(&[][..], |n| &n.log.wal[disk.len()..]);
        let records = disk.iter().map(|r| (r, true));
        let records = records.chain(unflushed.iter().map(|r| (r, false)));
        let len = disk.len() + unflushed.len();
        log_tail(records, len, newest, |(r, on_disk)| LogEntry {
            text: record_text(r, cat),
            on_disk,
        })
    }
}
