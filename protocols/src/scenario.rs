//! Scenario files: the one JSON format shared by the UI's export, share links and the
//! `sim` command-line runner. Documented in `docs/scenario-format.md`.

use crate::sim::history::{History, RunSpec, Stamped};
use crate::sim::{ConfigError, Input, NetConfig, Protocol};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version this build reads and writes. Any change that alters a run's trace
/// (the PRNG, the draw order, a protocol's rules) bumps it.
pub const FORMAT_VERSION: u32 = 1;

/// Every protocol name the format knows, built or not.
pub const PROTOCOL_NAMES: [&str; 5] = [
    "two-phase-commit",
    "raft",
    "paxos",
    "sharding",
    "load-balancing",
];

/// Why a scenario could not be read. Each names the problem precisely.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioError {
    /// Not JSON, or a field of the wrong shape (serde's message names line and column).
    Malformed(String),
    UnsupportedVersion {
        got: u64,
    },
    UnknownProtocol(String),
    /// A protocol the format names but this build has no engine for yet.
    NotBuilt(String),
    Config(ConfigError),
    BadInput {
        index: usize,
        problem: String,
    },
    /// Input stamps must rise strictly: one input per step.
    InputsOutOfOrder {
        index: usize,
    },
    TooManySteps {
        got: u64,
        max: u64,
    },
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::Malformed(m) => write!(f, "malformed scenario: {m}"),
            ScenarioError::UnsupportedVersion { got } => {
                write!(f, "scenario format {got} is not supported (this build reads format {FORMAT_VERSION})")
            }
            ScenarioError::UnknownProtocol(p) => {
                write!(
                    f,
                    "unknown protocol \"{p}\" (known: {})",
                    PROTOCOL_NAMES.join(", ")
                )
            }
            ScenarioError::NotBuilt(p) => write!(f, "the {p} engine is not part of this build yet"),
            ScenarioError::Config(e) => write!(f, "impossible configuration: {e}"),
            ScenarioError::BadInput { index, problem } => write!(f, "input #{index}: {problem}"),
            ScenarioError::InputsOutOfOrder { index } => {
                write!(
                    f,
                    "input #{index}: \"at\" must be greater than the previous input's"
                )
            }
            ScenarioError::TooManySteps { got, max } => {
                write!(f, "steps is {got}; at most {max} are allowed")
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

/// The most steps a scenario may ask for.
pub const MAX_STEPS: u64 = 10_000_000;

/// A typed scenario: the run and how many steps to record.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario<P: Protocol> {
    pub spec: RunSpec<P>,
    pub steps: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    format: u64,
    protocol: String,
    seed: u64,
    steps: u64,
    #[serde(default)]
    network: NetConfig,
    #[serde(default)]
    config: Option<Value>,
    #[serde(default)]
    inputs: Vec<Value>,
}

#[derive(Serialize)]
#[serde(bound = "")]
struct Written<'a, P: Protocol> {
    format: u32,
    protocol: &'static str,
    seed: u64,
    steps: u64,
    network: &'a NetConfig,
    config: &'a P::Config,
    inputs: &'a [Stamped<P>],
}

/// Reads the protocol name, checking the version, without decoding the rest.
pub fn protocol_of(text: &str) -> Result<String, ScenarioError> {
    let raw: Raw =
        serde_json::from_str(text).map_err(|e| ScenarioError::Malformed(e.to_string()))?;
    if raw.format != FORMAT_VERSION as u64 {
        return Err(ScenarioError::UnsupportedVersion { got: raw.format });
    }
    if !PROTOCOL_NAMES.contains(&raw.protocol.as_str()) {
        return Err(ScenarioError::UnknownProtocol(raw.protocol));
    }
    Ok(raw.protocol)
}

impl<P: Protocol> Scenario<P> {
    /// Decodes and validates a scenario for protocol `P`.
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let name = protocol_of(text)?;
        if name != P::NAME {
            return Err(ScenarioError::Malformed(format!(
                "expected protocol \"{}\", found \"{name}\"",
                P::NAME
            )));
        }
        let raw: Raw =
            serde_json::from_str(text).map_err(|e| ScenarioError::Malformed(e.to_string()))?;
        if raw.steps > MAX_STEPS {
            return Err(ScenarioError::TooManySteps {
                got: raw.steps,
                max: MAX_STEPS,
            });
        }
        let cfg: P::Config = match raw.config {
            None => P::Config::default(),
            Some(v) => serde_json::from_value(v)
                .map_err(|e| ScenarioError::Malformed(format!("config: {e}")))?,
        };
        raw.network.validate().map_err(ScenarioError::Config)?;
        P::validate(&cfg).map_err(ScenarioError::Config)?;
        let nodes = P::node_count(&cfg);
        let mut inputs: Vec<Stamped<P>> = Vec::with_capacity(raw.inputs.len());
        for (index, v) in raw.inputs.into_iter().enumerate() {
            let stamped = decode_input::<P>(v, nodes)
                .map_err(|problem| ScenarioError::BadInput { index, problem })?;
            if inputs.last().is_some_and(|prev| prev.at >= stamped.at) {
                return Err(ScenarioError::InputsOutOfOrder { index });
            }
            inputs.push(stamped);
        }
        let spec = RunSpec {
            cfg,
            net: raw.network,
            seed: raw.seed,
            inputs,
        };
        Ok(Scenario {
            spec,
            steps: raw.steps,
        })
    }

    /// Writes the scenario in the current format (pretty JSON).
    pub fn to_json(&self) -> String {
        let w = Written::<P> {
            format: FORMAT_VERSION,
            protocol: P::NAME,
            seed: self.spec.seed,
            steps: self.steps,
            network: &self.spec.net,
            config: &self.spec.cfg,
            inputs: &self.spec.inputs,
        };
        serde_json::to_string_pretty(&w).expect("scenarios serialize")
    }

    /// Runs the scenario from the start and returns its recorded history.
    pub fn run(&self) -> Result<History<P>, ConfigError> {
        let mut h = History::new(self.spec.clone())?;
        h.run_to(self.steps);
        Ok(h)
    }
}

fn decode_input<P: Protocol>(v: Value, nodes: usize) -> Result<Stamped<P>, String> {
    let Value::Object(mut map) = v else {
        return Err(
            "an input must be an object like {\"at\": 5, \"kind\": \"crash\", \"node\": 0}".into(),
        );
    };
    let at = match map.remove("at") {
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or_default(),
        Some(_) => {
            return Err("\"at\" must be a whole number (the step the input is applied as)".into())
        }
        None => return Err("missing field \"at\"".into()),
    };
    let input: Input<P> = serde_json::from_value(Value::Object(map)).map_err(|e| e.to_string())?;
    input.validate(nodes).map_err(|e| e.to_string())?;
    Ok(Stamped { at, input })
}
