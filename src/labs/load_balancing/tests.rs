use super::*;
use crate::i18n::EN;
use crate::labs::{LabId, LabSim, SettingKind};

/// The algorithm is a choice setting: its options are the algorithms' names, and
/// choosing one starts a run that uses it; an index past the end is refused.
#[test]
fn the_algorithm_is_chosen_by_name() {
    let sim = LabId::LoadBalancing.fresh(1);
    let setting = sim
        .settings(&EN)
        .into_iter()
        .find(|s| s.key == "algorithm")
        .unwrap();
    let SettingKind::Choice { options, value } = setting.kind else {
        panic!("a choice");
    };
    assert_eq!((options.len(), value), (8, 0));
    let i = options
        .iter()
        .position(|o| *o == "power of two choices")
        .unwrap();
    let two = sim.with_setting("algorithm", i as u64, &EN).unwrap();
    assert!(
        two.export().contains(r#""algorithm": "power_of_two""#),
        "{}",
        two.export()
    );
    assert!(sim.with_setting("algorithm", 8, &EN).is_err());
}

fn sentence(note: Note) -> String {
    LoadBalancing::note_text(&Config::default(), NodeId(2), &note, &EN)
}

/// Issue 11, item 18: "1 tick", not "1 ticks".
#[test]
fn counts_in_sentences_agree_with_their_nouns() {
    let id = ReqId::default();
    let one = sentence(Note::Issued {
        id,
        key: None,
        cost: 1,
    });
    assert!(one.contains("(1 tick of work)"), "{one}");
    let many = sentence(Note::Completed {
        id,
        latency: 35,
        at: 0,
    });
    assert!(many.contains("after 35 ticks."), "{many}");
}

/// Issue 11, item 10: with probes off a backend comes back on nginx's fail_timeout, and
/// the sentence says so instead of claiming it answered probes.
#[test]
fn marked_up_says_why() {
    let timer = sentence(Note::MarkedUp {
        backend: 1,
        why: UpBecause::FailTimeout,
    });
    assert!(
        timer.contains("1,000") || timer.contains("1000 ticks"),
        "{timer}"
    );
    assert!(
        timer.contains("fail_timeout") && !timer.contains("answered"),
        "{timer}"
    );
    let probes = sentence(Note::MarkedUp {
        backend: 1,
        why: UpBecause::ProbesAnswered,
    });
    assert!(probes.contains("answered 2 probes in a row"), "{probes}");
}

/// Issue 11, item 11: the heavy-load preset replaces the settings but keeps the
/// algorithm, and the preset choice shows which preset the settings match.
#[test]
fn the_heavy_load_preset_keeps_the_algorithm() {
    let preset = |sim: &dyn LabSim| match sim
        .settings(&EN)
        .into_iter()
        .find(|s| s.key == "preset")
        .map(|s| s.kind)
    {
        Some(SettingKind::Choice { value, .. }) => value,
        other => panic!("{other:?}"),
    };
    let sim = LabId::LoadBalancing.fresh(1);
    assert_eq!(preset(&*sim), 1, "the defaults");
    let two = sim.with_setting("algorithm", 5, &EN).unwrap();
    let heavy = two.with_setting("preset", 2, &EN).unwrap();
    assert_eq!(preset(&*heavy), 2);
    let json = heavy.export();
    assert!(json.contains(r#""algorithm": "power_of_two""#), "{json}");
    assert!(json.contains(r#""rate": 19"#), "{json}");
    let custom = heavy.with_setting("rate", 18, &EN).unwrap();
    assert_eq!(preset(&*custom), 0, "your settings");
}
