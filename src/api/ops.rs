//! Operations: `/healthz`, `/readyz`, `/metrics`, the OpenAPI document, and problem+json for
//! unknown routes and methods.

use super::contract::Contract;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa::OpenApi;

use super::AppState;
use super::error::ApiError;

/// The OpenAPI description of the service, generated from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(title = "patscreen", description = "High-value patent library of Beijing universities: batches, search, scores, shortlists, matchmaking."),
    paths(
        super::batches::submit, super::batches::list, super::batches::status, super::batches::report, super::batches::errors,
        super::patents::patent, super::patents::withdraw, super::patents::similar, super::patents::demands,
        super::search::search,
        super::industries::list, super::industries::shortlist, super::industries::institution,
        super::demands::create, super::demands::list, super::demands::demand, super::demands::matches, super::demands::match_text,
        super::session::sign_in, super::session::current, super::session::sign_out,
        healthz, readyz, metrics,
    ),
    components(schemas(super::Problem, super::batches::Queued)),
    modifiers(&Contract),
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "operations", responses((status = 200, description = "alive", content_type = "text/plain", body = String)))]
pub async fn healthz() -> impl IntoResponse {
    "ok"
}

/// Readiness: the index is readable and the batch worker runs; quarantined batches are listed.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "operations", responses((status = 200, description = "ready", body = super::bodies::Readiness), (status = 503, description = "busy or not ready: ask again after Retry-After", body = super::Problem, content_type = "application/problem+json")))]
pub async fn readyz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    if !state.worker.is_alive() {
        return Err(ApiError::unavailable("the batch worker is not running", 5));
    }
    let library = state.library.clone();
    let (patents, quarantined) = tokio::task::spawn_blocking(move || {
        Ok::<_, crate::Error>((library.indexed_patents()?, library.quarantined()?))
    })
    .await
    .map_err(ApiError::internal)??;
    // A quarantined upload is set aside, so the queue goes on: the service stays ready and
    // names the batches an operator should look at.
    let quarantined: Vec<i64> = quarantined.iter().map(|s| s.id).collect();
    Ok(Json(super::bodies::Readiness {
        status: "ready".into(),
        patents,
        quarantined_batches: quarantined,
    }))
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "operations", responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let patents = state.library.indexed_patents().unwrap_or(0);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(patents),
    )
}

/// 404 for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such route; see /v1/openapi.json")
}

/// 405 for a known route with another method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed",
        "this route does not take this method; see /v1/openapi.json",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What openapi-spec-validator refused before: a response without a description, an
    /// operation id used twice. (`.ci/run` runs the validator itself on the served document.)
    #[test]
    fn every_response_is_described_and_every_operation_named_once() {
        let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut ids = std::collections::HashSet::new();
        let paths = document["paths"].as_object().unwrap();
        for (path, operations) in paths {
            for (method, operation) in operations.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap_or_default();
                assert!(
                    ids.insert(id.to_string()),
                    "{method} {path}: id '{id}' used twice"
                );
                for (status, response) in operation["responses"].as_object().unwrap() {
                    assert!(
                        response["description"]
                            .as_str()
                            .is_some_and(|d| !d.is_empty()),
                        "{method} {path} {status}: no description"
                    );
                    if status.starts_with('4') || status.starts_with('5') {
                        assert!(
                            response["content"]
                                .get("application/problem+json")
                                .is_some(),
                            "{method} {path} {status}: not problem+json"
                        );
                    }
                }
            }
        }
        assert!(ids.len() >= 24, "{} operations", ids.len());
    }

    /// Every success answer states its media types, and a JSON one its schema (so a generated
    /// client parses it and schemathesis checks it); the vocabularies' Chinese labels are
    /// allowed values; what creates things links to where they are read.
    #[test]
    fn every_answer_is_typed_and_the_vocabularies_are_the_codes_and_labels() {
        let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths = document["paths"].as_object().unwrap();
        for (path, operations) in paths {
            for (method, operation) in operations.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    if !status.starts_with('2') || status == "204" {
                        continue;
                    }
                    let content = response["content"].as_object();
                    assert!(
                        content.is_some_and(|c| !c.is_empty()),
                        "{method} {path} {status}: no media type"
                    );
                    if let Some(json) = content.and_then(|c| c.get("application/json")) {
                        assert!(
                            json.get("schema").is_some(),
                            "{method} {path} {status}: JSON without a schema"
                        );
                    }
                }
            }
        }
        let search = &paths["/v1/search"]["get"];
        let pattern = |name: &str| {
            search["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .map(|p| p["schema"]["pattern"].as_str().unwrap_or("").to_string())
                .unwrap()
        };
        for label in ["发明", "实用新型", "invention"] {
            assert!(pattern("type").contains(label), "type: {}", pattern("type"));
        }
        assert!(pattern("status").contains("有效"), "{}", pattern("status"));
        let links = &paths["/v1/batches"]["post"]["responses"]["202"]["links"];
        assert_eq!(links["status"]["operationId"], "get_batch");
        assert_eq!(links["status"]["parameters"]["id"], "$response.body#/id");
    }
}
