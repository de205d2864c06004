//! Conditional expressions (`Case`/`When`) and window functions (`Window`): in `annotate!`
//! (rows and groups), inside aggregates, in filters and orderings through annotations, in
//! conditional updates; row numbers, ranks, `Lag`/`Lead` and running totals.

use chrono::NaiveDate;
use dorm::expressions::{
    CumeDist, DenseRank, Lag, Lead, Ntile, PercentRank, Rank, RowNumber, Window,
};
use dorm::prelude::*;
use dorm::{aggregate, annotate, order_by, values};

use crate::common::each_backend;

mod models {
    use chrono::NaiveDate;
    use dorm::prelude::*;

    /// Django's `Case` example: clients with an account type and a registration date.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "expressions")]
    pub struct Client {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        #[dorm(max_length = 10)]
        pub account_type: String,
        pub registered_on: NaiveDate,
        pub rating: i32,
        pub score: i64,
        pub nickname: Option<String>,
    }

    /// Sales per region and day, for the window functions.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "expressions")]
    pub struct Sale {
        pub id: Auto<i64>,
        #[dorm(max_length = 10)]
        pub region: String,
        pub day: i32,
        pub amount: i32,
    }
}

use models::{Client, Sale};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, d).expect("a date")
}

/// Ann (regular), Bob (gold), Cid (platinum), Dee (gold), Eve (regular).
fn clients(conn: &mut dorm::Connection) {
    dorm::migrations::create_tables(&[Client::META, Sale::META], conn).unwrap();
    let rows = [
        ("Ann", "REGULAR", 1, 2, 10, None),
        ("Bob", "GOLD", 5, 4, 20, Some("B")),
        ("Cid", "PLATINUM", 10, 5, 30, None),
        ("Dee", "GOLD", 15, 3, 40, None),
        ("Eve", "REGULAR", 20, 4, 50, Some("E")),
    ]
    .map(
        |(name, account_type, registered, rating, score, nickname)| Client {
            name: name.into(),
            account_type: account_type.into(),
            registered_on: day(registered),
            rating,
            score,
            nickname: nickname.map(Into::into),
            ..Default::default()
        },
    );
    Client::objects().bulk_create(rows.to_vec(), conn).unwrap();
}

fn sales(conn: &mut dorm::Connection) {
    let rows = [
        ("north", 1, 10),
        ("north", 2, 30),
        ("north", 3, 20),
        ("south", 1, 5),
        ("south", 2, 5),
        ("south", 3, 40),
    ]
    .map(|(region, day, amount)| Sale {
        region: region.into(),
        day,
        amount,
        ..Default::default()
    });
    Sale::objects().bulk_create(rows.to_vec(), conn).unwrap();
}

#[test]
fn case_annotates_each_row() {
    each_backend("case_annotate", |_db, conn| {
        clients(conn);
        // Client.objects.annotate(discount=Case(When(account_type="GOLD", then=Value("5%")), ...))
        let qs = annotate!(
            Client::objects(),
            discount = Case(
                When(account_type = "GOLD", then = "5%"),
                When(account_type = "PLATINUM", then = "10%"),
                default = "0%"
            ),
        );
        let rows: Vec<(String, String)> = order_by!(qs, name)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(c, discount)| (c.name, discount))
            .collect();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), "0%".to_string()),
                ("Bob".into(), "5%".into()),
                ("Cid".into(), "10%".into()),
                ("Dee".into(), "5%".into()),
                ("Eve".into(), "0%".into()),
            ]
        );

        // No default: NULL when nothing matches. `then` may be an expression; conditions may
        // combine lookups and name an earlier annotation.
        let qs = annotate!(
            Client::objects(),
            doubled = rating * 2,
            bonus = Case(
                When(account_type = "GOLD", doubled__gte = 8, then = score + 1),
                When(registered_on__gt = day(18), then = F(score)),
            ),
        );
        let rows: Vec<(String, i32, Option<i64>)> =
            values!(order_by!(qs, name), name, doubled, bonus)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), 4, None),
                ("Bob".into(), 8, Some(21)),
                ("Cid".into(), 10, None),
                ("Dee".into(), 6, None),
                ("Eve".into(), 8, Some(50)),
            ]
        );

        // A nullable branch makes a nullable Case; a condition on a nullable field.
        let qs = annotate!(
            Client::objects(),
            called = Case(
                When(nickname__isnull = false, then = F(nickname)),
                default = F(nickname)
            ),
            known = Case(When(nickname__isnull = true, then = false), default = true),
        );
        let rows: Vec<(String, Option<String>, bool)> =
            values!(order_by!(qs, name), name, called, known)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), None, false),
                ("Bob".into(), Some("B".into()), true),
                ("Cid".into(), None, false),
                ("Dee".into(), None, false),
                ("Eve".into(), Some("E".into()), true),
            ]
        );

        // Branches of `T` and `Nullable<T>` mix (Django's output field has no nullability):
        // the Case is nullable, NULL where the nullable branch is.
        let qs = annotate!(
            Client::objects(),
            called = Case(
                When(nickname__isnull = false, then = F(nickname)),
                When(name = "Cid", then = "C"),
                default = F(name)
            ),
        );
        let rows: Vec<(String, Option<String>)> = values!(order_by!(qs, name), name, called)
            .fetch(conn)
            .unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), Some("Ann".into())),
                ("Bob".into(), Some("B".into())),
                ("Cid".into(), Some("C".into())),
                ("Dee".into(), Some("Dee".into())),
                ("Eve".into(), Some("E".into())),
            ]
        );
    });
}

#[test]
fn case_annotations_are_filtered_and_ordered_by_name() {
    each_backend("case_filter_order", |_db, conn| {
        clients(conn);
        let tiered = || {
            annotate!(
                Client::objects(),
                tier = Case(
                    When(rating__gte = 5, then = "top"),
                    When(rating__gte = 4, then = "good"),
                    default = "fair"
                ),
                priority = Case(
                    When(account_type = "PLATINUM", then = 1),
                    When(account_type = "GOLD", then = 2),
                    default = 3
                ),
            )
        };
        let good: Vec<String> = values!(order_by!(filter!(tiered(), tier = "good"), name), name)
            .fetch(conn)
            .unwrap();
        assert_eq!(good, ["Bob", "Eve"]);
        let not_fair: Vec<String> =
            values!(order_by!(exclude!(tiered(), tier = "fair"), name), name)
                .fetch(conn)
                .unwrap();
        assert_eq!(not_fair, ["Bob", "Cid", "Eve"]);
        let urgent: Vec<String> =
            values!(order_by!(filter!(tiered(), priority__lt = 3), name), name)
                .fetch(conn)
                .unwrap();
        assert_eq!(urgent, ["Bob", "Cid", "Dee"]);

        // Client.objects.annotate(priority=Case(...)).order_by("priority", "-name")
        let ordered: Vec<(String, i32)> =
            values!(order_by!(tiered(), priority, -name), name, priority)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            ordered,
            [
                ("Cid".to_string(), 1),
                ("Dee".into(), 2),
                ("Bob".into(), 2),
                ("Eve".into(), 3),
                ("Ann".into(), 3),
            ]
        );
        // A nullable Case orders with NULLs where asked.
        let qs = annotate!(
            Client::objects(),
            boost = Case(When(rating__gte = 4, then = rating))
        );
        let boosts: Vec<(String, Option<i32>)> =
            values!(order_by!(qs, boost.nulls_first(), name), name, boost)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            boosts,
            [
                ("Ann".to_string(), None),
                ("Dee".into(), None),
                ("Bob".into(), Some(4)),
                ("Eve".into(), Some(4)),
                ("Cid".into(), Some(5)),
            ]
        );
    });
}

#[test]
fn case_inside_aggregates_counts_conditionally() {
    each_backend("case_aggregate", |_db, conn| {
        clients(conn);
        // Client.objects.aggregate(regular=Count("pk", filter=...)) written with Case:
        // Sum(Case(When(account_type="GOLD", then=1), default=0))
        let (gold, platinum, regular_score): (Option<i64>, i64, Option<i64>) = aggregate!(
            Client::objects(),
            gold = Sum(Case(When(account_type = "GOLD", then = 1), default = 0)),
            platinum = Count(Case(When(account_type = "PLATINUM", then = 1))),
            regular_score = Sum(Case(
                When(account_type = "REGULAR", then = score),
                default = 0
            )),
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((gold, platinum, regular_score), (Some(2), 1, Some(60)));

        // The scrap book's in_future: Sum(Case(When(date__gt=today, then=1), default=0)).
        let today = day(12);
        let in_future: Option<i64> = aggregate!(
            Client::objects(),
            in_future = Sum(Case(When(registered_on__gt = today, then = 1), default = 0)),
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(in_future, Some(2));

        // ... per group: values("account_type").annotate(in_future=Sum(Case(...)))
        let groups = annotate!(
            values!(Client::objects(), account_type),
            in_future = Sum(Case(When(registered_on__gt = today, then = 1), default = 0)),
            n = Count(id),
            size = Case(When(n__gte = 2, then = "many"), default = "one"),
        );
        let groups: Vec<(String, Option<i64>, i64, String)> =
            order_by!(groups, account_type).fetch(conn).unwrap();
        assert_eq!(
            groups,
            [
                ("GOLD".to_string(), Some(1), 2, "many".to_string()),
                ("PLATINUM".into(), Some(0), 1, "one".into()),
                ("REGULAR".into(), Some(1), 2, "many".into()),
            ]
        );
        // Groups filtered (HAVING) and ordered by a Case over their aggregates.
        let big: Vec<(String, Option<i64>, i64, String)> = order_by!(
            filter!(
                annotate!(
                    values!(Client::objects(), account_type),
                    in_future = Sum(Case(When(registered_on__gt = today, then = 1), default = 0)),
                    n = Count(id),
                    size = Case(When(n__gte = 2, then = "many"), default = "one"),
                ),
                size = "many"
            ),
            -account_type
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            big.into_iter().map(|g| g.0).collect::<Vec<_>>(),
            ["REGULAR", "GOLD"]
        );
    });
}

#[test]
fn conditional_update_with_case() {
    each_backend("case_update", |_db, conn| {
        clients(conn);
        // Client.objects.update(rating=Case(When(account_type="GOLD", then=5), default=F("rating")))
        let n = dorm::update!(
            Client::objects().all(),
            rating = Case(When(account_type = "GOLD", then = 5), default = F(rating))
        )
        .execute(conn)
        .unwrap();
        assert_eq!(n, 5);
        let ratings: Vec<(String, i32)> =
            values!(order_by!(Client::objects().all(), name), name, rating)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            ratings,
            [
                ("Ann".to_string(), 2),
                ("Bob".into(), 5),
                ("Cid".into(), 5),
                ("Dee".into(), 5),
                ("Eve".into(), 4),
            ]
        );
        // A BigInt field: the literal takes the field's type; arithmetic around the Case; a
        // filtered QuerySet; several fields at once.
        let n = dorm::update!(
            filter!(
                Client::objects(),
                account_type__in = ["REGULAR", "PLATINUM"]
            ),
            score = Case(
                When(rating__gte = 4, then = F(score) * 2),
                When(name = "Ann", then = 0),
                default = F(score)
            ) + 1,
            account_type = "BASIC",
        )
        .execute(conn)
        .unwrap();
        assert_eq!(n, 3);
        let scores: Vec<(String, String, i64)> = values!(
            order_by!(Client::objects().all(), name),
            name,
            account_type,
            score
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            scores,
            [
                ("Ann".to_string(), "BASIC".to_string(), 1),
                ("Bob".into(), "GOLD".into(), 20),
                ("Cid".into(), "BASIC".into(), 61),
                ("Dee".into(), "GOLD".into(), 40),
                ("Eve".into(), "BASIC".into(), 101),
            ]
        );
    });
}

#[test]
fn ranking_window_functions() {
    each_backend("window_ranking", |_db, conn| {
        clients(conn);
        sales(conn);
        // Sale.objects.annotate(n=Window(RowNumber(), partition_by="region", order_by="day"), ...)
        let qs = annotate!(
            Sale::objects(),
            n = Window(RowNumber(), partition_by = region, order_by = day),
            rank = Window(Rank(), order_by = amount),
            dense = Window(DenseRank(), order_by = amount),
            bucket = Window(Ntile(2), partition_by = region, order_by = (amount, day)),
        );
        let rows: Vec<(String, i32, i64, i64, i64, i32)> = order_by!(qs, region, day)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(s, n, rank, dense, bucket)| (s.region, s.day, n, rank, dense, bucket))
            .collect();
        assert_eq!(
            rows,
            [
                ("north".to_string(), 1, 1, 3, 2, 1),
                ("north".into(), 2, 2, 5, 4, 2),
                ("north".into(), 3, 3, 4, 3, 1),
                ("south".into(), 1, 1, 1, 1, 1),
                ("south".into(), 2, 2, 1, 1, 1),
                ("south".into(), 3, 3, 6, 5, 2),
            ]
        );
        // Distribution functions, and ordering the rows by a window annotation.
        let qs = annotate!(
            Sale::objects(),
            pct = Window(PercentRank(), order_by = amount),
            cume = Window(CumeDist(), order_by = amount),
        );
        let rows: Vec<(i32, f64, f64)> = order_by!(qs, -pct, id)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(s, pct, cume)| (s.amount, pct, cume))
            .collect();
        let expected = [
            (40, 1.0, 1.0),
            (30, 0.8, 5.0 / 6.0),
            (20, 0.6, 4.0 / 6.0),
            (10, 0.4, 0.5),
            (5, 0.0, 2.0 / 6.0),
            (5, 0.0, 2.0 / 6.0),
        ];
        assert_eq!(rows.len(), expected.len());
        for ((amount, pct, cume), (e_amount, e_pct, e_cume)) in rows.into_iter().zip(expected) {
            assert_eq!(amount, e_amount);
            assert!((pct - e_pct).abs() < 1e-9, "{pct} != {e_pct}");
            assert!((cume - e_cume).abs() < 1e-9, "{cume} != {e_cume}");
        }
        // Partitioned by a Case annotation, ordered by a field and a tie-breaker.
        let qs = annotate!(
            Client::objects(),
            tier = Case(When(rating__gte = 4, then = "high"), default = "low"),
            place = Window(RowNumber(), partition_by = tier, order_by = (-score, name)),
        );
        let rows: Vec<(String, String, i64)> =
            values!(order_by!(qs, tier, place), name, tier, place)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                ("Eve".to_string(), "high".to_string(), 1),
                ("Cid".into(), "high".into(), 2),
                ("Bob".into(), "high".into(), 3),
                ("Dee".into(), "low".into(), 1),
                ("Ann".into(), "low".into(), 2),
            ]
        );
    });
}

#[test]
fn lag_and_lead() {
    each_backend("window_lag_lead", |_db, conn| {
        clients(conn);
        sales(conn);
        let qs = annotate!(
            Sale::objects(),
            previous = Window(Lag(amount), partition_by = region, order_by = day),
            next = Window(Lead(amount), partition_by = region, order_by = day),
            two_back = Window(
                Lag(amount, offset = 2),
                partition_by = region,
                order_by = day
            ),
            next_or_zero = Window(
                Lead(amount, default = 0),
                partition_by = region,
                order_by = day
            ),
            change = amount
                - Window(
                    Lag(amount, default = 0),
                    partition_by = region,
                    order_by = day
                ),
        );
        type Row = (String, i32, Option<i32>, Option<i32>, Option<i32>, i32, i32);
        let rows: Vec<Row> = order_by!(qs, region, day)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(s, p, n, t, z, c)| (s.region, s.day, p, n, t, z, c))
            .collect();
        assert_eq!(
            rows,
            [
                ("north".to_string(), 1, None, Some(30), None, 30, 10),
                ("north".into(), 2, Some(10), Some(20), None, 20, 20),
                ("north".into(), 3, Some(30), None, Some(10), 0, -10),
                ("south".into(), 1, None, Some(5), None, 5, 5),
                ("south".into(), 2, Some(5), Some(40), None, 40, 0),
                ("south".into(), 3, Some(5), None, Some(5), 0, 35),
            ]
        );
        // Of a nullable field, and of a text field across the whole table.
        let qs = annotate!(
            Client::objects(),
            prev_nick = Window(Lag(nickname), order_by = name),
            next_name = Window(Lead(name, default = "-"), order_by = name),
        );
        let rows: Vec<(String, Option<String>, String)> =
            values!(order_by!(qs, name), name, prev_nick, next_name)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), None, "Bob".to_string()),
                ("Bob".into(), None, "Cid".into()),
                ("Cid".into(), Some("B".into()), "Dee".into()),
                ("Dee".into(), None, "Eve".into()),
                ("Eve".into(), None, "-".into()),
            ]
        );
    });
}

#[test]
fn aggregates_over_windows() {
    each_backend("window_aggregates", |_db, conn| {
        clients(conn);
        sales(conn);
        // Sale.objects.annotate(running=Window(Sum("amount"), partition_by="region", order_by="day"))
        let qs = annotate!(
            Sale::objects(),
            running = Window(Sum(amount), partition_by = region, order_by = day),
            region_total = Window(Sum(amount), partition_by = region),
            in_region = Window(Count(id), partition_by = region),
            overall = Window(Count(id)),
            best = Window(Max(amount), partition_by = region, order_by = day),
            mean_day = Window(Avg(day)),
        );
        let rows: Vec<_> = order_by!(qs, region, day)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(s, running, total, in_region, overall, best, mean_day)| {
                (
                    s.region, s.day, running, total, in_region, overall, best, mean_day,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "north".to_string(),
                    1,
                    Some(10),
                    Some(60),
                    3,
                    6,
                    Some(10),
                    Some(2.0)
                ),
                (
                    "north".into(),
                    2,
                    Some(40),
                    Some(60),
                    3,
                    6,
                    Some(30),
                    Some(2.0)
                ),
                (
                    "north".into(),
                    3,
                    Some(60),
                    Some(60),
                    3,
                    6,
                    Some(30),
                    Some(2.0)
                ),
                (
                    "south".into(),
                    1,
                    Some(5),
                    Some(50),
                    3,
                    6,
                    Some(5),
                    Some(2.0)
                ),
                (
                    "south".into(),
                    2,
                    Some(10),
                    Some(50),
                    3,
                    6,
                    Some(5),
                    Some(2.0)
                ),
                (
                    "south".into(),
                    3,
                    Some(50),
                    Some(50),
                    3,
                    6,
                    Some(40),
                    Some(2.0)
                ),
            ]
        );
        // Ordered by a window annotation.
        let qs = annotate!(
            Sale::objects(),
            running = Window(Sum(amount), partition_by = region, order_by = day),
        );
        let order: Vec<(String, i32)> = order_by!(qs, -running, region)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(s, _)| (s.region, s.day))
            .collect();
        assert_eq!(
            order,
            [
                ("north".to_string(), 3),
                ("south".into(), 3),
                ("north".into(), 2),
                ("north".into(), 1),
                ("south".into(), 2),
                ("south".into(), 1),
            ]
        );
        // A window over a Case: a running count of gold clients by registration.
        let qs = annotate!(
            Client::objects(),
            golds = Window(
                Sum(Case(When(account_type = "GOLD", then = 1), default = 0)),
                order_by = registered_on
            ),
        );
        let rows: Vec<(String, Option<i64>)> = values!(order_by!(qs, registered_on), name, golds)
            .fetch(conn)
            .unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), Some(0)),
                ("Bob".into(), Some(1)),
                ("Cid".into(), Some(1)),
                ("Dee".into(), Some(2)),
                ("Eve".into(), Some(2)),
            ]
        );
    });
}

#[test]
fn rendered_sql() {
    each_backend("expressions_sql", |db, conn| {
        clients(conn);
        let qs = annotate!(
            Sale::objects(),
            running = Window(
                Sum(amount),
                partition_by = (region, day),
                order_by = (-day, amount.nulls_last())
            ),
            before = Window(Lag(amount, offset = 2, default = 0), order_by = day),
            label = Case(
                When(amount__gt = 3, then = "x"),
                When(amount__lt = 1, then = "y")
            ),
        );
        let sql = qs.sql(db.vendor).replace(['`', '"'], "");
        // OVER follows the call, inside the cast PostgreSQL's integer sums get.
        let sum = match db.vendor {
            dorm::db::Vendor::Postgres => "CAST(SUM(expressions_sale.amount) OVER (PARTITION BY expressions_sale.region, expressions_sale.day ORDER BY expressions_sale.day DESC, expressions_sale.amount ASC NULLS LAST) AS BIGINT)",
            _ => "SUM(expressions_sale.amount) OVER (PARTITION BY expressions_sale.region, expressions_sale.day ORDER BY expressions_sale.day DESC, expressions_sale.amount ASC NULLS LAST)",
        };
        assert!(sql.contains(sum), "{sql}");
        assert!(sql.contains("LAG(expressions_sale.amount, 2, "), "{sql}");
        assert!(
            sql.contains(") OVER (ORDER BY expressions_sale.day ASC)"),
            "{sql}"
        );
        assert!(
            sql.contains("CASE WHEN (expressions_sale.amount > "),
            "{sql}"
        );
        assert!(!sql.contains("ELSE"), "{sql}");
        let update = dorm::update!(
            Client::objects().all(),
            rating = Case(When(account_type = "GOLD", then = 5), default = F(rating))
        )
        .sql(db.vendor)
        .replace(['`', '"'], "");
        // On SQLite the computed value goes through dorm's range check (`fields::overflow`).
        let set = match db.vendor {
            dorm::db::Vendor::Sqlite => "SET rating = dorm_in_range(CASE WHEN (",
            _ => "SET rating = CASE WHEN (",
        };
        assert!(
            update.contains(&format!("{set}expressions_client.account_type = ")),
            "{update}"
        );
        assert!(
            update.contains(" ELSE expressions_client.rating END"),
            "{update}"
        );
    });
}
