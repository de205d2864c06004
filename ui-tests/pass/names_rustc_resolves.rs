// Every kind of name the macros check through rustc's method resolution keeps compiling:
// fields, `pk`, forward and reverse relations (query name and accessor), many-to-many both
// ways, JSON keys (any spelling, keywords too), transforms and lookups, annotations of an
// earlier annotate!/values!, and an instance given to update!.
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Tag {
    pub id: Auto<i64>,
    #[dorm(max_length = 20)]
    pub label: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub data: serde_json::Value,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
    #[dorm(max_length = 50)]
    pub headline: String,
    pub rating: i32,
    pub published: chrono::NaiveDate,
    pub tags: dorm::ManyToMany<Tag>,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[Tag::META, Blog::META, Entry::META], &mut conn)?;
    let _ = filter!(Entry::objects(), pk = 1, blog__name__icontains = "x", published__year__gte = 2020);
    let _ = filter!(Blog::objects(), entry__headline = "x", data__owner__type = "y", data__0 = 1);
    let _ = filter!(Tag::objects(), entry__blog__name = "x");
    let _ = prefetch_related!(Blog::objects(), entry_set, entry_set__tags);
    let _ = select_related!(Entry::objects(), blog);
    let ranked = annotate!(Blog::objects(), n = Count(entry), best = Max(entry__rating));
    let _ = order_by!(filter!(ranked, n__gt = 1, best__lte = 5), -best);
    let _ = annotate!(values!(Entry::objects(), year = ExtractYear(published)), total = Count(id));
    let mut entry = Entry {
        id: Auto::default(),
        blog: dorm::ForeignKey::new(1),
        headline: "x".into(),
        rating: 1,
        published: chrono::NaiveDate::default(),
        tags: Default::default(),
    };
    let _ = update!(entry, rating = F(rating) + 1);
    Ok(())
}
