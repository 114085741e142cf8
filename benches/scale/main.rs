//! Scale harness: for each corpus size, generates patents with claims, ingests them batch by
//! batch, rescores, times engine-level queries, starts the server and drives the HTTP API
//! with 1, 8 and 32 clients from a separate process; optionally runs the peer harness and
//! the bare tantivy + jieba yardstick over the same corpus and queries.
//!
//! ```text
//! cargo bench --bench scale -- [--counts 10000,100000,1000000] [--work target/scale]
//!     [--clients 1,8,32] [--seconds 20] [--max-requests 100000] [--passes 3]
//!     [--peers ../peers-run] [--peer-max 100000] [--engines lucene,fts5,…] [--fresh]
//! ```
//! Every measured step runs in its own process (this binary re-run in a child mode), so peak
//! RSS is per step. Results: a summary on stdout and `<work>/results-<N>.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod child;
mod corpus;
mod load;
mod peers;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The service's allocator (see `src/main.rs`), so that children measure what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn args() -> Vec<String> {
    std::env::args().collect()
}

fn arg(name: &str) -> Option<String> {
    let args = args();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn flag(name: &str) -> bool {
    args().iter().any(|a| a == name)
}

fn list(name: &str, default: &str) -> Vec<u64> {
    arg(name)
        .unwrap_or_else(|| default.to_string())
        .split(',')
        .map(|v| v.trim().parse().expect("a comma-separated list of numbers"))
        .collect()
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

fn tag(count: u64) -> String {
    if count.is_multiple_of(1000) {
        format!("{}k", count / 1000)
    } else {
        count.to_string()
    }
}

fn main() {
    let a = args();
    let at = |i: usize| PathBuf::from(&a[i]);
    if let Some(i) = a.iter().position(|x| x == "--ingest-child") {
        println!("{}", child::ingest(&at(i + 1), &at(i + 2), &a[i + 3]));
    } else if let Some(i) = a.iter().position(|x| x == "--rescore-child") {
        println!("{}", child::rescore(&at(i + 1)));
    } else if let Some(i) = a.iter().position(|x| x == "--engine-child") {
        println!(
            "{}",
            child::engine(&at(i + 1), &at(i + 2), a[i + 3].parse().unwrap())
        );
    } else if a.iter().any(|x| x == "--load-child") {
        std::process::exit(load::child_main(&a));
    } else {
        orchestrate();
    }
}

fn orchestrate() {
    let work = PathBuf::from(arg("--work").unwrap_or_else(|| "target/scale".into()));
    let counts = list("--counts", "100000");
    for count in counts {
        let results = run(&work, count);
        let path = work.join(format!("results-{}.json", tag(count)));
        std::fs::write(&path, serde_json::to_string_pretty(&results).unwrap()).unwrap();
        eprintln!("wrote {}", path.display());
        println!("{}", summary(&results));
    }
}

fn run(work: &Path, count: u64) -> Value {
    let dir = work.join(tag(count));
    let started = Instant::now();
    let corpus = corpus::prepare(&dir, count);
    eprintln!(
        "[{count}] corpus ready in {:.1} s ({} batches)",
        started.elapsed().as_secs_f64(),
        corpus.batches.len()
    );
    let library = dir.join("library");
    let ingest_file = dir.join("ingest.json");
    let ingest = if flag("--fresh") || !ingest_file.exists() {
        let _ = std::fs::remove_dir_all(&library);
        let ingest = ingest_all(&library, &corpus);
        std::fs::write(&ingest_file, ingest.to_string()).unwrap();
        ingest
    } else {
        eprintln!("[{count}] reusing the library in {}", library.display());
        serde_json::from_str(&std::fs::read_to_string(&ingest_file).unwrap()).unwrap()
    };
    eprintln!("[{count}] ingest: {ingest}");
    // Other processes' unwritten data (the corpus, a build) would otherwise be flushed by the
    // rescoring's own fsync under ext4's ordered journal, and timed as if it were ours.
    flush_dirty_pages();
    let rescore = child::run_self(&["--rescore-child".into(), library.display().to_string()]);
    eprintln!("[{count}] rescore: {rescore}");
    let queries = dir.join("queries.txt");
    std::fs::write(&queries, corpus.queries.join("\n") + "\n").unwrap();
    let passes = arg("--passes").unwrap_or_else(|| "3".into());
    let engine = child::run_self(&[
        "--engine-child".into(),
        library.display().to_string(),
        queries.display().to_string(),
        passes,
    ]);
    eprintln!("[{count}] engine: {engine}");
    let http = if flag("--skip-load") {
        Value::Null
    } else {
        serve_and_load(&dir, &library, &corpus)
    };
    let peer_max = arg("--peer-max").map_or(100_000, |v| v.parse().unwrap());
    let peers = match arg("--peers") {
        Some(peers) if count <= peer_max => run_peers(Path::new(&peers), &dir, &corpus, count),
        _ => Value::Null,
    };
    json!({
        "count": count,
        "ingest": ingest,
        "rescore": rescore,
        "engine": engine,
        "http": http,
        "peers": peers,
        "sizes_mb": {
            "index": dir_size(&library.join("index")) as f64 / 1e6,
            "archive": dir_size(&library.join("archive")) as f64 / 1e6,
            "catalog": std::fs::metadata(library.join("catalog.sqlite")).map_or(0, |m| m.len()) as f64 / 1e6,
            "scores_and_features": (dir_size(&library.join("data")) + dir_size(&library.join("features"))) as f64 / 1e6,
        },
    })
}

/// Submits every batch in its own child process; sums the timings.
fn ingest_all(library: &Path, corpus: &corpus::Corpus) -> Value {
    let mut batches = Vec::new();
    let (mut to_commit, mut total, mut peak, mut patents, mut text) = (0.0, 0.0, 0.0f64, 0, 0);
    for batch in &corpus.batches {
        let result = child::run_self(&[
            "--ingest-child".into(),
            library.display().to_string(),
            batch.path.display().to_string(),
            batch.institution.clone(),
        ]);
        eprintln!("  {}: {result}", batch.path.display());
        to_commit += result["to_commit_seconds"].as_f64().unwrap();
        total += result["total_seconds"].as_f64().unwrap();
        peak = peak.max(result["peak_rss_mb"].as_f64().unwrap());
        patents += batch.patents;
        text += batch.text_bytes;
        batches.push(result);
    }
    json!({
        "patents": patents,
        "text_mb": text as f64 / 1e6,
        "to_commit_seconds": to_commit,
        "with_scoring_seconds": total,
        "patents_per_second": patents as f64 / to_commit,
        "text_mb_per_second": text as f64 / 1e6 / to_commit,
        "patents_per_second_with_scoring": patents as f64 / total,
        "peak_rss_mb": peak,
        "batches": batches,
    })
}

fn patscreen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patscreen"))
}

fn ready(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200")
}

/// Writes every process's dirty pages out (`sync`); whether it ran.
fn flush_dirty_pages() -> bool {
    Command::new("sync").status().is_ok_and(|s| s.success())
}

/// Drops the page cache when allowed (root), so that the start is cold.
fn drop_caches() -> bool {
    flush_dirty_pages() && std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

fn serve_and_load(dir: &Path, library: &Path, corpus: &corpus::Corpus) -> Value {
    let output = patscreen()
        .args([
            "keys",
            "create",
            "--role",
            "reader",
            "--label",
            "scale harness",
        ])
        .arg("--data-dir")
        .arg(library)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let key = text
        .split_whitespace()
        .find(|w| w.starts_with("psk_"))
        .unwrap_or_else(|| panic!("no key in {text}"))
        .to_string();
    let mix = dir.join("mix.jsonl");
    let lines: Vec<String> = corpus
        .mix
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    std::fs::write(&mix, lines.join("\n") + "\n").unwrap();

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let cold = drop_caches();
    let started = Instant::now();
    let mut server = patscreen()
        .args(["serve", "--listen", &addr.to_string()])
        .arg("--data-dir")
        .arg(library)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !ready(addr) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "server not ready"
        );
        assert!(server.try_wait().unwrap().is_none(), "server exited");
        std::thread::sleep(Duration::from_millis(10));
    }
    let ready_seconds = started.elapsed().as_secs_f64();
    let pid = server.id().to_string();
    let idle_rss = child::status_mb(&pid, "VmRSS");
    eprintln!("ready in {ready_seconds:.2} s (page cache dropped: {cold}), RSS {idle_rss:.0} MB");

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, pid) = (stop.clone(), pid.clone());
        std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(child::status_mb(&pid, "VmRSS"));
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    let seconds = arg("--seconds").unwrap_or_else(|| "20".into());
    let max_requests = arg("--max-requests").unwrap_or_else(|| "100000".into());
    let load = |clients: &str, seconds: &str, max_requests: &str| {
        child::run_self(&[
            "--load-child".into(),
            "--addr".into(),
            addr.to_string(),
            "--mix".into(),
            mix.display().to_string(),
            "--clients".into(),
            clients.into(),
            "--seconds".into(),
            seconds.into(),
            "--max-requests".into(),
            max_requests.into(),
            "--key".into(),
            key.clone(),
        ])
    };
    // The page cache was dropped to time the start: one client sends every request of the mix
    // once first, so the levels measure a warm server (a level of 8 clients alone otherwise
    // times its first seconds' disk reads as p99). Its figures are reported as `warm_up`.
    let warm_up = load("1", "600", &lines.len().to_string());
    eprintln!("warm-up (1 client, each request once, after the cache drop): {warm_up}");
    let mut levels = Vec::new();
    for clients in list("--clients", "1,8,32") {
        let report = load(&clients.to_string(), &seconds, &max_requests);
        eprintln!("{clients} clients: {report}");
        levels.push(report);
    }
    stop.store(true, Ordering::Relaxed);
    let peak_sampled = sampler.join().unwrap();
    let peak = child::status_mb(&pid, "VmHWM");
    let after = child::status_mb(&pid, "VmRSS");
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = server.wait();
    json!({
        "ready_seconds": ready_seconds,
        "page_cache_dropped": cold,
        "idle_rss_mb": idle_rss,
        "peak_rss_mb": peak,
        "peak_rss_sampled_mb": peak_sampled,
        "rss_after_load_mb": after,
        "warm_up": warm_up,
        "levels": levels,
    })
}

fn run_peers(peers: &Path, dir: &Path, corpus: &corpus::Corpus, count: u64) -> Value {
    let data = dir.join("peers");
    let exported = corpus::export_for_peers(corpus, &data, &tag(count));
    let queries = data.join("queries.txt");
    let mut yardstick = serde_json::Map::new();
    for mode in ["jieba-precise", "jieba-search"] {
        let result = peers::run_yardstick(peers, mode, &exported, &queries, &data);
        eprintln!("yardstick {mode}: {result}");
        yardstick.insert(mode.into(), result);
    }
    let engines = arg("--engines").unwrap_or_else(|| peers::ENGINES.into());
    let harness = peers::run_harness(peers, &data, count, &engines, "or");
    json!({ "yardstick": yardstick, "harness": harness })
}

fn ms(v: &Value) -> String {
    v.as_f64().map_or("—".into(), |x| format!("{x:.2}"))
}

/// A Markdown summary of one run.
fn summary(r: &Value) -> String {
    let mut out = format!("## {} patents\n\n", r["count"]);
    let i = &r["ingest"];
    out += &format!(
        "ingest: {:.0} patents/s, {:.1} MB/s of text to commit ({:.1} s); {:.0} patents/s with scoring; peak RSS {:.0} MB\n",
        i["patents_per_second"].as_f64().unwrap_or(f64::NAN),
        i["text_mb_per_second"].as_f64().unwrap_or(f64::NAN),
        i["to_commit_seconds"].as_f64().unwrap_or(f64::NAN),
        i["patents_per_second_with_scoring"]
            .as_f64()
            .unwrap_or(f64::NAN),
        i["peak_rss_mb"].as_f64().unwrap_or(f64::NAN),
    );
    out += &format!("sizes (MB): {}\n", r["sizes_mb"]);
    out += &format!(
        "rescore: {} s, peak RSS {} MB\n\n",
        ms(&r["rescore"]["seconds"]),
        ms(&r["rescore"]["peak_rss_mb"])
    );
    out +=
        "| engine query (1 thread) | p50 ms | p90 ms | p99 ms | QPS |\n|---|---:|---:|---:|---:|\n";
    if let Some(engine) = r["engine"].as_object() {
        for (name, v) in engine.iter().filter(|(_, v)| v.is_object()) {
            out += &format!(
                "| {name} | {} | {} | {} | {:.0} |\n",
                ms(&v["p50_ms"]),
                ms(&v["p90_ms"]),
                ms(&v["p99_ms"]),
                v["qps"].as_f64().unwrap_or(0.0)
            );
        }
    }
    let h = &r["http"];
    if h.is_object() {
        out += &format!(
            "\nserver: ready in {} s (cache dropped: {}), RSS idle {} MB, peak {} MB\n\n",
            ms(&h["ready_seconds"]),
            h["page_cache_dropped"],
            ms(&h["idle_rss_mb"]),
            ms(&h["peak_rss_mb"])
        );
        let warm_all = h["warm_up"]["classes"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["class"] == "all"));
        if let Some(all) = warm_all {
            out += &format!(
                "warm-up after the cache drop (1 client, each request once): {} requests, p50 {} ms, p99 {} ms, max {} ms\n\n",
                all["requests"],
                ms(&all["p50_ms"]),
                ms(&all["p99_ms"]),
                ms(&all["max_ms"])
            );
        }
        out += "| clients | class | requests | errors | p50 ms | p95 ms | p99 ms |\n|---:|---|---:|---:|---:|---:|---:|\n";
        for level in h["levels"].as_array().into_iter().flatten() {
            for c in level["classes"].as_array().into_iter().flatten() {
                out += &format!(
                    "| {} | {} | {} | {} | {} | {} | {} |\n",
                    level["clients"],
                    c["class"].as_str().unwrap_or(""),
                    c["requests"],
                    c["errors"],
                    ms(&c["p50_ms"]),
                    ms(&c["p95_ms"]),
                    ms(&c["p99_ms"])
                );
            }
            out += &format!(
                "| {} | QPS | {:.0} | | | | |\n",
                level["clients"],
                level["qps"].as_f64().unwrap_or(0.0)
            );
        }
    }
    let p = &r["peers"];
    if p.is_object() {
        out += "\n| peer | index s | docs/s | size MB | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n";
        for (name, v) in p["yardstick"].as_object().into_iter().flatten() {
            out += &format!(
                "| yardstick {name} | {} | {} | {} | {} | {} |\n",
                ms(&v["index_s"]),
                v["docs_per_s"],
                ms(&v["size_mb"]),
                ms(&v["p50_ms"]),
                ms(&v["p99_ms"])
            );
        }
        for (name, v) in p["harness"]["engines"].as_object().into_iter().flatten() {
            out += &format!(
                "| {name} | {} | {} | {} | {} | {} |\n",
                ms(&v["index_s"]),
                v["docs_per_s"],
                ms(&v["size_mb"]),
                ms(&v["p50_ms"]),
                ms(&v["p99_ms"])
            );
        }
    }
    out
}
