use super::Lab;
use crate::i18n::Catalog;
use crate::view_model::scene::LogGrid;
use protocols::sim::Slot;

/// The replicated log as a grid, for protocols that keep one. `ghost` is what the
/// invariant checkers know (facts no node knows yet, such as a value being chosen).
pub trait LogGridView<P: Lab>: Sync {
    fn log_grid(
        &self,
        cfg: &P::Config,
        nodes: &[Slot<P>],
        ghost: &P::Ghost,
        cat: &Catalog,
    ) -> LogGrid;
}
