use super::*;

/// Requests per client in one batch row.
pub(super) const BATCH_REQUESTS: u64 = 500;

impl Batch<LoadBalancing> for LoadBalancing {
    fn rows(&self, _cfg: &Config) -> usize {
        Algorithm::ALL.len()
    }

    /// One algorithm on the lab's workload, without animation: BATCH_REQUESTS per client.
    fn row(&self, cfg: &Config, seed: u64, index: usize, cat: &Catalog) -> Vec<String> {
        let algorithm = Algorithm::ALL[index];
        let c = Config {
            algorithm,
            ..cfg.clone()
        };
        let r = protocols::load_balancing::batch::run(&c, BATCH_REQUESTS, seed, 5_000_000);
        let max = r.served.iter().copied().max().unwrap_or(0);
        let mean = r.served.iter().sum::<u64>() as f64 / r.served.len().max(1) as f64;
        vec![
            algo_name(algorithm, cat).to_string(),
            r.max_peak.to_string(),
            format!("{:.1}", r.mean_peak_x100 as f64 / 100.0),
            format!("{max} / {mean:.0}"),
            r.p50.to_string(),
            r.p95.to_string(),
            r.p99.to_string(),
            r.rejected.to_string(),
            r.failed.to_string(),
        ]
    }

    fn table(&self, cfg: &Config, rows: Vec<Vec<String>>, cat: &Catalog) -> BatchTable {
        let l = &cat.lb;
        BatchTable {
            title: l.batch_title,
            run: l.batch_run,
            caption: fill(
                l.batch_caption,
                &[
                    ("n", &(BATCH_REQUESTS * u64::from(cfg.clients)).to_string()),
                    ("backends", &cfg.backends.to_string()),
                ],
            ),
            columns: vec![
                l.b_algorithm,
                l.b_max_load,
                l.b_mean_load,
                l.b_served,
                "p50",
                "p95",
                "p99",
                l.f_rejected,
                l.failed,
            ],
            rows,
        }
    }
}

impl Compare<LoadBalancing> for LoadBalancing {
    fn options(&self, _cfg: &Config, cat: &Catalog) -> Vec<&'static str> {
        Algorithm::ALL.iter().map(|a| algo_name(*a, cat)).collect()
    }

    fn variant(&self, cfg: &Config, variant: usize) -> Config {
        Config {
            algorithm: Algorithm::ALL[variant % Algorithm::ALL.len()],
            ..cfg.clone()
        }
    }

    /// The comparison keeps the run's faults and slowdowns, not its algorithm switches.
    fn keeps(&self, input: &protocols::sim::Input<LoadBalancing>) -> bool {
        !matches!(
            input,
            protocols::sim::Input::Request {
                request: Request::UseAlgorithm { .. },
                ..
            }
        )
    }
}
