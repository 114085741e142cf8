//! Runs the peer harness (`../shared/peers`, copied somewhere writable and set up with its
//! `setup.sh`) and its bare tantivy + jieba yardstick over the same generated corpus and
//! queries, and reads back what they measured.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// The peer engines run by default (the ones a user would pick instead of us).
pub const ENGINES: &str = "lucene,lucene-cjk,lucene8-smartcn,fts5,tantivy";

/// Runs `bench.py` of the peer harness in `peers` on the corpus in `data` (which holds
/// `corpus-<tag>.jsonl` and `queries.txt`) and returns its results for `mode` (or, or and).
pub fn run_harness(peers: &Path, data: &Path, docs: u64, engines: &str, mode: &str) -> Value {
    let python = peers.join(".venv/bin/python");
    let work = data.join("work");
    let status = Command::new(&python)
        .arg(peers.join("bench.py"))
        .args([
            "--docs",
            &docs.to_string(),
            "--engines",
            engines,
            "--mode",
            mode,
        ])
        .args(["--seg-bench-docs", "0", "--timeout", "3600"])
        .arg("--data")
        .arg(data)
        .arg("--work")
        .arg(&work)
        .status()
        .unwrap();
    assert!(status.success(), "the peer harness failed");
    let results = data.join(format!("results-{}-{mode}.json", crate::tag(docs)));
    serde_json::from_str(&std::fs::read_to_string(results).unwrap()).unwrap()
}

/// Runs the yardstick (`rust-tantivy/target/release/tantivy-native`, built with
/// `cargo build --release` there) in `mode` (`jieba-precise`, `jieba-search`).
pub fn run_yardstick(
    peers: &Path,
    mode: &str,
    corpus: &Path,
    queries: &Path,
    work: &Path,
) -> Value {
    let binary = peers.join("rust-tantivy/target/release/tantivy-native");
    if !binary.exists() {
        return json!({ "error": format!("{} not built", binary.display()) });
    }
    let index = work.join(format!("yardstick-{mode}"));
    let output = Command::new(&binary)
        .arg(mode)
        .arg(corpus)
        .arg(queries)
        .arg(&index)
        .args(["2", "256", "3", "or"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&index);
    assert!(output.status.success(), "the yardstick failed");
    serde_json::from_slice(&output.stdout).unwrap()
}
