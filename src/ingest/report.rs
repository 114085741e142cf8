//! The row-level report of reading one batch: what was accepted, what was rejected and why,
//! which fields are missing (data gaps) and which columns were not understood.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem found in one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowIssue {
    /// The row as the file shows it: the line for JSONL and CSV, the sheet row for XLSX
    /// (header = row 1), the 1-based row for Parquet.
    pub row: usize,
    /// The contract field at fault, if the issue concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The column header as written in the file, when it differs from the field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What is wrong, in a sentence.
    pub reason: String,
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        match (&self.field, &self.column) {
            (Some(field), Some(column)) if column != field => {
                write!(f, ", field {field} (column '{column}')")?
            }
            (Some(field), _) => write!(f, ", field {field}")?,
            _ => {}
        }
        write!(f, ": {}", self.reason)
    }
}

/// The headers of the row-issue table ([`BatchReport::issue_rows`]).
pub const ISSUE_HEADERS: [&str; 5] = ["行", "类别", "字段", "列", "原因"];

/// The report of one batch read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchReport {
    /// The file name as submitted.
    pub source_name: String,
    /// The format read (`jsonl`, `csv`, `xlsx`, `parquet`).
    pub format: String,
    /// The text encoding, for CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Data rows read.
    pub rows_total: usize,
    /// Rows accepted (patents plus withdrawals).
    pub rows_accepted: usize,
    /// Rows rejected.
    pub rows_rejected: usize,
    /// Accepted rows that withdraw a patent.
    pub withdrawals: usize,
    /// Why rows were rejected, one entry per problem.
    pub errors: Vec<RowIssue>,
    /// Notes on accepted rows (a value that was ignored, a type inferred from the number).
    pub warnings: Vec<RowIssue>,
    /// For each optional field, how many accepted rows lack it.
    pub gaps: BTreeMap<String, usize>,
    /// How each column header was understood (`header → field`).
    pub columns: Vec<(String, String)>,
    /// Column headers that match no field of the contract (ignored).
    pub unknown_columns: Vec<String>,
    /// Whether the batch replaced whole records (`--replace`) instead of merging corrections.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replaced: bool,
    /// Patents already in the library that this batch changed: which fields, and how their
    /// value and tier moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PatentChange>,
}

/// How a batch changed a patent already in the library.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PatentChange {
    /// Application number.
    pub application_number: String,
    /// The fields whose values changed (contract names).
    pub fields: Vec<String>,
    /// Fields the previous version had that this one lacks: cleared by an empty cell, or
    /// dropped by a replacing batch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleared: Vec<String>,
    /// Value before the batch (`None`: unscored).
    pub value_before: Option<f64>,
    /// Value after it.
    pub value_after: Option<f64>,
    /// Tier before (`A`–`D`, `lapsed`, `unscored`).
    pub tier_before: Option<String>,
    /// Tier after.
    pub tier_after: Option<String>,
}

impl BatchReport {
    /// Returns a one-paragraph human summary (for the CLI).
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{}: {} rows read, {} accepted ({} withdrawals), {} rejected",
            self.source_name,
            self.rows_total,
            self.rows_accepted,
            self.withdrawals,
            self.rows_rejected
        );
        if !self.unknown_columns.is_empty() {
            out.push_str(&format!(
                "; ignored columns: {}",
                self.unknown_columns.join(", ")
            ));
        }
        out
    }
}

impl BatchReport {
    /// Its errors, then its warnings, as rows of the issue table ([`ISSUE_HEADERS`]): the
    /// field by its Chinese header, the column as the file wrote it.
    pub fn issue_rows(&self) -> Vec<Vec<String>> {
        let errors = self.errors.iter().map(|i| ("错误（该行未接收）", i));
        let warnings = self.warnings.iter().map(|i| ("提示（该行已接收）", i));
        errors
            .chain(warnings)
            .map(|(kind, issue)| {
                let field = issue.field.as_deref().map(|f| {
                    crate::schema::RecordField::from_name(f)
                        .map_or_else(|| f.to_string(), |r| r.header_zh().to_string())
                });
                vec![
                    issue.row.to_string(),
                    kind.to_string(),
                    field.unwrap_or_default(),
                    issue.column.clone().unwrap_or_default(),
                    issue.reason.clone(),
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_name_row_field_and_column() {
        let issue = RowIssue {
            row: 7,
            field: Some("application_number".into()),
            column: Some("申请号".into()),
            reason: "check digit is wrong".into(),
        };
        assert_eq!(
            issue.to_string(),
            "row 7, field application_number (column '申请号'): check digit is wrong"
        );
        let bare = RowIssue {
            row: 2,
            field: None,
            column: None,
            reason: "not valid JSON".into(),
        };
        assert_eq!(bare.to_string(), "row 2: not valid JSON");
    }

    #[test]
    fn issue_rows_list_errors_then_warnings_with_chinese_fields() {
        let issue = |row, field: Option<&str>, reason: &str| RowIssue {
            row,
            field: field.map(Into::into),
            column: None,
            reason: reason.into(),
        };
        let report = BatchReport {
            errors: vec![issue(9, Some("application_number"), "bad check digit")],
            warnings: vec![
                issue(3, Some("not_a_field"), "ignored"),
                issue(4, None, "type inferred"),
            ],
            ..BatchReport::default()
        };
        let rows = report.issue_rows();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][..3], ["9", "错误（该行未接收）", "申请号"]);
        assert_eq!(rows[0][4], "bad check digit");
        assert_eq!(rows[1][..3], ["3", "提示（该行已接收）", "not_a_field"]);
        assert_eq!(rows[2][2], "");
        assert!(rows.iter().all(|r| r.len() == ISSUE_HEADERS.len()));
    }
}
