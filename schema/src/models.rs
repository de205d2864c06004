//! The scrap book's models, declared once with `#[derive(Model)]`.
//!
//! Foreign keys are `ForeignKey<Target>` fields; the column is named the Django way
//! (`blog_id` for `blog`). Many-to-many fields are `ManyToMany<Target>` fields with no column:
//! their rows live in a join table (`scrapbook_pizza_toppings`), created with the model.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use dorm::prelude::*;
use dorm::{ForeignKey, ManyToMany, OneToOne};
use rust_decimal::Decimal;

/// "How to limit a column to a set of choices": `choices=[("de", "Germany")]`.
#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    #[choice("de", "Germany")]
    Germany,
    #[choice("nl", "The Netherlands")]
    Netherlands,
    #[choice("us", "United States")]
    UnitedStates,
}

/// The scrap book's `CATEGORY_CHOICES = [[x, x] for x in ("nearby", "special_offer", "happening_soon")]`.
#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    #[choice("nearby")]
    Nearby,
    #[choice("special_offer")]
    SpecialOffer,
    #[choice("happening_soon")]
    HappeningSoon,
}

/// "How to add an image or file field": a path with a unique folder, so files of the same
/// name never clobber each other. Django's `upload_to` function, typed.
pub fn venue_directory_path<M>(_instance: &M, filename: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("venue/{nanos:x}{n:04x}/{filename}")
}

/// "How to add timestamps like created_at to every model": an abstract base.
#[dorm::abstract_model]
pub struct TimeStampedModel {
    #[dorm(auto_now_add, verbose_name = "created_at")]
    pub created_at: DateTime<Utc>,
    #[dorm(auto_now, verbose_name = "updated_at")]
    pub updated_at: DateTime<Utc>,
}

/// "How to create a user model using the built-in tools": Django's `AbstractUser` fields.
#[derive(Model, Debug, Clone, PartialEq)]
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
    pub date_joined: DateTime<Utc>,
    pub last_login: Option<DateTime<Utc>>,
}

/// "How to control how the model appears in the admin area or the console": `__str__`.
impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.username)
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct City {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
    /// "How to add a default for a column".
    #[dorm(choices, max_length = 2, default = "de")]
    pub country: Country,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Venue {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
    #[dorm(on_delete = cascade, related_name = "venues")]
    pub city: ForeignKey<City>,
    /// "How to add a db index on a single column".
    #[dorm(db_index)]
    pub started_at: DateTime<Utc>,
    #[dorm(max_length = 20)]
    pub license: String,
    /// "How to set num digits and precision for decimal type".
    #[dorm(max_digits = 18, decimal_places = 10)]
    pub latitude: Decimal,
    #[dorm(image, upload_to = venue_directory_path)]
    pub photo_file: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Experience {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade, related_name = "experiences")]
    pub venue: ForeignKey<Venue>,
    #[dorm(max_length = 100)]
    pub name: String,
    pub rating: i32,
    pub ends_at: DateTime<Utc>,
    #[dorm(max_length = 20)]
    pub license: String,
    #[dorm(image, upload_to = venue_directory_path)]
    pub photo_file: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct BlogPost {
    pub id: Auto<i64>,
    #[dorm(max_length = 200)]
    pub title: String,
    #[dorm(image, upload_to = venue_directory_path, verbose_name = "photo")]
    pub photo_file: Option<String>,
    /// "How to reference a model that is not yet defined?": `User` is declared above, but
    /// any order works, in any module.
    #[dorm(on_delete = set_null)]
    pub publisher: Option<ForeignKey<User>>,
    pub is_public: bool,
}

/// "How to enforce uniqueness across multiple columns" and an abstract base's timestamps.
#[dorm::extends(TimeStampedModel)]
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(unique_constraint(name = "Unique city name per country", fields(name, country)))]
pub struct Product {
    pub id: Auto<i64>,
    /// "How to make a column unique?" is `unique`; here uniqueness spans two columns.
    #[dorm(max_length = 100)]
    pub name: String,
    #[dorm(choices, max_length = 2, default = "de")]
    pub country: Country,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
    pub tagline: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(ordering(-pub_date, headline))]
pub struct Entry {
    pub id: Auto<i64>,
    /// "How to do one to many relationships?" / "How to cascade on deletion?"
    #[dorm(on_delete = cascade)]
    pub blog: Option<ForeignKey<Blog>>,
    #[dorm(max_length = 255)]
    pub headline: String,
    pub body_text: String,
    pub pub_date: NaiveDate,
    pub rating: i32,
    pub n_comments: i32,
    /// Django's documentation example: `authors = ManyToManyField(Author)`.
    pub authors: ManyToMany<Author>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade, related_name = "books")]
    pub author: ForeignKey<Author>,
    #[dorm(max_length = 200)]
    pub title: String,
    pub pages: i32,
    pub bestseller: bool,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub first_name: String,
    #[dorm(max_length = 100)]
    pub last_name: String,
    pub age: i32,
    #[dorm(on_delete = set_null, related_name = "children")]
    pub father: Option<ForeignKey<Person>>,
    /// "How to model self-referential relationships": `boss = ForeignKey('self')`.
    #[dorm(on_delete = set_null, related_name = "subordinates")]
    pub boss: Option<ForeignKey<Person>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Hero {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
    #[dorm(max_length = 10)]
    pub gender: String,
    #[dorm(max_length = 100)]
    pub slug: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Reporter {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
    pub stories_filed: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Place {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(max_length = 80)]
    pub address: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} the place", self.name)
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Restaurant {
    pub id: Auto<i64>,
    /// "How to do one-to-one relationships?": `OneToOneField(Place)`.
    #[dorm(on_delete = cascade)]
    pub place: OneToOne<Place>,
    pub serves_pizza: bool,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Topping {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Pizza {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    /// "How to do many to many relationships?": `toppings = ManyToManyField(Topping)`.
    pub toppings: ManyToMany<Topping>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Map {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    /// "How to get bidirectional relationships?": `ManyToManyField(User, related_name='maps')`,
    /// so `user.maps()` instead of `user.map_set()`.
    #[dorm(related_name = "maps")]
    pub users: ManyToMany<User>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Order {
    pub id: Auto<i64>,
    pub data: serde_json::Value,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Auto<i64>,
    pub epic_id: i64,
    pub details: String,
    pub years_ago: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Auto<i64>,
    #[dorm(max_length = 200)]
    pub title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub post: ForeignKey<Post>,
    #[dorm(email)]
    pub email: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct SentPushNotification {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub user: ForeignKey<User>,
    #[dorm(choices, max_length = 20)]
    pub notification_category: Category,
    pub sent_at: DateTime<Utc>,
}

impl City {
    /// "How to simulate hasmanythrough": every experience of every venue of this city, as a
    /// QuerySet (Django's `Experience.objects.filter(venue__city=self)`).
    pub fn experiences(&self) -> queries::ExperiencesOfCity {
        dorm::filter!(
            Experience::objects(),
            venue__city = self.id.get().unwrap_or_default()
        )
    }
}

/// "How to use DB views?": `managed = false` over the view `temp_user`.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(managed = false, db_table = "temp_user")]
pub struct TempUser {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub first_name: String,
}

/// Every model's state, in the order the initial migration creates them.
pub const ALL: &[dorm::model::ModelMeta] = &[
    <User as dorm::Model>::META,
    <City as dorm::Model>::META,
    <Venue as dorm::Model>::META,
    <Experience as dorm::Model>::META,
    <BlogPost as dorm::Model>::META,
    <Product as dorm::Model>::META,
    <Blog as dorm::Model>::META,
    <Author as dorm::Model>::META,
    <Entry as dorm::Model>::META,
    <Book as dorm::Model>::META,
    <Person as dorm::Model>::META,
    <Hero as dorm::Model>::META,
    <Reporter as dorm::Model>::META,
    <Place as dorm::Model>::META,
    <Restaurant as dorm::Model>::META,
    <Topping as dorm::Model>::META,
    <Pizza as dorm::Model>::META,
    <Map as dorm::Model>::META,
    <Order as dorm::Model>::META,
    <Event as dorm::Model>::META,
    <Post as dorm::Model>::META,
    <Comment as dorm::Model>::META,
    <SentPushNotification as dorm::Model>::META,
    <TempUser as dorm::Model>::META,
];

/// "How to make add some default filter to all queries": Django's `PubliclyViewableManager`.
impl BlogPost {
    /// Only the public posts; `BlogPost::objects()` still sees them all.
    pub fn publicly_viewable(
    ) -> queries::Filtered<BlogPost, queries::Eq<dorm::name!(is_public), bool>> {
        dorm::filter!(BlogPost::objects(), is_public = true)
    }
}

/// Custom QuerySet methods (Django's `SentPushNotificationsQuerySet`).
pub mod queries {
    use super::{Category, SentPushNotification};
    use dorm::lookups::{Exact, Lookup, Predicate};
    use dorm::model::Model;
    use dorm::queryset::QuerySet;

    /// `field = value` on a field named `N`.
    pub type Eq<N, V> = Lookup<N, Exact, V>;
    /// A QuerySet of `M` filtered by lookup `P`.
    pub type Filtered<M, P> = dorm::queryset::FilteredSet<M, P>;
    type CategoryIs = Eq<dorm::name!(notification_category), Category>;
    /// The QuerySet of [`super::City::experiences`].
    pub type ExperiencesOfCity = Filtered<
        super::Experience,
        dorm::relations::PathLookup<dorm::name!(venue), Eq<dorm::name!(city), i64>>,
    >;
    type Narrowed<W> = QuerySet<
        SentPushNotification,
        diesel::dsl::Filter<W, <CategoryIs as Predicate<SentPushNotification>>::Expr>,
    >;

    /// The scrap book's `nearby()`, `special_offer()`, `happening_soon()`, on any QuerySet of
    /// notifications that can still be filtered.
    pub trait SentPushNotificationQuerySet: Sized {
        /// The QuerySet narrowed to one category.
        type Narrowed;
        /// `notification_category = "nearby"`.
        fn nearby(self) -> Self::Narrowed;
        /// `notification_category = "special_offer"`.
        fn special_offer(self) -> Self::Narrowed;
        /// `notification_category = "happening_soon"`.
        fn happening_soon(self) -> Self::Narrowed;
    }

    impl<W> SentPushNotificationQuerySet for QuerySet<SentPushNotification, W>
    where
        W: diesel::query_dsl::methods::FilterDsl<
            <CategoryIs as Predicate<SentPushNotification>>::Expr,
        >,
    {
        type Narrowed = Narrowed<W>;
        fn nearby(self) -> Narrowed<W> {
            self.filter(CategoryIs::new(Category::Nearby))
        }
        fn special_offer(self) -> Narrowed<W> {
            self.filter(CategoryIs::new(Category::SpecialOffer))
        }
        fn happening_soon(self) -> Narrowed<W> {
            self.filter(CategoryIs::new(Category::HappeningSoon))
        }
    }

    #[allow(dead_code)]
    fn _is_model<M: Model>() {}
}
