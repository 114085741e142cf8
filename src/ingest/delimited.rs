//! CSV and TSV batches in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030, with
//! English or Chinese headers.

use serde_json::Value;

use super::raw::{Columns, RawCell, RawRecord};
use super::report::RowIssue;
use super::{MAX_COLUMNS, RawTable};
use crate::error::{Error, Result};
use crate::model::ApplicationNumber;
use crate::schema::{RecordField, contract};

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
        Some(text) => {
            implausible_gb18030(bytes).map_or(Ok(()), |(at, sample)| {
                Err(Error::malformed(
                    source_name,
                    format!(
                        "row {}: the file is not UTF-8, and read as GB18030 it is not plausible Chinese text (it would read '{sample}'); it may be Latin-1 or another encoding: save it as UTF-8 CSV",
                        line_of(bytes, at)
                    ),
                ))
            })?;
            Ok((text.into_owned(), "GB18030"))
        }
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

/// Share of GB18030 multi-byte characters that must lie in GB2312 (the 6,763 common hanzi
/// and the full-width symbols) for a file to be read as Chinese: real Chinese text keeps
/// above 99 %; Latin-1 or Windows-1252 text read as GB18030 (`Müller` → `M黮ler`) falls
/// far below, because its accented letters pair with the ASCII letter after them.
const MIN_GB2312_SHARE: f64 = 0.9;

/// Where a GB18030 text stops looking like Chinese: `None` when at least [`MIN_GB2312_SHARE`]
/// of its multi-byte characters are GB2312 characters, else the offset and a sample of the
/// first character outside GB2312, decoded as GB18030 would, with a little context.
fn implausible_gb18030(bytes: &[u8]) -> Option<(usize, String)> {
    let (mut multi, mut common) = (0usize, 0usize);
    let mut first_rare = None;
    let mut at = 0;
    while let Some(&lead) = bytes.get(at) {
        if lead < 0x80 {
            at += 1;
            continue;
        }
        let trail = bytes.get(at + 1).copied().unwrap_or(0);
        let width = if (0x30..=0x39).contains(&trail) { 4 } else { 2 };
        multi += 1;
        if width == 2 && (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&trail) {
            common += 1;
        } else if first_rare.is_none() {
            first_rare = Some(at);
        }
        at += width;
    }
    if multi == 0 || common as f64 >= MIN_GB2312_SHARE * multi as f64 {
        return None;
    }
    let rare = first_rare?;
    let from = bytes
        .get(..rare)
        .and_then(|b| {
            b.iter()
                .rposition(|&c| c == b'\n' || c == b',' || c == b'\t')
        })
        .map_or(0, |p| p + 1)
        .max(rare.saturating_sub(12));
    let to = (rare + 12).min(bytes.len());
    let (sample, _, _) = encoding_rs::GB18030.decode(bytes.get(from..to).unwrap_or_default());
    let sample: String = sample
        .chars()
        .take_while(|c| !matches!(c, '\n' | '\r' | ',' | '\t'))
        .collect();
    Some((rare, sample))
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

/// Counts the lines before byte offsets that only grow, as an editor numbers them (from 1).
struct RowCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    row: usize,
}

impl<'a> RowCounter<'a> {
    fn new(bytes: &'a [u8], first_row: usize) -> Self {
        Self {
            bytes,
            at: 0,
            row: first_row,
        }
    }

    /// The row of the record read from byte `offset` on (blank lines before it are skipped, as
    /// the reader skips them); offsets must not go back.
    fn row_at(&mut self, offset: u64) -> usize {
        let mut offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset > self.at {
            let passed = self.bytes.get(self.at..offset).unwrap_or_default();
            self.row += passed.iter().filter(|&&b| b == b'\n').count();
            self.at = offset;
        }
        self.row
    }
}

/// Lines above the header that an export may have, at most.
const LINES_ABOVE_HEADER: usize = 10;

fn delimiter_of(line: &str) -> u8 {
    if line.matches('\t').count() > line.matches(',').count() {
        b'\t'
    } else {
        b','
    }
}

/// The header line: the number of lines above it and its byte offset. It is the first of the
/// first lines that has a cell naming the application number, or else the first line.
fn header_line(text: &str) -> (usize, usize) {
    let mut offset = 0;
    for (skipped, line) in text
        .split_inclusive('\n')
        .take(LINES_ABOVE_HEADER + 1)
        .enumerate()
    {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter_of(line))
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let names_number = reader
            .records()
            .next()
            .and_then(|r| r.ok())
            .is_some_and(|cells| {
                cells.iter().any(|cell| {
                    contract().resolve_header(cell.trim()) == Some(RecordField::ApplicationNumber)
                })
            });
        if names_number {
            return (skipped, offset);
        }
        offset += line.len();
    }
    (0, 0)
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(..at.min(bytes.len()))
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a CSV or TSV batch.
pub fn read(source_name: &str, bytes: &[u8]) -> Result<RawTable> {
    let (text, encoding) = decode(source_name, bytes)?;
    let text = text.trim_start_matches('\u{feff}');
    // An export may put a title, the search query or a note above the header: the header is
    // the first line (of the first few) naming the application number.
    let (skipped, start) = header_line(text);
    let text = text.get(start..).unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = delimiter_of(first_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            Error::malformed(
                source_name,
                format!("row {}: unreadable header: {e}", skipped + 1),
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::malformed(
            source_name,
            format!("row {}: the header row is empty", skipped + 1),
        ));
    }
    if headers.len() > MAX_COLUMNS {
        return Err(Error::malformed(
            source_name,
            format!(
                "row {}: the header has {} columns; a batch has at most {MAX_COLUMNS}",
                skipped + 1,
                headers.len()
            ),
        ));
    }
    let columns = Columns::resolve(source_name, headers, true)?;
    let number_column = columns
        .fields
        .iter()
        .position(|f| *f == Some(RecordField::ApplicationNumber));
    let mut records = Vec::new();
    let mut read_errors = Vec::new();
    // Row numbers come from byte offsets: the csv crate's own line count is off after blank
    // lines and with CRLF endings, and users look rows up in the file as an editor numbers them.
    let mut rows = RowCounter::new(text.as_bytes(), skipped + 1);
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| rows.row_at(p.byte()));
            Error::malformed(source_name, format!("row {line}: {e}"))
        })?;
        let row = record
            .position()
            .map_or(records.len() + 2, |p| rows.row_at(p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if let Some(issues) = swallowed_rows(&record, row, &columns, number_column, delimiter) {
            read_errors.extend(issues);
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
                    // Our own CSV exports neutralise formula-like cells; read them as written.
                    value: Value::String(super::write::restore(cell).to_string()),
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

/// Finds rows an unclosed quote swallowed: a cell that runs over several lines, one of which
/// reads as a row of its own (its application-number cell parses). Returns the issues (the
/// row with the quote rejected, each swallowed line reported as lost) or `None`.
fn swallowed_rows(
    record: &csv::StringRecord,
    row: usize,
    columns: &Columns,
    number_column: Option<usize>,
    delimiter: u8,
) -> Option<Vec<RowIssue>> {
    let number_column = number_column?;
    for (column, cell) in record.iter().enumerate() {
        if !cell.contains('\n') {
            continue;
        }
        let lines: Vec<&str> = cell.split('\n').collect();
        let looks_like_row = |line: &str| {
            line.split(char::from(delimiter))
                .nth(number_column)
                .is_some_and(|n| ApplicationNumber::parse(n.trim_matches('"')).is_ok())
        };
        let Some(first) = lines.iter().skip(1).position(|l| looks_like_row(l)) else {
            continue;
        };
        let header = columns.headers.get(column).cloned();
        let mut issues = vec![RowIssue {
            row,
            field: columns
                .fields
                .get(column)
                .copied()
                .flatten()
                .map(|f| f.as_str().to_string()),
            column: header.clone(),
            reason: format!(
                "a quote opened in this cell is not closed where the cell should end, so the next {} lines were read into it (line {} reads as a row of its own); the row is rejected: close the quote and submit the file again",
                lines.len() - 1,
                row + first + 1
            ),
        }];
        issues.extend((1..lines.len()).map(|k| RowIssue {
            row: row + k,
            field: None,
            column: None,
            reason: format!("lost inside the unclosed quote of row {row}"),
        }));
        return Some(issues);
    }
    None
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
    fn crlf_and_lf_files_report_the_same_row_numbers() {
        let lf = "申请号,标题\nCN202110123456.7,甲\n\nCN202110123457.1,\"乙\n丙\"\nCN2021,丁,多\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf.to_string(), crlf] {
            let table = read("a.csv", text.as_bytes()).unwrap();
            let rows: Vec<usize> = table.records.iter().map(|r| r.row).collect();
            assert_eq!(rows, [2, 4], "{text:?}");
            let errors: Vec<usize> = table.read_errors.iter().map(|e| e.row).collect();
            assert_eq!(errors, [6], "{text:?}");
        }
    }

    #[test]
    fn title_and_query_lines_above_the_header_are_skipped() {
        let text = "专利检索结果导出\n检索式：TI=(电池),,\n\n申请号,标题\nCN202110123456.7,甲\n";
        let table = read("a.csv", text.as_bytes()).unwrap();
        assert_eq!(table.columns.headers, ["申请号", "标题"]);
        let rows: Vec<usize> = table.records.iter().map(|r| r.row).collect();
        assert_eq!(rows, [5], "rows keep the numbers the file shows");
        // No line names the number: the first line is the header, and says what it lacks.
        let error = read("b.csv", "标题,摘要\n甲,乙\n".as_bytes()).unwrap_err();
        assert!(error.to_string().contains("申请号"), "{error}");
    }

    #[test]
    fn an_unclosed_quote_is_reported_with_the_rows_it_swallowed() {
        let text = "申请号,标题,摘要\nCN202110123456.7,\"一种电池,摘要甲\nCN201919000000.1,乙,摘要乙\nCN201919000001.6,丙,\"摘要丙\"\n";
        let table = read("q.csv", text.as_bytes()).unwrap();
        let rows: Vec<usize> = table.read_errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [2, 3, 4], "{:?}", table.read_errors);
        assert!(table.records.is_empty());
        let first = table.read_errors[0].to_string();
        assert!(first.contains("field title (column '标题')"), "{first}");
        assert!(
            first.contains("line 3 reads as a row of its own"),
            "{first}"
        );
        // A quoted cell with line breaks and no row inside it is ordinary text.
        let fine = "申请号,标题,摘要\nCN202110123456.7,甲,\"第一段\n第二段, 含逗号\"\n";
        let table = read("f.csv", fine.as_bytes()).unwrap();
        assert!(table.read_errors.is_empty());
        assert_eq!(table.records.len(), 1);
    }

    #[test]
    fn latin1_is_not_read_as_gb18030() {
        let (latin1, _, _) =
            encoding_rs::WINDOWS_1252.encode("申请号,标题\nCN202110123456.7,Müller Gerät für Öl\n");
        // The header is not Latin-1: build the file from Latin-1 bytes throughout.
        let mut bytes = b"application_number,title\n".to_vec();
        bytes.extend_from_slice(&latin1[latin1.iter().position(|&b| b == b'\n').unwrap() + 1..]);
        let message = read("l.csv", &bytes).unwrap_err().to_string();
        assert!(
            message.contains("row 2: the file is not UTF-8"),
            "{message}"
        );
        assert!(message.contains("M黮ler"), "{message}");
        let (gb, _, _) = encoding_rs::GB18030.encode(CSV);
        assert!(implausible_gb18030(&gb).is_none());
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
