//! Problems with a configuration or a run file, told in the catalog's words (the
//! engine's own `Display` is the CLI's English).

use super::Setting;
use crate::i18n::{fill, Catalog};
use protocols::scenario::{InputProblem, ScenarioError, FORMAT_VERSION};
use protocols::sim::limits::Stop;
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
        ScenarioError::BadInput { index, problem } => {
            let problem = match problem {
                InputProblem::Shape(detail) => detail.clone(),
                InputProblem::Invalid(e) => config_error_text(e, settings, cat),
            };
            fill(
                t.bad_input,
                &[("index", &index.to_string()), ("problem", &problem)],
            )
        }
        ScenarioError::InputsOutOfOrder { index } => {
            fill(t.inputs_out_of_order, &[("index", &index.to_string())])
        }
        ScenarioError::TooManySteps { got, max } => fill(
            t.too_many_steps,
            &[("got", &got.to_string()), ("max", &max.to_string())],
        ),
    }
}

/// Why recording stopped at a resource bound, in the catalog's words.
pub fn stop_text(stop: &Stop, cat: &Catalog) -> String {
    let t = &cat.errors;
    match *stop {
        Stop::InFlight { step, count, max } => fill(
            t.stopped_in_flight,
            &[
                ("step", &step.to_string()),
                ("count", &count.to_string()),
                ("max", &max.to_string()),
            ],
        ),
        Stop::WorldSize { step, weight, max } => fill(
            t.stopped_world,
            &[
                ("step", &step.to_string()),
                ("weight", &weight.to_string()),
                ("max", &max.to_string()),
            ],
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
        let no_node =
            format!("{{{base}, \"inputs\": [{{\"at\": 1, \"kind\": \"crash\", \"node\": 40}}]}}");
        assert_eq!(
            refused(&no_node),
            "input #0: “node” names node 40, which does not exist"
        );
        assert_eq!(
            load_run(&no_node, &crate::i18n::ZH).err().expect("refused"),
            "输入 #0：“node”指向节点 40，但它不存在",
            "in Chinese too, not the engine's English"
        );
    }

    #[test]
    fn a_valid_run_loads_with_its_steps_recorded() {
        let json = r#"{"format": 1, "protocol": "two-phase-commit", "seed": 4, "steps": 12}"#;
        let mut sim = load_run(json, &EN).unwrap();
        assert_eq!(
            sim.loading(),
            Some((0, 12)),
            "loading records nothing at once"
        );
        let mut slices = 0;
        while sim.record_some(5) {
            slices += 1;
            assert!(sim.loading().is_some());
        }
        assert_eq!(slices, 2, "12 steps in slices of 5");
        assert_eq!(sim.loading(), None);
        assert_eq!(sim.len(), 12);
        assert_eq!(sim.seed(), 4);
    }

    /// The longest run the format allows loads: a page thins its oldest steps past its
    /// record budget (`History::first`) instead of refusing it.
    #[test]
    fn the_longest_run_loads_to_be_recorded_and_thinned() {
        let json = r#"{"format": 1, "protocol": "raft", "seed": 1, "steps": 10000000}"#;
        let sim = load_run(json, &EN).unwrap();
        assert_eq!(sim.loading(), Some((0, 10_000_000)));
        assert_eq!(sim.first(), 0);
    }

    #[test]
    fn a_stopped_load_keeps_its_steps_and_its_later_inputs() {
        let json = r#"{"format": 1, "protocol": "two-phase-commit", "seed": 4, "steps": 40,
            "inputs": [{"at": 30, "kind": "crash", "node": 1}]}"#;
        let mut sim = load_run(json, &EN).unwrap();
        sim.record_some(10);
        sim.stop_loading();
        assert_eq!((sim.len(), sim.loading()), (10, None));
        assert!(
            sim.export().contains("\"crash\""),
            "the input to come is kept"
        );
        for _ in 0..25 {
            sim.step_forward();
        }
        assert!(
            sim.log_lines(30, 31, &EN)[0].text.contains("crash"),
            "{:?}",
            sim.log_lines(30, 31, &EN)
        );
    }
}
