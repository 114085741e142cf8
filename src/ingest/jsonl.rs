//! JSONL (one JSON object per line) and JSON-array batches.

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::RawTable;
use super::raw::{Columns, RawCell, RawRecord};
use crate::error::{Error, Result};

/// Reads JSON Lines, or a JSON array of objects when the text starts with `[`.
pub fn read(source_name: &str, bytes: &[u8]) -> Result<RawTable> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::malformed(
            source_name,
            format!(
                "row {line}: not valid UTF-8 (JSON must be UTF-8; byte offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let objects: Vec<(usize, Map<String, Value>)> = if text.trim_start().starts_with('[') {
        let items: Vec<Value> = serde_json::from_str(text)
            .map_err(|e| Error::malformed(source_name, format!("not a valid JSON array: {e}")))?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(map) => Ok((i + 1, map)),
                _ => Err(Error::malformed(
                    source_name,
                    format!("row {}: not a JSON object", i + 1),
                )),
            })
            .collect::<Result<_>>()?
    } else {
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        lines
            .par_iter()
            .map(|&(line, l)| match serde_json::from_str::<Value>(l) {
                Ok(Value::Object(map)) => Ok((line, map)),
                Ok(_) => Err(Error::malformed(
                    source_name,
                    format!("row {line}: not a JSON object"),
                )),
                Err(e) => Err(Error::malformed(
                    source_name,
                    format!("row {line}: not valid JSON: {e}"),
                )),
            })
            .collect::<Result<_>>()?
    };
    let mut columns = Columns::default();
    let mut records = Vec::with_capacity(objects.len());
    for (row, object) in objects {
        let mut cells = Vec::with_capacity(object.len());
        // Rows almost always share their keys: the next key is looked for where the last one
        // was found first.
        let mut next = 0;
        for (key, value) in object {
            let column = match columns.headers.get(next) {
                Some(header) if *header == key => next,
                _ => columns.intern(&key),
            };
            next = column + 1;
            if let Some(field) = columns.fields[column] {
                cells.push(RawCell {
                    field,
                    column,
                    value,
                });
            }
        }
        records.push(RawRecord { row, cells });
    }
    // The keys seen across all rows play the part of a header row.
    let columns = Columns::resolve(source_name, columns.headers, !records.is_empty())?;
    Ok(RawTable {
        columns,
        records,
        read_errors: Vec::new(),
        encoding: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::RecordField;

    #[test]
    fn lines_and_arrays_read_alike() {
        let lines = "{\"申请号\":\"CN202110123456.7\",\"title\":\"甲\",\"colour\":1}\n\n{\"application_number\":\"2021101234567\",\"title\":\"乙\"}\n";
        let table = read("a.jsonl", lines.as_bytes()).unwrap();
        assert_eq!(table.records.len(), 2);
        assert_eq!(table.records[1].row, 3);
        assert!(
            table.records[0]
                .cells
                .iter()
                .any(|c| c.field == RecordField::ApplicationNumber)
        );
        assert_eq!(table.columns.unknown(), ["colour"]);
        let array = r#"[{"application_number":"CN202110123456.7","title":"甲"}]"#;
        assert_eq!(read("a.json", array.as_bytes()).unwrap().records.len(), 1);
    }

    #[test]
    fn broken_lines_reject_the_file_naming_the_row() {
        let text = "{\"application_number\":\"CN202110123456.7\",\"title\":\"甲\"}\n{\"application_number\": \"CN20";
        let message = read("a.jsonl", text.as_bytes()).unwrap_err().to_string();
        assert!(
            message.starts_with("a.jsonl: row 2: not valid JSON"),
            "{message}"
        );
        let message = read("b.jsonl", b"{\"title\":\"x\"}\n")
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("missing required column application_number"),
            "{message}"
        );
        let message = read("c.jsonl", b"{\"title\":\"\xff\"}")
            .unwrap_err()
            .to_string();
        assert!(message.contains("row 1: not valid UTF-8"), "{message}");
    }
}
