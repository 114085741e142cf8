//! Faults of a whole file: text encodings, file structure (CSV, JSON, spreadsheets, Parquet)
//! and sizes (long cells, many columns, decompression bombs, cells far out in a sheet).

use std::io::{Cursor, Write};

use super::{BadSample, csv, good, number};
use crate::error::{Error, Result};
use crate::ingest;
use crate::model::{ApplicationNumber, Patent};

const HEADER: [&str; 3] = ["申请号", "标题", "摘要"];

/// Two good rows as CSV, from `serial`.
fn two(serial: u32) -> Vec<u8> {
    csv(&HEADER, &[good(serial), good(serial + 1)])
}

fn patent(serial: u32) -> Result<Patent> {
    let number = ApplicationNumber::parse(&number(serial))
        .map_err(|e| Error::invalid("application_number", e.to_string()))?;
    let mut p = Patent::new(number, format!("一种测试装置{serial}"));
    p.abstract_text = Some("本发明公开了一种用于测试的装置，包括壳体和传感器。".into());
    Ok(p)
}

/// Text encodings: invalid UTF-8, text that is not Chinese read as GB18030, UTF-16 without a
/// byte-order mark, binary data, JSON in another encoding.
pub(super) fn encodings(out: &mut Vec<BadSample>) {
    let kind = "encoding";
    let utf8 = String::from_utf8_lossy(&two(100)).to_string();
    let mut invalid = utf8.clone().into_bytes();
    let at = invalid.len() - 2;
    invalid.splice(at..at, [0xFF, 0x80, 0xFE]);
    out.push(BadSample::refused(
        "wrong_encoding.csv",
        kind,
        invalid,
        "row 3: the text is neither UTF-8 nor GB18030",
    ));
    let latin1 = |text: &str| {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        bytes.into_owned()
    };
    out.push(BadSample::refused(
        "latin1.csv",
        kind,
        latin1(&format!(
            "application_number,title\n{},Müller Gerät für Öl\n",
            number(110)
        )),
        "row 2: the file is not UTF-8, and read as GB18030 it is not plausible Chinese text",
    ));
    out.push(BadSample::refused(
        "windows1252_quotes.csv",
        kind,
        latin1(&format!(
            "application_number,title\n{},“Smart” sensor – déjà vu\n",
            number(111)
        )),
        "the text is neither UTF-8 nor GB18030",
    ));
    let utf16 = |big: bool, bom: bool| {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(if big { b"\xFE\xFF" } else { b"\xFF\xFE" });
        }
        for unit in utf8.encode_utf16() {
            let pair = if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    };
    out.push(BadSample::refused(
        "utf16le_without_bom.csv",
        kind,
        utf16(false, false),
        "UTF-16 without a byte-order mark",
    ));
    out.push(BadSample::refused(
        "utf16be_without_bom.csv",
        kind,
        utf16(true, false),
        "UTF-16 without a byte-order mark",
    ));
    let mut odd = utf16(false, true);
    odd.push(b'x');
    out.push(BadSample::refused(
        "utf16_odd_length.csv",
        kind,
        odd,
        "invalid UTF-16 text",
    ));
    let mut bom_then_gb = b"\xEF\xBB\xBF".to_vec();
    let (gb, _, _) = encoding_rs::GB18030.encode(&utf8);
    bom_then_gb.extend_from_slice(&gb);
    out.push(BadSample::refused(
        "utf8_bom_then_gb18030.csv",
        kind,
        bom_then_gb,
        "not valid UTF-8 although the file starts with a UTF-8 byte-order mark",
    ));
    out.push(BadSample::refused(
        "png_named_csv.csv",
        kind,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01".to_vec(),
        "NUL byte",
    ));
    let mut nul = utf8.clone().into_bytes();
    nul.insert(30, 0);
    out.push(BadSample::refused(
        "nul_byte.csv",
        kind,
        nul,
        "row 2: NUL byte",
    ));
    let json = format!(
        "{{\"application_number\":\"{}\",\"title\":\"一种传感器\"}}\n",
        number(120)
    );
    let (gb_json, _, _) = encoding_rs::GB18030.encode(&json);
    out.push(BadSample::refused(
        "gb18030.jsonl",
        kind,
        gb_json.into_owned(),
        "row 1: not valid UTF-8 (JSON must be UTF-8",
    ));
    let mut json16 = b"\xFF\xFE".to_vec();
    for unit in json.encode_utf16() {
        json16.extend_from_slice(&unit.to_le_bytes());
    }
    out.push(BadSample::refused(
        "utf16.jsonl",
        kind,
        json16,
        "not valid UTF-8",
    ));
    let overlong = format!(
        "{{\"application_number\":\"{}\",\"title\":\"\u{0}\"}}\n",
        number(121)
    )
    .replace('\u{0}', "\u{FFFD}")
    .into_bytes();
    let overlong: Vec<u8> = {
        // An over-long encoding of '/' (C0 AF) where the replacement character stood.
        let text = String::from_utf8_lossy(&overlong).to_string();
        let (before, after) = text.split_once('\u{FFFD}').unwrap_or((&text, ""));
        [before.as_bytes(), b"\xC0\xAF", after.as_bytes()].concat()
    };
    out.push(BadSample::refused(
        "overlong_utf8.jsonl",
        kind,
        overlong,
        "not valid UTF-8",
    ));
    out.push(BadSample::refused(
        "lone_surrogate_escape.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":\"\\ud800一种传感器\"}}\n",
            number(122)
        )
        .into_bytes(),
        "row 1: not valid JSON",
    ));
}

/// File structure: missing or empty parts, broken syntax, wrong shapes.
pub(super) fn structure(out: &mut Vec<BadSample>) -> Result<()> {
    let kind = "structure";
    out.push(BadSample::refused(
        "missing_title_column.csv",
        kind,
        format!(
            "申请号,摘要,申请人\n{},本发明公开了一种压力传感器。,清华大学\n",
            number(200)
        )
        .into_bytes(),
        "missing required column title (标题)",
    ));
    out.push(BadSample::refused(
        "missing_number_column.csv",
        kind,
        "标题,摘要\n一种传感器,本发明公开了一种传感器。\n"
            .as_bytes()
            .to_vec(),
        "missing required column application_number (申请号)",
    ));
    out.push(BadSample::refused(
        "header_only.csv",
        kind,
        "申请号,标题,摘要\n".as_bytes().to_vec(),
        "the file has a header but no data rows",
    ));
    out.push(BadSample::refused(
        "empty.csv",
        kind,
        Vec::new(),
        "the file is empty",
    ));
    out.push(BadSample::refused(
        "blank_lines.csv",
        kind,
        b"\n\n  \r\n\t\n".to_vec(),
        "the file is empty",
    ));
    out.push(BadSample::refused(
        "empty_header_row.csv",
        kind,
        format!(",,\n{},一种传感器,摘要\n", number(201)).into_bytes(),
        "row 1: the header row is empty",
    ));
    out.push(BadSample::refused(
        "zero_width_header.csv",
        kind,
        format!("申请\u{200B}号,标题\n{},一种传感器\n", number(202)).into_bytes(),
        "missing required column application_number",
    ));
    let mut unclosed = csv(&HEADER, &[good(210)]);
    unclosed.extend_from_slice(
        format!(
            "{},\"一种电池,摘要乙\n{},一种电机,摘要丙\n{},一种电容,摘要丁\n",
            number(211),
            number(212),
            number(213)
        )
        .as_bytes(),
    );
    out.push(BadSample::rows(
        "unclosed_quote.csv",
        kind,
        unclosed,
        1,
        "a quote opened in this cell is not closed",
    ));
    let mut short = two(220);
    short.extend_from_slice(format!("{},只有两格\n", number(222)).as_bytes());
    out.push(BadSample::rows(
        "short_row.csv",
        kind,
        short,
        2,
        "has 2 cells but the header has 3 columns",
    ));
    let mut long = two(230);
    long.extend_from_slice(format!("{},一种电机,摘要,多出一格\n", number(232)).as_bytes());
    out.push(BadSample::rows(
        "long_row.csv",
        kind,
        long,
        2,
        "has 4 cells but the header has 3 columns",
    ));
    out.push(BadSample::refused(
        "broken_json_line.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":\"甲\"}}\n{{\"application_number\": \"CN20",
            number(240)
        )
        .into_bytes(),
        "row 2: not valid JSON",
    ));
    out.push(BadSample::refused(
        "array_line.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":\"甲\"}}\n[1,2,3]\n",
            number(241)
        )
        .into_bytes(),
        "row 2: not a JSON object",
    ));
    out.push(BadSample::refused(
        "string_line.jsonl",
        kind,
        b"\"just a string\"\n".to_vec(),
        "row 1: not a JSON object",
    ));
    out.push(BadSample::refused(
        "array_of_numbers.json",
        kind,
        b"[1, 2, 3]".to_vec(),
        "row 1: not a JSON object",
    ));
    out.push(BadSample::refused(
        "truncated_array.json",
        kind,
        format!(
            "[{{\"application_number\":\"{}\",\"title\":\"甲\"}},{{\"title\":",
            number(242)
        )
        .into_bytes(),
        "not a valid JSON array",
    ));
    out.push(BadSample::refused(
        "trailing_garbage.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":\"甲\"}} tail\n",
            number(243)
        )
        .into_bytes(),
        "row 1: not valid JSON",
    ));
    out.push(BadSample::refused(
        "nan_literal.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":\"甲\",\"forward_citations\":NaN}}\n",
            number(244)
        )
        .into_bytes(),
        "row 1: not valid JSON",
    ));
    out.push(BadSample::refused(
        "empty_objects.jsonl",
        kind,
        b"{}\n{}\n".to_vec(),
        "missing required column application_number",
    ));
    out.push(BadSample::refused(
        "deep_nesting.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":{}1{}}}\n",
            number(245),
            "[".repeat(5000),
            "]".repeat(5000)
        )
        .into_bytes(),
        "row 1: not valid JSON",
    ));
    out.push(BadSample::rows(
        "duplicate_keys.jsonl",
        kind,
        format!(
            "{{\"application_number\":\"{}\",\"title\":\"甲\",\"title\":\"乙\"}}\n{{\"application_number\":\"{}\",\"title\":\"丙\"}}\n",
            number(246),
            number(247)
        )
        .into_bytes(),
        1,
        "the key 'title' appears more than once in this object",
    ));
    let first = patent(250)?;
    let mut twin = first.clone();
    twin.title = "一种测试装置（修改稿）".into();
    out.push(BadSample::rows(
        "duplicate_rows.jsonl",
        kind,
        ingest::write_jsonl(Vec::new(), &[first.clone(), twin])?,
        0,
        "also appears in row 2 of this batch; duplicate rows are all rejected",
    ));
    let parquet = ingest::write_parquet(Vec::new(), &[patent(251)?, patent(252)?], &[])?;
    out.push(BadSample::refused(
        "truncated.parquet",
        kind,
        parquet
            .get(..parquet.len() / 2)
            .unwrap_or_default()
            .to_vec(),
        "not a readable Parquet file",
    ));
    out.push(BadSample::refused(
        "parquet_magic_only.parquet",
        kind,
        b"PAR1\x00\x00\x00\x00PAR1".to_vec(),
        "not a readable Parquet file",
    ));
    out.push(BadSample::refused(
        "csv_named_parquet.parquet",
        kind,
        two(253),
        "not a readable Parquet file",
    ));
    out.push(BadSample::refused(
        "garbage.xlsx",
        kind,
        b"PK\x03\x04 not really a zip".to_vec(),
        "not a readable spreadsheet",
    ));
    out.push(BadSample::refused(
        "text_named_xlsx.xlsx",
        kind,
        two(254),
        "an XLSX, XLSB or XLS file was expected",
    ));
    out.push(BadSample::refused(
        "zip_without_workbook.xlsx",
        kind,
        zip(&[("hello.txt", b"not a workbook".to_vec())])?,
        "not a readable spreadsheet",
    ));
    out.push(BadSample::refused(
        "opendocument.xlsx",
        kind,
        zip(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
            ),
            ("content.xml", b"<office:document-content/>".to_vec()),
        ])?,
        "an OpenDocument spreadsheet (ODS) is not read",
    ));
    out.push(BadSample::refused(
        "empty_sheet.xlsx",
        kind,
        xlsx(&[])?,
        "sheet 'Sheet1' is empty",
    ));
    out.push(BadSample::refused(
        "sheet_without_title.xlsx",
        kind,
        xlsx(&[
            row(1, &[(0, "申请号"), (1, "摘要")]),
            row(2, &[(0, &number(255))]),
        ])?,
        "missing required column title",
    ));
    out.push(BadSample::rows(
        "error_cells.xlsx",
        kind,
        xlsx(&[
            row(1, &[(0, "申请号"), (1, "标题")]),
            row(2, &[(0, &number(256)), (1, "一种传感器")]),
            format!(
                "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>{}</t></is></c><c r=\"B3\" t=\"e\"><v>#DIV/0!</v></c></row>",
                number(257)
            ),
        ])?,
        1,
        "the cell holds the spreadsheet error",
    ));
    out.push(BadSample::refused(
        "cfb_magic_only.xls",
        kind,
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and nothing more".to_vec(),
        "not a readable spreadsheet",
    ));
    out.push(BadSample::refused(
        "xls_without_workbook.xls",
        kind,
        compound_file(&[])?,
        "no workbook stream",
    ));
    Ok(())
}

/// Sizes: cells and sheets beyond limits, decompression bombs.
pub(super) fn sizes(out: &mut Vec<BadSample>) -> Result<()> {
    let kind = "sizes";
    let mut long = patent(300)?;
    long.title = "超长标题".repeat(300);
    out.push(BadSample::rows(
        "oversized_title.jsonl",
        kind,
        ingest::write_jsonl(Vec::new(), &[long, patent(301)?])?,
        1,
        "row 1, field title: value is 1200 characters long; the limit is 1000",
    ));
    let mut rows = vec![good(302), good(303)];
    rows[0][2] = "长".repeat(20_001);
    out.push(BadSample::rows(
        "oversized_abstract.csv",
        kind,
        csv(&HEADER, &rows),
        1,
        "value is 20001 characters long; the limit is 20000",
    ));
    let mut many = patent(304)?;
    many.cited_patents = (0..2001).map(|i| format!("CN{i}")).collect();
    out.push(BadSample::rows(
        "too_many_citations.jsonl",
        kind,
        ingest::write_jsonl(Vec::new(), &[many, patent(305)?])?,
        1,
        "2001 items; the limit is 2000",
    ));
    let mut long_item = patent(306)?;
    long_item.applicants = vec!["公司".repeat(151)];
    out.push(BadSample::rows(
        "long_list_item.jsonl",
        kind,
        ingest::write_jsonl(Vec::new(), &[long_item, patent(307)?])?,
        1,
        "an item is 302 characters long; the limit is 300",
    ));
    let wide_header: Vec<String> = ["申请号", "标题"]
        .iter()
        .map(ToString::to_string)
        .chain((0..1100).map(|i| format!("列{i}")))
        .collect();
    let mut wide = wide_header.join(",");
    wide.push('\n');
    wide.push_str(&format!("{},一种传感器\n", number(308)));
    out.push(BadSample::refused(
        "too_many_columns.csv",
        kind,
        wide.into_bytes(),
        "the header has 1102 columns; a batch has at most 1024",
    ));
    let keys: String = (0..1100)
        .map(|i| {
            format!(
                "{{\"application_number\":\"{}\",\"title\":\"甲\",\"key{i}\":1}}\n",
                number(309)
            )
        })
        .collect();
    out.push(BadSample::refused(
        "too_many_keys.jsonl",
        kind,
        keys.into_bytes(),
        "more than 1024 distinct keys",
    ));
    out.push(BadSample::refused(
        "far_cell.xlsx",
        kind,
        xlsx(&[
            row(1, &[(0, "申请号"), (1, "标题")]),
            row(2, &[(0, &number(310)), (1, "一种传感器")]),
            "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
                .to_string(),
        ])?,
        "cell XFD1048576 holds a value beyond the limit",
    ));
    out.push(BadSample::refused(
        "far_column.xlsx",
        kind,
        xlsx(&[
            row(1, &[(0, "申请号"), (1, "标题")]),
            row(2, &[(0, &number(311)), (1, "一种传感器"), (2000, "x")]),
        ])?,
        "beyond the limit of",
    ));
    // A far row with nothing in a known column is only one more row: read cell by cell, it
    // costs nothing (a dense reader would allocate 64 × 1,048,576 cells for it).
    out.push(BadSample::rows(
        "far_row.xlsx",
        kind,
        xlsx(&[
            row(1, &[(0, "申请号"), (1, "标题")]),
            row(2, &[(0, &number(312)), (1, "一种传感器")]),
            row(1_048_576, &[(63, "x")]),
        ])?,
        1,
        "missing (required)",
    ));
    let padding = " ".repeat(4 << 20);
    out.push(BadSample::refused(
        "zip_bomb.xlsx",
        kind,
        xlsx(&[
            row(1, &[(0, "申请号"), (1, "标题")]),
            format!("<!--{padding}-->"),
        ])?,
        "refused as a decompression bomb",
    ));
    out.push(BadSample::refused(
        "xls_far_cells.xls",
        kind,
        xls(&[(0, 0), (65_535, 255)])?,
        "XLS file span more than",
    ));
    out.push(BadSample::refused(
        "xls_column_past_excel.xls",
        kind,
        xls(&[(0, 0), (1, 65_000)])?,
        "beyond the limit of",
    ));
    Ok(())
}

/// A row of inline-string cells for [`xlsx`] (`row` 1-based, columns 0-based).
fn row(row: u32, cells: &[(u32, &str)]) -> String {
    let mut out = format!("<row r=\"{row}\">");
    for (column, text) in cells {
        let mut name = String::new();
        let mut n = column + 1;
        while n > 0 {
            name.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
            n = (n - 1) / 26;
        }
        out.push_str(&format!(
            "<c r=\"{name}{row}\" t=\"inlineStr\"><is><t>{text}</t></is></c>"
        ));
    }
    out.push_str("</row>");
    out
}

/// A minimal XLSX workbook with one sheet holding `rows` (XML `<row>` elements).
fn xlsx(rows: &[String]) -> Result<Vec<u8>> {
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{}</sheetData></worksheet>",
        rows.concat()
    );
    zip(&[
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec()),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec()),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ])
}

/// A ZIP archive of `parts`, deflated, with a fixed time stamp (the corpus is byte-stable).
fn zip(parts: &[(&str, Vec<u8>)]) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| Error::Corrupt(format!("writing a ZIP sample: {e}"));
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        writer.start_file(*name, options).map_err(|e| failed(&e))?;
        writer.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(writer.finish().map_err(|e| failed(&e))?.into_inner())
}

/// A compound file holding `streams` (name, bytes).
fn compound_file(streams: &[(&str, Vec<u8>)]) -> Result<Vec<u8>> {
    let failed = |e: std::io::Error| Error::Corrupt(format!("writing an XLS sample: {e}"));
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).map_err(failed)?;
    for (name, bytes) in streams {
        let mut stream = file.create_stream(name).map_err(failed)?;
        stream.write_all(bytes).map_err(failed)?;
    }
    file.flush().map_err(failed)?;
    Ok(file.into_inner().into_inner())
}

/// A BIFF record.
fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_le_bytes().to_vec();
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// An XLS workbook whose one sheet has a NUMBER cell at each `(row, column)`.
fn xls(cells: &[(u16, u16)]) -> Result<Vec<u8>> {
    let bof = record(
        0x0809,
        &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let eof = record(0x000A, &[]);
    // The globals: BOF, one BOUNDSHEET pointing at the sheet, EOF.
    // BOUNDSHEET: the sheet's offset, visibility and type, and its name (2 characters).
    let boundsheet_len = 4 + 4 + 2 + 4;
    let sheet_at = (bof.len() + boundsheet_len + eof.len()) as u32;
    let mut boundsheet = sheet_at.to_le_bytes().to_vec();
    boundsheet.extend_from_slice(&[0, 0, 2, 0, b'S', b'1']);
    let mut stream = [bof.clone(), record(0x0085, &boundsheet), eof.clone(), bof].concat();
    for &(row, column) in cells {
        let mut data = row.to_le_bytes().to_vec();
        data.extend_from_slice(&column.to_le_bytes());
        data.extend_from_slice(&[0; 10]);
        stream.extend_from_slice(&record(0x0203, &data));
    }
    stream.extend_from_slice(&eof);
    compound_file(&[("/Workbook", stream)])
}
