//! Parquet batches: any Parquet file whose column names are contract fields or their aliases
//! is read; [`write`] writes the canonical layout the batch archive uses (zstd, one column
//! per field, lists as `List<Utf8>`, dates as `Date32`, events and licence terms as JSON text).

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowTimestampType, Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bytes::Bytes;
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;
use serde_json::Value;

use super::RawTable;
use super::raw::{Columns, RawCell, RawRecord, float_value};
use crate::error::{Error, Result};
use crate::model::Patent;
use crate::schema::{FieldType, RecordField, contract};

const BATCH_ROWS: usize = 8192;

/// Reads a Parquet batch from memory.
pub fn read(source_name: &str, bytes: Vec<u8>) -> Result<RawTable> {
    let malformed = |e: &dyn std::fmt::Display| {
        Error::malformed(source_name, format!("not a readable Parquet file: {e}"))
    };
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(Bytes::from(bytes)).map_err(|e| malformed(&e))?;
    let headers: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let columns = Columns::resolve(source_name, headers, true)?;
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| malformed(&e))?;
    let mut records = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| malformed(&e))?;
        let first_row = records.len();
        records.extend((0..batch.num_rows()).map(|i| RawRecord {
            row: first_row + i + 1,
            cells: Vec::new(),
        }));
        for (column, field) in columns.fields.iter().enumerate() {
            let Some(field) = field else { continue };
            let values = column_values(batch.column(column).as_ref()).map_err(|reason| {
                Error::malformed(
                    source_name,
                    format!(
                        "column '{}' ({}): {reason}",
                        columns.headers[column],
                        field.as_str()
                    ),
                )
            })?;
            for (i, value) in values.into_iter().enumerate() {
                if !value.is_null() {
                    records[first_row + i].cells.push(RawCell {
                        field: *field,
                        column,
                        value,
                    });
                }
            }
        }
    }
    Ok(RawTable {
        columns,
        records,
        read_errors: Vec::new(),
        encoding: None,
    })
}

/// Converts one Arrow column to JSON values, one per row.
fn column_values(array: &dyn Array) -> std::result::Result<Vec<Value>, String> {
    let len = array.len();
    let mut out = Vec::with_capacity(len);
    macro_rules! primitive {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            for i in 0..len {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::from(a.value(i))
                });
            }
        }};
    }
    match array.data_type() {
        DataType::Null => out.resize(len, Value::Null),
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            out.extend((0..len).map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    Value::from(a.value(i))
                }
            }));
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            out.extend((0..len).map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    Value::from(a.value(i))
                }
            }));
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            out.extend((0..len).map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    Value::from(a.value(i))
                }
            }));
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            out.extend((0..len).map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    Value::from(a.value(i))
                }
            }));
        }
        DataType::Int8 => primitive!(Int8Type),
        DataType::Int16 => primitive!(Int16Type),
        DataType::Int32 => primitive!(Int32Type),
        DataType::Int64 => primitive!(Int64Type),
        DataType::UInt8 => primitive!(UInt8Type),
        DataType::UInt16 => primitive!(UInt16Type),
        DataType::UInt32 => primitive!(UInt32Type),
        DataType::UInt64 => primitive!(UInt64Type),
        DataType::Float32 => {
            let a = array.as_primitive::<Float32Type>();
            out.extend(
                (0..len)
                    .map(|i| (!a.is_null(i)).then(|| f64::from(a.value(i))))
                    .map(float_value),
            );
        }
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>();
            out.extend(
                (0..len)
                    .map(|i| (!a.is_null(i)).then(|| a.value(i)))
                    .map(float_value),
            );
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            out.extend((0..len).map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    days_to_value(i64::from(a.value(i)))
                }
            }));
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            out.extend((0..len).map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    days_to_value(a.value(i).div_euclid(86_400_000))
                }
            }));
        }
        DataType::Timestamp(unit, _) => {
            let per_day: i64 = match unit {
                TimeUnit::Second => 86_400,
                TimeUnit::Millisecond => 86_400_000,
                TimeUnit::Microsecond => 86_400_000_000,
                TimeUnit::Nanosecond => 86_400_000_000_000,
            };
            // Each unit has its own Arrow type (pandas writes datetimes as nanoseconds).
            let values: Vec<Option<i64>> = match unit {
                TimeUnit::Second => timestamps::<TimestampSecondType>(array),
                TimeUnit::Millisecond => timestamps::<TimestampMillisecondType>(array),
                TimeUnit::Microsecond => timestamps::<TimestampMicrosecondType>(array),
                TimeUnit::Nanosecond => timestamps::<TimestampNanosecondType>(array),
            };
            out.extend(
                values
                    .into_iter()
                    .map(|v| v.map_or(Value::Null, |v| days_to_value(v.div_euclid(per_day)))),
            );
        }
        DataType::List(_) => {
            let a = array.as_list::<i32>();
            for i in 0..len {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::Array(column_values(a.value(i).as_ref())?)
                });
            }
        }
        DataType::LargeList(_) => {
            let a = array.as_list::<i64>();
            for i in 0..len {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::Array(column_values(a.value(i).as_ref())?)
                });
            }
        }
        DataType::Dictionary(_, _) => {
            let a = array.as_any_dictionary();
            let dictionary = column_values(a.values().as_ref())?;
            let keys = a.normalized_keys();
            for (i, key) in keys.into_iter().enumerate() {
                out.push(if array.is_null(i) {
                    Value::Null
                } else {
                    dictionary.get(key).cloned().unwrap_or(Value::Null)
                });
            }
        }
        other => return Err(format!("unsupported Parquet column type {other}")),
    }
    Ok(out)
}

/// The values of a timestamp column of unit `T` (time zones do not move a date by a day in
/// the files we read: dates are written at midnight).
fn timestamps<T: ArrowTimestampType>(array: &dyn Array) -> Vec<Option<i64>> {
    let a = array.as_primitive::<T>();
    (0..a.len())
        .map(|i| (!a.is_null(i)).then(|| a.value(i)))
        .collect()
}

fn days_to_value(days: i64) -> Value {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
        .map_or(Value::Null, |d| Value::String(d.to_string()))
}

/// Returns the canonical Arrow schema of the archive.
pub fn canonical_schema() -> Arc<Schema> {
    let fields: Vec<Field> = contract()
        .fields
        .iter()
        .filter(|spec| spec.name.is_stored())
        .map(|spec| {
            let name = spec.name.as_str();
            match spec.field_type {
                FieldType::ApplicationNumber => Field::new(name, DataType::Utf8, false),
                FieldType::StringList | FieldType::IpcList | FieldType::DateList => Field::new(
                    name,
                    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                    true,
                ),
                FieldType::Date => Field::new(name, DataType::Date32, true),
                FieldType::Count => Field::new(name, DataType::Int64, true),
                FieldType::Bool => Field::new(name, DataType::Boolean, true),
                FieldType::Text
                | FieldType::String
                | FieldType::PatentType
                | FieldType::LegalStatus
                | FieldType::Events
                | FieldType::LicenceTerms => Field::new(name, DataType::Utf8, true),
            }
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// Writes patents in the canonical layout, with `metadata` as file key-value metadata.
pub fn write<W: Write + Send>(
    out: W,
    patents: &[Patent],
    metadata: &[(&str, String)],
) -> Result<W> {
    let schema = canonical_schema();
    let kv = metadata
        .iter()
        .map(|(k, v)| parquet::file::metadata::KeyValue::new(k.to_string(), v.clone()))
        .collect();
    let mut properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
        .set_key_value_metadata(Some(kv))
        .set_created_by("patscreen".to_string());
    // Free text repeats nothing a dictionary page could share: building one per column chunk
    // (hashing every abstract and claim) only to fall back to plain pages cost a third of the
    // archive's time.
    for spec in &contract().fields {
        if spec.field_type == FieldType::Text {
            properties = properties
                .set_column_dictionary_enabled(ColumnPath::from(spec.name.as_str()), false);
        }
    }
    let properties = properties.build();
    let mut writer = ArrowWriter::try_new(out, schema.clone(), Some(properties))?;
    for chunk in patents.chunks(BATCH_ROWS) {
        let batch = to_record_batch(&schema, chunk)?;
        writer.write(&batch)?;
    }
    Ok(writer.into_inner()?)
}

fn to_record_batch(schema: &Arc<Schema>, patents: &[Patent]) -> Result<RecordBatch> {
    // The columns are built in parallel (each copies its values once).
    let arrays: Vec<ArrayRef> = contract()
        .fields
        .par_iter()
        .filter(|spec| spec.name.is_stored())
        .map(|spec| column(spec.name, patents))
        .collect::<Result<_>>()?;
    Ok(RecordBatch::try_new(schema.clone(), arrays)?)
}

fn strings<'a, S: AsRef<str>>(
    patents: &'a [Patent],
    get: impl Fn(&'a Patent) -> Option<S>,
) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(patents.len(), patents.len() * 16);
    for p in patents {
        b.append_option(get(p));
    }
    Arc::new(b.finish())
}

fn lists<'a, S: AsRef<str>>(patents: &'a [Patent], get: impl Fn(&'a Patent) -> Vec<S>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for p in patents {
        let items = get(p);
        if items.is_empty() {
            b.append_null();
        } else {
            for item in items {
                b.values().append_value(item);
            }
            b.append(true);
        }
    }
    Arc::new(b.finish())
}

/// The items of a list field, borrowed.
fn each(items: &[String]) -> Vec<&str> {
    items.iter().map(String::as_str).collect()
}

fn dates(patents: &[Patent], get: impl Fn(&Patent) -> Option<NaiveDate>) -> ArrayRef {
    let mut b = Date32Builder::with_capacity(patents.len());
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    for p in patents {
        b.append_option(get(p).map(|d| (d - epoch).num_days() as i32));
    }
    Arc::new(b.finish())
}

fn column(field: RecordField, patents: &[Patent]) -> Result<ArrayRef> {
    Ok(match field {
        RecordField::ApplicationNumber => strings(patents, |p| Some(p.application_number.as_str())),
        RecordField::PublicationNumbers => lists(patents, |p| each(&p.publication_numbers)),
        RecordField::PatentType => strings(patents, |p| p.patent_type.map(|t| t.as_str())),
        RecordField::Institution => strings(patents, |p| p.institution.as_deref()),
        RecordField::Title => strings(patents, |p| Some(p.title.as_str())),
        RecordField::Abstract => strings(patents, |p| p.abstract_text.as_deref()),
        RecordField::Claims => strings(patents, |p| p.claims.as_deref()),
        RecordField::FirstClaim => strings(patents, |p| p.first_claim.as_deref()),
        RecordField::IndependentClaims => strings(patents, |p| p.independent_claims.as_deref()),
        RecordField::ClaimCount => counts(patents, |p| p.claim_count),
        RecordField::IndependentClaimCount => counts(patents, |p| p.independent_claim_count),
        RecordField::Description => strings(patents, |p| p.description.as_deref()),
        RecordField::Ipc => lists(patents, |p| p.ipc.iter().map(ToString::to_string).collect()),
        RecordField::Applicants => lists(patents, |p| each(&p.applicants)),
        RecordField::CurrentAssignees => lists(patents, |p| each(&p.current_assignees)),
        RecordField::Inventors => lists(patents, |p| each(&p.inventors)),
        RecordField::ApplicationDate => dates(patents, |p| p.application_date),
        RecordField::PublicationDate => dates(patents, |p| p.publication_date),
        RecordField::GrantDate => dates(patents, |p| p.grant_date),
        RecordField::LegalStatus => strings(patents, |p| p.legal_status.map(|s| s.as_str())),
        RecordField::LapseDate => dates(patents, |p| p.lapse_date),
        RecordField::Events => strings(patents, |p| {
            (!p.events.is_empty()).then(|| to_json(&p.events))
        }),
        RecordField::CitedPatents => lists(patents, |p| each(&p.cited_patents)),
        RecordField::CitingPatents => lists(patents, |p| each(&p.citing_patents)),
        RecordField::ForwardCitations => counts(patents, |p| p.forward_citations),
        RecordField::FamilyMembers => lists(patents, |p| each(&p.family_members)),
        RecordField::FamilyCountries => lists(patents, |p| each(&p.family_countries)),
        RecordField::Maturity => strings(patents, |p| p.maturity.as_deref()),
        RecordField::ProblemSolved => strings(patents, |p| p.problem_solved.as_deref()),
        RecordField::Advantages => strings(patents, |p| p.advantages.as_deref()),
        RecordField::LicenceTerms => strings(patents, |p| p.licence_terms.as_ref().map(to_json)),
        RecordField::Withdrawn => {
            let mut b = BooleanBuilder::with_capacity(patents.len());
            for p in patents {
                b.append_value(p.withdrawn);
            }
            Arc::new(b.finish())
        }
        other => {
            return Err(Error::Config(format!(
                "{} is an export column, not stored in the archive",
                other.as_str()
            )));
        }
    })
}

fn counts(patents: &[Patent], get: impl Fn(&Patent) -> Option<u32>) -> ArrayRef {
    let mut b = Int64Builder::with_capacity(patents.len());
    for p in patents {
        b.append_option(get(p).map(i64::from));
    }
    Arc::new(b.finish())
}

/// Serialises a small model value (events, licence terms) for the archive's JSON columns.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_files_are_rejected_whole() {
        let mut patent = Patent::new(
            crate::model::ApplicationNumber::parse("CN202110123456.7").unwrap(),
            "甲",
        );
        patent.ipc = vec![crate::model::IpcCode::parse("H01L21/66").unwrap()];
        let bytes = write(Vec::new(), &[patent], &[]).unwrap();
        let table = read("ok.parquet", bytes.clone()).unwrap();
        assert_eq!(table.records.len(), 1);
        let truncated = bytes[..bytes.len() / 2].to_vec();
        let message = read("cut.parquet", truncated).unwrap_err().to_string();
        assert!(
            message.starts_with("cut.parquet: not a readable Parquet file"),
            "{message}"
        );
    }
}
