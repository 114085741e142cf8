//! The measured steps that run in child processes of the harness (each reports its own peak
//! RSS and CPU time): submitting batches, full rescoring, engine-level query latency; plus
//! the process helpers the harness uses (spawning itself, reading /proc, percentiles).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use patscreen::engine::{Access, Library, LibraryOptions, Submission};
use patscreen::index::{Filters, SearchRequest, SortOrder};
use patscreen::ingest::Format;
use patscreen::model::{LegalStatus, PatentType};
use patscreen::progress::{Progress, Silent, Stage};
use serde_json::{Value, json};

/// A field of `/proc/<pid>/status` in MB (`VmHWM`, `VmRSS`).
pub fn status_mb(pid: &str, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) this process has used so far.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after ')'.
    (ticks(11) + ticks(12)) / 100.0
}

/// Percentile by linear interpolation between closest ranks of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = (sorted.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (
        k.floor() as usize,
        (k.ceil() as usize).min(sorted.len() - 1),
    );
    sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo as f64)
}

/// Re-runs this bench binary with `args` and returns the JSON it prints last.
pub fn run_self(args: &[String]) -> Value {
    let exe = std::env::current_exe().unwrap();
    let output = Command::new(exe)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(output.status.success(), "child {args:?} failed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rev().find(|l| l.starts_with('{')).unwrap();
    serde_json::from_str(last).unwrap()
}

/// Records when each stage began, in wall and CPU time.
#[derive(Default)]
struct StageClock {
    marks: Mutex<Vec<(Stage, Instant, f64)>>,
}

impl Progress for StageClock {
    fn stage(&self, stage: Stage, _total: Option<u64>) {
        if let Ok(mut marks) = self.marks.lock() {
            marks.push((stage, Instant::now(), cpu_seconds()));
        }
    }
}

impl StageClock {
    /// Seconds from the first mark to the start of `stage`.
    fn until(&self, stage: Stage) -> f64 {
        let marks = self.marks.lock().unwrap();
        let first = marks[0].1;
        marks
            .iter()
            .find(|m| m.0 == stage)
            .map_or(f64::NAN, |m| (m.1 - first).as_secs_f64())
    }

    fn stages(&self) -> Value {
        let marks = self.marks.lock().unwrap();
        marks
            .windows(2)
            .map(|w| {
                let wall = (w[1].1 - w[0].1).as_secs_f64();
                let cpu = w[1].2 - w[0].2;
                json!({ "stage": w[0].0.as_str(), "seconds": wall, "cpu_seconds": cpu })
            })
            .collect()
    }
}

fn options() -> LibraryOptions {
    LibraryOptions::default()
}

/// `--ingest-child LIBRARY FILE INSTITUTION`: submits one batch file, timed by stage.
pub fn ingest(library: &Path, file: &Path, institution: &str) -> Value {
    let bytes = std::fs::read(file).unwrap();
    let library = Library::open(library, Access::ReadWrite, options(), &Silent).unwrap();
    let clock = StageClock::default();
    let started = Instant::now();
    let outcome = library
        .submit(
            Submission {
                source_name: file.file_name().unwrap().to_string_lossy().into_owned(),
                bytes,
                format: Format::Jsonl,
                institution: institution.into(),
                all_or_nothing: true,
                replace: false,
            },
            &clock,
        )
        .unwrap();
    let total = started.elapsed().as_secs_f64();
    library.close().unwrap();
    json!({
        "rows": outcome.batch.report.rows_accepted,
        "to_commit_seconds": clock.until(Stage::Features),
        "total_seconds": total,
        "scoring_seconds": outcome.scoring_seconds,
        "stages": clock.stages(),
        "peak_rss_mb": status_mb("self", "VmHWM"),
    })
}

/// `--rescore-child LIBRARY`: a full rescoring, as after every batch.
pub fn rescore(library: &Path) -> Value {
    let library = Library::open(library, Access::ReadWrite, options(), &Silent).unwrap();
    let before = status_mb("self", "VmRSS");
    let started = Instant::now();
    let stats = library.rescore(&Silent).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    json!({
        "patents": stats.patents,
        "seconds": seconds,
        "load_seconds": stats.load_seconds,
        "score_seconds": stats.score_seconds,
        "save_seconds": stats.save_seconds,
        "rss_before_mb": before,
        "peak_rss_mb": status_mb("self", "VmHWM"),
    })
}

/// The engine-level variants timed on every query.
fn variants(query: &str) -> Vec<(&'static str, SearchRequest)> {
    let mut plain = SearchRequest::new(query, 10);
    plain.snippets = false;
    let mut sorted = plain.clone();
    sorted.sort = SortOrder::Value;
    sorted.filters = Filters {
        legal_statuses: vec![LegalStatus::InForce, LegalStatus::Pending],
        patent_types: vec![PatentType::Invention],
        year_from: Some(2012),
        ..Filters::default()
    };
    let mut phrase = plain.clone();
    phrase.query = format!("\"{}\"", query.split(' ').next().unwrap_or(query));
    let mut faceted = plain.clone();
    faceted.facets = true;
    faceted.filters = sorted.filters.clone();
    let mut industry = plain.clone();
    industry.sort = SortOrder::IndustryRank;
    industry.filters.industries = vec!["新材料".into()];
    vec![
        ("plain", plain),
        ("phrase", phrase),
        ("value_sorted_filtered", sorted),
        ("filtered_faceted", faceted),
        ("industry_rank", industry),
    ]
}

/// `--engine-child LIBRARY QUERIES PASSES`: single-threaded query latency over the query
/// list, each variant timed separately after one warm-up pass. `PATSCREEN_ENGINE_VARIANT`
/// limits the run to one variant (to profile it).
pub fn engine(library: &Path, queries: &Path, passes: usize) -> Value {
    let opened = Instant::now();
    let library = Library::open(library, Access::ReadOnly, options(), &Silent).unwrap();
    let open_seconds = opened.elapsed().as_secs_f64();
    let queries: Vec<String> = std::fs::read_to_string(queries)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let only = std::env::var("PATSCREEN_ENGINE_VARIANT").ok();
    let names: Vec<&str> = variants("x").iter().map(|(n, _)| *n).collect();
    let mut out = serde_json::Map::new();
    for (v, name) in names.iter().enumerate() {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        let requests: Vec<SearchRequest> = queries
            .iter()
            .map(|q| variants(q).swap_remove(v).1)
            .collect();
        let mut with_hits = 0;
        for request in &requests {
            if library.search(request).unwrap().total > 0 {
                with_hits += 1;
            }
        }
        let mut latencies = Vec::new();
        let started = Instant::now();
        for _ in 0..passes {
            for request in &requests {
                let t = Instant::now();
                let results = library.search(request).unwrap();
                std::hint::black_box(results);
                latencies.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        let wall = started.elapsed().as_secs_f64();
        latencies.sort_by(f64::total_cmp);
        out.insert(
            (*name).to_string(),
            json!({
                "queries_with_hits": with_hits,
                "p50_ms": percentile(&latencies, 50.0),
                "p90_ms": percentile(&latencies, 90.0),
                "p99_ms": percentile(&latencies, 99.0),
                "qps": latencies.len() as f64 / wall,
            }),
        );
    }
    out.insert("open_seconds".into(), json!(open_seconds));
    out.insert("peak_rss_mb".into(), json!(status_mb("self", "VmHWM")));
    Value::Object(out)
}
