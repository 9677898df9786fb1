//! DuckDB's PIVOT and UNPIVOT syntax, most of which sqlparser does not parse: the PIVOT
//! and UNPIVOT statements (`PIVOT t ON c USING sum(x) GROUP BY g`), and in FROM the
//! GROUP BY, several `col IN (..)` entries and expressions around aggregates.
//!
//! Before parsing, [`rewrite_pivot_syntax`] replaces each construct with a form sqlparser
//! accepts that carries the construct's text as a string literal:
//! - `PIVOT src ON ..` becomes `SELECT * FROM __quiver_pivot('src ON ..')` (likewise
//!   UNPIVOT, PIVOT_WIDER, PIVOT_LONGER); a trailing ORDER BY / LIMIT stays outside;
//! - `src PIVOT (body)` becomes `src PIVOT (__quiver_pivot('body') FOR __quiver IN (0))`
//!   and `src UNPIVOT [INCLUDE NULLS] (body)` becomes
//!   `src UNPIVOT [INCLUDE NULLS] (__quiver_unpivot('body') FOR __quiver IN (__quiver))`.
//!
//! The planner recognises the carriers and parses their text with DuckDB's grammar (the
//! `parse_*` functions here). The text is rewritten again first, so pivots nest. Being
//! plain SQL, the carriers survive views and CTEs stored as text.

use quiver_engine::{Error, Result};
use sqlparser::ast::{
    BinaryOperator, Expr as SqlExpr, Ident, Query, SelectItem, TableFactor, Value,
};
use sqlparser::dialect::{Dialect, DuckDbDialect, Precedence};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, Tokenizer, Word};

use crate::errors::syntax_error;

/// The table function that carries a PIVOT statement.
pub(super) const PIVOT_CARRIER: &str = "__quiver_pivot";
/// The table function that carries an UNPIVOT statement.
pub(super) const UNPIVOT_CARRIER: &str = "__quiver_unpivot";

/// `PIVOT .. ON` entries: an expression and the values it is pivoted on.
#[derive(Debug, Clone)]
pub(super) struct PivotOn {
    pub expr: SqlExpr,
    pub values: PivotValues,
}

/// Where the values of a pivot column come from.
#[derive(Debug, Clone)]
pub(super) enum PivotValues {
    /// No IN list: the distinct values found in the data (statement form only).
    FromData,
    /// `IN (v1 [AS a1], ..)`
    List(Vec<(SqlExpr, Option<Ident>)>),
    /// `IN (SELECT ..)`
    Query(Box<Query>),
    /// `IN enum_type`
    Enum(Ident),
}

/// A parsed PIVOT, statement or FROM form.
#[derive(Debug, Clone)]
pub(super) struct PivotSpec {
    /// The pivoted relation (statement form; in FROM it is the preceding item).
    pub source: Option<TableFactor>,
    /// Aggregate expressions with optional aliases.
    pub aggregates: Vec<(SqlExpr, Option<Ident>)>,
    pub on: Vec<PivotOn>,
    /// Explicit GROUP BY columns; without them every column not used elsewhere.
    pub group_by: Option<Vec<SqlExpr>>,
}

/// A parsed UNPIVOT, statement or FROM form.
#[derive(Debug, Clone)]
pub(super) struct UnpivotSpec {
    pub source: Option<TableFactor>,
    pub include_nulls: bool,
    /// The unpivoted columns: expressions, tuples `(a, b)`, `*`, `COLUMNS(..)`.
    pub entries: Vec<SelectItem>,
    /// The column holding the unpivoted column names.
    pub name: Ident,
    /// The column(s) holding the values.
    pub values: Vec<Ident>,
}

/// Which keyword starts a construct.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pivot,
    Unpivot,
}

/// A significant token with its byte range in the text.
struct Tok {
    token: Token,
    start: usize,
    end: usize,
}

fn word_is(t: &Token, s: &str) -> bool {
    matches!(t, Token::Word(Word { value, quote_style: None, .. }) if value.eq_ignore_ascii_case(s))
}

fn keyword_of(t: &Token) -> Option<Keyword> {
    match t {
        Token::Word(Word {
            keyword,
            quote_style: None,
            ..
        }) => Some(*keyword),
        _ => None,
    }
}

/// The tokens of `sql` without whitespace, with byte offsets; `None` if it does not
/// tokenize (the parser then reports the error).
fn significant_tokens(sql: &str) -> Option<Vec<Tok>> {
    let tokens = Tokenizer::new(&DuckDbDialect {}, sql)
        .tokenize_with_location()
        .ok()?;
    // Locations are (line, column in characters), both 1-based.
    let mut line_starts = vec![0usize];
    for (i, c) in sql.char_indices() {
        if c == '\n' {
            line_starts.push(i + 1);
        }
    }
    let offset = |line: u64, column: u64| -> Option<usize> {
        let start = *line_starts.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let col = usize::try_from(column).ok()?.checked_sub(1)?;
        Some(
            sql[start..]
                .char_indices()
                .nth(col)
                .map(|(i, _)| start + i)
                .unwrap_or(sql.len()),
        )
    };
    let mut out = vec![];
    for t in tokens {
        if matches!(t.token, Token::Whitespace(_) | Token::EOF) {
            continue;
        }
        out.push(Tok {
            start: offset(t.span.start.line, t.span.start.column)?,
            end: offset(t.span.end.line, t.span.end.column)?,
            token: t.token,
        });
    }
    Some(out)
}

/// Whether `prev` can end a FROM item, so that a following PIVOT applies to it.
fn ends_table_factor(toks: &[Tok], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).map(|j| &toks[j].token) else {
        return false;
    };
    match prev {
        Token::RParen | Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => true,
        Token::Word(w) if w.quote_style.is_some() => true,
        Token::Word(w) => {
            // `.. UNION ALL BY NAME PIVOT ..`
            if w.value.eq_ignore_ascii_case("name")
                && i >= 2
                && keyword_of(&toks[i - 2].token) == Some(Keyword::BY)
            {
                return false;
            }
            !matches!(
                w.keyword,
                Keyword::AS
                    | Keyword::MATERIALIZED
                    | Keyword::ALL
                    | Keyword::UNION
                    | Keyword::EXCEPT
                    | Keyword::INTERSECT
                    | Keyword::DISTINCT
                    | Keyword::DESCRIBE
                    | Keyword::DESC
                    | Keyword::EXPLAIN
                    | Keyword::ANALYZE
                    | Keyword::TABLE
                    | Keyword::SELECT
                    | Keyword::FROM
                    | Keyword::JOIN
                    | Keyword::LATERAL
                    | Keyword::BY
                    | Keyword::THEN
                    | Keyword::ELSE
                    | Keyword::RETURN
            )
        }
        _ => false,
    }
}

/// The index of the `)` matching the `(` at `open`.
fn matching_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
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

/// For a FROM-form construct at `i`: the indices of its body's parentheses.
fn from_form_body(toks: &[Tok], i: usize, kind: Kind) -> Option<(usize, usize)> {
    let mut open = i + 1;
    if kind == Kind::Unpivot {
        let t = &toks.get(open)?.token;
        if word_is(t, "include") || word_is(t, "exclude") {
            if !word_is(&toks.get(open + 1)?.token, "nulls") {
                return None;
            }
            open += 2;
        }
    }
    if toks.get(open)?.token != Token::LParen {
        return None;
    }
    let close = matching_paren(toks, open)?;
    // `WITH t AS (..) PIVOT (SELECT ..) ON ..` is a statement after all.
    if let Some(next) = toks.get(close + 1) {
        if matches!(
            keyword_of(&next.token),
            Some(Keyword::ON | Keyword::USING | Keyword::GROUP | Keyword::INTO)
        ) {
            return None;
        }
    }
    Some((open, close))
}

/// The index one past the last token of a statement-form construct starting at `from`.
fn statement_end(toks: &[Tok], from: usize) -> usize {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(from) {
        match &t.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
            }
            Token::SemiColon if depth == 0 => return j,
            tok if depth == 0
                && matches!(
                    keyword_of(tok),
                    Some(
                        Keyword::ORDER
                            | Keyword::LIMIT
                            | Keyword::OFFSET
                            | Keyword::UNION
                            | Keyword::EXCEPT
                            | Keyword::INTERSECT
                    )
                ) =>
            {
                return j
            }
            _ => {}
        }
    }
    toks.len()
}

/// Whether the tokens of a would-be PIVOT / UNPIVOT statement have its ON, USING or
/// GROUP BY clause (outside parentheses).
fn has_statement_clause(toks: &[Tok]) -> bool {
    let mut depth = 0usize;
    for t in toks {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0
                && matches!(
                    keyword_of(&t.token),
                    Some(Keyword::ON | Keyword::USING | Keyword::GROUP)
                ) =>
            {
                return true
            }
            _ => {}
        }
    }
    false
}

/// `text` as a SQL string literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Replaces DuckDB's PIVOT / UNPIVOT constructs with carriers sqlparser parses (see the
/// module docs). Text without them is returned unchanged.
pub(crate) fn rewrite_pivot_syntax(sql: &str) -> String {
    if !sql.to_ascii_lowercase().contains("pivot") {
        return sql.to_string();
    }
    let Some(toks) = significant_tokens(sql) else {
        return sql.to_string();
    };
    let mut out = String::with_capacity(sql.len() + 64);
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i].token;
        let kind = if word_is(t, "pivot") || word_is(t, "pivot_wider") {
            Some(Kind::Pivot)
        } else if word_is(t, "unpivot") || word_is(t, "pivot_longer") {
            Some(Kind::Unpivot)
        } else {
            None
        };
        let Some(kind) = kind else {
            i += 1;
            continue;
        };
        let carrier = match kind {
            Kind::Pivot => PIVOT_CARRIER,
            Kind::Unpivot => UNPIVOT_CARRIER,
        };
        let plain_keyword = word_is(t, "pivot") || word_is(t, "unpivot");
        let from_form = if plain_keyword && ends_table_factor(&toks, i) {
            from_form_body(&toks, i, kind)
        } else {
            None
        };
        if let Some((open, close)) = from_form {
            // Already a carrier (a view's stored text is parsed again).
            let first = &toks[open + 1].token;
            if word_is(first, PIVOT_CARRIER) || word_is(first, UNPIVOT_CARRIER) {
                i = close;
                continue;
            }
            let body = &sql[toks[open].end..toks[close].start];
            out.push_str(&sql[copied..toks[open].end]);
            out.push_str(&format!("{carrier}({})", quoted(body.trim())));
            out.push_str(match kind {
                Kind::Pivot => " FOR __quiver IN (0)",
                Kind::Unpivot => " FOR __quiver IN (__quiver)",
            });
            copied = toks[close].start;
            i = close;
            continue;
        }
        let end = statement_end(&toks, i + 1);
        if !has_statement_clause(&toks[i + 1..end]) {
            // Not a statement (`SELECT 1 AS pivot`): leave it to the parser.
            i += 1;
            continue;
        }
        out.push_str(&sql[copied..toks[i].start]);
        let text = &sql[toks[i + 1].start..toks[end - 1].end];
        out.push_str(&format!("SELECT * FROM {carrier}({})", quoted(text)));
        copied = toks[end - 1].end;
        i = end;
    }
    out.push_str(&sql[copied..]);
    out
}

/// Runs `f` over a parser of `text` (rewritten first, so pivots nest) and checks that it
/// consumed everything.
fn parse_with<T>(text: &str, f: impl FnOnce(&mut Parser) -> Result<T>) -> Result<T> {
    let text = rewrite_pivot_syntax(text);
    let dialect = DuckDbDialect {};
    let mut p = Parser::new(&dialect)
        .try_with_sql(&text)
        .map_err(|e| syntax_error(&text, &e))?;
    let out = f(&mut p)?;
    let next = p.peek_token();
    if next.token != Token::EOF {
        return Err(syntax_error(
            &text,
            &ParserError::ParserError(format!(
                "Expected: end of PIVOT, found: {} at {}",
                next.token, next.span.start
            )),
        ));
    }
    Ok(out)
}

/// Maps a sqlparser error inside a `parse_with` closure.
fn pe(e: ParserError) -> Error {
    match e {
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => {
            let m = match m.rfind(" at Line: ") {
                Some(i) => m[..i].to_string(),
                None => m,
            };
            Error::Syntax(format!("syntax error: {m}"))
        }
        ParserError::RecursionLimitExceeded => {
            Error::Syntax("syntax error: the query nests too deeply".into())
        }
    }
}

/// Keywords that end an aggregate list (and so are never its aliases).
const AFTER_AGGREGATES: &[Keyword] = &[
    Keyword::FOR,
    Keyword::GROUP,
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::ON,
    Keyword::USING,
    Keyword::IN,
    Keyword::INTO,
];

/// `expr [[AS] alias]`, one aggregate of a PIVOT.
fn aggregate_item(p: &mut Parser) -> std::result::Result<(SqlExpr, Option<Ident>), ParserError> {
    let e = p.parse_expr()?;
    let alias = p.parse_optional_alias(AFTER_AGGREGATES)?;
    Ok((e, alias))
}

/// `[AS] alias` after a value, where the alias may be a string (`AS 'x'`).
fn value_alias(p: &mut Parser) -> std::result::Result<Option<Ident>, ParserError> {
    if !p.parse_keyword(Keyword::AS) {
        return Ok(None);
    }
    let t = p.peek_token();
    if let Token::SingleQuotedString(s) = &t.token {
        p.next_token();
        return Ok(Some(Ident::with_quote('\'', s.clone())));
    }
    p.parse_identifier().map(Some)
}

/// `expr IN (values) | IN (subquery) | IN enum` of a pivot, or a bare expression.
fn pivot_on(p: &mut Parser, require_in: bool) -> Result<PivotOn> {
    // Stop before IN (its list may hold `value AS alias`), but take comparisons:
    // `ON year > 2005`.
    let prec = DuckDbDialect {}.prec_value(Precedence::Between);
    let mut expr = p.parse_subexpr(prec).map_err(pe)?;
    loop {
        let op = match p.peek_token().token {
            Token::Eq | Token::DoubleEq => BinaryOperator::Eq,
            Token::Neq => BinaryOperator::NotEq,
            Token::Lt => BinaryOperator::Lt,
            Token::LtEq => BinaryOperator::LtEq,
            Token::Gt => BinaryOperator::Gt,
            Token::GtEq => BinaryOperator::GtEq,
            _ => break,
        };
        p.next_token();
        let right = p.parse_subexpr(prec).map_err(pe)?;
        expr = SqlExpr::BinaryOp {
            left: Box::new(expr),
            op,
            right: Box::new(right),
        };
    }
    if !p.parse_keyword(Keyword::IN) {
        if require_in {
            return Err(pe(ParserError::ParserError(format!(
                "Expected: IN, found: {}",
                p.peek_token().token
            ))));
        }
        return Ok(PivotOn {
            expr,
            values: PivotValues::FromData,
        });
    }
    if !p.consume_token(&Token::LParen) {
        let name = p.parse_identifier().map_err(pe)?;
        return Ok(PivotOn {
            expr,
            values: PivotValues::Enum(name),
        });
    }
    match p.peek_token().token {
        Token::RParen => return Err(Error::Syntax("syntax error at or near \")\"".into())),
        Token::Mul => return Err(Error::Plan("STAR expression is not supported here".into())),
        _ => {}
    }
    let is_query = [
        Keyword::SELECT,
        Keyword::WITH,
        Keyword::FROM,
        Keyword::VALUES,
    ]
    .iter()
    .any(|k| p.peek_keyword(*k));
    let values = if is_query {
        PivotValues::Query(p.parse_query().map_err(pe)?)
    } else {
        PivotValues::List(
            p.parse_comma_separated(|p| {
                let e = p.parse_expr()?;
                Ok((e, value_alias(p)?))
            })
            .map_err(pe)?,
        )
    };
    p.expect_token(&Token::RParen).map_err(pe)?;
    Ok(PivotOn { expr, values })
}

fn group_by(p: &mut Parser) -> Result<Option<Vec<SqlExpr>>> {
    if p.parse_keywords(&[Keyword::GROUP, Keyword::BY]) {
        Ok(Some(
            p.parse_comma_separated(Parser::parse_expr).map_err(pe)?,
        ))
    } else {
        Ok(None)
    }
}

/// The text of a PIVOT statement after `PIVOT`: `src [ON ..] [USING ..] [GROUP BY ..]`.
pub(super) fn parse_pivot_statement(text: &str) -> Result<PivotSpec> {
    parse_with(text, |p| {
        let source = p.parse_table_factor().map_err(pe)?;
        let mut on = vec![];
        if p.parse_keyword(Keyword::ON) {
            loop {
                on.push(pivot_on(p, false)?);
                if !p.consume_token(&Token::Comma) {
                    break;
                }
            }
        }
        let mut aggregates = vec![];
        if p.parse_keyword(Keyword::USING) {
            loop {
                aggregates.push(aggregate_item(p).map_err(pe)?);
                if !p.consume_token(&Token::Comma) {
                    break;
                }
                // A trailing comma.
                let next = p.peek_token().token;
                if next == Token::EOF || keyword_of(&next) == Some(Keyword::GROUP) {
                    break;
                }
            }
        }
        let group_by = group_by(p)?;
        if on.is_empty() && aggregates.is_empty() && group_by.is_none() {
            return Err(Error::Syntax(
                "PIVOT requires an ON, USING or GROUP BY clause".into(),
            ));
        }
        Ok(PivotSpec {
            source: Some(source),
            aggregates,
            on,
            group_by,
        })
    })
}

/// The body of `src PIVOT (body)`: `aggregates FOR col IN (..) [col IN (..) ..] [GROUP BY ..]`.
pub(super) fn parse_pivot_body(text: &str) -> Result<PivotSpec> {
    parse_with(text, |p| {
        let aggregates = p.parse_comma_separated(aggregate_item).map_err(pe)?;
        p.expect_keyword(Keyword::FOR).map_err(pe)?;
        let mut on = vec![pivot_on(p, true)?];
        while p.peek_token().token != Token::EOF && !p.peek_keyword(Keyword::GROUP) {
            on.push(pivot_on(p, true)?);
        }
        let group_by = group_by(p)?;
        Ok(PivotSpec {
            source: None,
            aggregates,
            on,
            group_by,
        })
    })
}

/// The text of an UNPIVOT statement after `UNPIVOT`:
/// `src ON cols [INTO NAME n VALUE v [, ..]]`.
pub(super) fn parse_unpivot_statement(text: &str) -> Result<UnpivotSpec> {
    parse_with(text, |p| {
        let source = p.parse_table_factor().map_err(pe)?;
        p.expect_keyword(Keyword::ON).map_err(pe)?;
        let entries = p
            .parse_comma_separated(Parser::parse_select_item)
            .map_err(pe)?;
        let mut name = Ident::new("name");
        let mut values = vec![Ident::new("value")];
        if p.parse_keyword(Keyword::INTO) {
            p.expect_keyword(Keyword::NAME).map_err(pe)?;
            name = p.parse_identifier().map_err(pe)?;
            if !p.parse_keyword(Keyword::VALUE) {
                p.expect_keyword(Keyword::VALUES).map_err(pe)?;
            }
            values = p
                .parse_comma_separated(Parser::parse_identifier)
                .map_err(pe)?;
        }
        Ok(UnpivotSpec {
            source: Some(source),
            include_nulls: false,
            entries,
            name,
            values,
        })
    })
}

/// The body of `src UNPIVOT (body)`: `value FOR name IN (cols)` or
/// `(v1, v2) FOR name IN ((a, b) [AS x], ..)`.
pub(super) fn parse_unpivot_body(text: &str, include_nulls: bool) -> Result<UnpivotSpec> {
    parse_with(text, |p| {
        let values = if p.consume_token(&Token::LParen) {
            let v = p
                .parse_comma_separated(Parser::parse_identifier)
                .map_err(pe)?;
            p.expect_token(&Token::RParen).map_err(pe)?;
            v
        } else {
            vec![p.parse_identifier().map_err(pe)?]
        };
        p.expect_keyword(Keyword::FOR).map_err(pe)?;
        if p.peek_token().token == Token::LParen {
            return Err(Error::Plan("UNPIVOT requires a single column name".into()));
        }
        let t = p.peek_token();
        let name = match &t.token {
            Token::SingleQuotedString(s) => {
                p.next_token();
                Ident::with_quote('\'', s.clone())
            }
            _ => p.parse_identifier().map_err(pe)?,
        };
        p.expect_keyword(Keyword::IN).map_err(pe)?;
        p.expect_token(&Token::LParen).map_err(pe)?;
        if p.peek_token().token == Token::RParen {
            return Err(Error::Syntax("syntax error at or near \")\"".into()));
        }
        let entries = p
            .parse_comma_separated(|p| {
                let expr = p.parse_expr()?;
                Ok(match value_alias(p)? {
                    Some(alias) => SelectItem::ExprWithAlias { expr, alias },
                    None => SelectItem::UnnamedExpr(expr),
                })
            })
            .map_err(pe)?;
        p.expect_token(&Token::RParen).map_err(pe)?;
        Ok(UnpivotSpec {
            source: None,
            include_nulls,
            entries,
            name,
            values,
        })
    })
}

/// The carried text of `name('text')` if `e` is a call of the carrier `name`.
pub(super) fn carried_text(e: &SqlExpr, name: &str) -> Option<String> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments};
    let SqlExpr::Function(f) = e else {
        return None;
    };
    if !f.name.to_string().eq_ignore_ascii_case(name) {
        return None;
    }
    let FunctionArguments::List(l) = &f.args else {
        return None;
    };
    match l.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(SqlExpr::Value(v)))] => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_other_sql_alone() {
        for sql in [
            "SELECT 'pivot' AS x FROM t WHERE a = 1",
            "SELECT 1 AS pivot",
            "SELECT 1 AS pivot, 2 AS unpivot FROM pivot_table",
        ] {
            assert_eq!(rewrite_pivot_syntax(sql), sql);
        }
    }

    #[test]
    fn rewrites_statements_keeping_order_by() {
        let sql = "PIVOT Cities ON Year USING sum(Population) GROUP BY Country ORDER BY 1 LIMIT 1";
        assert_eq!(
            rewrite_pivot_syntax(sql),
            "SELECT * FROM __quiver_pivot('Cities ON Year USING sum(Population) GROUP BY Country') ORDER BY 1 LIMIT 1"
        );
        let sql = "FROM (UNPIVOT t ON a, b INTO NAME n VALUE v) x";
        assert_eq!(
            rewrite_pivot_syntax(sql),
            "FROM (SELECT * FROM __quiver_unpivot('t ON a, b INTO NAME n VALUE v')) x"
        );
    }

    #[test]
    fn rewrites_from_form_bodies() {
        let sql = "SELECT * FROM t PIVOT (sum(x) FOR m IN ('a', 'b') GROUP BY g) AS p";
        assert_eq!(
            rewrite_pivot_syntax(sql),
            "SELECT * FROM t PIVOT (__quiver_pivot('sum(x) FOR m IN (''a'', ''b'') GROUP BY g') FOR __quiver IN (0)) AS p"
        );
        let sql = "FROM t UNPIVOT INCLUDE NULLS (v FOR n IN (a, b))";
        assert_eq!(
            rewrite_pivot_syntax(sql),
            "FROM t UNPIVOT INCLUDE NULLS (__quiver_unpivot('v FOR n IN (a, b)') FOR __quiver IN (__quiver))"
        );
    }

    #[test]
    fn leaves_carriers_alone() {
        for sql in [
            "SELECT * FROM __quiver_pivot('t ON a')",
            "FROM t PIVOT (__quiver_pivot('sum(x) FOR a IN (1)') FOR __quiver IN (0))",
            "FROM t UNPIVOT (__quiver_unpivot('v FOR n IN (a)') FOR __quiver IN (__quiver))",
        ] {
            assert_eq!(rewrite_pivot_syntax(sql), sql);
        }
    }

    #[test]
    fn parses_statement_clauses() {
        let s = parse_pivot_statement(
            "Cities ON Year IN (2000 AS a, 2010), Country USING sum(Population) AS s, count(*), GROUP BY Name",
        )
        .unwrap();
        assert_eq!(s.on.len(), 2);
        assert!(matches!(&s.on[0].values, PivotValues::List(v) if v.len() == 2));
        assert!(matches!(s.on[1].values, PivotValues::FromData));
        assert_eq!(s.aggregates.len(), 2);
        assert_eq!(s.group_by.map(|g| g.len()), Some(1));
        let u =
            parse_unpivot_statement("t ON jan, feb, mar april INTO NAME m VALUES a, b").unwrap();
        assert_eq!(u.entries.len(), 3);
        assert_eq!(u.values.len(), 2);
    }

    #[test]
    fn parses_from_bodies() {
        let s = parse_pivot_body("sum(x) total, count(*) FOR a IN (1, 2) b IN ('x') GROUP BY g")
            .unwrap();
        assert_eq!(s.on.len(), 2);
        assert_eq!(
            s.aggregates[0].1.as_ref().map(|i| i.value.as_str()),
            Some("total")
        );
        let u = parse_unpivot_body("(x, y) FOR n IN ((a, b) AS 'p', (c, d))", true).unwrap();
        assert_eq!(u.values.len(), 2);
        assert_eq!(u.entries.len(), 2);
        assert!(parse_pivot_body("sum(x) FOR a IN ()").is_err());
    }
}
