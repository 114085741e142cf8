//! The HTTP API in process (`tower::ServiceExt::oneshot`): every endpoint's success and
//! failure, the authorisation matrix of the write endpoints, malformed requests (never a 5xx),
//! reads during indexing, and one smoke test over a real TCP socket.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use patscreen::api::{ApiConfig, AppState};
use patscreen::engine::{Library, Role};
use patscreen::progress::Silent;
use serde_json::Value;

use crate::common::{Reply, jsonl, library, patents, respond};

struct TestApp {
    _dir: tempfile::TempDir,
    state: AppState,
    library: Arc<Library>,
    admin: String,
    thu: String,
    pku: String,
    reader: String,
    numbers: Vec<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.state.worker.stop();
    }
}

fn app_with(config: ApiConfig) -> TestApp {
    let (dir, library) = library();
    let batch = patents(31, 80, "清华大学", 0);
    library
        .submit(jsonl("thu.jsonl", "清华大学", &batch), &Silent)
        .unwrap();
    let library = Arc::new(library);
    let key =
        |role, institution: Option<&str>| library.create_key(role, institution, "test").unwrap().1;
    let (admin, thu, pku, reader) = (
        key(Role::Admin, None),
        key(Role::Submitter, Some("清华大学")),
        key(Role::Submitter, Some("北京大学")),
        key(Role::Reader, None),
    );
    let state = AppState::new(library.clone(), config);
    TestApp {
        _dir: dir,
        state,
        library,
        admin,
        thu,
        pku,
        reader,
        numbers: batch
            .iter()
            .map(|p| p.application_number.to_string())
            .collect(),
    }
}

fn app() -> TestApp {
    app_with(ApiConfig::default())
}

async fn call(
    app: &TestApp,
    method: &str,
    uri: &str,
    key: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    if let Some(ct) = content_type {
        request = request.header(header::CONTENT_TYPE, ct);
    }
    respond(&app.state, request.body(Body::from(body)).unwrap()).await
}

async fn get(app: &TestApp, uri: &str, key: Option<&str>) -> Reply {
    call(app, "GET", uri, key, None, Vec::new()).await
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Waits until a queued batch is accepted or rejected; returns its status JSON.
async fn finished(app: &TestApp, id: i64) -> Value {
    let started = Instant::now();
    loop {
        let reply = get(app, &format!("/v1/batches/{id}"), Some(&app.admin)).await;
        let status = reply.json();
        if matches!(status["status"].as_str(), Some("accepted" | "rejected")) {
            return status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "batch {id} never finished: {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn operations_endpoints_and_openapi() {
    let app = app();
    assert_eq!(get(&app, "/healthz", None).await.status, StatusCode::OK);
    let ready = get(&app, "/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["patents"], 80);
    let _ = get(&app, "/v1/search?q=电池", Some(&app.reader)).await;
    let metrics = String::from_utf8(get(&app, "/metrics", None).await.body).unwrap();
    assert!(
        metrics.contains(
            "patscreen_http_requests_total{method=\"GET\",route=\"/v1/search\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("patscreen_patents 80"));
    let openapi = get(&app, "/v1/openapi.json", None).await.json();
    for path in [
        "/v1/batches",
        "/v1/batches/{id}",
        "/v1/batches/{id}/report",
        "/v1/patents/{number}",
        "/v1/patents/{number}/similar",
        "/v1/patents/{number}/demands",
        "/v1/search",
        "/v1/industries",
        "/v1/industries/{name}/shortlist",
        "/v1/demands",
        "/v1/demands/{id}",
        "/v1/demands/{id}/matches",
        "/v1/session",
        "/v1/match",
        "/v1/institutions/{name}/report",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    let missing = get(&app, "/v2/nothing", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.is_problem());
    let id = get(&app, "/healthz", None).await;
    assert!(id.headers.get("x-request-id").is_some());
}

/// Every `src="…"` and `href="…"` value of an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" src=\"", " href=\""] {
        for rest in html.split(attribute).skip(1) {
            let (value, _) = rest.split_once('"').expect("an unterminated attribute");
            found.push(value.to_string());
        }
    }
    found
}

#[tokio::test]
async fn the_api_reference_page_loads_only_from_this_server() {
    // Private reads: the page and its assets need no key, like the document.
    let app = app();
    let page = get(&app, "/v1/docs", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'self';"), "{csp}");
    assert!(csp.contains("script-src 'self';") && csp.contains("connect-src 'self';"));
    assert!(!csp.contains("unsafe-"), "{csp}");
    let html = page.text();
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    assert!(html.contains("<title>patscreen API 参考</title>"));
    // Nothing inline (the CSP would block it), every reference on this server.
    assert!(!html.contains("<script>") && !html.contains("style="));
    let refs = references(&html);
    assert!(refs.len() >= 4, "{refs:?}");
    let mut assets = Vec::new();
    for reference in &refs {
        let lower = reference.to_ascii_lowercase();
        assert!(
            !lower.starts_with("http:") && !lower.starts_with("https:") && !lower.starts_with("//"),
            "the page loads {reference} from another server"
        );
        if reference.starts_with("data:") {
            continue;
        }
        assert!(reference.starts_with('/'), "{reference}");
        assets.push(reference.clone());
    }
    let expected = |path: &str| {
        if path.ends_with(".css") {
            Some("text/css; charset=utf-8")
        } else if path.ends_with(".js") {
            Some("text/javascript; charset=utf-8")
        } else if path.ends_with(".json") {
            None
        } else {
            panic!("an unexpected reference {path}")
        }
    };
    let (mut scripts, mut styles) = (0, 0);
    for path in &assets {
        let reply = get(&app, path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let Some(content_type) = expected(path) else {
            continue;
        };
        assert_eq!(reply.headers[header::CONTENT_TYPE], content_type, "{path}");
        let cache = reply.headers[header::CACHE_CONTROL].to_str().unwrap();
        // The vendored files live under their version and are cached for good; the page's
        // own script is asked for again.
        if path.contains("/swagger-ui/") {
            assert!(
                cache.contains("immutable") && cache.contains("max-age=31536000"),
                "{path}: {cache}"
            );
        } else {
            assert_eq!(cache, "no-cache", "{path}");
        }
        let text = reply.text();
        // No source map to ask for, no font or script from a CDN.
        assert!(!text.contains("sourceMappingURL"), "{path}");
        for host in [
            "fonts.googleapis.com",
            "fonts.gstatic.com",
            "cdn.jsdelivr.net",
            "unpkg.com",
            "cdnjs.cloudflare.com",
        ] {
            assert!(!text.contains(host), "{path} names {host}");
        }
        if content_type.starts_with("text/css") {
            styles += 1;
            assert!(
                !text.contains("@import") && !text.contains("@font-face"),
                "{path}"
            );
            // Every url(…) in a stylesheet is inline data (its icons).
            for rest in text.split("url(").skip(1) {
                let target = rest.trim_start_matches(['"', '\'']);
                let shown: String = target.chars().take(40).collect();
                assert!(target.starts_with("data:"), "{path}: url({shown}");
            }
        } else {
            scripts += 1;
        }
    }
    assert_eq!((scripts, styles), (2, 1), "{assets:?}");
    let init = get(&app, "/v1/docs/init.js", None).await.text();
    assert!(init.contains(r#"url: "/v1/openapi.json""#), "{init}");
    assert!(init.contains("validatorUrl: null"), "{init}");
    // Another version of the assets is not served; the page is not part of the API contract.
    let old = get(&app, "/v1/docs/swagger-ui/5.0.0/swagger-ui-bundle.js", None).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    let openapi = get(&app, "/v1/openapi.json", None).await.json();
    let paths = openapi["paths"].as_object().unwrap();
    assert!(
        paths.keys().all(|p| !p.starts_with("/v1/docs")),
        "{:?}",
        paths.keys()
    );
}

#[tokio::test]
async fn search_pages_with_cursors_and_names_bad_parameters() {
    let app = app();
    let first = get(
        &app,
        "/v1/search?q=*&limit=30&sort=value&facets=true",
        Some(&app.reader),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let page = first.json();
    assert_eq!(page["total"], 80);
    assert_eq!(page["hits"].as_array().unwrap().len(), 30);
    assert!(page["facets"]["tier"].is_array());
    let mut seen: Vec<String> = page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["application_number"].as_str().unwrap().to_string())
        .collect();
    let mut cursor = page["next_cursor"].as_str().map(str::to_string);
    while let Some(c) = cursor {
        let next = get(
            &app,
            &format!("/v1/search?q=*&limit=30&sort=value&facets=true&cursor={c}"),
            Some(&app.reader),
        )
        .await
        .json();
        seen.extend(
            next["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["application_number"].as_str().unwrap().to_string()),
        );
        cursor = next["next_cursor"].as_str().map(str::to_string);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        80,
        "paging with cursors returns every patent once"
    );
    for (query, parameter) in [
        ("q=电池&limit=0", "limit"),
        ("q=电池&limit=5000", "limit"),
        ("q=电池&sort=sideways", "sort"),
        ("q=电池&cursor=zz", "cursor"),
        ("q=电池&type=plant", "type"),
        ("q=电池&industry=造船", "industry"),
        ("q=电池&tier=Z", "tier"),
        ("q=电池&min_value=abc", "min_value"),
        ("q=%22%E7%94%B5", "query"),
        ("q=电池&colour=red", "colour"),
    ] {
        let reply = get(&app, &format!("/v1/search?{query}"), Some(&app.reader)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(reply.is_problem(), "{query}");
        let named = reply.json()["parameter"].as_str().unwrap_or("").to_string();
        assert!(
            named == parameter
                || reply.json()["detail"]
                    .as_str()
                    .unwrap_or("")
                    .contains(parameter),
            "{query}: {}",
            reply.json()
        );
    }
    let anonymous = get(&app, "/v1/search?q=电池", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers.get(header::WWW_AUTHENTICATE).is_some());
    let wrong = get(&app, "/v1/search?q=电池", Some("psk_0000")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn public_reads_need_no_key_but_writes_do() {
    let app = app_with(ApiConfig {
        public_reads: true,
        ..ApiConfig::default()
    });
    assert_eq!(
        get(&app, "/v1/search?q=电池", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/v1/industries", None).await.status,
        StatusCode::OK
    );
    let post = call(
        &app,
        "POST",
        "/v1/demands",
        None,
        Some("application/json"),
        br#"{"title":"x"}"#.to_vec(),
    )
    .await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let batch = call(
        &app,
        "POST",
        "/v1/batches",
        None,
        Some("text/csv"),
        b"a,b\n".to_vec(),
    )
    .await;
    assert_eq!(batch.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn patents_cards_similar_and_their_errors() {
    let app = app();
    let number = &app.numbers[0];
    let reply = get(&app, &format!("/v1/patents/{number}"), Some(&app.reader)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["patent"]["application_number"], number.as_str());
    assert!(body["score_card"]["value"].as_f64().is_some());
    assert_eq!(body["score_card"]["policy"].as_array().unwrap().len(), 5);
    // Any spelling of the number works.
    let bare = number.trim_start_matches("CN").replace('.', "");
    assert_eq!(
        get(&app, &format!("/v1/patents/{bare}"), Some(&app.reader))
            .await
            .status,
        StatusCode::OK
    );
    let bad = get(&app, "/v1/patents/CN123", Some(&app.reader)).await;
    assert_eq!(
        (bad.status, bad.json()["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("application_number"))
    );
    let unknown = get(&app, "/v1/patents/CN202110123456.7", Some(&app.reader)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.is_problem());
    let similar = get(
        &app,
        &format!("/v1/patents/{number}/similar?limit=5"),
        Some(&app.reader),
    )
    .await;
    assert_eq!(similar.status, StatusCode::OK);
    let list = similar.json()["similar"].as_array().unwrap().clone();
    assert!(
        !list.is_empty()
            && list
                .iter()
                .all(|s| s["application_number"] != number.as_str())
    );
    assert_eq!(
        get(
            &app,
            &format!("/v1/patents/{number}/similar?limit=-1"),
            Some(&app.reader)
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(
            &app,
            &format!("/v1/patents/{number}/demands"),
            Some(&app.reader)
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn industries_shortlists_and_institution_reports() {
    let app = app();
    let industries = get(&app, "/v1/industries", Some(&app.reader)).await.json();
    assert_eq!(industries["industries"].as_array().unwrap().len(), 10);
    let name = industries["industries"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|i| i["patents"].as_u64())
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("/v1/industries/{}/shortlist", encode(&name));
    let json = get(&app, &format!("{url}?limit=3"), Some(&app.reader)).await;
    assert_eq!(json.status, StatusCode::OK);
    let total: usize = json.headers["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(json.json()["rows"].as_array().unwrap().len(), 3.min(total));
    assert_eq!(json.json()["total"].as_u64().unwrap() as usize, total);
    let csv = get(&app, &format!("{url}?format=csv"), Some(&app.reader)).await;
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    let lines = String::from_utf8(csv.body[3..].to_vec())
        .unwrap()
        .lines()
        .count();
    assert_eq!(lines, total + 1, "header plus every row");
    assert_eq!(
        csv.headers["x-row-count"].to_str().unwrap(),
        total.to_string()
    );
    let parquet = get(&app, &format!("{url}?format=parquet"), Some(&app.reader)).await;
    assert!(parquet.body.starts_with(b"PAR1"));
    assert_eq!(
        get(&app, &format!("{url}?format=xml"), Some(&app.reader))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let unknown = get(
        &app,
        &format!("/v1/industries/{}/shortlist", encode("造船")),
        Some(&app.reader),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.json()["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("industry"))
    );
    let report = get(
        &app,
        &format!("/v1/institutions/{}/report", encode("清华大学")),
        Some(&app.reader),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(report.json()["patents"], 80);
    assert_eq!(
        get(
            &app,
            &format!("/v1/institutions/{}/report", encode("不存在大学")),
            Some(&app.reader)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn demands_are_stored_matched_and_validated() {
    let app = app();
    let body = serde_json::json!({ "title": "锂电池热管理", "description": "需要动力电池包的液冷散热方案", "region": "北京市海淀区" });
    let created = call(
        &app,
        "POST",
        "/v1/demands",
        Some(&app.reader),
        Some("application/json"),
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_i64().unwrap();
    assert_eq!(
        get(&app, &format!("/v1/demands/{id}"), Some(&app.reader))
            .await
            .json()["title"],
        "锂电池热管理"
    );
    let matches = get(
        &app,
        &format!("/v1/demands/{id}/matches?limit=5"),
        Some(&app.reader),
    )
    .await;
    assert_eq!(matches.status, StatusCode::OK);
    assert!(matches.json()["matches"].is_array());
    let unsaved = call(
        &app,
        "POST",
        "/v1/match?limit=3",
        Some(&app.reader),
        Some("application/json"),
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(unsaved.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/v1/demands", Some(&app.reader)).await.json()["total"],
        1
    );
    for (payload, content_type, parameter) in [
        (r#"{"title":""}"#, "application/json", "title"),
        (r#"{"title":"x","colour":1}"#, "application/json", "body"),
        (
            r#"{"title":"x","industry":"造船"}"#,
            "application/json",
            "industry",
        ),
        (r#"{"title": 5}"#, "application/json", "title"),
        ("{not json", "application/json", "body"),
        (r#"{"title":"x"}"#, "text/plain", "Content-Type"),
    ] {
        let reply = call(
            &app,
            "POST",
            "/v1/demands",
            Some(&app.reader),
            Some(content_type),
            payload.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{payload}");
        assert!(reply.is_problem());
        let named = reply.json()["parameter"].as_str().unwrap_or("").to_string();
        assert!(
            named == parameter
                || reply.json()["detail"]
                    .as_str()
                    .unwrap_or("")
                    .contains("colour"),
            "{payload}: {}",
            reply.json()
        );
    }
    assert_eq!(
        get(&app, "/v1/demands/999", Some(&app.reader)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/v1/demands/abc", Some(&app.reader)).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn batches_are_queued_processed_and_reported() {
    let app = app();
    let fresh = patents(32, 15, "清华大学", 300_000);
    let csv = patscreen::ingest::write_csv(
        Vec::new(),
        &fresh,
        patscreen::ingest::HeaderLanguage::Chinese,
        true,
    )
    .unwrap();
    let queued = call(
        &app,
        "POST",
        "/v1/batches?source_name=fresh.csv",
        Some(&app.thu),
        Some("text/csv"),
        csv,
    )
    .await;
    assert_eq!(queued.status, StatusCode::ACCEPTED);
    let id = queued.json()["id"].as_i64().unwrap();
    assert_eq!(
        queued.headers[header::LOCATION],
        format!("/v1/batches/{id}")
    );
    let status = finished(&app, id).await;
    assert_eq!(status["status"], "accepted", "{status}");
    assert_eq!(status["counts"]["patents_new"], 15);
    let report = get(&app, &format!("/v1/batches/{id}/report"), Some(&app.thu)).await;
    assert_eq!(report.status, StatusCode::OK);
    let report = report.json();
    let tiers: u64 = ["A", "B", "C", "D", "lapsed", "unscored"]
        .iter()
        .map(|t| report["tiers"][t].as_u64().unwrap())
        .sum();
    assert_eq!(tiers, 15, "{}", report["tiers"]);
    assert!(report["data_gaps"].is_object());
    // One id per batch: the fixture's batch (submitted through the engine, as the CLI does)
    // is this one's previous batch, under the id the CLI printed for it.
    let engine_batches = app.library.batches().unwrap();
    let previous = engine_batches
        .iter()
        .filter(|b| b.institution == "清华大学" && b.id != id)
        .map(|b| b.id)
        .max()
        .unwrap();
    assert_eq!(
        report["diff"]["previous_id"], previous,
        "{}",
        report["diff"]
    );
    assert_eq!(report["diff"]["added"].as_array().unwrap().len(), 15);
    // The report as a spreadsheet: one row per patent of the batch.
    for format in ["xlsx", "csv"] {
        let sheet = get(
            &app,
            &format!("/v1/batches/{id}/report?format={format}"),
            Some(&app.thu),
        )
        .await;
        assert_eq!(sheet.status, StatusCode::OK, "{format}");
        assert_eq!(sheet.headers["x-row-count"], "15", "{format}");
        if format == "xlsx" {
            assert!(sheet.body.starts_with(b"PK"), "a ZIP container");
        } else {
            let text = String::from_utf8(sheet.body[3..].to_vec()).unwrap();
            assert_eq!(text.lines().count(), 16);
        }
    }
    let bad = get(
        &app,
        &format!("/v1/batches/{id}/report?format=pdf"),
        Some(&app.thu),
    )
    .await;
    assert_eq!(bad.json()["parameter"], "format");
    let previous_status = get(&app, &format!("/v1/batches/{previous}"), Some(&app.thu)).await;
    assert_eq!(previous_status.status, StatusCode::OK);
    assert_eq!(previous_status.json()["status"], "accepted");
    // A second batch for the same institution is compared with the first.
    let more = patents(33, 5, "清华大学", 310_000);
    let second = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("application/x-ndjson"),
        patscreen::ingest::write_jsonl(Vec::new(), &more).unwrap(),
    )
    .await;
    let second_id = second.json()["id"].as_i64().unwrap();
    finished(&app, second_id).await;
    let diff = get(
        &app,
        &format!("/v1/batches/{second_id}/report"),
        Some(&app.thu),
    )
    .await
    .json()["diff"]
        .clone();
    assert_eq!(diff["previous_id"], id);
    assert_eq!(diff["added"].as_array().unwrap().len(), 5);
    // A malformed file is rejected with its reason; an institution cannot read another's batch.
    let broken = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("text/csv"),
        "申请号,摘要\nCN202110123456.7,x\n".as_bytes().to_vec(),
    )
    .await;
    let broken_id = broken.json()["id"].as_i64().unwrap();
    let status = finished(&app, broken_id).await;
    assert_eq!(status["status"], "rejected");
    assert!(
        status["error"]
            .as_str()
            .unwrap()
            .contains("missing required column title"),
        "{status}"
    );
    assert_eq!(
        get(
            &app,
            &format!("/v1/batches/{broken_id}/report"),
            Some(&app.thu)
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "a rejected batch has no screening report"
    );
    assert_eq!(
        get(&app, &format!("/v1/batches/{id}"), Some(&app.pku))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, &format!("/v1/batches/{id}"), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/v1/batches/12345", Some(&app.admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let listed = get(&app, "/v1/batches", Some(&app.pku)).await.json();
    assert_eq!(listed["total"], 0, "a submitter lists only its own batches");
    let bad_type = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("image/png"),
        b"x".to_vec(),
    )
    .await;
    assert_eq!(
        (bad_type.status, bad_type.json()["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Content-Type"))
    );
    let empty = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("text/csv"),
        Vec::new(),
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
}

/// A batch refused whole (all or nothing with a bad row) keeps its row report: the status
/// lists every row at fault and the row report downloads, while the library is unchanged.
#[tokio::test]
async fn a_batch_refused_whole_keeps_its_row_report() {
    let app = app();
    let before = app.library.stats().unwrap();
    let fresh = patents(41, 12, "清华大学", 320_000);
    let csv = patscreen::ingest::write_csv(
        Vec::new(),
        &fresh,
        patscreen::ingest::HeaderLanguage::Chinese,
        true,
    )
    .unwrap();
    let mut text = String::from_utf8(csv).unwrap();
    // Two rows with a wrong check digit.
    for number in [&fresh[1], &fresh[6]].map(|p| p.application_number.to_string()) {
        let mut bad = number.clone();
        let digit = bad.pop().unwrap();
        bad.push(if digit == '1' { '2' } else { '1' });
        text = text.replacen(&number, &bad, 1);
    }
    let queued = call(
        &app,
        "POST",
        "/v1/batches?source_name=strict.csv&all_or_nothing=true",
        Some(&app.thu),
        Some("text/csv"),
        text.into_bytes(),
    )
    .await;
    assert_eq!(queued.status, StatusCode::ACCEPTED);
    let id = queued.json()["id"].as_i64().unwrap();
    let status = finished(&app, id).await;
    assert_eq!(status["status"], "rejected", "{status}");
    assert_eq!(status["counts"]["rows_total"], 12, "{status}");
    assert_eq!(status["counts"]["rows_rejected"], 2, "{status}");
    assert_eq!(status["counts"]["patents_new"], 0, "{status}");
    let rows: Vec<u64> = status["errors"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    // The file's lines (claims span several), in order.
    assert!(rows.len() == 2 && rows[0] < rows[1], "{status}");
    assert_eq!(status["errors"]["items"][0]["field"], "application_number");
    // Paged like an accepted batch's.
    let second = get(
        &app,
        &format!("/v1/batches/{id}?errors_offset=1&errors_limit=1"),
        Some(&app.thu),
    )
    .await
    .json();
    assert_eq!(second["errors"]["items"][0]["row"], rows[1], "{second}");
    assert!(second["errors"]["next"].is_null());
    // The row report as a spreadsheet: a header and one line per row at fault.
    let sheet = get(&app, &format!("/v1/batches/{id}/errors"), Some(&app.thu)).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(sheet.headers["x-row-count"], "2");
    let csv = String::from_utf8(sheet.body[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "行,类别,字段,列,原因");
    assert!(
        lines[1].starts_with(&format!("{},错误（该行未接收）,申请号,", rows[0])),
        "{csv}"
    );
    assert!(lines[2].starts_with(&format!("{},", rows[1])), "{csv}");
    let xlsx = get(
        &app,
        &format!("/v1/batches/{id}/errors?format=xlsx"),
        Some(&app.thu),
    )
    .await;
    assert!(xlsx.body.starts_with(b"PK"), "a ZIP container");
    // Nothing was added.
    assert_eq!(app.library.stats().unwrap(), before);
    // Its errors are the submitter's own, and a bad format is named.
    assert_eq!(
        get(&app, &format!("/v1/batches/{id}/errors"), Some(&app.pku))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = get(
        &app,
        &format!("/v1/batches/{id}/errors?format=pdf"),
        Some(&app.thu),
    )
    .await;
    assert_eq!(bad.json()["parameter"], "format");
    // A file that could not be read at all has one line saying why.
    let broken = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("text/csv"),
        "申请号,摘要\nCN202110123456.7,x\n".as_bytes().to_vec(),
    )
    .await;
    let broken_id = broken.json()["id"].as_i64().unwrap();
    finished(&app, broken_id).await;
    let sheet = get(
        &app,
        &format!("/v1/batches/{broken_id}/errors"),
        Some(&app.thu),
    )
    .await;
    assert_eq!(sheet.headers["x-row-count"], "1");
    let csv = String::from_utf8(sheet.body[3..].to_vec()).unwrap();
    assert!(csv.contains("missing required column title"), "{csv}");
}

/// A multipart/form-data body: `fields` as text parts, then `file` (name, bytes) as the file
/// part, under `boundary`.
fn multipart(boundary: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// Uploads as browsers and HTTP tools send them: a multipart form (the file's name gives the
/// format and the source name, fields give the settings) and an octet stream named by
/// `source_name`; what is missing or wrong is named.
#[tokio::test]
async fn uploads_arrive_as_multipart_forms_and_named_octet_streams() {
    let app = app();
    let csv = patscreen::ingest::write_csv(
        Vec::new(),
        &patents(51, 6, "清华大学", 330_000),
        patscreen::ingest::HeaderLanguage::Chinese,
        true,
    )
    .unwrap();
    let form = "multipart/form-data; boundary=XyZ123";
    let sent = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some(form),
        multipart(
            "XyZ123",
            &[("all_or_nothing", "true"), ("mode", "merge")],
            Some(("清华 2026.CSV", &csv)),
        ),
    )
    .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text());
    let status = finished(&app, sent.json()["id"].as_i64().unwrap()).await;
    assert_eq!(status["status"], "accepted", "{status}");
    assert_eq!(status["source_name"], "清华 2026.CSV");
    assert_eq!(status["format"], "csv");
    assert_eq!(status["counts"]["patents_new"], 6);
    // An admin names the institution in a field.
    let jsonl =
        patscreen::ingest::write_jsonl(Vec::new(), &patents(52, 4, "北京大学", 340_000)).unwrap();
    let by_admin = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.admin),
        Some(form),
        multipart(
            "XyZ123",
            &[("institution", "北京大学")],
            Some(("pku.jsonl", &jsonl)),
        ),
    )
    .await;
    assert_eq!(by_admin.status, StatusCode::ACCEPTED, "{}", by_admin.text());
    let status = finished(&app, by_admin.json()["id"].as_i64().unwrap()).await;
    assert_eq!(
        (status["status"].as_str(), status["institution"].as_str()),
        (Some("accepted"), Some("北京大学")),
        "{status}"
    );
    // A form's format field may follow its file; a file part that nothing names is known by
    // its first bytes (JSON Lines here).
    let unnamed =
        patscreen::ingest::write_jsonl(Vec::new(), &patents(54, 2, "北京大学", 360_000)).unwrap();
    for fields in [&[("format", "jsonl")][..], &[][..]] {
        let mut body = multipart("XyZ123", &[], Some(("batch", &unnamed)));
        // The fields after the file: the closing boundary is moved after them.
        body.truncate(body.len() - b"--XyZ123--\r\n".len());
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--XyZ123\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(b"--XyZ123--\r\n");
        let uri = format!("/v1/batches?institution={}", encode("北京大学"));
        let sent = call(&app, "POST", &uri, Some(&app.admin), Some(form), body).await;
        assert_eq!(
            sent.status,
            StatusCode::ACCEPTED,
            "{fields:?}: {}",
            sent.text()
        );
        let status = finished(&app, sent.json()["id"].as_i64().unwrap()).await;
        assert_eq!(
            (status["status"].as_str(), status["format"].as_str()),
            (Some("accepted"), Some("jsonl")),
            "{fields:?}: {status}"
        );
    }
    // A file that is no batch, named or not, is queued and rejected with the reason.
    let docx = multipart(
        "XyZ123",
        &[],
        Some(("notes.docx", b"PK\x03\x04 not a workbook")),
    );
    let uri = format!("/v1/batches?institution={}", encode("北京大学"));
    let sent = call(&app, "POST", &uri, Some(&app.admin), Some(form), docx).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text());
    let status = finished(&app, sent.json()["id"].as_i64().unwrap()).await;
    assert_eq!(status["status"], "rejected", "{status}");
    assert!(
        status["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{status}"
    );
    // An octet stream takes its format from the file name.
    let octets = call(
        &app,
        "POST",
        "/v1/batches?source_name=more.jsonl",
        Some(&app.admin),
        Some("application/octet-stream"),
        patscreen::ingest::write_jsonl(Vec::new(), &patents(53, 3, "北京大学", 350_000)).unwrap(),
    )
    .await;
    assert_eq!(
        octets.status,
        StatusCode::BAD_REQUEST,
        "admin without institution"
    );
    assert_eq!(octets.json()["parameter"], "institution");
    let octets = call(
        &app,
        "POST",
        &format!(
            "/v1/batches?source_name=more.jsonl&institution={}",
            encode("北京大学")
        ),
        Some(&app.admin),
        Some("application/octet-stream"),
        patscreen::ingest::write_jsonl(Vec::new(), &patents(53, 3, "北京大学", 350_000)).unwrap(),
    )
    .await;
    assert_eq!(octets.status, StatusCode::ACCEPTED, "{}", octets.text());
    let status = finished(&app, octets.json()["id"].as_i64().unwrap()).await;
    assert_eq!(status["format"], "jsonl", "{status}");
    assert_eq!(status["counts"]["patents_new"], 3, "{status}");
    // What is missing or wrong is named, and nothing is queued.
    let before = get(&app, "/v1/batches", Some(&app.admin)).await.json()["total"].clone();
    let refusals: Vec<(Option<&str>, Vec<u8>, &str)> = vec![
        (Some("application/octet-stream"), b"x".to_vec(), "format"),
        (Some("multipart/form-data"), b"x".to_vec(), "Content-Type"),
        (
            Some(form),
            multipart("XyZ123", &[("mode", "merge")], None),
            "file",
        ),
        (
            Some(form),
            multipart("XyZ123", &[("colour", "red")], Some(("a.csv", &csv))),
            "colour",
        ),
        (
            Some(form),
            multipart("XyZ123", &[("mode", "overwrite")], Some(("a.csv", &csv))),
            "mode",
        ),
        (
            Some(form),
            multipart(
                "XyZ123",
                &[("all_or_nothing", "maybe")],
                Some(("a.csv", &csv)),
            ),
            "all_or_nothing",
        ),
        (Some(form), b"--XyZ123\r\nbroken".to_vec(), "body"),
    ];
    for (content_type, body, parameter) in refusals {
        let reply = call(
            &app,
            "POST",
            "/v1/batches",
            Some(&app.thu),
            content_type,
            body,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{parameter}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["parameter"], parameter, "{}", reply.text());
    }
    assert_eq!(
        get(&app, "/v1/batches", Some(&app.admin)).await.json()["total"],
        before
    );
    // A reader is refused before the body is read.
    let reader = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.reader),
        Some(form),
        multipart("XyZ123", &[], Some(("a.csv", &csv))),
    )
    .await;
    assert_eq!(reader.status, StatusCode::FORBIDDEN);
    // No file is left behind in the queue's folder by a refused upload.
    let incoming = app._dir.path().join("incoming");
    assert!(incoming.is_dir(), "{}", incoming.display());
    let left: Vec<_> = std::fs::read_dir(&incoming)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        left.iter().all(|n| !n.to_string_lossy().ends_with(".part")),
        "{left:?}"
    );
}

/// Every write endpoint × every role × own or another institution's patents.
#[tokio::test]
async fn authorisation_matrix_of_the_write_endpoints() {
    let app = app();
    let thu_patent = app.numbers[1].clone();
    let csv = |serial: u32| {
        patscreen::ingest::write_jsonl(
            Vec::new(),
            &patents(40 + u64::from(serial), 1, "清华大学", 400_000 + serial),
        )
        .unwrap()
    };
    let keys = [
        ("none", None),
        ("reader", Some(app.reader.clone())),
        ("other submitter", Some(app.pku.clone())),
        ("own submitter", Some(app.thu.clone())),
        ("admin", Some(app.admin.clone())),
    ];
    let mut serial = 0;
    for (who, key) in &keys {
        serial += 1;
        let expected = match *who {
            "none" => StatusCode::UNAUTHORIZED,
            "reader" => StatusCode::FORBIDDEN,
            "other submitter" => StatusCode::FORBIDDEN,
            _ => StatusCode::ACCEPTED,
        };
        // POST /v1/batches for 清华大学 (an admin names it; submitters are bound to theirs).
        let uri = if *who == "admin" || *who == "other submitter" {
            format!("/v1/batches?institution={}", encode("清华大学"))
        } else {
            "/v1/batches".to_string()
        };
        let reply = call(
            &app,
            "POST",
            &uri,
            key.as_deref(),
            Some("application/x-ndjson"),
            csv(serial),
        )
        .await;
        assert_eq!(
            reply.status,
            expected,
            "POST /v1/batches as {who}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert!(reply.status == StatusCode::ACCEPTED || reply.is_problem());
        // POST /v1/demands: any key, never anonymous.
        let demand = call(
            &app,
            "POST",
            "/v1/demands",
            key.as_deref(),
            Some("application/json"),
            r#"{"title":"需求"}"#.as_bytes().to_vec(),
        )
        .await;
        let expected_demand = if *who == "none" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::CREATED
        };
        assert_eq!(demand.status, expected_demand, "POST /v1/demands as {who}");
    }
    // DELETE /v1/patents/{n}: only its institution or an admin; checked last (it withdraws).
    for (who, key) in &keys[..3] {
        let reply = call(
            &app,
            "DELETE",
            &format!("/v1/patents/{thu_patent}"),
            key.as_deref(),
            None,
            Vec::new(),
        )
        .await;
        let expected = if *who == "none" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(reply.status, expected, "DELETE as {who}");
    }
    let own = call(
        &app,
        "DELETE",
        &format!("/v1/patents/{thu_patent}"),
        Some(&app.thu),
        None,
        Vec::new(),
    )
    .await;
    assert_eq!(own.status, StatusCode::ACCEPTED);
    let status = finished(&app, own.json()["id"].as_i64().unwrap()).await;
    assert_eq!(status["status"], "accepted", "{status}");
    assert_eq!(
        get(
            &app,
            &format!("/v1/patents/{thu_patent}"),
            Some(&app.reader)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let admin = call(
        &app,
        "DELETE",
        &format!("/v1/patents/{}", app.numbers[2]),
        Some(&app.admin),
        None,
        Vec::new(),
    )
    .await;
    assert_eq!(admin.status, StatusCode::ACCEPTED);
    // The library never took a patent from another institution.
    assert!(
        app.library
            .batches()
            .unwrap()
            .iter()
            .all(|b| b.institution == "清华大学")
    );
}

#[tokio::test]
async fn malformed_requests_get_4xx_problems_never_5xx() {
    let app = app_with(ApiConfig {
        max_body_bytes: 64 * 1024,
        max_query_bytes: 512,
        ..ApiConfig::default()
    });
    let long_query = format!("/v1/search?q={}", "电".repeat(400));
    let cases: Vec<(&str, String, Option<&str>, Vec<u8>)> = vec![
        ("GET", long_query, None, vec![]),
        ("GET", "/v1/search?q=%E7%94".into(), None, vec![]),
        ("GET", "/v1/search?limit=10&limit=20".into(), None, vec![]),
        (
            "GET",
            "/v1/search?q=(((((((((((((((((((a".into(),
            None,
            vec![],
        ),
        ("GET", "/v1/search?q=ipc:".into(), None, vec![]),
        ("GET", "/v1/search?q=AND".into(), None, vec![]),
        ("GET", "/v1/search?type=patent".into(), None, vec![]),
        ("GET", "/v1/search?min_value=500".into(), None, vec![]),
        ("GET", "/v1/search?sort=best".into(), None, vec![]),
        ("GET", "/v1/patents/%FF".into(), None, vec![]),
        (
            "GET",
            "/v1/patents/CN202110123456.7/similar?limit=x".into(),
            None,
            vec![],
        ),
        ("GET", "/v1/batches/-1".into(), None, vec![]),
        ("GET", "/v1/batches/999/report".into(), None, vec![]),
        (
            "GET",
            "/v1/demands/1/matches?limit=100000".into(),
            None,
            vec![],
        ),
        ("PUT", "/v1/search".into(), None, vec![]),
        (
            "POST",
            "/v1/match".into(),
            Some("application/json"),
            b"[]".to_vec(),
        ),
        (
            "POST",
            "/v1/match".into(),
            Some("application/json"),
            vec![0xff, 0xfe],
        ),
        (
            "POST",
            "/v1/demands".into(),
            Some("application/json"),
            vec![b'x'; 100 * 1024],
        ),
        (
            "POST",
            "/v1/batches".into(),
            Some("text/csv"),
            vec![b'x'; 100 * 1024],
        ),
        (
            "POST",
            "/v1/batches?mode=overwrite".into(),
            Some("text/csv"),
            b"a".to_vec(),
        ),
        (
            "POST",
            "/v1/batches?format=docx".into(),
            Some("text/csv"),
            b"a".to_vec(),
        ),
        (
            "GET",
            "/v1/industries/%E9%80%A0/shortlist?tier=Q".into(),
            None,
            vec![],
        ),
        ("DELETE", "/v1/patents/not-a-number".into(), None, vec![]),
    ];
    for (method, uri, content_type, body) in cases {
        let key = app.admin.clone();
        let reply = call(&app, method, &uri, Some(&key), content_type, body).await;
        assert!(
            reply.status.is_client_error(),
            "{method} {uri}: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        assert!(
            reply.is_problem(),
            "{method} {uri}: not problem+json: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
}

#[tokio::test]
async fn reads_keep_being_served_while_a_batch_is_indexed() {
    let app = app();
    let big = patents(34, 2500, "清华大学", 500_000);
    let body = patscreen::ingest::write_jsonl(Vec::new(), &big).unwrap();
    let queued = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("application/x-ndjson"),
        body,
    )
    .await;
    let id = queued.json()["id"].as_i64().unwrap();
    let (mut during, mut slowest) = (0, Duration::ZERO);
    loop {
        let started = Instant::now();
        let reply = get(&app, "/v1/search?q=电池&limit=5", Some(&app.reader)).await;
        slowest = slowest.max(started.elapsed());
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "a read failed during indexing"
        );
        let status = get(&app, &format!("/v1/batches/{id}"), Some(&app.thu))
            .await
            .json();
        if matches!(status["status"].as_str(), Some("accepted" | "rejected")) {
            assert_eq!(status["status"], "accepted");
            break;
        }
        if status["status"] == "processing" {
            during += 1;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("{during} searches answered while the batch was processed; slowest {slowest:?}");
    assert!(
        during >= 3,
        "the batch finished before reads could be tried during it"
    );
    assert_eq!(app.library.indexed_patents().unwrap(), 2580);
}

#[test]
fn smoke_over_a_real_tcp_socket() {
    use std::io::{Read, Write};
    let app = app();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    let state = app.state.clone();
    let server = runtime.spawn(patscreen::api::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let request = format!(
        "GET /v1/search?q={}&limit=1 HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        encode("电池"),
        app.reader
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"total\""), "{response}");
    // A multipart upload over the socket, as a browser sends it.
    let csv = patscreen::ingest::write_csv(
        Vec::new(),
        &patents(54, 2, "清华大学", 360_000),
        patscreen::ingest::HeaderLanguage::Chinese,
        true,
    )
    .unwrap();
    let body = multipart("sock", &[], Some(("socket.csv", &csv)));
    // POSTs a batch with `headers` over a new connection; returns the raw response.
    let upload = |headers: &str, body: &[u8]| {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        let head = format!(
            "POST /v1/batches HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            app.thu,
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    let response = upload(
        "Content-Type: multipart/form-data; boundary=sock\r\n",
        &body,
    );
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    assert!(response.contains("\"status\":\"queued\""), "{response}");
    // And an octet stream named by Content-Disposition.
    let jsonl =
        patscreen::ingest::write_jsonl(Vec::new(), &patents(55, 2, "清华大学", 370_000)).unwrap();
    let response = upload(
        "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"socket.jsonl\"\r\n",
        &jsonl,
    );
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    let _ = stop.send(());
    runtime.block_on(server).unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_finishes_the_batch_in_progress_and_interrupted_batches_are_requeued() {
    let app = app();
    let big = patents(35, 1500, "清华大学", 600_000);
    let queued = call(
        &app,
        "POST",
        "/v1/batches",
        Some(&app.thu),
        Some("application/x-ndjson"),
        patscreen::ingest::write_jsonl(Vec::new(), &big).unwrap(),
    )
    .await;
    let id = queued.json()["id"].as_i64().unwrap();
    // Wait until the worker has taken it, then stop: the batch must finish, not be dropped.
    let started = Instant::now();
    while get(&app, &format!("/v1/batches/{id}"), Some(&app.thu))
        .await
        .json()["status"]
        == "queued"
    {
        assert!(started.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let worker = app.state.worker.clone();
    tokio::task::spawn_blocking(move || worker.stop())
        .await
        .unwrap();
    assert!(!app.state.worker.is_alive());
    let status = app.library.batch_status(id).unwrap();
    assert_eq!(status.submission.status, "accepted");
    assert_eq!(app.library.indexed_patents().unwrap(), 1580);
    // A batch left "processing" by a crash goes back to the queue when the library opens.
    let second = app.library.enqueue(patscreen::engine::Submission {
        source_name: "late.jsonl".into(),
        bytes: patscreen::ingest::write_jsonl(Vec::new(), &patents(36, 3, "清华大学", 700_000))
            .unwrap(),
        format: patscreen::ingest::Format::Jsonl,
        institution: "清华大学".into(),
        all_or_nothing: false,
        replace: false,
    });
    let second = second.unwrap();
    assert_eq!(app.library.requeue_interrupted().unwrap(), 0);
    let processed = app.library.process_next(&Silent).unwrap().unwrap();
    assert_eq!(processed.0, second);
    assert_eq!(
        app.library.batch_status(second).unwrap().submission.status,
        "accepted"
    );
}

/// A request with the console's session cookie (and a CSRF token) instead of a key.
async fn with_cookie(
    app: &TestApp,
    method: &str,
    uri: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, format!("theme=light; {cookie}"));
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    respond(&app.state, request.body(body).unwrap()).await
}

#[tokio::test]
async fn console_sessions_sign_in_with_a_key_and_guard_writes_with_csrf() {
    let app = app();
    let sign_in = |key: String| {
        call(
            &app,
            "POST",
            "/v1/session",
            None,
            Some("application/json"),
            serde_json::json!({ "key": key }).to_string().into_bytes(),
        )
    };
    // A wrong key is refused and sets no cookie.
    let mut wrong = app.thu.clone();
    let last = wrong.pop();
    wrong.push(if last == Some('a') { 'b' } else { 'a' });
    let refused = sign_in(wrong).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.is_problem() && refused.headers.get(header::SET_COOKIE).is_none());

    let signed = sign_in(app.thu.clone()).await;
    assert_eq!(signed.status, StatusCode::CREATED);
    let set_cookie = signed.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Max-Age=28800",
        "Path=/",
    ] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let session = signed.json();
    assert_eq!(session["role"], "submitter");
    assert_eq!(session["institution"], "清华大学");
    assert!(
        !String::from_utf8_lossy(&signed.body).contains(&app.thu),
        "the key is never sent back"
    );
    let csrf = session["csrf_token"].as_str().unwrap().to_string();

    // Reads work with the cookie alone.
    let me = with_cookie(&app, "GET", "/v1/session", &cookie, None, None).await;
    assert_eq!(me.json()["csrf_token"], csrf.as_str());
    let search = with_cookie(&app, "GET", "/v1/search?q=电池", &cookie, None, None).await;
    assert_eq!(search.status, StatusCode::OK);

    // A write needs the CSRF token: without it, or with another, it is refused.
    let demand = serde_json::json!({ "title": "锂电池热管理", "description": "需要动力电池包的液冷散热方案" });
    let forged = with_cookie(
        &app,
        "POST",
        "/v1/demands",
        &cookie,
        None,
        Some(demand.clone()),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        forged.json()["detail"]
            .as_str()
            .unwrap()
            .contains("X-CSRF-Token")
    );
    let wrong = with_cookie(
        &app,
        "POST",
        "/v1/demands",
        &cookie,
        Some("0"),
        Some(demand.clone()),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let created = with_cookie(
        &app,
        "POST",
        "/v1/demands",
        &cookie,
        Some(&csrf),
        Some(demand),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    // The session keeps the key's role and institution: a submitter sees its own batches only.
    let batches = with_cookie(
        &app,
        "GET",
        "/v1/batches?institution=北京大学",
        &cookie,
        None,
        None,
    )
    .await;
    let listed = batches.json();
    let institutions: Vec<&str> = listed["batches"]
        .as_array()
        .map(|b| b.iter().filter_map(|b| b["institution"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        !institutions.is_empty() && institutions.iter().all(|i| *i == "清华大学"),
        "{listed}"
    );

    // Signing out needs the token too, ends the session and clears the cookie.
    let out = with_cookie(&app, "DELETE", "/v1/session", &cookie, None, None).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    let out = with_cookie(&app, "DELETE", "/v1/session", &cookie, Some(&csrf), None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = with_cookie(&app, "GET", "/v1/session", &cookie, None, None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    // The ended session is no key: reads on a private server are refused again.
    let read = with_cookie(&app, "GET", "/v1/search?q=电池", &cookie, None, None).await;
    assert_eq!(read.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_console_is_served_at_its_pages_with_a_strict_policy() {
    let app = app();
    for page in [
        "/",
        "/search?q=电池&sort=value",
        "/patents/CN202110123456.7",
        "/industries/人工智能",
        "/batches/3",
        "/institutions/清华大学",
    ] {
        let reply = get(&app, page, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{csp}");
        }
        let html = String::from_utf8(reply.body).unwrap();
        assert!(html.contains("/console/app.js") && html.contains("高价值专利库"));
    }
    let script = get(&app, "/console/app.js", None).await;
    assert_eq!(
        script.headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(
        String::from_utf8(script.body)
            .unwrap()
            .contains("X-CSRF-Token")
    );
    // Addresses outside the console and the API are still problems, not the shell.
    let missing = get(&app, "/nowhere", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.is_problem());
}
