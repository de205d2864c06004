use dorm::expressions::{Exists, Subquery};
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub title: String,
    #[dorm(on_delete = set_null)]
    pub reply_to: Option<dorm::ForeignKey<Post>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub post: dorm::ForeignKey<Post>,
    #[dorm(max_length = 100)]
    pub email: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The subquery forms that must keep compiling.
fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[Post::META, Comment::META], &mut conn)?;

    // A scalar subquery per row: `(Post, Option<String>)`.
    let newest = order_by!(
        filter!(Comment::objects(), post = OuterRef(pk)),
        -created_at
    );
    let rows: Vec<(Post, Option<String>)> = annotate!(
        Post::objects(),
        newest_commenter_email = Subquery(values!(newest, email).slice(..1))
    )
    .fetch(&mut conn)?;
    assert!(rows.is_empty());

    // Exists: filter, negated, excluded, in a Q, annotated, and after annotate!.
    let commented = || Exists(filter!(Comment::objects(), post = OuterRef(pk)));
    let _: Vec<Post> = filter!(Post::objects(), commented()).fetch(&mut conn)?;
    let _: Vec<Post> = filter!(Post::objects(), !commented()).fetch(&mut conn)?;
    let _: i64 = exclude!(Post::objects(), commented()).count(&mut conn)?;
    let _: Vec<Post> =
        filter!(Post::objects(), q!(commented()) | q!(title = "x")).fetch(&mut conn)?;
    let _: Vec<(Post, bool)> =
        annotate!(Post::objects(), has_comments = commented()).fetch(&mut conn)?;
    let _: Vec<(Post, bool)> = filter!(
        annotate!(Post::objects(), has_comments = commented()),
        commented()
    )
    .fetch(&mut conn)?;

    // A nullable outer field, and a subquery on the outer table itself.
    let _: Vec<Post> = filter!(
        Post::objects(),
        Exists(filter!(Post::objects(), id = OuterRef(reply_to)))
    )
    .fetch(&mut conn)?;

    // Subquery as a filter value, and as an `__in` value.
    let titled =
        Subquery(values!(filter!(Post::objects(), id = OuterRef(reply_to)), title).slice(..1));
    let _: Vec<Post> = filter!(Post::objects(), title = titled).fetch(&mut conn)?;
    let _: Vec<Post> = filter!(
        Post::objects(),
        id__in = Subquery(values!(
            filter!(Comment::objects(), email__endswith = "@example.com"),
            post
        ))
    )
    .fetch(&mut conn)?;

    // The inner QuerySet alone can still be printed.
    let _: String = filter!(Comment::objects(), post = OuterRef(pk)).sql(conn.vendor());
    Ok(())
}
