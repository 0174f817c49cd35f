//! Scenario files: the one JSON format shared by the UI's export, share links and the
//! `sim` command-line runner. Documented in `docs/scenario-format.md`.

use crate::sim::history::{History, RunSpec, Stamped};
use crate::sim::{ConfigError, Input, InputShape, NetConfig, Protocol};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version this build reads and writes. Any change that alters a run's trace
/// (the PRNG, the draw order, a protocol's rules) bumps it.
pub const FORMAT_VERSION: u32 = 1;

/// Every protocol name the format knows.
pub use crate::registry::NAMES as PROTOCOL_NAMES;

/// Why one input of a scenario is refused: its JSON has the wrong shape (serde's words,
/// naming the field), or it names what the run does not have (a node past the last).
#[derive(Debug, Clone, PartialEq)]
pub enum InputProblem {
    Shape(String),
    Invalid(ConfigError),
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputProblem::Shape(s) => f.write_str(s),
            InputProblem::Invalid(e) => write!(f, "{e}"),
        }
    }
}

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
        problem: InputProblem,
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

/// Decodes `text` as JSON, then as a `T`, telling a problem in plain words with the
/// field it is in (`config.participants must be a whole number from 0 to 4294967295,
/// not -1`), never in a Rust type's name. `what` prefixes the field's path.
fn decode<T: DeserializeOwned>(what: &str, v: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let mut path = e.path().to_string();
        if e.inner().to_string().starts_with("unknown field") {
            // The path ends at the unknown field itself: name the object it is in.
            path = path
                .rsplit_once('.')
                .map_or(String::new(), |(p, _)| p.to_string());
        }
        let field = match (what.is_empty(), path.as_str()) {
            (_, ".") | (_, "") => what.to_string(),
            (true, p) => p.to_string(),
            (false, p) => format!("{what}.{p}"),
        };
        let problem = plain(&e.into_inner().to_string());
        if field.is_empty() {
            problem
        } else {
            format!("“{field}” {problem}")
        }
    })
}

/// serde's message, in the words of someone who writes JSON rather than Rust.
fn plain(serde: &str) -> String {
    let msg = serde.split(" at line ").next().unwrap_or(serde);
    let expected = |e: &str| -> String {
        let e = e.trim();
        let max = match e {
            "u8" => Some(u8::MAX as u64),
            "u16" => Some(u16::MAX as u64),
            "u32" => Some(u32::MAX as u64),
            "u64" | "usize" => Some(u64::MAX),
            _ => None,
        };
        if let Some(max) = max {
            return format!("a whole number from 0 to {max}");
        }
        if e.starts_with("struct ") || e.starts_with("internally tagged enum") || e == "a map" {
            return "an object ({…})".into();
        }
        match e {
            "a boolean" => "true or false".into(),
            "a sequence" => "a list ([…])".into(),
            _ => e.replace('`', ""),
        }
    };
    let found = |f: &str| {
        f.replace("integer ", "")
            .replace("floating point ", "")
            .replace('`', "")
    };
    if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        if let Some((f, e)) = rest.split_once(", expected ") {
            return format!("must be {}, not {}", expected(e), found(f));
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (name, known) = rest.split_once('`').unwrap_or((rest, ""));
        let known = known
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace('`', "");
        return format!("has a field “{name}” that does not exist here (known: {known})");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (name, known) = rest.split_once('`').unwrap_or((rest, ""));
        let known = known
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace('`', "");
        return format!("is “{name}”, which is not one of: {known}");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        return format!("needs the field “{}”", rest.trim_end_matches('`'));
    }
    msg.to_string()
}

/// Parses the text as JSON (a syntax error names its line and column) and checks that it
/// is an object, as a run is.
fn json_object(text: &str) -> Result<Value, ScenarioError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ScenarioError::Malformed(format!("it is not JSON: {e}")))?;
    if !v.is_object() {
        return Err(ScenarioError::Malformed(
            "a run is a JSON object ({\"format\": 1, \"protocol\": …}), not a list or a value"
                .into(),
        ));
    }
    Ok(v)
}

fn raw(text: &str) -> Result<Raw, ScenarioError> {
    decode("", json_object(text)?).map_err(ScenarioError::Malformed)
}

/// Reads the protocol name, checking the version, without decoding the rest.
pub fn protocol_of(text: &str) -> Result<String, ScenarioError> {
    let raw = raw(text)?;
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
        let raw = raw(text)?;
        if raw.steps > MAX_STEPS {
            return Err(ScenarioError::TooManySteps {
                got: raw.steps,
                max: MAX_STEPS,
            });
        }
        let cfg: P::Config = match raw.config {
            None => P::Config::default(),
            Some(v) => decode("config", v).map_err(ScenarioError::Malformed)?,
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

fn decode_input<P: Protocol>(v: Value, nodes: usize) -> Result<Stamped<P>, InputProblem> {
    let shape = |s: &str| InputProblem::Shape(s.to_string());
    let Value::Object(mut map) = v else {
        return Err(shape(
            "an input must be an object like {\"at\": 5, \"kind\": \"crash\", \"node\": 0}",
        ));
    };
    let at = match map.remove("at") {
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or_default(),
        Some(_) => {
            return Err(shape(
                "\"at\" must be a whole number (the step the input is applied as)",
            ))
        }
        None => return Err(shape("missing field \"at\"")),
    };
    let form: InputShape = decode("", Value::Object(map)).map_err(InputProblem::Shape)?;
    let input: Input<P> = form
        .decode::<P, _>(|r| decode("request", r))
        .map_err(InputProblem::Shape)?;
    input.validate(nodes).map_err(InputProblem::Invalid)?;
    Ok(Stamped { at, input })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::two_phase_commit::TwoPhaseCommit;

    fn problem(json: &str) -> String {
        Scenario::<TwoPhaseCommit>::parse(json)
            .unwrap_err()
            .to_string()
    }

    const BASE: &str = r#""format": 1, "protocol": "two-phase-commit", "seed": 1"#;

    #[test]
    fn every_input_reads_back_as_written() {
        use crate::sim::{MsgId, NodeId};
        use crate::two_phase_commit::msg::Request;
        let (a, b, msg) = (NodeId(0), NodeId(2), MsgId(7));
        let all: Vec<Input<TwoPhaseCommit>> = vec![
            Input::Crash { node: a },
            Input::Restart { node: b },
            Input::Partition {
                groups: vec![vec![a], vec![b, NodeId(1)]],
            },
            Input::Cut { from: a, to: b },
            Input::Heal,
            Input::Drop { msg },
            Input::Duplicate { msg },
            Input::Delay { msg, ticks: 30 },
            Input::LinkLoss {
                from: b,
                to: a,
                per_mille: 250,
            },
            Input::Request {
                node: a,
                request: Request::Submit,
            },
            Input::Request {
                node: b,
                request: Request::SetVote { yes: false },
            },
        ];
        for input in all {
            let json = serde_json::to_value(&input).unwrap();
            let shape: InputShape = decode("", json.clone()).unwrap();
            let back = shape.decode::<TwoPhaseCommit, _>(|r| decode("request", r));
            assert_eq!(back.as_ref(), Ok(&input), "{json}");
        }
    }

    /// Issue 11, item 18: import errors name the field and what it expects, in words,
    /// never a Rust type's name.
    #[test]
    fn a_wrong_field_is_named_with_what_it_expects() {
        let p = problem(&format!(r#"{{{BASE}, "steps": "ten"}}"#));
        assert!(
            p.contains(
                "“steps” must be a whole number from 0 to 18446744073709551615, not string \"ten\""
            ),
            "{p}"
        );
        let p = problem(&format!(
            r#"{{{BASE}, "steps": 5, "config": {{"participants": 18446744073709551615}}}}"#
        ));
        assert!(p.contains("“config.participants” must be a whole number from 0 to 4294967295, not 18446744073709551615"), "{p}");
        let p = problem(&format!(
            r#"{{{BASE}, "steps": 5, "config": {{"participantz": 3}}}}"#
        ));
        assert!(
            p.contains(
                "“config” has a field “participantz” that does not exist here (known: participants"
            ),
            "{p}"
        );
        let p = problem(&format!(
            r#"{{{BASE}, "steps": 5, "network": {{"latency_ticks_min": -1}}}}"#
        ));
        assert!(
            p.contains("“network.latency_ticks_min” must be a whole number"),
            "{p}"
        );
        let p = problem(&format!(
            r#"{{{BASE}, "steps": 5, "inputs": [{{"at": 1, "kind": "explode"}}]}}"#
        ));
        assert!(
            p.contains("input #0: “kind” is “explode”, which is not one of: crash"),
            "{p}"
        );
        let p = problem(r#"{"format": 1, "protocol": "two-phase-commit", "seed": 1}"#);
        assert!(p.contains("needs the field “steps”"), "{p}");
        for p in [problem("{ nope"), problem("[1, 2]"), problem("7")] {
            assert!(!p.contains("Raw") && !p.contains("struct"), "{p}");
        }
        assert!(problem("[1, 2]").contains("a run is a JSON object"));
        assert!(problem("{ nope").contains("line 1 column 3"));
    }
}
