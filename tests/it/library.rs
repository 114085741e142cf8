//! Submitting batches through the engine: every format, bad input, updates and withdrawals,
//! ownership, idempotence, rebuilds.

use patscreen::engine::{Library, Submission};
use patscreen::generate::{Generator, GeneratorConfig, bad_samples};
use patscreen::ingest::{self, Format, HeaderLanguage};
use patscreen::model::{ApplicationNumber, Patent};
use patscreen::progress::Silent;
use patscreen::text::normalize_name;

use crate::common::{found, jsonl, library, open, patents, samples, small};

/// The bundled samples: file, seed, count, institution, first serial (as README documents).
const SAMPLES: [(&str, u64, u64, &str, u32); 4] = [
    ("tsinghua.jsonl", 1, 120, "清华大学", 100_000),
    ("buaa.csv", 2, 100, "北京航空航天大学", 200_000),
    ("ustb.xlsx", 3, 80, "北京科技大学", 300_000),
    ("bupt.parquet", 4, 80, "北京邮电大学", 400_000),
];

fn state(library: &Library) -> (patscreen::store::CatalogStats, u64, usize) {
    let archived = std::fs::read_dir(library.root().join("archive"))
        .unwrap()
        .count();
    (
        library.stats().unwrap(),
        library.indexed_patents().unwrap(),
        archived,
    )
}

#[test]
fn samples_in_every_format_read_back_as_generated_and_ingest_whole() {
    let (_dir, library) = library();
    for (name, seed, count, institution, first_serial) in SAMPLES {
        let path = samples().join(name);
        let bytes = std::fs::read(&path).unwrap();
        let format = Format::from_path(&path).unwrap();
        // Names are read back normalised (full-width → half-width), as every batch is.
        let expected: Vec<Patent> = Generator::new(GeneratorConfig {
            seed,
            count,
            with_claims: true,
            institution: Some(institution.into()),
            first_serial,
        })
        .map(|mut p| {
            for names in [
                &mut p.applicants,
                &mut p.current_assignees,
                &mut p.inventors,
            ] {
                names.iter_mut().for_each(|n| *n = normalize_name(n));
            }
            p
        })
        .collect();
        let today = chrono::Utc::now().date_naive();
        let parsed = ingest::read_batch(name, bytes.clone(), format, today).unwrap();
        assert!(
            parsed.report.errors.is_empty(),
            "{name}: {:?}",
            parsed.report.errors
        );
        assert_eq!(parsed.patents.len(), expected.len(), "{name}");
        for (read, made) in parsed.patents.iter().zip(&expected) {
            let (read, made) = (
                serde_json::to_value(read).unwrap(),
                serde_json::to_value(made).unwrap(),
            );
            for (key, value) in made.as_object().unwrap() {
                assert_eq!(
                    read.get(key),
                    Some(value),
                    "{name}: field {key} of {} differs from what the generator makes",
                    made["application_number"]
                );
            }
            assert_eq!(read, made, "{name}");
        }
        let outcome = library
            .submit(
                Submission {
                    source_name: name.into(),
                    bytes,
                    format,
                    institution: institution.into(),
                    all_or_nothing: false,
                    replace: false,
                },
                &Silent,
            )
            .unwrap();
        assert_eq!(outcome.batch.report.rows_accepted as u64, count);
        assert!(
            outcome.batch.report.warnings.is_empty(),
            "{name}: {:?}",
            outcome.batch.report.warnings
        );
    }
    assert_eq!(library.indexed_patents().unwrap(), 380);
    assert_eq!(library.stats().unwrap().institutions, 4);
}

#[test]
fn every_refused_kind_of_bad_input_is_an_input_error_naming_the_fault_and_changes_nothing() {
    let (_dir, library) = library();
    let base = patents(1, 20, "清华大学", 0);
    library
        .submit(jsonl("base.jsonl", "清华大学", &base), &Silent)
        .unwrap();
    let before = state(&library);
    for sample in bad_samples().unwrap() {
        let patscreen::generate::Expected::Refused { message: expected } = &sample.expected else {
            continue;
        };
        let format = Format::from_path(std::path::Path::new(&sample.name)).unwrap();
        let error = library
            .submit(
                Submission {
                    source_name: sample.name.clone(),
                    bytes: sample.bytes.clone(),
                    format,
                    institution: sample.institution.clone(),
                    all_or_nothing: false,
                    replace: false,
                },
                &Silent,
            )
            .unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with(&sample.name), "{message}");
        assert!(
            message.contains(expected.as_str()),
            "{}: {message}",
            sample.name
        );
        assert_eq!(error.kind(), patscreen::ErrorKind::InvalidInput);
        assert_eq!(
            state(&library),
            before,
            "{} changed the library",
            sample.name
        );
    }
}

#[test]
fn gb18030_csv_with_chinese_headers_ingests() {
    let (_dir, library) = library();
    let batch = patents(5, 10, "北京大学", 0);
    let csv = ingest::write_csv(Vec::new(), &batch, HeaderLanguage::Chinese, false).unwrap();
    let (gb, _, had_errors) = encoding_rs::GB18030.encode(std::str::from_utf8(&csv).unwrap());
    assert!(!had_errors);
    let outcome = library
        .submit(
            Submission {
                source_name: "gb.csv".into(),
                bytes: gb.into_owned(),
                format: Format::Csv,
                institution: "北京大学".into(),
                all_or_nothing: false,
                replace: false,
            },
            &Silent,
        )
        .unwrap();
    assert_eq!(outcome.batch.report.encoding.as_deref(), Some("GB18030"));
    assert_eq!(outcome.batch.report.rows_accepted, 10);
    let first = library.patent(&batch[0].application_number).unwrap();
    assert_eq!(first.title, batch[0].title);
}

#[test]
fn a_newer_batch_updates_and_withdraws_the_institutions_own_patents() {
    let (_dir, library) = library();
    let first = patents(7, 5, "清华大学", 0);
    let one = library
        .submit(jsonl("v1.jsonl", "清华大学", &first), &Silent)
        .unwrap();
    assert_eq!(one.batch.patents_new, 5);
    let mut changed = first[0].clone();
    changed.title = "一种改进的量子密钥分发装置".into();
    let second = vec![
        changed.clone(),
        Patent::withdrawal(first[1].application_number.clone()),
    ];
    let two = library
        .submit(jsonl("v2.jsonl", "清华大学", &second), &Silent)
        .unwrap();
    assert_eq!(
        (
            two.batch.patents_new,
            two.batch.patents_updated,
            two.batch.report.withdrawals
        ),
        (0, 1, 1)
    );
    assert_eq!(
        library.patent(&changed.application_number).unwrap().title,
        changed.title
    );
    assert!(library.patent(&first[1].application_number).is_err());
    assert_eq!(
        found(&library, "量子密钥分发"),
        [changed.application_number.to_string()]
    );
    let stats = library.stats().unwrap();
    assert_eq!((stats.patents, stats.withdrawn, stats.batches), (4, 1, 2));
    assert_eq!(library.indexed_patents().unwrap(), 4);
}

#[test]
fn an_institution_cannot_change_or_withdraw_another_institutions_patents() {
    let (_dir, library) = library();
    let theirs = patents(8, 3, "清华大学", 0);
    library
        .submit(jsonl("thu.jsonl", "清华大学", &theirs), &Silent)
        .unwrap();
    let before = state(&library);
    let mut hijack = theirs[0].clone();
    hijack.title = "被篡改的标题".into();
    let attempt = vec![
        hijack,
        Patent::withdrawal(theirs[1].application_number.clone()),
    ];
    let error = library
        .submit(jsonl("pku.jsonl", "北京大学", &attempt), &Silent)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("row 1, field application_number: ")
            && error.contains("belongs to 清华大学"),
        "{error}"
    );
    assert!(error.contains("row 2"), "{error}");
    assert_eq!(state(&library), before);
    assert_eq!(
        library.patent(&theirs[0].application_number).unwrap().title,
        theirs[0].title
    );
    // Mixed with a patent of its own, the foreign rows are rejected and the rest accepted.
    let own = patents(9, 1, "北京大学", 50_000);
    let mixed = vec![theirs[2].clone(), own[0].clone()];
    let outcome = library
        .submit(jsonl("mixed.jsonl", "北京大学", &mixed), &Silent)
        .unwrap();
    assert_eq!(outcome.batch.report.rows_accepted, 1);
    assert_eq!(outcome.batch.report.errors.len(), 1);
    assert_eq!(
        library
            .patent(&theirs[2].application_number)
            .unwrap()
            .institution
            .as_deref(),
        Some("清华大学")
    );
}

#[test]
fn resubmitting_the_same_file_is_idempotent_and_all_or_nothing_holds() {
    let (_dir, library) = library();
    let batch = patents(10, 6, "清华大学", 0);
    let first = library
        .submit(jsonl("a.jsonl", "清华大学", &batch), &Silent)
        .unwrap();
    let again = library
        .submit(jsonl("renamed.jsonl", "清华大学", &batch), &Silent)
        .unwrap();
    assert!(again.already_submitted);
    assert_eq!(again.batch.id, first.batch.id);
    assert_eq!(library.batches().unwrap().len(), 1);

    let mut rows = String::from_utf8(
        ingest::write_jsonl(Vec::new(), &patents(11, 2, "清华大学", 90_000)).unwrap(),
    )
    .unwrap();
    rows.push_str("{\"application_number\":\"CN202110123456.8\",\"title\":\"坏号\"}\n");
    let before = state(&library);
    let strict = Submission {
        source_name: "strict.jsonl".into(),
        bytes: rows.clone().into_bytes(),
        format: Format::Jsonl,
        institution: "清华大学".into(),
        all_or_nothing: true,
        replace: false,
    };
    let message = library.submit(strict, &Silent).unwrap_err().to_string();
    assert!(
        message.contains("nothing was added (all or nothing)")
            && message.contains("row 3, field application_number"),
        "{message}"
    );
    assert_eq!(state(&library), before);
    let lenient = Submission {
        source_name: "lenient.jsonl".into(),
        bytes: rows.into_bytes(),
        format: Format::Jsonl,
        institution: "清华大学".into(),
        all_or_nothing: false,
        replace: false,
    };
    let outcome = library.submit(lenient, &Silent).unwrap();
    assert_eq!(
        (
            outcome.batch.report.rows_accepted,
            outcome.batch.report.rows_rejected
        ),
        (2, 1)
    );
}

#[test]
fn reindex_rebuilds_the_same_library_from_the_archive_alone() {
    let (dir, library) = library();
    library
        .submit(
            jsonl("a.jsonl", "清华大学", &patents(12, 60, "清华大学", 0)),
            &Silent,
        )
        .unwrap();
    let b = patents(13, 40, "北京大学", 100_000);
    library
        .submit(jsonl("b.jsonl", "北京大学", &b), &Silent)
        .unwrap();
    library
        .submit(
            jsonl(
                "c.jsonl",
                "北京大学",
                &[Patent::withdrawal(b[0].application_number.clone())],
            ),
            &Silent,
        )
        .unwrap();
    let queries = ["电池", "神经网络 图像", "ipc:H01L", "inst:北京大学 传感器"];
    let before: Vec<_> = queries.iter().map(|q| found(&library, q)).collect();
    let stats = library.reindex(&Silent).unwrap();
    assert_eq!((stats.batches, stats.rows, stats.patents), (3, 101, 99));
    let after: Vec<_> = queries.iter().map(|q| found(&library, q)).collect();
    assert_eq!(before, after);
    drop(library);
    // Losing the index entirely is recovered on open, from the archive.
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let reopened = open(dir.path());
    assert_eq!(reopened.indexed_patents().unwrap(), 99);
    let rebuilt: Vec<_> = queries.iter().map(|q| found(&reopened, q)).collect();
    assert_eq!(before, rebuilt);
}

#[test]
fn an_index_built_under_other_analysis_rules_is_refused_until_reindexed() {
    let (dir, library) = library();
    library
        .submit(
            jsonl("a.jsonl", "清华大学", &patents(14, 10, "清华大学", 0)),
            &Silent,
        )
        .unwrap();
    drop(library);
    {
        let index =
            patscreen::index::PatentIndex::open_or_create(&dir.path().join("index")).unwrap();
        let mut writer = index.writer(1, 40 * 1024 * 1024).unwrap();
        writer
            .commit(&patscreen::index::CommitState {
                fingerprint: "v0-older-rules".into(),
                last_batch: 1,
            })
            .unwrap();
        writer.finish().unwrap();
    }
    let refused = Library::open(
        dir.path(),
        patscreen::engine::Access::ReadWrite,
        small(),
        &Silent,
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        refused.contains("v0-older-rules") && refused.contains("patscreen reindex"),
        "{refused}"
    );
    let (library, stats) = Library::open_and_reindex(dir.path(), small(), &Silent).unwrap();
    assert_eq!(stats.patents, 10);
    assert_eq!(library.indexed_patents().unwrap(), 10);
    let number = ApplicationNumber::parse(&found(&library, "*")[0]).unwrap();
    assert!(library.patent(&number).is_ok());
}

#[test]
fn a_patent_is_found_by_any_of_its_numbers() {
    let (dir, library) = library();
    let batch = patents(41, 30, "清华大学", 0);
    library
        .submit(jsonl("a.jsonl", "清华大学", &batch), &Silent)
        .unwrap();
    let patent = batch
        .iter()
        .find(|p| p.publication_numbers.len() == 2)
        .expect("the generator gives granted inventions an A and a B publication");
    let number = &patent.application_number;
    let body = number.as_str().trim_start_matches("CN");
    let (digits, _) = body.split_once('.').unwrap();
    let stem = patent.publication_numbers[0]
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() && !c.is_ascii_digit());
    for raw in [
        number.to_string(),
        digits.to_string(),
        format!("ZL{body}"),
        patent.publication_numbers[0].clone(),
        patent.publication_numbers[1].clone(),
        patent.publication_numbers[1].to_lowercase(),
        stem.to_string(),
    ] {
        assert_eq!(&library.resolve("number", &raw).unwrap(), number, "{raw}");
        assert_eq!(
            found(&library, &format!("an:{raw}")),
            [number.to_string()],
            "an:{raw}"
        );
    }
    // A well-formed number of no patent here is not found; a malformed one names the field.
    let missing = library.resolve("number", "CN999999999B").unwrap_err();
    assert_eq!(missing.kind(), patscreen::ErrorKind::NotFound, "{missing}");
    let bad = library.resolve("number", "CN12").unwrap_err();
    assert_eq!(bad.kind(), patscreen::ErrorKind::InvalidInput);
    assert!(bad.to_string().contains("invalid number"), "{bad}");
    drop(library);
    // The CLI's `show` takes the publication number too.
    let shown = crate::common::cli(
        dir.path(),
        &["show", &patent.publication_numbers[1], "--format", "json"],
    );
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(json["patent"]["application_number"], number.as_str());
}

#[test]
fn a_correction_sheet_merges_and_replace_replaces_whole_records() {
    let (_dir, library) = library();
    let first = patents(12, 60, "清华大学", 0);
    library
        .submit(jsonl("full.jsonl", "清华大学", &first), &Silent)
        .unwrap();
    let target = first
        .iter()
        .find(|p| p.claims.is_some() && p.forward_citations.is_some() && !p.ipc.is_empty())
        .unwrap();
    let number = &target.application_number;
    let card_before = library.card(number).unwrap();
    // A correction sheet: a new title, and an explicitly empty 被引证次数 cell.
    let csv = format!("申请号,标题,被引证次数\n{number},一种改进的校正方法,\n");
    let submit = |name: &str, replace: bool| {
        library
            .submit(
                Submission {
                    source_name: name.into(),
                    bytes: csv.clone().into_bytes(),
                    format: Format::Csv,
                    institution: "清华大学".into(),
                    all_or_nothing: true,
                    replace,
                },
                &Silent,
            )
            .unwrap()
    };
    let merged = submit("fix.csv", false);
    let patent = library.patent(number).unwrap();
    assert_eq!(patent.title, "一种改进的校正方法");
    assert_eq!(patent.forward_citations, None, "an empty cell clears");
    assert_eq!(
        patent.claims, target.claims,
        "columns the sheet lacks are kept"
    );
    assert_eq!(patent.ipc, target.ipc);
    assert_eq!(patent.events, target.events);
    let report = &merged.batch.report;
    assert!(!report.replaced);
    let change = &report.changes[0];
    assert_eq!(change.application_number, number.as_str());
    assert_eq!(change.fields, ["title", "forward_citations"]);
    assert_eq!(change.cleared, ["forward_citations"]);
    assert_eq!(change.value_before, card_before.value);
    assert_eq!(change.value_after, library.card(number).unwrap().value);
    // The change is in the stored report too.
    let stored = library
        .batches()
        .unwrap()
        .into_iter()
        .find(|b| b.id == merged.batch.id)
        .unwrap();
    assert_eq!(stored.report.changes, report.changes);
    // The same sheet with --replace replaces the whole record, and says what it dropped.
    let csv2 = csv.replace("一种改进的校正方法", "一种再次改进的校正方法");
    let replaced = library
        .submit(
            Submission {
                source_name: "replace.csv".into(),
                bytes: csv2.into_bytes(),
                format: Format::Csv,
                institution: "清华大学".into(),
                all_or_nothing: true,
                replace: true,
            },
            &Silent,
        )
        .unwrap();
    let patent = library.patent(number).unwrap();
    assert_eq!(patent.claims, None);
    assert!(patent.ipc.is_empty());
    let change = &replaced.batch.report.changes[0];
    assert!(replaced.batch.report.replaced);
    assert!(change.cleared.contains(&"claims".to_string()), "{change:?}");
    assert_ne!(change.value_before, change.value_after, "{change:?}");
    assert_eq!(change.value_after, library.card(number).unwrap().value);
}
