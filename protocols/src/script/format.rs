//! A step as transcript lines: the event on one line (messages by their `Display`), then
//! each note and each broken invariant on a line of its own. Notes, timers and requests
//! are written from their serialized form (`became_candidate term=2`), so a new note
//! needs no code here.

use super::Scripted;
use crate::sim::{Event, Input, Invariant, LossReason, NodeId, StepRecord};
use serde::Serialize;
use serde_json::Value;
use std::fmt::{self, Display};

/// A serializable value written compactly: a tagged enum as its tag then `field=value`
/// pairs, with the fields in `names` (node ids) written as node names.
struct Compact<'a, T: Serialize> {
    value: &'a T,
    names: &'a dyn Fn(&str, &Value) -> Option<String>,
}

impl<T: Serialize> Display for Compact<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = serde_json::to_value(self.value).map_err(|_| fmt::Error)?;
        write_value(f, &v, self.names)
    }
}

fn write_value(
    f: &mut fmt::Formatter<'_>,
    v: &Value,
    names: &dyn Fn(&str, &Value) -> Option<String>,
) -> fmt::Result {
    match v {
        Value::String(s) => f.write_str(s),
        Value::Object(m) => {
            // A tagged enum: the tag's value first ("note", "request", "kind"), or an
            // externally tagged one ({"await_decision": 3}).
            let tag = ["note", "request", "kind", "type", "timer", "op"]
                .iter()
                .find_map(|k| m.get_key_value(*k).filter(|(_, x)| x.is_string()));
            if let (None, 1) = (tag, m.len()) {
                let (k, x) = m.iter().next().expect("one entry");
                write!(f, "{k} ")?;
                return write_value(f, x, names);
            }
            let mut first = true;
            if let Some((_, t)) = tag {
                f.write_str(t.as_str().expect("a string"))?;
                first = false;
            }
            for (k, x) in m {
                if tag.is_some_and(|(tk, _)| tk == k) || x.is_null() {
                    continue;
                }
                if !first {
                    f.write_str(" ")?;
                }
                first = false;
                match (names(k, x), x) {
                    (Some(n), _) => write!(f, "{k}={n}")?,
                    (None, Value::Object(_)) => {
                        write!(f, "{k}=(")?;
                        write_value(f, x, names)?;
                        f.write_str(")")?;
                    }
                    (None, _) => write!(f, "{k}={}", scalar(x))?,
                }
            }
            Ok(())
        }
        other => f.write_str(&scalar(other)),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The transcript lines of one step.
pub fn record<P: Scripted>(cfg: &P::Config, r: &StepRecord<P>) -> String {
    let name = |id: NodeId| P::name(cfg, id);
    let names = |field: &str, v: &Value| -> Option<String> {
        if let Some(own) = P::field(field, v) {
            return Some(own);
        }
        if !P::NODE_FIELDS.contains(&field) {
            return None;
        }
        let ids = |v: &Value| v.as_u64().map(|n| name(NodeId(n as u32)));
        match v {
            Value::Array(a) => {
                let all: Option<Vec<String>> = a.iter().map(ids).collect();
                all.map(|v| format!("[{}]", v.join(",")))
            }
            other => ids(other),
        }
    };
    let event = match &r.event {
        Event::Delivered {
            msg,
            from,
            to,
            body,
            ..
        } => format!("{}→{} #{} {body}", name(*from), name(*to), msg.0),
        Event::Lost {
            msg,
            from,
            to,
            body,
            reason,
        } => {
            let why = match reason {
                LossReason::Partitioned => "partitioned",
                LossReason::DestinationDown => "destination down",
                LossReason::RandomLoss => "lost at random",
            };
            format!(
                "{}→{} #{} {body} LOST ({why})",
                name(*from),
                name(*to),
                msg.0
            )
        }
        Event::Dropped {
            msg,
            from,
            to,
            body,
        } => format!("{}→{} #{} {body} DROPPED", name(*from), name(*to), msg.0),
        Event::TimerFired { node, timer } => {
            format!("{} timer {}", name(*node), compact(timer, &names))
        }
        Event::Input { input, applied } => {
            let what = match input {
                Input::Crash { node } => format!("crash {}", name(*node)),
                Input::Restart { node } => format!("restart {}", name(*node)),
                Input::Heal => "heal".into(),
                Input::Partition { groups } => {
                    let g: Vec<String> = groups
                        .iter()
                        .map(|g| g.iter().map(|n| name(*n)).collect::<Vec<_>>().join(","))
                        .collect();
                    format!("partition {}", g.join(" | "))
                }
                Input::Cut { from, to } => format!("cut {}→{}", name(*from), name(*to)),
                Input::Drop { msg } => format!("drop #{}", msg.0),
                Input::Duplicate { msg } => format!("duplicate #{}", msg.0),
                Input::Delay { msg, ticks } => format!("delay #{} by {ticks}", msg.0),
                Input::LinkLoss {
                    from,
                    to,
                    per_mille,
                } => format!("loss {}→{} {per_mille}‰", name(*from), name(*to)),
                Input::Request { node, request } => {
                    format!("{} ← {}", name(*node), compact(request, &names))
                }
            };
            match applied {
                true => what,
                false => format!("{what} (no effect)"),
            }
        }
    };
    let mut s = format!("{} t={} {event}\n", r.step, r.time.0);
    for (node, note) in &r.notes {
        s.push_str(&format!("    {} {}\n", name(*node), compact(note, &names)));
    }
    for v in &r.violations {
        let inv = v.invariant.name();
        s.push_str(&format!(
            "    BROKEN {inv}: {}\n",
            compact(&v.detail, &names)
        ));
    }
    s
}

/// `value` written compactly, with node fields named by `names`.
fn compact<T: Serialize>(value: &T, names: &dyn Fn(&str, &Value) -> Option<String>) -> String {
    Compact { value, names }.to_string()
}
