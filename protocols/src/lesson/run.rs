//! Playing a lesson's beats on a recorded [`History`]: the page does it a beat at a time
//! as the student goes; [`walk`] does it all the way, taking every hint, to test a lesson.

use super::{Beat, Kind, Lesson};
use crate::script::{node_named, Driver, Scripted, Setup, NOT_MET};
use crate::sim::history::{History, RunSpec};
use crate::sim::{Event, Input, Invariant, NodeId, Protocol};

/// The lesson's way of driving a run: the script commands of [`crate::script`].
#[derive(Clone)]
pub struct Runner<P: Scripted> {
    driver: Driver<P>,
    cfg: P::Config,
}

/// A `try drop KIND [to=X] [from=X]`: any message of that kind (its transcript's first
/// word), on that link.
struct DropPattern<'a> {
    kind: &'a str,
    to: Option<&'a str>,
    from: Option<&'a str>,
}

fn drop_pattern(cmd: &str) -> Option<DropPattern<'_>> {
    let mut w = cmd.split_whitespace();
    if w.next() != Some("drop") {
        return None;
    }
    let kind = w
        .next()
        .filter(|k| !k.starts_with('#') && !k.contains('='))?;
    let mut p = DropPattern {
        kind,
        to: None,
        from: None,
    };
    for word in w {
        match word.split_once('=') {
            Some(("to", v)) => p.to = Some(v),
            Some(("from", v)) => p.from = Some(v),
            _ => return None,
        }
    }
    Some(p)
}

/// An input as the lesson compares it: a partition's groups in any order, the nodes it
/// leaves out as a group of their own (the page partitions one side from the rest).
fn normal<P: Protocol>(input: &Input<P>, nodes: usize) -> Input<P> {
    let Input::Partition { groups } = input else {
        return input.clone();
    };
    let mut groups: Vec<Vec<NodeId>> = groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let mut g = g.clone();
            g.sort();
            g
        })
        .collect();
    let rest: Vec<NodeId> = (0..nodes as u32)
        .map(NodeId)
        .filter(|n| !groups.iter().any(|g| g.contains(n)))
        .collect();
    if !rest.is_empty() {
        groups.push(rest);
    }
    groups.sort();
    Input::Partition { groups }
}

impl<P: Scripted> Runner<P> {
    pub fn new(cfg: P::Config) -> Self {
        Runner {
            driver: Driver::silent(cfg.clone()),
            cfg,
        }
    }

    /// The run a lesson's settings start (`config`, `net` and `seed` lines, as in a
    /// golden script).
    pub fn spec(lesson: &Lesson) -> Result<RunSpec<P>, String> {
        let mut setup = Setup::<P>::default();
        for line in &lesson.setup {
            if !setup.apply(line)? {
                return Err(format!("`{line}`: not a setting"));
            }
        }
        Ok(setup.spec())
    }

    /// Plays `commands` from the cursor, after dropping the recorded future (a beat
    /// taken again takes the lesson's path, not the one the student tried). A `lag`
    /// lasts until the commands end. A `run until=` whose condition is not met in its
    /// step budget is an error.
    pub fn play(&mut self, h: &mut History<P>, commands: &[&str]) -> Result<(), String> {
        h.truncate();
        self.driver.slow = None;
        let mut result = Ok(());
        for c in commands {
            match self.driver.exec(h, c) {
                Ok(s) if s.ends_with(NOT_MET) => {
                    result = Err(format!("`{c}`: the condition was not met in time"));
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    result = Err(format!("`{c}`: {e}"));
                    break;
                }
            }
        }
        self.driver.slow = None;
        result
    }

    /// Whether `cond` holds at the cursor (`note(…)` asks about the step just taken).
    pub fn holds(&self, h: &History<P>, cond: &str) -> Result<bool, String> {
        let last = h.cursor().checked_sub(1).and_then(|s| h.record(s));
        self.driver.holds(h.world(), last.as_ref(), cond)
    }

    /// Checks that `cmd` can be waited for: a single input, or a drop pattern.
    pub fn expected(&self, cmd: &str) -> Result<Option<Input<P>>, String> {
        if let Some(p) = drop_pattern(cmd) {
            for name in [p.to, p.from].into_iter().flatten() {
                node_named::<P>(&self.cfg, name)?;
            }
            return Ok(None);
        }
        match self.driver.input(cmd)? {
            Some(input) => Ok(Some(input)),
            None => Err(format!("`{cmd}` is not one input a student can give")),
        }
    }

    /// Whether the student gave the input `cmd` asks for at a step in `from..cursor`.
    pub fn done(&self, h: &History<P>, from: u64, cmd: &str) -> bool {
        let name = |id| P::name(&self.cfg, id);
        let nodes = P::node_count(&self.cfg);
        let pattern = drop_pattern(cmd);
        let want = match &pattern {
            Some(_) => None,
            None => match self.expected(cmd) {
                Ok(Some(input)) => Some(normal(&input, nodes)),
                _ => return false,
            },
        };
        h.records(from..h.cursor())
            .any(|r| match (&r.event, &pattern, &want) {
                (Event::Dropped { from, to, body, .. }, Some(p), _) => {
                    body.to_string().split_whitespace().next() == Some(p.kind)
                        && p.to.is_none_or(|n| name(*to).eq_ignore_ascii_case(n))
                        && p.from.is_none_or(|n| name(*from).eq_ignore_ascii_case(n))
                }
                (Event::Dropped { msg, .. }, None, Some(w)) => *w == Input::Drop { msg: *msg },
                (Event::Input { input, .. }, None, Some(w)) => normal(input, nodes) == *w,
                _ => false,
            })
    }

    /// Gives the input `cmd` asks for, as "Show me" does: for a drop pattern, of the
    /// matching message that arrives first.
    pub fn show_me(&mut self, h: &mut History<P>, cmd: &str) -> Result<(), String> {
        let input = match drop_pattern(cmd) {
            Some(p) => {
                let name = |id| P::name(&self.cfg, id);
                let msg = h
                    .world()
                    .in_flight()
                    .iter()
                    .filter(|(_, m)| {
                        m.body.to_string().split_whitespace().next() == Some(p.kind)
                            && p.to.is_none_or(|n| name(m.to).eq_ignore_ascii_case(n))
                            && p.from.is_none_or(|n| name(m.from).eq_ignore_ascii_case(n))
                    })
                    .min_by_key(|(id, m)| (m.deliver_at, **id))
                    .map(|(id, _)| *id)
                    .ok_or_else(|| format!("`{cmd}`: no such message is in flight"))?;
                Input::Drop { msg }
            }
            None => self.expected(cmd)?.expect("not a pattern"),
        };
        h.inject(input).map_err(|e| e.to_string())
    }

    /// Checks a beat's `show=` names: nodes, `grid`, `charts`, `NODE:INDEX` (a log grid
    /// entry), `inv=NAME`, `msg=KIND`.
    fn check_show(&self, beat: &Beat) -> Result<(), String> {
        for s in &beat.show {
            match s.split_once('=') {
                Some(("inv", name)) => {
                    if !P::Invariant::ALL.iter().any(|i| i.name() == name) {
                        return Err(format!("show=inv={name}: no such invariant"));
                    }
                }
                Some(("msg", _)) => {}
                Some(_) => return Err(format!("show={s}: not a node, grid, charts, inv= or msg=")),
                None if *s == "grid" || *s == "charts" => {}
                None if s.contains(':') => {
                    let (node, index) = s.split_once(':').expect("checked");
                    node_named::<P>(&self.cfg, node)?;
                    index
                        .parse::<u64>()
                        .map_err(|_| format!("show={s}: not NODE:INDEX"))?;
                }
                None => {
                    node_named::<P>(&self.cfg, s)?;
                }
            }
        }
        Ok(())
    }
}

/// A lesson walked to its end, every hint taken.
pub struct Walked<P: Protocol> {
    /// The step each beat began at.
    pub entries: Vec<u64>,
    /// The whole run: the lesson's end state as a scenario.
    pub spec: RunSpec<P>,
    /// Steps recorded.
    pub steps: u64,
}

/// Walks `lesson` the way its hints say: every `run until=` is reached in its step
/// budget, every prediction's `check` holds after its reveal, every `try` is satisfied
/// by its own "Show me" (and not already before it), every `show=` names something.
pub fn walk<P: Scripted>(lesson: &Lesson) -> Result<Walked<P>, String> {
    let spec = Runner::<P>::spec(lesson)?;
    let mut h = History::new(spec.clone()).map_err(|e| e.to_string())?;
    let mut r = Runner::new(spec.cfg);
    let mut entries = Vec::new();
    for (i, b) in lesson.beats.iter().enumerate() {
        let at = |e: String| format!("beat {} (line {}): {e}", i + 1, b.line);
        r.check_show(b).map_err(at)?;
        entries.push(h.cursor());
        match &b.kind {
            Kind::Say => r.play(&mut h, &b.commands).map_err(at)?,
            Kind::Predict { check, .. } => {
                r.play(&mut h, &b.commands).map_err(at)?;
                if let Some(c) = check {
                    if !r.holds(&h, c).map_err(at)? {
                        return Err(at(format!("check={c} does not hold after the reveal")));
                    }
                }
            }
            Kind::Try(cmd) => {
                h.truncate();
                let from = h.cursor();
                r.expected(cmd).map_err(at)?;
                r.show_me(&mut h, cmd).map_err(at)?;
                if !r.done(&h, from, cmd) {
                    return Err(at(format!("`{cmd}`: its own input does not satisfy it")));
                }
            }
        }
    }
    Ok(Walked {
        entries,
        spec: h.spec().clone(),
        steps: h.len(),
    })
}
