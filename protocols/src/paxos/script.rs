//! Paxos in scripts: nodes `P1`…, `A1`…, `L1`… (`N1`… when the roles are colocated);
//! `propose P1` (start a new ballot now), `submit P1 X` (Multi-Paxos: a command); the
//! condition `chosen(S)` (a value is chosen in slot S, as the checker knows it).

use crate::paxos::node::Phase;
use crate::paxos::{Config, Node, Paxos, Request};
use crate::script::{node_named, Args, Scripted};
use crate::sim::{NodeId, World};
use serde_json::Value;

impl Scripted for Paxos {
    const NODE_FIELDS: &'static [&'static str] = &["to", "proposer", "node", "acceptor", "learner"];

    /// A ballot as `b2.1`, a value as its text.
    fn field(_key: &str, v: &Value) -> Option<String> {
        let o = v.as_object()?;
        if let (Some(r), Some(p), 2) = (o.get("round"), o.get("proposer"), o.len()) {
            return Some(format!("b{r}.{p}"));
        }
        match o.get("kind")?.as_str()? {
            "noop" => Some("no-op".into()),
            "v" => Some(o.get("text")?.as_str()?.to_string()),
            _ => None,
        }
    }

    fn name(cfg: &Config, id: NodeId) -> String {
        if cfg.colocated {
            return format!("N{}", id.0 + 1);
        }
        let r = cfg.roles(id);
        match (r.proposer, r.acceptor, r.learner) {
            (Some(k), _, _) => format!("P{}", k + 1),
            (_, Some(k), _) => format!("A{}", k + 1),
            (_, _, Some(k)) => format!("L{}", k + 1),
            _ => format!("N{}", id.0 + 1),
        }
    }

    fn request(cfg: &Config, cmd: &str, args: &Args) -> Option<Result<(NodeId, Request), String>> {
        let node = || node_named::<Paxos>(cfg, args.word(0)?);
        let r = match cmd {
            "propose" => node().map(|n| (n, Request::ProposeNow)),
            "submit" => (|| {
                let command = args.word(1)?.to_string();
                Ok((node()?, Request::Submit { command }))
            })(),
            _ => return None,
        };
        Some(r)
    }

    fn condition(w: &World<Paxos>, name: &str, arg: &str) -> Result<bool, String> {
        match name {
            "chosen" => {
                let slot: u64 = arg
                    .trim_start_matches('s')
                    .parse()
                    .map_err(|_| format!("chosen({arg}): not a slot"))?;
                Ok(w.ghost().chosen().contains_key(&slot))
            }
            other => Err(format!("unknown condition {other}")),
        }
    }

    /// `proposer b2.1 leading chosen={s0=X} | acceptor promised=b2.1 accepted={s0=b2.1:X}`.
    fn state(_cfg: &Config, _id: NodeId, n: &Node) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &n.proposer {
            let phase = match p.phase {
                Phase::Idle => "idle",
                Phase::Preparing => "preparing",
                Phase::Leading => "leading",
            };
            let chosen: Vec<String> = p.chosen.iter().map(|(s, v)| format!("s{s}={v}")).collect();
            parts.push(format!(
                "proposer b{} {phase} chosen={{{}}}",
                p.ballot,
                chosen.join(",")
            ));
        }
        if n.roles.acceptor.is_some() {
            let acc: Vec<String> =
                n.d.accepted
                    .iter()
                    .map(|(s, (b, v))| format!("s{s}=b{b}:{v}"))
                    .collect();
            parts.push(format!(
                "acceptor promised=b{} accepted={{{}}}",
                n.d.promised,
                acc.join(",")
            ));
        }
        if n.learner.is_some() {
            let l: Vec<String> =
                n.d.learned
                    .iter()
                    .map(|(s, v)| format!("s{s}={v}"))
                    .collect();
            parts.push(format!("learner learned={{{}}}", l.join(",")));
        }
        parts.join(" | ")
    }
}
