//! The HTTP load driver of the scale harness: closed-loop clients over keep-alive connections
//! to 127.0.0.1, a fixed request mix, bounded by time and request count; latency percentiles
//! per request class. Runs in its own process (`scale --load-child …`), never in the server's.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;

/// A request still unanswered after this long counts as an error; its connection is dropped.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How many distinct error messages go to stderr; later ones are only counted.
const MAX_LOGGED_ERRORS: usize = 12;
/// Pause after a failed connect, so a dead server is not hammered in a tight loop.
const RECONNECT_PAUSE: Duration = Duration::from_millis(20);

/// One request of the mix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MixRequest {
    /// Class the latency is reported under (plain, phrase, filtered, facets, value_sorted,
    /// shortlist, similar, match).
    pub class: String,
    /// GET or POST.
    pub method: String,
    /// Path and query string, already percent-encoded.
    pub path: String,
    /// JSON body of a POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// What to drive.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Server address (loopback).
    pub addr: SocketAddr,
    /// Concurrent clients, each with its own connection.
    pub clients: usize,
    /// Stop after this many seconds.
    pub seconds: f64,
    /// Stop after this many requests in all.
    pub max_requests: u64,
    /// Bearer key sent with every request.
    pub api_key: Option<String>,
}

/// Latency of one class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassStats {
    /// Class name from the mix, or `all` for every request together.
    pub class: String,
    /// Requests completed (successes and errors).
    pub requests: u64,
    /// Requests answered with a non-2xx status, or failed by a connection error or timeout.
    pub errors: u64,
    /// Median latency of the successful requests, ms (0 when none succeeded).
    pub p50_ms: f64,
    /// 95th percentile latency of the successful requests, ms.
    pub p95_ms: f64,
    /// 99th percentile latency of the successful requests, ms.
    pub p99_ms: f64,
    /// Slowest successful request, ms.
    pub max_ms: f64,
}

/// The outcome of one load run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadReport {
    /// Concurrent clients driven.
    pub clients: usize,
    /// Measured wall time of the run, seconds.
    pub seconds: f64,
    /// Requests completed in all (successes and errors).
    pub requests: u64,
    /// Requests that failed, in all.
    pub errors: u64,
    /// `requests / seconds`.
    pub qps: f64,
    /// Per class in order of first appearance in the mix, then `all`.
    pub classes: Vec<ClassStats>,
}

/// A mix entry made ready to send, or why it cannot be sent.
struct Prepared {
    class: usize,
    label: String,
    request: Result<(Method, Uri, Option<Bytes>), String>,
}

/// What every client task reads.
struct Shared {
    addr: SocketAddr,
    /// Host and Authorization, sent with every request.
    headers: HeaderMap,
    mix: Vec<Prepared>,
    deadline: Option<Instant>,
    max_requests: u64,
    started: AtomicU64,
    logged: Mutex<HashSet<String>>,
}

type Sender = SendRequest<Full<Bytes>>;

/// Checks one mix entry: a method hyper accepts and an origin-form path.
fn prepare(entry: &MixRequest) -> Result<(Method, Uri, Option<Bytes>), String> {
    let method = Method::from_bytes(entry.method.to_ascii_uppercase().as_bytes())
        .map_err(|e| format!("bad method {:?}: {e}", entry.method))?;
    let uri: Uri = entry
        .path
        .parse()
        .map_err(|e| format!("bad path {:?}: {e}", entry.path))?;
    if uri.scheme().is_some() || !entry.path.starts_with('/') {
        return Err(format!("path {:?} must start with /", entry.path));
    }
    Ok((method, uri, entry.body.clone().map(Bytes::from)))
}

/// Drives the server with `mix` as `config` says and reports what it measured.
pub fn drive(config: &LoadConfig, mix: &[MixRequest]) -> LoadReport {
    let mut classes: Vec<String> = Vec::new();
    let mut prepared = Vec::with_capacity(mix.len());
    for entry in mix {
        let class = match classes.iter().position(|c| *c == entry.class) {
            Some(i) => i,
            None => {
                classes.push(entry.class.clone());
                classes.len() - 1
            }
        };
        let label = format!("{} {}", entry.method.to_ascii_uppercase(), entry.path);
        prepared.push(Prepared {
            class,
            label,
            request: prepare(entry),
        });
    }
    let mut headers = HeaderMap::new();
    if let Ok(host) = HeaderValue::try_from(config.addr.to_string()) {
        headers.insert(HOST, host);
    }
    // child_main rejects a key that is no valid header value; drive sends none then.
    let auth = config
        .api_key
        .as_ref()
        .map(|k| HeaderValue::try_from(format!("Bearer {k}")));
    if let Some(Ok(auth)) = auth {
        headers.insert(AUTHORIZATION, auth);
    }
    let start = Instant::now();
    let limit = Duration::try_from_secs_f64(config.seconds.max(0.0)).ok();
    let shared = Arc::new(Shared {
        addr: config.addr,
        headers,
        mix: prepared,
        deadline: limit.and_then(|d| start.checked_add(d)),
        max_requests: config.max_requests,
        started: AtomicU64::new(0),
        logged: Mutex::new(HashSet::new()),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the load driver's tokio runtime");
    let (samples, seconds) = runtime.block_on(async {
        let n = shared.mix.len();
        let clients = if n == 0 { 0 } else { config.clients };
        let tasks: Vec<_> = (0..clients)
            .map(|i| tokio::spawn(client(Arc::clone(&shared), i * n / clients)))
            .collect();
        let mut samples = Vec::new();
        for task in tasks {
            match task.await {
                Ok(mut s) => samples.append(&mut s),
                Err(e) => eprintln!("load: a client task failed: {e}"),
            }
        }
        (samples, start.elapsed().as_secs_f64())
    });
    report(config.clients, seconds, &classes, &samples)
}

/// One closed-loop client: returns (class, latency in ms or `None` for an error) per request.
async fn client(shared: Arc<Shared>, first: usize) -> Vec<(usize, Option<f64>)> {
    let mut samples = Vec::new();
    let mut conn: Option<Sender> = None;
    let mut next = first;
    loop {
        if shared.deadline.is_some_and(|d| Instant::now() >= d)
            || shared.started.fetch_add(1, Ordering::Relaxed) >= shared.max_requests
        {
            break;
        }
        let Some(entry) = shared.mix.get(next) else {
            break;
        };
        next = (next + 1) % shared.mix.len();
        match send_one(&shared, &mut conn, entry).await {
            Ok(ms) => samples.push((entry.class, Some(ms))),
            Err((key, detail)) => {
                samples.push((entry.class, None));
                log_error(&shared, key, &detail);
                // The connection broke or could not be made: give the server a moment.
                if conn.is_none() {
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                }
            }
        }
    }
    samples
}

/// Sends one request on `conn` (reconnecting first if it is gone) and reads the whole body.
/// Returns the latency in ms, or (dedup key, message) for an error; the connection is kept
/// only while it is sound.
async fn send_one(
    shared: &Shared,
    conn: &mut Option<Sender>,
    entry: &Prepared,
) -> Result<f64, (String, String)> {
    let fail = |what: String| {
        let message = format!("{}: {what}", entry.label);
        (message.clone(), message)
    };
    let (method, uri, body) = entry.request.as_ref().map_err(|e| fail(e.clone()))?;
    let mut sender = ready(conn.take(), shared.addr)
        .await
        .map_err(|e| fail(format!("connect {}: {e}", shared.addr)))?;
    let mut request = Request::new(Full::new(body.clone().unwrap_or_default()));
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = shared.headers.clone();
    if body.is_some() {
        let json = HeaderValue::from_static("application/json");
        request.headers_mut().insert(CONTENT_TYPE, json);
    }
    let start = Instant::now();
    let exchange = async {
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok::<_, hyper::Error>((status, body))
    };
    let outcome = tokio::time::timeout(REQUEST_TIMEOUT, exchange).await;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    match outcome {
        Err(_) => Err(fail(format!(
            "no answer within {} s",
            REQUEST_TIMEOUT.as_secs()
        ))),
        Ok(Err(e)) => Err(fail(error_chain(&e))),
        Ok(Ok((status, body))) => {
            *conn = Some(sender);
            if status.is_success() {
                Ok(ms)
            } else {
                let text = String::from_utf8_lossy(&body[..body.len().min(300)]).replace('\n', " ");
                let key = format!("{}: HTTP {status}", entry.label);
                let detail = if text.trim().is_empty() {
                    key.clone()
                } else {
                    format!("{key}: {text}")
                };
                Err((key, detail))
            }
        }
    }
}

/// `existing` if it can take a request, else a fresh keep-alive connection to `addr`.
async fn ready(existing: Option<Sender>, addr: SocketAddr) -> Result<Sender, String> {
    if let Some(mut sender) = existing
        && sender.ready().await.is_ok()
    {
        return Ok(sender);
    }
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    // Latency of small answers must not wait on Nagle; failing to set it is harmless.
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| error_chain(&e))?;
    // Its errors surface on the next send_request, which is where they are counted.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender.ready().await.map_err(|e| error_chain(&e))?;
    Ok(sender)
}

/// An error with its sources, `a: b: c`.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// Writes `detail` to stderr the first time `key` is seen, for the first few keys only.
fn log_error(shared: &Shared, key: String, detail: &str) {
    let Ok(mut logged) = shared.logged.lock() else {
        return;
    };
    if logged.len() < MAX_LOGGED_ERRORS && logged.insert(key) {
        eprintln!("load: error: {detail}");
        if logged.len() == MAX_LOGGED_ERRORS {
            eprintln!("load: further distinct errors are counted but not shown");
        }
    }
}

/// Value at `p` percent of the sorted `values`, interpolating linearly between closest ranks.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let rank = p / 100.0 * last as f64;
    let (lo, hi) = (rank.floor() as usize, (rank.ceil() as usize).min(last));
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

/// Stats of one class from its request and error counts and its successful latencies.
fn class_stats(class: String, requests: u64, errors: u64, mut latencies: Vec<f64>) -> ClassStats {
    latencies.sort_by(f64::total_cmp);
    ClassStats {
        class,
        requests,
        errors,
        p50_ms: percentile(&latencies, 50.0),
        p95_ms: percentile(&latencies, 95.0),
        p99_ms: percentile(&latencies, 99.0),
        max_ms: latencies.last().copied().unwrap_or(0.0),
    }
}

/// Folds the clients' samples into the report.
fn report(
    clients: usize,
    seconds: f64,
    classes: &[String],
    samples: &[(usize, Option<f64>)],
) -> LoadReport {
    let mut counts = vec![(0u64, 0u64); classes.len()];
    let mut latencies = vec![Vec::new(); classes.len()];
    for &(class, ms) in samples {
        counts[class].0 += 1;
        match ms {
            Some(ms) => latencies[class].push(ms),
            None => counts[class].1 += 1,
        }
    }
    let requests = counts.iter().map(|c| c.0).sum();
    let errors = counts.iter().map(|c| c.1).sum();
    let all: Vec<f64> = latencies.iter().flatten().copied().collect();
    let mut stats: Vec<ClassStats> = classes
        .iter()
        .zip(counts.into_iter().zip(latencies))
        .map(|(name, ((n, e), lat))| class_stats(name.clone(), n, e, lat))
        .collect();
    stats.push(class_stats("all".to_string(), requests, errors, all));
    let qps = if seconds > 0.0 {
        requests as f64 / seconds
    } else {
        0.0
    };
    LoadReport {
        clients,
        seconds,
        requests,
        errors,
        qps,
        classes: stats,
    }
}

/// Entry point of the load process: `--load-child --addr 127.0.0.1:PORT --mix MIX.jsonl
/// --clients N --seconds S --max-requests R [--key KEY]`. `args` may start with the program
/// name; `--load-child` and cargo's `--bench` are ignored. Prints the [`LoadReport`] as one
/// line of JSON on stdout and returns 0, or returns 2 with a message on stderr.
pub fn child_main(args: &[String]) -> i32 {
    match run_child(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("scale --load-child: {message}");
            2
        }
    }
}

/// [`child_main`] with its failure as a message.
fn run_child(args: &[String]) -> Result<(), String> {
    const FLAGS: [&str; 6] = [
        "--addr",
        "--mix",
        "--clients",
        "--seconds",
        "--max-requests",
        "--key",
    ];
    let mut values: HashMap<&str, &str> = HashMap::new();
    let skip_program = args.first().is_some_and(|a| !a.starts_with("--"));
    let mut rest = args.iter().skip(usize::from(skip_program));
    while let Some(flag) = rest.next() {
        if flag == "--load-child" || flag == "--bench" {
            continue;
        }
        let name = FLAGS.iter().find(|f| *f == flag);
        let name = name.ok_or_else(|| format!("unexpected argument {flag:?}"))?;
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        values.insert(name, value);
    }
    let addr: SocketAddr = flag_value(&values, "--addr")?;
    let mix_path: String = flag_value(&values, "--mix")?;
    let clients: usize = flag_value(&values, "--clients")?;
    let seconds: f64 = flag_value(&values, "--seconds")?;
    let max_requests: u64 = flag_value(&values, "--max-requests")?;
    let api_key = values.get("--key").map(|k| k.to_string());
    if clients == 0 || max_requests == 0 || !(seconds.is_finite() && seconds > 0.0) {
        return Err("--clients, --seconds and --max-requests must be > 0".to_string());
    }
    if !addr.ip().is_loopback() {
        return Err(format!("--addr {addr} is not a loopback address"));
    }
    if api_key
        .as_ref()
        .is_some_and(|k| HeaderValue::try_from(format!("Bearer {k}")).is_err())
    {
        return Err("--key is not a valid header value".to_string());
    }
    let text =
        std::fs::read_to_string(&mix_path).map_err(|e| format!("reading {mix_path}: {e}"))?;
    let mut mix = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let entry = serde_json::from_str::<MixRequest>(line).map_err(|e| e.to_string());
        let entry = entry.and_then(|entry| prepare(&entry).map(|_| entry));
        mix.push(entry.map_err(|e| format!("{mix_path} line {}: {e}", i + 1))?);
    }
    if mix.is_empty() {
        return Err(format!("{mix_path} holds no requests"));
    }
    let config = LoadConfig {
        addr,
        clients,
        seconds,
        max_requests,
        api_key,
    };
    let report = drive(&config, &mix);
    let line = serde_json::to_string(&report).map_err(|e| format!("encoding the report: {e}"))?;
    println!("{line}");
    Ok(())
}

/// The value of a required flag, parsed.
fn flag_value<T: FromStr>(values: &HashMap<&str, &str>, name: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    let value = values
        .get(name)
        .ok_or_else(|| format!("{name} is required"))?;
    value
        .parse()
        .map_err(|e| format!("bad {name} {value:?}: {e}"))
}
