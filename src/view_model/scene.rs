//! What the page draws, as plain data: each lab's `LabSim` fills these for the current
//! step (a node's status, tone and log; messages in flight; the inspector's rows; charts;
//! settings), and the components render them. No engine type and no Leptos here.

use super::layout::Point;

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
    /// The stable name (transcripts, sweeps, a lesson's `show=inv=…`).
    pub key: &'static str,
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

/// A plot of the run, of one of three kinds, each drawn by its own component.
#[derive(Clone, Debug, PartialEq)]
pub enum Chart {
    /// Series of (x, y) points over the run's time.
    Line(LineChart),
    /// One bar per thing counted (keys per server).
    Bar(BarChart),
    /// A hash ring (or a key range) as a circle.
    Ring(RingChart),
}

/// What every chart has: a title, a unit and a line under it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartHead {
    pub title: &'static str,
    /// What the y axis counts ("ticks", "per second", "%").
    pub unit: &'static str,
    /// A line under the chart (e.g. "max 310 · mean 250 · std dev 41"); may be empty.
    pub note: String,
}

impl Chart {
    pub fn head(&self) -> &ChartHead {
        match self {
            Chart::Line(c) => &c.head,
            Chart::Bar(c) => &c.head,
            Chart::Ring(c) => &c.head,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    pub head: ChartHead,
    pub x_label: &'static str,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    pub head: ChartHead,
    /// What the bars count, for the legend, and their style.
    pub label: String,
    pub class: &'static str,
    /// Each bar's name and height.
    pub bars: Vec<(String, u64)>,
}

/// A hash ring: each server's tokens, and keys as dots coloured by owner. Positions are
/// thousandths of the hash space (0 at the top, clockwise).
#[derive(Clone, Debug, PartialEq)]
pub struct RingChart {
    pub head: ChartHead,
    /// Each server's name and style, in the order the indices below use.
    pub servers: Vec<(String, &'static str)>,
    /// (position, index into `servers`).
    pub tokens: Vec<(u32, usize)>,
    pub keys: Vec<(u32, usize)>,
    /// A key to ring (the one a user typed last): its position and its primary.
    pub focus: Option<(u32, usize)>,
}

/// The style of the `i`th series (colour and dash, so series are told apart without
/// colour too); eight styles, then they repeat.
pub fn series_class(i: usize) -> &'static str {
    const CLASSES: [&str; 8] = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];
    CLASSES[i % CLASSES.len()]
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
