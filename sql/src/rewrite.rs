//! Token-level rewrites of DuckDB syntax that sqlparser does not parse, applied before
//! parsing.
//!
//! Each rewrite turns a DuckDB-only form into an equivalent standard one. They work on the
//! token stream, never on raw text, so string literals and comments are left alone.
//! - `FROM VALUES (1, 'a'), (2, 'b') t(x, y)` becomes `FROM (VALUES ...) t(x, y)`.

use sqlparser::dialect::DuckDbDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The rewritten SQL, or `None` when nothing needed rewriting (or it does not tokenize:
/// the parser then reports the error on the original text).
pub fn rewrite(sql: &str) -> Option<String> {
    if !sql.to_ascii_lowercase().contains("values") {
        return None;
    }
    let tokens = Tokenizer::new(&DuckDbDialect {}, sql).tokenize().ok()?;
    let rewritten = parenthesize_from_values(&tokens)?;
    Some(rewritten.iter().map(Token::to_string).collect())
}

fn is_keyword(t: &Token, k: Keyword) -> bool {
    matches!(t, Token::Word(w) if w.keyword == k && w.quote_style.is_none())
}

fn is_blank(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

/// Index of the previous non-blank token before `i`.
fn previous(tokens: &[Token], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| !is_blank(&tokens[j]))
}

/// Index of the next non-blank token after `i`.
fn next(tokens: &[Token], i: usize) -> Option<usize> {
    (i + 1..tokens.len()).find(|&j| !is_blank(&tokens[j]))
}

/// The index of the `)` closing the `(` at `open`.
fn closing(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn parenthesize_from_values(tokens: &[Token]) -> Option<Vec<Token>> {
    let mut out = tokens.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < out.len() {
        let starts = is_keyword(&out[i], Keyword::VALUES)
            && previous(&out, i).is_some_and(|p| {
                is_keyword(&out[p], Keyword::FROM) || is_keyword(&out[p], Keyword::JOIN)
            });
        if !starts {
            i += 1;
            continue;
        }
        // VALUES (row) [, (row)]*
        let mut end = None;
        let mut at = next(&out, i);
        while let Some(open) = at.filter(|&j| out[j] == Token::LParen) {
            let close = closing(&out, open)?;
            end = Some(close);
            match next(&out, close) {
                Some(comma) if out[comma] == Token::Comma => at = next(&out, comma),
                _ => break,
            }
        }
        let end = end?;
        out.insert(end + 1, Token::RParen);
        out.insert(i, Token::LParen);
        changed = true;
        i = end + 3;
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_values_in_from() {
        assert_eq!(
            rewrite("SELECT * FROM VALUES (1, 'a'), (2, 'b') t(x, y)").as_deref(),
            Some("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(x, y)")
        );
        assert_eq!(
            rewrite("from values (1) join values (2) on true").as_deref(),
            Some("from (values (1)) join (values (2)) on true")
        );
    }

    #[test]
    fn leaves_other_values_alone() {
        assert_eq!(rewrite("INSERT INTO t VALUES (1)"), None);
        assert_eq!(rewrite("SELECT 'from values (1)'"), None);
        assert_eq!(rewrite("SELECT * FROM (VALUES (1))"), None);
    }
}
