//! Models the behaviour tests use: one with every field kind, and small ones for constraints.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use dorm::prelude::*;
use dorm::{ForeignKey, ManyToMany};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    #[choice("de", "Germany")]
    Germany,
    #[choice("nl", "The Netherlands")]
    Netherlands,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub lines: Vec<u32>,
}

pub fn upload_path(instance: &Everything, filename: &str) -> String {
    format!("everything/{}/{}", instance.slug, filename)
}

/// Every field kind dorm supports.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Everything {
    pub id: Auto<i64>,
    #[dorm(max_length = 20)]
    pub char: String,
    pub text: String,
    #[dorm(email)]
    pub email: String,
    #[dorm(url)]
    pub url: String,
    #[dorm(slug)]
    pub slug: String,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    #[dorm(positive)]
    pub positive: i32,
    pub flag: bool,
    pub float: f64,
    #[dorm(max_digits = 18, decimal_places = 10)]
    pub latitude: Decimal,
    #[dorm(max_digits = 8, decimal_places = 2)]
    pub price: Option<Decimal>,
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
    pub time: NaiveTime,
    pub maybe_at: Option<DateTime<Utc>>,
    pub data: serde_json::Value,
    #[dorm(json)]
    pub invoice: Invoice,
    #[dorm(image, upload_to = upload_path)]
    pub photo: Option<String>,
    #[dorm(choices, max_length = 2, default = "de")]
    pub country: Country,
    #[dorm(db_column = "remarks")]
    pub note: Option<String>,
    #[dorm(auto_now_add)]
    pub created_at: DateTime<Utc>,
    #[dorm(auto_now)]
    pub updated_at: DateTime<Utc>,
}

/// Django's scrap book Product: unique (name, country).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(
    app_label = "tests",
    unique_constraint(name = "Unique city name per country", fields(name, country))
)]
pub struct Product {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(max_length = 2)]
    pub country: String,
    #[dorm(max_length = 30, unique)]
    pub sku: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests", ordering(-age, name), index(name = "person_name_age_idx", fields(name, -age)))]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub age: i32,
    pub nickname: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Owner {
    pub id: Auto<i32>,
    #[dorm(max_length = 50)]
    pub name: String,
}

/// A row that points at an `Owner` through a real foreign key (declared with RunSql until
/// relations arrive) — used to check foreign-key violations are mapped.
pub const PET_TABLE_SQL: &[&str] = &[];

/// Natural primary key.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Code {
    #[dorm(primary_key, max_length = 10)]
    pub code: String,
    pub label: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Writer {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

/// A many-to-many target.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Tag {
    pub id: Auto<i64>,
    #[dorm(max_length = 30)]
    pub label: String,
}

/// A foreign key (Django's Book.author), and a nullable one to an i32-keyed model.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Novel {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub writer: ForeignKey<Writer>,
    #[dorm(max_length = 100)]
    pub title: String,
    pub pages: i32,
    pub published: chrono::NaiveDate,
    #[dorm(on_delete = set_null)]
    pub owner: Option<ForeignKey<Owner, i32>>,
    /// A many-to-many relation with an automatic join table (reverse: `tag.novel_set()`).
    pub tags: ManyToMany<Tag>,
}

/// A self-referential foreign key (Django's `boss = ForeignKey('self')`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Employee {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(on_delete = set_null)]
    pub boss: Option<ForeignKey<Employee>>,
    /// A symmetrical self-relation (Django's `ManyToManyField("self")`).
    pub friends: ManyToMany<Employee>,
}

/// A club of writers, joined through `Membership` (a `through` model with extra fields).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Club {
    pub id: Auto<i64>,
    #[dorm(max_length = 30)]
    pub name: String,
    #[dorm(through = Membership, related_name = "clubs")]
    pub members: ManyToMany<Writer>,
}

/// The join rows of `Club.members`, with the role each member has.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Membership {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub club: ForeignKey<Club>,
    #[dorm(on_delete = cascade)]
    pub writer: ForeignKey<Writer>,
    #[dorm(max_length = 20)]
    pub role: String,
}

/// A review protects its novel from deletion (`on_delete = protect`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Review {
    pub id: Auto<i64>,
    #[dorm(on_delete = protect)]
    pub novel: ForeignKey<Novel>,
    pub stars: i32,
}

/// An award: restricts deleting its writer unless the novel goes too (Django's RESTRICT
/// example), and falls back to the house sponsor (owner 1) when its sponsor is deleted.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Award {
    pub id: Auto<i64>,
    #[dorm(on_delete = restrict)]
    pub writer: ForeignKey<Writer>,
    #[dorm(on_delete = cascade)]
    pub novel: ForeignKey<Novel>,
    #[dorm(on_delete = set_default, default = ForeignKey::new(1))]
    pub sponsor: ForeignKey<Owner, i32>,
}

/// A margin note: leaves its novel's deletion to the database (`do_nothing`), and has no
/// reverse relations (`related_name = "+"`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Note {
    pub id: Auto<i64>,
    #[dorm(on_delete = do_nothing, related_name = "+")]
    pub novel: ForeignKey<Novel>,
    #[dorm(related_name = "+")]
    pub tags: ManyToMany<Tag>,
}

/// A one-to-one relation (Django's `OneToOneField`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Profile {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub writer: dorm::OneToOne<Writer>,
    pub bio: String,
}

/// Relations to and from a model in another module.
pub mod archive {
    use dorm::prelude::*;
    use dorm::ForeignKey;

    /// A writer's archive box, in another module than `Writer`.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Archive {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade, related_name = "archives")]
        pub writer: ForeignKey<super::Writer>,
        #[dorm(max_length = 30)]
        pub shelf: String,
    }
}

/// A counter that concurrent writers increment with `F` (Django's `Reporter.stories_filed`),
/// with a stock that a `CHECK` keeps from going below zero.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Counter {
    pub id: Auto<i64>,
    #[dorm(max_length = 30)]
    pub name: String,
    pub counter: i64,
    #[dorm(positive)]
    pub stock: i32,
}

/// Django's scrap book Post and Comment (subqueries: the newest commenter of each post).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Post {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub title: String,
    /// The post this one answers, if any (a subquery over the same table).
    #[dorm(on_delete = set_null, related_name = "answers")]
    pub reply_to: Option<ForeignKey<Post>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Comment {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade, related_name = "comments")]
    pub post: ForeignKey<Post>,
    #[dorm(email, max_length = 100)]
    pub email: String,
    pub created_at: DateTime<Utc>,
}

/// Django's scrap book User (duplicates, `__in` with a subquery).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct User {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub first_name: String,
    #[dorm(max_length = 50)]
    pub last_name: String,
}

/// Django's scrap book UserParent: `UserParent.objects.filter(user_id__in=Subquery(...))`.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct UserParent {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade, related_name = "parents")]
    pub user: ForeignKey<User>,
    #[dorm(max_length = 50)]
    pub father_name: String,
}

/// Names, numbers, dates and times, for the database functions (`functions.rs`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Contact {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub first_name: String,
    #[dorm(max_length = 50)]
    pub last_name: String,
    #[dorm(max_length = 50)]
    pub nickname: Option<String>,
    pub age: i32,
    pub score: f64,
    pub born: NaiveDate,
    pub joined: DateTime<Utc>,
    pub last_seen: Option<DateTime<Utc>>,
    pub alarm: NaiveTime,
}

pub const ALL: &[dorm::model::ModelMeta] = &[
    <Everything as dorm::Model>::META,
    <Product as dorm::Model>::META,
    <Person as dorm::Model>::META,
    <Owner as dorm::Model>::META,
    <Code as dorm::Model>::META,
    <Writer as dorm::Model>::META,
    <Tag as dorm::Model>::META,
    <Novel as dorm::Model>::META,
    <Employee as dorm::Model>::META,
    <Club as dorm::Model>::META,
    <Membership as dorm::Model>::META,
    <Review as dorm::Model>::META,
    <Award as dorm::Model>::META,
    <Note as dorm::Model>::META,
    <archive::Archive as dorm::Model>::META,
    <Profile as dorm::Model>::META,
    <Counter as dorm::Model>::META,
    <Post as dorm::Model>::META,
    <Comment as dorm::Model>::META,
    <User as dorm::Model>::META,
    <UserParent as dorm::Model>::META,
    <Contact as dorm::Model>::META,
];
