//! Labs: how each protocol is drawn and narrated.
//!
//! A lab implements [`LabProtocol`] for its engine: node names, state labels, message
//! labels, sentences, inspector rows and actions, all from the text catalog. The
//! generic [`Sim`] turns any such protocol into a [`LabSim`], the one object-safe
//! interface the controller and components use, so components never see an engine type.

pub mod errors;
pub mod load_balancing;
pub mod paxos;
pub mod raft;
pub mod registry;
pub mod sharding;
pub mod sim;
pub mod two_phase_commit;

use crate::i18n::Catalog;
use crate::view_model::layout::Point;

pub use sim::{LabProtocol, Sim};

/// An event log line's kind.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum LineKind {
    /// A message delivered, a timer fired.
    #[default]
    Event,
    /// Something the user (or a fault plan) did.
    Input,
    /// A message lost or dropped.
    Lost,
    /// A step that broke an invariant.
    Violation,
}

impl LineKind {
    /// The stylesheet's class for this kind of line.
    pub fn class(self) -> &'static str {
        match self {
            LineKind::Event => "",
            LineKind::Input => "input",
            LineKind::Lost => "lost",
            LineKind::Violation => "violation",
        }
    }
}

/// A colour by meaning, never alone: the status or the label says it in words too.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Plain,
    /// Busy: a transaction being worked on, a candidate, a proposer preparing.
    Working,
    /// Done well: committed, leading, chosen, a request served.
    Good,
    /// Done badly: aborted, refused, failed.
    Bad,
    /// Nothing to do: a spare server, an empty acceptor.
    Idle,
    /// Stuck until someone else acts: a participant in doubt, a server outside the table.
    Blocked,
    /// Crashed.
    Down,
}

impl Tone {
    /// The stylesheet's class for this tone.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Plain => "",
            Tone::Working => "tone-working",
            Tone::Good => "tone-good",
            Tone::Bad => "tone-bad",
            Tone::Idle => "tone-idle",
            Tone::Blocked => "tone-blocked",
            Tone::Down => "tone-down",
        }
    }
}

/// The labs this build has, by URL slug (the protocol's scenario name).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LabId {
    TwoPhaseCommit,
    Raft,
    Paxos,
    Sharding,
    LoadBalancing,
}

impl LabId {
    pub const ALL: [LabId; 5] = [
        LabId::TwoPhaseCommit,
        LabId::Raft,
        LabId::Paxos,
        LabId::Sharding,
        LabId::LoadBalancing,
    ];

    fn lab(self) -> &'static registry::Lab {
        &registry::LABS[self as usize]
    }
    pub fn slug(self) -> &'static str {
        self.lab().slug
    }
    pub fn from_slug(s: &str) -> Option<LabId> {
        LabId::ALL.into_iter().find(|l| l.slug() == s)
    }
    pub fn title(self, cat: &Catalog) -> &'static str {
        (self.lab().title)(cat)
    }
    pub fn intro(self, cat: &Catalog) -> &'static str {
        (self.lab().intro)(cat)
    }
    /// A fresh run of this lab with its defaults and `seed`.
    pub fn fresh(self, seed: u64) -> Box<dyn LabSim> {
        (self.lab().fresh)(seed)
    }
    /// A run of this lab loaded from scenario JSON.
    pub fn load(self, json: &str, cat: &Catalog) -> Result<Box<dyn LabSim>, String> {
        (self.lab().load)(json, cat)
    }
}

/// Loads a run (a share link or an imported file) into the lab its scenario names.
pub fn load_run(json: &str, cat: &Catalog) -> Result<Box<dyn LabSim>, String> {
    use protocols::scenario::{protocol_of, ScenarioError};
    let name = protocol_of(json).map_err(|e| errors::scenario_error_text(&e, &[], cat))?;
    let lab = LabId::from_slug(&name).ok_or_else(|| {
        errors::scenario_error_text(&ScenarioError::NotBuilt(name.clone()), &[], cat)
    })?;
    lab.load(json, cat)
}

/// A run loaded and recorded in full at once, as tests want it (the page records a slice
/// per frame instead).
#[cfg(test)]
pub fn load_recorded(json: &str) -> Box<dyn LabSim> {
    let mut sim = load_run(json, &crate::i18n::EN).expect("the run loads");
    while sim.record_some(u64::MAX) {}
    sim
}

/// What a node looks like now.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: usize,
    pub name: String,
    /// One short line: role state ("collecting votes for T1") or "crashed".
    pub status: String,
    /// The state's colour (always paired with `status` text).
    pub tone: Tone,
    pub up: bool,
    pub at: Point,
    /// Small labels under the node ("votes No").
    pub badges: Vec<String>,
    /// The armed timer closest to firing: (set_at, due).
    pub timer: Option<(u64, u64)>,
    /// The newest entries of the node's durable log, oldest first, and how many older
    /// ones are not shown.
    pub log: Vec<LogEntry>,
    pub log_hidden: usize,
}

impl NodeView {
    /// An empty, crashed-looking node: drawn for at most a moment by a view that outlived
    /// its node (a run with fewer nodes replaced the one it showed).
    pub fn placeholder(id: usize) -> Self {
        NodeView {
            id,
            name: String::new(),
            status: String::new(),
            tone: Tone::Plain,
            up: false,
            at: Point { x: 0.0, y: 0.0 },
            badges: Vec::new(),
            timer: None,
            log: Vec::new(),
            log_hidden: 0,
        }
    }
}

/// The most messages the canvas and the in-flight list draw at once.
pub const MAX_DRAWN_MESSAGES: usize = 300;

/// One durable-log entry as drawn under a node.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub text: String,
    /// False for an entry written in memory but not yet on disk.
    pub on_disk: bool,
}

/// How many log entries a node shows on the canvas (the inspector shows them all).
pub const LOG_ON_CANVAS: usize = 3;

/// A replicated log drawn as a grid: one row per server, one column per index (Raft's
/// log, Multi-Paxos's slots).
#[derive(Clone, Debug, PartialEq)]
pub struct LogGrid {
    /// The panel's heading and its one-line key.
    pub title: &'static str,
    pub hint: &'static str,
    /// What the column headers count ("index", "slot").
    pub column: &'static str,
    /// The first index shown (long logs show their newest columns).
    pub first_index: u64,
    pub last_index: u64,
    pub rows: Vec<LogGridRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogGridRow {
    pub server: String,
    pub up: bool,
    /// Whether the server is in its own latest configuration.
    pub member: bool,
    /// Cells from `first_index` to the end of this server's log.
    pub cells: Vec<GridCell>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GridCell {
    /// Compacted into the server's snapshot; `edge` marks the snapshot's last index.
    Snapshot { edge: bool },
    /// An entry, its term, whether the server knows it committed, and whether it holds a
    /// configuration.
    Entry {
        term: u64,
        committed: bool,
        config: bool,
    },
    /// A labelled cell (a Paxos slot's value and ballot); `tone` picks its colour, `done`
    /// marks it as settled (chosen), and `title` says it in words.
    Text {
        text: String,
        tone: u64,
        done: bool,
        title: String,
    },
    /// Nothing at this index.
    Empty,
}

/// How many log columns the grid shows at most.
pub const GRID_COLUMNS: u64 = 24;

/// A message in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgView {
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub tone: Tone,
    pub sent_at: u64,
    pub deliver_at: u64,
}

/// A message the last step lost: drawn fading out where it vanished.
#[derive(Clone, Debug, PartialEq)]
pub struct LostView {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InvariantView {
    pub name: &'static str,
    pub help: &'static str,
    pub first_violation: Option<u64>,
}

/// Everything the canvas and panels draw for the current step.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub step: u64,
    pub len: u64,
    pub time: u64,
    pub seed: u64,
    pub finished: bool,
    pub nodes: Vec<NodeView>,
    /// The messages drawn: at most [`MAX_DRAWN_MESSAGES`], those arriving soonest.
    pub messages: Vec<MsgView>,
    /// Messages in flight beyond those drawn.
    pub messages_hidden: usize,
    pub lost: Option<LostView>,
    /// The message the last step delivered, to flash its destination.
    pub delivered_to: Option<usize>,
    pub invariants: Vec<InvariantView>,
    /// One-way links that are cut, `(from, to)`.
    pub cut: Vec<(usize, usize)>,
    /// The links the canvas draws (the protocol's usual paths).
    pub links: Vec<(usize, usize)>,
}

/// One event-log line.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub step: u64,
    pub time: u64,
    pub text: String,
    /// What kind of line, for styling (the text says it too).
    pub kind: LineKind,
}

/// A labelled value in the inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub value: String,
    /// Marks a value worth attention (an unflushed record, a blocked transaction).
    pub warn: bool,
}

impl Row {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Row {
        Row {
            label: label.into(),
            value: value.into(),
            warn: false,
        }
    }
    pub fn warn(mut self, warn: bool) -> Row {
        self.warn = warn;
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Inspector {
    pub name: String,
    pub status: String,
    pub up: bool,
    pub durable: Vec<Row>,
    /// None while the node is down (its memory is gone).
    pub volatile: Option<Vec<Row>>,
    pub timers: Vec<Row>,
    pub notes: Vec<String>,
}

/// A lab-specific action on a node ("Submit transaction", "Vote No").
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub id: &'static str,
    pub label: &'static str,
}

/// A text field on a node with the actions that use what is typed in it (a client's
/// "Key" field with "Put" and "Get").
#[derive(Clone, Debug, PartialEq)]
pub struct TextField {
    pub label: &'static str,
    pub placeholder: &'static str,
    pub actions: Vec<Action>,
}

/// A configuration field the settings panel edits.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingKind {
    Number {
        min: u64,
        max: u64,
        value: u64,
    },
    Toggle {
        on: bool,
        help: &'static str,
    },
    /// One of several named options; the value set is the option's index.
    Choice {
        options: Vec<&'static str>,
        value: u64,
    },
}

/// A plot over the run's time: one or more series of (x, y) points.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: &'static str,
    /// What the y axis counts ("ticks", "per second", "%").
    pub unit: &'static str,
    pub x_label: &'static str,
    pub series: Vec<Series>,
    /// Bars (one per point of the first series, named by `x_names`) instead of lines.
    pub bars: bool,
    pub x_names: Vec<String>,
    /// A line under the chart (e.g. "max 310 · mean 250 · std dev 41").
    pub note: String,
    /// Drawn as a hash ring instead of axes.
    pub ring: Option<RingView>,
}

/// A hash ring: each server's tokens, and keys as dots coloured by owner. Positions are
/// fractions of the hash space (0 at the top, clockwise).
#[derive(Clone, Debug, PartialEq)]
pub struct RingView {
    /// (position in thousandths of the ring, index into `servers`).
    pub tokens: Vec<(u32, usize)>,
    pub keys: Vec<(u32, usize)>,
    pub servers: Vec<String>,
    /// A key to ring (the one a user typed last): its position and its primary.
    pub focus: Option<(u32, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// A CSS class giving the line its colour and dash (always named in the legend).
    pub class: &'static str,
    pub points: Vec<(u64, u64)>,
}

/// A batch-mode table: column headings, then one row per variant (e.g. per algorithm).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchTable {
    pub title: &'static str,
    /// The button that runs it ("Run every algorithm on this workload (batch)").
    pub run: &'static str,
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: SettingKind,
}

/// A user action the simulator applies as an input.
#[derive(Clone, Debug, PartialEq)]
pub enum UiInput {
    Crash(usize),
    Restart(usize),
    Drop(u64),
    Duplicate(u64),
    Delay(u64, u64),
    /// The nodes of one side; the rest form the other.
    Partition(Vec<usize>),
    Cut(usize, usize),
    /// Random loss on the one-way link `from -> to`, in per-mille.
    LinkLoss(usize, usize, u16),
    Heal,
    Action(usize, &'static str),
    /// An action of a node's text field, with what was typed.
    ActionText(usize, &'static str, String),
}

/// A running lab, whatever its protocol. The controller owns one.
// `len` is the length of the recorded run, not of a container: no `is_empty` is wanted.
#[allow(clippy::len_without_is_empty)]
pub trait LabSim: Send + Sync {
    fn lab(&self) -> LabId;
    fn cursor(&self) -> u64;
    fn len(&self) -> u64;
    fn time(&self) -> u64;
    fn seed(&self) -> u64;
    /// When the next event is due, if anything is left to happen.
    fn next_due(&self) -> Option<u64>;
    fn is_finished(&self) -> bool;
    /// While a loaded run is still being recorded: (steps recorded, steps asked for).
    fn loading(&self) -> Option<(u64, u64)>;
    /// Records at most `budget` more steps of a loaded run; true while more is left.
    fn record_some(&mut self, budget: u64) -> bool;
    /// Keeps what a loaded run has recorded so far, and records no more of it.
    fn stop_loading(&mut self);
    /// Why recording stopped early (a resource bound), in words, if it did.
    fn stopped(&self, cat: &Catalog) -> Option<String>;
    fn step_forward(&mut self) -> bool;
    fn seek(&mut self, step: u64);
    fn inject(&mut self, input: UiInput) -> Result<(), String>;
    fn scene(&self, cat: &Catalog) -> Scene;
    /// Log lines for recorded steps in `from..to`.
    fn log_lines(&self, from: u64, to: u64, cat: &Catalog) -> Vec<LogLine>;
    fn inspect_node(&self, node: usize, cat: &Catalog) -> Option<Inspector>;
    /// The selected message's label and fields, if it is in flight.
    fn inspect_message(&self, id: u64, cat: &Catalog) -> Option<(String, Vec<Row>)>;
    fn actions(&self, node: usize, cat: &Catalog) -> Vec<Action>;
    fn text_field(&self, node: usize, cat: &Catalog) -> Option<TextField>;
    /// Whether a text-field action accepts `text`, or what is wrong with it, in words.
    fn check_text(
        &self,
        node: usize,
        action: &str,
        text: &str,
        cat: &Catalog,
    ) -> Result<(), String>;
    fn node_names(&self, cat: &Catalog) -> Vec<String>;
    /// The replicated log as a grid, for labs that have one.
    fn log_grid(&self, cat: &Catalog) -> Option<LogGrid>;
    fn settings(&self, cat: &Catalog) -> Vec<Setting>;
    /// A fresh run with one setting changed (same seed), or why it is impossible.
    fn with_setting(&self, key: &str, value: u64, cat: &Catalog)
        -> Result<Box<dyn LabSim>, String>;
    /// A fresh run with the same configuration and another seed.
    fn reseeded(&self, seed: u64) -> Box<dyn LabSim>;
    /// The run as scenario JSON (config, seed, inputs): share links and export.
    fn export(&self) -> String;
    /// Plots of the run so far, for labs that measure (load balancing).
    fn charts(&self, cat: &Catalog) -> Vec<Chart>;
    /// How many batch rows this lab offers (0: no batch mode), and one of them, computed
    /// without animation from the current configuration and seed (it may take a while:
    /// the page computes one row per frame).
    fn batch_rows(&self) -> usize;
    fn batch_row(&self, index: usize, cat: &Catalog) -> Vec<String>;
    fn batch_table(&self, rows: Vec<Vec<String>>, cat: &Catalog) -> Option<BatchTable>;
    /// Compare mode: the variants this lab can replay the run under (e.g. algorithms), and
    /// the charts of one, replayed up to the current time from the same configuration, seed
    /// and inputs.
    fn compare_options(&self, cat: &Catalog) -> Vec<&'static str>;
    fn compare_charts(&self, variant: usize, cat: &Catalog) -> Vec<Chart>;
}

#[cfg(test)]
mod sentences_test;
