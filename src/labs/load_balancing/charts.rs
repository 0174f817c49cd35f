//! The load-balancing lab's live plots: latency percentiles, throughput, failures and
//! each backend's utilisation, one point per simulated second.

use super::*;

impl Charts<LoadBalancing> for LoadBalancing {
    fn charts(
        &self,
        cfg: &Config,
        _nodes: &[Slot<LoadBalancing>],
        metrics: &Metrics,
        now: u64,
        cat: &Catalog,
    ) -> Vec<Chart> {
        let l = &cat.lb;
        // The last two minutes of the run, one point per complete simulated second; a
        // second in which nothing was noted counts zero.
        let upto = now / BUCKET_TICKS;
        let seconds = upto.saturating_sub(120)..upto;
        let lat = |p: u64| -> Vec<(u64, u64)> {
            seconds
                .clone()
                .filter_map(|s| {
                    let b = metrics.series.get(s)?;
                    b.latencies.percentile(p).map(|y| (s, y))
                })
                .collect()
        };
        let per = |f: &dyn Fn(&Bucket) -> u64| -> Vec<(u64, u64)> {
            seconds
                .clone()
                .map(|s| (s, metrics.series.get(s).map_or(0, f)))
                .collect()
        };
        let utilisation = (0..cfg.backends)
            .map(|k| {
                let (slots, _) = cfg.capacity(k);
                Series {
                    label: fill(l.backend, &[("n", &(k + 1).to_string())]),
                    class: series_class(k as usize),
                    points: per(&|b| {
                        let busy = b.busy.get(k as usize).copied().unwrap_or(0);
                        (busy * 100 / (u64::from(slots) * BUCKET_TICKS)).min(100)
                    }),
                }
            })
            .collect();
        let line = |title, unit, series| {
            Chart::Line(LineChart {
                head: ChartHead {
                    title,
                    unit,
                    note: String::new(),
                },
                x_label: l.u_seconds,
                series,
            })
        };
        vec![
            line(
                l.c_latency,
                l.u_ticks,
                vec![
                    Series {
                        label: "p50".into(),
                        class: "s0",
                        points: lat(50),
                    },
                    Series {
                        label: "p95".into(),
                        class: "s1",
                        points: lat(95),
                    },
                    Series {
                        label: "p99".into(),
                        class: "s2",
                        points: lat(99),
                    },
                ],
            ),
            line(
                l.c_throughput,
                l.u_per_second,
                vec![Series {
                    label: l.completed.to_string(),
                    class: "s0",
                    points: per(&|b| b.latencies.len()),
                }],
            ),
            line(
                l.c_failures,
                l.u_per_second,
                vec![
                    Series {
                        label: l.f_rejected.to_string(),
                        class: "s3",
                        points: per(&|b| u64::from(b.rejected)),
                    },
                    Series {
                        label: l.failed.to_string(),
                        class: "s2",
                        points: per(&|b| u64::from(b.failed)),
                    },
                ],
            ),
            line(l.c_utilisation, l.u_percent, utilisation),
        ]
    }
}
