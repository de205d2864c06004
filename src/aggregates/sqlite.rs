//! `STDDEV_POP`, `STDDEV_SAMP`, `VAR_POP` and `VAR_SAMP` for SQLite, which has none of them:
//! registered as aggregate functions on every SQLite connection dorm opens, so [`StdDev`] and
//! [`Variance`] render the same SQL on both backends.
//!
//! Values are accumulated with Welford's algorithm (numerically stable, like PostgreSQL's
//! Youngs-Cramer). NULLs are skipped; over no rows the result is NULL, and the sample forms
//! are NULL over fewer than two rows, as on PostgreSQL.
//!
//! [`StdDev`]: super::StdDev
//! [`Variance`]: super::Variance

use diesel::result::QueryResult;
use diesel::sql_types::{Double, Nullable};
use diesel::sqlite::SqliteAggregateFunction;
use diesel::SqliteConnection;

diesel::define_sql_function! {
    #[aggregate]
    #[sql_name = "STDDEV_POP"]
    fn dorm_stddev_pop(x: Nullable<Double>) -> Nullable<Double>;
}
diesel::define_sql_function! {
    #[aggregate]
    #[sql_name = "STDDEV_SAMP"]
    fn dorm_stddev_samp(x: Nullable<Double>) -> Nullable<Double>;
}
diesel::define_sql_function! {
    #[aggregate]
    #[sql_name = "VAR_POP"]
    fn dorm_var_pop(x: Nullable<Double>) -> Nullable<Double>;
}
diesel::define_sql_function! {
    #[aggregate]
    #[sql_name = "VAR_SAMP"]
    fn dorm_var_samp(x: Nullable<Double>) -> Nullable<Double>;
}

/// Count, mean and sum of squared deviations of the non-NULL values seen so far.
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, value: Option<f64>) {
        if let Some(x) = value {
            self.n += 1;
            let delta = x - self.mean;
            self.mean += delta / self.n as f64;
            self.m2 += delta * (x - self.mean);
        }
    }

    /// The variance, dividing by `n - ddof`; `None` when there are not more than `ddof`
    /// values.
    fn variance(self, ddof: u64) -> Option<f64> {
        if self.n == 0 || self.n <= ddof {
            return None;
        }
        // Rounding can leave a tiny negative sum for equal values.
        Some((self.m2 / (self.n - ddof) as f64).max(0.0))
    }
}

macro_rules! statistic {
    ($($name:ident $ddof:literal $sqrt:literal),*) => {$(
        #[derive(Debug, Default)]
        struct $name(Moments);

        impl SqliteAggregateFunction<Option<f64>> for $name {
            type Output = Option<f64>;
            fn step(&mut self, value: Option<f64>) {
                self.0.add(value);
            }
            fn finalize(aggregator: Option<Self>) -> Option<f64> {
                let variance = aggregator?.0.variance($ddof)?;
                Some(if $sqrt { variance.sqrt() } else { variance })
            }
        }
    )*};
}
statistic!(StdDevPop 0 true, StdDevSamp 1 true, VarPop 0 false, VarSamp 1 false);

/// Registers the four aggregates on `conn`.
pub(crate) fn register_sqlite_statistics(conn: &mut SqliteConnection) -> QueryResult<()> {
    dorm_stddev_pop_utils::register_impl::<StdDevPop, _>(conn)?;
    dorm_stddev_samp_utils::register_impl::<StdDevSamp, _>(conn)?;
    dorm_var_pop_utils::register_impl::<VarPop, _>(conn)?;
    dorm_var_samp_utils::register_impl::<VarSamp, _>(conn)
}

#[cfg(test)]
mod tests {
    use super::Moments;

    #[test]
    fn welford_matches_the_textbook_formulas() {
        let mut m = Moments::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            m.add(Some(x));
        }
        m.add(None);
        assert_eq!(m.variance(0), Some(4.0));
        assert!((m.variance(1).unwrap_or_default() - 32.0 / 7.0).abs() < 1e-12);
        assert_eq!(Moments::default().variance(0), None);
        let mut one = Moments::default();
        one.add(Some(3.0));
        assert_eq!((one.variance(0), one.variance(1)), (Some(0.0), None));
    }
}
