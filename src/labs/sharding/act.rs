use super::*;

/// On a server: add it (if outside the table) or remove it; the request goes to the
/// router. On the router, with ranges: split the busiest range.
pub(super) fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
    match node {
        Node::Router(Router { index: 0, .. }) if cfg.strategy == Strategy::Range => {
            vec![Action {
                id: "split",
                label: cat.shard.split,
            }]
        }
        Node::Server(Server { d, .. }) => {
            let member = d
                .table
                .as_ref()
                .is_some_and(|t| t.members.contains(&(id as u32)));
            vec![if member {
                Action {
                    id: "remove",
                    label: cat.shard.remove,
                }
            } else {
                Action {
                    id: "add",
                    label: cat.shard.add,
                }
            }]
        }
        _ => Vec::new(),
    }
}

pub(super) fn action_request(
    cfg: &Config,
    _nodes: &[Slot<Sharding>],
    id: usize,
    action: &str,
    _salt: u64,
) -> Option<(usize, Request)> {
    let server = id as u32;
    let request = match action {
        "add" => Request::AddServer { server },
        "remove" => Request::RemoveServer { server },
        "split" => Request::SplitHot,
        _ => return None,
    };
    Some((cfg.router_node().index(), request))
}

/// On a client: a key to put or get.
pub(super) fn text_field(
    _cfg: &Config,
    _id: usize,
    node: &Node,
    cat: &Catalog,
) -> Option<TextField> {
    let c = &cat.shard;
    matches!(node, Node::Client(_)).then(|| TextField {
        label: c.key_field,
        placeholder: c.key_placeholder,
        actions: vec![
            Action {
                id: "put",
                label: c.put_typed,
            },
            Action {
                id: "get",
                label: c.get_typed,
            },
        ],
    })
}

pub(super) fn text_request(
    cfg: &Config,
    id: usize,
    action: &str,
    text: &str,
    cat: &Catalog,
) -> Result<(usize, Request), String> {
    let c = &cat.shard;
    if !matches!(cfg.kind(NodeId(id as u32)), Kind::Client(_)) {
        return Err(c.key_not_client.to_string());
    }
    Key::parse(text).map_err(|e| {
        match e {
            KeyError::Empty => c.key_empty,
            KeyError::TooLong => c.key_long,
            KeyError::ControlCharacter => c.key_control,
        }
        .to_string()
    })?;
    let key = text.trim().to_string();
    let request = match action {
        "put" => Request::Put { key },
        "get" => Request::Get { key },
        _ => return Err(format!("unknown action {action}")),
    };
    Ok((id, request))
}

pub(super) fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
    let c = &cat.shard;
    let mut s = settings_from(
        cfg,
        &[
            ("strategy", c.s_strategy, ""),
            ("servers", c.s_servers, ""),
            ("spare_servers", c.s_spare, ""),
            ("routers", c.s_routers, ""),
            ("clients", c.s_clients, ""),
            ("vnodes", c.s_vnodes, ""),
            ("replication", c.s_replication, ""),
            ("keys", c.s_keys, ""),
            ("skew", c.s_skew, ""),
            ("rate", c.s_rate, ""),
            ("request_timeout", c.s_timeout, ""),
            ("bug_no_fencing", c.s_bug_fence, c.s_bug_fence_help),
        ],
    );
    let labels = vec![c.strategy_ring, c.strategy_mod_n, c.strategy_range];
    label_options(&mut s, "strategy", labels);
    s
}
