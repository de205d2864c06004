//! `#[derive(Model)]`: parse the struct and its `#[dorm(...)]` options, validate them, and
//! expand to the diesel table, `impl Model`, one `impl Field<name>` per field, `Queryable`,
//! and `Persist` for each backend.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

use crate::names::name_type;

#[derive(Default)]
struct ModelOpts {
    app_label: Option<String>,
    db_table: Option<String>,
    module: Option<Ident>,
    ordering: Vec<(bool, Ident)>,
    constraints: Vec<(String, Vec<Ident>)>,
    indexes: Vec<(String, Vec<(bool, Ident)>)>,
    unmanaged: bool,
    verbose_name: Option<String>,
    skip_default: bool,
}

#[derive(Default)]
struct FieldOpts {
    primary_key: bool,
    max_length: Option<u32>,
    text: bool,
    email: bool,
    url: bool,
    slug: bool,
    file: bool,
    image: bool,
    upload_to: Option<syn::Path>,
    positive: bool,
    max_digits: Option<u32>,
    decimal_places: Option<u32>,
    sqlite_numeric: bool,
    auto_now: bool,
    auto_now_add: bool,
    json: bool,
    unique: bool,
    db_index: bool,
    db_column: Option<String>,
    default: Option<Expr>,
    choices: bool,
    verbose_name: Option<String>,
    on_delete: Option<Ident>,
    related_name: Option<LitStr>,
    through: Option<syn::Path>,
    through_fields: Option<(Ident, Ident)>,
    symmetrical: Option<bool>,
    m2m_db_table: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Auto(u8),
    Char,
    Text,
    Email,
    Url,
    Slug,
    File,
    Image,
    SmallInt,
    Int,
    BigInt,
    Bool,
    Float32,
    Float64,
    /// max_digits, decimal_places, stored as Django does on SQLite (`sqlite_numeric`).
    Decimal(u32, u32, bool),
    Date,
    DateTime,
    Time,
    Json {
        value: bool,
    },
    Choices,
    /// A foreign key; the key's SQL kind (16/32/64-bit integer, or 0 for text).
    ForeignKey(u8),
}

struct FieldDef {
    ident: Ident,
    name: String,
    ty: Type,
    inner: Type,
    nullable: bool,
    kind: Kind,
    opts: FieldOpts,
    /// The target model of a foreign key, and its key type.
    target: Option<(Type, Type)>,
    /// Declared as `OneToOne<...>`: a unique foreign key.
    one_to_one: bool,
}

impl FieldDef {
    fn column(&self) -> String {
        match (&self.opts.db_column, self.kind) {
            (Some(c), _) => c.clone(),
            (None, Kind::ForeignKey(_)) => format!("{}_id", self.name),
            (None, _) => self.name.clone(),
        }
    }

    fn is_pk(&self) -> bool {
        self.opts.primary_key || matches!(self.kind, Kind::Auto(_))
    }

    /// What follows the field's name in a lookup path, for rustc's checks (see
    /// `dorm::names::resolve`): a relation's target's names, any key of a JSON field, or the
    /// lookups and transforms of the field's kind (`isnull` when it is nullable).
    fn names_view(&self) -> TokenStream {
        if let Some((target, _)) = &self.target {
            return quote!(::dorm::names::OneRow<<#target as ::dorm::model::HasFields>::Fields>);
        }
        if let Kind::Json { .. } = self.kind {
            return quote!(::dorm::names::JsonKeys);
        }
        let kind = format_ident!("{}Lookups", self.django_kind());
        let st = self.base_sql_type();
        let view = quote!(::dorm::names::kinds::#kind<#st>);
        if self.nullable {
            quote!(::dorm::names::WithIsNull<#view>)
        } else {
            view
        }
    }

    fn django_kind(&self) -> &'static str {
        let positive = self.opts.positive;
        match self.kind {
            Kind::Auto(16) => "SmallAutoField",
            Kind::Auto(32) => "AutoField",
            Kind::Auto(_) => "BigAutoField",
            Kind::Char => "CharField",
            Kind::Text => "TextField",
            Kind::Email => "EmailField",
            Kind::Url => "UrlField",
            Kind::Slug => "SlugField",
            Kind::File => "FileField",
            Kind::Image => "ImageField",
            Kind::SmallInt if positive => "PositiveSmallIntegerField",
            Kind::Int if positive => "PositiveIntegerField",
            Kind::BigInt if positive => "PositiveBigIntegerField",
            Kind::SmallInt => "SmallIntegerField",
            Kind::Int => "IntegerField",
            Kind::BigInt => "BigIntegerField",
            Kind::Bool => "BooleanField",
            Kind::Float32 | Kind::Float64 => "FloatField",
            Kind::Decimal(..) => "DecimalField",
            Kind::Date => "DateField",
            Kind::DateTime => "DateTimeField",
            Kind::Time => "TimeField",
            Kind::Json { .. } => "JsonField",
            Kind::Choices if self.opts.max_length.is_some() => "CharField",
            Kind::Choices => "TextField",
            Kind::ForeignKey(_) if self.one_to_one => "OneToOneField",
            Kind::ForeignKey(_) => "ForeignKey",
        }
    }

    /// `max_length`, declared or implied by the kind (Django's EmailField 254, URLField 200,
    /// SlugField 50, FileField 100).
    fn max_length(&self) -> Option<u32> {
        self.opts.max_length.or(match self.kind {
            Kind::Email => Some(254),
            Kind::Url => Some(200),
            Kind::Slug => Some(50),
            Kind::File | Kind::Image => Some(100),
            _ => None,
        })
    }

    /// The diesel SQL type of the column.
    fn sql_type(&self) -> TokenStream {
        let base = self.base_sql_type();
        if self.nullable {
            quote!(::dorm::__private::diesel::sql_types::Nullable<#base>)
        } else {
            base
        }
    }

    /// The diesel SQL type of the column's values (without `Nullable`).
    fn base_sql_type(&self) -> TokenStream {
        match self.kind {
            Kind::Auto(16) | Kind::SmallInt => {
                quote!(::dorm::__private::diesel::sql_types::SmallInt)
            }
            Kind::Auto(32) | Kind::Int => quote!(::dorm::__private::diesel::sql_types::Integer),
            Kind::Auto(_) | Kind::BigInt => quote!(::dorm::__private::diesel::sql_types::BigInt),
            Kind::Char
            | Kind::Text
            | Kind::Email
            | Kind::Url
            | Kind::Slug
            | Kind::File
            | Kind::Image
            | Kind::Choices => {
                quote!(::dorm::__private::diesel::sql_types::Text)
            }
            Kind::Bool => quote!(::dorm::__private::diesel::sql_types::Bool),
            Kind::Float32 => quote!(::dorm::__private::diesel::sql_types::Float),
            Kind::Float64 => quote!(::dorm::__private::diesel::sql_types::Double),
            Kind::Decimal(p, s, false) => quote!(::dorm::sql_types::FixedDecimal<#p, #s>),
            Kind::Decimal(p, s, true) => quote!(::dorm::sql_types::FixedDecimal<#p, #s, true>),
            Kind::Date => quote!(::dorm::__private::diesel::sql_types::Date),
            Kind::DateTime => quote!(::dorm::sql_types::DateTimeUtc),
            Kind::Time => quote!(::dorm::__private::diesel::sql_types::Time),
            Kind::Json { .. } => quote!(::dorm::sql_types::Json),
            Kind::ForeignKey(16) => quote!(::dorm::__private::diesel::sql_types::SmallInt),
            Kind::ForeignKey(32) => quote!(::dorm::__private::diesel::sql_types::Integer),
            Kind::ForeignKey(64) => quote!(::dorm::__private::diesel::sql_types::BigInt),
            Kind::ForeignKey(_) => quote!(::dorm::__private::diesel::sql_types::Text),
        }
    }

    /// The Rust type a row carries for this column (JSON of a user type goes through `Value`).
    fn row_type(&self) -> TokenStream {
        match self.kind {
            Kind::Json { value: false } if self.nullable => {
                quote!(::core::option::Option<::dorm::__private::serde_json::Value>)
            }
            Kind::Json { value: false } => quote!(::dorm::__private::serde_json::Value),
            _ => self.ty.to_token_stream(),
        }
    }

    /// True when a model reads the field through `dorm::fields::overflow::Stored`, which
    /// refuses a stored integer or decimal that does not fit the field.
    fn read_checked(&self) -> bool {
        matches!(self.kind, Kind::SmallInt | Kind::Int | Kind::BigInt)
    }

    /// The Rust type a model's row holds for the field (`row_type`, checked where
    /// [`read_checked`](Self::read_checked)).
    fn load_type(&self) -> TokenStream {
        if !self.read_checked() {
            return self.row_type();
        }
        let (ty, inner) = (&self.ty, &self.inner);
        if self.nullable {
            quote!(::core::option::Option<::dorm::fields::overflow::Stored<#inner>>)
        } else {
            quote!(::dorm::fields::overflow::Stored<#ty>)
        }
    }

    /// The field's value from `loaded` (of the [`load_type`](Self::load_type)); `label` names
    /// the field in the error for a value that does not fit.
    fn value_from_row(&self, loaded: TokenStream, label: &str) -> TokenStream {
        if self.needs_json() {
            if self.nullable {
                quote!(match #loaded { ::core::option::Option::Some(v) => ::core::option::Option::Some(::dorm::__private::serde_json::from_value(v)?), ::core::option::Option::None => ::core::option::Option::None })
            } else {
                quote!(::dorm::__private::serde_json::from_value(#loaded)?)
            }
        } else if self.read_checked() {
            quote!(::dorm::fields::overflow::StoredRead::checked(#loaded, #label)?)
        } else {
            loaded
        }
    }

    /// The Rust type one value of the column loads as.
    fn value_type(&self) -> TokenStream {
        match (&self.kind, &self.target) {
            (Kind::Auto(16), _) => quote!(i16),
            (Kind::Auto(32), _) => quote!(i32),
            (Kind::Auto(_), _) => quote!(i64),
            (Kind::ForeignKey(_), Some((_, key))) if self.nullable => {
                quote!(::core::option::Option<#key>)
            }
            (Kind::ForeignKey(_), Some((_, key))) => quote!(#key),
            _ => self.row_type(),
        }
    }

    /// What a lookup path past this field means.
    fn path_kind(&self) -> TokenStream {
        match (&self.kind, &self.target) {
            (Kind::ForeignKey(_), Some((target, _))) => {
                quote!(::dorm::relations::ForeignKeyTo<#target>)
            }
            (Kind::Json { .. }, _) => quote!(::dorm::relations::JsonKind),
            _ => quote!(::dorm::relations::Plain),
        }
    }

    fn needs_json(&self) -> bool {
        matches!(self.kind, Kind::Json { value: false })
    }
}

fn err<T>(span: impl Spanned, msg: impl std::fmt::Display) -> syn::Result<T> {
    Err(syn::Error::new(span.span(), msg))
}

fn lit_u32(input: syn::parse::ParseStream) -> syn::Result<u32> {
    input.parse::<syn::LitInt>()?.base10_parse()
}

fn parse_ordered_idents(input: syn::parse::ParseStream) -> syn::Result<Vec<(bool, Ident)>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let desc = input.peek(syn::Token![-]);
        if desc {
            input.parse::<syn::Token![-]>()?;
        }
        out.push((desc, input.parse::<Ident>()?));
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
        }
    }
    Ok(out)
}

fn parse_model_opts(input: &DeriveInput) -> syn::Result<ModelOpts> {
    let mut opts = ModelOpts::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("dorm")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
            match key.as_str() {
                "app_label" => opts.app_label = Some(meta.value()?.parse::<LitStr>()?.value()),
                "db_table" => opts.db_table = Some(meta.value()?.parse::<LitStr>()?.value()),
                "module" => opts.module = Some(meta.value()?.parse::<Ident>()?),
                "verbose_name" => opts.verbose_name = Some(meta.value()?.parse::<LitStr>()?.value()),
                "managed" => opts.unmanaged = !meta.value()?.parse::<syn::LitBool>()?.value,
                "skip_default" => opts.skip_default = true,
                "ordering" => {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    opts.ordering = parse_ordered_idents(&content)?;
                }
                "unique_constraint" | "index" => {
                    let mut name = None;
                    let mut fields = Vec::new();
                    meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("name") {
                            name = Some(inner.value()?.parse::<LitStr>()?.value());
                        } else if inner.path.is_ident("fields") {
                            let content;
                            syn::parenthesized!(content in inner.input);
                            fields = parse_ordered_idents(&content)?;
                        } else {
                            return Err(inner.error("expected `name = \"...\"` or `fields(a, b)`"));
                        }
                        Ok(())
                    })?;
                    if fields.is_empty() {
                        return Err(meta.error(format!("{key} needs `fields(...)`")));
                    }
                    if key == "index" {
                        let name = name.unwrap_or_default();
                        opts.indexes.push((name, fields));
                    } else {
                        let name = name.ok_or_else(|| meta.error("UniqueConstraint.name must be set"))?;
                        if fields.iter().any(|(desc, _)| *desc) {
                            return Err(meta.error("UniqueConstraint fields cannot be descending"));
                        }
                        opts.constraints.push((name, fields.into_iter().map(|(_, f)| f).collect()));
                    }
                }
                _ => {
                    return Err(meta.error(
                        "unknown model option; expected app_label, db_table, module, verbose_name, managed, ordering(...), unique_constraint(...), index(...) or skip_default",
                    ))
                }
            }
            Ok(())
        })?;
    }
    Ok(opts)
}

fn parse_field_opts(field: &syn::Field) -> syn::Result<FieldOpts> {
    let mut opts = FieldOpts::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("dorm")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            match key.as_str() {
                "primary_key" => opts.primary_key = true,
                "max_length" => opts.max_length = Some(lit_u32(meta.value()?)?),
                "text" => opts.text = true,
                "email" => opts.email = true,
                "url" => opts.url = true,
                "slug" => opts.slug = true,
                "file" => opts.file = true,
                "image" => opts.image = true,
                "upload_to" => opts.upload_to = Some(meta.value()?.parse()?),
                "positive" => opts.positive = true,
                "max_digits" => opts.max_digits = Some(lit_u32(meta.value()?)?),
                "decimal_places" => opts.decimal_places = Some(lit_u32(meta.value()?)?),
                "sqlite_numeric" => opts.sqlite_numeric = true,
                "auto_now" => opts.auto_now = true,
                "auto_now_add" => opts.auto_now_add = true,
                "json" => opts.json = true,
                "unique" => opts.unique = true,
                "db_index" => opts.db_index = true,
                "db_column" => opts.db_column = Some(meta.value()?.parse::<LitStr>()?.value()),
                "default" => opts.default = Some(meta.value()?.parse()?),
                "choices" => opts.choices = true,
                "verbose_name" => {
                    opts.verbose_name = Some(meta.value()?.parse::<LitStr>()?.value())
                }
                "related_name" => opts.related_name = Some(meta.value()?.parse::<LitStr>()?),
                "through" => opts.through = Some(meta.value()?.parse()?),
                "through_fields" => {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let a: Ident = content.parse()?;
                    content.parse::<syn::Token![,]>()?;
                    let b: Ident = content.parse()?;
                    opts.through_fields = Some((a, b));
                }
                "symmetrical" => {
                    opts.symmetrical = Some(meta.value()?.parse::<syn::LitBool>()?.value)
                }
                "db_table" => opts.m2m_db_table = Some(meta.value()?.parse::<LitStr>()?.value()),
                "on_delete" => {
                    let rule: Ident = meta.value()?.parse()?;
                    let known = [
                        "cascade",
                        "protect",
                        "restrict",
                        "set_null",
                        "set_default",
                        "do_nothing",
                    ];
                    if !known.contains(&rule.to_string().as_str()) {
                        return Err(syn::Error::new(
                            rule.span(),
                            format!("on_delete is one of {}", known.join(", ")),
                        ));
                    }
                    opts.on_delete = Some(rule);
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown field option `{key}`; see dorm::fields for the options"
                    )))
                }
            }
            Ok(())
        })?;
    }
    Ok(opts)
}

/// A type as written: types that passed through a `macro_rules!` `$t:ty` arrive wrapped in
/// an invisible group.
fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => ungroup(&g.elem),
        Type::Paren(p) => ungroup(&p.elem),
        other => other,
    }
}

/// `Option<T>` -> `Some(T)`.
fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ungroup(ty) else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) => match args.args.first()? {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn last_ident(ty: &Type) -> Option<(String, Option<Type>)> {
    let Type::Path(p) = ungroup(ty) else {
        return None;
    };
    let last = p.path.segments.last()?;
    let arg = match &last.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    };
    Some((last.ident.to_string(), arg))
}

fn classify(ident: &Ident, inner: &Type, opts: &FieldOpts) -> syn::Result<Kind> {
    if opts.choices {
        return Ok(Kind::Choices);
    }
    if opts.json {
        return Ok(Kind::Json { value: false });
    }
    let Some((name, arg)) = last_ident(inner) else {
        return err(inner, "unsupported field type");
    };
    let text_kind = || {
        let flags = [
            opts.email, opts.url, opts.slug, opts.file, opts.image, opts.text,
        ];
        if flags.iter().filter(|f| **f).count() > 1 {
            return err(ident, "choose one of text, email, url, slug, file, image");
        }
        Ok(if opts.email {
            Kind::Email
        } else if opts.url {
            Kind::Url
        } else if opts.slug {
            Kind::Slug
        } else if opts.file {
            Kind::File
        } else if opts.image {
            Kind::Image
        } else if opts.text || opts.max_length.is_none() {
            Kind::Text
        } else {
            Kind::Char
        })
    };
    Ok(match name.as_str() {
        "Auto" => {
            let bits = match arg.as_ref().and_then(last_ident).map(|(n, _)| n) {
                Some(n) if n == "i16" => 16,
                Some(n) if n == "i32" => 32,
                Some(n) if n == "i64" => 64,
                _ => return err(inner, "an auto primary key is `Auto<i64>` (BigAutoField), `Auto<i32>` (AutoField) or `Auto<i16>` (SmallAutoField)"),
            };
            Kind::Auto(bits)
        }
        "String" => text_kind()?,
        "i16" => Kind::SmallInt,
        "i32" => Kind::Int,
        "i64" => Kind::BigInt,
        "bool" => Kind::Bool,
        "f32" => Kind::Float32,
        "f64" => Kind::Float64,
        "Decimal" => {
            let Some(digits) = opts.max_digits else {
                return err(ident, "DecimalFields must define a 'max_digits' attribute: #[dorm(max_digits = 18, decimal_places = 10)]");
            };
            let Some(places) = opts.decimal_places else {
                return err(ident, "DecimalFields must define a 'decimal_places' attribute: #[dorm(max_digits = 18, decimal_places = 10)]");
            };
            if places > digits {
                return err(ident, "'max_digits' must be greater or equal to 'decimal_places'.");
            }
            if digits > 18 {
                return err(ident, "dorm supports DecimalField max_digits up to 18 (SQLite stores decimals as scaled 64-bit integers)");
            }
            Kind::Decimal(digits, places, opts.sqlite_numeric)
        }
        "NaiveDate" => Kind::Date,
        "NaiveTime" => Kind::Time,
        "DateTime" => {
            match arg.as_ref().and_then(last_ident).map(|(n, _)| n) {
                Some(n) if n == "Utc" => Kind::DateTime,
                _ => return err(inner, "a DateTimeField is `chrono::DateTime<Utc>` (dorm stores aware datetimes in UTC, as Django with USE_TZ)"),
            }
        }
        "Value" => Kind::Json { value: true },
        "ForeignKey" | "OneToOne" => {
            let key = foreign_key_parts(inner).map(|(_, k)| k);
            let bits = match key.as_ref().and_then(last_ident).map(|(n, _)| n).as_deref() {
                None | Some("i64") => 64,
                Some("i32") => 32,
                Some("i16") => 16,
                Some("String") => 0,
                Some(_) => return err(inner, "a ForeignKey's key is `i64` (the default), `i32`, `i16` or `String`: the target's primary key type"),
            };
            if opts.on_delete.is_none() {
                return err(ident, "ForeignKey needs `on_delete`: #[dorm(on_delete = cascade)] (or protect, restrict, set_null, set_default, do_nothing)");
            }
            Kind::ForeignKey(bits)
        }
        other => {
            return err(
                inner,
                format!("unsupported field type `{other}`: add #[dorm(choices)] for an enum deriving Choices, or #[dorm(json)] to store it as JSON"),
            )
        }
    })
}

/// Token text as a person writes it: `dorm :: fields :: now ()` becomes `dorm::fields::now()`.
fn tidy_tokens(text: &str) -> String {
    let mut out = text
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ::", "::");
    for (from, to) in [
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" .", "."),
        (". ", "."),
        (" ,", ","),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// `ForeignKey<Target>` / `ForeignKey<Target, Key>` -> (Target, Key).
fn foreign_key_parts(ty: &Type) -> Option<(Type, Type)> {
    let Type::Path(p) = ungroup(ty) else {
        return None;
    };
    let last = p.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let target = types.next()?;
    let key = types.next().unwrap_or_else(|| syn::parse_quote!(i64));
    Some((target, key))
}

fn snake_case(name: &str) -> String {
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
    out
}

fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

pub fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        return err(&input.generics, "a model cannot be generic");
    }
    let Data::Struct(data) = &input.data else {
        return err(
            ident,
            "Model can only be derived for a struct with named fields",
        );
    };
    let Fields::Named(named) = &data.fields else {
        return err(
            ident,
            "Model can only be derived for a struct with named fields",
        );
    };
    let opts = parse_model_opts(&input)?;

    let mut fields = Vec::new();
    let mut m2ms = Vec::new();
    for f in &named.named {
        let fident = f.ident.clone().expect("named");
        let fopts = parse_field_opts(f)?;
        if last_ident(&f.ty).is_some_and(|(n, _)| n == "ManyToMany") {
            let Some((target, key)) = foreign_key_parts(&f.ty) else {
                return err(
                    &f.ty,
                    "declare it `ManyToMany<Target>` (or `ManyToMany<Target, i32>`)",
                );
            };
            if fopts.on_delete.is_some()
                || fopts.primary_key
                || fopts.unique
                || fopts.default.is_some()
            {
                return err(&fident, "a ManyToMany field takes related_name, through, through_fields, symmetrical and db_table only");
            }
            let name = fident.to_string();
            m2ms.push(crate::many_to_many::ManyToManyDef {
                ident: fident,
                name,
                target,
                key,
                related_name: fopts.related_name,
                through: fopts.through,
                through_fields: fopts.through_fields,
                symmetrical: fopts.symmetrical,
                db_table: fopts.m2m_db_table,
            });
            continue;
        }
        if fopts.through.is_some()
            || fopts.through_fields.is_some()
            || fopts.symmetrical.is_some()
            || fopts.m2m_db_table.is_some()
        {
            return err(
                &fident,
                "through, through_fields, symmetrical and db_table apply to ManyToMany fields",
            );
        }
        let (inner, nullable) = match option_inner(&f.ty) {
            Some(t) => (t, true),
            None => (f.ty.clone(), false),
        };
        let kind = classify(&fident, &inner, &fopts)?;
        let name = fident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        if name.chars().count() > crate::names::MAX_NAME_LEN {
            return err(
                &fident,
                format!(
                    "field names may have at most {} characters",
                    crate::names::MAX_NAME_LEN
                ),
            );
        }
        if fopts.sqlite_numeric && !matches!(kind, Kind::Decimal(..)) {
            return err(
                &fident,
                "`sqlite_numeric` applies to DecimalFields (`rust_decimal::Decimal`): it picks Django's storage of decimals on SQLite",
            );
        }
        if fopts.positive && !matches!(kind, Kind::SmallInt | Kind::Int | Kind::BigInt) {
            return err(&fident, "`positive` applies to integer fields");
        }
        if (fopts.auto_now || fopts.auto_now_add) && !matches!(kind, Kind::Date | Kind::DateTime) {
            return err(
                &fident,
                "auto_now and auto_now_add apply to DateField and DateTimeField",
            );
        }
        if fopts.upload_to.is_some() && !matches!(kind, Kind::File | Kind::Image) {
            return err(
                &fident,
                "upload_to applies to file and image fields: add `file` or `image`",
            );
        }
        if matches!(kind, Kind::Auto(_)) && nullable {
            return err(&fident, "a primary key cannot be null");
        }
        let target = if matches!(kind, Kind::ForeignKey(_)) {
            foreign_key_parts(&inner)
        } else {
            None
        };
        if fopts.on_delete.is_some() && target.is_none() {
            return err(&fident, "on_delete applies to ForeignKey fields");
        }
        if fopts.on_delete.as_ref().is_some_and(|r| r == "set_null") && !nullable {
            return err(
                &fident,
                "Field specifies on_delete=SET_NULL, but cannot be null: declare it `Option<ForeignKey<...>>`",
            );
        }
        let one_to_one =
            target.is_some() && last_ident(&inner).is_some_and(|(n, _)| n == "OneToOne");
        fields.push(FieldDef {
            ident: fident,
            name,
            ty: f.ty.clone(),
            inner,
            nullable,
            kind,
            opts: fopts,
            target,
            one_to_one,
        });
    }

    let pks: Vec<&FieldDef> = fields.iter().filter(|f| f.is_pk()).collect();
    let pk = match pks.as_slice() {
        [one] => *one,
        [] => {
            return err(
                ident,
                format!("model `{ident}` has no primary key: add `pub id: dorm::Auto<i64>` (Django adds it implicitly; in Rust the struct holds it)"),
            )
        }
        [_, second, ..] => {
            return err(
                &second.ident,
                format!(
                    "The model cannot have more than one field with 'primary_key=True': `{}` and `{}` of `{ident}`",
                    pks[0].name, second.name
                ),
            )
        }
    };
    if pk.nullable {
        return err(&pk.ident, "a primary key cannot be null");
    }
    let field_names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let check_field = |i: &Ident| -> syn::Result<()> {
        if field_names.contains(&i.to_string().as_str()) {
            Ok(())
        } else {
            err(
                i,
                format!(
                    "`{i}` is not a field of `{ident}`; choices are: {}",
                    field_names.join(", ")
                ),
            )
        }
    };
    for (_, f) in &opts.ordering {
        check_field(f)?;
    }
    for (_, fs) in &opts.constraints {
        fs.iter().try_for_each(check_field)?;
    }
    for (_, fs) in &opts.indexes {
        fs.iter().try_for_each(|(_, f)| check_field(f))?;
    }

    let model_name = ident.to_string();
    let app_label = opts.app_label.clone().unwrap_or_else(|| {
        std::env::var("CARGO_PKG_NAME")
            .unwrap_or_else(|_| "app".into())
            .replace('-', "_")
    });
    let db_table = opts
        .db_table
        .clone()
        .unwrap_or_else(|| format!("{}_{}", app_label, model_name.to_lowercase()));
    // diesel does not allow a column named like its table: `Code { code }` gets `code_table`.
    let module = opts.module.clone().unwrap_or_else(|| {
        let snake = snake_case(&model_name);
        if field_names.contains(&snake.as_str()) {
            format_ident!("{}_table", snake)
        } else {
            format_ident!("{}", snake)
        }
    });
    let verbose_name = opts
        .verbose_name
        .clone()
        .unwrap_or_else(|| snake_case(&model_name).replace('_', " "));
    let managed = !opts.unmanaged;

    // ---- the diesel table
    let pk_ident = &pk.ident;
    let columns = fields.iter().map(|f| {
        let fi = &f.ident;
        let st = f.sql_type();
        let col = f.column();
        if col != f.name {
            quote!(#[sql_name = #col] #fi -> #st,)
        } else {
            quote!(#fi -> #st,)
        }
    });
    let table = quote! {
        ::dorm::__private::diesel::table! {
            #[sql_name = #db_table]
            #module (#pk_ident) {
                #(#columns)*
            }
        }
    };

    // ---- META
    let field_metas = fields.iter().map(|f| {
        let name = &f.name;
        let column = f.column();
        let kind = format_ident!("{}", f.django_kind());
        let null = f.nullable;
        let primary_key = f.is_pk();
        let unique = f.opts.unique || primary_key || f.one_to_one;
        let db_index = f.opts.db_index || matches!(f.kind, Kind::Slug | Kind::ForeignKey(_));
        let max_length = opt_u32(f.max_length());
        let (digits, places) = match f.kind {
            Kind::Decimal(p, s, _) => (opt_u32(Some(p)), opt_u32(Some(s))),
            _ => (opt_u32(None), opt_u32(None)),
        };
        let decimal_storage = if matches!(f.kind, Kind::Decimal(_, _, true)) {
            quote!(::dorm::fields::DecimalStorage::Numeric)
        } else {
            quote!(::dorm::fields::DecimalStorage::Scaled)
        };
        let default = match &f.opts.default {
            None => quote!(::dorm::fields::DefaultMeta::None),
            Some(Expr::Lit(l)) => {
                let text = l.to_token_stream().to_string();
                quote!(::dorm::fields::DefaultMeta::Literal(#text))
            }
            Some(other) => {
                let text = tidy_tokens(&other.to_token_stream().to_string());
                // A call of a function named without a path is recorded with the module it is
                // declared in, so migration files can refer to it from anywhere.
                let local_call = matches!(other, Expr::Call(c) if c.args.is_empty()
                    && matches!(&*c.func, Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1));
                if local_call {
                    quote!(::dorm::fields::DefaultMeta::Callable(concat!(module_path!(), "::", #text)))
                } else {
                    quote!(::dorm::fields::DefaultMeta::Callable(#text))
                }
            }
        };
        let choices = if f.kind == Kind::Choices {
            let inner = &f.inner;
            quote!(<#inner as ::dorm::Choices>::CHOICES)
        } else {
            quote!(&[])
        };
        let auto_now = f.opts.auto_now;
        let auto_now_add = f.opts.auto_now_add;
        let verbose = f
            .opts
            .verbose_name
            .clone()
            .unwrap_or_else(|| f.name.replace('_', " "));
        let (relation, key_kind) = match (&f.target, f.kind, &f.opts.on_delete) {
            (Some((target, _)), Kind::ForeignKey(bits), Some(rule)) => {
                let model = target.to_token_stream().to_string();
                let model = model
                    .rsplit("::")
                    .next()
                    .unwrap_or(&model)
                    .trim()
                    .to_string();
                let rule = format_ident!(
                    "{}",
                    match rule.to_string().as_str() {
                        "cascade" => "Cascade",
                        "protect" => "Protect",
                        "restrict" => "Restrict",
                        "set_null" => "SetNull",
                        "set_default" => "SetDefault",
                        _ => "DoNothing",
                    }
                );
                let key = format_ident!(
                    "{}",
                    match bits {
                        16 => "SmallIntegerField",
                        32 => "IntegerField",
                        64 => "BigIntegerField",
                        _ => "TextField",
                    }
                );
                (
                    quote!(::core::option::Option::Some(::dorm::relations::RelationMeta {
                        model: #model,
                        table: <#target as ::dorm::Model>::DB_TABLE,
                        column: <#target as ::dorm::Model>::PK_COLUMN,
                        on_delete: ::dorm::relations::OnDelete::#rule,
                    })),
                    quote!(::core::option::Option::Some(::dorm::fields::FieldKind::#key)),
                )
            }
            _ => (
                quote!(::core::option::Option::None),
                quote!(::core::option::Option::None),
            ),
        };
        let upload_to = match &f.opts.upload_to {
            Some(p) => {
                let text = tidy_tokens(&p.to_token_stream().to_string());
                // Recorded with its crate and module (`scrapbook::models::venue_directory_path`):
                // what `dorm::fn_ref!` gives in a migration file.
                if p.leading_colon.is_none() && p.segments.len() == 1 {
                    quote!(::core::option::Option::Some(concat!(module_path!(), "::", #text)))
                } else if let Some(rest) = text.strip_prefix("crate::") {
                    let rest = format!("::{rest}");
                    quote!(::core::option::Option::Some(concat!(env!("CARGO_CRATE_NAME"), #rest)))
                } else {
                    quote!(::core::option::Option::Some(#text))
                }
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            ::dorm::fields::FieldMeta {
                name: #name,
                column: #column,
                kind: ::dorm::fields::FieldKind::#kind,
                null: #null,
                primary_key: #primary_key,
                unique: #unique,
                db_index: #db_index,
                max_length: #max_length,
                max_digits: #digits,
                decimal_places: #places,
                decimal_storage: #decimal_storage,
                default: #default,
                choices: #choices,
                auto_now: #auto_now,
                auto_now_add: #auto_now_add,
                verbose_name: #verbose,
                upload_to: #upload_to,
                relation: #relation,
                key_kind: #key_kind,
            }
        }
    });
    let n_fields = fields.len();
    let constraints = opts.constraints.iter().map(|(name, fs)| {
        let fs = fs.iter().map(|f| f.to_string());
        quote!(::dorm::model::ConstraintMeta { name: #name, fields: &[#(#fs),*] })
    });
    let indexes = opts.indexes.iter().map(|(name, fs)| {
        let cols: Vec<String> = fs
            .iter()
            .map(|(desc, f)| format!("{}{}", if *desc { "-" } else { "" }, f))
            .collect();
        let name = if name.is_empty() {
            let plain: Vec<String> = fs.iter().map(|(_, f)| f.to_string()).collect();
            let mut n = format!("{}_{}_idx", model_name.to_lowercase(), plain.join("_"));
            n.truncate(30);
            n
        } else {
            name.clone()
        };
        quote!(::dorm::model::IndexMeta { name: #name, fields: &[#(#cols),*] })
    });
    let ordering_strs = opts
        .ordering
        .iter()
        .map(|(desc, f)| format!("{}{}", if *desc { "-" } else { "" }, f));

    // ---- ordering
    let (ordering_ty, ordering_val) = if opts.ordering.is_empty() {
        (
            quote!(::dorm::queryset::Unordered),
            quote!(::dorm::queryset::Unordered),
        )
    } else {
        let tys = opts.ordering.iter().map(|(desc, f)| {
            let dir = if *desc { quote!(Desc) } else { quote!(Asc) };
            quote!(::dorm::queryset::#dir<::dorm::queryset::Col<#module::#f>>)
        });
        let vals = opts.ordering.iter().map(|(desc, f)| {
            let dir = if *desc { quote!(Desc) } else { quote!(Asc) };
            quote!(::dorm::queryset::#dir(::dorm::queryset::Col(#module::#f)))
        });
        (
            quote!(::dorm::queryset::Ordered<(#(#tys,)*)>),
            quote!(::dorm::queryset::Ordered((#(#vals,)*))),
        )
    };

    // ---- pk access
    let pk_is_auto = matches!(pk.kind, Kind::Auto(_));
    let (pk_value_ty, pk_get, pk_set, pk_clear) = if pk_is_auto {
        let inner = match pk.kind {
            Kind::Auto(16) => quote!(i16),
            Kind::Auto(32) => quote!(i32),
            _ => quote!(i64),
        };
        (
            inner,
            quote!(self.#pk_ident.get()),
            quote!(self.#pk_ident = ::dorm::Auto::new(pk);),
            quote!(self.#pk_ident.clear();),
        )
    } else {
        let ty = &pk.ty;
        (
            quote!(#ty),
            quote!(::core::option::Option::Some(::core::clone::Clone::clone(&self.#pk_ident))),
            quote!(self.#pk_ident = pk;),
            quote!(),
        )
    };

    // ---- pre_save
    let pre_save = fields
        .iter()
        .filter(|f| f.opts.auto_now || f.opts.auto_now_add)
        .map(|f| {
            let fi = &f.ident;
            let now = if f.kind == Kind::Date {
                quote!(::dorm::fields::today())
            } else {
                quote!(::dorm::fields::now())
            };
            let value = if f.nullable {
                quote!(::core::option::Option::Some(#now))
            } else {
                now
            };
            if f.opts.auto_now {
                quote!(self.#fi = #value;)
            } else {
                quote!(if adding { self.#fi = #value; })
            }
        });

    // ---- Field<N> registrations
    let field_impls = fields.iter().enumerate().map(|(i, f)| {
        let name = name_type(&f.name);
        let fi = &f.ident;
        let value = f.value_type();
        let optional = if f.nullable {
            value.clone()
        } else {
            quote!(::core::option::Option<#value>)
        };
        let ty = &f.ty;
        let kind = f.path_kind();
        let (loaded, optional_loaded, value_of, optional_value_of) = if f.read_checked() {
            let inner = &f.inner;
            let label = format!("{ident}.{}", f.name);
            let stored = quote!(::dorm::fields::overflow::Stored<#inner>);
            let loaded = if f.nullable {
                quote!(::core::option::Option<#stored>)
            } else {
                stored.clone()
            };
            let check = quote!(::dorm::fields::overflow::StoredRead::checked(loaded, #label));
            (loaded, quote!(::core::option::Option<#stored>), check.clone(), check)
        } else {
            let ok = quote!(::core::result::Result::Ok(loaded));
            (value.clone(), optional.clone(), ok.clone(), ok)
        };
        quote! {
            impl ::dorm::model::Field<#name> for #ident {
                type Column = #module::#fi;
                type Value = #value;
                type OptionalValue = #optional;
                type Loaded = #loaded;
                type OptionalLoaded = #optional_loaded;
                #[inline(always)]
                fn value_of(loaded: Self::Loaded) -> ::dorm::__private::diesel::deserialize::Result<Self::Value> {
                    #value_of
                }
                #[inline(always)]
                fn optional_value_of(loaded: Self::OptionalLoaded) -> ::dorm::__private::diesel::deserialize::Result<Self::OptionalValue> {
                    #optional_value_of
                }
                type Type = #ty;
                type Kind = #kind;
                fn get(model: &Self) -> &#ty {
                    &model.#fi
                }
                const FIELD: &'static ::dorm::fields::FieldMeta = &#ident::__DORM_FIELDS[#i];
            }
        }
    });
    let pk_index = fields.iter().position(|f| f.is_pk()).expect("pk");
    let pk_ty = &pk.ty;
    let pk_column = pk.column();
    // A foreign key's declared key type must be its target's primary key type.
    let fk_checks = fields
        .iter()
        .filter_map(|f| f.target.as_ref())
        .map(|(target, key)| {
            let span = syn::spanned::Spanned::span(key);
            quote_spanned! {span=>
                const _: () = <<#target as ::dorm::Model>::PkValue as ::dorm::relations::TargetKey<#key, #target>>::CHECKED;
            }
        });
    let fk_checks: Vec<TokenStream> = fk_checks.collect();
    // Reverse relations: the target learns the name under which lookups reach this model
    // (`related_name`, or the model's name in lower case; "+" for none). Two reverse relations
    // of one name, or one named like a field, are conflicting impls: Django's clash checks.
    let mut reverses = Vec::new();
    let mut seen_reverse: Vec<(String, String, String)> = Vec::new();
    for f in &fields {
        let Some((target, _)) = &f.target else {
            continue;
        };
        let name = match &f.opts.related_name {
            Some(n) if n.value() == "+" => continue,
            Some(n) => n.value(),
            None => model_name.to_lowercase(),
        };
        if name.is_empty()
            || name.chars().count() > crate::names::MAX_NAME_LEN
            || !name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            return err(
                &f.ident,
                format!("related_name {name:?} must be an identifier (or \"+\")"),
            );
        }
        let target_text = target.to_token_stream().to_string();
        if let Some(other) = seen_reverse
            .iter()
            .find(|(t, n, _)| *t == target_text && *n == name)
            .map(|(_, _, f)| f.clone())
        {
            return err(
                &f.ident,
                format!(
                    "Reverse query name for '{model_name}.{}' clashes with reverse query name for '{model_name}.{other}'. HINT: Add or change a related_name argument to the definition for '{model_name}.{}' or '{model_name}.{other}'.",
                    f.name, f.name
                ),
            );
        }
        seen_reverse.push((target_text, name.clone(), f.name.clone()));
        let name_ty = name_type(&name);
        let fi = &f.ident;
        let fk_name_ty = name_type(&f.name);
        reverses.push(quote! {
            impl ::dorm::relations::PathStep<#name_ty> for #target {
                type Kind = ::dorm::relations::ReverseOf<#ident, #module::#fi, #fk_name_ty>;
            }
        });
        // The reverse accessor on instances of the target (Django's `blog.entry_set`): a
        // QuerySet, so reading it is an explicit query; the same name is what
        // `prefetch_related!` loads. A one-to-one relation's accessor is singular
        // (`place.restaurant()`): the QuerySet of the one row, read with `.get(conn)`.
        let accessor = match &f.opts.related_name {
            Some(n) => format_ident!("{}", n.value()),
            None if f.one_to_one => format_ident!("{}", model_name.to_lowercase()),
            None => format_ident!("{}_set", model_name.to_lowercase()),
        };
        if !f.one_to_one {
            let accessor_ty = name_type(&accessor.to_string());
            reverses.push(quote! {
                impl ::dorm::relations::Accessor<#accessor_ty> for #target {
                    type Kind = ::dorm::relations::ReverseOf<#ident, #module::#fi, #fk_name_ty>;
                }
            });
        }
        // The reverse names on the target's names struct: the query name, and the accessor
        // (`entry_set`, what `prefetch_related!` reads) when it differs.
        // The reverse names: the query name on the target's names struct, the accessor
        // (`entry_set`, what `prefetch_related!` reads) on its accessors struct.
        let target_fields = fields_struct_of(target)?;
        let target_accessors = accessors_struct_of(target)?;
        let own_fields = format_ident!("{}Fields", ident);
        let own_accessors = format_ident!("{}Accessors", ident);
        let query_name = format_ident!("{}", name);
        let rows = if f.one_to_one {
            quote!(::dorm::names::OneRow)
        } else {
            quote!(::dorm::names::ManyRows)
        };
        reverses.push(quote! {
            #[allow(missing_docs, private_interfaces)]
            impl #target_fields {
                #[inline(always)]
                pub fn #query_name(&self) -> &'static #rows<#own_fields> {
                    <#rows<#own_fields> as ::dorm::names::Names>::NAMES
                }
            }
            #[allow(missing_docs, private_interfaces)]
            impl #target_accessors {
                #[inline(always)]
                pub fn #accessor(&self) -> &'static #rows<#own_accessors> {
                    <#rows<#own_accessors> as ::dorm::names::Names>::NAMES
                }
            }
        });
        let field_name_ty = name_type(&f.name);
        let doc = if f.one_to_one {
            format!(
                "The `{model_name}` row whose `{}` is this row (Django's `{}`), as a QuerySet: `.get(conn)` reads it (`DoesNotExist` when there is none); an error for an unsaved row.",
                f.name, accessor
            )
        } else {
            format!(
                "The `{model_name}` rows whose `{}` points at this row (Django's `{}`): an error for an unsaved row.",
                f.name, accessor
            )
        };
        // The key as the foreign key holds it (the same type: `TargetKey` is the check, at the
        // user's key type, so a mismatch is reported there once).
        let key_ty = &f.target.as_ref().expect("a relation").1;
        let key = quote_spanned!(syn::spanned::Spanned::span(key_ty)=>
            <<#target as ::dorm::Model>::PkValue as ::dorm::relations::TargetKey<#key_ty, #target>>::key(pk)
        );
        reverses.push(quote! {
            impl #target {
                #[doc = #doc]
                pub fn #accessor(&self) -> ::dorm::Result<::dorm::QuerySet<#ident, ::dorm::model::Filtered<#ident, ::dorm::lookups::Lookup<#field_name_ty, ::dorm::lookups::Exact, #key_ty>>>> {
                    let pk = ::dorm::Model::pk(self).ok_or(::dorm::Error::Unsaved {
                        model: <#target as ::dorm::Model>::META.name,
                        action: "follow a reverse relation",
                    })?;
                    ::core::result::Result::Ok(<#ident as ::dorm::Model>::objects().filter(
                        ::dorm::lookups::Lookup::<#field_name_ty, ::dorm::lookups::Exact, _>::new(#key),
                    ))
                }
            }
        });
    }
    let m2m = crate::many_to_many::expand(
        &crate::many_to_many::Owner {
            ident,
            model_name: &model_name,
            module: &module,
            app_label: &app_label,
            db_table: &db_table,
            pk_column: &pk_column,
            pk_sql_type: pk.sql_type(),
            pk_kind: match pk.kind {
                Kind::Auto(16) | Kind::SmallInt => "SmallIntegerField",
                Kind::Auto(32) | Kind::Int => "IntegerField",
                Kind::Auto(_) | Kind::BigInt => "BigIntegerField",
                _ => "TextField",
            },
        },
        &m2ms,
        &mut seen_reverse,
    )?;
    let m2m_items = m2m.items;
    let m2m_metas = m2m.metas;
    let m2m_idents: Vec<&Ident> = m2ms.iter().map(|m| &m.ident).collect();
    let pk_alias = if fields.iter().any(|f| f.name == "pk") {
        quote!()
    } else {
        let name = name_type("pk");
        quote! {
            impl ::dorm::model::Field<#name> for #ident {
                type Column = #module::#pk_ident;
                type Value = #pk_value_ty;
                type OptionalValue = ::core::option::Option<#pk_value_ty>;
                type Loaded = #pk_value_ty;
                type OptionalLoaded = ::core::option::Option<#pk_value_ty>;
                #[inline(always)]
                fn value_of(loaded: Self::Loaded) -> ::dorm::__private::diesel::deserialize::Result<Self::Value> {
                    ::core::result::Result::Ok(loaded)
                }
                #[inline(always)]
                fn optional_value_of(loaded: Self::OptionalLoaded) -> ::dorm::__private::diesel::deserialize::Result<Self::OptionalValue> {
                    ::core::result::Result::Ok(loaded)
                }
                type Type = #pk_ty;
                type Kind = ::dorm::relations::Plain;
                fn get(model: &Self) -> &#pk_ty {
                    &model.#pk_ident
                }
                const FIELD: &'static ::dorm::fields::FieldMeta = &#ident::__DORM_FIELDS[#pk_index];
            }
        }
    };
    let pk_name = name_type(&pk.name);

    let all_idents: Vec<&Ident> = fields.iter().map(|f| &f.ident).collect();
    let all_names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    // The fields struct (see `dorm::model::HasFields`): field lists checked by rustc.
    let fields_ident = format_ident!("{}Fields", ident);
    let columns_ident = format_ident!("{}Columns", ident);
    let columns_doc = format!(
        "The concrete fields of [`{ident}`], for field lists such as `save_update_fields(|f| [f.{}], conn)`.",
        all_names.iter().find(|n| **n != pk.name.as_str()).unwrap_or(&all_names[0])
    );
    let accessors_ident = format_ident!("{}Accessors", ident);
    let accessors_doc = format!(
        "The relations of [`{ident}`] by their accessor names, the names `prefetch_related!` reads."
    );
    // Forward relations by their own names (many-to-many ones are added with them).
    let accessor_methods: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let (target, _) = f.target.as_ref()?;
            let fi = &f.ident;
            let view = quote!(::dorm::names::OneRow<<<#target as ::dorm::model::HasFields>::Fields as ::dorm::names::HasAccessors>::Accessors>);
            Some(quote! {
                #[inline(always)]
                pub fn #fi(&self) -> &'static #view {
                    <#view as ::dorm::names::Names>::NAMES
                }
            })
        })
        .collect();
    let fields_doc = format!(
        "The names a query of [`{ident}`] can use, one method each (fields, relations, `pk`): the macros call them so rustc checks every name."
    );
    let vis = &input.vis;
    // The names struct's methods: one per field (a relation's returns its target's names).
    let mut name_methods: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let fi = &f.ident;
            let view = f.names_view();
            quote! {
                #[inline(always)]
                pub fn #fi(&self) -> &'static #view {
                    <#view as ::dorm::names::Names>::NAMES
                }
            }
        })
        .collect();
    if !fields.iter().any(|f| f.name == "pk") {
        let view = fields
            .iter()
            .find(|f| f.is_pk())
            .map(FieldDef::names_view)
            .unwrap_or_else(|| quote!(::dorm::names::FieldLookups));
        name_methods.push(quote! {
            #[inline(always)]
            pub fn pk(&self) -> &'static #view {
                <#view as ::dorm::names::Names>::NAMES
            }
        });
    }
    // Choices and typed JSON have no placeholder that decodes into their Rust type: they are
    // always loaded (still unreadable through `Partial::get` when deferred).
    let always_loaded: Vec<bool> = fields
        .iter()
        .map(|f| f.kind == Kind::Choices || (f.needs_json() && !f.nullable))
        .collect();

    // ---- Queryable
    let row_types: Vec<TokenStream> = fields.iter().map(FieldDef::load_type).collect();
    let label = |f: &FieldDef| format!("{ident}.{}", f.name);
    let build_fields = fields.iter().enumerate().map(|(i, f)| {
        let fi = &f.ident;
        let idx = syn::Index::from(i);
        let value = f.value_from_row(quote!(row.#idx), &label(f));
        quote!(#fi: #value)
    });

    // ---- QueryableByName (raw SQL): columns by name
    let by_name_bounds: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let rt = f.load_type();
            let st = f.sql_type();
            quote!(#rt: ::dorm::__private::diesel::deserialize::FromSql<#st, __DB>)
        })
        .collect();
    let by_name_fields: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let fi = &f.ident;
            let rt = f.load_type();
            let st = f.sql_type();
            let column = f.column();
            let get =
                quote!(::dorm::__private::diesel::row::NamedRow::get::<#st, #rt>(row, #column)?);
            let value = f.value_from_row(get, &label(f));
            quote!(#fi: #value)
        })
        .collect();

    // ---- Persist
    let persist = persist_impl(ident, &module, &fields, pk);

    // ---- Default
    let default_impl = if opts.skip_default {
        quote!()
    } else {
        let mut checks = Vec::new();
        let inits = fields.iter().map(|f| {
            let fi = &f.ident;
            let value = match (&f.opts.default, f.kind) {
                (Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })), Kind::Choices) => {
                    let inner = &f.inner;
                    let msg = format!(
                        "field `{}` of `{}`: default {:?} is not a valid choice. Value '{}' is not a valid choice of `{}`.",
                        f.name,
                        model_name,
                        s.value(),
                        s.value(),
                        inner.to_token_stream().to_string().replace(' ', "")
                    );
                    let konst = format_ident!("__DORM_DEFAULT_{}_{}", model_name.to_uppercase(), f.name.to_uppercase());
                    checks.push(quote! {
                        #[allow(non_upper_case_globals)]
                        const #konst: #inner = match <#inner>::__dorm_from_value(#s) {
                            ::core::option::Option::Some(v) => v,
                            ::core::option::Option::None => panic!(#msg),
                        };
                    });
                    quote!(#konst)
                }
                (Some(expr), _) => quote!(::core::convert::Into::into(#expr)),
                (None, Kind::Auto(_)) => quote!(::dorm::Auto::unset()),
                (None, Kind::Choices) if !f.nullable => {
                    let inner = &f.inner;
                    quote!(<#inner>::__DORM_FIRST)
                }
                (None, _) => quote!(::core::default::Default::default()),
            };
            let value = if f.nullable && f.opts.default.is_some() {
                quote!(::core::option::Option::Some(#value))
            } else {
                value
            };
            quote!(#fi: #value)
        });
        let inits: Vec<TokenStream> = inits.collect();
        quote! {
            #(#checks)*
            impl ::core::default::Default for #ident {
                /// A new, unsaved instance with every field at its default (Django's `Model()`).
                fn default() -> Self {
                    #ident { #(#inits,)* #(#m2m_idents: ::core::default::Default::default(),)* }
                }
            }
        }
    };

    // ---- accessors: get_FOO_display, upload_FOO
    let accessors = fields.iter().filter_map(|f| {
        let fi = &f.ident;
        if f.kind == Kind::Choices {
            let method = format_ident!("get_{}_display", f.name);
            let doc = format!("The label of `{}`'s choice (Django's `get_{}_display()`).", f.name, f.name);
            return Some(if f.nullable {
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> ::core::option::Option<&'static str> {
                        self.#fi.map(::dorm::Choices::label)
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> &'static str {
                        ::dorm::Choices::label(self.#fi)
                    }
                }
            });
        }
        if let Some(upload_to) = &f.opts.upload_to {
            let method = format_ident!("upload_{}", f.name);
            let doc = format!("Stores `filename` in `{}` under the path `{}` gives it (Django's `upload_to`).", f.name, upload_to.to_token_stream());
            let assign = if f.nullable { quote!(::core::option::Option::Some(path)) } else { quote!(path) };
            let read = if f.nullable { quote!(self.#fi.as_deref().unwrap_or_default()) } else { quote!(self.#fi.as_str()) };
            return Some(quote! {
                #[doc = #doc]
                pub fn #method(&mut self, filename: &str) -> &str {
                    let path: ::std::string::String = ::core::convert::Into::into(#upload_to(&*self, filename));
                    self.#fi = #assign;
                    #read
                }
            });
        }
        None
    });
    let accessors: Vec<TokenStream> = accessors.collect();

    let meta_doc = format!("Everything declared about `{model_name}`.");
    Ok(quote! {
        #table

        impl #ident {
            #[doc(hidden)]
            pub const __DORM_FIELDS: [::dorm::fields::FieldMeta; #n_fields] = [#(#field_metas),*];
            #(#accessors)*
        }

        #[doc = #columns_doc]
        #[allow(missing_docs)]
        #vis struct #columns_ident {
            #(pub #all_idents: ::dorm::model::FieldRef<#ident>,)*
        }

        #[doc = #fields_doc]
        #vis struct #fields_ident;

        #[doc = #accessors_doc]
        #vis struct #accessors_ident;

        impl ::dorm::names::Names for #accessors_ident {
            const NAMES: &'static Self = &#accessors_ident;
        }

        impl ::dorm::names::HasAccessors for #fields_ident {
            type Accessors = #accessors_ident;
        }

        impl ::dorm::names::ModelNames for #fields_ident {
            type Model = #ident;
        }

        impl ::dorm::names::ModelNames for #accessors_ident {
            type Model = #ident;
        }

        /// Past the accessors, the names (so a plain field named in `prefetch_related!` is
        /// reported as one).
        impl ::core::ops::Deref for #accessors_ident {
            type Target = #fields_ident;
            fn deref(&self) -> &#fields_ident {
                <#fields_ident as ::dorm::names::Names>::NAMES
            }
        }

        #[allow(missing_docs, private_interfaces)]
        impl #accessors_ident {
            #(#accessor_methods)*
        }

        impl ::dorm::model::HasFields for #ident {
            type Fields = #fields_ident;
            type Columns = #columns_ident;
            fn columns() -> &'static #columns_ident {
                const COLUMNS: &#columns_ident = &#columns_ident {
                    #(#all_idents: ::dorm::model::FieldRef::__new(#all_names),)*
                };
                COLUMNS
            }
        }

        impl ::dorm::names::Names for #fields_ident {
            const NAMES: &'static Self = &#fields_ident;
        }

        impl ::dorm::names::Hop for #fields_ident {
            type View<K: ::dorm::names::Names> = Self;
        }

        impl ::core::ops::Deref for #fields_ident {
            type Target = ::dorm::names::RelationLookups;
            fn deref(&self) -> &::dorm::names::RelationLookups {
                <::dorm::names::RelationLookups as ::dorm::names::Names>::NAMES
            }
        }

        /// The names a query can use (see `dorm::names::resolve`): rustc checks them.
        #[allow(missing_docs, private_interfaces)]
        impl #fields_ident {
            #(#name_methods)*
        }

        impl ::dorm::Model for #ident {
            #[doc = #meta_doc]
            const META: ::dorm::model::ModelMeta = ::dorm::model::ModelMeta {
                name: #model_name,
                app_label: #app_label,
                db_table: #db_table,
                fields: &#ident::__DORM_FIELDS,
                constraints: &[#(#constraints),*],
                indexes: &[#(#indexes),*],
                ordering: &[#(#ordering_strs),*],
                managed: #managed,
                verbose_name: #verbose_name,
                many_to_many: &[#(#m2m_metas),*],
            };
            const DB_TABLE: &'static str = #db_table;
            const PK_COLUMN: &'static str = #pk_column;
            type Table = #module::table;
            type PkValue = #pk_value_ty;
            type PkColumn = #module::#pk_ident;
            type DefaultOrdering = #ordering_ty;
            fn default_ordering() -> Self::DefaultOrdering {
                #ordering_val
            }
            fn pk(&self) -> ::core::option::Option<#pk_value_ty> {
                #pk_get
            }
            fn set_pk(&mut self, pk: #pk_value_ty) {
                #pk_set
            }
            fn clear_pk(&mut self) {
                #pk_clear
            }
            fn pre_save(&mut self, adding: bool) {
                let _ = adding;
                #(#pre_save)*
            }
        }

        impl ::dorm::queryset::Deferrable for #ident {
            type DeferSelect = (#(::dorm::queryset::MaybeColumn<#module::#all_idents>,)*);
            fn defer_select(loaded: &dyn Fn(&str) -> bool) -> Self::DeferSelect {
                (#(::dorm::queryset::MaybeColumn::new(#module::#all_idents, #always_loaded || loaded(#all_names)),)*)
            }
        }

        impl ::dorm::model::PrimaryKey for #ident {
            type Name = #pk_name;
        }

        #(#field_impls)*
        #pk_alias

        impl<__DB, __ST> ::dorm::__private::diesel::deserialize::Queryable<__ST, __DB> for #ident
        where
            __DB: ::dorm::__private::diesel::backend::Backend,
            (#(#row_types,)*): ::dorm::__private::diesel::deserialize::FromStaticSqlRow<__ST, __DB>,
        {
            type Row = (#(#row_types,)*);
            fn build(row: Self::Row) -> ::dorm::__private::diesel::deserialize::Result<Self> {
                ::core::result::Result::Ok(#ident { #(#build_fields,)* #(#m2m_idents: ::core::default::Default::default(),)* })
            }
        }

        impl<__DB> ::dorm::__private::diesel::deserialize::QueryableByName<__DB> for #ident
        where
            __DB: ::dorm::__private::diesel::backend::Backend,
            #(#by_name_bounds,)*
        {
            fn build<'__a>(row: &impl ::dorm::__private::diesel::row::NamedRow<'__a, __DB>) -> ::dorm::__private::diesel::deserialize::Result<Self> {
                ::core::result::Result::Ok(#ident { #(#by_name_fields,)* #(#m2m_idents: ::core::default::Default::default(),)* })
            }
        }

        #(#fk_checks)*
        #(#reverses)*
        #m2m_items
        #persist
        #default_impl
    })
}

fn persist_impl(ident: &Ident, module: &Ident, fields: &[FieldDef], pk: &FieldDef) -> TokenStream {
    let pk_ident = &pk.ident;
    let pk_st = pk.sql_type();
    let pk_is_auto = matches!(pk.kind, Kind::Auto(_));
    let others: Vec<&FieldDef> = fields.iter().filter(|f| !f.is_pk()).collect();
    let model_name = ident.to_string();

    // JSON conversions for one instance `obj`.
    let json_prep = |obj: TokenStream| {
        let lines = others.iter().filter(|f| f.needs_json()).map(|f| {
            let fi = &f.ident;
            let var = format_ident!("__json_{}", f.name);
            let field = format!("{}.{}", model_name, f.name);
            let conv = if f.nullable {
                quote!(#obj.#fi.as_ref().map(::dorm::__private::serde_json::to_value).transpose())
            } else {
                quote!(::dorm::__private::serde_json::to_value(&#obj.#fi))
            };
            quote! {
                let #var = #conv.map_err(|e| ::dorm::Error::InvalidValue { field: #field.into(), message: e.to_string() })?;
            }
        });
        quote!(#(#lines)*)
    };
    let value_of = |f: &FieldDef, obj: TokenStream| {
        let fi = &f.ident;
        if f.needs_json() {
            let var = format_ident!("__json_{}", f.name);
            quote!(&#var)
        } else {
            quote!(&#obj.#fi)
        }
    };
    let eqs = |obj: TokenStream| {
        let items = others.iter().map(|f| {
            let fi = &f.ident;
            let v = value_of(f, obj.clone());
            let st = f.sql_type();
            quote!(#module::#fi.eq(::dorm::values::bind::<#st, _>(#v)))
        });
        quote!((#(#items,)*))
    };
    let prep_self = json_prep(quote!(self));
    let values_self = eqs(quote!(self));
    let n_cols = others.len() + 1;

    let insert_stmt = |with_pk: bool, returning: bool| {
        let values = if with_pk {
            let items = others.iter().map(|f| {
                let fi = &f.ident;
                let v = value_of(f, quote!(self));
                let st = f.sql_type();
                quote!(#module::#fi.eq(::dorm::values::bind::<#st, _>(#v)))
            });
            quote!((#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk)), #(#items,)*))
        } else {
            values_self.clone()
        };
        let base = if !with_pk && others.is_empty() {
            quote!(diesel::insert_into(#module::table).default_values())
        } else {
            quote!(diesel::insert_into(#module::table).values(#values))
        };
        if returning {
            quote!(#base.returning(#module::#pk_ident).get_result(conn)?)
        } else {
            quote!(#base.execute(conn)?)
        }
    };

    let insert_body = if pk_is_auto {
        let with_pk = insert_stmt(true, false);
        let returning = insert_stmt(false, true);
        let plain = insert_stmt(false, false);
        quote! {
            match ::dorm::Model::pk(self) {
                ::core::option::Option::Some(__pk) => {
                    #with_pk;
                }
                ::core::option::Option::None => {
                    // SQLite: the key is the connection's last rowid (RETURNING costs more there).
                    let __pk = if <__Conn as ::dorm::db::InsertedKeys>::CONSECUTIVE_ROWIDS {
                        #plain;
                        ::dorm::db::last_key(conn)?
                    } else {
                        #returning
                    };
                    ::dorm::Model::set_pk(self, __pk);
                }
            }
        }
    } else {
        let with_pk = insert_stmt(true, false);
        quote! {
            let __pk = ::core::clone::Clone::clone(&self.#pk_ident);
            #with_pk;
        }
    };

    // bulk insert
    let json_vecs = others.iter().filter(|f| f.needs_json()).map(|f| {
        let fi = &f.ident;
        let var = format_ident!("__json_{}", f.name);
        let field = format!("{}.{}", model_name, f.name);
        let conv = if f.nullable {
            quote!(r.#fi.as_ref().map(::dorm::__private::serde_json::to_value).transpose())
        } else {
            quote!(::dorm::__private::serde_json::to_value(&r.#fi))
        };
        quote! {
            let #var: ::std::vec::Vec<_> = chunk.iter().map(|r| #conv).collect::<::core::result::Result<_, _>>()
                .map_err(|e| ::dorm::Error::InvalidValue { field: #field.into(), message: e.to_string() })?;
        }
    });
    let json_vecs: Vec<TokenStream> = json_vecs.collect();
    let row_eqs = |with_pk: bool| {
        let items = others.iter().map(|f| {
            let fi = &f.ident;
            if f.needs_json() {
                let var = format_ident!("__json_{}", f.name);
                let st = f.sql_type();
                quote!(#module::#fi.eq(::dorm::values::bind::<#st, _>(&#var[i])))
            } else {
                let st = f.sql_type();
                quote!(#module::#fi.eq(::dorm::values::bind::<#st, _>(&r.#fi)))
            }
        });
        if with_pk {
            quote!((#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&r.#pk_ident)), #(#items,)*))
        } else {
            quote!((#(#items,)*))
        }
    };
    let rows_without_pk = row_eqs(false);
    let rows_with_pk = row_eqs(true);
    let bulk_body = if pk_is_auto && !others.is_empty() {
        quote! {
            let __per = (::dorm::db::Executor::vendor(conn).max_binds() / #n_cols).max(1);
            if rows.iter().all(|r| ::dorm::Model::pk(r).is_none()) {
                for chunk in rows.chunks_mut(__per) {
                    let __pks: ::std::vec::Vec<<Self as ::dorm::Model>::PkValue> = {
                        #(#json_vecs)*
                        let values: ::std::vec::Vec<_> = chunk.iter().enumerate().map(|(i, r)| { let _ = i; #rows_without_pk }).collect();
                        if <__Conn as ::dorm::db::InsertedKeys>::CONSECUTIVE_ROWIDS {
                            // SQLite: one INSERT gives its rows consecutive rowids (AUTOINCREMENT,
                            // one writer), so the keys follow from the last one; RETURNING would
                            // buffer every row first.
                            // A single row is inserted as one (a statement with a static query
                            // id, prepared once per connection); several as a batch.
                            let __n = match <[_; 1]>::try_from(values) {
                                ::core::result::Result::Ok([one]) => diesel::insert_into(#module::table).values(one).execute(conn)?,
                                ::core::result::Result::Err(values) => diesel::insert_into(#module::table).values(values).execute(conn)?,
                            };
                            ::dorm::db::consecutive_keys(__n, conn)?
                        } else {
                            match <[_; 1]>::try_from(values) {
                                ::core::result::Result::Ok([one]) => diesel::insert_into(#module::table).values(one).returning(#module::#pk_ident).get_results(conn)?,
                                ::core::result::Result::Err(values) => diesel::insert_into(#module::table).values(values).returning(#module::#pk_ident).get_results(conn)?,
                            }
                        }
                    };
                    for (r, pk) in chunk.iter_mut().zip(__pks) {
                        ::dorm::Model::set_pk(r, pk);
                    }
                }
            } else {
                for r in rows.iter_mut() {
                    <Self as ::dorm::model::Persist<__Conn>>::insert_row(r, conn)?;
                }
            }
        }
    } else if pk_is_auto {
        quote! {
            for r in rows.iter_mut() {
                <Self as ::dorm::model::Persist<__Conn>>::insert_row(r, conn)?;
            }
        }
    } else {
        quote! {
            let __per = (::dorm::db::Executor::vendor(conn).max_binds() / #n_cols).max(1);
            for chunk in rows.chunks_mut(__per) {
                #(#json_vecs)*
                let values: ::std::vec::Vec<_> = chunk.iter().enumerate().map(|(i, r)| { let _ = i; #rows_with_pk }).collect();
                diesel::insert_into(#module::table).values(values).execute(conn)?;
            }
        }
    };

    let changes = others.iter().map(|f| {
        let fi = &f.ident;
        let name = &f.name;
        let v = value_of(f, quote!(self));
        let st = f.sql_type();
        quote!(if __only(#name) { ::core::option::Option::Some(#module::#fi.eq(::dorm::values::bind::<#st, _>(#v))) } else { ::core::option::Option::None })
    });
    let names = others.iter().map(|f| f.name.as_str());
    let update_body = if others.is_empty() {
        quote! {
            let _ = fields;
            let n: i64 = #module::table.filter(#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk))).count().get_result(conn)?;
            ::core::result::Result::Ok(n as usize)
        }
    } else {
        quote! {
            let __only = |name: &str| fields.map_or(true, |f| f.contains(&name));
            if ![#(#names),*].iter().any(|n| __only(n)) {
                let n: i64 = #module::table.filter(#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk))).count().get_result(conn)?;
                return ::core::result::Result::Ok(n as usize);
            }
            let __changes = (#(#changes,)*);
            ::core::result::Result::Ok(diesel::update(#module::table.filter(#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk)))).set(__changes).execute(conn)?)
        }
    };

    let body = quote! {
        impl ::dorm::model::Persist<__Conn> for #ident {
            fn insert_row(&mut self, conn: &mut __Conn) -> ::dorm::Result<()> {
                use ::dorm::__private::diesel::{self, prelude::*};
                self.__dorm_check_limits(::core::option::Option::None)?;
                #prep_self
                #insert_body
                ::core::result::Result::Ok(())
            }
            fn insert_rows(rows: &mut [Self], conn: &mut __Conn) -> ::dorm::Result<()> {
                use ::dorm::__private::diesel::{self, prelude::*};
                for r in rows.iter() {
                    r.__dorm_check_limits(::core::option::Option::None)?;
                }
                #bulk_body
                ::core::result::Result::Ok(())
            }
            fn update_row(&self, conn: &mut __Conn, fields: ::core::option::Option<&[&str]>) -> ::dorm::Result<usize> {
                use ::dorm::__private::diesel::{self, prelude::*};
                let ::core::option::Option::Some(__pk) = ::dorm::Model::pk(self) else {
                    return ::core::result::Result::Ok(0);
                };
                self.__dorm_check_limits(fields)?;
                #prep_self
                #update_body
            }
            fn delete_row(&self, conn: &mut __Conn) -> ::dorm::Result<usize> {
                use ::dorm::__private::diesel::{self, prelude::*};
                let ::core::option::Option::Some(__pk) = ::dorm::Model::pk(self) else {
                    return ::core::result::Result::Ok(0);
                };
                ::core::result::Result::Ok(diesel::delete(#module::table.filter(#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk)))).execute(conn)?)
            }
            fn fetch_by_pk(__pk: <Self as ::dorm::Model>::PkValue, conn: &mut __Conn) -> ::dorm::Result<::core::option::Option<Self>> {
                use ::dorm::__private::diesel::{self, prelude::*};
                ::core::result::Result::Ok(#module::table.filter(#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk))).first::<Self>(conn).optional()?)
            }
            fn fetch_row(&self, conn: &mut __Conn) -> ::dorm::Result<::core::option::Option<Self>> {
                use ::dorm::__private::diesel::{self, prelude::*};
                let ::core::option::Option::Some(__pk) = ::dorm::Model::pk(self) else {
                    return ::core::result::Result::Ok(::core::option::Option::None);
                };
                ::core::result::Result::Ok(#module::table.filter(#module::#pk_ident.eq(::dorm::values::bind::<#pk_st, _>(&__pk))).first::<Self>(conn).optional()?)
            }
        }
    };
    let limit_checks = others.iter().filter_map(|f| {
        let limit = match f.kind {
            Kind::Char
            | Kind::Text
            | Kind::Email
            | Kind::Url
            | Kind::Slug
            | Kind::File
            | Kind::Image => {
                let max = opt_u32(f.max_length());
                quote!(::dorm::fields::limits::Limit::Text(#max))
            }
            Kind::Decimal(p, s, _) => quote!(::dorm::fields::limits::Limit::Decimal(#p, #s)),
            Kind::DateTime => quote!(::dorm::fields::limits::Limit::DateTime),
            _ => return None,
        };
        let fi = &f.ident;
        let name = &f.name;
        let label = format!("{}.{}", model_name, f.name);
        Some(quote! {
            if __only(#name) {
                ::dorm::fields::limits::WithinLimits::check(&self.#fi, #label, #limit)?;
            }
        })
    });
    quote! {
        impl #ident {
            /// The limits every backend enforces alike (`max_length`, NUL characters, decimal
            /// digits, datetime range), checked before a write of `fields` (all when `None`).
            #[doc(hidden)]
            pub fn __dorm_check_limits(&self, fields: ::core::option::Option<&[&str]>) -> ::dorm::Result<()> {
                let __only = |name: &str| fields.map_or(true, |f| f.contains(&name));
                let _ = &__only;
                #(#limit_checks)*
                ::core::result::Result::Ok(())
            }
        }
        ::dorm::__dorm_on_sqlite! { #body }
        ::dorm::__dorm_on_postgres! { #body }
    }
}

/// The names struct of a relation's target: `crate::models::Blog` gives
/// `crate::models::BlogFields` (the derive names it `{Model}Fields`, next to the model).
pub(crate) fn fields_struct_of(target: &Type) -> syn::Result<TokenStream> {
    struct_of(target, "Fields")
}

/// The accessor names struct of a relation's target (`crate::models::BlogAccessors`).
pub(crate) fn accessors_struct_of(target: &Type) -> syn::Result<TokenStream> {
    struct_of(target, "Accessors")
}

/// `{Model}{suffix}`, next to the model named by `target`.
fn struct_of(target: &Type, suffix: &str) -> syn::Result<TokenStream> {
    let Type::Path(path) = target else {
        return Err(syn::Error::new_spanned(
            target,
            "name the related model by its path, e.g. `ForeignKey<Blog>`",
        ));
    };
    let mut path = path.clone();
    let last = path.path.segments.last_mut().ok_or_else(|| {
        syn::Error::new_spanned(target, "name the related model, e.g. `ForeignKey<Blog>`")
    })?;
    last.ident = format_ident!("{}{}", last.ident, suffix);
    last.arguments = PathArguments::None;
    Ok(quote!(#path))
}
