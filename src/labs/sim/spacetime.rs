//! The space-time diagram's facts from the recorded steps: the one part of the diagram
//! written per protocol (`view_model::spacetime` assembles and draws them).

use super::Sim;
use crate::i18n::Catalog;
use crate::labs::lab::Lab;
use crate::view_model::spacetime::Fact;
use protocols::sim::{Event, Input, MsgId, NodeId, StepRecord};

impl<P: Lab> Sim<P> {
    /// (step, time, facts) for each kept step in `from..to`.
    pub(super) fn facts(&self, from: u64, to: u64, cat: &Catalog) -> Vec<(u64, u64, Vec<Fact>)> {
        self.history
            .records(from..to)
            .map(|r| (r.step, r.time.0, facts_of(&r, cat)))
            .collect()
    }
}

fn facts_of<P: Lab>(r: &StepRecord<P>, cat: &Catalog) -> Vec<Fact> {
    let mut out = Vec::new();
    let ended = |msg: MsgId, from: NodeId, to: NodeId, body: &P::Msg, lost| Fact::Ended {
        id: msg.0,
        from: from.index(),
        to: to.index(),
        label: P::msg_label(body, cat),
        lost,
    };
    let mut node = 0;
    let mut copy = false;
    match &r.event {
        Event::Delivered {
            msg,
            from,
            to,
            body,
        }
        | Event::Lost {
            msg,
            from,
            to,
            body,
            ..
        }
        | Event::Dropped {
            msg,
            from,
            to,
            body,
        } => {
            node = to.index();
            let lost = !matches!(r.event, Event::Delivered { .. });
            out.push(ended(*msg, *from, *to, body, lost));
        }
        Event::TimerFired { node: n, .. } => {
            node = n.index();
            out.push(Fact::Timer { node });
        }
        Event::Input {
            input,
            applied: true,
        } => match input {
            Input::Crash { node: n } => out.push(Fact::Crashed { node: n.index() }),
            Input::Restart { node: n } => out.push(Fact::Restarted { node: n.index() }),
            Input::Partition { .. } | Input::Cut { .. } => out.push(Fact::Split),
            Input::Heal => out.push(Fact::Healed),
            Input::Delay { msg, .. } => out.push(Fact::Delayed { id: msg.0 }),
            Input::Duplicate { .. } => copy = true,
            Input::Request { node: n, .. } => node = n.index(),
            Input::Drop { .. } | Input::LinkLoss { .. } => {}
        },
        Event::Input { .. } => {}
    }
    for s in &r.sent {
        out.push(Fact::Sent {
            id: s.msg.0,
            from: s.from.index(),
            to: s.to.index(),
            label: P::msg_label(&s.body, cat),
            tone: P::msg_tone(&s.body),
            deliver_at: s.deliver_at.0,
            copy,
        });
    }
    if !r.violations.is_empty() {
        out.push(Fact::Broken { node });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::i18n::EN;
    use crate::labs::{LabId, LineKind, UiInput};
    use crate::view_model::spacetime::{build, End, MarkKind};

    /// Every delivery and every loss the event log tells is an arrow of the diagram, from
    /// the lane that sent it to the lane that got it, and a crash is a mark and a span.
    #[test]
    fn the_diagram_tells_what_the_log_tells() {
        for lab in LabId::ALL {
            let mut sim = lab.fresh(1);
            for _ in 0..80 {
                sim.step_forward();
            }
            sim.inject(UiInput::Crash(1)).expect("node 2 can crash");
            for _ in 0..40 {
                sim.step_forward();
            }
            let len = sim.len();
            let steps = sim.space_time(0, len, &EN);
            let nodes = sim.node_names(&EN).len();
            let mut down = vec![false; nodes];
            down[1] = true;
            let st = build(&steps, sim.time(), &down, false);
            let lines = sim.log_lines(0, len, &EN);
            let lost = lines.iter().filter(|l| l.kind == LineKind::Lost).count();
            let ended = st.arrows.iter().filter(|a| a.how != End::InFlight);
            assert_eq!(
                st.arrows.iter().filter(|a| a.how == End::Lost).count(),
                lost,
                "{lab:?}: a loss per lost line"
            );
            assert!(ended.clone().count() > 10, "{lab:?}: deliveries drawn");
            for a in ended {
                assert!(a.sent.is_some(), "{lab:?}: the window starts at step 0");
                assert!(a.sent.unwrap().0 <= a.end.0, "{lab:?}: arrows go down");
                assert!(a.from < nodes && a.to < nodes);
            }
            assert!(st
                .marks
                .iter()
                .any(|m| m.kind == MarkKind::Crash && m.node == 1));
            assert!(
                st.down.iter().any(|d| d.0 == 1 && d.2 == st.t1),
                "{lab:?}: down to the end"
            );
        }
    }
}
