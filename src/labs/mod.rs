//! Labs: how each protocol is drawn and narrated.
//!
//! A lab is its engine plus the small traits of [`lab`] (draw, narrate, inspect, act and
//! optional capabilities), all worded from the text catalog. The generic [`Sim`] turns
//! any [`Lab`] into a [`LabSim`], the one object-safe interface the controller and
//! components use, so components never see an engine type.

pub mod errors;
pub mod lab;
pub mod load_balancing;
pub mod paxos;
pub mod raft;
pub mod registry;
pub mod sharding;
pub mod sim;
pub mod two_phase_commit;

use crate::i18n::{Catalog, Lang};
use protocols::lesson::Lesson;

pub use crate::view_model::scene::*;
use crate::view_model::spacetime::Fact;
pub use lab::{Hotkey, Lab};
pub use sim::Sim;

/// The labs this build has, by URL slug (the protocol's scenario name).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
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

    /// The lab a visit without a link opens: the first tab.
    pub const FIRST: LabId = LabId::ALL[0];

    fn lab(self) -> &'static registry::Entry {
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
    /// What this lab's own notation means (the legend adds it to what every lab shares).
    pub fn legend(self, cat: &Catalog) -> &'static [(&'static str, &'static str)] {
        (self.lab().legend)(cat)
    }
    /// A fresh run of this lab with its defaults and `seed`.
    pub fn fresh(self, seed: u64) -> Box<dyn LabSim> {
        (self.lab().fresh)(seed)
    }
    /// A run of this lab loaded from scenario JSON.
    pub fn load(self, json: &str, cat: &Catalog) -> Result<Box<dyn LabSim>, String> {
        (self.lab().load)(json, cat)
    }
    /// The lab's lessons, in order (a lesson that cannot be read is left out: the lab
    /// tests read every one).
    pub fn lessons(self) -> Vec<Lesson<'static>> {
        self.lab()
            .lessons
            .iter()
            .filter_map(|id| crate::lesson::library::text(self, id))
            .filter_map(|src| Lesson::parse(src, &LANGS).ok())
            .collect()
    }
    /// The lab's lesson files that cannot be read, each with why (`figure-8: line 12: …`):
    /// the page says so rather than leave a lesson out without a word.
    pub fn lesson_problems(self) -> Vec<String> {
        self.lab()
            .lessons
            .iter()
            .filter_map(|id| {
                let src = crate::lesson::library::text(self, id)?;
                Lesson::parse(src, &LANGS)
                    .err()
                    .map(|e| format!("{id}: {e}"))
            })
            .collect()
    }
    /// The names of the lab's lesson files, in order (`lesson::library` fetches them).
    pub fn lesson_ids(self) -> &'static [&'static str] {
        self.lab().lessons
    }
    /// The lesson named `id`.
    pub fn lesson(self, id: &str) -> Option<Lesson<'static>> {
        self.lessons().into_iter().find(|l| l.id == id)
    }
    /// The run a lesson of this lab starts from.
    pub fn lesson_sim(self, lesson: &Lesson) -> Result<Box<dyn LabSim>, String> {
        (self.lab().lesson_sim)(lesson)
    }
    /// The lab's misconception cards, as written (`lessons/myths.txt`).
    pub fn myths_text(self) -> &'static str {
        crate::lesson::library::text(self, "myths").unwrap_or("")
    }
}

/// The languages a lesson must be written in: every one the site speaks.
pub const LANGS: [&str; 2] = [Lang::ALL[0].code(), Lang::ALL[1].code()];

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
    /// The first step that can still be seen: 0 unless a long run was thinned.
    fn first(&self) -> u64;
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
    /// What the steps in `from..to` did, for the space-time diagram: (step, time, facts).
    fn space_time(&self, from: u64, to: u64, cat: &Catalog) -> Vec<(u64, u64, Vec<Fact>)>;
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
    /// The steps at which the run's inputs (the user's or a scenario's) are applied.
    fn input_steps(&self) -> Vec<u64>;
    /// Whether node `node` is up now; `None` if the run has no such node.
    fn node_up(&self, node: usize) -> Option<bool>;
    /// The node and action a hotkey fires: the selected node's, if it offers one; for R
    /// with nothing selected, the lab's main node's (Raft's leader) or the first that
    /// offers it.
    fn hotkey_action(&self, selected: Option<usize>, key: Hotkey) -> Option<(usize, &'static str)>;
    /// The replicated log as a grid, for labs that have one.
    fn log_grid(&self, cat: &Catalog) -> Option<LogGrid>;
    fn settings(&self, cat: &Catalog) -> Vec<Setting>;
    /// A fresh run with one setting changed (same seed), or why it is impossible.
    fn with_setting(&self, key: &str, value: u64, cat: &Catalog)
        -> Result<Box<dyn LabSim>, String>;
    /// The same run with one setting changed: same seed, and every input applied at the
    /// virtual time it happened (steps differ between configurations), to be recorded up
    /// to the time the run had reached; or why it is impossible (an input naming a node
    /// the new configuration lacks).
    fn with_setting_rerun(
        &self,
        key: &str,
        value: u64,
        cat: &Catalog,
    ) -> Result<Box<dyn LabSim>, String>;
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

    /// Lessons (`protocols::lesson`): plays a beat's script commands from the cursor,
    /// dropping the recorded future first; the cursor ends where they end.
    fn lesson_play(&mut self, commands: &[&str]) -> Result<(), String>;
    /// Whether a lesson's condition holds at the cursor.
    fn lesson_holds(&self, cond: &str) -> Result<bool, String>;
    /// Whether the input a `try` waits for was given at a step in `from..cursor`.
    fn lesson_done(&self, from: u64, cmd: &str) -> bool;
    /// Gives the input a `try` waits for, at the cursor ("Show me").
    fn lesson_show_me(&mut self, cmd: &str) -> Result<(), String>;
    /// The node a lesson names (`S1`, `C`), by its script name.
    fn node_named(&self, name: &str) -> Option<usize>;
}

#[cfg(test)]
mod sentences_test;
