//! Writers for JSONL, CSV (English or Chinese headers, optional UTF-8 BOM for Excel) and XLSX
//! in the record contract. Parquet writing lives beside its reader.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

use crate::error::{Error, Result};
use crate::model::{EventKind, Patent};
use crate::schema::{EventColumn, RecordField, contract};

/// Which header names a written file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLanguage {
    /// The contract names (`application_number`, `title`, …).
    English,
    /// The main Chinese aliases (`申请号`, `标题`, …), as Chinese exports have them.
    Chinese,
}

fn header(field: RecordField, language: HeaderLanguage) -> &'static str {
    match language {
        HeaderLanguage::English => field.as_str(),
        HeaderLanguage::Chinese => field.header_zh(),
    }
}

/// The stored fields in contract order: the columns of every file written in the contract's
/// layout (the event columns of export layouts are folded into `events`).
pub fn stored_fields() -> Vec<RecordField> {
    contract()
        .fields
        .iter()
        .map(|s| s.name)
        .filter(|f| f.is_stored())
        .collect()
}

/// Returns a field of a patent as cell text (lists joined with `separator`), or `None`.
/// An event column (转让次数, 受让人, 转让执行日) gives what export tools write there for the
/// patent's events of its kind.
pub fn cell_text(patent: &Patent, field: RecordField, separator: &str) -> Option<String> {
    let join = |items: &[String]| (!items.is_empty()).then(|| items.join(separator));
    if let Some((kind, column)) = field.event_column() {
        return event_cell(patent, kind, column, separator);
    }
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    match field {
        RecordField::ApplicationNumber => Some(patent.application_number.to_string()),
        RecordField::PublicationNumbers => join(&patent.publication_numbers),
        RecordField::PatentType => patent.patent_type.map(|t| t.as_str().to_string()),
        RecordField::Institution => patent.institution.clone(),
        RecordField::Title => (!patent.title.is_empty()).then(|| patent.title.clone()),
        RecordField::Abstract => patent.abstract_text.clone(),
        RecordField::Claims => patent.claims.clone(),
        RecordField::FirstClaim => patent.first_claim.clone(),
        RecordField::IndependentClaims => patent.independent_claims.clone(),
        RecordField::ClaimCount => patent.claim_count.map(|n| n.to_string()),
        RecordField::IndependentClaimCount => patent.independent_claim_count.map(|n| n.to_string()),
        RecordField::Description => patent.description.clone(),
        RecordField::Ipc => {
            let codes: Vec<String> = patent.ipc.iter().map(ToString::to_string).collect();
            join(&codes)
        }
        RecordField::Applicants => join(&patent.applicants),
        RecordField::CurrentAssignees => join(&patent.current_assignees),
        RecordField::Inventors => join(&patent.inventors),
        RecordField::ApplicationDate => patent.application_date.map(|d| d.to_string()),
        RecordField::PublicationDate => patent.publication_date.map(|d| d.to_string()),
        RecordField::GrantDate => patent.grant_date.map(|d| d.to_string()),
        RecordField::LegalStatus => patent.legal_status.map(|s| s.as_str().to_string()),
        RecordField::LapseDate => date(patent.lapse_date),
        // Events with notes are written as JSON (notes may hold any separator); plain ones as
        // the readable `kind:date` list.
        RecordField::Events if patent.events.iter().any(|e| e.note.is_some()) => {
            serde_json::to_string(&patent.events).ok()
        }
        RecordField::Events => event_list(patent, separator, EventKind::as_str),
        RecordField::CitedPatents => join(&patent.cited_patents),
        RecordField::CitingPatents => join(&patent.citing_patents),
        RecordField::ForwardCitations => patent.forward_citations.map(|n| n.to_string()),
        RecordField::FamilyMembers => join(&patent.family_members),
        RecordField::FamilyCountries => join(&patent.family_countries),
        RecordField::Maturity => patent.maturity.clone(),
        RecordField::ProblemSolved => patent.problem_solved.clone(),
        RecordField::Advantages => patent.advantages.clone(),
        RecordField::LicenceTerms => patent
            .licence_terms
            .as_ref()
            .and_then(|t| serde_json::to_string(t).ok()),
        RecordField::Withdrawn => patent.withdrawn.then(|| "true".to_string()),
        // Event columns were answered above.
        _ => None,
    }
}

/// What an export column of one kind of event holds for `patent`: the number of its events
/// of that kind, the party each names under the column's role, or their dates.
fn event_cell(
    patent: &Patent,
    kind: EventKind,
    column: EventColumn,
    separator: &str,
) -> Option<String> {
    let events = patent.events.iter().filter(|e| e.kind == kind);
    let items: Vec<String> = match column {
        EventColumn::Count => {
            let n = events.count();
            return (n > 0).then(|| n.to_string());
        }
        EventColumn::Party(role) => events
            .filter_map(|e| party(e.note.as_deref()?, role))
            .collect(),
        EventColumn::Dates => events
            .filter_map(|e| e.date.map(|d| d.to_string()))
            .collect(),
    };
    (!items.is_empty()).then(|| items.join(separator))
}

/// The name an event note gives under `role` (`受让人` in `转让人：甲；受让人：乙`).
pub fn party(note: &str, role: &str) -> Option<String> {
    note.split(['；', ';']).find_map(|part| {
        let (r, name) = part.split_once(['：', ':'])?;
        (r.trim() == role).then(|| name.trim().to_string())
    })
}

/// Plain events as the readable `kind:date` list, each kind named by `name`.
fn event_list(
    patent: &Patent,
    separator: &str,
    name: fn(EventKind) -> &'static str,
) -> Option<String> {
    let items: Vec<String> = patent
        .events
        .iter()
        .map(|e| match e.date {
            Some(d) => format!("{}:{d}", name(e.kind)),
            None => name(e.kind).to_string(),
        })
        .collect();
    (!items.is_empty()).then(|| items.join(separator))
}

/// A field as a Chinese table shows it: statuses, types, event kinds and flags in Chinese
/// (`有效`, `发明`, `许可:2022-03-01`, `是`), which the readers take back; the rest as
/// [`cell_text`].
pub fn cell_text_zh(patent: &Patent, field: RecordField, separator: &str) -> Option<String> {
    match field {
        RecordField::PatentType => patent.patent_type.map(|t| t.label_zh().to_string()),
        RecordField::LegalStatus => patent.legal_status.map(|s| s.label_zh().to_string()),
        RecordField::Events if patent.events.iter().all(|e| e.note.is_none()) => {
            event_list(patent, separator, EventKind::label_zh)
        }
        RecordField::Withdrawn => patent.withdrawn.then(|| "是".to_string()),
        _ => cell_text(patent, field, separator),
    }
}

fn cell_in(patent: &Patent, field: RecordField, language: HeaderLanguage) -> Option<String> {
    match language {
        HeaderLanguage::English => cell_text(patent, field, "；"),
        HeaderLanguage::Chinese => cell_text_zh(patent, field, "；"),
    }
}

/// Writes one JSON object per line.
pub fn write_jsonl<W: Write>(mut out: W, patents: &[Patent]) -> Result<W> {
    for patent in patents {
        serde_json::to_writer(&mut out, patent)?;
        out.write_all(b"\n")
            .map_err(|e| Error::io("jsonl output", e))?;
    }
    Ok(out)
}

/// Writes CSV with every contract field as a column; lists are joined with `；`.
pub fn write_csv<W: Write>(
    mut out: W,
    patents: &[Patent],
    language: HeaderLanguage,
    bom: bool,
) -> Result<W> {
    if bom {
        out.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| Error::io("csv output", e))?;
    }
    let mut writer = csv::Writer::from_writer(out);
    let fields = stored_fields();
    writer
        .write_record(fields.iter().map(|f| header(*f, language)))
        .map_err(csv_error)?;
    csv_rows(writer, patents, language)
}

/// Writes a plain table as CSV (headers, then rows), optionally with a UTF-8 BOM for Excel.
pub fn write_table_csv<W: Write>(
    mut out: W,
    headers: &[&str],
    rows: &[Vec<String>],
    bom: bool,
) -> Result<W> {
    if bom {
        out.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| Error::io("csv output", e))?;
    }
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(headers).map_err(csv_error)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(csv_error)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::io("csv output", std::io::Error::other(e.to_string())))
}

/// Appends CSV rows (no header) in the column order of [`write_csv`], values in `language`.
pub fn append_csv<W: Write>(out: W, patents: &[Patent], language: HeaderLanguage) -> Result<W> {
    csv_rows(csv::Writer::from_writer(out), patents, language)
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell as a spreadsheet will show it and never run it: text that starts like a formula
/// (`=HYPERLINK(…)`, `+1`, `@SUM`) gets a leading `'`, which Excel and LibreOffice read as
/// "text follows" and hide. Plain numbers such as `-0.5` are left alone. [`restore`] undoes it
/// when such a file is read back.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let formula = cell.starts_with(FORMULA_STARTS) && cell.trim().parse::<f64>().is_err();
    // A cell that already reads as neutralised gets a second `'`, so reading back is exact.
    if formula || restore(cell).len() < cell.len() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`neutralise`]: a cell read from CSV that is `'` before a formula start loses the `'`.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

fn csv_error(e: csv::Error) -> Error {
    Error::io("csv output", std::io::Error::other(e))
}

fn csv_rows<W: Write>(
    mut writer: csv::Writer<W>,
    patents: &[Patent],
    language: HeaderLanguage,
) -> Result<W> {
    let fields = stored_fields();
    for patent in patents {
        writer
            .write_record(fields.iter().map(|f| {
                let text = cell_in(patent, *f, language).unwrap_or_default();
                neutralise(&text).into_owned()
            }))
            .map_err(csv_error)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::io("csv output", std::io::Error::other(e.to_string())))
}

/// Writes a plain table as an XLSX workbook with one sheet named `sheet`: a bold, frozen
/// header row, cells that are plain numbers as numbers, the rest as text (so nothing in it is
/// ever run as a formula).
pub fn write_table_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>> {
    let xlsx_error =
        |e: rust_xlsxwriter::XlsxError| Error::io("xlsx output", std::io::Error::other(e));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(xlsx_error)?;
    let bold = CellFormat::new().set_bold();
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *header, &bold)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            match cell.parse::<f64>() {
                Ok(number) if number.is_finite() && !cell.starts_with('+') => {
                    sheet.write_number(r, col, number).map_err(xlsx_error)?;
                }
                _ if cell.is_empty() => {}
                _ => {
                    sheet.write_string(r, col, cell).map_err(xlsx_error)?;
                }
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// Writes an XLSX workbook with one sheet, Chinese headers, real date and number cells.
pub fn write_xlsx(patents: &[Patent]) -> Result<Vec<u8>> {
    let xlsx_error =
        |e: rust_xlsxwriter::XlsxError| Error::io("xlsx output", std::io::Error::other(e));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("专利清单").map_err(xlsx_error)?;
    let date_format = CellFormat::new().set_num_format("yyyy-mm-dd");
    let fields = stored_fields();
    for (col, field) in fields.iter().enumerate() {
        sheet
            .write_string(0, col as u16, header(*field, HeaderLanguage::Chinese))
            .map_err(xlsx_error)?;
    }
    for (i, patent) in patents.iter().enumerate() {
        let row = (i + 1) as u32;
        for (col, field) in fields.iter().enumerate() {
            let col = col as u16;
            let date = match field {
                RecordField::ApplicationDate => patent.application_date,
                RecordField::PublicationDate => patent.publication_date,
                RecordField::GrantDate => patent.grant_date,
                RecordField::LapseDate => patent.lapse_date,
                _ => None,
            };
            if let Some(date) = date {
                use chrono::Datelike;
                let cell = ExcelDateTime::from_ymd(
                    date.year() as u16,
                    date.month() as u8,
                    date.day() as u8,
                )
                .map_err(xlsx_error)?;
                sheet
                    .write_datetime_with_format(row, col, &cell, &date_format)
                    .map_err(xlsx_error)?;
            } else if let (RecordField::ForwardCitations, Some(n)) =
                (field, patent.forward_citations)
            {
                sheet
                    .write_number(row, col, f64::from(n))
                    .map_err(xlsx_error)?;
            } else if let Some(text) = cell_text_zh(patent, *field, "；") {
                sheet.write_string(row, col, text).map_err(xlsx_error)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, read_batch};
    use crate::model::{ApplicationNumber, EventKind, IpcCode, LegalEvent, LegalStatus};
    use chrono::NaiveDate;

    fn sample() -> Vec<Patent> {
        let mut a = Patent::new(
            ApplicationNumber::parse("CN202110123456.7").unwrap(),
            "一种压力传感器",
        );
        a.abstract_text = Some("本发明公开了一种压力传感器，包括第一导体；第二导体。".into());
        a.claims = Some(
            "1.一种压力传感器，包括：第一导体；第二导体。\n2.根据权利要求1所述的压力传感器。"
                .into(),
        );
        a.ipc = vec![
            IpcCode::parse("G01L1/14").unwrap(),
            IpcCode::parse("H01L21/66").unwrap(),
        ];
        a.applicants = vec!["清华大学".into(), "北京大学".into()];
        a.application_date = NaiveDate::from_ymd_opt(2021, 1, 5);
        a.legal_status = Some(LegalStatus::InForce);
        a.forward_citations = Some(4);
        a.events = vec![LegalEvent {
            kind: EventKind::Licence,
            date: NaiveDate::from_ymd_opt(2022, 3, 1),
            note: None,
        }];
        a.patent_type = Some(crate::model::PatentType::Invention);
        // A title that a spreadsheet would run as a formula.
        let mut b = Patent::new(
            ApplicationNumber::parse("CN201919000001.6").unwrap(),
            "=HYPERLINK(\"http://a.example\",\"一种测试方法\")",
        );
        b.abstract_text = Some("-本发明，@所述".into());
        b.patent_type = Some(crate::model::PatentType::Invention);
        vec![a, b]
    }

    #[test]
    fn every_format_reads_back_the_same_patents() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let patents = sample();
        let files = [
            (Format::Jsonl, write_jsonl(Vec::new(), &patents).unwrap()),
            (
                Format::Csv,
                write_csv(Vec::new(), &patents, HeaderLanguage::Chinese, true).unwrap(),
            ),
            (
                Format::Csv,
                write_csv(Vec::new(), &patents, HeaderLanguage::English, false).unwrap(),
            ),
            (Format::Xlsx, write_xlsx(&patents).unwrap()),
            (
                Format::Parquet,
                crate::ingest::write_parquet(Vec::new(), &patents, &[]).unwrap(),
            ),
        ];
        // Chinese tables read in Chinese throughout; the English one keeps the codes.
        let zh = String::from_utf8_lossy(&files[1].1);
        assert!(zh.contains("有效") && zh.contains("许可:2022-03-01") && zh.contains("发明"));
        assert!(
            !zh.contains("in_force") && !zh.contains("invention"),
            "{zh}"
        );
        assert!(String::from_utf8_lossy(&files[2].1).contains("in_force"));
        for (_, bytes) in files.iter().filter(|(f, _)| *f == Format::Csv) {
            let text = String::from_utf8_lossy(bytes);
            assert!(text.contains("\"'=HYPERLINK("), "{text}");
            assert!(text.contains("'-本发明"), "{text}");
        }
        for (format, bytes) in files {
            let batch = read_batch("x", bytes, format, today).unwrap();
            assert!(
                batch.report.errors.is_empty(),
                "{format:?}: {:?}",
                batch.report.errors
            );
            assert_eq!(batch.patents, patents, "{format:?}");
        }
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        let rows = vec![vec![
            "=1+1".to_string(),
            "+86 10".to_string(),
            "@SUM(A1)".to_string(),
            "-0.5".to_string(),
            "一种=方法".to_string(),
            "'=已是文本".to_string(),
        ]];
        let out =
            write_table_csv(Vec::new(), &["a", "b", "c", "d", "e", "f"], &rows, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(line, "'=1+1,'+86 10,'@SUM(A1),-0.5,一种=方法,''=已是文本");
        assert_eq!(restore("''=已是文本"), "'=已是文本");
        assert_eq!(restore("'=1+1"), "=1+1");
        assert_eq!(restore("'普通"), "'普通");
    }
}
