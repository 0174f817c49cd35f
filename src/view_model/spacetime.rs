//! The space-time (Lamport) diagram: one lane per node, virtual time downward, each
//! message an arrow from its send to its delivery (or to where it was lost or dropped),
//! crashes, restarts, timers and broken invariants as marks, down nodes and partitions
//! as shaded spans. A lab turns the steps of a window of the run into [`Fact`]s (the only
//! part written per protocol); [`build`] assembles them and [`svg`] draws them as one SVG
//! document, the same for the page and for an exported picture.

use super::scene::Tone;
use std::fmt::Write;

/// What one step did, as far as the diagram cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    /// A message sent (`deliver_at`: when it is due); `copy` for a duplicate.
    Sent {
        id: u64,
        from: usize,
        to: usize,
        label: String,
        tone: Tone,
        deliver_at: u64,
        copy: bool,
    },
    /// A message's end: delivered, or lost or dropped (`lost`).
    Ended {
        id: u64,
        from: usize,
        to: usize,
        label: String,
        lost: bool,
    },
    /// A message in flight was delayed.
    Delayed {
        id: u64,
    },
    Crashed {
        node: usize,
    },
    Restarted {
        node: usize,
    },
    /// A partition or a cut link: the network is split from here.
    Split,
    Healed,
    Timer {
        node: usize,
    },
    /// The step broke an invariant (at this node, the one it concerned).
    Broken {
        node: usize,
    },
}

/// How a message's arrow ends.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum End {
    Delivered,
    Lost,
    /// Still in flight at the window's last step.
    InFlight,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub tone: Tone,
    /// Sent at (time, step); `None`: before the window (the arrow starts at its top).
    pub sent: Option<(u64, u64)>,
    /// Ends at (time, step): its delivery or loss, or when it is due if still in flight.
    pub end: (u64, u64),
    pub how: End,
    pub copy: bool,
    pub delayed: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Crash,
    Restart,
    Timer,
    Broken,
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Mark {
    pub node: usize,
    pub time: u64,
    pub step: u64,
    pub kind: MarkKind,
}

/// A window of the run, assembled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpaceTime {
    /// The virtual times at the window's top and bottom, and at the cursor.
    pub t0: u64,
    pub t1: u64,
    pub now: u64,
    pub arrows: Vec<Arrow>,
    pub marks: Vec<Mark>,
    /// A node down from one time to another.
    pub down: Vec<(usize, u64, u64)>,
    /// The network split from one time to another.
    pub split: Vec<(u64, u64)>,
}

/// Assembles the facts of the window's steps (step, time, facts), in order. `now` is the
/// cursor's time; `down_now` and `split_now` say how the nodes and the network are at the
/// cursor, for what began before the window.
pub fn build(
    steps: &[(u64, u64, Vec<Fact>)],
    now: u64,
    down_now: &[bool],
    split_now: bool,
) -> SpaceTime {
    let t0 = steps.first().map_or(now, |s| s.1).min(now);
    let mut st = SpaceTime {
        t0,
        t1: steps.last().map_or(now, |s| s.1).max(now).max(t0 + 1),
        now,
        ..SpaceTime::default()
    };
    let mut open: Vec<Arrow> = Vec::new();
    let mut down_since: Vec<Option<Option<u64>>> = vec![None; down_now.len()];
    let mut split_since: Option<Option<u64>> = None;
    for (step, time, facts) in steps {
        let (step, time) = (*step, *time);
        for f in facts {
            match f.clone() {
                Fact::Sent {
                    id,
                    from,
                    to,
                    label,
                    tone,
                    deliver_at,
                    copy,
                } => open.push(Arrow {
                    id,
                    from,
                    to,
                    label,
                    tone,
                    sent: Some((time, step)),
                    end: (deliver_at, step),
                    how: End::InFlight,
                    copy,
                    delayed: false,
                }),
                Fact::Ended {
                    id,
                    from,
                    to,
                    label,
                    lost,
                } => {
                    let mut a = match open.iter().position(|a| a.id == id) {
                        Some(i) => open.remove(i),
                        None => Arrow {
                            id,
                            from,
                            to,
                            label,
                            tone: Tone::Plain,
                            sent: None,
                            end: (time, step),
                            how: End::Delivered,
                            copy: false,
                            delayed: false,
                        },
                    };
                    a.end = (time, step);
                    a.how = if lost { End::Lost } else { End::Delivered };
                    st.arrows.push(a);
                }
                Fact::Delayed { id } => {
                    if let Some(a) = open.iter_mut().find(|a| a.id == id) {
                        a.delayed = true;
                    }
                }
                Fact::Crashed { node }
                | Fact::Restarted { node }
                | Fact::Timer { node }
                | Fact::Broken { node } => {
                    let kind = match f {
                        Fact::Crashed { .. } => MarkKind::Crash,
                        Fact::Restarted { .. } => MarkKind::Restart,
                        Fact::Timer { .. } => MarkKind::Timer,
                        _ => MarkKind::Broken,
                    };
                    st.marks.push(Mark {
                        node,
                        time,
                        step,
                        kind,
                    });
                    let Some(since) = down_since.get_mut(node) else {
                        continue;
                    };
                    match kind {
                        MarkKind::Crash if since.is_none() => *since = Some(Some(time)),
                        MarkKind::Restart => {
                            // A restart with no crash before it: down since before the window.
                            let from = since.take().flatten().unwrap_or(t0);
                            st.down.push((node, from, time));
                        }
                        _ => {}
                    }
                }
                Fact::Split if split_since.is_none() => split_since = Some(Some(time)),
                Fact::Healed => {
                    let from = split_since.take().flatten().unwrap_or(t0);
                    st.split.push((from, time));
                }
                Fact::Split => {}
            }
        }
    }
    for (node, since) in down_since.into_iter().enumerate() {
        match since {
            Some(from) => st.down.push((node, from.unwrap_or(t0), st.t1)),
            // No crash or restart in the window: down throughout if down at the cursor.
            None if down_now[node] && !st.down.iter().any(|d| d.0 == node) => {
                st.down.push((node, t0, st.t1))
            }
            None => {}
        }
    }
    match split_since {
        Some(from) => st.split.push((from.unwrap_or(t0), st.t1)),
        None if split_now && st.split.is_empty() => st.split.push((t0, st.t1)),
        None => {}
    }
    for mut a in open {
        a.end.0 = a.end.0.min(st.t1);
        st.arrows.push(a);
    }
    st
}

/// The drawing's size in its own units.
pub const W: f64 = 1000.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 16.0;
const SIDE: f64 = 80.0;

/// How the diagram is drawn: in the page (colours follow the page), or as a picture to
/// keep (its own colours, a white ground and a caption).
pub struct Look<'a> {
    pub names: &'a [String],
    pub height: f64,
    /// A caption under the picture (lab, step, seed): an exported picture's.
    pub caption: Option<&'a str>,
    /// The selected or hovered message, drawn heavier.
    pub marked: Option<u64>,
}

/// `s` as SVG or XML text: `&`, `<`, `>` and `"` escaped.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn colour(t: Tone) -> &'static str {
    match t {
        Tone::Good => "#009e73",
        Tone::Bad => "#d55e00",
        Tone::Blocked => "#e69f00",
        Tone::Idle | Tone::Down => "#8a8f98",
        Tone::Plain | Tone::Working => "#0072b2",
    }
}

/// The diagram as one SVG document. Every arrow and mark carries `data-step` (the step
/// to seek to: just after its event) and an arrow `data-msg`; each has a `<title>`.
pub fn svg(st: &SpaceTime, look: &Look) -> String {
    let n = look.names.len().max(1);
    let caption_h = if look.caption.is_some() { 36.0 } else { 0.0 };
    let h = look.height;
    let lane = |i: usize| {
        if n == 1 {
            W / 2.0
        } else {
            SIDE + (W - 2.0 * SIDE) * i as f64 / (n - 1) as f64
        }
    };
    let span = (st.t1 - st.t0).max(1) as f64;
    let y = |t: u64| TOP + (h - TOP - BOTTOM) * (t.clamp(st.t0, st.t1) - st.t0) as f64 / span;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {}" class="spacetime-svg" font-family="system-ui, sans-serif" font-size="14""#,
        h + caption_h
    );
    if look.caption.is_some() {
        s.push_str(r##" color="#1d1f21"><rect width="100%" height="100%" fill="#fff"/>"##);
    } else {
        s.push('>');
    }
    s.push_str(r#"<defs><marker id="st-head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="context-stroke"/></marker></defs>"#);
    for &(a, b) in &st.split {
        let _ = write!(
            s,
            r##"<rect x="0" y="{:.1}" width="{W}" height="{:.1}" fill="#d55e00" fill-opacity="0.08"/>"##,
            y(a),
            (y(b) - y(a)).max(1.0)
        );
    }
    for (i, name) in look.names.iter().enumerate() {
        let x = lane(i);
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="28" text-anchor="middle" font-weight="700" fill="currentColor">{}</text><line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="currentColor" stroke-opacity="0.35" stroke-width="2"/>"#,
            esc(name),
            h - BOTTOM
        );
    }
    for &(node, a, b) in &st.down {
        let x = lane(node);
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="12" height="{:.1}" fill="#4a4a4a" fill-opacity="0.35"/>"##,
            x - 6.0,
            y(a),
            (y(b) - y(a)).max(1.0)
        );
    }
    for a in &st.arrows {
        let (x1, x2) = (lane(a.from), lane(a.to));
        let y1 = a.sent.map_or(TOP, |(t, _)| y(t));
        let y2 = y(a.end.0).max(y1 + 1.0);
        let heavy = look.marked == Some(a.id);
        let dash = match (a.how, a.copy, a.delayed) {
            (End::Lost, ..) => r#" stroke-dasharray="6 4""#,
            (End::InFlight, ..) => r#" stroke-dasharray="2 4""#,
            (_, true, _) => r#" stroke-dasharray="10 3 2 3""#,
            (_, _, true) => r#" stroke-dasharray="1 3""#,
            _ => "",
        };
        let step = match a.how {
            End::InFlight => a.sent.map_or(a.end.1, |s| s.1) + 1,
            _ => a.end.1 + 1,
        };
        let head = if a.how == End::Delivered {
            r#" marker-end="url(#st-head)""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<g class="st-msg" data-msg="{}" data-step="{step}"><title>{}</title><line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{}" stroke-width="{}"{dash}{head}/><line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="transparent" stroke-width="10"/>"#,
            a.id,
            esc(&a.label),
            colour(a.tone),
            if heavy { 5 } else { 2 }
        );
        if a.how == End::Lost {
            let _ = write!(
                s,
                r##"<text x="{x2:.1}" y="{y2:.1}" dy="5" text-anchor="middle" font-weight="800" fill="#d55e00">✕</text>"##
            );
        }
        // A saved picture labels every arrow when they are few enough to read.
        if heavy || (look.caption.is_some() && st.arrows.len() <= 40) {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="600" fill="currentColor" stroke="#fff" stroke-width="4" paint-order="stroke">{}</text>"##,
                (x1 + x2) / 2.0,
                (y1 + y2) / 2.0 - 6.0,
                esc(&a.label)
            );
        }
        s.push_str("</g>");
    }
    for m in &st.marks {
        let (x, yy) = (lane(m.node), y(m.time));
        let (glyph, fill) = match m.kind {
            MarkKind::Crash => ("✕", "#d55e00"),
            MarkKind::Restart => ("↻", "#009e73"),
            MarkKind::Timer => ("◷", "currentColor"),
            MarkKind::Broken => ("!", "#d55e00"),
        };
        let _ = write!(
            s,
            r##"<text class="st-mark" data-step="{}" x="{:.1}" y="{yy:.1}" dy="5" text-anchor="middle" font-weight="800" font-size="16" fill="{fill}" stroke="#fff" stroke-width="3" paint-order="stroke">{glyph}</text>"##,
            m.step + 1,
            x - 16.0
        );
    }
    let now = y(st.now);
    let _ = write!(
        s,
        r##"<line class="st-now" x1="0" y1="{now:.1}" x2="{W}" y2="{now:.1}" stroke="#cc79a7" stroke-width="2"/>"##
    );
    if let Some(c) = look.caption {
        let _ = write!(
            s,
            r#"<text x="12" y="{:.1}" fill="currentColor" font-size="16">{}</text>"#,
            h + 24.0,
            esc(c)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(id: u64, from: usize, to: usize, due: u64) -> Fact {
        Fact::Sent {
            id,
            from,
            to,
            label: format!("M{id} <x>"),
            tone: Tone::Working,
            deliver_at: due,
            copy: false,
        }
    }
    fn ended(id: u64, lost: bool) -> Fact {
        Fact::Ended {
            id,
            from: 0,
            to: 1,
            label: format!("M{id}"),
            lost,
        }
    }

    #[test]
    fn messages_become_arrows_from_send_to_end() {
        let steps = vec![
            (10, 100, vec![sent(1, 0, 1, 130), sent(2, 0, 2, 140)]),
            (11, 130, vec![ended(1, false)]),
            (12, 135, vec![ended(9, true), Fact::Crashed { node: 2 }]),
            (13, 150, vec![Fact::Split, sent(3, 1, 0, 400)]),
        ];
        let st = build(&steps, 150, &[false, false, true], true);
        assert_eq!((st.t0, st.t1, st.now), (100, 150, 150));
        let by_id = |id| st.arrows.iter().find(|a| a.id == id).unwrap();
        assert_eq!(
            (by_id(1).sent, by_id(1).end, by_id(1).how),
            (Some((100, 10)), (130, 11), End::Delivered)
        );
        assert_eq!(
            (by_id(9).sent, by_id(9).how),
            (None, End::Lost),
            "sent before the window"
        );
        assert_eq!((by_id(2).how, by_id(2).end.0), (End::InFlight, 140));
        assert_eq!(
            by_id(3).end.0,
            150,
            "an arrow still in flight stops at the window's end"
        );
        assert_eq!(st.down, vec![(2, 135, 150)]);
        assert_eq!(st.split, vec![(150, 150)]);
        assert_eq!(
            st.marks,
            vec![Mark {
                node: 2,
                time: 135,
                step: 12,
                kind: MarkKind::Crash
            }]
        );
    }

    #[test]
    fn what_began_before_the_window_spans_from_its_top() {
        let steps = vec![
            (5, 50, vec![Fact::Restarted { node: 0 }, Fact::Healed]),
            (6, 60, vec![]),
        ];
        let st = build(&steps, 60, &[false, true], false);
        assert_eq!(st.down, vec![(0, 50, 50), (1, 50, 60)]);
        assert_eq!(st.split, vec![(50, 50)]);
    }

    #[test]
    fn the_drawing_escapes_labels_and_links_each_arrow_to_its_step() {
        let steps = vec![
            (1, 0, vec![sent(1, 0, 1, 10)]),
            (2, 10, vec![ended(1, false)]),
        ];
        let st = build(&steps, 10, &[false, false], false);
        let names = ["S1".to_string(), "S<2>".to_string()];
        let look = Look {
            names: &names,
            height: 300.0,
            caption: Some("Raft · step 2 · seed 1"),
            marked: None,
        };
        let out = svg(&st, &look);
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(out.ends_with("</svg>"));
        assert!(out.contains("S&lt;2&gt;") && out.contains("M1 &lt;x&gt;"));
        assert!(out.contains(r#"data-msg="1" data-step="3""#));
        assert!(out.contains("Raft · step 2 · seed 1"));
        assert!(
            !out.contains("<style"),
            "no style element: the page's CSP forbids inline styles"
        );
    }
}
