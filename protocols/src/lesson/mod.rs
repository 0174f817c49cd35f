//! Lessons: a narrated run, as data. A lesson file is a golden script's settings and
//! commands (see [`crate::script`]) cut into *beats*, each with its words in every
//! language the site speaks. The page plays a beat's commands as an animation and waits
//! for the student between beats; `sim lesson FILE` and the lab tests walk every lesson
//! the way its hints say, so a lesson is tested like code. The format is described in
//! `docs/lessons.md`.

mod run;

pub use run::{walk, Runner, Walked};

use std::fmt;

/// One text in each language: `(language, words)` pairs in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text<'a>(pub Vec<(&'a str, &'a str)>);

impl<'a> Text<'a> {
    /// The words in `lang`, or in the first language given (a lesson is checked to have
    /// every language, so the fallback never shows).
    pub fn get(&self, lang: &str) -> &'a str {
        self.0
            .iter()
            .find(|(l, _)| *l == lang)
            .or(self.0.first())
            .map_or("", |(_, t)| t)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn langs(&self) -> Vec<&'a str> {
        let mut l: Vec<&str> = self.0.iter().map(|(l, _)| *l).collect();
        l.sort_unstable();
        l
    }
}

/// What a beat waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'a> {
    /// Narration: its commands play, then Continue.
    Say,
    /// A question: the student picks an answer, then the commands play and the
    /// explanation shows. `answer` counts from 1; `check` is a condition that holds
    /// once the commands have played, proving the answer key (the tests assert it).
    Predict {
        answer: usize,
        check: Option<&'a str>,
    },
    /// The student must give this input (a script command: `crash C`, `partition S1,S2 |
    /// S3,S4,S5`, `timeout S2`, or `drop KIND [to=X] [from=X]` for any message of that
    /// kind); "Show me" gives it for them.
    Try(String),
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Beat<'a> {
    pub kind: Kind<'a>,
    /// The file's line of the beat (for errors).
    pub line: usize,
    /// A chapter starts here, with this title.
    pub chapter: Option<Text<'a>>,
    /// What to point at while the beat is shown: node names, `inv=NAME` (an
    /// invariant), `msg=KIND` (messages of a kind), `grid` (the log grid), `S1:2` (one
    /// entry of it: a server's row, a log index or slot), `charts`.
    pub show: Vec<&'a str>,
    /// The narration, the question or the instruction.
    pub text: Text<'a>,
    /// A prediction's answers, in order.
    pub answers: Vec<Text<'a>>,
    /// A prediction's explanation, shown with the reveal.
    pub why: Text<'a>,
    /// Script commands the beat plays (for a prediction: after the pick).
    pub commands: Vec<&'a str>,
}

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson<'a> {
    /// The protocol's scenario name (`raft`).
    pub protocol: &'a str,
    /// The lesson's name in links (`figure-8`).
    pub id: &'a str,
    pub title: Text<'a>,
    /// One line for the list of lessons.
    pub caption: Text<'a>,
    /// `config`, `net` and `seed` lines, as in a golden script.
    pub setup: Vec<&'a str>,
    pub beats: Vec<Beat<'a>>,
}

/// A lesson that cannot be read, with the line to look at.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

/// The words of a text line: `en: …`, `a zh: …` (key, language, words).
fn text_line(line: &str) -> Option<(&str, &str, &str)> {
    let (head, words) = line.split_once(':')?;
    let mut parts = head.split_whitespace();
    let (key, lang) = match (parts.next()?, parts.next(), parts.next()) {
        (lang, None, None) => ("", lang),
        (key, Some(lang), None) => (key, lang),
        _ => return None,
    };
    let is_lang = lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase());
    is_lang.then_some((key, lang, words.trim()))
}

impl<'a> Lesson<'a> {
    /// Reads a lesson file. Its languages are checked against `langs`: every text must
    /// be in each of them.
    pub fn parse(src: &'a str, langs: &[&str]) -> Result<Lesson<'a>, LessonError> {
        let mut lesson = Lesson {
            protocol: "",
            id: "",
            title: Text::default(),
            caption: Text::default(),
            setup: Vec::new(),
            beats: Vec::new(),
        };
        let mut answers_seen: Vec<&str> = Vec::new();
        for (i, raw) in src.lines().enumerate() {
            let line = i + 1;
            let err = |problem: String| LessonError { line, problem };
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            if lesson.id.is_empty() {
                let mut w = l.split_whitespace();
                match (w.next(), w.next(), w.next(), w.next()) {
                    (Some("lesson"), Some(p), Some(id), None) => {
                        lesson.protocol = p;
                        lesson.id = id;
                        continue;
                    }
                    _ => return Err(err("a lesson starts with `lesson PROTOCOL ID`".into())),
                }
            }
            if let Some(cmd) = l.strip_prefix('>') {
                let beat = lesson
                    .beats
                    .last_mut()
                    .ok_or_else(|| err("a command belongs to a beat".into()))?;
                if matches!(beat.kind, Kind::Try(_)) {
                    return Err(err(
                        "a try beat plays no commands: put them in the next beat".into(),
                    ));
                }
                beat.commands.push(cmd.trim());
                continue;
            }
            if let Some((key, lang, words)) = text_line(l) {
                if words.is_empty() {
                    return Err(err(format!("{key} {lang}: no words")));
                }
                let pair = (lang, words);
                match (key, lesson.beats.last_mut()) {
                    ("title", _) => lesson.title.0.push(pair),
                    ("caption", _) => lesson.caption.0.push(pair),
                    ("chapter", Some(b)) => {
                        b.chapter.get_or_insert_with(Text::default).0.push(pair)
                    }
                    ("", Some(b)) => b.text.0.push(pair),
                    ("why", Some(b)) => b.why.0.push(pair),
                    ("a", Some(b)) => {
                        // Answers come in order, each in every language: a language seen
                        // again starts the next answer.
                        if b.answers.is_empty() || answers_seen.contains(&lang) {
                            b.answers.push(Text::default());
                            answers_seen.clear();
                        }
                        answers_seen.push(lang);
                        b.answers.last_mut().expect("pushed").0.push(pair);
                    }
                    _ => return Err(err(format!("`{l}`: text before any beat"))),
                }
                continue;
            }
            let mut words = l.split_whitespace();
            let head = words.next().expect("not empty");
            match head {
                "config" | "net" | "seed" if lesson.beats.is_empty() => lesson.setup.push(l),
                "say" | "predict" | "try" => {
                    let mut kind = match head {
                        "say" => Kind::Say,
                        "predict" => Kind::Predict {
                            answer: 0,
                            check: None,
                        },
                        _ => Kind::Try(String::new()),
                    };
                    let mut show = Vec::new();
                    let mut rest = Vec::new();
                    for w in words {
                        match w.split_once('=') {
                            Some(("show", v)) => {
                                show.extend(v.split(',').filter(|s| !s.is_empty()))
                            }
                            Some(("answer", v)) if matches!(kind, Kind::Predict { .. }) => {
                                let n = v
                                    .parse()
                                    .map_err(|_| err(format!("answer={v}: not a number")))?;
                                if let Kind::Predict { answer, .. } = &mut kind {
                                    *answer = n;
                                }
                            }
                            Some(("check", v)) if matches!(kind, Kind::Predict { .. }) => {
                                if let Kind::Predict { check, .. } = &mut kind {
                                    *check = Some(v);
                                }
                            }
                            _ => rest.push(w),
                        }
                    }
                    if let Kind::Try(_) = kind {
                        if rest.is_empty() {
                            return Err(err(
                                "try needs the input it waits for (`try crash C`)".into()
                            ));
                        }
                        kind = Kind::Try(rest.join(" "));
                    } else if let Some(w) = rest.first() {
                        return Err(err(format!("{head}: unknown word {w:?}")));
                    }
                    lesson.beats.push(Beat {
                        kind,
                        line,
                        chapter: None,
                        show,
                        text: Text::default(),
                        answers: Vec::new(),
                        why: Text::default(),
                        commands: Vec::new(),
                    });
                    answers_seen.clear();
                }
                _ => {
                    return Err(err(format!(
                        "`{l}`: not a beat, a command (`> …`) or a text (`en: …`)"
                    )))
                }
            }
        }
        lesson.check(langs)?;
        Ok(lesson)
    }

    /// Every text in every language; predictions with 2–4 answers and a key among them.
    fn check(&self, langs: &[&str]) -> Result<(), LessonError> {
        let mut want: Vec<&str> = langs.to_vec();
        want.sort_unstable();
        let texts = |line: usize, what: &str, t: &Text| -> Result<(), LessonError> {
            if t.langs() == want {
                Ok(())
            } else {
                Err(LessonError {
                    line,
                    problem: format!(
                        "{what} is in {:?}, not in each of {:?} once",
                        t.langs(),
                        want
                    ),
                })
            }
        };
        if self.id.is_empty() {
            return Err(LessonError {
                line: 1,
                problem: "empty: a lesson starts with `lesson PROTOCOL ID`".into(),
            });
        }
        texts(1, "the title", &self.title)?;
        texts(1, "the caption", &self.caption)?;
        if self.beats.is_empty() {
            return Err(LessonError {
                line: 1,
                problem: "no beats".into(),
            });
        }
        for b in &self.beats {
            let err = |problem: String| LessonError {
                line: b.line,
                problem,
            };
            texts(b.line, "the beat's text", &b.text)?;
            if let Some(c) = &b.chapter {
                texts(b.line, "the chapter's title", c)?;
            }
            match b.kind {
                Kind::Predict { answer, .. } => {
                    if !(2..=4).contains(&b.answers.len()) {
                        return Err(err(format!(
                            "a prediction has 2 to 4 answers, not {}",
                            b.answers.len()
                        )));
                    }
                    if !(1..=b.answers.len()).contains(&answer) {
                        return Err(err(format!(
                            "answer={answer}: not one of the {} answers",
                            b.answers.len()
                        )));
                    }
                    for a in &b.answers {
                        texts(b.line, "an answer", a)?;
                    }
                    texts(b.line, "the explanation (why)", &b.why)?;
                }
                _ if !b.answers.is_empty() || !b.why.is_empty() => {
                    return Err(err("only a prediction has answers and a why".into()));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The index of each chapter's first beat, with its title.
    pub fn chapters(&self) -> Vec<(usize, &Text<'a>)> {
        self.beats
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.chapter.as_ref().map(|c| (i, c)))
            .collect()
    }
}

#[cfg(test)]
mod tests;
