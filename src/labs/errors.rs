//! Problems with a configuration or a run file, told in the catalog's words (the
//! engine's own `Display` is the CLI's English).

use super::Setting;
use crate::i18n::{fill, Catalog};
use protocols::scenario::{ScenarioError, FORMAT_VERSION};
use protocols::sim::ConfigError;

/// Names a field by its settings label when it has one ("network.loss_per_mille" too).
fn label(field: &str, settings: &[Setting]) -> String {
    let key = field.trim_start_matches("network.");
    settings
        .iter()
        .find(|s| s.key == key)
        .map_or(field.to_string(), |s| s.label.to_string())
}

pub fn config_error_text(e: &ConfigError, settings: &[Setting], cat: &Catalog) -> String {
    let t = &cat.errors;
    match e {
        ConfigError::OutOfRange {
            field,
            min,
            max,
            got,
        } => fill(
            t.out_of_range,
            &[
                ("field", &label(field, settings)),
                ("min", &min.to_string()),
                ("max", &max.to_string()),
                ("got", &got.to_string()),
            ],
        ),
        ConfigError::Inverted { low, high } => fill(
            t.inverted,
            &[
                ("low", &label(low, settings)),
                ("high", &label(high, settings)),
            ],
        ),
        ConfigError::NoSuchNode { field, node } => fill(
            t.no_such_node,
            &[
                ("field", &label(field, settings)),
                ("node", &node.to_string()),
            ],
        ),
    }
}

pub fn scenario_error_text(e: &ScenarioError, settings: &[Setting], cat: &Catalog) -> String {
    let t = &cat.errors;
    match e {
        ScenarioError::Malformed(detail) => fill(t.malformed, &[("detail", detail)]),
        ScenarioError::UnsupportedVersion { got } => fill(
            t.unsupported_version,
            &[
                ("got", &got.to_string()),
                ("ours", &FORMAT_VERSION.to_string()),
            ],
        ),
        ScenarioError::UnknownProtocol(name) => fill(t.unknown_protocol, &[("name", name)]),
        ScenarioError::NotBuilt(name) => fill(t.not_built, &[("name", name)]),
        ScenarioError::Config(c) => config_error_text(c, settings, cat),
        ScenarioError::BadInput { index, problem } => fill(
            t.bad_input,
            &[("index", &index.to_string()), ("problem", problem)],
        ),
        ScenarioError::InputsOutOfOrder { index } => {
            fill(t.inputs_out_of_order, &[("index", &index.to_string())])
        }
        ScenarioError::TooManySteps { got, max } => fill(
            t.too_many_steps,
            &[("got", &got.to_string()), ("max", &max.to_string())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::EN;
    use crate::labs::load_run;

    fn refused(json: &str) -> String {
        load_run(json, &EN).err().expect("refused")
    }

    #[test]
    fn broken_runs_are_refused_with_the_problem_in_the_catalogs_words() {
        assert!(refused("{ nope").starts_with("it is not a valid run"));
        let base = r#""format": 1, "protocol": "two-phase-commit", "seed": 1, "steps": 5"#;
        assert_eq!(
            refused(&format!("{{{base}, \"config\": {{\"participants\": 9}}}}")),
            "“Participants (2–7)” must be between 2 and 7, not 9"
        );
        assert_eq!(
            refused(r#"{"format": 3, "protocol": "two-phase-commit", "seed": 1, "steps": 5}"#),
            "it is in format 3, and this site reads format 1"
        );
        assert_eq!(
            refused(r#"{"format": 1, "protocol": "gossip", "seed": 1, "steps": 5}"#),
            "there is no protocol called “gossip”"
        );
        assert!(refused(&format!(
            "{{{base}, \"inputs\": [{{\"at\": 1, \"kind\": \"crash\", \"node\": 40}}]}}"
        ))
        .starts_with("input #0"));
    }

    #[test]
    fn a_valid_run_loads_with_its_steps_recorded() {
        let json = r#"{"format": 1, "protocol": "two-phase-commit", "seed": 4, "steps": 12}"#;
        let sim = load_run(json, &EN).unwrap();
        assert_eq!(sim.len(), 12);
        assert_eq!(sim.seed(), 4);
    }
}
