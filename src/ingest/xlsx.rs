//! XLSX (and XLS/ODS) batches: the first sheet, headers in the first non-empty row, as
//! incoPat and PatSnap export them.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use serde_json::Value;

use super::RawTable;
use super::raw::{Columns, RawCell, RawRecord};
use super::report::RowIssue;
use crate::error::{Error, Result};

/// Reads the first sheet of a workbook.
pub fn read(source_name: &str, bytes: &[u8]) -> Result<RawTable> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| Error::malformed(source_name, format!("not a readable spreadsheet: {e}")))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(Error::malformed(source_name, "the workbook has no sheet"));
    };
    let range = workbook.worksheet_range(&sheet).map_err(|e| {
        Error::malformed(source_name, format!("sheet '{sheet}' is unreadable: {e}"))
    })?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = range.rows().enumerate();
    let Some((header_at, header_cells)) = rows
        .by_ref()
        .find(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
    else {
        return Err(Error::malformed(
            source_name,
            format!("sheet '{sheet}' is empty"),
        ));
    };
    let headers = header_cells.iter().map(cell_text).collect();
    let columns = Columns::resolve(source_name, headers, true).map_err(|e| match e {
        Error::MalformedFile {
            source_name,
            reason,
        } => Error::MalformedFile {
            source_name,
            reason: format!(
                "sheet '{sheet}', row {}: {reason}",
                first_row + header_at + 1
            ),
        },
        other => other,
    })?;
    let mut records = Vec::new();
    let mut read_errors = Vec::new();
    for (offset, cells) in rows {
        let row = first_row + offset + 1;
        let mut raw = Vec::new();
        for (column, cell) in cells.iter().enumerate() {
            let Some(Some(field)) = columns.fields.get(column) else {
                continue;
            };
            let value = match cell {
                Data::Empty => continue,
                Data::Int(i) => Value::from(*i),
                Data::Float(f) => {
                    serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
                }
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    Value::String(s.clone())
                }
                Data::Bool(b) => Value::Bool(*b),
                Data::DateTime(d) => Value::String(
                    excel_date(d.as_f64())
                        .map_or_else(|| d.as_f64().to_string(), |d| d.to_string()),
                ),
                Data::Error(e) => {
                    read_errors.push(RowIssue {
                        row,
                        field: Some(field.as_str().to_string()),
                        column: columns.headers.get(column).cloned(),
                        reason: format!("the cell holds the spreadsheet error {e:?}"),
                    });
                    continue;
                }
            };
            raw.push(RawCell {
                field: *field,
                column,
                value,
            });
        }
        if raw.is_empty() && cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        records.push(RawRecord { row, cells: raw });
    }
    let errored: std::collections::HashSet<usize> = read_errors.iter().map(|e| e.row).collect();
    records.retain(|r| !errored.contains(&r.row));
    Ok(RawTable {
        columns,
        records,
        read_errors,
        encoding: None,
    })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Converts an Excel serial day number (1900 date system) to a date.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    if !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    base.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(excel_date(44201.0), NaiveDate::from_ymd_opt(2021, 1, 5));
        assert_eq!(excel_date(-1.0), None);
    }

    #[test]
    fn garbage_is_not_a_workbook() {
        let message = read("a.xlsx", b"PK\x03\x04 not really a zip")
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("a.xlsx: not a readable spreadsheet"),
            "{message}"
        );
    }
}
