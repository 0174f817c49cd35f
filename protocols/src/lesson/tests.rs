use super::*;

const LANGS: &[&str] = &["en", "zh"];

const SMALL: &str = "lesson two-phase-commit small
title en: Small
title zh: 小
caption en: A small one.
caption zh: 一个小的。
config participants=2 transactions=0

say show=C
chapter en: Start
chapter zh: 开始
en: Begin.
zh: 开始。
> submit
> run until=note(C,prepare_sent)

predict answer=2 check=shows(P1,T1,committed)
en: What happens?
zh: 会怎样？
a en: Abort.
a zh: 中止。
a en: Commit.
a zh: 提交。
why en: Both vote yes.
why zh: 都投赞成票。
> run until=shows(P1,T1,committed)

try crash P1
en: Crash P1.
zh: 让 P1 崩溃。
";

#[test]
fn a_lesson_reads_its_beats_texts_and_chapters() {
    let l = Lesson::parse(SMALL, LANGS).expect("valid");
    assert_eq!((l.protocol, l.id), ("two-phase-commit", "small"));
    assert_eq!(l.setup, vec!["config participants=2 transactions=0"]);
    assert_eq!(l.beats.len(), 3);
    assert_eq!(l.beats[0].show, vec!["C"]);
    assert_eq!(
        l.beats[0].commands,
        vec!["submit", "run until=note(C,prepare_sent)"]
    );
    assert_eq!(l.beats[1].answers.len(), 2);
    assert_eq!(l.beats[1].answers[1].get("zh"), "提交。");
    assert_eq!(
        l.beats[1].kind,
        Kind::Predict {
            answer: 2,
            check: Some("shows(P1,T1,committed)")
        }
    );
    assert_eq!(l.beats[2].kind, Kind::Try("crash P1".into()));
    let chapters = l.chapters();
    assert_eq!(chapters.len(), 1);
    assert_eq!(chapters[0].1.get("en"), "Start");
}

#[test]
fn a_lesson_walks_its_hints_to_the_end() {
    let l = Lesson::parse(SMALL, LANGS).expect("valid");
    let w = walk::<crate::two_phase_commit::TwoPhaseCommit>(&l).expect("walks");
    assert_eq!(w.entries.len(), 3);
    assert!(w.entries.windows(2).all(|p| p[0] <= p[1]));
    // The try's crash is the run's last input.
    assert!(w
        .spec
        .inputs
        .last()
        .is_some_and(|s| matches!(s.input, crate::sim::Input::Crash { .. })));
}

/// The line a broken lesson is refused at, and the problem's words.
fn refused(src: &str) -> (usize, String) {
    let e = Lesson::parse(src, LANGS).expect_err("refused");
    (e.line, e.problem)
}

#[test]
fn a_broken_lesson_is_refused_at_its_line() {
    assert_eq!(refused("say\n").0, 1);
    let missing_zh = SMALL.replace("zh: 让 P1 崩溃。\n", "");
    let (line, problem) = refused(&missing_zh);
    assert_eq!(line, 27);
    assert!(problem.contains("not in each of"), "{problem}");
    let bad_key = SMALL.replace("answer=2", "answer=3");
    assert!(refused(&bad_key).1.contains("not one of the 2 answers"));
    let stray = SMALL.replace("> submit", "submit");
    assert!(refused(&stray).1.contains("not a beat"));
    let try_cmd = SMALL.to_string() + "> run steps=1\n";
    assert!(refused(&try_cmd).1.contains("try beat plays no commands"));
}

#[test]
fn a_walk_says_which_beat_fails_and_why() {
    type T = crate::two_phase_commit::TwoPhaseCommit;
    let wrong_key = SMALL.replace("check=shows(P1,T1,committed)", "check=shows(P1,T1,aborted)");
    let l = Lesson::parse(&wrong_key, LANGS).expect("valid text");
    let e = walk::<T>(&l).err().expect("the check fails");
    assert!(
        e.starts_with("beat 2 (line 16)") && e.contains("does not hold"),
        "{e}"
    );
    let never = SMALL.replace(
        "run until=note(C,prepare_sent)",
        "run until=note(C,nothing) max=50",
    );
    let e = walk::<T>(&Lesson::parse(&never, LANGS).unwrap())
        .err()
        .expect("not met");
    assert!(e.contains("not met"), "{e}");
    let nobody = SMALL.replace("try crash P1", "try crash P9");
    let e = walk::<T>(&Lesson::parse(&nobody, LANGS).unwrap())
        .err()
        .expect("no node");
    assert!(e.contains("P9"), "{e}");
}

#[test]
fn a_try_is_done_by_the_students_input_only() {
    type T = crate::two_phase_commit::TwoPhaseCommit;
    let l = Lesson::parse(SMALL, LANGS).unwrap();
    let spec = Runner::<T>::spec(&l).unwrap();
    let mut h = crate::sim::history::History::new(spec.clone()).unwrap();
    let mut r = Runner::<T>::new(spec.cfg.clone());
    r.play(&mut h, &["submit", "run until=note(C,prepare_sent)"])
        .unwrap();
    let from = h.cursor();
    assert!(!r.done(&h, from, "crash P1"));
    r.show_me(&mut h, "crash P2").unwrap();
    assert!(
        !r.done(&h, from, "crash P1"),
        "another node's crash is not it"
    );
    r.show_me(&mut h, "crash P1").unwrap();
    assert!(r.done(&h, from, "crash P1"));
    // A drop pattern: any PREPARE, or one to P2 only.
    let mut h = crate::sim::history::History::new(spec.clone()).unwrap();
    r.play(&mut h, &["submit", "run until=note(C,prepare_sent)"])
        .unwrap();
    let from = h.cursor();
    r.show_me(&mut h, "drop PREPARE to=P2").unwrap();
    assert!(r.done(&h, from, "drop PREPARE"));
    assert!(r.done(&h, from, "drop PREPARE to=P2"));
    assert!(!r.done(&h, from, "drop PREPARE to=P1"));
    // Partitions match whatever order the groups are given in.
    r.show_me(&mut h, "partition P2,C | P1").unwrap();
    assert!(r.done(&h, from, "partition P1 | C,P2"));
    // The page partitions one side from the rest: the rest is the other group.
    let from = h.cursor();
    r.show_me(&mut h, "partition P1").unwrap();
    assert!(r.done(&h, from, "partition P1 | C,P2,client"));
    assert!(r.done(&h, from, "partition C,P2,client"));
    assert!(!r.done(&h, from, "partition P1,P2"));
}
