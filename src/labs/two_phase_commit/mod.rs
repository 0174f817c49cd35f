//! The two-phase commit lab: how 2PC nodes, messages and events are drawn and told. Each
//! trait of [`super::lab`] is implemented in its file: `draw.rs`, `narrate.rs`,
//! `inspect.rs` and `act.rs` (submit, vote no); the lab's text is in `text.rs`.

mod act;
mod draw;
mod inspect;
pub mod lessons;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::lab::*;
use super::sim::settings_from;
use super::Tone;
use super::{LabId, LogEntry, Row, Setting};
use crate::i18n::{count, fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::sim::{NodeId, Slot};
use protocols::two_phase_commit::msg::AbortReason;
use protocols::two_phase_commit::{
    Config, CoordPhase, Msg, Node, Note, PartState, Rebegin, Record, Request, Role, Timer,
    TwoPhaseCommit, Txn,
};

fn txn(t: Txn) -> String {
    format!("T{}", t.0)
}

fn txns(ts: &[Txn], cat: &Catalog) -> String {
    ts.iter()
        .map(|t| txn(*t))
        .collect::<Vec<_>>()
        .join(cat.list_sep)
}

/// "1 record", "3 records": how much of its log a restarted node read back.
fn records(n: u64, cat: &Catalog) -> String {
    count(n, cat.tpc.wal_records_one, cat.tpc.wal_records)
}

/// "1 tick", "1000 ticks".
fn ticks(n: u64, cat: &Catalog) -> String {
    count(n, cat.sim.ticks_one, cat.sim.ticks_many)
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

impl Lab for TwoPhaseCommit {
    const LAB: LabId = LabId::TwoPhaseCommit;
}
