//! Two-phase commit in scripts: nodes `C` (the coordinator), `P1`… and `client`;
//! `submit` (the client starts a transaction), `vote P2 no` (P2 votes no from now on);
//! conditions `decided(N)` (the coordinator logged a decision on T`N`: commit, or an
//! abort) and `ended(N)` (it logged END).

use crate::script::{node_named, Args, Scripted};
use crate::sim::{NodeId, World};
use crate::two_phase_commit::{
    Config, CoordPhase, Node, PartState, Record, Request, Role, TwoPhaseCommit,
};

impl Scripted for TwoPhaseCommit {
    const NODE_FIELDS: &'static [&'static str] =
        &["asked_by", "peer", "committed_at", "aborted_at", "node"];

    fn name(cfg: &Config, id: NodeId) -> String {
        if id.0 == 0 {
            "C".into()
        } else if id == TwoPhaseCommit::client(cfg) {
            "client".into()
        } else {
            format!("P{}", id.0)
        }
    }

    fn request(cfg: &Config, cmd: &str, args: &Args) -> Option<Result<(NodeId, Request), String>> {
        let r = match cmd {
            "submit" => Ok((TwoPhaseCommit::client(cfg), Request::Submit)),
            "vote" => (|| {
                let node = node_named::<TwoPhaseCommit>(cfg, args.word(0)?)?;
                let yes = match args.word(1)? {
                    "yes" => true,
                    "no" => false,
                    other => return Err(format!("vote {other}: yes or no")),
                };
                Ok((node, Request::SetVote { yes }))
            })(),
            _ => return None,
        };
        Some(r)
    }

    fn condition(w: &World<TwoPhaseCommit>, name: &str, arg: &str) -> Result<bool, String> {
        let t: u32 = arg
            .trim_start_matches('T')
            .parse()
            .map_err(|_| format!("{name}({arg}): not a transaction"))?;
        // The coordinator's log as it stands (on disk while it is down).
        let c = &w.nodes()[0];
        let wal = c.state.as_ref().map_or(&c.disk.wal, |n| &n.log.wal);
        let has = |f: &dyn Fn(&Record) -> bool| wal.iter().any(f);
        match name {
            "decided" => Ok(has(&|r| match r {
                Record::Commit(x) | Record::Abort(x) | Record::End(x) => x.0 == t,
                _ => false,
            })),
            "ended" => Ok(has(&|r| matches!(r, Record::End(x) if x.0 == t))),
            other => Err(format!("unknown condition {other}")),
        }
    }

    /// `P1: T1 uncertain wal=[prepared T1]`.
    fn state(_cfg: &Config, _id: NodeId, n: &Node) -> String {
        let txns: Vec<String> = match &n.role {
            Role::Coordinator { txns } => txns
                .iter()
                .map(|(t, c)| {
                    let phase = match c.phase {
                        CoordPhase::Working => "working",
                        CoordPhase::Collecting => "collecting",
                        CoordPhase::Committing => "committing",
                    };
                    format!(
                        "T{} {phase} votes={} acks={}",
                        t.0,
                        c.votes.len(),
                        c.acks.len()
                    )
                })
                .collect(),
            Role::Participant { txns } => txns
                .iter()
                .map(|(t, s)| {
                    let s = match s {
                        PartState::Working => "working",
                        PartState::Uncertain => "uncertain",
                        PartState::Committed => "committed",
                        PartState::Aborted => "aborted",
                    };
                    format!("T{} {s}", t.0)
                })
                .collect(),
            Role::Client { results } => results
                .iter()
                .map(|(t, r)| {
                    let r = match r {
                        None => "waiting",
                        Some(true) => "committed",
                        Some(false) => "aborted",
                    };
                    format!("T{} {r}", t.0)
                })
                .collect(),
        };
        let wal: Vec<String> = n.log.wal.iter().map(|r| r.to_string()).collect();
        let votes = if n.log.votes_no { " votes-no" } else { "" };
        let mut s = txns.join(", ");
        s += votes;
        if !s.is_empty() {
            s.push(' ');
        }
        s + &format!("wal=[{}]", wal.join(", "))
    }
}
