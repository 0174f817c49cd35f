//! Share link, export and import of runs (the scenario format of `docs/scenario-format.md`).

use super::catalog;
use crate::controller::{use_controller, Cursor, Notice};
use crate::i18n::fill;
use crate::url_state::{self, percent_encode};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn ShareBar() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let import_open = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let export = Memo::new(move |_| ctl.read(|s| (s.lab(), s.seed(), s.export(), s.cursor())));
    let share = move |_| {
        let (lab, _, json, at) = export.get_untracked();
        let written = url_state::write(lab, &json, at, ctl.lang.get_untracked());
        ctl.follow_url();
        if let Err(n) = written {
            let text = fill(
                cat().errors.link_too_long,
                &[
                    ("n", &n.to_string()),
                    ("max", &url_state::MAX_URL_CHARS.to_string()),
                ],
            );
            ctl.notice.set(Some(Notice { text, error: true }));
            return;
        }
        let href = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&href);
        }
        let text = format!("{} {}", cat().panels.share_copied, href);
        ctl.notice.set(Some(Notice { text, error: false }));
    };
    let load = move |text: String| {
        let lab = crate::labs::load_run(&text, cat());
        match lab {
            Ok(sim) => {
                import_open.set(false);
                ctl.notice.set(None);
                // An imported run opens at its start, to be stepped through.
                ctl.open(sim, Cursor::Step(0));
            }
            Err(problem) => {
                let text = fill(cat().errors.bad_import, &[("problem", &problem)]);
                ctl.notice.set(Some(Notice { text, error: true }));
            }
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev
            .target()
            .expect("input event has a target")
            .unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            load(text.ok().and_then(|v| v.as_string()).unwrap_or_default());
        });
    };
    view! {
        <div class="share-bar">
            <button class="btn" on:click=share>{move || cat().panels.share}</button>
            <a
                class="btn"
                download=move || { let (lab, seed, _, _) = export.get(); format!("{}-seed-{seed}.json", lab.slug()) }
                href=move || format!("data:application/json;charset=utf-8,{}", percent_encode(&export.get().2))
            >
                {move || cat().panels.export}
            </a>
            <button class="btn" aria-expanded=move || import_open.get().to_string() on:click=move |_| import_open.update(|o| *o = !*o)>
                {move || cat().panels.import}
            </button>
            <Show when=move || import_open.get()>
                <div class="import">
                    <label>
                        {move || cat().panels.import_hint}
                        <textarea rows="6" prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev)) />
                    </label>
                    <input type="file" accept=".json,application/json" aria-label=move || cat().panels.import on:change=on_file />
                    <button class="btn btn-primary" on:click=move |_| load(pasted.get_untracked())>{move || cat().panels.import_apply}</button>
                </div>
            </Show>
        </div>
    }
}
