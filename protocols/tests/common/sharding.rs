//! Sharding's helpers for the scenario tests (`sharding.rs`, `sharding_placement.rs`).

use protocols::sharding::{Config, Note, Sharding};
use protocols::sim::history::History;
use protocols::sim::StepRecord;

pub fn history(cfg: Config, seed: u64) -> H {
    super::history_of::<Sharding>(cfg, seed)
}

pub type H = History<Sharding>;

pub fn over(r: &StepRecord<Sharding>) -> bool {
    r.notes
        .iter()
        .any(|(_, n)| matches!(n, Note::MigrationOver { .. }))
}

pub fn acked(h: &H) -> usize {
    super::records(h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter(|(_, n)| matches!(n, Note::PutAcknowledged { .. }))
        .count()
}

pub fn keys_on(h: &H, cfg: &Config, server: u32) -> usize {
    h.world().nodes()[cfg.server_node(server).index()]
        .disk
        .store()
        .len()
}
