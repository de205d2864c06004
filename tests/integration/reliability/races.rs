//! Writers racing through a pool. The counter race (8 threads x 1,000 `F()` increments
//! leaving exactly 8,000, on every backend) is `f_updates::
//! concurrent_f_increments_from_a_pool_lose_nothing`; this module races `get_or_create` on a
//! unique field.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use dorm::db::PoolOptions;
use dorm::prelude::*;
use dorm::{Error, IntegrityKind, Pool};

use crate::common::models::Product;
use crate::common::{databases, each_backend};

const THREADS: usize = 8;
const ROUNDS: usize = 10;

type SkuIs = dorm::lookups::Lookup<dorm::name!(sku), dorm::lookups::Exact, String>;

/// Django's `get_or_create` race: every racer finds no row, every racer inserts, one insert
/// wins. The losers' unique violation is rolled back to their savepoint and answered with a
/// `get`, so every racer gets `Ok` and the same row, and exactly one says it created it.
#[test]
fn racing_get_or_create_on_a_unique_field_creates_one_row_that_every_racer_gets() {
    for db in databases("race_get_or_create") {
        drop(db.migrated());
        let pool = Pool::with_options(
            &db.url,
            PoolOptions {
                max_size: THREADS as u32,
                connection_timeout: Duration::from_secs(30),
                ..Default::default()
            },
        )
        .unwrap();
        for round in 0..ROUNDS {
            let sku = format!("sku-{round}");
            let start = Arc::new(Barrier::new(THREADS));
            let racers: Vec<_> = (0..THREADS)
                .map(|racer| {
                    let pool = pool.clone();
                    let start = Arc::clone(&start);
                    let sku = sku.clone();
                    std::thread::spawn(move || -> dorm::Result<(Product, bool)> {
                        let mut conn = pool.get()?;
                        start.wait();
                        Product::objects().get_or_create(
                            SkuIs::new(sku.clone()),
                            || Product {
                                name: format!("racer {racer} of round {round}"),
                                country: "nl".into(),
                                sku: Some(sku),
                                ..Default::default()
                            },
                            &mut conn,
                        )
                    })
                })
                .collect();
            let results: Vec<(Product, bool)> = racers
                .into_iter()
                .map(|racer| {
                    racer
                        .join()
                        .expect("racer thread")
                        .unwrap_or_else(|e| panic!("{:?} round {round}: {e}", db.vendor))
                })
                .collect();
            let created = results.iter().filter(|(_, created)| *created).count();
            assert_eq!(created, 1, "{:?} round {round}", db.vendor);
            let winner = &results.iter().find(|(_, created)| *created).unwrap().0;
            for (row, _) in &results {
                assert_eq!(row, winner, "{:?} round {round}", db.vendor);
            }
            let mut conn = pool.get().unwrap();
            let stored = filter!(Product::objects(), sku = sku.clone())
                .fetch(&mut conn)
                .unwrap();
            assert_eq!(
                stored,
                vec![winner.clone()],
                "{:?} round {round}",
                db.vendor
            );
        }
        let mut conn = pool.get().unwrap();
        assert_eq!(
            Product::objects().all().count(&mut conn).unwrap(),
            ROUNDS as i64
        );
    }
}

/// When the create fails on another unique constraint than the lookup's, the `get` that
/// follows finds nothing: Django re-raises the IntegrityError then, and so does dorm, instead
/// of reporting that the row does not exist.
#[test]
fn get_or_create_whose_create_breaks_another_unique_constraint_is_an_integrity_error() {
    each_backend("get_or_create_other_unique", |db, conn| {
        let first = Product {
            name: "Widget".into(),
            country: "nl".into(),
            sku: Some("W-1".into()),
            ..Default::default()
        };
        Product::objects().create(first.clone(), conn).unwrap();
        // No product has sku W-2, but (Widget, nl) is taken.
        let result =
            Product::objects().get_or_create(SkuIs::new("W-2".into()), || first.clone(), conn);
        match result {
            Err(Error::Integrity {
                kind: IntegrityKind::Unique,
                ..
            }) => {}
            other => panic!(
                "{:?}: expected a unique violation, got {other:?}",
                db.vendor
            ),
        }
        assert!(!conn.in_transaction());
        assert_eq!(Product::objects().all().count(conn).unwrap(), 1);
    });
}
