include!("../models.rs");

use dorm::expressions::{DenseRank, Lag, Lead, Rank, RowNumber, Window};

/// `Case`/`When` and `Window` in every place an expression goes, with the Rust types they load as.
fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[<Person as dorm::Model>::META], &mut conn)?;

    // Per row: literals, expressions, with and without a default (at most six annotations).
    let qs = dorm::annotate!(
        Person::objects(),
        label = Case(
            When(age__gte = 18, then = "adult"),
            When(age__gte = 13, then = "teen"),
            default = "child"
        ),
        bonus = Case(When(active = true, age__lt = 30, then = age * 2)),
        called = Case(
            When(nickname__isnull = true, then = F(name)),
            default = Value(String::from("?"))
        ),
        n = Window(RowNumber(), partition_by = active, order_by = (-age, name)),
        dense = Window(
            DenseRank(),
            partition_by = (active, label),
            order_by = age.nulls_last()
        ),
    );
    let _rows: Vec<(Person, String, Option<i32>, String, i64, i64)> =
        dorm::order_by!(qs.clone(), label, -n).fetch(&mut conn)?;
    let _adults: Vec<String> =
        dorm::values!(filter!(qs, label = "adult", bonus__gt = 40), name).fetch(&mut conn)?;

    // Windows over the whole table, and aggregates per row over a window.
    let qs = dorm::annotate!(
        Person::objects(),
        rank = Window(Rank(), order_by = age),
        previous = Window(Lag(age), order_by = id),
        next = Window(Lead(name, offset = 2, default = "-"), order_by = id),
        total = Window(Sum(age), partition_by = active),
        running = Window(Count(id), order_by = (age, id)),
    );
    let _rows: Vec<(Person, i64, Option<i32>, String, Option<i64>, i64)> =
        dorm::order_by!(qs, -total, rank).fetch(&mut conn)?;

    // Per group, inside aggregates and over them.
    let groups = dorm::annotate!(
        dorm::values!(Person::objects(), active),
        adults = Sum(Case(When(age__gte = 18, then = 1), default = 0)),
        n = Count(id),
        size = Case(When(n__gt = 10, then = "big"), default = "small"),
    );
    let _groups: Vec<(bool, Option<i64>, i64, String)> =
        dorm::order_by!(filter!(groups, size = "big"), -adults).fetch(&mut conn)?;
    let _count: i64 = dorm::aggregate!(
        Person::objects(),
        minors = Count(Case(When(age__lt = 18, then = 1)))
    )
    .fetch(&mut conn)?;

    // A conditional update.
    let _changed: usize = dorm::update!(
        Person::objects().all(),
        age = Case(When(name = "Ann", then = 30), default = F(age)) + 1,
        nickname = Case(When(active = false, then = F(nickname))),
    )
    .execute(&mut conn)?;
    Ok(())
}
