//! The language in the browser: which one a first visit gets, remembering the choice, and
//! telling the document (`<html lang>`, the title, the panic banner).

use super::Lang;
use std::cell::Cell;

thread_local! {
    /// The language on screen, for the panic banner (which cannot read signals).
    static SHOWN: Cell<Lang> = const { Cell::new(Lang::En) };
}

const KEY: &str = "lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language to open in: the link's (`lang=`), else the one chosen here before, else
/// the browser's preferred languages (any `zh*` is 中文), else English.
pub fn initial(from_link: Option<Lang>) -> Lang {
    from_link
        .or_else(|| {
            let code = storage()?.get_item(KEY).ok()??;
            Lang::from_code(&code)
        })
        .unwrap_or_else(|| {
            let tags: Vec<String> = web_sys::window()
                .map(|w| {
                    w.navigator()
                        .languages()
                        .iter()
                        .filter_map(|v| v.as_string())
                        .collect()
                })
                .unwrap_or_default();
            Lang::preferred(tags.iter().map(String::as_str))
        })
}

/// Remembers a choice the user made (local storage; nothing if the browser refuses it).
pub fn remember(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, lang.code());
    }
}

/// Puts `lang` on the document: `<html lang>` (fonts, screen readers, line breaking) and
/// the window's title.
pub fn show(lang: Lang) {
    SHOWN.with(|s| s.set(lang));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", lang.html_lang());
    }
    document.set_title(lang.catalog().app_title);
}

/// The language on screen.
pub fn shown() -> Lang {
    SHOWN.with(Cell::get)
}
