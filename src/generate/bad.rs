//! Bad-input samples: one file per kind of fault a batch can have, each rejected with an error
//! that names the row and field and leaving the library unchanged. Written to
//! `data-samples/bad/` by `patscreen generate --bad-samples DIR`, and used by the tests.

use crate::error::Result;
use crate::ingest::{self, HeaderLanguage};
use crate::model::{ApplicationNumber, Patent};

/// One bad sample: file name, bytes, and a fragment the rejection message must contain.
#[derive(Debug, Clone)]
pub struct BadSample {
    /// File name (its extension gives the format).
    pub name: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// What the error message says (row and field where the fault is in a row).
    pub expected: &'static str,
}

fn patent(number: &str, title: &str) -> Result<Patent> {
    let number = ApplicationNumber::parse(number)
        .map_err(|e| crate::Error::invalid("application_number", e.to_string()))?;
    let mut p = Patent::new(number, title);
    p.abstract_text = Some("本发明公开了一种用于测试的装置，包括壳体和传感器。".into());
    Ok(p)
}

/// Returns the bad samples.
pub fn bad_samples() -> Result<Vec<BadSample>> {
    let good = vec![
        patent("CN202110123456.7", "一种压力传感器")?,
        patent("CN201919000000.1", "一种测试方法")?,
    ];
    let csv = String::from_utf8_lossy(&ingest::write_csv(
        Vec::new(),
        &good,
        HeaderLanguage::Chinese,
        false,
    )?)
    .to_string();

    // Wrong encoding: the second data row holds bytes that are neither UTF-8 nor GB18030.
    let mut wrong_encoding = csv.clone().into_bytes();
    let insert_at = wrong_encoding.len() - 2;
    wrong_encoding.splice(insert_at..insert_at, [0xFF, 0x80, 0xFE]);

    // Missing required column: no title / 标题 column.
    let missing_column =
        "申请号,摘要,申请人\nCN202110123456.7,本发明公开了一种压力传感器。,清华大学\n"
            .as_bytes()
            .to_vec();

    // Malformed numbers: wrong check digit, too short, a PCT number.
    let malformed_numbers = "申请号,标题\nCN202110123456.8,一种压力传感器\nCN2021101,一种测试方法\nPCT/CN2020/123456,一种显示装置\n"
        .as_bytes()
        .to_vec();

    // Duplicate rows: the same patent twice (spelled two ways).
    let mut twin = good[0].clone();
    twin.title = "一种压力传感器（修改稿）".into();
    let duplicate = ingest::write_jsonl(Vec::new(), &[good[0].clone(), twin])?;

    // Truncated Parquet: a valid file cut in half.
    let parquet = ingest::write_parquet(Vec::new(), &good, &[])?;
    let truncated = parquet[..parquet.len() / 2].to_vec();

    // Oversized field: a title of 1,200 characters (the limit is 1,000).
    let mut long = good[0].clone();
    long.title = "超长标题".repeat(300);
    let oversized = ingest::write_jsonl(Vec::new(), &[long])?;

    Ok(vec![
        BadSample {
            name: "wrong_encoding.csv",
            bytes: wrong_encoding,
            expected: "row 3: the text is neither UTF-8 nor GB18030",
        },
        BadSample {
            name: "missing_title_column.csv",
            bytes: missing_column,
            expected: "missing required column title (标题)",
        },
        BadSample {
            name: "malformed_numbers.csv",
            bytes: malformed_numbers,
            expected: "row 2, field application_number (column '申请号'): check digit",
        },
        BadSample {
            name: "duplicate_rows.jsonl",
            bytes: duplicate,
            expected: "row 1, field application_number: CN202110123456.7 also appears in row 2",
        },
        BadSample {
            name: "truncated.parquet",
            bytes: truncated,
            expected: "not a readable Parquet file",
        },
        BadSample {
            name: "oversized_field.jsonl",
            bytes: oversized,
            expected: "row 1, field title: value is 1200 characters long; the limit is 1000",
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, read_batch};

    #[test]
    fn every_sample_is_rejected_naming_what_is_wrong() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        for sample in bad_samples().unwrap() {
            let format = Format::from_path(std::path::Path::new(sample.name)).unwrap();
            let message = match read_batch(sample.name, sample.bytes.clone(), format, today) {
                Err(e) => e.to_string(),
                Ok(batch) => {
                    assert!(batch.patents.is_empty(), "{}: accepted rows", sample.name);
                    batch
                        .report
                        .errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            };
            assert!(
                message.contains(sample.expected),
                "{}: {message}",
                sample.name
            );
        }
    }
}
