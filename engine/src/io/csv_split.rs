//! A small quote-aware CSV record splitter for the places where Quiver itself must look at
//! CSV text: the dialect and type sniffer, choosing split points for parallel parsing, and
//! pinpointing the line and value of a bad row in error messages. Bulk parsing is done by
//! arrow's CSV reader; this splitter follows the same rules (csv-core's): fields separated
//! by the delimiter, records ended by `\n`, `\r\n` or `\r`, empty lines skipped, a quote at
//! the start of a field opens a quoted section in which a doubled quote (or the escape
//! character followed by any byte) stands for itself.

/// The characters that shape a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CsvDialect {
    /// Field separator.
    pub delimiter: u8,
    /// Quote character.
    pub quote: u8,
    /// Escape character inside quotes; `None` means doubled quotes.
    pub escape: Option<u8>,
}

/// One record found by [`RecordSplitter`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SplitRecord {
    /// The 0-based physical line (count of `\n` before it) where the record starts.
    pub line: usize,
    /// Byte offset of the record's start.
    pub start: usize,
    /// The unquoted field values.
    pub fields: Vec<String>,
    /// Whether the record ended with a line terminator or at the true end of input (false:
    /// the input was cut in the middle of this record).
    pub complete: bool,
}

/// Iterates over the records of a byte buffer.
pub(crate) struct RecordSplitter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    dialect: CsvDialect,
    at_eof: bool,
}

impl<'a> RecordSplitter<'a> {
    /// Splits `bytes`; `at_eof` says whether the buffer ends where the input ends (otherwise
    /// a last record without a terminator is reported as incomplete).
    pub(crate) fn new(bytes: &'a [u8], dialect: CsvDialect, at_eof: bool) -> Self {
        Self {
            bytes,
            pos: 0,
            line: 0,
            dialect,
            at_eof,
        }
    }
}

impl Iterator for RecordSplitter<'_> {
    type Item = SplitRecord;

    fn next(&mut self) -> Option<SplitRecord> {
        let b = self.bytes;
        // Skip empty lines.
        while self.pos < b.len() && (b[self.pos] == b'\n' || b[self.pos] == b'\r') {
            if b[self.pos] == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        let start_line = self.line;
        let d = self.dialect;
        let mut fields = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut at_field_start = true;
        let mut in_quotes = false;
        let mut i = self.pos;
        let mut complete = self.at_eof;
        while i < b.len() {
            let c = b[i];
            if in_quotes {
                if c == b'\n' {
                    self.line += 1;
                }
                if Some(c) == d.escape && i + 1 < b.len() {
                    field.push(b[i + 1]);
                    if b[i + 1] == b'\n' {
                        self.line += 1;
                    }
                    i += 2;
                    continue;
                }
                if c == d.quote {
                    if d.escape.is_none() && i + 1 < b.len() && b[i + 1] == d.quote {
                        field.push(d.quote);
                        i += 2;
                        continue;
                    }
                    in_quotes = false;
                    i += 1;
                    continue;
                }
                field.push(c);
                i += 1;
                continue;
            }
            if at_field_start && c == d.quote {
                in_quotes = true;
                at_field_start = false;
                i += 1;
                continue;
            }
            at_field_start = false;
            if c == d.delimiter {
                fields.push(String::from_utf8_lossy(&field).into_owned());
                field.clear();
                at_field_start = true;
                i += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                i += 1;
                if c == b'\n' {
                    self.line += 1;
                } else if i < b.len() && b[i] == b'\n' {
                    self.line += 1;
                    i += 1;
                }
                complete = true;
                break;
            }
            field.push(c);
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&field).into_owned());
        self.pos = i;
        Some(SplitRecord {
            line: start_line,
            start,
            fields,
            complete,
        })
    }
}

/// Counts `\n` bytes.
pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMA: CsvDialect = CsvDialect {
        delimiter: b',',
        quote: b'"',
        escape: None,
    };

    #[test]
    fn splits_quoted_fields_and_tracks_lines() {
        let text = b"a,b\n\n\"x, \"\"y\"\"\",\"multi\nline\"\r\n1,2";
        let recs: Vec<_> = RecordSplitter::new(text, COMMA, true).collect();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].fields, vec!["a", "b"]);
        assert_eq!(recs[1].fields, vec!["x, \"y\"", "multi\nline"]);
        assert_eq!(recs[1].line, 2);
        assert_eq!(recs[2].line, 4);
        assert_eq!(recs[2].fields, vec!["1", "2"]);
        assert!(recs[2].complete);
        let recs: Vec<_> = RecordSplitter::new(b"1,2\n3,", COMMA, false).collect();
        assert!(recs[0].complete && !recs[1].complete);
    }

    #[test]
    fn escape_character() {
        let d = CsvDialect {
            escape: Some(b'\\'),
            ..COMMA
        };
        let recs: Vec<_> = RecordSplitter::new(b"\"a\\\"b\",c\n", d, true).collect();
        assert_eq!(recs[0].fields, vec!["a\"b", "c"]);
    }
}
