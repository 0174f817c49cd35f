use crate::i18n::Catalog;
use crate::view_model::scene::{Action, Setting};
use protocols::sim::schema::Schema;
use protocols::sim::{NodeId, Protocol, Slot};
use std::fmt::Debug;

/// The keys that fire a lab's own actions: T, a timeout now (Raft's election, a Paxos
/// proposer's retry), and R, the lab's main request (a client write, a transaction).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Hotkey {
    TimeOut,
    Request,
}

/// One thing a user can ask of a node, as a lab's enum. Its key is what the page and
/// the tests name it by.
pub trait LabAction: Copy + Eq + Debug + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn key(self) -> &'static str;
    fn label(self, cat: &Catalog) -> &'static str;
    /// The hotkey that fires this action, if one does.
    fn hotkey(self) -> Option<Hotkey> {
        None
    }
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.key() == key)
    }
}

/// What a user can do to a lab's nodes, and the lab's settings.
pub trait Act: Protocol<Config: Schema> {
    type Action: LabAction;
    /// The actions offered on a live node, in order.
    fn actions(cfg: &Self::Config, id: NodeId, node: &Self::Node) -> Vec<Self::Action>;
    /// The request an action on node `id` sends, and the node it goes to (a membership
    /// change goes to the leader). `salt` (the current step) lets a lab vary what it asks
    /// (a client's value); the request is recorded, so replays stay exact. None for an
    /// action that needs typed text (see [`super::TextInput`]).
    fn action_request(
        cfg: &Self::Config,
        nodes: &[Slot<Self>],
        id: NodeId,
        action: Self::Action,
        salt: u64,
    ) -> Option<(NodeId, Self::Request)>;
    fn settings(cfg: &Self::Config, cat: &Catalog) -> Vec<Setting>;
    /// The node R acts on when none is selected, if the lab has a natural one (Raft's
    /// leader); otherwise the first node that offers the lab's main request.
    fn main_node(_cfg: &Self::Config, _nodes: &[Slot<Self>]) -> Option<NodeId> {
        None
    }
    /// Sets one field, through the configuration's schema; false if the key is not one
    /// of its fields (a lab with settings of its own, such as a preset, adds them).
    fn set(cfg: &mut Self::Config, key: &str, value: u64) -> bool {
        <Self::Config as Schema>::field(key).is_some_and(|f| f.apply(cfg, value))
    }
}

/// The page's buttons for `actions`: each action's key and label.
pub fn action_views<A: LabAction>(actions: &[A], cat: &Catalog) -> Vec<Action> {
    let view = |a: &A| Action {
        id: a.key(),
        label: a.label(cat),
    };
    actions.iter().map(view).collect()
}
