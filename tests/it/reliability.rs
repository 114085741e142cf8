//! No input can crash, wedge or exhaust the service: the malformed-input corpus of
//! `data-samples/bad/` through the CLI and the HTTP API (a clear 4xx or row errors, never a
//! 5xx, a crash or a failed batch, and the library unchanged but for the good rows), and one
//! test for each way a request or a file once took the service down.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use patscreen::api::{ApiConfig, AppState, router};
use patscreen::engine::{Library, Role, Submission};
use patscreen::generate::{BAD_SAMPLE_INSTITUTION, BadSample, Expected, bad_manifest, bad_samples};
use patscreen::ingest::Format;
use patscreen::progress::Silent;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{Reply, cli, jsonl, library, open, patents, respond, samples};

/// A library with a sentinel batch of another institution, served in process.
struct Served {
    dir: tempfile::TempDir,
    library: Arc<Library>,
    state: AppState,
    admin: String,
    sentinel: Vec<patscreen::model::ApplicationNumber>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.state.worker.stop();
    }
}

fn served(config: ApiConfig) -> Served {
    let (dir, library) = library();
    let sentinel = patents(91, 5, "北京大学", 0);
    library
        .submit(jsonl("pku.jsonl", "北京大学", &sentinel), &Silent)
        .unwrap();
    let library = Arc::new(library);
    let admin = library.create_key(Role::Admin, None, "test").unwrap().1;
    let state = AppState::new(library.clone(), config);
    Served {
        dir,
        library,
        state,
        admin,
        sentinel: sentinel
            .iter()
            .map(|p| p.application_number.clone())
            .collect(),
    }
}

async fn send(state: &AppState, request: Request<Body>) -> Reply {
    respond(state, request).await
}

async fn get(state: &AppState, uri: &str, key: Option<&str>) -> Reply {
    let mut request = Request::builder().uri(uri);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    send(state, request.body(Body::empty()).unwrap()).await
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The sentinel patents' records and the patent count: what a refusal must leave unchanged.
fn snapshot(app: &Served) -> (Vec<String>, u64) {
    let records = app
        .sentinel
        .iter()
        .map(|n| serde_json::to_string(&app.library.patent(n).unwrap()).unwrap())
        .collect();
    (records, app.library.stats().unwrap().patents)
}

/// Waits for a queued batch to end; returns its status JSON.
async fn finished(state: &AppState, admin: &str, id: i64) -> Value {
    let started = Instant::now();
    loop {
        let reply = get(
            state,
            &format!("/v1/batches/{id}?errors_limit=1000"),
            Some(admin),
        )
        .await;
        assert!(reply.status.is_success(), "{}", reply.status);
        let status = reply.json();
        if !matches!(status["status"].as_str(), Some("queued" | "processing")) {
            return status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "batch {id}: {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn format_of(name: &str) -> &'static str {
    Format::from_path(Path::new(name)).unwrap().as_str()
}

/// Checks one sample's outcome through HTTP; returns the patents its good rows added.
async fn through_http(app: &Served, sample: &BadSample) -> Result<u64, String> {
    let uri = format!(
        "/v1/batches?institution={}&source_name={}&format={}",
        encode(&sample.institution),
        encode(&sample.name),
        format_of(&sample.name)
    );
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
        .body(Body::from(sample.bytes.clone()))
        .unwrap();
    let reply = send(&app.state, request).await;
    if reply.status.is_server_error() {
        return Err(format!("HTTP {}", reply.status));
    }
    let detail = || reply.json()["detail"].as_str().unwrap_or("").to_string();
    if let Expected::Institution { message } = &sample.expected {
        let problem = reply.json();
        // A name too long for the query string cannot be sent at all (414).
        let ok = reply.status == StatusCode::URI_TOO_LONG
            || (reply.status == StatusCode::BAD_REQUEST
                && problem["parameter"] == "institution"
                && detail().contains(message.as_str()));
        return if ok {
            Ok(0)
        } else {
            Err(format!("{}: {problem}", reply.status))
        };
    }
    // A file refused before it is queued (an empty body) is a 4xx naming what is wrong.
    if let (Expected::Refused { .. }, true) = (&sample.expected, reply.status.is_client_error()) {
        return if detail().contains("empty") {
            Ok(0)
        } else {
            Err(format!("{}: {}", reply.status, detail()))
        };
    }
    if reply.status != StatusCode::ACCEPTED {
        return Err(format!(
            "HTTP {}: {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        ));
    }
    let id = reply.json()["id"].as_i64().unwrap_or_default();
    let status = finished(&app.state, &app.admin, id).await;
    // Row issues as the CLI and the report print them.
    let texts = |list: &Value| -> Vec<String> {
        let text = |i: &Value| {
            let mut out = format!("row {}", i["row"]);
            match (i["field"].as_str(), i["column"].as_str()) {
                (Some(field), Some(column)) if column != field => {
                    out += &format!(", field {field} (column '{column}')");
                }
                (Some(field), _) => out += &format!(", field {field}"),
                _ => {}
            }
            format!("{out}: {}", i["reason"].as_str().unwrap_or(""))
        };
        list.as_array()
            .map(|items| items.iter().map(text).collect())
            .unwrap_or_default()
    };
    let error = status["error"].as_str().unwrap_or("").to_string();
    let errors = texts(&status["errors"]["items"]);
    let warnings = texts(&status["warnings"]);
    let accepted = status["counts"]["rows_accepted"].as_u64().unwrap_or(0);
    let added = status["counts"]["patents_new"].as_u64().unwrap_or(0);
    let ok = match (&sample.expected, status["status"].as_str()) {
        (Expected::Refused { message }, Some("rejected")) => error.contains(message.as_str()),
        (
            Expected::Rows {
                accepted: 0,
                message,
            },
            Some("rejected"),
        ) => error.contains(message.as_str()),
        (
            Expected::Rows {
                accepted: n,
                message,
            },
            Some("accepted"),
        ) => accepted == *n as u64 && errors.iter().any(|e| e.contains(message.as_str())),
        (
            Expected::Warned {
                accepted: n,
                message,
            },
            Some("accepted"),
        ) => accepted == *n as u64 && warnings.iter().any(|e| e.contains(message.as_str())),
        _ => false,
    };
    if ok {
        Ok(added)
    } else {
        Err(format!("{status}"))
    }
}

/// Checks one sample's outcome through `patscreen ingest`.
fn through_cli(data: &Path, files: &Path, sample: &BadSample) -> Result<(), String> {
    let file = files.join(&sample.name);
    let output = cli(
        data,
        &[
            "ingest",
            file.to_str().unwrap(),
            "--institution",
            &sample.institution,
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    let message = match &sample.expected {
        Expected::Refused { message }
        | Expected::Institution { message }
        | Expected::Rows { message, .. }
        | Expected::Warned { message, .. } => message,
    };
    let ok = match (&sample.expected, code) {
        (Expected::Refused { .. } | Expected::Institution { .. }, Some(2))
        | (Expected::Rows { accepted: 0, .. }, Some(2)) => stderr.contains(message.as_str()),
        (Expected::Rows { .. } | Expected::Warned { .. }, Some(0)) => {
            stdout.contains(message.as_str())
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("exit {code:?}\nstdout: {stdout}\nstderr: {stderr}"))
    }
}

#[test]
fn the_shipped_corpus_is_the_generated_one() {
    let samples = bad_samples().unwrap();
    let dir = crate::common::samples().join("bad");
    for sample in &samples {
        let shipped = std::fs::read(dir.join(&sample.name))
            .unwrap_or_else(|_| panic!("data-samples/bad lacks {}", sample.name));
        assert!(
            shipped == sample.bytes,
            "data-samples/bad/{} is stale: run `patscreen generate --bad-samples data-samples/bad`",
            sample.name
        );
    }
    let manifest = std::fs::read(dir.join("manifest.jsonl")).unwrap();
    assert!(
        manifest == bad_manifest(&samples).unwrap(),
        "manifest.jsonl is stale"
    );
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        files,
        samples.len() + 1,
        "data-samples/bad holds files the corpus lacks"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_sample_through_http_gets_a_4xx_or_row_errors_and_changes_nothing_else() {
    let app = served(ApiConfig::default());
    let samples = bad_samples().unwrap();
    assert!(samples.len() >= 100);
    let mut failures = Vec::new();
    for sample in &samples {
        let (records, count) = snapshot(&app);
        match through_http(&app, sample).await {
            Ok(added) => {
                let (after, now) = snapshot(&app);
                if after != records || now != count + added {
                    failures.push(format!(
                        "{}: the library changed beyond its good rows",
                        sample.name
                    ));
                }
            }
            Err(problem) => failures.push(format!("{}: {problem}", sample.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // No batch failed inside the service, and it is still ready.
    let batches = get(&app.state, "/v1/batches", Some(&app.admin))
        .await
        .json();
    for batch in batches["batches"].as_array().unwrap() {
        assert_ne!(batch["status"], "failed", "{batch}");
    }
    let ready = get(&app.state, "/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK);
}

#[test]
fn every_bad_sample_through_the_cli_exits_cleanly_naming_the_fault() {
    let (dir, library) = library();
    library
        .submit(
            jsonl("pku.jsonl", "北京大学", &patents(91, 5, "北京大学", 0)),
            &Silent,
        )
        .unwrap();
    library.close().unwrap();
    drop(library);
    let files = samples().join("bad");
    let mut failures = Vec::new();
    let mut expected_patents = 5;
    for sample in bad_samples().unwrap() {
        match through_cli(dir.path(), &files, &sample) {
            Ok(()) => {
                if let Expected::Rows { accepted, .. } | Expected::Warned { accepted, .. } =
                    sample.expected
                {
                    expected_patents += accepted;
                }
            }
            Err(problem) => failures.push(format!("{}: {problem}", sample.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let library = open(dir.path());
    assert_eq!(library.stats().unwrap().patents, expected_patents as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_batch_is_rejected_and_the_queue_goes_on_across_a_restart() {
    let app = served(ApiConfig::default());
    let post = |body: &str, format: &str| {
        Request::builder()
            .method("POST")
            .uri(format!(
                "/v1/batches?institution={}&format={format}",
                encode(BAD_SAMPLE_INSTITUTION)
            ))
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    // Application numbers of 13 and 9 bytes ending in a multi-byte character once panicked.
    for number in ["1234567890中", "123456中"] {
        let poison = format!("{{\"application_number\":\"{number}\",\"title\":\"x\"}}\n");
        let reply = send(&app.state, post(&poison, "jsonl")).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
        let status = finished(&app.state, &app.admin, reply.json()["id"].as_i64().unwrap()).await;
        assert_eq!(status["status"], "rejected", "{status}");
        assert!(
            status["error"]
                .as_str()
                .unwrap()
                .contains("is not a CN application number"),
            "{status}"
        );
    }
    assert!(app.state.worker.is_alive());
    assert_eq!(
        get(&app.state, "/readyz", None).await.status,
        StatusCode::OK
    );
    let good = patscreen::ingest::write_jsonl(Vec::new(), &patents(92, 3, "清华大学", 50)).unwrap();
    let reply = send(&app.state, post(&String::from_utf8(good).unwrap(), "jsonl")).await;
    let status = finished(&app.state, &app.admin, reply.json()["id"].as_i64().unwrap()).await;
    assert_eq!(status["status"], "accepted", "{status}");

    // A restart: the worker stops, the library opens again (a copy of its directory, as the
    // first process still holds the write lock), nothing is requeued, and the service is ready.
    app.state.worker.stop();
    app.library.close().unwrap();
    let copy = tempfile::tempdir().unwrap();
    copy_dir(app.dir.path(), copy.path());
    let reopened = Arc::new(open(copy.path()));
    let state = AppState::new(reopened.clone(), ApiConfig::default());
    assert_eq!(get(&state, "/readyz", None).await.status, StatusCode::OK);
    assert_eq!(reopened.stats().unwrap().patents, 8);
    let queued = reopened.submissions(None).unwrap();
    assert!(
        queued
            .iter()
            .all(|s| s.status == "accepted" || s.status == "rejected")
    );
    state.worker.stop();
}

/// Copies a directory tree (a library's files) for a simulated restart.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "write.lock" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn an_upload_that_took_the_process_down_twice_is_quarantined_not_requeued() {
    let (dir, library) = library();
    let submission = |name: &str, seed: u64, first: u32| Submission {
        source_name: name.into(),
        bytes: patscreen::ingest::write_jsonl(Vec::new(), &patents(seed, 2, "清华大学", first))
            .unwrap(),
        format: Format::Jsonl,
        institution: "清华大学".into(),
        all_or_nothing: false,
        replace: false,
    };
    let killer = library.enqueue(submission("killer.jsonl", 93, 0)).unwrap();
    let survivor = library
        .enqueue(submission("survivor.jsonl", 94, 100))
        .unwrap();
    library.close().unwrap();
    drop(library);
    // As if the process died while processing each: once, then twice for the first.
    let catalog = rusqlite::Connection::open(dir.path().join("catalog.sqlite")).unwrap();
    let crashed = |id: i64, attempts: i64| {
        catalog
            .execute(
                "UPDATE submissions SET status = 'processing', attempts = ?2 WHERE id = ?1",
                (id, attempts),
            )
            .unwrap();
    };
    crashed(killer, 2);
    crashed(survivor, 1);
    let library = Arc::new(open(dir.path()));
    let killed = library.batch_status(killer).unwrap().submission;
    assert_eq!(killed.status, "quarantined");
    assert!(
        killed
            .error
            .unwrap()
            .contains("stopped the service 2 times")
    );
    assert_eq!(
        library.batch_status(survivor).unwrap().submission.status,
        "queued"
    );
    // The quarantined file is kept; the queue goes on without it, and the service is ready.
    let state = AppState::new(library.clone(), ApiConfig::default());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ready = runtime.block_on(async {
        let started = Instant::now();
        while library.batch_status(survivor).unwrap().submission.status != "accepted" {
            assert!(started.elapsed() < Duration::from_secs(60));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let response = router(state.clone())
            .oneshot(
                Request::builder()
                    .uri("/readyz")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice::<Value>(&body).unwrap())
    });
    assert_eq!(ready.0, StatusCode::OK);
    assert_eq!(ready.1["quarantined_batches"], serde_json::json!([killer]));
    assert_eq!(
        library.batch_status(killer).unwrap().submission.status,
        "quarantined"
    );
    state.worker.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_numbers_on_read_paths_are_4xx_and_stored_ones_do_not_break_pages() {
    let app = served(ApiConfig::default());
    let key = app.admin.clone();
    for uri in [
        "/v1/patents/1234567890%E4%B8%AD",
        "/v1/patents/123456%E4%B8%AD",
        "/v1/patents/1234567890%E4%B8%AD/similar",
        "/v1/patents/1234567890%E4%B8%AD/demands",
        "/v1/search?q=an%3A1234567890%E4%B8%AD",
        "/v1/search?q=an%3A123456%E4%B8%AD",
    ] {
        let reply = get(&app.state, uri, Some(&key)).await;
        assert!(reply.status.is_client_error(), "{uri}: {}", reply.status);
        assert_eq!(reply.json()["status"], reply.status.as_u16(), "{uri}");
    }
    let delete = Request::builder()
        .method("DELETE")
        .uri("/v1/patents/1234567890%E4%B8%AD")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    assert!(send(&app.state, delete).await.status.is_client_error());
    // A cited number of that shape is stored as text; the patent's similar list still works.
    let mut citing = patents(95, 1, "清华大学", 300).remove(0);
    citing.cited_patents = vec!["1234567890中".into(), "123456中".into()];
    app.library
        .submit(
            jsonl("citing.jsonl", "清华大学", &[citing.clone()]),
            &Silent,
        )
        .unwrap();
    let similar = get(
        &app.state,
        &format!("/v1/patents/{}/similar", citing.application_number),
        Some(&key),
    )
    .await;
    assert_eq!(similar.status, StatusCode::OK);
    let show = cli(app.dir.path(), &["show", "123456中"]);
    assert_eq!(show.status.code(), Some(2), "{show:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_cursors_are_refused_and_deep_offsets_cost_nothing() {
    let app = served(ApiConfig::default());
    let key = app.admin.clone();
    let first = get(&app.state, "/v1/search?q=*&sort=newest&limit=2", Some(&key))
        .await
        .json();
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let next = get(
        &app.state,
        &format!("/v1/search?q=*&sort=newest&limit=2&cursor={cursor}"),
        Some(&key),
    )
    .await;
    assert_eq!(next.status, StatusCode::OK);
    assert_eq!(next.json()["offset"], 2);
    // The offset is signed with the query: changing it (10^12, 2^62) is refused, as is reuse
    // of the cursor for another query.
    let mac = cursor.get(16..).unwrap();
    for offset in [1_000_000_000_000u64, 1 << 62, 3] {
        let forged = format!("{offset:016x}{mac}");
        let reply = get(
            &app.state,
            &format!("/v1/search?q=*&sort=newest&limit=2&cursor={forged}"),
            Some(&key),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{offset}");
        assert_eq!(reply.json()["parameter"], "cursor");
    }
    let other = get(
        &app.state,
        &format!("/v1/search?q=*&sort=oldest&limit=2&cursor={cursor}"),
        Some(&key),
    )
    .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    // Past the last patent the engine answers an empty page with the exact total.
    for sort in [
        patscreen::index::SortOrder::Newest,
        patscreen::index::SortOrder::Relevance,
        patscreen::index::SortOrder::Value,
    ] {
        let mut request = patscreen::index::SearchRequest::new("*", 10);
        request.offset = usize::MAX / 2;
        request.sort = sort;
        let results = app.library.search(&request).unwrap();
        assert!(results.hits.is_empty());
        assert_eq!(results.total, 5, "{sort:?}");
    }
}

/// A body that counts how often it is polled and never ends by itself.
fn counted_body(polls: Arc<AtomicUsize>) -> Body {
    let stream = futures_util::stream::unfold(polls, |polls| async move {
        polls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        Some((
            Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 64 * 1024])),
            polls,
        ))
    });
    Body::from_stream(stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_before_their_body_is_read_and_streamed_within_limits() {
    let app = served(ApiConfig {
        max_body_bytes: 1 << 20,
        max_concurrent_uploads: 1,
        body_idle_timeout: Duration::from_millis(300),
        ..ApiConfig::default()
    });
    let upload = |key: Option<&str>, body: Body| {
        let mut request = Request::builder()
            .method("POST")
            .uri("/v1/batches?institution=%E6%B8%85%E5%8D%8E%E5%A4%A7%E5%AD%A6&format=csv");
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        request.body(body).unwrap()
    };
    // No key, a wrong key, a reader key: refused without a single poll of the body.
    let reader = app.library.create_key(Role::Reader, None, "r").unwrap().1;
    for key in [None, Some("psk_wrong"), Some(reader.as_str())] {
        let polls = Arc::new(AtomicUsize::new(0));
        let reply = send(&app.state, upload(key, counted_body(polls.clone()))).await;
        assert!(reply.status.is_client_error(), "{key:?}");
        assert_eq!(
            polls.load(Ordering::SeqCst),
            0,
            "{key:?}: the body was read"
        );
    }
    // Larger than the limit: refused by its declared length, or as it streams past the limit.
    let declared = Request::builder()
        .method("POST")
        .uri("/v1/batches?institution=%E6%B8%85%E5%8D%8E%E5%A4%A7%E5%AD%A6&format=csv")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
        .header(header::CONTENT_LENGTH, (2u64 << 20).to_string())
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&app.state, declared).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let polls = Arc::new(AtomicUsize::new(0));
    let streamed = send(
        &app.state,
        upload(Some(&app.admin), counted_body(polls.clone())),
    )
    .await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(polls.load(Ordering::SeqCst) <= 17, "read on past the limit");
    // A body that stops coming is dropped with a 408.
    let (_keep, stalled) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(1);
    let stalled = Body::from_stream(tokio_stream(stalled));
    let reply = send(&app.state, upload(Some(&app.admin), stalled)).await;
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT);
    // While one upload is being received, a second gets a 503 with Retry-After at once.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(1);
    let first = tokio::spawn({
        let router = router(app.state.clone());
        let request = upload(Some(&app.admin), Body::from_stream(tokio_stream(receiver)));
        async move { router.oneshot(request).await.unwrap().status() }
    });
    sender
        .send(Ok(bytes::Bytes::from("申请号,标题\n")))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let polls = Arc::new(AtomicUsize::new(0));
    let second = send(
        &app.state,
        upload(Some(&app.admin), counted_body(polls.clone())),
    )
    .await;
    assert_eq!(second.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(second.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(polls.load(Ordering::SeqCst), 0);
    let row = format!(
        "{},一种传感器\n",
        patscreen::generate::bad_sample_number(900)
    );
    sender.send(Ok(bytes::Bytes::from(row))).await.unwrap();
    drop(sender);
    assert_eq!(first.await.unwrap(), StatusCode::ACCEPTED);
    // Refused and stalled uploads left no file behind.
    let incoming: Vec<_> = std::fs::read_dir(app.dir.path().join("incoming"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(incoming.is_empty(), "{incoming:?}");
}

/// A stream over an mpsc receiver.
fn tokio_stream<T: Send + 'static>(
    receiver: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

#[test]
fn silent_and_half_sent_connections_are_closed_and_connections_are_capped() {
    use std::io::{Read, Write};
    let app = served(ApiConfig {
        header_timeout: Duration::from_millis(500),
        max_connections: 1,
        ..ApiConfig::default()
    });
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    let server = runtime.spawn(patscreen::api::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    let closed = |mut stream: std::net::TcpStream| {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut buffer = [0u8; 1024];
        // The server closes (EOF or reset), perhaps after a 408; it never stays silent.
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    };
    let silent = std::net::TcpStream::connect(address).unwrap();
    // With a cap of one connection the next is served only once the silent one is closed.
    let waiting = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        (Instant::now(), response)
    });
    assert!(closed(silent));
    let silent_closed = Instant::now();
    let (served_at, response) = waiting.join().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(served_at >= silent_closed - Duration::from_millis(100));
    let mut half = std::net::TcpStream::connect(address).unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    assert!(closed(half));
    // A request line over 64 KiB is refused by hyper itself (a bare 414), and the server
    // goes on serving.
    let mut long = std::net::TcpStream::connect(address).unwrap();
    let uri = format!("/v1/search?q={}", "a".repeat(70_000));
    long.write_all(format!("GET {uri} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .unwrap();
    let mut status = [0u8; 12];
    long.read_exact(&mut status).unwrap();
    assert_eq!(&status, b"HTTP/1.1 414");
    drop(long);
    // A keep-alive connection left idle after its response is closed the same way.
    let mut idle = std::net::TcpStream::connect(address).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(closed(idle));
    let _ = stop.send(());
    runtime.block_on(server).unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_values_must_be_utf8_and_public_reports_keep_demand_titles_private() {
    let app = served(ApiConfig {
        public_reads: true,
        ..ApiConfig::default()
    });
    for (uri, parameter) in [
        ("/v1/search?q=%E7%94%B5&institution=%FF", "institution"),
        ("/v1/search?q=%FF", "q"),
    ] {
        let reply = get(&app.state, uri, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(reply.json()["parameter"], parameter, "{uri}");
    }
    let reader = app.library.create_key(Role::Reader, None, "r").unwrap().1;
    let demand = Request::builder()
        .method("POST")
        .uri("/v1/demands")
        .header(header::AUTHORIZATION, format!("Bearer {reader}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({"title": "保密的需求标题", "description": "需要电池和传感器方案"})
                .to_string(),
        ))
        .unwrap();
    assert_eq!(send(&app.state, demand).await.status, StatusCode::CREATED);
    let uri = format!("/v1/institutions/{}/report", encode("北京大学"));
    let anonymous = get(&app.state, &uri, None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert!(!String::from_utf8_lossy(&anonymous.body).contains("保密的需求标题"));
    let keyed = get(&app.state, &uri, Some(&reader)).await.json();
    for hit in keyed["demands_matched"].as_array().unwrap() {
        assert!(hit["title"].is_string(), "{hit}");
    }
}

/// A Parquet file as pandas writes one: dates as nanosecond timestamps, counts as floats with
/// NaN and infinity in them.
fn pandas_parquet() -> Vec<u8> {
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampNanosecondArray};
    let numbers: Vec<String> = (0..3)
        .map(|i| patscreen::generate::bad_sample_number(950 + i))
        .collect();
    let day = 86_400_000_000_000i64;
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("application_number", Arc::new(StringArray::from(numbers))),
        (
            "title",
            Arc::new(StringArray::from(vec![
                "一种传感器",
                "一种电机",
                "一种电池",
            ])),
        ),
        (
            "application_date",
            Arc::new(
                TimestampNanosecondArray::from(vec![Some(18_632 * day), None, Some(18_633 * day)])
                    .with_timezone("UTC"),
            ),
        ),
        (
            "forward_citations",
            Arc::new(Float64Array::from(vec![
                Some(f64::NAN),
                Some(f64::INFINITY),
                Some(3.0),
            ])),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut out = Vec::new();
    let mut writer = parquet::arrow::ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}

#[test]
fn pandas_parquet_reads_timestamps_as_dates_and_reports_non_finite_counts() {
    let (dir, library) = library();
    let outcome = library
        .submit(
            Submission {
                source_name: "pandas.parquet".into(),
                bytes: pandas_parquet(),
                format: Format::Parquet,
                institution: "清华大学".into(),
                all_or_nothing: false,
                replace: false,
            },
            &Silent,
        )
        .unwrap();
    let report = &outcome.batch.report;
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(report.rows_accepted, 1, "{errors:?}");
    assert!(
        errors[0].starts_with("row 1, field forward_citations: 'NaN' is not"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("row 2, field forward_citations: 'inf' is not"),
        "{errors:?}"
    );
    let number =
        patscreen::model::ApplicationNumber::parse(&patscreen::generate::bad_sample_number(952))
            .unwrap();
    let patent = library.patent(&number).unwrap();
    assert_eq!(patent.application_date.unwrap().to_string(), "2021-01-06");
    assert_eq!(patent.forward_citations, Some(3));
    // The CLI reads the same file the same way (it once exited 101 on it).
    let file = dir.path().join("pandas.parquet");
    std::fs::write(&file, pandas_parquet()).unwrap();
    library.close().unwrap();
    drop(library);
    let other = tempfile::tempdir().unwrap();
    let output = cli(
        other.path(),
        &[
            "ingest",
            file.to_str().unwrap(),
            "--institution",
            "清华大学",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("'NaN' is not"));
}

#[test]
fn two_hundred_thousand_distinct_json_keys_are_refused_at_once() {
    let mut text = String::with_capacity(4 << 20);
    for i in 0..200_000 {
        text.push_str(&format!(
            "{{\"application_number\":\"{}\",\"title\":\"t\",\"k{i}\":1}}\n",
            patscreen::generate::bad_sample_number(1)
        ));
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let error =
        patscreen::ingest::read_batch("keys.jsonl", text.into_bytes(), Format::Jsonl, today)
            .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("row 1023: the file uses more than 1024 distinct keys"),
        "{error}"
    );
}

#[test]
fn keys_and_institution_filters_refuse_invisible_names() {
    let (_dir, library) = library();
    let error = library
        .create_key(Role::Submitter, Some("清华\u{200B}大学"), "k")
        .unwrap_err();
    assert!(
        error.to_string().contains("U+200B at character 3"),
        "{error}"
    );
    let mut request = patscreen::index::SearchRequest::new("*", 10);
    request.filters.institutions = vec!["\u{1b}[2J".into()];
    let error = library.search(&request).unwrap_err();
    assert_eq!(error.kind(), patscreen::ErrorKind::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_list_exports_in_flight_are_capped_until_their_body_is_read() {
    let app = served(ApiConfig {
        max_concurrent_exports: 1,
        ..ApiConfig::default()
    });
    let request = |uri: &str| {
        Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
            .body(Body::empty())
            .unwrap()
    };
    let industry = encode("新一代信息技术");
    let whole = format!("/v1/industries/{industry}/shortlist?format=csv");
    // The first export's body is not read yet: it still holds its place.
    let first = router(app.state.clone())
        .oneshot(request(&whole))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = send(&app.state, request(&whole)).await;
    assert_eq!(second.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(second.headers.get(header::RETRY_AFTER).is_some());
    // A page of a shortlist is never held back.
    let page = send(
        &app.state,
        request(&format!("/v1/industries/{industry}/shortlist?limit=5")),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = first.into_body().collect().await.unwrap().to_bytes();
    assert!(!body.is_empty());
    let third = send(
        &app.state,
        request(&format!("/v1/industries/{industry}/shortlist")),
    )
    .await;
    assert_eq!(
        third.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&third.body)
    );
    assert!(third.json()["rows"].is_array());
}
