//! The HTTP API: an axum router over the [`Library`], API-key auth, problem+json errors, an
//! OpenAPI document and its reference page (`/v1/docs`, in [`docs`]), health, readiness and
//! Prometheus metrics, limits, request ids, a single
//! background worker that processes submitted batches in order, and graceful shutdown.
//!
//! The only user of axum, tower and tokio besides `main`. Handlers never do CPU work on tokio
//! worker threads: search, scoring, matching and ingestion run on rayon pools, one per
//! latency class, through [`spawn_cpu`] (plain and filtered searches, patent pages),
//! [`spawn_standard`] (faceted, sorted and phrase searches, shortlist pages, matchmaking) and
//! [`spawn_heavy`] (similar patents, whole shortlists, reports), or on the batch worker thread.

mod batches;
mod bodies;
mod console;
mod contract;
mod demands;
mod docs;
mod error;
mod extract;
mod industries;
mod metrics;
mod ops;
mod patents;
mod search;
mod session;
mod upload;
mod worker;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::{ApiError, Problem};
pub use metrics::Metrics;
pub use worker::BatchWorker;

use crate::engine::Library;

/// Limits and switches of the HTTP service.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Serve reads without an API key.
    pub public_reads: bool,
    /// Largest batch upload, in bytes (streamed to disk, never held in memory).
    pub max_body_bytes: usize,
    /// Largest JSON request body (demands, matchmaking), in bytes.
    pub max_json_bytes: usize,
    /// Longest query string, in bytes.
    pub max_query_bytes: usize,
    /// Largest page of search hits or matches.
    pub max_page: usize,
    /// Longest time a request other than an upload may take.
    pub request_timeout: Duration,
    /// Longest time an upload may take in all.
    pub upload_timeout: Duration,
    /// Longest a connection may wait for a request's complete header: a client that sends
    /// nothing, or half a header, is disconnected after this (idle keep-alive connections too).
    pub header_timeout: Duration,
    /// Longest an upload may send no bytes before it is dropped with a 408.
    pub body_idle_timeout: Duration,
    /// Most connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Most batch uploads received at once; further ones get a 503 with `Retry-After`
    /// before their body is read.
    pub max_concurrent_uploads: usize,
    /// Most whole-list exports (shortlists without a small `limit`) built or being sent at
    /// once; further ones get a 503 with `Retry-After`.
    pub max_concurrent_exports: usize,
    /// Longest a response may wait for the client to take more of it: a client that stops
    /// reading is disconnected and what it held is freed.
    pub write_timeout: Duration,
}

/// Largest page of search hits or matches unless `--max-page` says otherwise.
pub const DEFAULT_MAX_PAGE: usize = 200;

impl Default for ApiConfig {
    fn default() -> ApiConfig {
        ApiConfig {
            public_reads: false,
            max_body_bytes: 512 * 1024 * 1024,
            max_json_bytes: 1024 * 1024,
            max_query_bytes: 8 * 1024,
            max_page: DEFAULT_MAX_PAGE,
            request_timeout: Duration::from_secs(60),
            upload_timeout: Duration::from_secs(30 * 60),
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_concurrent_uploads: 2,
            max_concurrent_exports: 4,
            write_timeout: Duration::from_secs(60),
        }
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The library.
    pub library: Arc<Library>,
    /// Limits and switches.
    pub config: Arc<ApiConfig>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The batch worker.
    pub worker: Arc<BatchWorker>,
    /// The key that signs search cursors.
    pub cursor_key: search::CursorKey,
    /// Permits for uploads being received (see [`ApiConfig::max_concurrent_uploads`]).
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// Permits for whole-list exports (see [`ApiConfig::max_concurrent_exports`]).
    pub exports: Arc<tokio::sync::Semaphore>,
    /// Console sessions.
    pub sessions: Arc<session::Sessions>,
}

impl AppState {
    /// Builds the state and starts the batch worker.
    pub fn new(library: Arc<Library>, config: ApiConfig) -> AppState {
        let metrics = Arc::new(Metrics::default());
        let worker = BatchWorker::start(library.clone(), metrics.clone());
        AppState {
            library,
            uploads: Arc::new(tokio::sync::Semaphore::new(
                config.max_concurrent_uploads.max(1),
            )),
            exports: Arc::new(tokio::sync::Semaphore::new(
                config.max_concurrent_exports.max(1),
            )),
            config: Arc::new(config),
            metrics,
            worker,
            cursor_key: search::CursorKey::random(),
            sessions: Arc::new(session::Sessions::default()),
        }
    }
}

/// Runs quick CPU work (relevance-ordered searches without facets or phrases, lookups, score
/// cards, the industry list) on the global rayon pool at normal priority and awaits it; a
/// panic becomes a 500.
pub async fn spawn_cpu<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_on(None, work).await
}

/// The standard pool, at nice 5 (see [`spawn_standard`]).
static STANDARD: PriorityPool = PriorityPool::new("standard", 5);

/// The heavy pool, at nice 19: when the pools want the cores, quick and
/// standard work run first (10^6 patents, 8 clients: nice 10 took plain p99 32 → 19 ms with
/// the heavy classes ~30 % slower; nice 19, once faceted searches had moved off the heavy
/// pool, plain p99 22 → 16.5 ms).
static HEAVY: PriorityPool = PriorityPool::new("heavy", 19);

/// Runs work whose latency budget is larger than a plain search's (faceted, sorted and phrase
/// searches, shortlist pages, matchmaking: p99 ≤ 50 ms against ≤ 15 ms) on a pool of its own
/// at a slightly lower priority. Under a saturating load the cheap plain and filtered searches
/// then no longer queue behind a phrase query that reads positions for 25 ms, while the
/// standard classes still run ahead of the heavy pool.
pub async fn spawn_standard<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_on(STANDARD.pool(), work).await
}

/// Runs heavy CPU work (similar patents, demands for a patent, whole shortlists, reports,
/// exports) on a pool of its own at the lowest priority, so a quick search neither waits in
/// the queue behind it nor shares a core with it evenly. A lock heavy work holds can make
/// quick work wait for a low-priority thread, so heavy work keeps lock scopes short (the index
/// reader and the score table are shared snapshots).
pub async fn spawn_heavy<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_on(HEAVY.pool(), work).await
}

/// A rayon pool as large as the global one whose threads run at `nice`, built on first use.
struct PriorityPool {
    name: &'static str,
    nice: i32,
    pool: std::sync::OnceLock<Option<rayon::ThreadPool>>,
}

impl PriorityPool {
    const fn new(name: &'static str, nice: i32) -> PriorityPool {
        PriorityPool {
            name,
            nice,
            pool: std::sync::OnceLock::new(),
        }
    }

    /// The pool (none when it cannot be built: the work then runs on the global pool).
    fn pool(&self) -> Option<&rayon::ThreadPool> {
        let (name, nice) = (self.name, self.nice);
        self.pool
            .get_or_init(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(rayon::current_num_threads())
                    .thread_name(move |i| format!("patscreen-{name}-{i}"))
                    .start_handler(move |_| crate::engine::lower_thread_priority(nice))
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

async fn run_on<T, F>(pool: Option<&rayon::ThreadPool>, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job = move || {
        if tx.is_closed() {
            return;
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = tx.send(result);
    };
    match pool {
        Some(pool) => pool.spawn(job),
        None => rayon::spawn(job),
    }
    match rx.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(ApiError::internal("a worker panicked")),
        Err(_) => Err(ApiError::internal("a worker stopped")),
    }
}

/// The full router.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let mut api = Router::new()
        .route("/console/app.js", get(console::script))
        .route("/console/app.css", get(console::style));
    for page in console::PAGES {
        api = api.route(page, get(console::page));
    }
    let api = api
        .route("/v1/batches", post(batches::submit).get(batches::list))
        .route("/v1/batches/{id}", get(batches::status))
        .route("/v1/batches/{id}/report", get(batches::report))
        .route("/v1/batches/{id}/errors", get(batches::errors))
        .route(
            "/v1/patents/{number}",
            get(patents::patent).delete(patents::withdraw),
        )
        .route("/v1/patents/{number}/similar", get(patents::similar))
        .route("/v1/patents/{number}/demands", get(patents::demands))
        .route("/v1/search", get(search::search))
        .route("/v1/industries", get(industries::list))
        .route(
            "/v1/industries/{name}/shortlist",
            get(industries::shortlist),
        )
        .route("/v1/demands", post(demands::create).get(demands::list))
        .route("/v1/demands/{id}", get(demands::demand))
        .route("/v1/demands/{id}/matches", get(demands::matches))
        .route("/v1/match", post(demands::match_text))
        .route(
            "/v1/institutions/{name}/report",
            get(industries::institution),
        )
        .route(
            "/v1/session",
            post(session::sign_in)
                .get(session::current)
                .delete(session::sign_out),
        )
        .route("/v1/openapi.json", get(ops::openapi))
        .merge(docs::router())
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed);
    api.layer(middleware::from_fn_with_state(state.clone(), guard))
        // Uploads stream their body to disk under their own limit (`batches::submit`).
        .layer(axum::extract::DefaultBodyLimit::max(config.max_json_bytes))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string();
            tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Limits (query length, request time) and metrics around every request.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let query_len = request.uri().query().map_or(0, str::len);
    // An upload streams for as long as its body keeps coming (`batches::submit` drops one that
    // stalls); every other request has the request timeout.
    let timeout = if route == "/v1/batches" && request.method() == axum::http::Method::POST {
        state.config.upload_timeout
    } else {
        state.config.request_timeout
    };
    let response = if query_len > state.config.max_query_bytes {
        ApiError::new(
            StatusCode::URI_TOO_LONG,
            "query too long",
            format!(
                "the query string is {query_len} bytes; the limit is {}",
                state.config.max_query_bytes
            ),
        )
        .into_response()
    } else {
        match tokio::time::timeout(timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::unavailable(
                format!("the request took longer than {} s", timeout.as_secs()),
                5,
            )
            .into_response(),
        }
    };
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// How long open connections may take to finish their requests once a shutdown begins.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The media type of an XLSX workbook.
pub(crate) const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Serves `router` on `listener` until `shutdown` resolves, then lets open connections finish
/// (for at most 30 s) and the batch worker finish the batch in progress.
///
/// Connections are served by hyper with the limits of [`ApiConfig`]: at most
/// `max_connections` at once (the next waits in the listen backlog), a complete request
/// header within `header_timeout` of the connection opening or of the previous response, so
/// silent, half-sent and idle connections are closed, and a response taken up again within
/// `write_timeout` each time the client's window is full.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let worker = state.worker.clone();
    let config = state.config.clone();
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then accept again.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // A client that stops reading its response is dropped after `write_timeout`.
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_write_timeout(Some(config.write_timeout));
        let connection = builder.serve_connection(
            TokioIo::new(Box::pin(stream)),
            TowerToHyperService::new(app.clone()),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "connections still open after {} s were dropped",
            DRAIN_TIMEOUT.as_secs()
        );
    }
    tokio::task::spawn_blocking(move || worker.stop())
        .await
        .map_err(std::io::Error::other)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn each_latency_class_runs_on_its_own_pool() {
        let name = || {
            std::thread::current()
                .name()
                .unwrap_or_default()
                .to_string()
        };
        let standard = spawn_standard(name).await.unwrap();
        assert!(standard.starts_with("patscreen-standard-"), "{standard}");
        let heavy = spawn_heavy(name).await.unwrap();
        assert!(heavy.starts_with("patscreen-heavy-"), "{heavy}");
        let quick = spawn_cpu(name).await.unwrap();
        assert!(!quick.starts_with("patscreen-"), "{quick}");
    }
}
