//! Scores through the engine: citations from a later batch raise the cited patent's signal,
//! value and industry options in search, shortlists exported for Excel and as Parquet.

use patscreen::engine::{ShortlistRequest, ShortlistRow};
use patscreen::index::{SearchRequest, SortOrder};
use patscreen::model::{LegalStatus, Patent};
use patscreen::progress::Silent;
use patscreen::scoring::Tier;
use patscreen::store::{ColumnData, ColumnTable};

use crate::common::{cli, jsonl, library, patents};

#[test]
fn a_later_batch_citing_a_patent_raises_its_citation_signal() {
    let (_dir, library) = library();
    let first = patents(21, 60, "清华大学", 0);
    library
        .submit(jsonl("first.jsonl", "清华大学", &first), &Silent)
        .unwrap();
    // The target: a mature patent with no supplied citation count.
    let mut target = first
        .iter()
        .find(|p| {
            p.application_date
                .is_some_and(|d| d < chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap())
        })
        .unwrap()
        .clone();
    target.forward_citations = Some(0);
    target.title.push_str("（更新）");
    library
        .submit(
            jsonl("update.jsonl", "清华大学", std::slice::from_ref(&target)),
            &Silent,
        )
        .unwrap();
    let before = library.card(&target.application_number).unwrap();
    let row_before = library
        .scores()
        .unwrap()
        .rows()
        .iter()
        .find(|r| r.application_number == target.application_number.to_string())
        .unwrap()
        .clone();
    // Another institution's batch cites it five times.
    let mut citing: Vec<Patent> = patents(22, 5, "北京大学", 500_000);
    for p in &mut citing {
        p.cited_patents.push(target.application_number.to_string());
        p.applicants = vec!["北京大学".into()];
    }
    library
        .submit(jsonl("citing.jsonl", "北京大学", &citing), &Silent)
        .unwrap();
    let after = library.card(&target.application_number).unwrap();
    let row_after = library
        .scores()
        .unwrap()
        .rows()
        .iter()
        .find(|r| r.application_number == target.application_number.to_string())
        .unwrap()
        .clone();
    let (b, a) = (row_before.citations.unwrap(), row_after.citations.unwrap());
    assert_eq!((b.in_library, a.in_library), (0, 5));
    assert!(a.percentile > b.percentile, "{b:?} → {a:?}");
    assert!(
        row_after.value > row_before.value,
        "{} → {}",
        row_before.value,
        row_after.value
    );
    assert!(
        after.drivers.iter().any(|d| d.contains("库内 5 次")),
        "{:?}",
        after.drivers
    );
    assert_ne!(before.value, after.value);
}

#[test]
fn search_sorts_and_filters_by_value_tier_and_industry() {
    let (_dir, library) = library();
    library
        .submit(
            jsonl("a.jsonl", "清华大学", &patents(23, 300, "清华大学", 0)),
            &Silent,
        )
        .unwrap();
    let scores = library.scores().unwrap();
    let mut request = SearchRequest::new("*", 20);
    request.sort = SortOrder::Value;
    request.facets = true;
    let results = library.search(&request).unwrap();
    let values: Vec<f64> = results.hits.iter().map(|h| h.value.unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    assert_eq!(
        values[0],
        scores.rows().iter().map(|r| r.value).fold(0.0, f64::max)
    );
    let facets = results.facets.unwrap();
    let tier_total: u64 = facets["tier"].iter().map(|(_, n)| n).sum();
    assert_eq!(tier_total, 300);
    let ic = facets["industry"]
        .iter()
        .find(|(n, _)| n == "集成电路")
        .map_or(0, |(_, n)| *n);

    request.filters.tiers = vec!["A".into()];
    let a_only = library.search(&request).unwrap();
    assert_eq!(
        a_only.total as u64,
        facets["tier"].iter().find(|(t, _)| t == "A").unwrap().1
    );
    assert!(a_only.hits.iter().all(|h| h.tier.as_deref() == Some("A")));

    let mut by_industry = SearchRequest::new("*", 1000);
    by_industry.filters.industries = vec!["集成电路".into()];
    by_industry.sort = SortOrder::IndustryRank;
    let ic_hits = library.search(&by_industry).unwrap();
    assert_eq!(ic_hits.total as u64, ic);
    assert!(
        ic_hits
            .hits
            .iter()
            .all(|h| h.industries.contains(&"集成电路".to_string()))
    );
    by_industry.filters.min_value = Some(60.0);
    assert!(
        library
            .search(&by_industry)
            .unwrap()
            .hits
            .iter()
            .all(|h| h.value.unwrap() >= 60.0)
    );

    let mut bad = SearchRequest::new("*", 10);
    bad.filters.industries = vec!["造船".into()];
    assert!(
        library
            .search(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("invalid industry: '造船'")
    );
    bad.filters.industries.clear();
    bad.filters.tiers = vec!["E".into()];
    assert!(
        library
            .search(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("invalid tier")
    );
}

#[test]
fn shortlists_export_to_excel_csv_and_parquet_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("a.jsonl");
    std::fs::write(
        &file,
        patscreen::ingest::write_jsonl(Vec::new(), &patents(24, 400, "清华大学", 0)).unwrap(),
    )
    .unwrap();
    assert!(
        cli(
            &data,
            &[
                "ingest",
                file.to_str().unwrap(),
                "--institution",
                "清华大学"
            ]
        )
        .status
        .success()
    );
    let csv = dir.path().join("ic.csv");
    let parquet = dir.path().join("ic.parquet");
    for out in [&csv, &parquet] {
        let run = cli(
            &data,
            &[
                "shortlist",
                "--industry",
                "集成电路",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    // XLSX: a workbook that opens, a header row and one row per patent; the screening
    // report of the batch likewise, as XLSX and CSV.
    let xlsx = dir.path().join("ic.xlsx");
    let report_xlsx = dir.path().join("batch.xlsx");
    let report_csv = dir.path().join("batch.csv");
    for args in [
        vec![
            "shortlist",
            "--industry",
            "集成电路",
            "--out",
            xlsx.to_str().unwrap(),
        ],
        vec!["report", "1", "--out", report_xlsx.to_str().unwrap()],
        vec!["report", "1", "--out", report_csv.to_str().unwrap()],
    ] {
        let run = cli(&data, &args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let sheet_rows = |path: &std::path::Path| {
        use calamine::Reader;
        let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
        let range = workbook.worksheet_range_at(0).unwrap().unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        (range.height(), header)
    };
    let (height, header) = sheet_rows(&xlsx);
    assert_eq!(header[1], "申请号");
    let listed = csv::Reader::from_path(&csv).unwrap().records().count();
    assert_eq!(height, listed + 1);
    let (height, header) = sheet_rows(&report_xlsx);
    assert_eq!(header[..4], ["申请号", "标题", "价值分", "等级"]);
    assert_eq!(height, 400 + 1, "every patent of the batch");
    let text = String::from_utf8(std::fs::read(&report_csv).unwrap()[3..].to_vec()).unwrap();
    assert_eq!(
        csv::Reader::from_reader(text.as_bytes()).records().count(),
        400
    );
    // A bare file name is written to the current directory.
    let bare = std::process::Command::new(env!("CARGO_BIN_EXE_patscreen"))
        .current_dir(dir.path())
        .args(["--data-dir", "data", "--quiet", "shortlist"])
        .args(["--industry", "集成电路", "--out", "bare.parquet"])
        .output()
        .unwrap();
    assert!(
        bare.status.success(),
        "{}",
        String::from_utf8_lossy(&bare.stderr)
    );
    assert!(dir.path().join("bare.parquet").is_file());
    let json = cli(
        &data,
        &["shortlist", "--industry", "集成电路", "--format", "json"],
    );
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = list["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert_eq!(
        list["total"].as_u64().unwrap() as usize,
        rows.len(),
        "no silent truncation"
    );
    // CSV: UTF-8 BOM, Chinese headers and titles intact, one line per row.
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().unwrap()[2], "标题");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    assert_eq!(
        &records[0][1],
        rows[0]["application_number"].as_str().unwrap()
    );
    assert_eq!(&records[0][2], rows[0]["title"].as_str().unwrap());
    assert!(!records[0][14].is_empty(), "every row carries its reasons");
    // Parquet reads back with the same rows.
    let table = ColumnTable::read(&parquet).unwrap();
    assert_eq!(table.rows(), rows.len());
    let ColumnData::Str(numbers) = table.column("application_number").unwrap() else {
        panic!()
    };
    let expected: Vec<&str> = rows
        .iter()
        .map(|r| r["application_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
    let ColumnData::StrList(industries) = table.column("industries").unwrap() else {
        panic!()
    };
    assert!(
        industries
            .iter()
            .all(|i| i.contains(&"集成电路".to_string()))
    );
}

#[test]
fn shortlist_filters_and_unavailable_patents() {
    let (_dir, library) = library();
    let batch = patents(25, 300, "清华大学", 0);
    library
        .submit(jsonl("a.jsonl", "清华大学", &batch), &Silent)
        .unwrap();
    let all = library
        .shortlist(&ShortlistRequest {
            industry: "人工智能".into(),
            include_unavailable: true,
            ..ShortlistRequest::default()
        })
        .unwrap();
    let available = library
        .shortlist(&ShortlistRequest {
            industry: "人工智能".into(),
            ..ShortlistRequest::default()
        })
        .unwrap();
    assert!(available.total < all.total);
    let lapsed: Vec<&str> = batch
        .iter()
        .filter(|p| p.legal_status == Some(LegalStatus::Lapsed))
        .map(|p| p.application_number.as_str())
        .collect();
    assert!(
        available
            .rows
            .iter()
            .all(|r| !lapsed.contains(&r.application_number.as_str()))
    );
    let ranks: Vec<f64> = available.rows.iter().map(|r| r.rank_score).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]));
    // A limited shortlist is the head of the whole one, with the same total.
    let head = library
        .shortlist(&ShortlistRequest {
            industry: "人工智能".into(),
            limit: Some(5),
            ..ShortlistRequest::default()
        })
        .unwrap();
    assert_eq!(head.total, available.total);
    let numbers = |rows: &[ShortlistRow]| -> Vec<String> {
        rows.iter().map(|r| r.application_number.clone()).collect()
    };
    assert_eq!(numbers(&head.rows), numbers(&available.rows[..5]));
    let top = library
        .shortlist(&ShortlistRequest {
            industry: "人工智能".into(),
            tiers: vec!["A".into(), "B".into()],
            limit: Some(3),
            ..ShortlistRequest::default()
        })
        .unwrap();
    assert!(
        top.rows.len() <= 3
            && top
                .rows
                .iter()
                .all(|r| matches!(r.tier.as_str(), "A" | "B"))
    );
    let error = library
        .shortlist(&ShortlistRequest {
            industry: "造船".into(),
            ..ShortlistRequest::default()
        })
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("'造船' is not one of the ten industries")
    );
}

/// The industries page and institution reports read the score table's counts: they equal a
/// tally of the rows themselves, per institution and per industry, and follow a new batch.
#[test]
fn industry_and_institution_counts_equal_a_tally_of_the_rows() {
    let (_dir, library) = library();
    let check = |library: &patscreen::engine::Library| {
        let scores = library.scores().unwrap();
        let threshold = scores.meta.label_threshold;
        let labelled =
            |r: &patscreen::scoring::ScoreRow, i: usize| f64::from(r.fits[i]) >= threshold;
        let industries = library.industries().unwrap();
        assert_eq!(industries.len(), scores.industries.len());
        for (i, summary) in industries.iter().enumerate() {
            let rows: Vec<_> = scores.rows().iter().filter(|r| labelled(r, i)).collect();
            assert_eq!(summary.patents, rows.len(), "{}", summary.name);
            assert_eq!(
                summary.available,
                rows.iter().filter(|r| r.available).count(),
                "{}",
                summary.name
            );
            let a = rows.iter().filter(|r| r.tier == Tier::A).count();
            assert_eq!(summary.tiers.a, a, "{}", summary.name);
            let lapsed = rows.iter().filter(|r| r.tier == Tier::Lapsed).count();
            assert_eq!(summary.tiers.lapsed, lapsed, "{}", summary.name);
        }
        for institution in ["清华大学", "北京大学"] {
            let report = library.institution_report(institution).unwrap();
            let rows: Vec<_> = scores
                .rows()
                .iter()
                .filter(|r| &*r.institution == institution)
                .collect();
            assert_eq!(report.patents, rows.len(), "{institution}");
            assert_eq!(
                report.tiers.d,
                rows.iter().filter(|r| r.tier == Tier::D).count(),
                "{institution}"
            );
            for (i, name) in scores.industries.iter().enumerate() {
                let n = rows.iter().filter(|r| labelled(r, i)).count();
                assert_eq!(
                    report.industries.get(name).copied().unwrap_or(0),
                    n,
                    "{institution} {name}"
                );
            }
        }
    };
    library
        .submit(
            jsonl("thu.jsonl", "清华大学", &patents(31, 80, "清华大学", 0)),
            &Silent,
        )
        .unwrap();
    library
        .submit(
            jsonl(
                "pku.jsonl",
                "北京大学",
                &patents(32, 40, "北京大学", 600_000),
            ),
            &Silent,
        )
        .unwrap();
    check(&library);
    let thu = library.institution_report("清华大学").unwrap().patents;
    library
        .submit(
            jsonl(
                "more.jsonl",
                "清华大学",
                &patents(33, 20, "清华大学", 700_000),
            ),
            &Silent,
        )
        .unwrap();
    check(&library);
    assert_eq!(
        library.institution_report("清华大学").unwrap().patents,
        thu + 20
    );
}
