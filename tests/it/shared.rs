//! Acceptance checks on the real public data in ../shared (skipped when it is absent):
//! every row of the real batches is accepted, search quality on the dev queries, and jieba
//! segmentation quality on gold claim segmentation.

use std::collections::{HashMap, HashSet};

use patscreen::engine::Submission;
use patscreen::index::SearchRequest;
use patscreen::ingest::Format;
use patscreen::progress::Silent;
use patscreen::text::build_jieba;

use crate::common::{library, shared};

fn submit_real(
    library: &patscreen::engine::Library,
    path: &std::path::Path,
    institution: &str,
) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let outcome = library
        .submit(
            Submission {
                source_name: name,
                bytes,
                format: Format::Jsonl,
                institution: institution.into(),
                all_or_nothing: true,
                replace: false,
            },
            &Silent,
        )
        .unwrap();
    assert!(
        outcome.batch.report.errors.is_empty(),
        "{:?}",
        &outcome.batch.report.errors[..3.min(outcome.batch.report.errors.len())]
    );
    outcome.batch.report.rows_accepted
}

#[test]
fn real_batches_ingest_every_row_and_dev_queries_reach_the_targets() {
    let Some(shared) = shared() else { return };
    let (_dir, library) = library();
    let batches = shared.join("data/batches");
    assert_eq!(
        submit_real(&library, &batches.join("ccf_patents.jsonl"), "CCF"),
        4097
    );
    assert_eq!(library.indexed_patents().unwrap(), 4097);

    let idmap: HashMap<String, String> =
        std::fs::read_to_string(batches.join("ccf_patents.idmap.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .map(|(id, number)| (number.to_string(), id.to_string()))
            .collect();
    let queries = std::fs::read_to_string(shared.join("eval/search_queries_dev.jsonl")).unwrap();
    let (mut mrr, mut ndcg) = (Vec::new(), Vec::new());
    for line in queries.lines() {
        let q: serde_json::Value = serde_json::from_str(line).unwrap();
        let relevant: HashSet<&str> = q["relevant"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let results = library
            .search(&SearchRequest::new(q["query"].as_str().unwrap(), 10))
            .unwrap();
        let ranked: Vec<&str> = results
            .hits
            .iter()
            .map(|h| idmap[&h.application_number].as_str())
            .collect();
        if q["kind"] == "known_item" {
            let rank = ranked.iter().position(|id| relevant.contains(id));
            mrr.push(rank.map_or(0.0, |r| 1.0 / (r + 1) as f64));
        } else {
            let dcg: f64 = ranked
                .iter()
                .enumerate()
                .filter(|(_, id)| relevant.contains(*id))
                .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
                .sum();
            let ideal: f64 = (0..relevant.len().min(10))
                .map(|i| 1.0 / ((i + 2) as f64).log2())
                .sum();
            ndcg.push(dcg / ideal);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mrr, ndcg) = (mean(&mrr), mean(&ndcg));
    eprintln!("dev search: known-item MRR@10 {mrr:.3}, topical nDCG@10 {ndcg:.3}");
    assert!(mrr >= 0.90, "MRR@10 {mrr:.3} < 0.90");
    assert!(ndcg >= 0.80, "nDCG@10 {ndcg:.3} < 0.80");

    // Title, abstract and applicant only: every CCF patent is unscored with a reason, never
    // valued 0, and value sorts and shortlists say so instead of ranking by number.
    let mut request = SearchRequest::new("电池", 20);
    request.sort = patscreen::index::SortOrder::Value;
    let by_value = library.search(&request).unwrap();
    assert!(!by_value.hits.is_empty());
    assert!(
        by_value
            .hits
            .iter()
            .all(|h| h.value.is_none() && h.tier.as_deref() == Some("unscored")),
        "{:?}",
        by_value.hits[0]
    );
    assert!(by_value.unscored_note.is_some());
    let mut unscored = SearchRequest::new("*", 1);
    unscored.filters.tiers = vec!["unscored".into()];
    assert_eq!(library.search(&unscored).unwrap().total, 4097);
    let first = &by_value.hits[0].application_number;
    let card = library
        .card(&patscreen::model::ApplicationNumber::parse(first).unwrap())
        .unwrap();
    assert_eq!(card.value, None);
    assert!(card.unscored.is_some());
    let shortlist = library
        .shortlist(&patscreen::engine::ShortlistRequest {
            industry: "新能源智能汽车".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(shortlist.total, 0);
    assert!(
        shortlist.unscored > 0,
        "the shortlist counts what it left out"
    );
}

#[test]
fn the_technology_offers_batch_ingests_every_row() {
    let Some(shared) = shared() else { return };
    let (_dir, library) = library();
    assert_eq!(
        submit_real(
            &library,
            &shared.join("data/batches/offers_51jishu.jsonl"),
            "51jishu"
        ),
        2946
    );
    assert_eq!(library.indexed_patents().unwrap(), 2946);
}

/// Segmentation agreement with gold tokens: word F1 over exact character spans, and the
/// precision and recall of word boundaries (a tolerant view: a coarser but consistent cut
/// loses boundary recall, never boundary precision).
fn agreement(jieba: &jieba_rs::Jieba, hmm: bool, gold: &str) -> (f64, f64, f64) {
    let (mut matched, mut predicted, mut expected) = (0usize, 0usize, 0usize);
    let (mut boundaries_matched, mut boundaries_predicted, mut boundaries_expected) =
        (0usize, 0usize, 0usize);
    let spans = |words: &mut dyn Iterator<Item = usize>| {
        let mut at = 0;
        let mut out = Vec::new();
        for len in words {
            out.push((at, at + len));
            at += len;
        }
        out
    };
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let tokens: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
        let text: String = tokens.concat();
        let gold_spans = spans(&mut tokens.iter().map(|t| t.chars().count()));
        let cut = jieba.cut(&text, hmm);
        let predicted_spans = spans(&mut cut.iter().map(|t| t.word.chars().count()));
        let gold_set: HashSet<_> = gold_spans.iter().copied().collect();
        let predicted_set: HashSet<_> = predicted_spans.iter().copied().collect();
        matched += gold_set.intersection(&predicted_set).count();
        predicted += predicted_set.len();
        expected += gold_set.len();
        let ends = |s: &[(usize, usize)]| s.iter().map(|(_, end)| *end).collect::<HashSet<_>>();
        let (gold_ends, predicted_ends) = (ends(&gold_spans), ends(&predicted_spans));
        boundaries_matched += gold_ends.intersection(&predicted_ends).count();
        boundaries_predicted += predicted_ends.len();
        boundaries_expected += gold_ends.len();
    }
    let precision = matched as f64 / predicted as f64;
    let recall = matched as f64 / expected as f64;
    (
        2.0 * precision * recall / (precision + recall),
        boundaries_matched as f64 / boundaries_predicted as f64,
        boundaries_matched as f64 / boundaries_expected as f64,
    )
}

#[test]
fn segmentation_quality_on_gold_claim_sentences() {
    let Some(shared) = shared() else { return };
    let gold =
        std::fs::read_to_string(shared.join("data/ud-patentchar-claims/gold_segmentation.txt"))
            .unwrap();
    let hmm = patscreen::schema::contract().analysis.hmm;
    let (with_f1, with_bp, with_br) = agreement(&build_jieba(true), hmm, &gold);
    let (without_f1, without_bp, without_br) = agreement(&build_jieba(false), hmm, &gold);
    eprintln!(
        "segmentation on ud-patentchar-claims (hmm {hmm}): user dictionary on: word F1 {with_f1:.3}, boundary P {with_bp:.3} R {with_br:.3}; off: word F1 {without_f1:.3}, boundary P {without_bp:.3} R {without_br:.3}"
    );
    assert!(with_f1 >= 0.80, "word F1 {with_f1:.3}");
    // The dictionary only joins what belongs together: it must not add false boundaries.
    assert!(
        with_bp >= without_bp - 0.005,
        "boundary precision {with_bp:.3} < {without_bp:.3}"
    );
}

#[test]
fn http_search_gives_the_cli_top_ten_on_the_real_batch() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let batch = shared.join("data/batches/ccf_patents.jsonl");
    let out = crate::common::cli(
        &data,
        &["ingest", batch.to_str().unwrap(), "--institution", "CCF"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let queries: Vec<String> =
        std::fs::read_to_string(shared.join("eval/search_queries_dev.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["query"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
    let mut cli_top = Vec::new();
    for q in &queries {
        let out = crate::common::cli(&data, &["search", q, "--format", "json", "--limit", "10"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        cli_top.push(
            json["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["application_number"].as_str().unwrap().to_string())
                .collect::<Vec<_>>(),
        );
    }
    let library = std::sync::Arc::new(crate::common::open(&data));
    let state = patscreen::api::AppState::new(
        library,
        patscreen::api::ApiConfig {
            public_reads: true,
            ..Default::default()
        },
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for (q, expected) in queries.iter().zip(&cli_top) {
        let uri = format!(
            "/v1/search?limit=10&q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let body = runtime.block_on(async {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let request = axum::http::Request::builder()
                .uri(uri)
                .body(axum::body::Body::empty())
                .unwrap();
            let response = patscreen::api::router(state.clone())
                .oneshot(request)
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.into_body().collect().await.unwrap().to_bytes()
        });
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let http: Vec<String> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["application_number"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(&http, expected, "{q}");
    }
    state.worker.stop();
}
