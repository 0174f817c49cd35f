//! The configuration panel. A change starts a fresh run with the same seed; an
//! impossible value is refused with a message, and the current run is kept.

use super::catalog;
use crate::controller::{use_controller, Cursor, Notice};
use crate::i18n::fill;
use crate::labs::{Setting, SettingKind};
use leptos::prelude::*;

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let settings = Memo::new(move |_| ctl.read(|s| s.settings(cat())));
    let has_inputs = Memo::new(move |_| ctl.read(|s| !s.input_steps().is_empty()));
    let keep = RwSignal::new(true);
    let apply = move |key: &'static str, value: u64| {
        let rerun = keep.get_untracked() && has_inputs.get_untracked();
        match ctl.with(|s| s.with_setting(key, value, cat())) {
            Ok(fresh) if rerun => match ctl.with(|s| s.with_setting_rerun(key, value, cat())) {
                Ok(sim) => ctl.open(sim, Cursor::End),
                // The setting is possible but the actions do not fit it (a crash of a
                // server the smaller cluster lacks): start afresh, and say so.
                Err(why) => {
                    ctl.replace(fresh);
                    let text = fill(cat().settings.inputs_dropped, &[("problem", &why)]);
                    ctl.notice.set(Some(Notice { text, error: true }));
                }
            },
            Ok(fresh) => ctl.replace(fresh),
            Err(problem) => {
                let text = fill(cat().errors.bad_setting, &[("problem", &problem)]);
                ctl.notice.set(Some(Notice { text, error: true }));
                // Re-render the inputs with the values still in force.
                ctl.rev.update(|r| *r += 1);
            }
        }
    };
    let on_number = move |key: &'static str, label: &'static str, raw: String| match raw
        .trim()
        .parse::<u64>()
    {
        Ok(v) => apply(key, v),
        Err(_) => {
            let text = fill(
                cat().errors.bad_setting,
                &[("problem", &format!("{label}: “{raw}”"))],
            );
            ctl.notice.set(Some(Notice { text, error: true }));
            ctl.rev.update(|r| *r += 1);
        }
    };
    let field = move |s: Setting| {
        match s.kind {
        SettingKind::Number { min, max, value } => view! {
            <label class="setting">
                <span>{s.label}</span>
                <input
                    type="number"
                    min=min.to_string()
                    max=max.to_string()
                    prop:value=value.to_string()
                    on:change=move |ev| on_number(s.key, s.label, event_target_value(&ev))
                />
            </label>
        }
        .into_any(),
        SettingKind::Choice { options, value } => view! {
            <label class="setting">
                <span>{s.label}</span>
                <select on:change=move |ev| {
                    if let Ok(i) = event_target_value(&ev).parse::<u64>() {
                        apply(s.key, i)
                    }
                }>
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(i, o)| {
                            let selected = i as u64 == value;
                            view! { <option value=i.to_string() selected=selected>{o}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
        }
        .into_any(),
        SettingKind::Toggle { on, help } => view! {
            <label class="setting toggle">
                <input type="checkbox" prop:checked=on on:change=move |ev| apply(s.key, event_target_checked(&ev) as u64) />
                <span>{s.label}</span>
                <small class="muted">{help}</small>
            </label>
        }
        .into_any(),
    }
    };
    view! {
        <details class="panel settings">
            <summary>{move || cat().settings.title}</summary>
            <p class="muted small">{move || cat().settings.resets_hint}</p>
            <Show when=move || has_inputs.get()>
                <label class="setting toggle keep-inputs">
                    <input type="checkbox" prop:checked=move || keep.get() on:change=move |ev| keep.set(event_target_checked(&ev)) />
                    <span>{move || cat().settings.keep_inputs}</span>
                </label>
            </Show>
            {move || settings.get().into_iter().map(field).collect_view()}
        </details>
    }
}
