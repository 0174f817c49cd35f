//! Play/pause, stepping, speed, the timeline, reset and new seed.

use super::catalog;
use crate::controller::use_controller;
use crate::i18n::{count, fill};
use crate::view_model::scale::{format_speed, slider_from_speed, speed_from_slider, SPEED_STEPS};
use leptos::prelude::*;

#[component]
pub fn TransportBar() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let info = Memo::new(move |_| {
        ctl.read(|s| {
            (
                s.cursor(),
                s.len(),
                s.time(),
                s.seed(),
                s.is_finished(),
                s.first(),
            )
        })
    });
    let step = move || info.get().0;
    let first = move || info.get().5;
    // Marks under the timeline: every input, and where each invariant first broke.
    let marks = Memo::new(move |_| {
        let (first, len) = (info.get().5, info.get().1);
        let inputs = ctl.read(|s| s.input_steps());
        let broken: Vec<u64> = ctl.scene.with(|s| {
            s.invariants
                .iter()
                .filter_map(|i| i.first_violation)
                .collect()
        });
        let at = move |step: u64| {
            100.0 * step.saturating_sub(first) as f64 / len.saturating_sub(first).max(1) as f64
        };
        let mut marks: Vec<(f64, bool)> = inputs
            .into_iter()
            .filter(|s| *s >= first && *s < len)
            .map(|s| (at(s), false))
            .collect();
        marks.extend(broken.into_iter().map(|s| (at(s), true)));
        marks
    });
    let playing = ctl.playing;
    view! {
        <section class="transport" role="toolbar" aria-label=move || cat().transport.region>
            {move || ctl.loading.get().map(|(done, total)| {
                let text = fill(cat().transport.loading, &[("done", &done.to_string()), ("total", &total.to_string())]);
                view! {
                    <div class="loading" role="status">
                        <label>
                            <span>{text}</span>
                            <progress max=total.to_string() value=done.to_string()></progress>
                        </label>
                        <button class="btn" on:click=move |_| ctl.stop_loading()>{cat().transport.loading_stop}</button>
                    </div>
                }
            })}
            <div class="transport-buttons">
                <button
                    class="btn"
                    aria-label=move || cat().transport.step_back
                    disabled=move || step() == first()
                    on:click=move |_| ctl.step_back()
                >
                    <span aria-hidden="true">"◀ "</span>
                    <span aria-hidden="true">{move || cat().transport.step_back}</span>
                </button>
                <button
                    class="btn btn-primary play"
                    aria-label=move || if playing.get() { cat().transport.pause } else { cat().transport.play }
                    on:click=move |_| ctl.toggle_play()
                >
                    <span aria-hidden="true">{move || if playing.get() { "❚❚ " } else { "▶ " }}</span>
                    <span aria-hidden="true">
                        {move || if playing.get() { cat().transport.pause } else { cat().transport.play }}
                    </span>
                </button>
                <button
                    class="btn"
                    aria-label=move || cat().transport.step_forward
                    disabled=move || info.get().4
                    on:click=move |_| {
                        ctl.pause();
                        ctl.step_forward();
                    }
                >
                    <span aria-hidden="true">{move || cat().transport.step_forward}</span>
                    <span aria-hidden="true">" ▶"</span>
                </button>
                <button class="btn extra" on:click=move |_| ctl.reset()>{move || cat().transport.reset}</button>
                <button class="btn extra" on:click=move |_| ctl.new_seed()>{move || cat().transport.new_seed}</button>
                <button
                    class="btn present"
                    aria-pressed=move || ctl.presenting.get().to_string()
                    title=move || cat().transport.present_help
                    on:click=move |_| ctl.set_presenting(!ctl.presenting.get_untracked())
                >
                    {move || if ctl.presenting.get() { cat().transport.present_exit } else { cat().transport.present }}
                </button>
            </div>
            <label class="timeline">
                <span class="visually-hidden">{move || cat().transport.timeline}</span>
                <input
                    type="range"
                    min=move || first().to_string()
                    max=move || info.get().1.to_string()
                    prop:value=move || step().to_string()
                    aria-label=move || cat().transport.timeline
                    aria-valuetext=move || format!("{} {} / {}", cat().transport.step, step(), info.get().1)
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u64>() {
                            ctl.pause();
                            ctl.seek(n);
                        }
                    }
                />
                <div class="marks" aria-hidden="true">
                    {move || {
                        marks
                            .get()
                            .into_iter()
                            .map(|(at, broken)| {
                                let class = if broken { "mark violation" } else { "mark input" };
                                view! { <span class=class style:left=format!("{at:.2}%") /> }
                            })
                            .collect_view()
                    }}
                </div>
            </label>
            <div class="readout">
                <span>{move || cat().transport.step} " " <b data-testid="step">{step}</b> " / " {move || info.get().1}</span>
                <span>{move || cat().transport.time} " " <b data-testid="time">{move || info.get().2}</b></span>
                <span>{move || cat().transport.seed} " " <b data-testid="seed">{move || info.get().3}</b></span>
                <Show when=move || first() != 0>
                    <span data-testid="history-kept">
                        {move || fill(cat().transport.history_kept, &[("first", &first().to_string())])}
                    </span>
                </Show>
            </div>
            <label class="speed">
                <span aria-hidden="true">{move || cat().transport.speed}</span>
                <input
                    type="range"
                    min="0"
                    max=SPEED_STEPS.to_string()
                    prop:value=move || slider_from_speed(ctl.speed.get()).to_string()
                    aria-label=move || cat().transport.speed
                    aria-valuetext=move || fill(cat().transport.speed_value, &[("speed", &format_speed(ctl.speed.get()))])
                    on:input=move |ev| {
                        if let Ok(pos) = event_target_value(&ev).parse::<u32>() {
                            ctl.speed.set(speed_from_slider(pos));
                        }
                    }
                />
                <output>{move || fill(cat().transport.speed_value, &[("speed", &format_speed(ctl.speed.get()))])}</output>
            </label>
            <label class="glide">
                <input
                    type="checkbox"
                    prop:checked=move || ctl.glide.get()
                    on:change=move |ev| ctl.glide.set(event_target_checked(&ev))
                />
                {move || cat().transport.glide}
            </label>
            <PutAside />
            <Branches />
            <super::inputs::InputList />
        </section>
    }
}

/// A reset, a new seed or a new configuration never loses a run: it is put aside, and
/// this bar, beside the buttons that did it, offers it back.
#[component]
fn PutAside() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    move || {
        ctl.aside.get().map(|len| {
            let t = &cat().transport;
            let steps = count(len, t.steps_one, t.steps_many);
            view! {
                <div class="notice info put-aside" role="status">
                    <span>{fill(t.put_aside, &[("steps", &steps)])}</span>
                    <button class="btn btn-small btn-primary" on:click=move |_| ctl.undo()>{t.undo}</button>
                    <button class="btn btn-small" on:click=move |_| ctl.aside.set(None)>{cat().errors.dismiss}</button>
                </div>
            }
        })
    }
}

/// The runs forks left behind in this lab: one button each switches to it, at the step
/// where the two runs part (this run becomes a branch in its place).
#[component]
fn Branches() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let lab = Memo::new(move |_| ctl.read(|s| s.lab()));
    move || {
        let lab = lab.get();
        let t = &cat().transport;
        let items: Vec<_> = ctl.branches.with(|b| {
            b.iter()
                .enumerate()
                .filter(|(_, b)| b.lab == lab)
                .map(|(i, b)| (i, b.from, b.len))
                .collect()
        });
        (!items.is_empty()).then(|| {
            let buttons = items
                .into_iter()
                .map(|(i, from, len)| {
                    let steps = count(len, t.steps_one, t.steps_many);
                    view! {
                        <button class="btn btn-small branch" title=t.branch_help on:click=move |_| ctl.switch_branch(i)>
                            {fill(t.branch, &[("step", &from.to_string()), ("steps", &steps)])}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div class="branches" role="group" aria-label=t.branches>
                    <span class="muted small">{t.branches}</span>
                    {buttons}
                </div>
            }
        })
    }
}
