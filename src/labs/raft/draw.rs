//! What the canvas and panels draw for Raft: the ring, each server's status and log, and
//! the log grid.

use super::*;

impl Draw for Raft {
    fn layout(cfg: &Config) -> Vec<Point> {
        layout::ring_with_spares(cfg.servers as usize, cfg.spare_servers as usize)
    }

    fn links(cfg: &Config) -> Vec<(NodeId, NodeId)> {
        all_pairs(Raft::node_count(cfg))
    }

    fn node_name(_cfg: &Config, id: NodeId, cat: &Catalog) -> String {
        server(id, cat)
    }

    fn node_status(
        _cfg: &Config,
        id: NodeId,
        node: &Node,
        _slot: &Slot<Raft>,
        _ghost: &protocols::raft::invariants::Ghost,
        _metrics: &(),
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        role_text(id, node, cat)
    }

    /// The canvas shows each server's last entries in a short form (a configuration by its
    /// size: the inspector and the event log name its members).
    fn node_log(
        _cfg: &Config,
        _id: NodeId,
        slot: &Slot<Raft>,
        newest: usize,
        cat: &Catalog,
    ) -> (usize, Vec<LogEntry>) {
        let first = slot.disk.snapshot.index as usize + 1;
        let log = &slot.disk.log;
        log_tail(log.iter().enumerate(), log.len(), newest, |(i, e)| {
            let text = match &e.cmd {
                Command::Config { members } => {
                    let n = members.len().to_string();
                    let short = fill(cat.raft.config_short, &[("n", &n)]);
                    entry_with(first + i, e, &short, cat)
                }
                _ => entry_text(first + i, e, cat),
            };
            LogEntry {
                text,
                on_disk: true,
            }
        })
    }
}

impl LogGridView<Raft> for Raft {
    fn log_grid(
        &self,
        _cfg: &Config,
        nodes: &[Slot<Raft>],
        _ghost: &protocols::raft::invariants::Ghost,
        cat: &Catalog,
    ) -> LogGrid {
        // A crashed server shows its disk; its commit index is volatile, so nothing is marked.
        let logs: Vec<(&protocols::raft::Disk, u64, bool, bool)> = nodes
            .iter()
            .enumerate()
            .map(|(i, s)| match &s.state {
                Some(n) => (&n.d, n.commit_index, true, n.is_member(NodeId(i as u32))),
                None => {
                    let member = s.disk.config_at(u64::MAX).1.contains(&NodeId(i as u32));
                    (&s.disk, s.disk.snapshot.index, false, member)
                }
            })
            .collect();
        let last_index = logs
            .iter()
            .map(|(d, _, _, _)| d.last_index())
            .max()
            .unwrap_or(0);
        let first_index = last_index.saturating_sub(GRID_COLUMNS - 1).max(1);
        let rows = logs
            .iter()
            .enumerate()
            .map(|(i, (d, commit, up, member))| LogGridRow {
                server: server(NodeId(i as u32), cat),
                up: *up,
                member: *member,
                cells: (first_index..=d.last_index())
                    .map(|k| match d.entry(k) {
                        Some(e) => GridCell::Entry {
                            term: e.term.0,
                            committed: k <= *commit,
                            config: matches!(e.cmd, Command::Config { .. }),
                        },
                        None => GridCell::Snapshot {
                            edge: k == d.snapshot.index,
                        },
                    })
                    .collect(),
            })
            .collect();
        LogGrid {
            title: cat.panels.log_grid,
            hint: cat.panels.log_grid_hint,
            column: cat.panels.grid_index,
            first_index,
            last_index,
            rows,
        }
    }
}
