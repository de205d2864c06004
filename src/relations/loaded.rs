//! [`Loaded`]: a row together with the related rows its query loaded, and the typed way to read
//! them ([`Loaded::related`]).
//!
//! `select_related!` and `prefetch_related!` return `Loaded<M, R>`, where `R` lists, by
//! type-level name, what was loaded: reading a relation that is in the list is a field access,
//! and reading one that is not is a compile error (Django would run one query per row there,
//! the N+1 problem). A foreign key can always be followed explicitly: `entry.blog.fetch(conn)`.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// The end of a list of loaded relations (also: a row loaded with none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Nil;

/// The relation named `N` (its rows `P`), followed by the rest of the list.
pub struct Got<N, P, Rest> {
    payload: P,
    rest: Rest,
    _name: PhantomData<fn() -> N>,
}

impl<N, P, Rest> Got<N, P, Rest> {
    /// The relation `N`, loaded as `payload`, in front of `rest`.
    pub fn new(payload: P, rest: Rest) -> Self {
        Got {
            payload,
            rest,
            _name: PhantomData,
        }
    }
}

impl<N, P: Clone, Rest: Clone> Clone for Got<N, P, Rest> {
    fn clone(&self) -> Self {
        Got::new(self.payload.clone(), self.rest.clone())
    }
}
impl<N, P: PartialEq, Rest: PartialEq> PartialEq for Got<N, P, Rest> {
    fn eq(&self, other: &Self) -> bool {
        self.payload == other.payload && self.rest == other.rest
    }
}
impl<N, P: fmt::Debug, Rest: fmt::Debug> fmt::Debug for Got<N, P, Rest> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entry(&self.payload).finish()?;
        write!(f, " + ")?;
        self.rest.fmt(f)
    }
}

/// A row of `M` and the related rows its query loaded. Derefs to `M`, so `entry.headline`
/// reads as usual; `related!(entry.blog)` ([`Loaded::related`]) reads what `select_related!`
/// or `prefetch_related!` loaded.
///
/// ```
/// use dorm::prelude::*;
/// use dorm::ForeignKey;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[dorm(app_label = "docs")]
/// pub struct Blog { pub id: Auto<i64>, #[dorm(max_length = 100)] pub name: String }
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[dorm(app_label = "docs")]
/// pub struct Entry {
///     pub id: Auto<i64>,
///     #[dorm(on_delete = cascade)]
///     pub blog: ForeignKey<Blog>,
///     #[dorm(max_length = 100)]
///     pub headline: String,
/// }
///
/// # fn main() -> dorm::Result<()> {
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// dorm::migrations::create_tables(&[Blog::META, Entry::META], &mut conn)?;
/// let mut blog = Blog { name: "Beatles Blog".into(), ..Default::default() };
/// blog.save(&mut conn)?;
/// let mut entry = Entry { blog: ForeignKey::to(&blog)?, headline: "Lennon".into(), ..Default::default() };
/// entry.save(&mut conn)?;
///
/// // One query: the entry and its blog, joined.
/// let entries = dorm::select_related!(Entry::objects().all(), blog).fetch(&mut conn)?;
/// assert_eq!(entries[0].headline, "Lennon");
/// assert_eq!(dorm::related!(entries[0].blog).name, "Beatles Blog");
///
/// // One more query for every blog's entries.
/// let blogs = dorm::prefetch_related!(Blog::objects().all(), entry_set).fetch(&mut conn)?;
/// assert_eq!(dorm::related!(blogs[0].entry_set)[0].headline, "Lennon");
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq)]
pub struct Loaded<M, R = Nil> {
    object: M,
    related: R,
}

impl<M, R> Loaded<M, R> {
    /// `object`, with the related rows `related`.
    pub fn new(object: M, related: R) -> Self {
        Loaded { object, related }
    }

    /// The row itself, without the related rows.
    pub fn into_inner(self) -> M {
        self.object
    }

    /// The row and its related rows.
    pub fn into_parts(self) -> (M, R) {
        (self.object, self.related)
    }

    /// What was loaded for the relation named `N`, usually written `related!(row.blog)`:
    /// `&Loaded<Blog, _>` for a foreign key followed with `select_related!`,
    /// `Option<&Loaded<Blog, _>>` for a nullable one, `&[Loaded<Entry, _>]` for a relation
    /// loaded with `prefetch_related!`. Nested relations are read the same way on the result.
    /// A relation the query did not load is a compile error.
    pub fn related<N, I>(&self) -> <R::Payload as Payload>::Ref<'_>
    where
        R: RelatedOf<N, I>,
    {
        self.related.payload().view()
    }
}

impl<M, R> Deref for Loaded<M, R> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.object
    }
}

impl<M, R> DerefMut for Loaded<M, R> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.object
    }
}

impl<M: fmt::Debug, R: fmt::Debug> fmt::Debug for Loaded<M, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.object.fmt(f)?;
        write!(f, " with ")?;
        self.related.fmt(f)
    }
}

/// The first entry of a list ([`RelatedOf`]'s position marker).
#[derive(Debug, Clone, Copy, Default)]
pub struct Here;
/// An entry further down a list ([`RelatedOf`]'s position marker).
#[derive(Debug, Clone, Copy, Default)]
pub struct There<I>(PhantomData<fn() -> I>);

/// The list of loaded relations `Self` holds the relation named `N` (at position `I`, which
/// the compiler infers).
pub trait RelatedOf<N, I> {
    /// What was loaded for it.
    type Payload: Payload;
    /// The loaded value.
    fn payload(&self) -> &Self::Payload;
}

/// Reached the end of a list of loaded relations without finding `N`: no type implements it,
/// so reading a relation that was not loaded stops here, with this message.
#[diagnostic::on_unimplemented(
    message = "`{N}` was not loaded: it is neither in `select_related!` nor in `prefetch_related!` of the query that loaded this row",
    label = "reading this relation here would be one query per row (the N+1 problem)",
    note = "add it to `select_related!` (ForeignKey, OneToOne) or `prefetch_related!` (reverse and many-to-many relations), or query it explicitly: `row.field.fetch(conn)` for a foreign key, `row.entry_set()?` for a reverse relation"
)]
pub trait Loads<N> {}

impl<N> RelatedOf<N, Here> for Nil
where
    Nil: Loads<N>,
{
    type Payload = Nil;
    fn payload(&self) -> &Nil {
        self
    }
}

impl Payload for Nil {
    type Ref<'a> = &'a Nil;
    fn view(&self) -> &Nil {
        self
    }
}

impl<N, P: Payload, Rest> RelatedOf<N, Here> for Got<N, P, Rest> {
    type Payload = P;
    fn payload(&self) -> &P {
        &self.payload
    }
}

impl<N, X, P, Rest, I> RelatedOf<N, There<I>> for Got<X, P, Rest>
where
    Rest: RelatedOf<N, I>,
{
    type Payload = Rest::Payload;
    fn payload(&self) -> &Self::Payload {
        self.rest.payload()
    }
}

/// How a loaded relation is read: a row by reference, an optional row, or a slice of rows.
pub trait Payload {
    /// The borrowed view.
    type Ref<'a>
    where
        Self: 'a;
    /// Borrows it.
    fn view(&self) -> Self::Ref<'_>;
}

impl<M, R> Payload for Loaded<M, R> {
    type Ref<'a>
        = &'a Loaded<M, R>
    where
        Self: 'a;
    fn view(&self) -> &Loaded<M, R> {
        self
    }
}

impl<M, R> Payload for Option<Loaded<M, R>> {
    type Ref<'a>
        = Option<&'a Loaded<M, R>>
    where
        Self: 'a;
    fn view(&self) -> Option<&Loaded<M, R>> {
        self.as_ref()
    }
}

impl<M, R> Payload for Vec<Loaded<M, R>> {
    type Ref<'a>
        = &'a [Loaded<M, R>]
    where
        Self: 'a;
    fn view(&self) -> &[Loaded<M, R>] {
        self
    }
}
