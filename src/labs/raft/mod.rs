//! The Raft lab: servers on a ring, their roles, terms, timers, logs and messages. Each
//! trait of [`super::lab`] is implemented in its file: `draw.rs` (with the log grid),
//! `narrate.rs`, `inspect.rs` and `act.rs`; the lab's text is in `text.rs`.

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
use super::{GridCell, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting, GRID_COLUMNS};
use crate::i18n::{count, fill, push_sentence, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::raft::msg::{ConfigRefusal, DenyReason};
use protocols::raft::{Command, Config, Entry, Msg, Node, Note, Raft, Request, Role, Timer};
use protocols::sim::{NodeId, Protocol, Slot};
use std::collections::{BTreeMap, BTreeSet};

fn server(id: NodeId, cat: &Catalog) -> String {
    fill(cat.raft.server, &[("n", &(id.index() + 1).to_string())])
}

fn servers(ids: &BTreeSet<NodeId>, cat: &Catalog) -> String {
    let names: Vec<String> = ids.iter().map(|n| server(*n, cat)).collect();
    format!("{{{}}}", names.join(", "))
}

fn kv_text(kv: &BTreeMap<String, u32>, cat: &Catalog) -> String {
    if kv.is_empty() {
        return cat.raft.empty.to_string();
    }
    let pairs: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(", ")
}

fn cmd_text(cmd: &Command, cat: &Catalog) -> String {
    match cmd {
        Command::Noop => cat.raft.noop.to_string(),
        Command::Put { key, value } => {
            fill(cat.raft.put, &[("key", key), ("value", &value.to_string())])
        }
        Command::Config { members } => {
            fill(cat.raft.config_cmd, &[("members", &servers(members, cat))])
        }
    }
}

fn yes_no(b: bool, cat: &Catalog) -> String {
    (if b { cat.raft.yes } else { cat.raft.no }).to_string()
}

fn entry_text(index: usize, e: &Entry, cat: &Catalog) -> String {
    entry_with(index, e, &cmd_text(&e.cmd, cat), cat)
}

fn entry_with(index: usize, e: &Entry, cmd: &str, cat: &Catalog) -> String {
    let (i, t) = (index.to_string(), e.term.0.to_string());
    fill(cat.raft.entry, &[("index", &i), ("term", &t), ("cmd", cmd)])
}

/// A server's role and term as a status line, a tone and badges.
fn role_text(id: NodeId, node: &Node, cat: &Catalog) -> (String, Tone, Vec<String>) {
    let r = &cat.raft;
    let term = node.d.current_term.0.to_string();
    match &node.role {
        Role::Follower if !node.is_member(id) => {
            (fill(r.st_outside, &[("term", &term)]), Tone::Idle, vec![])
        }
        Role::PreCandidate { votes } => {
            let votes = count(
                votes.len() as u64,
                r.count_pre_vote_one,
                r.count_pre_vote_many,
            );
            let status = fill(r.st_precandidate, &[("term", &term), ("votes", &votes)]);
            (status, Tone::Blocked, vec![])
        }
        Role::Follower => (
            fill(r.st_follower, &[("term", &term)]),
            Tone::Working,
            vec![],
        ),
        Role::Candidate { votes } => {
            let votes = count(votes.len() as u64, r.count_vote_one, r.count_vote_many);
            let status = fill(r.st_candidate, &[("term", &term), ("votes", &votes)]);
            (status, Tone::Blocked, vec![])
        }
        Role::Leader { .. } => (
            fill(r.st_leader, &[("term", &term)]),
            Tone::Good,
            vec!["★".to_string()],
        ),
    }
}

impl Lab for Raft {
    const LAB: LabId = LabId::Raft;
    const EXTRAS: Extras<Self> = Extras {
        log_grid: Some(&Raft),
        ..Extras::NONE
    };
}
