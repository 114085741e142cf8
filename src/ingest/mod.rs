//! File formats: JSONL, CSV (UTF-8 or GB18030), XLSX and Parquet in, validated [`Patent`]s and
//! a row-level [`BatchReport`] out; and the writers for the same formats.
//!
//! The only user of the csv, calamine, parquet and arrow readers. A file that cannot be read
//! at all is rejected whole with [`Error::MalformedFile`](crate::Error::MalformedFile); a
//! readable file with some bad rows yields the good rows and names the bad ones by row and
//! field.

mod biff;
mod delimited;
mod jsonl;
mod merge;
mod parquet;
mod raw;
mod report;
mod validate;
mod values;
mod write;
mod xlsx;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;

pub use self::parquet::{canonical_schema, write as write_parquet};
pub use merge::{FieldSet, changed_fields, merge};
pub use raw::{Columns, RawCell, RawRecord};
pub use report::PatentChange;
pub use report::{BatchReport, ISSUE_HEADERS, RowIssue};
pub use validate::gaps;
pub use write::{
    HeaderLanguage, append_csv, cell_text, cell_text_zh, stored_fields, write_csv, write_jsonl,
    write_table_csv, write_table_xlsx, write_xlsx,
};

use crate::error::{Error, Result};
use crate::model::Patent;
use crate::schema::{RecordField, contract};

/// Most columns (or distinct JSON keys) a batch file may have: exports have a few hundred at
/// most, and a file with more is refused before its rows are read.
pub const MAX_COLUMNS: usize = 1024;

/// The file formats a batch may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines (or a JSON array of objects).
    Jsonl,
    /// Comma- or tab-separated values.
    Csv,
    /// An Excel workbook (first sheet); XLS and ODS are read too.
    Xlsx,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// Infers the format from a file extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "jsonl" | "ndjson" | "json" => Format::Jsonl,
            "csv" | "tsv" | "txt" => Format::Csv,
            "xlsx" | "xlsm" | "xls" | "ods" => Format::Xlsx,
            "parquet" | "pq" => Format::Parquet,
            _ => return None,
        })
    }

    /// Parses a format name (`jsonl`, `csv`, `xlsx`, `parquet`) or a media type.
    pub fn parse(name: &str) -> Option<Format> {
        let name = name
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Some(match name.as_str() {
            "jsonl"
            | "json"
            | "ndjson"
            | "application/jsonl"
            | "application/x-ndjson"
            | "application/json"
            | "application/jsonlines" => Format::Jsonl,
            "csv" | "tsv" | "text/csv" | "text/tab-separated-values" => Format::Csv,
            "xlsx"
            | "xls"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-excel" => Format::Xlsx,
            "parquet" | "application/vnd.apache.parquet" | "application/x-parquet" => {
                Format::Parquet
            }
            _ => return None,
        })
    }

    /// Returns the format's short name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Parquet => "parquet",
        }
    }
}

/// What a format reader produces: columns, raw rows and rows it could not split into cells.
#[derive(Debug, Default)]
pub struct RawTable {
    /// The file's columns and the fields they map to.
    pub columns: Columns,
    /// The data rows.
    pub records: Vec<RawRecord>,
    /// Rows rejected while reading (wrong cell count, spreadsheet error cells).
    pub read_errors: Vec<RowIssue>,
    /// The text encoding found (CSV only).
    pub encoding: Option<String>,
}

/// The accepted rows of one batch file and its report.
#[derive(Debug, Clone, Default)]
pub struct ParsedBatch {
    /// Accepted patents and withdrawals, in file order.
    pub patents: Vec<Patent>,
    /// The row each accepted patent came from (`rows[i]` for `patents[i]`).
    pub rows: Vec<usize>,
    /// The fields each accepted row carried (`supplied[i]` for `patents[i]`): the columns of a
    /// CSV, XLSX or Parquet file, the keys of a JSONL line. A correction merges only these.
    pub supplied: Vec<FieldSet>,
    /// The report: counts, row errors, warnings, data gaps, columns.
    pub report: BatchReport,
}

/// Reads the raw rows of a file without validating them.
pub fn read_table(source_name: &str, bytes: Vec<u8>, format: Format) -> Result<RawTable> {
    let limits = &contract().limits;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Error::malformed(
            source_name,
            format!(
                "the file is {} bytes; the limit is {}",
                bytes.len(),
                limits.max_file_bytes
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::malformed(source_name, "the file is empty"));
    }
    let table = match format {
        Format::Jsonl => jsonl::read(source_name, &bytes)?,
        Format::Csv => delimited::read(source_name, &bytes)?,
        Format::Xlsx => xlsx::read(source_name, &bytes)?,
        Format::Parquet => parquet::read(source_name, bytes)?,
    };
    let rows = table.records.len() + table.read_errors.len();
    if rows == 0 {
        return Err(Error::malformed(
            source_name,
            "the file has a header but no data rows",
        ));
    }
    if rows > limits.max_rows {
        return Err(Error::malformed(
            source_name,
            format!(
                "{rows} data rows; the limit is {} (split the batch)",
                limits.max_rows
            ),
        ));
    }
    Ok(table)
}

/// Reads and validates a batch file. `today` bounds plausible dates.
pub fn read_batch(
    source_name: &str,
    bytes: Vec<u8>,
    format: Format,
    today: NaiveDate,
) -> Result<ParsedBatch> {
    let table = read_table(source_name, bytes, format)?;
    Ok(validate_table(source_name, format, table, today))
}

/// Validates the rows of a table (in parallel) and builds the report.
pub fn validate_table(
    source_name: &str,
    format: Format,
    table: RawTable,
    today: NaiveDate,
) -> ParsedBatch {
    let RawTable {
        columns,
        records,
        read_errors,
        encoding,
    } = table;
    let mut records = records;
    let header_fields: FieldSet = columns.fields.iter().flatten().copied().collect();
    let supplied_by_row: HashMap<usize, FieldSet> = records
        .iter()
        .map(|r| {
            let fields = match format {
                // A JSON line carries its own keys (`null` among them: that clears a field).
                Format::Jsonl => r.cells.iter().map(|c| c.field).collect(),
                // A table carries its columns; an empty cell clears its field.
                _ => header_fields,
            };
            (r.row, fields)
        })
        .collect();
    // Control characters are removed from every value first, each removal a warning of its
    // row: text is shown in terminals, browsers and spreadsheets, where an escape sequence
    // or a NUL would act instead of being read, and a stray one is no reason to lose a patent.
    let outcomes: Vec<_> = records
        .par_iter_mut()
        .map(|record| {
            let removed = raw::remove_controls(record, &columns);
            let mut outcome = validate::validate(record, &columns, today);
            outcome.warnings.splice(0..0, removed);
            (record.row, outcome)
        })
        .collect();
    let mut report = BatchReport {
        source_name: source_name.to_string(),
        format: format.as_str().to_string(),
        encoding,
        rows_total: records.len() + read_errors.len(),
        columns: columns.understood(),
        unknown_columns: columns.unknown(),
        errors: read_errors,
        ..BatchReport::default()
    };
    let institution_given = records
        .iter()
        .any(|r| r.cells.iter().any(|c| c.field == RecordField::Institution));
    let institution_column = columns
        .fields
        .iter()
        .position(|f| *f == Some(RecordField::Institution));
    if let (true, Some(at)) = (institution_given, institution_column) {
        report.warnings.push(RowIssue {
            row: 1,
            field: Some("institution".into()),
            column: columns.headers.get(at).cloned(),
            reason: "ignored: patents belong to the institution that submits the batch".into(),
        });
    }
    // Rows naming the same application number are ambiguous: all of them are rejected.
    let mut rows_by_number: HashMap<String, Vec<usize>> = HashMap::new();
    for (row, outcome) in &outcomes {
        if let Some(p) = &outcome.patent {
            rows_by_number
                .entry(p.application_number.to_string())
                .or_default()
                .push(*row);
        }
    }
    // Export tools list the A and B publications of one application as two rows: they merge
    // into one patent (the later publication wins each field it has), first row's place.
    let by_row: HashMap<usize, (&Patent, FieldSet)> = outcomes
        .iter()
        .filter_map(|(row, o)| {
            let fields = supplied_by_row.get(row).copied().unwrap_or(FieldSet::ALL);
            o.patent.as_ref().map(|p| (*row, (p, fields)))
        })
        .collect();
    let mut publications: HashMap<usize, (Patent, FieldSet, Vec<usize>)> = HashMap::new();
    for rows in rows_by_number.values().filter(|rows| rows.len() > 1) {
        let group: Vec<(&Patent, FieldSet)> = rows.iter().map(|r| by_row[r]).collect();
        if let Some((patent, fields)) = merge::merge_publications(&group) {
            publications.insert(rows[0], (patent, fields, rows[1..].to_vec()));
        }
    }
    let merged_away: HashSet<usize> = publications
        .values()
        .flat_map(|(_, _, others)| others.iter().copied())
        .collect();
    let mut patents = Vec::with_capacity(outcomes.len());
    let mut accepted_rows = Vec::with_capacity(outcomes.len());
    let mut supplied = Vec::with_capacity(outcomes.len());
    for (row, outcome) in outcomes {
        report.errors.extend(outcome.errors);
        let Some(mut patent) = outcome.patent else {
            continue;
        };
        if merged_away.contains(&row) {
            report.warnings.extend(outcome.warnings);
            continue;
        }
        let mut fields = supplied_by_row.get(&row).copied().unwrap_or(FieldSet::ALL);
        if let Some((merged, merged_fields, others)) = publications.remove(&row) {
            report.warnings.push(RowIssue {
                row,
                field: Some("publication_numbers".into()),
                column: None,
                reason: format!(
                    "merged with row {}: {} are publications of one application ({}); the later publication's values are kept",
                    others.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    merged.publication_numbers.join(", "),
                    merged.application_number
                ),
            });
            patent = merged;
            fields = merged_fields;
        }
        let rows = &rows_by_number[patent.application_number.as_str()];
        if rows.len() > 1 && !rows.iter().any(|r| merged_away.contains(r)) {
            let others: Vec<String> = rows
                .iter()
                .filter(|&&r| r != row)
                .map(ToString::to_string)
                .collect();
            report.errors.push(RowIssue {
                row,
                field: Some("application_number".into()),
                column: None,
                reason: format!(
                    "{} also appears in row {} of this batch; duplicate rows are all rejected",
                    patent.application_number,
                    others.join(", ")
                ),
            });
            continue;
        }
        report.warnings.extend(outcome.warnings);
        if patent.withdrawn {
            report.withdrawals += 1;
        } else {
            for field in validate::gaps(&patent) {
                *report.gaps.entry(field.as_str().to_string()).or_default() += 1;
            }
        }
        patents.push(patent);
        accepted_rows.push(row);
        supplied.push(fields);
    }
    report.errors.sort_by_key(|e| e.row);
    report.warnings = once_per_file(std::mem::take(&mut report.warnings));
    report.warnings.sort_by_key(|e| e.row);
    report.rows_accepted = patents.len() + merged_away.len();
    report.rows_rejected = report.rows_total - report.rows_accepted;
    ParsedBatch {
        patents,
        rows: accepted_rows,
        supplied,
        report,
    }
}

/// Notes that hold for a whole column (two columns giving one field, as exports give
/// 法律状态 beside 简单法律状态) are said once for the file, at its header row, with the rows
/// they concern, not once per row.
fn once_per_file(warnings: Vec<RowIssue>) -> Vec<RowIssue> {
    let mut kept = Vec::with_capacity(warnings.len());
    let mut columns: Vec<(RowIssue, Vec<usize>)> = Vec::new();
    for warning in warnings {
        if !warning.reason.starts_with("a second column") {
            kept.push(warning);
            continue;
        }
        match columns
            .iter_mut()
            .find(|(w, _)| w.field == warning.field && w.column == warning.column)
        {
            Some((_, rows)) => rows.push(warning.row),
            None => {
                let row = warning.row;
                columns.push((warning, vec![row]));
            }
        }
    }
    for (mut warning, mut rows) in columns {
        rows.sort_unstable();
        let listed: Vec<String> = rows.iter().take(10).map(ToString::to_string).collect();
        let more = if rows.len() > 10 { ", …" } else { "" };
        warning.reason = format!(
            "{} (where the two differ: {} rows, {}{more})",
            warning.reason,
            rows.len(),
            listed.join(", ")
        );
        warning.row = 1;
        kept.push(warning);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn duplicates_are_all_rejected_and_gaps_counted() {
        let text = "申请号,标题,摘要\nCN202110123456.7,甲,有摘要\n2021101234567,乙,\nCN201919000000.1,丙,\n";
        let batch = read_batch("d.csv", text.as_bytes().to_vec(), Format::Csv, today()).unwrap();
        assert_eq!(batch.patents.len(), 1);
        assert_eq!(batch.report.rows_rejected, 2);
        let first = batch.report.errors[0].to_string();
        assert_eq!(
            first,
            "row 2, field application_number: CN202110123456.7 also appears in row 3 of this batch; duplicate rows are all rejected"
        );
        assert_eq!(batch.report.gaps["abstract"], 1);
    }

    #[test]
    fn the_a_and_b_publications_of_one_application_merge() {
        let text = "申请号,公开号,标题,摘要,公开日,授权日,法律状态\n\
            CN202110123456.7,CN113000001A,一种压力传感器,本发明公开了一种压力传感器。,2021-05-01,,审中\n\
            CN202110123456.7,CN113000001B,一种压力传感器,,2022-08-01,2022-08-01,有效\n\
            CN201919000000.1,CN110000002A,丙,,,,\n\
            CN201919000000.1,CN110000002A,丙,,,,\n";
        let batch = read_batch("ab.csv", text.as_bytes().to_vec(), Format::Csv, today()).unwrap();
        assert_eq!(batch.patents.len(), 1, "{:?}", batch.report.errors);
        let patent = &batch.patents[0];
        assert_eq!(patent.publication_numbers, ["CN113000001A", "CN113000001B"]);
        assert_eq!(
            patent.legal_status,
            Some(crate::model::LegalStatus::InForce)
        );
        assert_eq!(patent.grant_date, NaiveDate::from_ymd_opt(2022, 8, 1));
        assert_eq!(
            patent.abstract_text.as_deref(),
            Some("本发明公开了一种压力传感器。"),
            "a field the later row lacks is kept"
        );
        assert_eq!(
            (batch.report.rows_accepted, batch.report.rows_rejected),
            (2, 2)
        );
        assert!(
            batch
                .report
                .warnings
                .iter()
                .any(|w| w.reason.contains("merged with row 3"))
        );
        // The same publication twice is a true duplicate: both rows are rejected.
        assert!(batch.report.errors.iter().all(|e| e.row >= 4));
    }

    #[test]
    fn simple_and_detailed_status_read_as_one_and_conflicts_are_noted_once_per_file() {
        let text = "申请号,标题,法律状态,简单法律状态\n\
            CN202110123456.7,甲,专利权期限届满,失效\n\
            CN201919000000.1,乙,授权,失效\n\
            CN202010000000.7,丙,授权,有效\n\
            CN202210000000.6,丁,实质审查,有效\n";
        let batch = read_batch("ls.csv", text.as_bytes().to_vec(), Format::Csv, today()).unwrap();
        assert_eq!(batch.report.rows_accepted, 4, "{:?}", batch.report.errors);
        let notes: Vec<&RowIssue> = batch
            .report
            .warnings
            .iter()
            .filter(|w| w.field.as_deref() == Some("legal_status"))
            .collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].row, 1);
        assert!(
            notes[0].reason.contains("2 rows, 3, 5"),
            "{}",
            notes[0].reason
        );
        use crate::model::LegalStatus;
        let statuses: Vec<Option<LegalStatus>> =
            batch.patents.iter().map(|p| p.legal_status).collect();
        // 失效 beside 期限届满 is the expiry, not a lapse.
        assert_eq!(
            statuses,
            [
                Some(LegalStatus::Expired),
                Some(LegalStatus::InForce),
                Some(LegalStatus::InForce),
                Some(LegalStatus::Pending)
            ]
        );
    }

    #[test]
    fn formats_from_names() {
        assert_eq!(Format::from_path(Path::new("a.XLSX")), Some(Format::Xlsx));
        assert_eq!(
            Format::parse("text/csv; charset=gb18030"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::parse("application/vnd.apache.parquet"),
            Some(Format::Parquet)
        );
        assert_eq!(Format::parse("image/png"), None);
    }

    #[test]
    fn empty_and_header_only_files_are_malformed() {
        let e = read_batch("e.csv", b"  \n".to_vec(), Format::Csv, today()).unwrap_err();
        assert_eq!(e.to_string(), "e.csv: the file is empty");
        let e = read_batch(
            "h.csv",
            "申请号,标题\n".as_bytes().to_vec(),
            Format::Csv,
            today(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no data rows"));
    }

    use proptest::prelude::*;

    /// Reads and validates `bytes` as `format`: any outcome but a panic is fine.
    fn read_any(bytes: Vec<u8>, format: Format) {
        if let Err(e) = read_batch("any", bytes, format, today()) {
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{e}");
        }
    }

    /// A valid file of each format, to be damaged.
    fn valid(format: Format) -> Vec<u8> {
        let mut patents = Vec::new();
        for (number, title) in [
            ("CN202110123456.7", "一种压力传感器"),
            ("CN201919000000.1", "一种测试方法"),
        ] {
            let mut p = Patent::new(
                crate::model::ApplicationNumber::parse(number).unwrap(),
                title,
            );
            p.applicants = vec!["清华大学".into()];
            p.ipc = vec![crate::model::IpcCode::parse("H01L21/66").unwrap()];
            p.application_date = NaiveDate::from_ymd_opt(2021, 1, 5);
            patents.push(p);
        }
        match format {
            Format::Jsonl => write_jsonl(Vec::new(), &patents).unwrap(),
            Format::Csv => write_csv(Vec::new(), &patents, HeaderLanguage::Chinese, false).unwrap(),
            Format::Xlsx => write_xlsx(&patents).unwrap(),
            Format::Parquet => write_parquet(Vec::new(), &patents, &[]).unwrap(),
        }
    }

    fn format() -> impl Strategy<Value = Format> {
        prop_oneof![
            Just(Format::Jsonl),
            Just(Format::Csv),
            Just(Format::Xlsx),
            Just(Format::Parquet)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary bytes, in any format, are rows or a typed error.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), format in format()) {
            read_any(bytes, format);
        }

        /// Text shaped like a CSV or JSON batch (quotes, separators, line breaks, BOMs,
        /// numbers and Chinese) is rows or a typed error.
        #[test]
        fn batch_shaped_text_never_panics(
            text in "(申请号,标题,摘要\\n|\\u{FEFF}application_number\\ttitle\\n)?([\"',;\\t\\r\\n{}:\\[\\]中电池0-9CN.]{0,80})",
            format in format(),
        ) {
            read_any(text.into_bytes(), format);
        }

        /// A valid file of each format with bytes overwritten, cut or repeated is rows or a
        /// typed error: the readers of ZIP, XML, Parquet and JSON never trust a damaged file.
        #[test]
        fn damaged_files_never_panic(
            format in format(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut bytes = valid(format);
            for (at, byte) in edits {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()));
            }
            read_any(bytes, format);
        }
    }
}
