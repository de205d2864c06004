//! Sample rows for the recipes: loaded once, in one transaction, into an empty database.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use dorm::prelude::*;
use dorm::{Connection, ForeignKey, Result};
use rust_decimal::Decimal;

use crate::models::*;

/// Loads the sample rows unless the database already has them. Returns true when it loaded.
pub fn load(conn: &mut Connection) -> Result<bool> {
    if User::objects().all().exists(conn)? {
        return Ok(false);
    }
    dorm::atomic(conn, |conn| {
        let at = |y, m, d| {
            Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let users = [
            ("rachel", "Rachel", "Green", true, Some(at(2024, 3, 1))),
            ("ross", "Ross", "Geller", true, Some(at(2024, 3, 5))),
            ("monica", "Monica", "Geller", true, Some(at(2024, 2, 20))),
            ("dan", "Dan", "Dan", false, None),
            ("robert", "Robert", "Downey", true, Some(at(2024, 1, 9))),
        ];
        let users: Vec<User> = users
            .iter()
            .map(|(username, first, last, active, login)| User {
                username: username.to_string(),
                first_name: first.to_string(),
                last_name: last.to_string(),
                email: format!("{username}@example.com"),
                is_active: *active,
                last_login: *login,
                date_joined: at(2023, 12, 24),
                ..Default::default()
            })
            .collect();
        let users = User::objects().bulk_create(users, conn)?;

        let berlin = City::objects().create(
            City {
                name: "Berlin".into(),
                ..Default::default()
            },
            conn,
        )?;
        let amsterdam = City::objects().create(
            City {
                name: "Amsterdam".into(),
                country: Country::Netherlands,
                ..Default::default()
            },
            conn,
        )?;
        let _ = City::objects().create(
            City {
                name: "Utrecht".into(),
                country: Country::Netherlands,
                ..Default::default()
            },
            conn,
        )?;
        let berghain = Venue::objects().create(
            Venue {
                name: "Berghain".into(),
                city: ForeignKey::to(&berlin)?,
                started_at: at(2004, 10, 15),
                latitude: Decimal::new(5_251_123_456_789, 11),
                ..Default::default()
            },
            conn,
        )?;
        let paradiso = Venue::objects().create(
            Venue {
                name: "Paradiso".into(),
                city: ForeignKey::to(&amsterdam)?,
                started_at: at(1968, 3, 30),
                latitude: Decimal::new(5_236_230_000_001, 11),
                ..Default::default()
            },
            conn,
        )?;
        for (venue, name, rating, days) in [
            (&berghain, "Techno night", 9, 10),
            (&berghain, "Sunday session", 7, -3),
            (&paradiso, "Jazz evening", 8, 30),
        ] {
            Experience::objects().create(
                Experience {
                    venue: ForeignKey::to(venue)?,
                    name: name.into(),
                    rating,
                    ends_at: Utc::now() + Duration::days(days),
                    ..Default::default()
                },
                conn,
            )?;
        }

        let beatles = Blog::objects().create(
            Blog {
                name: "Beatles Blog".into(),
                tagline: "All the latest Beatles news.".into(),
                ..Default::default()
            },
            conn,
        )?;
        let beatles_key = ForeignKey::to(&beatles)?;
        let entries = [
            ("What's new with Lennon", 5, (2005, 3, 20)),
            ("Lennon's lost tapes", 4, (2005, 7, 1)),
            ("What happened in 1969", 3, (2006, 1, 2)),
            ("Ringo's 50% discount", 2, (2007, 5, 5)),
        ];
        let entries: Vec<Entry> = entries
            .iter()
            .map(|(headline, rating, (y, m, d))| Entry {
                blog: Some(beatles_key),
                headline: headline.to_string(),
                body_text: format!("{headline}..."),
                pub_date: NaiveDate::from_ymd_opt(*y, *m, *d).unwrap_or_default(),
                rating: *rating,
                ..Default::default()
            })
            .collect();
        Entry::objects().bulk_create(entries, conn)?;

        for (first, last, age) in [
            ("Ann", "Smith", 34),
            ("Bob", "Bob", 17),
            ("Cid", "Jones", 52),
            ("Dee", "Smith", 12),
        ] {
            Person::objects().create(
                Person {
                    first_name: first.into(),
                    last_name: last.into(),
                    age,
                    ..Default::default()
                },
                conn,
            )?;
        }
        // Cid is Ann's and Dee's father (the N+1 recipe's `select_related('father')`).
        let cid = filter!(Person::objects(), first_name = "Cid").get(conn)?;
        dorm::update!(
            filter!(Person::objects(), first_name__in = ["Ann", "Dee"]),
            father = ForeignKey::to(&cid)?
        )
        .execute(conn)?;
        Reporter::objects().create(
            Reporter {
                name: "Tintin".into(),
                stories_filed: 3,
                ..Default::default()
            },
            conn,
        )?;
        Reporter::objects().create(
            Reporter {
                name: "Lois Lane".into(),
                stories_filed: 11,
                ..Default::default()
            },
            conn,
        )?;

        let post = Post::objects().create(
            Post {
                title: "Launch".into(),
                ..Default::default()
            },
            conn,
        )?;
        for (email, hours) in [("ann@example.com", 5), ("bob@example.com", 1)] {
            Comment::objects().create(
                Comment {
                    post: ForeignKey::to(&post)?,
                    email: email.into(),
                    created_at: at(2024, 5, 1) + Duration::hours(hours),
                    ..Default::default()
                },
                conn,
            )?;
        }
        for (category, user) in [
            (Category::Nearby, &users[0]),
            (Category::SpecialOffer, &users[1]),
            (Category::Nearby, &users[2]),
        ] {
            SentPushNotification::objects().create(
                SentPushNotification {
                    user: ForeignKey::to(user)?,
                    notification_category: category,
                    sent_at: dorm::fields::now(),
                    ..Default::default()
                },
                conn,
            )?;
        }
        BlogPost::objects().create(
            BlogPost {
                title: "Public post".into(),
                is_public: true,
                ..Default::default()
            },
            conn,
        )?;
        BlogPost::objects().create(
            BlogPost {
                title: "Draft".into(),
                is_public: false,
                ..Default::default()
            },
            conn,
        )?;
        Product::objects().create(
            Product {
                name: "Stroopwafel".into(),
                country: Country::Netherlands,
                ..Default::default()
            },
            conn,
        )?;
        Order::objects().create(
            Order { data: serde_json::json!({"InvoiceNumber": {"FirstName": "Daan", "LastName": "Jansen"}}), ..Default::default() },
            conn,
        )?;
        Ok(true)
    })
}
