//! The generic lab: any [`Lab`] becomes a [`LabSim`], the one object-safe interface the
//! controller and components use. Sentences are built in `sentence.rs`, the canvas and
//! inspector in `scene.rs`, settings in `settings.rs`.

mod scene;
mod sentence;
mod settings;
mod spacetime;

pub use settings::{label_options, settings_from};

use super::errors;
use super::lab::{action_views, Act, Hotkey, Lab, LabAction};
use super::*;
use protocols::lesson::{Lesson, Runner};
use protocols::scenario::Scenario;
use protocols::sim::history::{History, RunSpec};
use protocols::sim::{ConfigError, Input, MsgId, NetConfig, NodeId, Slot};

/// A running lab over engine `P`.
pub struct Sim<P: Lab> {
    history: History<P>,
    /// How many steps a loaded run asks for: the page records them a slice per frame.
    goal: u64,
}

impl<P: Lab> Sim<P> {
    pub fn fresh(seed: u64) -> Self {
        let spec = RunSpec {
            cfg: P::Config::default(),
            net: NetConfig::default(),
            seed,
            inputs: Vec::new(),
        };
        Sim {
            history: History::new(spec).expect("the default configuration is valid"),
            goal: 0,
        }
    }

    /// A run from scenario JSON, not yet recorded (see [`LabSim::record_some`]); a problem
    /// is told in the catalog's words. A run longer than a tab's record budget is thinned
    /// as it is recorded (see [`History::first`]).
    pub fn load(json: &str, cat: &Catalog) -> Result<Self, String> {
        let settings = LabSim::settings(&Self::fresh(0), cat);
        let sc = Scenario::<P>::parse(json)
            .map_err(|e| errors::scenario_error_text(&e, &settings, cat))?;
        let history =
            History::new(sc.spec).map_err(|e| errors::config_error_text(&e, &settings, cat))?;
        Ok(Sim {
            history,
            goal: sc.steps,
        })
    }

    /// The run a lesson starts from (its settings, no inputs yet).
    pub fn for_lesson(lesson: &Lesson) -> Result<Self, String> {
        Self::from_spec(Runner::<P>::spec(lesson)?)
    }

    fn from_spec(spec: RunSpec<P>) -> Result<Self, String> {
        History::new(spec)
            .map(|history| Sim { history, goal: 0 })
            .map_err(|e| e.to_string())
    }

    fn cfg(&self) -> &P::Config {
        &self.history.spec().cfg
    }

    fn name(&self, id: NodeId, cat: &Catalog) -> String {
        P::node_name(self.cfg(), id, cat)
    }

    /// A live node's slot and state.
    fn live(&self, node: usize) -> Option<(&Slot<P>, &P::Node)> {
        let slot = self.history.world().nodes().get(node)?;
        Some((slot, slot.state.as_ref()?))
    }

    /// A configuration error in the catalog's words, naming fields by their labels.
    fn config_error_text(&self, e: &ConfigError, cat: &Catalog) -> String {
        errors::config_error_text(e, &LabSim::settings(self, cat), cat)
    }

    fn to_input(&self, input: UiInput) -> Result<Input<P>, String> {
        let id = |n: usize| NodeId(n as u32);
        let action = |key: &str| {
            <P as Act>::Action::from_key(key).ok_or_else(|| format!("unknown action {key}"))
        };
        Ok(match input {
            UiInput::Crash(n) => Input::Crash { node: id(n) },
            UiInput::Restart(n) => Input::Restart { node: id(n) },
            UiInput::Drop(m) => Input::Drop { msg: MsgId(m) },
            UiInput::Duplicate(m) => Input::Duplicate { msg: MsgId(m) },
            UiInput::Delay(m, ticks) => Input::Delay {
                msg: MsgId(m),
                ticks,
            },
            UiInput::Partition(side) => Input::Partition {
                groups: vec![side.into_iter().map(id).collect()],
            },
            UiInput::Cut(a, b) => Input::Cut {
                from: id(a),
                to: id(b),
            },
            UiInput::Heal => Input::Heal,
            UiInput::LinkLoss(a, b, per_mille) => Input::LinkLoss {
                from: id(a),
                to: id(b),
                per_mille,
            },
            UiInput::ActionText(n, key, text) => {
                // The page checks the text first, in the reader's language
                // (`LabSim::check_text`); this is the last line of defence.
                let field = P::EXTRAS
                    .text_input
                    .ok_or("this lab takes no typed input")?;
                let (node, request) =
                    field.text_request(self.cfg(), id(n), action(key)?, &text, &crate::i18n::EN)?;
                Input::Request { node, request }
            }
            UiInput::Action(n, key) => {
                let nodes = self.history.world().nodes();
                let salt = self.history.cursor();
                let (node, request) =
                    P::action_request(self.cfg(), nodes, id(n), action(key)?, salt)
                        .ok_or_else(|| format!("{key} needs typed text"))?;
                Input::Request { node, request }
            }
        })
    }

    /// Replays the run's inputs, each at the virtual time it happened, on variant
    /// `variant`'s configuration, up to the current time; its charts.
    fn compare_charts_of(&self, variant: usize, cat: &Catalog) -> Option<Vec<Chart>> {
        let compare = P::EXTRAS.compare?;
        let charts = P::EXTRAS.charts?;
        let spec = self.history.spec();
        let cfg = compare.variant(&spec.cfg, variant);
        let inputs = spec
            .inputs
            .iter()
            .filter(|s| s.at < self.cursor() && compare.keeps(&s.input))
            .map(|s| {
                let at = self.history.input_time(s.at).map_or(u64::MAX, |t| t.0);
                (at, s.input.clone())
            });
        let now = self.time();
        let world =
            protocols::sim::replay::at_times(cfg.clone(), spec.net.clone(), spec.seed, inputs, now)
                .ok()?;
        Some(charts.charts(&cfg, world.nodes(), world.metrics(), now, cat))
    }
}

impl<P: Lab> LabSim for Sim<P> {
    fn lab(&self) -> LabId {
        P::LAB
    }
    fn cursor(&self) -> u64 {
        self.history.cursor()
    }
    fn len(&self) -> u64 {
        self.history.len()
    }
    fn first(&self) -> u64 {
        self.history.first()
    }
    fn time(&self) -> u64 {
        self.history.world().time.0
    }
    fn seed(&self) -> u64 {
        self.history.spec().seed
    }
    fn next_due(&self) -> Option<u64> {
        self.history.next_due().map(|t| t.0)
    }
    fn is_finished(&self) -> bool {
        self.history.is_finished() || (self.cursor() == self.len() && self.next_due().is_none())
    }
    fn loading(&self) -> Option<(u64, u64)> {
        (self.len() < self.goal && !self.history.is_finished()).then(|| (self.len(), self.goal))
    }
    fn record_some(&mut self, budget: u64) -> bool {
        let more = self.history.record_some(self.goal, budget);
        if !more {
            self.goal = self.len();
        }
        more
    }
    fn stop_loading(&mut self) {
        self.goal = self.len();
    }
    fn stopped(&self, cat: &Catalog) -> Option<String> {
        self.history
            .stopped()
            .map(|stop| errors::stop_text(&stop, cat))
    }
    fn step_forward(&mut self) -> bool {
        self.history.step_forward()
    }
    fn seek(&mut self, step: u64) {
        self.history.seek(step)
    }
    fn inject(&mut self, input: UiInput) -> Result<(), String> {
        let input = self.to_input(input)?;
        self.history.inject(input).map_err(|e| e.to_string())
    }

    fn scene(&self, cat: &Catalog) -> Scene {
        self.build_scene(cat)
    }

    fn log_lines(&self, from: u64, to: u64, cat: &Catalog) -> Vec<LogLine> {
        self.history
            .records(from..to)
            .map(|r| {
                let (text, kind) = self.sentence(&r, cat);
                LogLine {
                    step: r.step,
                    time: r.time.0,
                    text,
                    kind,
                }
            })
            .collect()
    }

    fn space_time(&self, from: u64, to: u64, cat: &Catalog) -> Vec<(u64, u64, Vec<Fact>)> {
        self.facts(from, to, cat)
    }

    fn inspect_node(&self, id: usize, cat: &Catalog) -> Option<Inspector> {
        self.inspector(id, cat)
    }

    fn inspect_message(&self, id: u64, cat: &Catalog) -> Option<(String, Vec<Row>)> {
        self.message(id, cat)
    }

    fn actions(&self, node: usize, cat: &Catalog) -> Vec<Action> {
        let Some((_, state)) = self.live(node) else {
            return Vec::new();
        };
        action_views(&P::actions(self.cfg(), NodeId(node as u32), state), cat)
    }

    fn text_field(&self, node: usize, cat: &Catalog) -> Option<TextField> {
        let (_, state) = self.live(node)?;
        let field = P::EXTRAS.text_input?;
        field.text_field(self.cfg(), NodeId(node as u32), state, cat)
    }

    fn check_text(&self, node: usize, key: &str, text: &str, cat: &Catalog) -> Result<(), String> {
        let field = P::EXTRAS
            .text_input
            .ok_or("this lab takes no typed input")?;
        let action = <P as Act>::Action::from_key(key).ok_or("unknown action")?;
        field
            .text_request(self.cfg(), NodeId(node as u32), action, text, cat)
            .map(|_| ())
    }

    fn node_names(&self, cat: &Catalog) -> Vec<String> {
        (0..P::node_count(self.cfg()))
            .map(|i| self.name(NodeId(i as u32), cat))
            .collect()
    }

    fn lesson_play(&mut self, commands: &[&str]) -> Result<(), String> {
        self.goal = 0;
        Runner::<P>::new(self.cfg().clone()).play(&mut self.history, commands)
    }

    fn lesson_holds(&self, cond: &str) -> Result<bool, String> {
        Runner::<P>::new(self.cfg().clone()).holds(&self.history, cond)
    }

    fn lesson_done(&self, from: u64, cmd: &str) -> bool {
        Runner::<P>::new(self.cfg().clone()).done(&self.history, from, cmd)
    }

    fn lesson_show_me(&mut self, cmd: &str) -> Result<(), String> {
        Runner::<P>::new(self.cfg().clone()).show_me(&mut self.history, cmd)
    }

    fn node_named(&self, name: &str) -> Option<usize> {
        protocols::script::node_named::<P>(self.cfg(), name)
            .ok()
            .map(|id| id.0 as usize)
    }

    fn input_steps(&self) -> Vec<u64> {
        self.history.spec().inputs.iter().map(|s| s.at).collect()
    }

    fn node_up(&self, node: usize) -> Option<bool> {
        self.history.world().nodes().get(node).map(|s| s.is_up())
    }

    fn hotkey_action(&self, selected: Option<usize>, key: Hotkey) -> Option<(usize, &'static str)> {
        let offers = |i: usize| {
            let (_, state) = self.live(i)?;
            P::actions(self.cfg(), NodeId(i as u32), state)
                .into_iter()
                .find(|a| a.hotkey() == Some(key))
                .map(|a| (i, a.key()))
        };
        if let Some(i) = selected {
            return offers(i);
        }
        if key != Hotkey::Request {
            return None;
        }
        let nodes = self.history.world().nodes();
        P::main_node(self.cfg(), nodes)
            .and_then(|n| offers(n.index()))
            .or_else(|| (0..nodes.len()).find_map(offers))
    }

    fn log_grid(&self, cat: &Catalog) -> Option<LogGrid> {
        let world = self.history.world();
        let grid = P::EXTRAS.log_grid?;
        Some(grid.log_grid(self.cfg(), world.nodes(), world.ghost(), cat))
    }

    fn settings(&self, cat: &Catalog) -> Vec<Setting> {
        self.all_settings(cat)
    }

    fn with_setting(
        &self,
        key: &str,
        value: u64,
        cat: &Catalog,
    ) -> Result<Box<dyn LabSim>, String> {
        let spec = self.spec_with(key, value)?;
        let history = History::new(spec).map_err(|e| self.config_error_text(&e, cat))?;
        Ok(Box::new(Sim { history, goal: 0 }))
    }

    fn with_setting_rerun(
        &self,
        key: &str,
        value: u64,
        cat: &Catalog,
    ) -> Result<Box<dyn LabSim>, String> {
        let mut spec = self.spec_with(key, value)?;
        let h = &self.history;
        let timed: Vec<_> = h
            .spec()
            .inputs
            .iter()
            .map(|s| {
                (
                    h.input_time(s.at).map_or(u64::MAX, |t| t.0),
                    s.input.clone(),
                )
            })
            .collect();
        let until = h
            .len()
            .checked_sub(1)
            .and_then(|l| h.record(l))
            .map_or(0, |r| r.time.0);
        let (inputs, goal) = protocols::sim::replay::restamped(
            spec.cfg.clone(),
            spec.net.clone(),
            spec.seed,
            timed,
            until,
        )
        .map_err(|e| self.config_error_text(&e, cat))?;
        spec.inputs = inputs;
        let history = History::new(spec).map_err(|e| self.config_error_text(&e, cat))?;
        Ok(Box::new(Sim { history, goal }))
    }

    fn charts(&self, cat: &Catalog) -> Vec<Chart> {
        let world = self.history.world();
        P::EXTRAS.charts.map_or_else(Vec::new, |c| {
            c.charts(
                self.cfg(),
                world.nodes(),
                world.metrics(),
                world.time.0,
                cat,
            )
        })
    }
    fn compare_options(&self, cat: &Catalog) -> Vec<&'static str> {
        P::EXTRAS
            .compare
            .map_or_else(Vec::new, |c| c.options(self.cfg(), cat))
    }
    fn compare_charts(&self, variant: usize, cat: &Catalog) -> Vec<Chart> {
        self.compare_charts_of(variant, cat).unwrap_or_default()
    }
    fn batch_rows(&self) -> usize {
        P::EXTRAS.batch.map_or(0, |b| b.rows(self.cfg()))
    }
    fn batch_row(&self, index: usize, cat: &Catalog) -> Vec<String> {
        P::EXTRAS
            .batch
            .map_or_else(Vec::new, |b| b.row(self.cfg(), self.seed(), index, cat))
    }
    fn batch_table(&self, rows: Vec<Vec<String>>, cat: &Catalog) -> Option<BatchTable> {
        Some(P::EXTRAS.batch?.table(self.cfg(), rows, cat))
    }

    fn reseeded(&self, seed: u64) -> Box<dyn LabSim> {
        let spec = RunSpec {
            seed,
            inputs: Vec::new(),
            ..self.history.spec().clone()
        };
        Box::new(Sim::from_spec(spec).expect("the same configuration is still valid"))
    }

    fn export(&self) -> String {
        Scenario {
            spec: self.history.spec().clone(),
            steps: self.history.len(),
        }
        .to_json()
    }
}
