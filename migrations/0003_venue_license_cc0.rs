//! 0003_venue_license_cc0: the scrap book's "How to create a migration that updates existing
//! records": every Venue and Experience gets the `cc0` license. Written by
//! `cargo run -p scrapbook -- makemigrations --empty --name venue_license_cc0`, then filled in.
#![allow(unused_imports, dead_code)]

use dorm::migrations::{Migration, Operation};
use dorm::prelude::*;

/// The models as they were when this migration was written: use these, never the live
/// models, so the migration keeps compiling and meaning the same when they change.
mod frozen {
    use dorm::prelude::*;

    /// `scrapbook.Author` (table `scrapbook_author`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Author {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
    }

    /// `scrapbook.Blog` (table `scrapbook_blog`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Blog {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        pub tagline: String,
    }

    /// `scrapbook.BlogPost` (table `scrapbook_blogpost`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct BlogPost {
        pub id: Auto<i64>,
        #[dorm(max_length = 200)]
        pub title: String,
        #[dorm(image, verbose_name = "photo", upload_to = crate::models::venue_directory_path)]
        pub photo_file: Option<String>,
        #[dorm(on_delete = set_null)]
        pub publisher: Option<dorm::ForeignKey<User>>,
        pub is_public: bool,
    }

    /// `scrapbook.Book` (table `scrapbook_book`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Book {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub author: dorm::ForeignKey<Author>,
        #[dorm(max_length = 200)]
        pub title: String,
        pub pages: i32,
        pub bestseller: bool,
    }

    /// `scrapbook.City` (table `scrapbook_city`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct City {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        // choices: [("de", "Germany"), ("nl", "The Netherlands"), ("us", "United States")]
        #[dorm(max_length = 2, default = "de")]
        pub country: String,
    }

    /// `scrapbook.Comment` (table `scrapbook_comment`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Comment {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub post: dorm::ForeignKey<Post>,
        #[dorm(email)]
        pub email: String,
        pub created_at: chrono::DateTime<chrono::Utc>,
    }

    /// `scrapbook.Entry` (table `scrapbook_entry`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook", ordering(-pub_date, headline))]
    pub struct Entry {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub blog: Option<dorm::ForeignKey<Blog>>,
        #[dorm(max_length = 255)]
        pub headline: String,
        pub body_text: String,
        pub pub_date: chrono::NaiveDate,
        pub rating: i32,
        pub n_comments: i32,
        pub authors: dorm::ManyToMany<Author>,
    }

    /// `scrapbook.Event` (table `scrapbook_event`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Event {
        pub id: Auto<i64>,
        pub epic_id: i64,
        pub details: String,
        pub years_ago: i32,
    }

    /// `scrapbook.Experience` (table `scrapbook_experience`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Experience {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub venue: dorm::ForeignKey<Venue>,
        #[dorm(max_length = 100)]
        pub name: String,
        pub rating: i32,
        pub ends_at: chrono::DateTime<chrono::Utc>,
        #[dorm(max_length = 20)]
        pub license: String,
        #[dorm(image, upload_to = crate::models::venue_directory_path)]
        pub photo_file: Option<String>,
    }

    /// `scrapbook.Hero` (table `scrapbook_hero`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Hero {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        #[dorm(max_length = 10)]
        pub gender: String,
        #[dorm(max_length = 100)]
        pub slug: String,
    }

    /// `scrapbook.Map` (table `scrapbook_map`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Map {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        #[dorm(related_name = "maps")]
        pub users: dorm::ManyToMany<User>,
    }

    /// `scrapbook.Order` (table `scrapbook_order`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Order {
        pub id: Auto<i64>,
        pub data: serde_json::Value,
    }

    /// `scrapbook.Person` (table `scrapbook_person`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Person {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub first_name: String,
        #[dorm(max_length = 100)]
        pub last_name: String,
        pub age: i32,
        #[dorm(on_delete = set_null)]
        pub father: Option<dorm::ForeignKey<Person>>,
        #[dorm(on_delete = set_null, related_name = "person_boss_set")]
        pub boss: Option<dorm::ForeignKey<Person>>,
    }

    /// `scrapbook.Pizza` (table `scrapbook_pizza`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Pizza {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        pub toppings: dorm::ManyToMany<Topping>,
    }

    /// `scrapbook.Place` (table `scrapbook_place`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Place {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        #[dorm(max_length = 80)]
        pub address: String,
    }

    /// `scrapbook.Post` (table `scrapbook_post`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Post {
        pub id: Auto<i64>,
        #[dorm(max_length = 200)]
        pub title: String,
    }

    /// `scrapbook.Product` (table `scrapbook_product`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(
        app_label = "scrapbook",
        unique_constraint(name = "Unique city name per country", fields(name, country))
    )]
    pub struct Product {
        pub id: Auto<i64>,
        #[dorm(auto_now_add, verbose_name = "created_at")]
        pub created_at: chrono::DateTime<chrono::Utc>,
        #[dorm(auto_now, verbose_name = "updated_at")]
        pub updated_at: chrono::DateTime<chrono::Utc>,
        #[dorm(max_length = 100)]
        pub name: String,
        // choices: [("de", "Germany"), ("nl", "The Netherlands"), ("us", "United States")]
        #[dorm(max_length = 2, default = "de")]
        pub country: String,
    }

    /// `scrapbook.Reporter` (table `scrapbook_reporter`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Reporter {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        pub stories_filed: i32,
    }

    /// `scrapbook.Restaurant` (table `scrapbook_restaurant`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Restaurant {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub place: dorm::OneToOne<Place>,
        pub serves_pizza: bool,
    }

    /// `scrapbook.SentPushNotification` (table `scrapbook_sentpushnotification`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct SentPushNotification {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub user: dorm::ForeignKey<User>,
        // choices: [("nearby", "nearby"), ("special_offer", "special_offer"), ("happening_soon", "happening_soon")]
        #[dorm(max_length = 20)]
        pub notification_category: String,
        pub sent_at: chrono::DateTime<chrono::Utc>,
    }

    /// `scrapbook.TempUser` (`temp_user`, not managed by migrations).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook", db_table = "temp_user", managed = false)]
    pub struct TempUser {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub first_name: String,
    }

    /// `scrapbook.Topping` (table `scrapbook_topping`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Topping {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    /// `scrapbook.User` (table `scrapbook_user`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct User {
        pub id: Auto<i64>,
        #[dorm(max_length = 150, unique)]
        pub username: String,
        #[dorm(max_length = 150)]
        pub first_name: String,
        #[dorm(max_length = 150)]
        pub last_name: String,
        #[dorm(email)]
        pub email: String,
        pub is_staff: bool,
        #[dorm(default = true)]
        pub is_active: bool,
        #[dorm(default = dorm::fields::now())]
        pub date_joined: chrono::DateTime<chrono::Utc>,
        pub last_login: Option<chrono::DateTime<chrono::Utc>>,
    }

    /// `scrapbook.Venue` (table `scrapbook_venue`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "scrapbook")]
    pub struct Venue {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        #[dorm(on_delete = cascade)]
        pub city: dorm::ForeignKey<City>,
        #[dorm(db_index)]
        pub started_at: chrono::DateTime<chrono::Utc>,
        #[dorm(max_length = 20)]
        pub license: String,
        #[dorm(max_digits = 18, decimal_places = 10)]
        pub latitude: rust_decimal::Decimal,
        #[dorm(image, upload_to = crate::models::venue_directory_path)]
        pub photo_file: Option<String>,
    }
}

/// The data change; it runs inside the migration's transaction. Django's
/// `for row in Venue.objects.all(): row.license = "cc0"` (which forgets to save) is one
/// `UPDATE` per model here.
fn forwards(mut conn: &mut dyn dorm::Executor) -> dorm::Result<()> {
    use frozen::{Experience, Venue};
    dorm::update!(Venue::objects().all(), license = "cc0").execute(&mut conn)?;
    dorm::update!(Experience::objects().all(), license = "cc0").execute(&mut conn)?;
    Ok(())
}

/// The migration.
pub const MIGRATION: Migration = Migration {
    app_label: "scrapbook",
    name: "0003_venue_license_cc0",
    dependencies: &[("scrapbook", "0002_temp_user_view")],
    operations: &[Operation::RunRust {
        name: "forwards",
        code: forwards,
        // The old licenses are not kept: rolling back leaves `cc0` in place.
        reverse_code: Some(dorm::migrations::noop),
    }],
    replaces: &[],
};
