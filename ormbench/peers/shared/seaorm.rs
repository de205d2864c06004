//! SeaORM's side of every workload, written as its documentation writes them (entities with
//! relations, `find`, `find_also_related`, `LoaderTrait::load_many`, `insert_many`), shared by
//! the async crate (`sea-orm`, each call under `block_on`) and the sync one (`sea-orm-sync`):
//! `peer_fns!` makes these functions `async` or not, and `aw!` awaits or not.

use std::hint::black_box;

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, LoaderTrait, QueryOrder, QuerySelect, SelectExt};

use crate::worker::{new_users, Work};

/// `users`: diesel_bench's table.
pub mod users {
    use sea_orm::entity::prelude::*;

    /// A user.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
    }

    /// Its posts.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::posts::Entity")]
        Posts,
    }

    impl Related<super::posts::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Posts.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `posts`.
pub mod posts {
    use sea_orm::entity::prelude::*;

    /// A post.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }

    /// Its user and its comments.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::users::Entity",
            from = "Column::UserId",
            to = "super::users::Column::Id"
        )]
        User,
        #[sea_orm(has_many = "super::comments::Entity")]
        Comments,
    }

    impl Related<super::users::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl Related<super::comments::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Comments.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `comments`.
pub mod comments {
    use sea_orm::entity::prelude::*;

    /// A comment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub post_id: i32,
        pub text: String,
    }

    /// Its post.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::posts::Entity",
            from = "Column::PostId",
            to = "super::posts::Column::Id"
        )]
        Post,
    }

    impl Related<super::posts::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Users with their posts with their comments.
type Blog = Vec<(users::Model, Vec<(posts::Model, Vec<comments::Model>)>)>;

fn active_users(n: usize) -> Vec<users::ActiveModel> {
    new_users(n)
        .map(|(name, hair_color)| users::ActiveModel {
            name: Set(name),
            hair_color: Set(hair_color),
            ..Default::default()
        })
        .collect()
}

peer_fns! {
    /// Runs `work` once on `db`; `chunk` is the most rows one INSERT may carry.
    pub fn once(db: &DatabaseConnection, work: Work, chunk: usize) -> Result<(), DbErr> {
        match work {
            Work::Trivial => {
                black_box(aw!(users::Entity::find().all(db))?);
            }
            Work::Medium => {
                let rows = aw!(users::Entity::find()
                    .filter(users::Column::HairColor.eq("black"))
                    .find_also_related(posts::Entity)
                    .all(db))?;
                black_box(rows);
            }
            Work::Insert(1) => {
                // One row: `insert` reads the new key back, as dorm and the baseline do.
                let row = active_users(1).pop().expect("one row");
                black_box(aw!(users::Entity::insert(row).exec(db))?.last_insert_id);
            }
            Work::Insert(n) => {
                black_box(aw!(users::Entity::insert_many(active_users(n)).exec(db))?);
            }
            Work::Get(pk) => {
                black_box(aw!(users::Entity::find_by_id(pk).one(db))?);
            }
            Work::Count => {
                black_box(aw!(users::Entity::find().count(db))?);
            }
            Work::Exists => {
                let found = aw!(SelectExt::exists(
                    users::Entity::find().filter(users::Column::HairColor.eq("black")),
                    db
                ))?;
                black_box(found);
            }
            Work::First => {
                let row = aw!(users::Entity::find()
                    .filter(users::Column::Name.eq("User 500"))
                    .filter(users::Column::HairColor.eq("black"))
                    .filter(users::Column::Id.gt(10))
                    .order_by_asc(users::Column::Id)
                    .one(db))?;
                black_box(row);
            }
            Work::SelectRelated => {
                let rows = aw!(posts::Entity::find()
                    .find_also_related(users::Entity)
                    .all(db))?;
                black_box(rows);
            }
            Work::Prefetch => {
                let users = aw!(users::Entity::find().all(db))?;
                let posts = aw!(users.load_many(posts::Entity, db))?;
                let mut per_user = Vec::with_capacity(posts.len());
                let mut flat = Vec::new();
                for list in posts {
                    per_user.push(list.len());
                    flat.extend(list);
                }
                let comments = aw!(flat.load_many(comments::Entity, db))?;
                let mut posts = flat.into_iter().zip(comments);
                let all: Blog = users
                    .into_iter()
                    .zip(per_user)
                    .map(|(u, k)| (u, posts.by_ref().take(k).collect()))
                    .collect();
                black_box(all);
            }
            Work::Group => {
                let rows: Vec<(i32, i64)> = aw!(comments::Entity::find()
                    .select_only()
                    .column(comments::Column::PostId)
                    .column_as(comments::Column::Id.count(), "n")
                    .group_by(comments::Column::PostId)
                    .into_tuple()
                    .all(db))?;
                black_box(rows);
            }
            Work::Bulk(n) => {
                let mut rows = active_users(n);
                while !rows.is_empty() {
                    let rest = rows.split_off(rows.len().min(chunk));
                    black_box(aw!(users::Entity::insert_many(rows).exec(db))?);
                    rows = rest;
                }
            }
        }
        Ok(())
    }
}
