//! The URL holds the lab, the run and the language, so a link reproduces exactly what its
//! sender saw: `#/two-phase-commit?run=<scenario JSON, percent-encoded>&at=<step>&lang=zh`.

use crate::i18n::Lang;
use crate::labs::LabId;

/// What a location hash says. Parsing is pure (tested natively); reading and writing
/// the real URL are thin wrappers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UrlState {
    pub lab: Option<String>,
    pub run: Option<String>,
    /// The step asked for, or the text that is not one (the run is still kept).
    pub at: Option<Result<u64, String>>,
    /// The language the link was shared in (an unknown code is ignored).
    pub lang: Option<Lang>,
    /// A lesson of the lab (`#/raft/lesson/figure-8`), and the beat asked for (from 1).
    pub lesson: Option<String>,
    pub beat: Option<u64>,
}

/// Parses `#/lab?run=...&at=N`. An unreadable part is an error naming it.
pub fn parse_hash(hash: &str) -> Result<UrlState, String> {
    let body = hash.trim_start_matches('#').trim_start_matches('/');
    let (path, query) = body.split_once('?').unwrap_or((body, ""));
    let (lab, lesson) = match path.split_once('/') {
        None => (path, None),
        Some((lab, rest)) => match rest.strip_prefix("lesson/") {
            Some(id) if !id.is_empty() => {
                let id = percent_decode(id)
                    .ok_or("the lesson's name is not valid percent-encoded UTF-8")?;
                (lab, Some(id))
            }
            _ => return Err(format!("“{path}” is not a lab or a lesson")),
        },
    };
    let mut state = UrlState {
        lab: (!lab.is_empty()).then(|| lab.to_string()),
        lesson,
        ..Default::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "run" => {
                state.run = Some(
                    percent_decode(value).ok_or("the run is not valid percent-encoded UTF-8")?,
                )
            }
            "at" => {
                let text = percent_decode(value).unwrap_or_else(|| value.to_string());
                state.at = Some(text.parse().map_err(|_| text))
            }
            "lang" => state.lang = Lang::from_code(value),
            "beat" => state.beat = value.parse().ok(),
            _ => {}
        }
    }
    Ok(state)
}

/// The lab a hash names, even when the rest of it cannot be read.
pub fn lab_of(hash: &str) -> Option<LabId> {
    let body = hash.trim_start_matches('#').trim_start_matches('/');
    LabId::from_slug(body.split(['?', '&', '/']).next().unwrap_or(""))
}

/// The longest URL Chromium opens (2 MiB): a longer share link would not open at all.
pub const MAX_URL_CHARS: usize = 2 * 1024 * 1024;

/// The hash for a lab and its run (compact JSON), with the cursor and the language.
pub fn format_hash(lab: LabId, run_json: &str, at: u64, lang: Lang) -> String {
    let compact = serde_json::from_str::<serde_json::Value>(run_json)
        .map(|v| v.to_string())
        .unwrap_or_default();
    format!(
        "#/{}?run={}&at={at}&lang={}",
        lab.slug(),
        percent_encode(&compact),
        lang.code()
    )
}

/// The hash for a lesson at a beat (counting from 1), in a language.
pub fn lesson_hash(lab: LabId, lesson: &str, beat: usize, lang: Lang) -> String {
    format!(
        "#/{}/lesson/{}?beat={beat}&lang={}",
        lab.slug(),
        percent_encode(lesson),
        lang.code()
    )
}

/// Encodes all but RFC 3986's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The page's current hash.
pub fn read() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the URL's hash without adding a history entry. A run too long for a URL is
/// not written (the URL keeps the lab alone, so a reload cannot open a stale run): its
/// length comes back as the error.
pub fn write(lab: LabId, run_json: &str, at: u64, lang: Lang) -> Result<(), usize> {
    let hash = format_hash(lab, run_json, at, lang);
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map_or(0, |h| h.split('#').next().unwrap_or("").len());
    let too_long = base + hash.len() > MAX_URL_CHARS;
    let written = if too_long {
        format!("#/{}?lang={}", lab.slug(), lang.code())
    } else {
        hash.clone()
    };
    replace(&written);
    if too_long {
        Err(base + hash.len())
    } else {
        Ok(())
    }
}

/// Replaces the URL's hash with `hash` without adding a history entry.
pub fn replace(hash: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_link_names_its_lab_lesson_and_beat() {
        let hash = lesson_hash(LabId::Raft, "figure-8", 4, Lang::Zh);
        assert_eq!(hash, "#/raft/lesson/figure-8?beat=4&lang=zh");
        let s = parse_hash(&hash).unwrap();
        assert_eq!(s.lab.as_deref(), Some("raft"));
        assert_eq!((s.lesson.as_deref(), s.beat), (Some("figure-8"), Some(4)));
        assert_eq!(s.lang, Some(Lang::Zh));
        assert_eq!(lab_of(&hash), Some(LabId::Raft));
        assert_eq!(parse_hash("#/raft/lesson/x").unwrap().beat, None);
        assert!(
            parse_hash("#/raft/other/x").is_err(),
            "a path that is no lesson"
        );
        assert!(parse_hash("#/raft/lesson/").is_err());
        assert!(
            parse_hash("#/raft/lesson/%FF").is_err(),
            "a name that is not UTF-8"
        );
    }

    #[test]
    fn a_lab_alone_is_read() {
        let s = parse_hash("#/two-phase-commit").unwrap();
        assert_eq!(s.lab.as_deref(), Some("two-phase-commit"));
        assert_eq!(s.run, None);
        assert_eq!(s.lang, None, "no language asked: the reader's own is kept");
        assert_eq!(parse_hash("").unwrap(), UrlState::default());
        let en = parse_hash("#/raft?lang=en").unwrap();
        assert_eq!(en.lang, Some(Lang::En));
        let odd = parse_hash("#/raft?lang=xx").unwrap();
        assert_eq!(
            odd.lang, None,
            "an unknown language is ignored, not an error"
        );
    }

    #[test]
    fn a_run_survives_the_round_trip_through_the_url() {
        let json = r#"{"format":1,"protocol":"two-phase-commit","seed":7,"steps":3,"inputs":[{"at":1,"kind":"heal"}]}"#;
        let hash = format_hash(LabId::TwoPhaseCommit, json, 2, Lang::Zh);
        let s = parse_hash(&hash).unwrap();
        assert_eq!(s.lab.as_deref(), Some("two-phase-commit"));
        assert_eq!(s.at, Some(Ok(2)));
        assert_eq!(s.lang, Some(Lang::Zh), "a shared link keeps its language");
        let back: serde_json::Value = serde_json::from_str(&s.run.unwrap()).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn broken_parts_are_errors_that_name_them() {
        assert!(parse_hash("#/two-phase-commit?run=%FF%FE").is_err());
        assert!(parse_hash("#/two-phase-commit?run=%4").is_err());
        assert_eq!(lab_of("#/raft?run=%4"), Some(LabId::Raft));
        assert_eq!(lab_of("#/nope?run=%4"), None);
    }

    #[test]
    fn a_malformed_at_keeps_the_run_and_says_what_it_was() {
        for (at, shown) in [
            ("-1", "-1"),
            ("%35x", "5x"),
            ("1.5", "1.5"),
            ("18446744073709551616", "18446744073709551616"),
            ("", ""),
        ] {
            let s = parse_hash(&format!("#/raft?run=%7B%7D&at={at}")).unwrap();
            assert_eq!(s.run.as_deref(), Some("{}"), "at={at}");
            assert_eq!(s.at, Some(Err(shown.to_string())), "at={at}");
        }
        assert_eq!(parse_hash("#/raft?at=%35").unwrap().at, Some(Ok(5)));
    }

    #[test]
    fn percent_encoding_keeps_unicode() {
        let s = "简体中文 {\"a\": 1}&x=%";
        assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
    }
}
