//! The migration optimizer (Django's `MigrationOptimizer`): folds a list of operations into a
//! shorter one with the same effect, which is what `squashmigrations` writes and what the
//! autodetector's output goes through.
//!
//! The algorithm is Django's: each operation is compared with every operation after it; when
//! the two fold into something shorter ([`reduce`]), the result takes the place of the later
//! one if the earlier one can move right past everything in between, or the place of the
//! earlier one if the later one can move left past everything in between. Two operations can
//! trade places when they touch nothing in common (models, fields, indexes, relation targets).
//! Data migrations (`RunSql`, `RunRust`) touch everything: nothing moves across them. The
//! passes repeat until nothing folds.
//!
//! The folds:
//!
//! | operations | become |
//! |---|---|
//! | `CreateModel(M)` + field, many-to-many, index or constraint operation on `M` | one `CreateModel(M)` with the final state |
//! | `CreateModel(M)` + `RenameModel(M → N)` | `CreateModel(N)` |
//! | `CreateModel(M)` + `DeleteModel(M)` | nothing |
//! | field, index or constraint operation on `M` + `DeleteModel(M)` | `DeleteModel(M)` |
//! | `AddField(f)` + `RemoveField(f)` | nothing |
//! | `AddField(f)` + `AlterField(f)` | `AddField` of the altered field (see below) |
//! | `AddField(f)` + `RenameField(f → g)` | `AddField(g)` |
//! | `AlterField(f)` + `AlterField(f)` | the last one (see below) |
//! | `AlterField(f)` + `RemoveField(f)` | `RemoveField(f)` |
//! | `RenameField(a → b)` + `RenameField(b → c)` | `RenameField(a → c)` (nothing when `c` is `a`) |
//! | `RenameModel(A → B)` + `RenameModel(B → C)` | `RenameModel(A → C)` (nothing when `C` is `A`) |
//! | `AddIndex` + `RemoveIndex`, `AddConstraint` + `RemoveConstraint`, `AddManyToMany` + `RemoveManyToMany` | nothing |
//!
//! One difference from Django: dorm's `AddField` and `AlterField` have no `preserve_default`,
//! so the autodetector writes a one-off default (the value existing rows get) as the field's
//! default in a first operation and drops it in an `AlterField` after it. Folding those two
//! would lose the value, so an `AddField` (or an `AlterField` to `NOT NULL`) whose default
//! differs from the next `AlterField`'s is kept as it is.
//!
//! ```
//! use dorm::fields::{FieldKind, FieldMeta};
//! use dorm::migrations::optimizer::optimize;
//! use dorm::migrations::Operation;
//! use dorm::model::ModelMeta;
//!
//! const VENUE: ModelMeta = ModelMeta {
//!     name: "Venue", app_label: "shop", db_table: "shop_venue",
//!     fields: &[FieldMeta::new("id", FieldKind::BigAutoField).primary_key()],
//!     constraints: &[], indexes: &[], ordering: &[], managed: true,
//!     verbose_name: "venue", many_to_many: &[],
//! };
//! let license = FieldMeta::new("license", FieldKind::CharField).max_length(20);
//! let ops = optimize(
//!     vec![
//!         Operation::CreateModel(VENUE),
//!         Operation::AddField { model: "Venue", field: license },
//!         Operation::AlterField { model: "Venue", field: license.max_length(40) },
//!     ],
//!     "shop",
//! );
//! assert_eq!(ops.len(), 1);
//! let Operation::CreateModel(venue) = ops[0] else { panic!() };
//! assert_eq!(venue.field("license").unwrap().max_length, Some(40));
//! ```

use crate::fields::{DefaultMeta, FieldMeta};
use crate::model::ModelMeta;

use super::state::{leak_slice, renamed_field, ModelState, ProjectState};
use super::Operation;

/// The [`ModelMeta`] of a model state, for a `CreateModel` operation.
///
/// A `ModelMeta` holds `&'static` slices, as the models' `META` constants do; a state built at
/// run time (the optimizer's folds, the autodetector's new models) has owned lists, so they are
/// leaked. This happens in `makemigrations` and `squashmigrations`, a handful of times per
/// model per run of a short-lived command, never per query.
pub fn model_meta(state: &ModelState) -> ModelMeta {
    ModelMeta {
        name: state.name,
        app_label: state.app_label,
        db_table: state.db_table,
        fields: leak_slice(state.fields.clone()),
        constraints: leak_slice(state.constraints.clone()),
        indexes: leak_slice(state.indexes.clone()),
        ordering: leak_slice(state.ordering.clone()),
        managed: state.managed,
        verbose_name: state.verbose_name,
        many_to_many: leak_slice(state.many_to_many.clone()),
    }
}

/// Folds `ops` (operations of `app_label`, in order) into a list with the same effect on the
/// state and the schema, as short as the rules in the [module docs](self) make it.
pub fn optimize(ops: Vec<Operation>, app_label: &str) -> Vec<Operation> {
    let mut ops = ops;
    loop {
        let next = optimize_inner(&ops, app_label);
        // Every fold makes the list shorter, so this ends.
        if next.len() == ops.len() {
            return next;
        }
        ops = next;
    }
}

/// One pass of Django's `optimize_inner`: the first fold found, applied.
fn optimize_inner(ops: &[Operation], app_label: &str) -> Vec<Operation> {
    for (i, op) in ops.iter().enumerate() {
        // Can `op` still move right past everything seen so far?
        let mut right = true;
        for (j, other) in ops.iter().enumerate().skip(i + 1) {
            match reduce(op, other, app_label) {
                Some(result) => {
                    let between = &ops[i + 1..j];
                    let mut out: Vec<Operation> = ops[..i].to_vec();
                    if right {
                        out.extend_from_slice(between);
                        out.extend(result);
                    } else if between.iter().all(|b| commutes(b, other)) {
                        out.extend(result);
                        out.extend_from_slice(between);
                    } else {
                        break;
                    }
                    out.extend_from_slice(&ops[j + 1..]);
                    return out;
                }
                None => {
                    if !commutes(op, other) {
                        right = false;
                    }
                }
            }
        }
    }
    ops.to_vec()
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether a one-off default rides on `first` (the value existing rows get), which folding it
/// into `next` would lose.
fn keeps_one_off_default(first: &FieldMeta, next: &FieldMeta) -> bool {
    first.default != DefaultMeta::None && first.default != next.default
}

/// The fold of `a` followed by `b` (Django's `Operation.reduce` returning a list), if they fold.
pub fn reduce(a: &Operation, b: &Operation, app_label: &str) -> Option<Vec<Operation>> {
    use Operation::*;
    match (*a, *b) {
        (CreateModel(m), DeleteModel(name)) if same(m.name, name) => Some(Vec::new()),
        (CreateModel(m), RenameModel { old_name, .. }) if same(m.name, old_name) => {
            fold_into_create(&m, b, app_label)
        }
        (CreateModel(m), other) if is_model_level_change(&other, m.name) => {
            fold_into_create(&m, &other, app_label)
        }
        (first, DeleteModel(name))
            if !matches!(first, CreateModel(_)) && is_model_level_change(&first, name) =>
        {
            Some(vec![DeleteModel(name)])
        }
        (AddField { model, field }, RemoveField { model: m2, name })
            if same(model, m2) && field.name == name =>
        {
            Some(Vec::new())
        }
        (
            AddField { model, field },
            AlterField {
                model: m2,
                field: altered,
            },
        ) if same(model, m2) && field.name == altered.name => {
            if keeps_one_off_default(&field, &altered) {
                None
            } else {
                Some(vec![AddField {
                    model,
                    field: altered,
                }])
            }
        }
        (
            AddField { model, field },
            RenameField {
                model: m2,
                old_name,
                new_name,
            },
        ) if same(model, m2) && field.name == old_name => Some(vec![AddField {
            model,
            field: renamed_field(&field, new_name),
        }]),
        (
            AlterField { model, field },
            AlterField {
                model: m2,
                field: next,
            },
        ) if same(model, m2) && field.name == next.name => {
            if !field.null && keeps_one_off_default(&field, &next) {
                None
            } else {
                Some(vec![*b])
            }
        }
        (AlterField { model, field }, RemoveField { model: m2, name })
            if same(model, m2) && field.name == name =>
        {
            Some(vec![*b])
        }
        (
            RenameField {
                model,
                old_name,
                new_name,
            },
            RenameField {
                model: m2,
                old_name: o2,
                new_name: n2,
            },
        ) if same(model, m2) && new_name == o2 => {
            if old_name == n2 {
                Some(Vec::new())
            } else {
                Some(vec![RenameField {
                    model,
                    old_name,
                    new_name: n2,
                }])
            }
        }
        (
            RenameModel { old_name, new_name },
            RenameModel {
                old_name: o2,
                new_name: n2,
            },
        ) if same(new_name, o2) => {
            if same(old_name, n2) {
                Some(Vec::new())
            } else {
                Some(vec![RenameModel {
                    old_name,
                    new_name: n2,
                }])
            }
        }
        (AddIndex { model, index }, RemoveIndex { model: m2, name })
            if same(model, m2) && index.name == name =>
        {
            Some(Vec::new())
        }
        (AddConstraint { model, constraint }, RemoveConstraint { model: m2, name })
            if same(model, m2) && constraint.name == name =>
        {
            Some(Vec::new())
        }
        (AddManyToMany { model, field }, RemoveManyToMany { model: m2, name })
            if same(model, m2) && field.name == name =>
        {
            Some(Vec::new())
        }
        _ => None,
    }
}

/// Whether `op` changes the model `name` from within (a field, many-to-many, index or
/// constraint operation on it).
fn is_model_level_change(op: &Operation, name: &str) -> bool {
    use Operation::*;
    match op {
        AlterModelTable { model, .. }
        | AlterModelOptions { model, .. }
        | AddField { model, .. }
        | RemoveField { model, .. }
        | AlterField { model, .. }
        | RenameField { model, .. }
        | AddManyToMany { model, .. }
        | RemoveManyToMany { model, .. }
        | AddIndex { model, .. }
        | RemoveIndex { model, .. }
        | AddConstraint { model, .. }
        | RemoveConstraint { model, .. } => same(model, name),
        _ => false,
    }
}

/// `CreateModel(m)` followed by `op`, as one `CreateModel`: the state change of `op` applied
/// to the created model alone.
fn fold_into_create(m: &ModelMeta, op: &Operation, app_label: &str) -> Option<Vec<Operation>> {
    let mut state = ProjectState::new();
    state.add_model(ModelState::from(m));
    op.state_forwards(app_label, &mut state).ok()?;
    let name = match *op {
        Operation::RenameModel { new_name, .. } => new_name,
        _ => m.name,
    };
    let model = state.model(app_label, name)?;
    Some(vec![Operation::CreateModel(model_meta(model))])
}

/// What an operation touches, to know whether two operations can trade places.
#[derive(Debug, Default)]
struct Footprint {
    /// Touches everything (data migrations).
    barrier: bool,
    /// Models created, deleted or renamed (lowercase).
    models: Vec<String>,
    /// The model a field, index or constraint operation is on (lowercase).
    on_model: Option<String>,
    /// Models pointed at by relations (lowercase).
    refs: Vec<String>,
    /// `(model, field)` touched; `"*"` as the field stands for every field of the model.
    fields: Vec<(String, String)>,
    /// `(model, index or constraint name)` touched.
    names: Vec<(String, String)>,
}

fn relation_targets(field: &FieldMeta) -> Vec<String> {
    field
        .relation
        .iter()
        .map(|r| r.model.to_lowercase())
        .collect()
}

fn footprint(op: &Operation) -> Footprint {
    use Operation::*;
    let mut fp = Footprint::default();
    let lower = |s: &str| s.to_lowercase();
    match *op {
        CreateModel(m) => {
            fp.models.push(lower(m.name));
            for f in m.fields {
                fp.refs.extend(relation_targets(f));
            }
            for m2m in m.many_to_many {
                fp.refs.push(lower(m2m.to));
                fp.refs.extend(m2m.through.map(lower));
            }
            fp.refs.retain(|r| *r != lower(m.name));
        }
        DeleteModel(name) => fp.models.push(lower(name)),
        RenameModel { old_name, new_name } => {
            fp.models.push(lower(old_name));
            fp.models.push(lower(new_name));
        }
        AddField { model, field } | AlterField { model, field } => {
            fp.on_model = Some(lower(model));
            fp.fields.push((lower(model), field.name.to_string()));
            fp.refs.extend(relation_targets(&field));
        }
        RemoveField { model, name } => {
            fp.on_model = Some(lower(model));
            fp.fields.push((lower(model), name.to_string()));
        }
        RenameField {
            model,
            old_name,
            new_name,
        } => {
            fp.on_model = Some(lower(model));
            fp.fields.push((lower(model), old_name.to_string()));
            fp.fields.push((lower(model), new_name.to_string()));
        }
        AddManyToMany { model, field } => {
            fp.on_model = Some(lower(model));
            fp.fields.push((lower(model), field.name.to_string()));
            fp.refs.push(lower(field.to));
            fp.refs.extend(field.through.map(lower));
        }
        RemoveManyToMany { model, name } => {
            fp.on_model = Some(lower(model));
            fp.fields.push((lower(model), name.to_string()));
        }
        AddIndex { model, index } => {
            fp.on_model = Some(lower(model));
            fp.names.push((lower(model), index.name.to_string()));
            for f in index.fields {
                fp.fields
                    .push((lower(model), f.trim_start_matches('-').to_string()));
            }
        }
        AddConstraint { model, constraint } => {
            fp.on_model = Some(lower(model));
            fp.names.push((lower(model), constraint.name.to_string()));
            for f in constraint.fields {
                fp.fields.push((lower(model), f.to_string()));
            }
        }
        // Their fields are not known here, and removing a field drops the indexes over it.
        RemoveIndex { model, name } | RemoveConstraint { model, name } => {
            fp.on_model = Some(lower(model));
            fp.names.push((lower(model), name.to_string()));
            fp.fields.push((lower(model), "*".to_string()));
        }
        RunSql { .. } | RunRust { .. } => fp.barrier = true,
        #[allow(unreachable_patterns)]
        _ => fp.barrier = true,
    }
    fp
}

/// Whether `a` and `b` may trade places (Django's `reduce` returning `True`): they touch
/// nothing in common.
pub fn commutes(a: &Operation, b: &Operation) -> bool {
    let (x, y) = (footprint(a), footprint(b));
    if x.barrier || y.barrier {
        return false;
    }
    let mentions = |fp: &Footprint, model: &String| {
        fp.models.contains(model) || fp.on_model.as_ref() == Some(model) || fp.refs.contains(model)
    };
    if x.models.iter().any(|m| mentions(&y, m)) || y.models.iter().any(|m| mentions(&x, m)) {
        return false;
    }
    // A relation to a model conflicts with any change inside that model (its key may change).
    if let Some(m) = &y.on_model {
        if x.refs.contains(m) {
            return false;
        }
    }
    if let Some(m) = &x.on_model {
        if y.refs.contains(m) {
            return false;
        }
    }
    let fields_clash = x.fields.iter().any(|(xm, xf)| {
        y.fields
            .iter()
            .any(|(ym, yf)| xm == ym && (xf == yf || xf == "*" || yf == "*"))
    });
    if fields_clash {
        return false;
    }
    !x.names.iter().any(|n| y.names.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldKind;
    use crate::model::{ConstraintMeta, IndexMeta};
    use crate::relations::{ManyToManyMeta, OnDelete};

    const APP: &str = "shop";

    const VENUE: ModelMeta = ModelMeta {
        name: "Venue",
        app_label: APP,
        db_table: "shop_venue",
        fields: &[
            FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
            FieldMeta::new("name", FieldKind::CharField).max_length(100),
        ],
        constraints: &[],
        indexes: &[],
        ordering: &[],
        managed: true,
        verbose_name: "venue",
        many_to_many: &[],
    };

    const CITY: ModelMeta = ModelMeta {
        name: "City",
        app_label: APP,
        db_table: "shop_city",
        fields: &[FieldMeta::new("id", FieldKind::BigAutoField).primary_key()],
        constraints: &[],
        indexes: &[],
        ordering: &[],
        managed: true,
        verbose_name: "city",
        many_to_many: &[],
    };

    fn license() -> FieldMeta {
        FieldMeta::new("license", FieldKind::CharField).max_length(20)
    }

    fn city_fk() -> FieldMeta {
        FieldMeta::new("city", FieldKind::ForeignKey)
            .column("city_id")
            .db_index()
            .foreign_key(
                "City",
                "shop_city",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            )
    }

    fn created(op: &Operation) -> ModelMeta {
        match op {
            Operation::CreateModel(m) => *m,
            other => panic!("expected CreateModel, got {other:?}"),
        }
    }

    /// The state a list of operations leaves, from `start`.
    fn replay(start: &[ModelMeta], ops: &[Operation]) -> ProjectState {
        let mut state = ProjectState::from_models(start);
        for op in ops {
            op.state_forwards(APP, &mut state)
                .unwrap_or_else(|e| panic!("{op:?}: {e}"));
        }
        state
    }

    fn assert_same_effect(start: &[ModelMeta], ops: Vec<Operation>) -> Vec<Operation> {
        let before = replay(start, &ops);
        let optimized = optimize(ops.clone(), APP);
        assert_eq!(
            replay(start, &optimized),
            before,
            "{ops:#?}\n=>\n{optimized:#?}"
        );
        optimized
    }

    #[test]
    fn create_model_absorbs_the_field_operations_on_it() {
        let license_index = IndexMeta {
            name: "venue_license_idx",
            fields: &["license"],
        };
        let ops = vec![
            Operation::CreateModel(VENUE),
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::AlterField {
                model: "Venue",
                field: license().max_length(40),
            },
            Operation::RemoveField {
                model: "Venue",
                name: "name",
            },
            Operation::AddIndex {
                model: "Venue",
                index: license_index,
            },
            Operation::AddConstraint {
                model: "venue",
                constraint: ConstraintMeta {
                    name: "one_license",
                    fields: &["license"],
                },
            },
            Operation::RenameField {
                model: "Venue",
                old_name: "license",
                new_name: "permit",
            },
        ];
        let out = assert_same_effect(&[], ops);
        assert_eq!(out.len(), 1, "{out:#?}");
        let venue = created(&out[0]);
        let names: Vec<&str> = venue.fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["id", "permit"]);
        assert_eq!(venue.field("permit").unwrap().max_length, Some(40));
        assert_eq!(venue.field("permit").unwrap().column, "permit");
        assert_eq!(venue.indexes[0].fields, &["permit"]);
        assert_eq!(venue.constraints[0].fields, &["permit"]);
    }

    #[test]
    fn create_model_absorbs_many_to_many_and_index_removals() {
        let tags = ManyToManyMeta {
            name: "cities",
            to: "City",
            related_name: None,
            through: None,
            symmetrical: false,
            join: None,
        };
        let ops = vec![
            Operation::CreateModel(CITY),
            Operation::CreateModel(VENUE),
            Operation::AddManyToMany {
                model: "Venue",
                field: tags,
            },
            Operation::AddIndex {
                model: "Venue",
                index: IndexMeta {
                    name: "n_idx",
                    fields: &["name"],
                },
            },
            Operation::RemoveIndex {
                model: "Venue",
                name: "n_idx",
            },
        ];
        let out = assert_same_effect(&[], ops);
        assert_eq!(out.len(), 2, "{out:#?}");
        let venue = created(&out[1]);
        assert_eq!(venue.many_to_many, &[tags]);
        assert!(venue.indexes.is_empty());
    }

    #[test]
    fn create_then_delete_is_nothing() {
        let ops = vec![
            Operation::CreateModel(VENUE),
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::DeleteModel("Venue"),
        ];
        assert!(assert_same_effect(&[], ops).is_empty());
    }

    #[test]
    fn create_then_rename_is_a_create_under_the_new_name() {
        let ops = vec![
            Operation::CreateModel(VENUE),
            Operation::RenameModel {
                old_name: "Venue",
                new_name: "Place",
            },
        ];
        let out = assert_same_effect(&[], ops);
        let place = created(&out[0]);
        assert_eq!((place.name, place.db_table), ("Place", "shop_place"));
    }

    #[test]
    fn field_operations_before_a_delete_go() {
        let ops = vec![
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::AlterField {
                model: "Venue",
                field: license().null(),
            },
            Operation::DeleteModel("Venue"),
        ];
        let out = assert_same_effect(&[VENUE], ops);
        assert_eq!(out, vec![Operation::DeleteModel("Venue")]);
    }

    #[test]
    fn add_then_remove_is_nothing() {
        let ops = vec![
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::RemoveField {
                model: "Venue",
                name: "license",
            },
        ];
        assert!(assert_same_effect(&[VENUE], ops).is_empty());
    }

    #[test]
    fn add_then_alter_is_the_altered_add() {
        let ops = vec![
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::AlterField {
                model: "Venue",
                field: license().null(),
            },
        ];
        let out = assert_same_effect(&[VENUE], ops);
        assert_eq!(
            out,
            vec![Operation::AddField {
                model: "Venue",
                field: license().null()
            }]
        );
    }

    #[test]
    fn a_one_off_default_is_not_folded_away() {
        let with_default = license().default(DefaultMeta::Literal("\"none\""));
        let ops = vec![
            Operation::AddField {
                model: "Venue",
                field: with_default,
            },
            Operation::AlterField {
                model: "Venue",
                field: license(),
            },
        ];
        assert_eq!(assert_same_effect(&[VENUE], ops.clone()), ops);
        // The same for nullable -> NOT NULL with a one-off default.
        let ops = vec![
            Operation::AlterField {
                model: "Venue",
                field: FieldMeta::new("name", FieldKind::CharField)
                    .max_length(100)
                    .default(DefaultMeta::Literal("\"x\"")),
            },
            Operation::AlterField {
                model: "Venue",
                field: FieldMeta::new("name", FieldKind::CharField).max_length(100),
            },
        ];
        assert_eq!(assert_same_effect(&[VENUE], ops.clone()), ops);
    }

    #[test]
    fn add_then_rename_is_an_add_under_the_new_name() {
        let ops = vec![
            Operation::AddField {
                model: "Venue",
                field: city_fk(),
            },
            Operation::RenameField {
                model: "Venue",
                old_name: "city",
                new_name: "town",
            },
        ];
        let out = assert_same_effect(&[VENUE, CITY], ops);
        let [Operation::AddField { field, .. }] = out.as_slice() else {
            panic!("{out:?}")
        };
        assert_eq!((field.name, field.column), ("town", "town_id"));
    }

    #[test]
    fn alter_then_alter_is_the_last() {
        let name = FieldMeta::new("name", FieldKind::CharField);
        let ops = vec![
            Operation::AlterField {
                model: "Venue",
                field: name.max_length(120),
            },
            Operation::AlterField {
                model: "Venue",
                field: name.max_length(140).null(),
            },
        ];
        let out = assert_same_effect(&[VENUE], ops);
        assert_eq!(
            out,
            vec![Operation::AlterField {
                model: "Venue",
                field: name.max_length(140).null()
            }]
        );
    }

    #[test]
    fn alter_then_remove_is_the_remove() {
        let ops = vec![
            Operation::AlterField {
                model: "Venue",
                field: FieldMeta::new("name", FieldKind::TextField),
            },
            Operation::RemoveField {
                model: "Venue",
                name: "name",
            },
        ];
        let out = assert_same_effect(&[VENUE], ops);
        assert_eq!(
            out,
            vec![Operation::RemoveField {
                model: "Venue",
                name: "name"
            }]
        );
    }

    #[test]
    fn renames_chain() {
        let ops = vec![
            Operation::RenameField {
                model: "Venue",
                old_name: "name",
                new_name: "title",
            },
            Operation::RenameField {
                model: "Venue",
                old_name: "title",
                new_name: "label",
            },
            Operation::RenameModel {
                old_name: "Venue",
                new_name: "Place",
            },
            Operation::RenameModel {
                old_name: "Place",
                new_name: "Spot",
            },
        ];
        let out = assert_same_effect(&[VENUE], ops);
        assert_eq!(
            out,
            vec![
                Operation::RenameField {
                    model: "Venue",
                    old_name: "name",
                    new_name: "label"
                },
                Operation::RenameModel {
                    old_name: "Venue",
                    new_name: "Spot"
                },
            ]
        );
        let back = vec![
            Operation::RenameModel {
                old_name: "Venue",
                new_name: "Place",
            },
            Operation::RenameModel {
                old_name: "Place",
                new_name: "Venue",
            },
        ];
        assert!(assert_same_effect(&[VENUE], back).is_empty());
    }

    #[test]
    fn add_then_remove_of_indexes_constraints_and_many_to_many_is_nothing() {
        let tags = ManyToManyMeta {
            name: "cities",
            to: "City",
            related_name: None,
            through: None,
            symmetrical: false,
            join: None,
        };
        let ops = vec![
            Operation::AddIndex {
                model: "Venue",
                index: IndexMeta {
                    name: "n_idx",
                    fields: &["name"],
                },
            },
            Operation::AddConstraint {
                model: "Venue",
                constraint: ConstraintMeta {
                    name: "n_uniq",
                    fields: &["name"],
                },
            },
            Operation::AddManyToMany {
                model: "Venue",
                field: tags,
            },
            Operation::RemoveManyToMany {
                model: "Venue",
                name: "cities",
            },
            Operation::RemoveConstraint {
                model: "Venue",
                name: "n_uniq",
            },
            Operation::RemoveIndex {
                model: "Venue",
                name: "n_idx",
            },
        ];
        assert!(assert_same_effect(&[VENUE, CITY], ops).is_empty());
    }

    #[test]
    fn data_migrations_are_barriers() {
        let ops = vec![
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::RunSql {
                sql: "UPDATE shop_venue SET license = 'x'",
                reverse_sql: None,
            },
            Operation::RemoveField {
                model: "Venue",
                name: "license",
            },
        ];
        assert_eq!(assert_same_effect(&[VENUE], ops.clone()), ops);
        let ops = vec![
            Operation::CreateModel(VENUE),
            Operation::RunRust {
                name: "noop",
                code: crate::migrations::noop,
                reverse_code: None,
            },
            Operation::DeleteModel("Venue"),
        ];
        assert_eq!(assert_same_effect(&[], ops.clone()), ops);
    }

    #[test]
    fn a_reference_in_between_blocks_the_fold() {
        // Venue points at City between City's creation and deletion: they stay.
        let ops = vec![
            Operation::CreateModel(CITY),
            Operation::AddField {
                model: "Venue",
                field: city_fk(),
            },
            Operation::DeleteModel("City"),
        ];
        assert_eq!(assert_same_effect(&[VENUE], ops.clone()), ops);
        // A cycle split by the autodetector stays split.
        let a = ModelMeta {
            name: "A",
            db_table: "shop_a",
            fields: CITY.fields,
            ..VENUE
        };
        let to_a = FieldMeta::new("a", FieldKind::ForeignKey)
            .column("a_id")
            .foreign_key(
                "A",
                "shop_a",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            );
        let b = ModelMeta {
            name: "B",
            db_table: "shop_b",
            fields: Box::leak(
                vec![
                    FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
                    to_a,
                ]
                .into_boxed_slice(),
            ),
            ..VENUE
        };
        let to_b = FieldMeta::new("b", FieldKind::ForeignKey)
            .column("b_id")
            .foreign_key(
                "B",
                "shop_b",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            );
        let ops = vec![
            Operation::CreateModel(a),
            Operation::CreateModel(b),
            Operation::AddField {
                model: "A",
                field: to_b,
            },
        ];
        assert_eq!(assert_same_effect(&[], ops.clone()), ops);
    }

    #[test]
    fn unrelated_operations_let_folds_through() {
        let ops = vec![
            Operation::CreateModel(CITY),
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::AlterField {
                model: "City",
                field: FieldMeta::new("id", FieldKind::AutoField).primary_key(),
            },
            Operation::RemoveField {
                model: "Venue",
                name: "license",
            },
        ];
        let out = assert_same_effect(&[VENUE], ops);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(
            created(&out[0]).fields[0].kind,
            FieldKind::AutoField,
            "{out:#?}"
        );
    }

    #[test]
    fn a_long_history_replays_to_the_same_state() {
        let ops = vec![
            Operation::CreateModel(CITY),
            Operation::AddField {
                model: "Venue",
                field: city_fk().null(),
            },
            Operation::AddField {
                model: "Venue",
                field: license(),
            },
            Operation::RenameModel {
                old_name: "Venue",
                new_name: "Place",
            },
            Operation::AlterField {
                model: "Place",
                field: license().max_length(30),
            },
            Operation::RenameField {
                model: "Place",
                old_name: "city",
                new_name: "town",
            },
            Operation::AddIndex {
                model: "Place",
                index: IndexMeta {
                    name: "place_license_idx",
                    fields: &["-license"],
                },
            },
            Operation::RunSql {
                sql: "SELECT 1",
                reverse_sql: Some("SELECT 1"),
            },
            Operation::AlterField {
                model: "Place",
                field: license().max_length(40),
            },
            Operation::AlterField {
                model: "Place",
                field: license().max_length(50),
            },
            Operation::RemoveIndex {
                model: "Place",
                name: "place_license_idx",
            },
            Operation::RemoveField {
                model: "Place",
                name: "license",
            },
        ];
        let out = assert_same_effect(&[VENUE], ops.clone());
        assert!(out.len() < ops.len(), "{out:#?}");
        assert!(out.iter().any(|op| matches!(op, Operation::RunSql { .. })));
    }
}
