//! Criterion benches of the value model: scoring 10^3 to 10^6 generated patents, sequential
//! against parallel (rayon), from their extracted features.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::model::Patent;
use patscreen::scoring::Scorer;

fn scoring(c: &mut Criterion) {
    let scorer = Scorer::embedded().unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let mut group = c.benchmark_group("score-library");
    group.sample_size(10);
    for count in [1_000u64, 10_000, 100_000, 1_000_000] {
        let generator = Generator::new(GeneratorConfig {
            seed: 5,
            count,
            with_claims: true,
            institution: None,
            first_serial: 0,
        });
        // Features are extracted 10^5 patents at a time, so 10^6 patents never sit in memory.
        let mut features = Vec::with_capacity(count as usize);
        for start in (0..count).step_by(100_000) {
            let end = (start + 100_000).min(count);
            let patents: Vec<Patent> = (start..end).map(|i| generator.patent(i)).collect();
            let ordinals: Vec<u64> = (start + 1..=end).collect();
            features.extend(scorer.features(&patents, &ordinals));
        }
        group.throughput(Throughput::Elements(count));
        for parallel in [false, true] {
            let name = if parallel { "parallel" } else { "sequential" };
            group.bench_with_input(BenchmarkId::new(name, count), &features, |b, features| {
                b.iter(|| scorer.score(features, as_of, 1, 1, parallel).rows().len())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
