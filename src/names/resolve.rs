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
}

impl<Q: NamesIn + ?Sized> NamesIn for &Q {
    type Names = Q::Names;
}

/// A model instance, by mutable reference: the receiver of `update!(instance, ...)`.
impl<M: HasFields> NamesIn for &mut M {
    type Names = M::Fields;
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
/// `&IntegerFieldLookups`".
pub mod kinds {
    use super::{FieldLookups, Hop, Names, WithIsNull};

    macro_rules! one_kind {
        ($doc:literal, $kind:ident, [$($lookup:ident),*], [$($transform:ident => $view:ty),*]) => {
            #[doc = $doc]
            pub struct $kind;
            impl Names for $kind {
                const NAMES: &'static Self = &$kind;
            }
            impl Hop for $kind {
                type View<K: Names> = Self;
            }
            #[allow(missing_docs)]
            impl $kind {
                methods!(FieldLookups; $($lookup),*);
                $(methods!($view; $transform);)*
            }
        };
    }

    macro_rules! kinds {
        ($(#[doc = $doc:literal] [$($kind:ident),+] {
            lookups: $lookups:tt,
            transforms: $transforms:tt $(,)?
        })*) => {
            $($(one_kind!($doc, $kind, $lookups, $transforms);)+)*
        };
    }

    kinds! {
        /// A text field: comparisons, text lookups and regular expressions.
        [CharFieldLookups, TextFieldLookups, EmailFieldLookups, UrlFieldLookups, SlugFieldLookups, FileFieldLookups, ImageFieldLookups] {
            lookups: [exact, iexact, contains, icontains, r#in, gt, gte, lt, lte, startswith,
                istartswith, endswith, iendswith, range, regex, iregex],
            transforms: [],
        }
        /// A number: comparisons and ranges.
        [SmallAutoFieldLookups, AutoFieldLookups, BigAutoFieldLookups, SmallIntegerFieldLookups, IntegerFieldLookups, BigIntegerFieldLookups, PositiveSmallIntegerFieldLookups, PositiveIntegerFieldLookups, PositiveBigIntegerFieldLookups, FloatFieldLookups, DecimalFieldLookups] {
            lookups: [exact, r#in, gt, gte, lt, lte, range],
            transforms: [],
        }
        /// A boolean (dorm refuses to order booleans where the condition is built).
        [BooleanFieldLookups] {
            lookups: [exact, r#in, gt, gte, lt, lte, range],
            transforms: [],
        }
        /// A date: comparisons, and the parts Django extracts.
        [DateFieldLookups] {
            lookups: [exact, r#in, gt, gte, lt, lte, range],
            transforms: [year => WithIsNull<IntegerFieldLookups>, iso_year => WithIsNull<IntegerFieldLookups>,
                month => WithIsNull<IntegerFieldLookups>, day => WithIsNull<IntegerFieldLookups>,
                week => WithIsNull<IntegerFieldLookups>, week_day => WithIsNull<IntegerFieldLookups>,
                iso_week_day => WithIsNull<IntegerFieldLookups>, quarter => WithIsNull<IntegerFieldLookups>],
        }
        /// A date and time: a date's lookups, its date, its time and their parts.
        [DateTimeFieldLookups] {
            lookups: [exact, r#in, gt, gte, lt, lte, range],
            transforms: [year => WithIsNull<IntegerFieldLookups>, iso_year => WithIsNull<IntegerFieldLookups>,
                month => WithIsNull<IntegerFieldLookups>, day => WithIsNull<IntegerFieldLookups>,
                week => WithIsNull<IntegerFieldLookups>, week_day => WithIsNull<IntegerFieldLookups>,
                iso_week_day => WithIsNull<IntegerFieldLookups>, quarter => WithIsNull<IntegerFieldLookups>,
                date => WithIsNull<DateFieldLookups>, time => WithIsNull<TimeFieldLookups>,
                hour => WithIsNull<IntegerFieldLookups>, minute => WithIsNull<IntegerFieldLookups>,
                second => WithIsNull<IntegerFieldLookups>],
        }
        /// A time of day: comparisons and its parts.
        [TimeFieldLookups] {
            lookups: [exact, r#in, gt, gte, lt, lte, range],
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
}

impl<M: HasFields, W, O, S, J> NamesIn for QuerySet<M, W, O, S, J> {
    type Names = M::Fields;
}

impl<M: HasFields, W, O, S, J, P> NamesIn for RelatedQuerySet<M, W, O, S, J, P> {
    type Names = M::Fields;
}

impl<M: HasFields, W, O, S, Spec> NamesIn for PartialQuerySet<M, W, O, S, Spec> {
    type Names = M::Fields;
}

impl<M: HasFields, W, O, S, C> NamesIn for ValuesList<M, W, O, S, C> {
    type Names = M::Fields;
}

impl<M: HasFields, W, L: NamesOfList<M::Fields>, O, S> NamesIn for Annotated<M, W, L, O, S> {
    type Names = L::Names;
}

impl<M: HasFields, W, L: NamesOfList<M::Fields>, Sel, Row, O, S> NamesIn
    for Projection<M, W, L, Sel, Row, O, S>
{
    type Names = L::Names;
}

impl<M: HasFields, W, C, L: NamesOfList<M::Fields>, H, O, S> NamesIn
    for Grouped<M, W, C, L, H, O, S>
{
    type Names = L::Names;
}
