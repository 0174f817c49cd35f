use crate::i18n::Catalog;
use crate::view_model::layout::Point;
use crate::view_model::scene::{LogEntry, Tone};
use protocols::sim::{NodeId, Protocol, Slot};

/// How a lab draws its nodes on the canvas.
pub trait Draw: Protocol {
    fn layout(cfg: &Self::Config) -> Vec<Point>;
    /// Which links the canvas draws, as node pairs.
    fn links(cfg: &Self::Config) -> Vec<(NodeId, NodeId)>;
    fn node_name(cfg: &Self::Config, id: NodeId, cat: &Catalog) -> String;
    /// Status line, tone and badges of a live node (`node` is the slot's state; `ghost`
    /// is what the checkers know, e.g. which acceptors formed a quorum).
    fn node_status(
        cfg: &Self::Config,
        id: NodeId,
        node: &Self::Node,
        slot: &Slot<Self>,
        ghost: &Self::Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>);
    /// The node's durable log (a crashed node shows only what is on disk).
    fn node_log(cfg: &Self::Config, id: NodeId, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry>;
}

/// Every pair of `n` nodes, once: the links of a fully connected cluster.
pub fn all_pairs(n: usize) -> Vec<(NodeId, NodeId)> {
    let id = |i: usize| NodeId(i as u32);
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (id(a), id(b))))
        .collect()
}
