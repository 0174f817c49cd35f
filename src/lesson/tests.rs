//! Every lesson of every lab, walked through the page's player the way its hints say;
//! every card names a lesson beat that exists. (Their Chinese is checked with the
//! catalog's: `i18n::tests` reads [`texts`].)

use super::myths;
use super::Player;
use crate::labs::{LabId, LANGS};
use protocols::lesson::{Kind, Lesson, Text};

/// Every lesson and card text in `lang`, named by where it is (for the catalog's tests).
pub(crate) fn texts(lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |path: String, t: &Text| out.push((path, t.get(lang).to_string()));
    for lab in LabId::ALL {
        for l in lab.lessons() {
            let at = format!("lesson {}/{}", lab.slug(), l.id);
            add(format!("{at}.title"), &l.title);
            add(format!("{at}.caption"), &l.caption);
            for (i, b) in l.beats.iter().enumerate() {
                add(format!("{at}.{}", i + 1), &b.text);
                if let Some(c) = &b.chapter {
                    add(format!("{at}.{}.chapter", i + 1), c);
                }
                for (j, a) in b.answers.iter().enumerate() {
                    add(format!("{at}.{}.answer{}", i + 1, j + 1), a);
                }
                if !b.why.is_empty() {
                    add(format!("{at}.{}.why", i + 1), &b.why);
                }
            }
        }
        for m in myths::parse(lab.myths_text(), &LANGS).unwrap_or_default() {
            add(format!("myth {}/{}.claim", lab.slug(), m.id), &m.claim);
            add(format!("myth {}/{}.truth", lab.slug(), m.id), &m.truth);
        }
    }
    out
}

/// Every file in a lab's `lessons/` folder is listed (the site fetches the listed ones,
/// and trunk copies the folder whole), and the site copies each lab's folder.
#[test]
fn every_lesson_file_is_listed_and_copied_into_the_site() {
    let index =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index.html")).unwrap();
    for lab in LabId::ALL {
        let dir = format!("src/labs/{}/lessons", lab.slug().replace('-', "_"));
        let mut files: Vec<String> =
            std::fs::read_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        files.sort();
        let mut listed: Vec<String> = lab
            .lesson_ids()
            .iter()
            .chain(&["myths"])
            .map(|id| format!("{id}.txt"))
            .collect();
        listed.sort();
        assert_eq!(files, listed, "{dir}: the files and the lab's lessons.rs");
        let link = format!(r#"href="{dir}" data-target-path="lessons/{}""#, lab.slug());
        assert!(index.contains(&link), "index.html copies {dir}");
    }
}

#[test]
fn every_lesson_reads_and_belongs_to_its_lab() {
    for lab in LabId::ALL {
        let files = lab.lesson_ids();
        let mut ids = Vec::new();
        for id in files {
            let src = super::library::text(lab, id).unwrap_or_else(|| panic!("{id} is read"));
            let l = Lesson::parse(src, &LANGS).unwrap_or_else(|e| panic!("{}: {e}", lab.slug()));
            assert_eq!(l.protocol, lab.slug(), "lesson {}", l.id);
            assert_eq!(l.id, *id, "a lesson's id is its file's name");
            assert!(!ids.contains(&l.id), "two lessons named {}", l.id);
            ids.push(l.id);
        }
        assert_eq!(lab.lessons().len(), files.len());
        assert!(lab.lesson_problems().is_empty());
    }
}

/// Walks a lesson in the player as a student taking every hint would: each prediction's
/// key is picked and its `check` holds after the reveal, each try is satisfied by its
/// "Show me", and no beat's commands fail. The number of steps it took.
fn walk(lab: LabId, lesson: Lesson<'static>) -> u64 {
    let name = format!("{}/{}", lab.slug(), lesson.id);
    let mut sim = lab.lesson_sim(&lesson).expect("its settings are valid");
    let mut p = Player::open(lab, lesson, sim.as_mut(), 0);
    let mut beats = 0;
    while !p.finished() {
        let beat = p.current().expect("not finished").clone();
        if let Kind::Try(cmd) = &beat.kind {
            assert!(
                offered(sim.as_ref(), p.entry(), cmd),
                "{name} beat {}: `try {cmd}` is not something the page offers then",
                p.beat + 1
            );
        }
        p.take_hint(sim.as_mut());
        assert!(
            p.problem.is_none(),
            "{name} beat {}: {:?}",
            p.beat + 1,
            p.problem
        );
        assert!(p.ready(sim.as_ref()), "{name} beat {} is done", p.beat + 1);
        if let Kind::Predict { check: Some(c), .. } = beat.kind {
            assert_eq!(
                sim.lesson_holds(c),
                Ok(true),
                "{name} beat {}: check={c}",
                p.beat + 1
            );
        }
        p.next(sim.as_mut());
        beats += 1;
    }
    assert_eq!(beats, p.lesson.beats.len(), "{name}: every beat once");
    sim.len()
}

/// Whether a student can give the input `cmd` asks for at the cursor with the page's own
/// controls: a node's action button (tried on a copy of the run), or the controls every
/// lab has (Crash and Restart, Partition and Heal, Drop on a message in flight).
fn offered(sim: &dyn crate::labs::LabSim, from: u64, cmd: &str) -> bool {
    let first = cmd.split_whitespace().next().unwrap_or("");
    if ["crash", "restart", "partition", "heal", "drop", "cut"].contains(&first) {
        return true;
    }
    let cat = &crate::i18n::EN;
    (0..sim.node_names(cat).len()).any(|node| {
        sim.actions(node, cat).iter().any(|a| {
            let mut copy = crate::labs::load_recorded(&sim.export());
            copy.seek(sim.cursor());
            copy.inject(crate::labs::UiInput::Action(node, a.id))
                .is_ok()
                && copy.lesson_done(from, cmd)
        })
    })
}

#[test]
fn every_lesson_walks_to_its_end_in_the_player() {
    for lab in LabId::ALL {
        for lesson in lab.lessons() {
            let (id, beats) = (lesson.id, lesson.beats.len());
            let steps = walk(lab, lesson.clone());
            // `sim lesson`'s walker, on the engine alone, takes the same path.
            struct Walk<'a>(&'a Lesson<'a>);
            impl protocols::registry::Visit for Walk<'_> {
                type Out = Result<u64, String>;
                fn visit<P: protocols::registry::Engine>(self) -> Self::Out {
                    protocols::lesson::walk::<P>(self.0).map(|w| w.steps)
                }
            }
            let engine = protocols::registry::dispatch(lab.slug(), Walk(&lesson)).unwrap();
            assert_eq!(
                Ok(steps),
                engine,
                "{}/{id}: the player and the walker agree",
                lab.slug()
            );
            assert!(beats >= 3, "{}/{id}: a lesson has a few beats", lab.slug());
        }
    }
}

#[test]
fn back_plays_the_previous_beat_again_and_continue_comes_back() {
    let lab = LabId::TwoPhaseCommit;
    let lesson = lab.lesson("blocking").expect("2PC's blocking lesson");
    let mut sim = lab.lesson_sim(&lesson).unwrap();
    let mut p = Player::open(lab, lesson, sim.as_mut(), 0);
    // Beat 2 plays the client's request up to the PREPAREs.
    p.take_hint(sim.as_mut());
    let goal = p.next(sim.as_mut()).expect("beat 2 has an animation");
    assert_eq!(p.beat, 1);
    assert!(!p.ready(sim.as_ref()), "its animation is still ahead");
    assert!(p.playing_ahead(sim.as_ref()));
    assert_eq!(
        p.next(sim.as_mut()),
        None,
        "Continue first skips to the beat's end"
    );
    assert_eq!(sim.cursor(), goal);
    // Beat 3 is a try: Continue waits for the crash.
    p.next(sim.as_mut());
    assert_eq!(p.beat, 2);
    assert!(!p.ready(sim.as_ref()));
    p.next(sim.as_mut());
    assert_eq!(p.beat, 2, "Continue does nothing before the crash");
    // A student's own input that is not the crash does not satisfy it.
    let p1 = sim.node_named("P1").unwrap();
    sim.inject(crate::labs::UiInput::Crash(p1)).unwrap();
    assert!(!p.ready(sim.as_ref()));
    let c = sim.node_named("C").unwrap();
    sim.inject(crate::labs::UiInput::Crash(c)).unwrap();
    assert!(
        p.ready(sim.as_ref()),
        "the crash of C is what beat 3 waits for"
    );
    // Back: beat 2 from its start, played again.
    let back = p.back(sim.as_mut());
    assert_eq!((p.beat, back), (1, Some(goal)));
    assert_eq!(sim.len(), goal, "the student's future is dropped");
    // The chapter list: "The crash" starts at beat 3; going there takes beat 2's hint.
    assert_eq!(p.chapter(), Some(0));
    p.go_to(sim.as_mut(), 2);
    assert_eq!((p.beat, sim.cursor()), (2, goal));
    assert_eq!(p.chapter(), Some(1));
}

#[test]
fn a_link_opens_a_lesson_at_its_beat_as_the_hints_lead_there() {
    let lab = LabId::TwoPhaseCommit;
    let lesson = lab.lesson("blocking").unwrap();
    let mut a = lab.lesson_sim(&lesson).unwrap();
    let p = Player::open(lab, lesson.clone(), a.as_mut(), 4);
    assert_eq!(p.beat, 4);
    assert!(matches!(p.current().unwrap().kind, Kind::Predict { .. }));
    // Walking there by hand gives the same run.
    let mut b = lab.lesson_sim(&lesson).unwrap();
    let mut q = Player::open(lab, lesson, b.as_mut(), 0);
    while q.beat < 4 {
        q.take_hint(b.as_mut());
        q.next(b.as_mut());
    }
    assert_eq!((a.cursor(), a.export()), (b.cursor(), b.export()));
}

#[test]
fn every_card_reads_and_points_at_a_beat() {
    for lab in LabId::ALL {
        let cards = myths::parse(lab.myths_text(), &LANGS)
            .unwrap_or_else(|e| panic!("{}: {e}", lab.slug()));
        for m in cards {
            let l = lab
                .lesson(m.lesson)
                .unwrap_or_else(|| panic!("myth {}: no lesson {}", m.id, m.lesson));
            assert!(
                m.beat < l.beats.len(),
                "myth {}: beat {} of {}",
                m.id,
                m.beat + 1,
                l.id
            );
        }
    }
}

#[test]
fn a_try_counts_as_offered_only_when_a_control_gives_that_very_input() {
    let lab = LabId::LoadBalancing;
    let lesson = lab.lesson("slow-backend").expect("the slow-backend lesson");
    let mut sim = lab.lesson_sim(&lesson).unwrap();
    let p = Player::open(lab, lesson, sim.as_mut(), 1);
    assert!(matches!(p.current().unwrap().kind, Kind::Try(_)));
    assert!(offered(sim.as_ref(), p.entry(), "slow B2 percent=400"));
    assert!(
        !offered(sim.as_ref(), p.entry(), "slow B2 percent=300"),
        "the page slows by ×4 only"
    );
    assert!(
        offered(sim.as_ref(), p.entry(), "algorithm least_connections"),
        "the balancer's own buttons"
    );
}
