//! Where nodes sit on the canvas, and where a message is at a given time.

/// The canvas's coordinate space (the SVG viewBox); it scales to the page.
pub const WIDTH: f64 = 1000.0;
pub const HEIGHT: f64 = 640.0;
/// Node radius in canvas units.
pub const NODE_R: f64 = 50.0;

#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn dist(self, o: Point) -> f64 {
        ((self.x - o.x).powi(2) + (self.y - o.y).powi(2)).sqrt()
    }
}

/// Evenly spaced points on a horizontal arc, left to right (for participants, replicas...).
pub fn arc(n: usize, cx: f64, cy: f64, half_width: f64, sag: f64) -> Vec<Point> {
    (0..n)
        .map(|i| {
            let t = if n == 1 {
                0.0
            } else {
                i as f64 / (n - 1) as f64 * 2.0 - 1.0
            };
            Point {
                x: cx + t * half_width,
                y: cy + sag * (1.0 - t * t),
            }
        })
        .collect()
}

/// Two-phase commit: the coordinator at the top centre, the client at the top left,
/// the participants on an arc below. Index order: coordinator, participants, client.
pub fn two_phase_commit(participants: usize) -> Vec<Point> {
    let mut points = vec![Point {
        x: WIDTH / 2.0,
        y: 110.0,
    }];
    // Spread over the canvas's width: each participant's status and log lines need room
    // beside its neighbours' when the text is large (presenter mode).
    let half = ((participants as f64 - 1.0) * 165.0).clamp(110.0, WIDTH / 2.0 - 90.0);
    points.extend(arc(participants, WIDTH / 2.0, 400.0, half, 40.0));
    points.push(Point { x: 130.0, y: 110.0 });
    points
}

/// Paxos with one node per role: proposers along the top left, learners along the top
/// right, acceptors on an arc below. Index order: proposers, acceptors, learners.
pub fn roles(proposers: usize, acceptors: usize, learners: usize) -> Vec<Point> {
    // The top row, proposers then learners, evenly spread over the width.
    let top = arc(
        proposers + learners,
        WIDTH / 2.0,
        110.0,
        WIDTH / 2.0 - 150.0,
        0.0,
    );
    let half = ((acceptors as f64 - 1.0) * 120.0).clamp(150.0, WIDTH / 2.0 - 80.0);
    let mut points = top[..proposers].to_vec();
    points.extend(arc(acceptors, WIDTH / 2.0, 430.0, half, 30.0));
    // Learners keep their order from the right edge inwards.
    points.extend(top[proposers..].iter().rev());
    points
}

/// Load balancing: clients down the left, the balancer in the middle, backends in columns
/// on the right (up to four rows per column). Index order: clients, balancer, backends.
pub fn balancer(clients: usize, backends: usize) -> Vec<Point> {
    let column = |n: usize, x: f64| -> Vec<Point> {
        let gap = if n <= 1 {
            0.0
        } else {
            (HEIGHT - 200.0) / (n - 1) as f64
        };
        let top = if n <= 1 { HEIGHT / 2.0 - 30.0 } else { 80.0 };
        (0..n)
            .map(|i| Point {
                x,
                y: top + i as f64 * gap.min(150.0),
            })
            .collect()
    };
    let mut points = column(clients, 200.0);
    points.push(Point {
        x: 440.0,
        y: HEIGHT / 2.0 - 30.0,
    });
    let columns = backends.div_ceil(4).max(1);
    let per = backends.div_ceil(columns);
    for c in 0..columns {
        let n = per.min(backends - c * per);
        let x = if columns == 1 {
            820.0
        } else {
            660.0 + c as f64 * (290.0 / (columns - 1) as f64)
        };
        points.extend(column(n, x));
    }
    points
}

/// Sharding: servers on a ring around the router, clients down the left. Index order:
/// servers, router, clients.
pub fn sharding(servers: usize, routers: usize, clients: usize) -> Vec<Point> {
    let (cx, cy, rx, ry) = (640.0, 290.0, 250.0, 220.0);
    let mut points: Vec<Point> = (0..servers)
        .map(|i| {
            let a = i as f64 / servers as f64 * std::f64::consts::TAU;
            Point {
                x: cx + rx * a.sin(),
                y: cy - ry * a.cos(),
            }
        })
        .collect();
    // One router at the centre of the ring; several in a column between the clients and
    // the ring (clients → routers → servers, left to right).
    points.extend((0..routers).map(|i| {
        if routers == 1 {
            Point { x: cx, y: cy }
        } else {
            let gap = 300.0 / (routers - 1) as f64;
            Point {
                x: 262.0,
                y: cy - 150.0
                    + i as f64 * gap.min(150.0)
                    + (300.0 - gap.min(150.0) * (routers - 1) as f64) / 2.0,
            }
        }
    }));
    let gap = if clients <= 1 {
        0.0
    } else {
        (HEIGHT - 220.0) / (clients - 1) as f64
    };
    points.extend((0..clients).map(|i| Point {
        x: 120.0,
        y: if clients <= 1 {
            cy
        } else {
            90.0 + i as f64 * gap.min(150.0)
        },
    }));
    points
}

/// Servers on a ring (Raft, Paxos): evenly spaced, the first at the top, clockwise. The
/// ring is an ellipse as wide as the canvas allows with room for a status line at each
/// side, so neighbours' lines stay apart when the text is large.
pub fn ring(n: usize) -> Vec<Point> {
    let (cx, cy, rx, ry) = (WIDTH / 2.0, 265.0, 330.0, 210.0);
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            Point {
                x: cx + rx * a.sin(),
                y: cy - ry * a.cos(),
            }
        })
        .collect()
}

/// Servers on a ring, and spare servers (not in the cluster yet) set apart in the
/// bottom corners, right then left, upwards: a partition or a count of the cluster reads
/// at a glance.
pub fn ring_with_spares(servers: usize, spares: usize) -> Vec<Point> {
    let mut points = ring(servers);
    points.extend((0..spares).map(|i| Point {
        x: if i % 2 == 0 { WIDTH - 150.0 } else { 150.0 },
        y: HEIGHT - 110.0 - (i / 2) as f64 * 140.0,
    }));
    points
}

/// Room under a node for its status line and its newest log entries.
pub const LABEL_SPACE: f64 = 78.0;

/// How far along its link a message is at `now`: 0 at its send time, 1 on arrival.
pub fn progress(sent: u64, deliver: u64, now: f64) -> f64 {
    if deliver <= sent {
        return 1.0;
    }
    ((now - sent as f64) / (deliver - sent) as f64).clamp(0.0, 1.0)
}

/// A message's position: along the link from edge to edge of the two node circles,
/// shifted sideways so that A→B and B→A travel on separate lanes.
/// The cut links as the canvas draws them: a link cut both ways (a partition) once, as
/// `(a, b, true)` with `a < b`; a one-way cut as `(from, to, false)`, an arrow. A
/// partition of five servers into three and two is six crossed-out lines, not twelve
/// arrows.
pub fn cut_lines(cut: &[(usize, usize)]) -> Vec<(usize, usize, bool)> {
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    for &(a, b) in cut {
        let both = cut.contains(&(b, a));
        if !both {
            out.push((a, b, false));
        } else if a < b {
            out.push((a, b, true));
        }
    }
    out
}

/// The point halfway between two nodes (where a cut-both-ways line is crossed out).
pub fn midpoint(a: Point, b: Point) -> Point {
    Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    }
}

pub fn message_point(from: Point, to: Point, fraction: f64) -> Point {
    let d = from.dist(to).max(1e-9);
    let (ux, uy) = ((to.x - from.x) / d, (to.y - from.y) / d);
    let lane = 9.0;
    let (nx, ny) = (-uy * lane, ux * lane);
    let start = Point {
        x: from.x + ux * NODE_R + nx,
        y: from.y + uy * NODE_R + ny,
    };
    let end = Point {
        x: to.x - ux * NODE_R + nx,
        y: to.y - uy * NODE_R + ny,
    };
    if d <= 2.0 * NODE_R {
        return Point {
            x: (from.x + to.x) / 2.0 + nx,
            y: (from.y + to.y) / 2.0 + ny,
        };
    }
    Point {
        x: start.x + (end.x - start.x) * fraction,
        y: start.y + (end.y - start.y) * fraction,
    }
}

/// The SVG path of a timer's arc: full circle at `remaining` = 1, nothing at 0.
pub fn timer_arc(center: Point, r: f64, remaining: f64) -> String {
    let f = remaining.clamp(0.0, 0.995);
    if f <= 0.0 {
        return String::new();
    }
    let angle = f * std::f64::consts::TAU;
    let (sx, sy) = (center.x, center.y - r);
    let (ex, ey) = (center.x + r * angle.sin(), center.y - r * angle.cos());
    let large = if angle > std::f64::consts::PI { 1 } else { 0 };
    format!("M {sx:.1} {sy:.1} A {r:.1} {r:.1} 0 {large} 1 {ex:.1} {ey:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_is_one_crossed_line_per_pair_and_a_one_way_cut_an_arrow() {
        // {0, 1, 2} | {3, 4}: six pairs cut both ways, and 0 → 1 cut one way.
        let mut cut = Vec::new();
        for a in 0..3 {
            for b in 3..5 {
                cut.push((a, b));
                cut.push((b, a));
            }
        }
        cut.push((0, 1));
        let lines = cut_lines(&cut);
        assert_eq!(lines.iter().filter(|l| l.2).count(), 6);
        assert!(lines.iter().filter(|l| l.2).all(|l| l.0 < l.1));
        assert_eq!(
            lines.iter().filter(|l| !l.2).collect::<Vec<_>>(),
            vec![&(0, 1, false)]
        );
    }

    fn inside(p: Point) -> bool {
        p.x - NODE_R >= 0.0
            && p.x + NODE_R <= WIDTH
            && p.y - NODE_R >= 0.0
            && p.y + NODE_R <= HEIGHT
    }

    #[test]
    fn two_phase_commit_nodes_fit_the_canvas_and_never_overlap() {
        for n in 2..=7 {
            let pts = two_phase_commit(n);
            assert_eq!(pts.len(), n + 2);
            assert!(pts.iter().all(|p| inside(*p)), "{n} participants: {pts:?}");
            for (i, a) in pts.iter().enumerate() {
                for b in &pts[i + 1..] {
                    assert!(
                        a.dist(*b) > 2.0 * NODE_R + 10.0,
                        "{n} participants overlap: {a:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn sharding_nodes_fit_the_canvas_and_never_overlap() {
        for servers in 2..=12 {
            for routers in 1..=3 {
                for clients in 1..=4 {
                    let pts = sharding(servers, routers, clients);
                    assert_eq!(pts.len(), servers + routers + clients);
                    let what = format!("{servers} servers, {routers} routers, {clients} clients");
                    assert!(pts.iter().all(|p| inside(*p)), "{what}: {pts:?}");
                    for (i, a) in pts.iter().enumerate() {
                        for b in &pts[i + 1..] {
                            assert!(a.dist(*b) > 2.0 * NODE_R + 10.0, "{what} overlap");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn ring_nodes_fit_the_canvas_and_never_overlap() {
        for n in 3..=7 {
            let pts = ring(n);
            assert!(pts.iter().all(|p| inside(*p)), "{n} servers: {pts:?}");
            for (i, a) in pts.iter().enumerate() {
                for b in &pts[i + 1..] {
                    assert!(a.dist(*b) > 2.0 * NODE_R + 10.0, "{n} servers overlap");
                }
            }
        }
    }

    #[test]
    fn spares_sit_apart_from_the_ring_and_from_each_other() {
        for servers in 3..=7 {
            for spares in 0..=2 {
                let pts = ring_with_spares(servers, spares);
                assert_eq!(pts.len(), servers + spares);
                assert!(pts.iter().all(|p| inside(*p)));
                for (i, a) in pts.iter().enumerate() {
                    for b in &pts[i + 1..] {
                        assert!(
                            a.dist(*b) > 2.0 * NODE_R + 10.0,
                            "{servers}+{spares} overlap"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn participants_are_placed_left_to_right() {
        let pts = two_phase_commit(5);
        let xs: Vec<f64> = pts[1..6].iter().map(|p| p.x).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn progress_runs_from_zero_at_send_to_one_at_delivery() {
        assert_eq!(progress(10, 20, 10.0), 0.0);
        assert_eq!(progress(10, 20, 15.0), 0.5);
        assert_eq!(progress(10, 20, 25.0), 1.0);
        assert_eq!(progress(10, 20, 5.0), 0.0);
        assert_eq!(progress(10, 10, 10.0), 1.0);
    }

    #[test]
    fn messages_leave_and_reach_the_node_edges_on_opposite_lanes() {
        let a = Point { x: 100.0, y: 100.0 };
        let b = Point { x: 400.0, y: 100.0 };
        let start = message_point(a, b, 0.0);
        let end = message_point(a, b, 1.0);
        assert!((start.x - (a.x + NODE_R)).abs() < 1e-9);
        assert!((end.x - (b.x - NODE_R)).abs() < 1e-9);
        let back = message_point(b, a, 0.5);
        let forth = message_point(a, b, 0.5);
        assert!(
            (back.y - forth.y).abs() > 10.0,
            "the two directions use separate lanes"
        );
    }

    #[test]
    fn timer_arc_is_empty_when_expired_and_large_when_fresh() {
        let c = Point { x: 0.0, y: 0.0 };
        assert_eq!(timer_arc(c, 10.0, 0.0), "");
        assert!(
            timer_arc(c, 10.0, 0.9).contains(" 1 1 "),
            "a fresh timer uses the large arc"
        );
        assert!(timer_arc(c, 10.0, 0.2).contains(" 0 1 "));
    }
}
