//! Criterion benches of engine-level query latency on a prepared library of generated patents
//! with claims (10^5 by default; `PATSCREEN_BENCH_PATENTS` sets another count): plain terms,
//! a phrase, filters with facets, sorting by value under filters, and an industry shortlist.
//! Each iteration runs the next of 200 queries taken from the corpus's own titles, so the
//! figure is the mean over a varied query set, single-threaded, snippets off.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use patscreen::engine::{Access, Library, LibraryOptions, Submission};
use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::index::{Filters, SearchRequest, SortOrder};
use patscreen::ingest::{self, Format};
use patscreen::model::{LegalStatus, Patent, PatentType};
use patscreen::progress::Silent;
use patscreen::text::{SegmentMode, terms};

/// Words too generic in generated titles to make a query of their own.
const GENERIC: [&str; 8] = [
    "一种", "方法", "装置", "系统", "及其", "制备", "应用", "基于",
];

fn patent_count() -> u64 {
    std::env::var("PATSCREEN_BENCH_PATENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Submits `count` generated patents to a new library in `dir` and returns it with 200
/// queries of one to three title words.
fn prepare(dir: &std::path::Path, count: u64) -> (Library, Vec<String>) {
    let generator = Generator::new(GeneratorConfig {
        seed: 11,
        count,
        with_claims: true,
        institution: None,
        first_serial: 0,
    });
    let patents: Vec<Patent> = (0..count).map(|i| generator.patent(i)).collect();
    let mut queries = Vec::new();
    for (i, patent) in patents.iter().enumerate().step_by(97) {
        let words: Vec<String> = terms(&patent.title, SegmentMode::Precise)
            .into_iter()
            .filter(|w| w.chars().count() >= 2 && !GENERIC.contains(&w.as_str()))
            .collect();
        if words.is_empty() {
            continue;
        }
        let n = (i % 3 + 1).min(words.len());
        queries.push(words[..n].join(" "));
        if queries.len() == 200 {
            break;
        }
    }
    let bytes = ingest::write_jsonl(Vec::new(), &patents).unwrap();
    drop(patents);
    let library =
        Library::open(dir, Access::ReadWrite, LibraryOptions::default(), &Silent).unwrap();
    library
        .submit(
            Submission {
                source_name: "bench.jsonl".into(),
                bytes,
                format: Format::Jsonl,
                institution: "基准大学".into(),
                all_or_nothing: true,
                replace: false,
            },
            &Silent,
        )
        .unwrap();
    (library, queries)
}

/// The request of `variant` for one query.
fn request(variant: &str, query: &str) -> SearchRequest {
    let mut request = SearchRequest::new(query, 10);
    request.snippets = false;
    let filters = Filters {
        legal_statuses: vec![LegalStatus::InForce, LegalStatus::Pending],
        patent_types: vec![PatentType::Invention],
        year_from: Some(2012),
        ..Filters::default()
    };
    match variant {
        "phrase" => {
            request.query = format!("\"{}\"", query.split(' ').next().unwrap_or(query));
        }
        "filtered_faceted" => {
            request.filters = filters;
            request.facets = true;
        }
        "value_sorted_filtered" => {
            request.filters = filters;
            request.sort = SortOrder::Value;
        }
        "industry_rank" => {
            request.filters.industries = vec!["新材料".into()];
            request.sort = SortOrder::IndustryRank;
        }
        _ => {}
    }
    request
}

fn search(c: &mut Criterion) {
    let count = patent_count();
    let dir = tempfile::tempdir().unwrap();
    let (library, queries) = prepare(dir.path(), count);
    let mut group = c.benchmark_group(format!("search-{count}"));
    for variant in [
        "plain",
        "phrase",
        "filtered_faceted",
        "value_sorted_filtered",
        "industry_rank",
    ] {
        let requests: Vec<SearchRequest> = queries.iter().map(|q| request(variant, q)).collect();
        // Every request must find something, or the bench would time empty work.
        let with_hits = requests
            .iter()
            .filter(|r| library.search(r).unwrap().total > 0)
            .count();
        assert!(
            with_hits * 2 > requests.len(),
            "{variant}: {with_hits} with hits"
        );
        let mut next = 0;
        group.bench_function(variant, |b| {
            b.iter(|| {
                let results = library.search(&requests[next % requests.len()]).unwrap();
                next += 1;
                results.total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
