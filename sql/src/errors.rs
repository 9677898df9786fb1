//! SQL error messages that point at the offending token with a caret.

use quiver_engine::Error;
use sqlparser::parser::ParserError;

/// The source line `line` (1-based) with a caret under `column` (1-based).
pub fn caret(sql: &str, line: u64, column: u64) -> Option<String> {
    let text = sql
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let col = usize::try_from(column).ok()?.saturating_sub(1);
    let pad: String = text
        .chars()
        .take(col)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!(
        "LINE {line}: {text}\n{}{pad}^",
        " ".repeat(format!("LINE {line}: ").len())
    ))
}

/// Finds "Line: L, Column: C" in a parser message.
fn position(msg: &str) -> Option<(u64, u64)> {
    let l = msg.rfind("Line: ")?;
    let rest = &msg[l + 6..];
    let (line, rest) = rest.split_once(',')?;
    let c = rest.find("Column: ")?;
    let col: String = rest[c + 8..]
        .chars()
        .take_while(|ch| ch.is_ascii_digit())
        .collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

/// A parser error as a syntax error with the line and a caret.
pub fn syntax_error(sql: &str, e: &ParserError) -> Error {
    let msg = match e {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => "the query nests too deeply".to_string(),
    };
    let (text, pos) = match position(&msg) {
        Some(p) => (
            msg[..msg.rfind(" at Line: ").unwrap_or(msg.len())].to_string(),
            Some(p),
        ),
        None => (msg.clone(), None),
    };
    let mut out = format!("syntax error: {text}");
    if let Some(c) = pos.and_then(|(l, c)| caret(sql, l, c)) {
        out.push('\n');
        out.push_str(&c);
    }
    Error::Syntax(out)
}

/// Whether a compute error is one DuckDB reports as a `Conversion Error` (a value that
/// does not convert to the wanted type), by the start of its message.
fn is_conversion_message(msg: &str) -> bool {
    const STARTS: &[&str] = &[
        "could not convert",
        "cast failed",
        "invalid date field format",
        "invalid timestamp field format",
        "Date out of range",
        "Time out of range",
        "Date and time not in timestamp range",
        "Timestamp microseconds out of range",
        "Could not decode string",
    ];
    STARTS.iter().any(|s| msg.starts_with(s)) || msg.contains("field value out of range")
}

/// DuckDB's name for the kind of an error (`Parser Error`, `Binder Error`, `Conversion
/// Error`, ...), so messages read as DuckDB's do and DuckDB's tests can match them.
pub fn duckdb_kind(error: &Error) -> String {
    let msg = error.to_string();
    match error.category() {
        "Syntax" => "Parser Error".into(),
        "ColumnNotFound" | "Schema" | "Plan" => "Binder Error".into(),
        "TableNotFound" | "FunctionNotFound" => "Catalog Error".into(),
        "Conversion" => "Conversion Error".into(),
        "Compute" if is_conversion_message(&msg) => "Conversion Error".into(),
        "Compute" if msg.to_lowercase().contains("overflow") => "Out of Range Error".into(),
        "Compute" | "InvalidData" => "Invalid Input Error".into(),
        "Io" => "IO Error".into(),
        "NotSupported" => "Not implemented Error".into(),
        "Cancelled" => "Interrupted".into(),
        "Internal" => "INTERNAL Error".into(),
        other => format!("{other} Error"),
    }
}

/// `<Kind> Error: message`, as the shell prints errors and DuckDB's tests expect them.
pub fn describe(error: &Error) -> String {
    format!("{}: {error}", duckdb_kind(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_token() {
        let sql = "SELECT *\nFROM t WHERE WHERE x";
        let e = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::DuckDbDialect {}, sql)
            .unwrap_err();
        let msg = syntax_error(sql, &e).to_string();
        assert!(msg.starts_with("syntax error: "), "{msg}");
        assert!(msg.contains("LINE 2: FROM t WHERE WHERE x"), "{msg}");
        assert!(
            msg.lines().last().unwrap().trim_end().ends_with('^'),
            "{msg}"
        );
    }
}
