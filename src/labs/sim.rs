//! The generic lab: any engine plus its drawing rules becomes a [`LabSim`].

use super::errors;
use super::Tone;
use super::*;
use crate::i18n::fill;
use protocols::scenario::Scenario;
use protocols::sim::history::{History, RunSpec};
use protocols::sim::limits;
use protocols::sim::schema::{FieldKind, Schema};
use protocols::sim::{
    ConfigError, Event, Input, LossReason, MsgId, NetConfig, NodeId, Protocol, Slot, StepRecord,
};

/// How a protocol is drawn, narrated and acted on. All text comes from the catalog.
pub trait LabProtocol: Protocol<Config: Schema> {
    const LAB: LabId;
    fn layout(cfg: &Self::Config) -> Vec<Point>;
    fn node_name(cfg: &Self::Config, id: usize, cat: &Catalog) -> String;
    /// Status line, tone class and badges of a live node (`node` is the slot's state;
    /// `ghost` is what the checkers know, e.g. which acceptors formed a quorum).
    fn node_status(
        cfg: &Self::Config,
        id: usize,
        node: &Self::Node,
        slot: &Slot<Self>,
        ghost: &Self::Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>);
    fn msg_label(msg: &Self::Msg, cat: &Catalog) -> String;
    fn msg_tone(msg: &Self::Msg) -> Tone;
    fn msg_fields(msg: &Self::Msg, cat: &Catalog) -> Vec<Row>;
    fn timer_label(timer: &Self::Timer, cat: &Catalog) -> String;
    fn request_text(req: &Self::Request, cat: &Catalog) -> String;
    fn note_text(cfg: &Self::Config, node: usize, note: &Self::Note, cat: &Catalog) -> String;
    /// Name and one-line explanation of an invariant.
    fn invariant_text(invariant: Self::Invariant, cat: &Catalog) -> (&'static str, &'static str);
    fn durable_rows(cfg: &Self::Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row>;
    fn volatile_rows(cfg: &Self::Config, id: usize, node: &Self::Node, cat: &Catalog) -> Vec<Row>;
    /// The node's durable log (a crashed node shows only what is on disk).
    fn node_log(cfg: &Self::Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry>;
    fn inspector_notes(
        cfg: &Self::Config,
        id: usize,
        slot: &Slot<Self>,
        cat: &Catalog,
    ) -> Vec<String>;
    fn actions(cfg: &Self::Config, id: usize, node: &Self::Node, cat: &Catalog) -> Vec<Action>;
    /// The request an action on node `id` sends, and the node it goes to (a membership
    /// change goes to the leader). `salt` (the current step) lets a lab vary what it asks
    /// (a client's value); the request is recorded, so replays stay exact.
    fn action_request(
        cfg: &Self::Config,
        nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        salt: u64,
    ) -> Option<(usize, Self::Request)>;
    /// A text field on node `id` and its actions, for labs that take typed input.
    fn text_field(
        _cfg: &Self::Config,
        _id: usize,
        _node: &Self::Node,
        _cat: &Catalog,
    ) -> Option<TextField> {
        None
    }
    /// The request a text-field action sends with `text`, and the node it goes to; or
    /// what is wrong with the text, in words.
    fn text_request(
        _cfg: &Self::Config,
        _id: usize,
        action: &str,
        _text: &str,
        _cat: &Catalog,
    ) -> Result<(usize, Self::Request), String> {
        Err(format!("unknown action {action}"))
    }
    /// The replicated log as a grid, for protocols that keep one. `ghost` is what the
    /// invariant checkers know (facts no node knows yet, such as a value being chosen).
    fn log_grid(
        _cfg: &Self::Config,
        _nodes: &[Slot<Self>],
        _ghost: &Self::Ghost,
        _cat: &Catalog,
    ) -> Option<LogGrid> {
        None
    }
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
    /// Plots of the run up to virtual time `now`.
    fn charts(
        _cfg: &Self::Config,
        _nodes: &[Slot<Self>],
        _ghost: &Self::Ghost,
        _now: u64,
        _cat: &Catalog,
    ) -> Vec<Chart> {
        Vec::new()
    }
    /// Batch mode: how many rows, one row, and the table around them.
    fn batch_rows(_cfg: &Self::Config) -> usize {
        0
    }
    fn batch_row(_cfg: &Self::Config, _seed: u64, _index: usize, _cat: &Catalog) -> Vec<String> {
        Vec::new()
    }
    fn batch_table(
        _cfg: &Self::Config,
        _rows: Vec<Vec<String>>,
        _cat: &Catalog,
    ) -> Option<BatchTable> {
        None
    }
    /// Compare mode: the names of the variants, and the configuration of one.
    fn compare_options(_cfg: &Self::Config, _cat: &Catalog) -> Vec<&'static str> {
        Vec::new()
    }
    fn compare_variant(cfg: &Self::Config, _variant: usize) -> Self::Config {
        cfg.clone()
    }
    /// Whether the comparison replays this input (not, say, a switch to another variant).
    fn compare_keeps(_input: &Input<Self>) -> bool {
        true
    }
    /// Which links the canvas draws, as node pairs.
    fn links(cfg: &Self::Config) -> Vec<(usize, usize)>;
    fn settings(cfg: &Self::Config, cat: &Catalog) -> Vec<Setting>;
    /// Sets one field, through the configuration's schema; false if the key is not one
    /// of its fields (a lab with settings of its own, such as a preset, adds them).
    fn set(cfg: &mut Self::Config, key: &str, value: u64) -> bool {
        <Self::Config as Schema>::field(key).is_some_and(|f| f.apply(cfg, value))
    }
}

/// Names a choice setting's options in the catalog's words (the schema has the
/// scenario's names), in the schema's order.
pub fn label_options(settings: &mut [Setting], key: &str, labels: Vec<&'static str>) {
    for s in settings.iter_mut().filter(|s| s.key == key) {
        if let SettingKind::Choice { options, .. } = &mut s.kind {
            assert_eq!(options.len(), labels.len(), "{key}: one label per option");
            *options = labels.clone();
        }
    }
}

/// A settings panel from the schema: for each shown field, in order, its label and (for
/// a toggle) its help from the lab's text; its kind, range and value from the schema.
pub fn settings_from<C: Schema>(
    cfg: &C,
    shown: &[(&'static str, &'static str, &'static str)],
) -> Vec<Setting> {
    shown
        .iter()
        .map(|&(key, label, help)| {
            let f = C::field(key).unwrap_or_else(|| panic!("{key} is not a configuration field"));
            let value = (f.get)(cfg);
            let kind = match f.kind {
                FieldKind::Number { min, max } => SettingKind::Number { min, max, value },
                FieldKind::Toggle => SettingKind::Toggle {
                    on: value != 0,
                    help,
                },
                FieldKind::Choice { options } => SettingKind::Choice {
                    options: options.to_vec(),
                    value,
                },
            };
            Setting { key, label, kind }
        })
        .collect()
}

/// The sides of a partition as the world cuts them (`World`'s `Input::Partition`): a node
/// is on the side of the first group that lists it, and the nodes no group lists form one
/// more side together, cut from every listed group but not from each other. Empty sides
/// are left out.
fn partition_sides(groups: &[Vec<NodeId>], nodes: usize) -> Vec<Vec<NodeId>> {
    let mut sides = vec![Vec::new(); groups.len() + 1];
    for id in (0..nodes as u32).map(NodeId) {
        let side = groups.iter().position(|g| g.contains(&id));
        sides[side.unwrap_or(groups.len())].push(id);
    }
    sides.retain(|side| !side.is_empty());
    sides
}

/// A running lab over engine `P`.
pub struct Sim<P: LabProtocol> {
    history: History<P>,
    /// How many steps a loaded run asks for: the page records them a slice per frame.
    goal: u64,
}

impl<P: LabProtocol> Sim<P> {
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
    /// is told in the catalog's words. A run longer than a tab can hold is refused here,
    /// before anything is recorded.
    pub fn load(json: &str, cat: &Catalog) -> Result<Self, String> {
        let settings = LabSim::settings(&Self::fresh(0), cat);
        let sc = Scenario::<P>::parse(json)
            .map_err(|e| errors::scenario_error_text(&e, &settings, cat))?;
        let max = limits::max_recorded_steps::<P>();
        if sc.steps > max {
            return Err(fill(
                cat.errors.too_long_for_page,
                &[("got", &sc.steps.to_string()), ("max", &max.to_string())],
            ));
        }
        let history =
            History::new(sc.spec).map_err(|e| errors::config_error_text(&e, &settings, cat))?;
        Ok(Sim {
            history,
            goal: sc.steps,
        })
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
        P::node_name(self.cfg(), id.index(), cat)
    }

    /// One sentence (or a few) for one recorded step.
    fn sentence(&self, r: &StepRecord<P>, cat: &Catalog) -> (String, LineKind) {
        let s = &cat.sim;
        let n = |id: NodeId| self.name(id, cat);
        let (mut text, kind) = match &r.event {
            Event::Delivered { from, to, body, .. } => (
                fill(
                    s.delivered,
                    &[
                        ("to", &n(*to)),
                        ("msg", &P::msg_label(body, cat)),
                        ("from", &n(*from)),
                    ],
                ),
                LineKind::Event,
            ),
            Event::Lost {
                from,
                to,
                body,
                reason,
                ..
            } => {
                let tpl = match reason {
                    LossReason::Partitioned => s.lost_partition,
                    LossReason::DestinationDown => s.lost_down,
                    LossReason::RandomLoss => s.lost_random,
                };
                (
                    fill(
                        tpl,
                        &[
                            ("msg", &P::msg_label(body, cat)),
                            ("from", &n(*from)),
                            ("to", &n(*to)),
                        ],
                    ),
                    LineKind::Lost,
                )
            }
            Event::Dropped { from, to, body, .. } => {
                let msg = P::msg_label(body, cat);
                (
                    fill(
                        s.dropped,
                        &[("msg", &msg), ("from", &n(*from)), ("to", &n(*to))],
                    ),
                    LineKind::Lost,
                )
            }
            Event::TimerFired { node, timer } => (
                fill(
                    s.timer_fired,
                    &[("node", &n(*node)), ("timer", &P::timer_label(timer, cat))],
                ),
                LineKind::Event,
            ),
            Event::Input { input, applied } => {
                let mut t = self.input_text(input, cat);
                if !applied {
                    t.push(' ');
                    let why = match input {
                        Input::Crash { .. } => s.why_already_down,
                        Input::Restart { .. } => s.why_already_up,
                        Input::Request { .. } => s.why_node_down,
                        Input::Heal => s.why_nothing_cut,
                        Input::Cut { .. } => s.why_already_cut,
                        _ => s.why_not_in_flight,
                    };
                    t.push_str(&fill(s.in_no_effect, &[("why", why)]));
                }
                (t, LineKind::Input)
            }
        };
        for (node, note) in &r.notes {
            text.push(' ');
            text.push_str(&P::note_text(self.cfg(), node.index(), note, cat));
        }
        if r.step < self.history.cursor() {
            let ghost = self.history.world().ghost();
            for o in P::observations(self.cfg(), ghost, r.step, cat) {
                text.push(' ');
                text.push_str(&o);
            }
        }
        let mut kind = kind;
        for v in &r.violations {
            let (name, _) = P::invariant_text(v.invariant, cat);
            let detail = P::note_text(self.cfg(), 0, &v.detail, cat);
            text.push(' ');
            text.push_str(&fill(s.violation, &[("name", name), ("detail", &detail)]));
            kind = LineKind::Violation;
        }
        (text, kind)
    }

    fn input_text(&self, input: &Input<P>, cat: &Catalog) -> String {
        let s = &cat.sim;
        let n = |id: &NodeId| self.name(*id, cat);
        match input {
            Input::Crash { node } => fill(s.in_crash, &[("node", &n(node))]),
            Input::Restart { node } => fill(s.in_restart, &[("node", &n(node))]),
            Input::Partition { groups } => {
                let sides: Vec<String> = partition_sides(groups, P::node_count(self.cfg()))
                    .iter()
                    .map(|side| {
                        format!("{{{}}}", side.iter().map(n).collect::<Vec<_>>().join(", "))
                    })
                    .collect();
                fill(s.in_partition, &[("groups", &sides.join(" | "))])
            }
            Input::Cut { from, to } => fill(s.in_cut, &[("from", &n(from)), ("to", &n(to))]),
            Input::Heal => s.in_heal.to_string(),
            Input::Drop { msg } => fill(s.in_drop, &[("id", &msg.0.to_string())]),
            Input::Duplicate { msg } => fill(s.in_duplicate, &[("id", &msg.0.to_string())]),
            Input::Delay { msg, ticks } => fill(
                s.in_delay,
                &[("id", &msg.0.to_string()), ("ticks", &ticks.to_string())],
            ),
            Input::LinkLoss {
                from,
                to,
                per_mille,
            } => fill(
                s.in_link_loss,
                &[
                    ("from", &n(from)),
                    ("to", &n(to)),
                    ("per_mille", &per_mille.to_string()),
                ],
            ),
            Input::Request { node, request } => fill(
                s.in_request,
                &[
                    ("node", &n(node)),
                    ("request", &P::request_text(request, cat)),
                ],
            ),
        }
    }

    /// A configuration error in the catalog's words, naming fields by their labels.
    fn config_error_text(&self, e: &ConfigError, cat: &Catalog) -> String {
        errors::config_error_text(e, &LabSim::settings(self, cat), cat)
    }

    fn to_input(&self, input: UiInput) -> Result<Input<P>, String> {
        let id = |n: usize| NodeId(n as u32);
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
            UiInput::ActionText(n, action, text) => {
                // The page checks the text first, in the reader's language
                // (`LabSim::check_text`); this is the last line of defence.
                let (to, request) =
                    P::text_request(self.cfg(), n, action, &text, &crate::i18n::EN)?;
                Input::Request {
                    node: id(to),
                    request,
                }
            }
            UiInput::Action(n, action) => {
                let nodes = self.history.world().nodes();
                let (to, request) =
                    P::action_request(self.cfg(), nodes, n, action, self.history.cursor())
                        .ok_or_else(|| format!("unknown action {action}"))?;
                Input::Request {
                    node: id(to),
                    request,
                }
            }
        })
    }
}

impl<P: LabProtocol> LabSim for Sim<P> {
    fn lab(&self) -> LabId {
        P::LAB
    }
    fn cursor(&self) -> u64 {
        self.history.cursor()
    }
    fn len(&self) -> u64 {
        self.history.len()
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
        let world = self.history.world();
        let cfg = self.cfg();
        let points = P::layout(cfg);
        let nodes = world
            .nodes()
            .iter()
            .enumerate()
            .map(|(id, slot)| {
                let (status, tone, badges) = match &slot.state {
                    Some(node) => P::node_status(cfg, id, node, slot, world.ghost(), cat),
                    None => (cat.sim.crashed.to_string(), Tone::Down, Vec::new()),
                };
                let mut log = P::node_log(cfg, id, slot, cat);
                let log_hidden = log.len().saturating_sub(LOG_ON_CANVAS);
                log.drain(..log_hidden);
                let timer = slot
                    .timers
                    .values()
                    .min_by_key(|s| s.due)
                    .map(|s| (s.set_at.0, s.due.0));
                NodeView {
                    id,
                    name: P::node_name(cfg, id, cat),
                    status,
                    tone,
                    up: slot.is_up(),
                    at: points[id],
                    badges,
                    timer,
                    log,
                    log_hidden,
                }
            })
            .collect();
        // A world can hold 200,000 messages in flight: draw those arriving soonest.
        let mut soonest: Vec<_> = world.in_flight().iter().collect();
        let messages_hidden = soonest.len().saturating_sub(MAX_DRAWN_MESSAGES);
        if messages_hidden > 0 {
            soonest.select_nth_unstable_by_key(MAX_DRAWN_MESSAGES, |(id, m)| (m.deliver_at, **id));
            soonest.truncate(MAX_DRAWN_MESSAGES);
            soonest.sort_by_key(|(id, _)| **id);
        }
        let messages = soonest
            .into_iter()
            .map(|(id, m)| MsgView {
                id: id.0,
                from: m.from.index(),
                to: m.to.index(),
                label: P::msg_label(&m.body, cat),
                tone: P::msg_tone(&m.body),
                sent_at: m.sent_at.0,
                deliver_at: m.deliver_at.0,
            })
            .collect();
        let last = self
            .cursor()
            .checked_sub(1)
            .and_then(|i| self.history.records().get(i as usize));
        let lost = last.and_then(|r| match &r.event {
            Event::Lost { from, to, body, .. } | Event::Dropped { from, to, body, .. } => {
                Some(LostView {
                    from: from.index(),
                    to: to.index(),
                    label: P::msg_label(body, cat),
                })
            }
            _ => None,
        });
        let delivered_to = last.and_then(|r| match &r.event {
            Event::Delivered { to, .. } => Some(to.index()),
            _ => None,
        });
        let invariants = <P::Invariant as protocols::sim::Invariant>::ALL
            .iter()
            .zip(&world.first_violation)
            .map(|(invariant, first)| {
                let (name, help) = P::invariant_text(*invariant, cat);
                InvariantView {
                    name,
                    help,
                    first_violation: *first,
                }
            })
            .collect();
        let n = world.nodes().len();
        let cut = (0..n)
            .flat_map(|a| (0..n).map(move |b| (a, b)))
            .filter(|&(a, b)| a != b && world.is_blocked(NodeId(a as u32), NodeId(b as u32)))
            .collect();
        Scene {
            step: self.cursor(),
            len: self.len(),
            time: world.time.0,
            seed: self.seed(),
            finished: self.is_finished(),
            nodes,
            messages,
            messages_hidden,
            lost,
            delivered_to,
            invariants,
            cut,
            links: P::links(cfg),
        }
    }

    fn log_lines(&self, from: u64, to: u64, cat: &Catalog) -> Vec<LogLine> {
        let records = self.history.records();
        let to = (to as usize).min(records.len());
        let from = (from as usize).min(to);
        records[from..to]
            .iter()
            .map(|r| {
                let (text, kind) = self.sentence(r, cat);
                LogLine {
                    step: r.step,
                    time: r.time.0,
                    text,
                    kind,
                }
            })
            .collect()
    }

    fn inspect_node(&self, id: usize, cat: &Catalog) -> Option<Inspector> {
        let world = self.history.world();
        let slot = world.nodes().get(id)?;
        let cfg = self.cfg();
        let now = world.time.0;
        let timers = slot
            .timers
            .iter()
            .map(|(t, span)| {
                let due = fill(
                    cat.panels.timer_due,
                    &[
                        ("due", &span.due.0.to_string()),
                        ("left", &span.due.0.saturating_sub(now).to_string()),
                    ],
                );
                Row::new(P::timer_label(t, cat), due)
            })
            .collect();
        let (status, _, _) = match &slot.state {
            Some(node) => P::node_status(cfg, id, node, slot, world.ghost(), cat),
            None => (cat.sim.crashed.to_string(), Tone::Plain, Vec::new()),
        };
        Some(Inspector {
            name: P::node_name(cfg, id, cat),
            status,
            up: slot.is_up(),
            durable: P::durable_rows(cfg, id, slot, cat),
            volatile: slot
                .state
                .as_ref()
                .map(|node| P::volatile_rows(cfg, id, node, cat)),
            timers,
            notes: P::inspector_notes(cfg, id, slot, cat),
        })
    }

    fn inspect_message(&self, id: u64, cat: &Catalog) -> Option<(String, Vec<Row>)> {
        let m = self.history.world().in_flight().get(&MsgId(id))?;
        let mut rows = vec![Row::new(
            cat.panels.message,
            fill(
                cat.panels.message_in_flight,
                &[
                    ("from", &self.name(m.from, cat)),
                    ("to", &self.name(m.to, cat)),
                    ("sent", &m.sent_at.0.to_string()),
                    ("due", &m.deliver_at.0.to_string()),
                ],
            ),
        )];
        rows.extend(P::msg_fields(&m.body, cat));
        Some((P::msg_label(&m.body, cat), rows))
    }

    fn actions(&self, node: usize, cat: &Catalog) -> Vec<Action> {
        match self
            .history
            .world()
            .nodes()
            .get(node)
            .and_then(|s| s.state.as_ref())
        {
            Some(state) => P::actions(self.cfg(), node, state, cat),
            None => Vec::new(),
        }
    }

    fn text_field(&self, node: usize, cat: &Catalog) -> Option<TextField> {
        let state = self.history.world().nodes().get(node)?.state.as_ref()?;
        P::text_field(self.cfg(), node, state, cat)
    }

    fn check_text(
        &self,
        node: usize,
        action: &str,
        text: &str,
        cat: &Catalog,
    ) -> Result<(), String> {
        P::text_request(self.cfg(), node, action, text, cat).map(|_| ())
    }

    fn node_names(&self, cat: &Catalog) -> Vec<String> {
        (0..P::node_count(self.cfg()))
            .map(|i| P::node_name(self.cfg(), i, cat))
            .collect()
    }

    fn log_grid(&self, cat: &Catalog) -> Option<LogGrid> {
        let world = self.history.world();
        P::log_grid(self.cfg(), world.nodes(), world.ghost(), cat)
    }

    fn settings(&self, cat: &Catalog) -> Vec<Setting> {
        let net = &self.history.spec().net;
        let number = |key, label, min, max, value| Setting {
            key,
            label,
            kind: SettingKind::Number { min, max, value },
        };
        let mut all = P::settings(self.cfg(), cat);
        all.push(number(
            "latency_ticks_min",
            cat.settings.latency_min,
            1,
            10_000,
            net.latency_ticks_min,
        ));
        all.push(number(
            "latency_ticks_max",
            cat.settings.latency_max,
            1,
            10_000,
            net.latency_ticks_max,
        ));
        all.push(number(
            "loss_per_mille",
            cat.settings.loss,
            0,
            1000,
            net.loss_per_mille as u64,
        ));
        all
    }

    fn with_setting(
        &self,
        key: &str,
        value: u64,
        cat: &Catalog,
    ) -> Result<Box<dyn LabSim>, String> {
        let mut spec = self.history.spec().clone();
        spec.inputs.clear();
        match key {
            "latency_ticks_min" => spec.net.latency_ticks_min = value,
            "latency_ticks_max" => spec.net.latency_ticks_max = value,
            "loss_per_mille" => spec.net.loss_per_mille = value.min(u16::MAX as u64) as u16,
            _ if P::set(&mut spec.cfg, key, value) => {}
            _ => return Err(format!("unknown setting {key}")),
        }
        let history = History::new(spec).map_err(|e| self.config_error_text(&e, cat))?;
        Ok(Box::new(Sim { history, goal: 0 }))
    }

    fn charts(&self, cat: &Catalog) -> Vec<Chart> {
        let world = self.history.world();
        P::charts(self.cfg(), world.nodes(), world.ghost(), world.time.0, cat)
    }
    fn compare_options(&self, cat: &Catalog) -> Vec<&'static str> {
        P::compare_options(self.cfg(), cat)
    }
    /// Replays the run's inputs, each at the virtual time it happened, on the variant's
    /// configuration, up to the current time.
    fn compare_charts(&self, variant: usize, cat: &Catalog) -> Vec<Chart> {
        let spec = self.history.spec();
        let cfg = P::compare_variant(&spec.cfg, variant);
        let Ok(mut world) =
            protocols::sim::World::<P>::new(cfg.clone(), spec.net.clone(), spec.seed)
        else {
            return Vec::new();
        };
        let now = self.time();
        let records = self.history.records();
        let mut inputs = spec
            .inputs
            .iter()
            .filter(|s| s.at < self.cursor() && P::compare_keeps(&s.input))
            .map(|s| {
                (
                    records.get(s.at as usize).map_or(u64::MAX, |r| r.time.0),
                    s.input.clone(),
                )
            })
            .peekable();
        loop {
            let due = world.next_due().map_or(u64::MAX, |t| t.0);
            let input = match inputs.peek() {
                Some((t, _)) if *t <= due => inputs.next().map(|(_, i)| i),
                _ => None,
            };
            if input.is_none() && due > now {
                break;
            }
            if world.step(input).is_none() {
                break;
            }
        }
        P::charts(&cfg, world.nodes(), world.ghost(), now, cat)
    }
    fn batch_rows(&self) -> usize {
        P::batch_rows(self.cfg())
    }
    fn batch_row(&self, index: usize, cat: &Catalog) -> Vec<String> {
        P::batch_row(self.cfg(), self.seed(), index, cat)
    }
    fn batch_table(&self, rows: Vec<Vec<String>>, cat: &Catalog) -> Option<BatchTable> {
        P::batch_table(self.cfg(), rows, cat)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;

    fn partition_text(json: &str) -> String {
        let sim = crate::labs::load_recorded(json);
        let lines = sim.log_lines(0, sim.len(), &EN);
        lines
            .into_iter()
            .find(|l| l.text.contains("partitioned"))
            .unwrap()
            .text
    }

    /// The sentence names every side the world cuts: each scripted group, and the unlisted
    /// nodes together as one more side (issue 11, item 15).
    #[test]
    fn a_partition_is_told_by_the_sides_it_really_cuts() {
        let raft = r#"{"format": 1, "protocol": "raft", "seed": 1, "steps": 1,
            "config": {"servers": 5, "spare_servers": 1},
            "inputs": [{"at": 0, "kind": "partition", "groups": [[0, 1], [2, 3, 4, 5]]}]}"#;
        assert_eq!(
            partition_text(raft),
            "You partitioned the network: {S1, S2} | {S3, S4, S5, S6}."
        );
        let two_pc = r#"{"format": 1, "protocol": "two-phase-commit", "seed": 1, "steps": 1,
            "config": {"participants": 3},
            "inputs": [{"at": 0, "kind": "partition", "groups": [[1, 2], [3]]}]}"#;
        assert_eq!(
            partition_text(two_pc),
            "You partitioned the network: {Participant 1, Participant 2} | {Participant 3} \
             | {Coordinator, Client}."
        );
    }

    #[test]
    fn a_node_listed_twice_is_on_the_side_of_its_first_group() {
        let ids = |v: &[u32]| v.iter().copied().map(NodeId).collect::<Vec<_>>();
        let sides = partition_sides(&[ids(&[0, 1]), ids(&[1, 2]), vec![]], 4);
        assert_eq!(sides, vec![ids(&[0, 1]), ids(&[2]), ids(&[3])]);
    }
}
