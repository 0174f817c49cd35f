use super::*;
use protocols::sharding::invariants::Invariant;

/// A get's or a put's value as "value (stamp s)", or "nothing".
pub(super) fn value_text(value: Option<(u64, u64)>, cat: &Catalog) -> String {
    value.map_or(cat.shard.nothing.to_string(), |(v, st)| {
        fill(
            cat.shard.value_at,
            &[("value", &v.to_string()), ("stamp", &st.to_string())],
        )
    })
}

pub(super) fn op_text(op: &Op, cat: &Catalog) -> String {
    match op {
        Op::Get => cat.shard.get.to_string(),
        Op::Put { value } => fill(cat.shard.put, &[("value", &value.to_string())]),
    }
}

impl Narrate for Sharding {
    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let c = &cat.shard;
        match msg {
            Msg::Request { key: k, op, .. } | Msg::Forward { key: k, op, .. } => {
                fill(c.m_op, &[("op", &op_text(op, cat)), ("key", &key(*k))])
            }
            Msg::Response { ok: true, .. } | Msg::Done { .. } => c.m_done.to_string(),
            Msg::Response { ok: false, .. } => c.m_failed.to_string(),
            Msg::Moved {
                version,
                wait: false,
                ..
            } => fill(c.m_moved, &[("version", &version.to_string())]),
            Msg::Moved { wait: true, .. } => c.m_not_yet.to_string(),
            Msg::Replicate { key: k, .. } => fill(c.m_replicate, &[("key", &key(*k))]),
            Msg::Replicated { .. } => c.m_replicated.to_string(),
            Msg::NewTable { table, .. } => {
                fill(c.m_table, &[("version", &table.version.to_string())])
            }
            Msg::GetTable => c.m_get_table.to_string(),
            Msg::Settled { version } => fill(c.m_settled, &[("version", &version.to_string())]),
            Msg::Transfer { key: k, .. } => fill(c.m_transfer, &[("key", &key(*k))]),
            Msg::TransferAck { key: k, .. } => fill(c.m_transfer_ack, &[("key", &key(*k))]),
            Msg::MigrationDone { version } => {
                fill(c.m_migration_done, &[("version", &version.to_string())])
            }
            Msg::Confirm { key: k, .. } => fill(c.m_confirm, &[("key", &key(*k))]),
            Msg::ConfirmReply { version, .. } => {
                fill(c.m_confirm_reply, &[("version", &version.to_string())])
            }
        }
    }

    fn msg_tone(msg: &Msg) -> Tone {
        match msg {
            Msg::Request { .. }
            | Msg::Forward { .. }
            | Msg::Replicate { .. }
            | Msg::Confirm { .. } => Tone::Working,
            Msg::Response { ok: true, .. }
            | Msg::Done { .. }
            | Msg::Replicated { .. }
            | Msg::TransferAck { .. }
            | Msg::MigrationDone { .. }
            | Msg::ConfirmReply { .. }
            | Msg::Settled { .. } => Tone::Good,
            Msg::Response { ok: false, .. } | Msg::Moved { .. } => Tone::Bad,
            Msg::NewTable { .. } | Msg::Transfer { .. } | Msg::GetTable => Tone::Blocked,
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        let c = &cat.shard;
        let s = |v: u64| v.to_string();
        match msg {
            Msg::Request { id, key: k, op } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_op, op_text(op, cat)),
            ],
            Msg::Forward {
                id,
                key: k,
                op,
                version,
            } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_op, op_text(op, cat)),
                Row::new(c.f_version, s(*version)),
            ],
            Msg::Response { id, value, .. } | Msg::Done { id, value } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_value, value_text(*value, cat)),
            ],
            Msg::Moved { id, version, wait } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_version, s(*version)),
                Row::new(c.f_wait, if *wait { c.yes } else { c.no }),
            ],
            Msg::GetTable => Vec::new(),
            Msg::Settled { version } => vec![Row::new(c.f_version, s(*version))],
            Msg::Replicate {
                id,
                key: k,
                value,
                stamp,
            } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_value, value_text(Some((*value, *stamp)), cat)),
            ],
            Msg::Replicated { id, stamp } => {
                vec![Row::new(c.f_id, s(*id)), Row::new(c.f_stamp, s(*stamp))]
            }
            Msg::NewTable { table, previous } => {
                let mut rows = vec![
                    Row::new(c.f_version, s(table.version)),
                    Row::new(c.f_members, members(&table.members, cat)),
                ];
                rows.extend(ranges_text(table, cat).map(|r| Row::new(c.f_ranges, r)));
                rows.push(Row::new(
                    c.f_previous,
                    previous.as_ref().map_or(c.none.to_string(), |p| {
                        fill(
                            c.table_value,
                            &[
                                ("version", &p.version.to_string()),
                                ("members", &members(&p.members, cat)),
                            ],
                        )
                    }),
                ));
                rows
            }
            Msg::Transfer {
                version,
                key: k,
                value,
                stamp,
            } => vec![
                Row::new(c.f_version, s(*version)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_value, value_text(Some((*value, *stamp)), cat)),
            ],
            Msg::TransferAck { version, key: k } => vec![
                Row::new(c.f_version, s(*version)),
                Row::new(c.f_key, key(*k)),
            ],
            Msg::MigrationDone { version } => vec![Row::new(c.f_version, s(*version))],
            Msg::Confirm {
                id,
                key: k,
                version,
            } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_version, s(*version)),
            ],
            Msg::ConfirmReply { id, version } => {
                vec![Row::new(c.f_id, s(*id)), Row::new(c.f_version, s(*version))]
            }
        }
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        let c = &cat.shard;
        match timer {
            Timer::Arrive => c.t_arrive.to_string(),
            Timer::Expire { id } => fill(c.t_expire, &[("id", &id.to_string())]),
            Timer::Retry { id } => fill(c.t_retry, &[("id", &id.to_string())]),
            Timer::ReplicaTimeout { id } => fill(c.t_replica, &[("id", &id.to_string())]),
            Timer::Resend => c.t_resend.to_string(),
            Timer::Nudge => c.t_nudge.to_string(),
        }
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        match req {
            Request::AddServer { server: s } => {
                fill(cat.shard.r_add, &[("server", &server(*s, cat))])
            }
            Request::RemoveServer { server: s } => {
                fill(cat.shard.r_remove, &[("server", &server(*s, cat))])
            }
            Request::SplitHot => cat.shard.r_split.to_string(),
            Request::Put { key } => fill(cat.shard.r_put, &[("key", key)]),
            Request::Get { key } => fill(cat.shard.r_get, &[("key", key)]),
        }
    }

    fn note_text(cfg: &Config, node: NodeId, note: &Note, cat: &Catalog) -> String {
        let c = &cat.shard;
        let me = name(cfg, node, cat);
        let s = |v: u64| v.to_string();
        // "{node} ... {key} ... table v{version}".
        let key_at = |tpl: &str, k: &Key, version: &u64| {
            fill(
                tpl,
                &[("node", &me), ("key", &key(*k)), ("version", &s(*version))],
            )
        };
        match note {
            Note::Sent { key: k, op, .. } => fill(
                c.n_sent,
                &[("node", &me), ("op", &op_text(op, cat)), ("key", &key(*k))],
            ),
            Note::Acknowledged { key: k, .. } => {
                fill(c.n_acked, &[("node", &me), ("key", &key(*k))])
            }
            Note::Failed { key: k, .. } => fill(c.n_failed, &[("node", &me), ("key", &key(*k))]),
            Note::Routed {
                key: k,
                server: sv,
                attempt,
                ..
            } => fill(
                if *attempt == 0 {
                    c.n_routed
                } else {
                    c.n_rerouted
                },
                &[
                    ("node", &me),
                    ("key", &key(*k)),
                    ("server", &server(*sv, cat)),
                ],
            ),
            Note::PutAcknowledged { key: k, stamp, .. } => fill(
                c.n_put_acked,
                &[("node", &me), ("key", &key(*k)), ("stamp", &s(*stamp))],
            ),
            Note::Retrying { attempt, .. } => fill(
                c.n_retrying,
                &[("node", &me), ("attempt", &s(u64::from(*attempt)))],
            ),
            Note::TableChanged {
                version,
                members: m,
            } => fill(
                c.n_table_changed,
                &[
                    ("node", &me),
                    ("version", &s(*version)),
                    ("members", &members(m, cat)),
                ],
            ),
            Note::MigrationOver { version } => fill(
                c.n_migration_over,
                &[("node", &me), ("version", &s(*version))],
            ),
            Note::ChangeRefused { why } => fill(
                match why {
                    Refusal::Busy => c.n_refused_busy,
                    Refusal::Impossible => c.n_refused,
                    Refusal::NothingToSplit => c.n_refused_split,
                },
                &[("node", &me)],
            ),
            Note::RangeSplit { range, at, to } => fill(
                c.n_range_split,
                &[
                    ("node", &me),
                    ("range", &(range + 1).to_string()),
                    ("key", at.name()),
                    ("server", &server(*to, cat)),
                ],
            ),
            Note::BadKey { name } => fill(c.n_bad_key, &[("node", &me), ("name", name)]),
            Note::Stored {
                key: k,
                stamp,
                replicas,
            } => fill(
                c.n_stored,
                &[
                    ("node", &me),
                    ("key", &key(*k)),
                    ("stamp", &s(*stamp)),
                    (
                        "replicas",
                        &count(u64::from(*replicas), c.replicas_one, c.replicas_many),
                    ),
                ],
            ),
            Note::NotMine { key: k, version } => key_at(c.n_not_mine, k, version),
            Note::Adopted { version, .. } if matches!(cfg.kind(node), Kind::Router(_)) => fill(
                c.n_router_adopted,
                &[("node", &me), ("version", &s(*version))],
            ),
            Note::Adopted { version, outgoing } => fill(
                c.n_adopted,
                &[
                    ("node", &me),
                    ("version", &s(*version)),
                    (
                        "copies",
                        &count(u64::from(*outgoing), c.copies_one, c.copies_many),
                    ),
                ],
            ),
            Note::Received { key: k, .. } => {
                fill(c.n_received, &[("node", &me), ("key", &key(*k))])
            }
            Note::Handed { version } => {
                fill(c.n_handed, &[("node", &me), ("version", &s(*version))])
            }
            Note::Recovered { keys, version } => fill(
                c.n_recovered,
                &[
                    ("node", &me),
                    ("keys", &count(u64::from(*keys), c.keys_one, c.keys_many)),
                    ("version", &s(*version)),
                ],
            ),
            Note::WrongReplicaCount { key: k, got, want } => fill(
                c.n_wrong_r,
                &[
                    ("key", &key(*k)),
                    (
                        "got",
                        &count(u64::from(*got), c.replicas_one, c.replicas_many),
                    ),
                    ("want", &s(u64::from(*want))),
                ],
            ),
            Note::NotYet {
                key: k,
                version,
                primary: true,
            } => key_at(c.n_not_yet_primary, k, version),
            Note::NotYet {
                key: k, version, ..
            } => key_at(c.n_not_yet, k, version),
            Note::Fenced {
                key: k,
                version,
                newer,
            } => fill(
                c.n_fenced,
                &[
                    ("node", &me),
                    ("key", &key(*k)),
                    ("version", &s(*version)),
                    ("newer", &s(*newer)),
                ],
            ),
            Note::Unfenced {
                key: k,
                version,
                put: true,
            } => key_at(c.n_unfenced_put, k, version),
            Note::Unfenced {
                key: k, version, ..
            } => key_at(c.n_unfenced_get, k, version),
            Note::TwoValuesOneStamp {
                key: k,
                stamp,
                first,
                second,
            } => fill(
                c.n_two_values,
                &[
                    ("key", &key(*k)),
                    ("stamp", &s(*stamp)),
                    ("first", &s(*first)),
                    ("second", &s(*second)),
                ],
            ),
            Note::StaleRead { key: k, got, acked } => fill(
                c.n_stale_read,
                &[
                    ("key", &key(*k)),
                    ("got", &value_text(*got, cat)),
                    ("acked", &value_text(Some(*acked), cat)),
                ],
            ),
            Note::SettledAt { version } => {
                fill(c.n_settled, &[("node", &me), ("version", &s(*version))])
            }
            Note::AcknowledgedWriteLost { key: k, stamp } => {
                fill(c.n_lost, &[("key", &key(*k)), ("stamp", &s(*stamp))])
            }
            Note::TableBehind {
                node: n,
                version,
                newest,
            } => fill(
                c.n_behind,
                &[
                    ("node", &name(cfg, NodeId(*n), cat)),
                    ("version", &s(*version)),
                    ("newest", &s(*newest)),
                ],
            ),
        }
    }

    fn invariant_text(invariant: Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        let c = &cat.shard;
        match invariant {
            Invariant::RReplicas => (c.inv_r, c.inv_r_help),
            Invariant::NoAckedWriteLost => (c.inv_lost, c.inv_lost_help),
            Invariant::TablesConverge => (c.inv_converge, c.inv_converge_help),
            Invariant::OneValuePerStamp => (c.inv_one_value, c.inv_one_value_help),
            Invariant::NoStaleRead => (c.inv_stale, c.inv_stale_help),
        }
    }
}
