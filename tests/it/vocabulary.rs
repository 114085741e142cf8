//! One vocabulary for request values: each value of a table behaves the same through
//! `patscreen search --format json`, `GET /v1/search` and the query text, and an unknown value
//! gets one message naming the parameter and listing the accepted values.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use patscreen::api::{ApiConfig, AppState};
use patscreen::engine::{Library, Role};
use patscreen::progress::Silent;
use serde_json::Value;

use crate::common::{Reply, cli, jsonl, open, patents, respond};

/// A library of two institutions, served in process, and its data directory for the CLI.
struct Served {
    dir: tempfile::TempDir,
    state: AppState,
    key: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.state.worker.stop();
    }
}

fn served() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let library = open(dir.path());
    for (seed, institution, first) in [(41, "清华大学", 0), (42, "北京大学", 500)] {
        let batch = patents(seed, 60, institution, first);
        library
            .submit(jsonl("v.jsonl", institution, &batch), &Silent)
            .unwrap();
    }
    let library: Arc<Library> = Arc::new(library);
    let key = library.create_key(Role::Reader, None, "test").unwrap().1;
    let state = AppState::new(library, ApiConfig::default());
    Served { dir, state, key }
}

impl Served {
    async fn get(&self, uri: &str) -> Reply {
        let request = Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.key))
            .body(Body::empty())
            .unwrap();
        respond(&self.state, request).await
    }

    /// The hits' application numbers through the API, in order.
    async fn api(&self, query: &[(&str, &str)]) -> Result<Vec<String>, (String, String)> {
        let mut pairs = vec![("limit", "200"), ("snippets", "false")];
        pairs.extend_from_slice(query);
        let uri = format!(
            "/v1/search?{}",
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
        );
        let reply = self.get(&uri).await;
        let body = reply.json();
        if reply.status == StatusCode::OK {
            Ok(numbers(&body))
        } else {
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            Err((
                body["parameter"].as_str().unwrap_or("").to_string(),
                body["detail"].as_str().unwrap_or("").to_string(),
            ))
        }
    }

    /// The hits' application numbers through the CLI, in order; or its error message.
    fn cli(&self, query: &str, options: &[(&str, &str)]) -> Result<Vec<String>, String> {
        let mut args = vec!["search", query, "--format", "json", "--limit", "200"];
        for (name, value) in options {
            args.push(name);
            args.push(value);
        }
        let out = cli(self.dir.path(), &args);
        if out.status.success() {
            Ok(numbers(&serde_json::from_slice(&out.stdout).unwrap()))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

fn numbers(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["application_number"].as_str().unwrap().to_string())
        .collect()
}

fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list
}

#[tokio::test]
async fn each_value_means_the_same_in_the_cli_the_api_and_the_query_text() {
    let served = served();
    let all = served.api(&[]).await.unwrap();
    assert_eq!(all.len(), 120);
    // (parameter, spellings of one value): every spelling, through every front end, finds the
    // same patents; the query text has `type:` and `status:`.
    let table: [(&str, &[&str]); 6] = [
        ("type", &["invention", "INVENTION", "发明"]),
        ("type", &["utility_model", "Utility-Model", "实用新型"]),
        ("status", &["in_force", "IN-FORCE", "有效"]),
        ("status", &["pending", "审中"]),
        ("tier", &["A", "a", "A 重点推广", "重点推广"]),
        ("tier", &["D", "d", "评估是否维持"]),
    ];
    for (parameter, spellings) in table {
        let expected = sorted(served.api(&[(parameter, spellings[0])]).await.unwrap());
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{parameter}={}: a filter that keeps some patents ({} of {})",
            spellings[0],
            expected.len(),
            all.len()
        );
        for spelling in spellings {
            let api = sorted(served.api(&[(parameter, spelling)]).await.unwrap());
            assert_eq!(api, expected, "GET /v1/search?{parameter}={spelling}");
            let option = format!("--{parameter}");
            let cli = sorted(served.cli("", &[(&option, spelling)]).unwrap());
            assert_eq!(cli, expected, "patscreen search {option} {spelling}");
            if parameter != "tier" && !spelling.contains(' ') {
                let text = format!("{parameter}:{spelling}");
                let q = sorted(served.api(&[("q", &text)]).await.unwrap());
                assert_eq!(q, expected, "q={text}");
            }
        }
    }
    // Sort orders by code and label, in order.
    for spellings in [
        ["newest", "最新申请"],
        ["oldest", "最早申请"],
        ["value", "价值分"],
    ] {
        let expected = served.api(&[("sort", spellings[0])]).await.unwrap();
        for spelling in spellings {
            assert_eq!(
                served.api(&[("sort", spelling)]).await.unwrap(),
                expected,
                "sort={spelling}"
            );
            assert_eq!(
                served.cli("", &[("--sort", spelling)]).unwrap(),
                expected,
                "--sort {spelling}"
            );
        }
    }
    // A year range that ends before it starts holds nothing, the same way everywhere.
    let inverted = [("year_from", "2030"), ("year_to", "2000")];
    assert_eq!(served.api(&inverted).await.unwrap(), Vec::<String>::new());
    let cli = served.cli("", &[("--year-from", "2030"), ("--year-to", "2000")]);
    assert_eq!(cli.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn an_unknown_value_gets_one_message_naming_the_parameter_and_the_accepted_values() {
    let served = served();
    let table = [
        (
            "type",
            "patent",
            "invention (发明), utility_model (实用新型), design (外观设计)",
        ),
        ("status", "alive", "pending (审中), in_force (有效)"),
        ("sort", "best", "relevance (相关度), newest (最新申请)"),
        ("tier", "Z", "A (A 重点推广), B (B 推广)"),
    ];
    for (parameter, value, accepted) in table {
        let (named, detail) = served.api(&[(parameter, value)]).await.unwrap_err();
        assert_eq!(named, parameter, "{parameter}={value}: {detail}");
        assert!(
            detail.starts_with(&format!("'{value}' is not a ")) && detail.contains(accepted),
            "{parameter}={value}: {detail}"
        );
        // The CLI says the same, naming its option.
        let message = served
            .cli("", &[(&format!("--{parameter}"), value)])
            .unwrap_err();
        assert!(
            message.contains(&format!("--{parameter}: {detail}")),
            "--{parameter} {value}: {message}"
        );
        // The query text too, naming its prefix.
        if matches!(parameter, "type" | "status") {
            let text = format!("{parameter}:{value}");
            let (named, in_query) = served.api(&[("q", &text)]).await.unwrap_err();
            assert_eq!(named, "query");
            assert_eq!(in_query, format!("{text}: {detail}"));
            let message = served.cli(&text, &[]).unwrap_err();
            assert!(
                message.contains(&format!("the query: {text}: {detail}")),
                "{text}: {message}"
            );
        }
    }
}
