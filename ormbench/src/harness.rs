//! Interleaved measurement: every implementation of a workload runs once per round, in an
//! order shuffled each round (seeded, so a run repeats), on a batch of iterations calibrated
//! to about 30 ms; each round gives one time per iteration per implementation, and one ratio
//! against its baseline (hand-written static diesel, or boxed diesel for dynamic forms).
//! Absolute times drift between runs on shared machines; ratios from the same round do not, so
//! the result is the median ratio with a bootstrap 95% confidence interval.

use std::time::{Duration, Instant};

/// One way to run a workload: `run(n)` runs it `n` times (and returns its own measurement
/// when it times itself, as the Django worker does).
pub struct Impl<'a> {
    /// `dorm`, `diesel` (the baseline), `diesel (boxed)`, `rusqlite`, `django`...
    pub name: &'static str,
    /// The implementation its ratio is taken against: `diesel`, or `diesel (boxed)` for a
    /// query built at run time.
    pub baseline: &'static str,
    /// Runs the workload `n` times.
    pub run: Box<dyn FnMut(u64) -> Option<Duration> + 'a>,
}

impl<'a> Impl<'a> {
    /// An implementation named `name`, timed by the harness, compared with `diesel`.
    pub fn new(name: &'static str, mut run: impl FnMut(u64) + 'a) -> Self {
        Impl {
            name,
            baseline: BASELINE,
            run: Box::new(move |n| {
                run(n);
                None
            }),
        }
    }

    /// An implementation that measures itself (outside the process).
    pub fn timed(name: &'static str, run: impl FnMut(u64) -> Duration + 'a) -> Self {
        let mut run = run;
        Impl {
            name,
            baseline: BASELINE,
            run: Box::new(move |n| Some(run(n))),
        }
    }

    /// The same, compared with `baseline` instead of static diesel.
    pub fn against(mut self, baseline: &'static str) -> Self {
        self.baseline = baseline;
        self
    }
}

/// The baseline of every implementation unless it names another: hand-written static diesel.
pub const BASELINE: &str = "diesel";

/// How long to measure.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Rounds per workload.
    pub rounds: usize,
    /// Target batch duration.
    pub batch: Duration,
    /// Seeds the order of the implementations in each round.
    pub seed: u64,
}

/// xorshift64: a small deterministic generator for the order of each round.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The order of `k` implementations in round `round` of a run seeded `seed`: a Fisher-Yates
/// shuffle, so no implementation always runs right after another (a Django batch on the same
/// SQLite file, say).
pub fn round_order(k: usize, seed: u64, round: usize) -> Vec<usize> {
    let mut state = (seed ^ 0x9E37_79B9_7F4A_7C15).wrapping_add(round as u64 + 1) | 1;
    let mut order: Vec<usize> = (0..k).collect();
    for i in (1..k).rev() {
        let j = (next(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// The samples of one implementation.
#[derive(Debug, Clone)]
pub struct Series {
    /// The implementation.
    pub name: &'static str,
    /// What its ratios are taken against.
    pub baseline: &'static str,
    /// Nanoseconds per iteration, one per round.
    pub ns: Vec<f64>,
    /// Ratio against the baseline, one per round (empty for a baseline, or when the baseline
    /// is not among the implementations).
    pub ratios: Vec<f64>,
}

/// Runs `impls` interleaved; each is compared with its baseline in the same round.
pub fn measure(impls: &mut [Impl<'_>], config: Config) -> Vec<Series> {
    // Warm up (statement caches, page cache) and calibrate each batch.
    let mut iters: Vec<u64> = Vec::with_capacity(impls.len());
    for imp in impls.iter_mut() {
        (imp.run)(1);
        let mut n = 1u64;
        loop {
            let start = Instant::now();
            let own = (imp.run)(n);
            let took = own.unwrap_or_else(|| start.elapsed());
            if took >= config.batch / 2 || n >= 1 << 20 {
                let per = took.as_secs_f64() / n as f64;
                let want = (config.batch.as_secs_f64() / per.max(1e-9)).round() as u64;
                iters.push(want.clamp(1, 1 << 22));
                break;
            }
            n *= 2;
        }
    }
    let mut series: Vec<Series> = impls
        .iter()
        .map(|i| Series {
            name: i.name,
            baseline: i.baseline,
            ns: Vec::with_capacity(config.rounds),
            ratios: Vec::with_capacity(config.rounds),
        })
        .collect();
    let k = impls.len();
    let baselines: Vec<Option<usize>> = impls
        .iter()
        .map(|imp| {
            impls
                .iter()
                .position(|b| b.name == imp.baseline)
                .filter(|&b| impls[b].name != imp.name)
        })
        .collect();
    for round in 0..config.rounds {
        let mut this_round = vec![0.0; k];
        for i in round_order(k, config.seed, round) {
            let start = Instant::now();
            let own = (impls[i].run)(iters[i]);
            let took = own.unwrap_or_else(|| start.elapsed());
            this_round[i] = took.as_nanos() as f64 / iters[i] as f64;
        }
        for (i, s) in series.iter_mut().enumerate() {
            s.ns.push(this_round[i]);
            if let Some(b) = baselines[i] {
                s.ratios.push(this_round[i] / this_round[b]);
            }
        }
    }
    series
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A 95% bootstrap confidence interval of the median of `values` (percentile method, 2,000
/// resamples, a fixed seed so reports repeat).
pub fn bootstrap_ci(values: &[f64]) -> (f64, f64) {
    if values.len() < 2 {
        let m = median(values);
        return (m, m);
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut medians: Vec<f64> = (0..2000)
        .map(|_| {
            let sample: Vec<f64> = (0..values.len())
                .map(|_| values[(next() % values.len() as u64) as usize])
                .collect();
            median(&sample)
        })
        .collect();
    medians.sort_by(|a, b| a.total_cmp(b));
    (medians[50], medians[1949])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_intervals() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        let (lo, hi) = bootstrap_ci(&[1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 1.0]);
        assert!(lo <= 1.0 && hi >= 1.0 && hi - lo < 0.05, "{lo} {hi}");
    }

    #[test]
    fn interleaves_and_compares_against_diesel() {
        let mut impls = vec![
            Impl::new("diesel", |n| {
                for _ in 0..n {
                    std::hint::black_box((0..100).sum::<u64>());
                }
            }),
            Impl::new("dorm", |n| {
                for _ in 0..n {
                    std::hint::black_box((0..100).sum::<u64>());
                }
            }),
        ];
        let series = measure(
            &mut impls,
            Config {
                rounds: 5,
                batch: Duration::from_millis(2),
                seed: 7,
            },
        );
        assert_eq!(series[0].ns.len(), 5);
        assert!(series[0].ratios.is_empty());
        assert_eq!(series[1].ratios.len(), 5);
    }

    #[test]
    fn rounds_are_shuffled_reproducibly() {
        let orders: Vec<Vec<usize>> = (0..20).map(|r| round_order(4, 42, r)).collect();
        for o in &orders {
            let mut sorted = o.clone();
            sorted.sort();
            assert_eq!(sorted, vec![0, 1, 2, 3]);
        }
        // Not a rotation: some implementation is followed by different ones across rounds.
        let follows_0: std::collections::BTreeSet<usize> = orders
            .iter()
            .filter_map(|o| {
                o.iter()
                    .position(|&i| i == 0)
                    .and_then(|p| o.get(p + 1))
                    .copied()
            })
            .collect();
        assert!(follows_0.len() >= 2, "{orders:?}");
        assert_eq!(
            orders,
            (0..20).map(|r| round_order(4, 42, r)).collect::<Vec<_>>()
        );
        assert_ne!(
            orders,
            (0..20).map(|r| round_order(4, 43, r)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn each_implementation_is_compared_with_its_own_baseline() {
        let spin = |n: u64, work: u64| {
            for _ in 0..n {
                std::hint::black_box((0..work).sum::<u64>());
            }
        };
        let mut impls = vec![
            Impl::new("diesel", move |n| spin(n, 100)),
            Impl::new("diesel (boxed)", move |n| spin(n, 100)),
            Impl::new("dorm (DynQ)", move |n| spin(n, 100)).against("diesel (boxed)"),
            Impl::new("django", move |n| spin(n, 100)).against("nobody"),
        ];
        let series = measure(
            &mut impls,
            Config {
                rounds: 3,
                batch: Duration::from_millis(1),
                seed: 1,
            },
        );
        assert_eq!(series[2].baseline, "diesel (boxed)");
        assert_eq!(series[2].ratios.len(), 3);
        assert!(series[3].ratios.is_empty());
    }
}
