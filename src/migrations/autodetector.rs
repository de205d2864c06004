//! The autodetector (Django's `MigrationAutodetector`): the operations that take the state
//! replayed from the migrations to the state the models declare.
//!
//! [`changes`] diffs two [`ProjectState`]s for one app. Renames cannot be told apart from a
//! removal and an addition by looking, so, as in Django, a [`Questioner`] is asked when a
//! removed and an added model (or field) have the same definition; it is also asked for a
//! one-off value when a `NOT NULL` column without a default is added to a table that may have
//! rows, or a nullable column becomes `NOT NULL`. [`NonInteractiveQuestioner`] answers from
//! flags (`makemigrations --noinput`), [`InteractiveQuestioner`] asks Django's questions on a
//! terminal (or any reader and writer).
//!
//! The operations come in an order that is safe to apply:
//!
//! 1. `RenameModel`, then `RenameField` (later operations use the new names);
//! 2. `CreateModel`, a model after the new models its foreign keys point at (for a cycle, the
//!    fields that close it are left out and added by `AddField` in step 5);
//! 3. `RemoveConstraint`, `RemoveIndex` (before the fields they cover go);
//! 4. `RemoveManyToMany`, `RemoveField`;
//! 5. `AddField`, `AlterField`, `AddManyToMany`;
//! 6. `AddIndex`, `AddConstraint`;
//! 7. `DeleteModel`, a model before the deleted models it points at (after the fields that
//!    pointed at it were removed or altered in step 4 and 5).
//!
//! Special cases, as Django has them:
//!
//! - a change between a text field and a foreign key (or between kinds whose stored values do
//!   not convert, such as a key column and a date) is `RemoveField` + `AddField`, never
//!   `AlterField`: `ALTER COLUMN ... TYPE bigint` on text fails with "invalid input syntax for
//!   type bigint" (the scrap book's note);
//! - a one-off default is written as the field's default in the `AddField` (or the first
//!   `AlterField`) and dropped by an `AlterField` right after, since dorm's operations have no
//!   `preserve_default`; the [optimizer](super::optimizer) keeps the pair;
//! - models with `managed = false` get `CreateModel` and `DeleteModel` (state only: the schema
//!   editor writes no DDL for them); a change to one is `DeleteModel` + `CreateModel`, never a
//!   field operation.
//!
//! - a kept model's new `db_table` is an `AlterModelTable` (foreign keys follow); a change of
//!   `managed`, `ordering` or `verbose_name` an `AlterModelOptions` (state only), right after
//!   the renames.
//!
//! A many-to-many field's options other than its target and `through` model are not
//! migrated.
//!
//! ```
//! use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};
//! use dorm::migrations::autodetector::{changes, migration_name, NonInteractiveQuestioner};
//! use dorm::migrations::{Operation, ProjectState};
//! use dorm::model::ModelMeta;
//!
//! const VENUE: ModelMeta = ModelMeta {
//!     name: "Venue", app_label: "shop", db_table: "shop_venue",
//!     fields: &[FieldMeta::new("id", FieldKind::BigAutoField).primary_key()],
//!     constraints: &[], indexes: &[], ordering: &[], managed: true,
//!     verbose_name: "venue", many_to_many: &[],
//! };
//! const LICENSE: FieldMeta = FieldMeta::new("license", FieldKind::CharField)
//!     .max_length(20)
//!     .default(DefaultMeta::Literal("\"none\""));
//! const VENUE_2: ModelMeta = ModelMeta {
//!     fields: &[FieldMeta::new("id", FieldKind::BigAutoField).primary_key(), LICENSE],
//!     ..VENUE
//! };
//!
//! let mut questioner = NonInteractiveQuestioner::new();
//! let initial = changes(
//!     &ProjectState::new(),
//!     &ProjectState::from_models(&[VENUE]),
//!     "shop",
//!     &mut questioner,
//! )?;
//! assert_eq!(initial, vec![Operation::CreateModel(VENUE)]);
//! assert_eq!(migration_name(&initial), "initial");
//!
//! let ops = changes(
//!     &ProjectState::from_models(&[VENUE]),
//!     &ProjectState::from_models(&[VENUE_2]),
//!     "shop",
//!     &mut questioner,
//! )?;
//! assert_eq!(ops, vec![Operation::AddField { model: "Venue", field: LICENSE }]);
//! assert_eq!(migration_name(&ops), "venue_license");
//! # Ok::<(), dorm::Error>(())
//! ```

use std::collections::BTreeSet;
use std::io::{BufRead, Write};

use crate::error::{Error, Result};
use crate::fields::{DefaultMeta, FieldKind, FieldMeta};
use crate::model::{ConstraintMeta, IndexMeta};
use crate::relations::ManyToManyMeta;

use super::optimizer::model_meta;
use super::state::{default_table, leak, leak_slice, renamed_field, ModelState, ProjectState};
use super::Operation;

/// The answer to "a nullable field becomes `NOT NULL`: what do existing `NULL`s become?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotNullAlteration {
    /// Set them to this one-off value (Rust source of a literal, or a function call by path).
    Default(&'static str),
    /// Change the column anyway; existing `NULL`s are the user's to fix (with a data migration)
    /// before the migration runs.
    Ignore,
    /// Stop: `makemigrations` ends with an error and writes nothing.
    Quit,
}

/// What the autodetector asks when the states alone do not tell (Django's
/// `MigrationQuestioner`).
pub trait Questioner {
    /// Was the model `old` renamed to `new`? (Asked when they have the same fields.)
    fn ask_rename_model(&mut self, old: &ModelState, new: &ModelState) -> bool;
    /// Was the field `old` of `model` renamed to `new`? (Asked when their definitions are the
    /// same apart from the name and column.)
    fn ask_rename_field(&mut self, model: &str, old: &FieldMeta, new: &FieldMeta) -> bool;
    /// The one-off value existing rows get for `field`, a new `NOT NULL` field of `model`
    /// without a default: the Rust source of a literal (`0`, `true`, `"text"`) or of a call
    /// of a function by path (`dorm::fields::now()`). `None` stops `makemigrations`.
    fn ask_not_null_addition(&mut self, model: &str, field: &FieldMeta) -> Option<&'static str>;
    /// What happens to existing `NULL`s when `field` of `model` becomes `NOT NULL` without a
    /// default.
    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldMeta) -> NotNullAlteration;
}

/// The questioner of `makemigrations --noinput`: answers from its settings, never asks.
///
/// By default there are no renames (a renamed model or field is a removal and an addition)
/// and a new `NOT NULL` field without a default is an error that names it; a field becoming
/// `NOT NULL` is changed anyway, with a note in [`notes`](Self::notes) (Django's
/// non-interactive behaviour).
///
/// ```
/// use dorm::migrations::autodetector::NonInteractiveQuestioner;
/// let questioner = NonInteractiveQuestioner::new()
///     .rename_model("Place", "Venue")
///     .rename_field("Venue", "name", "title")
///     .default_for("Venue", "license", "\"none\"");
/// assert_eq!(questioner.defaults.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct NonInteractiveQuestioner {
    /// Answer yes to every rename question.
    pub accept_all_renames: bool,
    /// Model renames to accept, as `(old name, new name)`.
    pub rename_models: Vec<(String, String)>,
    /// Field renames to accept, as `(model, old name, new name)`.
    pub rename_fields: Vec<(String, String, String)>,
    /// One-off values, as `(model, field, Rust source)`, for new `NOT NULL` fields without a
    /// default and for fields becoming `NOT NULL`.
    pub defaults: Vec<(String, String, String)>,
    /// What the questioner decided without being told (for the command to print).
    pub notes: Vec<String>,
}

impl NonInteractiveQuestioner {
    /// No renames, no one-off defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every rename question is answered yes.
    pub fn accept_renames(mut self) -> Self {
        self.accept_all_renames = true;
        self
    }

    /// The model `old` was renamed to `new`.
    pub fn rename_model(mut self, old: &str, new: &str) -> Self {
        self.rename_models.push((old.to_string(), new.to_string()));
        self
    }

    /// The field `old` of `model` was renamed to `new`.
    pub fn rename_field(mut self, model: &str, old: &str, new: &str) -> Self {
        self.rename_fields
            .push((model.to_string(), old.to_string(), new.to_string()));
        self
    }

    /// Existing rows get `value` (Rust source) for `model.field`.
    pub fn default_for(mut self, model: &str, field: &str, value: &str) -> Self {
        self.defaults
            .push((model.to_string(), field.to_string(), value.to_string()));
        self
    }

    fn default_of(&self, model: &str, field: &str) -> Option<&'static str> {
        self.defaults
            .iter()
            .find(|(m, f, _)| m.eq_ignore_ascii_case(model) && f == field)
            // A `FieldMeta` holds `&'static str`s: the value becomes part of an operation that
            // is written into a migration file. One small string per question, per run.
            .map(|(_, _, v)| leak(v.clone()))
    }
}

impl Questioner for NonInteractiveQuestioner {
    fn ask_rename_model(&mut self, old: &ModelState, new: &ModelState) -> bool {
        self.accept_all_renames
            || self
                .rename_models
                .iter()
                .any(|(o, n)| o.eq_ignore_ascii_case(old.name) && n.eq_ignore_ascii_case(new.name))
    }

    fn ask_rename_field(&mut self, model: &str, old: &FieldMeta, new: &FieldMeta) -> bool {
        self.accept_all_renames
            || self
                .rename_fields
                .iter()
                .any(|(m, o, n)| m.eq_ignore_ascii_case(model) && o == old.name && n == new.name)
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldMeta) -> Option<&'static str> {
        self.default_of(model, field.name)
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldMeta) -> NotNullAlteration {
        match self.default_of(model, field.name) {
            Some(value) => NotNullAlteration::Default(value),
            None => {
                self.notes.push(format!(
                    "Field '{}' on model '{}' becomes NOT NULL without a default: existing rows with NULL must be corrected before the migration runs.",
                    field.name,
                    model.to_lowercase()
                ));
                NotNullAlteration::Ignore
            }
        }
    }
}

/// The questioner of `makemigrations` on a terminal: Django's questions, written to `output`,
/// answered on `input` (stdin and stdout, or in-memory buffers in tests). The end of the input
/// answers "no" and "quit".
///
/// ```
/// use dorm::fields::{FieldKind, FieldMeta};
/// use dorm::migrations::autodetector::{InteractiveQuestioner, Questioner};
///
/// let mut q = InteractiveQuestioner::new(&b"1\n0\n"[..], Vec::new());
/// let field = FieldMeta::new("rating", FieldKind::IntegerField);
/// assert_eq!(q.ask_not_null_addition("Venue", &field), Some("0"));
/// let (_, output) = q.into_inner();
/// let output = String::from_utf8(output).unwrap();
/// assert!(output.starts_with("It is impossible to add a non-nullable field 'rating' to venue"));
/// ```
#[derive(Debug)]
pub struct InteractiveQuestioner<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> InteractiveQuestioner<R, W> {
    /// A questioner reading answers from `input` and writing questions to `output`.
    pub fn new(input: R, output: W) -> Self {
        InteractiveQuestioner { input, output }
    }

    /// The input and output back.
    pub fn into_inner(self) -> (R, W) {
        (self.input, self.output)
    }

    fn say(&mut self, text: &str) {
        // A closed terminal is noticed when the answer is read.
        let _ = self.output.write_all(text.as_bytes());
        let _ = self.output.flush();
    }

    /// The next line, without its end; `None` at the end of the input.
    fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
        }
    }

    /// Django's `_boolean_input` with "no" as the default.
    fn boolean(&mut self, question: &str) -> bool {
        self.say(&format!("{question} "));
        loop {
            let Some(answer) = self.line() else {
                return false;
            };
            match answer.trim().chars().next().map(|c| c.to_ascii_lowercase()) {
                None | Some('n') => return false,
                Some('y') => return true,
                Some(_) => self.say("Please answer yes or no: "),
            }
        }
    }

    /// Django's `_choice_input`: the number of the choice, from 1.
    fn choice(&mut self, question: &str, choices: &[&str]) -> Option<usize> {
        let mut text = format!("{question}\n");
        for (i, c) in choices.iter().enumerate() {
            text.push_str(&format!(" {}) {c}\n", i + 1));
        }
        text.push_str("Select an option: ");
        self.say(&text);
        loop {
            let answer = self.line()?;
            match answer.trim().parse::<usize>() {
                Ok(n) if (1..=choices.len()).contains(&n) => return Some(n),
                _ => self.say("Please select a valid option: "),
            }
        }
    }

    /// Django's `_ask_default`.
    fn ask_default(&mut self) -> Option<&'static str> {
        self.say(
            "Please enter the default value as valid Rust.\n\
             A literal (0, 1.5, true, \"text\") or a call of a function by its path \
             (dorm::fields::now()) is accepted.\n\
             Type 'exit' to exit this prompt\n",
        );
        loop {
            self.say(">>> ");
            let answer = self.line()?;
            let code = answer.trim();
            if code.is_empty() {
                self.say("Please enter some code, or 'exit' (without quotes) to exit.\n");
            } else if code == "exit" {
                return None;
            } else {
                match check_default(code) {
                    // Part of the operation written to the migration file: see
                    // `NonInteractiveQuestioner`. One string per question.
                    Ok(()) => return Some(leak(code.to_string())),
                    Err(why) => self.say(&format!("Invalid input: {why}\n")),
                }
            }
        }
    }
}

const ONE_OFF: &str =
    "Provide a one-off default now (will be set on all existing rows with a null value for this column)";
const QUIT: &str =
    "Quit and manually define a default value in the model (#[dorm(default = ...)]).";

impl<R: BufRead, W: Write> Questioner for InteractiveQuestioner<R, W> {
    fn ask_rename_model(&mut self, old: &ModelState, new: &ModelState) -> bool {
        self.boolean(&format!(
            "Was the model {}.{} renamed to {}? [y/N]",
            old.app_label, old.name, new.name
        ))
    }

    fn ask_rename_field(&mut self, model: &str, old: &FieldMeta, new: &FieldMeta) -> bool {
        let model = model.to_lowercase();
        self.boolean(&format!(
            "Was {model}.{} renamed to {model}.{} (a {})? [y/N]",
            old.name,
            new.name,
            new.kind.django_name()
        ))
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldMeta) -> Option<&'static str> {
        let question = format!(
            "It is impossible to add a non-nullable field '{}' to {} without specifying a default. This is because the database needs something to populate existing rows.\nPlease select a fix:",
            field.name,
            model.to_lowercase()
        );
        match self.choice(&question, &[ONE_OFF, QUIT])? {
            1 => self.ask_default(),
            _ => None,
        }
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldMeta) -> NotNullAlteration {
        let question = format!(
            "It is impossible to change a nullable field '{}' on {} to non-nullable without providing a default. This is because the database needs something to populate existing rows.\nPlease select a fix:",
            field.name,
            model.to_lowercase()
        );
        let ignore = "Ignore for now. Existing rows that contain NULL values will have to be handled manually, for example with a RunRust or RunSql operation.";
        match self.choice(&question, &[ONE_OFF, ignore, QUIT]) {
            Some(1) => match self.ask_default() {
                Some(value) => NotNullAlteration::Default(value),
                None => NotNullAlteration::Quit,
            },
            Some(2) => NotNullAlteration::Ignore,
            _ => NotNullAlteration::Quit,
        }
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `path::to::function()`: a call of a function by its path, without arguments.
pub(crate) fn is_path_call(text: &str) -> bool {
    text.strip_suffix("()")
        .is_some_and(|path| path.split("::").all(is_ident))
}

/// Whether `code` is a one-off default dorm can write: a number, `true`/`false`, a string
/// literal, or a call of a function by path.
fn check_default(code: &str) -> std::result::Result<(), String> {
    let number = code.replace('_', "");
    let is_number = !number.is_empty()
        && number
            .trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit())
        && number.parse::<f64>().is_ok();
    let is_string = code.len() >= 2 && code.starts_with('"') && code.ends_with('"') && {
        let inner = &code[1..code.len() - 1];
        let mut escaped = false;
        inner.chars().all(|c| {
            let ok = escaped || c != '"';
            escaped = !escaped && c == '\\';
            ok
        }) && !escaped
    };
    if is_number || is_string || code == "true" || code == "false" || is_path_call(code) {
        Ok(())
    } else {
        Err(format!(
            "`{code}` is not a literal (0, 1.5, true, \"text\") or a call of a function by its path (dorm::fields::now())"
        ))
    }
}

/// A one-off value as a default: a call when it is one, otherwise a literal.
fn one_off(value: &'static str) -> DefaultMeta {
    if is_path_call(value) {
        DefaultMeta::Callable(value)
    } else {
        DefaultMeta::Literal(value)
    }
}

fn abort(app_label: &str, message: String) -> Error {
    Error::Migration {
        migration: format!("{app_label} (makemigrations)"),
        message,
    }
}

/// The operations, in their phases (see the module docs for the order).
#[derive(Default)]
struct Plan {
    rename_models: Vec<Operation>,
    alter_models: Vec<Operation>,
    rename_fields: Vec<Operation>,
    creates: Vec<Operation>,
    remove_indexes: Vec<Operation>,
    remove_many_to_many: Vec<Operation>,
    remove_fields: Vec<Operation>,
    add_fields: Vec<Operation>,
    alter_fields: Vec<Operation>,
    add_many_to_many: Vec<Operation>,
    add_indexes: Vec<Operation>,
    deletes: Vec<Operation>,
}

impl Plan {
    fn into_operations(self) -> Vec<Operation> {
        [
            self.rename_models,
            self.alter_models,
            self.rename_fields,
            self.creates,
            self.remove_indexes,
            self.remove_many_to_many,
            self.remove_fields,
            self.add_fields,
            self.alter_fields,
            self.add_many_to_many,
            self.add_indexes,
            self.deletes,
        ]
        .concat()
    }
}

/// The operations that take the models of `app_label` from `from` (the state the migrations
/// replay to) to `to` (the state the models declare), asking `questioner` about renames and
/// one-off defaults. See the [module docs](self) for the order and the special cases.
///
/// Errors: a question answered with "quit" (a new `NOT NULL` field without a default, with
/// [`NonInteractiveQuestioner`]'s defaults), naming the model and field.
pub fn changes(
    from: &ProjectState,
    to: &ProjectState,
    app_label: &str,
    questioner: &mut dyn Questioner,
) -> Result<Vec<Operation>> {
    let mut work = from.clone();
    let mut plan = Plan::default();
    detect_rename_models(&mut work, to, app_label, questioner, &mut plan)?;
    detect_rename_fields(&mut work, to, app_label, questioner, &mut plan)?;

    detect_model_options(&mut work, to, app_label, &mut plan)?;

    let added: Vec<ModelState> = to
        .app_models(app_label)
        .filter(|m| work.model(app_label, m.name).is_none())
        .cloned()
        .collect();
    let deleted: Vec<ModelState> = work
        .app_models(app_label)
        .filter(|m| to.model(app_label, m.name).is_none())
        .cloned()
        .collect();
    let mut recreated = Vec::new();
    for new in to.app_models(app_label) {
        let Some(old) = work.model(app_label, new.name) else {
            continue;
        };
        if !new.managed {
            if old != new {
                recreated.push(new.clone());
            }
            continue;
        }
        diff_model(app_label, old, new, questioner, &mut plan)?;
    }
    let early = plan_creates(added, recreated, &deleted, &mut plan);
    let deleted: Vec<ModelState> = deleted
        .into_iter()
        .filter(|d| !early.contains(&d.name.to_lowercase()))
        .collect();
    plan_deletes(deleted, &mut plan);

    let ops = plan.into_operations();
    // The operations must apply to `from`; anything else is a bug here, better found now
    // than when the migration runs.
    let mut check = from.clone();
    for op in &ops {
        op.state_forwards(app_label, &mut check)?;
    }
    Ok(ops)
}

/// Model-level changes of kept models (Django's `generate_altered_db_table`,
/// `generate_altered_managed` and `generate_altered_options`): a new `db_table` is an
/// `AlterModelTable`; `managed`, `ordering` or `verbose_name` an `AlterModelOptions`. Both
/// are applied to `work`, so the field comparison that follows sees relations to the new
/// table as unchanged.
fn detect_model_options(
    work: &mut ProjectState,
    to: &ProjectState,
    app_label: &str,
    plan: &mut Plan,
) -> Result<()> {
    let kept: Vec<(ModelState, ModelState)> = to
        .app_models(app_label)
        .filter_map(|new| Some((work.model(app_label, new.name)?.clone(), new.clone())))
        .collect();
    for (old, new) in kept {
        let mut ops = Vec::new();
        if old.db_table != new.db_table {
            ops.push(Operation::AlterModelTable {
                model: new.name,
                table: new.db_table,
            });
        }
        if old.managed != new.managed
            || old.ordering != new.ordering
            || old.verbose_name != new.verbose_name
        {
            ops.push(Operation::AlterModelOptions {
                model: new.name,
                managed: new.managed,
                ordering: leak_slice(new.ordering.clone()),
                verbose_name: new.verbose_name,
            });
        }
        for op in ops {
            op.state_forwards(app_label, work)?;
            plan.alter_models.push(op);
        }
    }
    Ok(())
}

/// The field with its relation's target blanked: Django compares models for renames without
/// the targets of their relations.
fn relation_agnostic(f: &FieldMeta) -> FieldMeta {
    let mut f = *f;
    if let Some(r) = f.relation.as_mut() {
        r.model = "";
        r.table = "";
    }
    f
}

fn is_rename_candidate(app_label: &str, old: &ModelState, new: &ModelState) -> bool {
    let table_follows = if old.db_table == default_table(app_label, old.name) {
        new.db_table == default_table(app_label, new.name)
    } else {
        new.db_table == old.db_table
    };
    let m2m_names = |m: &ModelState| {
        m.many_to_many
            .iter()
            .map(|f| f.name)
            .collect::<BTreeSet<_>>()
    };
    old.managed == new.managed
        && table_follows
        && old.fields.len() == new.fields.len()
        && old
            .fields
            .iter()
            .zip(&new.fields)
            .all(|(a, b)| relation_agnostic(a) == relation_agnostic(b))
        && m2m_names(old) == m2m_names(new)
}

fn detect_rename_models(
    work: &mut ProjectState,
    to: &ProjectState,
    app_label: &str,
    questioner: &mut dyn Questioner,
    plan: &mut Plan,
) -> Result<()> {
    let added: Vec<ModelState> = to
        .app_models(app_label)
        .filter(|m| work.model(app_label, m.name).is_none())
        .cloned()
        .collect();
    let mut removed: Vec<ModelState> = work
        .app_models(app_label)
        .filter(|m| to.model(app_label, m.name).is_none())
        .cloned()
        .collect();
    for new in &added {
        let found = removed.iter().position(|old| {
            is_rename_candidate(app_label, old, new) && questioner.ask_rename_model(old, new)
        });
        if let Some(pos) = found {
            let old = removed.remove(pos);
            let op = Operation::RenameModel {
                old_name: old.name,
                new_name: new.name,
            };
            op.state_forwards(app_label, work)?;
            plan.rename_models.push(op);
        }
    }
    Ok(())
}

/// Whether `new` may be `old` renamed: the same definition apart from the name, the column
/// (following the name, or kept) and the verbose name (derived from the name).
fn is_field_rename_candidate(old: &FieldMeta, new: &FieldMeta) -> bool {
    let renamed = renamed_field(old, new.name);
    let column_ok = new.column == renamed.column || new.column == old.column;
    let blank = |f: &FieldMeta| {
        let mut f = *f;
        f.column = "";
        f.verbose_name = "";
        f
    };
    column_ok && blank(&renamed) == blank(new)
}

fn detect_rename_fields(
    work: &mut ProjectState,
    to: &ProjectState,
    app_label: &str,
    questioner: &mut dyn Questioner,
    plan: &mut Plan,
) -> Result<()> {
    for new in to.app_models(app_label).filter(|m| m.managed) {
        let Some(old) = work.model(app_label, new.name) else {
            continue;
        };
        if !old.managed {
            continue;
        }
        let removed: Vec<FieldMeta> = old
            .fields
            .iter()
            .filter(|f| new.field(f.name).is_none())
            .copied()
            .collect();
        let added: Vec<FieldMeta> = new
            .fields
            .iter()
            .filter(|f| old.field(f.name).is_none())
            .copied()
            .collect();
        let mut used = vec![false; removed.len()];
        let mut ops = Vec::new();
        for nf in &added {
            let found = removed.iter().enumerate().position(|(k, of)| {
                !used[k]
                    && is_field_rename_candidate(of, nf)
                    && questioner.ask_rename_field(new.name, of, nf)
            });
            if let Some(k) = found {
                used[k] = true;
                ops.push(Operation::RenameField {
                    model: new.name,
                    old_name: removed[k].name,
                    new_name: nf.name,
                });
            }
        }
        for op in ops {
            op.state_forwards(app_label, work)?;
            plan.rename_fields.push(op);
        }
    }
    Ok(())
}

fn is_relation(kind: FieldKind) -> bool {
    matches!(kind, FieldKind::ForeignKey | FieldKind::OneToOneField)
}

fn is_integer(kind: FieldKind) -> bool {
    kind.is_auto()
        || matches!(
            kind,
            FieldKind::SmallIntegerField
                | FieldKind::IntegerField
                | FieldKind::BigIntegerField
                | FieldKind::PositiveSmallIntegerField
                | FieldKind::PositiveIntegerField
                | FieldKind::PositiveBigIntegerField
        )
}

/// A change between a relation and a field whose stored values do not convert to the key
/// column's type (text to a `bigint` key): the column is dropped and added again.
fn must_recreate(old: &FieldMeta, new: &FieldMeta) -> bool {
    if is_relation(old.kind) == is_relation(new.kind) {
        return false;
    }
    let (plain, key) = if is_relation(old.kind) {
        (new, old)
    } else {
        (old, new)
    };
    let text_key = key.key_kind.is_some_and(|k| k.is_text());
    if text_key {
        !plain.kind.is_text()
    } else {
        !is_integer(plain.kind)
    }
}

/// Whether existing rows need a value for `field` when it is added (or made `NOT NULL`).
fn needs_one_off(field: &FieldMeta) -> bool {
    !field.null
        && field.default == DefaultMeta::None
        && !field.auto_now
        && !field.auto_now_add
        && !field.kind.is_auto()
}

fn add_field(
    app_label: &str,
    model: &'static str,
    field: &FieldMeta,
    questioner: &mut dyn Questioner,
    plan: &mut Plan,
) -> Result<()> {
    if !needs_one_off(field) {
        plan.add_fields.push(Operation::AddField {
            model,
            field: *field,
        });
        return Ok(());
    }
    match questioner.ask_not_null_addition(model, field) {
        Some(value) => {
            plan.add_fields.push(Operation::AddField {
                model,
                field: field.default(one_off(value)),
            });
            plan.alter_fields.push(Operation::AlterField {
                model,
                field: *field,
            });
            Ok(())
        }
        None => Err(abort(
            app_label,
            format!(
                "It is impossible to add a non-nullable field '{}' to {} without specifying a default. Give the field a default (#[dorm(default = ...)]), make it nullable (Option<_>), or provide a one-off default (answer the question, or NonInteractiveQuestioner::default_for(\"{model}\", \"{}\", ...)).",
                field.name,
                model.to_lowercase(),
                field.name
            ),
        )),
    }
}

fn alter_field(
    app_label: &str,
    model: &'static str,
    old: &FieldMeta,
    new: &FieldMeta,
    questioner: &mut dyn Questioner,
    plan: &mut Plan,
) -> Result<()> {
    if !(old.null && needs_one_off(new)) {
        plan.alter_fields
            .push(Operation::AlterField { model, field: *new });
        return Ok(());
    }
    match questioner.ask_not_null_alteration(model, new) {
        NotNullAlteration::Default(value) => {
            plan.alter_fields.push(Operation::AlterField {
                model,
                field: new.default(one_off(value)),
            });
            plan.alter_fields.push(Operation::AlterField { model, field: *new });
            Ok(())
        }
        NotNullAlteration::Ignore => {
            plan.alter_fields.push(Operation::AlterField { model, field: *new });
            Ok(())
        }
        NotNullAlteration::Quit => Err(abort(
            app_label,
            format!(
                "It is impossible to change a nullable field '{}' on {} to non-nullable without providing a default.",
                new.name,
                model.to_lowercase()
            ),
        )),
    }
}

/// A many-to-many change that needs the join table again: another target or `through`.
fn many_to_many_differs(old: &ManyToManyMeta, new: &ManyToManyMeta) -> bool {
    !old.to.eq_ignore_ascii_case(new.to) || old.through != new.through
}

fn diff_model(
    app_label: &str,
    old: &ModelState,
    new: &ModelState,
    questioner: &mut dyn Questioner,
    plan: &mut Plan,
) -> Result<()> {
    let model = new.name;
    // Fields whose column is dropped: the indexes and constraints over them go with them.
    let mut dropped: BTreeSet<&str> = BTreeSet::new();
    for f in &old.fields {
        if new.field(f.name).is_none() {
            plan.remove_fields.push(Operation::RemoveField {
                model,
                name: f.name,
            });
            dropped.insert(f.name);
        }
    }
    for nf in &new.fields {
        match old.field(nf.name) {
            None => add_field(app_label, model, nf, questioner, plan)?,
            Some(of) if of == nf => {}
            Some(of) if must_recreate(of, nf) => {
                plan.remove_fields.push(Operation::RemoveField {
                    model,
                    name: of.name,
                });
                dropped.insert(of.name);
                add_field(app_label, model, nf, questioner, plan)?;
            }
            Some(of) => alter_field(app_label, model, of, nf, questioner, plan)?,
        }
    }

    for om in &old.many_to_many {
        let gone = match new.many_to_many(om.name) {
            None => true,
            Some(nm) => many_to_many_differs(om, nm),
        };
        if gone {
            plan.remove_many_to_many.push(Operation::RemoveManyToMany {
                model,
                name: om.name,
            });
        }
    }
    for nm in &new.many_to_many {
        let new_one = match old.many_to_many(nm.name) {
            None => true,
            Some(om) => many_to_many_differs(om, nm),
        };
        if new_one {
            plan.add_many_to_many
                .push(Operation::AddManyToMany { model, field: *nm });
        }
    }

    let over_dropped = |fields: &[&str]| {
        fields
            .iter()
            .any(|f| dropped.contains(f.trim_start_matches('-')))
    };
    let kept = |i: &IndexMeta, others: &[IndexMeta]| others.contains(i) && !over_dropped(i.fields);
    for i in &old.indexes {
        if !kept(i, &new.indexes) {
            plan.remove_indexes.push(Operation::RemoveIndex {
                model,
                name: i.name,
            });
        }
    }
    for i in &new.indexes {
        if !kept(i, &old.indexes) {
            plan.add_indexes
                .push(Operation::AddIndex { model, index: *i });
        }
    }
    let kept = |c: &ConstraintMeta, others: &[ConstraintMeta]| {
        others.contains(c) && !over_dropped(c.fields)
    };
    for c in &old.constraints {
        if !kept(c, &new.constraints) {
            plan.remove_indexes.push(Operation::RemoveConstraint {
                model,
                name: c.name,
            });
        }
    }
    for c in &new.constraints {
        if !kept(c, &old.constraints) {
            plan.add_indexes.push(Operation::AddConstraint {
                model,
                constraint: *c,
            });
        }
    }
    Ok(())
}

/// The models `model`'s table needs to exist first: targets of its foreign keys and of its
/// automatic many-to-many join table.
fn targets(model: &ModelState) -> Vec<String> {
    let mut out: Vec<String> = model
        .fields
        .iter()
        .filter_map(|f| f.relation.map(|r| r.model.to_lowercase()))
        .collect();
    out.extend(
        model
            .many_to_many
            .iter()
            .filter(|m| m.through.is_none())
            .map(|m| m.to.to_lowercase()),
    );
    let own = model.name.to_lowercase();
    out.retain(|t| *t != own);
    out
}

/// `CreateModel`s in dependency order. Returns the deleted models whose `DeleteModel` had to
/// come first (a new model takes their table, or an unmanaged model is recreated).
fn plan_creates(
    added: Vec<ModelState>,
    recreated: Vec<ModelState>,
    deleted: &[ModelState],
    plan: &mut Plan,
) -> BTreeSet<String> {
    let recreated_names: BTreeSet<String> =
        recreated.iter().map(|m| m.name.to_lowercase()).collect();
    let mut remaining: Vec<ModelState> = added.into_iter().chain(recreated).collect();
    remaining.sort_by_key(|m| m.name.to_lowercase());
    let new_names: BTreeSet<String> = remaining.iter().map(|m| m.name.to_lowercase()).collect();
    let mut created: BTreeSet<String> = BTreeSet::new();
    let mut early: BTreeSet<String> = BTreeSet::new();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|m| {
            targets(m)
                .iter()
                .all(|t| !new_names.contains(t) || created.contains(t))
        });
        let mut model = match ready {
            Some(pos) => remaining.remove(pos),
            None => {
                // A cycle: create the first model without the relations that close it.
                let mut model = remaining.remove(0);
                let own = model.name.to_lowercase();
                let pending = |target: &str| {
                    let t = target.to_lowercase();
                    t != own && new_names.contains(&t) && !created.contains(&t)
                };
                let (later, now): (Vec<FieldMeta>, Vec<FieldMeta>) = model
                    .fields
                    .iter()
                    .partition(|f| f.relation.is_some_and(|r| pending(r.model)));
                model.fields = now;
                let (later_m2m, now_m2m): (Vec<ManyToManyMeta>, Vec<ManyToManyMeta>) = model
                    .many_to_many
                    .iter()
                    .partition(|m| m.through.is_none() && pending(m.to));
                model.many_to_many = now_m2m;
                let later_names: BTreeSet<&str> = later.iter().map(|f| f.name).collect();
                let over_later = |fields: &[&str]| {
                    fields
                        .iter()
                        .any(|f| later_names.contains(f.trim_start_matches('-')))
                };
                let name = model.name;
                for f in later {
                    plan.add_fields.push(Operation::AddField {
                        model: name,
                        field: f,
                    });
                }
                for m in later_m2m {
                    plan.add_many_to_many.push(Operation::AddManyToMany {
                        model: name,
                        field: m,
                    });
                }
                for i in model.indexes.iter().filter(|i| over_later(i.fields)) {
                    plan.add_indexes.push(Operation::AddIndex {
                        model: name,
                        index: *i,
                    });
                }
                model.indexes.retain(|i| !over_later(i.fields));
                for c in model.constraints.iter().filter(|c| over_later(c.fields)) {
                    plan.add_indexes.push(Operation::AddConstraint {
                        model: name,
                        constraint: *c,
                    });
                }
                model.constraints.retain(|c| !over_later(c.fields));
                model
            }
        };
        let lower = model.name.to_lowercase();
        if recreated_names.contains(&lower) {
            plan.creates.push(Operation::DeleteModel(model.name));
        }
        for d in deleted.iter().filter(|d| d.db_table == model.db_table) {
            if early.insert(d.name.to_lowercase()) {
                plan.creates.push(Operation::DeleteModel(d.name));
            }
        }
        model.fields.shrink_to_fit();
        plan.creates
            .push(Operation::CreateModel(model_meta(&model)));
        created.insert(lower);
    }
    early
}

/// Whether `model` has a relation (or an automatic join table) to `target`.
fn points_at(model: &ModelState, target: &str) -> bool {
    model.fields.iter().any(|f| {
        f.relation
            .is_some_and(|r| r.model.eq_ignore_ascii_case(target))
    }) || model
        .many_to_many
        .iter()
        .any(|m| m.through.is_none() && m.to.eq_ignore_ascii_case(target))
}

/// `DeleteModel`s, a model before the deleted models it points at. In a cycle, the relations
/// that point at the first model are removed first.
fn plan_deletes(mut remaining: Vec<ModelState>, plan: &mut Plan) {
    while !remaining.is_empty() {
        let referenced = |m: &ModelState, all: &[ModelState]| {
            all.iter()
                .any(|o| !o.name.eq_ignore_ascii_case(m.name) && points_at(o, m.name))
        };
        let pos = remaining
            .iter()
            .position(|m| !referenced(m, &remaining))
            .unwrap_or(0);
        let model = remaining.remove(pos);
        for other in &mut remaining {
            if !points_at(other, model.name) {
                continue;
            }
            let target = model.name;
            for f in other.fields.iter().filter(|f| {
                f.relation
                    .is_some_and(|r| r.model.eq_ignore_ascii_case(target))
            }) {
                plan.remove_fields.push(Operation::RemoveField {
                    model: other.name,
                    name: f.name,
                });
            }
            other.fields.retain(|f| {
                !f.relation
                    .is_some_and(|r| r.model.eq_ignore_ascii_case(target))
            });
            for m in other
                .many_to_many
                .iter()
                .filter(|m| m.through.is_none() && m.to.eq_ignore_ascii_case(target))
            {
                plan.remove_many_to_many.push(Operation::RemoveManyToMany {
                    model: other.name,
                    name: m.name,
                });
            }
            other
                .many_to_many
                .retain(|m| !(m.through.is_none() && m.to.eq_ignore_ascii_case(target)));
        }
        plan.deletes.push(Operation::DeleteModel(model.name));
    }
}

/// The name fragment of one operation (Django's `migration_name_fragment`); `None` for data
/// migrations.
fn fragment(op: &Operation) -> Option<String> {
    let l = |s: &str| s.to_lowercase();
    Some(match op {
        Operation::CreateModel(m) => l(m.name),
        Operation::DeleteModel(m) => format!("delete_{}", l(m)),
        Operation::RenameModel { old_name, new_name } => {
            format!("rename_{}_{}", l(old_name), l(new_name))
        }
        Operation::AddField { model, field } => format!("{}_{}", l(model), l(field.name)),
        Operation::AddManyToMany { model, field } => format!("{}_{}", l(model), l(field.name)),
        Operation::RemoveField { model, name } | Operation::RemoveManyToMany { model, name } => {
            format!("remove_{}_{}", l(model), l(name))
        }
        Operation::AlterField { model, field } => {
            format!("alter_{}_{}", l(model), l(field.name))
        }
        Operation::RenameField {
            model,
            old_name,
            new_name,
        } => format!("rename_{}_{}_{}", l(old_name), l(model), l(new_name)),
        Operation::AddIndex { model, index } => format!("{}_{}", l(model), l(index.name)),
        Operation::RemoveIndex { model, name } => format!("remove_{}_{}", l(model), l(name)),
        Operation::AddConstraint { model, constraint } => {
            format!("{}_{}", l(model), l(constraint.name))
        }
        Operation::RemoveConstraint { model, name } => {
            format!("remove_{}_{}", l(model), l(name))
        }
        _ => return None,
    })
}

/// Django's `re.sub(r"\W+", "_", name)`.
fn word_chars(s: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
            gap = false;
        } else if !gap {
            out.push('_');
            gap = true;
        }
    }
    out
}

/// The name of a migration holding `ops`, after its number (Django's `Migration.suggest_name`):
/// `initial` for a migration that only creates models, else the operations' fragments
/// (`venue_license`, `remove_venue_license`, `alter_city_name`, ...) joined by `_` and cut
/// with `_and_more` past 52 characters, or `auto_<yyyymmdd_hhmm>` (UTC) when an operation has
/// no fragment (data migrations) or there are none.
///
/// ```
/// use dorm::fields::{FieldKind, FieldMeta};
/// use dorm::migrations::autodetector::migration_name;
/// use dorm::migrations::Operation;
///
/// let license = FieldMeta::new("license", FieldKind::CharField).max_length(20);
/// assert_eq!(migration_name(&[Operation::AddField { model: "Venue", field: license }]), "venue_license");
/// assert_eq!(migration_name(&[Operation::RemoveField { model: "Venue", name: "license" }]), "remove_venue_license");
/// assert!(migration_name(&[]).starts_with("auto_"));
/// ```
pub fn migration_name(ops: &[Operation]) -> String {
    let initial = !ops.is_empty() && ops.iter().all(|op| matches!(op, Operation::CreateModel(_)));
    suggest_name(ops, initial)
}

/// [`migration_name`] when the caller knows whether the migration is the app's first: Django
/// names only the first one `initial`; a later migration of new models is named after them
/// (`book`, `book_author`).
pub fn suggest_name(ops: &[Operation], initial: bool) -> String {
    if initial {
        return "initial".to_string();
    }
    let fragments: Vec<String> = ops
        .iter()
        .filter_map(fragment)
        .map(|f| word_chars(&f))
        .collect();
    if fragments.is_empty() || fragments.len() != ops.len() {
        return format!("auto_{}", chrono::Utc::now().format("%Y%m%d_%H%M"));
    }
    let mut name = fragments[0].clone();
    for f in &fragments[1..] {
        let longer = format!("{name}_{f}");
        if longer.len() > 52 {
            name.push_str("_and_more");
            break;
        }
        name = longer;
    }
    name
}

#[cfg(test)]
// The tables list states as arrays (`&[venue.clone()]`), which reads better than `from_ref`.
#[allow(clippy::cloned_ref_to_slice_refs)]
mod tests {
    use super::*;
    use crate::relations::OnDelete;

    const APP: &str = "shop";

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    fn id() -> FieldMeta {
        FieldMeta::new("id", FieldKind::BigAutoField).primary_key()
    }

    fn char_field(name: &'static str) -> FieldMeta {
        FieldMeta::new(name, FieldKind::CharField).max_length(100)
    }

    fn fk(name: &'static str, target: &'static str) -> FieldMeta {
        FieldMeta::new(name, FieldKind::ForeignKey)
            .column(leak(format!("{name}_id")))
            .db_index()
            .foreign_key(
                target,
                leak(default_table(APP, target)),
                "id",
                FieldKind::BigIntegerField,
                OnDelete::Cascade,
            )
    }

    /// A model of the app with an `id` and `fields`.
    fn model(name: &'static str, fields: &[FieldMeta]) -> ModelState {
        ModelState {
            name,
            app_label: APP,
            db_table: leak(default_table(APP, name)),
            fields: std::iter::once(id())
                .chain(fields.iter().copied())
                .collect(),
            constraints: vec![],
            indexes: vec![],
            ordering: vec![],
            managed: true,
            verbose_name: leak(name.to_lowercase()),
            many_to_many: vec![],
        }
    }

    fn state(models: &[ModelState]) -> ProjectState {
        let mut s = ProjectState::new();
        for m in models {
            s.add_model(m.clone());
        }
        s
    }

    fn create(m: &ModelState) -> Operation {
        Operation::CreateModel(model_meta(m))
    }

    /// Field order, model options the operations do not carry: not compared.
    fn normalized(s: &ProjectState) -> Vec<ModelState> {
        s.models()
            .map(|m| {
                let mut m = m.clone();
                m.fields.sort_by_key(|f| f.name);
                m.indexes.sort_by_key(|i| i.name);
                m.constraints.sort_by_key(|c| c.name);
                m.many_to_many.sort_by_key(|f| f.name);
                m.verbose_name = "";
                m.ordering.clear();
                m
            })
            .collect()
    }

    /// Runs the autodetector and checks that its operations take `before` to `after`.
    fn detect(
        before: &[ModelState],
        after: &[ModelState],
        questioner: &mut dyn Questioner,
    ) -> Result<Vec<Operation>> {
        let (from, to) = (state(before), state(after));
        let ops = changes(&from, &to, APP, questioner)?;
        let mut replayed = from.clone();
        for op in &ops {
            op.state_forwards(APP, &mut replayed).unwrap();
        }
        assert_eq!(
            normalized(&replayed),
            normalized(&to),
            "the operations do not reach the models: {ops:#?}"
        );
        Ok(ops)
    }

    struct Case {
        name: &'static str,
        before: Vec<ModelState>,
        after: Vec<ModelState>,
        questioner: NonInteractiveQuestioner,
        expected: Vec<Operation>,
    }

    fn case(
        name: &'static str,
        before: Vec<ModelState>,
        after: Vec<ModelState>,
        expected: Vec<Operation>,
    ) -> Case {
        Case {
            name,
            before,
            after,
            questioner: NonInteractiveQuestioner::new(),
            expected,
        }
    }

    fn run(cases: Vec<Case>) {
        for mut c in cases {
            let ops = detect(&c.before, &c.after, &mut c.questioner)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert_eq!(ops, c.expected, "{}", c.name);
        }
    }

    #[test]
    fn model_operations() {
        let city = model("City", &[char_field("name")]);
        let venue = model("Venue", &[char_field("name"), fk("city", "City")]);
        // Sorted by name, `Alpha` would come first; it points at `Beta`, so it comes after.
        let alpha = model("Alpha", &[fk("beta", "Beta")]);
        let beta = model("Beta", &[]);
        let place = model("Place", &[char_field("name"), fk("city", "City")]);
        let mut unmanaged = model("TempUser", &[char_field("first_name")]);
        unmanaged.managed = false;
        unmanaged.db_table = "temp_user";
        let mut unmanaged_2 = unmanaged.clone();
        unmanaged_2.fields.push(char_field("last_name"));
        run(vec![
            case("no change", vec![city.clone()], vec![city.clone()], vec![]),
            case(
                "create",
                vec![],
                vec![city.clone(), venue.clone()],
                vec![create(&city), create(&venue)],
            ),
            case(
                "create after the targets",
                vec![],
                vec![alpha.clone(), beta.clone()],
                vec![create(&beta), create(&alpha)],
            ),
            case(
                "delete",
                vec![city.clone()],
                vec![],
                vec![Operation::DeleteModel("City")],
            ),
            case(
                "delete before the targets",
                vec![beta.clone(), alpha.clone()],
                vec![],
                vec![
                    Operation::DeleteModel("Alpha"),
                    Operation::DeleteModel("Beta"),
                ],
            ),
            case(
                "a rename not confirmed is a create and a delete",
                vec![city.clone(), venue.clone()],
                vec![city.clone(), place.clone()],
                vec![create(&place), Operation::DeleteModel("Venue")],
            ),
            case(
                "unmanaged models: create",
                vec![],
                vec![unmanaged.clone()],
                vec![create(&unmanaged)],
            ),
            case(
                "unmanaged models: delete",
                vec![unmanaged.clone()],
                vec![],
                vec![Operation::DeleteModel("TempUser")],
            ),
            case(
                "unmanaged models: a change is a delete and a create, no field operation",
                vec![unmanaged.clone()],
                vec![unmanaged_2.clone()],
                vec![Operation::DeleteModel("TempUser"), create(&unmanaged_2)],
            ),
        ]);
    }

    #[test]
    fn rename_models() {
        let city = model("City", &[char_field("name")]);
        let venue = model("Venue", &[char_field("name"), fk("city", "City")]);
        let place = model("Place", &[char_field("name"), fk("city", "City")]);
        // A model pointing at the renamed one follows it: no field operation.
        let review = model("Review", &[fk("venue", "Venue")]);
        let mut review_2 = review.clone();
        review_2.fields[1] = FieldMeta {
            relation: Some(crate::relations::RelationMeta {
                model: "Place",
                table: "shop_place",
                ..review.fields[1].relation.unwrap()
            }),
            ..review.fields[1]
        };
        let rename = Operation::RenameModel {
            old_name: "Venue",
            new_name: "Place",
        };
        run(vec![
            Case {
                questioner: NonInteractiveQuestioner::new().rename_model("Venue", "Place"),
                ..case(
                    "rename",
                    vec![city.clone(), venue.clone(), review.clone()],
                    vec![city.clone(), place.clone(), review_2.clone()],
                    vec![rename],
                )
            },
            Case {
                questioner: NonInteractiveQuestioner::new().accept_renames(),
                ..case(
                    "rename, every rename accepted",
                    vec![city.clone(), venue.clone()],
                    vec![city.clone(), place.clone()],
                    vec![rename],
                )
            },
        ]);
        // Different fields: not asked.
        let other = model("Place", &[char_field("title")]);
        let mut q = NonInteractiveQuestioner::new().accept_renames();
        let ops = detect(
            &[city.clone(), venue.clone()],
            &[city.clone(), other.clone()],
            &mut q,
        )
        .unwrap();
        assert_eq!(ops, vec![create(&other), Operation::DeleteModel("Venue")]);
    }

    #[test]
    fn field_operations() {
        let venue = model("Venue", &[char_field("name")]);
        let with = |f: FieldMeta| model("Venue", &[char_field("name"), f]);
        let nullable = FieldMeta::new("license", FieldKind::CharField)
            .max_length(20)
            .null();
        let defaulted = FieldMeta::new("license", FieldKind::CharField)
            .max_length(20)
            .default(DefaultMeta::Literal("\"none\""));
        let required = FieldMeta::new("license", FieldKind::CharField).max_length(20);
        let stamp = FieldMeta::new("seen", FieldKind::DateTimeField).auto_now_add();
        run(vec![
            case(
                "add a nullable field",
                vec![venue.clone()],
                vec![with(nullable)],
                vec![Operation::AddField {
                    model: "Venue",
                    field: nullable,
                }],
            ),
            case(
                "add a field with a default",
                vec![venue.clone()],
                vec![with(defaulted)],
                vec![Operation::AddField {
                    model: "Venue",
                    field: defaulted,
                }],
            ),
            case(
                "auto_now_add fills itself",
                vec![venue.clone()],
                vec![with(stamp)],
                vec![Operation::AddField {
                    model: "Venue",
                    field: stamp,
                }],
            ),
            Case {
                questioner: NonInteractiveQuestioner::new().default_for(
                    "Venue",
                    "license",
                    "\"unknown\"",
                ),
                ..case(
                    "add NOT NULL with a one-off default",
                    vec![venue.clone()],
                    vec![with(required)],
                    vec![
                        Operation::AddField {
                            model: "Venue",
                            field: required.default(DefaultMeta::Literal("\"unknown\"")),
                        },
                        Operation::AlterField {
                            model: "Venue",
                            field: required,
                        },
                    ],
                )
            },
            case(
                "remove",
                vec![with(nullable)],
                vec![venue.clone()],
                vec![Operation::RemoveField {
                    model: "Venue",
                    name: "license",
                }],
            ),
            case(
                "NOT NULL to nullable",
                vec![with(required)],
                vec![with(nullable)],
                vec![Operation::AlterField {
                    model: "Venue",
                    field: nullable,
                }],
            ),
            case(
                "nullable to NOT NULL, ignored by --noinput",
                vec![with(nullable)],
                vec![with(required)],
                vec![Operation::AlterField {
                    model: "Venue",
                    field: required,
                }],
            ),
            Case {
                questioner: NonInteractiveQuestioner::new()
                    .default_for("venue", "license", "\"x\""),
                ..case(
                    "nullable to NOT NULL with a one-off default",
                    vec![with(nullable)],
                    vec![with(required)],
                    vec![
                        Operation::AlterField {
                            model: "Venue",
                            field: required.default(DefaultMeta::Literal("\"x\"")),
                        },
                        Operation::AlterField {
                            model: "Venue",
                            field: required,
                        },
                    ],
                )
            },
            case(
                "nullable to NOT NULL with a default: nothing to ask",
                vec![with(nullable)],
                vec![with(defaulted)],
                vec![Operation::AlterField {
                    model: "Venue",
                    field: defaulted,
                }],
            ),
        ]);
    }

    #[test]
    fn every_attribute_change_is_an_alter_field() {
        let base = FieldMeta::new("f", FieldKind::CharField).max_length(20);
        let decimal = FieldMeta::new("f", FieldKind::DecimalField).decimal(10, 2);
        let file = FieldMeta::new("f", FieldKind::FileField)
            .max_length(100)
            .upload_to("shop::paths::a");
        let to_city = fk("f", "City");
        let pairs: Vec<(&str, FieldMeta, FieldMeta)> = vec![
            (
                "kind",
                base,
                FieldMeta {
                    kind: FieldKind::TextField,
                    ..base
                },
            ),
            ("null", base, base.null()),
            ("default", base, base.default(DefaultMeta::Literal("\"a\""))),
            (
                "callable default",
                base.default(DefaultMeta::Callable("shop::f()")),
                base.default(DefaultMeta::Callable("shop::g()")),
            ),
            ("unique", base, base.unique()),
            ("db_index", base, base.db_index()),
            ("max_length", base, base.max_length(30)),
            ("choices", base, base.choices(&[("a", "A"), ("b", "B")])),
            ("decimal precision", decimal, decimal.decimal(12, 2)),
            ("verbose_name", base, base.verbose_name("eff")),
            ("column", base, base.column("f_col")),
            ("upload_to", file, file.upload_to("shop::paths::b")),
            ("relation target", to_city, fk("f", "Town")),
            (
                "on_delete",
                to_city,
                FieldMeta {
                    relation: Some(crate::relations::RelationMeta {
                        on_delete: OnDelete::Protect,
                        ..to_city.relation.unwrap()
                    }),
                    ..to_city
                },
            ),
            (
                "integer to foreign key",
                FieldMeta::new("f", FieldKind::BigIntegerField).column("f_id"),
                to_city,
            ),
        ];
        let city = model("City", &[]);
        let town = model("Town", &[]);
        for (what, old, new) in pairs {
            let before = [city.clone(), town.clone(), model("Venue", &[old])];
            let after = [city.clone(), town.clone(), model("Venue", &[new])];
            let ops = detect(&before, &after, &mut NonInteractiveQuestioner::new())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                ops,
                vec![Operation::AlterField {
                    model: "Venue",
                    field: new
                }],
                "{what}"
            );
        }
    }

    #[test]
    fn text_to_foreign_key_is_remove_and_add() {
        let city = model("City", &[]);
        let text = FieldMeta::new("city", FieldKind::CharField)
            .max_length(100)
            .null();
        let key = fk("city", "City").null();
        let before = [city.clone(), model("Venue", &[text])];
        let after = [city.clone(), model("Venue", &[key])];
        let mut q = NonInteractiveQuestioner::new();
        let remove = Operation::RemoveField {
            model: "Venue",
            name: "city",
        };
        assert_eq!(
            detect(&before, &after, &mut q).unwrap(),
            vec![
                remove,
                Operation::AddField {
                    model: "Venue",
                    field: key
                }
            ]
        );
        assert_eq!(
            detect(&after, &before, &mut q).unwrap(),
            vec![
                remove,
                Operation::AddField {
                    model: "Venue",
                    field: text
                }
            ],
            "and back"
        );
        // A NOT NULL key asks for a one-off value, like any new column.
        let required = [city.clone(), model("Venue", &[fk("city", "City")])];
        let err = detect(&before, &required, &mut q).unwrap_err().to_string();
        assert!(err.contains("non-nullable field 'city' to venue"), "{err}");
        // The index over the column is dropped with it and made again.
        let index = IndexMeta {
            name: "venue_city_idx",
            fields: &["city"],
        };
        let mut before = before.clone();
        before[1].indexes.push(index);
        let mut after = after.clone();
        after[1].indexes.push(index);
        let ops = detect(&before, &after, &mut q).unwrap();
        assert_eq!(
            ops,
            vec![
                Operation::RemoveIndex {
                    model: "Venue",
                    name: "venue_city_idx"
                },
                remove,
                Operation::AddField {
                    model: "Venue",
                    field: key
                },
                Operation::AddIndex {
                    model: "Venue",
                    index
                },
            ]
        );
    }

    #[test]
    fn not_null_addition_without_an_answer_is_an_error_naming_the_field() {
        let venue = model("Venue", &[]);
        let venue_2 = model(
            "Venue",
            &[FieldMeta::new("license", FieldKind::CharField).max_length(20)],
        );
        let err = detect(&[venue], &[venue_2], &mut NonInteractiveQuestioner::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "It is impossible to add a non-nullable field 'license' to venue without specifying a default"
            ),
            "{err}"
        );
    }

    #[test]
    fn rename_fields() {
        let city = model("City", &[]);
        let venue = model(
            "Venue",
            &[
                FieldMeta::new("name", FieldKind::CharField).max_length(100),
                fk("city", "City"),
            ],
        );
        let renamed = model(
            "Venue",
            &[
                FieldMeta::new("title", FieldKind::CharField).max_length(100),
                fk("town", "City"),
            ],
        );
        let rename_name = Operation::RenameField {
            model: "Venue",
            old_name: "name",
            new_name: "title",
        };
        let rename_city = Operation::RenameField {
            model: "Venue",
            old_name: "city",
            new_name: "town",
        };
        let verbose = model(
            "Venue",
            &[FieldMeta::new("full_name", FieldKind::CharField)
                .max_length(100)
                .verbose_name("full name")],
        );
        let plain = model(
            "Venue",
            &[FieldMeta::new("first_name", FieldKind::CharField)
                .max_length(100)
                .verbose_name("first name")],
        );
        run(vec![
            Case {
                questioner: NonInteractiveQuestioner::new()
                    .rename_field("Venue", "name", "title")
                    .rename_field("Venue", "city", "town"),
                ..case(
                    "renames; the key column follows (city_id -> town_id)",
                    vec![city.clone(), venue.clone()],
                    vec![city.clone(), renamed.clone()],
                    // The verbose names derived from the old names follow the rename.
                    vec![rename_name, rename_city],
                )
            },
            case(
                "a rename not confirmed is a remove and an add",
                vec![model("Venue", &[char_field("name").null()])],
                vec![model("Venue", &[char_field("title").null()])],
                vec![
                    Operation::RemoveField {
                        model: "Venue",
                        name: "name",
                    },
                    Operation::AddField {
                        model: "Venue",
                        field: char_field("title").null(),
                    },
                ],
            ),
            Case {
                questioner: NonInteractiveQuestioner::new().accept_renames(),
                ..case(
                    "the verbose name derived from the old name follows the rename",
                    vec![plain.clone()],
                    vec![verbose.clone()],
                    vec![Operation::RenameField {
                        model: "Venue",
                        old_name: "first_name",
                        new_name: "full_name",
                    }],
                )
            },
        ]);
    }

    #[test]
    fn many_to_many_index_and_constraint_operations() {
        let tag = model("Tag", &[]);
        let venue = model("Venue", &[char_field("name"), char_field("city")]);
        let tags = ManyToManyMeta {
            name: "tags",
            to: "Tag",
            related_name: None,
            through: None,
            symmetrical: false,
            join: None,
        };
        let mut with_tags = venue.clone();
        with_tags.many_to_many.push(tags);
        let mut retargeted = venue.clone();
        retargeted.many_to_many.push(ManyToManyMeta {
            to: "Venue",
            ..tags
        });
        let index = IndexMeta {
            name: "venue_name_idx",
            fields: &["name", "-city"],
        };
        let mut indexed = venue.clone();
        indexed.indexes.push(index);
        let mut reindexed = venue.clone();
        reindexed.indexes.push(IndexMeta {
            fields: &["city"],
            ..index
        });
        let constraint = ConstraintMeta {
            name: "unique name per city",
            fields: &["name", "city"],
        };
        let mut constrained = venue.clone();
        constrained.constraints.push(constraint);
        let without_city = model("Venue", &[char_field("name")]);
        run(vec![
            case(
                "add many-to-many",
                vec![tag.clone(), venue.clone()],
                vec![tag.clone(), with_tags.clone()],
                vec![Operation::AddManyToMany {
                    model: "Venue",
                    field: tags,
                }],
            ),
            case(
                "remove many-to-many",
                vec![tag.clone(), with_tags.clone()],
                vec![tag.clone(), venue.clone()],
                vec![Operation::RemoveManyToMany {
                    model: "Venue",
                    name: "tags",
                }],
            ),
            case(
                "another target: a new join table",
                vec![tag.clone(), with_tags.clone()],
                vec![tag.clone(), retargeted.clone()],
                vec![
                    Operation::RemoveManyToMany {
                        model: "Venue",
                        name: "tags",
                    },
                    Operation::AddManyToMany {
                        model: "Venue",
                        field: retargeted.many_to_many[0],
                    },
                ],
            ),
            case(
                "add index",
                vec![venue.clone()],
                vec![indexed.clone()],
                vec![Operation::AddIndex {
                    model: "Venue",
                    index,
                }],
            ),
            case(
                "remove index",
                vec![indexed.clone()],
                vec![venue.clone()],
                vec![Operation::RemoveIndex {
                    model: "Venue",
                    name: "venue_name_idx",
                }],
            ),
            case(
                "change index",
                vec![indexed.clone()],
                vec![reindexed.clone()],
                vec![
                    Operation::RemoveIndex {
                        model: "Venue",
                        name: "venue_name_idx",
                    },
                    Operation::AddIndex {
                        model: "Venue",
                        index: reindexed.indexes[0],
                    },
                ],
            ),
            case(
                "add constraint",
                vec![venue.clone()],
                vec![constrained.clone()],
                vec![Operation::AddConstraint {
                    model: "Venue",
                    constraint,
                }],
            ),
            case(
                "remove constraint",
                vec![constrained.clone()],
                vec![venue.clone()],
                vec![Operation::RemoveConstraint {
                    model: "Venue",
                    name: "unique name per city",
                }],
            ),
            case(
                "the index goes before the field it covers",
                vec![indexed.clone()],
                vec![without_city.clone()],
                vec![
                    Operation::RemoveIndex {
                        model: "Venue",
                        name: "venue_name_idx",
                    },
                    Operation::RemoveField {
                        model: "Venue",
                        name: "city",
                    },
                ],
            ),
        ]);
    }

    #[test]
    fn dependency_order() {
        let venue = model("Venue", &[char_field("name")]);
        let owner = model("Owner", &[]);
        let venue_owned = model("Venue", &[char_field("name"), fk("owner", "Owner").null()]);
        // The new model first, then the field pointing at it.
        let mut q = NonInteractiveQuestioner::new();
        let ops = detect(
            &[venue.clone()],
            &[venue_owned.clone(), owner.clone()],
            &mut q,
        )
        .unwrap();
        assert_eq!(
            ops,
            vec![
                create(&owner),
                Operation::AddField {
                    model: "Venue",
                    field: fk("owner", "Owner").null()
                }
            ]
        );
        // The field pointing at a deleted model goes first, then the model.
        let ops = detect(
            &[venue_owned.clone(), owner.clone()],
            &[venue.clone()],
            &mut q,
        )
        .unwrap();
        assert_eq!(
            ops,
            vec![
                Operation::RemoveField {
                    model: "Venue",
                    name: "owner"
                },
                Operation::DeleteModel("Owner")
            ]
        );
        // A cycle among new models: the first is created without the relation that closes it.
        let mut alpha = model("Alpha", &[fk("beta", "Beta")]);
        alpha.indexes.push(IndexMeta {
            name: "alpha_beta_idx",
            fields: &["beta"],
        });
        let beta = model("Beta", &[fk("alpha", "Alpha")]);
        let ops = detect(&[], &[alpha.clone(), beta.clone()], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![
                create(&model("Alpha", &[])),
                create(&beta),
                Operation::AddField {
                    model: "Alpha",
                    field: fk("beta", "Beta")
                },
                Operation::AddIndex {
                    model: "Alpha",
                    index: alpha.indexes[0]
                },
            ]
        );
        // A cycle among deleted models: the relation that closes it goes first.
        let ops = detect(&[alpha.clone(), beta.clone()], &[], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![
                Operation::RemoveField {
                    model: "Beta",
                    name: "alpha"
                },
                Operation::DeleteModel("Alpha"),
                Operation::DeleteModel("Beta"),
            ]
        );
        // A self-relation is no cycle.
        let node = model("Node", &[fk("parent", "Node").null()]);
        assert_eq!(
            detect(&[], &[node.clone()], &mut q).unwrap(),
            vec![create(&node)]
        );
    }

    #[test]
    fn other_apps_are_left_alone() {
        let mine = model("Venue", &[]);
        let mut theirs = model("User", &[]);
        theirs.app_label = "auth";
        let ops = changes(
            &state(&[theirs]),
            &state(&[mine.clone()]),
            APP,
            &mut NonInteractiveQuestioner::new(),
        )
        .unwrap();
        assert_eq!(ops, vec![create(&mine)]);
    }

    fn interactive(input: &str) -> InteractiveQuestioner<&[u8], Vec<u8>> {
        InteractiveQuestioner::new(input.as_bytes(), Vec::new())
    }

    fn output(q: InteractiveQuestioner<&[u8], Vec<u8>>) -> String {
        String::from_utf8(q.into_inner().1).unwrap()
    }

    #[test]
    fn interactive_renames() {
        let venue = model("Venue", &[char_field("name")]);
        let place = model("Place", &[char_field("name")]);
        let mut q = interactive("y\n");
        let ops = detect(&[venue.clone()], &[place.clone()], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![Operation::RenameModel {
                old_name: "Venue",
                new_name: "Place"
            }]
        );
        assert_eq!(
            output(q),
            "Was the model shop.Venue renamed to Place? [y/N] "
        );
        // Enter (and the end of the input) means no.
        let mut q = interactive("\n");
        let ops = detect(&[venue.clone()], &[place.clone()], &mut q).unwrap();
        assert_eq!(ops, vec![create(&place), Operation::DeleteModel("Venue")]);

        let titled = model("Venue", &[char_field("title")]);
        let mut q = interactive("maybe\nyes\n");
        let ops = detect(&[venue.clone()], &[titled], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![Operation::RenameField {
                model: "Venue",
                old_name: "name",
                new_name: "title"
            }]
        );
        assert_eq!(
            output(q),
            "Was venue.name renamed to venue.title (a CharField)? [y/N] Please answer yes or no: "
        );
    }

    #[test]
    fn interactive_one_off_defaults() {
        let venue = model("Venue", &[]);
        let rating = FieldMeta::new("rating", FieldKind::IntegerField);
        let rated = model("Venue", &[rating]);
        // A wrong option, then 1, then invalid code, then a value.
        let mut q = interactive("3\n1\nnot code\n0\n");
        let ops = detect(&[venue.clone()], &[rated.clone()], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![
                Operation::AddField {
                    model: "Venue",
                    field: rating.default(DefaultMeta::Literal("0"))
                },
                Operation::AlterField {
                    model: "Venue",
                    field: rating
                },
            ]
        );
        let text = output(q);
        assert!(text.starts_with("It is impossible to add a non-nullable field 'rating' to venue without specifying a default. This is because the database needs something to populate existing rows.\nPlease select a fix:\n 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n 2) Quit"), "{text}");
        assert!(text.contains("Please select a valid option: "), "{text}");
        assert!(text.contains("Invalid input: `not code`"), "{text}");

        // A function call is a callable default.
        let seen = FieldMeta::new("seen", FieldKind::DateTimeField);
        let mut q = interactive("1\ndorm::fields::now()\n");
        let ops = detect(&[venue.clone()], &[model("Venue", &[seen])], &mut q).unwrap();
        assert_eq!(
            ops[0],
            Operation::AddField {
                model: "Venue",
                field: seen.default(DefaultMeta::Callable("dorm::fields::now()"))
            }
        );

        // Quit.
        for answers in ["2\n", "1\nexit\n", ""] {
            let mut q = interactive(answers);
            let err = detect(&[venue.clone()], &[rated.clone()], &mut q).unwrap_err();
            assert!(
                err.to_string().contains("non-nullable field 'rating'"),
                "{answers:?}: {err}"
            );
        }

        // Nullable to NOT NULL: a value, ignore, quit.
        let nullable = model("Venue", &[rating.null()]);
        let mut q = interactive("1\n5\n");
        let ops = detect(&[nullable.clone()], &[rated.clone()], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![
                Operation::AlterField {
                    model: "Venue",
                    field: rating.default(DefaultMeta::Literal("5"))
                },
                Operation::AlterField {
                    model: "Venue",
                    field: rating
                },
            ]
        );
        assert!(output(q).starts_with(
            "It is impossible to change a nullable field 'rating' on venue to non-nullable"
        ));
        let mut q = interactive("2\n");
        let ops = detect(&[nullable.clone()], &[rated.clone()], &mut q).unwrap();
        assert_eq!(
            ops,
            vec![Operation::AlterField {
                model: "Venue",
                field: rating
            }]
        );
        let mut q = interactive("3\n");
        assert!(detect(&[nullable.clone()], &[rated.clone()], &mut q).is_err());
    }

    #[test]
    fn one_off_defaults_are_checked() {
        for good in [
            "0",
            "-1.5",
            "1_000",
            "true",
            "\"de\"",
            "\"a \\\" b\"",
            "crate::f()",
        ] {
            assert!(check_default(good).is_ok(), "{good}");
        }
        for bad in ["x", "\"open", "\"a\" b\"", "f(1)", "1 + 1", "-", "\"a\\\""] {
            assert!(check_default(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn migration_names() {
        let venue = model("Venue", &[]);
        let license = FieldMeta::new("license", FieldKind::CharField);
        let add = Operation::AddField {
            model: "Venue",
            field: license,
        };
        assert_eq!(migration_name(&[create(&venue)]), "initial");
        assert_eq!(suggest_name(&[create(&venue)], false), "venue");
        assert_eq!(migration_name(&[add]), "venue_license");
        assert_eq!(
            migration_name(&[Operation::RemoveField {
                model: "Venue",
                name: "license"
            }]),
            "remove_venue_license"
        );
        assert_eq!(
            migration_name(&[
                Operation::RenameField {
                    model: "Venue",
                    old_name: "name",
                    new_name: "title"
                },
                Operation::DeleteModel("City"),
            ]),
            "rename_name_venue_title_delete_city"
        );
        assert_eq!(
            migration_name(&[Operation::AddConstraint {
                model: "City",
                constraint: ConstraintMeta {
                    name: "Unique city name per country",
                    fields: &["name"]
                }
            }]),
            "city_unique_city_name_per_country"
        );
        let many: Vec<Operation> = ["a_long_field_name", "another_long_field", "third_one"]
            .iter()
            .map(|n| Operation::AddField {
                model: "Venue",
                field: FieldMeta::new(n, FieldKind::IntegerField),
            })
            .collect();
        assert_eq!(
            migration_name(&many),
            "venue_a_long_field_name_venue_another_long_field_and_more"
        );
        let run_sql = Operation::RunSql {
            sql: "SELECT 1",
            reverse_sql: None,
        };
        let name = migration_name(&[add, run_sql]);
        assert!(
            name.starts_with("auto_") && name.len() == "auto_20240101_1200".len(),
            "{name}"
        );
    }

    #[test]
    fn model_table_and_options() {
        let city = model("City", &[char_field("name")]);
        let venue = model("Venue", &[fk("city", "City")]);
        let mut moved = city.clone();
        moved.db_table = "cities";
        moved.ordering = vec!["name"];
        moved.verbose_name = "town";
        let mut venue_after = venue.clone();
        if let Some(rel) = venue_after.fields[1].relation.as_mut() {
            rel.table = "cities";
        }
        let ops = detect(
            &[city.clone(), venue.clone()],
            &[moved, venue_after],
            &mut NonInteractiveQuestioner::new(),
        )
        .unwrap();
        assert_eq!(
            ops,
            vec![
                Operation::AlterModelTable {
                    model: "City",
                    table: "cities"
                },
                Operation::AlterModelOptions {
                    model: "City",
                    managed: true,
                    ordering: &["name"],
                    verbose_name: "town",
                },
            ],
            "the foreign key to the moved table is not altered: it follows"
        );
        let mut unmanaged = venue.clone();
        unmanaged.managed = false;
        let ops = detect(
            &[city.clone(), venue.clone()],
            &[city, unmanaged],
            &mut NonInteractiveQuestioner::new(),
        )
        .unwrap();
        assert_eq!(
            ops,
            vec![Operation::AlterModelOptions {
                model: "Venue",
                managed: false,
                ordering: &[],
                verbose_name: "venue",
            }]
        );
    }
}
