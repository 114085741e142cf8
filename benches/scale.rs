//! Scale harness for ingestion: generates N patents with claims, submits them as one JSONL
//! batch to a fresh library and reports patents/s, MB/s of text, peak RSS and index size.
//!
//! ```text
//! cargo bench --bench scale -- --count 100000 [--threads 2] [--memory-mb 384] [--keep DIR]
//! ```
//! Generation and JSON encoding happen before the clock starts; the timed part is what
//! `patscreen ingest` does: parse, validate, archive (fsync), catalog, index, commit.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use patscreen::engine::{Access, Library, LibraryOptions, Submission};
use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::ingest::{self, Format};
use patscreen::progress::{Progress, Silent, Stage};

/// Records when each stage of the batch began.
#[derive(Default)]
struct StageClock {
    marks: std::sync::Mutex<Vec<(Stage, Instant)>>,
}

impl Progress for StageClock {
    fn stage(&self, stage: Stage, _total: Option<u64>) {
        if let Ok(mut marks) = self.marks.lock() {
            marks.push((stage, Instant::now()));
        }
    }
}

impl StageClock {
    fn report(&self) -> String {
        let marks = self.marks.lock().unwrap();
        marks
            .windows(2)
            .map(|w| {
                format!(
                    "{} {:.2} s",
                    w[0].0.as_str(),
                    (w[1].1 - w[0].1).as_secs_f64()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_size(&p)
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    // `cargo bench` passes --bench; ignore what we do not know.
    let count: u64 = arg("--count").map_or(100_000, |c| c.parse().expect("--count N"));
    let defaults = LibraryOptions::default();
    let threads: usize =
        arg("--threads").map_or(defaults.index_threads, |t| t.parse().expect("--threads N"));
    let memory_mb: usize = arg("--memory-mb").map_or(defaults.index_memory_bytes >> 20, |m| {
        m.parse().expect("--memory-mb N")
    });
    let keep = arg("--keep").map(PathBuf::from);

    let started = Instant::now();
    let patents: Vec<_> = Generator::new(GeneratorConfig {
        seed: 7,
        count,
        with_claims: true,
        institution: Some("清华大学".into()),
        first_serial: 0,
    })
    .collect();
    let text_bytes: usize = patents.iter().map(|p| p.text_bytes()).sum();
    let bytes = ingest::write_jsonl(Vec::new(), &patents).unwrap();
    drop(patents);
    eprintln!(
        "generated {count} patents ({:.1} MB JSONL, {:.1} MB of text) in {:.1} s",
        bytes.len() as f64 / 1e6,
        text_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let temp = tempfile::tempdir().unwrap();
    let root = keep.clone().unwrap_or_else(|| temp.path().join("library"));
    if root.exists() {
        std::fs::remove_dir_all(&root).unwrap();
    }
    let options = LibraryOptions {
        index_threads: threads,
        index_memory_bytes: memory_mb << 20,
    };
    let library = Library::open(&root, Access::ReadWrite, options, &Silent).unwrap();
    let input_mb = bytes.len() as f64 / 1e6;
    let started = Instant::now();
    let clock = StageClock::default();
    let outcome = library
        .submit(
            Submission {
                source_name: "scale.jsonl".into(),
                bytes,
                format: Format::Jsonl,
                institution: "清华大学".into(),
                all_or_nothing: true,
            },
            &clock,
        )
        .unwrap();
    let submit_s = started.elapsed().as_secs_f64();
    library.close().unwrap();
    let total_s = started.elapsed().as_secs_f64();
    assert_eq!(outcome.batch.report.rows_accepted as u64, count);
    println!(
        "ingest of {count} generated patents with claims ({threads} indexing threads, {memory_mb} MB writer budget)"
    );
    println!("  end to end (parse, validate, archive, catalog, index, commit): {submit_s:.2} s");
    println!("  stages: {}", clock.report());
    println!("  with merges finished: {total_s:.2} s");
    println!(
        "  throughput: {:.0} patents/s, {:.1} MB/s of text, {:.1} MB/s of JSONL",
        count as f64 / submit_s,
        text_bytes as f64 / 1e6 / submit_s,
        input_mb / submit_s
    );
    println!("  peak RSS: {:.0} MB", peak_rss_mb());
    println!(
        "  on disk: index {:.1} MB, archive {:.1} MB, catalog {:.1} MB",
        dir_size(&root.join("index")) as f64 / 1e6,
        dir_size(&root.join("archive")) as f64 / 1e6,
        std::fs::metadata(root.join("catalog.sqlite")).map_or(0, |m| m.len()) as f64 / 1e6
    );
}
