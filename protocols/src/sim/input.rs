//! What the world takes in besides the protocol's own events: its network settings, and
//! inputs from outside (a user's click, a fault plan, a client).

use super::{check_order, check_range, ConfigError, MsgId, NodeId, Protocol};
use serde::{Deserialize, Serialize};

/// Network settings shared by every protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetConfig {
    pub latency_ticks_min: u64,
    pub latency_ticks_max: u64,
    /// Random loss on every link, in per-mille (0 = none, 1000 = all).
    pub loss_per_mille: u16,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency_ticks_min: 10,
            latency_ticks_max: 30,
            loss_per_mille: 0,
        }
    }
}

impl NetConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range(
            "network.latency_ticks_min",
            self.latency_ticks_min,
            1,
            10_000,
        )?;
        check_range(
            "network.latency_ticks_max",
            self.latency_ticks_max,
            1,
            10_000,
        )?;
        check_range(
            "network.loss_per_mille",
            self.loss_per_mille as u64,
            0,
            1000,
        )?;
        check_order(
            "network.latency_ticks_min",
            self.latency_ticks_min,
            "network.latency_ticks_max",
            self.latency_ticks_max,
        )?;
        Ok(())
    }
}

/// An input from outside the protocol: a user's click, a fault plan, a client.
/// Each one is applied as one step of its own.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", bound = "")]
pub enum Input<P: Protocol> {
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// Nodes in different groups cannot reach each other; unlisted nodes form one more group.
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut the one-way link `from -> to`.
    Cut {
        from: NodeId,
        to: NodeId,
    },
    /// Remove every partition and cut.
    Heal,
    Drop {
        msg: MsgId,
    },
    Duplicate {
        msg: MsgId,
    },
    Delay {
        msg: MsgId,
        ticks: u64,
    },
    LinkLoss {
        from: NodeId,
        to: NodeId,
        per_mille: u16,
    },
    Request {
        node: NodeId,
        request: P::Request,
    },
}

/// An input as a scenario spells it, its request still undecoded JSON. Reading this shape
/// once for every protocol, then only the request as `P::Request`, keeps one copy of the
/// decoder in the download instead of one per protocol (a derived `Deserialize` for
/// `Input<P>` is a copy per protocol). It mirrors [`Input`] variant for variant: a test
/// reads back every input `Input`'s `Serialize` writes.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum InputShape {
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Heal,
    Drop {
        msg: MsgId,
    },
    Duplicate {
        msg: MsgId,
    },
    Delay {
        msg: MsgId,
        ticks: u64,
    },
    LinkLoss {
        from: NodeId,
        to: NodeId,
        per_mille: u16,
    },
    Request {
        node: NodeId,
        request: serde_json::Value,
    },
}

impl InputShape {
    /// The input, with its request (if it has one) read by `request`.
    pub(crate) fn decode<P: Protocol, E>(
        self,
        request: impl FnOnce(serde_json::Value) -> Result<P::Request, E>,
    ) -> Result<Input<P>, E> {
        Ok(match self {
            InputShape::Crash { node } => Input::Crash { node },
            InputShape::Restart { node } => Input::Restart { node },
            InputShape::Partition { groups } => Input::Partition { groups },
            InputShape::Cut { from, to } => Input::Cut { from, to },
            InputShape::Heal => Input::Heal,
            InputShape::Drop { msg } => Input::Drop { msg },
            InputShape::Duplicate { msg } => Input::Duplicate { msg },
            InputShape::Delay { msg, ticks } => Input::Delay { msg, ticks },
            InputShape::LinkLoss {
                from,
                to,
                per_mille,
            } => Input::LinkLoss {
                from,
                to,
                per_mille,
            },
            InputShape::Request { node, request: r } => Input::Request {
                node,
                request: request(r)?,
            },
        })
    }
}

impl<P: Protocol> Input<P> {
    /// Checks the node ids and numbers an input names (message ids are checked when applied).
    pub fn validate(&self, nodes: usize) -> Result<(), ConfigError> {
        let check = |field, n: NodeId| {
            if n.index() < nodes {
                Ok(())
            } else {
                Err(ConfigError::NoSuchNode { field, node: n.0 })
            }
        };
        match self {
            Input::Crash { node } | Input::Restart { node } | Input::Request { node, .. } => {
                check("node", *node)
            }
            Input::Partition { groups } => groups
                .iter()
                .flatten()
                .try_for_each(|n| check("groups", *n)),
            Input::Cut { from, to } => check("from", *from).and(check("to", *to)),
            Input::LinkLoss {
                from,
                to,
                per_mille,
            } => {
                check("from", *from)?;
                check("to", *to)?;
                check_range("per_mille", *per_mille as u64, 0, 1000)
            }
            Input::Delay { ticks, .. } => check_range("ticks", *ticks, 1, 1_000_000),
            Input::Heal | Input::Drop { .. } | Input::Duplicate { .. } => Ok(()),
        }
    }
}
