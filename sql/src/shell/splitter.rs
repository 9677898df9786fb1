//! Where SQL statements end: the shell's scanner for `;` outside string literals, quoted
//! identifiers, dollar-quoted strings and comments.
//!
//! The shell reads input a line at a time and runs a statement once its `;` has arrived,
//! as DuckDB's shell does; a `;` inside `'it;s'`, `"a;b"`, `$$x;y$$`, `-- a;` or `/* ; */`
//! does not end a statement. Scanning bytes is safe for UTF-8 text because every
//! delimiter is ASCII and continuation bytes never equal an ASCII byte.

/// What the scanner is inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Plain SQL.
    Normal,
    /// A `'...'` string; `escapes` for `E'...'` strings, where a backslash escapes.
    Single { escapes: bool },
    /// A `"..."` identifier.
    Double,
    /// A `-- ...` comment, up to the end of the line.
    LineComment,
    /// A `/* ... */` comment, with its nesting depth.
    BlockComment(u32),
    /// A `$tag$ ... $tag$` string: the tag's start offset and length (both `$` included).
    Dollar { start: usize, len: usize },
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The length of the dollar-quote tag starting at `i` (`$$` or `$name$`), if one starts there.
fn dollar_tag(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && is_ident_byte(b[i - 1]) {
        return None;
    }
    let mut j = i + 1;
    while j < b.len()
        && (b[j].is_ascii_alphabetic() || b[j] == b'_' || (j > i + 1 && b[j].is_ascii_digit()))
    {
        j += 1;
    }
    (j < b.len() && b[j] == b'$').then_some(j - i + 1)
}

/// Scans `text`, calling `on_semicolon` with the byte offset of every statement-ending
/// `;`, and returns the state at the end.
fn scan(text: &str, mut on_semicolon: impl FnMut(usize)) -> State {
    let b = text.as_bytes();
    let next = |i: usize| b.get(i + 1).copied();
    let mut state = State::Normal;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match state {
            State::Normal => match c {
                b'\'' => {
                    let escapes = i > 0
                        && matches!(b[i - 1], b'e' | b'E')
                        && (i < 2 || !is_ident_byte(b[i - 2]));
                    state = State::Single { escapes };
                }
                b'"' => state = State::Double,
                b'-' if next(i) == Some(b'-') => {
                    state = State::LineComment;
                    i += 1;
                }
                b'/' if next(i) == Some(b'*') => {
                    state = State::BlockComment(1);
                    i += 1;
                }
                b'$' => {
                    if let Some(len) = dollar_tag(b, i) {
                        state = State::Dollar { start: i, len };
                        i += len - 1;
                    }
                }
                b';' => on_semicolon(i),
                _ => {}
            },
            State::Single { escapes } => {
                if escapes && c == b'\\' {
                    i += 1;
                } else if c == b'\'' {
                    if next(i) == Some(b'\'') {
                        i += 1;
                    } else {
                        state = State::Normal;
                    }
                }
            }
            State::Double => {
                if c == b'"' {
                    if next(i) == Some(b'"') {
                        i += 1;
                    } else {
                        state = State::Normal;
                    }
                }
            }
            State::LineComment => {
                if c == b'\n' {
                    state = State::Normal;
                }
            }
            State::BlockComment(depth) => {
                if c == b'*' && next(i) == Some(b'/') {
                    i += 1;
                    state = if depth == 1 {
                        State::Normal
                    } else {
                        State::BlockComment(depth - 1)
                    };
                } else if c == b'/' && next(i) == Some(b'*') {
                    i += 1;
                    state = State::BlockComment(depth + 1);
                }
            }
            State::Dollar { start, len } => {
                if b[i..].starts_with(&b[start..start + len]) {
                    i += len - 1;
                    state = State::Normal;
                }
            }
        }
        i += 1;
    }
    state
}

/// Splits `text` into the statements that a `;` completed (each without its `;`, trimmed,
/// blank ones dropped) and the unterminated rest.
pub fn split_statements(text: &str) -> (Vec<&str>, &str) {
    let mut statements = Vec::new();
    let mut start = 0;
    scan(text, |i| {
        let piece = text[start..i].trim();
        if !is_blank(piece) {
            statements.push(piece);
        }
        start = i + 1;
    });
    (statements, &text[start..])
}

/// Whether `text` holds nothing to run: only whitespace and complete comments (a `--`
/// comment may end the text without a newline; an open `/*` comment is not blank, since
/// more input must follow).
pub fn is_blank(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => match text[i..].find('\n') {
                Some(n) => i += n + 1,
                None => return true,
            },
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                i += 2;
                while depth > 0 {
                    match (b.get(i), b.get(i + 1)) {
                        (None, _) => return false,
                        (Some(b'*'), Some(b'/')) => {
                            depth -= 1;
                            i += 2;
                        }
                        (Some(b'/'), Some(b'*')) => {
                            depth += 1;
                            i += 2;
                        }
                        _ => i += 1,
                    }
                }
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons() {
        let (stmts, rest) = split_statements("SELECT 1; SELECT 2;\nSELECT");
        assert_eq!(stmts, vec!["SELECT 1", "SELECT 2"]);
        assert_eq!(rest, "\nSELECT");
    }

    #[test]
    fn ignores_semicolons_in_literals_and_comments() {
        let sql =
            "SELECT 'a;b', \"c;d\", $$e;f$$, $t$g;$t$ -- h;\n/* i; /* j; */ k; */ FROM x; rest";
        let (stmts, rest) = split_statements(sql);
        assert_eq!(stmts.len(), 1, "{stmts:?}");
        assert!(stmts[0].ends_with("FROM x"));
        assert_eq!(rest, " rest");
    }

    #[test]
    fn doubled_quotes_and_escape_strings() {
        let (stmts, rest) = split_statements("SELECT 'it''s;'; SELECT E'a\\';b';");
        assert_eq!(stmts, vec!["SELECT 'it''s;'", "SELECT E'a\\';b'"]);
        assert_eq!(rest, "");
        // A plain string does not treat the backslash as an escape.
        let (stmts, _) = split_statements("SELECT 'a\\'; SELECT 2;");
        assert_eq!(stmts, vec!["SELECT 'a\\'", "SELECT 2"]);
    }

    #[test]
    fn parameters_are_not_dollar_quotes() {
        let (stmts, rest) = split_statements("SELECT $1; SELECT 2;");
        assert_eq!(stmts, vec!["SELECT $1", "SELECT 2"]);
        assert_eq!(rest, "");
    }

    #[test]
    fn blank_pieces_are_dropped() {
        let (stmts, rest) = split_statements(";; -- c\n; /* x */ ;SELECT 1;  ");
        assert_eq!(stmts, vec!["SELECT 1"]);
        assert!(is_blank(rest));
    }

    #[test]
    fn blankness() {
        assert!(is_blank(""));
        assert!(is_blank("  \n -- hi"));
        assert!(is_blank("/* a /* b */ c */\n"));
        assert!(!is_blank("/* open"));
        assert!(!is_blank("SELECT"));
    }

    #[test]
    fn multibyte_text_is_kept_whole() {
        let (stmts, _) = split_statements("SELECT 'héllo;wörld'; SELECT '→';");
        assert_eq!(stmts, vec!["SELECT 'héllo;wörld'", "SELECT '→'"]);
    }
}
