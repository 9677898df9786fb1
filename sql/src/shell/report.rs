//! How the shell shows an error: DuckDB's `<Kind> Error: message` form, the kind named
//! after the engine error's category (`Parser Error`, `Binder Error`, `Catalog Error`, ...).

pub use crate::errors::{describe, duckdb_kind as kind};

#[cfg(test)]
mod tests {
    use super::*;
    use quiver_engine::Error;

    #[test]
    fn duckdb_style_prefixes() {
        assert_eq!(
            describe(&Error::Syntax("syntax error at `SELEC`".into())),
            "Parser Error: syntax error at `SELEC`"
        );
        assert_eq!(
            describe(&Error::TableNotFound("table `t` does not exist".into())),
            "Catalog Error: table `t` does not exist"
        );
        assert_eq!(describe(&Error::Cancelled), "Interrupted: query cancelled");
    }
}
