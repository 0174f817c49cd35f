//! Sharding in scripts: nodes `S1`… (servers, spares included), `R` (or `R1`… with more
//! routers), `C1`… (clients); `add S5` and `remove S2` (sent to Router 1), `split`
//! (split the hot range), `put C1 cart` and `get C1 cart`; conditions `settled()` (no
//! migration under way at Router 1) and `table(N)` (Router 1's table has version N or
//! later).

use crate::script::{node_named, Args, Scripted};
use crate::sharding::{Config, Kind, Node, Request, Sharding};
use crate::sim::{NodeId, World};
use serde_json::Value;

fn server(s: u64) -> String {
    format!("S{}", s + 1)
}

impl Scripted for Sharding {
    /// Server indexes (`server`, a split's `to`, a table's `members`) as `S2`.
    fn field(key: &str, v: &Value) -> Option<String> {
        match (key, v) {
            ("server" | "to", Value::Number(n)) => Some(server(n.as_u64()?)),
            ("members", Value::Array(a)) => {
                let m: Option<Vec<String>> = a.iter().map(|s| s.as_u64().map(server)).collect();
                Some(format!("{{{}}}", m?.join(",")))
            }
            _ => None,
        }
    }

    fn name(cfg: &Config, id: NodeId) -> String {
        match cfg.kind(id) {
            Kind::Server(s) => server(u64::from(s)),
            Kind::Router(_) if cfg.routers == 1 => "R".into(),
            Kind::Router(r) => format!("R{}", r + 1),
            Kind::Client(c) => format!("C{}", c + 1),
        }
    }

    fn request(cfg: &Config, cmd: &str, args: &Args) -> Option<Result<(NodeId, Request), String>> {
        let router = cfg.router_node();
        let server_index = |i| -> Result<u32, String> {
            let id = node_named::<Sharding>(cfg, args.word(i)?)?;
            match cfg.kind(id) {
                Kind::Server(s) => Ok(s),
                _ => Err(format!("{} is not a server", args.word(i)?)),
            }
        };
        let client_key = || -> Result<(NodeId, String), String> {
            Ok((
                node_named::<Sharding>(cfg, args.word(0)?)?,
                args.word(1)?.to_string(),
            ))
        };
        let r = match cmd {
            "add" => server_index(0).map(|server| (router, Request::AddServer { server })),
            "remove" => server_index(0).map(|server| (router, Request::RemoveServer { server })),
            "split" => Ok((router, Request::SplitHot)),
            "put" => client_key().map(|(c, key)| (c, Request::Put { key })),
            "get" => client_key().map(|(c, key)| (c, Request::Get { key })),
            _ => return None,
        };
        Some(r)
    }

    fn condition(w: &World<Sharding>, name: &str, arg: &str) -> Result<bool, String> {
        let router = match &w.nodes()[w.cfg.router_node().index()].state {
            Some(Node::Router(r)) => Some(r),
            _ => None,
        };
        match name {
            "settled" => Ok(router.is_some_and(|r| r.migrating.is_none())),
            "table" => {
                let v: u64 = arg
                    .parse()
                    .map_err(|_| format!("table({arg}): not a version"))?;
                Ok(router.is_some_and(|r| r.d.table.version >= v))
            }
            other => Err(format!("unknown condition {other}")),
        }
    }

    /// `server v2 {S1,S2,S3} keys=250`, `router v2 {S1,S2,S3} migrating`,
    /// `client sent=12 waiting=1`.
    fn state(_cfg: &Config, _id: NodeId, n: &Node) -> String {
        let table = |t: &crate::sharding::Table| {
            let m: Vec<String> = t.members.iter().map(|s| server(u64::from(*s))).collect();
            format!("v{} {{{}}}", t.version, m.join(","))
        };
        match n {
            Node::Server(s) => {
                let t = s.d.table.as_ref().map_or("no table".into(), table);
                format!("server {t} keys={}", s.d.store.len())
            }
            Node::Router(r) => {
                let m = if r.migrating.is_some() {
                    " migrating"
                } else {
                    ""
                };
                format!("router {}{m}", table(&r.d.table))
            }
            Node::Client(c) => format!("client sent={} waiting={}", c.sent, c.waiting.len()),
        }
    }
}
