//! Raft in scripts: `timeout S1`, `put S1 x=1`, `add S1 S4` (S1, the leader, adds S4),
//! `remove S1 S3`; conditions `leader(S5)` (or `leader()`: any), `follower(S1)`,
//! `committed(N)` (some live server's commit index reached N), `term(N)`, and
//! `holds(S3,2/1)` (S3's log holds index 2 with term 1) and `matched(S3,2)` (a leader
//! knows S3 holds its log up to index 2).

use crate::raft::{Config, Node, Raft, Request, Role};
use crate::script::{node_named, Args, Scripted};
use crate::sim::{NodeId, World};

impl Scripted for Raft {
    const NODE_FIELDS: &'static [&'static str] = &[
        "candidate",
        "follower",
        "leader",
        "members",
        "first",
        "second",
        "a",
        "b",
    ];

    fn name(_cfg: &Config, id: NodeId) -> String {
        format!("S{}", id.0 + 1)
    }

    fn request(cfg: &Config, cmd: &str, args: &Args) -> Option<Result<(NodeId, Request), String>> {
        let node = |i| node_named::<Raft>(cfg, args.word(i)?);
        let r = match cmd {
            "timeout" => node(0).map(|n| (n, Request::TimeoutNow)),
            "put" => (|| {
                let (key, value) = args.pairs.first().ok_or("put needs key=value")?;
                let value = value
                    .parse()
                    .map_err(|_| format!("{value}: not a number"))?;
                Ok((
                    node(0)?,
                    Request::Put {
                        key: key.clone(),
                        value,
                    },
                ))
            })(),
            "add" => (|| Ok((node(0)?, Request::AddServer { server: node(1)? })))(),
            "remove" => (|| Ok((node(0)?, Request::RemoveServer { server: node(1)? })))(),
            _ => return None,
        };
        Some(r)
    }

    fn condition(w: &World<Raft>, name: &str, arg: &str) -> Result<bool, String> {
        let up = || w.nodes().iter().filter_map(|s| s.state.as_ref());
        let num = || {
            arg.parse::<u64>()
                .map_err(|_| format!("{name}({arg}): not a number"))
        };
        match name {
            "leader" if arg.is_empty() => Ok(up().any(|n| matches!(n.role, Role::Leader { .. }))),
            "leader" => {
                let id = node_named::<Raft>(&w.cfg, arg)?;
                Ok(w.nodes()[id.index()]
                    .state
                    .as_ref()
                    .is_some_and(|n| matches!(n.role, Role::Leader { .. })))
            }
            "follower" => {
                let id = node_named::<Raft>(&w.cfg, arg)?;
                Ok(w.nodes()[id.index()]
                    .state
                    .as_ref()
                    .is_some_and(|n| matches!(n.role, Role::Follower)))
            }
            "holds" => {
                let bad = || format!("holds({arg}): write holds(S3,2/1)");
                let (who, at) = arg.split_once(',').ok_or_else(bad)?;
                let (i, t) = at.split_once('/').ok_or_else(bad)?;
                let (i, t): (u64, u64) =
                    (i.parse().map_err(|_| bad())?, t.parse().map_err(|_| bad())?);
                let id = node_named::<Raft>(&w.cfg, who)?;
                Ok(w.nodes()[id.index()]
                    .state
                    .as_ref()
                    .is_some_and(|n| n.term_at(i).is_some_and(|x| x.0 == t)))
            }
            "matched" => {
                let bad = || format!("matched({arg}): write matched(S3,2)");
                let (who, i) = arg.split_once(',').ok_or_else(bad)?;
                let i: u64 = i.parse().map_err(|_| bad())?;
                let id = node_named::<Raft>(&w.cfg, who)?;
                Ok(up().any(|n| match &n.role {
                    Role::Leader { match_index, .. } => match_index.get(&id) >= Some(&i),
                    _ => false,
                }))
            }
            "committed" => Ok(up().any(|n| n.commit_index >= num().unwrap_or(u64::MAX))),
            "term" => Ok(up().any(|n| n.d.current_term.0 >= num().unwrap_or(u64::MAX))),
            other => Err(format!("unknown condition {other}")),
        }
    }

    /// `leader t3 commit=2 log=[t1:noop t3:x=1] config={S1,S2,S3} kv={x=1}`.
    fn state(cfg: &Config, _id: NodeId, n: &Node) -> String {
        let role = match n.role {
            Role::Follower => "follower",
            Role::PreCandidate { .. } => "pre-candidate",
            Role::Candidate { .. } => "candidate",
            Role::Leader { .. } => "leader",
        };
        let name = |id: &NodeId| Raft::name(cfg, *id);
        let log: Vec<String> =
            n.d.log
                .iter()
                .map(|e| format!("t{}:{}", e.term.0, e.cmd))
                .collect();
        let config: Vec<String> = n.config.iter().map(name).collect();
        let kv: Vec<String> = n.kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut s = format!("{role} t{}", n.d.current_term.0);
        if let Some(v) = n.d.voted_for {
            s += &format!(" voted={}", name(&v));
        }
        s += &format!(" commit={}", n.commit_index);
        if n.d.snapshot.index > 0 {
            s += &format!(" snapshot={}/{}", n.d.snapshot.index, n.d.snapshot.term.0);
        }
        s + &format!(
            " log=[{}] config={{{}}} kv={{{}}}",
            log.join(" "),
            config.join(","),
            kv.join(",")
        )
    }
}
