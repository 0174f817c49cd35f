//! The cluster canvas: nodes, links, timers and messages moving in virtual time.

use super::{catalog, use_scene};
use crate::controller::{use_controller, Selection};
use crate::i18n::fill;
use crate::labs::{MsgView, NodeView};
use crate::view_model::layout::{self, message_point, progress, timer_arc, Point, NODE_R};
use leptos::prelude::*;

/// The most messages in flight whose labels are drawn.
const LABELLED_MESSAGES: usize = 24;

#[component]
pub fn ClusterCanvas() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let scene = use_scene();
    let node_count = Memo::new(move |_| scene.with(|s| s.nodes.len()));
    let points =
        Memo::new(move |_| scene.with(|s| s.nodes.iter().map(|n| n.at).collect::<Vec<Point>>()));
    let names = Memo::new(move |_| {
        scene.with(|s| s.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>())
    });

    // The protocol's usual paths, then every cut link drawn red. Each is a memo of its
    // own: the scene changes every step, its links and cuts seldom.
    // With many messages in flight, their labels would only pile up: then only the
    // selected one is labelled (every message keeps its name for screen readers, and the
    // inspector names the selected one).
    let labelled = Memo::new(move |_| scene.with(|s| s.messages.len() <= LABELLED_MESSAGES));
    let link_pairs = Memo::new(move |_| scene.with(|s| s.links.clone()));
    let cut_pairs = Memo::new(move |_| scene.with(|s| s.cut.clone()));
    let links = move || {
        let pts = points.get();
        link_pairs
            .get()
            .into_iter()
            .map(|(a, b)| (at(&pts, a), at(&pts, b)))
            .map(|(a, b)| view! { <line class="link" x1=a.x y1=a.y x2=b.x y2=b.y /> })
            .collect_view()
    };
    let cuts = move || {
        let pts = points.get();
        cut_pairs
            .get()
            .iter()
            .map(|&(a, b)| {
                let (a, b) = (at(&pts, a), at(&pts, b));
                let (p, q) = (message_point(a, b, 0.0), message_point(a, b, 1.0));
                view! { <line class="link-cut" x1=p.x y1=p.y x2=q.x y2=q.y marker-end="url(#cut-arrow)" /> }
            })
            .collect_view()
    };
    let lost = move || {
        scene.with(|s| s.lost.clone()).map(|l| {
            let pts = points.get();
            let at = message_point(at(&pts, l.from), at(&pts, l.to), 0.85);
            let aria = fill(cat().sim.lost_aria, &[("label", &l.label)]);
            view! {
                <g class="msg-lost" transform=format!("translate({:.1},{:.1})", at.x, at.y) aria-label=aria role="img">
                    <text class="msg-lost-x" text-anchor="middle" y="5">"✕"</text>
                    <text class="msg-label" text-anchor="middle" y="-12">{l.label}</text>
                </g>
            }
        })
    };

    view! {
        <figure class="canvas" aria-label=move || cat().panels.cluster>
            <svg
                viewBox=format!("0 0 {} {}", layout::WIDTH, layout::HEIGHT)
                class="cluster"
                on:click=move |_| ctl.selection.set(Selection::None)
            >
                <defs>
                    <marker id="cut-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow" />
                    </marker>
                </defs>
                <g class="links">{links}</g>
                <g class="cuts">{cuts}</g>
                <For each=move || 0..node_count.get() key=|i| *i let:i>
                    <NodeGlyph index=i />
                </For>
                <For
                    each=move || scene.with(|s| s.messages.clone())
                    key=|m| m.id
                    children=move |m: MsgView| {
                        let pts = points.get_untracked();
                        let names = names.get_untracked();
                        let (from, to) = (at(&pts, m.from), at(&pts, m.to));
                        let name = |i: usize| names.get(i).cloned().unwrap_or_default();
                        let (from_name, to_name) = (name(m.from), name(m.to));
                        view! { <MessageDot msg=m from to from_name to_name labelled /> }
                    }
                />
                {lost}
            </svg>
            <figcaption class="legend">{move || cat().panels.legend}</figcaption>
        </figure>
    }
}

/// Node `i`'s position; the origin for a node the scene no longer has (drawn for at most
/// a moment, while a run with fewer nodes replaces the one shown).
fn at(points: &[Point], i: usize) -> Point {
    points.get(i).copied().unwrap_or(Point { x: 0.0, y: 0.0 })
}

#[component]
fn NodeGlyph(index: usize) -> impl IntoView {
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
    let flash = move || scene.with(|s| s.delivered_to == Some(index));
    let select = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        ctl.selection.set(Selection::Node(index));
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ctl.selection.set(Selection::Node(index));
        }
    };
    let timer_path = move || {
        let (timer, up, center) = node.with(|n| (n.timer, n.up, n.at));
        let now = ctl.display_time.get();
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
            class:flash=flash
            role="button"
            tabindex="0"
            aria-label=label
            aria-pressed=move || selected().to_string()
            data-state=move || if node.with(|n| n.up) { "up" } else { "down" }
            on:click=select
            on:keydown=on_key
        >
            <title>{label}</title>
            <path class="timer-arc" d=timer_path />
            <circle class="node-body" cx=move || at.get().x cy=move || at.get().y r=NODE_R />
            <text class="node-name" x=move || at.get().x y=move || at.get().y - 4.0 text-anchor="middle">
                {move || node.with(|n| n.name.clone())}
            </text>
            <text class="node-status" x=move || at.get().x y=move || at.get().y + NODE_R + 22.0 text-anchor="middle">
                {move || node.with(|n| n.status.clone())}
            </text>
            <text class="node-badge" x=move || at.get().x y=move || at.get().y + 16.0 text-anchor="middle">
                {move || node.with(|n| if n.up { n.badges.join(" · ") } else { "✕".to_string() })}
            </text>
            {move || {
                let (hidden, log) = log.get();
                let at = at.get();
                log
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let more = if i == 0 && hidden > 0 { fill(cat().panels.log_more, &[("n", &hidden.to_string())]) } else { String::new() };
                        view! {
                            <text
                                class="node-log"
                                class:unflushed=!e.on_disk
                                x=at.x
                                y=at.y + NODE_R + 38.0 + 13.0 * i as f64
                                text-anchor="middle"
                            >
                                {more}
                                {e.text}
                            </text>
                        }
                    })
                    .collect_view()
            }}
        </g>
    }
}

#[component]
fn MessageDot(
    msg: MsgView,
    from: Point,
    to: Point,
    from_name: String,
    to_name: String,
    labelled: Memo<bool>,
) -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let id = msg.id;
    let pos = move || {
        let f = progress(msg.sent_at, msg.deliver_at, ctl.display_time.get());
        let p = message_point(from, to, f);
        format!("translate({:.1},{:.1})", p.x, p.y)
    };
    let label = msg.label.clone();
    let aria = move || {
        fill(
            cat().sim.message_aria,
            &[("label", &label), ("from", &from_name), ("to", &to_name)],
        )
    };
    let selected = move || ctl.selection.get() == Selection::Message(id);
    view! {
        <g
            class=format!("msg {}", msg.tone.class())
            class:selected=selected
            transform=pos
            role="button"
            tabindex="0"
            aria-label=aria
            on:click=move |ev| {
                ev.stop_propagation();
                ctl.selection.set(Selection::Message(id));
            }
            on:keydown=move |ev| {
                if ev.key() == "Enter" {
                    ctl.selection.set(Selection::Message(id));
                }
            }
        >
            <circle class="msg-hit" r="13" />
            <circle class="msg-dot" r="8" />
            {move || (labelled.get() || selected()).then(|| {
                view! { <text class="msg-label" y="-13" text-anchor="middle">{msg.label.clone()}</text> }
            })}
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
