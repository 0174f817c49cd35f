use super::{Act, Lab};
use crate::i18n::Catalog;
use crate::view_model::scene::TextField;
use protocols::sim::NodeId;

/// A text field on some nodes, whose actions send what is typed (a sharding client's
/// key, with Put and Get).
pub trait TextInput<P: Lab>: Sync {
    fn text_field(
        &self,
        cfg: &P::Config,
        id: NodeId,
        node: &P::Node,
        cat: &Catalog,
    ) -> Option<TextField>;
    /// The request a text-field action sends with `text`, and the node it goes to; or
    /// what is wrong with the text, in words.
    fn text_request(
        &self,
        cfg: &P::Config,
        id: NodeId,
        action: <P as Act>::Action,
        text: &str,
        cat: &Catalog,
    ) -> Result<(NodeId, P::Request), String>;
}
