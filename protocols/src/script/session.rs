//! One script's run: the settings, the world, and what each command does to them.

use super::{format, node_named, parse_condition, Args, Scripted};
use crate::sim::{Input, MsgId, NetConfig, NodeId, Protocol, StepRecord, World};
use serde_json::{Map, Value};

/// One script's state: the settings, then (after the first other command) the world.
pub(super) struct Session<P: Protocol> {
    cfg: P::Config,
    net: NetConfig,
    seed: u64,
    /// `lag Accept ticks=40`: every new message of that kind is delayed (an adversary).
    slow: Option<(String, u64)>,
    world: Option<World<P>>,
}

impl<P: Protocol> Default for Session<P> {
    fn default() -> Self {
        Session {
            cfg: P::Config::default(),
            net: NetConfig::default(),
            seed: 1,
            slow: None,
            world: None,
        }
    }
}

/// `value` with the `key=value` pairs set (a value is read as JSON when it parses, as a
/// string otherwise).
fn merged<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: &T,
    args: &Args,
) -> Result<T, String> {
    let mut v = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let obj: &mut Map<String, Value> = v.as_object_mut().ok_or("not an object")?;
    for (k, raw) in &args.pairs {
        if !obj.contains_key(k) {
            return Err(format!("no setting named {k}"));
        }
        let val = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.clone()));
        obj.insert(k.clone(), val);
    }
    serde_json::from_value(v).map_err(|e| e.to_string())
}

impl<P: Scripted> Session<P> {
    fn node(&self, name: &str) -> Result<NodeId, String> {
        node_named::<P>(&self.cfg, name)
    }

    fn msg(word: &str) -> Result<MsgId, String> {
        word.trim_start_matches('#')
            .parse()
            .map(MsgId)
            .map_err(|_| format!("{word}: not a message id (#N)"))
    }

    fn world(&mut self) -> Result<&mut World<P>, String> {
        if self.world.is_none() {
            let w = World::new(self.cfg.clone(), self.net.clone(), self.seed)
                .map_err(|e| e.to_string())?;
            self.world = Some(w);
        }
        Ok(self.world.as_mut().expect("just made"))
    }

    fn settings(&mut self) -> Result<(), String> {
        match self.world {
            Some(_) => Err("settings come before the run starts".into()),
            None => Ok(()),
        }
    }

    pub(super) fn exec(&mut self, line: &str) -> Result<String, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (cmd, rest) = words.split_first().ok_or("empty command")?;
        let args = Args::parse(rest);
        let input = match *cmd {
            "config" => {
                self.settings()?;
                self.cfg = merged(&self.cfg, &args)?;
                P::validate(&self.cfg).map_err(|e| e.to_string())?;
                return Ok(String::new());
            }
            "net" => {
                self.settings()?;
                self.net = merged(&self.net, &args)?;
                self.net.validate().map_err(|e| e.to_string())?;
                return Ok(String::new());
            }
            "seed" => {
                self.settings()?;
                self.seed = args.word(0)?.parse().map_err(|_| "seed: not a number")?;
                return Ok(String::new());
            }
            "run" => return self.run(&args),
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
                    self.steps(max, args.has("quiet"), |w, _| w.in_flight().is_empty())?;
                return Ok(log + if done { "" } else { "(not stable yet)\n" });
            }
            "state" => return self.state(),
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
            "drop" if args.get("from").is_some() => return self.drop_from(&args),
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
        let nodes = P::node_count(&self.cfg);
        input.validate(nodes).map_err(|e| e.to_string())?;
        let cfg = self.cfg.clone();
        let w = self.world()?;
        let r = w.step(Some(input)).expect("an input is a step");
        Ok(format::record::<P>(&cfg, &r))
    }

    /// `drop from=X`: drops every message X has in flight, one step each.
    fn drop_from(&mut self, args: &Args) -> Result<String, String> {
        let from = self.node(args.get("from").expect("checked"))?;
        let cfg = self.cfg.clone();
        let w = self.world()?;
        let ids: Vec<MsgId> = w
            .in_flight()
            .iter()
            .filter(|(_, m)| m.from == from)
            .map(|(id, _)| *id)
            .collect();
        let mut log = String::new();
        for msg in ids {
            let r = w
                .step(Some(Input::Drop { msg }))
                .expect("an input is a step");
            log.push_str(&format::record::<P>(&cfg, &r));
        }
        Ok(log)
    }

    fn run(&mut self, args: &Args) -> Result<String, String> {
        let max = args.num("max")?.or(args.num("steps")?).unwrap_or(10_000);
        let until = args.get("until").map(parse_condition).transpose()?;
        let end = match args.num("ticks")? {
            Some(t) => Some(self.world()?.time.0 + t),
            None => None,
        };
        if until.is_none() && end.is_none() && args.get("steps").is_none() {
            return Err("run needs steps=N, ticks=T or until=COND".into());
        }
        let mut err = None;
        let cfg = self.cfg.clone();
        let (log, done) = self.steps(max, args.has("quiet"), |w, r| {
            if end.is_some_and(|e| w.next_due().is_none_or(|t| t.0 > e)) {
                return true;
            }
            let Some((name, arg)) = &until else {
                return false;
            };
            if name == "note" {
                return r.is_some_and(|r| noted::<P>(&cfg, r, arg));
            }
            P::condition(w, name, arg).unwrap_or_else(|e| {
                err = Some(e);
                true
            })
        })?;
        if let Some(e) = err {
            return Err(e);
        }
        let missed = until.is_some() && !done;
        Ok(log + if missed { "(condition not met)\n" } else { "" })
    }

    /// Steps until `done` holds (of the world before each step, or of the step just
    /// taken) or `max` steps: the events, and whether `done` held.
    fn steps(
        &mut self,
        max: u64,
        quiet: bool,
        mut done: impl FnMut(&World<P>, Option<&StepRecord<P>>) -> bool,
    ) -> Result<(String, bool), String> {
        let cfg = self.cfg.clone();
        let slow = self.slow.clone();
        let w = self.world()?;
        let (start, t0) = (w.step, w.time.0);
        let mut log = String::new();
        let mut held = done(w, None);
        for _ in 0..max {
            if held {
                break;
            }
            let Some(r) = w.step(None) else { break };
            // Quiet hides events, never a broken invariant.
            if !quiet || !r.violations.is_empty() {
                log.push_str(&format::record::<P>(&cfg, &r));
            }
            held = done(w, Some(&r));
            // The adversary: every new message of the slowed kind waits longer.
            for sent in &r.sent {
                let Some((kind, ticks)) = &slow else { break };
                if sent.body.to_string().split(' ').next() == Some(kind.as_str()) {
                    let delay = Input::Delay {
                        msg: sent.msg,
                        ticks: *ticks,
                    };
                    let d = w.step(Some(delay)).expect("an input is a step");
                    if !quiet {
                        log.push_str(&format::record::<P>(&cfg, &d));
                    }
                }
            }
        }
        if quiet {
            log += &format!("{} steps, t={}→{}\n", w.step - start, t0, w.time.0);
        }
        Ok((log, held))
    }

    fn state(&mut self) -> Result<String, String> {
        let cfg = self.cfg.clone();
        let w = self.world()?;
        let mut s = String::new();
        for (i, slot) in w.nodes().iter().enumerate() {
            let id = NodeId(i as u32);
            let line = match &slot.state {
                Some(node) => P::state(&cfg, id, node),
                None => "down".to_string(),
            };
            s.push_str(&format!("{}: {line}\n", P::name(&cfg, id)));
        }
        Ok(s)
    }
}

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
        who.is_none_or(|w| w == *n)
            && serde_json::to_value(note).is_ok_and(|v| v["note"].as_str() == Some(tag))
    })
}
