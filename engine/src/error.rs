//! The engine's one error type.
//!
//! Every failure a user can cause is reported through [`Error`], grouped in semantic
//! categories (a missing column, a schema or type problem, a compute failure, bad input
//! data, an IO failure, ...). The Python package maps each category to its own exception
//! class, so the categories are part of the public contract: add new variants with care.
//!
//! Messages follow one style: name the thing in backticks, say what was expected and what
//! was found, and suggest a fix when one is likely ("did you mean `l_orderkey`?").

use std::fmt::Write as _;

/// The result type used throughout the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error the engine reports, by category.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A column name does not resolve against the input schema.
    #[error("{0}")]
    ColumnNotFound(String),
    /// SQL text that does not parse, with the position of the offending token.
    #[error("{0}")]
    Syntax(String),
    /// A table or file name does not resolve.
    #[error("{0}")]
    TableNotFound(String),
    /// A function name does not resolve.
    #[error("{0}")]
    FunctionNotFound(String),
    /// Types or schemas do not fit together (a mismatch, an impossible cast, ambiguity).
    #[error("{0}")]
    Schema(String),
    /// A failure while computing values (overflow, invalid cast of a value, bad argument).
    #[error("{0}")]
    Compute(String),
    /// A value does not convert to the requested type (a failed CAST): names the value and
    /// both types.
    #[error("{0}")]
    Conversion(String),
    /// A plan cannot be built as asked (e.g. an aggregate inside a filter).
    #[error("{0}")]
    Plan(String),
    /// Input data is malformed: a CSV row with the wrong field count, a truncated Parquet file.
    #[error("{0}")]
    InvalidData(String),
    /// An operating-system level IO failure, with the path it concerns.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the file.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A feature the engine does not support yet.
    #[error("not supported yet: {0}")]
    NotSupported(String),
    /// The query was cancelled (Ctrl-C or an explicit cancel).
    #[error("query cancelled")]
    Cancelled,
    /// A bug in Quiver: an invariant did not hold.
    #[error("internal error (this is a bug in Quiver, please report it): {0}")]
    Internal(String),
}

impl Error {
    /// Every [`category`](Self::category) name.
    pub const CATEGORIES: [&'static str; 13] = [
        "ColumnNotFound",
        "Syntax",
        "TableNotFound",
        "FunctionNotFound",
        "Schema",
        "Compute",
        "Conversion",
        "Plan",
        "InvalidData",
        "Io",
        "NotSupported",
        "Cancelled",
        "Internal",
    ];

    /// A short, stable name for the error category (used by bindings and reports).
    pub fn category(&self) -> &'static str {
        match self {
            Error::ColumnNotFound(_) => "ColumnNotFound",
            Error::Syntax(_) => "Syntax",
            Error::TableNotFound(_) => "TableNotFound",
            Error::FunctionNotFound(_) => "FunctionNotFound",
            Error::Schema(_) => "Schema",
            Error::Compute(_) => "Compute",
            Error::Conversion(_) => "Conversion",
            Error::Plan(_) => "Plan",
            Error::InvalidData(_) => "InvalidData",
            Error::Io { .. } => "Io",
            Error::NotSupported(_) => "NotSupported",
            Error::Cancelled => "Cancelled",
            Error::Internal(_) => "Internal",
        }
    }

    /// Wraps an [`std::io::Error`] with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// Whether retrying the same operation might succeed (IO failures, a missing file that
    /// may appear later, a timeout). SQL, schema and data errors are permanent, and so are
    /// IO errors that name a mistake rather than a condition (a destination that already
    /// exists, an invalid argument or file name, an unsupported operation).
    pub fn is_transient(&self) -> bool {
        use std::io::ErrorKind as K;
        match self {
            Error::Io { source, .. } => !matches!(
                source.kind(),
                K::AlreadyExists | K::InvalidInput | K::InvalidFilename | K::Unsupported
            ),
            _ => false,
        }
    }
}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        use arrow::error::ArrowError as A;
        match e {
            A::IoError(msg, source) => Error::Io {
                context: msg,
                source,
            },
            A::CsvError(m) | A::JsonError(m) | A::ParseError(m) | A::IpcError(m) => {
                Error::InvalidData(m)
            }
            A::SchemaError(m) | A::InvalidArgumentError(m) => Error::Schema(m),
            A::CastError(m) => Error::Compute(format!("cast failed: {m}")),
            A::DivideByZero => Error::Compute("division by zero".into()),
            A::ArithmeticOverflow(m) => Error::Compute(format!("arithmetic overflow: {m}")),
            A::ComputeError(m) => Error::Compute(m),
            A::NotYetImplemented(m) => Error::NotSupported(m),
            A::ExternalError(e) => match e.downcast::<Error>() {
                Ok(inner) => *inner,
                Err(e) => Error::Compute(e.to_string()),
            },
            other => Error::Compute(other.to_string()),
        }
    }
}

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Self {
        use parquet::errors::ParquetError as P;
        match e {
            P::ArrowError(m) => Error::Compute(m),
            P::External(e) => match e.downcast::<Error>() {
                Ok(inner) => *inner,
                Err(e) => Error::InvalidData(format!("invalid Parquet data: {e}")),
            },
            other => Error::InvalidData(format!("invalid Parquet data: {other}")),
        }
    }
}

/// Builds an [`Error::Internal`] from a format string.
#[macro_export]
macro_rules! internal_err {
    ($($arg:tt)*) => { $crate::error::Error::Internal(format!($($arg)*)) };
}

/// Builds an [`Error::Schema`] from a format string.
#[macro_export]
macro_rules! schema_err {
    ($($arg:tt)*) => { $crate::error::Error::Schema(format!($($arg)*)) };
}

/// Builds an [`Error::Plan`] from a format string.
#[macro_export]
macro_rules! plan_err {
    ($($arg:tt)*) => { $crate::error::Error::Plan(format!($($arg)*)) };
}

/// Builds an [`Error::Compute`] from a format string.
#[macro_export]
macro_rules! compute_err {
    ($($arg:tt)*) => { $crate::error::Error::Compute(format!($($arg)*)) };
}

/// Builds an [`Error::NotSupported`] from a format string.
#[macro_export]
macro_rules! not_supported {
    ($($arg:tt)*) => { $crate::error::Error::NotSupported(format!($($arg)*)) };
}

/// Returns the candidate closest to `name` (case-insensitive edit distance), if it is
/// close enough to be a plausible typo.
pub fn closest_match<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (name.chars().count() / 3).max(2);
    (d <= limit).then_some(c)
}

/// Formats the "did you mean" suffix for a list of candidates, or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest_match(name, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

/// Lists names for an error message, eliding after a handful.
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let mut out = String::new();
    for (i, n) in names.iter().take(12).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "`{n}`");
    }
    if names.len() > 12 {
        let _ = write!(out, ", ... ({} more)", names.len() - 12);
    }
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let cands = ["l_orderkey", "l_partkey", "l_comment"];
        assert_eq!(closest_match("l_orderky", cands), Some("l_orderkey"));
        assert_eq!(closest_match("L_ORDERKEY", cands), Some("l_orderkey"));
        assert_eq!(closest_match("zzzzzz", cands), None);
        assert_eq!(
            did_you_mean("l_comment_", cands),
            "; did you mean `l_comment`?"
        );
    }

    #[test]
    fn arrow_errors_keep_their_category() {
        let e: Error = arrow::error::ArrowError::CsvError("bad row".into()).into();
        assert_eq!(e.category(), "InvalidData");
        assert!(!e.is_transient());
        let e = Error::io("reading `x.csv`", std::io::Error::other("boom"));
        assert!(e.is_transient());
        assert_eq!(e.to_string(), "reading `x.csv`: boom");
        let exists = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "exists");
        assert!(!Error::io("writing `out.csv`", exists).is_transient());
        for category in Error::CATEGORIES {
            assert!(Error::CATEGORIES.iter().filter(|c| **c == category).count() == 1);
        }
        assert!(Error::CATEGORIES.contains(&Error::Cancelled.category()));
    }
}
