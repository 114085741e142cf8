//! CSV and TSV batches in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030, with
//! English or Chinese headers.

use serde_json::Value;

use super::RawTable;
use super::raw::{Columns, RawCell, RawRecord};
use super::report::RowIssue;
use crate::error::{Error, Result};

/// Decodes `bytes` to text, naming the encoding found. Invalid bytes reject the file.
pub fn decode(source_name: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(source_name, rest).map(|t| (t, "UTF-8"));
    }
    for (bom, encoding) in [
        (b"\xFF\xFE", encoding_rs::UTF_16LE),
        (b"\xFE\xFF", encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match encoding.decode_without_bom_handling_and_without_replacement(rest) {
                Some(text) => Ok((text.into_owned(), encoding.name())),
                None => Err(Error::malformed(source_name, "invalid UTF-16 text")),
            };
        }
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::malformed(
            source_name,
            format!(
                "row {}: NUL byte at offset {at}: this is a binary file or UTF-16 without a byte-order mark; save it as UTF-8 CSV",
                line_of(bytes, at)
            ),
        ));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), "GB18030")),
        None => {
            let at = first_invalid(bytes);
            Err(Error::malformed(
                source_name,
                format!(
                    "row {}: the text is neither UTF-8 nor GB18030 (invalid bytes at offset {at}); save the file as UTF-8 CSV",
                    line_of(bytes, at)
                ),
            ))
        }
    }
}

fn utf8(source_name: &str, bytes: &[u8]) -> Result<String> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        Error::malformed(
            source_name,
            format!(
                "row {}: not valid UTF-8 although the file starts with a UTF-8 byte-order mark (offset {})",
                line_of(bytes, e.valid_up_to()),
                e.valid_up_to()
            ),
        )
    })
}

/// Offset of the first byte that is invalid as both UTF-8 and GB18030 (approximately: the
/// first invalid UTF-8 byte, which is where a mis-encoded file goes wrong).
fn first_invalid(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    }
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a CSV or TSV batch.
pub fn read(source_name: &str, bytes: &[u8]) -> Result<RawTable> {
    let (text, encoding) = decode(source_name, bytes)?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::malformed(source_name, format!("row 1: unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::malformed(
            source_name,
            "row 1: the header row is empty",
        ));
    }
    let columns = Columns::resolve(source_name, headers, true)?;
    let mut records = Vec::new();
    let mut read_errors = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Error::malformed(source_name, format!("row {line}: {e}"))
        })?;
        let row = record
            .position()
            .map_or(records.len() + 2, |p| p.line() as usize);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.headers.len() {
            read_errors.push(RowIssue {
                row,
                field: None,
                column: None,
                reason: format!(
                    "has {} cells but the header has {} columns (an unquoted comma or line break?)",
                    record.len(),
                    columns.headers.len()
                ),
            });
            continue;
        }
        let cells = record
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.trim().is_empty())
            .filter_map(|(column, cell)| {
                columns.fields[column].map(|field| RawCell {
                    field,
                    column,
                    value: Value::String(cell.to_string()),
                })
            })
            .collect();
        records.push(RawRecord { row, cells });
    }
    Ok(RawTable {
        columns,
        records,
        read_errors,
        encoding: Some(encoding.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "申请号,标题,申请人\nCN202110123456.7,一种压力传感器,清华大学；北京大学\n";

    #[test]
    fn utf8_gb18030_and_bom_read_the_same() {
        let utf8 = read("a.csv", CSV.as_bytes()).unwrap();
        let (gb, _, _) = encoding_rs::GB18030.encode(CSV);
        let gb18030 = read("a.csv", &gb).unwrap();
        let bom = read(
            "a.csv",
            &[b"\xEF\xBB\xBF".as_slice(), CSV.as_bytes()].concat(),
        )
        .unwrap();
        assert_eq!(utf8.records, gb18030.records);
        assert_eq!(utf8.records, bom.records);
        assert_eq!(gb18030.encoding.as_deref(), Some("GB18030"));
        assert_eq!(utf8.records[0].row, 2);
        assert_eq!(utf8.records[0].cells.len(), 3);
    }

    #[test]
    fn tabs_are_detected() {
        let tsv = CSV.replace(',', "\t");
        assert_eq!(read("a.tsv", tsv.as_bytes()).unwrap().records.len(), 1);
    }

    #[test]
    fn wrong_encoding_and_short_rows_are_reported() {
        let mut bytes = CSV.as_bytes().to_vec();
        bytes.extend_from_slice(b"CN202110123457.X,\xff\xfe\x80\n");
        let message = read("bad.csv", &bytes).unwrap_err().to_string();
        assert!(
            message.contains("row 3: the text is neither UTF-8 nor GB18030"),
            "{message}"
        );
        let short = format!("{CSV}CN202110123456.7,only two\n,,\nx\n");
        let table = read("a.csv", short.as_bytes()).unwrap();
        assert_eq!(table.records.len(), 1);
        let rows: Vec<_> = table.read_errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [3, 5]);
        let message = read("a.csv", "申请号,摘要\n1,2\n".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("missing required column title"),
            "{message}"
        );
    }
}
