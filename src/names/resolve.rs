//! rustc resolves the names: every name a macro reads (`filter!(qs, blog__name = ..)`,
//! `order_by!(qs, -n_entries)`, `values!(qs, headline)`...) is also written as a method call on
//! the QuerySet's *names struct*, with the user's span on the method name, so an unknown name
//! is rustc's own error at the user's token, with its "there is a method `name` with a similar
//! name" suggestion:
//!
//! ```text
//! error[E0599]: no method named `nmae` found for reference `&'static PersonFields` in the current scope
//!  --> src/main.rs:4:40
//!   |
//! 4 |     let _ = filter!(Person::objects(), nmae = "Ann");
//!   |                                        ^^^^
//!   |
//! help: there is a method `name` with a similar name
//! ```
//!
//! The names struct of a model is `PersonFields` (see [`crate::model::HasFields`]): the derive
//! gives it one method per field, relation (forward, reverse, many-to-many) and `pk`.
//! - A relation's method returns [`OneRow`] or [`ManyRows`] of the target's names struct, so
//!   `blog__name` is `f.blog().name()`, and `select_related!`/`prefetch_related!` call their
//!   verb after each relation (only [`OneRow`] has `select_related`).
//! - A plain field's returns its kind's lookups ([`kinds`], such as
//!   `kinds::IntegerFieldLookups`; [`WithIsNull`] around them when the field is nullable), whose
//!   methods are the lookups and transforms that kind has: `age__icontains` is "no method named
//!   `icontains` found for `&IntegerFieldLookups`", `headline__startwith` suggests
//!   `startswith`.
//! - A JSON field's returns [`JsonKeys`], after which any key is accepted ([`Hop::via`] goes to
//!   a struct the macro writes with the keys the call names).
//! - Every names struct derefs to [`RelationLookups`] (`blog__in`, `entry__isnull`).
//!
//! `annotate!` adds a struct of its own that derefs to the names before it ([`AddsNames`]), so
//! annotations resolve the same way; an annotation's method returns [`FieldLookups`] (every
//! lookup: its type is checked where the condition is built).
//!
//! Values and aggregates are checked here too, where the field's kind is known: a lookup that
//! compares (`exact`, `gt`...) returns [`Compares`] of the field's SQL type and a text lookup
//! [`Matches`], whose `value` method takes the user's value (a literal, a variable, a field of
//! one), so `age = "x"` is reported at `"x"`; [`aggregate`] checks `Sum(name)` against the
//! field's SQL type.
//!
//! The check is only for the diagnostics: the query is still built from the type-level
//! [`super::Name`]s. When a name is unknown, the closure's value has rustc's error type, and
//! [`CheckNames::__dorm_checked`] (or [`checked`]) hands that type on in place of the
//! QuerySet, which silences every follow-on error of the same mistake.

/// A struct whose methods are the names a scope knows, with its one (zero-sized) instance.
pub trait Names: 'static {
    /// The instance the name methods are called on.
    const NAMES: &'static Self;
}

/// The names a QuerySet, a manager or a related manager lets its macros use: the model's
/// fields struct, extended by each `annotate!`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a QuerySet",
    label = "dorm's macros take a QuerySet, `Model::objects()` or a related manager first"
)]
pub trait NamesIn {
    /// The names struct.
    type Names: Names;
    /// The model's own fields struct (its fields and relations, without annotations): what a
    /// new annotation's name must not be (see [`Fresh`]).
    type Own: Names;
}

impl<Q: NamesIn + ?Sized> NamesIn for &Q {
    type Names = Q::Names;
    type Own = Q::Own;
}

/// A model instance, by mutable reference: the receiver of `update!(instance, ...)`.
impl<M: HasFields> NamesIn for &mut M {
    type Names = M::Fields;
    type Own = M::Fields;
}

/// The names of one macro call, as a list `(name, (name, ()))`; what [`checked`] returns.
pub trait NameList<Q> {
    /// `Q` itself: or rustc's error type when a name in the list is unknown.
    type Out;
    /// Hands the QuerySet on.
    fn pass(q: Q) -> Self::Out;
}

impl<Q> NameList<Q> for () {
    type Out = Q;
    #[inline(always)]
    fn pass(q: Q) -> Q {
        q
    }
}

impl<Q, R: NameList<Q>> NameList<Q> for (Valid, R) {
    type Out = R::Out;
    #[inline(always)]
    fn pass(q: Q) -> R::Out {
        R::pass(q)
    }
}

impl<Q, A: ?Sized, R: NameList<Q>> NameList<Q> for (&A, R) {
    type Out = R::Out;
    #[inline(always)]
    fn pass(q: Q) -> R::Out {
        R::pass(q)
    }
}

/// `q` unchanged, once rustc has resolved `names` against its names struct. Written by the
/// macros; the closure is never called.
///
/// ```
/// use dorm::prelude::*;
/// use dorm::fields::Auto;
///
/// #[derive(Debug, Clone, dorm::Model)]
/// #[dorm(app_label = "docs")]
/// pub struct Person {
///     id: Auto<i64>,
///     name: String,
/// }
///
/// // `f.nmae()` would not compile: "no method named `nmae` ... a method `name` exists".
/// let objects: dorm::model::Manager<Person> =
///     dorm::names::checked(Person::objects(), |f| (f.name(), (f.pk(), ())));
/// let _ = objects;
/// ```
#[inline(always)]
pub fn checked<Q: NamesIn, C: NameList<Q>>(
    q: Q,
    _names: impl FnOnce(&'static Q::Names) -> C,
) -> C::Out {
    C::pass(q)
}

/// [`checked`] as a method, so the receiver is taken as a method call takes it (by value, or
/// borrowed: `update!(instance, ...)` borrows the instance mutably). The macros call it with
/// the trait imported as `_`.
pub trait CheckNames: NamesIn + Sized {
    /// `self`, once rustc has resolved `names`.
    #[inline(always)]
    fn __dorm_checked<C: NameList<Self>>(
        self,
        _names: impl FnOnce(&'static Self::Names) -> C,
    ) -> C::Out {
        C::pass(self)
    }
}

impl<Q: NamesIn> CheckNames for Q {}

/// What a new annotation's name resolves to on the model's own fields struct when it is not a
/// field or relation there: the macro gives each name a fallback method returning this.
#[derive(Debug, Clone, Copy)]
pub struct FreshName;

/// A name a new annotation may take: not a field or relation of the model (written by
/// `annotate!` for each new name, on what the name resolves to in the model's own fields
/// struct).
#[diagnostic::on_unimplemented(
    message = "The annotation conflicts with a field on the model",
    label = "this name is a field or a relation of the model",
    note = "Django: ValueError: The annotation '...' conflicts with a field on the model. Choose another name for the annotation"
)]
pub trait Fresh {
    /// The check's result.
    fn fresh(&self) -> Valid;
}
#[diagnostic::do_not_recommend]
impl Fresh for FreshName {
    #[inline(always)]
    fn fresh(&self) -> Valid {
        Valid
    }
}

/// `self`, once rustc has checked `names` against the model's own fields struct (see
/// [`Fresh`]). Written by `annotate!`; the closure is never called.
pub trait CheckFresh: NamesIn + Sized {
    /// `self`, once rustc has resolved `names`.
    #[inline(always)]
    fn __dorm_fresh<C: NameList<Self>>(
        self,
        _names: impl FnOnce(&'static Self::Own) -> C,
    ) -> C::Out {
        C::pass(self)
    }
}

impl<Q: NamesIn> CheckFresh for Q {}

/// What comes after a name in a path: for a relation, the target's names; for a plain field,
/// its lookups; for a JSON field, the keys the macro call names (`K`, a struct the macro
/// writes with one method per key).
pub trait Hop: 'static {
    /// The names the next part of the path is resolved in.
    type View<K: Names>: Names;
    /// The next part's names.
    #[inline(always)]
    fn via<K: Names>(&self) -> &'static Self::View<K> {
        <Self::View<K> as Names>::NAMES
    }
}

/// After an annotation: every lookup and transform Django knows (the annotation's type is
/// checked where the condition is built).
pub struct FieldLookups;

impl Names for FieldLookups {
    const NAMES: &'static Self = &FieldLookups;
}

impl Hop for FieldLookups {
    type View<K: Names> = FieldLookups;
}

impl FieldLookups {
    /// An annotation's or a JSON key's value: checked where the condition is built.
    #[inline(always)]
    pub fn value<V: ?Sized>(&self, _value: &V) -> Valid {
        Valid
    }
}

/// What a value or an aggregate the names check accepts leaves in the list: rustc's error
/// type stands in its place when the check refuses it, which silences the follow-on errors.
#[derive(Debug, Clone, Copy)]
pub struct Valid;

/// After a lookup that compares (`exact`, `gt`, `lte`...) on a field of SQL type `ST`: the
/// value, which must be a [`crate::values::SqlValue`] of `ST`.
pub struct Compares<ST>(std::marker::PhantomData<fn() -> ST>);

impl<ST: 'static> Names for Compares<ST> {
    const NAMES: &'static Self = &Compares(std::marker::PhantomData);
}

impl<ST> Compares<ST> {
    /// The lookup's value: `Valid` when it fits the field, rustc's error type (and an error at
    /// the value) when it does not.
    #[inline(always)]
    pub fn value<V: crate::values::ValueFor<ST> + ?Sized>(
        &self,
        _value: &V,
    ) -> <V::Ok as Fits>::Valid {
        <V::Ok as Fits>::VALID
    }
}

/// A view after a lookup whose value is checked by trait `$check`: the struct, its one
/// instance, and the `value` method the macros call with the user's value.
macro_rules! value_view {
    ($(#[$doc:meta])* $view:ident: $check:ident, $value_doc:literal) => {
        $(#[$doc])*
        pub struct $view;

        impl Names for $view {
            const NAMES: &'static Self = &$view;
        }

        impl $view {
            #[doc = $value_doc]
            #[inline(always)]
            pub fn value<V: $check + ?Sized>(&self, _value: &V) -> <V::Ok as Fits>::Valid {
                <V::Ok as Fits>::VALID
            }
        }
    };
}

value_view!(
    /// After an ordering lookup (`gt`, `lte`...) on a boolean, which dorm does not order: every
    /// value is refused, at the value.
    NoOrder: OrderedFor,
    "The lookup's value: refused, whatever it is."
);

/// An [`OrderedBoolean`], as the check asks for it.
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup on a BooleanField: it has no order",
    label = "dorm compares booleans with `exact` and `in`, not with <, <=, >, >= or `range`",
    note = "Django: FieldError: Unsupported lookup for this field"
)]
pub trait OrderedFor {
    /// Never reached.
    type Ok;
}

#[diagnostic::do_not_recommend]
impl<V: OrderedBoolean + ?Sized> OrderedFor for V {
    type Ok = V::Ok;
}

/// Nothing: a boolean has no order in dorm (the trait has no impls, so that its message is
/// the error of `active__gt = false`).
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup on a BooleanField: it has no order",
    label = "dorm compares booleans with `exact` and `in`, not with <, <=, >, >= or `range`",
    note = "Django: FieldError: Unsupported lookup for this field"
)]
pub trait OrderedBoolean {
    /// Never reached.
    type Ok;
}

value_view!(
    /// After a text lookup (`icontains`, `startswith`, `regex`...): the value, a string.
    Matches: TextFor,
    "The lookup's value: `Valid` when it is a string, rustc's error type when it is not."
);

/// A text lookup's value, in the words of [`TextValue`](crate::lookups::TextValue).
#[diagnostic::on_unimplemented(
    message = "a text lookup needs a string value, not `{Self}`",
    label = "expected `&str` or `String`"
)]
pub trait TextFor {
    /// [`Valid`].
    type Ok;
}

#[diagnostic::do_not_recommend]
impl<V: crate::values::ValueOf<diesel::sql_types::Text> + ?Sized> TextFor for V {
    type Ok = <V as crate::values::ValueOf<diesel::sql_types::Text>>::Ok;
}

/// An aggregate function `A` (`SumFn`, `AvgFn`...) over a path that ends at this view: a
/// field's kind checks its SQL type, anything else (a relation for `Count`, an annotation, a
/// JSON key) is left to the full check.
#[diagnostic::on_unimplemented(
    message = "Cannot compute `{A}` over a field of kind `{Self}`",
    label = "this aggregate does not fit the field's type",
    note = "Sum, Avg, StdDev and Variance need numbers; Max and Min need ordered values; Count takes anything"
)]
pub trait AggregateView<A> {
    /// [`Valid`], or the aggregate's result type.
    type Ok;
}

/// The views whose type is checked later pass a check (`Ok = Valid`): an annotation's
/// lookups, a JSON key, a relation (`Count(entry)`).
macro_rules! untyped_views {
    ([$($p:ident),*] $trait:path) => {
        untyped_views!(@one [$($p),*] $trait; FieldLookups);
        untyped_views!(@one [$($p),*] $trait; JsonKeys);
        untyped_views!(@one [$($p),*] $trait; RelationLookups);
        untyped_views!(@one [$($p,)* T] $trait; OneRow<T>);
        untyped_views!(@one [$($p,)* T] $trait; ManyRows<T>);
    };
    (@one [$($p:ident),*] $trait:path; $view:ty) => {
        #[diagnostic::do_not_recommend]
        impl<$($p),*> $trait for $view {
            type Ok = Valid;
        }
    };
}

untyped_views!([A] AggregateView<A>);

/// A field's kind (nullable or not) checks the aggregate against its SQL type.
#[diagnostic::do_not_recommend]
impl<A: crate::aggregates::AggregateOf<K::Sql>, K: KindSql> AggregateView<A> for K {
    type Ok = <A as crate::aggregates::AggregateOf<K::Sql>>::Out;
}

/// `Sum(path)` (and each aggregate over one path): the aggregate checked against the kind the
/// path ends at, reported in the words of [`crate::aggregates::AggregateOf`].
#[inline(always)]
pub fn aggregate<A, V: AggregateFor<A> + ?Sized>(_path: &V) -> <V::Ok as Fits>::Valid {
    <V::Ok as Fits>::VALID
}

/// An [`AggregateView`], reported in words.
#[diagnostic::on_unimplemented(
    message = "Cannot compute `{A}` over a field of kind `{Self}`",
    label = "this aggregate does not fit the field's type",
    note = "Sum, Avg, StdDev and Variance need numbers; Max and Min need ordered values; Count takes anything"
)]
pub trait AggregateFor<A> {
    /// [`AggregateView::Ok`].
    type Ok;
}

#[diagnostic::do_not_recommend]
impl<A, V: AggregateView<A> + ?Sized> AggregateFor<A> for V {
    type Ok = <V as AggregateView<A>>::Ok;
}

/// What a check's result (a value's [`Valid`], an aggregate's result type) leaves in the list:
/// [`Valid`]. A check rustc refuses leaves its result unknown, and so this projection, which
/// is what silences the follow-on errors.
pub trait Fits {
    /// [`Valid`].
    type Valid;
    /// The one value.
    const VALID: Self::Valid;
}

impl<T: ?Sized> Fits for T {
    type Valid = Valid;
    const VALID: Valid = Valid;
}

/// A check of the kinds of field a function takes: the view trait, implemented by every kind
/// through the SQL type gate the function itself asks for (so its message is the error), and
/// by the views whose type is checked later; its blanket form, whose method is the check the
/// macros call (`DateInputFor::date_input(path)`).
macro_rules! kind_gate {
    ($(#[$doc:meta])* $check:ident, $view:ident, $for:ident, $gate:path) => {
        #[doc = concat!("The views [`", stringify!($for), "::", stringify!($check), "`] accepts.")]
        pub trait $view {
            /// [`Valid`].
            type Ok;
        }
        impl<K: KindSql> $view for K
        where
            K::Sql: $gate,
        {
            type Ok = <K::Sql as $gate>::Checked;
        }
        untyped_views!([] $view);
        #[doc = concat!("A [`", stringify!($view), "`], as the check asks for it.")]
        pub trait $for {
            /// [`Valid`].
            type Ok;
            $(#[$doc])*
            #[inline(always)]
            fn $check(&self) -> <Self::Ok as Fits>::Valid {
                <Self::Ok as Fits>::VALID
            }
        }
        #[diagnostic::do_not_recommend]
        impl<V: $view + ?Sized> $for for V {
            type Ok = V::Ok;
        }
    };
}

/// A kind of field ([`kinds`]) and its SQL type.
pub trait KindSql {
    /// The field's SQL type.
    type Sql;
}

/// A nullable field's SQL type is `Nullable` of its kind's.
impl<T: KindSql> KindSql for WithIsNull<T> {
    type Sql = diesel::sql_types::Nullable<T::Sql>;
}

kind_gate!(
    /// `Extract(path, ...)`, `Trunc(path, ...)` and their named forms (`ExtractYear`,
    /// `TruncMonth`...): a date or a datetime.
    date_input, DateInput, DateInputFor, crate::expressions::functions::DateType
);
kind_gate!(
    /// `ExtractHour`, `ExtractMinute`, `ExtractSecond`: a time or a datetime.
    time_of_day_input, TimeOfDayInput, TimeOfDayInputFor, crate::expressions::functions::TimeOfDayType
);
kind_gate!(
    /// `F(path) + ...`: a number (or a decimal, which adds and subtracts).
    add_input, AddInput, AddInputFor, crate::expressions::Numeric<crate::expressions::AddOp>
);
kind_gate!(
    /// `F(path) - ...`: a number (or a decimal).
    sub_input, SubInput, SubInputFor, crate::expressions::Numeric<crate::expressions::SubOp>
);
kind_gate!(
    /// `F(path) * ...`: a number.
    mul_input, MulInput, MulInputFor, crate::expressions::Numeric<crate::expressions::MulOp>
);
kind_gate!(
    /// `F(path) / ...`: a number.
    div_input, DivInput, DivInputFor, crate::expressions::Numeric<crate::expressions::DivOp>
);
kind_gate!(
    /// `TruncHour`, `TruncMinute`, `TruncSecond`, `TruncDate`: a datetime.
    datetime_input, DateTimeInput, DateTimeInputFor, crate::expressions::functions::DateTimeType
);

/// After a JSON field: any key.
pub struct JsonKeys;

impl Names for JsonKeys {
    const NAMES: &'static Self = &JsonKeys;
}

impl Hop for JsonKeys {
    type View<K: Names> = K;
}

/// A JSON field or key takes every lookup (`data__owner__icontains`).
impl std::ops::Deref for JsonKeys {
    type Target = FieldLookups;
    fn deref(&self) -> &FieldLookups {
        &FieldLookups
    }
}

/// A nullable field's lookups: its kind's, and `isnull` (dorm refuses `isnull` on a field that
/// cannot be NULL, where it could only ever be false).
pub struct WithIsNull<T>(std::marker::PhantomData<fn() -> T>);

impl<T: Names> Names for WithIsNull<T> {
    const NAMES: &'static Self = &WithIsNull(std::marker::PhantomData);
}

impl<T: Names> Hop for WithIsNull<T> {
    type View<K: Names> = Self;
}

impl<T: Names> std::ops::Deref for WithIsNull<T> {
    type Target = T;
    fn deref(&self) -> &T {
        T::NAMES
    }
}

impl<T> WithIsNull<T> {
    /// `name__isnull`.
    #[inline(always)]
    pub fn isnull(&self) -> &'static FieldLookups {
        &FieldLookups
    }
}

/// A relation to one row (a foreign key, a one-to-one relation either way): the target's
/// names, and what `select_related!`/`prefetch_related!` may follow.
pub struct OneRow<T>(std::marker::PhantomData<fn() -> T>);

/// A relation to many rows (reverse foreign key, many-to-many): the target's names, and what
/// `prefetch_related!` may follow (not `select_related!`, which joins one row).
pub struct ManyRows<T>(std::marker::PhantomData<fn() -> T>);

macro_rules! relation_view {
    ($view:ident: $($verb:ident),+) => {
        impl<T: Names> Names for $view<T> {
            const NAMES: &'static Self = &$view(std::marker::PhantomData);
        }
        impl<T: Names + Hop> Hop for $view<T> {
            type View<K: Names> = T;
        }
        impl<T: Names> std::ops::Deref for $view<T> {
            type Target = T;
            fn deref(&self) -> &T {
                T::NAMES
            }
        }
        impl<T: Names> $view<T> {
            $(
                #[doc = concat!("`", stringify!($verb), "!` may follow this relation.")]
                #[inline(always)]
                pub fn $verb(&self) -> &'static T {
                    T::NAMES
                }
            )+
        }
    };
}

relation_view!(OneRow: select_related, prefetch_related);

impl<T: ModelNames> OneRow<T> {
    /// `relation = value` (and `relation__exact`): the value must stand for a row of the
    /// relation's target ([`crate::lookups::RelatedValue`]).
    #[inline(always)]
    pub fn exact(&self) -> &'static Relates<T::Model> {
        <Relates<T::Model> as Names>::NAMES
    }
}

/// The model a names struct is of (`BlogFields` and `BlogAccessors` are `Blog`'s).
pub trait ModelNames: Names {
    /// The model.
    type Model: crate::model::Model;
}

/// After `relation` or `relation__exact` on a relation to one row of `T`: the value.
pub struct Relates<T>(std::marker::PhantomData<fn() -> T>);

impl<T: 'static> Names for Relates<T> {
    const NAMES: &'static Self = &Relates(std::marker::PhantomData);
}

impl<T> Relates<T> {
    /// The lookup's value: `Valid` when it stands for a row of `T` (a `ForeignKey<T>`, a key,
    /// an expression), rustc's error type when it does not.
    #[inline(always)]
    pub fn value<V: RelatedFor<T> + ?Sized>(&self, _value: &V) -> <V::Ok as Fits>::Valid {
        <V::Ok as Fits>::VALID
    }
}

/// A [`crate::lookups::RelatedValue`] as the names check reads it.
#[diagnostic::on_unimplemented(
    message = "Must be a `{T}` instance: `{Self}` cannot stand for a `{T}` row",
    label = "this relation compares only with a `ForeignKey<{T}>` or a `{T}` key",
    note = "Django: ValueError: Cannot query \"...\": Must be \"{T}\" instance."
)]
pub trait RelatedFor<T> {
    /// [`Valid`].
    type Ok;
}

/// A value stands for a row of `T` as the lookup takes it, and fits `T`'s key (which fixes the
/// type of a literal key: `blog = 3`).
#[diagnostic::do_not_recommend]
impl<T, V> RelatedFor<T> for V
where
    T: crate::model::Model,
    V: crate::lookups::RelatedValue<T> + crate::values::ValueFor<PkSql<T>> + ?Sized,
{
    type Ok = <V as crate::lookups::RelatedValue<T>>::Checked;
}

/// The SQL type of `T`'s primary key.
pub type PkSql<T> = <<T as crate::model::Model>::PkColumn as diesel::Expression>::SqlType;
relation_view!(ManyRows: prefetch_related);

/// The names `prefetch_related!` reads: a model's relations by their accessor names (Django's
/// `entry_set`, or the `related_name`), which differ from the names lookups use (`entry`). The
/// derive writes `{Model}Accessors`.
pub trait HasAccessors {
    /// `{Model}Accessors`: one method per relation `prefetch_related!` may follow.
    type Accessors: Names;
}

/// The accessor names of the names struct `names` (where a `prefetch_related!` path starts).
#[inline(always)]
pub fn accessors<F: HasAccessors>(_names: &F) -> &'static F::Accessors {
    <F::Accessors as Names>::NAMES
}

/// After a relation: what a relation itself compares with (its key), besides the target's
/// names (`blog__in`, `blog__isnull`, `entry__isnull` for "no related rows").
pub struct RelationLookups;

impl Names for RelationLookups {
    const NAMES: &'static Self = &RelationLookups;
}

macro_rules! methods {
    ($view:ty; $($name:ident),* $(,)?) => {
        $(
            #[inline(always)]
            pub fn $name(&self) -> &'static $view {
                <$view as Names>::NAMES
            }
        )*
    };
}

#[allow(missing_docs)]
impl FieldLookups {
    methods!(FieldLookups; exact, iexact, contains, icontains, r#in, gt, gte, lt, lte, startswith,
        istartswith, endswith, iendswith, range, isnull, regex, iregex, date, year, iso_year, month,
        day, week, week_day, iso_week_day, quarter, time, hour, minute, second, has_key, has_keys,
        has_any_keys, contained_by, search);
}

#[allow(missing_docs)]
impl RelationLookups {
    methods!(FieldLookups; exact, r#in, gt, gte, lt, lte, range, isnull);
}

/// The lookups of each kind of field, named after Django's field class, so that a lookup
/// the field does not have is reported as "no method named `icontains` found for
/// `&IntegerFieldLookups`". Each is generic over the field's SQL type `ST` (defaulting to the
/// kind's usual one, which error messages then leave out), which checks the values the
/// comparisons take and the aggregates over the field.
pub mod kinds {
    use super::{Compares, FieldLookups, Hop, KindSql, Matches, Names, NoOrder, WithIsNull};
    use diesel::sql_types::{BigInt, Bool, Date, Double, Integer, SmallInt, Text, Time};

    macro_rules! one_kind {
        ($doc:literal, $kind:ident = $st:ty, [$($compare:ident),*], [$($text:ident),*], [$($other:ident),*], [$($unordered:ident),*], [$($transform:ident => $view:ty),*]) => {
            #[doc = $doc]
            pub struct $kind<ST = $st>(std::marker::PhantomData<fn() -> ST>);
            impl<ST: 'static> Names for $kind<ST> {
                const NAMES: &'static Self = &$kind(std::marker::PhantomData);
            }
            impl<ST: 'static> Hop for $kind<ST> {
                type View<K: Names> = Self;
            }
            #[allow(missing_docs)]
            impl<ST: 'static> $kind<ST> {
                methods!(Compares<ST>; $($compare),*);
                methods!(Matches; $($text),*);
                methods!(FieldLookups; $($other),*);
                methods!(NoOrder; $($unordered),*);
                $(methods!($view; $transform);)*
            }
            impl<ST> KindSql for $kind<ST> {
                type Sql = ST;
            }
        };
    }

    macro_rules! kinds {
        ($(#[doc = $doc:literal] [$($kind:ident = $st:ty),+] {
            compare: $compare:tt,
            text: $text:tt,
            other: $other:tt,
            unordered: $unordered:tt,
            transforms: $transforms:tt $(,)?
        })*) => {
            $($(one_kind!($doc, $kind = $st, $compare, $text, $other, $unordered, $transforms);)+)*
        };
    }

    kinds! {
        /// A text field: comparisons, text lookups and regular expressions.
        [CharFieldLookups = Text, TextFieldLookups = Text, EmailFieldLookups = Text, UrlFieldLookups = Text,
            SlugFieldLookups = Text, FileFieldLookups = Text, ImageFieldLookups = Text] {
            compare: [exact, gt, gte, lt, lte],
            text: [iexact, contains, icontains, startswith, istartswith, endswith, iendswith, regex,
                iregex],
            other: [r#in, range],
            unordered: [],
            transforms: [],
        }
        /// A number: comparisons and ranges.
        [SmallAutoFieldLookups = SmallInt, AutoFieldLookups = Integer, BigAutoFieldLookups = BigInt,
            SmallIntegerFieldLookups = SmallInt, IntegerFieldLookups = Integer,
            BigIntegerFieldLookups = BigInt, PositiveSmallIntegerFieldLookups = SmallInt,
            PositiveIntegerFieldLookups = Integer, PositiveBigIntegerFieldLookups = BigInt,
            FloatFieldLookups = Double, DecimalFieldLookups = crate::sql_types::FixedDecimal<10, 2>] {
            compare: [exact, gt, gte, lt, lte],
            text: [],
            other: [r#in, range],
            unordered: [],
            transforms: [],
        }
        /// A boolean: equal or not, or in a list (dorm does not order booleans).
        [BooleanFieldLookups = Bool] {
            compare: [exact],
            text: [],
            other: [r#in],
            unordered: [gt, gte, lt, lte, range],
            transforms: [],
        }
        /// A date: comparisons, and the parts Django extracts.
        [DateFieldLookups = Date] {
            compare: [exact, gt, gte, lt, lte],
            text: [],
            other: [r#in, range],
            unordered: [],
            transforms: [year => WithIsNull<IntegerFieldLookups>, iso_year => WithIsNull<IntegerFieldLookups>,
                month => WithIsNull<IntegerFieldLookups>, day => WithIsNull<IntegerFieldLookups>,
                week => WithIsNull<IntegerFieldLookups>, week_day => WithIsNull<IntegerFieldLookups>,
                iso_week_day => WithIsNull<IntegerFieldLookups>, quarter => WithIsNull<IntegerFieldLookups>],
        }
        /// A date and time: a date's lookups, its date, its time and their parts.
        [DateTimeFieldLookups = crate::sql_types::DateTimeUtc] {
            compare: [exact, gt, gte, lt, lte],
            text: [],
            other: [r#in, range],
            unordered: [],
            transforms: [year => WithIsNull<IntegerFieldLookups>, iso_year => WithIsNull<IntegerFieldLookups>,
                month => WithIsNull<IntegerFieldLookups>, day => WithIsNull<IntegerFieldLookups>,
                week => WithIsNull<IntegerFieldLookups>, week_day => WithIsNull<IntegerFieldLookups>,
                iso_week_day => WithIsNull<IntegerFieldLookups>, quarter => WithIsNull<IntegerFieldLookups>,
                date => WithIsNull<DateFieldLookups>, time => WithIsNull<TimeFieldLookups>,
                hour => WithIsNull<IntegerFieldLookups>, minute => WithIsNull<IntegerFieldLookups>,
                second => WithIsNull<IntegerFieldLookups>],
        }
        /// A time of day: comparisons and its parts.
        [TimeFieldLookups = Time] {
            compare: [exact, gt, gte, lt, lte],
            text: [],
            other: [r#in, range],
            unordered: [],
            transforms: [hour => WithIsNull<IntegerFieldLookups>, minute => WithIsNull<IntegerFieldLookups>,
                second => WithIsNull<IntegerFieldLookups>],
        }
    }
}

/// The names an annotation list adds to a model's (`B`): each `annotate!` call's struct wraps
/// the names before it.
pub trait NamesOfList<B: Names> {
    /// The names with the list's annotations.
    type Names: Names;
}

/// The names struct one `annotate!` call writes: `Extend<B>` is the struct whose methods are
/// its annotations, dereferencing to the names `B` before it.
pub trait AddsNames: 'static {
    /// The struct over base names `B`.
    type Extend<B: Names>: Names;
}

/// No annotation names: the tag of annotations added without a macro.
pub struct NoNames;

impl AddsNames for NoNames {
    type Extend<B: Names> = B;
}

// ---- The names of each QuerySet shape: the model's, and the annotations' of its list.

use crate::model::{HasFields, Manager};
use crate::queryset::{
    Annotated, Grouped, PartialQuerySet, Projection, QuerySet, RelatedQuerySet, ValuesList,
};

impl<M: HasFields> NamesIn for Manager<M> {
    type Names = M::Fields;
    type Own = M::Fields;
}

impl<M: HasFields, W, O, S, J> NamesIn for QuerySet<M, W, O, S, J> {
    type Names = M::Fields;
    type Own = M::Fields;
}

impl<M: HasFields, W, O, S, J, P> NamesIn for RelatedQuerySet<M, W, O, S, J, P> {
    type Names = M::Fields;
    type Own = M::Fields;
}

impl<M: HasFields, W, O, S, Spec> NamesIn for PartialQuerySet<M, W, O, S, Spec> {
    type Names = M::Fields;
    type Own = M::Fields;
}

impl<M: HasFields, W, O, S, C, Jn> NamesIn for ValuesList<M, W, O, S, C, Jn> {
    type Names = M::Fields;
    type Own = M::Fields;
}

impl<M: HasFields, W, L: NamesOfList<M::Fields>, O, S> NamesIn for Annotated<M, W, L, O, S> {
    type Names = L::Names;
    type Own = M::Fields;
}

impl<M: HasFields, W, L: NamesOfList<M::Fields>, Sel, Row, O, S> NamesIn
    for Projection<M, W, L, Sel, Row, O, S>
{
    type Names = L::Names;
    type Own = M::Fields;
}

impl<M: HasFields, W, C, L: NamesOfList<M::Fields>, H, O, S> NamesIn
    for Grouped<M, W, C, L, H, O, S>
{
    type Names = L::Names;
    type Own = M::Fields;
}

// ---- The names `aggregate!` reads: the QuerySet's, except over groups.

/// The names `aggregate!` reads over a grouped QuerySet start from nothing: the groups'
/// columns are their annotations (see [`OverGroups`](crate::expressions::scope::OverGroups)),
/// not the model's fields.
#[derive(Debug, Clone, Copy)]
pub struct GroupColumns;
impl Names for GroupColumns {
    const NAMES: &'static Self = &GroupColumns;
}

/// The receiver of `aggregate!`, whose names the macro checks (see [`AggregateNames`]).
#[derive(Debug, Clone, Copy)]
pub struct ForAggregate<Q>(pub Q);

/// The names `aggregate!` reads on a QuerySet shape.
pub trait AggregateNames {
    /// The names struct.
    type Names: Names;
}
impl<Q: AggregateNames> NamesIn for ForAggregate<Q> {
    type Names = Q::Names;
    type Own = Q::Names;
}
impl<M: HasFields> AggregateNames for Manager<M> {
    type Names = M::Fields;
}
impl<M: HasFields, W, O, S, J> AggregateNames for QuerySet<M, W, O, S, J> {
    type Names = M::Fields;
}
impl<M: HasFields, W, O, S, C, Jn> AggregateNames for ValuesList<M, W, O, S, C, Jn> {
    type Names = M::Fields;
}
impl<M: HasFields, W, L: NamesOfList<M::Fields>, O, S> AggregateNames for Annotated<M, W, L, O, S> {
    type Names = L::Names;
}
impl<M: HasFields, W, C, L: NamesOfList<GroupColumns>, H, O, S> AggregateNames
    for Grouped<M, W, C, L, H, O, S>
{
    type Names = L::Names;
}
