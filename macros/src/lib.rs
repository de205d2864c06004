//! Procedural macros for dorm. Syntax only: they parse, validate what can be validated from
//! the tokens alone, and expand to uses of traits in `dorm`. Names are never resolved here:
//! the type system resolves them, so the compiler reports unknown fields and misfit lookups.
//! Errors are `syn::Error`s with a span and a fix, never panics.

use proc_macro::TokenStream;

mod choices;
mod expressions;
mod inherit;
mod lookups;
mod many_to_many;
mod model;
mod names;
mod relations;
mod resolve;

/// Declares a model; see the `dorm` crate's `model` module for what it generates and
/// `dorm::fields` for the field options.
#[proc_macro_derive(Model, attributes(dorm))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a choices enum: `#[choice("de", "Germany")]` on each unit variant.
#[proc_macro_derive(Choices, attributes(choice))]
pub fn derive_choices(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    choices::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `filter!(qs, field__lookup = value, ...)`: the rows of `qs` matching every lookup.
#[proc_macro]
pub fn filter(input: TokenStream) -> TokenStream {
    lookups::filter(input.into(), false)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `exclude!(qs, field__lookup = value, ...)`: the rows of `qs` for which the lookups are not
/// all true.
#[proc_macro]
pub fn exclude(input: TokenStream) -> TokenStream {
    lookups::filter(input.into(), true)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `q!(field__lookup = value, ...)`: a condition as a value (Django's `Q`), combinable with
/// `&`, `|` and `!`, and usable as a positional argument of `filter!`/`exclude!`.
#[proc_macro]
pub fn q(input: TokenStream) -> TokenStream {
    lookups::q(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `values_list!(qs, first_name, last_name)`: the fields' values as typed tuples (a flat value
/// for one field), run with `.fetch(conn)`.
#[proc_macro]
pub fn values_list(input: TokenStream) -> TokenStream {
    lookups::projection(input.into(), "values_list")
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `values!(qs, first_name, last_name)`: Django's `values()`, typed: each row is a tuple in the
/// order the fields are named (a plain value for one field), run with `.fetch(conn)`.
#[proc_macro]
pub fn values(input: TokenStream) -> TokenStream {
    lookups::projection(input.into(), "values_list")
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `only!(qs, field, ...)`: load only these fields (and the primary key).
#[proc_macro]
pub fn only(input: TokenStream) -> TokenStream {
    lookups::projection(input.into(), "only")
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `defer!(qs, field, ...)`: load every field except these.
#[proc_macro]
pub fn defer(input: TokenStream) -> TokenStream {
    lookups::projection(input.into(), "defer")
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `distinct_on!(qs, field, ...)`: `SELECT DISTINCT ON (...)`, PostgreSQL only.
#[proc_macro]
pub fn distinct_on(input: TokenStream) -> TokenStream {
    lookups::projection(input.into(), "distinct_on")
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `order_by!(qs, -pub_date, headline)`: order by fields, `-` for descending.
#[proc_macro]
pub fn order_by(input: TokenStream) -> TokenStream {
    lookups::order_by(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `update!(qs, field = value, ...)`: an `UPDATE` of every row of `qs`, run with
/// `.execute(&mut conn)`.
#[proc_macro]
pub fn update(input: TokenStream) -> TokenStream {
    lookups::update(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `select_related!(qs, blog, blog__owner)`: load the rows these foreign keys point at in the
/// same query, joined (Django's `select_related`).
#[proc_macro]
pub fn select_related(input: TokenStream) -> TokenStream {
    relations::select_related(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `prefetch_related!(qs, entry_set, entry_set__authors, books = qs)`: load reverse and
/// many-to-many relations in one extra query each (Django's `prefetch_related`; `name = qs`
/// is Django's `Prefetch(name, queryset=qs)`).
#[proc_macro]
pub fn prefetch_related(input: TokenStream) -> TokenStream {
    relations::prefetch_related(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `related!(entry.blog)`: what `select_related!`/`prefetch_related!` loaded for the relation
/// `blog` of the row `entry` (a compile error when the query did not load it).
#[proc_macro]
pub fn related(input: TokenStream) -> TokenStream {
    relations::related(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `annotate!(qs, n = Count(entries), ...)`: adds a named value to each row (or, after
/// `values!`, an aggregate to each group). See `dorm::queryset::Annotated`.
#[proc_macro]
pub fn annotate(input: TokenStream) -> TokenStream {
    expressions::annotate(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `aggregate!(qs, max_age = Max(age), ...)`: values over every row of the QuerySet, run with
/// `.fetch(conn)`: one value, or a tuple of them in the order named.
#[proc_macro]
pub fn aggregate(input: TokenStream) -> TokenStream {
    expressions::aggregate(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `name!(headline)`: the type-level name of a field (`dorm::names::Name<'h', 'e', ...>`).
#[proc_macro]
pub fn name(input: TokenStream) -> TokenStream {
    let ident = syn::parse_macro_input!(input as syn::Ident);
    names::name_type(&ident.to_string()).into()
}

/// `field!(pub_date)`: a field named by value, for `earliest`/`latest` and friends.
#[proc_macro]
pub fn field(input: TokenStream) -> TokenStream {
    let ident = syn::parse_macro_input!(input as syn::Ident);
    let ty = names::name_type(&ident.to_string());
    quote::quote!(::dorm::queryset::ByName::<#ty>::new()).into()
}

/// `#[abstract_model]` on a struct: its fields are added to every model that
/// `#[extends(ThisStruct)]` (Django's `class Meta: abstract = True`).
#[proc_macro_attribute]
pub fn abstract_model(attr: TokenStream, item: TokenStream) -> TokenStream {
    inherit::abstract_model(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[extends(TimeStampedModel)]` above `#[derive(Model)]`: adds the abstract base's fields.
#[proc_macro_attribute]
pub fn extends(attr: TokenStream, item: TokenStream) -> TokenStream {
    inherit::extends(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
