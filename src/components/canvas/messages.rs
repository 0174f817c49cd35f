//! Messages in flight. A few are drawn one by one, labelled and focusable; many are
//! drawn as a swarm, one path per tone, so a busy lab does not make and drop hundreds of
//! elements each frame. The inspector's in-flight list names every message either way.

use super::super::catalog;
use super::at;
use crate::controller::{use_controller, Selection};
use crate::i18n::fill;
use crate::labs::{MsgView, Scene, Tone};
use crate::view_model::labels::LabelSpot;
use crate::view_model::layout::{message_point, progress, Point};
use leptos::prelude::*;
use std::fmt::Write;

/// The most messages in flight drawn one by one, each with its label.
pub(super) const ONE_BY_ONE: usize = 24;
/// A swarm's dot radius, and how near a click must be to pick a message (canvas units).
const DOT_R: f64 = 8.0;
const PICK_R: f64 = 16.0;

/// Where message `m` is drawn at virtual time `now`.
pub(super) fn place(m: &MsgView, points: &[Point], now: f64) -> Point {
    let f = progress(m.sent_at, m.deliver_at, now);
    message_point(at(points, m.from), at(points, m.to), f)
}

/// The message nearest `p` within a click's reach, if any.
pub(super) fn pick(scene: &Scene, points: &[Point], now: f64, p: Point) -> Option<u64> {
    scene
        .messages
        .iter()
        .map(|m| (place(m, points, now).dist(p), m.id))
        .filter(|(d, _)| *d <= PICK_R)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// The label each message shows: a broadcast (one sender, one label, one send time) is
/// labelled once, on its first message, as "PREPARE T1 ×3", so its copies do not pile
/// their labels on the sender; the selected message always shows its own. Each message
/// still has its own accessible name.
pub(super) fn shown_labels(msgs: &[MsgView], selected: Option<u64>) -> Vec<String> {
    let same =
        |a: &MsgView, b: &MsgView| a.from == b.from && a.sent_at == b.sent_at && a.label == b.label;
    msgs.iter()
        .map(|m| {
            let copies = msgs.iter().filter(|o| same(m, o));
            let first = copies.clone().map(|o| o.id).min() == Some(m.id);
            match copies.count() {
                _ if selected == Some(m.id) => m.label.clone(),
                1 => m.label.clone(),
                n if first => format!("{} ×{n}", m.label),
                _ => String::new(),
            }
        })
        .collect()
}

/// Every tone a message can have, in drawing order.
const TONES: [Tone; 7] = [
    Tone::Plain,
    Tone::Idle,
    Tone::Down,
    Tone::Working,
    Tone::Blocked,
    Tone::Good,
    Tone::Bad,
];

/// Many messages as one path of dots per tone, moving with the display time.
#[component]
pub(super) fn MessageSwarm(scene: Memo<Scene>, points: Memo<Vec<Point>>) -> impl IntoView {
    let ctl = use_controller();
    let paths = Memo::new(move |_| {
        let now = ctl.drawn_time();
        let pts = points.get();
        let mut d = vec![String::new(); TONES.len()];
        scene.with(|s| {
            for m in &s.messages {
                let p = place(m, &pts, now);
                let i = TONES.iter().position(|t| *t == m.tone).unwrap_or(0);
                let _ = write!(
                    d[i],
                    "M{:.1} {:.1}m-{DOT_R} 0a{DOT_R} {DOT_R} 0 1 0 {} 0a{DOT_R} {DOT_R} 0 1 0 -{} 0",
                    p.x,
                    p.y,
                    2.0 * DOT_R,
                    2.0 * DOT_R
                );
            }
        });
        d
    });
    let dots = TONES
        .iter()
        .enumerate()
        .map(|(i, tone)| {
            view! { <path class=format!("swarm {}", tone.class()) d=move || paths.with(|d| d[i].clone()) /> }
        })
        .collect_view();
    view! { <g class="msg-swarm" aria-hidden="true">{dots}</g> }
}

#[component]
pub(super) fn MessageDot(
    msg: MsgView,
    /// What the label says (see [`shown_labels`]): empty for a broadcast's copies.
    shown: String,
    /// Where each label goes (see [`crate::view_model::labels::place_labels`]); `None`
    /// when there is no room (shown on hover or focus).
    spots: Memo<Vec<(u64, Option<LabelSpot>)>>,
    from: Point,
    to: Point,
    from_name: String,
    to_name: String,
) -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let id = msg.id;
    let pos = move || {
        let f = progress(msg.sent_at, msg.deliver_at, ctl.drawn_time());
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
    // A memo: the label's attributes change only when its place does.
    let place =
        Memo::new(move |_| spots.with(|v| v.iter().find(|(i, _)| *i == id).and_then(|(_, s)| *s)));
    // A lesson beat points at messages of this kind (`show=msg=PREPARE`).
    let kind = msg
        .label
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    let spotlit = move || ctl.spotlit(|s, _| s.strip_prefix("msg=") == Some(kind.as_str()));
    view! {
        <g
            class=format!("msg {}", msg.tone.class())
            class:selected=selected
            class:spot=spotlit
            class:linked=move || ctl.linked.get() == Some(id)
            data-msg=id
            transform=pos
            role="button"
            tabindex="0"
            aria-label=aria
            on:click=move |ev| {
                ev.stop_propagation();
                ctl.select(Selection::Message(id));
            }
            on:contextmenu=move |ev| ctl.open_menu(Selection::Message(id), &ev)
            on:pointerdown=move |ev| ctl.press_start(Selection::Message(id), &ev)
            on:pointerup=move |_| ctl.press_end()
            on:pointercancel=move |_| ctl.press_end()
            on:pointerleave=move |_| ctl.press_end()
            on:keydown=move |ev| {
                if ev.key() == "Enter" {
                    ctl.select(Selection::Message(id));
                }
            }
        >
            <circle class="msg-hit" r="13" />
            <circle class="msg-dot" r="8" />
            <text
                class="msg-label"
                class:crowded=move || place.get().is_none()
                x=move || place.get().map_or(0.0, |s| s.dx)
                y=move || place.get().map_or(-13.0, |s| s.dy)
                text-anchor=move || place.get().map_or("middle", |s| s.anchor.svg())
            >
                {shown}
            </text>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: u64, from: usize, to: usize) -> MsgView {
        MsgView {
            id,
            from,
            to,
            label: String::new(),
            tone: Tone::Working,
            sent_at: 0,
            deliver_at: 10,
        }
    }

    /// A broadcast is labelled once, with its count; a selected copy shows its own
    /// label; messages that differ in sender, label or send time are labelled apart.
    #[test]
    fn a_broadcast_is_labelled_once_with_its_count() {
        let mut msgs: Vec<MsgView> = (1..=3).map(|id| msg(id, 0, id as usize)).collect();
        for m in &mut msgs {
            m.label = "PREPARE T1".into();
        }
        let mut other = msg(9, 1, 0);
        other.label = "PREPARE T1".into();
        msgs.push(other);
        assert_eq!(
            shown_labels(&msgs, None),
            ["PREPARE T1 ×3", "", "", "PREPARE T1"]
        );
        assert_eq!(
            shown_labels(&msgs, Some(3)),
            ["PREPARE T1 ×3", "", "PREPARE T1", "PREPARE T1"]
        );
    }

    /// A click in the swarm picks the message drawn nearest it, and a click far from every
    /// dot picks none (it clears the selection).
    #[test]
    fn a_click_picks_the_nearest_message_within_reach() {
        let points = vec![Point { x: 0.0, y: 0.0 }, Point { x: 400.0, y: 0.0 }];
        let scene = Scene {
            step: 0,
            len: 0,
            time: 5,
            seed: 1,
            finished: false,
            nodes: Vec::new(),
            messages: vec![msg(1, 0, 1), msg(2, 1, 0)],
            messages_hidden: 0,
            lost: None,
            delivered_to: None,
            invariants: Vec::new(),
            cut: Vec::new(),
            links: Vec::new(),
        };
        let now = 2.0;
        for m in &scene.messages {
            let p = place(m, &points, now);
            let near = Point {
                x: p.x + 3.0,
                y: p.y - 2.0,
            };
            assert_eq!(pick(&scene, &points, now, near), Some(m.id));
        }
        let far = Point { x: 200.0, y: 300.0 };
        assert_eq!(pick(&scene, &points, now, far), None);
    }
}
