use super::*;

/// What a user can ask of a sharding node: add or remove a server, split the hottest
/// range; or, with a typed key on a client, put or get it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardAction {
    Add,
    Remove,
    Split,
    Put,
    Get,
}

impl LabAction for ShardAction {
    const ALL: &'static [Self] = &[
        ShardAction::Add,
        ShardAction::Remove,
        ShardAction::Split,
        ShardAction::Put,
        ShardAction::Get,
    ];
    fn key(self) -> &'static str {
        match self {
            ShardAction::Add => "add",
            ShardAction::Remove => "remove",
            ShardAction::Split => "split",
            ShardAction::Put => "put",
            ShardAction::Get => "get",
        }
    }
    fn label(self, cat: &Catalog) -> &'static str {
        let c = &cat.shard;
        match self {
            ShardAction::Add => c.add,
            ShardAction::Remove => c.remove,
            ShardAction::Split => c.split,
            ShardAction::Put => c.put_typed,
            ShardAction::Get => c.get_typed,
        }
    }
}

impl Act for Sharding {
    type Action = ShardAction;

    /// On a server: add it (if outside the table) or remove it; the request goes to the
    /// router. On the router, with ranges: split the busiest range.
    fn actions(cfg: &Config, id: NodeId, node: &Node) -> Vec<ShardAction> {
        match node {
            Node::Router(Router { index: 0, .. }) if cfg.strategy == Strategy::Range => {
                vec![ShardAction::Split]
            }
            Node::Server(Server { d, .. }) => {
                let member = d.table.as_ref().is_some_and(|t| t.members.contains(&id.0));
                vec![if member {
                    ShardAction::Remove
                } else {
                    ShardAction::Add
                }]
            }
            _ => Vec::new(),
        }
    }

    /// A membership change or a split goes to the router; Put and Get need a typed key
    /// (see the [`TextInput`] below).
    fn action_request(
        cfg: &Config,
        _nodes: &[Slot<Sharding>],
        id: NodeId,
        action: ShardAction,
        _salt: u64,
    ) -> Option<(NodeId, Request)> {
        let server = id.0;
        let request = match action {
            ShardAction::Add => Request::AddServer { server },
            ShardAction::Remove => Request::RemoveServer { server },
            ShardAction::Split => Request::SplitHot,
            ShardAction::Put | ShardAction::Get => return None,
        };
        Some((cfg.router_node(), request))
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
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
}

impl TextInput<Sharding> for Sharding {
    /// On a client: a key to put or get.
    fn text_field(
        &self,
        _cfg: &Config,
        _id: NodeId,
        node: &Node,
        cat: &Catalog,
    ) -> Option<TextField> {
        let c = &cat.shard;
        matches!(node, Node::Client(_)).then(|| TextField {
            label: c.key_field,
            placeholder: c.key_placeholder,
            actions: action_views(&[ShardAction::Put, ShardAction::Get], cat),
        })
    }

    fn text_request(
        &self,
        cfg: &Config,
        id: NodeId,
        action: ShardAction,
        text: &str,
        cat: &Catalog,
    ) -> Result<(NodeId, Request), String> {
        let c = &cat.shard;
        if !matches!(cfg.kind(id), Kind::Client(_)) {
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
            ShardAction::Put => Request::Put { key },
            ShardAction::Get => Request::Get { key },
            _ => return Err(format!("{action:?} takes no typed key")),
        };
        Ok((id, request))
    }
}
