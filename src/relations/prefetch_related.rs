//! `prefetch_related!`: the rows of reverse (and many-to-many) relations of a QuerySet's rows,
//! in one extra query per relation and level (Django's `prefetch_related`), attached to each
//! row as a `Vec`.
//!
//! `prefetch_related!(Blog::objects().all(), entry_set, entry_set__authors)` runs three queries
//! whatever the number of blogs: the blogs, their entries (`WHERE blog_id IN (...)` on SQLite,
//! keys chunked below its bind-parameter limit; `= ANY($1)` with one array on PostgreSQL) and those entries' authors. A custom
//! QuerySet filters or orders the prefetched rows (Django's `Prefetch("entry_set",
//! queryset=...)`): `prefetch_related!(qs, entry_set = order_by!(Entry::objects().all(), -rating))`.

use std::collections::HashMap;
use std::marker::PhantomData;

use diesel::query_dsl::methods::FilterDsl;

use super::foreign_key::KeyOf;
use super::loaded::{Got, Loaded, Nil};
use super::path::ReverseOf;
use crate::db::Load;
use crate::error::Result;
use crate::lookups::Predicate;
use crate::model::{Field, Model};
use crate::queryset::execute::Built;
use crate::queryset::{ApplyOrder, ApplySlice, Filterable, QuerySet};

/// Keys per `IN (...)` list on SQLite: below its 32,766 bind parameters, with room for the
/// custom QuerySet's own. PostgreSQL binds the keys as one array, in one query.
pub const PREFETCH_CHUNK: usize = 30_000;

/// Keys per query on the backend of `conn`.
pub(crate) fn chunk_size(conn: &impl crate::db::Executor) -> usize {
    match conn.vendor() {
        crate::db::Vendor::Sqlite => PREFETCH_CHUNK,
        crate::db::Vendor::Postgres => usize::MAX,
    }
}

/// One prefetched relation: the relation `N`, the QuerySet its rows come from (`AllRows` for
/// the related model's default one) and the relations prefetched past it (`Kids`).
#[derive(Debug, Clone)]
pub struct Prefetch<N, QS = AllRows, Kids = Nil> {
    queryset: QS,
    kids: Kids,
    _name: PhantomData<fn() -> N>,
}

impl<N, QS, Kids> Prefetch<N, QS, Kids> {
    /// Prefetch `N` from `queryset`, then `kids` past it.
    pub fn new(queryset: QS, kids: Kids) -> Self {
        Prefetch {
            queryset,
            kids,
            _name: PhantomData,
        }
    }
}

/// The related model's default QuerySet (`Model::objects().all()`).
#[derive(Debug, Clone, Copy, Default)]
pub struct AllRows;

/// A QuerySet of `S` that can load the rows whose field `Fk` is one of some keys.
pub trait PrefetchSource<'q, S: Model, Fk, K, C> {
    /// Loads them.
    fn load_in(&self, keys: &[K], conn: &mut C) -> Result<Vec<S>>;
}

type KeysIn<Fk, K> = super::keys_in::KeysOf<Fk, K>;
type FilteredIn<S, W, Fk, K> = diesel::dsl::Filter<W, <KeysIn<Fk, K> as Predicate<S>>::Expr>;

impl<'q, S, W, O, Sl, Jn, Fk, K, C> PrefetchSource<'q, S, Fk, K, C> for QuerySet<S, W, O, Sl, Jn>
where
    S: Model,
    Jn: Clone,
    K: Clone,
    W: Clone + FilterDsl<<KeysIn<Fk, K> as Predicate<S>>::Expr>,
    O: Clone + ApplyOrder<S, FilteredIn<S, W, Fk, K>>,
    Sl: Clone + Filterable + ApplySlice<O::Out>,
    KeysIn<Fk, K>: Predicate<S>,
    C: Load<'q, Built<S, FilteredIn<S, W, Fk, K>, O, Sl>, S>,
{
    fn load_in(&self, keys: &[K], conn: &mut C) -> Result<Vec<S>> {
        let mut rows = Vec::new();
        for chunk in keys.chunks(chunk_size(conn)) {
            let part = self
                .clone()
                .filter_rows(KeysIn::<Fk, K>::new(chunk.to_vec()));
            rows.extend(part.fetch(conn)?);
        }
        Ok(rows)
    }
}

impl<'q, S, Fk, K, C> PrefetchSource<'q, S, Fk, K, C> for AllRows
where
    S: Model,
    QuerySet<S>: PrefetchSource<'q, S, Fk, K, C>,
{
    fn load_in(&self, keys: &[K], conn: &mut C) -> Result<Vec<S>> {
        QuerySet::<S>::new().load_in(keys, conn)
    }
}

/// The relation reached from a `Self` row by the accessor name `N` (Django's `blog.entry_set`,
/// or the `related_name`; a many-to-many field's own name): what `prefetch_related!` and
/// [`Loaded::related`] name. Implemented by the derive of the model that declares the relation.
#[diagnostic::on_unimplemented(
    message = "Cannot find `{N}` on a `{Self}` object: it is not a reverse or many-to-many relation accessor, so it is an invalid parameter to prefetch_related!",
    label = "prefetch_related! follows reverse foreign keys (`entry_set`, or their related_name) and many-to-many fields",
    note = "a ForeignKey or OneToOne is one join away: use select_related! for it"
)]
pub trait Accessor<N> {
    /// The relation: [`ReverseOf`] or a many-to-many relation.
    type Kind;
}

/// The model a relation of kind `Self` leads to.
pub trait RelationTarget {
    /// It.
    type Target: Model;
}

impl<S: Model, Fk, FkN> RelationTarget for ReverseOf<S, Fk, FkN> {
    type Target = S;
}

/// A `prefetch_related!` list whose every name is a relation accessor of `P` (checked where
/// `prefetch_related!` is written, so a wrong name is reported there).
pub trait PrefetchPaths<P> {}

impl<P> PrefetchPaths<P> for Nil {}

impl<P, N, QS, Kids, Rest> PrefetchPaths<P> for (Prefetch<N, QS, Kids>, Rest)
where
    P: Accessor<N>,
    P::Kind: RelationTarget,
    Kids: PrefetchPaths<<P::Kind as RelationTarget>::Target>,
    Rest: PrefetchPaths<P>,
{
}

/// How `prefetch_related!` loads the relation `N` of `P`, a relation of kind `Self`.
pub trait PrefetchKind<'q, P: Model, N, QS, Kids, C> {
    /// What each parent row gets.
    type Payload: Default + Clone;
    /// Loads the related rows of the parents with keys `keys` (distinct; `slots` maps each
    /// to its position), grouped by parent: the payload of `keys[i]` at position `i`.
    fn load(
        keys: &[P::PkValue],
        slots: &HashMap<P::PkValue, usize>,
        queryset: &QS,
        kids: &Kids,
        conn: &mut C,
    ) -> Result<Vec<Self::Payload>>;
}

impl<'q, P, N, S, Fk, FkN, QS, Kids, C> PrefetchKind<'q, P, N, QS, Kids, C>
    for ReverseOf<S, Fk, FkN>
where
    P: Model,
    S: Model + Field<FkN>,
    <S as Field<FkN>>::Type: KeyOf<Key = P::PkValue>,
    QS: PrefetchSource<'q, S, FkN, P::PkValue, C>,
    Kids: PrefetchList<'q, S, Nil, C>,
{
    type Payload = Vec<Loaded<S, Kids::Out>>;
    fn load(
        keys: &[P::PkValue],
        slots: &HashMap<P::PkValue, usize>,
        queryset: &QS,
        kids: &Kids,
        conn: &mut C,
    ) -> Result<Vec<Self::Payload>> {
        let mut grouped: Vec<Self::Payload> = (0..keys.len()).map(|_| Vec::new()).collect();
        if keys.is_empty() {
            return Ok(grouped);
        }
        let rows = queryset.load_in(keys, conn)?;
        let rows = kids.run(
            rows.into_iter().map(|r| Loaded::new(r, Nil)).collect(),
            conn,
        )?;
        for row in rows {
            let slot = <S as Field<FkN>>::get(&row)
                .key()
                .and_then(|key| slots.get(key).copied());
            if let Some(slot) = slot {
                grouped[slot].push(row);
            }
        }
        Ok(grouped)
    }
}

/// The relations `prefetch_related!` loads for rows of `P` that already carry `R`
/// ([`Nil`] or a `(Prefetch, rest)` list).
pub trait PrefetchList<'q, P: Model, R, C> {
    /// The rows' relations afterwards.
    type Out: Clone;
    /// Loads the relations and attaches them to `rows`.
    fn run(&self, rows: Vec<Loaded<P, R>>, conn: &mut C) -> Result<Vec<Loaded<P, Self::Out>>>;
}

impl<'q, P: Model, R: Clone, C> PrefetchList<'q, P, R, C> for Nil {
    type Out = R;
    fn run(&self, rows: Vec<Loaded<P, R>>, _: &mut C) -> Result<Vec<Loaded<P, R>>> {
        Ok(rows)
    }
}

type KindOf<P, N> = <P as Accessor<N>>::Kind;

impl<'q, P, R, C, N, QS, Kids, Rest> PrefetchList<'q, P, R, C> for (Prefetch<N, QS, Kids>, Rest)
where
    P: Model + Accessor<N>,
    KindOf<P, N>: PrefetchKind<'q, P, N, QS, Kids, C>,
    Rest: PrefetchList<'q, P, R, C>,
{
    type Out = Got<N, <KindOf<P, N> as PrefetchKind<'q, P, N, QS, Kids, C>>::Payload, Rest::Out>;
    fn run(&self, rows: Vec<Loaded<P, R>>, conn: &mut C) -> Result<Vec<Loaded<P, Self::Out>>> {
        let rows = self.1.run(rows, conn)?;
        // A row can appear more than once (a many-to-many target related to several rows):
        // query each key once (`keys`, position = slot), and hand each occurrence its own
        // copy, moving the payload into the last one. One hash per parent and per child.
        let mut slots: HashMap<P::PkValue, usize> = HashMap::with_capacity(rows.len());
        let mut keys: Vec<P::PkValue> = Vec::with_capacity(rows.len());
        let mut uses: Vec<usize> = Vec::with_capacity(rows.len());
        let slot_of: Vec<Option<usize>> = rows
            .iter()
            .map(|row| {
                let key = row.pk()?;
                let next = keys.len();
                let slot = *slots.entry(key.clone()).or_insert(next);
                if slot == next {
                    keys.push(key);
                    uses.push(0);
                }
                uses[slot] += 1;
                Some(slot)
            })
            .collect();
        let mut grouped = <KindOf<P, N> as PrefetchKind<'q, P, N, QS, Kids, C>>::load(
            &keys,
            &slots,
            &self.0.queryset,
            &self.0.kids,
            conn,
        )?;
        Ok(rows
            .into_iter()
            .zip(slot_of)
            .map(|(row, slot)| {
                let (object, related) = row.into_parts();
                let mine = match slot {
                    Some(i) => {
                        uses[i] -= 1;
                        if uses[i] == 0 {
                            std::mem::take(&mut grouped[i])
                        } else {
                            grouped[i].clone()
                        }
                    }
                    None => Default::default(),
                };
                Loaded::new(object, Got::new(mine, related))
            })
            .collect())
    }
}
