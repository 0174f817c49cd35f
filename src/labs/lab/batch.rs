use super::Lab;
use crate::i18n::Catalog;
use crate::view_model::scene::BatchTable;

/// Batch mode: rows computed without animation from the configuration and seed (the
/// page computes one per frame), and the table around them.
pub trait Batch<P: Lab>: Sync {
    fn rows(&self, cfg: &P::Config) -> usize;
    fn row(&self, cfg: &P::Config, seed: u64, index: usize, cat: &Catalog) -> Vec<String>;
    fn table(&self, cfg: &P::Config, rows: Vec<Vec<String>>, cat: &Catalog) -> BatchTable;
}
