//! Token-level rewrites for DuckDB syntax that `sqlparser` does not know, applied between
//! tokenizing and parsing. Every token keeps its span, so error carets still point into
//! the text as written.
//!
//! - `ROW(name type, ...)` as a type: DuckDB accepts it wherever `STRUCT(...)` may stand
//!   (`CREATE TABLE t (c ROW(...))`, `x::ROW(...)`, `CAST(x AS ROW(...))`). In a type
//!   position the word `ROW` follows `::`, `AS` or a name (a column or a struct field); in
//!   an expression (`row(1, 2)`, an unnamed struct) it follows an operator, a comma, a
//!   parenthesis or a keyword. Such a `ROW` becomes `STRUCT`.
//! - Slices with the upper bound left out and a step, as DuckDB spells them: `x[::-1]`
//!   and `x[a:-:step]`. The tokenizer reads `::` as a cast, and `sqlparser` wants an upper
//!   bound before a step. Inside brackets, `[::-` and a lone `-` between two colons become
//!   `:` [`SLICE_END`] `:`, a placeholder the planner reads as "to the end". (DuckDB does
//!   not accept `x[::2]` or `x[2::2]` either.)
//! - `FROM VALUES (1, 'a'), (2, 'b') t(x, y)` (also after JOIN) gets the parentheses
//!   sqlparser needs around the VALUES list: `FROM (VALUES ...) t(x, y)`.
//! - `IGNORE NULLS` / `RESPECT NULLS` inside a window function's parentheses, as DuckDB
//!   writes them (`last_value(x IGNORE NULLS) OVER w`, `lag(x, 1, 0 IGNORE NULLS)`), move
//!   behind the closing parenthesis, where sqlparser reads them.
//! - Prefix aliases: `SELECT total: sum(x)` and `FROM t: tbl` (a name, or in FROM also a
//!   string, then a colon, before the item) become `sum(x) AS total` and `tbl AS t`.

use sqlparser::dialect::Dialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace, Word};

/// Tokenizes `sql` and applies the rewrites (see the module docs).
pub fn tokenize(dialect: &dyn Dialect, sql: &str) -> Result<Vec<TokenWithSpan>, ParserError> {
    let tokens = Tokenizer::new(dialect, sql).tokenize_with_location()?;
    let mut tokens = move_prefix_aliases(parenthesize_from_values(split_slice_colons(
        move_null_treatment(tokens),
    )));
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    for k in 1..significant.len().saturating_sub(1) {
        let (prev, at, next) = (significant[k - 1], significant[k], significant[k + 1]);
        let is_row = matches!(&tokens[at].token,
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("row"));
        if is_row && tokens[next].token == Token::LParen && type_position(&tokens[prev].token) {
            tokens[at].token = Token::Word(Word {
                value: "STRUCT".into(),
                quote_style: None,
                keyword: Keyword::STRUCT,
            });
        }
    }
    Ok(tokens)
}

/// The placeholder standing for a slice's left-out upper bound (see the module docs).
pub const SLICE_END: &str = "$__slice_end";

/// Rewrites left-out slice upper bounds before a step into [`SLICE_END`].
fn split_slice_colons(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant = |t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LBracket => depth += 1,
            Token::RBracket => depth = depth.saturating_sub(1),
            _ => {}
        }
        let prev = out.iter().rev().find(|p| significant(p)).map(|p| &p.token);
        let next = tokens[i + 1..]
            .iter()
            .find(|n| significant(n))
            .map(|n| &n.token);
        let end_marker = |span| TokenWithSpan::new(Token::Placeholder(SLICE_END.into()), span);
        if depth > 0
            && t.token == Token::DoubleColon
            && prev == Some(&Token::LBracket)
            && next == Some(&Token::Minus)
        {
            out.push(TokenWithSpan::new(Token::Colon, t.span));
            out.push(end_marker(t.span));
            out.push(TokenWithSpan::new(Token::Colon, t.span));
        } else if depth > 0
            && t.token == Token::Minus
            && prev == Some(&Token::Colon)
            && next == Some(&Token::Colon)
        {
            out.push(end_marker(t.span));
        } else {
            out.push(t.clone());
        }
    }
    out
}

fn is_keyword(t: &Token, k: Keyword) -> bool {
    matches!(t, Token::Word(w) if w.keyword == k && w.quote_style.is_none())
}

/// Index of the next non-blank token after `i`.
fn next_significant(tokens: &[TokenWithSpan], i: usize) -> Option<usize> {
    (i + 1..tokens.len()).find(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
}

/// The index of the `)` closing the `(` at `open`.
fn closing_paren(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
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

/// Wraps `VALUES (row), (row), ...` directly after FROM or JOIN in parentheses.
fn parenthesize_from_values(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut i = 0;
    while i < tokens.len() {
        let after_from = (0..i)
            .rev()
            .find(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
            .is_some_and(|p| {
                is_keyword(&tokens[p].token, Keyword::FROM)
                    || is_keyword(&tokens[p].token, Keyword::JOIN)
            });
        if !(is_keyword(&tokens[i].token, Keyword::VALUES) && after_from) {
            i += 1;
            continue;
        }
        let mut end = None;
        let mut at = next_significant(&tokens, i);
        while let Some(open) = at.filter(|&j| tokens[j].token == Token::LParen) {
            let Some(close) = closing_paren(&tokens, open) else {
                break;
            };
            end = Some(close);
            match next_significant(&tokens, close) {
                Some(comma) if tokens[comma].token == Token::Comma => {
                    at = next_significant(&tokens, comma)
                }
                _ => break,
            }
        }
        let Some(end) = end else {
            i += 1;
            continue;
        };
        let (open_span, close_span) = (tokens[i].span, tokens[end].span);
        tokens.insert(end + 1, TokenWithSpan::new(Token::RParen, close_span));
        tokens.insert(i, TokenWithSpan::new(Token::LParen, open_span));
        i = end + 3;
    }
    tokens
}

/// Moves `IGNORE NULLS` / `RESPECT NULLS` from just before a `)` to just after it.
fn move_null_treatment(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let mut moves = vec![];
    for k in 0..significant.len().saturating_sub(2) {
        let (a, b, close) = (significant[k], significant[k + 1], significant[k + 2]);
        let treatment = is_keyword(&tokens[a].token, Keyword::IGNORE)
            || is_keyword(&tokens[a].token, Keyword::RESPECT);
        if treatment
            && is_keyword(&tokens[b].token, Keyword::NULLS)
            && tokens[close].token == Token::RParen
        {
            moves.push((a, b, close));
        }
    }
    for (a, b, close) in moves.into_iter().rev() {
        let words: Vec<TokenWithSpan> = tokens[a..=b].to_vec();
        let space = TokenWithSpan::new(Token::Whitespace(Whitespace::Space), tokens[a].span);
        let mut after = vec![space];
        after.extend(words);
        tokens.splice(close + 1..close + 1, after);
        tokens.drain(a..=b);
    }
    tokens
}

/// Keywords that end a select-list or FROM item.
const ITEM_END: &[Keyword] = &[
    Keyword::FROM,
    Keyword::WHERE,
    Keyword::GROUP,
    Keyword::HAVING,
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::OFFSET,
    Keyword::QUALIFY,
    Keyword::WINDOW,
    Keyword::UNION,
    Keyword::EXCEPT,
    Keyword::INTERSECT,
    Keyword::INTO,
    Keyword::JOIN,
    Keyword::INNER,
    Keyword::LEFT,
    Keyword::RIGHT,
    Keyword::FULL,
    Keyword::CROSS,
    Keyword::NATURAL,
    Keyword::ASOF,
    Keyword::ANTI,
    Keyword::SEMI,
    Keyword::ON,
    Keyword::USING,
    Keyword::PIVOT,
    Keyword::UNPIVOT,
];

/// Rewrites `alias: item` in select lists and FROM clauses into `item AS alias`.
fn move_prefix_aliases(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    // The innermost open bracket at each significant token: prefix aliases never stand
    // inside `[...]` (slices) or `{...}` (struct literals).
    let mut open: Vec<Token> = vec![];
    let mut enclosing = Vec::with_capacity(significant.len());
    for &i in &significant {
        enclosing.push(open.last().cloned());
        match tokens[i].token {
            Token::LParen | Token::LBracket | Token::LBrace => open.push(tokens[i].token.clone()),
            Token::RParen | Token::RBracket | Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    // (alias index, colon index, index the item ends before), last first so earlier
    // indexes stay valid while rewriting.
    let mut moves = vec![];
    for k in 1..significant.len().saturating_sub(2) {
        let (prev, at, colon) = (significant[k - 1], significant[k], significant[k + 1]);
        if tokens[colon].token != Token::Colon
            || matches!(enclosing[k], Some(Token::LBracket) | Some(Token::LBrace))
        {
            continue;
        }
        let in_from = is_keyword(&tokens[prev].token, Keyword::FROM)
            || is_keyword(&tokens[prev].token, Keyword::JOIN);
        let after_select =
            is_keyword(&tokens[prev].token, Keyword::SELECT) || tokens[prev].token == Token::Comma;
        let name = match &tokens[at].token {
            Token::Word(w) => {
                w.quote_style.is_some()
                    || !(ITEM_END.contains(&w.keyword)
                        || matches!(
                            w.keyword,
                            Keyword::SELECT | Keyword::DISTINCT | Keyword::ALL
                        ))
            }
            Token::SingleQuotedString(_) => in_from,
            _ => false,
        };
        if !name || !(in_from || after_select) {
            continue;
        }
        let mut depth = 0usize;
        let mut end = tokens.len();
        for &j in &significant[k + 2..] {
            match &tokens[j].token {
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace if depth == 0 => {
                    end = j;
                    break;
                }
                Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
                Token::Comma | Token::SemiColon | Token::EOF if depth == 0 => {
                    end = j;
                    break;
                }
                Token::Word(w)
                    if depth == 0 && w.quote_style.is_none() && ITEM_END.contains(&w.keyword) =>
                {
                    end = j;
                    break;
                }
                _ => {}
            }
        }
        moves.push((at, colon, end));
    }
    for (at, colon, end) in moves.into_iter().rev() {
        let span = tokens[at].span;
        let alias = match &tokens[at].token {
            Token::SingleQuotedString(text) => Token::Word(Word {
                value: text.clone(),
                quote_style: Some('"'),
                keyword: Keyword::NoKeyword,
            }),
            other => other.clone(),
        };
        let space = || TokenWithSpan::new(Token::Whitespace(Whitespace::Space), span);
        let as_ = TokenWithSpan::new(
            Token::Word(Word {
                value: "AS".into(),
                quote_style: None,
                keyword: Keyword::AS,
            }),
            span,
        );
        let insert = [
            space(),
            as_,
            space(),
            TokenWithSpan::new(alias, span),
            space(),
        ];
        tokens.splice(end..end, insert);
        tokens.drain(at..=colon);
    }
    tokens
}

/// Whether a type name may follow this token.
fn type_position(prev: &Token) -> bool {
    match prev {
        Token::DoubleColon => true,
        Token::Word(w) => {
            w.quote_style.is_some() || w.keyword == Keyword::NoKeyword || w.keyword == Keyword::AS
        }
        _ => false,
    }
}

/// Parses `sql` with `ROW(...)` types understood.
pub fn parse(
    dialect: &dyn Dialect,
    sql: &str,
) -> Result<Vec<sqlparser::ast::Statement>, ParserError> {
    let tokens = tokenize(dialect, sql)?;
    Parser::new(dialect)
        .with_tokens_with_locations(tokens)
        .parse_statements()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::DuckDbDialect;

    fn roundtrip(sql: &str) -> String {
        parse(&DuckDbDialect {}, sql).unwrap()[0].to_string()
    }

    #[test]
    fn from_values_gets_parentheses() {
        assert_eq!(
            roundtrip("SELECT * FROM VALUES (1, 'a'), (2, 'b') t(x, y)"),
            "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t (x, y)"
        );
        assert_eq!(
            roundtrip("INSERT INTO t VALUES (1)"),
            "INSERT INTO t VALUES (1)"
        );
    }

    #[test]
    fn row_types_become_structs() {
        assert!(
            roundtrip("CREATE TABLE t (c ROW(i ROW(a INTEGER), j INTEGER))")
                .contains("STRUCT(i STRUCT(a INTEGER), j INTEGER)")
        );
        assert!(
            roundtrip("SELECT NULL::ROW(a INT, b VARCHAR)").contains("STRUCT(a INT, b VARCHAR)")
        );
        assert!(roundtrip("SELECT CAST(x AS ROW(a INT))").contains("AS STRUCT(a INT)"));
    }

    #[test]
    fn left_out_slice_ends_become_a_placeholder() {
        let end = format!(":{SLICE_END}:");
        for sql in [
            "SELECT l[::-1] FROM t",
            "SELECT l[2:-:2] FROM t",
            "SELECT l[:-:2] FROM t",
        ] {
            assert!(roundtrip(sql).contains(&end), "{sql}");
        }
        assert!(roundtrip("SELECT l[i::INT] FROM t").contains("l[i::INT]"));
    }

    #[test]
    fn prefix_aliases_move_behind_their_items() {
        assert_eq!(
            roundtrip("SELECT j : 42, \"k\": x + 1, 3 AS l FROM t"),
            "SELECT 42 AS j, x + 1 AS \"k\", 3 AS l FROM t"
        );
        assert_eq!(
            roundtrip("SELECT * FROM b : a JOIN c: (SELECT 1) ON true"),
            "SELECT * FROM a AS b JOIN (SELECT 1) AS c ON true"
        );
        assert_eq!(
            roundtrip("SELECT * FROM 'v' : range(1)"),
            "SELECT * FROM range(1) AS \"v\""
        );
        assert!(roundtrip("SELECT {'a': 1}, l[1:2] FROM t").contains("l[1:2]"));
    }

    #[test]
    fn null_treatment_moves_behind_the_call() {
        let s = roundtrip(
            "SELECT last_value(x IGNORE NULLS) OVER w, lag(x, 1, 0 RESPECT NULLS) OVER w FROM t",
        );
        assert!(s.contains("last_value(x) IGNORE NULLS OVER w"), "{s}");
        assert!(s.contains("lag(x, 1, 0) RESPECT NULLS OVER w"), "{s}");
    }

    #[test]
    fn row_values_stay_calls() {
        let s = roundtrip("SELECT ROW(1, 2), x = row(3, 4) FROM t");
        assert!(s.contains("ROW(1, 2)") && s.contains("row(3, 4)"), "{s}");
    }
}
