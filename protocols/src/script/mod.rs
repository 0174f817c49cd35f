//! Golden scripts, after etcd raft's data-driven tests: a small command language drives a
//! [`World`], and what happened is written as a compact transcript that is kept on file
//! beside the script (`protocols/testdata/<protocol>/*.txt`). A change in behaviour shows
//! as a diff of readable lines, where a pinned hash could only say *that* something changed.
//!
//! A file is a list of blocks. A block is one or more command lines (lines starting with
//! `#` are comments), a line `----`, and the transcript of those commands, which ends at
//! a blank line. [`run`] executes every block and returns the file with fresh
//! transcripts: the golden test compares it with the file, and `UPDATE_GOLDEN=1` writes
//! it back. Commands (node names as the transcript prints them, `S1` or `P2`):
//!
//! - `config key=value …`: the protocol's configuration (its scenario field names; the
//!   rest keep their defaults), `net key=value …`: the network, `seed N`. They come
//!   before any other command, which starts the world.
//! - `crash X`, `restart X`, `heal`, `partition X,Y | Z`, `cut X Y` (the link X→Y),
//!   `drop #N` (or `drop from=X`: all X has in flight), `duplicate #N`, `delay #N ticks=T`:
//!   faults, as in a scenario.
//! - `run [steps=N] [ticks=T] [until=COND] [max=N] [quiet]`: steps, for at most N steps
//!   or T ticks of virtual time, or until the protocol's condition holds (`leader(S5)`)
//!   or a step takes a note (`note(C,decided_commit)`);
//!   `quiet` prints a summary instead of every event (but every broken invariant).
//! - `stabilize [max=N] [quiet]`: steps until no message is in flight.
//! - `lag KIND ticks=T` (or `lag off`): from now on, every message whose transcript
//!   starts with KIND (`Accept`) is delayed T ticks as it is sent, one step each: an
//!   adversarial network.
//! - `state`: one line per node.
//! - Anything else is the protocol's own: a request to a node (`put S1 x=1`).
//!
//! An event is one line (`17 t=212 S1→S2 #9 AppendEntries t3 prev=1/1 n=1 commit=1`,
//! the message by its `Display`), followed by its notes and any broken invariant.

mod driver;
mod format;
mod session;
mod tag;

use crate::sim::{NodeId, Protocol, World};
pub use driver::{Driver, NOT_MET};
use session::Session;
pub use session::{Drive, Setup};
use std::fmt::Display;

/// A command's words after its name: bare words in order, and `key=value` pairs.
#[derive(Debug, Default)]
pub struct Args {
    pub words: Vec<String>,
    pub pairs: Vec<(String, String)>,
}

impl Args {
    pub(crate) fn parse(rest: &[&str]) -> Args {
        let mut a = Args::default();
        for w in rest {
            match w.split_once('=') {
                Some((k, v)) => a.pairs.push((k.to_string(), v.to_string())),
                None => a.words.push(w.to_string()),
            }
        }
        a
    }
    /// The value of `key=…`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// `key=N` as a number, if given.
    pub fn num(&self, key: &str) -> Result<Option<u64>, String> {
        self.get(key)
            .map(|v| v.parse().map_err(|_| format!("{key}={v}: not a number")))
            .transpose()
    }
    /// A bare word given (`quiet`).
    pub fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }
    /// The `i`th bare word.
    pub fn word(&self, i: usize) -> Result<&str, String> {
        self.words
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| format!("missing argument {}", i + 1))
    }
}

/// What a protocol adds to the script language: names, requests, conditions and state.
pub trait Scripted: Protocol<Msg: Display, Config: crate::sim::schema::Schema> {
    /// A node's name in scripts and transcripts ("S1", "P2", "client").
    fn name(cfg: &Self::Config, id: NodeId) -> String;
    /// Fields of notes and timers that hold a node id: the transcript names the node.
    const NODE_FIELDS: &'static [&'static str] = &[];
    /// A field of a note, timer or request written the protocol's own way (a ballot as
    /// `b2.1`), if it has one.
    fn field(_key: &str, _value: &serde_json::Value) -> Option<String> {
        None
    }
    /// The request `cmd` asks for, and of which node; `None` if `cmd` is not the
    /// protocol's.
    fn request(
        cfg: &Self::Config,
        cmd: &str,
        args: &Args,
    ) -> Option<Result<(NodeId, Self::Request), String>>;
    /// Whether the condition `name(arg)` holds (`until=leader(S5)`).
    fn condition(world: &World<Self>, name: &str, arg: &str) -> Result<bool, String>;
    /// One node's state, on one line.
    fn state(cfg: &Self::Config, id: NodeId, node: &Self::Node) -> String;
}

/// Runs a script of the protocol named `protocol` (a scenario's name): the file with
/// fresh transcripts.
pub fn run(protocol: &str, text: &str) -> Result<String, String> {
    struct Script<'a>(&'a str);
    impl crate::registry::Visit for Script<'_> {
        type Out = String;
        fn visit<P: crate::registry::Engine>(self) -> String {
            run_as::<P>(self.0)
        }
    }
    crate::registry::dispatch(protocol, Script(text))
        .ok_or_else(|| format!("no protocol named {protocol:?}"))
}

/// Runs every block of `text` against one session of `P`.
pub fn run_as<P: Scripted>(text: &str) -> String {
    let mut session = Session::<P>::default();
    let mut out = String::new();
    let mut block: Vec<&str> = Vec::new();
    let mut lines = text.lines().peekable();
    let flush = |session: &mut Session<P>, block: &mut Vec<&str>, out: &mut String| {
        if block.is_empty() {
            return;
        }
        let mut result = String::new();
        for line in block.iter() {
            out.push_str(line);
            out.push('\n');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match session.exec(line) {
                Ok(s) => result.push_str(&s),
                Err(e) => result.push_str(&format!("error: {e}\n")),
            }
        }
        out.push_str("----\n");
        out.push_str(if result.is_empty() { "ok\n" } else { &result });
        out.push('\n');
        block.clear();
    };
    while let Some(line) = lines.next() {
        if line == "----" {
            flush(&mut session, &mut block, &mut out);
            // Skip the old transcript, up to a blank line.
            while lines.next_if(|l| !l.trim().is_empty()).is_some() {}
        } else if line.trim().is_empty() {
            // A block written without its transcript yet ends at a blank line.
            if block.iter().any(|l| !l.starts_with('#')) {
                flush(&mut session, &mut block, &mut out);
            } else if !block.is_empty() {
                block.push(line);
            }
        } else {
            block.push(line);
        }
    }
    if block.iter().any(|l| !l.starts_with('#')) {
        flush(&mut session, &mut block, &mut out);
    } else {
        for l in block {
            out.push_str(l);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `leader(S5)` as ("leader", "S5"); `quiet` as ("quiet", "").
pub(crate) fn parse_condition(s: &str) -> Result<(String, String), String> {
    match s.split_once('(') {
        Some((name, rest)) => {
            let arg = rest
                .strip_suffix(')')
                .ok_or_else(|| format!("{s}: missing )"))?;
            Ok((name.to_string(), arg.to_string()))
        }
        None => Ok((s.to_string(), String::new())),
    }
}

/// The node named `name` among `cfg`'s, for a protocol's own commands.
pub fn node_named<P: Scripted>(cfg: &P::Config, name: &str) -> Result<NodeId, String> {
    let n = P::node_count(cfg) as u32;
    (0..n)
        .map(NodeId)
        .find(|id| P::name(cfg, *id).eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("no node named {name}"))
}
