use crate::i18n::Catalog;
use crate::view_model::scene::Row;
use protocols::sim::{NodeId, Protocol, Slot};

/// What the inspector shows of a node: what survives a crash, what does not, and notes.
pub trait Inspect: Protocol {
    fn durable_rows(cfg: &Self::Config, id: NodeId, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row>;
    fn volatile_rows(cfg: &Self::Config, id: NodeId, node: &Self::Node, cat: &Catalog) -> Vec<Row>;
    fn inspector_notes(
        cfg: &Self::Config,
        id: NodeId,
        slot: &Slot<Self>,
        cat: &Catalog,
    ) -> Vec<String>;
}
