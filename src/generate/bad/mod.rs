//! Bad-input samples: a malformed-input corpus of more than a hundred kinds of fault a batch
//! can have (encodings, file structure, values, sizes, names), each with what must happen to
//! it: the file refused whole, some rows rejected (or warned about) by row and field, or the
//! institution name refused. Nothing of a refused file or row may enter the library, and no
//! kind may crash, hang or exhaust the service. Written to `data-samples/bad/` (with a
//! manifest, `manifest.jsonl`) by `patscreen generate --bad-samples DIR`, and run through the
//! CLI and the HTTP API by the integration tests.

mod files;
mod values;

use std::fmt::Write as _;

use serde::Serialize;

use super::skeleton::write_application_number;
use crate::error::Result;

/// The institution the samples are submitted for (unless a sample is about the name).
pub const INSTITUTION: &str = "清华大学";

/// What must happen to a sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Expected {
    /// The whole file is refused and nothing changes; the message holds this text.
    Refused {
        /// A fragment of the message.
        message: String,
    },
    /// Some rows are rejected; the report names them with this text, and exactly `accepted`
    /// rows (the good ones) are added. With none accepted the batch is refused, with the
    /// same row messages.
    Rows {
        /// Good rows in the file.
        accepted: usize,
        /// A fragment of a row error.
        message: String,
    },
    /// Every row is accepted, with a warning holding this text.
    Warned {
        /// Rows in the file.
        accepted: usize,
        /// A fragment of a warning.
        message: String,
    },
    /// The institution name given with the file is refused before the file is read.
    Institution {
        /// A fragment of the message.
        message: String,
    },
}

/// One bad sample.
#[derive(Debug, Clone, Serialize)]
pub struct BadSample {
    /// File name (its extension gives the format).
    pub name: String,
    /// The family of fault: encoding, structure, values, sizes or names.
    pub kind: &'static str,
    /// The file's bytes.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The institution the file is submitted for.
    pub institution: String,
    /// What must happen.
    #[serde(flatten)]
    pub expected: Expected,
}

impl BadSample {
    fn refused(name: &str, kind: &'static str, bytes: Vec<u8>, message: &str) -> BadSample {
        BadSample {
            name: name.to_string(),
            kind,
            bytes,
            institution: INSTITUTION.into(),
            expected: Expected::Refused {
                message: message.into(),
            },
        }
    }

    fn rows(
        name: &str,
        kind: &'static str,
        bytes: Vec<u8>,
        accepted: usize,
        message: &str,
    ) -> BadSample {
        BadSample {
            name: name.to_string(),
            kind,
            bytes,
            institution: INSTITUTION.into(),
            expected: Expected::Rows {
                accepted,
                message: message.into(),
            },
        }
    }
}

/// A valid application number, distinct for each `serial` (2021 inventions, serials from
/// 8,000,000 on: far from the generator's corpora).
pub fn number(serial: u32) -> String {
    let mut out = String::new();
    write_application_number(&mut out, 2021, 1, 8_000_000 + serial);
    out
}

/// A CSV file with a header and rows of cells, quoting cells that need it.
fn csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out.into_bytes()
}

/// A good row: number, title, abstract.
fn good(serial: u32) -> Vec<String> {
    vec![
        number(serial),
        format!("一种压力传感器及其制备方法{serial}"),
        "本发明公开了一种用于测试的装置，包括壳体和传感器。".into(),
    ]
}

/// Returns the corpus, in a fixed order.
pub fn bad_samples() -> Result<Vec<BadSample>> {
    let mut samples = Vec::new();
    files::encodings(&mut samples);
    files::structure(&mut samples)?;
    files::sizes(&mut samples)?;
    values::values(&mut samples);
    values::names(&mut samples);
    Ok(samples)
}

/// The manifest of the corpus: one JSON line per sample (name, kind, institution, outcome,
/// and what the outcome's message holds).
pub fn manifest(samples: &[BadSample]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for sample in samples {
        serde_json::to_writer(&mut out, sample)?;
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, read_batch};

    #[test]
    fn the_corpus_has_over_a_hundred_distinct_kinds_in_every_family() {
        let samples = bad_samples().unwrap();
        assert!(samples.len() >= 100, "{} samples", samples.len());
        let mut names: Vec<&str> = samples.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), samples.len(), "file names repeat");
        for kind in ["encoding", "structure", "values", "sizes", "names"] {
            assert!(
                samples.iter().filter(|s| s.kind == kind).count() >= 5,
                "{kind}"
            );
        }
    }

    #[test]
    fn every_file_sample_reads_as_its_expectation_says() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut failures = Vec::new();
        for sample in bad_samples().unwrap() {
            let format = Format::from_path(std::path::Path::new(&sample.name)).unwrap();
            let read = read_batch(&sample.name, sample.bytes.clone(), format, today);
            let problem = match (&sample.expected, read) {
                (Expected::Refused { message }, Err(e)) => {
                    (!e.to_string().contains(message.as_str())).then(|| e.to_string())
                }
                (Expected::Rows { accepted, message }, Ok(batch)) => {
                    let errors: Vec<String> = batch
                        .report
                        .errors
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    (!errors.iter().any(|e| e.contains(message.as_str()))
                        || batch.patents.len() != *accepted)
                        .then(|| format!("{} accepted, errors {errors:?}", batch.patents.len()))
                }
                (Expected::Warned { accepted, message }, Ok(batch)) => {
                    let warnings: Vec<String> = batch
                        .report
                        .warnings
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    (!warnings.iter().any(|e| e.contains(message.as_str()))
                        || !batch.report.errors.is_empty()
                        || batch.patents.len() != *accepted)
                        .then(|| format!("{} accepted, warnings {warnings:?}", batch.patents.len()))
                }
                (Expected::Institution { .. }, Ok(batch)) => (!batch.report.errors.is_empty())
                    .then(|| format!("errors {:?}", batch.report.errors)),
                (_, Ok(batch)) => Some(format!(
                    "read {} rows with errors {:?}",
                    batch.patents.len(),
                    batch.report.errors
                )),
                (_, Err(e)) => Some(e.to_string()),
            };
            if let Some(problem) = problem {
                failures.push(format!(
                    "{}: expected {:?}, got {problem}",
                    sample.name, sample.expected
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
