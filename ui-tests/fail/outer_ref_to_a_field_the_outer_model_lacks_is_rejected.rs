use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub post: dorm::ForeignKey<Post>,
    #[dorm(max_length = 100)]
    pub email: String,
}

// `post` is a field of Comment (the inner model), not of Post (the outer one).
fn main() {
    let inner = filter!(Comment::objects(), post = OuterRef(post));
    let _ = annotate!(
        Post::objects(),
        email = Subquery(values!(inner, email).slice(..1))
    );
}
