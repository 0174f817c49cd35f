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
    /// is what the checkers know, e.g. which acceptors formed a quorum; `metrics` what the
    /// observer measured, e.g. the key a user follows).
    fn node_status(
        cfg: &Self::Config,
        id: NodeId,
        node: &Self::Node,
        slot: &Slot<Self>,
        ghost: &Self::Ghost,
        metrics: &Self::Metrics,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>);
    /// The node's newest `newest` log entries (a crashed node shows only what is on disk),
    /// and how many older ones are not shown. Only those drawn are worded: a log can hold
    /// a whole run's records (see [`log_tail`]).
    fn node_log(
        cfg: &Self::Config,
        id: NodeId,
        slot: &Slot<Self>,
        newest: usize,
        cat: &Catalog,
    ) -> (usize, Vec<LogEntry>);
}

/// Every pair of `n` nodes, once: the links of a fully connected cluster.
pub fn all_pairs(n: usize) -> Vec<(NodeId, NodeId)> {
    let id = |i: usize| NodeId(i as u32);
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (id(a), id(b))))
        .collect()
}

/// The last `newest` of a log's `len` items as entries, and how many come before them:
/// only the entries shown are made.
pub fn log_tail<T>(
    items: impl Iterator<Item = T>,
    len: usize,
    newest: usize,
    entry: impl FnMut(T) -> LogEntry,
) -> (usize, Vec<LogEntry>) {
    let hidden = len.saturating_sub(newest);
    (hidden, items.skip(hidden).map(entry).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_tail_makes_only_the_newest_entries_and_counts_the_rest() {
        let entry = |n: u32| LogEntry {
            text: n.to_string(),
            on_disk: true,
        };
        let mut made = 0;
        let (hidden, tail) = log_tail(0..10u32, 10, 3, |n| {
            made += 1;
            entry(n)
        });
        assert_eq!((hidden, made), (7, 3));
        assert_eq!(tail, vec![entry(7), entry(8), entry(9)]);
        assert_eq!(
            log_tail(0..2u32, 2, 3, entry),
            (0, vec![entry(0), entry(1)])
        );
    }
}
