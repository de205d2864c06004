//! `inspectdb`: model source for the tables and views of an existing database.
