//! The `box` output mode, after DuckDB's "duckbox": an aligned table with the column names
//! and, under them, the DuckDB type names; long results show their first and last rows
//! with a `N rows (M shown)` footer, and results wider than the terminal keep their outer
//! columns around a `…` column.
//!
//! ```text
//! ┌───────┬─────────┐
//! │   a   │    b    │
//! │ int32 │ varchar │
//! ├───────┼─────────┤
//! │     1 │ x       │
//! └───────┴─────────┘
//! ```

use comfy_table::{
    Cell, CellAlignment, ColumnConstraint, ContentArrangement, ContentLineStyle, LineStyle, Table,
    TableStyle, Width,
};
use quiver_engine::Result;

use crate::shell::values::{format_options, is_numeric, rows_text};
use crate::QueryResult;

/// DuckDB's box lines: single lines, no separators between rows.
const STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::new('┌', '─', '┬', '┐'))
    .header_lines(ContentLineStyle::new('│', '│', '│'))
    .header_separator(LineStyle::new('├', '─', '┼', '┤'))
    .content_lines(ContentLineStyle::new('│', '│', '│'))
    .bottom_border(LineStyle::new('└', '─', '┴', '┘'));

/// Marks elided columns (a column of its own) and truncated values.
const ELLIPSIS: &str = "…";
/// Marks elided rows (three rows of it between the first and the last rows).
const ROW_ELISION: &str = "·";

/// How much of a result the box shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxOptions {
    /// Most rows shown; longer results show the first and last rows (0: all rows).
    pub max_rows: usize,
    /// Widest table in characters; wider results leave out middle columns (`None`: no limit).
    pub max_width: Option<usize>,
}

impl Default for BoxOptions {
    fn default() -> Self {
        Self {
            max_rows: 40,
            max_width: None,
        }
    }
}

/// Renders a result as a box table, ending with a newline (empty for a result without
/// columns).
pub fn render(result: &QueryResult, options: &BoxOptions) -> Result<String> {
    let fields = result.schema.fields();
    if fields.is_empty() {
        return Ok(String::new());
    }
    if is_explain(result) {
        return render_plan(result);
    }
    let total = result.num_rows();
    let (top, bottom) = match options.max_rows {
        m if m > 0 && total > m => (m - m / 2, m / 2),
        _ => (total, 0),
    };
    let cap = options.max_width.map(|w| w.saturating_sub(4).max(8));
    let null_opts = format_options("NULL");
    let mut rows = rows_text(
        &result.batches,
        &[0..top, total - bottom..total],
        &null_opts,
    )?;
    for cell in rows.iter_mut().flatten() {
        *cell = sanitize(cell, cap);
    }
    let names: Vec<String> = fields.iter().map(|f| sanitize(f.name(), cap)).collect();
    let types: Vec<String> = result
        .type_names()
        .iter()
        .map(|t| sanitize(&t.to_lowercase(), cap))
        .collect();
    let widths: Vec<usize> = (0..fields.len())
        .map(|c| {
            let values = rows.iter().map(|r| text_width(&r[c])).max().unwrap_or(0);
            text_width(&names[c]).max(text_width(&types[c])).max(values)
        })
        .collect();
    let shown = choose_columns(&widths, options.max_width);
    let shown_columns = shown.iter().flatten().count();

    let mut table = Table::new();
    table
        .load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(shown.iter().map(|c| match c {
        Some(c) => {
            Cell::new(format!("{}\n{}", names[*c], types[*c])).set_alignment(CellAlignment::Center)
        }
        None => Cell::new(ELLIPSIS).set_alignment(CellAlignment::Center),
    }));
    let row_cells = |row: &Vec<String>| -> Vec<Cell> {
        shown
            .iter()
            .map(|c| match c {
                Some(c) => Cell::new(&row[*c]),
                None => Cell::new(ELLIPSIS),
            })
            .collect()
    };
    for row in &rows[..top] {
        table.add_row(row_cells(row));
    }
    if bottom > 0 {
        for _ in 0..3 {
            table.add_row(
                shown
                    .iter()
                    .map(|_| Cell::new(ROW_ELISION).set_alignment(CellAlignment::Center)),
            );
        }
        for row in &rows[top..] {
            table.add_row(row_cells(row));
        }
    }
    for (i, c) in shown.iter().enumerate() {
        let alignment = match c {
            Some(c) if is_numeric(fields[*c].data_type()) => CellAlignment::Right,
            Some(_) => CellAlignment::Left,
            None => CellAlignment::Center,
        };
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(alignment);
        }
    }

    let mut parts = Vec::new();
    if total == 0 {
        parts.push("0 rows".to_string());
    } else if bottom > 0 {
        parts.push(format!("{total} rows ({} shown)", top + bottom));
    }
    if shown_columns < fields.len() {
        parts.push(format!("{} columns ({shown_columns} shown)", fields.len()));
    }
    Ok(with_footer(&mut table, &parts))
}

/// Whether a result is an EXPLAIN plan (`explain_key`, `explain_value`).
fn is_explain(result: &QueryResult) -> bool {
    let names: Vec<&str> = result
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    names == ["explain_key", "explain_value"]
}

/// An EXPLAIN plan: each plan's text in a box of its own, its lines kept.
fn render_plan(result: &QueryResult) -> Result<String> {
    let all_rows = 0..result.num_rows();
    let rows = rows_text(
        &result.batches,
        std::slice::from_ref(&all_rows),
        &format_options("NULL"),
    )?;
    let mut out = String::new();
    for row in rows {
        let mut table = Table::new();
        table
            .load_style(STYLE)
            .set_content_arrangement(ContentArrangement::Disabled);
        table.add_row(vec![Cell::new(row[1].trim_end())]);
        for line in table.lines() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The table's lines, with a footer box holding `parts` when there are any; widens the
/// last column when the footer would not fit.
fn with_footer(table: &mut Table, parts: &[String]) -> String {
    let mut lines: Vec<String> = table.lines().collect();
    if !parts.is_empty() {
        let inner = lines
            .last()
            .map_or(0, |l| l.chars().count())
            .saturating_sub(2);
        let footer = footer_lines(parts, inner.saturating_sub(2));
        let needed = footer.iter().map(|l| text_width(l)).max().unwrap_or(0) + 2;
        if needed > inner {
            let last = table.column_count().saturating_sub(1);
            let current = table
                .column_max_content_widths()
                .get(last)
                .copied()
                .unwrap_or(0) as usize
                + 2;
            let target = u16::try_from(current + needed - inner).unwrap_or(u16::MAX);
            if let Some(column) = table.column_mut(last) {
                column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(target)));
            }
            lines = table.lines().collect();
        }
        let width = lines.last().map_or(0, |l| l.chars().count());
        let inner = width.saturating_sub(2);
        if let Some(bottom) = lines.pop() {
            // Without rows the header's separator already closes the table's body.
            if !lines.last().is_some_and(|l| l.starts_with('├')) {
                let middle: String = bottom.chars().skip(1).take(inner).collect();
                lines.push(format!("├{middle}┤"));
            }
        }
        for line in footer {
            lines.push(format!("│{}│", center(&line, inner)));
        }
        lines.push(format!("└{}┘", "─".repeat(inner)));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The footer's lines: all parts on one line when they fit in `width`, else one part a
/// line, with `N rows (M shown)` broken after `rows` when even that does not fit.
fn footer_lines(parts: &[String], width: usize) -> Vec<String> {
    let joined = parts.join("  ");
    if text_width(&joined) <= width {
        return vec![joined];
    }
    let mut lines = Vec::new();
    for part in parts {
        match part.split_once(" (") {
            Some((head, tail)) if text_width(part) > width => {
                lines.push(head.to_string());
                lines.push(format!("({tail}"));
            }
            _ => lines.push(part.clone()),
        }
    }
    lines
}

/// Which columns to show (`None` is the `…` column): all when they fit in `max_width`,
/// else columns taken alternately from the left and the right end while they fit.
fn choose_columns(widths: &[usize], max_width: Option<usize>) -> Vec<Option<usize>> {
    let all: Vec<Option<usize>> = (0..widths.len()).map(Some).collect();
    let Some(max_width) = max_width else {
        return all;
    };
    // Each column costs its width, two spaces of padding and one border.
    let full: usize = widths.iter().map(|w| w + 3).sum::<usize>() + 1;
    if full <= max_width {
        return all;
    }
    let mut budget = max_width.saturating_sub(1 + ELLIPSIS.chars().count() + 3);
    let (mut lo, mut hi) = (0, widths.len());
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut from_left = true;
    while lo < hi {
        let c = if from_left { lo } else { hi - 1 };
        let cost = widths[c] + 3;
        if cost > budget {
            break;
        }
        budget -= cost;
        if from_left {
            left.push(Some(c));
            lo += 1;
        } else {
            right.push(Some(c));
            hi -= 1;
        }
        from_left = !from_left;
    }
    if left.is_empty() {
        left.push(Some(0));
        lo = 1;
    }
    if lo >= hi {
        return all;
    }
    left.push(None);
    left.extend(right.into_iter().rev());
    left
}

/// A value as one line of at most `cap` characters: control characters escaped, long
/// values cut with `…`.
fn sanitize(text: &str, cap: Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    match cap {
        Some(cap) if out.chars().count() > cap => {
            let mut cut: String = out.chars().take(cap.saturating_sub(1)).collect();
            cut.push_str(ELLIPSIS);
            cut
        }
        _ => out,
    }
}

/// Display width in characters (one per `char`; good for the text the shell prints).
fn text_width(text: &str) -> usize {
    text.chars().count()
}

/// `text` centered in `width` characters.
fn center(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(text_width(text));
    format!("{}{text}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int32Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};
    use arrow::record_batch::RecordBatch;

    use super::*;

    fn result(columns: Vec<(&str, ArrayRef)>) -> QueryResult {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(
            schema.clone(),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .unwrap();
        QueryResult {
            schema,
            batches: vec![batch],
            is_query: true,
        }
    }

    #[test]
    fn small_table_with_types() {
        let r = result(vec![
            (
                "a",
                Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef,
            ),
            (
                "b",
                Arc::new(StringArray::from(vec!["x", "yy"])) as ArrayRef,
            ),
        ]);
        let text = render(&r, &BoxOptions::default()).unwrap();
        let expected = "\
┌─────────┬─────────┐
│    a    │    b    │
│ integer │ varchar │
├─────────┼─────────┤
│       1 │ x       │
│    NULL │ yy      │
└─────────┴─────────┘
";
        assert_eq!(text, expected);
    }

    #[test]
    fn long_results_show_first_and_last_rows() {
        let r = result(vec![(
            "range",
            Arc::new(Int64Array::from((0..100).collect::<Vec<i64>>())) as ArrayRef,
        )]);
        let text = render(
            &r,
            &BoxOptions {
                max_rows: 4,
                max_width: None,
            },
        )
        .unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("│    0 │") || l.trim_matches(['│', ' ']) == "0"),
            "{text}"
        );
        assert!(text.contains("99"), "{text}");
        assert!(!text.contains(" 50 "), "{text}");
        assert_eq!(text.matches(ROW_ELISION).count(), 3, "{text}");
        let footer: String = lines
            .iter()
            .rev()
            .skip(1)
            .take(2)
            .map(|l| l.trim_matches(['│', ' ']))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            footer.contains("100 rows") && footer.contains("(4 shown)"),
            "{text}"
        );
        // Every line has the same width.
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    }

    #[test]
    fn empty_results_say_zero_rows() {
        let r = result(vec![(
            "a",
            Arc::new(Int32Array::from(Vec::<i32>::new())) as ArrayRef,
        )]);
        let text = render(&r, &BoxOptions::default()).unwrap();
        let expected = "\
┌─────────┐
│    a    │
│ integer │
├─────────┤
│ 0 rows  │
└─────────┘
";
        assert_eq!(text, expected);
    }

    #[test]
    fn wide_results_keep_outer_columns() {
        let columns: Vec<(&str, ArrayRef)> =
            ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"]
                .into_iter()
                .map(|n| {
                    (
                        n,
                        Arc::new(StringArray::from(vec!["a fairly long value"])) as ArrayRef,
                    )
                })
                .collect();
        let r = result(columns);
        let text = render(
            &r,
            &BoxOptions {
                max_rows: 40,
                max_width: Some(80),
            },
        )
        .unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(text.contains("c0") && text.contains("c9"), "{text}");
        assert!(!text.contains("c5"), "{text}");
        assert!(text.contains(ELLIPSIS), "{text}");
        assert!(text.contains("10 columns"), "{text}");
    }

    #[test]
    fn plans_keep_their_lines() {
        let r = result(vec![
            (
                "explain_key",
                Arc::new(StringArray::from(vec!["physical_plan"])) as ArrayRef,
            ),
            (
                "explain_value",
                Arc::new(StringArray::from(vec!["Filter: x\n  Scan: t\n"])) as ArrayRef,
            ),
        ]);
        let text = render(&r, &BoxOptions::default()).unwrap();
        assert_eq!(
            text,
            "┌───────────┐\n│ Filter: x │\n│   Scan: t │\n└───────────┘\n"
        );
    }

    #[test]
    fn values_stay_on_one_line() {
        assert_eq!(sanitize("a\nb", None), "a\\nb");
        assert_eq!(sanitize("abcdefghij", Some(5)), "abcd…");
    }

    #[test]
    fn column_choice() {
        assert_eq!(
            choose_columns(&[5, 5, 5], None),
            vec![Some(0), Some(1), Some(2)]
        );
        assert_eq!(
            choose_columns(&[5, 5, 5], Some(100)),
            vec![Some(0), Some(1), Some(2)]
        );
        // 5 columns of width 10 cost 13 each; 40 characters leave room for two and `…`.
        assert_eq!(
            choose_columns(&[10; 5], Some(40)),
            vec![Some(0), None, Some(4)]
        );
    }
}
