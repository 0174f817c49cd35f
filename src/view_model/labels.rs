//! Where the canvas's text goes so that no two labels overlap: the size text is drawn at
//! (in canvas units), the room each node's own text takes, and a place for each message
//! label beside its dot that covers neither a node nor another label.

use super::layout::{Point, HEIGHT, NODE_R, WIDTH};
use super::scene::NodeView;

/// The smallest canvas text, in canvas units (what the drawing was made for).
const MIN_TEXT: f64 = 13.0;

/// The size of canvas text in canvas units: `text_px` CSS pixels on screen, where one
/// CSS pixel is `units_per_px` canvas units, within what the drawing has room for
/// (`cap`) and never under [`MIN_TEXT`].
pub fn text_size(units_per_px: f64, text_px: f64, cap: f64) -> f64 {
    (units_per_px * text_px).min(cap).max(MIN_TEXT)
}

/// Message labels and log lines are this much of the text size.
pub const SMALL: f64 = 0.85;

/// A box on the canvas.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    fn hits(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn inside_canvas(&self) -> bool {
        self.x0 >= 0.0 && self.y0 >= 0.0 && self.x1 <= WIDTH && self.y1 <= HEIGHT
    }
    /// A line of text `w` wide whose baseline starts at (`x`, `y`), anchored as `a`,
    /// with a little room around it.
    fn text(x: f64, y: f64, w: f64, fs: f64, a: Anchor) -> Rect {
        let pad = 3.0;
        let x0 = match a {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        } - pad;
        Rect {
            x0,
            y0: y - 0.95 * fs,
            x1: x0 + w + 2.0 * pad,
            y1: y + 0.25 * fs,
        }
    }
}

/// How wide a line of text is drawn at size `fs`: an estimate that errs wide, measured
/// on the canvas's bold faces (capitals and digits up to 0.8 em, other Latin letters
/// 0.6, a space 0.35, a Chinese character 1).
pub fn text_width(text: &str, fs: f64) -> f64 {
    let em = |c: char| match c {
        ' ' => 0.35,
        'A'..='Z' | '0'..='9' | 'm' | 'w' => 0.8,
        c if c.is_ascii() => 0.6,
        c if c >= '\u{2e80}' => 1.0,
        _ => 0.8,
    };
    text.chars().map(em).sum::<f64>() * fs
}

/// The room a node's circle and text take at text size `fs` (as `canvas/node.rs` draws
/// them: the name in the circle, the status line under it, then the log lines).
pub fn node_boxes(n: &NodeView, fs: f64) -> Vec<Rect> {
    let (x, y) = (n.at.x, n.at.y);
    let circle = Rect {
        x0: x - NODE_R,
        y0: y - NODE_R,
        x1: x + NODE_R,
        y1: y + NODE_R,
    };
    let name = Rect::text(x, y, text_width(&n.name, fs), fs, Anchor::Middle);
    let status_base = y + NODE_R + 6.0 + fs;
    let status = Rect::text(
        x,
        status_base,
        text_width(&n.status, fs),
        fs,
        Anchor::Middle,
    );
    let small = fs * SMALL;
    let widest = n
        .log
        .iter()
        .map(|e| text_width(&e.text, small))
        .fold(0.0, f64::max);
    let mut boxes = vec![circle, name, status];
    if !n.log.is_empty() {
        // The first line is 2.5 em under the status line's top, the rest 1.2 em apart.
        let first = y + NODE_R + 6.0 + 2.5 * small;
        let last = first + 1.2 * small * (n.log.len() - 1) as f64;
        boxes.push(Rect {
            x0: x - widest / 2.0,
            y0: first - 0.95 * small,
            x1: x + widest / 2.0,
            y1: last + 0.25 * small,
        });
    }
    boxes
}

/// How a label's text is anchored at its point.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    /// The SVG `text-anchor` value.
    pub fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where a message's label is drawn: its baseline's anchor point, from the dot.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct LabelSpot {
    pub dx: f64,
    pub dy: f64,
    pub anchor: Anchor,
}

/// The places tried for a label, in order: above the dot, below it, right, left. The
/// four boxes clear the dot and each other.
fn candidates(fs: f64) -> [LabelSpot; 4] {
    let gap = 12.0;
    let side = LabelSpot {
        dx: gap,
        dy: 0.3 * fs,
        anchor: Anchor::Start,
    };
    [
        LabelSpot {
            dx: 0.0,
            dy: -(0.9 * fs + 2.0).max(9.0 + 0.25 * fs),
            anchor: Anchor::Middle,
        },
        LabelSpot {
            dx: 0.0,
            dy: (1.5 * fs + 2.0).max(10.0 + 0.95 * fs),
            anchor: Anchor::Middle,
        },
        side,
        LabelSpot {
            dx: -gap,
            anchor: Anchor::End,
            ..side
        },
    ]
}

/// A place for each label (dot, text), in the order given (the most important first),
/// that stays on the canvas and covers no obstacle and no label placed before it; `None`
/// where there is none (the label is then shown on hover or focus only). An empty label
/// takes no room.
pub fn place_labels(
    labels: &[(Point, &str)],
    obstacles: &[Rect],
    fs: f64,
) -> Vec<Option<LabelSpot>> {
    let mut taken: Vec<Rect> = Vec::new();
    labels
        .iter()
        .map(|(p, text)| {
            if text.is_empty() {
                return None;
            }
            let w = text_width(text, fs);
            let free = |r: &Rect| {
                r.inside_canvas()
                    && !obstacles.iter().any(|o| o.hits(r))
                    && !taken.iter().any(|t| t.hits(r))
            };
            let (spot, rect) = candidates(fs)
                .into_iter()
                .map(|c| (c, Rect::text(p.x + c.dx, p.y + c.dy, w, fs, c.anchor)))
                .find(|(_, r)| free(r))?;
            taken.push(rect);
            Some(spot)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(x: f64, y: f64, name: &str, status: &str) -> NodeView {
        let mut n = NodeView::placeholder(0);
        n.at = Point { x, y };
        n.name = name.into();
        n.status = status.into();
        n
    }

    #[test]
    fn text_follows_the_screen_within_the_drawings_room() {
        assert_eq!(text_size(1.5, 12.8, 24.0), 19.200000000000003);
        assert_eq!(text_size(3.0, 12.8, 24.0), 24.0, "capped by the drawing");
        assert_eq!(
            text_size(0.5, 12.8, 24.0),
            MIN_TEXT,
            "never under the drawing's own"
        );
    }

    /// Three labels at one spot take three different places, and a fourth that has no
    /// room left is not drawn; none covers another or the node beside them.
    #[test]
    fn labels_never_overlap_each_other_or_a_node() {
        let fs = 20.0;
        let n = node(500.0, 300.0, "Coordinator", "T1: phase 2, committing");
        let obstacles = node_boxes(&n, fs);
        let p = Point { x: 500.0, y: 200.0 };
        let labels = [
            (p, "COMMIT T1 ×3"),
            (p, "OUTCOME T1: committed"),
            (p, "PREPARE T2"),
            (p, "VOTE YES T2"),
            (p, "ABORT T3"),
        ];
        let spots = place_labels(&labels, &obstacles, fs);
        let rects: Vec<Rect> = spots
            .iter()
            .zip(&labels)
            .filter_map(|(s, (p, t))| {
                let s = (*s)?;
                Some(Rect::text(
                    p.x + s.dx,
                    p.y + s.dy,
                    text_width(t, fs),
                    fs,
                    s.anchor,
                ))
            })
            .collect();
        assert!(rects.len() >= 3, "{spots:?}");
        assert!(
            spots.contains(&None),
            "five labels at one point cannot all fit"
        );
        for (i, a) in rects.iter().enumerate() {
            assert!(
                obstacles.iter().all(|o| !o.hits(a)),
                "a label covers the node"
            );
            assert!(rects[i + 1..].iter().all(|b| !b.hits(a)), "labels overlap");
        }
    }

    #[test]
    fn a_label_that_would_leave_the_canvas_goes_elsewhere() {
        let spots = place_labels(&[(Point { x: 500.0, y: 5.0 }, "PREPARE T1")], &[], 20.0);
        assert_eq!(spots[0].map(|s| s.dy > 0.0), Some(true), "{spots:?}");
    }

    #[test]
    fn a_node_takes_its_name_status_and_log_lines() {
        let mut n = node(200.0, 200.0, "Participant 1", "uncertain about T1");
        assert_eq!(node_boxes(&n, 20.0).len(), 3);
        n.log.push(crate::view_model::scene::LogEntry {
            text: "PREPARED T1".into(),
            on_disk: true,
        });
        let boxes = node_boxes(&n, 20.0);
        assert_eq!(boxes.len(), 4);
        assert!(
            boxes[3].y0 > boxes[2].y0,
            "the log is under the status line"
        );
    }
}
