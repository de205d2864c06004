//! migrate tests.
