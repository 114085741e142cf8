//! Derived column tables (features, scores) as Parquet files, replaced atomically: written to
//! a temporary name, fsynced, renamed over the old file. The typed layer above decides what
//! the columns mean; this layer only moves columns to and from disk.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, UInt8Type, UInt32Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, Float32Array, Float64Array, Int32Array, UInt8Array, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, compute_leaves};
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;

use super::archive::sync_dir;
use crate::error::{Error, IoContext, Result};

/// The values of one column. Optional numbers use NaN (floats) or a sentinel chosen by the
/// caller; strings and lists are never null (empty instead).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Small integers (flags, codes).
    U8(Vec<u8>),
    /// Counts and ordinals.
    U32(Vec<u32>),
    /// Large counters.
    U64(Vec<u64>),
    /// Signed integers (days since 1970).
    I32(Vec<i32>),
    /// Measurements; NaN for missing.
    F32(Vec<f32>),
    /// Measurements needing precision.
    F64(Vec<f64>),
    /// Text.
    Str(Vec<String>),
    /// Lists of text.
    StrList(Vec<Vec<String>>),
}

impl ColumnData {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::U8(v) => v.len(),
            ColumnData::U32(v) => v.len(),
            ColumnData::U64(v) => v.len(),
            ColumnData::I32(v) => v.len(),
            ColumnData::F32(v) => v.len(),
            ColumnData::F64(v) => v.len(),
            ColumnData::Str(v) => v.len(),
            ColumnData::StrList(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of the values in `rows`.
    pub fn slice(&self, rows: Range<usize>) -> ColumnData {
        let end = rows.end.min(self.len());
        let rows = rows.start.min(end)..end;
        match self {
            ColumnData::U8(v) => ColumnData::U8(v[rows].to_vec()),
            ColumnData::U32(v) => ColumnData::U32(v[rows].to_vec()),
            ColumnData::U64(v) => ColumnData::U64(v[rows].to_vec()),
            ColumnData::I32(v) => ColumnData::I32(v[rows].to_vec()),
            ColumnData::F32(v) => ColumnData::F32(v[rows].to_vec()),
            ColumnData::F64(v) => ColumnData::F64(v[rows].to_vec()),
            ColumnData::Str(v) => ColumnData::Str(v[rows].to_vec()),
            ColumnData::StrList(v) => ColumnData::StrList(v[rows].to_vec()),
        }
    }

    fn into_array(self) -> ArrayRef {
        match self {
            ColumnData::U8(v) => Arc::new(UInt8Array::from(v)),
            ColumnData::U32(v) => Arc::new(UInt32Array::from(v)),
            ColumnData::U64(v) => Arc::new(UInt64Array::from(v)),
            ColumnData::I32(v) => Arc::new(Int32Array::from(v)),
            ColumnData::F32(v) => Arc::new(Float32Array::from(v)),
            ColumnData::F64(v) => Arc::new(Float64Array::from(v)),
            ColumnData::Str(v) => {
                let mut b = StringBuilder::with_capacity(v.len(), v.len() * 8);
                for s in &v {
                    b.append_value(s);
                }
                Arc::new(b.finish())
            }
            ColumnData::StrList(v) => {
                let mut b = ListBuilder::new(StringBuilder::new());
                for items in &v {
                    for item in items {
                        b.values().append_value(item);
                    }
                    b.append(true);
                }
                Arc::new(b.finish())
            }
        }
    }

    fn data_type(&self) -> DataType {
        match self {
            ColumnData::U8(_) => DataType::UInt8,
            ColumnData::U32(_) => DataType::UInt32,
            ColumnData::U64(_) => DataType::UInt64,
            ColumnData::I32(_) => DataType::Int32,
            ColumnData::F32(_) => DataType::Float32,
            ColumnData::F64(_) => DataType::Float64,
            ColumnData::Str(_) => DataType::Utf8,
            ColumnData::StrList(_) => {
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
            }
        }
    }

    fn empty_like(data_type: &DataType) -> Option<ColumnData> {
        Some(match data_type {
            DataType::UInt8 => ColumnData::U8(Vec::new()),
            DataType::UInt32 => ColumnData::U32(Vec::new()),
            DataType::UInt64 => ColumnData::U64(Vec::new()),
            DataType::Int32 => ColumnData::I32(Vec::new()),
            DataType::Float32 => ColumnData::F32(Vec::new()),
            DataType::Float64 => ColumnData::F64(Vec::new()),
            DataType::Utf8 => ColumnData::Str(Vec::new()),
            DataType::List(_) => ColumnData::StrList(Vec::new()),
            _ => return None,
        })
    }

    fn extend_from(&mut self, array: &dyn Array) {
        match self {
            ColumnData::U8(v) => v.extend(array.as_primitive::<UInt8Type>().values().iter()),
            ColumnData::U32(v) => v.extend(array.as_primitive::<UInt32Type>().values().iter()),
            ColumnData::U64(v) => v.extend(array.as_primitive::<UInt64Type>().values().iter()),
            ColumnData::I32(v) => v.extend(array.as_primitive::<Int32Type>().values().iter()),
            ColumnData::F32(v) => v.extend(array.as_primitive::<Float32Type>().values().iter()),
            ColumnData::F64(v) => v.extend(array.as_primitive::<Float64Type>().values().iter()),
            ColumnData::Str(v) => {
                let a = array.as_string::<i32>();
                v.extend((0..a.len()).map(|i| a.value(i).to_string()));
            }
            ColumnData::StrList(v) => {
                let a = array.as_list::<i32>();
                for i in 0..a.len() {
                    let items = a.value(i);
                    let strings = items.as_string::<i32>();
                    v.push(
                        (0..strings.len())
                            .map(|j| strings.value(j).to_string())
                            .collect(),
                    );
                }
            }
        }
    }
}

/// A named set of equally long columns plus key-value metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnTable {
    /// Columns in order.
    pub columns: Vec<(String, ColumnData)>,
    /// File metadata (versions, provenance).
    pub metadata: BTreeMap<String, String>,
}

impl ColumnTable {
    /// Returns a column by name.
    pub fn column(&self, name: &str) -> Result<&ColumnData> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .ok_or_else(|| Error::Corrupt(format!("column table lacks column {name}")))
    }

    /// Takes a column out by name, leaving an empty one of the same type in its place.
    pub fn take(&mut self, name: &str) -> Result<ColumnData> {
        let (_, data) = self
            .columns
            .iter_mut()
            .find(|(n, _)| n == name)
            .ok_or_else(|| Error::Corrupt(format!("column table lacks column {name}")))?;
        let empty = data.slice(0..0);
        Ok(std::mem::replace(data, empty))
    }

    /// Returns the number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// Writes the table to `path`, atomically replacing any previous file.
    pub fn write_atomic(&self, path: &Path) -> Result<()> {
        let rows = self.rows();
        if let Some((name, _)) = self.columns.iter().find(|(_, c)| c.len() != rows) {
            return Err(Error::Corrupt(format!(
                "column {name} has a different length"
            )));
        }
        write_columns_atomic(self, &self.metadata, path)
    }

    /// Reads a table written by [`ColumnTable::write_atomic`].
    pub fn read(path: &Path) -> Result<ColumnTable> {
        let file = File::open(path).at(path)?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
        let metadata = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .map(|kv| {
                kv.iter()
                    .map(|e| (e.key.clone(), e.value.clone().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        let schema = builder.schema().clone();
        let mut columns = Vec::new();
        for field in schema.fields() {
            let data = ColumnData::empty_like(field.data_type()).ok_or_else(|| {
                Error::Corrupt(format!(
                    "{}: unexpected column type {}",
                    path.display(),
                    field.data_type()
                ))
            })?;
            columns.push((field.name().clone(), data));
        }
        for batch in builder.with_batch_size(65_536).build()? {
            let batch = batch?;
            for (i, (_, data)) in columns.iter_mut().enumerate() {
                data.extend_from(batch.column(i).as_ref());
            }
        }
        Ok(ColumnTable { columns, metadata })
    }
}

/// Rows written per row group. A group's rows (a few MB of a table's rows) stay in the
/// processor's caches while each of its columns is built from them, and writing a group at a
/// time keeps one group's columns in memory, not the whole table's.
pub const ROWS_PER_GROUP: usize = 16_384;

/// A table whose columns are built a row group at a time, so that it is written without ever
/// holding its columns whole (a 10^6-row score table is 60 columns of 10^6 values).
pub trait ColumnSource: Sync {
    /// Number of rows.
    fn rows(&self) -> usize;
    /// Column names, in order.
    fn names(&self) -> Vec<String>;
    /// Column `index` over `rows` (an empty range gives the column's type).
    fn column(&self, index: usize, rows: Range<usize>) -> ColumnData;
}

impl ColumnSource for ColumnTable {
    fn rows(&self) -> usize {
        ColumnTable::rows(self)
    }

    fn names(&self) -> Vec<String> {
        self.columns.iter().map(|(n, _)| n.clone()).collect()
    }

    fn column(&self, index: usize, rows: Range<usize>) -> ColumnData {
        match self.columns.get(index) {
            Some((_, data)) => data.slice(rows),
            None => ColumnData::U8(Vec::new()),
        }
    }
}

/// Writes `source` to `path` with `metadata`, atomically replacing any previous file. Each
/// row group's columns are built and encoded in parallel, then appended in order.
pub fn write_columns_atomic(
    source: &impl ColumnSource,
    metadata: &BTreeMap<String, String>,
    path: &Path,
) -> Result<()> {
    let names = source.names();
    let types: Vec<DataType> = (0..names.len())
        .map(|i| source.column(i, 0..0).data_type())
        .collect();
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .zip(&types)
            .map(|(n, t)| Field::new(n, t.clone(), false))
            .collect::<Vec<_>>(),
    ));
    let kv = metadata
        .iter()
        .map(|(k, v)| parquet::file::metadata::KeyValue::new(k.clone(), v.clone()))
        .collect();
    // Derived tables are rewritten often (the score table after every batch): fast
    // compression, no page statistics, and dictionaries only for text columns, where
    // values repeat (institutions, cohorts); numbers are stored plain.
    let mut properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_statistics_enabled(EnabledStatistics::None)
        .set_dictionary_enabled(false)
        .set_key_value_metadata(Some(kv))
        .set_created_by("patscreen".to_string());
    for (name, data_type) in names.iter().zip(&types) {
        if *data_type == DataType::Utf8 {
            properties =
                properties.set_column_dictionary_enabled(ColumnPath::from(name.as_str()), true);
        }
    }
    let properties = properties.build();
    // A bare file name has the empty path as its parent: that is the current directory.
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).at(dir)?;
    let partial = path.with_extension("parquet.partial");
    let written = write_row_groups(source, &schema, properties, &partial);
    if let Err(e) = written {
        // A file cut short is never left behind to be mistaken for a table.
        let _ = fs::remove_file(&partial);
        return Err(e);
    }
    fs::rename(&partial, path).at(path)?;
    sync_dir(dir)
}

/// Writes every row group of `source` to `partial` and syncs it.
fn write_row_groups(
    source: &impl ColumnSource,
    schema: &Arc<Schema>,
    properties: WriterProperties,
    partial: &Path,
) -> Result<()> {
    let rows = source.rows();
    let file = File::create(partial).at(partial)?;
    // The Arrow writer records the Arrow schema in the file's metadata; its lower-level parts
    // then take whole column chunks encoded elsewhere.
    let (mut writer, factory) =
        ArrowWriter::try_new(file, schema.clone(), Some(properties))?.into_serialized_writer()?;
    for (group, start) in (0..rows).step_by(ROWS_PER_GROUP).enumerate() {
        let range = start..(start + ROWS_PER_GROUP).min(rows);
        // One writer per leaf column; every column here is one leaf (numbers, strings, lists
        // of strings), so writer `i` is column `i`.
        let chunks = factory
            .create_column_writers(group)?
            .into_par_iter()
            .enumerate()
            .map(|(i, mut column_writer)| -> Result<ArrowColumnChunk> {
                let column = source.column(i, range.clone());
                if column.len() != range.len() {
                    return Err(Error::Corrupt(format!(
                        "column {} has {} values for rows {}..{}",
                        schema.field(i).name(),
                        column.len(),
                        range.start,
                        range.end
                    )));
                }
                let array = column.into_array();
                for leaf in compute_leaves(schema.field(i), &array)? {
                    column_writer.write(&leaf)?;
                }
                Ok(column_writer.close()?)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut row_group = writer.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group)?;
        }
        row_group.close()?;
    }
    let file = writer.into_inner()?;
    file.sync_all().at(partial)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip_and_replace_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let mut table = ColumnTable::default();
        table
            .columns
            .push(("a".into(), ColumnData::U32(vec![1, 2, 3])));
        table
            .columns
            .push(("b".into(), ColumnData::F32(vec![0.5, f32::NAN, 2.0])));
        table.columns.push((
            "c".into(),
            ColumnData::Str(vec!["甲".into(), String::new(), "丙".into()]),
        ));
        table.columns.push((
            "d".into(),
            ColumnData::StrList(vec![vec!["x".into()], vec![], vec!["y".into(), "z".into()]]),
        ));
        table.metadata.insert("version".into(), "7".into());
        table.write_atomic(&path).unwrap();
        let back = ColumnTable::read(&path).unwrap();
        assert_eq!(back.rows(), 3);
        assert_eq!(back.metadata["version"], "7");
        assert_eq!(back.column("c").unwrap(), table.column("c").unwrap());
        assert_eq!(back.column("d").unwrap(), table.column("d").unwrap());
        let ColumnData::F32(b) = back.column("b").unwrap() else {
            panic!()
        };
        assert!(b[1].is_nan() && b[2] == 2.0);
        // A second write replaces the first; no partial file is left.
        table.columns[0].1 = ColumnData::U32(vec![9, 9, 9]);
        table.write_atomic(&path).unwrap();
        assert_eq!(
            ColumnTable::read(&path).unwrap().column("a").unwrap(),
            &ColumnData::U32(vec![9, 9, 9])
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let column = ColumnData::Str(vec!["甲".into(), "乙".into(), "丙".into()]);
        assert_eq!(
            column.slice(1..9),
            ColumnData::Str(vec!["乙".into(), "丙".into()])
        );
        assert!(column.slice(4..6).is_empty());
        let mut bad = table.clone();
        bad.columns[0].1 = ColumnData::U32(vec![1]);
        assert!(bad.write_atomic(&path).is_err());
    }

    #[test]
    fn tables_longer_than_a_row_group_are_written_group_by_group_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let rows = 2 * ROWS_PER_GROUP + 7;
        let mut table = ColumnTable::default();
        table
            .columns
            .push(("n".into(), ColumnData::U32((0..rows as u32).collect())));
        table.columns.push((
            "s".into(),
            ColumnData::Str((0..rows).map(|i| format!("第{}", i % 5)).collect()),
        ));
        table.columns.push((
            "l".into(),
            ColumnData::StrList((0..rows).map(|i| vec![i.to_string(); i % 3]).collect()),
        ));
        table.write_atomic(&path).unwrap();
        let file = File::open(&path).unwrap();
        let metadata = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .metadata()
            .clone();
        let groups: Vec<i64> = metadata.row_groups().iter().map(|g| g.num_rows()).collect();
        assert_eq!(
            groups,
            [ROWS_PER_GROUP as i64, ROWS_PER_GROUP as i64, 7],
            "one row group per {ROWS_PER_GROUP} rows"
        );
        let back = ColumnTable::read(&path).unwrap();
        assert!(back.columns == table.columns, "columns read back differ");
        // A source that builds its columns per group writes the same values; one whose
        // groups after the first come out a value short fails the write.
        struct Squares {
            rows: usize,
            short: bool,
        }
        impl ColumnSource for Squares {
            fn rows(&self) -> usize {
                self.rows
            }
            fn names(&self) -> Vec<String> {
                vec!["sq".into()]
            }
            fn column(&self, _: usize, rows: Range<usize>) -> ColumnData {
                let skip = usize::from(self.short && rows.start > 0);
                ColumnData::U64(rows.skip(skip).map(|r| (r * r) as u64).collect())
            }
        }
        let squares = |short| Squares { rows, short };
        write_columns_atomic(&squares(false), &BTreeMap::new(), &path).unwrap();
        let back = ColumnTable::read(&path).unwrap();
        // The failed write leaves no partial file and keeps the table already there.
        let error = write_columns_atomic(&squares(true), &BTreeMap::new(), &path).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("column sq has 16383 values for rows 16384..32768"),
            "{error}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(
            ColumnTable::read(&path).unwrap() == back,
            "the old table was changed"
        );
        let squares = ColumnData::U64((0..rows).map(|r| (r * r) as u64).collect());
        assert!(
            back.column("sq").unwrap() == &squares,
            "squares read back differ"
        );
    }
}
