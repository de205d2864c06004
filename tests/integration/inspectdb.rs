//! inspectdb tests.
