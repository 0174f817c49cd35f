//! The world: nodes, network, timers, faults and one event queue.

use super::rng::Rng;
use super::{
    ConfigError, Effect, Event, Input, Invariant, LossReason, MsgId, NetConfig, NodeId, Out,
    Protocol, Sent, StepRecord, Tick, Violation,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct InFlight<P: Protocol> {
    pub from: NodeId,
    pub to: NodeId,
    pub body: P::Msg,
    pub sent_at: Tick,
    pub deliver_at: Tick,
    seq: u64,
}

/// An armed timer's span in virtual time.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimerSpan {
    pub set_at: Tick,
    pub due: Tick,
}

/// One node's slot: its live state (none while crashed) and its disk.
#[derive(Clone, Debug)]
pub struct Slot<P: Protocol> {
    pub state: Option<P::Node>,
    pub disk: P::Durable,
    /// Armed timers: when each was set and when it fires (the UI draws them draining).
    pub timers: BTreeMap<P::Timer, TimerSpan>,
    timer_seq: BTreeMap<P::Timer, u64>,
}

impl<P: Protocol> Slot<P> {
    pub fn is_up(&self) -> bool {
        self.state.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due<T> {
    Deliver(MsgId),
    Timer(NodeId, T),
}

/// The whole simulated world. Cloning it is a checkpoint.
#[derive(Clone, Debug)]
pub struct World<P: Protocol> {
    pub cfg: P::Config,
    pub net: NetConfig,
    /// Steps applied so far (the next step has this number).
    pub step: u64,
    pub time: Tick,
    nodes: Vec<Slot<P>>,
    queue: BTreeMap<(Tick, u64), Due<P::Timer>>,
    seq: u64,
    in_flight: BTreeMap<MsgId, InFlight<P>>,
    next_msg: u64,
    blocked: BTreeSet<(NodeId, NodeId)>,
    link_loss: BTreeMap<(NodeId, NodeId), u16>,
    rng: Rng,
    /// The run's seed (node seeds are mixed from it).
    seed: u64,
    ghost: P::Ghost,
    /// What the observer measures (see [`Protocol::observe`]), carried by checkpoints as
    /// the ghost is.
    metrics: P::Metrics,
    /// The step at which each invariant first broke, by [`super::Invariant::index`].
    pub first_violation: Vec<Option<u64>>,
}

impl<P: Protocol> World<P> {
    pub fn new(cfg: P::Config, net: NetConfig, seed: u64) -> Result<Self, ConfigError> {
        net.validate()?;
        P::validate(&cfg)?;
        let n = P::node_count(&cfg);
        let mut world = World {
            net,
            step: 0,
            time: Tick(0),
            nodes: Vec::with_capacity(n),
            queue: BTreeMap::new(),
            seq: 0,
            in_flight: BTreeMap::new(),
            next_msg: 0,
            blocked: BTreeSet::new(),
            link_loss: BTreeMap::new(),
            rng: Rng::new(seed),
            seed,
            ghost: P::Ghost::default(),
            metrics: P::Metrics::default(),
            first_violation: vec![None; P::Invariant::ALL.len()],
            cfg,
        };
        let mut starts = Vec::new();
        for i in 0..n {
            let id = NodeId(i as u32);
            let mut out = world.out_for(id);
            let state = P::init(&world.cfg, id, &mut out);
            world.nodes.push(Slot {
                disk: P::durable(&state),
                state: Some(state),
                timers: BTreeMap::new(),
                timer_seq: BTreeMap::new(),
            });
            starts.push((id, out));
        }
        // Effects of `init` (first timers, first messages) belong to no step.
        let mut scratch = Scratch::default();
        for (id, out) in starts {
            world.apply_effects(id, out, &mut scratch);
        }
        Ok(world)
    }

    /// What the invariant checkers remember (for views of facts no node knows, such as the
    /// moment a Paxos value became chosen).
    pub fn ghost(&self) -> &P::Ghost {
        &self.ghost
    }
    /// What the observer measured (for the UI's charts and badges, the CLI's batch runs).
    pub fn metrics(&self) -> &P::Metrics {
        &self.metrics
    }
    pub fn nodes(&self) -> &[Slot<P>] {
        &self.nodes
    }
    pub fn in_flight(&self) -> &BTreeMap<MsgId, InFlight<P>> {
        &self.in_flight
    }
    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked.contains(&(from, to))
    }
    pub fn link_loss(&self, from: NodeId, to: NodeId) -> u16 {
        self.link_loss
            .get(&(from, to))
            .copied()
            .unwrap_or(self.net.loss_per_mille)
    }
    /// The time of the next queued event, if any.
    pub fn next_due(&self) -> Option<Tick> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    /// Applies one step: `input` if given, otherwise the next queued event.
    /// Returns `None` when nothing is left to happen.
    pub fn step(&mut self, input: Option<Input<P>>) -> Option<StepRecord<P>> {
        let mut scratch = Scratch::default();
        let event = match input {
            Some(Input::Drop { msg }) if self.in_flight.contains_key(&msg) => {
                let m = self.in_flight.remove(&msg).expect("checked");
                self.queue.remove(&(m.deliver_at, m.seq));
                Event::Dropped {
                    msg,
                    from: m.from,
                    to: m.to,
                    body: m.body,
                }
            }
            Some(input) => {
                let applied = self.apply_input(&input, &mut scratch);
                Event::Input { input, applied }
            }
            None => {
                let ((time, _), due) = self.queue.pop_first()?;
                self.time = time;
                self.fire(due, &mut scratch)
            }
        };
        let step = self.step;
        self.step += 1;
        let violations = self.check(&scratch.notes, step);
        P::observe(&self.cfg, &mut self.metrics, &self.nodes, &scratch.notes);
        Some(StepRecord {
            step,
            time: self.time,
            event,
            sent: scratch.sent,
            timers_set: scratch.timers_set,
            persisted: scratch.persisted,
            notes: scratch.notes,
            violations,
        })
    }

    fn fire(&mut self, due: Due<P::Timer>, scratch: &mut Scratch<P>) -> Event<P> {
        match due {
            Due::Timer(node, timer) => {
                let slot = &mut self.nodes[node.index()];
                slot.timers.remove(&timer);
                slot.timer_seq.remove(&timer);
                let mut out = Out::at(self.time.0, 0);
                let state = slot
                    .state
                    .as_mut()
                    .expect("timers of a crashed node are cancelled");
                P::on_timer(&self.cfg, node, state, timer.clone(), &mut out);
                self.apply_effects(node, out, scratch);
                Event::TimerFired { node, timer }
            }
            Due::Deliver(id) => {
                let m = self
                    .in_flight
                    .remove(&id)
                    .expect("queued message is in flight");
                let reason = if self.blocked.contains(&(m.from, m.to)) {
                    Some(LossReason::Partitioned)
                } else if !self.nodes[m.to.index()].is_up() {
                    Some(LossReason::DestinationDown)
                } else {
                    let loss = self.link_loss(m.from, m.to) as u64;
                    (loss > 0 && self.rng.below(1000) < loss).then_some(LossReason::RandomLoss)
                };
                if let Some(reason) = reason {
                    return Event::Lost {
                        msg: id,
                        from: m.from,
                        to: m.to,
                        body: m.body,
                        reason,
                    };
                }
                let mut out = Out::at(self.time.0, 0);
                let state = self.nodes[m.to.index()].state.as_mut().expect("checked up");
                P::on_message(&self.cfg, m.to, state, m.from, m.body.clone(), &mut out);
                self.apply_effects(m.to, out, scratch);
                Event::Delivered {
                    msg: id,
                    from: m.from,
                    to: m.to,
                    body: m.body,
                }
            }
        }
    }

    fn apply_input(&mut self, input: &Input<P>, scratch: &mut Scratch<P>) -> bool {
        match input {
            Input::Crash { node } => {
                let slot = &mut self.nodes[node.index()];
                if slot.state.take().is_none() {
                    return false;
                }
                for (timer, seq) in std::mem::take(&mut slot.timer_seq) {
                    let at = slot.timers[&timer].due;
                    self.queue.remove(&(at, seq));
                }
                slot.timers.clear();
                true
            }
            Input::Restart { node } => {
                if self.nodes[node.index()].is_up() {
                    return false;
                }
                let mut out = self.out_for(*node);
                let state =
                    P::on_restart(&self.cfg, *node, &self.nodes[node.index()].disk, &mut out);
                self.nodes[node.index()].state = Some(state);
                self.apply_effects(*node, out, scratch);
                true
            }
            Input::Request { node, request } => {
                let Some(state) = self.nodes[node.index()].state.as_mut() else {
                    return false;
                };
                let mut out = Out::at(self.time.0, 0);
                P::on_request(&self.cfg, *node, state, request.clone(), &mut out);
                self.apply_effects(*node, out, scratch);
                true
            }
            Input::Partition { groups } => {
                let n = self.nodes.len() as u32;
                let group_of = |id: NodeId| groups.iter().position(|g| g.contains(&id));
                for a in (0..n).map(NodeId) {
                    for b in (0..n).map(NodeId) {
                        if group_of(a) != group_of(b) {
                            self.blocked.insert((a, b));
                        }
                    }
                }
                true
            }
            Input::Cut { from, to } => self.blocked.insert((*from, *to)),
            Input::Heal => {
                let had = !self.blocked.is_empty();
                self.blocked.clear();
                had
            }
            Input::LinkLoss {
                from,
                to,
                per_mille,
            } => {
                self.link_loss.insert((*from, *to), *per_mille);
                true
            }
            // A drop of a message in flight is its own event (see `step`); here it missed.
            Input::Drop { .. } => false,
            Input::Duplicate { msg } => match self.in_flight.get(msg).cloned() {
                Some(m) => {
                    self.send(m.from, m.to, m.body, scratch);
                    true
                }
                None => false,
            },
            Input::Delay { msg, ticks } => match self.in_flight.get_mut(msg) {
                Some(m) => {
                    let due = self.queue.remove(&(m.deliver_at, m.seq)).expect("queued");
                    m.deliver_at = Tick(m.deliver_at.0 + ticks);
                    m.seq = self.seq;
                    self.seq += 1;
                    self.queue.insert((m.deliver_at, m.seq), due);
                    true
                }
                None => false,
            },
        }
    }

    /// The output buffer for starting or restarting `node` now: the clock, and a seed mixed
    /// from the run's seed, the node and the time (SplitMix64), drawn without touching the
    /// world's own generator, so runs of protocols that never use it are unchanged.
    fn out_for(&self, node: NodeId) -> Out<P> {
        let z =
            self.seed ^ (u64::from(node.0) << 48) ^ self.time.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        Out::at(self.time.0, super::rng::mix64(z))
    }

    fn apply_effects(&mut self, node: NodeId, out: Out<P>, scratch: &mut Scratch<P>) {
        for effect in out.effects {
            match effect {
                Effect::Send { to, msg } => self.send(node, to, msg, scratch),
                Effect::SetTimer { timer, min, max } => {
                    let at = Tick(self.time.0 + self.rng.range(min, max));
                    let slot = &mut self.nodes[node.index()];
                    if let Some(old) = slot.timer_seq.remove(&timer) {
                        self.queue.remove(&(slot.timers[&timer].due, old));
                    }
                    slot.timers.insert(
                        timer.clone(),
                        TimerSpan {
                            set_at: self.time,
                            due: at,
                        },
                    );
                    slot.timer_seq.insert(timer.clone(), self.seq);
                    self.queue
                        .insert((at, self.seq), Due::Timer(node, timer.clone()));
                    self.seq += 1;
                    scratch.timers_set.push((node, timer, at));
                }
                Effect::CancelTimer { timer } => {
                    let slot = &mut self.nodes[node.index()];
                    if let Some(seq) = slot.timer_seq.remove(&timer) {
                        let at = slot
                            .timers
                            .remove(&timer)
                            .expect("armed timer has a deadline");
                        self.queue.remove(&(at.due, seq));
                    }
                }
                Effect::Persist => {
                    let slot = &mut self.nodes[node.index()];
                    P::persist(
                        slot.state.as_ref().expect("a live node persists"),
                        &mut slot.disk,
                    );
                    if !scratch.persisted.contains(&node) {
                        scratch.persisted.push(node);
                    }
                }
                Effect::Note(note) => scratch.notes.push((node, note)),
            }
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, body: P::Msg, scratch: &mut Scratch<P>) {
        let latency = self
            .rng
            .range(self.net.latency_ticks_min, self.net.latency_ticks_max);
        let id = MsgId(self.next_msg);
        self.next_msg += 1;
        let deliver_at = Tick(self.time.0 + latency);
        self.queue.insert((deliver_at, self.seq), Due::Deliver(id));
        let m = InFlight::<P> {
            from,
            to,
            body,
            sent_at: self.time,
            deliver_at,
            seq: self.seq,
        };
        self.seq += 1;
        scratch.sent.push(Sent {
            msg: id,
            from,
            to,
            body: m.body.clone(),
            deliver_at,
        });
        self.in_flight.insert(id, m);
    }

    fn check(&mut self, notes: &[(NodeId, P::Note)], step: u64) -> Vec<Violation<P>> {
        let mut found = Vec::new();
        P::check(&self.cfg, &mut self.ghost, &self.nodes, notes, &mut found);
        found
            .into_iter()
            .map(|(invariant, detail)| {
                let first = &mut self.first_violation[invariant.index()];
                first.get_or_insert(step);
                Violation {
                    invariant,
                    step,
                    detail,
                }
            })
            .collect()
    }
}

/// What a step collects while it applies effects.
struct Scratch<P: Protocol> {
    sent: Vec<Sent<P>>,
    timers_set: Vec<(NodeId, P::Timer, Tick)>,
    persisted: Vec<NodeId>,
    notes: Vec<(NodeId, P::Note)>,
}

impl<P: Protocol> Default for Scratch<P> {
    fn default() -> Self {
        Scratch {
            sent: Vec::new(),
            timers_set: Vec::new(),
            persisted: Vec::new(),
            notes: Vec::new(),
        }
    }
}
