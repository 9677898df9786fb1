//! The `quiver` SQL shell: DuckDB-dialect SQL over files and in-memory tables. All the
//! work lives in `quiver_sql::shell`; this file picks the allocator and calls it.

use std::process::ExitCode;

/// Batches are large allocations; mimalloc keeps them from going back to the OS after
/// every query (see the workspace's dependency note).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    quiver_sql::shell::main()
}
