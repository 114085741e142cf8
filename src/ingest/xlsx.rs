//! XLSX (and XLSB, XLS) batches: the first sheet, headers in the first non-empty row, as
//! incoPat and PatSnap export them.
//!
//! A sheet is read cell by cell into sparse rows, so memory follows the cells a file holds,
//! never the size it claims: a value beyond [`super::MAX_COLUMNS`] columns or beyond the batch row
//! limit is refused before anything is allocated for it, and an archive that would unpack to
//! more than [`MAX_UNPACK_RATIO`] times its packed size (a decompression bomb) is refused
//! before the spreadsheet reader opens it. XLS (BIFF) workbooks are parsed whole by calamine,
//! so their cell positions are checked first by [`super::biff`].

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xls, Xlsb, Xlsx};
use chrono::NaiveDate;
use serde_json::Value;

use super::RawTable;
use super::raw::{Columns, RawCell, RawRecord, float_value};
use super::report::RowIssue;
use crate::error::{Error, Result};
use crate::schema::{RecordField, contract};

/// Most columns a sheet may use: a value in a later column refuses the file (Excel allows
/// 16,384).
const MAX_COLUMNS: u32 = super::MAX_COLUMNS as u32;

/// Rows a sheet may have beyond the batch row limit (title, note and blank rows).
pub const MAX_EXTRA_ROWS: usize = 1000;

/// Most bytes all parts of a spreadsheet archive may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 4 << 30;

/// Largest ratio of unpacked to packed size of one archive part (beyond 1 MiB): Apache POI's
/// `ZipSecureFile` refuses parts that inflate more than 100 times, and so do we.
pub const MAX_UNPACK_RATIO: u64 = 100;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The first sheet of a workbook: its name and its non-empty cells by row, then column.
struct Sheet {
    name: String,
    rows: BTreeMap<u32, Vec<(u32, Data)>>,
}

/// Reads the first sheet of a workbook.
pub fn read(source_name: &str, bytes: &[u8]) -> Result<RawTable> {
    let malformed = |reason: String| Error::malformed(source_name, reason);
    let sheet = if bytes.starts_with(ZIP_MAGIC) {
        check_archive(bytes).map_err(malformed)?;
        read_zip(bytes).map_err(malformed)?
    } else if bytes.starts_with(CFB_MAGIC) {
        read_xls(bytes).map_err(malformed)?
    } else {
        return Err(malformed(
            "not a readable spreadsheet: an XLSX, XLSB or XLS file was expected".into(),
        ));
    };
    table(source_name, sheet)
}

/// Refuses an archive whose parts unpack to more than the limits allow, by unpacking each
/// part once into nothing (what the archive's directory says of the sizes is not trusted).
fn check_archive(bytes: &[u8]) -> std::result::Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut part = archive
            .by_index(i)
            .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
        let allowed = part
            .compressed_size()
            .saturating_mul(MAX_UNPACK_RATIO)
            .saturating_add(1 << 20)
            .min(MAX_UNPACKED_BYTES.saturating_sub(total));
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let unpacked = std::io::copy(&mut part.by_ref().take(allowed + 1), &mut std::io::sink())
            .map_err(|e| format!("not a readable spreadsheet: part '{name}': {e}"))?;
        if unpacked > allowed {
            return Err(format!(
                "part '{name}' of the spreadsheet unpacks to more than {allowed} bytes from {} (more than {MAX_UNPACK_RATIO} times its size, or {MAX_UNPACKED_BYTES} bytes in all): refused as a decompression bomb",
                part.compressed_size()
            ));
        }
        total += unpacked;
    }
    Ok(())
}

/// The row and column limits of a sheet (0-based positions).
fn check_position(row: u32, column: u32) -> std::result::Result<(), String> {
    let max_rows = contract().limits.max_rows + MAX_EXTRA_ROWS;
    if column >= MAX_COLUMNS || row as usize >= max_rows {
        return Err(format!(
            "cell {} holds a value beyond the limit of {max_rows} rows × {MAX_COLUMNS} columns; delete what lies outside the table",
            cell_name(row, column)
        ));
    }
    Ok(())
}

/// A cell's name in A1 style (`XFD1048576`).
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// Gathers cells streamed by a sheet reader into sparse rows, checking each position.
fn gather<'a, E: std::fmt::Display>(
    name: String,
    mut next: impl FnMut() -> std::result::Result<Option<calamine::Cell<DataRef<'a>>>, E>,
) -> std::result::Result<Sheet, String> {
    let mut rows: BTreeMap<u32, Vec<(u32, Data)>> = BTreeMap::new();
    while let Some(cell) = next().map_err(|e| format!("sheet '{name}' is unreadable: {e}"))? {
        let (row, column) = cell.get_position();
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        check_position(row, column).map_err(|e| format!("sheet '{name}': {e}"))?;
        rows.entry(row)
            .or_default()
            .push((column, Data::from(value.clone())));
    }
    Ok(Sheet { name, rows })
}

fn read_zip(bytes: &[u8]) -> std::result::Result<Sheet, String> {
    match Xlsx::new(Cursor::new(bytes)) {
        Ok(mut workbook) => {
            let name = first_sheet(workbook.sheet_names())?;
            let mut cells = workbook
                .worksheet_cells_reader(&name)
                .map_err(|e| format!("sheet '{name}' is unreadable: {e}"))?;
            gather(name, || cells.next_cell())
        }
        Err(xlsx_error) => match Xlsb::new(Cursor::new(bytes)) {
            Ok(mut workbook) => {
                let name = first_sheet(workbook.sheet_names())?;
                let mut cells = workbook
                    .worksheet_cells_reader(&name)
                    .map_err(|e| format!("sheet '{name}' is unreadable: {e}"))?;
                gather(name, || cells.next_cell())
            }
            Err(_) if is_ods(bytes) => {
                Err("an OpenDocument spreadsheet (ODS) is not read: save it as XLSX or CSV".into())
            }
            Err(_) => Err(format!("not a readable spreadsheet: {xlsx_error}")),
        },
    }
}

fn is_ods(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|mut archive| {
        archive.by_name("mimetype").is_ok_and(|mut part| {
            let mut text = String::new();
            part.by_ref().take(100).read_to_string(&mut text).is_ok()
                && text.contains("opendocument.spreadsheet")
        })
    })
}

fn read_xls(bytes: &[u8]) -> std::result::Result<Sheet, String> {
    super::biff::check(bytes, check_position)?;
    let mut workbook =
        Xls::new(Cursor::new(bytes)).map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let name = first_sheet(workbook.sheet_names())?;
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| format!("sheet '{name}' is unreadable: {e}"))?;
    let mut rows: BTreeMap<u32, Vec<(u32, Data)>> = BTreeMap::new();
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    for (row, column, value) in range.used_cells() {
        rows.entry(first_row + row as u32)
            .or_default()
            .push((first_column + column as u32, value.clone()));
    }
    Ok(Sheet { name, rows })
}

fn first_sheet(names: Vec<String>) -> std::result::Result<String, String> {
    names
        .into_iter()
        .next()
        .ok_or_else(|| "the workbook has no sheet".to_string())
}

/// A row of a sheet: its index and its non-empty cells.
type SheetRow = (u32, Vec<(u32, Data)>);

/// Rows above the header that an export may have (a title, the query, a note), at most.
const ROWS_ABOVE_HEADER: usize = 10;

/// Turns the sparse rows of a sheet into a raw table. The header is the first non-empty row
/// that names the application number (incoPat and PatSnap exports may put a title or the
/// search query above it), or else the first non-empty row.
fn table(source_name: &str, sheet: Sheet) -> Result<RawTable> {
    let Sheet { name, rows } = sheet;
    let mut rows = rows.into_iter().peekable();
    let names_number = |cells: &[(u32, Data)]| {
        cells.iter().any(|(_, cell)| {
            contract().resolve_header(&cell_text(cell)) == Some(RecordField::ApplicationNumber)
        })
    };
    let mut above = Vec::new();
    while above.len() < ROWS_ABOVE_HEADER {
        match rows.peek() {
            Some((_, cells)) if !names_number(cells) => {
                if let Some(row) = rows.next() {
                    above.push(row);
                }
            }
            _ => break,
        }
    }
    // No row names the number: the first non-empty row is the header (and says what lacks).
    let mut rows: Box<dyn Iterator<Item = SheetRow>> =
        if rows.peek().is_some_and(|(_, cells)| names_number(cells)) {
            Box::new(rows)
        } else {
            Box::new(above.into_iter().chain(rows))
        };
    let Some((header_row, header_cells)) = rows.next() else {
        return Err(Error::malformed(
            source_name,
            format!("sheet '{name}' is empty"),
        ));
    };
    let width = header_cells.iter().map(|(c, _)| *c + 1).max().unwrap_or(0) as usize;
    let mut headers = vec![String::new(); width];
    for (column, cell) in &header_cells {
        if let Some(slot) = headers.get_mut(*column as usize) {
            *slot = cell_text(cell);
        }
    }
    let columns = Columns::resolve(source_name, headers, true).map_err(|e| match e {
        Error::MalformedFile {
            source_name,
            reason,
        } => Error::MalformedFile {
            source_name,
            reason: format!("sheet '{name}', row {}: {reason}", header_row + 1),
        },
        other => other,
    })?;
    let mut records = Vec::new();
    let mut read_errors = Vec::new();
    for (at, cells) in rows {
        let row = at as usize + 1;
        let mut raw = Vec::new();
        let mut broken = false;
        for (column, cell) in cells {
            let column = column as usize;
            let Some(Some(field)) = columns.fields.get(column) else {
                continue;
            };
            let value = match cell {
                Data::Empty => continue,
                Data::Int(i) => Value::from(i),
                Data::Float(f) => float_value(Some(f)),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::String(s),
                Data::Bool(b) => Value::Bool(b),
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
                    broken = true;
                    continue;
                }
            };
            raw.push(RawCell {
                field: *field,
                column,
                value,
            });
        }
        if !broken {
            records.push(RawRecord { row, cells: raw });
        }
    }
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
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 63), "BL10");
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
        let message = read("b.xlsx", b"plain text").unwrap_err().to_string();
        assert!(message.contains("XLSX, XLSB or XLS"), "{message}");
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let rows = [
            vec!["申请号".to_string(), "标题".to_string()],
            vec!["CN202110123456.7".to_string(), "一种压力传感器".to_string()],
        ];
        let plain =
            crate::ingest::write_table_xlsx("导出", &["申请号", "标题"], &rows[1..]).unwrap();
        // The same sheet with an export's title and query rows above the header.
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "incoPat 专利检索结果").unwrap();
        sheet.write_string(1, 0, "检索式：TI=(传感器)").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 3, c as u16, cell).unwrap();
            }
        }
        let titled = workbook.save_to_buffer().unwrap();
        let plain = read("a.xlsx", &plain).unwrap();
        let titled = read("b.xlsx", &titled).unwrap();
        assert_eq!(titled.columns, plain.columns);
        assert_eq!(titled.records[0].cells, plain.records[0].cells);
        assert_eq!(titled.records[0].row, 5, "the row Excel shows");
    }
}
