//! The cluster canvas: nodes, links, timers and messages moving in virtual time.

mod messages;
mod node;

pub use node::accessible_name;

use super::legend::Legend;
use super::{catalog, use_scene};
use crate::controller::{use_controller, Selection};
use crate::i18n::fill;
use crate::labs::MsgView;
use crate::view_model::labels;
use crate::view_model::layout::{self, message_point, Point};
use leptos::prelude::*;
use messages::{pick, place, shown_labels, MessageDot, MessageSwarm, ONE_BY_ONE};
use node::NodeGlyph;

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
    // With many messages in flight they are drawn as a swarm (the selected one still on its
    // own, labelled), and a click picks the nearest.
    let crowded = Memo::new(move |_| scene.with(|s| s.messages.len() > ONE_BY_ONE));
    let svg: NodeRef<leptos::svg::Svg> = NodeRef::new();
    let probe: NodeRef<leptos::html::Span> = NodeRef::new();
    let (units_per_px, root_px) = follow_scale(svg, probe);
    // Canvas text, in canvas units: 0.8 rem on screen (1.5 rem presenting), within the
    // room the drawing leaves (24 units in the page, 32 presenting: beyond that, 2PC's
    // status lines meet).
    let fs = move || {
        let (rem, cap) = if ctl.presenting.get() {
            (1.5, 32.0)
        } else {
            (0.8, 24.0)
        };
        labels::text_size(units_per_px.get(), rem * root_px.get(), cap)
    };
    let legend_open = RwSignal::new(false);
    let save_canvas = move |kind: &'static str| {
        let (name, caption) = super::picture::caption(ctl, cat(), "canvas", kind);
        if let Some(svg) = super::picture::canvas_svg(&caption) {
            super::picture::save(&svg, &name, kind);
        }
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let picked = crowded.get_untracked().then(|| {
            let svg = svg.get_untracked()?;
            let p = to_canvas(&svg, ev.client_x(), ev.client_y());
            let now = untrack(|| ctl.drawn_time());
            scene.with_untracked(|s| points.with_untracked(|pts| pick(s, pts, now, p)))
        });
        ctl.select(match picked.flatten() {
            Some(id) => Selection::Message(id),
            None => Selection::None,
        });
    };
    let one_by_one = move || {
        let selected = match ctl.selection.get() {
            Selection::Message(id) => Some(id),
            _ => None,
        };
        let msgs = scene.with(|s| {
            let shown = |m: &&MsgView| !crowded.get() || Some(m.id) == selected;
            s.messages.iter().filter(shown).cloned().collect::<Vec<_>>()
        });
        let labels = shown_labels(&msgs, selected);
        msgs.into_iter().zip(labels).collect::<Vec<_>>()
    };
    // Where each label goes this frame, in order: the selected message's first, then the
    // ones about to arrive; none covers a node's circle or text.
    let spots = Memo::new(move |_| {
        let msgs = one_by_one();
        if msgs.is_empty() {
            return Vec::new();
        }
        let (now, pts, fs) = (ctl.drawn_time(), points.get(), fs());
        let selected = ctl.selection.get();
        let obstacles: Vec<_> = scene.with(|s| {
            s.nodes
                .iter()
                .flat_map(|n| labels::node_boxes(n, fs))
                .collect()
        });
        // One number per message sorts them: not selected (top bit), arrival, index.
        let mut order: Vec<u64> = msgs
            .iter()
            .enumerate()
            .map(|(i, (m, _))| {
                let later = u64::from(selected != Selection::Message(m.id)) << 63;
                later | m.deliver_at.min((1 << 47) - 1) << 16 | i as u64
            })
            .collect();
        order.sort_unstable();
        let order: Vec<&(MsgView, String)> =
            order.iter().map(|k| &msgs[(k & 0xffff) as usize]).collect();
        let wanted: Vec<(Point, &str)> = order
            .iter()
            .map(|(m, l)| (place(m, &pts, now), l.as_str()))
            .collect();
        let placed = labels::place_labels(&wanted, &obstacles, fs * labels::SMALL);
        order
            .iter()
            .map(|(m, _)| m.id)
            .zip(placed)
            .collect::<Vec<_>>()
    });
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
        layout::cut_lines(&cut_pairs.get())
            .into_iter()
            .map(|(a, b, both)| {
                let (a, b) = (at(&pts, a), at(&pts, b));
                if both {
                    // Cut both ways (a partition): one line, crossed out in the middle.
                    let m = layout::midpoint(a, b);
                    view! {
                        <g class="cut-both">
                            <line class="link-cut" x1=a.x y1=a.y x2=b.x y2=b.y />
                            <text class="cut-x" x=m.x y=m.y text-anchor="middle" dominant-baseline="central">"✕"</text>
                        </g>
                    }
                    .into_any()
                } else {
                    let (p, q) = (message_point(a, b, 0.0), message_point(a, b, 1.0));
                    view! { <line class="link-cut" x1=p.x y1=p.y x2=q.x y2=q.y marker-end="url(#cut-arrow)" /> }.into_any()
                }
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
                    <text class="msg-lost-x" text-anchor="middle" dominant-baseline="central">"✕"</text>
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
                node_ref=svg
                style:--fs=move || format!("{:.2}px", fs())
                on:click=click
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
                <Show when=move || crowded.get()>
                    <MessageSwarm scene points />
                </Show>
                <For
                    each=one_by_one
                    // A label that changes (a broadcast's copy delivered) draws the dot again.
                    key=|(m, shown)| (m.id, shown.clone())
                    children=move |(m, shown): (MsgView, String)| {
                        let pts = points.get_untracked();
                        let names = names.get_untracked();
                        let (from, to) = (at(&pts, m.from), at(&pts, m.to));
                        let name = |i: usize| names.get(i).cloned().unwrap_or_default();
                        let (from_name, to_name) = (name(m.from), name(m.to));
                        view! { <MessageDot msg=m shown spots from to from_name to_name /> }
                    }
                />
                {lost}
            </svg>
            // 1 rem, measured: canvas text follows the reader's font size.
            <span class="rem-probe" aria-hidden="true" node_ref=probe></span>
            <figcaption class="legend">
                {move || cat().panels.legend} " "
                <button
                    class="link-button"
                    aria-expanded=move || legend_open.get().to_string()
                    on:click=move |_| legend_open.update(|o| *o = !*o)
                >
                    {move || cat().panels.legend_open}
                </button>
                " "
                <button class="link-button" on:click=move |_| save_canvas("svg")>{move || cat().panels.canvas_svg}</button>
                " · "
                <button class="link-button" on:click=move |_| save_canvas("png")>{move || cat().panels.canvas_png}</button>
                <Show when=move || legend_open.get()>
                    <Legend />
                </Show>
            </figcaption>
        </figure>
    }
}

/// Canvas units per CSS pixel, as the canvas is drawn now (it changes with the window,
/// the layout and the browser's zoom), and the root font size in CSS pixels (the
/// reader's setting, measured on `probe`, 1 rem wide): canvas text follows both.
fn follow_scale(
    svg: NodeRef<leptos::svg::Svg>,
    probe: NodeRef<leptos::html::Span>,
) -> (RwSignal<f64>, RwSignal<f64>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let (k, root) = (RwSignal::new(1.5), RwSignal::new(16.0));
    let kept = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let (Some(el), Some(rem)) = (svg.get(), probe.get()) else {
            return;
        };
        let set = |signal: RwSignal<f64>, value: f64| {
            if value > 0.0 && (value - signal.get_untracked()).abs() > 0.001 {
                signal.set(value);
            }
        };
        let (el2, rem2) = (el.clone(), rem.clone());
        let measure = Closure::<dyn FnMut()>::new(move || {
            let r = el2.get_bounding_client_rect();
            let scale = (r.width() / layout::WIDTH).min(r.height() / layout::HEIGHT);
            set(k, 1.0 / scale);
            set(root, rem2.get_bounding_client_rect().width());
        });
        let Ok(observer) = web_sys::ResizeObserver::new(measure.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&el);
        observer.observe(&rem);
        kept.set_value(Some((observer, measure)));
    });
    on_cleanup(move || {
        kept.try_with_value(|k| k.as_ref().map(|(observer, _)| observer.disconnect()));
    });
    (k, root)
}

/// Node `i`'s position; the origin for a node the scene no longer has (drawn for at most
/// a moment, while a run with fewer nodes replaces the one shown).
fn at(points: &[Point], i: usize) -> Point {
    points.get(i).copied().unwrap_or(Point { x: 0.0, y: 0.0 })
}

/// A point of the page (client coordinates) in the canvas's units: the SVG keeps its
/// aspect ratio, centred in its box.
fn to_canvas(svg: &web_sys::Element, x: i32, y: i32) -> Point {
    let r = svg.get_bounding_client_rect();
    let scale = (r.width() / layout::WIDTH).min(r.height() / layout::HEIGHT);
    let left = r.left() + (r.width() - layout::WIDTH * scale) / 2.0;
    let top = r.top() + (r.height() - layout::HEIGHT * scale) / 2.0;
    Point {
        x: (f64::from(x) - left) / scale,
        y: (f64::from(y) - top) / scale,
    }
}
