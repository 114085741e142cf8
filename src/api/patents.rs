//! `/v1/patents/{number}`: a patent with its score card, its withdrawal by its own
//! institution, similar patents and the demands it could serve.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, ApiQuery, Auth};
use super::{AppState, spawn_cpu, spawn_heavy};
use crate::engine::Submission;
use crate::ingest::Format;
use crate::model::ApplicationNumber;

/// How many results.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LimitParams {
    /// Results to return (default 10, at most the page limit).
    pub limit: Option<usize>,
}

impl LimitParams {
    /// The limit, checked against the page limit.
    pub fn get(&self, state: &AppState) -> ApiResult<usize> {
        let limit = self.limit.unwrap_or(10);
        if limit == 0 || limit > state.config.max_page {
            return Err(ApiError::bad(
                "limit",
                format!("must be between 1 and {}", state.config.max_page),
            ));
        }
        Ok(limit)
    }
}

/// The application number of the patent the path names by any of its numbers (application
/// number with or without check digit, `ZL` number, or A/B publication number).
async fn number(state: &AppState, raw: &str) -> ApiResult<ApplicationNumber> {
    let library = state.library.clone();
    let raw = raw.to_string();
    Ok(spawn_cpu(move || library.resolve("application_number", &raw)).await??)
}

/// The patent record and its score card.
#[utoipa::path(get, path = "/v1/patents/{number}", operation_id = "get_patent", tag = "patents", params(("number" = String, Path, description = "application number, any common spelling")),
    responses((status = 200, description = "record and score card", body = super::bodies::PatentPage), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json"), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn patent(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let number = number(&state, &raw).await?;
    let library = state.library.clone();
    let (patent, card) = spawn_cpu(move || -> crate::Result<_> {
        let patent = library.patent(&number)?;
        let card = library.card(&number).ok();
        Ok((patent, card))
    })
    .await??;
    Ok(Json(super::bodies::PatentPage {
        patent,
        score_card: card,
    }))
}

/// Withdraws a patent from the library (its own institution or an admin): queued as a batch.
#[utoipa::path(delete, path = "/v1/patents/{number}", operation_id = "withdraw_patent", tag = "patents", params(("number" = String, Path, description = "application number")),
    responses((status = 202, description = "withdrawal queued as a batch", body = super::batches::Queued), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json"), (status = 403, description = "the key may not do this", body = super::Problem, content_type = "application/problem+json"), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    auth.any_key()?;
    let number = number(&state, &raw).await?;
    let library = state.library.clone();
    let owner = {
        let number = number.clone();
        spawn_cpu(move || library.patent(&number))
            .await??
            .institution
            .unwrap_or_default()
    };
    auth.writer_for(&owner)?;
    let row = serde_json::json!({ "application_number": number.as_str(), "withdrawn": true });
    let submission = Submission {
        source_name: format!("withdraw-{}.jsonl", number.as_str()),
        bytes: format!("{row}\n").into_bytes(),
        format: Format::Jsonl,
        institution: owner,
        all_or_nothing: true,
        replace: false,
    };
    let library = state.library.clone();
    let id = tokio::task::spawn_blocking(move || library.enqueue(submission))
        .await
        .map_err(ApiError::internal)??;
    state.worker.notify();
    let url = format!("/v1/batches/{id}");
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, url.clone())],
        Json(super::batches::Queued {
            id,
            status: "queued".into(),
            report_url: format!("{url}/report"),
            status_url: url,
        }),
    ))
}

/// Patents similar to this one, with the shared terms and IPC as the reason.
#[utoipa::path(get, path = "/v1/patents/{number}/similar", operation_id = "get_similar_patents", tag = "patents", params(("number" = String, Path, description = "application number"), LimitParams),
    responses((status = 200, description = "similar patents", body = super::bodies::SimilarList), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn similar(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(params): ApiQuery<LimitParams>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let number = number(&state, &raw).await?;
    let limit = params.get(&state)?;
    let library = state.library.clone();
    let number_text = number.to_string();
    let similar = spawn_heavy(move || library.similar(&number, limit)).await??;
    Ok(Json(super::bodies::SimilarList {
        application_number: number_text,
        similar,
    }))
}

/// Stored demands this patent could serve, with reasons.
#[utoipa::path(get, path = "/v1/patents/{number}/demands", operation_id = "get_patent_demands", tag = "matchmaking", params(("number" = String, Path, description = "application number"), LimitParams),
    responses((status = 200, description = "matching demands", body = super::bodies::PatentDemands), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn demands(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(params): ApiQuery<LimitParams>,
) -> ApiResult<impl IntoResponse> {
    auth.any_key()?;
    let number = number(&state, &raw).await?;
    let limit = params.get(&state)?;
    let library = state.library.clone();
    let number_text = number.to_string();
    let demands = spawn_heavy(move || library.demands_for_patent(&number, limit)).await??;
    Ok(Json(super::bodies::PatentDemands {
        application_number: number_text,
        demands,
    }))
}
