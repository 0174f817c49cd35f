//! A sentence for every recorded step, from the lab's words.

use super::Sim;
use crate::i18n::{count, fill, push_sentence, Catalog};
use crate::labs::lab::Lab;
use crate::labs::LineKind;
use protocols::sim::{Event, Input, LossReason, NodeId, StepRecord};

impl<P: Lab> Sim<P> {
    /// One sentence (or a few) for one recorded step.
    pub(super) fn sentence(&self, r: &StepRecord<P>, cat: &Catalog) -> (String, LineKind) {
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
                    let why = match input {
                        Input::Crash { .. } => s.why_already_down,
                        Input::Restart { .. } => s.why_already_up,
                        Input::Request { .. } => s.why_node_down,
                        Input::Heal => s.why_nothing_cut,
                        Input::Cut { .. } => s.why_already_cut,
                        _ => s.why_not_in_flight,
                    };
                    push_sentence(&mut t, &fill(s.in_no_effect, &[("why", why)]));
                }
                (t, LineKind::Input)
            }
        };
        for (node, note) in &r.notes {
            push_sentence(&mut text, &P::note_text(self.cfg(), *node, note, cat));
        }
        if r.step < self.history.cursor() {
            let ghost = self.history.world().ghost();
            for o in P::observations(self.cfg(), ghost, r.step, cat) {
                push_sentence(&mut text, &o);
            }
        }
        let mut kind = kind;
        for v in &r.violations {
            let (name, _) = P::invariant_text(v.invariant, cat);
            let detail = P::note_text(self.cfg(), NodeId(0), &v.detail, cat);
            push_sentence(
                &mut text,
                &fill(s.violation, &[("name", name), ("detail", &detail)]),
            );
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
                &[
                    ("id", &msg.0.to_string()),
                    ("ticks", &count(*ticks, s.ticks_one, s.ticks_many)),
                ],
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
