use super::Lab;
use crate::i18n::Catalog;
use crate::view_model::scene::Chart;
use protocols::sim::Slot;

/// Plots of the run up to virtual time `now`, from what the observer measured.
pub trait Charts<P: Lab>: Sync {
    fn charts(
        &self,
        cfg: &P::Config,
        nodes: &[Slot<P>],
        metrics: &P::Metrics,
        now: u64,
        cat: &Catalog,
    ) -> Vec<Chart>;
}
