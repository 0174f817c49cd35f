use super::*;

/// Requests the batch table draws from the lab's workload.
pub(super) const BATCH_REQUESTS: u64 = 100_000;

impl Batch<Sharding> for Sharding {
    fn rows(&self, _cfg: &Config) -> usize {
        experiments::VARIANTS.len()
    }

    /// One placement with the lab's servers, keys and hot keys, without animation: keys per
    /// server, what a join moves, and the busiest primary's share of BATCH_REQUESTS.
    fn row(&self, cfg: &Config, seed: u64, index: usize, cat: &Catalog) -> Vec<String> {
        let c = &cat.shard;
        let (strategy, v) = experiments::VARIANTS[index];
        let keys = experiments::keyspace(cfg.keys as usize);
        let load = experiments::workload(cfg.keys, cfg.skew, BATCH_REQUESTS, seed);
        let f = experiments::figures(strategy, v, cfg.servers, &keys, &load);
        let name = match strategy {
            Strategy::ModN => c.strategy_mod_n.to_string(),
            Strategy::Ring => fill(c.b_ring, &[("v", &v.to_string())]),
            Strategy::Range => c.strategy_range.to_string(),
        };
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        vec![
            name,
            format!("{:.0}", f.max),
            format!("{:.1}", f.mean),
            format!("{:.1}", f.std_dev),
            pct(f.moved),
            pct(f.ideal),
            pct(f.busiest),
        ]
    }

    fn table(&self, cfg: &Config, rows: Vec<Vec<String>>, cat: &Catalog) -> BatchTable {
        let c = &cat.shard;
        BatchTable {
            title: c.batch_title,
            run: c.batch_run,
            caption: fill(
                c.batch_caption,
                &[
                    ("keys", &cfg.keys.to_string()),
                    ("servers", &cfg.servers.to_string()),
                    ("n", &BATCH_REQUESTS.to_string()),
                    ("skew", &cfg.skew.to_string()),
                    ("rings", &experiments::RINGS.to_string()),
                ],
            ) + " "
                + c.batch_caveat,
            columns: vec![
                c.b_placement,
                c.b_max,
                c.b_mean,
                c.b_sd,
                c.b_moved,
                c.b_ideal,
                c.b_busiest,
            ],
            rows,
        }
    }
}
