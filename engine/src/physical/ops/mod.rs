//! Physical operators, one per file.

mod filter;
mod group_keys;
mod hash_aggregate;
mod hash_join;
mod join_table;
mod limit;
mod projection;
mod scan;
mod sort;
mod union;
mod unnest;
mod values;
mod window;

pub use filter::FilterExec;
pub use group_keys::GroupKeys;
pub use hash_aggregate::{AggregateSpec, HashAggregateExec};
pub use hash_join::HashJoinExec;
pub use limit::LimitExec;
pub use projection::ProjectionExec;
pub use scan::ScanExec;
pub use sort::{sort_batches, SortExec, SortKey};
pub use union::UnionExec;
pub use unnest::UnnestExec;
pub use values::ValuesExec;
pub use window::{create_window_exec, WindowExec};
