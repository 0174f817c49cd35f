//! The commands after a script's settings (`run`, faults, the protocol's requests,
//! `state`, `lag`), on anything a script can [`Drive`], and the conditions `run until=`
//! and a lesson's checks ask about.

use super::session::Drive;
use super::{format, node_named, parse_condition, Args, Scripted};
use crate::sim::{Input, Invariant, MsgId, NodeId, Protocol, StepRecord, World};

/// Writes one step of a transcript.
type Writer<P> = fn(&<P as Protocol>::Config, &StepRecord<P>) -> String;

/// Runs the commands after the settings, on anything it can [`Drive`].
#[derive(Clone)]
pub struct Driver<P: Protocol> {
    cfg: P::Config,
    /// `lag Accept ticks=40`: every new message of that kind is delayed (an adversary).
    pub slow: Option<(String, u64)>,
    /// How a step is written in the transcript; `None` writes nothing (a lesson in the
    /// page only needs the steps, and leaves the transcript's code out of the site).
    writer: Option<Writer<P>>,
}

impl<P: Scripted> Driver<P> {
    /// A driver that writes a transcript, as golden scripts do.
    pub fn new(cfg: P::Config) -> Self {
        Driver {
            cfg,
            slow: None,
            writer: Some(format::record::<P>),
        }
    }

    /// A driver that writes nothing (lessons).
    pub fn silent(cfg: P::Config) -> Self {
        Driver {
            cfg,
            slow: None,
            writer: None,
        }
    }

    fn node(&self, name: &str) -> Result<NodeId, String> {
        node_named::<P>(&self.cfg, name)
    }

    fn msg(word: &str) -> Result<MsgId, String> {
        word.trim_start_matches('#')
            .parse()
            .map(MsgId)
            .map_err(|_| format!("{word}: not a message id (#N)"))
    }

    fn record(&self, r: &StepRecord<P>) -> String {
        self.writer.map(|w| w(&self.cfg, r)).unwrap_or_default()
    }

    /// The one input a command asks for (`crash S1`, `partition S1,S2 | S3`, `put S1
    /// x=1`), `Ok(None)` if the command is not a single input (`run`, `state`, `drop
    /// from=X`), and an error if it is no command at all.
    pub fn input(&self, line: &str) -> Result<Option<Input<P>>, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (cmd, rest) = words.split_first().ok_or("empty command")?;
        let args = Args::parse(rest);
        let input = match *cmd {
            "run" | "lag" | "stabilize" | "state" => return Ok(None),
            "drop" if args.get("from").is_some() => return Ok(None),
            "crash" => Input::Crash {
                node: self.node(args.word(0)?)?,
            },
            "restart" => Input::Restart {
                node: self.node(args.word(0)?)?,
            },
            "heal" => Input::Heal,
            "cut" => Input::Cut {
                from: self.node(args.word(0)?)?,
                to: self.node(args.word(1)?)?,
            },
            "partition" => {
                let groups = rest
                    .join(" ")
                    .split('|')
                    .map(|g| {
                        g.split([',', ' '])
                            .filter(|s| !s.is_empty())
                            .map(|s| self.node(s))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Input::Partition { groups }
            }
            "drop" => Input::Drop {
                msg: Self::msg(args.word(0)?)?,
            },
            "duplicate" => Input::Duplicate {
                msg: Self::msg(args.word(0)?)?,
            },
            "delay" => Input::Delay {
                msg: Self::msg(args.word(0)?)?,
                ticks: args.num("ticks")?.ok_or("delay needs ticks=T")?,
            },
            other => match P::request(&self.cfg, other, &args) {
                Some(r) => {
                    let (node, request) = r?;
                    Input::Request { node, request }
                }
                None => return Err(format!("unknown command {other:?}")),
            },
        };
        input
            .validate(P::node_count(&self.cfg))
            .map_err(|e| e.to_string())?;
        Ok(Some(input))
    }

    /// Runs one command (not a setting): its transcript.
    pub fn exec(&mut self, d: &mut impl Drive<P>, line: &str) -> Result<String, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (cmd, rest) = words.split_first().ok_or("empty command")?;
        let args = Args::parse(rest);
        match *cmd {
            "run" => return self.run(d, &args),
            "lag" => {
                self.slow = match args.word(0)? {
                    "off" => None,
                    kind => Some((
                        kind.to_string(),
                        args.num("ticks")?.ok_or("lag needs ticks=T")?,
                    )),
                };
                return Ok(String::new());
            }
            "stabilize" => {
                let max = args.num("max")?.unwrap_or(10_000);
                let (log, done) =
                    self.steps(d, max, args.has("quiet"), |w, _| w.in_flight().is_empty());
                return Ok(log + if done { "" } else { "(not stable yet)\n" });
            }
            "state" => return Ok(self.state(d.now())),
            "drop" if args.get("from").is_some() => return self.drop_from(d, &args),
            _ => {}
        }
        let input = self.input(line)?.expect("every other command is an input");
        let r = d.advance(Some(input)).ok_or("the input was not applied")?;
        Ok(self.record(&r))
    }

    /// `drop from=X`: drops every message X has in flight, one step each.
    fn drop_from(&mut self, d: &mut impl Drive<P>, args: &Args) -> Result<String, String> {
        let from = self.node(args.get("from").expect("checked"))?;
        let ids: Vec<MsgId> = d
            .now()
            .in_flight()
            .iter()
            .filter(|(_, m)| m.from == from)
            .map(|(id, _)| *id)
            .collect();
        let mut log = String::new();
        for msg in ids {
            if let Some(r) = d.advance(Some(Input::Drop { msg })) {
                log.push_str(&self.record(&r));
            }
        }
        Ok(log)
    }

    fn run(&mut self, d: &mut impl Drive<P>, args: &Args) -> Result<String, String> {
        let max = args.num("max")?.or(args.num("steps")?).unwrap_or(10_000);
        let until = args.get("until").map(str::to_string);
        if let Some(u) = &until {
            parse_condition(u)?;
        }
        let end = args.num("ticks")?.map(|t| d.now().time.0 + t);
        if until.is_none() && end.is_none() && args.get("steps").is_none() {
            return Err("run needs steps=N, ticks=T or until=COND".into());
        }
        let mut err = None;
        let me = self.clone();
        let (log, done) = self.steps(d, max, args.has("quiet"), |w, r| {
            if end.is_some_and(|e| w.next_due().is_none_or(|t| t.0 > e)) {
                return true;
            }
            let Some(until) = &until else {
                return false;
            };
            me.holds(w, r, until).unwrap_or_else(|e| {
                err = Some(e);
                true
            })
        });
        if let Some(e) = err {
            return Err(e);
        }
        let missed = until.is_some() && !done;
        Ok(log + if missed { NOT_MET } else { "" })
    }

    /// Steps until `done` holds (of the world before each step, or of the step just
    /// taken) or `max` steps: the events, and whether `done` held.
    fn steps(
        &mut self,
        d: &mut impl Drive<P>,
        max: u64,
        quiet: bool,
        mut done: impl FnMut(&World<P>, Option<&StepRecord<P>>) -> bool,
    ) -> (String, bool) {
        let (start, t0) = (d.now().step, d.now().time.0);
        let mut log = String::new();
        let mut held = done(d.now(), None);
        for _ in 0..max {
            if held {
                break;
            }
            let Some(r) = d.advance(None) else { break };
            // Quiet hides events, never a broken invariant.
            if !quiet || !r.violations.is_empty() {
                log.push_str(&self.record(&r));
            }
            held = done(d.now(), Some(&r));
            // The adversary: every new message of the slowed kind waits longer.
            for sent in &r.sent {
                let Some((kind, ticks)) = &self.slow else {
                    break;
                };
                if sent.body.to_string().split(' ').next() == Some(kind.as_str()) {
                    let delay = Input::Delay {
                        msg: sent.msg,
                        ticks: *ticks,
                    };
                    if let Some(r) = d.advance(Some(delay)) {
                        if !quiet {
                            log.push_str(&self.record(&r));
                        }
                    }
                }
            }
        }
        if quiet && self.writer.is_some() {
            let w = d.now();
            log += &format!("{} steps, t={}→{}\n", w.step - start, t0, w.time.0);
        }
        (log, held)
    }

    /// One line per node.
    pub fn state(&self, w: &World<P>) -> String {
        let mut s = String::new();
        for (i, slot) in w.nodes().iter().enumerate() {
            let id = NodeId(i as u32);
            let line = match &slot.state {
                Some(node) => P::state(&self.cfg, id, node),
                None => "down".to_string(),
            };
            s.push_str(&format!("{}: {line}\n", P::name(&self.cfg, id)));
        }
        s
    }

    /// Whether the condition holds now (`leader(S1)`, `not(leader(S1))`); a `note(…)`
    /// asks about the step just taken (`last`).
    pub fn holds(
        &self,
        w: &World<P>,
        last: Option<&StepRecord<P>>,
        cond: &str,
    ) -> Result<bool, String> {
        let (name, arg) = parse_condition(cond)?;
        match name.as_str() {
            "not" => self.holds(w, last, &arg).map(|b| !b),
            "note" => Ok(last.is_some_and(|r| noted::<P>(&self.cfg, r, &arg))),
            "shows" => self.shows(w, &arg),
            "violated" => {
                let i = P::Invariant::ALL
                    .iter()
                    .position(|i| i.name() == arg)
                    .ok_or_else(|| format!("violated({arg}): no such invariant"))?;
                Ok(w.first_violation[i].is_some())
            }
            _ => P::condition(w, &name, &arg),
        }
    }
}

impl<P: Scripted> Driver<P> {
    /// `shows(P1,T1,uncertain)`: the node's state line (as `state` prints it, `down` for
    /// a crashed node) holds each word, in order, as a whole word (`commit=1` is not
    /// found in `commit=10`).
    fn shows(&self, w: &World<P>, arg: &str) -> Result<bool, String> {
        let mut parts = arg.split(',');
        let id = self.node(parts.next().unwrap_or(""))?;
        let line = match &w.nodes()[id.0 as usize].state {
            Some(node) => P::state(&self.cfg, id, node),
            None => "down".to_string(),
        };
        let mut rest = line.as_str();
        for word in parts {
            match whole_word(rest, word) {
                Some(end) => rest = &rest[end..],
                None => return Ok(false),
            }
        }
        Ok(true)
    }
}

/// Where the first whole-word `word` in `text` ends: neither side of it continues a
/// word (a letter, a digit or `_`).
fn whole_word(text: &str, word: &str) -> Option<usize> {
    let part = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let (start, end) = (from + i, from + i + word.len());
        let before = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !part(c) || !word.starts_with(part));
        let after = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !part(c) || !word.ends_with(part));
        if before && after {
            return Some(end);
        }
        from = start + word.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// What a `run until=` says when its step budget ran out first.
pub const NOT_MET: &str = "(condition not met)\n";

/// `note(C,decided_commit)` (or `note(decided_commit)`, any node): the step took a note of
/// that name.
fn noted<P: Scripted>(cfg: &P::Config, r: &StepRecord<P>, arg: &str) -> bool {
    let (who, tag) = match arg.split_once(',') {
        Some((who, tag)) => match node_named::<P>(cfg, who) {
            Ok(n) => (Some(n), tag),
            Err(_) => return false,
        },
        None => (None, arg),
    };
    r.notes.iter().any(|(n, note)| {
        who.is_none_or(|w| w == *n) && super::tag::tag_of(note, "note").as_deref() == Some(tag)
    })
}

#[cfg(test)]
mod tests {
    use super::whole_word;

    #[test]
    fn shows_finds_whole_words_only() {
        assert_eq!(whole_word("leader t3 commit=10", "commit=1"), None);
        assert_eq!(whole_word("leader t3 commit=1 x", "commit=1"), Some(18));
        assert_eq!(whole_word("[t1:noop t1:x=1]", "t1:x=1"), Some(15));
        assert_eq!(whole_word("T10 uncertain, T1 aborted", "T1"), Some(17));
        assert_eq!(
            whole_word("queued=15", "queued="),
            Some(7),
            "a word ending in = may be followed by its value"
        );
    }
}
