use super::Lab;
use crate::i18n::Catalog;
use protocols::sim::Input;

/// Compare mode: the run replayed under other variants (e.g. algorithms), so their
/// charts stand side by side. A lab that compares also has [`super::Charts`].
pub trait Compare<P: Lab>: Sync {
    /// The names of the variants.
    fn options(&self, cfg: &P::Config, cat: &Catalog) -> Vec<&'static str>;
    /// The configuration of variant `variant`.
    fn variant(&self, cfg: &P::Config, variant: usize) -> P::Config;
    /// Whether the comparison replays this input (not, say, a switch to another variant).
    fn keeps(&self, input: &Input<P>) -> bool;
}
