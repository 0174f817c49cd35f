//! What a lab is: its engine plus four small traits, one per file, and the optional
//! capabilities it names in [`Extras`].
//!
//! - [`Draw`]: where nodes stand, their names, status, tone and logs (`draw.rs`);
//! - [`Narrate`]: a sentence for every message, timer, request, note and invariant;
//! - [`Inspect`]: a node's durable and volatile rows in the inspector;
//! - [`Act`]: what a user can ask of a node (a typed [`Act::Action`]) and the settings.
//!
//! A lab implements each in the file of the same name under `src/labs/<protocol>/`, and
//! [`Lab`] in its `mod.rs`. The generic [`super::Sim`] turns any lab into a
//! [`super::LabSim`]. All text comes from the catalog.

mod act;
mod batch;
mod charts;
mod compare;
mod draw;
mod inspect;
mod log_grid;
mod narrate;
mod text_input;

pub use act::{action_views, Act, Hotkey, LabAction};
pub use batch::Batch;
pub use charts::Charts;
pub use compare::Compare;
pub use draw::{all_pairs, log_tail, Draw};
pub use inspect::Inspect;
pub use log_grid::LogGridView;
pub use narrate::Narrate;
pub use text_input::TextInput;

use super::LabId;

/// A protocol as a lab: drawn, narrated, inspected and acted on.
pub trait Lab: Draw + Narrate + Inspect + Act + protocols::script::Scripted {
    const LAB: LabId;
    /// What this lab can do beyond the four traits (nothing by default).
    const EXTRAS: Extras<Self> = Extras::NONE;
}

/// A lab's optional capabilities. Each is a trait of its own, implemented by a value of
/// the lab's (usually the engine's unit type) and named here.
pub struct Extras<P: Lab> {
    /// A text field on some nodes (a sharding client's key).
    pub text_input: Option<&'static dyn TextInput<P>>,
    /// The replicated log as a grid (Raft, Paxos).
    pub log_grid: Option<&'static dyn LogGridView<P>>,
    /// Plots of the run (load balancing, sharding).
    pub charts: Option<&'static dyn Charts<P>>,
    /// Rows computed without animation, one per frame (load balancing, sharding).
    pub batch: Option<&'static dyn Batch<P>>,
    /// The run replayed under other variants, with their charts side by side.
    pub compare: Option<&'static dyn Compare<P>>,
}

impl<P: Lab> Extras<P> {
    pub const NONE: Extras<P> = Extras {
        text_input: None,
        log_grid: None,
        charts: None,
        batch: None,
        compare: None,
    };
}
