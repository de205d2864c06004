//! The migration optimizer (Django's `MigrationOptimizer`): folds a list of operations into a
//! shorter one with the same effect, which is what `squashmigrations` writes.
