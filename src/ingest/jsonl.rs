//! JSONL (one JSON object per line) and JSON-array batches.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::raw::{Columns, RawCell, RawRecord};
use super::report::RowIssue;
use super::{MAX_COLUMNS, RawTable};
use crate::error::{Error, Result};

/// One JSON value of a batch: an object with its keys in order (duplicates kept, so they can
/// be reported), or something else.
enum Item {
    Object(Vec<(String, Value)>),
    NotObject,
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Item, D::Error> {
        deserializer.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Item, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(16).min(256));
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            entries.push((key, value));
        }
        Ok(Item::Object(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Item, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Item::NotObject)
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Item, E> {
        Ok(Item::NotObject)
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<Item, E> {
        Ok(Item::NotObject)
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<Item, E> {
        Ok(Item::NotObject)
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<Item, E> {
        Ok(Item::NotObject)
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<Item, E> {
        Ok(Item::NotObject)
    }

    fn visit_unit<E>(self) -> std::result::Result<Item, E> {
        Ok(Item::NotObject)
    }
}

/// Reads JSON Lines, or a JSON array of objects when the text starts with `[`.
pub fn read(source_name: &str, bytes: &[u8]) -> Result<RawTable> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes
            .get(..e.valid_up_to())
            .unwrap_or_default()
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
    let not_object =
        |row: usize| Error::malformed(source_name, format!("row {row}: not a JSON object"));
    let objects: Vec<(usize, Vec<(String, Value)>)> = if text.trim_start().starts_with('[') {
        let items: Vec<Item> = serde_json::from_str(text)
            .map_err(|e| Error::malformed(source_name, format!("not a valid JSON array: {e}")))?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Item::Object(entries) => Ok((i + 1, entries)),
                Item::NotObject => Err(not_object(i + 1)),
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
            .map(|&(line, l)| match serde_json::from_str::<Item>(l) {
                Ok(Item::Object(entries)) => Ok((line, entries)),
                Ok(Item::NotObject) => Err(not_object(line)),
                Err(e) => Err(Error::malformed(
                    source_name,
                    format!("row {line}: not valid JSON: {e}"),
                )),
            })
            .collect::<Result<_>>()?
    };
    let mut columns = Columns::default();
    // Keys are interned through a hash map: a file of many distinct keys costs linear time.
    let mut interned: HashMap<String, usize> = HashMap::new();
    let mut records = Vec::with_capacity(objects.len());
    let mut read_errors = Vec::new();
    // The row in which each column was last seen: a second sighting in one row is a
    // duplicate key.
    let mut seen_in: Vec<usize> = Vec::new();
    for (row, object) in objects {
        let mut cells = Vec::with_capacity(object.len());
        let mut duplicates = Vec::new();
        // Rows almost always share their keys in order: the next key is looked for where the
        // last one was found before the hash map is asked.
        let mut next = 0;
        for (key, value) in object {
            let column = match columns.headers.get(next) {
                Some(header) if *header == key => next,
                _ => match interned.get(&key) {
                    Some(&column) => column,
                    None => {
                        if columns.headers.len() >= MAX_COLUMNS {
                            return Err(Error::malformed(
                                source_name,
                                format!(
                                    "row {row}: the file uses more than {MAX_COLUMNS} distinct keys; a batch has at most that many columns"
                                ),
                            ));
                        }
                        let column = columns.add(&key);
                        interned.insert(key, column);
                        seen_in.push(0);
                        column
                    }
                },
            };
            next = column + 1;
            if seen_in[column] == row {
                duplicates.push(column);
                continue;
            }
            seen_in[column] = row;
            if let Some(field) = columns.fields[column] {
                cells.push(RawCell {
                    field,
                    column,
                    value,
                });
            }
        }
        if duplicates.is_empty() {
            records.push(RawRecord { row, cells });
        } else {
            // Which of the values was meant is unknowable: the row is rejected, naming the key.
            for column in duplicates {
                read_errors.push(RowIssue {
                    row,
                    field: columns.fields[column].map(|f| f.as_str().to_string()),
                    column: columns.headers.get(column).cloned(),
                    reason: format!(
                        "the key '{}' appears more than once in this object",
                        columns.headers[column]
                    ),
                });
            }
        }
    }
    // The keys seen across all rows play the part of a header row.
    let columns = Columns::resolve(source_name, columns.headers, !records.is_empty())?;
    Ok(RawTable {
        columns,
        records,
        read_errors,
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
    fn duplicate_keys_reject_their_row_and_many_keys_the_file() {
        let text = "{\"application_number\":\"CN202110123456.7\",\"title\":\"甲\",\"title\":\"乙\"}\n{\"application_number\":\"CN201919000000.1\",\"title\":\"丙\"}\n";
        let table = read("d.jsonl", text.as_bytes()).unwrap();
        assert_eq!(table.records.len(), 1);
        assert_eq!(table.read_errors.len(), 1);
        assert_eq!(
            table.read_errors[0].to_string(),
            "row 1, field title: the key 'title' appears more than once in this object"
        );
        let many: String = (0..=MAX_COLUMNS)
            .map(|i| format!("{{\"application_number\":\"x\",\"title\":\"t\",\"k{i}\":1}}\n"))
            .collect();
        let message = read("m.jsonl", many.as_bytes()).unwrap_err().to_string();
        assert!(
            message.contains("more than 1024 distinct keys"),
            "{message}"
        );
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
