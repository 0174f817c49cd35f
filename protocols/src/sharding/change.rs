//! Router 1's table changes: the next table after adding or removing a server, or after a
//! hot-range split; or why there is none.

use super::key::Key;
use super::msg::{Note, Refusal, Request, Table};
use super::Config;
use std::collections::BTreeMap;

/// The table after a change, and (for a split) a note saying where it cut; or why not.
pub(super) fn next_table(
    cfg: &Config,
    t: &Table,
    req: &Request,
    hits: &BTreeMap<Key, u64>,
) -> Result<(Table, Option<Note>), Refusal> {
    let (add, server) = match req {
        Request::AddServer { server } => (true, *server),
        Request::RemoveServer { server } => (false, *server),
        Request::SplitHot => return split_hot(cfg, t, hits),
        Request::Put { .. } | Request::Get { .. } => return Err(Refusal::Impossible),
    };
    let member = t.members.contains(&server);
    let possible = server < cfg.servers + cfg.spare_servers
        && member != add
        && (add || t.members.len() > cfg.replication as usize);
    if !possible {
        return Err(Refusal::Impossible);
    }
    let positions = cfg.positions();
    let new = if add {
        t.with_member(server, &positions)
    } else {
        t.without_member(server, &positions)
    };
    Ok((new, None))
}

/// Splits the range with the most requests since the last change (the most keys if none)
/// where its requests halve, and gives the upper part to the member with the fewest
/// requests, as load-based splitting does.
fn split_hot(
    cfg: &Config,
    t: &Table,
    hits: &BTreeMap<Key, u64>,
) -> Result<(Table, Option<Note>), Refusal> {
    let Some(mut ranges) = t.ranges.clone() else {
        return Err(Refusal::NothingToSplit);
    };
    // What each key weighs: its requests, or 1 per generated key before any request.
    let weights: Vec<(Key, u64)> = if hits.is_empty() {
        cfg.keyspace().map(|k| (k, 1)).collect()
    } else {
        hits.iter().map(|(k, n)| (*k, *n)).collect()
    };
    let mut per_range = vec![0u64; ranges.owners.len()];
    for (k, w) in &weights {
        per_range[ranges.range_of(k.position())] += w;
    }
    let i = (0..per_range.len())
        .max_by_key(|i| (per_range[*i], usize::MAX - i))
        .expect("a range");
    let inside: Vec<(Key, u64)> = weights
        .iter()
        .copied()
        .filter(|(k, _)| ranges.range_of(k.position()) == i)
        .collect();
    let owner = ranges.owners[i];
    let to = t
        .members
        .iter()
        .copied()
        .filter(|m| *m != owner)
        .min_by_key(|m| {
            let load: u64 = (0..per_range.len())
                .filter(|j| ranges.owners[*j] == *m)
                .map(|j| per_range[j])
                .sum();
            (load, *m)
        });
    let (Some(to), true) = (to, inside.len() >= 2) else {
        return Err(Refusal::NothingToSplit);
    };
    // The first key from which the keys below hold at least half the range's requests.
    let total: u64 = inside.iter().map(|(_, w)| w).sum();
    let mut below = 0;
    let mut j = 1;
    for (n, (_, w)) in inside.iter().enumerate() {
        below += w;
        j = n + 1;
        if below * 2 >= total {
            break;
        }
    }
    let at = inside[j.min(inside.len() - 1)].0;
    ranges.split(i, at.position(), to);
    let note = Note::RangeSplit {
        range: i as u32,
        at,
        to,
    };
    Ok((
        Table::ranged(t.version + 1, t.members.clone(), t.vnodes, ranges),
        Some(note),
    ))
}
