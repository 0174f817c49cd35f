//! The Raft lab: servers on a ring, their roles, terms, timers, logs and messages. The
//! trait impl below only delegates: drawing in `draw.rs`, sentences in `narrate.rs`, the
//! inspector in `inspect.rs`, actions and settings in `act.rs`, and the lab's text in
//! `text.rs`.

mod act;
mod draw;
mod inspect;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::sim::{settings_from, LabProtocol};
use super::Tone;
use super::{Action, GridCell, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting, GRID_COLUMNS};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::raft::msg::{ConfigRefusal, DenyReason};
use protocols::raft::{Command, Config, Entry, Msg, Node, Note, Raft, Request, Role, Timer};
use protocols::sim::{NodeId, Protocol, Slot};
use std::collections::{BTreeMap, BTreeSet};

fn server(id: usize, cat: &Catalog) -> String {
    fill(cat.raft.server, &[("n", &(id + 1).to_string())])
}

fn servers(ids: &BTreeSet<NodeId>, cat: &Catalog) -> String {
    let names: Vec<String> = ids.iter().map(|n| server(n.index(), cat)).collect();
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

/// `n` with its noun, in the singular for 1 and the plural otherwise.
fn count(n: usize, one: &str, many: &str) -> String {
    fill(if n == 1 { one } else { many }, &[("n", &n.to_string())])
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
fn role_text(id: usize, node: &Node, cat: &Catalog) -> (String, Tone, Vec<String>) {
    let r = &cat.raft;
    let term = node.d.current_term.0.to_string();
    match &node.role {
        Role::Follower if !node.is_member(NodeId(id as u32)) => {
            (fill(r.st_outside, &[("term", &term)]), Tone::Idle, vec![])
        }
        Role::PreCandidate { votes } => {
            let votes = count(votes.len(), r.count_pre_vote_one, r.count_pre_vote_many);
            let status = fill(r.st_precandidate, &[("term", &term), ("votes", &votes)]);
            (status, Tone::Blocked, vec![])
        }
        Role::Follower => (
            fill(r.st_follower, &[("term", &term)]),
            Tone::Working,
            vec![],
        ),
        Role::Candidate { votes } => {
            let votes = count(votes.len(), r.count_vote_one, r.count_vote_many);
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

impl LabProtocol for Raft {
    const LAB: LabId = LabId::Raft;

    fn layout(cfg: &Config) -> Vec<Point> {
        draw::layout(cfg)
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        draw::links(cfg)
    }

    fn node_name(_cfg: &Config, id: usize, cat: &Catalog) -> String {
        server(id, cat)
    }

    fn node_status(
        cfg: &Config,
        id: usize,
        node: &Node,
        slot: &Slot<Self>,
        ghost: &protocols::raft::invariants::Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        draw::node_status(cfg, id, node, slot, ghost, cat)
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

    fn volatile_rows(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        inspect::volatile_rows(cfg, id, node, cat)
    }

    fn node_log(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        draw::node_log(cfg, id, slot, cat)
    }

    fn log_grid(
        cfg: &Config,
        nodes: &[Slot<Self>],
        ghost: &protocols::raft::invariants::Ghost,
        cat: &Catalog,
    ) -> Option<LogGrid> {
        draw::log_grid(cfg, nodes, ghost, cat)
    }

    fn inspector_notes(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<String> {
        inspect::inspector_notes(cfg, id, slot, cat)
    }

    fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        act::actions(cfg, id, node, cat)
    }

    fn action_request(
        cfg: &Config,
        nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        salt: u64,
    ) -> Option<(usize, Request)> {
        act::action_request(cfg, nodes, id, action, salt)
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        act::settings(cfg, cat)
    }
}
