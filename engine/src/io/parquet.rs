//! The Parquet table source: [`ParquetSource`] over one or many files, one morsel per row
//! group.
//!
//! Each file's footer is read once and cached (the first at construction, for the schema;
//! the others on first use). A scan reads only the projected root columns, skips row groups
//! whose statistics (or hive partition values) rule out the filters, and, for a `LIMIT`
//! without filters, stops at the row group that completes the limit. Columns come out with
//! the Arrow types embedded in the file (string columns may be `Utf8View`).
//!
//! All files of a source must have the same columns (names and types, in order) as the
//! first one.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use arrow::array::{Array, ArrayRef, BooleanArray, UInt64Array};
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;

use crate::error::{Error, Result};
use crate::io::hive::{prune_files, ScanColumns};
use crate::io::listing::{FileListing, HivePartitioning, ListedFile};
use crate::io::pruning::{prune, PruningStatistics};
use crate::logical::{Morsel, ScanRequest, TableSource};
use crate::types::ScalarValue;

/// File extensions read as Parquet when a directory is scanned.
pub const PARQUET_EXTENSIONS: &[&str] = &["parquet", "pq"];

/// How to read Parquet files.
#[derive(Debug, Clone, Default)]
pub struct ParquetOptions {
    /// Whether `key=value` folders become columns.
    pub hive_partitioning: HivePartitioning,
}

/// A table over one or more Parquet files with the same schema.
pub struct ParquetSource {
    listing: FileListing,
    metadata: Vec<OnceLock<ArrowReaderMetadata>>,
    file_schema: SchemaRef,
    schema: SchemaRef,
}

impl fmt::Debug for ParquetSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParquetSource")
            .field("files", &self.listing.spec())
            .field("schema", &self.schema)
            .finish()
    }
}

fn load_metadata(file: &ListedFile) -> Result<ArrowReaderMetadata> {
    let display = file.display();
    let f = File::open(file.path()).map_err(|e| Error::io(format!("opening {display}"), e))?;
    ArrowReaderMetadata::load(&f, ArrowReaderOptions::new())
        .map_err(|e| Error::InvalidData(format!("{display} is not a valid Parquet file: {e}")))
}

impl ParquetSource {
    /// Lists the files and reads the first file's footer for the schema.
    pub fn try_new<I, P>(paths: I, options: ParquetOptions) -> Result<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut listing =
            FileListing::try_new(paths, PARQUET_EXTENSIONS, options.hive_partitioning)?;
        let first = listing
            .files()
            .first()
            .ok_or_else(|| crate::internal_err!("a file listing with no files"))?;
        let meta = load_metadata(first)?;
        let mut file_schema = meta.schema().as_ref().clone();
        if listing.files().len() > 1 {
            // Other files may differ in nullability only.
            let fields: Vec<Field> = file_schema
                .fields()
                .iter()
                .map(|f| f.as_ref().clone().with_nullable(true))
                .collect();
            file_schema = Schema::new_with_metadata(fields, file_schema.metadata().clone());
        }
        let file_schema = Arc::new(file_schema);
        listing.drop_partition_columns_in(&file_schema);
        let schema = Arc::new(listing.table_schema(&file_schema));
        let metadata: Vec<OnceLock<ArrowReaderMetadata>> =
            listing.files().iter().map(|_| OnceLock::new()).collect();
        let _ = metadata[0].set(meta);
        Ok(Self {
            listing,
            metadata,
            file_schema,
            schema,
        })
    }

    /// The files read.
    pub fn listing(&self) -> &FileListing {
        &self.listing
    }

    /// The cached footer of file `index`, read on first use and checked against the schema.
    fn metadata(&self, index: usize) -> Result<&ArrowReaderMetadata> {
        let cell = &self.metadata[index];
        if let Some(m) = cell.get() {
            return Ok(m);
        }
        let file = &self.listing.files()[index];
        let meta = load_metadata(file)?;
        let found = meta.schema().fields();
        let expected = self.file_schema.fields();
        let first = self.listing.files()[0].display();
        if found.len() != expected.len() {
            return Err(Error::Schema(format!(
                "{} has {} columns but {first} has {}: all files of a scan need the same columns",
                file.display(),
                found.len(),
                expected.len()
            )));
        }
        for (i, (f, e)) in found.iter().zip(expected.iter()).enumerate() {
            if f.name() != e.name() || f.data_type() != e.data_type() {
                return Err(Error::Schema(format!(
                    "{} does not match the schema of {first}: column {i} is `{}` {} there, but `{}` {} here",
                    file.display(),
                    e.name(),
                    e.data_type(),
                    f.name(),
                    f.data_type()
                )));
            }
        }
        Ok(cell.get_or_init(|| meta))
    }
}

impl TableSource for ParquetSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        let files = self.listing.files().len();
        if files == 1 {
            let groups = self.metadata[0]
                .get()
                .map(|m| m.metadata().num_row_groups())
                .unwrap_or(0);
            format!("parquet {} ({groups} row groups)", self.listing.spec())
        } else {
            format!("parquet {} ({files} files)", self.listing.spec())
        }
    }

    fn estimated_rows(&self) -> Option<usize> {
        let mut rows = 0usize;
        for i in 0..self.listing.files().len() {
            let m = self.metadata(i).ok()?;
            rows += usize::try_from(m.metadata().file_metadata().num_rows()).ok()?;
        }
        Some(rows)
    }

    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
        let scan = Arc::new(ScanColumns::try_new(
            &self.schema,
            self.file_schema.fields().len(),
            request.projection.as_deref(),
        )?);
        // A limit is only sound to apply here when nothing filters rows above the scan.
        let limit = if request.filters.is_empty() {
            request.limit
        } else {
            None
        };
        let batch_size = request.batch_size.max(1);
        let mut covered = 0usize;
        let mut morsels: Vec<Box<dyn Morsel>> = Vec::new();
        'files: for index in prune_files(&self.listing, &request.filters) {
            let file = &self.listing.files()[index];
            let meta = self.metadata(index)?;
            let groups = meta.metadata().row_groups();
            let keep = if request.filters.is_empty() {
                vec![true; groups.len()]
            } else {
                let stats = RowGroupStats {
                    meta,
                    partition_fields: self.listing.partition_fields(),
                    partition_values: file.partition_values(),
                };
                prune(&request.filters, &stats)
            };
            let partition_values: Arc<[ScalarValue]> = file.partition_values().into();
            for (rg, group) in groups.iter().enumerate() {
                if !keep[rg] {
                    continue;
                }
                let rows = usize::try_from(group.num_rows()).unwrap_or(0);
                let mut morsel_limit = None;
                if let Some(limit) = limit {
                    if covered >= limit {
                        break 'files;
                    }
                    if covered + rows > limit {
                        morsel_limit = Some(limit - covered);
                    }
                }
                covered += rows;
                morsels.push(Box::new(RowGroupMorsel {
                    path: file.path().to_path_buf(),
                    display: file.display(),
                    meta: meta.clone(),
                    row_group: rg,
                    rows,
                    limit: morsel_limit,
                    scan: scan.clone(),
                    partition_values: partition_values.clone(),
                    batch_size,
                }));
            }
        }
        Ok(morsels)
    }
}

/// One row group of one file.
struct RowGroupMorsel {
    path: PathBuf,
    display: String,
    meta: ArrowReaderMetadata,
    row_group: usize,
    rows: usize,
    limit: Option<usize>,
    scan: Arc<ScanColumns>,
    partition_values: Arc<[ScalarValue]>,
    batch_size: usize,
}

impl Morsel for RowGroupMorsel {
    fn read(&self) -> Result<Vec<RecordBatch>> {
        let file_columns = self.scan.file_columns();
        if file_columns.is_empty() {
            // Only the row count (and partition values) are needed: the footer has it.
            let mut left = self.limit.unwrap_or(self.rows).min(self.rows);
            let mut out = Vec::new();
            while left > 0 {
                let n = left.min(self.batch_size);
                out.push(self.scan.assemble_count(n, &self.partition_values)?);
                left -= n;
            }
            return Ok(out);
        }
        let bad = |e: parquet::errors::ParquetError| {
            Error::InvalidData(format!(
                "error reading {} row group {}: {e}",
                self.display, self.row_group
            ))
        };
        let file = File::open(&self.path)
            .map_err(|e| Error::io(format!("opening {}", self.display), e))?;
        let mask = ProjectionMask::roots(self.meta.parquet_schema(), file_columns.iter().copied());
        let mut builder =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
                .with_row_groups(vec![self.row_group])
                .with_projection(mask)
                .with_batch_size(self.batch_size);
        if let Some(limit) = self.limit {
            builder = builder.with_limit(limit);
        }
        let reader = builder.build().map_err(bad)?;
        let mut out = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| {
                Error::InvalidData(format!(
                    "error reading {} row group {}: {e}",
                    self.display, self.row_group
                ))
            })?;
            out.push(self.scan.assemble(&batch, &self.partition_values)?);
        }
        Ok(out)
    }
}

/// Row-group statistics of one file (plus its partition values as constants).
struct RowGroupStats<'a> {
    meta: &'a ArrowReaderMetadata,
    partition_fields: &'a [arrow::datatypes::FieldRef],
    partition_values: &'a [ScalarValue],
}

impl<'a> RowGroupStats<'a> {
    fn converter(&self, column: &str) -> Option<StatisticsConverter<'a>> {
        let schema: &'a Schema = self.meta.schema().as_ref();
        let c = StatisticsConverter::try_new(column, schema, self.meta.parquet_schema()).ok()?;
        let orders = self
            .meta
            .metadata()
            .file_metadata()
            .column_orders()
            .map(|v| v.as_slice());
        Some(
            c.with_missing_null_counts_as_zero(false)
                .with_column_orders(orders),
        )
    }

    fn partition(&self, column: &str) -> Option<&ScalarValue> {
        let i = self
            .partition_fields
            .iter()
            .position(|f| f.name() == column)?;
        self.partition_values.get(i)
    }

    fn groups(&self) -> &'a [parquet::file::metadata::RowGroupMetaData] {
        self.meta.metadata().row_groups()
    }

    fn null_counts(&self, column: &str) -> Option<(UInt64Array, UInt64Array)> {
        let c = self.converter(column)?;
        let nulls = c.row_group_null_counts(self.groups().iter()).ok()?;
        let rows = c.row_group_row_counts(self.groups().iter()).ok()??;
        Some((nulls, rows))
    }

    fn constant(&self, value: &ScalarValue) -> Option<ArrayRef> {
        value.to_array(self.num_containers()).ok()
    }
}

impl PruningStatistics for RowGroupStats<'_> {
    fn num_containers(&self) -> usize {
        self.groups().len()
    }

    fn min_values(&self, column: &str) -> Option<ArrayRef> {
        if let Some(v) = self.partition(column) {
            return self.constant(v);
        }
        self.converter(column)?
            .row_group_mins(self.groups().iter())
            .ok()
    }

    fn max_values(&self, column: &str) -> Option<ArrayRef> {
        if let Some(v) = self.partition(column) {
            return self.constant(v);
        }
        self.converter(column)?
            .row_group_maxes(self.groups().iter())
            .ok()
    }

    fn bounds_exact(&self, column: &str) -> Option<BooleanArray> {
        if self.partition(column).is_some() {
            return Some(BooleanArray::from(vec![true; self.num_containers()]));
        }
        let c = self.converter(column)?;
        let lo = c.row_group_is_min_value_exact(self.groups().iter()).ok()?;
        let hi = c.row_group_is_max_value_exact(self.groups().iter()).ok()?;
        arrow::compute::and(&lo, &hi).ok()
    }

    fn null_free(&self, column: &str) -> Option<BooleanArray> {
        if let Some(v) = self.partition(column) {
            return Some(BooleanArray::from(vec![
                !v.is_null();
                self.num_containers()
            ]));
        }
        let (nulls, _) = self.null_counts(column)?;
        Some(nulls.iter().map(|n| n.map(|n| n == 0)).collect())
    }

    fn all_null(&self, column: &str) -> Option<BooleanArray> {
        if let Some(v) = self.partition(column) {
            return Some(BooleanArray::from(vec![v.is_null(); self.num_containers()]));
        }
        let (nulls, rows) = self.null_counts(column)?;
        Some(
            (0..nulls.len())
                .map(|i| {
                    (nulls.is_valid(i) && rows.is_valid(i)).then(|| nulls.value(i) == rows.value(i))
                })
                .collect(),
        )
    }

    fn nan_free(&self, column: &str) -> Option<BooleanArray> {
        let c = self.converter(column)?;
        let nans = c.row_group_nan_counts(self.groups().iter()).ok()?;
        Some(nans.iter().map(|n| n.map(|n| n == 0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit};
    use arrow::array::{Float64Array, Int64Array, StringArray};
    use arrow::datatypes::DataType;
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    fn write_file(path: &Path, groups: i64, rows_per_group: i64) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Int64, false),
            Field::new("s", DataType::Utf8, true),
            Field::new("f", DataType::Float64, true),
        ]));
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(rows_per_group as usize))
            .build();
        let file = File::create(path).unwrap();
        let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
        let n = groups * rows_per_group;
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from_iter_values(0..n)),
                Arc::new(StringArray::from_iter(
                    (0..n).map(|i| (i % 7 != 0).then(|| format!("s{i:05}"))),
                )),
                Arc::new(Float64Array::from_iter_values((0..n).map(|i| i as f64))),
            ],
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    fn count_morsels(source: &ParquetSource, filters: Vec<Expr>) -> usize {
        source
            .morsels(&ScanRequest {
                filters,
                batch_size: 1024,
                ..Default::default()
            })
            .unwrap()
            .len()
    }

    use crate::expr::Expr;

    #[test]
    fn prunes_row_groups_by_statistics() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_file(&p, 5, 100);
        let s = ParquetSource::try_new([&p], ParquetOptions::default()).unwrap();
        assert_eq!(s.estimated_rows(), Some(500));
        assert_eq!(
            s.describe(),
            format!("parquet '{}' (5 row groups)", p.display())
        );
        assert_eq!(count_morsels(&s, vec![]), 5);
        assert_eq!(count_morsels(&s, vec![col("x").gt(lit(250i64))]), 3);
        assert_eq!(count_morsels(&s, vec![col("x").lt(lit(100i64))]), 1);
        assert_eq!(count_morsels(&s, vec![col("x").eq(lit(1000i64))]), 0);
        assert_eq!(
            count_morsels(&s, vec![col("x").is_between(lit(150i64), lit(250i64))]),
            2
        );
        assert_eq!(
            count_morsels(&s, vec![col("x").is_in([lit(5i64), lit(405i64)])]),
            2
        );
        assert_eq!(count_morsels(&s, vec![col("s").eq(lit("s00150"))]), 1);
        assert_eq!(count_morsels(&s, vec![col("x").is_null()]), 0);
        assert_eq!(count_morsels(&s, vec![col("s").is_null()]), 5);
        assert_eq!(count_morsels(&s, vec![col("f").lt(lit(99.0f64))]), 1);
        assert_eq!(
            count_morsels(
                &s,
                vec![col("x").lt(lit(50i64)).or(col("x").gt(lit(450i64)))]
            ),
            2
        );
    }

    #[test]
    fn reads_projection_and_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_file(&p, 4, 100);
        let s = ParquetSource::try_new([&p], ParquetOptions::default()).unwrap();
        let request = ScanRequest {
            projection: Some(vec![2, 0]),
            limit: Some(150),
            batch_size: 64,
            ..Default::default()
        };
        let morsels = s.morsels(&request).unwrap();
        assert_eq!(morsels.len(), 2);
        let batches: Vec<RecordBatch> = morsels.iter().flat_map(|m| m.read().unwrap()).collect();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, 150);
        assert_eq!(batches[0].schema().field(0).name(), "f");
        assert_eq!(batches[0].schema().field(1).name(), "x");
        let count = ScanRequest {
            projection: Some(vec![]),
            batch_size: 64,
            ..Default::default()
        };
        let rows: usize = s
            .morsels(&count)
            .unwrap()
            .iter()
            .flat_map(|m| m.read().unwrap())
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(rows, 400);
    }

    #[test]
    fn corrupt_files_are_invalid_data() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.parquet");
        std::fs::write(&p, b"not parquet at all").unwrap();
        let err = ParquetSource::try_new([&p], ParquetOptions::default()).unwrap_err();
        assert_eq!(err.category(), "InvalidData");
        assert!(
            err.to_string()
                .contains("bad.parquet' is not a valid Parquet file"),
            "{err}"
        );
    }
}
