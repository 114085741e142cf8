//! Criterion benches of text analysis on the bundled samples: jieba search-mode analysis and
//! character bigrams (MB/s of abstracts and claims), and claim parsing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use patscreen::ingest::{Format, read_batch};
use patscreen::text::{Analyzer, ClaimSet, SegmentMode, bigrams, normalize};

fn sample_texts() -> (Vec<String>, Vec<String>) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data-samples/tsinghua.jsonl"
    ))
    .unwrap();
    let batch = read_batch(
        "tsinghua.jsonl",
        bytes,
        Format::Jsonl,
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let abstracts = batch
        .patents
        .iter()
        .filter_map(|p| p.abstract_text.clone())
        .collect();
    let claims = batch
        .patents
        .iter()
        .filter_map(|p| p.claims.clone())
        .collect();
    (abstracts, claims)
}

fn analysis(c: &mut Criterion) {
    let (abstracts, claims) = sample_texts();
    patscreen::text::jieba();
    for (name, texts) in [("abstracts", &abstracts), ("claims", &claims)] {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("analyse-{name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function("jieba-search", |b| {
            let mut analyzer = Analyzer::default();
            b.iter(|| {
                let mut n = 0usize;
                for t in texts.iter() {
                    analyzer.analyze(t, SegmentMode::Search, |_, _, _, _| n += 1);
                }
                n
            })
        });
        group.bench_function("bigrams", |b| {
            b.iter(|| {
                let mut n = 0usize;
                for t in texts.iter() {
                    bigrams(&normalize(t), |_, _, _| n += 1);
                }
                n
            })
        });
        group.finish();
    }
    let bytes: usize = claims.iter().map(String::len).sum();
    let mut group = c.benchmark_group("claims");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse-and-measure", |b| {
        b.iter(|| {
            claims
                .iter()
                .map(|t| {
                    let set = ClaimSet::parse(t);
                    set.first().map_or(0, |c| c.features() + c.chars()) + set.independent().count()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
