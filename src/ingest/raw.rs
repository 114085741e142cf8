//! Raw rows: what a reader hands to validation, before any value is interpreted. Every format
//! turns its cells into `serde_json::Value`s keyed by contract field, so one validator serves
//! JSONL, CSV, XLSX and Parquet alike.

use serde_json::Value;

use super::report::RowIssue;
use crate::error::{Error, Result};
use crate::schema::{RecordField, contract};

/// One data row: its number as the file shows it and its cells by field.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    /// Row number as the file shows it.
    pub row: usize,
    /// Cells that map to a contract field, with the header they came from, in column order.
    pub cells: Vec<RawCell>,
}

/// One cell of a raw row.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// The field the column maps to.
    pub field: RecordField,
    /// Index into [`Columns::headers`] (for naming the column in reports).
    pub column: usize,
    /// The raw value.
    pub value: Value,
}

/// The columns of a tabular file and the field each maps to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// Headers as written in the file.
    pub headers: Vec<String>,
    /// The field each header maps to, if any.
    pub fields: Vec<Option<RecordField>>,
}

impl Columns {
    /// Resolves headers against the contract; an empty header row or one without the
    /// required columns makes the file malformed.
    pub fn resolve(
        source_name: &str,
        headers: Vec<String>,
        check_required: bool,
    ) -> Result<Columns> {
        let contract = contract();
        let fields: Vec<_> = headers.iter().map(|h| contract.resolve_header(h)).collect();
        if check_required {
            // A file of withdrawals needs no title column: rows are checked one by one.
            let withdrawals = fields.contains(&Some(RecordField::Withdrawn));
            let missing: Vec<String> = contract
                .required()
                .filter(|f| !(withdrawals && *f == RecordField::Title))
                .filter(|f| !fields.contains(&Some(*f)))
                .map(|f| format!("{} ({})", f.as_str(), f.header_zh()))
                .collect();
            if !missing.is_empty() {
                let found = if headers.is_empty() {
                    "none".to_string()
                } else {
                    headers.join(", ")
                };
                return Err(Error::malformed(
                    source_name,
                    format!(
                        "missing required column {}; columns found: {found}",
                        missing.join(" and ")
                    ),
                ));
            }
        }
        Ok(Columns { headers, fields })
    }

    /// Adds a header (a JSONL key not seen before) and returns its index.
    pub fn add(&mut self, header: &str) -> usize {
        self.headers.push(header.to_string());
        self.fields.push(contract().resolve_header(header));
        self.headers.len() - 1
    }

    /// Returns the headers that map to no field.
    pub fn unknown(&self) -> Vec<String> {
        self.headers
            .iter()
            .zip(&self.fields)
            .filter(|(h, f)| f.is_none() && !h.trim().is_empty())
            .map(|(h, _)| h.clone())
            .collect()
    }

    /// Returns `(header, field)` pairs for the report.
    pub fn understood(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .zip(&self.fields)
            .filter_map(|(h, f)| f.map(|f| (h.clone(), f.as_str().to_string())))
            .collect()
    }
}

/// A float cell as a value. NaN and the infinities are kept as their text (`NaN`, `inf`,
/// `-inf`) so the field's validator rejects them by row and field instead of their becoming
/// silent data gaps (JSON has no NaN: `Value::from` would make them null).
pub fn float_value(value: Option<f64>) -> Value {
    match value {
        None => Value::Null,
        Some(f) if f.is_finite() => Value::from(f),
        Some(f) => Value::String(f.to_string()),
    }
}

/// Whether a character is a control character that text may not carry: the C0 and C1
/// controls and DEL, but for tabs and line breaks.
fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Removes control characters from the string values of a row (lists and JSON values
/// included); returns a warning for each cell they were removed from, naming the first.
pub fn remove_controls(record: &mut RawRecord, columns: &Columns) -> Vec<RowIssue> {
    let mut issues = Vec::new();
    for cell in &mut record.cells {
        let mut first = None;
        strip(&mut cell.value, &mut first);
        if let Some((c, at)) = first {
            issues.push(RowIssue {
                row: record.row,
                field: Some(cell.field.as_str().to_string()),
                column: columns.headers.get(cell.column).cloned(),
                reason: format!(
                    "removed the control character U+{:04X} (at character {at}) and any others from the value",
                    u32::from(c)
                ),
            });
        }
    }
    issues
}

fn strip(value: &mut Value, first: &mut Option<(char, usize)>) {
    match value {
        Value::String(s) => {
            // Fast path: text without a control byte (C1 controls are C2 80..C2 9F in UTF-8).
            let suspicious = s.bytes().any(|b| {
                (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2
            });
            if !suspicious || !s.chars().any(is_stray_control) {
                return;
            }
            if first.is_none() {
                *first = s
                    .chars()
                    .enumerate()
                    .find(|(_, c)| is_stray_control(*c))
                    .map(|(at, c)| (c, at + 1));
            }
            s.retain(|c| !is_stray_control(c));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, first)),
        Value::Object(map) => map.values_mut().for_each(|v| strip(v, first)),
        _ => {}
    }
}

/// Whether a raw value carries nothing (null, empty or blank string, empty list).
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.iter().all(is_empty),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_columns_are_checked_by_alias() {
        let ok = Columns::resolve(
            "a.csv",
            vec!["申请号".into(), "名称".into(), "颜色".into()],
            true,
        )
        .unwrap();
        assert_eq!(ok.fields[0], Some(RecordField::ApplicationNumber));
        assert_eq!(ok.fields[1], Some(RecordField::Title));
        assert_eq!(ok.unknown(), ["颜色"]);
        let err =
            Columns::resolve("a.csv", vec!["申请号".into(), "摘要".into()], true).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("missing required column title (标题)"),
            "{message}"
        );
        assert!(message.contains("申请号, 摘要"), "{message}");
    }

    #[test]
    fn emptiness() {
        assert!(is_empty(&Value::Null));
        assert!(is_empty(&Value::String("  ".into())));
        assert!(is_empty(&serde_json::json!(["", null])));
        assert!(!is_empty(&serde_json::json!(0)));
    }
}
