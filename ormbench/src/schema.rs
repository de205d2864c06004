//! diesel_bench's schema (users, posts, comments), declared twice: as dorm models and as the
//! hand-written diesel a user would write without dorm. Both map to the same tables.

use dorm::prelude::*;
use dorm::ForeignKey;

/// diesel_bench's `users`.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "bench", db_table = "users")]
pub struct User {
    pub id: Auto<i32>,
    pub name: String,
    pub hair_color: Option<String>,
}

/// diesel_bench's `posts`.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "bench", db_table = "posts")]
pub struct Post {
    pub id: Auto<i32>,
    #[dorm(on_delete = cascade, related_name = "posts")]
    pub user: ForeignKey<User, i32>,
    pub title: String,
    pub body: Option<String>,
}

/// diesel_bench's `comments`.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "bench", db_table = "comments")]
pub struct Comment {
    pub id: Auto<i32>,
    #[dorm(on_delete = cascade, related_name = "comments")]
    pub post: ForeignKey<Post, i32>,
    pub text: String,
}

/// The models, in creation order.
pub const MODELS: &[dorm::model::ModelMeta] = &[User::META, Post::META, Comment::META];

/// The same tables as hand-written diesel (diesel_bench's own declarations).
pub mod hand {
    use diesel::prelude::*;

    diesel::table! {
        users (id) {
            id -> Integer,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> Integer,
            user_id -> Integer,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments (id) {
            id -> Integer,
            post_id -> Integer,
            text -> Text,
        }
    }

    diesel::joinable!(comments -> posts (post_id));
    diesel::joinable!(posts -> users (user_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

    /// A user row (`QueryableByName` for diesel's `sql_query` form).
    #[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Identifiable)]
    #[diesel(table_name = users)]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
    }

    /// A user to insert.
    #[derive(Debug, Clone, Insertable)]
    #[diesel(table_name = users)]
    #[diesel(treat_none_as_default_value = false)]
    pub struct NewUser {
        pub name: String,
        pub hair_color: Option<String>,
    }

    /// A post row.
    #[derive(Debug, Clone, PartialEq, Queryable, Identifiable, Associations)]
    #[diesel(belongs_to(User), table_name = posts)]
    pub struct Post {
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }

    /// A post to insert.
    #[derive(Debug, Clone, Insertable)]
    #[diesel(table_name = posts)]
    #[diesel(treat_none_as_default_value = false)]
    pub struct NewPost {
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }

    /// A comment row.
    #[derive(Debug, Clone, PartialEq, Queryable, Identifiable, Associations)]
    #[diesel(belongs_to(Post), table_name = comments)]
    pub struct Comment {
        pub id: i32,
        pub post_id: i32,
        pub text: String,
    }

    /// `COUNT(*) AS n` read by diesel's `sql_query`.
    #[derive(Debug, QueryableByName)]
    pub struct Counted {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub n: i64,
    }

    /// `EXISTS (..) AS found` read by diesel's `sql_query`.
    #[derive(Debug, QueryableByName)]
    pub struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        pub found: bool,
    }

    /// A post's comment count read by diesel's `sql_query`.
    #[derive(Debug, QueryableByName)]
    #[allow(dead_code)] // read by `black_box` only, as every implementation's rows
    pub struct PostCount {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pub post_id: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub n: i64,
    }

    /// A comment to insert.
    #[derive(Debug, Clone, Insertable)]
    #[diesel(table_name = comments)]
    pub struct NewComment {
        pub post_id: i32,
        pub text: String,
    }
}
