use super::*;

/// Preset `index` (1: the defaults, 2: heavy load) with `algorithm`.
pub(super) fn preset(index: usize, algorithm: Algorithm) -> Option<Config> {
    let cfg = match index {
        1 => Config::default(),
        2 => Config::heavy_load(),
        _ => return None,
    };
    Some(Config { algorithm, ..cfg })
}

/// What a user can ask of a load-balancing node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbAction {
    /// A client sends a request now.
    SendNow,
    /// A backend slows to a quarter of its speed, or back to normal.
    Slow,
    Normal,
    /// The balancer switches to an algorithm.
    Use(Algorithm),
}

/// The keys of [`LbAction::Use`], in the order of [`Algorithm::ALL`].
const USE_KEYS: [&str; 8] = [
    "use_round_robin",
    "use_weighted_round_robin",
    "use_random",
    "use_weighted_random",
    "use_least_connections",
    "use_power_of_two",
    "use_peak_ewma",
    "use_consistent_hash",
];

fn algo_index(a: Algorithm) -> usize {
    Algorithm::ALL
        .iter()
        .position(|x| *x == a)
        .expect("every algorithm is listed")
}

impl LabAction for LbAction {
    const ALL: &'static [Self] = &[
        LbAction::SendNow,
        LbAction::Slow,
        LbAction::Normal,
        LbAction::Use(Algorithm::ALL[0]),
        LbAction::Use(Algorithm::ALL[1]),
        LbAction::Use(Algorithm::ALL[2]),
        LbAction::Use(Algorithm::ALL[3]),
        LbAction::Use(Algorithm::ALL[4]),
        LbAction::Use(Algorithm::ALL[5]),
        LbAction::Use(Algorithm::ALL[6]),
        LbAction::Use(Algorithm::ALL[7]),
    ];
    fn key(self) -> &'static str {
        match self {
            LbAction::SendNow => "send_now",
            LbAction::Slow => "slow",
            LbAction::Normal => "normal",
            LbAction::Use(a) => USE_KEYS[algo_index(a)],
        }
    }
    fn hotkey(self) -> Option<Hotkey> {
        match self {
            LbAction::SendNow => Some(Hotkey::Request),
            _ => None,
        }
    }
    fn label(self, cat: &Catalog) -> &'static str {
        let l = &cat.lb;
        match self {
            LbAction::SendNow => l.send_now,
            LbAction::Slow => l.slow_down,
            LbAction::Normal => l.normal_speed,
            LbAction::Use(a) => l.use_labels[algo_index(a)],
        }
    }
}

impl Act for LoadBalancing {
    type Action = LbAction;

    fn actions(_cfg: &Config, _id: NodeId, node: &Node) -> Vec<LbAction> {
        match node {
            Node::Client(_) => vec![LbAction::SendNow],
            Node::Backend(k) if k.slowdown == 100 => vec![LbAction::Slow],
            Node::Backend(_) => vec![LbAction::Normal],
            Node::Balancer(b) => Algorithm::ALL
                .into_iter()
                .filter(|a| *a != b.algorithm)
                .map(LbAction::Use)
                .collect(),
        }
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<LoadBalancing>],
        id: NodeId,
        action: LbAction,
        _salt: u64,
    ) -> Option<(NodeId, Request)> {
        let request = match action {
            LbAction::SendNow => Request::SendNow,
            LbAction::Slow => Request::Slow { percent: 400 },
            LbAction::Normal => Request::Slow { percent: 100 },
            LbAction::Use(algorithm) => Request::UseAlgorithm { algorithm },
        };
        Some((id, request))
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let l = &cat.lb;
        let preset = (1..l.presets.len())
            .find(|i| preset(*i, cfg.algorithm).as_ref() == Some(cfg))
            .unwrap_or(0) as u64;
        let mut s = vec![Setting {
            key: "preset",
            label: l.s_preset,
            kind: SettingKind::Choice {
                options: l.presets.to_vec(),
                value: preset,
            },
        }];
        s.extend(settings_from(
            cfg,
            &[
                ("algorithm", l.s_algorithm, ""),
                ("clients", l.s_clients, ""),
                ("backends", l.s_backends, ""),
                ("large_backends", l.s_large, ""),
                ("slots", l.s_slots, ""),
                ("queue", l.s_queue, ""),
                ("rate", l.s_rate, ""),
                ("burst", l.s_burst, ""),
                ("cost_min", l.s_cost_min, ""),
                ("cost_max", l.s_cost_max, ""),
                ("keys", l.s_keys, ""),
                ("request_timeout", l.s_request_timeout, ""),
                ("client_timeout", l.s_client_timeout, ""),
                ("probe_every", l.s_probe_every, ""),
                ("unhealthy_after", l.s_unhealthy, ""),
                ("healthy_after", l.s_healthy, ""),
                ("passive_errors", l.s_passive, ""),
                ("retry_budget_pct", l.s_budget, ""),
            ],
        ));
        let names = Algorithm::ALL.iter().map(|a| algo_name(*a, cat)).collect();
        label_options(&mut s, "algorithm", names);
        s
    }

    /// A preset replaces every setting but the algorithm ("Your settings" keeps them);
    /// the rest go through the schema.
    fn set(cfg: &mut Config, key: &str, value: u64) -> bool {
        match (key, value) {
            ("preset", 0) => true,
            ("preset", v) => preset(v as usize, cfg.algorithm)
                .map(|p| *cfg = p)
                .is_some(),
            _ => <Config as protocols::sim::schema::Schema>::field(key)
                .is_some_and(|f| f.apply(cfg, value)),
        }
    }
}
