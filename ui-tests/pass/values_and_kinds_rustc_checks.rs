// The values, aggregates, date functions and arithmetic the names check reads (at the field's
// kind, before the query is built) keep compiling in every form the query itself accepts:
// literals, variables, constants, references, fields of a struct, choices, decimals, dates,
// foreign keys and keys for a relation, nullable fields, transforms, annotations.
use dorm::prelude::*;

#[derive(dorm::Choices, Debug, Clone, Copy, PartialEq)]
pub enum Status {
    #[choice("d", "Draft")]
    Draft,
    #[choice("p", "Published")]
    Published,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
    #[dorm(max_length = 50)]
    pub headline: String,
    pub rating: i32,
    pub score: Option<f64>,
    #[dorm(max_digits = 6, decimal_places = 2)]
    pub price: rust_decimal::Decimal,
    pub published: chrono::NaiveDate,
    pub updated: chrono::DateTime<chrono::Utc>,
    pub starts: chrono::NaiveTime,
    pub featured: bool,
    #[dorm(choices, max_length = 1)]
    pub status: Status,
}

const MIN_RATING: i32 = 3;

struct Form {
    headline: String,
    rating: i32,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[Blog::META, Entry::META], &mut conn)?;
    let form = Form { headline: "x".into(), rating: 4 };
    let name = String::from("x");
    let price = rust_decimal::Decimal::new(100, 2);
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let blog = dorm::ForeignKey::<Blog>::new(1);

    // Values: literals, constants, variables, references, fields of a struct, negative numbers.
    let _ = filter!(Entry::objects(), rating = 3, rating__gte = MIN_RATING, rating__lt = -1)
        .fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), headline = &name, headline__icontains = &name)
        .fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), headline = form.headline, rating = form.rating)
        .fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), headline__startswith = "x", headline__regex = "^x")
        .fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), price__gt = price, published = day, featured = true)
        .fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), status = Status::Draft, score__lt = 1.5).fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), published__year = 2024, updated__hour__gte = 12)
        .fetch(&mut conn)?;
    // A relation: a foreign key to its model, or a key.
    let _ = filter!(Entry::objects(), blog = blog, blog__exact = 1).fetch(&mut conn)?;
    // Annotations and F() are left to the full check.
    let _ = filter!(annotate!(Blog::objects(), n = Count(entry)), n = 1).fetch(&mut conn)?;
    let _ = filter!(Entry::objects(), rating = F(rating)).fetch(&mut conn)?;

    // Aggregates and functions over the kinds they take.
    let _ = aggregate!(
        Entry::objects(),
        a = Sum(rating),
        b = Avg(score),
        c = Max(headline),
        d = Min(published),
        e = Sum(price),
        f = Count(blog)
    )
    .fetch(&mut conn)?;
    let _ = annotate!(Blog::objects(), best = Max(entry__rating), n = Count(entry));
    let _ = annotate!(
        Entry::objects(),
        y = ExtractYear(published),
        h = ExtractHour(starts),
        t = TruncHour(updated),
        m = Extract(updated, dorm::expressions::functions::DatePart::Month)
    );

    // Arithmetic over numbers (and decimals, which add and subtract).
    let _ = update!(Entry::objects().all(), rating = F(rating) * 2 - 1);
    let _ = update!(Entry::objects().all(), price = F(price) + F(price));
    let _ = annotate!(Entry::objects(), doubled = rating * 2, half = F(score) / 2.0);
    Ok(())
}
