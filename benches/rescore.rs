//! Rescoring at library scale: N generated patents (default 10^6) have their scoring features
//! extracted and written as 10 batch files (not timed); then a child process does what
//! `patscreen score` does after every batch, timed and with its own peak RSS: load every
//! feature file, score the library in parallel, write the score table.
//!
//! ```text
//! cargo bench --bench rescore -- --count 1000000
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::model::Patent;
use patscreen::scoring::{Scorer, features_from_table, features_to_table};
use patscreen::store::ColumnTable;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn prepare(dir: &Path, count: u64, scorer: &Scorer) {
    let started = Instant::now();
    let batches = 10u64;
    let per_batch = count.div_ceil(batches);
    let generator = Generator::new(GeneratorConfig {
        seed: 11,
        count,
        with_claims: true,
        institution: None,
        first_serial: 0,
    });
    for b in 0..batches {
        let first = b * per_batch;
        let last = ((b + 1) * per_batch).min(count);
        if first >= last {
            break;
        }
        let patents: Vec<Patent> = (first..last)
            .map(|i| {
                let mut p = generator.patent(i);
                p.institution = Some(p.applicants.first().cloned().unwrap_or_default());
                p
            })
            .collect();
        let ordinals: Vec<u64> = (first..last).map(|i| i + 1).collect();
        let features = scorer.features(&patents, &ordinals);
        features_to_table(&features, scorer.industries_version())
            .write_atomic(&dir.join(format!("batch-{b:08}.parquet")))
            .unwrap();
    }
    eprintln!(
        "prepared features of {count} generated patents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn rescore(dir: &Path) {
    let scorer = Scorer::embedded().unwrap();
    let started = Instant::now();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("batch-")
        })
        .collect();
    files.sort();
    let mut features = Vec::new();
    for file in &files {
        features.extend(
            features_from_table(
                ColumnTable::read(file).unwrap(),
                scorer.industries_version(),
            )
            .unwrap()
            .unwrap(),
        );
    }
    let load = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let table = scorer.score(
        &features,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        10,
        1,
        true,
    );
    let score = started.elapsed().as_secs_f64();
    drop(features);
    let started = Instant::now();
    table.save(&dir.join("scores.parquet")).unwrap();
    let save = started.elapsed().as_secs_f64();
    println!(
        "rescored {} patents: {:.2} s (load features {load:.2} s, score {score:.2} s, write table {save:.2} s); peak RSS {:.0} MB",
        table.rows().len(),
        load + score + save,
        peak_rss_mb()
    );
}

fn main() {
    if let Some(dir) = arg("--rescore-dir") {
        rescore(Path::new(&dir));
        return;
    }
    let count: u64 = arg("--count").map_or(1_000_000, |c| c.parse().expect("--count N"));
    let temp = tempfile::tempdir().unwrap();
    let scorer = Scorer::embedded().unwrap();
    prepare(temp.path(), count, &scorer);
    // A fresh process, so that its peak RSS is the rescoring's own.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--rescore-dir")
        .arg(temp.path())
        .status()
        .unwrap();
    assert!(status.success());
}
