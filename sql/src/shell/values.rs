//! Cell text: how one value of a result prints in the shell, shared by every output mode.
//!
//! Values print as DuckDB prints them (the same text the sqllogictest runner compares:
//! intervals as `1 month 02:00:00`, BLOBs with `\xHH` escapes, nested values as
//! `{'a': 1}`), and NULL as the mode asks (`NULL` in tables, empty in CSV).

use arrow::array::Array;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use arrow::util::display::FormatOptions;
use quiver_engine::Result;

/// Timestamps without a time zone, as DuckDB prints them.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";
/// Timestamps with a time zone.
pub const TIMESTAMP_TZ_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f%:z";

/// Display options printing values as DuckDB does, with `null` for NULL.
pub fn format_options(null: &str) -> FormatOptions<'_> {
    FormatOptions::new()
        .with_null(null)
        .with_display_error(true)
        .with_timestamp_format(Some(TIMESTAMP_FORMAT))
        .with_timestamp_tz_format(Some(TIMESTAMP_TZ_FORMAT))
        .with_datetime_format(Some(TIMESTAMP_FORMAT))
}

/// The text of every cell of one batch.
pub struct BatchText<'a> {
    columns: &'a [arrow::array::ArrayRef],
    null: &'a str,
}

impl<'a> BatchText<'a> {
    /// Cell text for each column of `batch`, with NULL printed as `options` says.
    pub fn try_new(batch: &'a RecordBatch, options: &FormatOptions<'a>) -> Result<Self> {
        Ok(Self {
            columns: batch.columns(),
            null: options.null(),
        })
    }

    /// The text of row `row` of column `column`: DuckDB's text for the value (intervals as
    /// `1 month 02:00:00`, BLOBs with `\xHH` escapes, nested values as `{'a': 1}`).
    pub fn cell(&self, column: usize, row: usize) -> String {
        let array = &self.columns[column];
        // A NULL-typed column has no validity buffer: every value is NULL.
        if array.is_null(row) || array.data_type() == &DataType::Null {
            return self.null.to_string();
        }
        crate::slt::format::display_value(array, row)
    }
}

/// Whether a column of this type is numeric (right-aligned in tables, unquoted in output).
pub fn is_numeric(data_type: &DataType) -> bool {
    data_type.is_numeric() || matches!(data_type, DataType::Dictionary(_, v) if v.is_numeric())
}

/// The text of the rows in `ranges` (row numbers over all batches, ascending and not
/// overlapping), one `Vec` of cells per row.
pub fn rows_text(
    batches: &[RecordBatch],
    ranges: &[std::ops::Range<usize>],
    options: &FormatOptions<'_>,
) -> Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for batch in batches {
        let len = batch.num_rows();
        let wanted: Vec<std::ops::Range<usize>> = ranges
            .iter()
            .map(|r| r.start.max(offset)..r.end.min(offset + len))
            .filter(|r| r.start < r.end)
            .collect();
        if !wanted.is_empty() {
            let text = BatchText::try_new(batch, options)?;
            for r in wanted {
                for row in r {
                    out.push(
                        (0..batch.num_columns())
                            .map(|c| text.cell(c, row - offset))
                            .collect(),
                    );
                }
            }
        }
        offset += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int32Array, TimestampMicrosecondArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    fn batch(values: &[Option<i32>]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int32Array::from(values.to_vec()))]).unwrap()
    }

    #[test]
    fn nulls_print_as_asked() {
        let b = batch(&[Some(1), None]);
        let opts = format_options("NULL");
        let text = BatchText::try_new(&b, &opts).unwrap();
        assert_eq!(text.cell(0, 0), "1");
        assert_eq!(text.cell(0, 1), "NULL");
        let opts = format_options("");
        let text = BatchText::try_new(&b, &opts).unwrap();
        assert_eq!(text.cell(0, 1), "");
    }

    #[test]
    fn timestamps_print_like_duckdb() {
        let schema = Arc::new(Schema::new(vec![Field::new(
            "t",
            DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, None),
            false,
        )]));
        // 2024-01-02 03:04:05 and the same plus 0.5 s.
        let base = 1_704_164_645_000_000i64;
        let b = RecordBatch::try_new(
            schema,
            vec![Arc::new(TimestampMicrosecondArray::from(vec![
                base,
                base + 500_000,
            ]))],
        )
        .unwrap();
        let opts = format_options("NULL");
        let text = BatchText::try_new(&b, &opts).unwrap();
        assert_eq!(text.cell(0, 0), "2024-01-02 03:04:05");
        assert_eq!(text.cell(0, 1), "2024-01-02 03:04:05.5");
    }

    #[test]
    fn rows_across_batches() {
        let batches = vec![
            batch(&[Some(0), Some(1), Some(2)]),
            batch(&[Some(3), Some(4)]),
        ];
        let opts = format_options("NULL");
        let rows = rows_text(&batches, &[0..1, 2..4], &opts).unwrap();
        assert_eq!(rows, vec![vec!["0"], vec!["2"], vec!["3"]]);
    }

    #[test]
    fn maps_print_like_duckdb() {
        let ctx = crate::SqlContext::new(quiver_engine::Session::default_session());
        let r = ctx
            .sql(
                "SELECT * FROM (VALUES (map([1, 2], ['a', NULL]), [map([3], [4])], 1), \
                 (NULL, NULL, 2)) t(m, l, i)",
            )
            .unwrap();
        let rows = rows_text(
            &r.batches,
            std::slice::from_ref(&(0..2)),
            &format_options("NULL"),
        )
        .unwrap();
        assert_eq!(rows[0], vec!["{1=a, 2=NULL}", "[{3=4}]", "1"]);
        assert_eq!(rows[1], vec!["NULL", "NULL", "2"]);
    }

    #[test]
    fn strings_are_not_numeric() {
        assert!(is_numeric(&DataType::Decimal128(15, 2)));
        assert!(!is_numeric(&DataType::Utf8));
    }
}
