//! Misconception cards: a false claim students meet, what is true, and the lesson beat
//! whose run shows it (`src/labs/<lab>/lessons/myths.txt`, docs/lessons.md).

use protocols::lesson::Text;

#[derive(Clone, Debug, PartialEq)]
pub struct Myth {
    pub id: &'static str,
    pub claim: Text<'static>,
    pub truth: Text<'static>,
    /// The lesson that shows the truth, and its beat (counting from 0).
    pub lesson: &'static str,
    pub beat: usize,
}

/// Reads a lab's cards: blocks of `myth ID`, `claim LANG: …`, `truth LANG: …` and `see
/// LESSON [beat=N]`, separated by blank lines. Every text must be in each of `langs`.
pub fn parse(src: &'static str, langs: &[&str]) -> Result<Vec<Myth>, String> {
    let mut out: Vec<Myth> = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let err = |p: &str| format!("myths, line {}: {p}", i + 1);
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(id) = l.strip_prefix("myth ") {
            out.push(Myth {
                id: id.trim(),
                claim: Text::default(),
                truth: Text::default(),
                lesson: "",
                beat: 0,
            });
            continue;
        }
        let m = out
            .last_mut()
            .ok_or_else(|| err("a card starts with `myth ID`"))?;
        if let Some(rest) = l.strip_prefix("see ") {
            let mut w = rest.split_whitespace();
            m.lesson = w.next().ok_or_else(|| err("see names a lesson"))?;
            if let Some(b) = w.next() {
                let n: usize = b
                    .strip_prefix("beat=")
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| err("see LESSON beat=N (N from 1)"))?;
                m.beat = n - 1;
            }
            continue;
        }
        let (head, words) = l
            .split_once(':')
            .ok_or_else(|| err("not `claim LANG: …`"))?;
        let mut h = head.split_whitespace();
        let (key, lang) = (h.next().unwrap_or(""), h.next().unwrap_or(""));
        let pair = (lang, words.trim());
        match key {
            "claim" => m.claim.0.push(pair),
            "truth" => m.truth.0.push(pair),
            _ => return Err(err("not `claim LANG: …`, `truth LANG: …` or `see …`")),
        }
    }
    for m in &out {
        for (what, t) in [("claim", &m.claim), ("truth", &m.truth)] {
            for lang in langs {
                if t.0.iter().filter(|(l, _)| l == lang).count() != 1 {
                    return Err(format!("myth {}: its {what} is not in {lang} once", m.id));
                }
            }
        }
        if m.lesson.is_empty() {
            return Err(format!("myth {}: no `see LESSON`", m.id));
        }
    }
    Ok(out)
}
