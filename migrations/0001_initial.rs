//! 0001_initial: written by dorm's migration writer. Review it; edit with care.
#![allow(unused_imports)]

use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};
use dorm::migrations::{Migration, Operation};
use dorm::model::{ConstraintMeta, IndexMeta, ModelMeta};
use dorm::relations::{ManyToManyMeta, OnDelete};

const USER: ModelMeta = ModelMeta {
    name: "User",
    app_label: "scrapbook",
    db_table: "scrapbook_user",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("username", FieldKind::CharField)
            .unique()
            .max_length(150),
        FieldMeta::new("first_name", FieldKind::CharField)
            .max_length(150)
            .verbose_name("first name"),
        FieldMeta::new("last_name", FieldKind::CharField)
            .max_length(150)
            .verbose_name("last name"),
        FieldMeta::new("email", FieldKind::EmailField).max_length(254),
        FieldMeta::new("is_staff", FieldKind::BooleanField).verbose_name("is staff"),
        FieldMeta::new("is_active", FieldKind::BooleanField)
            .default(DefaultMeta::Literal("true"))
            .verbose_name("is active"),
        FieldMeta::new("date_joined", FieldKind::DateTimeField)
            .default(DefaultMeta::Callable(dorm::fn_ref!(dorm::fields::now())))
            .verbose_name("date joined"),
        FieldMeta::new("last_login", FieldKind::DateTimeField)
            .null()
            .verbose_name("last login"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "user",
    many_to_many: &[],
};

const CITY: ModelMeta = ModelMeta {
    name: "City",
    app_label: "scrapbook",
    db_table: "scrapbook_city",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("country", FieldKind::CharField)
            .max_length(2)
            .default(DefaultMeta::Literal("\"de\""))
            .choices(&[
                ("de", "Germany"),
                ("nl", "The Netherlands"),
                ("us", "United States"),
            ]),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "city",
    many_to_many: &[],
};

const VENUE: ModelMeta = ModelMeta {
    name: "Venue",
    app_label: "scrapbook",
    db_table: "scrapbook_venue",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("city", FieldKind::ForeignKey)
            .column("city_id")
            .db_index()
            .foreign_key(
                "City",
                "scrapbook_city",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("started_at", FieldKind::DateTimeField)
            .db_index()
            .verbose_name("started at"),
        FieldMeta::new("license", FieldKind::CharField).max_length(20),
        FieldMeta::new("latitude", FieldKind::DecimalField).decimal(18, 10),
        FieldMeta::new("photo_file", FieldKind::ImageField)
            .null()
            .max_length(100)
            .verbose_name("photo file")
            .upload_to(dorm::fn_ref!(crate::models::venue_directory_path)),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "venue",
    many_to_many: &[],
};

const EXPERIENCE: ModelMeta = ModelMeta {
    name: "Experience",
    app_label: "scrapbook",
    db_table: "scrapbook_experience",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("venue", FieldKind::ForeignKey)
            .column("venue_id")
            .db_index()
            .foreign_key(
                "Venue",
                "scrapbook_venue",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("rating", FieldKind::IntegerField),
        FieldMeta::new("ends_at", FieldKind::DateTimeField).verbose_name("ends at"),
        FieldMeta::new("license", FieldKind::CharField).max_length(20),
        FieldMeta::new("photo_file", FieldKind::ImageField)
            .null()
            .max_length(100)
            .verbose_name("photo file")
            .upload_to(dorm::fn_ref!(crate::models::venue_directory_path)),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "experience",
    many_to_many: &[],
};

const BLOGPOST: ModelMeta = ModelMeta {
    name: "BlogPost",
    app_label: "scrapbook",
    db_table: "scrapbook_blogpost",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("title", FieldKind::CharField).max_length(200),
        FieldMeta::new("photo_file", FieldKind::ImageField)
            .null()
            .max_length(100)
            .verbose_name("photo")
            .upload_to(dorm::fn_ref!(crate::models::venue_directory_path)),
        FieldMeta::new("publisher", FieldKind::ForeignKey)
            .column("publisher_id")
            .null()
            .db_index()
            .foreign_key(
                "User",
                "scrapbook_user",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::SetNull,
            ),
        FieldMeta::new("is_public", FieldKind::BooleanField).verbose_name("is public"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "blog post",
    many_to_many: &[],
};

const PRODUCT: ModelMeta = ModelMeta {
    name: "Product",
    app_label: "scrapbook",
    db_table: "scrapbook_product",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("created_at", FieldKind::DateTimeField).auto_now_add(),
        FieldMeta::new("updated_at", FieldKind::DateTimeField).auto_now(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("country", FieldKind::CharField)
            .max_length(2)
            .default(DefaultMeta::Literal("\"de\""))
            .choices(&[
                ("de", "Germany"),
                ("nl", "The Netherlands"),
                ("us", "United States"),
            ]),
    ],
    constraints: &[ConstraintMeta {
        name: "Unique city name per country",
        fields: &["name", "country"],
    }],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "product",
    many_to_many: &[],
};

const BLOG: ModelMeta = ModelMeta {
    name: "Blog",
    app_label: "scrapbook",
    db_table: "scrapbook_blog",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("tagline", FieldKind::TextField),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "blog",
    many_to_many: &[],
};

const AUTHOR: ModelMeta = ModelMeta {
    name: "Author",
    app_label: "scrapbook",
    db_table: "scrapbook_author",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "author",
    many_to_many: &[],
};

const ENTRY: ModelMeta = ModelMeta {
    name: "Entry",
    app_label: "scrapbook",
    db_table: "scrapbook_entry",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("blog", FieldKind::ForeignKey)
            .column("blog_id")
            .null()
            .db_index()
            .foreign_key(
                "Blog",
                "scrapbook_blog",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("headline", FieldKind::CharField).max_length(255),
        FieldMeta::new("body_text", FieldKind::TextField).verbose_name("body text"),
        FieldMeta::new("pub_date", FieldKind::DateField).verbose_name("pub date"),
        FieldMeta::new("rating", FieldKind::IntegerField),
        FieldMeta::new("n_comments", FieldKind::IntegerField).verbose_name("n comments"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &["-pub_date", "headline"],
    managed: true,
    verbose_name: "entry",
    many_to_many: &[ManyToManyMeta {
        name: "authors",
        to: "Author",
        related_name: None,
        through: None,
        symmetrical: false,
        join: Some(&ModelMeta {
            name: "Entry_authors",
            app_label: "scrapbook",
            db_table: "scrapbook_entry_authors",
            fields: &[
                FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
                FieldMeta::new("entry", FieldKind::ForeignKey)
                    .column("entry_id")
                    .db_index()
                    .foreign_key(
                        "Entry",
                        "scrapbook_entry",
                        "id",
                        FieldKind::BigIntegerField,
                        OnDelete::Cascade,
                    ),
                FieldMeta::new("author", FieldKind::ForeignKey)
                    .column("author_id")
                    .db_index()
                    .foreign_key(
                        "Author",
                        "scrapbook_author",
                        "id",
                        FieldKind::BigIntegerField,
                        OnDelete::Cascade,
                    ),
            ],
            constraints: &[ConstraintMeta {
                name: "scrapbook_entry_authors_entry_id_author_id_uniq",
                fields: &["entry", "author"],
            }],
            indexes: &[],
            ordering: &[],
            managed: true,
            verbose_name: "Entry-Author relationship",
            many_to_many: &[],
        }),
    }],
};

const BOOK: ModelMeta = ModelMeta {
    name: "Book",
    app_label: "scrapbook",
    db_table: "scrapbook_book",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("author", FieldKind::ForeignKey)
            .column("author_id")
            .db_index()
            .foreign_key(
                "Author",
                "scrapbook_author",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("title", FieldKind::CharField).max_length(200),
        FieldMeta::new("pages", FieldKind::IntegerField),
        FieldMeta::new("bestseller", FieldKind::BooleanField),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "book",
    many_to_many: &[],
};

const PERSON: ModelMeta = ModelMeta {
    name: "Person",
    app_label: "scrapbook",
    db_table: "scrapbook_person",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("first_name", FieldKind::CharField)
            .max_length(100)
            .verbose_name("first name"),
        FieldMeta::new("last_name", FieldKind::CharField)
            .max_length(100)
            .verbose_name("last name"),
        FieldMeta::new("age", FieldKind::IntegerField),
        FieldMeta::new("father", FieldKind::ForeignKey)
            .column("father_id")
            .null()
            .db_index()
            .foreign_key(
                "Person",
                "scrapbook_person",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::SetNull,
            ),
        FieldMeta::new("boss", FieldKind::ForeignKey)
            .column("boss_id")
            .null()
            .db_index()
            .foreign_key(
                "Person",
                "scrapbook_person",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::SetNull,
            ),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "person",
    many_to_many: &[],
};

const HERO: ModelMeta = ModelMeta {
    name: "Hero",
    app_label: "scrapbook",
    db_table: "scrapbook_hero",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("gender", FieldKind::CharField).max_length(10),
        FieldMeta::new("slug", FieldKind::CharField).max_length(100),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "hero",
    many_to_many: &[],
};

const REPORTER: ModelMeta = ModelMeta {
    name: "Reporter",
    app_label: "scrapbook",
    db_table: "scrapbook_reporter",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(100),
        FieldMeta::new("stories_filed", FieldKind::IntegerField).verbose_name("stories filed"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "reporter",
    many_to_many: &[],
};

const PLACE: ModelMeta = ModelMeta {
    name: "Place",
    app_label: "scrapbook",
    db_table: "scrapbook_place",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(50),
        FieldMeta::new("address", FieldKind::CharField).max_length(80),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "place",
    many_to_many: &[],
};

const RESTAURANT: ModelMeta = ModelMeta {
    name: "Restaurant",
    app_label: "scrapbook",
    db_table: "scrapbook_restaurant",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("place", FieldKind::OneToOneField)
            .column("place_id")
            .unique()
            .db_index()
            .foreign_key(
                "Place",
                "scrapbook_place",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("serves_pizza", FieldKind::BooleanField).verbose_name("serves pizza"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "restaurant",
    many_to_many: &[],
};

const TOPPING: ModelMeta = ModelMeta {
    name: "Topping",
    app_label: "scrapbook",
    db_table: "scrapbook_topping",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(50),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "topping",
    many_to_many: &[],
};

const PIZZA: ModelMeta = ModelMeta {
    name: "Pizza",
    app_label: "scrapbook",
    db_table: "scrapbook_pizza",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(50),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "pizza",
    many_to_many: &[ManyToManyMeta {
        name: "toppings",
        to: "Topping",
        related_name: None,
        through: None,
        symmetrical: false,
        join: Some(&ModelMeta {
            name: "Pizza_toppings",
            app_label: "scrapbook",
            db_table: "scrapbook_pizza_toppings",
            fields: &[
                FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
                FieldMeta::new("pizza", FieldKind::ForeignKey)
                    .column("pizza_id")
                    .db_index()
                    .foreign_key(
                        "Pizza",
                        "scrapbook_pizza",
                        "id",
                        FieldKind::BigIntegerField,
                        OnDelete::Cascade,
                    ),
                FieldMeta::new("topping", FieldKind::ForeignKey)
                    .column("topping_id")
                    .db_index()
                    .foreign_key(
                        "Topping",
                        "scrapbook_topping",
                        "id",
                        FieldKind::BigIntegerField,
                        OnDelete::Cascade,
                    ),
            ],
            constraints: &[ConstraintMeta {
                name: "scrapbook_pizza_toppings_pizza_id_topping_id_uniq",
                fields: &["pizza", "topping"],
            }],
            indexes: &[],
            ordering: &[],
            managed: true,
            verbose_name: "Pizza-Topping relationship",
            many_to_many: &[],
        }),
    }],
};

const MAP: ModelMeta = ModelMeta {
    name: "Map",
    app_label: "scrapbook",
    db_table: "scrapbook_map",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("name", FieldKind::CharField).max_length(50),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "map",
    many_to_many: &[ManyToManyMeta {
        name: "users",
        to: "User",
        related_name: Some("maps"),
        through: None,
        symmetrical: false,
        join: Some(&ModelMeta {
            name: "Map_users",
            app_label: "scrapbook",
            db_table: "scrapbook_map_users",
            fields: &[
                FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
                FieldMeta::new("map", FieldKind::ForeignKey)
                    .column("map_id")
                    .db_index()
                    .foreign_key(
                        "Map",
                        "scrapbook_map",
                        "id",
                        FieldKind::BigIntegerField,
                        OnDelete::Cascade,
                    ),
                FieldMeta::new("user", FieldKind::ForeignKey)
                    .column("user_id")
                    .db_index()
                    .foreign_key(
                        "User",
                        "scrapbook_user",
                        "id",
                        FieldKind::BigIntegerField,
                        OnDelete::Cascade,
                    ),
            ],
            constraints: &[ConstraintMeta {
                name: "scrapbook_map_users_map_id_user_id_uniq",
                fields: &["map", "user"],
            }],
            indexes: &[],
            ordering: &[],
            managed: true,
            verbose_name: "Map-User relationship",
            many_to_many: &[],
        }),
    }],
};

const ORDER: ModelMeta = ModelMeta {
    name: "Order",
    app_label: "scrapbook",
    db_table: "scrapbook_order",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("data", FieldKind::JsonField),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "order",
    many_to_many: &[],
};

const EVENT: ModelMeta = ModelMeta {
    name: "Event",
    app_label: "scrapbook",
    db_table: "scrapbook_event",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("epic_id", FieldKind::BigIntegerField).verbose_name("epic id"),
        FieldMeta::new("details", FieldKind::TextField),
        FieldMeta::new("years_ago", FieldKind::IntegerField).verbose_name("years ago"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "event",
    many_to_many: &[],
};

const POST: ModelMeta = ModelMeta {
    name: "Post",
    app_label: "scrapbook",
    db_table: "scrapbook_post",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("title", FieldKind::CharField).max_length(200),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "post",
    many_to_many: &[],
};

const COMMENT: ModelMeta = ModelMeta {
    name: "Comment",
    app_label: "scrapbook",
    db_table: "scrapbook_comment",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("post", FieldKind::ForeignKey)
            .column("post_id")
            .db_index()
            .foreign_key(
                "Post",
                "scrapbook_post",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("email", FieldKind::EmailField).max_length(254),
        FieldMeta::new("created_at", FieldKind::DateTimeField).verbose_name("created at"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "comment",
    many_to_many: &[],
};

const SENTPUSHNOTIFICATION: ModelMeta = ModelMeta {
    name: "SentPushNotification",
    app_label: "scrapbook",
    db_table: "scrapbook_sentpushnotification",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("user", FieldKind::ForeignKey)
            .column("user_id")
            .db_index()
            .foreign_key(
                "User",
                "scrapbook_user",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("notification_category", FieldKind::CharField)
            .max_length(20)
            .choices(&[
                ("nearby", "nearby"),
                ("special_offer", "special_offer"),
                ("happening_soon", "happening_soon"),
            ])
            .verbose_name("notification category"),
        FieldMeta::new("sent_at", FieldKind::DateTimeField).verbose_name("sent at"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: true,
    verbose_name: "sent push notification",
    many_to_many: &[],
};

const TEMPUSER: ModelMeta = ModelMeta {
    name: "TempUser",
    app_label: "scrapbook",
    db_table: "temp_user",
    fields: &[
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
        FieldMeta::new("first_name", FieldKind::CharField)
            .max_length(100)
            .verbose_name("first name"),
    ],
    constraints: &[],
    indexes: &[],
    ordering: &[],
    managed: false,
    verbose_name: "temp user",
    many_to_many: &[],
};

/// The migration.
pub const MIGRATION: Migration = Migration {
    app_label: "scrapbook",
    name: "0001_initial",
    dependencies: &[],
    operations: &[
        Operation::CreateModel(USER),
        Operation::CreateModel(CITY),
        Operation::CreateModel(VENUE),
        Operation::CreateModel(EXPERIENCE),
        Operation::CreateModel(BLOGPOST),
        Operation::CreateModel(PRODUCT),
        Operation::CreateModel(BLOG),
        Operation::CreateModel(AUTHOR),
        Operation::CreateModel(ENTRY),
        Operation::CreateModel(BOOK),
        Operation::CreateModel(PERSON),
        Operation::CreateModel(HERO),
        Operation::CreateModel(REPORTER),
        Operation::CreateModel(PLACE),
        Operation::CreateModel(RESTAURANT),
        Operation::CreateModel(TOPPING),
        Operation::CreateModel(PIZZA),
        Operation::CreateModel(MAP),
        Operation::CreateModel(ORDER),
        Operation::CreateModel(EVENT),
        Operation::CreateModel(POST),
        Operation::CreateModel(COMMENT),
        Operation::CreateModel(SENTPUSHNOTIFICATION),
        Operation::CreateModel(TEMPUSER),
    ],
    replaces: &[],
};
