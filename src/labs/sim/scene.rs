//! What the canvas and the inspector show at the cursor.

use super::Sim;
use crate::i18n::{count, fill, Catalog};
use crate::labs::lab::Lab;
use crate::labs::LabSim;
use crate::labs::{
    Inspector, InvariantView, LostView, MsgView, NodeView, Row, Scene, Tone, LOG_ON_CANVAS,
    MAX_DRAWN_MESSAGES,
};
use protocols::sim::{Event, Invariant, MsgId, NodeId, Tick};

impl<P: Lab> Sim<P> {
    pub(super) fn build_scene(&self, cat: &Catalog) -> Scene {
        let world = self.history.world();
        let cfg = self.cfg();
        let points = P::layout(cfg);
        let nodes = world
            .nodes()
            .iter()
            .enumerate()
            .map(|(index, slot)| {
                let id = NodeId(index as u32);
                let (status, tone, badges) = match &slot.state {
                    Some(node) => {
                        P::node_status(cfg, id, node, slot, world.ghost(), world.metrics(), cat)
                    }
                    None => (cat.sim.crashed.to_string(), Tone::Down, Vec::new()),
                };
                let (log_hidden, log) = P::node_log(cfg, id, slot, LOG_ON_CANVAS, cat);
                let timer = slot
                    .timers
                    .values()
                    .min_by_key(|s| s.due)
                    .map(|s| (s.set_at.0, s.due.0));
                NodeView {
                    id: index,
                    name: P::node_name(cfg, id, cat),
                    status,
                    tone,
                    up: slot.is_up(),
                    at: points[index],
                    badges,
                    timer,
                    log,
                    log_hidden,
                }
            })
            .collect();
        // A world can hold 200,000 messages in flight: draw those arriving soonest.
        // Chosen by (arrival, id) keys alone: one selection and sort in the download for
        // every protocol, rather than one per message type.
        let in_flight = world.in_flight();
        let mut soonest: Vec<(Tick, MsgId)> = in_flight
            .iter()
            .map(|(id, m)| (m.deliver_at, *id))
            .collect();
        let messages_hidden = soonest.len().saturating_sub(MAX_DRAWN_MESSAGES);
        if messages_hidden > 0 {
            soonest.select_nth_unstable(MAX_DRAWN_MESSAGES);
            soonest.truncate(MAX_DRAWN_MESSAGES);
            soonest.sort_unstable_by_key(|&(_, id)| id);
        }
        let messages = soonest
            .into_iter()
            .map(|(_, id)| (id, &in_flight[&id]))
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
            .and_then(|i| self.history.record(i));
        let lost = last.as_ref().and_then(|r| match &r.event {
            Event::Lost { from, to, body, .. } | Event::Dropped { from, to, body, .. } => {
                Some(LostView {
                    from: from.index(),
                    to: to.index(),
                    label: P::msg_label(body, cat),
                })
            }
            _ => None,
        });
        let delivered_to = last.as_ref().and_then(|r| match &r.event {
            Event::Delivered { to, .. } => Some(to.index()),
            _ => None,
        });
        let invariants = <P::Invariant as Invariant>::ALL
            .iter()
            .zip(&world.first_violation)
            .map(|(invariant, first)| {
                let (name, help) = P::invariant_text(*invariant, cat);
                InvariantView {
                    key: invariant.name(),
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
            links: P::links(cfg)
                .into_iter()
                .map(|(a, b)| (a.index(), b.index()))
                .collect(),
        }
    }

    pub(super) fn inspector(&self, index: usize, cat: &Catalog) -> Option<Inspector> {
        let world = self.history.world();
        let slot = world.nodes().get(index)?;
        let id = NodeId(index as u32);
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
                        (
                            "left",
                            &count(
                                span.due.0.saturating_sub(now),
                                cat.sim.ticks_one,
                                cat.sim.ticks_many,
                            ),
                        ),
                    ],
                );
                Row::new(P::timer_label(t, cat), due)
            })
            .collect();
        let (status, _, _) = match &slot.state {
            Some(node) => P::node_status(cfg, id, node, slot, world.ghost(), world.metrics(), cat),
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

    pub(super) fn message(&self, id: u64, cat: &Catalog) -> Option<(String, Vec<Row>)> {
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
}
