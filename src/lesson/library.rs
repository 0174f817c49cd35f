//! Lesson files are text beside the site (`dist/lessons/<lab>/<id>.txt`, copied there by
//! trunk from `src/labs/<lab>/lessons/`), fetched the first time a lab's lessons are
//! wanted: they are not part of the site's code, so the download does not grow with every
//! lesson written (25 lessons in two languages are about 170 KB of text, 56 KB gzipped).
//! Natively (the tests, `sim`) they are read from the source tree.

use crate::labs::LabId;
use std::cell::RefCell;
use std::collections::HashMap;

/// Where a lab's lesson files stand.
#[derive(Clone, Debug, PartialEq)]
pub enum Shelf {
    /// Not asked for yet.
    Missing,
    Loading,
    Ready,
    /// They could not be fetched (offline, a broken deployment): why.
    Failed(String),
}

/// A lab's files: (name, text) once read, or why not.
type Files = Result<Vec<(&'static str, &'static str)>, String>;

thread_local! {
    static FILES: RefCell<HashMap<LabId, Files>> = RefCell::new(HashMap::new());
    static LOADING: RefCell<Vec<LabId>> = const { RefCell::new(Vec::new()) };
}

/// The lab's file names: its lessons, then its cards.
fn names(lab: LabId) -> impl Iterator<Item = &'static str> {
    lab.lesson_ids().iter().copied().chain(["myths"])
}

/// Where a file is, relative to the page (`public_url` is `./`).
#[cfg(target_arch = "wasm32")]
fn url(lab: LabId, name: &str) -> String {
    format!("lessons/{}/{name}.txt", lab.slug())
}

pub fn shelf(lab: LabId) -> Shelf {
    #[cfg(not(target_arch = "wasm32"))]
    read_from_source(lab);
    match FILES.with(|f| f.borrow().get(&lab).cloned()) {
        Some(Ok(_)) => Shelf::Ready,
        Some(Err(e)) => Shelf::Failed(e),
        None if LOADING.with(|l| l.borrow().contains(&lab)) => Shelf::Loading,
        None => Shelf::Missing,
    }
}

/// The text of file `name` of `lab` (a lesson's id, or `myths`), once loaded.
pub fn text(lab: LabId, name: &str) -> Option<&'static str> {
    #[cfg(not(target_arch = "wasm32"))]
    read_from_source(lab);
    FILES.with(|f| {
        f.borrow()
            .get(&lab)?
            .as_ref()
            .ok()?
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    })
}

/// Natively, the files are the source tree's.
#[cfg(not(target_arch = "wasm32"))]
fn read_from_source(lab: LabId) {
    if FILES.with(|f| f.borrow().contains_key(&lab)) {
        return;
    }
    let dir = format!(
        "{}/src/labs/{}/lessons",
        env!("CARGO_MANIFEST_DIR"),
        lab.slug().replace('-', "_")
    );
    let files: Files = names(lab)
        .map(|name| {
            let text = std::fs::read_to_string(format!("{dir}/{name}.txt"))
                .map_err(|e| format!("{dir}/{name}.txt: {e}"))?;
            Ok((name, &*Box::leak(text.into_boxed_str())))
        })
        .collect();
    FILES.with(|f| f.borrow_mut().insert(lab, files));
}

/// Fetches the lab's files (all at once, then each read in turn); `done` runs when they
/// are in, or failed.
#[cfg(target_arch = "wasm32")]
pub fn fetch(lab: LabId, done: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if LOADING.with(|l| l.borrow().contains(&lab)) || FILES.with(|f| f.borrow().contains_key(&lab))
    {
        return;
    }
    LOADING.with(|l| l.borrow_mut().push(lab));
    let js = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let Some(window) = web_sys::window() else {
        return;
    };
    let pending: Vec<(&'static str, js_sys::Promise)> = names(lab)
        .map(|name| (name, window.fetch_with_str(&url(lab, name))))
        .collect();
    wasm_bindgen_futures::spawn_local(async move {
        let mut files = Vec::new();
        let mut problem = None;
        for (name, promise) in pending {
            let read = async {
                let resp: web_sys::Response =
                    JsFuture::from(promise).await.map_err(js)?.unchecked_into();
                if !resp.ok() {
                    return Err(format!("{}: HTTP {}", url(lab, name), resp.status()));
                }
                let text = JsFuture::from(resp.text().map_err(js)?).await.map_err(js)?;
                text.as_string()
                    .ok_or_else(|| format!("{}: not text", url(lab, name)))
            };
            match read.await {
                Ok(text) => files.push((name, &*Box::leak(text.into_boxed_str()))),
                Err(e) => {
                    problem.get_or_insert(e);
                }
            }
        }
        let files = match problem {
            Some(e) => Err(e),
            None => Ok(files),
        };
        LOADING.with(|l| l.borrow_mut().retain(|x| *x != lab));
        FILES.with(|f| f.borrow_mut().insert(lab, files));
        done();
    });
}

/// Natively there is nothing to fetch.
#[cfg(not(target_arch = "wasm32"))]
pub fn fetch(lab: LabId, done: impl FnOnce() + 'static) {
    read_from_source(lab);
    done();
}
