//! Every lab says every event in a whole sentence (issue 11), in every language: over each
//! protocol's example run and a busy run of every fault and every action a node offers, no
//! log line, inspector row or node status keeps a template hole (`{name}`) or comes out
//! empty, and in Chinese none keeps an English word but the names Chinese textbooks keep.

use super::{load_recorded, LabId, LabSim, UiInput};
use crate::i18n::tests::english_words;
use crate::i18n::{Lang, EN};

/// A template hole left unfilled: `{name}` with a placeholder's name inside. (Braces
/// around a list of names, as a partition's groups are written, are text.)
fn has_hole(text: &str) -> bool {
    text.split('{').skip(1).any(|rest| {
        rest.split_once('}').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
    })
}

/// A string the page shows: no hole left, not empty, and in Chinese no English word.
fn whole(lang: Lang, what: &str, text: &str) {
    assert!(
        !has_hole(text) && !text.trim().is_empty(),
        "{lang:?} {what}: {text:?}"
    );
    if lang == Lang::Zh {
        let words = english_words(text);
        assert!(words.is_empty(), "{what}: English {words:?} in {text:?}");
    }
}

/// Every log line, and every node's name, status, inspector row and note and every
/// message in flight at the start, middle and end of the run, in every language (labs'
/// own tests use it too).
pub(super) fn check_everything(sim: &mut Box<dyn LabSim>, label: &str) {
    for lang in Lang::ALL {
        check_in(sim, label, lang);
    }
}

fn check_in(sim: &mut Box<dyn LabSim>, label: &str, lang: Lang) {
    let cat = lang.catalog();
    for l in sim.log_lines(0, sim.len(), cat) {
        whole(lang, &format!("{label} step {}", l.step), &l.text);
    }
    for at in [0, sim.len() / 2, sim.len()] {
        sim.seek(at);
        for (i, n) in sim.scene(cat).nodes.iter().enumerate() {
            whole(lang, &format!("{label} @{at} node {i} name"), &n.name);
            whole(lang, &format!("{label} @{at} node {i} status"), &n.status);
            let info = sim
                .inspect_node(i, cat)
                .expect("every node can be inspected");
            for r in info
                .durable
                .iter()
                .chain(&info.timers)
                .chain(info.volatile.iter().flatten())
            {
                whole(
                    lang,
                    &format!("{label} @{at} node {i} row"),
                    &format!("{} {}", r.label, r.value),
                );
            }
            for note in &info.notes {
                whole(lang, &format!("{label} @{at} node {i} note"), note);
            }
        }
        for m in sim.scene(cat).messages {
            let (title, rows) = sim.inspect_message(m.id, cat).expect("in flight");
            whole(lang, &format!("{label} @{at} message"), &title);
            for r in rows {
                whole(
                    lang,
                    &format!("{label} @{at} message row"),
                    &format!("{} {}", r.label, r.value),
                );
            }
        }
    }
}

#[test]
fn every_sentence_of_every_example_run_is_whole() {
    for lab in &super::registry::LABS {
        let mut sim = load_recorded(lab.example);
        let label = sim.lab().slug();
        check_everything(&mut sim, label);
    }
}

/// The second golden (issue 12): each example run's English event log, line by line, in
/// `protocols/testdata/<protocol>/example.en.log`. A sentence changed on purpose is
/// rewritten with `UPDATE_GOLDEN=1 cargo test --lib example_event_logs`.
#[test]
fn example_event_logs_match_their_goldens() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocols");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for lab in &super::registry::LABS {
        let dir = lab.slug.replace('-', "_");
        let mut sim = load_recorded(lab.example);
        let mut log = String::new();
        for l in sim.log_lines(0, sim.len(), &EN) {
            let kind = match l.kind.class() {
                "" => String::new(),
                class => format!(" [{class}]"),
            };
            log += &format!("{} t={}{kind} {}\n", l.step, l.time, l.text);
        }
        let path = root.join("testdata").join(&dir).join("example.en.log");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(log.as_str()) {
            if update {
                std::fs::write(&path, &log).expect("written");
            } else {
                stale.push(path.display().to_string());
            }
        }
        sim.seek(0);
    }
    assert!(
        stale.is_empty(),
        "differ (UPDATE_GOLDEN=1 rewrites them; review with git diff): {stale:?}"
    );
}

/// A busy run of each lab: every action every node offers, crashes and restarts,
/// partitions, cuts, loss, and faults on messages in flight, between stretches of steps.
#[test]
fn every_sentence_of_a_run_with_every_fault_and_action_is_whole() {
    for lab in LabId::ALL {
        let mut sim = lab.fresh(7);
        let n = sim.node_names(&EN).len();
        for round in 0..3 {
            for node in 0..n {
                for a in sim.actions(node, &EN) {
                    let _ = sim.inject(UiInput::Action(node, a.id));
                    for _ in 0..20 {
                        sim.step_forward();
                    }
                }
            }
            let msgs = sim.scene(&EN).messages;
            if let Some(m) = msgs.first() {
                let _ = sim.inject(UiInput::Duplicate(m.id));
                let _ = sim.inject(UiInput::Delay(m.id, 300));
                let _ = sim.inject(UiInput::Drop(m.id));
            }
            let victim = (round * 2 + 1) % n;
            let _ = sim.inject(UiInput::Crash(victim));
            let _ = sim.inject(UiInput::Partition((0..n / 2).collect()));
            let _ = sim.inject(UiInput::Cut(n - 1, 0));
            let _ = sim.inject(UiInput::LinkLoss(0, 1, 500));
            for _ in 0..300 {
                sim.step_forward();
            }
            let _ = sim.inject(UiInput::Heal);
            let _ = sim.inject(UiInput::Restart(victim));
            for _ in 0..300 {
                sim.step_forward();
            }
        }
        check_everything(&mut sim, lab.slug());
    }
}
