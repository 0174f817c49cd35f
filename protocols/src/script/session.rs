//! One script's run: the settings, the world, and what each command does to them.
//! The commands themselves are [`Driver`]'s (`driver.rs`), so a lesson can drive a
//! recorded history with the same words a golden script drives a bare world.

use super::driver::Driver;
use super::{Args, Scripted};
use crate::sim::history::{History, RunSpec};
use crate::sim::schema::{FieldKind, Schema};
use crate::sim::{Input, NetConfig, Protocol, StepRecord, World};

/// What a script drives: a bare [`World`] (golden scripts) or a recorded [`History`]
/// (lessons, in the page).
pub trait Drive<P: Protocol> {
    /// The world as it is now.
    fn now(&self) -> &World<P>;
    /// One step: `input` applied now, or else the next event. `None` when nothing is
    /// left to happen.
    fn advance(&mut self, input: Option<Input<P>>) -> Option<StepRecord<P>>;
}

impl<P: Protocol> Drive<P> for World<P> {
    fn now(&self) -> &World<P> {
        self
    }
    fn advance(&mut self, input: Option<Input<P>>) -> Option<StepRecord<P>> {
        self.step(input)
    }
}

impl<P: Protocol> Drive<P> for History<P> {
    fn now(&self) -> &World<P> {
        self.world()
    }
    /// Stepping inside the recorded future replays it; an input forks there.
    fn advance(&mut self, input: Option<Input<P>>) -> Option<StepRecord<P>> {
        let moved = match input {
            Some(input) => self.inject(input).is_ok(),
            None => self.step_forward(),
        };
        moved.then(|| self.record(self.cursor() - 1)).flatten()
    }
}

/// The settings a script (or a lesson) gives before its run starts: `config`, `net` and
/// `seed` lines.
pub struct Setup<P: Protocol> {
    pub cfg: P::Config,
    pub net: NetConfig,
    pub seed: u64,
}

impl<P: Protocol> Default for Setup<P> {
    fn default() -> Self {
        Setup {
            cfg: P::Config::default(),
            net: NetConfig::default(),
            seed: 1,
        }
    }
}

impl<P: Protocol<Config: Schema>> Setup<P> {
    /// Applies a settings line; `Ok(false)` if `line` is not one.
    pub fn apply(&mut self, line: &str) -> Result<bool, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((cmd, rest)) = words.split_first() else {
            return Ok(false);
        };
        let args = Args::parse(rest);
        match *cmd {
            "config" => {
                for (key, raw) in &args.pairs {
                    set_field(&mut self.cfg, key, raw)?;
                }
                P::validate(&self.cfg).map_err(|e| e.to_string())?;
            }
            "net" => {
                for (key, raw) in &args.pairs {
                    set_net(&mut self.net, key, raw)?;
                }
                self.net.validate().map_err(|e| e.to_string())?;
            }
            "seed" => self.seed = args.word(0)?.parse().map_err(|_| "seed: not a number")?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The run these settings start, with no inputs yet.
    pub fn spec(&self) -> RunSpec<P> {
        RunSpec {
            cfg: self.cfg.clone(),
            net: self.net.clone(),
            seed: self.seed,
            inputs: Vec::new(),
        }
    }
}

/// One script's state: the settings, then (after the first other command) the world.
pub(super) struct Session<P: Scripted> {
    setup: Setup<P>,
    driver: Option<Driver<P>>,
    world: Option<World<P>>,
}

impl<P: Scripted> Default for Session<P> {
    fn default() -> Self {
        Session {
            setup: Setup::default(),
            driver: None,
            world: None,
        }
    }
}

impl<P: Scripted> Session<P> {
    pub(super) fn exec(&mut self, line: &str) -> Result<String, String> {
        if self.world.is_none() {
            if self.setup.apply(line)? {
                return Ok(String::new());
            }
            let w = World::new(
                self.setup.cfg.clone(),
                self.setup.net.clone(),
                self.setup.seed,
            )
            .map_err(|e| e.to_string())?;
            self.world = Some(w);
            self.driver = Some(Driver::new(self.setup.cfg.clone()));
        } else if let Some("config" | "net" | "seed") = line.split_whitespace().next() {
            return Err("settings come before the run starts".into());
        }
        let (Some(world), Some(driver)) = (&mut self.world, &mut self.driver) else {
            unreachable!("made above")
        };
        driver.exec(world, line)
    }
}

/// Sets one configuration field through its schema (a toggle as `true`/`false`, a
/// choice by its name, a number as itself).
fn set_field<C: Schema>(cfg: &mut C, key: &str, raw: &str) -> Result<(), String> {
    let field = C::field(key).ok_or_else(|| format!("no setting named {key}"))?;
    let value = match (field.kind, raw) {
        (FieldKind::Toggle, "true") => Some(1),
        (FieldKind::Toggle, "false") => Some(0),
        (FieldKind::Choice { options }, _) => {
            options.iter().position(|o| *o == raw).map(|i| i as u64)
        }
        _ => raw.parse().ok(),
    };
    match value {
        Some(v) if field.apply(cfg, v) => Ok(()),
        _ => Err(format!("{key}={raw}: not a value it takes")),
    }
}

/// Sets one network field.
fn set_net(net: &mut NetConfig, key: &str, raw: &str) -> Result<(), String> {
    let n: u64 = raw
        .parse()
        .map_err(|_| format!("{key}={raw}: not a number"))?;
    match key {
        "latency_ticks_min" => net.latency_ticks_min = n,
        "latency_ticks_max" => net.latency_ticks_max = n,
        "loss_per_mille" => net.loss_per_mille = u16::try_from(n).unwrap_or(u16::MAX),
        _ => return Err(format!("no network setting named {key}")),
    }
    Ok(())
}
