//! A node on the canvas: its circle, name, status, badges, timer arc and newest log
//! entries.

use super::super::{catalog, use_scene};
use crate::controller::{use_controller, Selection};
use crate::i18n::fill;
use crate::labs::NodeView;
use crate::view_model::layout::{timer_arc, NODE_R};
use leptos::prelude::*;

#[component]
pub(super) fn NodeGlyph(index: usize) -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let scene = use_scene();
    // When a new run has fewer nodes, this memo can re-run before `<For>` drops the
    // glyph: it keeps the node it last drew for that moment instead of failing.
    let node = Memo::new(move |prev: Option<&NodeView>| {
        scene
            .with(|s| s.nodes.get(index).cloned())
            .or_else(|| prev.cloned())
            .unwrap_or_else(|| NodeView::placeholder(index))
    });
    let selected = move || ctl.selection.get() == Selection::Node(index);
    // A lesson beat points at this node.
    let spot = move || ctl.spotlit(|s, sim| sim.node_named(s) == Some(index));
    let flash = move || scene.with(|s| s.delivered_to == Some(index));
    let select = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        ctl.select(Selection::Node(index));
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ctl.select(Selection::Node(index));
        }
    };
    let timer_path = move || {
        let (timer, up, center) = node.with(|n| (n.timer, n.up, n.at));
        let now = ctl.drawn_time();
        timer
            .filter(|_| up)
            .map(|(set, due)| {
                let left = if due > set {
                    ((due as f64 - now) / (due - set) as f64).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                timer_arc(center, NODE_R + 7.0, left)
            })
            .unwrap_or_default()
    };
    let label = move || node.with(accessible_name);
    // Drawn again only when they change, not at every step.
    let at = Memo::new(move |_| node.with(|n| n.at));
    let log = Memo::new(move |_| node.with(|n| (n.log_hidden, n.log.clone())));
    view! {
        <g
            class=move || {
                node.with(|n| format!("node {} {}", n.tone.class(), if n.up { "up" } else { "down" }))
            }
            class:selected=selected
            class:spot=spot
            class:flash=flash
            role="button"
            tabindex="0"
            aria-label=label
            aria-pressed=move || selected().to_string()
            data-state=move || if node.with(|n| n.up) { "up" } else { "down" }
            on:click=select
            on:contextmenu=move |ev| ctl.open_menu(Selection::Node(index), &ev)
            on:pointerdown=move |ev| ctl.press_start(Selection::Node(index), &ev)
            on:pointerup=move |_| ctl.press_end()
            on:pointercancel=move |_| ctl.press_end()
            on:pointerleave=move |_| ctl.press_end()
            on:keydown=on_key
        >
            <title>{label}</title>
            <path class="timer-arc" d=timer_path />
            <circle class="node-body" cx=move || at.get().x cy=move || at.get().y r=NODE_R />
            // Text is placed in ems from the node, so it keeps its room at any size
            // (canvas text follows the reader's font size: see `.cluster` in the CSS).
            <text class="node-name" x=move || at.get().x y=move || at.get().y dy="-.05em" text-anchor="middle">
                {move || node.with(|n| n.name.clone())}
            </text>
            <text class="node-badge" x=move || at.get().x y=move || at.get().y dy="1.15em" text-anchor="middle">
                {move || node.with(|n| if n.up { n.badges.join(" · ") } else { "✕".to_string() })}
            </text>
            <text class="node-status" x=move || at.get().x y=move || at.get().y + NODE_R + 6.0 dy="1em" text-anchor="middle">
                {move || node.with(|n| n.status.clone())}
            </text>
            // The newest log entries, one line each under the status.
            <text class="node-log" x=move || at.get().x y=move || at.get().y + NODE_R + 6.0 text-anchor="middle">
                {move || {
                    let (hidden, log) = log.get();
                    let x = at.get().x;
                    log
                        .into_iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let more = if i == 0 && hidden > 0 { fill(cat().panels.log_more, &[("n", &hidden.to_string())]) } else { String::new() };
                            view! {
                                <tspan x=x dy=if i == 0 { "2.5em" } else { "1.2em" } class:unflushed=!e.on_disk>
                                    {more}
                                    {e.text}
                                </tspan>
                            }
                        })
                        .collect_view()
                }}
            </text>
        </g>
    }
}

/// A node's accessible name: its name first (tests and screen readers rely on it), then its state.
/// "Acceptor 2 — promised 1.1 · #0: A@1.1 · quorum": the name, the status, and the badges
/// drawn inside the circle (a live node's only).
pub fn accessible_name(n: &NodeView) -> String {
    if n.up && !n.badges.is_empty() {
        format!("{} — {} · {}", n.name, n.status, n.badges.join(" · "))
    } else {
        format!("{} — {}", n.name, n.status)
    }
}
