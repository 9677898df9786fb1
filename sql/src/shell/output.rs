//! Output modes: how the shell prints a query result (`-box`, `-csv`, `-json`,
//! `-jsonlines`, `-markdown`, `-line`, or `.mode NAME`).
//!
//! `box` lives in [`super::duckbox`]; the other modes are written here row by row, so a
//! large CSV or JSON result streams to its destination without being held as text.

use std::fmt;
use std::io::Write;

use arrow::error::ArrowError;
use arrow::json::writer::{JsonFormat, LineDelimited, WriterBuilder};
use arrow::record_batch::RecordBatch;
use quiver_engine::{Error, Result};

use crate::shell::duckbox::{self, BoxOptions};
use crate::shell::values::{
    format_options, is_numeric, BatchText, TIMESTAMP_FORMAT, TIMESTAMP_TZ_FORMAT,
};
use crate::QueryResult;

/// How results print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputMode {
    /// An aligned table with names and types, eliding long and wide results (DuckDB's default).
    #[default]
    Box,
    /// Comma-separated values; NULL is empty.
    Csv,
    /// A JSON array of objects, one object a row.
    Json,
    /// One JSON object a line.
    JsonLines,
    /// A Markdown table.
    Markdown,
    /// One `column = value` line per value, a blank line between rows.
    Line,
}

impl OutputMode {
    /// Every mode with its name and a one-line description, for `.help` and errors.
    pub const ALL: [(OutputMode, &'static str); 6] = [
        (
            OutputMode::Box,
            "aligned table with column types (the default)",
        ),
        (OutputMode::Csv, "comma-separated values"),
        (OutputMode::Json, "a JSON array of objects"),
        (OutputMode::JsonLines, "one JSON object per line"),
        (OutputMode::Markdown, "a Markdown table"),
        (OutputMode::Line, "one `column = value` line per value"),
    ];

    /// The mode's name as `.mode` takes it.
    pub fn name(self) -> &'static str {
        match self {
            OutputMode::Box => "box",
            OutputMode::Csv => "csv",
            OutputMode::Json => "json",
            OutputMode::JsonLines => "jsonlines",
            OutputMode::Markdown => "markdown",
            OutputMode::Line => "line",
        }
    }

    /// A mode by name (case-insensitive; `duckbox`, `ndjson` and `md` are accepted too).
    pub fn parse(name: &str) -> Option<OutputMode> {
        Some(match name.to_ascii_lowercase().as_str() {
            "box" | "duckbox" => OutputMode::Box,
            "csv" => OutputMode::Csv,
            "json" => OutputMode::Json,
            "jsonlines" | "ndjson" => OutputMode::JsonLines,
            "markdown" | "md" => OutputMode::Markdown,
            "line" => OutputMode::Line,
            _ => return None,
        })
    }
}

impl fmt::Display for OutputMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The settings that shape printed results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputSettings {
    /// The mode.
    pub mode: OutputMode,
    /// Whether CSV output starts with a header line.
    pub header: bool,
    /// Rows and width of box tables.
    pub box_options: BoxOptions,
}

impl Default for OutputSettings {
    fn default() -> Self {
        Self {
            mode: OutputMode::Box,
            header: true,
            box_options: BoxOptions::default(),
        }
    }
}

/// Writes a result in the settings' mode. `terminal_width` (when output goes to a
/// terminal) caps box tables that have no explicit `.maxwidth`.
pub fn write_result(
    result: &QueryResult,
    settings: &OutputSettings,
    terminal_width: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    if result.schema.fields().is_empty() {
        return Ok(());
    }
    match settings.mode {
        OutputMode::Box => {
            let mut options = settings.box_options;
            options.max_width = options.max_width.or(terminal_width);
            let text = duckbox::render(result, &options)?;
            out.write_all(text.as_bytes()).map_err(write_error)
        }
        OutputMode::Csv => write_csv(result, settings.header, out),
        OutputMode::Json => write_json::<DuckDbJsonArray>(&result.batches, out),
        OutputMode::JsonLines => write_json::<LineDelimited>(&result.batches, out),
        OutputMode::Markdown => write_markdown(result, out),
        OutputMode::Line => write_lines(result, out),
    }
}

/// A failure writing output (a `BrokenPipe` one means the reader went away).
fn write_error(e: std::io::Error) -> Error {
    Error::io("cannot write the result", e)
}

/// Whether an error is the output's reader having gone away (`quiver ... | head`).
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Quotes a CSV field when it holds a delimiter, a quote, a line break or outer spaces.
fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    let needs_quotes =
        text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

fn write_csv(result: &QueryResult, header: bool, out: &mut dyn Write) -> Result<()> {
    let mut line = String::new();
    if header {
        let names: Vec<_> = result
            .schema
            .fields()
            .iter()
            .map(|f| csv_field(f.name()))
            .collect();
        line.push_str(&names.join(","));
        line.push('\n');
    }
    let options = format_options("");
    for batch in &result.batches {
        let text = BatchText::try_new(batch, &options)?;
        for row in 0..batch.num_rows() {
            for c in 0..batch.num_columns() {
                if c > 0 {
                    line.push(',');
                }
                line.push_str(&csv_field(&text.cell(c, row)));
            }
            line.push('\n');
            if line.len() > 64 * 1024 {
                out.write_all(line.as_bytes()).map_err(write_error)?;
                line.clear();
            }
        }
    }
    out.write_all(line.as_bytes()).map_err(write_error)
}

/// A JSON array as DuckDB's shell prints it: `[{...},` with one row a line, closed by `]`.
#[derive(Debug, Default)]
struct DuckDbJsonArray;

impl JsonFormat for DuckDbJsonArray {
    fn start_stream<W: Write>(&self, writer: &mut W) -> std::result::Result<(), ArrowError> {
        writer.write_all(b"[")?;
        Ok(())
    }

    fn start_row<W: Write>(
        &self,
        writer: &mut W,
        is_first_row: bool,
    ) -> std::result::Result<(), ArrowError> {
        if !is_first_row {
            writer.write_all(b",\n")?;
        }
        Ok(())
    }

    fn end_stream<W: Write>(&self, writer: &mut W) -> std::result::Result<(), ArrowError> {
        writer.write_all(b"]\n")?;
        Ok(())
    }
}

fn write_json<F: JsonFormat>(batches: &[RecordBatch], out: &mut dyn Write) -> Result<()> {
    let mut writer = WriterBuilder::new()
        .with_explicit_nulls(true)
        .with_timestamp_format(TIMESTAMP_FORMAT.to_string())
        .with_datetime_format(TIMESTAMP_FORMAT.to_string())
        .with_timestamp_tz_format(TIMESTAMP_TZ_FORMAT.to_string())
        .build::<_, F>(out);
    let map = |e: ArrowError| match e {
        ArrowError::IoError(_, source) => write_error(source),
        other => Error::from(other),
    };
    for batch in batches {
        writer.write(batch).map_err(map)?;
    }
    writer.finish().map_err(map)
}

/// A Markdown cell: pipes escaped, line breaks as spaces.
fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn write_markdown(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let fields = result.schema.fields();
    let options = format_options("NULL");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for batch in &result.batches {
        let text = BatchText::try_new(batch, &options)?;
        for row in 0..batch.num_rows() {
            rows.push(
                (0..batch.num_columns())
                    .map(|c| markdown_cell(&text.cell(c, row)))
                    .collect(),
            );
        }
    }
    let names: Vec<String> = fields.iter().map(|f| markdown_cell(f.name())).collect();
    let widths: Vec<usize> = (0..fields.len())
        .map(|c| {
            let values = rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
            values.max(names[c].chars().count()).max(3)
        })
        .collect();
    let right: Vec<bool> = fields.iter().map(|f| is_numeric(f.data_type())).collect();
    let mut text = String::new();
    let push_row = |cells: &[String], text: &mut String| {
        text.push('|');
        for (c, cell) in cells.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if right[c] {
                text.push_str(&format!(" {}{cell} |", " ".repeat(pad)));
            } else {
                text.push_str(&format!(" {cell}{} |", " ".repeat(pad)));
            }
        }
        text.push('\n');
    };
    push_row(&names, &mut text);
    text.push('|');
    for (c, width) in widths.iter().enumerate() {
        if right[c] {
            text.push_str(&format!("{}:|", "-".repeat(width + 1)));
        } else {
            text.push_str(&format!("{}|", "-".repeat(width + 2)));
        }
    }
    text.push('\n');
    for row in &rows {
        push_row(row, &mut text);
    }
    out.write_all(text.as_bytes()).map_err(write_error)
}

fn write_lines(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let names: Vec<&str> = result
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let options = format_options("NULL");
    let mut text = String::new();
    let mut first = true;
    for batch in &result.batches {
        let cells = BatchText::try_new(batch, &options)?;
        for row in 0..batch.num_rows() {
            if !first {
                text.push('\n');
            }
            first = false;
            for (c, name) in names.iter().enumerate() {
                let pad = width - name.chars().count();
                text.push_str(&format!(
                    "{}{name} = {}\n",
                    " ".repeat(pad),
                    cells.cell(c, row)
                ));
            }
        }
        out.write_all(text.as_bytes()).map_err(write_error)?;
        text.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Decimal128Array, Int32Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    fn sample() -> QueryResult {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None]));
        let b: ArrayRef = Arc::new(StringArray::from(vec![Some("x, \"y\""), Some("plain")]));
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", a.data_type().clone(), true),
            Field::new("b", b.data_type().clone(), true),
        ]));
        let batch = RecordBatch::try_new(schema.clone(), vec![a, b]).unwrap();
        QueryResult {
            schema,
            batches: vec![batch],
            is_query: true,
        }
    }

    fn print(result: &QueryResult, mode: OutputMode, header: bool) -> String {
        let settings = OutputSettings {
            mode,
            header,
            ..OutputSettings::default()
        };
        let mut out = Vec::new();
        write_result(result, &settings, None, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_and_empty_nulls() {
        assert_eq!(
            print(&sample(), OutputMode::Csv, true),
            "a,b\n1,\"x, \"\"y\"\"\"\n,plain\n"
        );
        assert_eq!(
            print(&sample(), OutputMode::Csv, false),
            "1,\"x, \"\"y\"\"\"\n,plain\n"
        );
    }

    #[test]
    fn json_array_of_objects_with_nulls() {
        assert_eq!(
            print(&sample(), OutputMode::Json, true),
            "[{\"a\":1,\"b\":\"x, \\\"y\\\"\"},\n{\"a\":null,\"b\":\"plain\"}]\n"
        );
    }

    #[test]
    fn json_lines() {
        assert_eq!(
            print(&sample(), OutputMode::JsonLines, true),
            "{\"a\":1,\"b\":\"x, \\\"y\\\"\"}\n{\"a\":null,\"b\":\"plain\"}\n"
        );
    }

    #[test]
    fn empty_json_is_an_empty_array() {
        let r = sample();
        let empty = QueryResult {
            schema: r.schema.clone(),
            batches: vec![],
            is_query: true,
        };
        assert_eq!(print(&empty, OutputMode::Json, true), "[]\n");
        assert_eq!(print(&empty, OutputMode::JsonLines, true), "");
    }

    #[test]
    fn decimals_are_json_numbers() {
        let d: ArrayRef = Arc::new(
            Decimal128Array::from(vec![150])
                .with_precision_and_scale(15, 2)
                .unwrap(),
        );
        let schema = Arc::new(Schema::new(vec![Field::new(
            "d",
            d.data_type().clone(),
            false,
        )]));
        let batch = RecordBatch::try_new(schema.clone(), vec![d]).unwrap();
        let r = QueryResult {
            schema,
            batches: vec![batch],
            is_query: true,
        };
        assert_eq!(print(&r, OutputMode::Json, true), "[{\"d\":1.50}]\n");
    }

    #[test]
    fn markdown_aligns_numbers_right() {
        let text = print(&sample(), OutputMode::Markdown, true);
        assert_eq!(
            text,
            "|    a | b      |\n|-----:|--------|\n|    1 | x, \"y\" |\n| NULL | plain  |\n"
        );
    }

    #[test]
    fn line_mode() {
        assert_eq!(
            print(&sample(), OutputMode::Line, true),
            "a = 1\nb = x, \"y\"\n\na = NULL\nb = plain\n"
        );
    }

    #[test]
    fn modes_by_name() {
        for (mode, _) in OutputMode::ALL {
            assert_eq!(OutputMode::parse(mode.name()), Some(mode));
        }
        assert_eq!(OutputMode::parse("DuckBox"), Some(OutputMode::Box));
        assert_eq!(OutputMode::parse("table"), None);
    }
}
