//! Checks shared by the labs' tests.

use super::{GridCell, LabSim};
use crate::i18n::Catalog;

/// A template hole left unfilled: `{name}`, a name of lower-case letters, digits and `_`
/// (a partition's groups, `{Coordinator, Client}`, are text, not a hole).
pub fn has_hole(text: &str) -> bool {
    text.split('{').skip(1).any(|rest| {
        rest.split_once('}').is_some_and(|(name, _)| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
    })
}

/// Every event-log line of the recorded run is a whole sentence with no template hole
/// left, and so is every node's status, inspector row and note and every grid cell at
/// the run's end. Returns the log, one line per step, for further checks.
pub fn assert_every_sentence_reads(sim: &dyn LabSim, cat: &Catalog) -> String {
    let lines = sim.log_lines(0, sim.len(), cat);
    assert_eq!(lines.len() as u64, sim.len());
    for l in &lines {
        assert!(
            !has_hole(&l.text) && l.text.ends_with('.'),
            "step {}: {}",
            l.step,
            l.text
        );
    }
    let whole = |what: &str, text: &str| assert!(!has_hole(text), "{what}: {text}");
    for n in sim.scene(cat).nodes {
        whole(&n.name, &n.status);
        let inspector = sim
            .inspect_node(n.id, cat)
            .expect("every node can be inspected");
        let rows = inspector
            .durable
            .iter()
            .chain(inspector.volatile.iter().flatten());
        for r in rows.chain(&inspector.timers) {
            whole(&n.name, &format!("{}: {}", r.label, r.value));
        }
        for note in &inspector.notes {
            whole(&n.name, note);
        }
    }
    for row in sim.log_grid(cat).map(|g| g.rows).unwrap_or_default() {
        for cell in row.cells {
            if let GridCell::Text { text, title, .. } = cell {
                whole(&row.server, &format!("{text} ({title})"));
            }
        }
    }
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    text.join("\n")
}

#[test]
fn a_hole_is_a_lower_case_name_in_braces() {
    assert!(has_hole("{node} recovers"));
    assert!(has_hole("term {term_2}."));
    assert!(!has_hole(
        "You partitioned the network: {Coordinator, Client} | {}."
    ));
    assert!(!has_hole("no braces at all"));
}
