//! The Arrow IPC table source: [`IpcSource`] over Arrow IPC files (`.arrow`, `.ipc`,
//! `.feather` v2), one morsel per record batch of the file format. Files in the IPC
//! *stream* format (no footer) are also accepted and read as one morsel each.
//!
//! All files of a source must have the same columns (names and types) as the first one.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::ipc::reader::{FileReader, StreamReader};
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::io::hive::{prune_files, ScanColumns};
use crate::io::listing::{FileListing, HivePartitioning, ListedFile};
use crate::logical::{Morsel, ScanRequest, TableSource};
use crate::types::ScalarValue;

/// File extensions read as Arrow IPC when a directory is scanned.
pub const IPC_EXTENSIONS: &[&str] = &["arrow", "ipc", "feather", "arrows"];

/// How to read Arrow IPC files.
#[derive(Debug, Clone, Default)]
pub struct IpcOptions {
    /// Whether `key=value` folders become columns.
    pub hive_partitioning: HivePartitioning,
}

/// A table over one or more Arrow IPC files.
#[derive(Debug)]
pub struct IpcSource {
    listing: FileListing,
    file_schema: SchemaRef,
    schema: SchemaRef,
}

/// An opened IPC file: the random-access file format or a stream.
enum Opened {
    File(FileReader<BufReader<File>>),
    Stream(StreamReader<BufReader<File>>),
}

impl Opened {
    fn schema(&self) -> SchemaRef {
        match self {
            Opened::File(r) => r.schema(),
            Opened::Stream(r) => r.schema(),
        }
    }
}

fn open(file: &ListedFile, projection: Option<Vec<usize>>) -> Result<Opened> {
    open_path(file.path(), &file.display(), projection)
}

fn open_path(path: &Path, display: &str, projection: Option<Vec<usize>>) -> Result<Opened> {
    let f = File::open(path).map_err(|e| Error::io(format!("opening {display}"), e))?;
    match FileReader::try_new_buffered(f, projection.clone()) {
        Ok(r) => Ok(Opened::File(r)),
        Err(file_err) => {
            let f = File::open(path).map_err(|e| Error::io(format!("opening {display}"), e))?;
            StreamReader::try_new_buffered(f, projection)
                .map(Opened::Stream)
                .map_err(|_| {
                    Error::InvalidData(format!(
                        "{display} is not a valid Arrow IPC file: {file_err}"
                    ))
                })
        }
    }
}

impl IpcSource {
    /// Lists the files and reads the first one's schema.
    pub fn try_new<I, P>(paths: I, options: IpcOptions) -> Result<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut listing = FileListing::try_new(paths, IPC_EXTENSIONS, options.hive_partitioning)?;
        let first = listing
            .files()
            .first()
            .ok_or_else(|| crate::internal_err!("a file listing with no files"))?;
        let mut file_schema = open(first, None)?.schema().as_ref().clone();
        if listing.files().len() > 1 {
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
        Ok(Self {
            listing,
            file_schema,
            schema,
        })
    }

    /// The files read.
    pub fn listing(&self) -> &FileListing {
        &self.listing
    }

    fn check_schema(&self, file: &ListedFile, found: &Schema) -> Result<()> {
        let expected = self.file_schema.fields();
        let same = found.fields().len() == expected.len()
            && found
                .fields()
                .iter()
                .zip(expected.iter())
                .all(|(f, e)| f.name() == e.name() && f.data_type() == e.data_type());
        if same {
            Ok(())
        } else {
            Err(Error::Schema(format!(
                "{} does not match the schema of {}: expected {}, found {}",
                file.display(),
                self.listing.files()[0].display(),
                self.file_schema,
                found
            )))
        }
    }
}

impl TableSource for IpcSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        let files = self.listing.files().len();
        if files == 1 {
            format!("ipc {}", self.listing.spec())
        } else {
            format!("ipc {} ({files} files)", self.listing.spec())
        }
    }

    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
        let scan = Arc::new(ScanColumns::try_new(
            &self.schema,
            self.file_schema.fields().len(),
            request.projection.as_deref(),
        )?);
        let mut morsels: Vec<Box<dyn Morsel>> = Vec::new();
        for index in prune_files(&self.listing, &request.filters) {
            let file = &self.listing.files()[index];
            let opened = open(file, None)?;
            self.check_schema(file, &opened.schema())?;
            let batches = match &opened {
                Opened::File(r) => Some(r.num_batches()),
                Opened::Stream(_) => None,
            };
            let partition_values: Arc<[ScalarValue]> = file.partition_values().into();
            let make = |batch: Option<usize>| -> Box<dyn Morsel> {
                Box::new(IpcMorsel {
                    path: file.path().to_path_buf(),
                    display: file.display(),
                    batch,
                    scan: scan.clone(),
                    partition_values: partition_values.clone(),
                    batch_size: request.batch_size.max(1),
                })
            };
            match batches {
                Some(n) => morsels.extend((0..n).map(|i| make(Some(i)))),
                None => morsels.push(make(None)),
            }
        }
        Ok(morsels)
    }
}

/// One record batch of an IPC file, or a whole IPC stream.
struct IpcMorsel {
    path: PathBuf,
    display: String,
    /// The batch index (file format) or `None` for a whole stream.
    batch: Option<usize>,
    scan: Arc<ScanColumns>,
    partition_values: Arc<[ScalarValue]>,
    batch_size: usize,
}

impl IpcMorsel {
    fn finish(&self, batch: RecordBatch, out: &mut Vec<RecordBatch>) -> Result<()> {
        let mut offset = 0;
        while offset < batch.num_rows() {
            let n = self.batch_size.min(batch.num_rows() - offset);
            let part = batch.slice(offset, n);
            out.push(if self.scan.file_columns().is_empty() {
                self.scan.assemble_count(n, &self.partition_values)?
            } else {
                self.scan.assemble(&part, &self.partition_values)?
            });
            offset += n;
        }
        Ok(())
    }
}

impl Morsel for IpcMorsel {
    fn read(&self) -> Result<Vec<RecordBatch>> {
        let columns = self.scan.file_columns();
        let projection = if columns.is_empty() {
            vec![0]
        } else {
            columns.to_vec()
        };
        let bad = |e: arrow::error::ArrowError| match self.batch {
            Some(i) => Error::InvalidData(format!(
                "error reading {} record batch {i}: {e}",
                self.display
            )),
            None => Error::InvalidData(format!("error reading {}: {e}", self.display)),
        };
        let mut out = Vec::new();
        match open_path(&self.path, &self.display, Some(projection))? {
            Opened::File(mut r) => {
                let i = self.batch.unwrap_or(0);
                r.set_index(i).map_err(bad)?;
                if let Some(batch) = r.next() {
                    self.finish(batch.map_err(bad)?, &mut out)?;
                }
            }
            Opened::Stream(r) => {
                for batch in r {
                    self.finish(batch.map_err(bad)?, &mut out)?;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::DataType;
    use arrow::ipc::writer::{FileWriter, StreamWriter};

    fn batch(start: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, false),
            Field::new("b", DataType::Utf8, true),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from_iter_values(start..start + 3)),
                Arc::new(StringArray::from(vec!["x", "y", "z"])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn reads_files_and_streams() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.arrow");
        let mut w = FileWriter::try_new(File::create(&p).unwrap(), &batch(0).schema()).unwrap();
        w.write(&batch(0)).unwrap();
        w.write(&batch(3)).unwrap();
        w.finish().unwrap();
        let s = IpcSource::try_new([&p], IpcOptions::default()).unwrap();
        let request = ScanRequest {
            projection: Some(vec![1]),
            batch_size: 2,
            ..Default::default()
        };
        let morsels = s.morsels(&request).unwrap();
        assert_eq!(morsels.len(), 2);
        let out = morsels[1].read().unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].schema().field(0).name(), "b");

        let p = dir.path().join("s.arrows");
        let mut w = StreamWriter::try_new(File::create(&p).unwrap(), &batch(0).schema()).unwrap();
        w.write(&batch(0)).unwrap();
        w.finish().unwrap();
        let s = IpcSource::try_new([&p], IpcOptions::default()).unwrap();
        let morsels = s
            .morsels(&ScanRequest {
                batch_size: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(morsels.len(), 1);
        assert_eq!(morsels[0].read().unwrap()[0].num_rows(), 3);

        let p = dir.path().join("bad.arrow");
        std::fs::write(&p, b"nope").unwrap();
        let err = IpcSource::try_new([&p], IpcOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("bad.arrow' is not a valid Arrow IPC file"),
            "{err}"
        );
    }
}
