//! The reliability suite: faults and hostile inputs that must end in a typed error, never a
//! hang, a silent misread or a leaked transaction. README's "Reliability" section lists what
//! it checks. Each test runs on every available backend unless it is about one backend.

mod connect;
mod decimals;
mod exhaustion;
mod limits;
mod overflow;
mod pool;
mod processes;
mod races;
mod sqlite_limits;
mod statements;
mod support;
mod terminated;
