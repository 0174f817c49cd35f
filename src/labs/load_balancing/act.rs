use super::*;

pub(super) fn actions(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
    let l = &cat.lb;
    match node {
        Node::Client(_) => vec![Action {
            id: "send_now",
            label: l.send_now,
        }],
        Node::Backend(k) if k.slowdown == 100 => vec![Action {
            id: "slow",
            label: l.slow_down,
        }],
        Node::Backend(_) => vec![Action {
            id: "normal",
            label: l.normal_speed,
        }],
        Node::Balancer(b) => Algorithm::ALL
            .iter()
            .enumerate()
            .filter(|(_, a)| **a != b.algorithm)
            .map(|(i, _)| Action {
                id: USE_IDS[i],
                label: l.use_labels[i],
            })
            .collect(),
    }
}

pub(super) fn action_request(
    _cfg: &Config,
    _nodes: &[Slot<LoadBalancing>],
    id: usize,
    action: &str,
    _salt: u64,
) -> Option<(usize, Request)> {
    let request = match action {
        "send_now" => Request::SendNow,
        "slow" => Request::Slow { percent: 400 },
        "normal" => Request::Slow { percent: 100 },
        use_id => {
            let i = USE_IDS.iter().position(|u| *u == use_id)?;
            Request::UseAlgorithm {
                algorithm: Algorithm::ALL[i],
            }
        }
    };
    Some((id, request))
}

pub(super) fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
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
pub(super) fn set(cfg: &mut Config, key: &str, value: u64) -> bool {
    match (key, value) {
        ("preset", 0) => true,
        ("preset", v) => preset(v as usize, cfg.algorithm)
            .map(|p| *cfg = p)
            .is_some(),
        _ => <Config as protocols::sim::schema::Schema>::field(key)
            .is_some_and(|f| f.apply(cfg, value)),
    }
}

/// Preset `index` (1: the defaults, 2: heavy load) with `algorithm`.
pub(super) fn preset(index: usize, algorithm: Algorithm) -> Option<Config> {
    let cfg = match index {
        1 => Config::default(),
        2 => Config::heavy_load(),
        _ => return None,
    };
    Some(Config { algorithm, ..cfg })
}

pub(super) const USE_IDS: [&str; 8] = [
    "use_round_robin",
    "use_weighted_round_robin",
    "use_random",
    "use_weighted_random",
    "use_least_connections",
    "use_power_of_two",
    "use_peak_ewma",
    "use_consistent_hash",
];
