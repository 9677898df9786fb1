//! The CSV sniffer: detects a file's delimiter, whether its first row is a header, and the
//! type of every column from a sample of its first rows, much as DuckDB's `read_csv` does.
//!
//! - **Delimiter**: among `,` `|` `;` and tab, the one giving the most rows with the same
//!   field count (ties: the most columns, then that order).
//! - **Types**: each column gets the first type of BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP,
//!   VARCHAR (Arrow `Boolean`, `Int64`, `Float64`, `Date32`, `Timestamp(µs)`, `Utf8`) that
//!   every non-NULL sample value parses as; a column with no value is VARCHAR.
//! - **Header**: the first row is a header when some column whose later values have a
//!   non-VARCHAR type holds a first-row value that does not parse as that type; when every
//!   column is VARCHAR, when the first row's values are all non-empty and distinct.
//!
//! The parsers used here accept a subset of what arrow's CSV reader accepts for the same
//! type, so a sniffed type never rejects a sampled value.

use std::sync::Arc;

use arrow::compute::kernels::cast_utils::{string_to_datetime, Parser};
use arrow::datatypes::{DataType, Date32Type, Field, Float64Type, Int64Type, Schema, TimeUnit};
use chrono::Utc;

use crate::error::{did_you_mean, list_names, Error, Result};
use crate::io::csv::CsvOptions;
use crate::io::csv_split::{CsvDialect, RecordSplitter, SplitRecord};

/// The delimiters tried, in order of preference.
const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b'|', b';', b'\t'];

/// What the sniffer found.
#[derive(Debug, Clone)]
pub(crate) struct Sniffed {
    /// Delimiter, quote and escape.
    pub dialect: CsvDialect,
    /// Whether the first row is a header.
    pub has_header: bool,
    /// Column names and types, after the user's overrides.
    pub schema: Schema,
    /// Average bytes per record in the sample (for row estimates).
    pub avg_record_bytes: f64,
}

const BOOL: u8 = 1;
const INT: u8 = 2;
const DOUBLE: u8 = 4;
const DATE: u8 = 8;
const TIMESTAMP: u8 = 16;
const ALL: u8 = BOOL | INT | DOUBLE | DATE | TIMESTAMP;

/// DuckDB's name for a type, for messages.
pub(crate) fn sql_type_name(t: &DataType) -> String {
    match t {
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int8 => "TINYINT".into(),
        DataType::Int16 => "SMALLINT".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Date32 | DataType::Date64 => "DATE".into(),
        DataType::Timestamp(_, None) => "TIMESTAMP".into(),
        DataType::Timestamp(_, Some(_)) => "TIMESTAMP WITH TIME ZONE".into(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "VARCHAR".into(),
        DataType::Decimal128(p, s) => format!("DECIMAL({p},{s})"),
        other => other.to_string(),
    }
}

/// Parses values the way the sniffer tests them.
#[derive(Debug, Clone)]
pub(crate) struct ValueTypes<'a> {
    date_format: Option<&'a str>,
    timestamp_format: Option<&'a str>,
}

impl<'a> ValueTypes<'a> {
    pub(crate) fn new(options: &'a CsvOptions) -> Self {
        Self {
            date_format: options.date_format.as_deref(),
            timestamp_format: options.timestamp_format.as_deref(),
        }
    }

    /// The candidate types (bit mask) that `v` parses as, among those in `mask`.
    fn types_of(&self, v: &str, mask: u8) -> u8 {
        let mut out = 0;
        if mask & BOOL != 0 && (v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")) {
            out |= BOOL;
        }
        if mask & INT != 0 && Int64Type::parse(v).is_some() {
            out |= INT;
        }
        if mask & DOUBLE != 0 && Float64Type::parse(v).is_some() {
            out |= DOUBLE;
        }
        if mask & DATE != 0 && self.is_date(v) {
            out |= DATE;
        }
        if mask & TIMESTAMP != 0 && self.is_timestamp(v) {
            out |= TIMESTAMP;
        }
        out
    }

    fn is_date(&self, v: &str) -> bool {
        match self.date_format {
            Some(f) => chrono::NaiveDate::parse_from_str(v, f).is_ok(),
            // Arrow's date parser also takes timestamps (dropping the time): only plain
            // dates count as DATE here.
            None => v.trim().len() <= 10 && Date32Type::parse(v).is_some(),
        }
    }

    fn is_timestamp(&self, v: &str) -> bool {
        match self.timestamp_format {
            Some(f) => chrono::NaiveDateTime::parse_from_str(v, f).is_ok(),
            None => string_to_datetime(&Utc, v).is_ok(),
        }
    }
}

fn type_of_mask(mask: u8, seen: bool) -> DataType {
    if !seen {
        return DataType::Utf8;
    }
    if mask & BOOL != 0 {
        DataType::Boolean
    } else if mask & INT != 0 {
        DataType::Int64
    } else if mask & DOUBLE != 0 {
        DataType::Float64
    } else if mask & DATE != 0 {
        DataType::Date32
    } else if mask & TIMESTAMP != 0 {
        DataType::Timestamp(TimeUnit::Microsecond, None)
    } else {
        DataType::Utf8
    }
}

/// Sniffs a sample from the start of a file (`at_eof`: the sample is the whole file).
pub(crate) fn sniff(
    display: &str,
    sample: &[u8],
    at_eof: bool,
    options: &CsvOptions,
) -> Result<Sniffed> {
    let quote = options.quote.unwrap_or(b'"');
    let candidates: Vec<u8> = match options.delimiter {
        Some(d) => vec![d],
        None => CANDIDATE_DELIMITERS.to_vec(),
    };

    // Pick the delimiter.
    let mut best: Option<(usize, usize, CsvDialect, Vec<SplitRecord>)> = None;
    for d in candidates {
        let dialect = CsvDialect {
            delimiter: d,
            quote,
            escape: options.escape,
        };
        let mut records: Vec<SplitRecord> = RecordSplitter::new(sample, dialect, at_eof)
            .take(options.sample_rows.saturating_add(1))
            .collect();
        if records.len() > 1 && records.last().is_some_and(|r| !r.complete) {
            records.pop();
        }
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for r in &records {
            match counts.iter_mut().find(|(n, _)| *n == r.fields.len()) {
                Some((_, c)) => *c += 1,
                None => counts.push((r.fields.len(), 1)),
            }
        }
        let (mode, consistent) = counts
            .iter()
            .copied()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
            .unwrap_or((1, 0));
        // Prefer a reading that splits at all, then consistency, then more columns.
        let better = best
            .as_ref()
            .is_none_or(|(bc, bm, _, _)| (mode > 1, consistent, mode) > (*bm > 1, *bc, *bm));
        if better {
            best = Some((consistent, mode, dialect, records));
        }
    }
    let Some((_, ncols, dialect, records)) = best else {
        return Err(crate::internal_err!("the CSV sniffer tried no delimiter"));
    };
    let dialect = if ncols == 1 && options.delimiter.is_none() {
        CsvDialect {
            delimiter: b',',
            ..dialect
        }
    } else {
        dialect
    };
    let avg_record_bytes = if records.is_empty() {
        0.0
    } else {
        sample.len() as f64 / records.len() as f64
    };

    let is_null = |v: &str| options.null_values.iter().any(|n| n == v);
    let types = ValueTypes::new(options);
    let sniff_types = |rows: &[SplitRecord]| -> Vec<DataType> {
        let mut masks = vec![ALL; ncols];
        let mut seen = vec![false; ncols];
        for r in rows {
            for (i, v) in r.fields.iter().enumerate().take(ncols) {
                if is_null(v) || masks[i] == 0 {
                    if !is_null(v) {
                        seen[i] = true;
                    }
                    continue;
                }
                seen[i] = true;
                masks[i] = types.types_of(v, masks[i]);
            }
        }
        masks
            .iter()
            .zip(&seen)
            .map(|(m, s)| type_of_mask(*m, *s))
            .collect()
    };

    let first = records.first();
    let has_header = match options.has_header {
        Some(h) => h,
        None => match first {
            None => false,
            Some(first) if records.len() == 1 => first
                .fields
                .iter()
                .all(|v| !v.is_empty() && types.types_of(v, ALL) == 0),
            Some(first) => {
                let rest = sniff_types(&records[1..]);
                if rest.iter().all(|t| *t == DataType::Utf8) {
                    let vals = &first.fields;
                    vals.iter().all(|v| !v.is_empty())
                        && vals.iter().enumerate().all(|(i, v)| !vals[..i].contains(v))
                } else {
                    rest.iter().zip(&first.fields).any(|(t, v)| {
                        *t != DataType::Utf8 && !is_null(v) && types.types_of(v, mask_of(t)) == 0
                    })
                }
            }
        },
    };

    let data_rows = if has_header && !records.is_empty() {
        &records[1..]
    } else {
        &records[..]
    };
    let mut column_types = sniff_types(data_rows);
    let names: Vec<String> = match (has_header, first) {
        (true, Some(first)) => header_names(&first.fields, ncols),
        _ => (0..ncols).map(|i| format!("column{i}")).collect(),
    };

    let schema = match &options.schema {
        Some(s) => {
            if s.fields().len() != ncols && !records.is_empty() {
                return Err(Error::Schema(format!(
                    "the schema given for {display} has {} columns, but the file has {ncols} \
                     (with delimiter {:?}); pass `delimiter` if it was detected wrongly",
                    s.fields().len(),
                    dialect.delimiter as char
                )));
            }
            s.as_ref().clone()
        }
        None => {
            for (name, t) in &options.column_types {
                let idx = names
                    .iter()
                    .position(|n| n == name)
                    .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(name)));
                match idx {
                    Some(i) => column_types[i] = t.clone(),
                    None => {
                        return Err(Error::ColumnNotFound(format!(
                            "`column_types` names `{name}`, which is not a column of {display}; \
                             its columns are {}{}",
                            list_names(names.iter().map(String::as_str)),
                            did_you_mean(name, names.iter().map(String::as_str))
                        )))
                    }
                }
            }
            Schema::new(
                names
                    .iter()
                    .zip(column_types)
                    .map(|(n, t)| Arc::new(Field::new(n, t, true)))
                    .collect::<Vec<_>>(),
            )
        }
    };
    Ok(Sniffed {
        dialect,
        has_header,
        schema,
        avg_record_bytes,
    })
}

fn mask_of(t: &DataType) -> u8 {
    match t {
        DataType::Boolean => BOOL,
        DataType::Int64 => INT,
        DataType::Float64 => DOUBLE,
        DataType::Date32 => DATE,
        DataType::Timestamp(_, _) => TIMESTAMP,
        _ => 0,
    }
}

/// Header names: empty ones become `column{i}`, repeats get `_1`, `_2`, ... suffixes.
fn header_names(fields: &[String], ncols: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(ncols);
    for i in 0..ncols {
        let base = match fields.get(i) {
            Some(v) if !v.trim().is_empty() => v.clone(),
            _ => format!("column{i}"),
        };
        let mut name = base.clone();
        let mut k = 1;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_str(text: &str) -> Sniffed {
        sniff("'t.csv'", text.as_bytes(), true, &CsvOptions::default()).unwrap()
    }

    fn types(s: &Sniffed) -> Vec<(String, DataType)> {
        s.schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect()
    }

    #[test]
    fn detects_delimiter_header_and_types() {
        let s = sniff_str("id|name|price|day|flag|ts\n1|a|1.5|2024-01-02|true|2024-01-02 10:00:00\n2|b, c|2|2024-02-03|false|2024-01-03T11:00:00\n");
        assert_eq!(s.dialect.delimiter, b'|');
        assert!(s.has_header);
        assert_eq!(
            types(&s),
            vec![
                ("id".into(), DataType::Int64),
                ("name".into(), DataType::Utf8),
                ("price".into(), DataType::Float64),
                ("day".into(), DataType::Date32),
                ("flag".into(), DataType::Boolean),
                (
                    "ts".into(),
                    DataType::Timestamp(TimeUnit::Microsecond, None)
                ),
            ]
        );
    }

    #[test]
    fn headerless_files_get_numbered_columns() {
        let s = sniff_str("1;2\n3;4\n");
        assert_eq!(s.dialect.delimiter, b';');
        assert!(!s.has_header);
        assert_eq!(s.schema.field(0).name(), "column0");
        assert_eq!(s.schema.field(1).data_type(), &DataType::Int64);
        let s = sniff_str("x\ty\n");
        assert_eq!(s.dialect.delimiter, b'\t');
        assert!(s.has_header);
        // All VARCHAR: a header when the first row is distinct and non-empty.
        let s = sniff_str("a,b\nc,d\n");
        assert!(s.has_header);
        let s = sniff_str("a,a\nc,d\n");
        assert!(!s.has_header);
    }

    #[test]
    fn nulls_and_duplicate_names() {
        let s = sniff_str("a,a,\n,x,1\n2,,\n");
        assert_eq!(
            types(&s),
            vec![
                ("a".into(), DataType::Int64),
                ("a_1".into(), DataType::Utf8),
                ("column2".into(), DataType::Int64),
            ]
        );
    }

    #[test]
    fn overrides_apply_by_name() {
        let options = CsvOptions {
            column_types: vec![("ID".into(), DataType::Utf8)],
            ..Default::default()
        };
        let s = sniff("'t.csv'", b"id,v\n1,2\n", true, &options).unwrap();
        assert_eq!(s.schema.field(0).data_type(), &DataType::Utf8);
        let options = CsvOptions {
            column_types: vec![("idd".into(), DataType::Utf8)],
            ..Default::default()
        };
        let err = sniff("'t.csv'", b"id,v\n1,2\n", true, &options).unwrap_err();
        assert!(err.to_string().contains("did you mean `id`"), "{err}");
    }

    #[test]
    fn custom_date_format() {
        let options = CsvOptions {
            date_format: Some("%d/%m/%Y".into()),
            ..Default::default()
        };
        let s = sniff("'t.csv'", b"d\n31/12/2024\n01/01/2025\n", true, &options).unwrap();
        assert_eq!(s.schema.field(0).data_type(), &DataType::Date32);
    }
}
