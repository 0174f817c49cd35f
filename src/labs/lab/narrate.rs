use crate::i18n::Catalog;
use crate::view_model::scene::{Row, Tone};
use protocols::sim::{NodeId, Protocol};

/// The words for everything that happens: every message, timer, request, note and
/// invariant has a sentence or a label here.
pub trait Narrate: Protocol {
    fn msg_label(msg: &Self::Msg, cat: &Catalog) -> String;
    fn msg_tone(msg: &Self::Msg) -> Tone;
    fn msg_fields(msg: &Self::Msg, cat: &Catalog) -> Vec<Row>;
    fn timer_label(timer: &Self::Timer, cat: &Catalog) -> String;
    fn request_text(req: &Self::Request, cat: &Catalog) -> String;
    fn note_text(cfg: &Self::Config, node: NodeId, note: &Self::Note, cat: &Catalog) -> String;
    /// Name and one-line explanation of an invariant.
    fn invariant_text(invariant: Self::Invariant, cat: &Catalog) -> (&'static str, &'static str);
    /// Sentences about step `step` that no node's note says, from the checkers' knowledge
    /// (e.g. "A is now chosen"); only known for steps up to the cursor.
    fn observations(
        _cfg: &Self::Config,
        _ghost: &Self::Ghost,
        _step: u64,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }
}
