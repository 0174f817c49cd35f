//! The two-phase commit lab: how 2PC nodes, messages and events are drawn and told. The
//! trait impl below only delegates: drawing in `draw.rs`, sentences in `narrate.rs`, the
//! inspector in `inspect.rs`, actions in `act.rs`, and the lab's text in `text.rs`.

mod act;
mod draw;
mod inspect;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::sim::{settings_from, LabProtocol};
use super::Tone;
use super::{Action, LabId, LogEntry, Row, Setting};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::sim::Slot;
use protocols::two_phase_commit::msg::AbortReason;
use protocols::two_phase_commit::{
    Config, CoordPhase, Msg, Node, Note, PartState, Rebegin, Record, Request, Role, Timer,
    TwoPhaseCommit, Txn,
};

fn txn(t: Txn) -> String {
    format!("T{}", t.0)
}

fn txns(ts: &[Txn]) -> String {
    ts.iter().map(|t| txn(*t)).collect::<Vec<_>>().join(", ")
}

/// "1 record", "3 records": how much of its log a restarted node read back.
fn records(n: u64, cat: &Catalog) -> String {
    if n == 1 {
        cat.tpc.wal_records_one.to_string()
    } else {
        fill(cat.tpc.wal_records, &[("n", &n.to_string())])
    }
}

/// "1 tick", "1000 ticks".
fn ticks(n: u64, cat: &Catalog) -> String {
    match n {
        1 => cat.tpc.ticks_one.to_string(),
        n => fill(cat.tpc.ticks_many, &[("n", &n.to_string())]),
    }
}

/// A participant's short name ("P2") for compact rows.
fn short(participant: u32, cat: &Catalog) -> String {
    fill(
        cat.tpc.participant_short,
        &[("n", &participant.to_string())],
    )
}

fn record_text(r: &Record, cat: &Catalog) -> String {
    let c = &cat.tpc;
    let (tpl, t) = match *r {
        Record::Begin(t) => (c.rec_begin, t),
        Record::Prepared(t) => (c.rec_prepared, t),
        Record::Commit(t) => (c.rec_commit, t),
        Record::Abort(t) => (c.rec_abort, t),
        Record::End(t) => (c.rec_end, t),
    };
    fill(tpl, &[("txn", &txn(t))])
}

/// The transaction a participant is most concerned with: the newest undecided one,
/// or else the newest one.
fn focus(txns: &std::collections::BTreeMap<Txn, PartState>) -> Option<(Txn, PartState)> {
    let undecided = txns
        .iter()
        .rev()
        .find(|(_, s)| matches!(s, PartState::Working | PartState::Uncertain));
    undecided
        .or_else(|| txns.iter().next_back())
        .map(|(t, s)| (*t, *s))
}

impl LabProtocol for TwoPhaseCommit {
    const LAB: LabId = LabId::TwoPhaseCommit;

    fn layout(cfg: &Config) -> Vec<Point> {
        layout::two_phase_commit(cfg.participants as usize)
    }

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
        if id == 0 {
            cat.tpc.coordinator.to_string()
        } else if id == TwoPhaseCommit::client(cfg).index() {
            cat.tpc.client.to_string()
        } else {
            fill(cat.tpc.participant, &[("n", &id.to_string())])
        }
    }

    fn node_status(
        _cfg: &Config,
        _id: usize,
        node: &Node,
        slot: &Slot<Self>,
        _ghost: &protocols::two_phase_commit::invariants::Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        draw::node_status(_cfg, _id, node, slot, _ghost, cat)
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        narrate::msg_label(msg, cat)
    }

    fn msg_tone(msg: &Msg) -> Tone {
        narrate::msg_tone(msg)
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        narrate::msg_fields(msg, cat)
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        narrate::timer_label(timer, cat)
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        narrate::request_text(req, cat)
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        narrate::note_text(cfg, node, note, cat)
    }

    fn invariant_text(invariant: Self::Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        narrate::invariant_text(invariant, cat)
    }

    fn durable_rows(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        inspect::durable_rows(cfg, id, slot, cat)
    }

    fn volatile_rows(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        inspect::volatile_rows(_cfg, _id, node, cat)
    }

    fn node_log(_cfg: &Config, _id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        draw::node_log(_cfg, _id, slot, cat)
    }

    fn inspector_notes(_cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<String> {
        inspect::inspector_notes(_cfg, id, slot, cat)
    }

    fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        act::actions(cfg, id, node, cat)
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let client = TwoPhaseCommit::client(cfg).index();
        (1..=cfg.participants as usize)
            .map(|p| (0, p))
            .chain([(client, 0)])
            .collect()
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        _salt: u64,
    ) -> Option<(usize, Request)> {
        act::action_request(_cfg, _nodes, id, action, _salt)
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
