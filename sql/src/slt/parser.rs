//! The sqllogictest file format as DuckDB writes it: records separated by blank lines,
//! `#` comments, `statement ok|error|maybe`, `query <types> [sort] [label]` with a `----`
//! result block, and the directives (`require`, `mode skip|unskip`, `loop`/`foreach` ..
//! `endloop`, `skipif`/`onlyif`, `halt`, `hash-threshold`, `load`, `restart`, ...).
//!
//! Parsing never fails: a line that cannot be understood becomes an [`Item::Unknown`],
//! which the runner counts as a skipped record, and a missing `endloop` closes the loop
//! at the end of the file. Loops stay nested in the tree ([`Item::Loop`]); the runner
//! expands them and substitutes `${var}` / `{var}` with [`substitute`].

/// How a statement record expects its statement to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementExpect {
    /// `statement ok`: the statement must succeed.
    Ok,
    /// `statement error`: the statement must fail (with the expected message, if given).
    Error,
    /// `statement maybe`: either success or the expected error.
    Maybe,
}

/// How a query's rows are put in order before they are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    /// Compare in the order the engine returned (the default).
    NoSort,
    /// Sort the rows (`rowsort`, alias `sort`).
    RowSort,
    /// Sort all values, ignoring row boundaries (`valuesort`).
    ValueSort,
}

/// A `skipif` / `onlyif` condition in front of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `skipif <engine>`: skip the record on that engine.
    SkipIf(String),
    /// `onlyif <engine>`: run the record only on that engine.
    OnlyIf(String),
}

/// A `statement` record.
#[derive(Debug, Clone)]
pub struct StatementRecord {
    /// 1-based line of the `statement` header.
    pub line: usize,
    /// Conditions written in front of the record.
    pub conditions: Vec<Condition>,
    /// What the statement should do.
    pub expect: StatementExpect,
    /// The SQL text (the lines up to `----` or the blank line).
    pub sql: String,
    /// The expected error message (lines after `----`), empty when any error will do.
    pub expected_error: String,
}

/// A `query` record.
#[derive(Debug, Clone)]
pub struct QueryRecord {
    /// 1-based line of the `query` header.
    pub line: usize,
    /// Conditions written in front of the record.
    pub conditions: Vec<Condition>,
    /// Number of result columns (letters of the type string; only the count is checked).
    pub columns: usize,
    /// How rows are ordered before comparison.
    pub sort: SortMode,
    /// A label: queries with the same label must return the same result.
    pub label: Option<String>,
    /// The SQL text.
    pub sql: String,
    /// Whether the record has a `----` line.
    pub has_results: bool,
    /// The expected result lines (after `----`).
    pub expected: Vec<String>,
}

/// One element of a test file.
#[derive(Debug, Clone)]
pub enum Item {
    /// A `statement` record.
    Statement(StatementRecord),
    /// A `query` record.
    Query(QueryRecord),
    /// `require <what> [args]`.
    Require {
        /// 1-based line.
        line: usize,
        /// The requirement (`parquet`, `vector_size`, ...).
        what: String,
        /// Its arguments (`2048` for `vector_size 2048`).
        args: Vec<String>,
    },
    /// `mode skip` (true) / `mode unskip` (false); other modes are ignored.
    Mode {
        /// 1-based line.
        line: usize,
        /// Whether records after it are skipped.
        skip: bool,
    },
    /// `loop var start end` or `foreach var v1 v2 ..` .. `endloop`.
    Loop {
        /// 1-based line of the header.
        line: usize,
        /// The loop variable.
        var: String,
        /// The values it takes, in order.
        values: Vec<String>,
        /// The items of the body.
        body: Vec<Item>,
    },
    /// `halt`: stop running the file.
    Halt {
        /// 1-based line.
        line: usize,
    },
    /// `load <file>`: the file needs a stored database.
    Load {
        /// 1-based line.
        line: usize,
    },
    /// A directive without effect on an in-memory run (`restart`, `reconnect`,
    /// `hash-threshold`, `sleep`, `tags`, `mode output_hash`, ...).
    Ignored {
        /// 1-based line.
        line: usize,
    },
    /// A record that could not be understood; counted as skipped.
    Unknown {
        /// 1-based line.
        line: usize,
        /// Why it was not understood.
        reason: String,
    },
}

impl Item {
    /// The 1-based line where the item starts.
    pub fn line(&self) -> usize {
        match self {
            Item::Statement(s) => s.line,
            Item::Query(q) => q.line,
            Item::Require { line, .. }
            | Item::Mode { line, .. }
            | Item::Loop { line, .. }
            | Item::Halt { line }
            | Item::Load { line }
            | Item::Ignored { line }
            | Item::Unknown { line, .. } => *line,
        }
    }

    /// Whether the item is a record that counts (statement, query, or one not understood).
    pub fn is_record(&self) -> bool {
        matches!(
            self,
            Item::Statement(_) | Item::Query(_) | Item::Unknown { .. }
        )
    }
}

/// A parsed test file.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// The top-level items in file order.
    pub items: Vec<Item>,
}

impl Script {
    /// Parses the text of a test file. Never fails; see the module documentation.
    pub fn parse(text: &str) -> Script {
        let lines: Vec<&str> = text
            .lines()
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let mut parser = Parser { lines, pos: 0 };
        let (items, _) = parser.items(false);
        Script { items }
    }

    /// The lines of every record in the file (loop bodies counted once), in file order.
    pub fn record_lines(&self) -> Vec<usize> {
        fn walk(items: &[Item], out: &mut Vec<usize>) {
            for item in items {
                match item {
                    Item::Loop { body, .. } => walk(body, out),
                    other if other.is_record() => out.push(other.line()),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// Parses items until `endloop` (when `in_loop`) or the end of the file. Returns the
    /// items and whether an `endloop` closed them.
    fn items(&mut self, in_loop: bool) -> (Vec<Item>, bool) {
        let mut items = Vec::new();
        let mut conditions = Vec::new();
        while self.pos < self.lines.len() {
            let raw = self.lines[self.pos];
            let line_no = self.pos + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                self.pos += 1;
                continue;
            }
            let words: Vec<&str> = trimmed.split_whitespace().collect();
            let keyword = words[0];
            self.pos += 1;
            match keyword {
                "skipif" | "onlyif" => {
                    let engine = words.get(1).copied().unwrap_or("").to_ascii_lowercase();
                    conditions.push(if keyword == "skipif" {
                        Condition::SkipIf(engine)
                    } else {
                        Condition::OnlyIf(engine)
                    });
                    continue;
                }
                "statement" => {
                    let expect = match words.get(1).copied() {
                        Some("ok") => Some(StatementExpect::Ok),
                        Some("error") => Some(StatementExpect::Error),
                        Some("maybe") => Some(StatementExpect::Maybe),
                        _ => None,
                    };
                    let (sql, after) = self.block();
                    match expect {
                        Some(expect) => items.push(Item::Statement(StatementRecord {
                            line: line_no,
                            conditions: std::mem::take(&mut conditions),
                            expect,
                            sql,
                            expected_error: after
                                .map(|a| a.join("\n").trim().to_string())
                                .unwrap_or_default(),
                        })),
                        None => items.push(Item::Unknown {
                            line: line_no,
                            reason: format!(
                                "unknown statement kind `{}`",
                                words.get(1).copied().unwrap_or("")
                            ),
                        }),
                    }
                }
                "query" => {
                    let (sql, after) = self.block();
                    let Some(types) = words.get(1) else {
                        items.push(Item::Unknown {
                            line: line_no,
                            reason: "query without column types".into(),
                        });
                        conditions.clear();
                        continue;
                    };
                    let mut sort = SortMode::NoSort;
                    let mut label = None;
                    for (i, word) in words.iter().enumerate().skip(2) {
                        match *word {
                            "nosort" => sort = SortMode::NoSort,
                            "rowsort" | "sort" => sort = SortMode::RowSort,
                            "valuesort" => sort = SortMode::ValueSort,
                            other if i >= 2 && label.is_none() => label = Some(other.to_string()),
                            _ => {}
                        }
                    }
                    items.push(Item::Query(QueryRecord {
                        line: line_no,
                        conditions: std::mem::take(&mut conditions),
                        columns: types.chars().count(),
                        sort,
                        label,
                        sql,
                        has_results: after.is_some(),
                        expected: after.unwrap_or_default(),
                    }));
                }
                "require" => {
                    items.push(Item::Require {
                        line: line_no,
                        what: words.get(1).copied().unwrap_or("").to_string(),
                        args: words.iter().skip(2).map(|w| w.to_string()).collect(),
                    });
                }
                "mode" => match words.get(1).copied() {
                    Some("skip") => items.push(Item::Mode {
                        line: line_no,
                        skip: true,
                    }),
                    Some("unskip") => items.push(Item::Mode {
                        line: line_no,
                        skip: false,
                    }),
                    _ => items.push(Item::Ignored { line: line_no }),
                },
                "loop" | "concurrentloop" => {
                    let range = (
                        words.get(2).and_then(|s| s.parse::<i64>().ok()),
                        words.get(3).and_then(|s| s.parse::<i64>().ok()),
                    );
                    let (body, closed) = self.items(true);
                    match (words.get(1), range) {
                        (Some(var), (Some(start), Some(end)))
                            if end.saturating_sub(start) <= 1_000_000 =>
                        {
                            let values = (start..end).map(|i| i.to_string()).collect();
                            items.push(Item::Loop {
                                line: line_no,
                                var: var.to_string(),
                                values,
                                body,
                            });
                        }
                        _ => {
                            items.push(Item::Unknown {
                                line: line_no,
                                reason: format!("malformed loop `{trimmed}`"),
                            });
                            // Its records still count (as not reached).
                            items.push(Item::Loop {
                                line: line_no,
                                var: String::new(),
                                values: vec![],
                                body,
                            });
                        }
                    }
                    if !closed {
                        return (items, false);
                    }
                }
                "foreach" | "concurrentforeach" => {
                    let (body, closed) = self.items(true);
                    match words.get(1) {
                        Some(var) if words.len() > 2 => {
                            let values = words[2..]
                                .iter()
                                .flat_map(|w| expand_foreach_value(w))
                                .collect();
                            items.push(Item::Loop {
                                line: line_no,
                                var: var.to_string(),
                                values,
                                body,
                            });
                        }
                        _ => {
                            items.push(Item::Unknown {
                                line: line_no,
                                reason: format!("malformed foreach `{trimmed}`"),
                            });
                            // Its records still count (as not reached).
                            items.push(Item::Loop {
                                line: line_no,
                                var: String::new(),
                                values: vec![],
                                body,
                            });
                        }
                    }
                    if !closed {
                        return (items, false);
                    }
                }
                "endloop" => {
                    if in_loop {
                        return (items, true);
                    }
                    // A stray `endloop` has nothing to close: ignore it.
                    items.push(Item::Ignored { line: line_no });
                }
                "halt" => items.push(Item::Halt { line: line_no }),
                "load" => items.push(Item::Load { line: line_no }),
                "restart" | "reconnect" | "hash-threshold" | "sleep" | "tags" | "set" | "reset"
                | "continue" => items.push(Item::Ignored { line: line_no }),
                other => {
                    // Skip the rest of the block so its lines are not read as records.
                    let _ = self.block();
                    items.push(Item::Unknown {
                        line: line_no,
                        reason: format!("unknown directive `{other}`"),
                    });
                }
            }
            conditions.clear();
        }
        (items, false)
    }

    /// Reads the body of a record: lines up to `----` (the SQL), then the lines up to the
    /// next empty line (the expected block, `None` without `----`).
    fn block(&mut self) -> (String, Option<Vec<String>>) {
        let mut sql = Vec::new();
        let mut after: Option<Vec<String>> = None;
        while self.pos < self.lines.len() {
            let line = self.lines[self.pos];
            // As in DuckDB: the SQL ends at an empty or comment line, the expected block
            // only at an empty line (a line of spaces is a value).
            if line.is_empty() || (after.is_none() && line.starts_with('#')) {
                break;
            }
            self.pos += 1;
            match after.as_mut() {
                Some(a) => a.push(line.to_string()),
                None if line.trim_end() == "----" => after = Some(Vec::new()),
                None => sql.push(line),
            }
        }
        (sql.join("\n"), after)
    }
}

/// Expands DuckDB's type groups in `foreach` (`<integral>`, `<numeric>`, ...).
fn expand_foreach_value(word: &str) -> Vec<String> {
    const SIGNED: &[&str] = &["tinyint", "smallint", "integer", "bigint", "hugeint"];
    const UNSIGNED: &[&str] = &["utinyint", "usmallint", "uinteger", "ubigint", "uhugeint"];
    let list: Vec<&str> = match word {
        "<signed>" => SIGNED.to_vec(),
        "<unsigned>" => UNSIGNED.to_vec(),
        "<integral>" => [SIGNED, UNSIGNED].concat(),
        "<numeric>" => [SIGNED, UNSIGNED, &["float", "double"]].concat(),
        "<alltypes>" => [
            SIGNED,
            UNSIGNED,
            &["float", "double", "bool", "interval", "varchar", "json"],
        ]
        .concat(),
        "<compressions>" => vec![
            "none",
            "uncompressed",
            "rle",
            "bitpacking",
            "dictionary",
            "fsst",
            "alp",
            "alprd",
        ],
        other => vec![other],
    };
    list.into_iter().map(str::to_string).collect()
}

/// Replaces `${var}` and `{var}` by `value` in `text`.
pub fn substitute(text: &str, var: &str, value: &str) -> String {
    text.replace(&format!("${{{var}}}"), value)
        .replace(&format!("{{{var}}}"), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_records_and_loops() {
        let text = "# comment\nstatement ok\nCREATE TABLE t(i INT)\n\nforeach type <signed> float\n\nquery I rowsort\nSELECT 1::{type}\n----\n1\n\nendloop\n\nstatement error\nSELECT x\n----\nBinder Error\n";
        let script = Script::parse(text);
        assert_eq!(script.items.len(), 3);
        let Item::Loop { values, body, .. } = &script.items[1] else {
            panic!("expected a loop")
        };
        assert_eq!(values.len(), 6);
        let Item::Query(q) = &body[0] else {
            panic!("expected a query")
        };
        assert_eq!(
            (q.columns, q.sort, q.expected.clone()),
            (1, SortMode::RowSort, vec!["1".to_string()])
        );
        let Item::Statement(s) = &script.items[2] else {
            panic!("expected a statement")
        };
        assert_eq!(
            (s.expect, s.expected_error.as_str()),
            (StatementExpect::Error, "Binder Error")
        );
        assert_eq!(script.record_lines(), vec![2, 7, 14]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "loop i",
            "foreach",
            "query",
            "statement",
            "endloop\nendloop",
            "loop i 0 3\nquery I\nSELECT 1",
            "----\n\n",
        ] {
            let _ = Script::parse(text).record_lines();
        }
    }

    #[test]
    fn substitutes_both_forms() {
        assert_eq!(
            substitute("SELECT ${i}, {i}::INT", "i", "3"),
            "SELECT 3, 3::INT"
        );
    }
}
