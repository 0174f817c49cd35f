//! Load balancing in scripts: nodes `C1`… (clients), `LB`, `B1`… (backends); `send C1`
//! (one request now), `slow B4 percent=4000`, `algorithm least_connections` (switch
//! live); the condition `completed(N)` (the clients have N requests answered, in all).

use crate::load_balancing::{Config, Kind, LoadBalancing, Node, Request};
use crate::script::{node_named, Args, Scripted};
use crate::sim::{NodeId, World};
use serde_json::Value;

impl Scripted for LoadBalancing {
    /// A backend index as `B2`, a request id as `c1#5`.
    fn field(key: &str, v: &Value) -> Option<String> {
        if key == "backend" {
            return Some(format!("B{}", v.as_u64()? + 1));
        }
        let o = v.as_object()?;
        let (c, e, s) = (o.get("client")?, o.get("epoch")?.as_u64()?, o.get("seq")?);
        let c = c.as_u64()? + 1;
        Some(match e {
            0 => format!("c{c}#{s}"),
            e => format!("c{c}@{e}#{s}"),
        })
    }

    fn name(cfg: &Config, id: NodeId) -> String {
        match cfg.kind(id) {
            Kind::Client(c) => format!("C{}", c + 1),
            Kind::Balancer => "LB".into(),
            Kind::Backend(b) => format!("B{}", b + 1),
        }
    }

    fn request(cfg: &Config, cmd: &str, args: &Args) -> Option<Result<(NodeId, Request), String>> {
        let node = || node_named::<LoadBalancing>(cfg, args.word(0)?);
        let r = match cmd {
            "send" => node().map(|n| (n, Request::SendNow)),
            "slow" => (|| {
                let percent = args.num("percent")?.ok_or("slow needs percent=P")?;
                let percent = u32::try_from(percent).map_err(|_| "percent too large")?;
                Ok((node()?, Request::Slow { percent }))
            })(),
            "algorithm" => (|| {
                let name = Value::String(args.word(0)?.to_string());
                let algorithm =
                    serde_json::from_value(name).map_err(|e| format!("algorithm: {e}"))?;
                Ok((cfg.balancer_node(), Request::UseAlgorithm { algorithm }))
            })(),
            _ => return None,
        };
        Some(r)
    }

    fn condition(w: &World<LoadBalancing>, name: &str, arg: &str) -> Result<bool, String> {
        match name {
            "completed" => {
                let n: u64 = arg
                    .parse()
                    .map_err(|_| format!("completed({arg}): not a number"))?;
                let done: u64 = w
                    .nodes()
                    .iter()
                    .filter_map(|s| match &s.state {
                        Some(Node::Client(c)) => Some(c.completed),
                        _ => None,
                    })
                    .sum();
                Ok(done >= n)
            }
            other => Err(format!("unknown condition {other}")),
        }
    }

    /// `client issued=5 completed=4 failed=0 waiting=1`, `balancer round_robin B1:up/1 …`,
    /// `backend running=1 queued=0 slowdown=100%`.
    fn state(_cfg: &Config, _id: NodeId, n: &Node) -> String {
        match n {
            Node::Client(c) => format!(
                "client issued={} completed={} failed={} waiting={}",
                c.issued,
                c.completed,
                c.failed,
                c.outstanding.len()
            ),
            Node::Balancer(b) => {
                let algo = serde_json::to_value(b.algorithm)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let views: Vec<String> = b
                    .backends
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let up = if v.up { "up" } else { "down" };
                        format!("B{}:{up}/{}", i + 1, v.active)
                    })
                    .collect();
                format!("balancer {algo} {}", views.join(" "))
            }
            Node::Backend(b) => format!(
                "backend running={} queued={} slowdown={}%",
                b.running.len(),
                b.queue.len(),
                b.slowdown
            ),
        }
    }
}
