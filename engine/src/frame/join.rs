//! Join options for the frame API, with Polars' names.

use crate::logical::JoinType;

/// How rows are matched, as Polars' `how=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinHow {
    /// Matching pairs.
    Inner,
    /// All left rows.
    Left,
    /// All right rows.
    Right,
    /// All rows of both.
    Full,
    /// Left rows with a match.
    Semi,
    /// Left rows without a match.
    Anti,
    /// Every pair.
    Cross,
}

impl JoinHow {
    pub(crate) fn join_type(self) -> JoinType {
        match self {
            JoinHow::Inner => JoinType::Inner,
            JoinHow::Left => JoinType::Left,
            JoinHow::Right => JoinType::Right,
            JoinHow::Full => JoinType::Full,
            JoinHow::Semi => JoinType::LeftSemi,
            JoinHow::Anti => JoinType::LeftAnti,
            JoinHow::Cross => JoinType::Cross,
        }
    }
}

/// Join options.
#[derive(Debug, Clone)]
pub struct JoinArgs {
    /// The join type.
    pub how: JoinHow,
    /// Suffix for right columns whose names clash with left ones (Polars: `_right`).
    pub suffix: String,
    /// Keep the right key columns too (they are dropped by default, as Polars does
    /// except for full joins).
    pub keep_right_keys: bool,
}

impl JoinArgs {
    /// Options for a join type.
    pub fn new(how: JoinHow) -> Self {
        Self {
            how,
            suffix: "_right".into(),
            keep_right_keys: matches!(how, JoinHow::Full),
        }
    }
}

impl From<JoinHow> for JoinArgs {
    fn from(how: JoinHow) -> Self {
        JoinArgs::new(how)
    }
}
