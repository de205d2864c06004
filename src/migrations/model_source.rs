//! Rust source for a model state: the `#[derive(Model)]` struct whose `META` is the state.
//!
//! Data migrations see "frozen" copies of the models as they were when the migration was
//! written (Django's historical models); the migration writer puts them into the migration
//! file with [`model_struct_source`], and `inspectdb` writes a whole models module with it.
//!
//! ```
//! use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};
//! use dorm::migrations::model_source::model_struct_source;
//! use dorm::migrations::ModelState;
//! use dorm::model::ModelMeta;
//! use dorm::relations::OnDelete;
//!
//! const BLOG: ModelMeta = ModelMeta {
//!     name: "Blog", app_label: "news", db_table: "news_blog",
//!     fields: &[
//!         FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
//!         FieldMeta::new("name", FieldKind::CharField).max_length(100).unique(),
//!     ],
//!     constraints: &[], indexes: &[], ordering: &[], managed: true,
//!     verbose_name: "blog", many_to_many: &[],
//! };
//! const ENTRY: ModelMeta = ModelMeta {
//!     name: "Entry", app_label: "news", db_table: "entries",
//!     fields: &[
//!         FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
//!         FieldMeta::new("blog", FieldKind::ForeignKey)
//!             .column("blog_id")
//!             .db_index()
//!             .foreign_key("Blog", "news_blog", "id", FieldKind::BigIntegerField, OnDelete::Cascade),
//!         FieldMeta::new("rating", FieldKind::IntegerField).null(),
//!         FieldMeta::new("published", FieldKind::BooleanField).default(DefaultMeta::Literal("true")),
//!     ],
//!     constraints: &[], indexes: &[], ordering: &["-rating"], managed: true,
//!     verbose_name: "entry", many_to_many: &[],
//! };
//! let source = model_struct_source(&ModelState::from(ENTRY), "news");
//! assert_eq!(source, r#"/// `news.Entry` (table `entries`).
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "news", db_table = "entries", ordering(-rating))]
//! pub struct Entry {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub blog: dorm::ForeignKey<Blog>,
//!     pub rating: Option<i32>,
//!     #[dorm(default = true)]
//!     pub published: bool,
//! }
//! "#);
//! assert!(model_struct_source(&ModelState::from(BLOG), "news")
//!     .contains("    #[dorm(max_length = 100, unique)]\n    pub name: String,\n"));
//! ```
//!
//! That source compiles (next to its relation's target), and its `META` is the state again:
//!
//! ```
//! mod frozen {
//!     use dorm::prelude::*;
//!
//!     #[derive(Model, Debug, Clone, PartialEq)]
//!     #[dorm(app_label = "news")]
//!     pub struct Blog {
//!         pub id: Auto<i64>,
//!         #[dorm(max_length = 100, unique)]
//!         pub name: String,
//!     }
//!
//!     #[derive(Model, Debug, Clone, PartialEq)]
//!     #[dorm(app_label = "news", db_table = "entries", ordering(-rating))]
//!     pub struct Entry {
//!         pub id: Auto<i64>,
//!         #[dorm(on_delete = cascade)]
//!         pub blog: dorm::ForeignKey<Blog>,
//!         pub rating: Option<i32>,
//!         #[dorm(default = true)]
//!         pub published: bool,
//!     }
//! }
//! # use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};
//! # use dorm::relations::OnDelete;
//! use dorm::migrations::ModelState;
//! use dorm::Model;
//! # const ENTRY: dorm::model::ModelMeta = dorm::model::ModelMeta {
//! #     name: "Entry", app_label: "news", db_table: "entries",
//! #     fields: &[
//! #         FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
//! #         FieldMeta::new("blog", FieldKind::ForeignKey)
//! #             .column("blog_id")
//! #             .db_index()
//! #             .foreign_key("Blog", "news_blog", "id", FieldKind::BigIntegerField, OnDelete::Cascade),
//! #         FieldMeta::new("rating", FieldKind::IntegerField).null(),
//! #         FieldMeta::new("published", FieldKind::BooleanField).default(DefaultMeta::Literal("true")),
//! #     ],
//! #     constraints: &[], indexes: &[], ordering: &["-rating"], managed: true,
//! #     verbose_name: "entry", many_to_many: &[],
//! # };
//! assert_eq!(ModelState::from(frozen::Entry::META), ModelState::from(ENTRY));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fields::{DefaultMeta, FieldKind, FieldMeta};
use crate::relations::{ManyToManyMeta, OnDelete};

use super::state::{default_table, ModelState};
use super::writer::{comment_text, string_literal};

/// The `#[derive(Model)]` struct for `model`, as Rust source: the `#[dorm(...)]` options that
/// give back the state's `META` (table name when not the default, `app_label` always,
/// `managed = false`, `verbose_name`, `ordering`, unique constraints and indexes; per field
/// `db_column`, `max_length`, `unique`, `db_index`, `default`, `primary_key`, decimal
/// precision, `auto_now(_add)`, `positive`, the text kinds, `upload_to`, `on_delete`) and one
/// field per column, then the many-to-many fields.
///
/// `crate_name` is the crate the source will be compiled in: paths the state records with
/// that crate's name (`upload_to = "scrapbook::models::venue_directory_path"`, callable
/// defaults) are written `crate::...`.
///
/// The source compiles in a module with `use dorm::prelude::*;` in scope, in a crate that
/// depends on `chrono`, `rust_decimal` and `serde_json` when the model has date/time, decimal
/// or JSON fields (types are written with their crate's path: `chrono::DateTime<chrono::Utc>`,
/// `rust_decimal::Decimal`, `serde_json::Value`, `dorm::ForeignKey<Blog>`). Other needs:
///
/// * a relation's target is named by its model name (`dorm::ForeignKey<Blog>`,
///   `dorm::ManyToMany<Tag>`, `through = Membership`), so the targets' structs must be in the
///   same module (freeze them together);
/// * a `default` is copied as the model wrote it, so the names it uses without a path must be
///   in scope (`default = ForeignKey::new(1)` needs `use dorm::ForeignKey;`,
///   `default = Utc::now()` needs `use chrono::Utc;`);
/// * an `upload_to` function is called with the frozen struct, so it must be generic over the
///   instance (`fn path<M>(instance: &M, filename: &str) -> String`).
///
/// What the derive cannot spell, and how it is written instead:
///
/// * `choices` need a `#[derive(Choices)]` enum: the field is a plain `String` with a
///   `// choices: [("de", "Germany"), ...]` comment, so the copy's `META` has no choices;
/// * a foreign key's `related_name` is not part of the state; a second relation from one
///   model to the same target gets `related_name = "<model>_<field>_set"` (Django's
///   inspectdb rule) so the reverse accessors do not clash;
/// * a `CharField` without `max_length` is a `TextField`; a text kind's or foreign key's
///   implied options (`db_index` of slugs and foreign keys, the default `max_length` of e-mail,
///   URL, slug and file fields) cannot be switched off;
/// * a field named like a Rust keyword is written as a raw identifier (`r#type`).
pub fn model_struct_source(model: &ModelState, crate_name: &str) -> String {
    render(model, crate_name, &Notes::default())
}

/// Comments for [`render`]: above the struct, and above fields (by field name).
#[derive(Debug, Default, Clone)]
pub(crate) struct Notes {
    /// Lines above the struct's derive, without `//`.
    pub model: Vec<String>,
    /// Lines above a field, without `//`.
    pub fields: BTreeMap<String, Vec<String>>,
}

/// [`model_struct_source`] with comments.
pub(crate) fn render(model: &ModelState, crate_name: &str, notes: &Notes) -> String {
    let mut out = String::new();
    for line in &notes.model {
        let _ = writeln!(out, "// {}", comment_text(line));
    }
    let _ = writeln!(
        out,
        "/// `{}.{}`{}.",
        comment_text(model.app_label),
        comment_text(model.name),
        if model.managed {
            format!(" (table `{}`)", comment_text(model.db_table))
        } else {
            format!(
                " (`{}`, not managed by migrations)",
                comment_text(model.db_table)
            )
        }
    );
    if !is_camel_case(model.name) {
        out.push_str("#[allow(non_camel_case_types)]\n");
    }
    out.push_str("#[derive(Model, Debug, Clone, PartialEq)]\n");
    out.push_str(&format!("#[dorm({})]\n", model_options(model).join(", ")));
    let _ = writeln!(out, "pub struct {} {{", model.name);

    // Reverse accessors: the first relation to a target keeps the default name, the next
    // ones get Django's `<model>_<field>_set`.
    let mut targets_seen: Vec<&str> = Vec::new();
    for field in &model.fields {
        if let Some(lines) = notes.fields.get(field.name) {
            for line in lines {
                let _ = writeln!(out, "    // {}", comment_text(line));
            }
        }
        let mut related_name = None;
        if let Some(rel) = field.relation {
            if targets_seen.contains(&rel.model) {
                related_name = Some(format!("{}_{}_set", model.name.to_lowercase(), field.name));
            }
            targets_seen.push(rel.model);
        }
        if !field.choices.is_empty() {
            let list: Vec<String> = field
                .choices
                .iter()
                .map(|(v, l)| format!("({}, {})", string_literal(v), string_literal(l)))
                .collect();
            let _ = writeln!(out, "    // choices: [{}]", comment_text(&list.join(", ")));
        }
        let opts = field_options(field, crate_name, related_name);
        if !opts.is_empty() {
            let _ = writeln!(out, "    #[dorm({})]", opts.join(", "));
        }
        let _ = writeln!(
            out,
            "    pub {}: {},",
            rust_ident(field.name),
            field_type(field)
        );
    }
    for m2m in &model.many_to_many {
        let opts = many_to_many_options(model, m2m);
        if !opts.is_empty() {
            let _ = writeln!(out, "    #[dorm({})]", opts.join(", "));
        }
        let key = m2m
            .join
            .and_then(|j| j.fields.get(2))
            .and_then(|f| key_type(f.key_kind));
        let _ = writeln!(
            out,
            "    pub {}: dorm::ManyToMany<{}{}>,",
            rust_ident(m2m.name),
            m2m.to,
            key.map(|k| format!(", {k}")).unwrap_or_default()
        );
    }
    out.push_str("}\n");
    out
}

/// The model-level `#[dorm(...)]` options.
fn model_options(model: &ModelState) -> Vec<String> {
    let mut opts = vec![format!("app_label = {}", string_literal(model.app_label))];
    if model.db_table != default_table(model.app_label, model.name) {
        opts.push(format!("db_table = {}", string_literal(model.db_table)));
    }
    if !model.managed {
        opts.push("managed = false".to_string());
    }
    if model.verbose_name != default_verbose_name(model.name) {
        opts.push(format!(
            "verbose_name = {}",
            string_literal(model.verbose_name)
        ));
    }
    if !model.ordering.is_empty() {
        opts.push(format!("ordering({})", model.ordering.join(", ")));
    }
    for c in &model.constraints {
        opts.push(format!(
            "unique_constraint(name = {}, fields({}))",
            string_literal(c.name),
            c.fields.join(", ")
        ));
    }
    for i in &model.indexes {
        opts.push(format!(
            "index(name = {}, fields({}))",
            string_literal(i.name),
            i.fields.join(", ")
        ));
    }
    opts
}

/// The derive's default `verbose_name` of a model: the name in snake case, with spaces.
pub(crate) fn default_verbose_name(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out.replace('_', " ")
}

fn is_camel_case(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase) && !name.contains('_')
}

/// The column the derive gives a field named `name` of `kind`.
pub(crate) fn default_column(name: &str, kind: FieldKind) -> String {
    match kind {
        FieldKind::ForeignKey | FieldKind::OneToOneField => format!("{name}_id"),
        _ => name.to_string(),
    }
}

/// The `max_length` the derive implies for a text kind.
fn implied_max_length(kind: FieldKind) -> Option<u32> {
    match kind {
        FieldKind::EmailField => Some(254),
        FieldKind::UrlField => Some(200),
        FieldKind::SlugField => Some(50),
        FieldKind::FileField | FieldKind::ImageField => Some(100),
        _ => None,
    }
}

/// A path recorded with `crate_name` as its first segment, as the crate itself writes it.
fn local_path(path: &str, crate_name: &str) -> String {
    let crate_name = crate_name.replace('-', "_");
    match path.strip_prefix(&format!("{crate_name}::")) {
        Some(rest) => format!("crate::{rest}"),
        None => path.to_string(),
    }
}

fn on_delete_name(rule: OnDelete) -> &'static str {
    match rule {
        OnDelete::Cascade => "cascade",
        OnDelete::Protect => "protect",
        OnDelete::Restrict => "restrict",
        OnDelete::SetNull => "set_null",
        OnDelete::SetDefault => "set_default",
        OnDelete::DoNothing => "do_nothing",
    }
}

/// The field-level `#[dorm(...)]` options.
fn field_options(field: &FieldMeta, crate_name: &str, related_name: Option<String>) -> Vec<String> {
    use FieldKind::*;
    let mut opts = Vec::new();
    let kind = field.kind;
    if field.primary_key && !kind.is_auto() {
        opts.push("primary_key".to_string());
    }
    match kind {
        TextField if field.max_length.is_some() => opts.push("text".to_string()),
        EmailField => opts.push("email".to_string()),
        UrlField => opts.push("url".to_string()),
        SlugField => opts.push("slug".to_string()),
        FileField => opts.push("file".to_string()),
        ImageField => opts.push("image".to_string()),
        _ => {}
    }
    if kind.is_text() {
        if let Some(n) = field.max_length {
            if Some(n) != implied_max_length(kind) {
                opts.push(format!("max_length = {n}"));
            }
        }
    }
    if kind.is_positive() {
        opts.push("positive".to_string());
    }
    if kind == DecimalField {
        opts.push(format!("max_digits = {}", field.max_digits.unwrap_or(18)));
        opts.push(format!(
            "decimal_places = {}",
            field.decimal_places.unwrap_or(0)
        ));
        if field.decimal_storage == crate::fields::DecimalStorage::Numeric {
            opts.push("sqlite_numeric".to_string());
        }
    }
    if field.auto_now {
        opts.push("auto_now".to_string());
    }
    if field.auto_now_add {
        opts.push("auto_now_add".to_string());
    }
    if field.unique && !field.primary_key && kind != OneToOneField {
        opts.push("unique".to_string());
    }
    let implied_index = matches!(kind, SlugField | ForeignKey | OneToOneField);
    if field.db_index && !implied_index && !field.unique && !field.primary_key {
        opts.push("db_index".to_string());
    }
    if field.column != default_column(field.name, kind) {
        opts.push(format!("db_column = {}", string_literal(field.column)));
    }
    match field.default {
        DefaultMeta::None => {}
        DefaultMeta::Literal(text) => opts.push(format!("default = {text}")),
        DefaultMeta::Callable(text) => {
            opts.push(format!("default = {}", local_path(text, crate_name)))
        }
    }
    if field.verbose_name != field.name.replace('_', " ") {
        opts.push(format!(
            "verbose_name = {}",
            string_literal(field.verbose_name)
        ));
    }
    if let Some(path) = field.upload_to {
        if matches!(kind, FileField | ImageField) {
            opts.push(format!("upload_to = {}", local_path(path, crate_name)));
        }
    }
    if let Some(rel) = field.relation {
        opts.push(format!("on_delete = {}", on_delete_name(rel.on_delete)));
        if let Some(name) = related_name {
            opts.push(format!("related_name = {}", string_literal(&name)));
        }
    }
    opts
}

/// A many-to-many field's `#[dorm(...)]` options.
fn many_to_many_options(model: &ModelState, m2m: &ManyToManyMeta) -> Vec<String> {
    let mut opts = Vec::new();
    if let Some(through) = m2m.through {
        opts.push(format!("through = {through}"));
    }
    if let Some(name) = m2m.related_name {
        opts.push(format!("related_name = {}", string_literal(name)));
    }
    let self_ref = m2m.to == model.name;
    if m2m.symmetrical != (self_ref && m2m.through.is_none()) {
        opts.push(format!("symmetrical = {}", m2m.symmetrical));
    }
    if let Some(join) = m2m.join {
        if join.db_table != format!("{}_{}", model.db_table, m2m.name) {
            opts.push(format!("db_table = {}", string_literal(join.db_table)));
        }
    }
    opts
}

/// The key type argument of `ForeignKey<T, K>` for a key column of `kind` (`None`: the
/// default `i64`).
fn key_type(kind: Option<FieldKind>) -> Option<&'static str> {
    use FieldKind::*;
    match kind? {
        SmallAutoField | SmallIntegerField | PositiveSmallIntegerField => Some("i16"),
        AutoField | IntegerField | PositiveIntegerField => Some("i32"),
        k if k.is_text() => Some("String"),
        _ => None,
    }
}

/// The Rust type of a field, `Option<...>` when it is nullable.
pub(crate) fn field_type(field: &FieldMeta) -> String {
    use FieldKind::*;
    let base = match field.kind {
        SmallAutoField => "Auto<i16>".to_string(),
        AutoField => "Auto<i32>".to_string(),
        BigAutoField => "Auto<i64>".to_string(),
        CharField | TextField | EmailField | UrlField | SlugField | FileField | ImageField => {
            "String".to_string()
        }
        SmallIntegerField | PositiveSmallIntegerField => "i16".to_string(),
        IntegerField | PositiveIntegerField => "i32".to_string(),
        BigIntegerField | PositiveBigIntegerField => "i64".to_string(),
        BooleanField => "bool".to_string(),
        FloatField => "f64".to_string(),
        DecimalField => "rust_decimal::Decimal".to_string(),
        DateField => "chrono::NaiveDate".to_string(),
        DateTimeField => "chrono::DateTime<chrono::Utc>".to_string(),
        TimeField => "chrono::NaiveTime".to_string(),
        JsonField => "serde_json::Value".to_string(),
        ForeignKey | OneToOneField => {
            let wrapper = if field.kind == OneToOneField {
                "dorm::OneToOne"
            } else {
                "dorm::ForeignKey"
            };
            let target = field.relation.map(|r| r.model).unwrap_or("Self");
            match key_type(field.key_kind) {
                Some(key) => format!("{wrapper}<{target}, {key}>"),
                None => format!("{wrapper}<{target}>"),
            }
        }
    };
    if field.null && !field.kind.is_auto() {
        format!("Option<{base}>")
    } else {
        base
    }
}

/// Rust's keywords (strict and reserved), which a field name can only be as a raw identifier.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// True for the words that are not plain identifiers in Rust.
pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// `name` as an identifier: a raw one for a keyword.
fn rust_ident(name: &str) -> String {
    if is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConstraintMeta, IndexMeta, ModelMeta};

    const TAG: ModelMeta = ModelMeta {
        name: "Tag",
        app_label: "shop",
        db_table: "shop_tag",
        fields: &[
            FieldMeta::new("id", FieldKind::AutoField).primary_key(),
            FieldMeta::new("label", FieldKind::SlugField)
                .max_length(50)
                .db_index(),
        ],
        constraints: &[],
        indexes: &[],
        ordering: &[],
        managed: true,
        verbose_name: "tag",
        many_to_many: &[],
    };

    const ITEM: ModelMeta = ModelMeta {
        name: "StockItem",
        app_label: "shop",
        db_table: "items",
        fields: &[
            FieldMeta::new("code", FieldKind::CharField)
                .max_length(10)
                .primary_key(),
            FieldMeta::new("price", FieldKind::DecimalField)
                .decimal(8, 2)
                .null(),
            FieldMeta::new("country", FieldKind::CharField)
                .max_length(2)
                .choices(&[("de", "Germany")])
                .default(DefaultMeta::Literal("\"de\"")),
            FieldMeta::new("stock", FieldKind::PositiveIntegerField).column("qty"),
            FieldMeta::new("added", FieldKind::DateTimeField)
                .auto_now_add()
                .default(DefaultMeta::Callable("shop::models::now()")),
            FieldMeta::new("type", FieldKind::TextField).db_index(),
            FieldMeta::new("tag", FieldKind::ForeignKey)
                .column("tag_id")
                .db_index()
                .null()
                .foreign_key(
                    "Tag",
                    "shop_tag",
                    "id",
                    FieldKind::IntegerField,
                    OnDelete::SetNull,
                ),
            FieldMeta::new("other_tag", FieldKind::OneToOneField)
                .column("other")
                .unique()
                .foreign_key(
                    "Tag",
                    "shop_tag",
                    "id",
                    FieldKind::IntegerField,
                    OnDelete::DoNothing,
                ),
        ],
        constraints: &[ConstraintMeta {
            name: "one per country",
            fields: &["country", "stock"],
        }],
        indexes: &[IndexMeta {
            name: "added_idx",
            fields: &["-added"],
        }],
        ordering: &["-added", "code"],
        managed: false,
        verbose_name: "item",
        many_to_many: &[],
    };

    #[test]
    fn writes_every_option() {
        let src = model_struct_source(&ModelState::from(ITEM), "shop");
        let expected = r#"/// `shop.StockItem` (`items`, not managed by migrations).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "shop", db_table = "items", managed = false, verbose_name = "item", ordering(-added, code), unique_constraint(name = "one per country", fields(country, stock)), index(name = "added_idx", fields(-added)))]
pub struct StockItem {
    #[dorm(primary_key, max_length = 10)]
    pub code: String,
    #[dorm(max_digits = 8, decimal_places = 2)]
    pub price: Option<rust_decimal::Decimal>,
    // choices: [("de", "Germany")]
    #[dorm(max_length = 2, default = "de")]
    pub country: String,
    #[dorm(positive, db_column = "qty")]
    pub stock: i32,
    #[dorm(auto_now_add, default = crate::models::now())]
    pub added: chrono::DateTime<chrono::Utc>,
    #[dorm(db_index)]
    pub r#type: String,
    #[dorm(on_delete = set_null)]
    pub tag: Option<dorm::ForeignKey<Tag, i32>>,
    #[dorm(db_column = "other", verbose_name = "other_tag", on_delete = do_nothing, related_name = "stockitem_other_tag_set")]
    pub other_tag: dorm::OneToOne<Tag, i32>,
}
"#;
        assert_eq!(src, expected);
        let tag = model_struct_source(&ModelState::from(TAG), "shop");
        assert!(tag.contains("    pub id: Auto<i32>,\n    #[dorm(slug)]\n    pub label: String,\n"));
        assert!(tag.contains("#[dorm(app_label = \"shop\")]\npub struct Tag {"));
    }

    #[test]
    fn default_verbose_names() {
        assert_eq!(default_verbose_name("UserParent"), "user parent");
        assert_eq!(default_verbose_name("Novel_tags"), "novel tags");
    }
}
