//! The autodetector (Django's `MigrationAutodetector`): the operations that take the state
//! replayed from the migrations to the state the models declare.
