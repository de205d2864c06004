//! SQL nodes dorm writes itself, where diesel's query builder has no node for the SQL Django
//! sends. (Issue 16 gathers every hand-written node here; the rest still live beside the
//! concept that uses them.)

mod around;
mod count;
mod exists;

pub use around::{Around, SelectAround};
pub use count::CountAround;
pub use exists::ExistsAround;
