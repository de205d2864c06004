//! [`FieldMeta`]: everything a model declares about one field, as data (Django's `Field`
//! deconstructed), for the schema editor and the migration autodetector.

/// The kind of a field, in Django's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldKind {
    /// `SmallAutoField`: 16-bit auto-incrementing primary key.
    SmallAutoField,
    /// `AutoField`: 32-bit auto-incrementing primary key.
    AutoField,
    /// `BigAutoField`: 64-bit auto-incrementing primary key (dorm's default, as Django's).
    BigAutoField,
    /// `CharField(max_length)`.
    CharField,
    /// `TextField`.
    TextField,
    /// `EmailField` (text, validated as an e-mail address).
    EmailField,
    /// `URLField` (text, validated as a URL).
    UrlField,
    /// `SlugField` (text, indexed).
    SlugField,
    /// `FileField` (the stored path).
    FileField,
    /// `ImageField` (the stored path).
    ImageField,
    /// `SmallIntegerField`.
    SmallIntegerField,
    /// `IntegerField`.
    IntegerField,
    /// `BigIntegerField`.
    BigIntegerField,
    /// `PositiveSmallIntegerField`.
    PositiveSmallIntegerField,
    /// `PositiveIntegerField`.
    PositiveIntegerField,
    /// `PositiveBigIntegerField`.
    PositiveBigIntegerField,
    /// `BooleanField`.
    BooleanField,
    /// `FloatField`.
    FloatField,
    /// `DecimalField(max_digits, decimal_places)`.
    DecimalField,
    /// `DateField`.
    DateField,
    /// `DateTimeField` (UTC).
    DateTimeField,
    /// `TimeField`.
    TimeField,
    /// `JSONField`.
    JsonField,
    /// `ForeignKey` (the column holds the target's primary key).
    ForeignKey,
    /// `OneToOneField` (a unique foreign key).
    OneToOneField,
}

impl FieldKind {
    /// Django's class name for the kind (`"CharField"`).
    pub const fn django_name(self) -> &'static str {
        match self {
            FieldKind::SmallAutoField => "SmallAutoField",
            FieldKind::AutoField => "AutoField",
            FieldKind::BigAutoField => "BigAutoField",
            FieldKind::CharField => "CharField",
            FieldKind::TextField => "TextField",
            FieldKind::EmailField => "EmailField",
            FieldKind::UrlField => "URLField",
            FieldKind::SlugField => "SlugField",
            FieldKind::FileField => "FileField",
            FieldKind::ImageField => "ImageField",
            FieldKind::SmallIntegerField => "SmallIntegerField",
            FieldKind::IntegerField => "IntegerField",
            FieldKind::BigIntegerField => "BigIntegerField",
            FieldKind::PositiveSmallIntegerField => "PositiveSmallIntegerField",
            FieldKind::PositiveIntegerField => "PositiveIntegerField",
            FieldKind::PositiveBigIntegerField => "PositiveBigIntegerField",
            FieldKind::BooleanField => "BooleanField",
            FieldKind::FloatField => "FloatField",
            FieldKind::DecimalField => "DecimalField",
            FieldKind::DateField => "DateField",
            FieldKind::DateTimeField => "DateTimeField",
            FieldKind::TimeField => "TimeField",
            FieldKind::JsonField => "JSONField",
            FieldKind::ForeignKey => "ForeignKey",
            FieldKind::OneToOneField => "OneToOneField",
        }
    }

    /// True for the auto-incrementing primary key kinds.
    pub const fn is_auto(self) -> bool {
        matches!(
            self,
            FieldKind::SmallAutoField | FieldKind::AutoField | FieldKind::BigAutoField
        )
    }

    /// True for the kinds stored as text.
    pub const fn is_text(self) -> bool {
        matches!(
            self,
            FieldKind::CharField
                | FieldKind::TextField
                | FieldKind::EmailField
                | FieldKind::UrlField
                | FieldKind::SlugField
                | FieldKind::FileField
                | FieldKind::ImageField
        )
    }

    /// True for the `Positive*` kinds, which carry a `CHECK (col >= 0)`.
    pub const fn is_positive(self) -> bool {
        matches!(
            self,
            FieldKind::PositiveSmallIntegerField
                | FieldKind::PositiveIntegerField
                | FieldKind::PositiveBigIntegerField
        )
    }
}

/// A field's default, as Django's `default=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefaultMeta {
    /// No default.
    None,
    /// A literal, as its Rust source (`"de"`, `0`, `true`).
    Literal(&'static str),
    /// Any other expression or function call, as its Rust source (`Utc::now()`).
    Callable(&'static str),
}

/// How a `DecimalField` is stored on SQLite (PostgreSQL always stores `numeric(p, s)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DecimalStorage {
    /// dorm's exact storage, the default for columns dorm creates: the value scaled by
    /// `10^decimal_places` in a `bigint` column, so it round-trips, compares and sums exactly.
    #[default]
    Scaled,
    /// Django's storage (`#[dorm(sqlite_numeric)]`), for databases other tools made: a
    /// `decimal` column of NUMERIC affinity holding INTEGER values for whole numbers and REAL
    /// otherwise (15 significant digits), read back rounded to `decimal_places`.
    Numeric,
}

/// Everything declared about one field.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldMeta {
    /// The field's name (the Rust field name).
    pub name: &'static str,
    /// The column's name (`db_column`, or the field name).
    pub column: &'static str,
    /// The kind.
    pub kind: FieldKind,
    /// `null=True` (the Rust type is an `Option`).
    pub null: bool,
    /// `primary_key=True`.
    pub primary_key: bool,
    /// `unique=True`.
    pub unique: bool,
    /// `db_index=True`.
    pub db_index: bool,
    /// `max_length` for text kinds.
    pub max_length: Option<u32>,
    /// `max_digits` for decimals.
    pub max_digits: Option<u32>,
    /// `decimal_places` for decimals.
    pub decimal_places: Option<u32>,
    /// How a decimal is stored on SQLite.
    pub decimal_storage: DecimalStorage,
    /// The default.
    pub default: DefaultMeta,
    /// `(stored value, label)` pairs when the field has `choices`.
    pub choices: &'static [(&'static str, &'static str)],
    /// `auto_now=True`: set to now on every save.
    pub auto_now: bool,
    /// `auto_now_add=True`: set to now when the row is created.
    pub auto_now_add: bool,
    /// The human name (`verbose_name`, or the field name with spaces).
    pub verbose_name: &'static str,
    /// `upload_to` for file fields, as the function's path.
    pub upload_to: Option<&'static str>,
    /// The target of a foreign key.
    pub relation: Option<crate::relations::RelationMeta>,
    /// The SQL kind of the key column of a foreign key (the target's primary key kind).
    pub key_kind: Option<FieldKind>,
}

/// The derived form, except that `decimal_storage` appears only when it is not the default:
/// a migration's checksum is taken from this text, and must not change for fields that
/// existed before the option did.
impl std::fmt::Debug for FieldMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("FieldMeta");
        d.field("name", &self.name)
            .field("column", &self.column)
            .field("kind", &self.kind)
            .field("null", &self.null)
            .field("primary_key", &self.primary_key)
            .field("unique", &self.unique)
            .field("db_index", &self.db_index)
            .field("max_length", &self.max_length)
            .field("max_digits", &self.max_digits)
            .field("decimal_places", &self.decimal_places);
        if self.decimal_storage != DecimalStorage::Scaled {
            d.field("decimal_storage", &self.decimal_storage);
        }
        d.field("default", &self.default)
            .field("choices", &self.choices)
            .field("auto_now", &self.auto_now)
            .field("auto_now_add", &self.auto_now_add)
            .field("verbose_name", &self.verbose_name)
            .field("upload_to", &self.upload_to)
            .field("relation", &self.relation)
            .field("key_kind", &self.key_kind)
            .finish()
    }
}

impl FieldMeta {
    /// A field of `kind` named `name`, with every option at Django's default.
    pub const fn new(name: &'static str, kind: FieldKind) -> Self {
        FieldMeta {
            name,
            column: name,
            kind,
            null: false,
            primary_key: false,
            unique: false,
            db_index: false,
            max_length: None,
            max_digits: None,
            decimal_places: None,
            decimal_storage: DecimalStorage::Scaled,
            default: DefaultMeta::None,
            choices: &[],
            auto_now: false,
            auto_now_add: false,
            verbose_name: name,
            upload_to: None,
            relation: None,
            key_kind: None,
        }
    }
}

/// `const` builders, so that migration files can spell a field as
/// `FieldMeta::new("name", FieldKind::CharField).max_length(50).unique()`.
impl FieldMeta {
    /// `db_column`.
    pub const fn column(mut self, column: &'static str) -> Self {
        self.column = column;
        self
    }
    /// `null=True`.
    pub const fn null(mut self) -> Self {
        self.null = true;
        self
    }
    /// `primary_key=True` (implies unique).
    pub const fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self.unique = true;
        self
    }
    /// `unique=True`.
    pub const fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    /// `db_index=True`.
    pub const fn db_index(mut self) -> Self {
        self.db_index = true;
        self
    }
    /// `max_length`.
    pub const fn max_length(mut self, n: u32) -> Self {
        self.max_length = Some(n);
        self
    }
    /// `max_digits`, `decimal_places`.
    pub const fn decimal(mut self, max_digits: u32, decimal_places: u32) -> Self {
        self.max_digits = Some(max_digits);
        self.decimal_places = Some(decimal_places);
        self
    }
    /// A decimal stored as Django stores it on SQLite (see [`DecimalStorage::Numeric`]).
    pub const fn sqlite_numeric(mut self) -> Self {
        self.decimal_storage = DecimalStorage::Numeric;
        self
    }
    /// `default`.
    pub const fn default(mut self, default: DefaultMeta) -> Self {
        self.default = default;
        self
    }
    /// `choices`.
    pub const fn choices(mut self, choices: &'static [(&'static str, &'static str)]) -> Self {
        self.choices = choices;
        self
    }
    /// `auto_now=True`.
    pub const fn auto_now(mut self) -> Self {
        self.auto_now = true;
        self
    }
    /// `auto_now_add=True`.
    pub const fn auto_now_add(mut self) -> Self {
        self.auto_now_add = true;
        self
    }
    /// `verbose_name`.
    pub const fn verbose_name(mut self, name: &'static str) -> Self {
        self.verbose_name = name;
        self
    }
    /// A foreign key to `table`.`column` (whose key column is of `key_kind`).
    pub const fn foreign_key(
        mut self,
        model: &'static str,
        table: &'static str,
        column: &'static str,
        key_kind: FieldKind,
        on_delete: crate::relations::OnDelete,
    ) -> Self {
        self.relation = Some(crate::relations::RelationMeta {
            model,
            table,
            column,
            on_delete,
        });
        self.key_kind = Some(key_kind);
        self
    }
    /// `upload_to`.
    pub const fn upload_to(mut self, path: &'static str) -> Self {
        self.upload_to = Some(path);
        self
    }
}
