//! How the shell shows an error: DuckDB's `<Kind> Error: message` form, the kind named
//! after the engine error's category (`Parser Error`, `Binder Error`, `Catalog Error`, ...).

use quiver_engine::Error;

/// DuckDB's name for the kind of an error, from the engine's category.
pub fn kind(error: &Error) -> String {
    match error.category() {
        "Syntax" => "Parser Error".into(),
        "ColumnNotFound" | "Schema" | "Plan" => "Binder Error".into(),
        "TableNotFound" | "FunctionNotFound" => "Catalog Error".into(),
        "Compute" | "InvalidData" => "Invalid Input Error".into(),
        "Io" => "IO Error".into(),
        "NotSupported" => "Not implemented Error".into(),
        "Cancelled" => "Interrupted".into(),
        "Internal" => "INTERNAL Error".into(),
        other => format!("{other} Error"),
    }
}

/// The full text the shell prints for an error (on standard error).
pub fn describe(error: &Error) -> String {
    format!("{}: {error}", kind(error))
}

#[cfg(test)]
mod tests {
    use super::*;

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
